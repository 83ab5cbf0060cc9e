/* test-discover.c
 *
 * `accordctl discover` in private worlds (tests/servers/accord-test-world): real DNS,
 * real HTTPS with a test CA, hostile answers. Each case runs accordctl inside a world
 * made from one spec in tests/data/discover/.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <unistd.h>

#include <json-glib/json-glib.h>

#include "accord-test-utils.h"

typedef struct
{
  int       status;
  JsonNode *json;
  char     *requests;   /* the world's request log, one JSON object per line */
  char     *err;
} Discovery;

static void
discovery_clear (Discovery *d)
{
  g_clear_pointer (&d->json, json_node_unref);
  g_clear_pointer (&d->requests, g_free);
  g_clear_pointer (&d->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Discovery, discovery_clear)

static gboolean
_can_run_worlds (void)
{
  if (!g_file_test ("/usr/sbin/dnsmasq", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("Needs dnsmasq (Debian package dnsmasq-base)");
      return FALSE;
    }
  return TRUE;
}

/* Runs `accordctl discover ADDRESS --json [--password-stdin] [EXTRA]` in the world
 * of @spec. */
static void
_discover_full (const char *spec,
                const char *address,
                const char *password,
                const char *extra,
                Discovery  *d)
{
  g_autofree char *world = g_test_build_filename (G_TEST_DIST, "servers", "accord-test-world", NULL);
  g_autofree char *spec_path = g_test_build_filename (G_TEST_DIST, "data", "discover", spec, NULL);
  g_autofree char *dir = accord_test_make_tmp_dir ();
  g_autofree char *out_path = g_build_filename (dir, "out.json", NULL);
  g_autofree char *log_path = g_build_filename (dir, "requests.log", NULL);
  g_autofree char *script = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  script = g_strdup_printf ("%s%s%s%s\"$ACCORDCTL\" discover '%s' --json %s %s > '%s'; s=$?; "
                            "cp \"$ACCORD_WORLD_REQUESTS_LOG\" '%s' 2>/dev/null; exit $s",
                            g_str_equal (spec, "ispdb.spec") ?
                              "export ACCORD_ISPDB_URL=https://ispdb.test/v1.1/; " : "",
                            password ? "printf '%s\\n' '" : "", password ? password : "",
                            password ? "' | " : "", address,
                            password ? "--password-stdin" : "", extra ? extra : "",
                            out_path, log_path);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              world, "--spec", spec_path, "--", "/bin/sh", "-c", script, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &d->err, &error);
  g_assert_no_error (error);
  d->status = g_subprocess_get_exit_status (process);
  g_test_message ("exit %d, stderr: %s", d->status, d->err);
  g_assert_cmpint (d->status, !=, 125); /* the world itself started */

  out = accord_test_read_file (out_path);
  g_test_message ("%s", out);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  d->json = json_node_copy (json_parser_get_root (parser));

  g_file_get_contents (log_path, &d->requests, NULL, NULL);
  if (d->requests == NULL)
    d->requests = g_strdup ("");

  accord_test_rm_rf (dir);
}

static void
_discover_with_password (const char *spec,
                         const char *address,
                         const char *password,
                         Discovery  *d)
{
  _discover_full (spec, address, password, NULL, d);
}

static void
_discover (const char *spec,
           const char *address,
           Discovery  *d)
{
  _discover_full (spec, address, NULL, NULL, d);
}

static JsonObject *
_member_object (Discovery  *d,
                const char *name,
                const char *member)
{
  JsonObject *object = json_object_get_object_member (json_node_get_object (d->json), name);

  g_assert_nonnull (object);
  return json_object_get_object_member (object, member);
}

/* The first confirmation of @kind, or NULL. */
static JsonObject *
_confirmation (Discovery  *d,
               const char *kind)
{
  JsonArray *all = json_object_get_array_member (json_node_get_object (d->json), "needs_confirmation");

  for (guint i = 0; i < json_array_get_length (all); i++)
    {
      JsonObject *confirmation = json_array_get_object_element (all, i);

      if (g_str_equal (json_object_get_string_member (confirmation, "kind"), kind))
        return confirmation;
    }

  return NULL;
}

static gboolean
_has_warning (Discovery  *d,
              const char *code)
{
  JsonArray *all = json_object_get_array_member (json_node_get_object (d->json), "warnings");

  for (guint i = 0; i < json_array_get_length (all); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (all, i), "code"),
                     code))
      return TRUE;

  return FALSE;
}

static JsonObject *
_service (Discovery  *d,
          const char *service)
{
  JsonObject *services = json_object_get_object_member (json_node_get_object (d->json), "services");
  JsonNode *node = json_object_get_member (services, service);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonObject *
_lookup (Discovery  *d,
         const char *source,
         const char *target_part)
{
  JsonArray *lookups = json_object_get_array_member (json_node_get_object (d->json), "lookups");

  for (guint i = 0; i < json_array_get_length (lookups); i++)
    {
      JsonObject *lookup = json_array_get_object_element (lookups, i);

      if (g_str_equal (json_object_get_string_member (lookup, "source"), source) &&
          (target_part == NULL ||
           strstr (json_object_get_string_member (lookup, "target"), target_part) != NULL))
        return lookup;
    }

  return NULL;
}

static void
test_https_autoconfig (void)
{
  g_auto(Discovery) d = { 0, };
  JsonObject *in, *out;

  if (!_can_run_worlds ())
    return;

  _discover ("https-autoconfig.spec", "alice@example.test", &d);
  g_assert_cmpint (d.status, ==, 0);

  in = _service (&d, "mail-in");
  g_assert_nonnull (in);
  g_assert_cmpstr (json_object_get_string_member (in, "protocol"), ==, "imap");
  g_assert_cmpstr (json_object_get_string_member (in, "host"), ==, "imap.example.test");
  g_assert_cmpint (json_object_get_int_member (in, "port"), ==, 993);
  g_assert_cmpstr (json_object_get_string_member (in, "security"), ==, "tls");
  g_assert_cmpstr (json_object_get_string_member (in, "username"), ==, "alice@example.test");
  g_assert_cmpstr (json_object_get_string_member (in, "source"), ==, "autoconfig");
  g_assert_cmpstr (json_object_get_string_member (in, "reason"), !=, "");

  out = _service (&d, "mail-out");
  g_assert_nonnull (out);
  g_assert_cmpstr (json_object_get_string_member (out, "protocol"), ==, "smtp");
  g_assert_cmpint (json_object_get_int_member (out, "port"), ==, 465);

  g_assert_cmpstr (json_object_get_string_member (_lookup (&d, "autoconfig", "autoconfig.example.test"),
                                                  "outcome"), ==, "found");
  /* The address travelled only over HTTPS, URL-encoded */
  g_assert_nonnull (strstr (d.requests, "emailaddress=alice%40example.test"));
}

static void
test_imap_over_pop3 (void)
{
  g_auto(Discovery) d = { 0, };
  JsonObject *in;
  JsonArray *alternatives;

  if (!_can_run_worlds ())
    return;

  _discover ("pop3-first.spec", "bob@example.test", &d);
  g_assert_cmpint (d.status, ==, 0);

  in = _service (&d, "mail-in");
  g_assert_cmpstr (json_object_get_string_member (in, "protocol"), ==, "imap");
  g_assert_cmpstr (json_object_get_string_member (in, "security"), ==, "starttls");
  g_assert_cmpstr (json_object_get_string_member (in, "username"), ==, "bob");
  g_assert_nonnull (strstr (json_object_get_string_member (in, "reason"), "POP3"));

  alternatives = json_object_get_array_member (
    json_object_get_object_member (json_node_get_object (d.json), "alternatives"), "mail-in");
  g_assert_cmpuint (json_array_get_length (alternatives), >=, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (alternatives, 0),
                                                  "protocol"), ==, "pop3");
}

static void
test_srv_while_autoconfig_hangs (void)
{
  g_auto(Discovery) d = { 0, };
  JsonObject *in, *out, *autoconfig;

  if (!_can_run_worlds ())
    return;

  _discover ("srv-only.spec", "carol@example.test", &d);
  g_assert_cmpint (d.status, ==, 0);

  in = _service (&d, "mail-in");
  g_assert_cmpstr (json_object_get_string_member (in, "protocol"), ==, "imap");
  g_assert_cmpstr (json_object_get_string_member (in, "host"), ==, "imap.example.test");
  g_assert_cmpstr (json_object_get_string_member (in, "source"), ==, "srv");

  out = _service (&d, "mail-out");
  g_assert_cmpint (json_object_get_int_member (out, "port"), ==, 587);
  g_assert_cmpstr (json_object_get_string_member (out, "security"), ==, "starttls");

  /* The hanging host did not hold the result back: it was stopped, not waited for. */
  autoconfig = _lookup (&d, "autoconfig", "autoconfig.example.test");
  g_assert_cmpstr (json_object_get_string_member (autoconfig, "outcome"), !=, "found");
  g_assert_cmpstr (json_object_get_string_member (autoconfig, "outcome"), !=, "running");
}

static void
test_plain_http_only (void)
{
  g_auto(Discovery) d = { 0, };
  JsonArray *confirmations;
  g_auto(GStrv) lines = NULL;
  gboolean saw_http = FALSE;

  if (!_can_run_worlds ())
    return;

  _discover ("http-only.spec", "dave@example.test", &d);
  g_assert_cmpint (d.status, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (_service (&d, "mail-in"), "source"), ==,
                   "http-autoconfig");

  confirmations = json_object_get_array_member (json_node_get_object (d.json), "needs_confirmation");
  g_assert_cmpuint (json_array_get_length (confirmations), >=, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (confirmations, 0),
                                                  "kind"), ==, "insecure");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (d.json),
                                                                         "warnings")), >=, 1);

  /* The address never went over plain HTTP */
  lines = g_strsplit (d.requests, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "\"http\"") != NULL || strstr (lines[i], "http://") != NULL)
      {
        saw_http = TRUE;
        g_assert_null (strstr (lines[i], "dave"));
      }
  g_assert_true (saw_http);
}

static void
test_hostile_answers (void)
{
  g_auto(Discovery) d = { 0, };

  if (!_can_run_worlds ())
    return;

  _discover ("hostile.spec", "erin@example.test", &d);
  g_assert_cmpint (d.status, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (_service (&d, "mail-in"), "source"), ==, "srv");
  g_assert_cmpstr (json_object_get_string_member (_lookup (&d, "autoconfig", "autoconfig.example.test"),
                                                  "outcome"), ==, "error");
  g_assert_cmpstr (json_object_get_string_member (_lookup (&d, "autoconfig", "well-known"),
                                                  "outcome"), ==, "error");
}

static void
test_idn (void)
{
  g_auto(Discovery) d = { 0, };

  if (!_can_run_worlds ())
    return;

  _discover ("idn.spec", "frank@bücher.test", &d);
  g_assert_cmpint (d.status, ==, 0);
  g_assert_nonnull (_lookup (&d, "autoconfig", "autoconfig.xn--bcher-kva.test"));
  g_assert_cmpstr (json_object_get_string_member (_service (&d, "mail-in"), "host"), ==,
                   "imap.example.test");
}

static void
test_nothing_found (void)
{
  g_auto(Discovery) d = { 0, };

  if (!_can_run_worlds ())
    return;

  _discover ("empty.spec", "gina@example.test", &d);
  g_assert_cmpint (d.status, ==, 3);
  g_assert_null (_service (&d, "mail-in"));
  g_assert_nonnull (_lookup (&d, "guess", NULL));
}

static gboolean
_can_run_dovecot (void)
{
  if (!_can_run_worlds ())
    return FALSE;
  if (geteuid () != 0)
    {
      g_test_skip ("Dovecot in a world needs root");
      return FALSE;
    }
  return TRUE;
}

static void
test_login (void)
{
  g_auto(Discovery) d = { 0, };
  JsonObject *login;

  if (!_can_run_dovecot ())
    return;

  /* SRV gives no user name: the address is refused, the local part signs in. */
  _discover_with_password ("login.spec", "alice@example.test", "alice-secret-1", &d);
  g_assert_cmpint (d.status, ==, 0);

  login = _member_object (&d, "logins", "mail-in");
  g_assert_cmpstr (json_object_get_string_member (login, "outcome"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (login, "username"), ==, "alice");
  g_assert_cmpstr (json_object_get_string_member (_service (&d, "mail-in"), "username"), ==, "alice");

  login = _member_object (&d, "logins", "mail-out");
  g_assert_cmpstr (json_object_get_string_member (login, "outcome"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (_service (&d, "mail-out"), "username"), ==, "alice");
}

static void
test_login_refused (void)
{
  g_auto(Discovery) d = { 0, };

  if (!_can_run_dovecot ())
    return;

  _discover_with_password ("login.spec", "alice@example.test", "not-her-password", &d);
  g_assert_cmpint (d.status, ==, 1);
  g_assert_nonnull (strstr (d.err, "refused the password"));

  g_assert_cmpstr (json_object_get_string_member (_member_object (&d, "logins", "mail-in"), "outcome"),
                   ==, "auth-failed");
  /* One clear refusal ends signing in: the outgoing server is not tried. */
  g_assert_cmpstr (json_object_get_string_member (_member_object (&d, "logins", "mail-out"), "outcome"),
                   ==, "not-tried");
}

static void
test_bad_certificate (void)
{
  g_auto(Discovery) d = { 0, };
  JsonObject *confirmation;

  if (!_can_run_dovecot ())
    return;

  _discover_with_password ("bad-certificate.spec", "alice@example.test", "alice-secret-1", &d);
  g_assert_cmpint (d.status, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (_service (&d, "mail-in"), "host"), ==,
                   "imap.example.test");

  confirmation = _confirmation (&d, "certificate");
  g_assert_nonnull (confirmation);
  g_assert_cmpstr (json_object_get_string_member (confirmation, "subject"), ==, "imap.example.test");
  g_assert_cmpuint (strlen (json_object_get_string_member (confirmation, "fingerprint")), ==, 32 * 3 - 1);

  /* The password never went to a server whose identity is unknown. */
  g_assert_cmpstr (json_object_get_string_member (_member_object (&d, "logins", "mail-in"), "outcome"),
                   ==, "not-tried");
}

static void
test_silent_server (void)
{
  g_auto(Discovery) d = { 0, };
  JsonArray *probes;
  gboolean saw_imap = FALSE;

  if (!_can_run_dovecot ())
    return;

  _discover ("silent-server.spec", "alice@example.test", &d);
  g_assert_cmpint (d.status, ==, 0);

  /* IMAP would win, but its server never answered: POP3, and the reason says why. */
  g_assert_cmpstr (json_object_get_string_member (_service (&d, "mail-in"), "protocol"), ==, "pop3");
  g_assert_nonnull (strstr (json_object_get_string_member (_service (&d, "mail-in"), "reason"),
                            "imap.example.test"));

  probes = json_object_get_array_member (json_node_get_object (d.json), "probes");
  for (guint i = 0; i < json_array_get_length (probes); i++)
    {
      JsonObject *probe = json_array_get_object_element (probes, i);

      if (g_str_equal (json_object_get_string_member (probe, "host"), "imap.example.test"))
        {
          saw_imap = TRUE;
          g_assert_cmpstr (json_object_get_string_member (probe, "outcome"), !=, "ok");
        }
      else
        g_assert_cmpstr (json_object_get_string_member (probe, "outcome"), ==, "ok");
    }
  g_assert_true (saw_imap);
}

static void
test_mx_derived (void)
{
  g_auto(Discovery) d = { 0, };
  JsonObject *confirmation;

  if (!_can_run_worlds ())
    return;

  _discover ("mx-derived.spec", "alice@example.test", &d);
  g_assert_cmpint (d.status, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (_service (&d, "mail-in"), "source"), ==, "mx");
  g_assert_cmpstr (json_object_get_string_member (_service (&d, "mail-in"), "host"), ==,
                   "imap.hoster.test");

  confirmation = _confirmation (&d, "dns-derived");
  g_assert_nonnull (confirmation);
  g_assert_cmpstr (json_object_get_string_member (confirmation, "subject"), ==, "hoster.test");

  /* The most preferred exchanger's registrable domain, and the name below it; never
   * the backup exchanger's. */
  g_assert_nonnull (strstr (d.requests, "\"host\": \"autoconfig.hoster.test\""));
  g_assert_null (strstr (d.requests, "other.test"));
  g_assert_true (_has_warning (&d, "unreachable"));
}

static void
_assert_first_alternative (Discovery  *d,
                           const char *service,
                           const char *protocol)
{
  JsonArray *alternatives = json_object_get_array_member (
    json_object_get_object_member (json_node_get_object (d->json), "alternatives"), service);

  g_assert_cmpuint (json_array_get_length (alternatives), >=, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (alternatives, 0),
                                                  "protocol"), ==, protocol);
}

static void
test_jmap_over_imap (void)
{
  g_auto(Discovery) d = { 0, };
  JsonObject *in;

  if (!_can_run_worlds ())
    return;

  /* Without a password the server only says that it wants one: enough to know it. */
  _discover ("jmap-and-imap.spec", "alice@example.test", &d);
  g_assert_cmpint (d.status, ==, 0);
  in = _service (&d, "mail-in");
  g_assert_cmpstr (json_object_get_string_member (in, "protocol"), ==, "jmap");
  g_assert_cmpstr (json_object_get_string_member (in, "url"), ==, "https://example.test/.well-known/jmap");
  g_assert_cmpstr (json_object_get_string_member (in, "source"), ==, "jmap");
  g_assert_nonnull (strstr (json_object_get_string_member (in, "reason"), "IMAP"));
  _assert_first_alternative (&d, "mail-in", "imap");
  discovery_clear (&d);

  /* With it, the session tells every service JMAP offers here. */
  _discover_with_password ("jmap-and-imap.spec", "alice@example.test", "alice-secret-1", &d);
  g_assert_cmpint (d.status, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (_service (&d, "mail-in"), "protocol"), ==, "jmap");
  g_assert_cmpstr (json_object_get_string_member (_service (&d, "contacts"), "protocol"), ==, "jmap");
  g_assert_cmpstr (json_object_get_string_member (_service (&d, "calendar"), "protocol"), ==, "jmap");
}

static void
test_full_provider (void)
{
  g_auto(Discovery) d = { 0, };
  JsonObject *contacts, *calendar;

  if (!_can_run_dovecot ())
    return;

  _discover ("full-provider.spec", "alice@example.test", &d);
  g_assert_cmpint (d.status, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (_service (&d, "mail-in"), "protocol"), ==, "imap");
  g_assert_cmpstr (json_object_get_string_member (_service (&d, "mail-out"), "protocol"), ==, "smtp");

  contacts = _service (&d, "contacts");
  g_assert_nonnull (contacts);
  g_assert_cmpstr (json_object_get_string_member (contacts, "protocol"), ==, "carddav");
  g_assert_cmpstr (json_object_get_string_member (contacts, "source"), ==, "dav");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (contacts, "url"),
                                   "https://dav.example.test/"));

  calendar = _service (&d, "calendar");
  g_assert_nonnull (calendar);
  g_assert_cmpstr (json_object_get_string_member (calendar, "protocol"), ==, "caldav");

  /* Every probe of the mail servers went well, and nothing needs the person. */
  g_assert_false (_has_warning (&d, "unreachable"));
  g_assert_null (_confirmation (&d, "certificate"));
}

static void
test_exchange_over_imap (void)
{
  g_auto(Discovery) d = { 0, };
  JsonObject *in;

  if (!_can_run_dovecot ())
    return;

  _discover_with_password ("exchange.spec", "alice@example.test", "alice-secret-1", &d);
  g_assert_cmpint (d.status, ==, 0);

  /* Both servers answer; the matrix prefers ActiveSync, which brings new mail at once. */
  in = _service (&d, "mail-in");
  g_assert_cmpstr (json_object_get_string_member (in, "protocol"), ==, "eas");
  g_assert_cmpstr (json_object_get_string_member (in, "source"), ==, "autodiscover");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (in, "url"), "https://"));
  g_assert_nonnull (strstr (json_object_get_string_member (in, "reason"), "IMAP"));
  g_assert_false (_has_warning (&d, "unreachable"));
  _assert_first_alternative (&d, "mail-in", "imap");
  g_assert_cmpstr (json_object_get_string_member (_service (&d, "contacts"), "protocol"), ==, "eas");
  g_assert_cmpstr (json_object_get_string_member (_service (&d, "calendar"), "protocol"), ==, "eas");
  g_assert_cmpstr (json_object_get_string_member (_service (&d, "mail-out"), "protocol"), ==, "smtp");
}

/* Whether a request with an Authorization header reached @host. */
static gboolean
_authorization_reached (Discovery  *d,
                        const char *host)
{
  g_auto(GStrv) lines = g_strsplit (d->requests, "\n", -1);
  g_autofree char *needle = g_strdup_printf ("\"host\": \"%s\"", host);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], needle) != NULL && strstr (lines[i], "\"authorization\": null") == NULL)
      return TRUE;

  return FALSE;
}

static void
test_autodiscover_redirect (void)
{
  g_auto(Discovery) d = { 0, };
  JsonObject *confirmation;

  if (!_can_run_worlds ())
    return;

  /* The provider's Autodiscover points at evil.test: asked, not followed. */
  _discover_with_password ("autodiscover-redirect.spec", "alice@example.test", "alice-secret-1", &d);
  g_assert_cmpint (d.status, ==, 0);
  confirmation = _confirmation (&d, "redirect");
  g_assert_nonnull (confirmation);
  g_assert_cmpstr (json_object_get_string_member (confirmation, "subject"), ==, "evil.test");
  g_assert_nonnull (strstr (d.requests, "\"host\": \"autodiscover.example.test\""));
  g_assert_false (_authorization_reached (&d, "evil.test"));
  discovery_clear (&d);

  /* With the person's yes, the password goes there, and nothing is asked again. */
  _discover_full ("autodiscover-redirect.spec", "alice@example.test", "alice-secret-1",
                  "--allow-redirect-to evil.test", &d);
  g_assert_cmpint (d.status, ==, 0);
  g_assert_true (_authorization_reached (&d, "evil.test"));
  g_assert_null (_confirmation (&d, "redirect"));
}

static void
test_ispdb (void)
{
  g_auto(Discovery) d = { 0, };
  g_auto(GStrv) lines = NULL;
  gboolean asked = FALSE;

  if (!_can_run_worlds ())
    return;

  _discover ("ispdb.spec", "alice@example.test", &d);
  g_assert_cmpint (d.status, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (_service (&d, "mail-in"), "source"), ==, "ispdb");
  g_assert_cmpstr (json_object_get_string_member (_lookup (&d, "ispdb", "ispdb.test/v1.1/example.test"),
                                                  "outcome"), ==, "found");
  /* The database is asked for the domain only: the address stays here. */
  lines = g_strsplit (d.requests, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "\"host\": \"ispdb.test\"") != NULL)
      {
        asked = TRUE;
        g_assert_nonnull (strstr (lines[i], "\"path\": \"/v1.1/example.test\""));
        g_assert_null (strstr (lines[i], "alice"));
      }
  g_assert_true (asked);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_assert_nonnull (g_getenv ("ACCORDCTL"));

  g_test_add_func ("/discover/https-autoconfig", test_https_autoconfig);
  g_test_add_func ("/discover/imap-over-pop3", test_imap_over_pop3);
  g_test_add_func ("/discover/srv-while-autoconfig-hangs", test_srv_while_autoconfig_hangs);
  g_test_add_func ("/discover/plain-http-only", test_plain_http_only);
  g_test_add_func ("/discover/hostile-answers", test_hostile_answers);
  g_test_add_func ("/discover/idn", test_idn);
  g_test_add_func ("/discover/nothing-found", test_nothing_found);
  g_test_add_func ("/discover/mx-derived", test_mx_derived);
  g_test_add_func ("/discover/jmap-over-imap", test_jmap_over_imap);
  g_test_add_func ("/discover/full-provider", test_full_provider);
  g_test_add_func ("/discover/ispdb", test_ispdb);
  g_test_add_func ("/discover/exchange-over-imap", test_exchange_over_imap);
  g_test_add_func ("/discover/autodiscover-redirect", test_autodiscover_redirect);
  g_test_add_func ("/discover/login", test_login);
  g_test_add_func ("/discover/login-refused", test_login_refused);
  g_test_add_func ("/discover/bad-certificate", test_bad_certificate);
  g_test_add_func ("/discover/silent-server", test_silent_server);

  return g_test_run ();
}
