/* test-discover.c
 *
 * `accordctl discover` in private worlds (tests/servers/accord-test-world): real DNS,
 * real HTTPS with a test CA, hostile answers. Each case runs accordctl inside a world
 * made from one spec in tests/data/discover/.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

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

/* Runs `accordctl discover ADDRESS --json` in the world of @spec. */
static void
_discover (const char *spec,
           const char *address,
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

  script = g_strdup_printf ("\"$ACCORDCTL\" discover '%s' --json > '%s'; s=$?; "
                            "cp \"$ACCORD_WORLD_REQUESTS_LOG\" '%s' 2>/dev/null; exit $s",
                            address, out_path, log_path);
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

  return g_test_run ();
}
