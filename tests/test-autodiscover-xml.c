/* test-autodiscover-xml.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "accord-core.h"
#include "accord-autodiscover-xml.h"

#define NS_BASE     "http://schemas.microsoft.com/exchange/autodiscover/"
#define NS_RESPONSE NS_BASE "responseschema/2006"
#define NS_OUTLOOK  NS_BASE "outlook/responseschema/2006a"
#define SOURCE_URL "https://autodiscover.example.com/autodiscover/autodiscover.xml"

static char *
_load (const char *name,
       gsize      *length)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "autodiscover", name, NULL);
  g_autoptr(GError) error = NULL;
  char *data = NULL;

  g_file_get_contents (path, &data, length, &error);
  g_assert_no_error (error);
  return data;
}

static AccordAutodiscoverResponse *
_parse_file (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  AccordAutodiscoverResponse *response;
  gsize length;

  data = _load (name, &length);
  response = accord_autodiscover_xml_parse (data, length, SOURCE_URL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);
  return response;
}

static void
_assert_fails (const char *data,
               gsize       length,
               int         code)
{
  g_autoptr(AccordAutodiscoverResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = accord_autodiscover_xml_parse (data, length, SOURCE_URL, &error);
  g_assert_error (error, ACCORD_AUTODISCOVER_ERROR, code);
  g_assert_null (response);
  g_assert_cmpstr (error->message, !=, "");
}

static void
_assert_candidate (AccordCandidate   *candidate,
                   AccordServiceKind  service,
                   AccordProtocol     protocol,
                   const char        *host,
                   guint16            port,
                   AccordSecurity     security,
                   const char        *url,
                   const char        *username)
{
  g_assert_cmpint (candidate->service, ==, service);
  g_assert_cmpint (candidate->protocol, ==, protocol);
  g_assert_cmpstr (candidate->host, ==, host);
  g_assert_cmpuint (candidate->port, ==, port);
  g_assert_cmpint (candidate->security, ==, security);
  g_assert_cmpstr (candidate->url, ==, url);
  g_assert_cmpstr (candidate->username, ==, username);
  g_assert_cmpint (candidate->source, ==, ACCORD_SOURCE_AUTODISCOVER);
  g_assert_cmpstr (candidate->source_detail, ==, SOURCE_URL);
}

static void
test_autodiscover_settings (void)
{
  g_autoptr(AccordAutodiscoverResponse) response = _parse_file ("outlook-settings.xml");
  const char *ews = "https://mail.example.com/EWS/Exchange.asmx";
  GPtrArray *candidates;

  g_assert_cmpint (accord_autodiscover_response_get_kind (response), ==,
                   ACCORD_AUTODISCOVER_SETTINGS);
  g_assert_cmpstr (accord_autodiscover_response_get_display_name (response), ==, "Alice Example");
  g_assert_null (accord_autodiscover_response_get_redirect (response));
  g_assert_null (accord_autodiscover_response_get_error_code (response));

  /* EXPR repeats EXCH's EWS URL: it is one candidate. WEB is left out, and so is
   * <ASUrl>, the Availability service: not ActiveSync, whatever its name says. */
  candidates = accord_autodiscover_response_get_candidates (response);
  g_assert_cmpuint (candidates->len, ==, 6);
  _assert_candidate (candidates->pdata[0], ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_EWS,
                     NULL, 0, ACCORD_SECURITY_TLS, ews, NULL);
  _assert_candidate (candidates->pdata[1], ACCORD_SERVICE_CONTACTS, ACCORD_PROTOCOL_EWS,
                     NULL, 0, ACCORD_SECURITY_TLS, ews, NULL);
  _assert_candidate (candidates->pdata[2], ACCORD_SERVICE_CALENDAR, ACCORD_PROTOCOL_EWS,
                     NULL, 0, ACCORD_SECURITY_TLS, ews, NULL);
  _assert_candidate (candidates->pdata[3], ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP,
                     "imap.example.com", 993, ACCORD_SECURITY_TLS, NULL, "alice");
  _assert_candidate (candidates->pdata[4], ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_POP3,
                     "pop.example.com", 110, ACCORD_SECURITY_NONE, NULL, "alice");
  _assert_candidate (candidates->pdata[5], ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP,
                     "smtp.example.com", 587, ACCORD_SECURITY_STARTTLS, NULL,
                     "alice@example.com");
}

static void
test_autodiscover_ssl_mapping (void)
{
  const char *text =
    "<Autodiscover xmlns=\"" NS_RESPONSE "\">"
    "<Response xmlns=\"" NS_OUTLOOK "\">"
    "<Account><Action>settings</Action>"
    "<Protocol><Type>SMTP</Type><Server>a.example.com</Server><Port>587</Port><SSL>on</SSL>"
    "</Protocol>"
    "<Protocol><Type>SMTP</Type><Server>b.example.com</Server><Port>465</Port><SSL>on</SSL>"
    "</Protocol>"
    "<Protocol><Type>IMAP</Type><Server>c.example.com</Server><Encryption>SSL</Encryption>"
    "</Protocol>"
    "<Protocol><Type>IMAP</Type><Server>d.example.com</Server><Port>143</Port>"
    "<Encryption>Auto</Encryption></Protocol>"
    "<Protocol><Type>SMTP</Type><Server>e.example.com</Server><Port>25</Port><SSL>off</SSL>"
    "<AuthRequired>off</AuthRequired></Protocol>"
    "<Protocol><Type>IMAP</Type><Server>bad/host</Server></Protocol>"
    "<Protocol><Type>IMAP</Type><Server>f.example.com</Server><Port>99999</Port></Protocol>"
    "<Protocol Type=\"mapiHttp\" Version=\"1\"><MailStore><ExternalUrl>https://x.example.com/"
    "</ExternalUrl></MailStore></Protocol>"
    "</Account></Response></Autodiscover>";
  g_autoptr(AccordAutodiscoverResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *candidates;
  AccordCandidate *candidate;

  response = accord_autodiscover_xml_parse (text, strlen (text), SOURCE_URL, &error);
  g_assert_no_error (error);
  candidates = accord_autodiscover_response_get_candidates (response);
  g_assert_cmpuint (candidates->len, ==, 5);

  _assert_candidate (candidates->pdata[0], ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP,
                     "a.example.com", 587, ACCORD_SECURITY_STARTTLS, NULL, NULL);
  _assert_candidate (candidates->pdata[1], ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP,
                     "b.example.com", 465, ACCORD_SECURITY_TLS, NULL, NULL);
  _assert_candidate (candidates->pdata[2], ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP,
                     "c.example.com", 993, ACCORD_SECURITY_TLS, NULL, NULL);
  _assert_candidate (candidates->pdata[3], ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP,
                     "d.example.com", 143, ACCORD_SECURITY_STARTTLS, NULL, NULL);
  candidate = candidates->pdata[4];
  _assert_candidate (candidate, ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP,
                     "e.example.com", 25, ACCORD_SECURITY_NONE, NULL, NULL);
  g_assert_cmpint (candidate->auth, ==, ACCORD_AUTH_NONE);
}

static void
test_autodiscover_redirect_addr (void)
{
  g_autoptr(AccordAutodiscoverResponse) response = _parse_file ("outlook-redirect-addr.xml");

  g_assert_cmpint (accord_autodiscover_response_get_kind (response), ==,
                   ACCORD_AUTODISCOVER_REDIRECT_ADDRESS);
  g_assert_cmpstr (accord_autodiscover_response_get_redirect (response), ==,
                   "alice@example.onmicrosoft.test");
  g_assert_cmpuint (accord_autodiscover_response_get_candidates (response)->len, ==, 0);
}

static void
test_autodiscover_redirect_url (void)
{
  g_autoptr(AccordAutodiscoverResponse) response = _parse_file ("outlook-redirect-url.xml");
  const char *bad =
    "<Autodiscover xmlns=\"" NS_RESPONSE "\">"
    "<Response><Account><Action>redirectUrl</Action>"
    "<RedirectUrl>file:///etc/passwd</RedirectUrl></Account></Response></Autodiscover>";
  const char *empty_addr =
    "<Autodiscover><Response><Account><Action>redirectAddr</Action>"
    "</Account></Response></Autodiscover>";

  g_assert_cmpint (accord_autodiscover_response_get_kind (response), ==,
                   ACCORD_AUTODISCOVER_REDIRECT_URL);
  g_assert_cmpstr (accord_autodiscover_response_get_redirect (response), ==,
                   "https://autodiscover.example.net/autodiscover/autodiscover.xml");

  _assert_fails (bad, strlen (bad), ACCORD_AUTODISCOVER_ERROR_WRONG_DOCUMENT);
  _assert_fails (empty_addr, strlen (empty_addr), ACCORD_AUTODISCOVER_ERROR_WRONG_DOCUMENT);
}

static void
test_autodiscover_error (void)
{
  g_autoptr(AccordAutodiscoverResponse) response = _parse_file ("error.xml");
  g_autoptr(AccordAutodiscoverResponse) mobile = _parse_file ("mobilesync-error.xml");

  g_assert_cmpint (accord_autodiscover_response_get_kind (response), ==,
                   ACCORD_AUTODISCOVER_ERROR_RESPONSE);
  g_assert_cmpstr (accord_autodiscover_response_get_error_code (response), ==, "500");
  g_assert_cmpstr (accord_autodiscover_response_get_error_message (response), ==,
                   "The email address can't be found.");
  g_assert_cmpuint (accord_autodiscover_response_get_candidates (response)->len, ==, 0);

  g_assert_cmpint (accord_autodiscover_response_get_kind (mobile), ==,
                   ACCORD_AUTODISCOVER_ERROR_RESPONSE);
  g_assert_cmpstr (accord_autodiscover_response_get_error_code (mobile), ==, "1");
  g_assert_cmpstr (accord_autodiscover_response_get_error_message (mobile), ==,
                   "The directory service could not be reached");
}

static void
test_autodiscover_mobilesync (void)
{
  g_autoptr(AccordAutodiscoverResponse) settings = _parse_file ("mobilesync-settings.xml");
  g_autoptr(AccordAutodiscoverResponse) redirect = _parse_file ("mobilesync-redirect.xml");
  const char *eas = "https://eas.example.com/Microsoft-Server-ActiveSync";
  GPtrArray *candidates;

  g_assert_cmpint (accord_autodiscover_response_get_kind (settings), ==,
                   ACCORD_AUTODISCOVER_SETTINGS);
  g_assert_cmpstr (accord_autodiscover_response_get_display_name (settings), ==, "Bob Example");
  candidates = accord_autodiscover_response_get_candidates (settings);
  g_assert_cmpuint (candidates->len, ==, 3);
  _assert_candidate (candidates->pdata[0], ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_EAS,
                     NULL, 0, ACCORD_SECURITY_TLS, eas, NULL);
  _assert_candidate (candidates->pdata[1], ACCORD_SERVICE_CONTACTS, ACCORD_PROTOCOL_EAS,
                     NULL, 0, ACCORD_SECURITY_TLS, eas, NULL);
  _assert_candidate (candidates->pdata[2], ACCORD_SERVICE_CALENDAR, ACCORD_PROTOCOL_EAS,
                     NULL, 0, ACCORD_SECURITY_TLS, eas, NULL);

  g_assert_cmpint (accord_autodiscover_response_get_kind (redirect), ==,
                   ACCORD_AUTODISCOVER_REDIRECT_ADDRESS);
  g_assert_cmpstr (accord_autodiscover_response_get_redirect (redirect), ==,
                   "bob@eas.example.net");
}

static void
test_autodiscover_wrong_document (void)
{
  const char *cases[] = {
    "<html><body>It works!</body></html>",
    "<Autodiscover xmlns=\"urn:example\"><Response/></Autodiscover>",
    "<Autodiscover xmlns=\"" NS_RESPONSE "\"/>",
    "<Autodiscover><Response><Culture>en:us</Culture></Response></Autodiscover>",
    "<Autodiscover><Response><Account><Action>dance</Action></Account></Response></Autodiscover>",
  };
  const char *nothing_usable =
    "<Autodiscover><Response><Account><Action>settings</Action>"
    "<Protocol><Type>WEB</Type></Protocol></Account></Response></Autodiscover>";
  g_autofree char *request = accord_autodiscover_build_request ("alice@example.com", FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    _assert_fails (cases[i], strlen (cases[i]), ACCORD_AUTODISCOVER_ERROR_WRONG_DOCUMENT);

  /* A server echoing the request back has not answered it. */
  _assert_fails (request, strlen (request), ACCORD_AUTODISCOVER_ERROR_WRONG_DOCUMENT);
  _assert_fails (nothing_usable, strlen (nothing_usable), ACCORD_AUTODISCOVER_ERROR_NO_SERVERS);
}

static void
test_autodiscover_hostile (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autofree char *laughs = NULL;
  g_autofree char *xxe = NULL;
  g_autofree char *huge = NULL;
  g_autofree char *settings = NULL;
  char garbage[2048];
  const char *end;
  gsize length;
  gsize huge_length = 20 * 1024 * 1024;
  gsize complete;

  laughs = _load ("billion-laughs.xml", &length);
  _assert_fails (laughs, length, ACCORD_AUTODISCOVER_ERROR_UNSAFE);

  xxe = _load ("external-entity.xml", &length);
  _assert_fails (xxe, length, ACCORD_AUTODISCOVER_ERROR_UNSAFE);

  huge = g_malloc (huge_length);
  memset (huge, '<', huge_length);
  _assert_fails (huge, huge_length, ACCORD_AUTODISCOVER_ERROR_TOO_LARGE);

  for (guint i = 0; i < sizeof garbage; i++)
    garbage[i] = (char) g_rand_int_range (rand, 0x80, 0x100);
  _assert_fails (garbage, sizeof garbage, ACCORD_AUTODISCOVER_ERROR_MALFORMED);
  _assert_fails ("", 0, ACCORD_AUTODISCOVER_ERROR_MALFORMED);
  _assert_fails ("<Autodiscover><Response>", 24, ACCORD_AUTODISCOVER_ERROR_MALFORMED);

  settings = _load ("outlook-settings.xml", &length);
  end = strstr (settings, "</Autodiscover>");
  g_assert_nonnull (end);
  complete = (end - settings) + strlen ("</Autodiscover>");
  for (gsize cut = 0; cut < complete; cut++)
    _assert_fails (settings, cut, ACCORD_AUTODISCOVER_ERROR_MALFORMED);

  for (guint round = 0; round < 500; round++)
    {
      g_autofree char *copy = g_memdup2 (settings, length);
      g_autoptr(AccordAutodiscoverResponse) response = NULL;
      g_autoptr(GError) error = NULL;
      guint n_changes = g_rand_int_range (rand, 1, 8);

      for (guint i = 0; i < n_changes; i++)
        copy[g_rand_int_range (rand, 0, (gint32) length)] = (char) g_rand_int_range (rand, 0, 256);

      response = accord_autodiscover_xml_parse (copy, length, NULL, &error);
      g_assert_true ((response == NULL) != (error == NULL));
    }
}

static void
_on_request_text (GMarkupParseContext  *context,
                  const char           *text,
                  gsize                 length,
                  gpointer              user_data,
                  GError              **error)
{
  if (g_strcmp0 (g_markup_parse_context_get_element (context), "EMailAddress") == 0)
    g_string_append_len (user_data, text, length);
}

static void
test_autodiscover_request (void)
{
  const char *address = "o'brien&sons<x>@example.com";
  g_autofree char *outlook = accord_autodiscover_build_request (address, FALSE);
  g_autofree char *mobile = accord_autodiscover_build_request (address, TRUE);
  const char *bodies[] = { outlook, mobile };
  const GMarkupParser parser = { NULL, NULL, _on_request_text, NULL, NULL };

  g_assert_nonnull (strstr (outlook, "outlook/requestschema/2006"));
  g_assert_nonnull (strstr (outlook, "outlook/responseschema/2006a"));
  g_assert_nonnull (strstr (mobile, "mobilesync/requestschema/2006"));
  g_assert_nonnull (strstr (mobile, "mobilesync/responseschema/2006"));
  g_assert_null (strstr (outlook, address));
  g_assert_nonnull (strstr (outlook, "o&apos;brien&amp;sons&lt;x&gt;@example.com"));

  /* Read back with GMarkup, which shares no code with the builder. */
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(GMarkupParseContext) context = NULL;
      g_autoptr(GError) error = NULL;

      context = g_markup_parse_context_new (&parser, 0, text, NULL);
      g_markup_parse_context_parse (context, bodies[i], -1, &error);
      g_assert_no_error (error);
      g_markup_parse_context_end_parse (context, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (text->str, ==, address);
    }
}

static void
test_autodiscover_v2_json (void)
{
  const char *eas = "{\"Protocol\":\"ActiveSync\","
                    "\"Url\":\"https://outlook.office365.com/Microsoft-Server-ActiveSync\"}";
  const char *ews = "{\"Protocol\":\"Ews\","
                    "\"Url\":\"https://outlook.office365.com/EWS/Exchange.asmx\"}";
  const struct {
    const char     *json;
    AccordProtocol  protocol;
    int             code;
  } failures[] = {
    { "{\"ErrorCode\":\"InvalidProtocol\",\"ErrorMessage\":\"The given protocol value "
      "'Foo' is invalid.\"}", ACCORD_PROTOCOL_EAS, ACCORD_AUTODISCOVER_ERROR_SERVER },
    { "{\"Protocol\":\"Ews\",\"Url\":\"https://x.example.com/EWS/Exchange.asmx\"}",
      ACCORD_PROTOCOL_EAS, ACCORD_AUTODISCOVER_ERROR_WRONG_DOCUMENT },
    { "{\"Protocol\":\"ActiveSync\",\"Url\":\"http://x.example.com/eas\"}",
      ACCORD_PROTOCOL_EAS, ACCORD_AUTODISCOVER_ERROR_WRONG_DOCUMENT },
    { "{\"Protocol\":\"ActiveSync\",\"Url\":42}",
      ACCORD_PROTOCOL_EAS, ACCORD_AUTODISCOVER_ERROR_WRONG_DOCUMENT },
    { "{\"Protocol\":\"ActiveSync\"}",
      ACCORD_PROTOCOL_EAS, ACCORD_AUTODISCOVER_ERROR_WRONG_DOCUMENT },
    { "[\"https://x.example.com/\"]", ACCORD_PROTOCOL_EAS, ACCORD_AUTODISCOVER_ERROR_MALFORMED },
    { "{\"Protocol\":", ACCORD_PROTOCOL_EAS, ACCORD_AUTODISCOVER_ERROR_MALFORMED },
    { "<html/>", ACCORD_PROTOCOL_EWS, ACCORD_AUTODISCOVER_ERROR_MALFORMED },
    { "", ACCORD_PROTOCOL_EWS, ACCORD_AUTODISCOVER_ERROR_MALFORMED },
  };
  g_autoptr(AccordCandidate) candidate = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *deep = NULL;
  gsize deep_length = 512 * 1024;

  candidate = accord_autodiscover_parse_v2_json (eas, strlen (eas), ACCORD_PROTOCOL_EAS, &error);
  g_assert_no_error (error);
  g_assert_cmpint (candidate->service, ==, ACCORD_SERVICE_MAIL_IN);
  g_assert_cmpint (candidate->protocol, ==, ACCORD_PROTOCOL_EAS);
  g_assert_cmpstr (candidate->url, ==, "https://outlook.office365.com/Microsoft-Server-ActiveSync");
  g_assert_cmpint (candidate->security, ==, ACCORD_SECURITY_TLS);
  g_assert_cmpint (candidate->source, ==, ACCORD_SOURCE_AUTODISCOVER);
  g_clear_pointer (&candidate, accord_candidate_unref);

  candidate = accord_autodiscover_parse_v2_json (ews, strlen (ews), ACCORD_PROTOCOL_EWS, &error);
  g_assert_no_error (error);
  g_assert_cmpint (candidate->protocol, ==, ACCORD_PROTOCOL_EWS);
  g_assert_cmpstr (candidate->url, ==, "https://outlook.office365.com/EWS/Exchange.asmx");
  g_clear_pointer (&candidate, accord_candidate_unref);

  for (guint i = 0; i < G_N_ELEMENTS (failures); i++)
    {
      candidate = accord_autodiscover_parse_v2_json (failures[i].json, strlen (failures[i].json),
                                                     failures[i].protocol, &error);
      g_assert_error (error, ACCORD_AUTODISCOVER_ERROR, failures[i].code);
      g_assert_null (candidate);
      g_clear_error (&error);
    }

  /* Nesting deep enough to exhaust a recursive parser's stack is refused unread. */
  deep = g_malloc (deep_length);
  memset (deep, '[', deep_length);
  candidate = accord_autodiscover_parse_v2_json (deep, deep_length, ACCORD_PROTOCOL_EAS, &error);
  g_assert_error (error, ACCORD_AUTODISCOVER_ERROR, ACCORD_AUTODISCOVER_ERROR_MALFORMED);
  g_assert_null (candidate);
  g_clear_error (&error);

  g_clear_pointer (&deep, g_free);
  deep_length = 20 * 1024 * 1024;
  deep = g_malloc0 (deep_length);
  candidate = accord_autodiscover_parse_v2_json (deep, deep_length, ACCORD_PROTOCOL_EAS, &error);
  g_assert_error (error, ACCORD_AUTODISCOVER_ERROR, ACCORD_AUTODISCOVER_ERROR_TOO_LARGE);
  g_assert_null (candidate);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/autodiscover-xml/settings", test_autodiscover_settings);
  g_test_add_func ("/autodiscover-xml/ssl-mapping", test_autodiscover_ssl_mapping);
  g_test_add_func ("/autodiscover-xml/redirect-addr", test_autodiscover_redirect_addr);
  g_test_add_func ("/autodiscover-xml/redirect-url", test_autodiscover_redirect_url);
  g_test_add_func ("/autodiscover-xml/error", test_autodiscover_error);
  g_test_add_func ("/autodiscover-xml/mobilesync", test_autodiscover_mobilesync);
  g_test_add_func ("/autodiscover-xml/wrong-document", test_autodiscover_wrong_document);
  g_test_add_func ("/autodiscover-xml/hostile", test_autodiscover_hostile);
  g_test_add_func ("/autodiscover-xml/request", test_autodiscover_request);
  g_test_add_func ("/autodiscover-xml/v2-json", test_autodiscover_v2_json);

  return g_test_run ();
}
