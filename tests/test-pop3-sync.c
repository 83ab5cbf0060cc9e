/* test-pop3-sync.c
 *
 * POP3 → Maildir against the harness's Dovecot: the initial download (byte for byte)
 * and a run with nothing new, over implicit TLS and over STLS with a pinned
 * certificate; each policy for the server's copies; the guard against deleting on the
 * server what vanished here all at once; a server without UIDL; and SIGKILL at many
 * points of downloading and deleting, after which every server message is here
 * exactly once.
 *
 * Runs under tests/servers/accord-test-servers --dovecot, and skips without it. The
 * crash test runs this binary again in a helper mode (--sync-helper) and kills it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "accord-maildir.h"
#include "accord-pop3-client.h"
#include "accord-pop3-sync.h"
#include "accord-sync-state.h"
#include "accord-test-utils.h"

#define TIMEOUT 20

static GTlsDatabase *database;

typedef struct
{
  char          *dir;
  char          *root;
  char          *state_path;
  AccordAccount *account;
  AccordMaildir *maildir;
  GPtrArray     *seeded;   /* the SHA-256 of every message put on the server */
} Fixture;

/* --- environment -------------------------------------------------------------------- */

static gboolean
_have_dovecot (void)
{
  const char * const names[] = { "ACCORD_TEST_HOST", "ACCORD_TEST_CA_FILE", "ACCORD_TEST_USER",
                                  "ACCORD_TEST_PASSWORD", "ACCORD_TEST_POP3_PORT",
                                  "ACCORD_TEST_POP3S_PORT", "ACCORD_TEST_MAILDIR_ROOT",
                                  "ACCORD_TEST_SERVERS_DIR", NULL };

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

static AccordAccount *
_account (gboolean stls)
{
  AccordAccount *account = accord_account_new ("alice-example-test", "alice@example.test");
  g_autoptr(AccordServiceConfig) in = accord_service_config_new (ACCORD_PROTOCOL_POP3);

  in->host = g_strdup (g_getenv ("ACCORD_TEST_HOST"));
  in->port = accord_test_env_port (stls ? "ACCORD_TEST_POP3_PORT" : "ACCORD_TEST_POP3S_PORT");
  in->security = stls ? ACCORD_SECURITY_STARTTLS : ACCORD_SECURITY_TLS;
  in->username = g_strdup (g_getenv ("ACCORD_TEST_USER"));
  if (stls)
    in->pinned_certificate = accord_test_server_fingerprint ();
  accord_account_set_service (account, ACCORD_SERVICE_MAIL_IN, in);

  return account;
}

/* --- the server's side ---------------------------------------------------------------- */

static AccordPop3Client *
_connect (void)
{
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GAsyncResult) logged_in = NULL;
  g_autoptr(GError) error = NULL;
  AccordPop3Client *client;

  accord_pop3_client_connect_async (g_getenv ("ACCORD_TEST_HOST"),
                                    accord_test_env_port ("ACCORD_TEST_POP3S_PORT"), ACCORD_SECURITY_TLS,
                                    NULL, database, TIMEOUT, NULL, accord_test_result_cb,
                                    &connected);
  client = accord_pop3_client_connect_finish (accord_test_wait_result (&connected), &error);
  g_assert_no_error (error);
  accord_pop3_client_login_async (client, g_getenv ("ACCORD_TEST_USER"),
                                  g_getenv ("ACCORD_TEST_PASSWORD"), NULL,
                                  accord_test_result_cb, &logged_in);
  accord_pop3_client_login_finish (client, accord_test_wait_result (&logged_in), &error);
  g_assert_no_error (error);

  return client;
}

static void
_quit (AccordPop3Client *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  accord_pop3_client_quit_async (client, NULL, accord_test_result_cb, &result);
  accord_pop3_client_quit_finish (client, accord_test_wait_result (&result), &error);
  g_assert_no_error (error);
}

static GArray *
_list (AccordPop3Client *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GArray *sizes;

  accord_pop3_client_list_async (client, NULL, accord_test_result_cb, &result);
  sizes = accord_pop3_client_list_finish (client, accord_test_wait_result (&result), &error);
  g_assert_no_error (error);

  return sizes;
}

static int
_compare_strings (gconstpointer a,
                  gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

/* The hashes, sorted, one a line: equal digests mean the same messages, each as often. */
static char *
_join_sorted (GPtrArray *hashes)
{
  g_autoptr(GPtrArray) copy = g_ptr_array_sized_new (hashes->len + 1);

  for (guint i = 0; i < hashes->len; i++)
    g_ptr_array_add (copy, g_ptr_array_index (hashes, i));
  g_ptr_array_sort (copy, _compare_strings);
  g_ptr_array_add (copy, NULL);
  return g_strjoinv ("\n", (char **) copy->pdata);
}

static char *
_server_digest (void)
{
  g_autoptr(AccordPop3Client) client = _connect ();
  g_autoptr(GArray) sizes = _list (client);
  g_autoptr(GPtrArray) hashes = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < sizes->len; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) message = NULL;

      accord_pop3_client_retr_async (client, g_array_index (sizes, AccordPop3Size, i).number,
                                     NULL, accord_test_result_cb, &result);
      message = accord_pop3_client_retr_finish (client, accord_test_wait_result (&result),
                                                &error);
      g_assert_no_error (error);
      g_ptr_array_add (hashes, g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, message));
    }
  _quit (client);

  return _join_sorted (hashes);
}

static guint
_server_count (void)
{
  g_autoptr(AccordPop3Client) client = _connect ();
  g_autoptr(GArray) sizes = _list (client);

  _quit (client);
  return sizes->len;
}

/* Empties Alice's mailbox, the harness's welcome message included. */
static void
_clear_server (void)
{
  g_autoptr(AccordPop3Client) client = _connect ();
  g_autoptr(GArray) sizes = _list (client);

  for (guint i = 0; i < sizes->len; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      accord_pop3_client_dele_async (client, g_array_index (sizes, AccordPop3Size, i).number,
                                     NULL, accord_test_result_cb, &result);
      accord_pop3_client_dele_finish (client, accord_test_wait_result (&result), &error);
      g_assert_no_error (error);
    }
  _quit (client);
}

/* A message with CRLF line ends, a dot-stuffed line, 8-bit text and a body of about
 * @size bytes, different from every other. */
static GBytes *
_message (const char *tag,
          guint       n,
          gsize       size)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "From: Bob <bob@example.test>\r\nTo: alice@example.test\r\n"
                                "Subject: %s %u\r\nMessage-ID: <pop3-%s-%u-%08x@example.test>\r\n"
                                "Date: Sun, 29 Nov 2026 10:00:00 +0000\r\n"
                                "Content-Type: text/plain; charset=utf-8\r\n"
                                "Content-Transfer-Encoding: 8bit\r\n\r\n"
                                "Grüße, message %u.\r\n.a line that starts with a dot\r\n",
                          tag, n, tag, n, g_random_int (), n);
  while (text->len < size)
    g_string_append_printf (text, "Line %u of message %u (%s).\r\n", (guint) text->len, n, tag);

  return g_string_free_to_bytes (text);
}

/* Puts a message into Alice's maildir as a delivery agent would. */
static void
_seed (Fixture *f,
       GBytes  *message)
{
  static guint counter;
  g_autofree char *maildir = g_build_filename (g_getenv ("ACCORD_TEST_MAILDIR_ROOT"),
                                               g_getenv ("ACCORD_TEST_USER"), NULL);
  g_autofree char *name = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *dest = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  name = g_strdup_printf ("%" G_GINT64_FORMAT ".M%uP%d.accord-pop3-sync",
                          g_get_real_time () / G_USEC_PER_SEC, ++counter, (int) getpid ());
  tmp = g_build_filename (maildir, "tmp", name, NULL);
  dest = g_build_filename (maildir, "new", name, NULL);

  g_file_set_contents (tmp, g_bytes_get_data (message, NULL), g_bytes_get_size (message), &error);
  g_assert_no_error (error);
  /* Dovecot reads the maildir as its owner, nobody when the tests run as root. */
  g_assert_cmpint (g_stat (maildir, &st), ==, 0);
  if (getuid () == 0)
    g_assert_cmpint (chown (tmp, st.st_uid, st.st_gid), ==, 0);
  g_assert_cmpint (g_rename (tmp, dest), ==, 0);

  g_ptr_array_add (f->seeded, g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, message));
}

static void
_seed_many (Fixture    *f,
            const char *tag,
            guint       count)
{
  for (guint i = 0; i < count; i++)
    {
      g_autoptr(GBytes) message = _message (tag, i, 300 + (i * 7919) % 40000);

      _seed (f, message);
    }
}

/* --- the local side ----------------------------------------------------------------- */

static GPtrArray *
_local_files (Fixture    *f,
              const char *folder)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *files = accord_maildir_scan (f->maildir, folder, ACCORD_MAILDIR_SCAN_NONE, NULL,
                                          &error);

  g_assert_no_error (error);
  return files;
}

/* Every message in every local folder. */
static char *
_local_digest (Fixture *f)
{
  g_autoptr(GPtrArray) hashes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) folders = accord_maildir_list_folders (f->maildir, NULL, &error);

  g_assert_no_error (error);
  for (guint i = 0; folders[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) files = _local_files (f, folders[i]);

      for (guint j = 0; j < files->len; j++)
        {
          AccordMaildirMessage *file = g_ptr_array_index (files, j);
          g_autoptr(GBytes) body = accord_maildir_read_message (f->maildir, folders[i],
                                                                file->filename, NULL, &error);

          g_assert_no_error (error);
          g_ptr_array_add (hashes, g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body));
        }
    }

  return _join_sorted (hashes);
}

static void
_remove_local (Fixture    *f,
               GPtrArray  *files,
               guint       first,
               guint       count)
{
  g_autoptr(GPtrArray) changes =
    g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_change_free);
  g_autoptr(GError) error = NULL;

  for (guint i = first; i < first + count; i++)
    {
      AccordMaildirMessage *file = g_ptr_array_index (files, i);

      g_ptr_array_add (changes, accord_maildir_change_new (file->filename, NULL));
    }
  accord_maildir_remove_messages (f->maildir, "INBOX", changes, NULL, &error);
  g_assert_no_error (error);
}

static AccordSyncState *
_open_state (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  AccordSyncState *state = accord_sync_state_open (f->state_path, NULL, &error);

  g_assert_no_error (error);
  return state;
}

/* --- running the sync --------------------------------------------------------------- */

static gboolean
_run (AccordAccount        *account,
      const char           *root,
      const char           *state_path,
      AccordPop3Policy      policy,
      guint                 days,
      guint                 threshold,
      AccordPop3SyncStats  *stats,
      GError              **error)
{
  g_autoptr(AccordPop3Sync) sync = accord_pop3_sync_new (account,
                                                         g_getenv ("ACCORD_TEST_PASSWORD"));
  g_autoptr(GAsyncResult) result = NULL;
  AccordServiceConfig *in = accord_account_get_service (account, ACCORD_SERVICE_MAIL_IN);
  gboolean ok;

  accord_pop3_sync_set_paths (sync, root, state_path);
  /* A pinned certificate is trusted on its own, without the harness's CA. */
  accord_pop3_sync_set_tls_database (sync, in->pinned_certificate == NULL ? database : NULL);
  accord_pop3_sync_set_policy (sync, policy, days);
  accord_pop3_sync_set_deletion_threshold (sync, threshold);
  accord_pop3_sync_run_async (sync, NULL, accord_test_result_cb, &result);
  ok = accord_pop3_sync_run_finish (sync, accord_test_wait_result (&result), error);
  if (stats != NULL)
    *stats = *accord_pop3_sync_get_stats (sync);

  return ok;
}

static AccordPop3SyncStats
_sync (Fixture          *f,
       AccordPop3Policy  policy,
       guint             days)
{
  AccordPop3SyncStats stats;
  g_autoptr(GError) error = NULL;

  _run (f->account, f->root, f->state_path, policy, days, 0, &stats, &error);
  g_assert_no_error (error);

  return stats;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = accord_test_make_tmp_dir ();
  f->root = g_build_filename (f->dir, "mail", NULL);
  f->state_path = g_build_filename (f->dir, "state.sqlite", NULL);
  f->maildir = accord_maildir_new (f->root);
  f->seeded = g_ptr_array_new_with_free_func (g_free);
  if (!_have_dovecot ())
    return;

  f->account = _account (data != NULL);
  _clear_server ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->maildir);
  g_clear_object (&f->account);
  g_clear_pointer (&f->seeded, g_ptr_array_unref);
  accord_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->root);
  g_free (f->state_path);
}

/* --- tests ---------------------------------------------------------------------------- */

static void
test_initial_and_no_op (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *seeded = NULL;
  g_autofree char *here = NULL;
  g_autofree char *there = NULL;
  AccordPop3SyncStats stats;

  REQUIRE_DOVECOT ();

  _seed_many (f, data != NULL ? "stls" : "tls", 30);
  stats = _sync (f, ACCORD_POP3_POLICY_LEAVE, 0);
  g_assert_cmpuint (stats.listed, ==, 30);
  g_assert_cmpuint (stats.fetched, ==, 30);
  g_assert_cmpuint (stats.deleted_on_server, ==, 0);

  /* Byte for byte what was delivered to the server, in INBOX/new, which the server
   * still has. */
  seeded = _join_sorted (f->seeded);
  here = _local_digest (f);
  there = _server_digest ();
  g_assert_cmpstr (here, ==, seeded);
  g_assert_cmpstr (there, ==, seeded);
  files = _local_files (f, "INBOX");
  for (guint i = 0; i < files->len; i++)
    g_assert_true (((AccordMaildirMessage *) files->pdata[i])->is_new);

  stats = _sync (f, ACCORD_POP3_POLICY_LEAVE, 0);
  g_assert_cmpuint (stats.fetched, ==, 0);
  g_assert_cmpuint (stats.recovered, ==, 0);

  /* Deleted here, left there: not downloaded again. */
  _remove_local (f, files, 0, 3);
  stats = _sync (f, ACCORD_POP3_POLICY_LEAVE, 0);
  g_assert_cmpuint (stats.fetched, ==, 0);
  g_assert_cmpuint (stats.deleted_on_server, ==, 0);
  g_assert_cmpuint (_server_count (), ==, 30);
  g_clear_pointer (&files, g_ptr_array_unref);
  files = _local_files (f, "INBOX");
  g_assert_cmpuint (files->len, ==, 27);
}

static void
test_delete_after_days (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(AccordSyncState) state = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *seeded = NULL;
  g_autofree char *here = NULL;
  AccordPop3SyncStats stats;
  gint64 long_ago = g_get_real_time () / G_USEC_PER_SEC - 4 * 24 * 60 * 60;

  REQUIRE_DOVECOT ();

  _seed_many (f, "days", 5);
  stats = _sync (f, ACCORD_POP3_POLICY_DELETE_AFTER_DAYS, 3);
  g_assert_cmpuint (stats.fetched, ==, 5);
  g_assert_cmpuint (stats.deleted_on_server, ==, 0);
  g_assert_cmpuint (_server_count (), ==, 5);

  /* Two of them first seen four days ago: past three days. */
  state = _open_state (f);
  rows = accord_sync_state_pop3_list (state, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 5);
  for (guint i = 0; i < 2; i++)
    {
      AccordStatePop3Uidl *row = g_ptr_array_index (rows, i);

      accord_sync_state_pop3_remove (state, row->uidl, &error);
      g_assert_no_error (error);
      accord_sync_state_pop3_put (state, row->uidl, row->key, long_ago, &error);
      g_assert_no_error (error);
    }
  accord_sync_state_close (state);
  g_clear_object (&state);

  stats = _sync (f, ACCORD_POP3_POLICY_DELETE_AFTER_DAYS, 3);
  g_assert_cmpuint (stats.fetched, ==, 0);
  g_assert_cmpuint (stats.deleted_on_server, ==, 2);
  g_assert_cmpuint (_server_count (), ==, 3);

  /* 0 days: gone from the server as soon as it is here; here it stays. */
  _seed_many (f, "days-new", 2);
  stats = _sync (f, ACCORD_POP3_POLICY_DELETE_AFTER_DAYS, 0);
  g_assert_cmpuint (stats.fetched, ==, 2);
  g_assert_cmpuint (stats.deleted_on_server, ==, 5);
  g_assert_cmpuint (_server_count (), ==, 0);

  seeded = _join_sorted (f->seeded);
  here = _local_digest (f);
  g_assert_cmpstr (here, ==, seeded);

  /* What is gone from the server is forgotten. */
  g_clear_pointer (&rows, g_ptr_array_unref);
  state = _open_state (f);
  rows = accord_sync_state_pop3_list (state, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 0);
  accord_sync_state_close (state);
}

static void
test_delete_when_deleted_here (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) moves =
    g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_change_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *here = NULL;
  g_autofree char *there = NULL;
  AccordMaildirMessage *file;
  AccordPop3SyncStats stats;

  REQUIRE_DOVECOT ();

  _seed_many (f, "here", 6);
  stats = _sync (f, ACCORD_POP3_POLICY_DELETE_WHEN_DELETED_HERE, 0);
  g_assert_cmpuint (stats.fetched, ==, 6);
  g_assert_cmpuint (stats.deleted_on_server, ==, 0);

  /* Two deleted, one moved to another folder (still here), one read (renamed). */
  files = _local_files (f, "INBOX");
  _remove_local (f, files, 0, 2);
  accord_maildir_ensure_folder (f->maildir, "Archive", NULL, &error);
  g_assert_no_error (error);
  file = g_ptr_array_index (files, 2);
  g_ptr_array_add (moves, accord_maildir_change_new (file->filename, NULL));
  accord_maildir_move_messages (f->maildir, "INBOX", moves, "Archive", NULL, &error);
  g_assert_no_error (error);
  g_ptr_array_set_size (moves, 0);
  file = g_ptr_array_index (files, 3);
  g_ptr_array_add (moves, accord_maildir_change_new (file->filename, "S"));
  accord_maildir_set_flags (f->maildir, "INBOX", moves, NULL, &error);
  g_assert_no_error (error);

  /* Another policy leaves them. */
  stats = _sync (f, ACCORD_POP3_POLICY_LEAVE, 0);
  g_assert_cmpuint (stats.deleted_on_server, ==, 0);
  g_assert_cmpuint (_server_count (), ==, 6);

  stats = _sync (f, ACCORD_POP3_POLICY_DELETE_WHEN_DELETED_HERE, 0);
  g_assert_cmpuint (stats.fetched, ==, 0);
  g_assert_cmpuint (stats.deleted_on_server, ==, 2);

  here = _local_digest (f);
  there = _server_digest ();
  g_assert_cmpstr (here, ==, there);
  g_assert_cmpuint (_server_count (), ==, 4);

  stats = _sync (f, ACCORD_POP3_POLICY_DELETE_WHEN_DELETED_HERE, 0);
  g_assert_cmpuint (stats.fetched + stats.deleted_on_server, ==, 0);
}

/* The account's own setting for the server's copy, with no policy set on the sync. */
static void
test_policy_from_account (Fixture       *f,
                          gconstpointer  data)
{
  AccordServiceConfig *in = accord_account_get_service (f->account, ACCORD_SERVICE_MAIL_IN);
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_DOVECOT ();

  g_free (in->keep_on_server);
  in->keep_on_server = g_strdup ("delete-when-deleted-here");
  _seed_many (f, "configured", 3);
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(AccordPop3Sync) sync = accord_pop3_sync_new (f->account, g_getenv ("ACCORD_TEST_PASSWORD"));
      g_autoptr(GAsyncResult) result = NULL;
      const AccordPop3SyncStats *stats;

      accord_pop3_sync_set_paths (sync, f->root, f->state_path);
      accord_pop3_sync_set_tls_database (sync, in->pinned_certificate == NULL ? database : NULL);
      accord_pop3_sync_run_async (sync, NULL, accord_test_result_cb, &result);
      accord_pop3_sync_run_finish (sync, accord_test_wait_result (&result), &error);
      g_assert_no_error (error);
      stats = accord_pop3_sync_get_stats (sync);
      if (round == 0)
        {
          g_assert_cmpuint (stats->fetched, ==, 3);
          files = _local_files (f, "INBOX");
          _remove_local (f, files, 0, 1);
        }
      else
        {
          g_assert_cmpuint (stats->deleted_on_server, ==, 1);
        }
    }
  g_assert_cmpuint (_server_count (), ==, 2);
}

static guint
_open_questions (Fixture *f)
{
  g_autoptr(AccordSyncState) state = _open_state (f);
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(GError) error = NULL;

  decisions = accord_sync_state_list_decisions (state, &error);
  g_assert_no_error (error);
  accord_sync_state_close (state);
  return decisions->len;
}

static void
test_deletion_guard (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(AccordSyncState) state = NULL;
  g_autoptr(GError) error = NULL;
  AccordPop3SyncStats stats;

  REQUIRE_DOVECOT ();

  _seed_many (f, "guard", 6);
  _sync (f, ACCORD_POP3_POLICY_DELETE_WHEN_DELETED_HERE, 0);
  files = _local_files (f, "INBOX");
  _remove_local (f, files, 0, 4);

  /* Four gone at once, over a threshold of two: the person is asked, nothing goes. */
  for (guint i = 0; i < 2; i++)
    {
      _run (f->account, f->root, f->state_path, ACCORD_POP3_POLICY_DELETE_WHEN_DELETED_HERE, 0, 2,
            &stats, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (stats.held_deletions, ==, 4);
      g_assert_cmpuint (stats.deleted_on_server, ==, 0);
      g_assert_cmpuint (_server_count (), ==, 6);
    }

  state = _open_state (f);
  decisions = accord_sync_state_list_decisions (state, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decisions->len, ==, 1);
  g_assert_cmpstr (((AccordStateDecision *) decisions->pdata[0])->kind, ==, "pop3-mass-delete");
  accord_sync_state_close (state);

  /* Under the default threshold they go, and the question with them. */
  stats = _sync (f, ACCORD_POP3_POLICY_DELETE_WHEN_DELETED_HERE, 0);
  g_assert_cmpuint (stats.held_deletions, ==, 0);
  g_assert_cmpuint (stats.deleted_on_server, ==, 4);
  g_assert_cmpuint (_server_count (), ==, 2);
  g_assert_cmpuint (_open_questions (f), ==, 0);
}

static void
_answer_mass_delete (Fixture  *f,
                     gboolean  yes)
{
  g_autoptr(AccordSyncState) state = _open_state (f);
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(GError) error = NULL;

  decisions = accord_sync_state_list_decisions (state, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decisions->len, ==, 1);
  g_assert_cmpstr (((AccordStateDecision *) decisions->pdata[0])->kind, ==, ACCORD_POP3_DECISION_MASS_DELETE);
  accord_sync_state_answer_decision (state, ((AccordStateDecision *) decisions->pdata[0])->id, yes, &error);
  g_assert_no_error (error);
  accord_sync_state_close (state);
}

/* The person's answer: no keeps the messages on the server and stops asking; yes
 * deletes them there. */
static void
test_deletion_answers (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  AccordPop3SyncStats stats;

  REQUIRE_DOVECOT ();

  _seed_many (f, "answers", 8);
  _sync (f, ACCORD_POP3_POLICY_DELETE_WHEN_DELETED_HERE, 0);
  files = _local_files (f, "INBOX");
  _remove_local (f, files, 0, 3);

  _run (f->account, f->root, f->state_path, ACCORD_POP3_POLICY_DELETE_WHEN_DELETED_HERE, 0, 2,
        &stats, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stats.held_deletions, ==, 3);
  _answer_mass_delete (f, FALSE);
  for (guint i = 0; i < 2; i++)
    {
      _run (f->account, f->root, f->state_path, ACCORD_POP3_POLICY_DELETE_WHEN_DELETED_HERE, 0, 2,
            &stats, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (stats.held_deletions + stats.deleted_on_server + stats.fetched, ==, 0);
      g_assert_cmpuint (_server_count (), ==, 8);
      g_assert_cmpuint (_open_questions (f), ==, 0);
    }

  g_clear_pointer (&files, g_ptr_array_unref);
  files = _local_files (f, "INBOX");
  _remove_local (f, files, 0, 4);
  _run (f->account, f->root, f->state_path, ACCORD_POP3_POLICY_DELETE_WHEN_DELETED_HERE, 0, 2,
        &stats, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stats.held_deletions, ==, 4);
  _answer_mass_delete (f, TRUE);
  _run (f->account, f->root, f->state_path, ACCORD_POP3_POLICY_DELETE_WHEN_DELETED_HERE, 0, 2,
        &stats, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stats.deleted_on_server, ==, 4);
  g_assert_cmpuint (_server_count (), ==, 4);
  g_assert_cmpuint (_open_questions (f), ==, 0);
}

/* A run killed after delivering one message of a journalled batch and before the
 * other: the delivered file is recorded by its key, the other fetched afresh. */
static void
test_recover_journal (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(AccordPop3Client) client = NULL;
  g_autoptr(GAsyncResult) listed = NULL;
  g_autoptr(GAsyncResult) fetched = NULL;
  g_autoptr(GPtrArray) uidls = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GPtrArray) deliveries =
    g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_delivery_free);
  g_autoptr(AccordSyncState) state = NULL;
  g_autoptr(GPtrArray) intents = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *kept_key = accord_maildir_generate_key (f->maildir);
  g_autofree char *lost_key = accord_maildir_generate_key (f->maildir);
  g_autofree char *payload = NULL;
  g_autofree char *seeded = NULL;
  g_autofree char *here = NULL;
  AccordPop3SyncStats stats;

  REQUIRE_DOVECOT ();

  _seed_many (f, "journal", 3);
  client = _connect ();
  accord_pop3_client_uidl_async (client, NULL, accord_test_result_cb, &listed);
  uidls = accord_pop3_client_uidl_finish (client, accord_test_wait_result (&listed), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uidls->len, ==, 3);
  accord_pop3_client_retr_async (client, ((AccordPop3Uidl *) uidls->pdata[0])->number, NULL,
                                 accord_test_result_cb, &fetched);
  first = accord_pop3_client_retr_finish (client, accord_test_wait_result (&fetched), &error);
  g_assert_no_error (error);
  _quit (client);

  state = _open_state (f);
  payload = g_strdup_printf ("%s\t%s\n%s\t%s", ((AccordPop3Uidl *) uidls->pdata[0])->uidl, kept_key,
                             ((AccordPop3Uidl *) uidls->pdata[1])->uidl, lost_key);
  accord_sync_state_add_intent (state, "pop3-fetch", 0, payload, &error);
  g_assert_no_error (error);
  accord_sync_state_close (state);
  g_clear_object (&state);

  accord_maildir_ensure_folder (f->maildir, "INBOX", NULL, &error);
  g_assert_no_error (error);
  g_ptr_array_add (deliveries, accord_maildir_delivery_new (first, NULL, 0, kept_key));
  accord_maildir_deliver (f->maildir, "INBOX", deliveries, NULL, &error);
  g_assert_no_error (error);

  stats = _sync (f, ACCORD_POP3_POLICY_LEAVE, 0);
  g_assert_cmpuint (stats.recovered, ==, 1);
  g_assert_cmpuint (stats.fetched, ==, 2);

  seeded = _join_sorted (f->seeded);
  here = _local_digest (f);
  g_assert_cmpstr (here, ==, seeded);

  state = _open_state (f);
  intents = accord_sync_state_list_intents (state, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (intents->len, ==, 0);
  accord_sync_state_close (state);
}

/* --- a server without UIDL, over TLS ------------------------------------------------ */

static gboolean
_on_no_uidl_run_cb (GThreadedSocketService *service,
                    GSocketConnection      *connection,
                    GObject                *source_object,
                    gpointer                user_data)
{
  GTlsCertificate *certificate = user_data;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  GOutputStream *out;
  const char greeting[] = "+OK old POP3 server\r\n";

  tls = g_tls_server_connection_new (G_IO_STREAM (connection), certificate, NULL);
  if (tls == NULL || !g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, NULL))
    return TRUE;

  out = g_io_stream_get_output_stream (tls);
  if (!g_output_stream_write_all (out, greeting, strlen (greeting), NULL, NULL, NULL))
    return TRUE;

  in = g_data_input_stream_new (g_io_stream_get_input_stream (tls));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, NULL);
      const char *answer = "-ERR unknown command\r\n";

      if (line == NULL)
        return TRUE;
      if (g_str_has_prefix (line, "CAPA"))
        answer = "+OK\r\nUSER\r\n.\r\n";
      else if (g_str_has_prefix (line, "USER") || g_str_has_prefix (line, "PASS"))
        answer = "+OK\r\n";
      else if (g_str_has_prefix (line, "STAT"))
        answer = "+OK 1 100\r\n";
      else if (g_str_has_prefix (line, "LIST"))
        answer = "+OK\r\n1 100\r\n.\r\n";
      else if (g_str_has_prefix (line, "QUIT"))
        answer = "+OK bye\r\n";

      if (!g_output_stream_write_all (out, answer, strlen (answer), NULL, NULL, NULL))
        return TRUE;
    }
}

static void
test_no_uidl (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GSocketService) service = NULL;
  g_autoptr(AccordAccount) account = accord_account_new ("old-example-test", "alice@example.test");
  g_autoptr(AccordServiceConfig) in = accord_service_config_new (ACCORD_PROTOCOL_POP3);
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  AccordPop3SyncStats stats;

  REQUIRE_DOVECOT ();

  cert = g_build_filename (g_getenv ("ACCORD_TEST_SERVERS_DIR"), "tls", "server.pem", NULL);
  key = g_build_filename (g_getenv ("ACCORD_TEST_SERVERS_DIR"), "tls", "server.key", NULL);
  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);

  service = g_threaded_socket_service_new (2);
  in->port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (service), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "run", G_CALLBACK (_on_no_uidl_run_cb), certificate);
  g_socket_service_start (service);

  in->host = g_strdup ("127.0.0.1");
  in->security = ACCORD_SECURITY_TLS;
  in->username = g_strdup ("alice");
  accord_account_set_service (account, ACCORD_SERVICE_MAIL_IN, in);

  g_assert_false (_run (account, f->root, f->state_path, ACCORD_POP3_POLICY_LEAVE, 0, 0, &stats,
                        &error));
  g_assert_error (error, ACCORD_POP3_SYNC_ERROR, ACCORD_POP3_SYNC_ERROR_NO_UIDL);
  g_assert_nonnull (strstr (error->message, "UIDL"));
  g_assert_cmpuint (stats.fetched, ==, 0);
  files = _local_files (f, "INBOX");
  g_assert_cmpuint (files->len, ==, 0);

  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
}

/* --- crash safety --------------------------------------------------------------------- */

static int
_helper (int    argc,
         char **argv)
{
  g_autoptr(AccordAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  AccordPop3SyncStats stats;

  if (argc != 6)
    return 2;

  database = g_tls_file_database_new (g_getenv ("ACCORD_TEST_CA_FILE"), &error);
  g_assert_no_error (error);
  account = _account (FALSE);
  if (!_run (account, argv[2], argv[3], (AccordPop3Policy) atoi (argv[4]), atoi (argv[5]), 0,
             &stats, &error))
    {
      g_printerr ("sync: %s\n", error->message);
      return 1;
    }

  return 0;
}

static void
_wait_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static gboolean
_timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Whether a killed run left a journalled download for the next one to finish. */
static gboolean
_left_journal (Fixture *f)
{
  g_autoptr(AccordSyncState) state = _open_state (f);
  g_autoptr(GPtrArray) intents = NULL;
  g_autoptr(GError) error = NULL;

  intents = accord_sync_state_list_intents (state, &error);
  g_assert_no_error (error);
  accord_sync_state_close (state);
  return intents->len > 0;
}

/* Runs a sync in a process of its own; kills it after @kill_after_ms unless 0.
 * Returns whether it was killed while still running. */
static gboolean
_run_helper (Fixture          *f,
             AccordPop3Policy  policy,
             guint             days,
             guint             kill_after_ms,
             int              *status)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *policy_text = g_strdup_printf ("%d", policy);
  g_autofree char *days_text = g_strdup_printf ("%u", days);
  gboolean exited = FALSE;
  gboolean timed_out = FALSE;
  guint timeout_id = 0;
  gboolean killed = FALSE;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "/proc/self/exe", "--sync-helper",
                              f->root, f->state_path, policy_text, days_text, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (process, NULL, _wait_cb, &exited);
  if (kill_after_ms > 0)
    timeout_id = g_timeout_add (kill_after_ms, _timeout_cb, &timed_out);

  while (!exited && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!exited)
    {
      g_subprocess_force_exit (process);
      killed = TRUE;
      while (!exited)
        g_main_context_iteration (NULL, TRUE);
    }
  else if (timeout_id != 0 && !timed_out)
    g_source_remove (timeout_id);

  if (status != NULL)
    *status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
  return killed;
}

static void
test_crash_safety (Fixture       *f,
                   gconstpointer  data)
{
  GRand *rand = g_rand_new_with_seed (20261129);
  g_autoptr(AccordSyncState) state = NULL;
  g_autoptr(GPtrArray) intents = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *seeded = NULL;
  g_autofree char *here = NULL;
  g_autofree char *there = NULL;
  gint64 start;
  guint run_ms;
  guint kills = 0;
  guint mid_download = 0;
  guint tries = 0;
  int status;

  REQUIRE_DOVECOT ();

  /* How long a run with work to do takes here, to aim the kills inside one. */
  _seed_many (f, "crash-warmup", 12);
  start = g_get_monotonic_time ();
  _run_helper (f, ACCORD_POP3_POLICY_LEAVE, 0, 0, &status);
  g_assert_cmpint (status, ==, 0);
  run_ms = MAX (20, (g_get_monotonic_time () - start) / 1000);
  g_test_message ("a run takes about %u ms", run_ms);

  /* Downloading, killed again and again with new mail arriving all along. */
  for (tries = 0; kills < 15 && tries < 100; tries++)
    {
      _seed_many (f, "crash-fetch", 12);
      if (_run_helper (f, ACCORD_POP3_POLICY_LEAVE, 0,
                       g_rand_int_range (rand, 1, run_ms + run_ms / 4), NULL))
        {
          kills++;
          mid_download += _left_journal (f);
        }
    }
  _run_helper (f, ACCORD_POP3_POLICY_LEAVE, 0, 0, &status);
  g_assert_cmpint (status, ==, 0);

  seeded = _join_sorted (f->seeded);
  here = _local_digest (f);
  there = _server_digest ();
  g_assert_cmpstr (there, ==, seeded);
  g_assert_cmpstr (here, ==, seeded);

  /* Downloading and deleting at once (DELE, QUIT), killed again and again. */
  for (tries = 0; kills < 30 && tries < 100; tries++)
    {
      _seed_many (f, "crash-delete", 8);
      if (_run_helper (f, ACCORD_POP3_POLICY_DELETE_AFTER_DAYS, 0,
                       g_rand_int_range (rand, 1, run_ms + run_ms / 4), NULL))
        {
          kills++;
          mid_download += _left_journal (f);
        }
    }
  _run_helper (f, ACCORD_POP3_POLICY_DELETE_AFTER_DAYS, 0, 0, &status);
  g_assert_cmpint (status, ==, 0);

  g_test_message ("%u kills, %u of them in the middle of a download", kills, mid_download);
  g_assert_cmpuint (kills, >=, 20);

  /* Every message exactly once here, none left there, nothing left half-done. */
  g_clear_pointer (&seeded, g_free);
  g_clear_pointer (&here, g_free);
  seeded = _join_sorted (f->seeded);
  here = _local_digest (f);
  g_assert_cmpstr (here, ==, seeded);
  g_assert_cmpuint (_server_count (), ==, 0);

  state = _open_state (f);
  intents = accord_sync_state_list_intents (state, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (intents->len, ==, 0);
  rows = accord_sync_state_pop3_list (state, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 0);
  accord_sync_state_close (state);
  g_rand_free (rand);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  if (argc > 1 && g_str_equal (argv[1], "--sync-helper"))
    return _helper (argc, argv);

  g_test_init (&argc, &argv, NULL);
  if (_have_dovecot ())
    {
      database = g_tls_file_database_new (g_getenv ("ACCORD_TEST_CA_FILE"), &error);
      g_assert_no_error (error);
    }

#define ADD(path, data, func) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("/pop3-sync/initial-and-no-op", NULL, test_initial_and_no_op);
  ADD ("/pop3-sync/stls-pinned", "stls", test_initial_and_no_op);
  ADD ("/pop3-sync/delete-after-days", NULL, test_delete_after_days);
  ADD ("/pop3-sync/delete-when-deleted-here", NULL, test_delete_when_deleted_here);
  ADD ("/pop3-sync/policy-from-account", NULL, test_policy_from_account);
  ADD ("/pop3-sync/deletion-guard", NULL, test_deletion_guard);
  ADD ("/pop3-sync/deletion-answers", NULL, test_deletion_answers);
  ADD ("/pop3-sync/recover-journal", NULL, test_recover_journal);
  ADD ("/pop3-sync/no-uidl", NULL, test_no_uidl);
  ADD ("/pop3-sync/crash-safety", NULL, test_crash_safety);
#undef ADD

  status = g_test_run ();

  g_clear_object (&database);
  return status;
}
