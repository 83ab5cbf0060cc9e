/* test-accordctl.c
 *
 * Runs the accordctl binary as scripts do, each test in a scratch
 * XDG_CONFIG_HOME/XDG_DATA_HOME.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "accord-core.h"
#include "accord-sync-state.h"
#include "accord-test-utils.h"

typedef struct
{
  char *home;
  char *config;
  char *data;
} Fixture;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->home = accord_test_make_tmp_dir ();
  f->config = g_build_filename (f->home, "config", NULL);
  f->data = g_build_filename (f->home, "data", NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  accord_test_rm_rf (f->home);
  g_free (f->home);
  g_free (f->config);
  g_free (f->data);
}

/* Runs accordctl with @args (NULL-terminated), feeding @input on standard input. */
static void
_run (Fixture    *f,
      const char *input,
      Run        *run,
      ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("ACCORDCTL"));
  va_start (args, run);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", f->config, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->data, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8 (process, input, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);

  g_test_message ("exit %d\nstdout: %s\nstderr: %s", run->status, run->out, run->err);
}

static JsonNode *
_parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static char *
_strip (char *text)
{
  return g_strstrip (text);
}

/* Usage errors are exit 2 with a reason on stderr and nothing written. */
static void
test_usage_errors (Fixture *f, gconstpointer data)
{
  static const char *cases[][10] = {
    { NULL },
    { "bogus", NULL },
    { "accounts", NULL },
    { "accounts", "bogus", NULL },
    { "accounts", "add", NULL },
    { "accounts", "add", "--address", "not-an-address", NULL },
    { "accounts", "add", "--address", "a@example.com", "--imap", "h", "--pop3", "h", NULL },
    { "accounts", "add", "--address", "a@example.com", "--security", "maybe", NULL },
    { "accounts", "add", "--address", "a@example.com", "--imap", "a b", NULL },
    { "accounts", "add", "--address", "a@example.com", "--imap", "h:99999", NULL },
    { "accounts", "add", "--address", "a@example.com", "--imap", "::1", NULL },
    { "accounts", "add", "--address", "a@example.com", "--password-stdin", NULL },
    { "accounts", "add", "--address", "a@example.com", "--nonsense", NULL },
    { "accounts", "add", "--address", "a@example.com", "--imap", "h", "--pinned-certificate", "ab:cd", NULL },
    { "accounts", "show", NULL },
    { "accounts", "remove", "a", "b", NULL },
    { "accounts", "list", "extra", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) run = { 0, };

      _run (f, NULL, &run, cases[i][0], cases[i][1], cases[i][2], cases[i][3], cases[i][4],
            cases[i][5], cases[i][6], cases[i][7], cases[i][8], NULL);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_true (g_str_has_prefix (run.err, "accordctl:") || g_str_has_prefix (run.err, "Usage"));
      g_assert_cmpstr (run.out, ==, "");
    }

  g_assert_false (g_file_test (f->config, G_FILE_TEST_EXISTS));
}

static void
test_help_and_version (Fixture *f, gconstpointer data)
{
  g_auto(Run) help = { 0, };
  g_auto(Run) version = { 0, };

  _run (f, NULL, &help, "--help", NULL);
  g_assert_cmpint (help.status, ==, 0);
  g_assert_nonnull (strstr (help.out, "accounts add --address"));

  _run (f, NULL, &version, "version", NULL);
  g_assert_cmpint (version.status, ==, 0);
  g_assert_cmpstr (_strip (version.out), ==, "accordctl " PACKAGE_VERSION);
}

static void
test_accounts_lifecycle (Fixture *f, gconstpointer data)
{
  g_auto(Run) empty = { 0, };
  g_auto(Run) empty_json = { 0, };
  g_auto(Run) add = { 0, };
  g_auto(Run) list = { 0, };
  g_auto(Run) list_json = { 0, };
  g_auto(Run) show = { 0, };
  g_auto(Run) show_json = { 0, };
  g_auto(Run) remove = { 0, };
  g_auto(Run) remove_again = { 0, };
  g_auto(Run) after = { 0, };
  g_autoptr(JsonNode) array = NULL;
  g_autoptr(JsonNode) object = NULL;
  g_autoptr(JsonNode) after_array = NULL;
  g_autofree char *id = NULL;
  JsonObject *account;
  JsonObject *services;
  JsonObject *in;
  JsonObject *out;

  _run (f, NULL, &empty, "accounts", "list", NULL);
  g_assert_cmpint (empty.status, ==, 0);
  g_assert_nonnull (strstr (empty.out, "No accounts"));

  _run (f, NULL, &empty_json, "accounts", "list", "--json", NULL);
  g_assert_cmpint (empty_json.status, ==, 0);
  g_assert_cmpstr (_strip (empty_json.out), ==, "[]");

  _run (f, NULL, &add, "accounts", "add", "--address", "Alice@Example.com", "--name", "Alice",
        "--username", "alice", "--imap", "imap.example.com", "--smtp", "smtp.example.com:587",
        NULL);
  g_assert_cmpint (add.status, ==, 0);
  id = g_strdup (_strip (add.out));
  g_assert_cmpstr (id, ==, "alice-example-com");

  _run (f, NULL, &list, "accounts", "list", NULL);
  g_assert_cmpint (list.status, ==, 0);
  g_assert_nonnull (strstr (list.out, "alice-example-com"));
  g_assert_nonnull (strstr (list.out, "Alice@Example.com"));
  g_assert_nonnull (strstr (list.out, "IMAP, SMTP"));

  _run (f, NULL, &list_json, "accounts", "list", "--json", NULL);
  g_assert_cmpint (list_json.status, ==, 0);
  array = _parse_json (list_json.out);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (array));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (array)), ==, 1);

  account = json_array_get_object_element (json_node_get_array (array), 0);
  g_assert_cmpstr (json_object_get_string_member (account, "id"), ==, id);
  g_assert_cmpint (json_object_get_int_member (account, "version"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (account, "name"), ==, "Alice");
  g_assert_cmpstr (json_object_get_string_member (account, "address"), ==, "Alice@Example.com");
  services = json_object_get_object_member (account, "services");
  in = json_object_get_object_member (services, "mail-in");
  g_assert_cmpstr (json_object_get_string_member (in, "protocol"), ==, "imap");
  g_assert_cmpstr (json_object_get_string_member (in, "host"), ==, "imap.example.com");
  g_assert_cmpint (json_object_get_int_member (in, "port"), ==, 993);
  g_assert_cmpstr (json_object_get_string_member (in, "security"), ==, "tls");
  g_assert_cmpstr (json_object_get_string_member (in, "username"), ==, "alice");
  out = json_object_get_object_member (services, "mail-out");
  g_assert_cmpint (json_object_get_int_member (out, "port"), ==, 587);
  g_assert_cmpstr (json_object_get_string_member (out, "security"), ==, "starttls");
  g_assert_true (json_object_get_null_member (services, "contacts"));
  g_assert_true (json_object_get_null_member (services, "calendar"));

  _run (f, NULL, &show_json, "accounts", "show", id, "--json", NULL);
  g_assert_cmpint (show_json.status, ==, 0);
  object = _parse_json (show_json.out);
  g_assert_true (json_node_equal (object, json_array_get_element (json_node_get_array (array), 0)));

  _run (f, NULL, &show, "accounts", "show", id, NULL);
  g_assert_cmpint (show.status, ==, 0);
  g_assert_nonnull (strstr (show.out, "imap.example.com:993"));
  g_assert_nonnull (strstr (show.out, "smtp.example.com:587"));

  _run (f, NULL, &remove, "accounts", "remove", id, NULL);
  g_assert_cmpint (remove.status, ==, 0);

  _run (f, NULL, &remove_again, "accounts", "remove", id, NULL);
  g_assert_cmpint (remove_again.status, ==, 1);
  /* One line naming the problem */
  g_assert_nonnull (strstr (remove_again.err, id));
  g_assert_cmpint (strchr (remove_again.err, '\n') - remove_again.err, ==,
                   (int) strlen (remove_again.err) - 1);

  _run (f, NULL, &after, "accounts", "list", "--json", NULL);
  after_array = _parse_json (after.out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (after_array)), ==, 0);
}

static JsonObject *
_service_of (JsonNode   *account,
             const char *service)
{
  return json_object_get_object_member (
    json_object_get_object_member (json_node_get_object (account), "services"), service);
}

static void
test_security_and_ports (Fixture *f, gconstpointer data)
{
  g_auto(Run) plain = { 0, };
  g_auto(Run) starttls = { 0, };
  g_auto(Run) show_plain = { 0, };
  g_auto(Run) show_starttls = { 0, };
  g_auto(Run) pinned = { 0, };
  g_auto(Run) show_pinned = { 0, };
  g_autoptr(JsonNode) pinned_json = NULL;
  g_autoptr(JsonNode) plain_json = NULL;
  g_autoptr(JsonNode) starttls_json = NULL;

  /* Plain text only when asked for, and then with a warning */
  _run (f, NULL, &plain, "accounts", "add", "--address", "bob@example.org",
        "--pop3", "pop.example.org", "--smtp", "[::1]:2525", "--security", "none", NULL);
  g_assert_cmpint (plain.status, ==, 0);
  g_assert_nonnull (strstr (plain.err, "unencrypted"));

  _run (f, NULL, &show_plain, "accounts", "show", "bob-example-org", "--json", NULL);
  plain_json = _parse_json (show_plain.out);
  g_assert_true (json_object_get_null_member (_service_of (plain_json, "mail-in"), "pinned_certificate"));
  g_assert_cmpstr (json_object_get_string_member (_service_of (plain_json, "mail-in"), "protocol"),
                   ==, "pop3");
  g_assert_cmpstr (json_object_get_string_member (_service_of (plain_json, "mail-in"), "security"),
                   ==, "none");
  g_assert_cmpint (json_object_get_int_member (_service_of (plain_json, "mail-in"), "port"),
                   ==, 110);
  g_assert_cmpstr (json_object_get_string_member (_service_of (plain_json, "mail-out"), "host"),
                   ==, "::1");
  g_assert_cmpint (json_object_get_int_member (_service_of (plain_json, "mail-out"), "port"),
                   ==, 2525);

  /* A certificate the person vouched for is kept, in lower case */
  _run (f, NULL, &pinned, "accounts", "add", "--address", "dave@example.net", "--imap", "127.0.0.1",
        "--pinned-certificate",
        "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89",
        NULL);
  g_assert_cmpint (pinned.status, ==, 0);
  _run (f, NULL, &show_pinned, "accounts", "show", "dave-example-net", "--json", NULL);
  pinned_json = _parse_json (show_pinned.out);
  g_assert_cmpstr (json_object_get_string_member (_service_of (pinned_json, "mail-in"), "pinned_certificate"),
                   ==, "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89");

  /* A STARTTLS port without --security means STARTTLS, never plain text */
  _run (f, NULL, &starttls, "accounts", "add", "--address", "carol@example.net",
        "--imap", "mail.example.net:143", "--pop3", NULL, NULL);
  g_assert_cmpint (starttls.status, ==, 2);
  run_clear (&starttls);
  _run (f, NULL, &starttls, "accounts", "add", "--address", "carol@example.net",
        "--imap", "mail.example.net:143", NULL);
  g_assert_cmpint (starttls.status, ==, 0);
  g_assert_cmpstr (starttls.err, ==, "");

  _run (f, NULL, &show_starttls, "accounts", "show", "carol-example-net", "--json", NULL);
  starttls_json = _parse_json (show_starttls.out);
  g_assert_cmpstr (json_object_get_string_member (_service_of (starttls_json, "mail-in"), "security"),
                   ==, "starttls");
  g_assert_cmpint (json_object_get_int_member (_service_of (starttls_json, "mail-in"), "port"),
                   ==, 143);
}

static void
test_corrupt_file_reported (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_build_filename (f->config, "accord", "accounts", NULL);
  g_autofree char *path = g_build_filename (dir, "broken.json", NULL);
  g_autofree char *contents = NULL;
  g_auto(Run) list = { 0, };
  g_auto(Run) add = { 0, };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "{\"version\": 1, \"id\": ", -1, NULL));

  _run (f, NULL, &list, "accounts", "list", NULL);
  g_assert_cmpint (list.status, ==, 0);
  g_assert_nonnull (strstr (list.err, "broken.json"));

  _run (f, NULL, &add, "accounts", "add", "--address", "broken@example.com",
        "--imap", "imap.example.com", NULL);
  g_assert_cmpint (add.status, ==, 0);

  contents = accord_test_read_file (path);
  g_assert_cmpstr (contents, ==, "{\"version\": 1, \"id\": ");
}

static void
test_password_stdin (Fixture *f, gconstpointer data)
{
  static const char password[] = "c0rrect horse battery §taple";
  g_autoptr(AccordSecrets) secrets = accord_secrets_new ();
  g_autofree char *input = g_strconcat (password, "\n", NULL);
  g_auto(Run) add = { 0, };
  g_auto(Run) list = { 0, };
  g_auto(Run) remove = { 0, };
  g_auto(Run) empty = { 0, };

  if (g_getenv ("ACCORD_SESSION_DIR") == NULL)
    {
      g_test_skip ("Needs a private keyring: run under tests/servers/session-wrapper");
      return;
    }

  _run (f, "", &empty, "accounts", "add", "--address", "dan@example.com",
        "--imap", "imap.example.com", "--password-stdin", NULL);
  g_assert_cmpint (empty.status, ==, 1);
  g_assert_nonnull (strstr (empty.err, "password"));

  _run (f, input, &add, "accounts", "add", "--address", "dan@example.com",
        "--imap", "imap.example.com", "--smtp", "smtp.example.com", "--password-stdin", NULL);
  g_assert_cmpint (add.status, ==, 0);

  for (AccordServiceKind kind = ACCORD_SERVICE_MAIL_IN; kind <= ACCORD_SERVICE_MAIL_OUT; kind++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *secret = NULL;

      accord_secrets_lookup_async (secrets, "dan-example-com", kind, NULL,
                                   accord_test_result_cb, &result);
      secret = accord_secrets_lookup_finish (secrets, accord_test_wait_result (&result), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (secret, ==, password);
    }

  _run (f, NULL, &list, "accounts", "list", "--json", NULL);
  g_assert_null (strstr (list.out, password));
  g_assert_null (strstr (list.err, password));
  g_assert_null (strstr (add.out, password));
  g_assert_null (strstr (add.err, password));

  /* No secret in any file Accord wrote */
  g_assert_false (accord_test_tree_contains (f->config, password));
  g_assert_false (accord_test_tree_contains (f->data, password));

  _run (f, NULL, &remove, "accounts", "remove", "dan-example-com", NULL);
  g_assert_cmpint (remove.status, ==, 0);

  for (AccordServiceKind kind = ACCORD_SERVICE_MAIL_IN; kind <= ACCORD_SERVICE_MAIL_OUT; kind++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *secret = NULL;

      accord_secrets_lookup_async (secrets, "dan-example-com", kind, NULL,
                                   accord_test_result_cb, &result);
      secret = accord_secrets_lookup_finish (secrets, accord_test_wait_result (&result), &error);
      g_assert_no_error (error);
      g_assert_null (secret);
    }
}

/* What becomes of a POP3 server's copy, and whether the server files sent mail, are
 * the account's; wrong combinations are usage errors. */
static void
test_mail_settings (Fixture       *f,
                    gconstpointer  data)
{
  g_auto(Run) add = { 0, };
  g_auto(Run) show = { 0, };
  g_auto(Run) human = { 0, };
  static const char *wrong[][8] = {
    { "--imap", "imap.example.com", "--keep-on-server", "delete-after-days", NULL },
    { "--pop3", "pop.example.com", "--keep-on-server", "shred", NULL },
    { "--pop3", "pop.example.com", "--keep-days", "7", NULL },
    { "--pop3", "pop.example.com", "--keep-on-server", "delete-after-days", "--keep-days", "-1", NULL },
    { "--pop3", "pop.example.com", "--server-files-sent", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_auto(Run) run = { 0, };

      _run (f, NULL, &run, "accounts", "add", "--address", "gil@example.com", wrong[i][0], wrong[i][1],
            wrong[i][2], wrong[i][3], wrong[i][4], wrong[i][5], NULL);
      g_assert_cmpint (run.status, ==, 2);
    }

  _run (f, NULL, &add, "accounts", "add", "--address", "gil@example.com", "--pop3", "pop.example.com",
        "--keep-on-server", "delete-after-days", "--keep-days", "7", "--smtp", "smtp.example.com",
        "--server-files-sent", NULL);
  g_assert_cmpint (add.status, ==, 0);
  _run (f, NULL, &show, "accounts", "show", "gil-example-com", "--json", NULL);
  g_assert_cmpint (show.status, ==, 0);
  g_assert_nonnull (strstr (show.out, "\"keep_on_server\" : \"delete-after-days\""));
  g_assert_nonnull (strstr (show.out, "\"keep_days\" : 7"));
  g_assert_nonnull (strstr (show.out, "\"server_files_sent\" : true"));
  _run (f, NULL, &human, "accounts", "show", "gil-example-com", NULL);
  g_assert_nonnull (strstr (human.out, "deleted on the server after 7 days"));
  g_assert_nonnull (strstr (human.out, "the server files sent mail"));
}

/* A question queued by a sync is listed with the command that answers it; decide
 * records the answer, and refuses what it cannot answer. */
static void
test_decide (Fixture       *f,
             gconstpointer  data)
{
  g_auto(Run) add = { 0, };
  g_auto(Run) status = { 0, };
  g_auto(Run) bad = { 0, };
  g_auto(Run) unknown = { 0, };
  g_auto(Run) other = { 0, };
  g_auto(Run) decide = { 0, };
  g_auto(Run) after = { 0, };
  g_autofree char *path = g_build_filename (f->data, "accord", "erin-example-com", "state.sqlite", NULL);
  g_autofree char *id = NULL;
  g_autofree char *command = NULL;
  g_autoptr(AccordSyncState) state = NULL;
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(GError) error = NULL;
  gint64 folder_id;
  gint64 question;

  _run (f, NULL, &add, "accounts", "add", "--address", "erin@example.com", "--imap", "imap.example.com",
        NULL);
  g_assert_cmpint (add.status, ==, 0);

  /* Never synced: nothing to answer. */
  _run (f, NULL, &other, "decide", "erin-example-com", "1", "yes", NULL);
  g_assert_cmpint (other.status, ==, 1);

  state = accord_sync_state_open (path, NULL, &error);
  g_assert_no_error (error);
  folder_id = accord_sync_state_ensure_folder (state, "INBOX", NULL, &error);
  g_assert_no_error (error);
  question = accord_sync_state_add_decision (state, "delete-here", folder_id,
                                             "60 messages were deleted on the server from INBOX; "
                                             "delete them here too?", &error);
  g_assert_no_error (error);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, question);

  _run (f, NULL, &status, "status", NULL);
  g_assert_cmpint (status.status, ==, 0);
  g_assert_nonnull (strstr (status.out, "60 messages were deleted"));
  command = g_strdup_printf ("accordctl decide erin-example-com %s yes|no", id);
  g_assert_nonnull (strstr (status.out, command));

  _run (f, NULL, &bad, "decide", "erin-example-com", id, "maybe", NULL);
  g_assert_cmpint (bad.status, ==, 2);
  _run (f, NULL, &unknown, "decide", "erin-example-com", "999", "no", NULL);
  g_assert_cmpint (unknown.status, ==, 1);
  g_assert_nonnull (strstr (unknown.err, "no question 999"));

  _run (f, NULL, &decide, "decide", "erin-example-com", id, "no", NULL);
  g_assert_cmpint (decide.status, ==, 0);
  g_assert_nonnull (strstr (decide.out, "brought back"));
  decisions = accord_sync_state_list_decisions (state, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decisions->len, ==, 1);
  g_assert_cmpstr (((AccordStateDecision *) decisions->pdata[0])->answer, ==, "no");

  _run (f, NULL, &after, "status", "--json", NULL);
  g_assert_nonnull (strstr (after.out, "\"answer\" : \"no\""));

  /* A notice is shown as one, and has nothing to answer. */
  {
    g_auto(Run) noted = { 0, };
    g_auto(Run) refused = { 0, };
    g_autofree char *notice = NULL;
    gint64 notice_id;

    notice_id = accord_sync_state_add_decision (state, "pop3-too-large", 0,
                                                "A message of 200 MB stays on the server.", &error);
    g_assert_no_error (error);
    notice = g_strdup_printf ("%" G_GINT64_FORMAT, notice_id);
    _run (f, NULL, &noted, "status", NULL);
    g_assert_nonnull (strstr (noted.out, "Note: A message of 200 MB"));
    _run (f, NULL, &refused, "decide", "erin-example-com", notice, "yes", NULL);
    g_assert_cmpint (refused.status, ==, 1);
    g_assert_nonnull (strstr (refused.err, "nothing to answer"));
  }
  accord_sync_state_close (state);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_assert_nonnull (g_getenv ("ACCORDCTL"));

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/accordctl/usage-errors", test_usage_errors);
  ADD ("/accordctl/help-and-version", test_help_and_version);
  ADD ("/accordctl/accounts-lifecycle", test_accounts_lifecycle);
  ADD ("/accordctl/security-and-ports", test_security_and_ports);
  ADD ("/accordctl/corrupt-file-reported", test_corrupt_file_reported);
  ADD ("/accordctl/password-stdin", test_password_stdin);
  ADD ("/accordctl/decide", test_decide);
  ADD ("/accordctl/mail-settings", test_mail_settings);

#undef ADD

  return g_test_run ();
}
