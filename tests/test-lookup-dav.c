/* test-lookup-dav.c
 *
 * AccordLookupDav in the private world of tests/data/world/lookup-dav.spec: real
 * DNS (SRV, TXT), real HTTPS with the world's CA, real Radicale behind TLS relays,
 * and hostile web servers. Started anywhere else, the program runs itself again
 * inside that world (tests/servers/world-README.md, "the re-exec pattern").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "accord-dav-xml.h"
#include "accord-lookup-dav.h"
#include "accord-test-utils.h"

#define SPEC_NAME "lookup-dav.spec"
#define PASSWORD  "alice-secret-1"

/* --- Radicale accounts ------------------------------------------------------------- */

static void
_dav_request (SoupSession *session,
              const char  *method,
              const char  *url,
              const char  *user,
              const char  *body,
              guint        expected)
{
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pair = g_strconcat (user, ":", PASSWORD, NULL);
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  g_autofree char *authorization = g_strconcat ("Basic ", encoded, NULL);

  g_assert_nonnull (message);
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Authorization", authorization);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));

      soup_message_set_request_body_from_bytes (message, "application/xml; charset=utf-8", bytes);
    }

  answer = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, expected);
}

/* Accord signs in with the whole address, while the harness's Radicale knows the
 * user "alice" only. Radicale reads its user file at every login, so the address
 * is added to it; the collections are then made over CalDAV and CardDAV, as any
 * client would make them. */
static void
_add_radicale_account (const char *address)
{
  const char *dir = g_getenv ("ACCORD_TEST_SERVERS_DIR");
  const char *base = g_getenv ("ACCORD_TEST_DAV_URL");
  g_autofree char *users = NULL;
  g_autofree char *line = NULL;
  g_autofree char *calendar = NULL;
  g_autofree char *contacts = NULL;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  FILE *file;

  g_assert_nonnull (dir);
  g_assert_nonnull (base);

  users = g_build_filename (dir, "radicale", "users", NULL);
  g_assert_true (g_file_test (users, G_FILE_TEST_IS_REGULAR));
  file = g_fopen (users, "a");
  g_assert_nonnull (file);
  line = g_strdup_printf ("%s:%s\n", address, PASSWORD);
  g_assert_cmpint (fputs (line, file), >=, 0);
  g_assert_cmpint (fclose (file), ==, 0);

  calendar = g_strdup_printf ("%s%s/calendar/", base, address);
  contacts = g_strdup_printf ("%s%s/contacts/", base, address);
  _dav_request (session, "MKCALENDAR", calendar, address, NULL, SOUP_STATUS_CREATED);
  _dav_request (session, "MKCOL", contacts, address,
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                "<D:mkcol xmlns:D=\"DAV:\" xmlns:CR=\"urn:ietf:params:xml:ns:carddav\">"
                "<D:set><D:prop>"
                "<D:resourcetype><D:collection/><CR:addressbook/></D:resourcetype>"
                "<D:displayname>Contacts</D:displayname>"
                "</D:prop></D:set></D:mkcol>",
                SOUP_STATUS_CREATED);
}

/* --- running a lookup -------------------------------------------------------------- */

static AccordLookup *
_run (AccordServiceKind   service,
      const char         *domain,
      const char         *password,
      const char * const *allowed)
{
  g_autofree char *address = g_strdup_printf ("alice@%s", domain);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autoptr(GResolver) resolver = g_resolver_get_default ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  AccordLookup *lookup;

  lookup = accord_lookup_dav_new (service, domain, address, password, allowed, session, resolver);
  g_assert_nonnull (lookup);
  accord_lookup_run_async (lookup, NULL, accord_test_result_cb, &result);
  accord_test_wait_result (&result);
  g_assert_true (accord_lookup_run_finish (lookup, result, &error));
  g_assert_no_error (error);

  g_test_message ("%s: %s (%s); %s", accord_lookup_get_target (lookup),
                  accord_lookup_outcome_to_string (accord_lookup_get_outcome (lookup)),
                  accord_lookup_get_detail (lookup),
                  accord_lookup_dav_get_summary (ACCORD_LOOKUP_DAV (lookup)));
  return lookup;
}

static AccordCandidate *
_only_candidate (AccordLookup *lookup)
{
  GPtrArray *candidates = accord_lookup_get_candidates (lookup);

  g_assert_cmpint (accord_lookup_get_outcome (lookup), ==, ACCORD_LOOKUP_FOUND);
  g_assert_cmpuint (candidates->len, ==, 1);
  return g_ptr_array_index (candidates, 0);
}

static void
_assert_candidate (AccordCandidate   *candidate,
                   AccordServiceKind  service,
                   const char        *host,
                   const char        *url,
                   const char        *source_detail)
{
  g_assert_cmpint (candidate->service, ==, service);
  g_assert_cmpint (candidate->protocol, ==, service == ACCORD_SERVICE_CALENDAR ?
                   ACCORD_PROTOCOL_CALDAV : ACCORD_PROTOCOL_CARDDAV);
  g_assert_cmpint (candidate->source, ==, ACCORD_SOURCE_DAV);
  g_assert_cmpstr (candidate->host, ==, host);
  g_assert_cmpuint (candidate->port, ==, 443);
  g_assert_cmpint (candidate->security, ==, ACCORD_SECURITY_TLS);
  g_assert_cmpstr (candidate->url, ==, url);
  g_assert_cmpstr (candidate->source_detail, ==, source_detail);
  g_assert_null (candidate->username);
}

/* --- the world's request log ------------------------------------------------------- */

static gsize
_log_mark (void)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (g_getenv ("ACCORD_WORLD_REQUESTS_LOG"), &st), ==, 0);
  return (gsize) st.st_size;
}

/* The log's lines written since @mark that contain @needle (as json.dumps writes
 * them: "key": value, separated by ", "). */
static GPtrArray *
_requests_since (gsize       mark,
                 const char *needle)
{
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  gsize length = 0;

  g_file_get_contents (g_getenv ("ACCORD_WORLD_REQUESTS_LOG"), &log, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, >=, mark);

  lines = g_strsplit (log + mark, "\n", -1);
  for (char **line = lines; *line != NULL; line++)
    if (**line != '\0' && strstr (*line, needle) != NULL)
      g_ptr_array_add (found, g_strdup (*line));

  return found;
}

/* --- the multistatus parser -------------------------------------------------------- */

static void
test_xml_multistatus (void)
{
  const char *xml =
    "<?xml version=\"1.0\"?>\n"
    "<multistatus xmlns=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\""
    " xmlns:X=\"http://example.test/ns\">"
    " <response><href>/home/</href>"
    "  <propstat><prop><resourcetype><collection/></resourcetype>"
    "   <C:calendar-home-set><href> /home/ </href><href>/other/</href></C:calendar-home-set>"
    "  </prop><status>HTTP/1.1 200 OK</status></propstat>"
    "  <propstat><prop><current-user-principal><href>/404/</href></current-user-principal>"
    "  </prop><status>HTTP/1.1 404 Not Found</status></propstat>"
    " </response>"
    " <response><href>/home/work/</href>"
    "  <propstat><prop><displayname>Work</displayname>"
    "   <resourcetype><collection/><C:calendar/><X:addressbook/></resourcetype>"
    "  </prop><status>HTTP/1.1 200 OK</status></propstat>"
    " </response>"
    " <response><propstat><prop><displayname>no href</displayname></prop>"
    "  <status>HTTP/1.1 200 OK</status></propstat></response>"
    "</multistatus>";
  g_autoptr(GPtrArray) resources = NULL;
  g_autoptr(GError) error = NULL;
  AccordDavResource *home, *work;

  resources = accord_dav_xml_parse_multistatus (xml, strlen (xml), ACCORD_DAV_XML_MAX_SIZE,
                                                &error);
  g_assert_no_error (error);
  g_assert_cmpuint (resources->len, ==, 2);

  home = g_ptr_array_index (resources, 0);
  g_assert_cmpstr (home->href, ==, "/home/");
  g_assert_cmpstr (home->calendar_home_set, ==, "/home/");
  g_assert_null (home->current_user_principal);   /* reported with 404 */
  g_assert_true (home->is_collection);
  g_assert_false (home->is_calendar);

  work = g_ptr_array_index (resources, 1);
  g_assert_cmpstr (work->displayname, ==, "Work");
  g_assert_true (work->is_calendar);
  g_assert_false (work->is_addressbook);          /* not in the CardDAV namespace */
}

static void
test_xml_refused (void)
{
  const char *wrong = "<?xml version=\"1.0\"?><multistatus><response/></multistatus>";
  const char *broken = "<D:multistatus xmlns:D=\"DAV:\"><D:response>";
  g_autoptr(GPtrArray) resources = NULL;
  g_autoptr(GError) error = NULL;

  resources = accord_dav_xml_parse_multistatus (wrong, strlen (wrong), 1024, &error);
  g_assert_error (error, ACCORD_DAV_XML_ERROR, ACCORD_DAV_XML_ERROR_WRONG_DOCUMENT);
  g_assert_null (resources);
  g_clear_error (&error);

  resources = accord_dav_xml_parse_multistatus (broken, strlen (broken), 1024, &error);
  g_assert_error (error, ACCORD_DAV_XML_ERROR, ACCORD_DAV_XML_ERROR_MALFORMED);
  g_clear_error (&error);

  resources = accord_dav_xml_parse_multistatus (broken, strlen (broken), 8, &error);
  g_assert_error (error, ACCORD_DAV_XML_ERROR, ACCORD_DAV_XML_ERROR_TOO_LARGE);
  g_clear_error (&error);

  resources = accord_dav_xml_parse_multistatus ("", 0, 1024, &error);
  g_assert_error (error, ACCORD_DAV_XML_ERROR, ACCORD_DAV_XML_ERROR_MALFORMED);
}

/* --- SRV and TXT, against Radicale -------------------------------------------------- */

static void
test_srv_signed_in (void)
{
  static const AccordServiceKind services[] = { ACCORD_SERVICE_CALENDAR, ACCORD_SERVICE_CONTACTS };

  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    {
      g_autoptr(AccordLookup) lookup = _run (services[i], "example.test", PASSWORD, NULL);
      AccordCandidate *candidate = _only_candidate (lookup);

      _assert_candidate (candidate, services[i], "dav.example.test",
                         "https://dav.example.test/alice%40example.test/",
                         services[i] == ACCORD_SERVICE_CALENDAR ?
                           "_caldavs._tcp.example.test" : "_carddavs._tcp.example.test");
      g_assert_cmpint (candidate->flags, ==, ACCORD_CANDIDATE_FLAG_NONE);
      g_assert_cmpint (accord_lookup_dav_get_n_collections (ACCORD_LOOKUP_DAV (lookup)), ==, 1);
      g_assert_false (accord_lookup_dav_get_sign_in_refused (ACCORD_LOOKUP_DAV (lookup)));
      g_assert_nonnull (accord_lookup_dav_get_summary (ACCORD_LOOKUP_DAV (lookup)));
      g_assert_cmpuint (accord_lookup_get_confirmations (lookup)->len, ==, 0);
    }
}

static void
test_srv_no_password (void)
{
  g_autoptr(AccordLookup) lookup = _run (ACCORD_SERVICE_CALENDAR, "example.test", NULL, NULL);
  AccordCandidate *candidate = _only_candidate (lookup);

  /* Radicale's 401 on the context path is proof enough of a DAV server. */
  _assert_candidate (candidate, ACCORD_SERVICE_CALENDAR, "dav.example.test",
                     "https://dav.example.test/", "_caldavs._tcp.example.test");
  g_assert_cmpint (accord_lookup_dav_get_n_collections (ACCORD_LOOKUP_DAV (lookup)), ==, -1);
  g_assert_false (accord_lookup_dav_get_sign_in_refused (ACCORD_LOOKUP_DAV (lookup)));
}

static void
test_srv_wrong_password (void)
{
  g_autoptr(AccordLookup) lookup = _run (ACCORD_SERVICE_CONTACTS, "example.test",
                                         "not-the-password", NULL);
  AccordCandidate *candidate = _only_candidate (lookup);

  _assert_candidate (candidate, ACCORD_SERVICE_CONTACTS, "dav.example.test",
                     "https://dav.example.test/", "_carddavs._tcp.example.test");
  g_assert_true (accord_lookup_dav_get_sign_in_refused (ACCORD_LOOKUP_DAV (lookup)));
  g_assert_cmpint (accord_lookup_dav_get_n_collections (ACCORD_LOOKUP_DAV (lookup)), ==, -1);
  g_assert_nonnull (accord_lookup_dav_get_summary (ACCORD_LOOKUP_DAV (lookup)));
}

static void
test_srv_txt_path (void)
{
  gsize mark = _log_mark ();
  g_autoptr(AccordLookup) lookup = _run (ACCORD_SERVICE_CONTACTS, "txt.test", NULL, NULL);
  g_autoptr(GPtrArray) well_known = NULL;

  _assert_candidate (_only_candidate (lookup), ACCORD_SERVICE_CONTACTS, "dav.txt.test",
                     "https://dav.txt.test/carddav/", "_carddavs._tcp.txt.test");

  well_known = _requests_since (mark, "\"path\": \"/.well-known/carddav\"");
  g_assert_cmpuint (well_known->len, ==, 0);
}

static void
test_srv_not_offered (void)
{
  gsize mark = _log_mark ();
  g_autoptr(AccordLookup) lookup = _run (ACCORD_SERVICE_CALENDAR, "none.test", PASSWORD, NULL);
  g_autoptr(GPtrArray) asked = NULL;

  g_assert_cmpint (accord_lookup_get_outcome (lookup), ==, ACCORD_LOOKUP_NONE);
  g_assert_cmpuint (accord_lookup_get_candidates (lookup)->len, ==, 0);

  /* "." is an answer: .well-known is not asked after it. */
  asked = _requests_since (mark, "\"host\": \"none.test\"");
  g_assert_cmpuint (asked->len, ==, 0);
}

/* --- .well-known ------------------------------------------------------------------- */

static void
test_well_known_same_domain (void)
{
  static const AccordServiceKind services[] = { ACCORD_SERVICE_CALENDAR, ACCORD_SERVICE_CONTACTS };

  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    {
      gsize mark = _log_mark ();
      g_autoptr(AccordLookup) lookup = _run (services[i], "wk.test", PASSWORD, NULL);
      AccordCandidate *candidate = _only_candidate (lookup);
      g_autoptr(GPtrArray) first = NULL;

      _assert_candidate (candidate, services[i], "dav.wk.test",
                         "https://dav.wk.test/alice%40wk.test/",
                         services[i] == ACCORD_SERVICE_CALENDAR ?
                           "https://wk.test/.well-known/caldav" :
                           "https://wk.test/.well-known/carddav");
      g_assert_cmpint (candidate->flags, ==, ACCORD_CANDIDATE_FLAG_NONE);
      g_assert_cmpint (accord_lookup_dav_get_n_collections (ACCORD_LOOKUP_DAV (lookup)), ==, 1);
      g_assert_cmpuint (accord_lookup_get_confirmations (lookup)->len, ==, 0);

      /* The redirects are followed without the password: only a server that
       * asks for it gets it. */
      first = _requests_since (mark, "\"host\": \"wk.test\"");
      g_assert_cmpuint (first->len, ==, 1);
      g_assert_nonnull (strstr (first->pdata[0], "\"method\": \"PROPFIND\""));
      g_assert_nonnull (strstr (first->pdata[0], "\"authorization\": null"));
    }
}

static void
test_well_known_other_domain (void)
{
  gsize mark = _log_mark ();
  g_autoptr(AccordLookup) lookup = _run (ACCORD_SERVICE_CALENDAR, "away.test", PASSWORD, NULL);
  AccordCandidate *candidate = _only_candidate (lookup);
  GPtrArray *confirmations = accord_lookup_get_confirmations (lookup);
  AccordConfirmation *confirmation;
  g_autoptr(GPtrArray) there = NULL;

  _assert_candidate (candidate, ACCORD_SERVICE_CALENDAR, "dav.elsewhere.test",
                     "https://dav.elsewhere.test/caldav/", "https://away.test/.well-known/caldav");
  g_assert_cmpint (candidate->flags, ==, ACCORD_CANDIDATE_FLAG_REDIRECTED);

  g_assert_cmpuint (confirmations->len, ==, 1);
  confirmation = g_ptr_array_index (confirmations, 0);
  g_assert_cmpint (confirmation->kind, ==, ACCORD_CONFIRMATION_REDIRECT);
  g_assert_cmpstr (confirmation->subject, ==, "elsewhere.test");
  g_assert_nonnull (strstr (confirmation->detail, "dav.elsewhere.test"));

  /* The other domain was asked, but never with the password. */
  there = _requests_since (mark, "\"host\": \"dav.elsewhere.test\"");
  g_assert_cmpuint (there->len, >=, 1);
  for (guint i = 0; i < there->len; i++)
    g_assert_nonnull (strstr (there->pdata[i], "\"authorization\": null"));
}

static void
test_well_known_other_domain_allowed (void)
{
  const char * const allowed[] = { "elsewhere.test", NULL };
  gsize mark = _log_mark ();
  g_autoptr(AccordLookup) lookup = _run (ACCORD_SERVICE_CALENDAR, "away.test", PASSWORD, allowed);
  AccordCandidate *candidate = _only_candidate (lookup);
  g_autoptr(GPtrArray) signed_in = NULL;

  g_assert_cmpstr (candidate->url, ==, "https://dav.elsewhere.test/caldav/");
  g_assert_cmpint (candidate->flags, ==, ACCORD_CANDIDATE_FLAG_REDIRECTED);
  g_assert_cmpuint (accord_lookup_get_confirmations (lookup)->len, ==, 0);
  g_assert_false (accord_lookup_dav_get_sign_in_refused (ACCORD_LOOKUP_DAV (lookup)));

  /* The person allowed it, so the password went there, and the web server took it. */
  signed_in = _requests_since (mark, "\"host\": \"dav.elsewhere.test\"");
  g_assert_cmpuint (signed_in->len, ==, 2);
  g_assert_nonnull (strstr (signed_in->pdata[0], "\"authorization\": null"));
  g_assert_nonnull (strstr (signed_in->pdata[1], "\"authorization\": \"Basic "));
  g_assert_null (strstr (signed_in->pdata[1], "\"status\": 401"));
}

/* --- hostile servers --------------------------------------------------------------- */

static void
_assert_error (AccordLookup *lookup)
{
  g_assert_cmpint (accord_lookup_get_outcome (lookup), ==, ACCORD_LOOKUP_ERROR);
  g_assert_cmpuint (accord_lookup_get_candidates (lookup)->len, ==, 0);
  g_assert_nonnull (accord_lookup_get_detail (lookup));
  g_assert_cmpstr (accord_lookup_get_detail (lookup), !=, "");
}

static void
test_hostile_malformed (void)
{
  g_autoptr(AccordLookup) lookup = _run (ACCORD_SERVICE_CALENDAR, "bad.test", PASSWORD, NULL);

  _assert_error (lookup);
  g_assert_nonnull (strstr (accord_lookup_get_detail (lookup), "dav.bad.test"));
}

static void
test_hostile_huge (void)
{
  g_autoptr(AccordLookup) lookup = _run (ACCORD_SERVICE_CONTACTS, "bad.test", NULL, NULL);

  _assert_error (lookup);
}

static void
test_hostile_entities (void)
{
  g_autoptr(AccordLookup) lookup = _run (ACCORD_SERVICE_CALENDAR, "bomb.test", PASSWORD, NULL);

  _assert_error (lookup);
}

static void
test_hostile_principal_elsewhere (void)
{
  gsize mark = _log_mark ();
  g_autoptr(AccordLookup) lookup = _run (ACCORD_SERVICE_CALENDAR, "sly.test", PASSWORD, NULL);
  AccordCandidate *candidate = _only_candidate (lookup);
  GPtrArray *confirmations = accord_lookup_get_confirmations (lookup);
  g_autoptr(GPtrArray) evil = NULL;

  g_assert_cmpstr (candidate->url, ==, "https://dav.sly.test/dav/");
  g_assert_cmpint (candidate->flags, ==, ACCORD_CANDIDATE_FLAG_NONE);
  g_assert_cmpuint (confirmations->len, ==, 1);
  g_assert_cmpstr (((AccordConfirmation *) g_ptr_array_index (confirmations, 0))->subject, ==,
                   "evil.test");

  evil = _requests_since (mark, "\"host\": \"evil.test\"");
  g_assert_cmpuint (evil->len, ==, 0);
}

static void
test_hostile_redirects (void)
{
  g_autoptr(AccordLookup) loop = _run (ACCORD_SERVICE_CALENDAR, "loop.test", PASSWORD, NULL);
  gsize mark = _log_mark ();
  g_autoptr(AccordLookup) down = _run (ACCORD_SERVICE_CALENDAR, "down.test", PASSWORD, NULL);
  g_autoptr(GPtrArray) plain = NULL;

  _assert_error (loop);
  _assert_error (down);

  plain = _requests_since (mark, "\"scheme\": \"http\"");
  g_assert_cmpuint (plain->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  char **saved_argv = g_strdupv (argv);
  g_autofree char *spec = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  spec = g_test_build_filename (G_TEST_DIST, "data", "world", SPEC_NAME, NULL);
  accord_test_enter_world (saved_argv, spec);
  g_strfreev (saved_argv);

  _add_radicale_account ("alice@example.test");
  _add_radicale_account ("alice@wk.test");

  g_test_add_func ("/lookup-dav/xml/multistatus", test_xml_multistatus);
  g_test_add_func ("/lookup-dav/xml/refused", test_xml_refused);
  g_test_add_func ("/lookup-dav/srv/signed-in", test_srv_signed_in);
  g_test_add_func ("/lookup-dav/srv/no-password", test_srv_no_password);
  g_test_add_func ("/lookup-dav/srv/wrong-password", test_srv_wrong_password);
  g_test_add_func ("/lookup-dav/srv/txt-path", test_srv_txt_path);
  g_test_add_func ("/lookup-dav/srv/not-offered", test_srv_not_offered);
  g_test_add_func ("/lookup-dav/well-known/same-domain", test_well_known_same_domain);
  g_test_add_func ("/lookup-dav/well-known/other-domain", test_well_known_other_domain);
  g_test_add_func ("/lookup-dav/well-known/other-domain-allowed",
                   test_well_known_other_domain_allowed);
  g_test_add_func ("/lookup-dav/hostile/malformed", test_hostile_malformed);
  g_test_add_func ("/lookup-dav/hostile/huge", test_hostile_huge);
  g_test_add_func ("/lookup-dav/hostile/entities", test_hostile_entities);
  g_test_add_func ("/lookup-dav/hostile/principal-elsewhere", test_hostile_principal_elsewhere);
  g_test_add_func ("/lookup-dav/hostile/redirects", test_hostile_redirects);

  status = g_test_run ();
  return status;
}
