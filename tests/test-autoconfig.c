/* test-autoconfig.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "accord-core.h"
#include "accord-autoconfig.h"
#include "accord-decision.h"

static char *
_load (const char *name,
       gsize      *length)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "autoconfig", name, NULL);
  g_autoptr(GError) error = NULL;
  char *data = NULL;

  g_file_get_contents (path, &data, length, &error);
  g_assert_no_error (error);
  return data;
}

static AccordAutoconfig *
_parse_string (const char  *text,
               const char  *address,
               GError     **error)
{
  return accord_autoconfig_parse (text, strlen (text), address, ACCORD_SOURCE_AUTOCONFIG,
                                  "https://autoconfig.example.org/mail/config-v1.1.xml", error);
}

static void
_assert_fails (const char *data,
               gsize       length,
               int         code)
{
  g_autoptr(AccordAutoconfig) config = NULL;
  g_autoptr(GError) error = NULL;

  config = accord_autoconfig_parse (data, length, "alice@example.com",
                                    ACCORD_SOURCE_ISPDB, NULL, &error);
  g_assert_error (error, ACCORD_AUTOCONFIG_ERROR, code);
  g_assert_null (config);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
}

static void
_assert_host_candidate (AccordCandidate   *candidate,
                        AccordServiceKind  service,
                        AccordProtocol     protocol,
                        const char        *host,
                        guint16            port,
                        AccordSecurity     security,
                        const char        *username,
                        AccordAuthMethod   auth)
{
  g_assert_cmpint (candidate->service, ==, service);
  g_assert_cmpint (candidate->protocol, ==, protocol);
  g_assert_cmpstr (candidate->host, ==, host);
  g_assert_cmpuint (candidate->port, ==, port);
  g_assert_cmpint (candidate->security, ==, security);
  g_assert_cmpstr (candidate->username, ==, username);
  g_assert_cmpint (candidate->auth, ==, auth);
  g_assert_null (candidate->url);
}

static void
_assert_url_candidate (AccordCandidate   *candidate,
                       AccordServiceKind  service,
                       AccordProtocol     protocol,
                       const char        *url,
                       AccordAuthMethod   auth)
{
  g_assert_cmpint (candidate->service, ==, service);
  g_assert_cmpint (candidate->protocol, ==, protocol);
  g_assert_cmpstr (candidate->url, ==, url);
  g_assert_null (candidate->host);
  g_assert_cmpint (candidate->security, ==, ACCORD_SECURITY_TLS);
  g_assert_cmpint (candidate->auth, ==, auth);
}

static void
test_autoconfig_typical (void)
{
  g_autoptr(AccordAutoconfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  const char * const *domains;
  GPtrArray *candidates;
  GPtrArray *links;
  AccordAutoconfigLink *link;
  gsize length;

  data = _load ("example.org.xml", &length);
  config = accord_autoconfig_parse (data, length, "alice@example.org", ACCORD_SOURCE_AUTOCONFIG,
                                    "https://autoconfig.example.org/mail/config-v1.1.xml", &error);
  g_assert_no_error (error);
  g_assert_nonnull (config);

  g_assert_cmpstr (accord_autoconfig_get_provider_id (config), ==, "example.org");
  g_assert_cmpstr (accord_autoconfig_get_display_name (config), ==, "Example Mail & Co");
  g_assert_cmpstr (accord_autoconfig_get_short_name (config), ==, "Example");
  domains = accord_autoconfig_get_domains (config);
  g_assert_cmpuint (g_strv_length ((char **) domains), ==, 2);
  g_assert_cmpstr (domains[0], ==, "example.org");
  g_assert_cmpstr (domains[1], ==, "example.net");

  /* File order is preference order; unusable servers are left out. */
  candidates = accord_autoconfig_get_candidates (config);
  g_assert_cmpuint (candidates->len, ==, 9);
  _assert_host_candidate (candidates->pdata[0], ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP,
                          "imap.example.org", 993, ACCORD_SECURITY_TLS, "alice",
                          ACCORD_AUTH_PASSWORD);
  _assert_host_candidate (candidates->pdata[1], ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_POP3,
                          "pop.example.org", 110, ACCORD_SECURITY_NONE, "alice.example.org",
                          ACCORD_AUTH_PASSWORD);
  _assert_url_candidate (candidates->pdata[2], ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_EWS,
                         "https://mail.example.org/EWS/Exchange.asmx", ACCORD_AUTH_OAUTH2);
  _assert_url_candidate (candidates->pdata[3], ACCORD_SERVICE_CONTACTS, ACCORD_PROTOCOL_EWS,
                         "https://mail.example.org/EWS/Exchange.asmx", ACCORD_AUTH_OAUTH2);
  _assert_url_candidate (candidates->pdata[4], ACCORD_SERVICE_CALENDAR, ACCORD_PROTOCOL_EWS,
                         "https://mail.example.org/EWS/Exchange.asmx", ACCORD_AUTH_OAUTH2);
  _assert_host_candidate (candidates->pdata[5], ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP,
                          "smtp.example.org", 587, ACCORD_SECURITY_STARTTLS,
                          "alice@example.org", ACCORD_AUTH_PASSWORD);
  _assert_host_candidate (candidates->pdata[6], ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP,
                          "smtp.example.org", 465, ACCORD_SECURITY_TLS,
                          "alice@example.org", ACCORD_AUTH_OAUTH2);
  _assert_url_candidate (candidates->pdata[7], ACCORD_SERVICE_CONTACTS, ACCORD_PROTOCOL_CARDDAV,
                         "https://dav.example.org/addressbooks/alice@example.org/",
                         ACCORD_AUTH_PASSWORD);
  _assert_url_candidate (candidates->pdata[8], ACCORD_SERVICE_CALENDAR, ACCORD_PROTOCOL_CALDAV,
                         "https://dav.example.org/calendars/alice@example.org/",
                         ACCORD_AUTH_PASSWORD);

  for (guint i = 0; i < candidates->len; i++)
    {
      AccordCandidate *candidate = candidates->pdata[i];

      g_assert_cmpint (candidate->source, ==, ACCORD_SOURCE_AUTOCONFIG);
      g_assert_cmpstr (candidate->source_detail, ==,
                       "https://autoconfig.example.org/mail/config-v1.1.xml");
    }

  /* The javascript: link is dropped; English is preferred and whitespace tidied. */
  links = accord_autoconfig_get_documentation (config);
  g_assert_cmpuint (links->len, ==, 2);
  link = links->pdata[0];
  g_assert_cmpstr (link->url, ==, "https://help.example.org/mail/clients?lang=en&topic=imap");
  g_assert_cmpstr (link->text, ==, "Setting up mail clients");
  link = links->pdata[1];
  g_assert_cmpstr (link->url, ==, "https://help.example.org/short");
  g_assert_null (link->text);

  links = accord_autoconfig_get_enable_steps (config);
  g_assert_cmpuint (links->len, ==, 1);
  link = links->pdata[0];
  g_assert_cmpstr (link->url, ==, "https://settings.example.org/imap");
  g_assert_cmpstr (link->text, ==, "Turn on IMAP access in your account settings");
}

static void
test_autoconfig_placeholders (void)
{
  const char *text =
    "<clientConfig version=\"1.1\"><emailProvider id=\"sub.example.com\">"
    "<domain>sub.example.com</domain>"
    "<incomingServer type=\"imap\"><hostname>mail.%EMAILDOMAIN%</hostname><port>143</port>"
    "<socketType>STARTTLS</socketType><username>%EMAILADDRESS</username></incomingServer>"
    "<incomingServer type=\"pop3\"><hostname>%EMAILDOMAIN%</hostname><port>995</port>"
    "<socketType>SSL</socketType><username>%EMAILLOCALPART%</username></incomingServer>"
    "<incomingServer type=\"imap\"><hostname>%EMAILLOCALPART%.example.com</hostname>"
    "<socketType>SSL</socketType></incomingServer>"
    "</emailProvider>"
    "<addressBook type=\"carddav\"><serverURL>https://dav.example.com/%EMAILLOCALPART%/"
    "</serverURL></addressBook>"
    "</clientConfig>";
  g_autoptr(AccordAutoconfig) config = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *candidates;
  AccordCandidate *candidate;

  config = _parse_string (text, "Bob%Tag@Sub.Example.COM", &error);
  g_assert_no_error (error);
  candidates = accord_autoconfig_get_candidates (config);
  g_assert_cmpuint (candidates->len, ==, 3);

  /* An unclosed %EMAILADDRESS at the end is read as meant (published files have it). */
  _assert_host_candidate (candidates->pdata[0], ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP,
                          "mail.sub.example.com", 143, ACCORD_SECURITY_STARTTLS,
                          "Bob%Tag@Sub.Example.COM", ACCORD_AUTH_PASSWORD);
  _assert_host_candidate (candidates->pdata[1], ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_POP3,
                          "sub.example.com", 995, ACCORD_SECURITY_TLS, "Bob%Tag",
                          ACCORD_AUTH_PASSWORD);

  /* "bob%tag.example.com" is no host name, so that server is dropped; in a URL the
   * value is escaped. */
  candidate = candidates->pdata[2];
  g_assert_cmpint (candidate->protocol, ==, ACCORD_PROTOCOL_CARDDAV);
  g_assert_cmpstr (candidate->url, ==, "https://dav.example.com/Bob%25Tag/");
  g_assert_null (candidate->username);
}

static void
test_autoconfig_security_mapping (void)
{
  const char *text =
    "<clientConfig version=\"1.1\"><emailProvider id=\"example.com\">"
    "<incomingServer type=\"imap\"><hostname>a.example.com</hostname><port>993</port>"
    "<socketType>SSL</socketType></incomingServer>"
    "<incomingServer type=\"imap\"><hostname>b.example.com</hostname><port>143</port>"
    "<socketType>STARTTLS</socketType></incomingServer>"
    "<incomingServer type=\"imap\"><hostname>c.example.com</hostname><port>143</port>"
    "<socketType>plain</socketType><authentication>none</authentication></incomingServer>"
    "<incomingServer type=\"imap\"><hostname>d.example.com</hostname><port>993</port>"
    "</incomingServer>"
    "<incomingServer type=\"imap\"><hostname>e.example.com</hostname><port>143</port>"
    "</incomingServer>"
    "<incomingServer type=\"imap\"><hostname>f.example.com</hostname>"
    "<socketType>SSL</socketType><authentication>plain</authentication></incomingServer>"
    "<incomingServer type=\"imap\"><hostname>g.example.com</hostname>"
    "<socketType>carrier-pigeon</socketType></incomingServer>"
    "<incomingServer type=\"imap\"><hostname>h.example.com</hostname>"
    "<socketType>SSL</socketType><authentication>TLS-client-cert</authentication>"
    "</incomingServer>"
    "<incomingServer type=\"imap\"><hostname>i.example.com</hostname><port>0</port>"
    "</incomingServer>"
    "<incomingServer type=\"imap\"><hostname>bad host.example.com</hostname>"
    "</incomingServer>"
    "<incomingServer type=\"gopher\"><hostname>j.example.com</hostname></incomingServer>"
    "<incomingServer><hostname>k.example.com</hostname></incomingServer>"
    "<outgoingServer type=\"smtp\"><hostname>smtp.example.com</hostname></outgoingServer>"
    "</emailProvider></clientConfig>";
  g_autoptr(AccordAutoconfig) config = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *candidates;

  config = _parse_string (text, "alice@example.com", &error);
  g_assert_no_error (error);
  candidates = accord_autoconfig_get_candidates (config);
  g_assert_cmpuint (candidates->len, ==, 7);

  _assert_host_candidate (candidates->pdata[0], ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP,
                          "a.example.com", 993, ACCORD_SECURITY_TLS, NULL, ACCORD_AUTH_PASSWORD);
  _assert_host_candidate (candidates->pdata[1], ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP,
                          "b.example.com", 143, ACCORD_SECURITY_STARTTLS, NULL,
                          ACCORD_AUTH_PASSWORD);
  _assert_host_candidate (candidates->pdata[2], ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP,
                          "c.example.com", 143, ACCORD_SECURITY_NONE, NULL, ACCORD_AUTH_NONE);
  /* Without a socket type the port decides, and STARTTLS is never downgraded later. */
  _assert_host_candidate (candidates->pdata[3], ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP,
                          "d.example.com", 993, ACCORD_SECURITY_TLS, NULL, ACCORD_AUTH_PASSWORD);
  _assert_host_candidate (candidates->pdata[4], ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP,
                          "e.example.com", 143, ACCORD_SECURITY_STARTTLS, NULL,
                          ACCORD_AUTH_PASSWORD);
  /* Without a port, the protocol's port for that security. */
  _assert_host_candidate (candidates->pdata[5], ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP,
                          "f.example.com", 993, ACCORD_SECURITY_TLS, NULL, ACCORD_AUTH_PASSWORD);
  _assert_host_candidate (candidates->pdata[6], ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP,
                          "smtp.example.com", 587, ACCORD_SECURITY_STARTTLS, NULL,
                          ACCORD_AUTH_PASSWORD);
}

static void
test_autoconfig_ispdb (void)
{
  const char *dir_path = g_getenv ("ACCORD_TEST_ISPDB_DIR");
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint n_candidates = 0;

  if (dir_path == NULL || !g_file_test (dir_path, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("No ISPDB snapshot: set ACCORD_TEST_ISPDB_DIR to a directory of "
                   "Thunderbird ISPDB files to read them all");
      return;
    }

  dir = g_dir_open (dir_path, 0, &error);
  g_assert_no_error (error);

  for (const char *name = g_dir_read_name (dir); name != NULL; name = g_dir_read_name (dir))
    {
      if (g_str_has_suffix (name, ".xml"))
        g_ptr_array_add (names, g_strdup (name));
    }
  g_assert_cmpuint (names->len, >, 0);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *domain = g_strndup (name, strlen (name) - strlen (".xml"));
      g_autofree char *address = g_strdup_printf ("someone.else@%s", domain);
      g_autoptr(AccordAutoconfig) config = NULL;
      g_autoptr(GError) parse_error = NULL;
      g_autofree char *data = NULL;
      g_autoptr(AccordDecision) decision = NULL;
      gboolean has_mail_in = FALSE;
      GPtrArray *candidates;
      gsize length;

      g_file_get_contents (path, &data, &length, &error);
      g_assert_no_error (error);

      config = accord_autoconfig_parse (data, length, address, ACCORD_SOURCE_ISPDB, path,
                                        &parse_error);
      if (parse_error != NULL)
        g_test_message ("%s: %s", name, parse_error->message);
      g_assert_no_error (parse_error);
      g_assert_nonnull (accord_autoconfig_get_display_name (config));

      candidates = accord_autoconfig_get_candidates (config);
      for (guint j = 0; j < candidates->len; j++)
        {
          AccordCandidate *candidate = candidates->pdata[j];

          g_assert_true ((candidate->host != NULL) != (candidate->url != NULL));
          g_assert_true (candidate->host == NULL || candidate->port != 0);
          g_assert_true (candidate->host == NULL || strchr (candidate->host, '%') == NULL);
          g_assert_true (candidate->username == NULL ||
                         strstr (candidate->username, "%EMAIL") == NULL);
          g_assert_cmpint (candidate->source, ==, ACCORD_SOURCE_ISPDB);
          g_assert_cmpstr (candidate->source_detail, ==, path);
          if (candidate->service == ACCORD_SERVICE_MAIL_IN)
            has_mail_in = TRUE;
        }
      g_assert_true (has_mail_in);
      n_candidates += candidates->len;

      /* Every provider maps to a decision with a reason for how mail comes in. */
      decision = accord_decision_new (accord_protocol_matrix_get_default (), candidates);
      g_assert_nonnull (accord_decision_get_choice (decision, ACCORD_SERVICE_MAIL_IN));
      g_assert_nonnull (accord_decision_get_reason (decision, ACCORD_SERVICE_MAIL_IN));
      g_clear_object (&decision);
    }

  g_test_message ("Read %u ISPDB files, %u candidates", names->len, n_candidates);
}

static void
test_autoconfig_no_servers (void)
{
  g_autofree char *data = NULL;
  gsize length;

  data = _load ("smtp-only.xml", &length);
  _assert_fails (data, length, ACCORD_AUTOCONFIG_ERROR_NO_SERVERS);
}

static void
test_autoconfig_wrong_root (void)
{
  g_autofree char *data = NULL;
  gsize length;
  const char *no_provider = "<clientConfig version=\"1.1\"><domain>x</domain></clientConfig>";
  const char *namespaced = "<clientConfig xmlns=\"urn:example\"><emailProvider/></clientConfig>";

  data = _load ("wrong-root.xml", &length);
  _assert_fails (data, length, ACCORD_AUTOCONFIG_ERROR_WRONG_DOCUMENT);
  _assert_fails (no_provider, strlen (no_provider), ACCORD_AUTOCONFIG_ERROR_WRONG_DOCUMENT);
  _assert_fails (namespaced, strlen (namespaced), ACCORD_AUTOCONFIG_ERROR_WRONG_DOCUMENT);
}

static void
test_autoconfig_malformed (void)
{
  const char *cases[] = {
    "not xml at all",
    "<clientConfig><emailProvider></clientConfig>",
    "<clientConfig version=\"1.1\">",
    "<clientConfig version='1.1></clientConfig>",
    "<?xml version=\"1.0\"?>",
    "<clientConfig/><clientConfig/>",
    "   ",
    "<clientConfig>&unknown;</clientConfig>",
  };

  _assert_fails ("", 0, ACCORD_AUTOCONFIG_ERROR_MALFORMED);
  _assert_fails ("\0\0\0\0", 4, ACCORD_AUTOCONFIG_ERROR_MALFORMED);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(AccordAutoconfig) config = NULL;
      g_autoptr(GError) error = NULL;

      config = _parse_string (cases[i], "alice@example.com", &error);
      g_assert_null (config);
      g_assert_true (g_error_matches (error, ACCORD_AUTOCONFIG_ERROR,
                                      ACCORD_AUTOCONFIG_ERROR_MALFORMED) ||
                     g_error_matches (error, ACCORD_AUTOCONFIG_ERROR,
                                      ACCORD_AUTOCONFIG_ERROR_UNSAFE));
    }
}

static void
test_autoconfig_truncated (void)
{
  g_autofree char *data = NULL;
  const char *end;
  gsize length;
  gsize complete;

  data = _load ("example.org.xml", &length);
  end = strstr (data, "</clientConfig>");
  g_assert_nonnull (end);
  complete = (end - data) + strlen ("</clientConfig>");

  /* Every cut short of the closing tag, not just a few. */
  for (gsize cut = 0; cut < complete; cut++)
    _assert_fails (data, cut, ACCORD_AUTOCONFIG_ERROR_MALFORMED);
}

static void
test_autoconfig_billion_laughs (void)
{
  g_autofree char *data = NULL;
  gsize length;

  data = _load ("billion-laughs.xml", &length);
  _assert_fails (data, length, ACCORD_AUTOCONFIG_ERROR_UNSAFE);
}

static void
test_autoconfig_external_entity (void)
{
  g_autoptr(AccordAutoconfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  AccordCandidate *candidate;
  gsize length;
  const char *external_dtd =
    "<!DOCTYPE clientConfig SYSTEM \"file:///etc/passwd\">"
    "<clientConfig version=\"1.1\"><emailProvider id=\"example.com\">"
    "<displayName>Example</displayName>"
    "<incomingServer type=\"imap\"><hostname>imap.example.com</hostname>"
    "<socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>"
    "</emailProvider></clientConfig>";

  data = _load ("external-entity.xml", &length);
  config = accord_autoconfig_parse (data, length, "alice@example.com", ACCORD_SOURCE_AUTOCONFIG,
                                    NULL, &error);
  g_assert_error (error, ACCORD_AUTOCONFIG_ERROR, ACCORD_AUTOCONFIG_ERROR_UNSAFE);
  g_assert_null (config);
  g_assert_null (strstr (error->message, "root:"));
  g_clear_error (&error);

  g_clear_pointer (&data, g_free);
  data = _load ("parameter-entity.xml", &length);
  _assert_fails (data, length, ACCORD_AUTOCONFIG_ERROR_UNSAFE);

  /* A DOCTYPE naming an external DTD is harmless as long as it is never loaded. */
  config = _parse_string (external_dtd, "alice@example.com", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (accord_autoconfig_get_display_name (config), ==, "Example");
  g_assert_cmpuint (accord_autoconfig_get_candidates (config)->len, ==, 1);
  candidate = accord_autoconfig_get_candidates (config)->pdata[0];
  g_assert_cmpstr (candidate->username, ==, "alice@example.com");
}

static void
test_autoconfig_too_large (void)
{
  gsize length = 20 * 1024 * 1024;
  g_autofree char *data = g_malloc (length);
  const char *head = "<clientConfig version=\"1.1\"><emailProvider><!--";

  memset (data, ' ', length);
  memcpy (data, head, strlen (head));

  _assert_fails (data, length, ACCORD_AUTOCONFIG_ERROR_TOO_LARGE);
  _assert_fails (data, ACCORD_AUTOCONFIG_MAX_SIZE + 1, ACCORD_AUTOCONFIG_ERROR_TOO_LARGE);
  /* At the limit it is read, and found incomplete. */
  _assert_fails (data, ACCORD_AUTOCONFIG_MAX_SIZE, ACCORD_AUTOCONFIG_ERROR_MALFORMED);
}

static void
test_autoconfig_not_utf8 (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240229);
  g_autoptr(AccordAutoconfig) config = NULL;
  g_autoptr(GError) error = NULL;
  char garbage[4096];
  const char *bad_bytes =
    "<clientConfig version=\"1.1\"><emailProvider><displayName>\xff\xfe\xc3\x28"
    "</displayName></emailProvider></clientConfig>";
  const char *latin1 =
    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
    "<clientConfig version=\"1.1\"><emailProvider id=\"example.com\">"
    "<displayName>Messagerie \xe9t\xe9</displayName>"
    "<incomingServer type=\"imap\"><hostname>imap.example.com</hostname>"
    "<socketType>SSL</socketType></incomingServer></emailProvider></clientConfig>";

  for (guint i = 0; i < sizeof garbage; i++)
    garbage[i] = (char) g_rand_int_range (rand, 0x80, 0x100);
  _assert_fails (garbage, sizeof garbage, ACCORD_AUTOCONFIG_ERROR_MALFORMED);
  _assert_fails (bad_bytes, strlen (bad_bytes), ACCORD_AUTOCONFIG_ERROR_MALFORMED);

  /* A declared legacy encoding is fine, and comes out as UTF-8. */
  config = _parse_string (latin1, "alice@example.com", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (accord_autoconfig_get_display_name (config), ==, "Messagerie été");
}

static void
test_autoconfig_mutations (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1234);
  g_autofree char *data = NULL;
  gsize length;

  data = _load ("example.org.xml", &length);

  /* Damaged copies either parse or fail cleanly; under valgrind this finds the rest. */
  for (guint round = 0; round < 500; round++)
    {
      g_autofree char *copy = g_memdup2 (data, length);
      g_autoptr(AccordAutoconfig) config = NULL;
      g_autoptr(GError) error = NULL;
      guint n_changes = g_rand_int_range (rand, 1, 8);

      for (guint i = 0; i < n_changes; i++)
        copy[g_rand_int_range (rand, 0, (gint32) length)] = (char) g_rand_int_range (rand, 0, 256);

      config = accord_autoconfig_parse (copy, length, "alice@example.org",
                                        ACCORD_SOURCE_AUTOCONFIG, NULL, &error);
      g_assert_true ((config == NULL) != (error == NULL));
      g_assert_true (error == NULL || error->domain == ACCORD_AUTOCONFIG_ERROR);
    }
}

static void
test_autoconfig_invalid_address (void)
{
  const char *addresses[] = { "alice", "@example.com", "alice@", "alice smith@example.com" };
  g_autofree char *data = NULL;
  gsize length;

  data = _load ("example.org.xml", &length);

  for (guint i = 0; i < G_N_ELEMENTS (addresses); i++)
    {
      g_autoptr(AccordAutoconfig) config = NULL;
      g_autoptr(GError) error = NULL;

      config = accord_autoconfig_parse (data, length, addresses[i], ACCORD_SOURCE_AUTOCONFIG,
                                        NULL, &error);
      g_assert_error (error, ACCORD_AUTOCONFIG_ERROR, ACCORD_AUTOCONFIG_ERROR_INVALID_ADDRESS);
      g_assert_null (config);
    }
}

static void
test_autoconfig_boxed (void)
{
  g_autoptr(AccordAutoconfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  AccordAutoconfig *copy;
  gsize length;

  data = _load ("example.org.xml", &length);
  config = accord_autoconfig_parse (data, length, "alice@example.org", ACCORD_SOURCE_AUTOCONFIG,
                                    NULL, &error);
  g_assert_no_error (error);

  copy = g_boxed_copy (ACCORD_TYPE_AUTOCONFIG, config);
  g_assert_true (copy == config);
  g_boxed_free (ACCORD_TYPE_AUTOCONFIG, copy);
  g_assert_cmpstr (accord_autoconfig_get_provider_id (config), ==, "example.org");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/autoconfig/typical", test_autoconfig_typical);
  g_test_add_func ("/autoconfig/placeholders", test_autoconfig_placeholders);
  g_test_add_func ("/autoconfig/security-mapping", test_autoconfig_security_mapping);
  g_test_add_func ("/autoconfig/ispdb", test_autoconfig_ispdb);
  g_test_add_func ("/autoconfig/no-servers", test_autoconfig_no_servers);
  g_test_add_func ("/autoconfig/wrong-root", test_autoconfig_wrong_root);
  g_test_add_func ("/autoconfig/malformed", test_autoconfig_malformed);
  g_test_add_func ("/autoconfig/truncated", test_autoconfig_truncated);
  g_test_add_func ("/autoconfig/billion-laughs", test_autoconfig_billion_laughs);
  g_test_add_func ("/autoconfig/external-entity", test_autoconfig_external_entity);
  g_test_add_func ("/autoconfig/too-large", test_autoconfig_too_large);
  g_test_add_func ("/autoconfig/not-utf8", test_autoconfig_not_utf8);
  g_test_add_func ("/autoconfig/mutations", test_autoconfig_mutations);
  g_test_add_func ("/autoconfig/invalid-address", test_autoconfig_invalid_address);
  g_test_add_func ("/autoconfig/boxed", test_autoconfig_boxed);

  return g_test_run ();
}
