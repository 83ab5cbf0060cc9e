/* test-lookup-jmap.c
 *
 * The JMAP lookup against real DNS and HTTPS: the world of
 * tests/data/world/lookup-jmap.spec, which this program enters itself (see
 * tests/servers/world-README.md, "the re-exec pattern").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "accord-lookup-jmap.h"
#include "accord-test-utils.h"

#define SPEC_NAME "lookup-jmap.spec"

/* --- helpers ------------------------------------------------------------------ */

static AccordLookup *
_run_with_timeout (const char         *domain,
                   const char         *password,
                   const char * const *allowed,
                   guint               timeout_ms)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autoptr(GResolver) resolver = g_resolver_get_default ();
  g_autofree char *address = g_strconcat ("alice@", domain, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  AccordLookup *lookup;

  lookup = accord_lookup_jmap_new (domain, address, password, allowed, session, resolver);
  g_assert_cmpint (accord_lookup_get_source (lookup), ==, ACCORD_SOURCE_JMAP);
  accord_lookup_set_timeout_ms (lookup, timeout_ms);

  accord_lookup_run_async (lookup, NULL, accord_test_result_cb, &result);
  accord_lookup_run_finish (lookup, accord_test_wait_result (&result), &error);
  g_assert_no_error (error);

  g_test_message ("%s: %s, %u candidates, %u confirmations: %s", domain,
                  accord_lookup_outcome_to_string (accord_lookup_get_outcome (lookup)),
                  accord_lookup_get_candidates (lookup)->len,
                  accord_lookup_get_confirmations (lookup)->len,
                  accord_lookup_get_detail (lookup));
  return lookup;
}

static AccordLookup *
_run (const char         *domain,
      const char         *password,
      const char * const *allowed)
{
  return _run_with_timeout (domain, password, allowed, 10000);
}

static AccordCandidate *
_candidate (AccordLookup      *lookup,
            AccordServiceKind  service)
{
  GPtrArray *candidates = accord_lookup_get_candidates (lookup);
  AccordCandidate *found = NULL;

  for (guint i = 0; i < candidates->len; i++)
    {
      AccordCandidate *candidate = g_ptr_array_index (candidates, i);

      if (candidate->service == service)
        {
          g_assert_null (found);
          found = candidate;
        }
    }

  return found;
}

static void
_assert_jmap_candidate (AccordCandidate *candidate,
                        const char      *url,
                        const char      *host,
                        guint16          port,
                        const char      *source_detail)
{
  g_assert_nonnull (candidate);
  g_assert_cmpint (candidate->protocol, ==, ACCORD_PROTOCOL_JMAP);
  g_assert_cmpint (candidate->source, ==, ACCORD_SOURCE_JMAP);
  g_assert_cmpint (candidate->security, ==, ACCORD_SECURITY_TLS);
  g_assert_cmpstr (candidate->url, ==, url);
  g_assert_cmpstr (candidate->host, ==, host);
  g_assert_cmpuint (candidate->port, ==, port);
  g_assert_cmpstr (candidate->source_detail, ==, source_detail);
}

static void
_assert_error (AccordLookup *lookup,
               const char   *detail_part)
{
  g_assert_cmpint (accord_lookup_get_outcome (lookup), ==, ACCORD_LOOKUP_ERROR);
  g_assert_cmpuint (accord_lookup_get_candidates (lookup)->len, ==, 0);
  g_assert_nonnull (accord_lookup_get_detail (lookup));
  g_assert_nonnull (strstr (accord_lookup_get_detail (lookup), detail_part));
}

/* The lines of requests.log so far, one request each. */
static GStrv
_log_lines (void)
{
  g_autofree char *log = accord_test_read_file (g_getenv ("ACCORD_WORLD_REQUESTS_LOG"));
  g_auto(GStrv) lines = g_strsplit (log, "\n", -1);
  g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_strv_builder_add (kept, lines[i]);

  return g_strv_builder_end (kept);
}

static guint
_log_mark (void)
{
  g_auto(GStrv) lines = _log_lines ();

  return g_strv_length (lines);
}

/* How many requests since @mark have every one of the given substrings (the log
 * is written as Python's json.dumps does: "key": value). */
static guint
_count_since (guint       mark,
              const char *first,
              ...)
{
  g_auto(GStrv) lines = _log_lines ();
  guint count = 0;

  for (guint i = mark; lines[i] != NULL; i++)
    {
      gboolean all = TRUE;
      va_list ap;

      va_start (ap, first);
      for (const char *needle = first; all && needle != NULL; needle = va_arg (ap, const char *))
        all = strstr (lines[i], needle) != NULL;
      va_end (ap);

      if (all)
        count++;
    }

  return count;
}

static char *
_basic (const char *user,
        const char *password)
{
  g_autofree char *pair = g_strconcat (user, ":", password, NULL);
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));

  return g_strdup_printf ("\"authorization\": \"Basic %s\"", encoded);
}

/* --- cases -------------------------------------------------------------------- */

static void
test_srv_session (void)
{
  static const AccordServiceKind services[] = {
    ACCORD_SERVICE_MAIL_IN, ACCORD_SERVICE_MAIL_OUT,
    ACCORD_SERVICE_CONTACTS, ACCORD_SERVICE_CALENDAR,
  };
  guint mark = _log_mark ();
  g_autoptr(AccordLookup) lookup = _run ("example.test", "secret", NULL);
  g_autofree char *auth = _basic ("alice@example.test", "secret");

  g_assert_cmpstr (accord_lookup_get_target (lookup), ==,
                   "_jmap._tcp.example.test, /.well-known/jmap");
  g_assert_cmpint (accord_lookup_get_outcome (lookup), ==, ACCORD_LOOKUP_FOUND);
  g_assert_cmpuint (accord_lookup_get_candidates (lookup)->len, ==, 4);
  g_assert_cmpuint (accord_lookup_get_confirmations (lookup)->len, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    {
      AccordCandidate *candidate = _candidate (lookup, services[i]);

      _assert_jmap_candidate (candidate, "https://jmap.example.test:8443/.well-known/jmap",
                              "jmap.example.test", 8443, "_jmap._tcp.example.test");
      g_assert_cmpstr (candidate->username, ==, "alice@example.test");
      g_assert_cmpint (candidate->auth, ==, ACCORD_AUTH_PASSWORD);
      g_assert_cmpint (candidate->flags, ==, ACCORD_CANDIDATE_FLAG_NONE);
    }

  /* One request, signed in by hand, not after a challenge. */
  g_assert_cmpuint (_count_since (mark, "\"host\": \"jmap.example.test\"", NULL), ==, 1);
  g_assert_cmpuint (_count_since (mark, "\"host\": \"jmap.example.test\"", "\"port\": 443",
                                  "\"path\": \"/.well-known/jmap\"", auth, "\"status\": 200",
                                  NULL), ==, 1);
}

static void
test_srv_unauthorized (void)
{
  guint mark = _log_mark ();
  g_autoptr(AccordLookup) lookup = _run ("example.test", NULL, NULL);
  AccordCandidate *candidate;

  /* The 401 proves a JMAP server; what it offers is known after signing in. */
  g_assert_cmpint (accord_lookup_get_outcome (lookup), ==, ACCORD_LOOKUP_FOUND);
  g_assert_cmpuint (accord_lookup_get_candidates (lookup)->len, ==, 1);
  candidate = _candidate (lookup, ACCORD_SERVICE_MAIL_IN);
  _assert_jmap_candidate (candidate, "https://jmap.example.test:8443/.well-known/jmap",
                          "jmap.example.test", 8443, "_jmap._tcp.example.test");
  g_assert_null (candidate->username);
  g_assert_cmpint (candidate->flags, ==, ACCORD_CANDIDATE_FLAG_NONE);

  g_assert_cmpuint (_count_since (mark, "\"host\": \"jmap.example.test\"", NULL), ==, 1);
  g_assert_cmpuint (_count_since (mark, "\"host\": \"jmap.example.test\"",
                                  "\"authorization\": null", "\"status\": 401", NULL), ==, 1);
}

static void
test_wrong_password (void)
{
  guint mark = _log_mark ();
  g_autoptr(AccordLookup) lookup = _run ("example.test", "not-the-secret", NULL);
  g_autofree char *auth = _basic ("alice@example.test", "not-the-secret");
  AccordCandidate *candidate;

  g_assert_cmpint (accord_lookup_get_outcome (lookup), ==, ACCORD_LOOKUP_FOUND);
  g_assert_cmpuint (accord_lookup_get_candidates (lookup)->len, ==, 1);
  candidate = _candidate (lookup, ACCORD_SERVICE_MAIL_IN);
  _assert_jmap_candidate (candidate, "https://jmap.example.test:8443/.well-known/jmap",
                          "jmap.example.test", 8443, "_jmap._tcp.example.test");
  g_assert_null (candidate->username);

  /* A refused password is tried once, nowhere else. */
  g_assert_cmpuint (_count_since (mark, "\"authorization\": \"Basic", NULL), ==, 1);
  g_assert_cmpuint (_count_since (mark, "\"host\": \"jmap.example.test\"", auth,
                                  "\"status\": 401", NULL), ==, 1);
}

static void
test_well_known_redirect (void)
{
  guint mark = _log_mark ();
  g_autoptr(AccordLookup) lookup = _run ("wellknown.test", "secret", NULL);
  g_autofree char *auth = _basic ("alice@wellknown.test", "secret");

  g_assert_cmpint (accord_lookup_get_outcome (lookup), ==, ACCORD_LOOKUP_FOUND);
  g_assert_cmpuint (accord_lookup_get_candidates (lookup)->len, ==, 2);
  g_assert_cmpuint (accord_lookup_get_confirmations (lookup)->len, ==, 0);

  for (AccordServiceKind service = ACCORD_SERVICE_MAIL_IN; service <= ACCORD_SERVICE_MAIL_OUT;
       service++)
    {
      AccordCandidate *candidate = _candidate (lookup, service);

      /* The Session URL is where the redirects ended. */
      _assert_jmap_candidate (candidate, "https://jmap.wellknown.test/jmap/session",
                              "jmap.wellknown.test", 443,
                              "https://wellknown.test/.well-known/jmap");
      g_assert_cmpstr (candidate->username, ==, "alice@wellknown.test");
      g_assert_cmpint (candidate->flags, ==, ACCORD_CANDIDATE_FLAG_NONE);
    }
  g_assert_null (_candidate (lookup, ACCORD_SERVICE_CONTACTS));
  g_assert_null (_candidate (lookup, ACCORD_SERVICE_CALENDAR));

  g_assert_cmpuint (_count_since (mark, "\"host\": \"wellknown.test\"", "\"status\": 301",
                                  NULL), ==, 1);
  g_assert_cmpuint (_count_since (mark, "\"host\": \"jmap.wellknown.test\"",
                                  "\"path\": \"/jmap/session\"", auth, "\"status\": 200",
                                  NULL), ==, 1);
  g_assert_cmpuint (_count_since (mark, "\"scheme\": \"http\"", NULL), ==, 0);
}

static void
test_well_known_unauthorized (void)
{
  g_autoptr(AccordLookup) lookup = _run ("wellknown.test", NULL, NULL);

  g_assert_cmpint (accord_lookup_get_outcome (lookup), ==, ACCORD_LOOKUP_FOUND);
  g_assert_cmpuint (accord_lookup_get_candidates (lookup)->len, ==, 1);
  _assert_jmap_candidate (_candidate (lookup, ACCORD_SERVICE_MAIL_IN),
                          "https://jmap.wellknown.test/jmap/session", "jmap.wellknown.test", 443,
                          "https://wellknown.test/.well-known/jmap");
}

static void
test_srv_not_offered (void)
{
  guint mark = _log_mark ();
  g_autoptr(AccordLookup) lookup = _run ("nojmap.test", "secret", NULL);

  /* The target "." is an answer: the Session on the domain is not asked for. */
  g_assert_cmpint (accord_lookup_get_outcome (lookup), ==, ACCORD_LOOKUP_NONE);
  g_assert_cmpuint (accord_lookup_get_candidates (lookup)->len, ==, 0);
  g_assert_cmpuint (_count_since (mark, "\"host\": \"nojmap.test\"", NULL), ==, 0);
}

static void
test_not_found (void)
{
  g_autoptr(AccordLookup) lookup = _run ("absent.test", NULL, NULL);

  g_assert_cmpint (accord_lookup_get_outcome (lookup), ==, ACCORD_LOOKUP_NONE);
  g_assert_cmpuint (accord_lookup_get_candidates (lookup)->len, ==, 0);
}

static void
test_srv_fallback (void)
{
  guint mark = _log_mark ();
  g_autoptr(AccordLookup) lookup = _run ("fallback.test", "secret", NULL);

  g_assert_cmpint (accord_lookup_get_outcome (lookup), ==, ACCORD_LOOKUP_FOUND);
  g_assert_cmpuint (accord_lookup_get_candidates (lookup)->len, ==, 4);
  _assert_jmap_candidate (_candidate (lookup, ACCORD_SERVICE_CALENDAR),
                          "https://fallback.test/.well-known/jmap", "fallback.test", 443,
                          "https://fallback.test/.well-known/jmap");
  g_assert_cmpuint (_count_since (mark, "\"host\": \"fallback.test\"", "\"status\": 200",
                                  NULL), ==, 1);
}

static void
test_timeout (void)
{
  g_autoptr(AccordLookup) lookup = _run_with_timeout ("slow.test", "secret", NULL, 1000);

  g_assert_cmpint (accord_lookup_get_outcome (lookup), ==, ACCORD_LOOKUP_TIMEOUT);
  g_assert_cmpuint (accord_lookup_get_candidates (lookup)->len, ==, 0);
}

static void
_assert_provider_confirmation (AccordLookup *lookup)
{
  GPtrArray *confirmations = accord_lookup_get_confirmations (lookup);
  AccordConfirmation *confirmation;

  g_assert_cmpuint (confirmations->len, ==, 1);
  confirmation = g_ptr_array_index (confirmations, 0);
  g_assert_cmpint (confirmation->kind, ==, ACCORD_CONFIRMATION_REDIRECT);
  g_assert_cmpstr (confirmation->subject, ==, "provider.test");
  g_assert_nonnull (strstr (confirmation->detail, "provider.test"));
}

static void
test_other_domain (void)
{
  guint mark = _log_mark ();
  g_autoptr(AccordLookup) lookup = _run ("moved.test", "secret", NULL);
  g_autofree char *auth = _basic ("alice@moved.test", "secret");
  AccordCandidate *candidate;

  /* Followed without the password, which waits for the person's yes. */
  _assert_provider_confirmation (lookup);
  g_assert_cmpint (accord_lookup_get_outcome (lookup), ==, ACCORD_LOOKUP_FOUND);
  g_assert_cmpuint (accord_lookup_get_candidates (lookup)->len, ==, 1);
  candidate = _candidate (lookup, ACCORD_SERVICE_MAIL_IN);
  _assert_jmap_candidate (candidate, "https://jmap.provider.test/.well-known/jmap",
                          "jmap.provider.test", 443, "https://moved.test/.well-known/jmap");
  g_assert_null (candidate->username);
  g_assert_cmpint (candidate->flags, ==, ACCORD_CANDIDATE_FLAG_REDIRECTED);

  /* The address's own domain may have the password; the provider got none. */
  g_assert_cmpuint (_count_since (mark, "\"host\": \"moved.test\"", auth, NULL), ==, 1);
  g_assert_cmpuint (_count_since (mark, "\"host\": \"jmap.provider.test\"", "\"status\": 401",
                                  NULL), ==, 1);
  g_assert_cmpuint (_count_since (mark, "\"host\": \"jmap.provider.test\"", NULL), ==,
                    _count_since (mark, "\"host\": \"jmap.provider.test\"",
                                  "\"authorization\": null", NULL));
}

static void
test_srv_other_domain (void)
{
  guint mark = _log_mark ();
  g_autoptr(AccordLookup) lookup = _run ("hosted.test", "secret", NULL);
  AccordCandidate *candidate;

  /* An SRV record is no more trusted than a redirect. */
  _assert_provider_confirmation (lookup);
  g_assert_cmpint (accord_lookup_get_outcome (lookup), ==, ACCORD_LOOKUP_FOUND);
  candidate = _candidate (lookup, ACCORD_SERVICE_MAIL_IN);
  _assert_jmap_candidate (candidate, "https://jmap.provider.test/.well-known/jmap",
                          "jmap.provider.test", 443, "_jmap._tcp.hosted.test");
  g_assert_cmpint (candidate->flags, ==, ACCORD_CANDIDATE_FLAG_REDIRECTED);

  g_assert_cmpuint (_count_since (mark, "\"host\": \"jmap.provider.test\"", NULL), ==, 1);
  g_assert_cmpuint (_count_since (mark, "\"authorization\": null", NULL), ==,
                    _log_mark () - mark);
}

static void
test_other_domain_allowed (void)
{
  const char * const allowed[] = { "provider.test", NULL };
  guint mark = _log_mark ();
  g_autoptr(AccordLookup) lookup = _run ("moved.test", "secret", allowed);
  g_autofree char *auth = _basic ("alice@moved.test", "secret");
  GPtrArray *candidates;

  g_assert_cmpint (accord_lookup_get_outcome (lookup), ==, ACCORD_LOOKUP_FOUND);
  g_assert_cmpuint (accord_lookup_get_confirmations (lookup)->len, ==, 0);
  candidates = accord_lookup_get_candidates (lookup);
  g_assert_cmpuint (candidates->len, ==, 4);

  for (guint i = 0; i < candidates->len; i++)
    {
      AccordCandidate *candidate = g_ptr_array_index (candidates, i);

      _assert_jmap_candidate (candidate, "https://jmap.provider.test/.well-known/jmap",
                              "jmap.provider.test", 443, "https://moved.test/.well-known/jmap");
      g_assert_cmpstr (candidate->username, ==, "alice@moved.test");
      g_assert_cmpint (candidate->flags, ==, ACCORD_CANDIDATE_FLAG_REDIRECTED);
    }

  g_assert_cmpuint (_count_since (mark, "\"host\": \"jmap.provider.test\"", auth,
                                  "\"status\": 200", NULL), ==, 1);
}

static void
test_refused_redirects (void)
{
  guint mark = _log_mark ();
  g_autoptr(AccordLookup) downgrade = _run ("downgrade.test", "secret", NULL);
  g_autoptr(AccordLookup) loop = _run ("loop.test", "secret", NULL);
  g_autoptr(AccordLookup) too_many = _run ("toomany.test", "secret", NULL);

  _assert_error (downgrade, "unencrypted");
  g_assert_cmpuint (_count_since (mark, "\"scheme\": \"http\"", NULL), ==, 0);

  _assert_error (loop, "https://loop.test/.well-known/jmap");
  g_assert_cmpuint (_count_since (mark, "\"host\": \"loop.test\"", NULL), ==, 2);

  _assert_error (too_many, "https://toomany.test/.well-known/jmap");
  g_assert_cmpuint (_count_since (mark, "\"host\": \"toomany.test\"", "\"path\": \"/r6\"",
                                  NULL), ==, 0);
}

static void
test_malformed (void)
{
  g_autoptr(AccordLookup) lookup = _run ("malformed.test", "secret", NULL);

  _assert_error (lookup, "https://malformed.test/.well-known/jmap");
}

static void
test_wrong_shape (void)
{
  static const char *domains[] = {
    "notjmap.test", "wrongroot.test", "wrongcaps.test", "wrongcap.test",
    "wrongaccounts.test", "wrongapi.test", "plainapi.test",
  };

  for (guint i = 0; i < G_N_ELEMENTS (domains); i++)
    {
      g_autoptr(AccordLookup) lookup = _run (domains[i], "secret", NULL);
      g_autofree char *url = g_strdup_printf ("https://%s/.well-known/jmap", domains[i]);

      _assert_error (lookup, url);
    }
}

static void
test_deep (void)
{
  g_autofree char *dir = g_build_filename (g_getenv ("ACCORD_WORLD_DIR"), "www", "deep.test",
                                           ".well-known", NULL);
  g_autofree char *path = g_build_filename (dir, "jmap", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AccordLookup) lookup = NULL;
  gsize depth = 200000;
  g_autofree char *document = g_malloc (2 * depth);

  /* Deep enough to exhaust json-glib's recursion, small enough to be read. */
  memset (document, '[', depth);
  memset (document + depth, ']', depth);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_file_set_contents (path, document, 2 * depth, &error);
  g_assert_no_error (error);

  lookup = _run ("deep.test", "secret", NULL);
  _assert_error (lookup, "https://deep.test/.well-known/jmap");
}

static void
test_huge (void)
{
  g_autoptr(AccordLookup) lookup = _run ("huge.test", "secret", NULL);

  _assert_error (lookup, "huge.test");
}

static void
test_server_error (void)
{
  g_autoptr(AccordLookup) lookup = _run ("broken.test", "secret", NULL);

  _assert_error (lookup, "500");
}

int
main (int   argc,
      char *argv[])
{
  g_auto(GStrv) saved_argv = g_strdupv (argv);
  g_autofree char *spec = NULL;

  g_test_init (&argc, &argv, NULL);

  spec = g_test_build_filename (G_TEST_DIST, "data", "world", SPEC_NAME, NULL);
  accord_test_enter_world (saved_argv, spec);

  g_test_add_func ("/lookup-jmap/srv-session", test_srv_session);
  g_test_add_func ("/lookup-jmap/srv-unauthorized", test_srv_unauthorized);
  g_test_add_func ("/lookup-jmap/wrong-password", test_wrong_password);
  g_test_add_func ("/lookup-jmap/well-known-redirect", test_well_known_redirect);
  g_test_add_func ("/lookup-jmap/well-known-unauthorized", test_well_known_unauthorized);
  g_test_add_func ("/lookup-jmap/srv-not-offered", test_srv_not_offered);
  g_test_add_func ("/lookup-jmap/not-found", test_not_found);
  g_test_add_func ("/lookup-jmap/srv-fallback", test_srv_fallback);
  g_test_add_func ("/lookup-jmap/timeout", test_timeout);
  g_test_add_func ("/lookup-jmap/other-domain", test_other_domain);
  g_test_add_func ("/lookup-jmap/srv-other-domain", test_srv_other_domain);
  g_test_add_func ("/lookup-jmap/other-domain-allowed", test_other_domain_allowed);
  g_test_add_func ("/lookup-jmap/refused-redirects", test_refused_redirects);
  g_test_add_func ("/lookup-jmap/malformed", test_malformed);
  g_test_add_func ("/lookup-jmap/wrong-shape", test_wrong_shape);
  g_test_add_func ("/lookup-jmap/deep", test_deep);
  g_test_add_func ("/lookup-jmap/huge", test_huge);
  g_test_add_func ("/lookup-jmap/server-error", test_server_error);

  return g_test_run ();
}
