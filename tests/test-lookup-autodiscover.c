/* test-lookup-autodiscover.c
 *
 * The Exchange Autodiscover lookup against real servers: the world of
 * tests/data/world/lookup-autodiscover.spec (DNS, HTTPS with a test CA, a log of every
 * request). When started anywhere else, the program runs itself again inside that
 * world.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "accord-core.h"
#include "accord-lookup-autodiscover.h"
#include "accord-test-utils.h"

#define SPEC_NAME "lookup-autodiscover.spec"
#define PASSWORD "secret"

/* Where the request log ends now: a test reads only the requests it caused. */
static goffset
_log_mark (void)
{
  GStatBuf st;

  if (g_stat (g_getenv ("ACCORD_WORLD_REQUESTS_LOG"), &st) != 0)
    return 0;
  return st.st_size;
}

/* The requests logged since @mark, as JSON objects. */
static GPtrArray *
_requests_since (goffset mark)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *requests;
  gsize length;

  g_file_get_contents (g_getenv ("ACCORD_WORLD_REQUESTS_LOG"), &log, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mark, <=, (goffset) length);

  requests = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  lines = g_strsplit (log + mark, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (lines[i][0] == '\0')
        continue;
      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      g_ptr_array_add (requests,
                       json_object_ref (json_node_get_object (json_parser_get_root (parser))));
    }

  return requests;
}

static const char *
_member (JsonObject *request,
         const char *name)
{
  return json_object_get_string_member_with_default (request, name, NULL);
}

/* The requests since @mark to @host (and with @method, unless NULL). */
static GPtrArray *
_requests_to (goffset     mark,
              const char *host,
              const char *method)
{
  g_autoptr(GPtrArray) all = _requests_since (mark);
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (guint i = 0; i < all->len; i++)
    {
      JsonObject *request = g_ptr_array_index (all, i);

      if (g_strcmp0 (_member (request, "host"), host) == 0 &&
          (method == NULL || g_strcmp0 (_member (request, "method"), method) == 0))
        g_ptr_array_add (found, json_object_ref (request));
    }

  return found;
}

static guint
_count_authorized (GPtrArray *requests)
{
  guint n = 0;

  for (guint i = 0; i < requests->len; i++)
    if (_member (g_ptr_array_index (requests, i), "authorization") != NULL)
      n++;

  return n;
}

/* --- running the lookup ---------------------------------------------------------------- */

static AccordLookup *
_lookup_new (const char         *address,
             const char         *password,
             const char * const *allowed)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 20, NULL);
  g_autoptr(GResolver) resolver = g_resolver_get_default ();
  const char *domain = strrchr (address, '@') + 1;

  return accord_lookup_autodiscover_new (domain, address, password, allowed, session, resolver);
}

static void
_dump (AccordLookup *lookup)
{
  GPtrArray *candidates = accord_lookup_get_candidates (lookup);
  GPtrArray *confirmations = accord_lookup_get_confirmations (lookup);

  g_test_message ("%s: %s (%s)", accord_lookup_get_target (lookup),
                  accord_lookup_outcome_to_string (accord_lookup_get_outcome (lookup)),
                  accord_lookup_get_detail (lookup) ? accord_lookup_get_detail (lookup) : "");
  for (guint i = 0; i < candidates->len; i++)
    {
      AccordCandidate *c = g_ptr_array_index (candidates, i);

      g_test_message ("  %s %s %s:%u %s flags %u from %s",
                      accord_service_kind_to_string (c->service),
                      accord_protocol_to_string (c->protocol),
                      c->host ? c->host : "", c->port, c->url ? c->url : "", c->flags,
                      c->source_detail);
    }
  for (guint i = 0; i < confirmations->len; i++)
    {
      AccordConfirmation *c = g_ptr_array_index (confirmations, i);

      g_test_message ("  confirm %s: %s", c->subject, c->detail);
    }
}

static void
_run (AccordLookup *lookup)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  accord_lookup_run_async (lookup, NULL, accord_test_result_cb, &result);
  accord_lookup_run_finish (lookup, accord_test_wait_result (&result), &error);
  g_assert_no_error (error);
  _dump (lookup);
}

static AccordLookup *
_run_for (const char         *address,
          const char         *password,
          const char * const *allowed)
{
  AccordLookup *lookup = _lookup_new (address, password, allowed);

  _run (lookup);
  return lookup;
}

static AccordCandidate *
_find (AccordLookup      *lookup,
       AccordServiceKind  service,
       AccordProtocol     protocol)
{
  GPtrArray *candidates = accord_lookup_get_candidates (lookup);

  for (guint i = 0; i < candidates->len; i++)
    {
      AccordCandidate *candidate = g_ptr_array_index (candidates, i);

      if (candidate->service == service && candidate->protocol == protocol)
        return candidate;
    }

  return NULL;
}

static void
_assert_all_flagged (AccordLookup         *lookup,
                     AccordCandidateFlags  flags)
{
  GPtrArray *candidates = accord_lookup_get_candidates (lookup);

  g_assert_cmpuint (candidates->len, >, 0);
  for (guint i = 0; i < candidates->len; i++)
    g_assert_cmpint (((AccordCandidate *) g_ptr_array_index (candidates, i))->flags, ==, flags);
}

static void
_assert_outcome (AccordLookup        *lookup,
                 AccordLookupOutcome  outcome)
{
  g_assert_cmpstr (accord_lookup_outcome_to_string (accord_lookup_get_outcome (lookup)), ==,
                   accord_lookup_outcome_to_string (outcome));
}

/* --- the domain's own endpoints ---------------------------------------------------------- */

static void
test_password (void)
{
  g_autoptr(AccordLookup) lookup = NULL;
  g_autoptr(GPtrArray) posts = NULL;
  g_autofree char *expected_auth = NULL;
  g_autofree char *pair = g_base64_encode ((const guchar *) "alice@example.test:" PASSWORD,
                                           strlen ("alice@example.test:" PASSWORD));
  const char *source = "https://autodiscover.example.test/autodiscover/autodiscover.xml";
  const char *ews = "https://mail.example.test/EWS/Exchange.asmx";
  const AccordServiceKind services[] = {
    ACCORD_SERVICE_MAIL_IN, ACCORD_SERVICE_CONTACTS, ACCORD_SERVICE_CALENDAR,
  };
  AccordCandidate *candidate;
  gboolean outlook = FALSE, mobilesync = FALSE;
  goffset mark = _log_mark ();

  lookup = _run_for ("alice@example.test", PASSWORD, NULL);

  g_assert_cmpint (accord_lookup_get_source (lookup), ==, ACCORD_SOURCE_AUTODISCOVER);
  g_assert_cmpstr (accord_lookup_get_target (lookup), ==,
                   "autodiscover.example.test, example.test");
  _assert_outcome (lookup, ACCORD_LOOKUP_FOUND);
  _assert_all_flagged (lookup, ACCORD_CANDIDATE_FLAG_NONE);
  g_assert_cmpuint (accord_lookup_get_confirmations (lookup)->len, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    {
      candidate = _find (lookup, services[i], ACCORD_PROTOCOL_EWS);
      g_assert_nonnull (candidate);
      g_assert_cmpstr (candidate->url, ==, ews);
      g_assert_cmpint (candidate->security, ==, ACCORD_SECURITY_TLS);
      g_assert_cmpstr (candidate->source_detail, ==, source);
    }

  /* <ASUrl> is the Availability service, an EWS endpoint: no ActiveSync from it. */
  g_assert_null (_find (lookup, ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_EAS));

  candidate = _find (lookup, ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP);
  g_assert_nonnull (candidate);
  g_assert_cmpstr (candidate->host, ==, "imap.example.test");
  g_assert_cmpuint (candidate->port, ==, 993);
  candidate = _find (lookup, ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP);
  g_assert_nonnull (candidate);
  g_assert_cmpint (candidate->security, ==, ACCORD_SECURITY_STARTTLS);

  /* The Outlook question, then the mobilesync one, both with the password, set by hand. */
  expected_auth = g_strconcat ("Basic ", pair, NULL);
  posts = _requests_to (mark, "autodiscover.example.test", "POST");
  g_assert_cmpuint (posts->len, ==, 2);
  for (guint i = 0; i < posts->len; i++)
    {
      JsonObject *post = g_ptr_array_index (posts, i);
      JsonObject *headers = json_object_get_object_member (post, "headers");
      const char *body = _member (post, "body");

      g_assert_cmpstr (_member (post, "scheme"), ==, "https");
      g_assert_cmpstr (_member (post, "authorization"), ==, expected_auth);
      g_assert_cmpstr (json_object_get_string_member (headers, "Content-Type"), ==, "text/xml");
      g_assert_nonnull (strstr (body, "<EMailAddress>alice@example.test</EMailAddress>"));
      outlook |= strstr (body, "/outlook/requestschema/2006") != NULL;
      mobilesync |= strstr (body, "/mobilesync/requestschema/2006") != NULL;
    }
  g_assert_true (outlook);
  g_assert_true (mobilesync);
}

static void
test_no_password (void)
{
  g_autoptr(AccordLookup) lookup = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GPtrArray) posts = NULL;
  goffset mark = _log_mark ();

  lookup = _run_for ("alice@example.test", NULL, NULL);

  /* A server that wants a password is no failure: there is just nothing yet. */
  _assert_outcome (lookup, ACCORD_LOOKUP_NONE);
  g_assert_cmpuint (accord_lookup_get_candidates (lookup)->len, ==, 0);
  g_assert_cmpuint (accord_lookup_get_confirmations (lookup)->len, ==, 0);

  posts = _requests_to (mark, "autodiscover.example.test", "POST");
  g_assert_cmpuint (posts->len, ==, 1);
  g_assert_cmpint (json_object_get_int_member (g_ptr_array_index (posts, 0), "status"), ==, 401);
  requests = _requests_since (mark);
  g_assert_cmpuint (_count_authorized (requests), ==, 0);
}

static void
test_wrong_password (void)
{
  g_autoptr(AccordLookup) lookup = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  goffset mark = _log_mark ();

  lookup = _run_for ("alice@example.test", "not-the-password", NULL);

  _assert_outcome (lookup, ACCORD_LOOKUP_ERROR);
  g_assert_nonnull (strstr (accord_lookup_get_detail (lookup), "sign-in was refused"));

  /* Tried once, never again: no lockouts. */
  requests = _requests_since (mark);
  g_assert_cmpuint (_count_authorized (requests), ==, 1);
}

/* --- redirects ------------------------------------------------------------------------- */

static void
test_redirect_address (void)
{
  g_autoptr(AccordLookup) lookup = NULL;
  g_autoptr(GPtrArray) posts = NULL;
  gboolean followed = FALSE;
  goffset mark = _log_mark ();

  lookup = _run_for ("alice@addr.test", PASSWORD, NULL);

  _assert_outcome (lookup, ACCORD_LOOKUP_FOUND);
  _assert_all_flagged (lookup, ACCORD_CANDIDATE_FLAG_NONE);

  /* Asked again, as bob, at the domain's endpoints, with the password: same domain. */
  posts = _requests_to (mark, "autodiscover.addr.test", "POST");
  for (guint i = 0; i < posts->len; i++)
    {
      JsonObject *post = g_ptr_array_index (posts, i);

      if (strstr (_member (post, "body"), "<EMailAddress>bob@addr.test</EMailAddress>") != NULL)
        {
          g_assert_nonnull (_member (post, "authorization"));
          followed = TRUE;
        }
    }
  g_assert_true (followed);
}

static void
test_redirect_url_refused (void)
{
  g_autoptr(AccordLookup) lookup = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  GPtrArray *confirmations;
  AccordConfirmation *confirmation;
  goffset mark = _log_mark ();

  lookup = _run_for ("alice@redir.test", PASSWORD, NULL);

  _assert_outcome (lookup, ACCORD_LOOKUP_NONE);
  g_assert_cmpuint (accord_lookup_get_candidates (lookup)->len, ==, 0);

  confirmations = accord_lookup_get_confirmations (lookup);
  g_assert_cmpuint (confirmations->len, ==, 1);
  confirmation = g_ptr_array_index (confirmations, 0);
  g_assert_cmpint (confirmation->kind, ==, ACCORD_CONFIRMATION_REDIRECT);
  g_assert_cmpstr (confirmation->subject, ==, "evil.test");
  g_assert_nonnull (strstr (confirmation->detail, "evil.test"));
  g_assert_nonnull (strstr (confirmation->detail, "password"));

  /* The hop was not taken: the password never reached evil.test. */
  requests = _requests_to (mark, "evil.test", NULL);
  g_assert_cmpuint (_count_authorized (requests), ==, 0);
  g_assert_cmpuint (requests->len, ==, 0);
}

static void
test_redirect_url_allowed (void)
{
  const char * const allowed[] = { "evil.test", NULL };
  g_autoptr(AccordLookup) lookup = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  AccordCandidate *candidate;
  goffset mark = _log_mark ();

  lookup = _run_for ("alice@redir.test", PASSWORD, allowed);

  _assert_outcome (lookup, ACCORD_LOOKUP_FOUND);
  g_assert_cmpuint (accord_lookup_get_confirmations (lookup)->len, ==, 0);
  _assert_all_flagged (lookup, ACCORD_CANDIDATE_FLAG_REDIRECTED);
  candidate = _find (lookup, ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_EWS);
  g_assert_nonnull (candidate);
  g_assert_cmpstr (candidate->source_detail, ==, "https://evil.test/autodiscover/autodiscover.xml");

  requests = _requests_to (mark, "evil.test", "POST");
  g_assert_cmpuint (requests->len, >, 0);
  g_assert_cmpuint (_count_authorized (requests), ==, requests->len);
}

static void
test_redirect_url_no_password (void)
{
  g_autoptr(AccordLookup) lookup = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  goffset mark = _log_mark ();

  /* Without a password there is nothing to give away: followed, and flagged. */
  lookup = _run_for ("alice@redir.test", NULL, NULL);

  _assert_outcome (lookup, ACCORD_LOOKUP_FOUND);
  g_assert_cmpuint (accord_lookup_get_confirmations (lookup)->len, ==, 0);
  _assert_all_flagged (lookup, ACCORD_CANDIDATE_FLAG_REDIRECTED);

  requests = _requests_since (mark);
  g_assert_cmpuint (_count_authorized (requests), ==, 0);
}

static void
test_redirect_loop (void)
{
  g_autoptr(AccordLookup) lookup = NULL;

  lookup = _run_for ("alice@loop.test", PASSWORD, NULL);

  _assert_outcome (lookup, ACCORD_LOOKUP_ERROR);
  g_assert_nonnull (strstr (accord_lookup_get_detail (lookup), "circle"));
}

static void
test_redirect_hops (void)
{
  g_autoptr(AccordLookup) eleven = NULL;
  g_autoptr(AccordLookup) ten = NULL;

  eleven = _run_for ("alice@hops.test", NULL, NULL);
  _assert_outcome (eleven, ACCORD_LOOKUP_ERROR);
  g_assert_nonnull (strstr (accord_lookup_get_detail (eleven), "more than 10 times"));

  ten = _run_for ("alice@ten.test", NULL, NULL);
  _assert_outcome (ten, ACCORD_LOOKUP_FOUND);
  /* ten.test's redirect leads to hops.test, another registrable domain. */
  _assert_all_flagged (ten, ACCORD_CANDIDATE_FLAG_REDIRECTED);
}

/* --- fallbacks --------------------------------------------------------------------------- */

static void
test_http_redirect_probe (void)
{
  g_autoptr(AccordLookup) lookup = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  AccordCandidate *candidate;
  gboolean probed = FALSE;
  goffset mark = _log_mark ();

  lookup = _run_for ("alice@probe.test", PASSWORD, NULL);

  _assert_outcome (lookup, ACCORD_LOOKUP_FOUND);
  _assert_all_flagged (lookup, ACCORD_CANDIDATE_FLAG_NONE);
  candidate = _find (lookup, ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_EWS);
  g_assert_nonnull (candidate);
  g_assert_cmpstr (candidate->source_detail, ==,
                   "https://mail.probe.test/autodiscover/autodiscover.xml");

  /* Over plain HTTP: one bare GET, with neither the address nor the password. */
  requests = _requests_since (mark);
  for (guint i = 0; i < requests->len; i++)
    {
      JsonObject *request = g_ptr_array_index (requests, i);

      if (g_strcmp0 (_member (request, "scheme"), "http") != 0)
        continue;
      g_assert_cmpstr (_member (request, "method"), ==, "GET");
      g_assert_null (_member (request, "authorization"));
      g_assert_false (json_object_has_member (request, "body"));
      g_assert_null (strstr (_member (request, "query"), "alice"));
      if (g_strcmp0 (_member (request, "host"), "autodiscover.probe.test") == 0)
        probed = TRUE;
    }
  g_assert_true (probed);
}

static void
test_srv (void)
{
  g_autoptr(AccordLookup) lookup = NULL;
  g_autoptr(AccordLookup) with_password = NULL;
  g_autoptr(AccordLookup) not_offered = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  AccordConfirmation *confirmation;
  AccordCandidate *candidate;
  goffset mark;

  lookup = _run_for ("alice@srv.test", NULL, NULL);
  _assert_outcome (lookup, ACCORD_LOOKUP_FOUND);
  /* The hoster is another registrable domain. */
  _assert_all_flagged (lookup, ACCORD_CANDIDATE_FLAG_REDIRECTED);
  candidate = _find (lookup, ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_EAS);
  g_assert_nonnull (candidate);
  g_assert_cmpstr (candidate->url, ==, "https://eas.hoster.test/Microsoft-Server-ActiveSync");
  g_assert_cmpstr (candidate->source_detail, ==,
                   "https://exchange.hoster.test/autodiscover/autodiscover.xml");
  g_assert_nonnull (_find (lookup, ACCORD_SERVICE_CALENDAR, ACCORD_PROTOCOL_EAS));

  /* With a password, the hoster is a question for the person first. */
  mark = _log_mark ();
  with_password = _run_for ("alice@srv.test", PASSWORD, NULL);
  _assert_outcome (with_password, ACCORD_LOOKUP_NONE);
  g_assert_cmpuint (accord_lookup_get_confirmations (with_password)->len, ==, 1);
  confirmation = g_ptr_array_index (accord_lookup_get_confirmations (with_password), 0);
  g_assert_cmpstr (confirmation->subject, ==, "hoster.test");
  requests = _requests_to (mark, "exchange.hoster.test", NULL);
  g_assert_cmpuint (requests->len, ==, 0);

  not_offered = _run_for ("alice@nosrv.test", NULL, NULL);
  _assert_outcome (not_offered, ACCORD_LOOKUP_NONE);
}

static void
test_microsoft_365 (void)
{
  g_autoptr(AccordLookup) lookup = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  AccordCandidate *candidate;
  gboolean eas = FALSE, ews = FALSE;
  goffset mark = _log_mark ();

  lookup = _run_for ("alice@o365.test", PASSWORD, NULL);

  _assert_outcome (lookup, ACCORD_LOOKUP_FOUND);
  _assert_all_flagged (lookup, ACCORD_CANDIDATE_FLAG_DNS_DERIVED);
  candidate = _find (lookup, ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_EAS);
  g_assert_nonnull (candidate);
  g_assert_cmpstr (candidate->url, ==, "https://outlook.office365.com/Microsoft-Server-ActiveSync");
  g_assert_cmpstr (candidate->source_detail, ==,
                   "https://outlook.office365.com/autodiscover/autodiscover.json"
                   "?Email=alice%40o365.test&Protocol=ActiveSync");
  g_assert_nonnull (_find (lookup, ACCORD_SERVICE_CONTACTS, ACCORD_PROTOCOL_EAS));

  /* Both questions, credential-free. */
  requests = _requests_to (mark, "outlook.office365.com", "GET");
  for (guint i = 0; i < requests->len; i++)
    {
      const char *query = _member (g_ptr_array_index (requests, i), "query");

      eas |= g_str_has_suffix (query, "&Protocol=ActiveSync");
      ews |= g_str_has_suffix (query, "&Protocol=Ews");
    }
  g_assert_true (eas);
  g_assert_true (ews);
  g_assert_cmpuint (_count_authorized (requests), ==, 0);
}

/* --- hostile and slow servers ------------------------------------------------------------ */

static void
test_hostile (void)
{
  const char *addresses[] = {
    "alice@malformed.test", "alice@laughs.test", "alice@huge.test", "alice@error.test",
  };

  for (guint i = 0; i < G_N_ELEMENTS (addresses); i++)
    {
      g_autoptr(AccordLookup) lookup = _run_for (addresses[i], PASSWORD, NULL);

      _assert_outcome (lookup, ACCORD_LOOKUP_ERROR);
      g_assert_nonnull (accord_lookup_get_detail (lookup));
      g_assert_cmpstr (accord_lookup_get_detail (lookup), !=, "");
      g_assert_cmpuint (accord_lookup_get_candidates (lookup)->len, ==, 0);
    }
}

static void
test_timeout (void)
{
  g_autoptr(AccordLookup) lookup = _lookup_new ("alice@slow.test", PASSWORD, NULL);

  accord_lookup_set_timeout_ms (lookup, 1000);
  _run (lookup);
  _assert_outcome (lookup, ACCORD_LOOKUP_TIMEOUT);
}

static gboolean
_cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
  g_autoptr(AccordLookup) lookup = _lookup_new ("alice@slow.test", PASSWORD, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_timeout_add (200, _cancel_cb, cancellable);
  accord_lookup_run_async (lookup, cancellable, accord_test_result_cb, &result);
  /* The base class's task reports the caller's own cancellation back to it. */
  if (!accord_lookup_run_finish (lookup, accord_test_wait_result (&result), &error))
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  _dump (lookup);
  _assert_outcome (lookup, ACCORD_LOOKUP_SKIPPED);
}

static void
test_settle (void)
{
  g_autoptr(AccordLookup) lookup = NULL;

  /* The domain root never answers; what autodiscover.settle.test said is enough. */
  lookup = _run_for ("alice@settle.test", PASSWORD, NULL);
  _assert_outcome (lookup, ACCORD_LOOKUP_FOUND);
  g_assert_nonnull (_find (lookup, ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_EWS));
}

static void
test_no_world (void)
{
  g_test_skip ("Needs dnsmasq (Debian package dnsmasq-base)");
}

int
main (int    argc,
      char **argv)
{
  g_auto(GStrv) saved_argv = g_strdupv (argv);
  g_autofree char *spec = NULL;

  g_test_init (&argc, &argv, NULL);

  if (!g_file_test ("/usr/sbin/dnsmasq", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_add_func ("/lookup-autodiscover/world", test_no_world);
      return g_test_run ();
    }
  spec = g_test_build_filename (G_TEST_DIST, "data", "world", SPEC_NAME, NULL);
  accord_test_enter_world (saved_argv, spec);

  g_test_add_func ("/lookup-autodiscover/password", test_password);
  g_test_add_func ("/lookup-autodiscover/no-password", test_no_password);
  g_test_add_func ("/lookup-autodiscover/wrong-password", test_wrong_password);
  g_test_add_func ("/lookup-autodiscover/redirect-address", test_redirect_address);
  g_test_add_func ("/lookup-autodiscover/redirect-url/refused", test_redirect_url_refused);
  g_test_add_func ("/lookup-autodiscover/redirect-url/allowed", test_redirect_url_allowed);
  g_test_add_func ("/lookup-autodiscover/redirect-url/no-password", test_redirect_url_no_password);
  g_test_add_func ("/lookup-autodiscover/redirect-loop", test_redirect_loop);
  g_test_add_func ("/lookup-autodiscover/redirect-hops", test_redirect_hops);
  g_test_add_func ("/lookup-autodiscover/http-redirect-probe", test_http_redirect_probe);
  g_test_add_func ("/lookup-autodiscover/srv", test_srv);
  g_test_add_func ("/lookup-autodiscover/microsoft-365", test_microsoft_365);
  g_test_add_func ("/lookup-autodiscover/hostile", test_hostile);
  g_test_add_func ("/lookup-autodiscover/timeout", test_timeout);
  g_test_add_func ("/lookup-autodiscover/cancel", test_cancel);
  g_test_add_func ("/lookup-autodiscover/settle", test_settle);

  return g_test_run ();
}
