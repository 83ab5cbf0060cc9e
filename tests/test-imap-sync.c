/* test-imap-sync.c
 *
 * Two-way IMAP ↔ Maildir sync against the harness's Dovecot: the initial sync, a
 * no-op, changes on the server, changes here, flags changed on both sides, the
 * deletion guard, and SIGKILL at many points of an initial and a two-way sync
 * followed by a resume, after which both sides hold exactly the same messages.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"


#include <json-glib/json-glib.h>

#include "accord-imap-client.h"
#include "accord-imap-sync.h"
#include "accord-imap-sync-private.h"
#include "accord-maildir.h"
#include "accord-sync-plan.h"
#include "accord-sync-state.h"
#include "accord-test-utils.h"

static GTlsDatabase *database;

typedef struct
{
  char             *dir;
  AccordAccount    *account;
  AccordImapClient *client;     /* the "other device" changing the server */
  AccordMaildir    *maildir;
  char             *folder;     /* a folder of the server's own for this test */
} Fixture;

static GAsyncResult *
_wait (GAsyncResult **result)
{
  return accord_test_wait_result (result);
}

static const char *
_env (const char *name)
{
  const char *value = g_getenv (name);

  g_assert_nonnull (value);
  return value;
}

static AccordImapClient *
_connect (const char *user,
          const char *password)
{
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GAsyncResult) logged_in = NULL;
  g_autoptr(GError) error = NULL;
  AccordImapClient *client;

  accord_imap_client_connect_async (_env ("ACCORD_TEST_HOST"),
                                    atoi (_env ("ACCORD_TEST_IMAPS_PORT")), ACCORD_SECURITY_TLS,
                                    NULL, database, 30, NULL, accord_test_result_cb, &connected);
  client = accord_imap_client_connect_finish (_wait (&connected), &error);
  g_assert_no_error (error);
  accord_imap_client_login_async (client, user, password, NULL, accord_test_result_cb, &logged_in);
  accord_imap_client_login_finish (client, _wait (&logged_in), &error);
  g_assert_no_error (error);
  return client;
}

static GBytes *
_message (const char *folder,
          guint       n,
          gsize       size)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "From: Test <test@example.test>\r\nTo: bob@example.test\r\n"
                                "Subject: %s %u\r\nMessage-ID: <sync-%s-%u-%u@example.test>\r\n"
                                "Date: Sun, 29 Nov 2026 10:00:00 +0000\r\n\r\n",
                          folder, n, folder, n, g_random_int ());
  while (text->len < size)
    g_string_append_printf (text, "Line %u of message %u in %s.\r\n", (guint) text->len, n, folder);
  return g_string_free_to_bytes (text);
}

static void
_append (Fixture    *f,
         const char *folder,
         guint       n,
         const char *flag)
{
  g_autoptr(GBytes) message = _message (folder, n, 600 + (n * 997) % 9000);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *flags[] = { flag, NULL };

  accord_imap_client_append_async (f->client, folder, flag ? flags : NULL, 0, message, NULL,
                                   accord_test_result_cb, &result);
  accord_imap_client_append_finish (f->client, _wait (&result), NULL, &error);
  g_assert_no_error (error);
}

static void
_create_folder (Fixture    *f,
                const char *folder)
{
  g_autoptr(GAsyncResult) result = NULL;

  accord_imap_client_create_async (f->client, folder, NULL, accord_test_result_cb, &result);
  accord_imap_client_create_finish (f->client, _wait (&result), NULL);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autoptr(AccordServiceConfig) in = accord_service_config_new (ACCORD_PROTOCOL_IMAP);
  static guint counter;

  f->dir = accord_test_make_tmp_dir ();
  f->folder = g_strdup_printf ("Test%u", ++counter);
  f->client = _connect (_env ("ACCORD_TEST_USER2"), _env ("ACCORD_TEST_PASSWORD2"));
  _create_folder (f, f->folder);

  f->account = accord_account_new ("bob-example-test", _env ("ACCORD_TEST_EMAIL2"));
  in->host = g_strdup (_env ("ACCORD_TEST_HOST"));
  in->port = atoi (_env ("ACCORD_TEST_IMAPS_PORT"));
  in->security = ACCORD_SECURITY_TLS;
  in->username = g_strdup (_env ("ACCORD_TEST_USER2"));
  in->pinned_certificate = accord_test_server_fingerprint ();
  accord_account_set_service (f->account, ACCORD_SERVICE_MAIL_IN, in);

  id = g_build_filename (f->dir, "mail", NULL);
  f->maildir = accord_maildir_new (id);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;

  accord_imap_client_delete_async (f->client, f->folder, NULL, accord_test_result_cb, &result);
  accord_imap_client_delete_finish (f->client, _wait (&result), NULL);
  g_clear_object (&f->client);
  g_clear_object (&f->maildir);
  g_clear_object (&f->account);
  accord_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->folder);
}

static const AccordImapSyncStats *
_sync (Fixture        *f,
       AccordImapSync **keep)
{
  g_autoptr(AccordImapSync) sync = accord_imap_sync_new (f->account, _env ("ACCORD_TEST_PASSWORD2"));
  g_autofree char *root = g_build_filename (f->dir, "mail", NULL);
  g_autofree char *state = g_build_filename (f->dir, "state.sqlite", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  accord_imap_sync_set_paths (sync, root, state);
  accord_imap_sync_run_async (sync, NULL, accord_test_result_cb, &result);
  accord_imap_sync_run_finish (sync, _wait (&result), &error);
  g_assert_no_error (error);

  *keep = g_steal_pointer (&sync);
  return accord_imap_sync_get_stats (*keep);
}

static void
_digest_remote_cb (AccordImapMessage *message,
                   gpointer           user_data)
{
  GPtrArray *lines = user_data;
  g_autofree char *hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, message->body);
  char letters[8];

  accord_mail_flags_to_letters (accord_mail_flags_from_imap ((const char * const *) message->flags),
                                letters);
  g_ptr_array_add (lines, g_strdup_printf ("%s %s", hash, letters));
}

static int
_compare_strings (gconstpointer a,
                  gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static char *
_join_sorted (GPtrArray *lines)
{
  g_ptr_array_sort (lines, _compare_strings);
  g_ptr_array_add (lines, NULL);
  return g_strjoinv ("\n", (char **) lines->pdata);
}

/* One line per message, "body-hash flags", sorted: equal digests mean the same
 * messages with the same flags, none lost or doubled. */
static char *
_remote_digest (const char *folder)
{
  g_autoptr(AccordImapClient) client = _connect (_env ("ACCORD_TEST_USER2"), _env ("ACCORD_TEST_PASSWORD2"));
  g_autoptr(GAsyncResult) selected = NULL;
  g_autoptr(GAsyncResult) fetched = NULL;
  g_autoptr(AccordImapMailbox) mailbox = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  accord_imap_client_select_async (client, folder, NULL, TRUE, NULL, accord_test_result_cb, &selected);
  mailbox = accord_imap_client_select_finish (client, _wait (&selected), &error);
  g_assert_no_error (error);
  if (mailbox->exists > 0)
    {
      accord_imap_client_fetch_bodies_async (client, "1:*", _digest_remote_cb, lines, NULL,
                                             accord_test_result_cb, &fetched);
      accord_imap_client_fetch_bodies_finish (client, _wait (&fetched), &error);
      g_assert_no_error (error);
    }

  return _join_sorted (lines);
}

static char *
_local_digest (Fixture    *f,
               const char *folder)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;

  files = accord_maildir_scan (f->maildir, folder, ACCORD_MAILDIR_SCAN_NONE, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < files->len; i++)
    {
      AccordMaildirMessage *file = g_ptr_array_index (files, i);
      g_autoptr(GBytes) body = accord_maildir_read_message (f->maildir, folder, file->filename, NULL, &error);
      g_autofree char *hash = NULL;
      char letters[8];

      g_assert_no_error (error);
      hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
      accord_mail_flags_to_letters (accord_mail_flags_from_letters (file->flags), letters);
      g_ptr_array_add (lines, g_strdup_printf ("%s %s", hash, letters));
    }

  return _join_sorted (lines);
}

static void
_assert_same_folder (Fixture    *f,
                     const char *folder)
{
  g_autofree char *there = _remote_digest (folder);
  g_autofree char *here = _local_digest (f, folder);

  g_assert_cmpstr (here, ==, there);
}

static void
_assert_same (Fixture *f)
{
  _assert_same_folder (f, f->folder);
}

static void
_select_folder (Fixture    *f,
                const char *folder)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(AccordImapMailbox) mailbox = NULL;
  g_autoptr(GError) error = NULL;

  accord_imap_client_select_async (f->client, folder, NULL, FALSE, NULL, accord_test_result_cb, &result);
  mailbox = accord_imap_client_select_finish (f->client, _wait (&result), &error);
  g_assert_no_error (error);
}

static void
_select (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(AccordImapMailbox) mailbox = NULL;
  g_autoptr(GError) error = NULL;

  accord_imap_client_select_async (f->client, f->folder, NULL, FALSE, NULL, accord_test_result_cb, &result);
  mailbox = accord_imap_client_select_finish (f->client, _wait (&result), &error);
  g_assert_no_error (error);
}

static void
_store (Fixture    *f,
        const char *uids,
        gboolean    add,
        const char *flag)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *flags[] = { flag, NULL };

  accord_imap_client_store_flags_async (f->client, uids, add, flags, 0, NULL, accord_test_result_cb, &result);
  accord_imap_client_store_flags_finish (f->client, _wait (&result), &error);
  g_assert_no_error (error);
}

static void
_expunge (Fixture    *f,
          const char *uids)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  _store (f, uids, TRUE, "\\Deleted");
  /* Without UIDPLUS, every message marked \Deleted: only these are. */
  accord_imap_client_expunge_async (f->client,
                                    accord_imap_client_has_capability (f->client, "UIDPLUS") ? uids : NULL,
                                    NULL, accord_test_result_cb, &result);
  accord_imap_client_expunge_finish (f->client, _wait (&result), &error);
  g_assert_no_error (error);
}

static void
_seed (Fixture *f,
       guint    count)
{
  for (guint i = 0; i < count; i++)
    _append (f, f->folder, i, i % 5 == 0 ? "\\Seen" : i % 7 == 0 ? "\\Flagged" : NULL);
}

static void
test_server_capabilities (Fixture       *f,
                          gconstpointer  data)
{
  gboolean expected = g_strcmp0 (g_getenv ("ACCORD_TEST_IMAP_CONDSTORE"), "0") != 0;

  /* The same tests run against a server with and without the extensions. */
  g_assert_cmpint (accord_imap_client_has_capability (f->client, "CONDSTORE"), ==, expected);
  g_assert_cmpint (accord_imap_client_has_capability (f->client, "QRESYNC"), ==, expected);
  g_assert_cmpint (accord_imap_client_has_capability (f->client, "UIDPLUS"), ==, expected);
}

static void
test_initial_and_no_op (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(AccordImapSync) first = NULL;
  g_autoptr(AccordImapSync) second = NULL;
  const AccordImapSyncStats *stats;

  _seed (f, 40);
  stats = _sync (f, &first);
  g_assert_cmpuint (stats->fetched, >=, 40);
  g_assert_cmpuint (stats->folders_failed, ==, 0);
  _assert_same (f);

  stats = _sync (f, &second);
  g_assert_cmpuint (stats->fetched, ==, 0);
  g_assert_cmpuint (stats->uploaded, ==, 0);
  g_assert_cmpuint (stats->flags_changed, ==, 0);
  g_assert_cmpuint (stats->deleted_here + stats->deleted_there, ==, 0);
  _assert_same (f);

  /* What the server said of itself is kept for the next run and the outbox: its
   * capabilities, and the folder it marks \Sent. */
  {
    g_autofree char *path = g_build_filename (f->dir, "state.sqlite", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(AccordSyncState) state = accord_sync_state_open (path, NULL, &error);
    g_autofree char *capabilities = NULL;
    g_autofree char *sent = NULL;

    g_assert_no_error (error);
    capabilities = accord_sync_state_get_server_value (state, ACCORD_SYNC_STATE_CAPABILITIES);
    g_assert_nonnull (strstr (capabilities, "IMAP4REV1"));
    sent = accord_sync_state_get_server_value (state, ACCORD_SYNC_STATE_SENT_FOLDER);
    g_assert_cmpstr (sent, ==, "Sent");
    accord_sync_state_close (state);
  }
}

static void
test_server_changes (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(AccordImapSync) first = NULL;
  g_autoptr(AccordImapSync) second = NULL;
  const AccordImapSyncStats *stats;

  _seed (f, 10);
  _sync (f, &first);

  _append (f, f->folder, 100, NULL);
  _append (f, f->folder, 101, "\\Answered");
  _select (f);
  _store (f, "2:3", TRUE, "\\Seen");
  _store (f, "1", FALSE, "\\Seen");
  _expunge (f, "4");

  stats = _sync (f, &second);
  g_assert_cmpuint (stats->fetched, ==, 2);
  g_assert_cmpuint (stats->deleted_here, ==, 1);
  g_assert_cmpuint (stats->flags_changed, ==, 3);
  _assert_same (f);
}

static void
_delete_folder (Fixture    *f,
                const char *folder)
{
  g_autoptr(GAsyncResult) result = NULL;

  accord_imap_client_delete_async (f->client, folder, NULL, accord_test_result_cb, &result);
  accord_imap_client_delete_finish (f->client, _wait (&result), NULL);
}

/* Several folders changed at once: those changed on the server only are opened all at
 * once, the one changed here too in its turn, and all end up the same. */
static void
test_many_folders (Fixture       *f,
                   gconstpointer  data)
{
  gboolean qresync = g_strcmp0 (g_getenv ("ACCORD_TEST_IMAP_CONDSTORE"), "0") != 0;
  g_autofree char *second = g_strdup_printf ("%s-b", f->folder);
  g_autofree char *third = g_strdup_printf ("%s-c", f->folder);
  g_autoptr(AccordImapSync) first = NULL;
  g_autoptr(AccordImapSync) then = NULL;
  g_autoptr(AccordImapSync) after = NULL;
  g_autoptr(GPtrArray) deliveries = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_delivery_free);
  g_autoptr(GError) error = NULL;
  const AccordImapSyncStats *stats;

  _create_folder (f, second);
  _create_folder (f, third);
  for (guint i = 0; i < 8; i++)
    {
      _append (f, f->folder, i, NULL);
      _append (f, second, i, i % 2 ? "\\Seen" : NULL);
      _append (f, third, i, NULL);
    }
  _sync (f, &first);

  /* On the server: new messages in the first two, flags and a deletion in the second;
   * here: a new message in the third. */
  _append (f, f->folder, 50, NULL);
  _append (f, f->folder, 51, "\\Flagged");
  _append (f, second, 50, NULL);
  _select_folder (f, second);
  _store (f, "1:2", TRUE, "\\Answered");
  _expunge (f, "3");
  g_ptr_array_add (deliveries, accord_maildir_delivery_new (_message ("here", 1, 900), "S", 0, NULL));
  accord_maildir_deliver (f->maildir, third, deliveries, NULL, &error);
  g_assert_no_error (error);

  stats = _sync (f, &then);
  g_assert_cmpuint (stats->fetched, ==, 3);
  g_assert_cmpuint (stats->uploaded, ==, 1);
  g_assert_cmpuint (stats->deleted_here, ==, 1);
  g_assert_cmpuint (stats->flags_changed, ==, 2);
  g_assert_cmpuint (stats->opened_ahead, ==, qresync ? 2 : 0);
  g_assert_cmpuint (stats->synced_again, ==, 0);
  g_assert_cmpuint (stats->folders_failed, ==, 0);
  _assert_same (f);
  _assert_same_folder (f, second);
  _assert_same_folder (f, third);

  /* And then nothing to do (the upload moved the server's UIDNEXT: that folder is
   * opened again, and nothing is asked for). */
  stats = _sync (f, &after);
  g_assert_cmpuint (stats->fetched + stats->uploaded + stats->flags_changed, ==, 0);
  g_assert_cmpuint (stats->synced_again, ==, 0);

  _delete_folder (f, second);
  _delete_folder (f, third);
}

/* A folder opened ahead whose plan needs the server after all is synced again in full:
 * here a message lost here (file and record) that then changes on the server, reported
 * by QRESYNC, unknown, below the last UIDNEXT, so not asked for ahead. */
static void
test_synced_again (Fixture       *f,
                   gconstpointer  data)
{
  gboolean qresync = g_strcmp0 (g_getenv ("ACCORD_TEST_IMAP_CONDSTORE"), "0") != 0;
  g_autofree char *path = g_build_filename (f->dir, "state.sqlite", NULL);
  g_autoptr(AccordImapSync) first = NULL;
  g_autoptr(AccordImapSync) second = NULL;
  g_autoptr(AccordSyncState) state = NULL;
  g_autoptr(AccordStateFolder) folder = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_change_free);
  g_autoptr(GError) error = NULL;
  const AccordImapSyncStats *stats;

  _seed (f, 6);
  _sync (f, &first);

  state = accord_sync_state_open (path, NULL, &error);
  g_assert_no_error (error);
  folder = accord_sync_state_lookup_folder (state, f->folder, &error);
  g_assert_no_error (error);
  files = accord_maildir_scan (f->maildir, f->folder, ACCORD_MAILDIR_SCAN_NONE, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < files->len; i++)
    if (((AccordMaildirMessage *) g_ptr_array_index (files, i))->uid == 2)
      g_ptr_array_add (gone, accord_maildir_change_new (((AccordMaildirMessage *) g_ptr_array_index (files, i))->filename,
                                                        NULL));
  g_assert_cmpuint (gone->len, ==, 1);
  accord_maildir_remove_messages (f->maildir, f->folder, gone, NULL, &error);
  g_assert_no_error (error);
  accord_sync_state_remove_message (state, folder->id, 2, &error);
  g_assert_no_error (error);
  accord_sync_state_close (state);

  _select (f);
  _store (f, "2", TRUE, "\\Flagged");
  _append (f, f->folder, 60, NULL);

  stats = _sync (f, &second);
  g_assert_cmpuint (stats->opened_ahead, ==, qresync ? 1 : 0);
  g_assert_cmpuint (stats->synced_again, ==, qresync ? 1 : 0);
  g_assert_cmpuint (stats->fetched, ==, 2);
  g_assert_cmpuint (stats->folders_failed, ==, 0);
  _assert_same (f);
}

/* Capabilities remembered that the server no longer announces (the capability-limited
 * Dovecot announces neither QRESYNC nor LIST-STATUS, though it still answers them):
 * the commands sent on their strength go out behind LOGIN, the sync goes through,
 * and what the server announces now replaces what was remembered. */
static void
test_stale_capabilities (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "state.sqlite", NULL);
  g_autoptr(AccordImapSync) first = NULL;
  g_autoptr(AccordImapSync) second = NULL;
  g_autoptr(AccordSyncState) state = NULL;
  g_autofree char *real = NULL;
  g_autofree char *claimed = NULL;
  g_autoptr(GError) error = NULL;
  const AccordImapSyncStats *stats;

  _seed (f, 5);
  _sync (f, &first);

  state = accord_sync_state_open (path, NULL, &error);
  g_assert_no_error (error);
  real = accord_sync_state_get_server_value (state, ACCORD_SYNC_STATE_CAPABILITIES);
  claimed = g_strconcat (real, " ENABLE QRESYNC CONDSTORE LIST-STATUS", NULL);
  accord_sync_state_set_server_value (state, ACCORD_SYNC_STATE_CAPABILITIES, claimed, &error);
  g_assert_no_error (error);
  accord_sync_state_close (state);

  _append (f, f->folder, 50, NULL);
  stats = _sync (f, &second);
  g_assert_cmpuint (stats->fetched, ==, 1);
  g_assert_cmpuint (stats->folders_failed, ==, 0);
  _assert_same (f);

  /* And what the server says now is remembered. */
  state = accord_sync_state_open (path, NULL, &error);
  g_assert_no_error (error);
  g_free (claimed);
  claimed = accord_sync_state_get_server_value (state, ACCORD_SYNC_STATE_CAPABILITIES);
  g_assert_cmpstr (claimed, ==, real);
  accord_sync_state_close (state);
}

static void
test_local_changes (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(AccordImapSync) first = NULL;
  g_autoptr(AccordImapSync) second = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) deliveries = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_delivery_free);
  g_autoptr(GPtrArray) flag_changes = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_change_free);
  g_autoptr(GPtrArray) removals = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_change_free);
  g_autoptr(GError) error = NULL;
  const AccordImapSyncStats *stats;

  _seed (f, 10);
  _sync (f, &first);

  g_ptr_array_add (deliveries, accord_maildir_delivery_new (_message ("local", 1, 2000), "S", 0, NULL));
  g_ptr_array_add (deliveries, accord_maildir_delivery_new (_message ("local", 2, 3000), NULL, 0, NULL));
  accord_maildir_deliver (f->maildir, f->folder, deliveries, NULL, &error);
  g_assert_no_error (error);

  files = accord_maildir_scan (f->maildir, f->folder, ACCORD_MAILDIR_SCAN_NONE, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < files->len; i++)
    {
      AccordMaildirMessage *file = g_ptr_array_index (files, i);

      if (file->uid == 5)
        g_ptr_array_add (flag_changes, accord_maildir_change_new (file->filename, "FRS"));
      else if (file->uid == 6)
        g_ptr_array_add (removals, accord_maildir_change_new (file->filename, NULL));
    }
  g_assert_cmpuint (flag_changes->len, ==, 1);
  g_assert_cmpuint (removals->len, ==, 1);
  accord_maildir_set_flags (f->maildir, f->folder, flag_changes, NULL, &error);
  g_assert_no_error (error);
  accord_maildir_remove_messages (f->maildir, f->folder, removals, NULL, &error);
  g_assert_no_error (error);

  stats = _sync (f, &second);
  g_assert_cmpuint (stats->uploaded, ==, 2);
  g_assert_cmpuint (stats->deleted_there, ==, 1);
  g_assert_cmpuint (stats->flags_changed, ==, 1);
  _assert_same (f);
}

static void
_collect_remote_cb (AccordImapMessage *message,
                    gpointer           user_data)
{
  g_ptr_array_add (user_data, g_bytes_ref (message->body));
}

/* A message written here without a Message-ID goes up once, and only once: it is
 * given one on its way up, by which it is found after a crash, and without UIDPLUS
 * on every run. A Message-ID folded onto the next line is one all the same. */
static void
test_upload_without_message_id (Fixture       *f,
                                gconstpointer  data)
{
  gboolean uidplus = g_strcmp0 (g_getenv ("ACCORD_TEST_IMAP_CONDSTORE"), "0") != 0;
  static const char text[] = "From: Test <test@example.test>\r\nTo: bob@example.test\r\n"
                             "Subject: no Message-ID\r\n\r\nWritten by a script.\r\n";
  g_autoptr(GPtrArray) deliveries = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_delivery_free);
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(AccordImapSync) first = NULL;
  g_autoptr(AccordImapSync) second = NULL;
  g_autoptr(AccordImapSync) third = NULL;
  g_autoptr(GAsyncResult) selected = NULL;
  g_autoptr(GAsyncResult) fetched = NULL;
  g_autoptr(AccordImapMailbox) mailbox = NULL;
  g_autoptr(GError) error = NULL;
  const AccordImapSyncStats *stats;
  const char *body;

  _sync (f, &first);
  g_ptr_array_add (deliveries, accord_maildir_delivery_new (g_bytes_new_static (text, sizeof text - 1),
                                                            NULL, 0, NULL));
  accord_maildir_deliver (f->maildir, f->folder, deliveries, NULL, &error);
  g_assert_no_error (error);

  stats = _sync (f, &second);
  g_assert_cmpuint (stats->uploaded, ==, 1);
  stats = _sync (f, &third);
  g_assert_cmpuint (stats->uploaded + stats->fetched, ==, 0);

  accord_imap_client_select_async (f->client, f->folder, NULL, TRUE, NULL, accord_test_result_cb, &selected);
  mailbox = accord_imap_client_select_finish (f->client, _wait (&selected), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mailbox->exists, ==, 1);
  accord_imap_client_fetch_bodies_async (f->client, "1:*", _collect_remote_cb, bodies, NULL,
                                         accord_test_result_cb, &fetched);
  accord_imap_client_fetch_bodies_finish (f->client, _wait (&fetched), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bodies->len, ==, 1);
  body = g_bytes_get_data (bodies->pdata[0], NULL);
  g_assert_true (g_str_has_prefix (body, "Message-ID: <"));
  g_assert_nonnull (g_strstr_len (body, g_bytes_get_size (bodies->pdata[0]), "Written by a script."));
  g_test_message ("uploaded %s UIDPLUS", uidplus ? "with" : "without");

  {
    static const char folded[] = "From: a@example.test\r\nMessage-ID:\r\n  <folded@example.test>\r\n"
                                 "Subject: x\r\n\r\nBody <not@this>\r\n";
    static const char none[] = "From: a@example.test\r\nSubject: x\r\n\r\nMessage-ID: <in@body>\r\n";
    g_autoptr(GBytes) with_fold = g_bytes_new_static (folded, sizeof folded - 1);
    g_autoptr(GBytes) without = g_bytes_new_static (none, sizeof none - 1);
    g_autofree char *id = _accord_imap_sync_message_id (with_fold);
    g_autofree char *nothing = _accord_imap_sync_message_id (without);

    g_assert_cmpstr (id, ==, "<folded@example.test>");
    g_assert_null (nothing);
  }
  {
    /* Folded with bare line ends; and what cannot go into a search is no Message-ID. */
    static const char *cases[][2] = {
      { "Message-ID:\n <lf@example.test>\nSubject: x\n\nbody\n", "<lf@example.test>" },
      { "Message-ID: <broken\r\n in-two@example.test>\r\n\r\nbody\r\n", NULL },
      { "Message-ID: <\"quoted\"@example.test>\r\n\r\nbody\r\n", NULL },
      { "Message-ID: <8bit-\xc3\xa9@example.test>\r\n\r\nbody\r\n", NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(GBytes) bytes = g_bytes_new_static (cases[i][0], strlen (cases[i][0]));
        g_autofree char *found = _accord_imap_sync_message_id (bytes);

        g_assert_cmpstr (found, ==, cases[i][1]);
        g_assert_true (_accord_imap_sync_has_message_id_field (bytes));
      }
  }
}

static void
test_flags_both_sides (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(AccordImapSync) first = NULL;
  g_autoptr(AccordImapSync) second = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_change_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *here = NULL;

  _append (f, f->folder, 1, NULL);
  _sync (f, &first);

  /* Flagged on the other device, read here: both survive. */
  _select (f);
  _store (f, "1", TRUE, "\\Flagged");
  files = accord_maildir_scan (f->maildir, f->folder, ACCORD_MAILDIR_SCAN_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (files->len, ==, 1);
  g_ptr_array_add (changes, accord_maildir_change_new (((AccordMaildirMessage *) files->pdata[0])->filename, "S"));
  accord_maildir_set_flags (f->maildir, f->folder, changes, NULL, &error);
  g_assert_no_error (error);

  _sync (f, &second);
  _assert_same (f);
  here = _local_digest (f, f->folder);
  g_assert_true (g_str_has_suffix (here, " FS"));
}

static void
test_deletion_guard (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(AccordImapSync) first = NULL;
  g_autoptr(AccordImapSync) held = NULL;
  g_autoptr(AccordImapSync) allowed = NULL;
  g_autofree char *root = g_build_filename (f->dir, "mail", NULL);
  g_autofree char *path = g_build_filename (f->dir, "state.sqlite", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AccordSyncState) state = NULL;
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(GPtrArray) files = NULL;

  _seed (f, 20);
  _sync (f, &first);

  _select (f);
  _expunge (f, "1:12");

  /* Twelve at once is over a threshold of five: held, asked, nothing deleted. */
  held = accord_imap_sync_new (f->account, _env ("ACCORD_TEST_PASSWORD2"));
  accord_imap_sync_set_paths (held, root, path);
  accord_imap_sync_set_deletion_threshold (held, 5);
  accord_imap_sync_run_async (held, NULL, accord_test_result_cb, &result);
  accord_imap_sync_run_finish (held, _wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accord_imap_sync_get_stats (held)->held_deletions, ==, 12);

  files = accord_maildir_scan (f->maildir, f->folder, ACCORD_MAILDIR_SCAN_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (files->len, ==, 20);
  state = accord_sync_state_open (path, NULL, &error);
  g_assert_no_error (error);
  decisions = accord_sync_state_list_decisions (state, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decisions->len, >=, 1);
  accord_sync_state_close (state);

  /* Under the default threshold the server's deletions, reported again, go through. */
  _sync (f, &allowed);
  g_assert_cmpuint (accord_imap_sync_get_stats (allowed)->deleted_here, ==, 12);
  _assert_same (f);
}

static const AccordImapSyncStats *
_sync_with_threshold (Fixture         *f,
                      guint            threshold,
                      AccordImapSync **keep)
{
  g_autofree char *root = g_build_filename (f->dir, "mail", NULL);
  g_autofree char *path = g_build_filename (f->dir, "state.sqlite", NULL);
  g_autoptr(AccordImapSync) sync = accord_imap_sync_new (f->account, _env ("ACCORD_TEST_PASSWORD2"));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  accord_imap_sync_set_paths (sync, root, path);
  accord_imap_sync_set_deletion_threshold (sync, threshold);
  accord_imap_sync_run_async (sync, NULL, accord_test_result_cb, &result);
  accord_imap_sync_run_finish (sync, _wait (&result), &error);
  g_assert_no_error (error);

  *keep = g_steal_pointer (&sync);
  return accord_imap_sync_get_stats (*keep);
}

/* Answers the one open question, of @kind, and returns its number; or checks there is
 * none when @kind is NULL. */
static gint64
_answer (Fixture    *f,
         const char *kind,
         gboolean    yes)
{
  gint64 id = 0;

  g_autofree char *path = g_build_filename (f->dir, "state.sqlite", NULL);
  g_autoptr(AccordSyncState) state = NULL;
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(GError) error = NULL;

  state = accord_sync_state_open (path, NULL, &error);
  g_assert_no_error (error);
  decisions = accord_sync_state_list_decisions (state, &error);
  g_assert_no_error (error);
  if (kind == NULL)
    {
      g_assert_cmpuint (decisions->len, ==, 0);
    }
  else
    {
      AccordStateDecision *decision;

      g_assert_cmpuint (decisions->len, ==, 1);
      decision = g_ptr_array_index (decisions, 0);
      g_assert_cmpstr (decision->kind, ==, kind);
      g_assert_null (decision->answer);
      accord_sync_state_answer_decision (state, decision->id, yes, &error);
      g_assert_no_error (error);
      id = decision->id;
    }
  accord_sync_state_close (state);
  return id;
}

static void
_delete_here (Fixture *f,
              guint    count)
{
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_change_free);
  g_autoptr(GError) error = NULL;

  files = accord_maildir_scan (f->maildir, f->folder, ACCORD_MAILDIR_SCAN_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (files->len, >=, count);
  for (guint i = 0; i < count; i++)
    g_ptr_array_add (gone, accord_maildir_change_new (((AccordMaildirMessage *) files->pdata[i])->filename, NULL));
  accord_maildir_remove_messages (f->maildir, f->folder, gone, NULL, &error);
  g_assert_no_error (error);
}

/* The person's answers to deletions held back: no brings the messages back from the
 * other side, yes deletes them; either way the question goes. */
static void
test_deletion_answers (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(AccordImapSync) first = NULL;
  g_autoptr(AccordImapSync) held = NULL;
  g_autoptr(AccordImapSync) restored = NULL;
  g_autoptr(AccordImapSync) held_here = NULL;
  g_autoptr(AccordImapSync) deleted = NULL;
  g_autoptr(AccordImapSync) held_again = NULL;
  g_autoptr(AccordImapSync) fetched = NULL;
  g_autoptr(AccordImapSync) held_six = NULL;
  g_autoptr(AccordImapSync) held_nine = NULL;
  g_autoptr(AccordImapSync) deleted_nine = NULL;
  g_autoptr(AccordImapSync) held_there = NULL;
  g_autoptr(AccordImapSync) under = NULL;
  const AccordImapSyncStats *stats;
  gint64 first_yes;

  _seed (f, 40);
  _sync (f, &first);

  /* Twelve deleted on the server, over a threshold of five; no: they go back there. */
  _select (f);
  _expunge (f, "1:12");
  stats = _sync_with_threshold (f, 5, &held);
  g_assert_cmpuint (stats->held_deletions, ==, 12);
  _answer (f, "delete-here", FALSE);
  stats = _sync_with_threshold (f, 5, &restored);
  g_assert_cmpuint (stats->held_deletions, ==, 0);
  g_assert_cmpuint (stats->uploaded, ==, 12);
  g_assert_cmpuint (stats->deleted_here, ==, 0);
  _assert_same (f);
  _answer (f, NULL, FALSE);

  /* Ten deleted here; yes: they go on the server too. */
  _delete_here (f, 10);
  stats = _sync_with_threshold (f, 5, &held_here);
  g_assert_cmpuint (stats->held_deletions, ==, 10);
  _answer (f, "delete-there", TRUE);
  stats = _sync_with_threshold (f, 5, &deleted);
  g_assert_cmpuint (stats->deleted_there, ==, 10);
  _assert_same (f);
  _answer (f, NULL, FALSE);

  /* Eight more deleted here; no: they come back down. */
  _delete_here (f, 8);
  stats = _sync_with_threshold (f, 5, &held_again);
  g_assert_cmpuint (stats->held_deletions, ==, 8);
  _answer (f, "delete-there", FALSE);
  stats = _sync_with_threshold (f, 5, &fetched);
  g_assert_cmpuint (stats->fetched, ==, 8);
  g_assert_cmpuint (stats->deleted_there, ==, 0);
  _assert_same (f);
  _answer (f, NULL, FALSE);

  /* A yes covers what it was given to: six asked about, nine deleted by the next sync,
   * asked again. */
  _delete_here (f, 6);
  stats = _sync_with_threshold (f, 5, &held_six);
  g_assert_cmpuint (stats->held_deletions, ==, 6);
  _delete_here (f, 3);
  first_yes = _answer (f, "delete-there", TRUE);
  stats = _sync_with_threshold (f, 5, &held_nine);
  g_assert_cmpuint (stats->held_deletions, ==, 9);
  g_assert_cmpuint (stats->deleted_there, ==, 0);
  /* Asked anew, under a new number: a yes typed for the old one cannot land on it. */
  g_assert_cmpint (_answer (f, "delete-there", TRUE), !=, first_yes);
  stats = _sync_with_threshold (f, 5, &deleted_nine);
  g_assert_cmpuint (stats->deleted_there, ==, 9);
  _assert_same (f);
  _answer (f, NULL, FALSE);

  /* A question that no longer stands goes: under a higher threshold the same
   * deletions go through unasked. */
  _select (f);
  _expunge (f, "1:*");
  stats = _sync_with_threshold (f, 5, &held_there);
  g_assert_cmpuint (stats->held_deletions, >, 0);
  stats = _sync_with_threshold (f, 100, &under);
  g_assert_cmpuint (stats->held_deletions, ==, 0);
  g_assert_cmpuint (stats->deleted_here, >, 0);
  _assert_same (f);
  _answer (f, NULL, FALSE);
}

static void
_collect_cb (AccordImapMessage *message,
             gpointer           user_data)
{
  g_ptr_array_add (user_data, accord_imap_message_copy (message));
}

static void
test_uidvalidity (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(AccordImapSync) first = NULL;
  g_autoptr(AccordImapSync) second = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_imap_message_free);
  g_autoptr(GAsyncResult) fetched = NULL;
  g_autoptr(GAsyncResult) deleted = NULL;
  g_autoptr(GError) error = NULL;
  const AccordImapSyncStats *stats;

  _seed (f, 12);
  _sync (f, &first);

  /* The folder is made anew on the server with the same messages and one more: a
   * new UIDVALIDITY, new UIDs. */
  _select (f);
  accord_imap_client_fetch_bodies_async (f->client, "1:*", _collect_cb, messages, NULL,
                                         accord_test_result_cb, &fetched);
  accord_imap_client_fetch_bodies_finish (f->client, _wait (&fetched), &error);
  g_assert_no_error (error);
  /* Not the selected folder: a server closes the connection when that one goes. */
  {
    g_autoptr(GAsyncResult) inbox = NULL;
    g_autoptr(AccordImapMailbox) mailbox = NULL;

    accord_imap_client_select_async (f->client, "INBOX", NULL, TRUE, NULL, accord_test_result_cb, &inbox);
    mailbox = accord_imap_client_select_finish (f->client, _wait (&inbox), &error);
    g_assert_no_error (error);
  }
  accord_imap_client_delete_async (f->client, f->folder, NULL, accord_test_result_cb, &deleted);
  accord_imap_client_delete_finish (f->client, _wait (&deleted), &error);
  g_assert_no_error (error);
  _create_folder (f, f->folder);
  for (guint i = messages->len; i > 0; i--)
    {
      AccordImapMessage *message = g_ptr_array_index (messages, i - 1);
      g_autoptr(GAsyncResult) appended = NULL;

      accord_imap_client_append_async (f->client, f->folder, (const char * const *) message->flags,
                                       message->internaldate, message->body, NULL,
                                       accord_test_result_cb, &appended);
      accord_imap_client_append_finish (f->client, _wait (&appended), NULL, &error);
      g_assert_no_error (error);
    }
  _append (f, f->folder, 500, NULL);

  /* Matched by Message-ID: only the new one comes down, nothing goes up. */
  stats = _sync (f, &second);
  g_assert_cmpuint (stats->fetched, ==, 1);
  g_assert_cmpuint (stats->uploaded, ==, 0);
  g_assert_cmpuint (stats->deleted_here, ==, 0);
  _assert_same (f);
}

static void
test_local_move (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(AccordImapSync) first = NULL;
  g_autoptr(AccordImapSync) second = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) moving = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_change_free);
  g_autofree char *archive = g_strdup_printf ("%s-archive", f->folder);
  g_autofree char *there = NULL;
  g_autofree char *here = NULL;
  g_autoptr(GError) error = NULL;
  const AccordImapSyncStats *stats;

  _seed (f, 6);
  _create_folder (f, archive);
  _sync (f, &first);

  /* Two messages filed into another folder here (mutt's "save", aerc's "move"). */
  files = accord_maildir_scan (f->maildir, f->folder, ACCORD_MAILDIR_SCAN_NONE, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    g_ptr_array_add (moving, accord_maildir_change_new (((AccordMaildirMessage *) files->pdata[i])->filename, NULL));
  accord_maildir_move_messages (f->maildir, f->folder, moving, archive, NULL, &error);
  g_assert_no_error (error);

  /* Moved on the server too, with MOVE: nothing uploaded, nothing deleted. Without
   * UIDPLUS, which names the moved messages' new UIDs, uploaded and deleted instead. */
  stats = _sync (f, &second);
  if (g_strcmp0 (g_getenv ("ACCORD_TEST_IMAP_CONDSTORE"), "0") != 0)
    {
      g_assert_cmpuint (stats->moved, ==, 2);
      g_assert_cmpuint (stats->uploaded, ==, 0);
      g_assert_cmpuint (stats->deleted_there, ==, 0);
    }
  else
    {
      g_assert_cmpuint (stats->moved, ==, 0);
      g_assert_cmpuint (stats->uploaded, ==, 2);
      g_assert_cmpuint (stats->deleted_there, ==, 2);
    }
  _assert_same (f);
  there = _remote_digest (archive);
  here = _local_digest (f, archive);
  g_assert_cmpstr (here, ==, there);
  g_assert_cmpuint (strlen (here), >, 0);
}

static void
_rename_folder (Fixture    *f,
                const char *folder,
                const char *to)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  accord_imap_client_rename_async (f->client, folder, to, NULL, accord_test_result_cb, &result);
  accord_imap_client_rename_finish (f->client, _wait (&result), &error);
  g_assert_no_error (error);
}

static gboolean
_exists_there (Fixture    *f,
               const char *folder)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GError) error = NULL;

  accord_imap_client_list_async (f->client, NULL, accord_test_result_cb, &result);
  folders = accord_imap_client_list_finish (f->client, _wait (&result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < folders->len; i++)
    if (g_str_equal (((AccordImapFolder *) g_ptr_array_index (folders, i))->name, folder))
      return TRUE;
  return FALSE;
}

static gboolean
_exists_here (Fixture    *f,
              const char *folder)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) local = accord_maildir_list_folders (f->maildir, NULL, &error);

  g_assert_no_error (error);
  return g_strv_contains ((const char * const *) local, folder);
}

/* A folder renamed on one side is renamed on the other, its messages with it: nothing
 * comes down, goes up or is deleted. A rename found done on both sides but not
 * recorded (a kill between the two steps) is recorded. */
static void
test_folder_renames (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *a = g_strdup_printf ("%s-a", f->folder);
  g_autofree char *a_there = g_strdup_printf ("%s-a-renamed-there", f->folder);
  g_autofree char *b = g_strdup_printf ("%s-b", f->folder);
  g_autofree char *b_here = g_strdup_printf ("%s-b-renamed-here", f->folder);
  g_autofree char *both = g_strdup_printf ("%s-a-renamed-both", f->folder);
  g_autofree char *journalled = g_strdup_printf ("%s-b-journalled", f->folder);
  g_autoptr(AccordImapSync) first = NULL;
  g_autoptr(AccordImapSync) second = NULL;
  g_autoptr(AccordImapSync) third = NULL;
  g_autoptr(AccordImapSync) fourth = NULL;
  g_autoptr(AccordImapSync) fifth = NULL;
  g_autoptr(GError) error = NULL;
  const AccordImapSyncStats *stats;

  _create_folder (f, a);
  _create_folder (f, b);
  for (guint i = 0; i < 5; i++)
    {
      _append (f, a, i, i % 2 ? "\\Seen" : NULL);
      _append (f, b, i, NULL);
    }
  _sync (f, &first);

  _rename_folder (f, a, a_there);
  accord_maildir_rename_folder (f->maildir, b, b_here, NULL, &error);
  g_assert_no_error (error);

  stats = _sync (f, &second);
  g_assert_cmpuint (stats->folders_renamed, ==, 2);
  g_assert_cmpuint (stats->fetched + stats->uploaded, ==, 0);
  g_assert_cmpuint (stats->deleted_here + stats->deleted_there, ==, 0);
  g_assert_cmpuint (stats->folders_failed, ==, 0);
  g_assert_true (_exists_here (f, a_there));
  g_assert_false (_exists_here (f, a));
  g_assert_true (_exists_there (f, b_here));
  g_assert_false (_exists_there (f, b));
  _assert_same_folder (f, a_there);
  _assert_same_folder (f, b_here);

  /* Renamed on both sides, as a kill between renaming and recording would leave it. */
  _rename_folder (f, a_there, both);
  accord_maildir_rename_folder (f->maildir, a_there, both, NULL, &error);
  g_assert_no_error (error);
  stats = _sync (f, &third);
  g_assert_cmpuint (stats->folders_renamed, ==, 1);
  g_assert_cmpuint (stats->fetched + stats->uploaded, ==, 0);
  _assert_same_folder (f, both);

  stats = _sync (f, &fourth);
  g_assert_cmpuint (stats->folders_renamed + stats->fetched + stats->uploaded, ==, 0);

  /* Renamed here and sent with RENAME, killed before the record: the journal says. */
  {
    g_autofree char *path = g_build_filename (f->dir, "state.sqlite", NULL);
    g_autofree char *payload = g_strdup_printf ("%s\t%s", b_here, journalled);
    g_autoptr(AccordSyncState) state = accord_sync_state_open (path, NULL, &error);
    g_autoptr(AccordStateFolder) folder = NULL;
    g_autoptr(GPtrArray) intents = NULL;

    g_assert_no_error (error);
    folder = accord_sync_state_lookup_folder (state, b_here, &error);
    g_assert_no_error (error);
    accord_sync_state_add_intent (state, "rename", folder->id, payload, &error);
    g_assert_no_error (error);
    accord_maildir_rename_folder (f->maildir, b_here, journalled, NULL, &error);
    g_assert_no_error (error);
    _rename_folder (f, b_here, journalled);

    stats = _sync (f, &fifth);
    g_assert_cmpuint (stats->folders_renamed, ==, 1);
    g_assert_cmpuint (stats->fetched + stats->uploaded + stats->deleted_here + stats->deleted_there, ==, 0);
    _assert_same_folder (f, journalled);
    intents = accord_sync_state_list_intents (state, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (intents->len, ==, 0);
    accord_sync_state_close (state);
  }

  _delete_folder (f, both);
  _delete_folder (f, journalled);
}

/* Messages moved on the server from one folder to another leave the first here and
 * arrive in the second: none lost, none left twice. */
static void
test_server_move (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *archive = g_strdup_printf ("%s-filed", f->folder);
  g_autoptr(AccordImapSync) first = NULL;
  g_autoptr(AccordImapSync) second = NULL;
  g_autoptr(GAsyncResult) moved = NULL;
  g_autoptr(GError) error = NULL;
  const AccordImapSyncStats *stats;

  _seed (f, 6);
  _create_folder (f, archive);
  _sync (f, &first);

  _select (f);
  accord_imap_client_move_async (f->client, "1:2", archive, NULL, accord_test_result_cb, &moved);
  accord_imap_client_move_finish (f->client, _wait (&moved), &error);
  g_assert_no_error (error);

  stats = _sync (f, &second);
  g_assert_cmpuint (stats->deleted_here, ==, 2);
  g_assert_cmpuint (stats->fetched, ==, 2);
  g_assert_cmpuint (stats->uploaded + stats->deleted_there, ==, 0);
  _assert_same (f);
  _assert_same_folder (f, archive);

  _delete_folder (f, archive);
}

/* The background service's wait: a message arriving in a folder other than the Inbox
 * ends it where the server offers NOTIFY; without, the wait runs its time. */
static void
test_wait_for_change (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(AccordImapSync) sync = accord_imap_sync_new (f->account, _env ("ACCORD_TEST_PASSWORD2"));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean notify = accord_imap_client_has_capability (f->client, "NOTIFY");
  gint64 start = g_get_monotonic_time ();
  gboolean changed;
  guint n = 0;

  accord_imap_sync_wait_async (sync, notify ? 60 : 3, NULL, accord_test_result_cb, &result);
  /* Until the wait reports it: the first may come before the wait listens. */
  while (result == NULL)
    {
      if (g_get_monotonic_time () - start > (gint64) (n + 1) * G_USEC_PER_SEC / 2 && n < 20)
        _append (f, f->folder, 700 + n++, NULL);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  changed = accord_imap_sync_wait_finish (sync, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (changed, ==, notify);
  g_assert_cmpuint (n, >, 0);
}

static void
test_folders (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(AccordImapSync) first = NULL;
  g_autoptr(AccordImapSync) second = NULL;
  g_autoptr(AccordImapSync) third = NULL;
  g_autoptr(GPtrArray) deliveries = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_delivery_free);
  g_autofree char *there = g_strdup_printf ("%s-there", f->folder);
  g_autofree char *here = g_strdup_printf ("%s-here", f->folder);
  g_autofree char *digest = NULL;
  g_autofree char *here_digest = NULL;
  g_auto(GStrv) local = NULL;
  g_autoptr(GAsyncResult) deleted = NULL;
  g_autoptr(GError) error = NULL;

  _sync (f, &first);

  /* A folder made on the server, and one made here with a message in it. */
  _create_folder (f, there);
  accord_maildir_ensure_folder (f->maildir, here, NULL, &error);
  g_assert_no_error (error);
  g_ptr_array_add (deliveries, accord_maildir_delivery_new (_message ("here", 1, 800), "S", 0, NULL));
  accord_maildir_deliver (f->maildir, here, deliveries, NULL, &error);
  g_assert_no_error (error);

  _sync (f, &second);
  local = accord_maildir_list_folders (f->maildir, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char * const *) local, there));
  digest = _remote_digest (here);
  here_digest = _local_digest (f, here);
  g_assert_cmpstr (digest, ==, here_digest);
  g_assert_cmpstr (digest, !=, "");

  /* Removed on the server while empty: removed here too. */
  accord_imap_client_delete_async (f->client, there, NULL, accord_test_result_cb, &deleted);
  accord_imap_client_delete_finish (f->client, _wait (&deleted), &error);
  g_assert_no_error (error);
  _sync (f, &third);
  g_clear_pointer (&local, g_strfreev);
  local = accord_maildir_list_folders (f->maildir, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_strv_contains ((const char * const *) local, there));
  g_assert_true (g_strv_contains ((const char * const *) local, here));
}

/* A relay to the server that cuts the connection after @down bytes from the server or
 * @up bytes to it; returns its port. */
static guint16
_start_cut_relay (guint         down,
                  guint         up,
                  GSubprocess **relay)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "servers", "cut-relay.py", NULL);
  g_autofree char *port_text = NULL;
  g_autofree char *down_text = g_strdup_printf ("%u", down);
  g_autofree char *up_text = g_strdup_printf ("%u", up);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  guint16 port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  address = g_inet_socket_address_new (loopback, 0);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  port_text = g_strdup_printf ("%u", port);
  *relay = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "/usr/bin/python3", script,
                             port_text, _env ("ACCORD_TEST_IMAPS_PORT"), down_text, up_text, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (*relay));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "ready");

  return port;
}

static const AccordImapSyncStats *
_sync_through (Fixture         *f,
               guint16          port,
               AccordImapSync **keep,
               GError         **error)
{
  g_autoptr(AccordImapSync) sync = NULL;
  g_autofree char *root = g_build_filename (f->dir, "mail", NULL);
  g_autofree char *state = g_build_filename (f->dir, "state.sqlite", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  AccordServiceConfig *in = accord_account_get_service (f->account, ACCORD_SERVICE_MAIL_IN);
  guint16 direct = in->port;

  in->port = port;
  sync = accord_imap_sync_new (f->account, _env ("ACCORD_TEST_PASSWORD2"));
  accord_imap_sync_set_paths (sync, root, state);
  accord_imap_sync_run_async (sync, NULL, accord_test_result_cb, &result);
  accord_imap_sync_run_finish (sync, _wait (&result), error);
  in->port = direct;

  *keep = g_steal_pointer (&sync);
  return accord_imap_sync_get_stats (*keep);
}

static void
test_connection_cut (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(AccordImapSync) cut_down = NULL;
  g_autoptr(AccordImapSync) resumed = NULL;
  g_autoptr(AccordImapSync) cut_up = NULL;
  g_autoptr(AccordImapSync) finished = NULL;
  g_autoptr(GSubprocess) relay = NULL;
  g_autoptr(GPtrArray) deliveries = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_delivery_free);
  g_autoptr(GError) error = NULL;
  guint16 port;

  /* Cut in the middle of downloading: the sync fails, the next one resumes. */
  _seed (f, 150);
  port = _start_cut_relay (300 * 1024, 0, &relay);
  _sync_through (f, port, &cut_down, &error);
  g_assert_nonnull (error);
  g_test_message ("cut while downloading: %s", error->message);
  g_clear_error (&error);
  g_subprocess_force_exit (relay);
  g_clear_object (&relay);
  _sync (f, &resumed);
  _assert_same (f);

  /* Cut in the middle of uploading: nothing is doubled on the server. */
  for (guint i = 0; i < 40; i++)
    g_ptr_array_add (deliveries, accord_maildir_delivery_new (_message ("cut-up", i, 20000), "S", 0, NULL));
  accord_maildir_deliver (f->maildir, f->folder, deliveries, NULL, &error);
  g_assert_no_error (error);
  port = _start_cut_relay (0, 250 * 1024, &relay);
  _sync_through (f, port, &cut_up, &error);
  g_assert_nonnull (error);
  g_test_message ("cut while uploading: %s", error->message);
  g_clear_error (&error);
  g_subprocess_force_exit (relay);
  _sync (f, &finished);
  _assert_same (f);
}

/* Crash safety: accordctl sync killed with SIGKILL at many points. */

static gboolean
_set_true_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static int
_accordctl (Fixture     *f,
            const char  *stdin_text,
            guint        kill_after_ms,
            const char  *first,
            ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                        G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *config = g_build_filename (f->dir, "config", NULL);
  g_autofree char *data = g_build_filename (f->dir, "data", NULL);
  GOutputStream *in;
  va_list ap;

  g_ptr_array_add (args, (char *) _env ("ACCORDCTL"));
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);

  in = g_subprocess_get_stdin_pipe (process);
  if (stdin_text != NULL)
    g_output_stream_write_all (in, stdin_text, strlen (stdin_text), NULL, NULL, NULL);
  g_output_stream_close (in, NULL, NULL);

  if (kill_after_ms > 0)
    {
      g_autoptr(GAsyncResult) exited = NULL;
      gboolean late = FALSE;
      guint timer = g_timeout_add (kill_after_ms, _set_true_cb, &late);

      /* Killed at the given moment, unless it finished before. */
      g_subprocess_wait_async (process, NULL, accord_test_result_cb, &exited);
      while (exited == NULL && !late)
        g_main_context_iteration (NULL, TRUE);
      if (exited == NULL)
        {
          g_subprocess_force_exit (process);
          _wait (&exited);
          return -1;
        }
      /* It ended first; the timer may have fired in the same turn of the loop. */
      if (!late)
        g_source_remove (timer);
      return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
    }

  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (process);
}

/* Runs accordctl sync --once, killed with SIGKILL after @after_ms unless it ended
 * before; returns -1 when it was killed, else its exit status. */
static int
_sync_run (Fixture *f,
           guint    after_ms)
{
  g_autofree char *password = g_strdup_printf ("%s\n", _env ("ACCORD_TEST_PASSWORD2"));

  return _accordctl (f, password, after_ms, "sync", "--once", "--password-stdin",
                     "bob-example-test", NULL);
}

/* Kills runs at random moments within @window_ms, at most @budget times, then lets
 * one get through; counts the kills. The window becomes the time the run that got
 * through took, so that the next kills land while there is work under way. */
static void
_kill_until_done (Fixture *f,
                  GRand   *rand,
                  guint   *window_ms,
                  guint    budget,
                  guint   *kills)
{
  for (guint attempt = 0; attempt <= budget; attempt++)
    {
      gint64 start = g_get_monotonic_time ();
      int status = _sync_run (f, attempt < budget ? (guint) g_rand_int_range (rand, 5, *window_ms) : 0);

      if (status == -1)
        {
          (*kills)++;
          continue;
        }
      g_assert_cmpint (status, ==, 0);
      *window_ms = MAX (20, (g_get_monotonic_time () - start) / 1000);
      return;
    }
}

static void
_local_two_way_changes (Fixture *f,
                        guint    round)
{
  g_autoptr(GPtrArray) deliveries = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_delivery_free);
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) flags = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_change_free);
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_change_free);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 20; i++)
    g_ptr_array_add (deliveries, accord_maildir_delivery_new (_message ("crash-local", round * 100 + i, 1500),
                                                              i % 2 ? "S" : NULL, 0, NULL));
  accord_maildir_deliver (f->maildir, f->folder, deliveries, NULL, &error);
  g_assert_no_error (error);

  files = accord_maildir_scan (f->maildir, f->folder, ACCORD_MAILDIR_SCAN_NONE, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < files->len; i++)
    {
      AccordMaildirMessage *file = g_ptr_array_index (files, i);

      if (file->uid == 0)
        continue;
      if ((file->uid + round) % 41 == 0)
        g_ptr_array_add (gone, accord_maildir_change_new (file->filename, NULL));
      else if ((file->uid + round) % 7 == 0)
        g_ptr_array_add (flags, accord_maildir_change_new (file->filename, round % 2 ? "FS" : "R"));
    }
  accord_maildir_set_flags (f->maildir, f->folder, flags, NULL, &error);
  g_assert_no_error (error);
  accord_maildir_remove_messages (f->maildir, f->folder, gone, NULL, &error);
  g_assert_no_error (error);
}

static void
_server_changes (Fixture *f,
                 guint    round)
{
  g_autofree char *flag_set = g_strdup_printf ("%u:%u", 1 + round * 30, 60 + round * 30);
  g_autofree char *gone = g_strdup_printf ("%u:%u", 200 + round * 10, 205 + round * 10);

  _select (f);
  for (guint i = 0; i < 25; i++)
    _append (f, f->folder, 2000 + round * 100 + i, i % 3 ? NULL : "\\Seen");
  _store (f, flag_set, round % 2 == 0, "\\Answered");
  _expunge (f, gone);
}

/* accordctl status --json in the test's scratch home, parsed. */
static JsonNode *
_status (Fixture *f)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *config = g_build_filename (f->dir, "config", NULL);
  g_autofree char *data = g_build_filename (f->dir, "data", NULL);
  g_autofree char *out = NULL;

  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, _env ("ACCORDCTL"), "status", "--json", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);

  return json_node_copy (json_parser_get_root (parser));
}

static void
_assert_status (Fixture *f)
{
  g_autoptr(JsonNode) root = _status (f);
  JsonObject *account;
  JsonArray *folders;
  gboolean seen = FALSE;

  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 1);
  account = json_array_get_object_element (json_node_get_array (root), 0);
  g_assert_cmpstr (json_object_get_string_member (account, "account"), ==, "bob-example-test");
  g_assert_true (json_object_get_boolean_member (account, "synced"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (account, "decisions")), ==, 0);

  folders = json_object_get_array_member (account, "folders");
  for (guint i = 0; i < json_array_get_length (folders); i++)
    {
      JsonObject *folder = json_array_get_object_element (folders, i);
      g_autoptr(GPtrArray) files = NULL;

      if (!g_str_equal (json_object_get_string_member (folder, "name"), f->folder))
        continue;
      seen = TRUE;
      files = accord_maildir_scan (f->maildir, f->folder, ACCORD_MAILDIR_SCAN_NONE, NULL, NULL);
      g_assert_cmpint (json_object_get_int_member (folder, "messages"), ==, files->len);
      g_assert_true (json_object_get_null_member (folder, "error"));
      g_assert_nonnull (json_object_get_string_member (folder, "last_sync"));
    }
  g_assert_true (seen);
}

static void
test_crash_safety (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *mail = g_build_filename (f->dir, "data", "accord", "bob-example-test", "mail", NULL);
  g_autofree char *fingerprint = accord_test_server_fingerprint ();
  g_autofree char *imap = g_strdup_printf ("%s:%s", _env ("ACCORD_TEST_HOST"), _env ("ACCORD_TEST_IMAPS_PORT"));
  GRand *rand = g_rand_new_with_seed (20261129);
  guint initial_kills = 0;
  guint kills = 0;
  /* Short enough that the initial sync never gets through before its kills run out:
   * each run gets a little further before it is killed. */
  guint window_ms = 120;

  g_assert_cmpint (_accordctl (f, NULL, 0, "accounts", "add", "--address", _env ("ACCORD_TEST_EMAIL2"),
                               "--username", _env ("ACCORD_TEST_USER2"), "--imap", imap,
                               "--security", "tls", "--pinned-certificate", fingerprint, NULL), ==, 0);
  g_clear_object (&f->maildir);
  f->maildir = accord_maildir_new (mail);

  /* The initial sync, killed at random moments until a run gets through. */
  _seed (f, 1200);
  _kill_until_done (f, rand, &window_ms, 25, &initial_kills);
  g_test_message ("initial sync: %u kills", initial_kills);
  g_assert_cmpuint (initial_kills, >=, 10);
  kills = initial_kills;

  /* Changes on both sides at once, synced with kills, round after round. */
  for (guint round = 0; round < 15 && kills < 60; round++)
    {
      _server_changes (f, round);
      _local_two_way_changes (f, round);
      _kill_until_done (f, rand, &window_ms, 10, &kills);
    }

  g_test_message ("%u kills in all", kills);
  g_assert_cmpuint (kills, >=, 50);
  g_assert_cmpint (_sync_run (f, 0), ==, 0);
  _assert_same (f);
  /* accordctl status tells the same story. */
  _assert_status (f);
  g_rand_free (rand);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;

  g_test_init (&argc, &argv, NULL);
  database = g_tls_file_database_new (_env ("ACCORD_TEST_CA_FILE"), &error);
  g_assert_no_error (error);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/imap-sync/server-capabilities", test_server_capabilities);
  ADD ("/imap-sync/initial-and-no-op", test_initial_and_no_op);
  ADD ("/imap-sync/server-changes", test_server_changes);
  ADD ("/imap-sync/many-folders", test_many_folders);
  ADD ("/imap-sync/synced-again", test_synced_again);
  ADD ("/imap-sync/stale-capabilities", test_stale_capabilities);
  ADD ("/imap-sync/local-changes", test_local_changes);
  ADD ("/imap-sync/upload-without-message-id", test_upload_without_message_id);
  ADD ("/imap-sync/flags-both-sides", test_flags_both_sides);
  ADD ("/imap-sync/deletion-guard", test_deletion_guard);
  ADD ("/imap-sync/deletion-answers", test_deletion_answers);
  ADD ("/imap-sync/server-move", test_server_move);
  ADD ("/imap-sync/wait-for-change", test_wait_for_change);
  ADD ("/imap-sync/folders", test_folders);
  ADD ("/imap-sync/folder-renames", test_folder_renames);
  ADD ("/imap-sync/local-move", test_local_move);
  ADD ("/imap-sync/uidvalidity", test_uidvalidity);
  ADD ("/imap-sync/connection-cut", test_connection_cut);
  ADD ("/imap-sync/crash-safety", test_crash_safety);
#undef ADD

  return g_test_run ();
}
