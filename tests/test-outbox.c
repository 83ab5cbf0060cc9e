/* test-outbox.c
 *
 * Queueing and sending through the harness's Dovecot submission, which relays to
 * smtp-sink (N.json: the envelope, N.eml: the message as it arrived): Bcc recipients
 * get the message without seeing the Bcc field; a sent message is filed in Sent; a
 * server that cannot be reached leaves it queued with the error; a refused recipient
 * fails it with the server's words; a message found half-sent after a crash is not
 * sent again but asked about; the other leftovers of a crash are reconciled; and
 * `accordctl send` end to end.
 *
 * Runs under tests/servers/accord-test-servers --dovecot, and skips without it. The
 * accordctl test needs no keyring (the password comes on standard input); it skips
 * while accordctl has no "send" verb.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "accord-maildir.h"
#include "accord-outbox.h"
#include "accord-smtp-client.h"
#include "accord-sync-state.h"
#include "accord-test-utils.h"

static GTlsDatabase *database;

typedef struct
{
  char          *dir;
  char          *root;
  char          *state_path;
  AccordAccount *account;
  AccordMaildir *maildir;
} Fixture;

/* --- environment -------------------------------------------------------------------- */

static gboolean
_have_dovecot (void)
{
  const char * const names[] = { "ACCORD_TEST_HOST", "ACCORD_TEST_CA_FILE", "ACCORD_TEST_USER2",
                                  "ACCORD_TEST_PASSWORD2", "ACCORD_TEST_EMAIL2",
                                  "ACCORD_TEST_SUBMISSION_PORT", "ACCORD_TEST_SUBMISSIONS_PORT",
                                  "ACCORD_TEST_SMTP_SINK_DIR", "ACCORD_TEST_SERVERS_DIR", NULL };

  for (guint i = 0; names[i] != NULL; i++)
    if (g_getenv (names[i]) == NULL)
      return FALSE;

  return TRUE;
}

#define REQUIRE_DOVECOT() \
  G_STMT_START { \
    if (!_have_dovecot ()) \
      { \
        g_test_skip ("Run under tests/servers/accord-test-servers --dovecot"); \
        return; \
      } \
  } G_STMT_END

/* A port on loopback where nothing listens. */
static guint16
_closed_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return port;
}

/* Bob's account, sending through submission over TLS (CA), over STARTTLS (pinned
 * certificate), or to a port where nothing listens. */
typedef enum
{
  SEND_TLS,
  SEND_STARTTLS_PINNED,
  SEND_NOWHERE,
} SendVia;

static AccordAccount *
_account (SendVia via)
{
  AccordAccount *account = accord_account_new ("bob-example-test", g_getenv ("ACCORD_TEST_EMAIL2"));
  g_autoptr(AccordServiceConfig) out = accord_service_config_new (ACCORD_PROTOCOL_SMTP);

  out->host = g_strdup (g_getenv ("ACCORD_TEST_HOST"));
  out->port = via == SEND_NOWHERE ? _closed_port ()
            : accord_test_env_port (via == SEND_TLS ? "ACCORD_TEST_SUBMISSIONS_PORT"
                                         : "ACCORD_TEST_SUBMISSION_PORT");
  out->security = via == SEND_STARTTLS_PINNED ? ACCORD_SECURITY_STARTTLS : ACCORD_SECURITY_TLS;
  out->username = g_strdup (g_getenv ("ACCORD_TEST_USER2"));
  if (via == SEND_STARTTLS_PINNED)
    out->pinned_certificate = accord_test_server_fingerprint ();
  accord_account_set_service (account, ACCORD_SERVICE_MAIL_OUT, out);

  return account;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = accord_test_make_tmp_dir ();
  f->root = g_build_filename (f->dir, "mail", NULL);
  f->state_path = g_build_filename (f->dir, "state.sqlite", NULL);
  f->maildir = accord_maildir_new (f->root);
  if (_have_dovecot ())
    f->account = _account (SEND_TLS);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->maildir);
  g_clear_object (&f->account);
  accord_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->root);
  g_free (f->state_path);
}

/* --- messages and the sink ------------------------------------------------------------ */

static char *
_unique_id (const char *tag)
{
  return g_strdup_printf ("<outbox-%s-%08x%08x@example.test>", tag, g_random_int (),
                          g_random_int ());
}

static GBytes *
_message (const char *message_id,
          const char *to)
{
  g_autofree char *text =
    g_strdup_printf ("From: Bob <%s>\r\nTo: %s\r\nSubject: Outbox test %s\r\n"
                     "Message-ID: %s\r\nDate: Sun, 29 Nov 2026 10:00:00 +0000\r\n\r\n"
                     "Hello.\r\n.A line that starts with a dot.\r\n",
                     g_getenv ("ACCORD_TEST_EMAIL2"), to, message_id, message_id);

  return g_bytes_new (text, strlen (text));
}

/* The sink's "DIR/N" of the message holding @needle; waits a little for it with
 * @wait, since the relay may still be writing. NULL if there is none. */
static char *
_sink_find (const char *needle,
            gboolean    wait)
{
  const char *dir = g_getenv ("ACCORD_TEST_SMTP_SINK_DIR");
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  do
    {
      g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
      const char *name;

      while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
        {
          g_autofree char *path = NULL;
          g_autofree char *contents = NULL;

          if (name[0] == '.' || !g_str_has_suffix (name, ".eml"))
            continue;
          path = g_build_filename (dir, name, NULL);
          if (g_file_get_contents (path, &contents, NULL, NULL) &&
              strstr (contents, needle) != NULL)
            return g_strndup (path, strlen (path) - strlen (".eml"));
        }
      if (wait)
        g_usleep (20 * 1000);
    }
  while (wait && g_get_monotonic_time () < deadline);

  return NULL;
}

static guint
_sink_count (const char *needle)
{
  const char *dir = g_getenv ("ACCORD_TEST_SMTP_SINK_DIR");
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  guint count = 0;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;

      if (name[0] != '.' && g_str_has_suffix (name, ".eml") &&
          g_file_get_contents (path, &contents, NULL, NULL) && strstr (contents, needle) != NULL)
        count++;
    }

  return count;
}

static gboolean
_envelope_has (const char *base,
               const char *address)
{
  g_autofree char *path = g_strconcat (base, ".json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *rcpt;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  rcpt = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                       "rcpt_to");
  for (guint i = 0; i < json_array_get_length (rcpt); i++)
    if (g_strcmp0 (json_array_get_string_element (rcpt, i), address) == 0)
      return TRUE;

  return FALSE;
}

/* --- the local side ----------------------------------------------------------------- */

static guint
_count (Fixture    *f,
        const char *folder)
{
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;

  files = accord_maildir_scan (f->maildir, folder, ACCORD_MAILDIR_SCAN_NONE, NULL, &error);
  if (g_error_matches (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NO_FOLDER))
    return 0;
  g_assert_no_error (error);
  return files->len;
}

static AccordStateOutboxItem *
_item (Fixture    *f,
       const char *key)
{
  g_autoptr(AccordOutbox) outbox = accord_outbox_new (f->account, NULL);
  g_autoptr(GError) error = NULL;
  AccordStateOutboxItem *item;

  accord_outbox_set_paths (outbox, f->root, f->state_path);
  item = accord_outbox_lookup (outbox, key, &error);
  g_assert_no_error (error);
  return item;
}

static AccordSyncState *
_open_state (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  AccordSyncState *state = accord_sync_state_open (f->state_path, NULL, &error);

  g_assert_no_error (error);
  return state;
}

static AccordOutbox *
_outbox (Fixture       *f,
         AccordAccount *account)
{
  AccordOutbox *outbox = accord_outbox_new (account, g_getenv ("ACCORD_TEST_PASSWORD2"));
  AccordServiceConfig *out = accord_account_get_service (account, ACCORD_SERVICE_MAIL_OUT);

  accord_outbox_set_paths (outbox, f->root, f->state_path);
  /* A pinned certificate is trusted on its own, without the harness's CA. */
  accord_outbox_set_tls_database (outbox, out->pinned_certificate == NULL ? database : NULL);
  return outbox;
}

static char *
_queue (Fixture *f,
        GBytes  *message)
{
  g_autoptr(AccordOutbox) outbox = _outbox (f, f->account);
  g_autoptr(GError) error = NULL;
  char *key = accord_outbox_queue (outbox, message, &error);

  g_assert_no_error (error);
  g_assert_nonnull (key);
  return key;
}

static gboolean
_send (AccordOutbox       *outbox,
       AccordOutboxStats  *stats,
       GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  gboolean ok;

  accord_outbox_send_async (outbox, NULL, accord_test_result_cb, &result);
  ok = accord_outbox_send_finish (outbox, accord_test_wait_result (&result), error);
  *stats = *accord_outbox_get_stats (outbox);
  return ok;
}

/* --- tests ---------------------------------------------------------------------------- */

static void
test_send_bcc (Fixture       *f,
               gconstpointer  data)
{
  SendVia via = GPOINTER_TO_INT (data);
  g_autoptr(AccordAccount) account = _account (via);
  g_autoptr(AccordOutbox) outbox = NULL;
  g_autofree char *id = _unique_id ("bcc");
  g_autofree char *text =
    g_strdup_printf ("From: Bob <%s>\r\nTo: Alice <alice@example.test>\r\n"
                     "Cc: carol@example.test\r\nBcc: Dave <dave@example.test>\r\n"
                     "Subject: Three of us\r\nMessage-ID: %s\r\n"
                     "Date: Sun, 29 Nov 2026 10:00:00 +0000\r\n\r\nHello.\r\n",
                     g_getenv ("ACCORD_TEST_EMAIL2"), id);
  g_autoptr(GBytes) message = g_bytes_new (text, strlen (text));
  g_autoptr(AccordStateOutboxItem) queued = NULL;
  g_autoptr(AccordStateOutboxItem) sent = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GBytes) filed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *base = NULL;
  g_autofree char *eml = NULL;
  g_autofree char *eml_path = NULL;
  AccordOutboxStats stats;

  REQUIRE_DOVECOT ();

  outbox = _outbox (f, account);
  key = accord_outbox_queue (outbox, message, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (_count (f, ACCORD_OUTBOX_FOLDER), ==, 1);
  queued = _item (f, key);
  g_assert_cmpint (queued->status, ==, ACCORD_STATE_OUTBOX_QUEUED);
  g_assert_cmpuint (queued->attempts, ==, 0);

  g_assert_true (_send (outbox, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.sent, ==, 1);
  g_assert_cmpuint (stats.failed + stats.deferred + stats.undecided, ==, 0);

  /* Every recipient got it; nobody sees the Bcc. */
  base = _sink_find (id, TRUE);
  g_assert_nonnull (base);
  g_assert_true (_envelope_has (base, "alice@example.test"));
  g_assert_true (_envelope_has (base, "carol@example.test"));
  g_assert_true (_envelope_has (base, "dave@example.test"));
  eml_path = g_strconcat (base, ".eml", NULL);
  eml = accord_test_read_file (eml_path);
  g_assert_null (strstr (eml, "Bcc"));
  g_assert_null (strstr (eml, "dave@"));
  g_assert_nonnull (strstr (eml, "Cc: carol@example.test"));

  /* Filed in Sent, as queued (Bcc included: it is the sender's copy), marked read. */
  g_assert_cmpuint (_count (f, ACCORD_OUTBOX_FOLDER), ==, 0);
  files = accord_maildir_scan (f->maildir, ACCORD_OUTBOX_SENT_FOLDER, ACCORD_MAILDIR_SCAN_NONE,
                               NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (files->len, ==, 1);
  g_assert_cmpstr (((AccordMaildirMessage *) files->pdata[0])->key, ==, key);
  g_assert_cmpstr (((AccordMaildirMessage *) files->pdata[0])->flags, ==, "S");
  filed = accord_maildir_read_message (f->maildir, ACCORD_OUTBOX_SENT_FOLDER, key, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (filed, message));

  sent = _item (f, key);
  g_assert_cmpint (sent->status, ==, ACCORD_STATE_OUTBOX_SENT);
  g_assert_cmpuint (sent->attempts, ==, 1);
  g_assert_null (sent->last_error);

  /* Nothing left to send. */
  g_assert_true (_send (outbox, &stats, &error));
  g_assert_cmpuint (stats.sent, ==, 0);
  g_assert_cmpuint (_sink_count (id), ==, 1);
}

static void
test_file_sent_off (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(AccordOutbox) outbox = NULL;
  g_autofree char *id = _unique_id ("unfiled");
  g_autoptr(GBytes) message = _message (id, "alice@example.test");
  g_autoptr(AccordStateOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *base = NULL;
  AccordOutboxStats stats;

  REQUIRE_DOVECOT ();

  /* The account says the server files sent mail itself. */
  accord_account_get_service (f->account, ACCORD_SERVICE_MAIL_OUT)->server_files_sent = TRUE;
  outbox = _outbox (f, f->account);
  key = accord_outbox_queue (outbox, message, &error);
  g_assert_no_error (error);
  g_assert_true (_send (outbox, &stats, &error));
  g_assert_no_error (error);
  base = _sink_find (id, TRUE);
  g_assert_nonnull (base);

  g_assert_cmpuint (_count (f, ACCORD_OUTBOX_FOLDER), ==, 0);
  g_assert_cmpuint (_count (f, ACCORD_OUTBOX_SENT_FOLDER), ==, 0);
  item = _item (f, key);
  g_assert_cmpint (item->status, ==, ACCORD_STATE_OUTBOX_SENT);
}

/* Sent mail goes to the folder the IMAP sync found marked \Sent, whatever its name. */
static void
test_sent_folder (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(AccordOutbox) outbox = NULL;
  g_autoptr(AccordSyncState) state = NULL;
  g_autofree char *id = _unique_id ("sent-items");
  g_autoptr(GBytes) message = _message (id, "alice@example.test");
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  AccordOutboxStats stats;

  REQUIRE_DOVECOT ();

  state = _open_state (f);
  accord_sync_state_set_server_value (state, ACCORD_SYNC_STATE_SENT_FOLDER, "Sent Items", &error);
  g_assert_no_error (error);
  accord_sync_state_close (state);

  outbox = _outbox (f, f->account);
  key = accord_outbox_queue (outbox, message, &error);
  g_assert_no_error (error);
  g_assert_true (_send (outbox, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.sent, ==, 1);

  g_assert_cmpuint (_count (f, ACCORD_OUTBOX_FOLDER), ==, 0);
  g_assert_cmpuint (_count (f, "Sent Items"), ==, 1);
  g_assert_cmpuint (_count (f, ACCORD_OUTBOX_SENT_FOLDER), ==, 0);
}

static void
test_invalid_message (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(AccordOutbox) outbox = NULL;
  static const char text[] = "From: bob@example.test\r\nSubject: to nobody\r\n\r\nHi\r\n";
  g_autoptr(GBytes) message = g_bytes_new_static (text, strlen (text));
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  REQUIRE_DOVECOT ();

  outbox = _outbox (f, f->account);
  key = accord_outbox_queue (outbox, message, &error);
  g_assert_error (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE);
  g_assert_null (key);
  g_assert_cmpuint (_count (f, ACCORD_OUTBOX_FOLDER), ==, 0);
}

static void
test_temporary_failure (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(AccordAccount) nowhere = _account (SEND_NOWHERE);
  g_autoptr(AccordOutbox) down = NULL;
  g_autoptr(AccordOutbox) up = NULL;
  g_autofree char *id = _unique_id ("later");
  g_autoptr(GBytes) message = _message (id, "alice@example.test");
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  AccordOutboxStats stats;

  REQUIRE_DOVECOT ();

  key = _queue (f, message);
  down = _outbox (f, nowhere);
  for (guint attempt = 1; attempt <= 2; attempt++)
    {
      g_autoptr(AccordStateOutboxItem) item = NULL;

      g_assert_false (_send (down, &stats, &error));
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_cmpuint (stats.deferred, ==, 1);
      g_assert_cmpuint (stats.sent + stats.failed, ==, 0);

      item = _item (f, key);
      g_assert_cmpint (item->status, ==, ACCORD_STATE_OUTBOX_QUEUED);
      g_assert_cmpuint (item->attempts, ==, attempt);
      g_assert_cmpstr (item->last_error, ==, error->message);
      g_assert_cmpuint (_count (f, ACCORD_OUTBOX_FOLDER), ==, 1);
      g_clear_error (&error);
    }

  /* The server is back: it goes, once. */
  up = _outbox (f, f->account);
  g_assert_true (_send (up, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.sent, ==, 1);
  base = _sink_find (id, TRUE);
  g_assert_nonnull (base);
  g_assert_cmpuint (_sink_count (id), ==, 1);
  g_assert_cmpuint (_count (f, ACCORD_OUTBOX_FOLDER), ==, 0);
  g_assert_cmpuint (_count (f, ACCORD_OUTBOX_SENT_FOLDER), ==, 1);
}

static void
test_permanent_failure (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(AccordOutbox) outbox = NULL;
  g_autofree char *id = _unique_id ("refused");
  g_autofree char *good_id = _unique_id ("after-refused");
  /* The header reads well; the server refuses the address. */
  g_autoptr(GBytes) refused = _message (id, "alice@example.test, nobody@[300.1.1.1]");
  g_autoptr(GBytes) good = _message (good_id, "alice@example.test");
  g_autoptr(AccordStateOutboxItem) item = NULL;
  g_autoptr(AccordStateOutboxItem) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *base = NULL;
  AccordOutboxStats stats;

  REQUIRE_DOVECOT ();

  key = _queue (f, refused);
  g_free (_queue (f, good));
  outbox = _outbox (f, f->account);

  /* The other message still goes on the same connection. */
  g_assert_false (_send (outbox, &stats, &error));
  g_assert_error (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_PERMANENT);
  g_clear_error (&error);
  g_assert_cmpuint (stats.failed, ==, 1);
  g_assert_cmpuint (stats.sent, ==, 1);
  base = _sink_find (good_id, TRUE);
  g_assert_nonnull (base);
  g_assert_cmpuint (_sink_count (id), ==, 0);

  /* Failed, in the server's words, and left in the Outbox for the person. */
  item = _item (f, key);
  g_assert_cmpint (item->status, ==, ACCORD_STATE_OUTBOX_FAILED);
  g_assert_cmpuint (item->attempts, ==, 1);
  g_test_message ("%s", item->last_error);
  g_assert_nonnull (strstr (item->last_error, "nobody@[300.1.1.1]"));
  g_assert_nonnull (strstr (item->last_error, "501 5.5.4"));
  g_assert_cmpuint (_count (f, ACCORD_OUTBOX_FOLDER), ==, 1);

  /* Not tried again. */
  g_assert_true (_send (outbox, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.failed + stats.sent, ==, 0);
  again = _item (f, key);
  g_assert_cmpint (again->status, ==, ACCORD_STATE_OUTBOX_FAILED);
  g_assert_cmpuint (again->attempts, ==, 1);
}

/* A crash after SENDING was written, before the outcome was: not sent again. */
static void
test_sending_leftover (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(AccordOutbox) outbox = NULL;
  g_autofree char *id = _unique_id ("maybe");
  g_autofree char *later_id = _unique_id ("after-maybe");
  g_autoptr(GBytes) maybe = _message (id, "alice@example.test");
  g_autoptr(GBytes) later = _message (later_id, "alice@example.test");
  g_autoptr(AccordSyncState) state = NULL;
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(AccordStateOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *base = NULL;
  g_autofree char *subject = NULL;
  AccordOutboxStats stats;

  REQUIRE_DOVECOT ();

  key = _queue (f, maybe);
  state = _open_state (f);
  accord_sync_state_outbox_update (state, key, ACCORD_STATE_OUTBOX_SENDING, 1, NULL, &error);
  g_assert_no_error (error);
  accord_sync_state_close (state);
  g_clear_object (&state);
  g_free (_queue (f, later));

  outbox = _outbox (f, f->account);
  g_assert_true (_send (outbox, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.undecided, ==, 1);
  g_assert_cmpuint (stats.sent, ==, 1);

  /* The later message went out on the same connection; the leftover did not. */
  base = _sink_find (later_id, TRUE);
  g_assert_nonnull (base);
  g_assert_cmpuint (_sink_count (id), ==, 0);

  item = _item (f, key);
  g_assert_cmpint (item->status, ==, ACCORD_STATE_OUTBOX_FAILED);
  g_assert_nonnull (item->last_error);
  g_assert_cmpuint (_count (f, ACCORD_OUTBOX_FOLDER), ==, 1);

  state = _open_state (f);
  decisions = accord_sync_state_list_decisions (state, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decisions->len, ==, 1);
  g_assert_cmpstr (((AccordStateDecision *) decisions->pdata[0])->kind, ==,
                   ACCORD_OUTBOX_DECISION_MAYBE_SENT);
  subject = g_strdup_printf ("Outbox test %s", id);
  g_assert_nonnull (strstr (((AccordStateDecision *) decisions->pdata[0])->detail, subject));
  g_assert_nonnull (strstr (((AccordStateDecision *) decisions->pdata[0])->detail, key));
  accord_sync_state_close (state);
  g_clear_object (&state);

  /* Asked once; still not sent. */
  g_assert_true (_send (outbox, &stats, &error));
  g_assert_cmpuint (stats.undecided + stats.sent, ==, 0);
  state = _open_state (f);
  g_clear_pointer (&decisions, g_ptr_array_unref);
  decisions = accord_sync_state_list_decisions (state, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decisions->len, ==, 1);
  g_assert_cmpstr (((AccordStateDecision *) decisions->pdata[0])->payload, ==, key);

  /* Yes: sent again at the next run, and the question goes. */
  accord_sync_state_answer_decision (state, ((AccordStateDecision *) decisions->pdata[0])->id, TRUE,
                                     &error);
  g_assert_no_error (error);
  accord_sync_state_close (state);
  g_assert_cmpuint (_sink_count (id), ==, 0);
  g_assert_true (_send (outbox, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.sent, ==, 1);
  g_assert_cmpuint (_sink_count (id), ==, 1);
  g_clear_pointer (&item, accord_state_outbox_item_free);
  item = _item (f, key);
  g_assert_cmpint (item->status, ==, ACCORD_STATE_OUTBOX_SENT);
  state = _open_state (f);
  g_clear_pointer (&decisions, g_ptr_array_unref);
  decisions = accord_sync_state_list_decisions (state, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decisions->len, ==, 0);
  accord_sync_state_close (state);
}

/* No: the message is taken for sent, filed, and not sent again. */
static void
test_sending_leftover_no (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(AccordOutbox) outbox = NULL;
  g_autofree char *id = _unique_id ("maybe-no");
  g_autoptr(GBytes) maybe = _message (id, "alice@example.test");
  g_autoptr(AccordSyncState) state = NULL;
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(AccordStateOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  AccordOutboxStats stats;

  REQUIRE_DOVECOT ();

  key = _queue (f, maybe);
  state = _open_state (f);
  accord_sync_state_outbox_update (state, key, ACCORD_STATE_OUTBOX_SENDING, 1, NULL, &error);
  g_assert_no_error (error);
  accord_sync_state_close (state);
  g_clear_object (&state);

  outbox = _outbox (f, f->account);
  g_assert_true (_send (outbox, &stats, &error));
  g_assert_cmpuint (stats.undecided, ==, 1);

  state = _open_state (f);
  decisions = accord_sync_state_list_decisions (state, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decisions->len, ==, 1);
  accord_sync_state_answer_decision (state, ((AccordStateDecision *) decisions->pdata[0])->id, FALSE,
                                     &error);
  g_assert_no_error (error);
  accord_sync_state_close (state);
  g_clear_object (&state);

  g_assert_true (_send (outbox, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.sent, ==, 0);
  g_assert_cmpuint (_sink_count (id), ==, 0);
  g_assert_cmpuint (_count (f, ACCORD_OUTBOX_FOLDER), ==, 0);
  g_assert_cmpuint (_count (f, ACCORD_OUTBOX_SENT_FOLDER), ==, 1);
  item = _item (f, key);
  g_assert_cmpint (item->status, ==, ACCORD_STATE_OUTBOX_SENT);
}

/* A server that takes the whole message and hangs up before it answers: did it go
 * out or not? */
static gboolean
_on_hang_up_run_cb (GThreadedSocketService *service,
                    GSocketConnection      *connection,
                    GObject                *source_object,
                    gpointer                user_data)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr(GDataInputStream) in =
    g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  const char greeting[] = "220 hang-up.test ESMTP\r\n";
  gboolean in_data = FALSE;

  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  if (!g_output_stream_write_all (out, greeting, strlen (greeting), NULL, NULL, NULL))
    return TRUE;

  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, NULL);
      const char *answer = "250 OK\r\n";

      if (line == NULL)
        return TRUE;
      if (in_data)
        {
          if (g_str_equal (line, "."))
            {
              g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
              return TRUE;
            }
          continue;
        }
      if (g_str_has_prefix (line, "EHLO"))
        answer = "250-hang-up.test\r\n250 PIPELINING\r\n";
      else if (g_str_has_prefix (line, "DATA"))
        {
          answer = "354 go ahead\r\n";
          in_data = TRUE;
        }
      if (!g_output_stream_write_all (out, answer, strlen (answer), NULL, NULL, NULL))
        return TRUE;
    }
}

static void
test_connection_lost (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GSocketService) service = g_threaded_socket_service_new (2);
  g_autoptr(AccordAccount) account = accord_account_new ("bob-example-test", "bob@example.test");
  g_autoptr(AccordServiceConfig) out = accord_service_config_new (ACCORD_PROTOCOL_SMTP);
  g_autoptr(AccordOutbox) outbox = NULL;
  g_autofree char *id = _unique_id ("lost");
  g_autofree char *next_id = _unique_id ("after-lost");
  g_autoptr(GBytes) lost = _message (id, "alice@example.test");
  g_autoptr(GBytes) next = _message (next_id, "alice@example.test");
  g_autoptr(AccordStateOutboxItem) lost_item = NULL;
  g_autoptr(AccordStateOutboxItem) next_item = NULL;
  g_autoptr(AccordSyncState) state = NULL;
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *lost_key = NULL;
  g_autofree char *next_key = NULL;
  AccordOutboxStats stats;

  REQUIRE_DOVECOT ();

  out->port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (service), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "run", G_CALLBACK (_on_hang_up_run_cb), NULL);
  g_socket_service_start (service);
  out->host = g_strdup ("127.0.0.1");
  out->security = ACCORD_SECURITY_NONE;
  out->auth = ACCORD_AUTH_NONE;
  accord_account_set_service (account, ACCORD_SERVICE_MAIL_OUT, out);

  lost_key = _queue (f, lost);
  next_key = _queue (f, next);
  outbox = accord_outbox_new (account, NULL);
  accord_outbox_set_paths (outbox, f->root, f->state_path);
  g_assert_false (_send (outbox, &stats, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* The first may have gone out: asked about, never sent again by itself. The second
   * never left: it waits for the next run. */
  g_assert_cmpuint (stats.undecided, ==, 1);
  g_assert_cmpuint (stats.deferred, ==, 1);
  g_assert_cmpuint (stats.sent, ==, 0);
  lost_item = _item (f, lost_key);
  g_assert_cmpint (lost_item->status, ==, ACCORD_STATE_OUTBOX_FAILED);
  next_item = _item (f, next_key);
  g_assert_cmpint (next_item->status, ==, ACCORD_STATE_OUTBOX_QUEUED);
  g_assert_cmpuint (next_item->attempts, ==, 1);
  g_assert_nonnull (next_item->last_error);

  state = _open_state (f);
  decisions = accord_sync_state_list_decisions (state, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decisions->len, ==, 1);
  g_assert_nonnull (strstr (((AccordStateDecision *) decisions->pdata[0])->detail, lost_key));
  accord_sync_state_close (state);

  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
}

/* The other leftovers of a crash, and messages put into or taken out of the Outbox by
 * hand. */
static void
test_reconcile (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(AccordOutbox) outbox = NULL;
  g_autoptr(AccordSyncState) state = NULL;
  g_autoptr(GPtrArray) deliveries =
    g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_delivery_free);
  g_autoptr(GPtrArray) changes =
    g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_change_free);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *orphan_id = _unique_id ("orphan");
  g_autofree char *moved_id = _unique_id ("moved");
  g_autofree char *unmoved_id = _unique_id ("unmoved");
  g_autofree char *withdrawn_id = _unique_id ("withdrawn");
  g_autoptr(GBytes) orphan = _message (orphan_id, "alice@example.test");
  g_autoptr(GBytes) moved = _message (moved_id, "alice@example.test");
  g_autoptr(GBytes) unmoved = _message (unmoved_id, "alice@example.test");
  g_autoptr(GBytes) withdrawn = _message (withdrawn_id, "alice@example.test");
  g_autofree char *moved_key = NULL;
  g_autofree char *unmoved_key = NULL;
  g_autofree char *withdrawn_key = NULL;
  g_autofree char *base = NULL;
  AccordOutboxStats stats;

  REQUIRE_DOVECOT ();

  moved_key = _queue (f, moved);
  unmoved_key = _queue (f, unmoved);
  withdrawn_key = _queue (f, withdrawn);

  /* Sent and moved, killed before SENT was written. */
  g_ptr_array_add (changes, accord_maildir_change_new (moved_key, NULL));
  accord_maildir_ensure_folder (f->maildir, ACCORD_OUTBOX_SENT_FOLDER, NULL, &error);
  g_assert_no_error (error);
  accord_maildir_move_messages (f->maildir, ACCORD_OUTBOX_FOLDER, changes,
                                ACCORD_OUTBOX_SENT_FOLDER, NULL, &error);
  g_assert_no_error (error);
  /* Withdrawn by the person. */
  g_ptr_array_set_size (changes, 0);
  g_ptr_array_add (changes, accord_maildir_change_new (withdrawn_key, NULL));
  accord_maildir_remove_messages (f->maildir, ACCORD_OUTBOX_FOLDER, changes, NULL, &error);
  g_assert_no_error (error);
  /* Put into the Outbox by another program, or killed before its row was written. */
  g_ptr_array_add (deliveries, accord_maildir_delivery_new (orphan, "S", 0, NULL));
  accord_maildir_deliver (f->maildir, ACCORD_OUTBOX_FOLDER, deliveries, NULL, &error);
  g_assert_no_error (error);

  state = _open_state (f);
  accord_sync_state_outbox_update (state, moved_key, ACCORD_STATE_OUTBOX_SENDING, 1, NULL, &error);
  g_assert_no_error (error);
  /* Sent and marked, killed before the file moved. */
  accord_sync_state_outbox_update (state, unmoved_key, ACCORD_STATE_OUTBOX_SENT, 1, NULL, &error);
  g_assert_no_error (error);
  accord_sync_state_close (state);
  g_clear_object (&state);

  outbox = _outbox (f, f->account);
  g_assert_true (_send (outbox, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.sent, ==, 1);
  g_assert_cmpuint (stats.undecided, ==, 0);

  base = _sink_find (orphan_id, TRUE);
  g_assert_nonnull (base);
  g_assert_cmpuint (_sink_count (moved_id), ==, 0);
  g_assert_cmpuint (_sink_count (unmoved_id), ==, 0);
  g_assert_cmpuint (_sink_count (withdrawn_id), ==, 0);

  g_assert_cmpuint (_count (f, ACCORD_OUTBOX_FOLDER), ==, 0);
  g_assert_cmpuint (_count (f, ACCORD_OUTBOX_SENT_FOLDER), ==, 3);
  state = _open_state (f);
  rows = accord_sync_state_outbox_list (state, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 3);
  for (guint i = 0; i < rows->len; i++)
    {
      AccordStateOutboxItem *row = g_ptr_array_index (rows, i);

      g_assert_cmpint (row->status, ==, ACCORD_STATE_OUTBOX_SENT);
    }
  accord_sync_state_close (state);
}

/* --- accordctl send ------------------------------------------------------------------ */

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
_accordctl (Fixture    *f,
            const char *input,
            Run        *run,
            ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *config = g_build_filename (f->dir, "config", NULL);
  g_autofree char *data = g_build_filename (f->dir, "data", NULL);
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
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  /* No keyring here: the password comes on standard input. */
  g_subprocess_launcher_unsetenv (launcher, "DBUS_SESSION_BUS_ADDRESS");
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (process);
  g_test_message ("accordctl %s: %d\n%s%s", (const char *) argv->pdata[1], run->status,
                  run->out, run->err);
}

static void
_run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

static void
test_accordctl_send (Fixture       *f,
                     gconstpointer  data)
{
  Run run = { 0, };
  g_autofree char *fingerprint = NULL;
  g_autofree char *smtp = NULL;
  g_autofree char *id = _unique_id ("accordctl");
  g_autofree char *refused_id = _unique_id ("accordctl-refused");
  g_autoptr(GBytes) message = _message (id, "Alice <alice@example.test>");
  g_autoptr(GBytes) refused = _message (refused_id, "nobody@[300.1.1.1]");
  g_autofree char *file = g_build_filename (f->dir, "message.eml", NULL);
  g_autofree char *refused_file = g_build_filename (f->dir, "refused.eml", NULL);
  g_autofree char *password = g_strdup_printf ("%s\n", g_getenv ("ACCORD_TEST_PASSWORD2"));
  g_autofree char *account_id = NULL;
  g_autofree char *base = NULL;
  g_autofree char *mail = NULL;
  g_autoptr(AccordMaildir) maildir = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) waiting = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_DOVECOT ();

  if (g_getenv ("ACCORDCTL") == NULL ||
      !g_file_test (g_getenv ("ACCORDCTL"), G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("ACCORDCTL is not built");
      return;
    }
  _accordctl (f, NULL, &run, "send", "--help", NULL);
  if (run.status != 0)
    {
      _run_clear (&run);
      g_test_skip ("accordctl has no “send” verb yet");
      return;
    }
  _run_clear (&run);

  fingerprint = accord_test_server_fingerprint ();
  smtp = g_strdup_printf ("%s:%s", g_getenv ("ACCORD_TEST_HOST"),
                          g_getenv ("ACCORD_TEST_SUBMISSIONS_PORT"));
  _accordctl (f, NULL, &run, "accounts", "add", "--address", g_getenv ("ACCORD_TEST_EMAIL2"),
              "--username", g_getenv ("ACCORD_TEST_USER2"), "--smtp", smtp, "--security", "tls",
              "--pinned-certificate", fingerprint, NULL);
  g_assert_cmpint (run.status, ==, 0);
  account_id = g_strdup (g_strstrip (run.out));
  _run_clear (&run);

  g_file_set_contents (file, g_bytes_get_data (message, NULL), g_bytes_get_size (message), &error);
  g_assert_no_error (error);
  g_file_set_contents (refused_file, g_bytes_get_data (refused, NULL), g_bytes_get_size (refused),
                       &error);
  g_assert_no_error (error);

  _accordctl (f, password, &run, "send", file, "--account", account_id, "--password-stdin", NULL);
  g_assert_cmpint (run.status, ==, 0);
  _run_clear (&run);
  base = _sink_find (id, TRUE);
  g_assert_nonnull (base);

  mail = g_build_filename (f->dir, "data", "accord", account_id, "mail", NULL);
  maildir = accord_maildir_new (mail);
  sent = accord_maildir_scan (maildir, ACCORD_OUTBOX_SENT_FOLDER, ACCORD_MAILDIR_SCAN_NONE, NULL,
                              &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sent->len, ==, 1);

  /* Refused: status 1 with the server's words; the message stays in the Outbox. */
  _accordctl (f, password, &run, "send", refused_file, "--account", account_id,
              "--password-stdin", NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "501 5.5.4"));
  _run_clear (&run);
  waiting = accord_maildir_scan (maildir, ACCORD_OUTBOX_FOLDER, ACCORD_MAILDIR_SCAN_NONE, NULL,
                                 &error);
  g_assert_no_error (error);
  g_assert_cmpuint (waiting->len, ==, 1);

  /* Usage errors. */
  _accordctl (f, NULL, &run, "send", file, NULL);
  g_assert_cmpint (run.status, ==, 2);
  _run_clear (&run);
  _accordctl (f, password, &run, "send", "/nonexistent/message.eml", "--account", account_id,
              "--password-stdin", NULL);
  g_assert_cmpint (run.status, ==, 1);
  _run_clear (&run);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  if (_have_dovecot ())
    {
      database = g_tls_file_database_new (g_getenv ("ACCORD_TEST_CA_FILE"), &error);
      g_assert_no_error (error);
    }

#define ADD(path, data, func) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("/outbox/send/bcc", GINT_TO_POINTER (SEND_TLS), test_send_bcc);
  ADD ("/outbox/send/starttls-pinned", GINT_TO_POINTER (SEND_STARTTLS_PINNED), test_send_bcc);
  ADD ("/outbox/send/file-sent-off", NULL, test_file_sent_off);
  ADD ("/outbox/send/sent-folder", NULL, test_sent_folder);
  ADD ("/outbox/queue/invalid", NULL, test_invalid_message);
  ADD ("/outbox/failure/temporary", NULL, test_temporary_failure);
  ADD ("/outbox/failure/permanent", NULL, test_permanent_failure);
  ADD ("/outbox/crash/sending-leftover", NULL, test_sending_leftover);
  ADD ("/outbox/crash/sending-leftover-no", NULL, test_sending_leftover_no);
  ADD ("/outbox/crash/connection-lost", NULL, test_connection_lost);
  ADD ("/outbox/crash/reconcile", NULL, test_reconcile);
  ADD ("/outbox/accordctl", NULL, test_accordctl_send);
#undef ADD

  status = g_test_run ();
  g_clear_object (&database);
  return status;
}
