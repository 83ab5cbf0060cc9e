/* test-sync-state.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sqlite3.h>
#include <string.h>
#include <glib/gstdio.h>

#include "accord-sync-state.h"
#include "accord-test-utils.h"

typedef struct
{
  char            *dir;
  char            *path;
  AccordSyncState *state;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = accord_test_make_tmp_dir ();
  f->path = g_build_filename (f->dir, "account", "state.sqlite", NULL);
  f->state = accord_sync_state_open (f->path, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->state);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->state);
  accord_test_rm_rf (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static gint64
_folder (Fixture    *f,
         const char *name)
{
  g_autoptr(GError) error = NULL;
  gint64 id = accord_sync_state_ensure_folder (f->state, name, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
_put (Fixture    *f,
      gint64      folder_id,
      guint32     uid,
      const char *key,
      const char *flags)
{
  g_autoptr(GError) error = NULL;
  AccordStateMessage message = { folder_id, uid, (char *) key, (char *) flags, 100, NULL };

  accord_sync_state_put_message (f->state, &message, &error);
  g_assert_no_error (error);
}

static gint64
_count (Fixture *f,
        gint64   folder_id)
{
  g_autoptr(GError) error = NULL;
  gint64 count = accord_sync_state_count_messages (f->state, folder_id, &error);

  g_assert_no_error (error);
  return count;
}

/* Reads one value straight from the file, as another program would. */
static char *
_query_file (const char *path,
             const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
test_create_reopen (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AccordStateFolder) folder = NULL;
  g_autofree char *version = NULL;
  g_autofree char *application_id = NULL;
  g_autofree char *journal = NULL;
  g_autofree char *default_path = accord_sync_state_default_path ("alice");
  gint64 inbox;

  g_assert_true (g_str_has_suffix (default_path, "/accord/alice/state.sqlite"));
  g_assert_cmpstr (accord_sync_state_get_path (f->state), ==, f->path);
  g_assert_true (g_file_test (f->path, G_FILE_TEST_IS_REGULAR));

  inbox = accord_sync_state_ensure_folder (f->state, "INBOX", "INBOX", &error);
  g_assert_no_error (error);
  g_assert_cmpint (inbox, ==, accord_sync_state_ensure_folder (f->state, "INBOX", NULL, &error));
  _put (f, inbox, 7, "k7", "S");

  g_assert_true (accord_sync_state_begin (f->state, &error));
  accord_sync_state_set_cursor (f->state, inbox, 1234, 8, G_GUINT64_CONSTANT (1) << 40, &error);
  g_assert_no_error (error);
  g_assert_true (accord_sync_state_commit (f->state, &error));

  accord_sync_state_close (f->state);
  g_clear_object (&f->state);

  version = _query_file (f->path, "PRAGMA user_version");
  application_id = _query_file (f->path, "PRAGMA application_id");
  journal = _query_file (f->path, "PRAGMA journal_mode");
  g_assert_cmpstr (version, ==, G_STRINGIFY (ACCORD_SYNC_STATE_SCHEMA_VERSION));
  g_assert_cmpstr (application_id, !=, "0");
  g_assert_cmpstr (journal, ==, "wal");

  f->state = accord_sync_state_open (f->path, NULL, &error);
  g_assert_no_error (error);

  folder = accord_sync_state_lookup_folder (f->state, "INBOX", &error);
  g_assert_no_error (error);
  g_assert_cmpint (folder->id, ==, inbox);
  g_assert_cmpstr (folder->remote_name, ==, "INBOX");   /* kept by the NULL above */
  g_assert_cmpuint (folder->uidvalidity, ==, 1234);
  g_assert_cmpuint (folder->uidnext, ==, 8);
  g_assert_cmpuint (folder->highestmodseq, ==, G_GUINT64_CONSTANT (1) << 40);
  g_assert_cmpint (_count (f, inbox), ==, 1);
}

static void
test_folders (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(AccordStateFolder) folder = NULL;
  gint64 inbox = _folder (f, "INBOX");
  gint64 work = _folder (f, "Work");

  g_assert_cmpint (inbox, !=, work);

  accord_sync_state_set_folder_status (f->state, work, 1700000000, "Connection lost", &error);
  g_assert_no_error (error);
  accord_sync_state_rename_folder (f->state, work, "Archive/Work", "Archive.Work", &error);
  g_assert_no_error (error);

  folder = accord_sync_state_get_folder (f->state, work, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (folder->name, ==, "Archive/Work");
  g_assert_cmpstr (folder->remote_name, ==, "Archive.Work");
  g_assert_cmpint (folder->last_sync, ==, 1700000000);
  g_assert_cmpstr (folder->last_error, ==, "Connection lost");
  g_assert_cmpuint (folder->uidvalidity, ==, 0);

  /* Two folders cannot share a name. */
  g_assert_false (accord_sync_state_rename_folder (f->state, work, "INBOX", NULL, &error));
  g_assert_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_FAILED);
  g_clear_error (&error);

  folders = accord_sync_state_list_folders (f->state, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (folders->len, ==, 2);
  g_assert_cmpstr (((AccordStateFolder *) folders->pdata[0])->name, ==, "Archive/Work");
  g_assert_cmpstr (((AccordStateFolder *) folders->pdata[1])->name, ==, "INBOX");

  /* Removing a folder removes its messages. */
  _put (f, work, 1, "a", "");
  _put (f, work, 2, "b", "");
  _put (f, inbox, 1, "c", "");
  accord_sync_state_remove_folder (f->state, work, &error);
  g_assert_no_error (error);
  g_assert_cmpint (_count (f, work), ==, 0);
  g_assert_cmpint (_count (f, inbox), ==, 1);

  g_assert_null (accord_sync_state_get_folder (f->state, work, &error));
  g_assert_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (accord_sync_state_lookup_folder (f->state, "Work", &error));
  g_assert_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (accord_sync_state_remove_folder (f->state, work, &error));
  g_assert_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (accord_sync_state_set_folder_status (f->state, work, 1, NULL, &error));
  g_assert_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_NOT_FOUND);
}

static void
test_transactions (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 inbox = _folder (f, "INBOX");

  g_assert_false (accord_sync_state_in_transaction (f->state));

  /* Rolled back: nothing. */
  g_assert_true (accord_sync_state_begin (f->state, &error));
  g_assert_true (accord_sync_state_in_transaction (f->state));
  _put (f, inbox, 1, "one", "S");
  _put (f, inbox, 2, "two", "");
  g_assert_cmpint (_count (f, inbox), ==, 2);
  accord_sync_state_rollback (f->state);
  g_assert_false (accord_sync_state_in_transaction (f->state));
  g_assert_cmpint (_count (f, inbox), ==, 0);

  /* Nested: the inner rollback undoes only its part. */
  g_assert_true (accord_sync_state_begin (f->state, &error));
  _put (f, inbox, 1, "one", "S");
  g_assert_true (accord_sync_state_begin (f->state, &error));
  _put (f, inbox, 2, "two", "");
  accord_sync_state_rollback (f->state);
  g_assert_true (accord_sync_state_in_transaction (f->state));
  g_assert_true (accord_sync_state_begin (f->state, &error));
  _put (f, inbox, 3, "three", "");
  g_assert_true (accord_sync_state_commit (f->state, &error));
  g_assert_true (accord_sync_state_commit (f->state, &error));
  g_assert_no_error (error);
  g_assert_false (accord_sync_state_in_transaction (f->state));
  g_assert_cmpint (_count (f, inbox), ==, 2);

  /* What another connection sees: committed, durable rows. */
  {
    g_autofree char *count = _query_file (f->path, "SELECT count(*) FROM messages");

    g_assert_cmpstr (count, ==, "2");
  }
}

typedef struct
{
  gint64   folder_id;
  gboolean fail;
} Work;

static gboolean
_work (AccordSyncState  *state,
       gpointer          user_data,
       GError          **error)
{
  Work *work = user_data;
  AccordStateMessage message = { work->folder_id, 10, (char *) "ten", (char *) "S", 1, NULL };

  if (!accord_sync_state_put_message (state, &message, error) ||
      !accord_sync_state_set_cursor (state, work->folder_id, 99, 11, 5, error))
    return FALSE;

  if (work->fail)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "the server went away");
      return FALSE;
    }

  return TRUE;
}

static void
test_cursor (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AccordStateFolder) folder = NULL;
  Work work = { _folder (f, "INBOX"), TRUE };

  /* Outside a transaction a cursor cannot move. */
  g_assert_false (accord_sync_state_set_cursor (f->state, work.folder_id, 1, 2, 3, &error));
  g_assert_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_NO_TRANSACTION);
  g_clear_error (&error);

  /* A failing transaction takes the cursor back with the changes. */
  g_assert_false (accord_sync_state_transaction (f->state, _work, &work, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  g_clear_error (&error);
  g_assert_false (accord_sync_state_in_transaction (f->state));
  folder = accord_sync_state_get_folder (f->state, work.folder_id, &error);
  g_assert_cmpuint (folder->uidvalidity, ==, 0);
  g_assert_cmpuint (folder->uidnext, ==, 0);
  g_assert_cmpint (_count (f, work.folder_id), ==, 0);
  g_clear_pointer (&folder, accord_state_folder_free);

  work.fail = FALSE;
  g_assert_true (accord_sync_state_transaction (f->state, _work, &work, &error));
  g_assert_no_error (error);
  folder = accord_sync_state_get_folder (f->state, work.folder_id, &error);
  g_assert_cmpuint (folder->uidvalidity, ==, 99);
  g_assert_cmpuint (folder->uidnext, ==, 11);
  g_assert_cmpuint (folder->highestmodseq, ==, 5);
  g_assert_cmpint (_count (f, work.folder_id), ==, 1);

  /* Unknown folder. */
  g_assert_true (accord_sync_state_begin (f->state, &error));
  g_assert_false (accord_sync_state_set_cursor (f->state, 12345, 1, 2, 3, &error));
  g_assert_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_NOT_FOUND);
  accord_sync_state_rollback (f->state);
}

typedef struct
{
  AccordSyncState *state;
  GArray          *uids;
  guint            stop_after;
  guint            inner_counts;
} Walk;

static gboolean
_walk_message (const AccordStateMessage *message,
               gpointer                  user_data)
{
  Walk *walk = user_data;
  g_autoptr(GPtrArray) inner = NULL;

  g_array_append_val (walk->uids, message->uid);

  /* Another walk from inside the callback works. */
  inner = accord_sync_state_list_messages (walk->state, message->folder_id, NULL);
  walk->inner_counts += inner->len;

  return walk->uids->len < walk->stop_after;
}

static void
test_messages (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AccordStateMessage) by_uid = NULL;
  g_autoptr(AccordStateMessage) by_key = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GArray) uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  gint64 inbox = _folder (f, "INBOX");
  gint64 sent = _folder (f, "Sent");
  AccordStateMessage full = { inbox, G_MAXUINT32, (char *) "kmax", (char *) "FS", 123456,
                              (char *) "<id@example.org>" };
  Walk walk = { f->state, uids, 2, 0 };

  _put (f, inbox, 30, "k30", "S");
  _put (f, inbox, 10, "k10", "");
  _put (f, inbox, 20, "shared", "R");
  _put (f, inbox, 21, "shared", "");
  _put (f, sent, 10, "k10-sent", "S");
  accord_sync_state_put_message (f->state, &full, &error);
  g_assert_no_error (error);

  by_uid = accord_sync_state_lookup_message (f->state, inbox, G_MAXUINT32, &error);
  g_assert_no_error (error);
  g_assert_cmpint (by_uid->folder_id, ==, inbox);
  g_assert_cmpuint (by_uid->uid, ==, G_MAXUINT32);
  g_assert_cmpstr (by_uid->key, ==, "kmax");
  g_assert_cmpstr (by_uid->flags, ==, "FS");
  g_assert_cmpint (by_uid->size, ==, 123456);
  g_assert_cmpstr (by_uid->message_id, ==, "<id@example.org>");

  by_key = accord_sync_state_lookup_message_by_key (f->state, inbox, "shared", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (by_key->uid, ==, 20);
  g_assert_null (by_key->message_id);

  /* Replacing a row, changing flags, removing. */
  _put (f, inbox, 30, "k30-new", "ST");
  accord_sync_state_set_message_flags (f->state, inbox, 10, "FS", &error);
  g_assert_no_error (error);
  accord_sync_state_remove_message (f->state, inbox, 21, &error);
  g_assert_no_error (error);

  list = accord_sync_state_list_messages (f->state, inbox, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 4);
  g_assert_cmpuint (((AccordStateMessage *) list->pdata[0])->uid, ==, 10);
  g_assert_cmpstr (((AccordStateMessage *) list->pdata[0])->flags, ==, "FS");
  g_assert_cmpuint (((AccordStateMessage *) list->pdata[1])->uid, ==, 20);
  g_assert_cmpstr (((AccordStateMessage *) list->pdata[2])->key, ==, "k30-new");
  g_assert_cmpuint (((AccordStateMessage *) list->pdata[3])->uid, ==, G_MAXUINT32);

  /* Walking stops when asked; walks nest. */
  accord_sync_state_foreach_message (f->state, inbox, _walk_message, &walk, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uids->len, ==, 2);
  g_assert_cmpuint (g_array_index (uids, guint32, 0), ==, 10);
  g_assert_cmpuint (g_array_index (uids, guint32, 1), ==, 20);
  g_assert_cmpuint (walk.inner_counts, ==, 8);

  /* What is not there. */
  g_assert_null (accord_sync_state_lookup_message (f->state, inbox, 21, &error));
  g_assert_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (accord_sync_state_lookup_message_by_key (f->state, sent, "k30", &error));
  g_assert_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (accord_sync_state_set_message_flags (f->state, inbox, 21, "S", &error));
  g_assert_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (accord_sync_state_remove_message (f->state, inbox, 21, &error));
  g_assert_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A message row needs its folder. */
  g_assert_false (accord_sync_state_put_message (
    f->state, &(AccordStateMessage) { 999, 1, (char *) "x", NULL, 0, NULL }, &error));
  g_assert_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_FAILED);
  g_clear_error (&error);

  accord_sync_state_remove_all_messages (f->state, inbox, &error);
  g_assert_no_error (error);
  g_assert_cmpint (_count (f, inbox), ==, 0);
  g_assert_cmpint (_count (f, sent), ==, 1);
}

/* 20,000 rows in one transaction, as after a first sync of a big folder. Prints the
 * time taken; asserts none. */
static void
test_bulk (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  gint64 inbox = _folder (f, "INBOX");
  gint64 start;
  gint64 inserted;

  start = g_get_monotonic_time ();
  g_assert_true (accord_sync_state_begin (f->state, &error));
  for (guint32 uid = 1; uid <= 20000; uid++)
    {
      char key[64];
      char message_id[64];
      AccordStateMessage message = { inbox, uid, key, (char *) "S", 5120, message_id };

      g_snprintf (key, sizeof key, "1700000000.M%06uP1234Q%uR0123456789abcdef.host", uid, uid);
      g_snprintf (message_id, sizeof message_id, "<%u@example.org>", uid);
      if (!accord_sync_state_put_message (f->state, &message, &error))
        break;
    }
  g_assert_no_error (error);
  g_assert_true (accord_sync_state_set_cursor (f->state, inbox, 1, 20001, 0, &error));
  g_assert_true (accord_sync_state_commit (f->state, &error));
  inserted = g_get_monotonic_time ();

  list = accord_sync_state_list_messages (f->state, inbox, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 20000);

  g_test_message ("20000 rows inserted and committed in %.1f ms, listed in %.1f ms",
                  (inserted - start) / 1e3, (g_get_monotonic_time () - inserted) / 1e3);
}

static void
test_intents_decisions (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) intents = NULL;
  g_autoptr(GPtrArray) decisions = NULL;
  gint64 inbox = _folder (f, "INBOX");
  gint64 first;
  gint64 second;
  gint64 question;
  AccordStateIntent *intent;
  AccordStateDecision *decision;

  first = accord_sync_state_add_intent (f->state, "append", inbox,
                                        "{\"key\":\"K\",\"marker\":\"M\"}", &error);
  g_assert_no_error (error);
  second = accord_sync_state_add_intent (f->state, "store", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (second, >, first);

  /* Journaled means on disk: another connection sees it at once. */
  {
    g_autofree char *count = _query_file (f->path, "SELECT count(*) FROM intents");

    g_assert_cmpstr (count, ==, "2");
  }

  intents = accord_sync_state_list_intents (f->state, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (intents->len, ==, 2);
  intent = intents->pdata[0];
  g_assert_cmpint (intent->id, ==, first);
  g_assert_cmpstr (intent->kind, ==, "append");
  g_assert_cmpint (intent->folder_id, ==, inbox);
  g_assert_cmpstr (intent->payload, ==, "{\"key\":\"K\",\"marker\":\"M\"}");
  g_assert_cmpint (intent->created, >, 0);
  intent = intents->pdata[1];
  g_assert_cmpint (intent->folder_id, ==, 0);
  g_assert_cmpstr (intent->payload, ==, "");

  /* Removed in the transaction that records its effect. */
  g_assert_true (accord_sync_state_begin (f->state, &error));
  _put (f, inbox, 77, "K", "S");
  accord_sync_state_remove_intent (f->state, first, &error);
  g_assert_no_error (error);
  g_assert_true (accord_sync_state_commit (f->state, &error));
  g_clear_pointer (&intents, g_ptr_array_unref);
  intents = accord_sync_state_list_intents (f->state, &error);
  g_assert_cmpuint (intents->len, ==, 1);
  g_assert_false (accord_sync_state_remove_intent (f->state, first, &error));
  g_assert_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  question = accord_sync_state_add_decision (f->state, "mass-delete", inbox,
                                             "{\"count\":3000}", &error);
  g_assert_no_error (error);
  decisions = accord_sync_state_list_decisions (f->state, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decisions->len, ==, 1);
  decision = decisions->pdata[0];
  g_assert_cmpint (decision->id, ==, question);
  g_assert_cmpstr (decision->kind, ==, "mass-delete");
  g_assert_cmpint (decision->folder_id, ==, inbox);
  g_assert_cmpstr (decision->detail, ==, "{\"count\":3000}");

  accord_sync_state_remove_decision (f->state, question, &error);
  g_assert_no_error (error);
  g_assert_false (accord_sync_state_remove_decision (f->state, question, &error));
  g_assert_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_NOT_FOUND);
}

static void
test_pop3 (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(AccordStatePop3Uidl) uidl = NULL;

  accord_sync_state_pop3_put (f->state, "UID-b", "key-b", 2000, &error);
  g_assert_no_error (error);
  accord_sync_state_pop3_put (f->state, "UID-a", NULL, 1000, &error);
  g_assert_no_error (error);
  accord_sync_state_pop3_set_deleted_here (f->state, "UID-b", TRUE, &error);
  g_assert_no_error (error);

  /* Seen again: keeps when it was first seen, and that it was deleted here. */
  accord_sync_state_pop3_put (f->state, "UID-b", "key-b2", 3000, &error);
  g_assert_no_error (error);
  uidl = accord_sync_state_pop3_lookup (f->state, "UID-b", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (uidl->uidl, ==, "UID-b");
  g_assert_cmpstr (uidl->key, ==, "key-b2");
  g_assert_cmpint (uidl->first_seen, ==, 2000);
  g_assert_true (uidl->deleted_here);

  list = accord_sync_state_pop3_list (f->state, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((AccordStatePop3Uidl *) list->pdata[0])->uidl, ==, "UID-a");
  g_assert_null (((AccordStatePop3Uidl *) list->pdata[0])->key);
  g_assert_false (((AccordStatePop3Uidl *) list->pdata[0])->deleted_here);

  accord_sync_state_pop3_remove (f->state, "UID-b", &error);
  g_assert_no_error (error);
  g_assert_null (accord_sync_state_pop3_lookup (f->state, "UID-b", &error));
  g_assert_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (accord_sync_state_pop3_set_deleted_here (f->state, "UID-b", TRUE, &error));
  g_assert_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_NOT_FOUND);
}

static void
test_outbox (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(AccordStateOutboxItem) item = NULL;
  gboolean seen_draft_2 = FALSE;

  accord_sync_state_outbox_add (f->state, "draft-1", &error);
  g_assert_no_error (error);
  accord_sync_state_outbox_add (f->state, "draft-2", &error);
  g_assert_no_error (error);

  accord_sync_state_outbox_update (f->state, "draft-1", ACCORD_STATE_OUTBOX_FAILED, 3,
                                   "550 Mailbox unavailable", &error);
  g_assert_no_error (error);
  /* Adding again leaves it as it is. */
  accord_sync_state_outbox_add (f->state, "draft-1", &error);
  g_assert_no_error (error);

  item = accord_sync_state_outbox_lookup (f->state, "draft-1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (item->key, ==, "draft-1");
  g_assert_cmpint (item->status, ==, ACCORD_STATE_OUTBOX_FAILED);
  g_assert_cmpuint (item->attempts, ==, 3);
  g_assert_cmpstr (item->last_error, ==, "550 Mailbox unavailable");
  g_assert_cmpint (item->updated, >, 0);

  accord_sync_state_outbox_update (f->state, "draft-2", ACCORD_STATE_OUTBOX_SENDING, 1, NULL,
                                   &error);
  g_assert_no_error (error);
  list = accord_sync_state_outbox_list (f->state, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  for (guint i = 0; i < list->len; i++)
    {
      AccordStateOutboxItem *entry = list->pdata[i];

      if (g_str_equal (entry->key, "draft-2"))
        {
          g_assert_cmpint (entry->status, ==, ACCORD_STATE_OUTBOX_SENDING);
          g_assert_null (entry->last_error);
          seen_draft_2 = TRUE;
        }
    }
  g_assert_true (seen_draft_2);

  accord_sync_state_outbox_remove (f->state, "draft-1", &error);
  g_assert_no_error (error);
  g_assert_false (accord_sync_state_outbox_update (f->state, "draft-1",
                                                   ACCORD_STATE_OUTBOX_SENT, 1, NULL, &error));
  g_assert_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_NOT_FOUND);
}

/* Files that are not Accord's sync state */

static void
_assert_refused (const char *path,
                 int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AccordSyncState) state = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_length;
  gsize after_length;

  g_assert_true (g_file_get_contents (path, &before, &before_length, NULL));

  state = accord_sync_state_open (path, NULL, &error);
  g_assert_null (state);
  g_assert_error (error, ACCORD_SYNC_STATE_ERROR, code);
  g_assert_nonnull (strstr (error->message, path));
  g_test_message ("%s", error->message);

  /* Left exactly as it was. */
  g_assert_true (g_file_get_contents (path, &after, &after_length, NULL));
  g_assert_cmpmem (before, before_length, after, after_length);
}

/* A database of an earlier version is brought up to date, keeping what it holds:
 * here one at version 2, before questions had answers and counts. */
static void
test_migrate (void)
{
  g_autofree char *dir = accord_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "state.sqlite", NULL);
  g_autoptr(AccordSyncState) state = NULL;
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;
  sqlite3 *db = NULL;
  gint64 id;

  state = accord_sync_state_open (path, NULL, &error);
  g_assert_no_error (error);
  accord_sync_state_add_decision (state, "delete-here", 0, "an old question", &error);
  g_assert_no_error (error);
  accord_sync_state_close (state);
  g_clear_object (&state);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "ALTER TABLE decisions DROP COLUMN held; "
                                     "ALTER TABLE decisions DROP COLUMN answer; "
                                     "PRAGMA user_version = 2",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  state = accord_sync_state_open (path, NULL, &error);
  g_assert_no_error (error);
  version = _query_file (path, "PRAGMA user_version");
  g_assert_cmpstr (version, ==, G_STRINGIFY (ACCORD_SYNC_STATE_SCHEMA_VERSION));
  decisions = accord_sync_state_list_decisions (state, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decisions->len, ==, 1);
  g_assert_cmpstr (((AccordStateDecision *) decisions->pdata[0])->detail, ==, "an old question");
  g_assert_null (((AccordStateDecision *) decisions->pdata[0])->answer);
  id = ((AccordStateDecision *) decisions->pdata[0])->id;
  accord_sync_state_reask_decision (state, id, "a new question", 12, &error);
  g_assert_no_error (error);
  accord_sync_state_answer_decision (state, id, TRUE, &error);
  g_assert_no_error (error);
  g_clear_pointer (&decisions, g_ptr_array_unref);
  decisions = accord_sync_state_list_decisions (state, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (((AccordStateDecision *) decisions->pdata[0])->held, ==, 12);
  g_assert_cmpstr (((AccordStateDecision *) decisions->pdata[0])->answer, ==, "yes");
  accord_sync_state_close (state);
  accord_test_rm_rf (dir);
}

static void
test_corrupt (void)
{
  g_autofree char *dir = accord_test_make_tmp_dir ();
  g_autofree char *garbage = g_build_filename (dir, "garbage.sqlite", NULL);
  g_autofree char *foreign = g_build_filename (dir, "foreign.sqlite", NULL);
  g_autofree char *damaged = g_build_filename (dir, "damaged.sqlite", NULL);
  g_autofree char *newer = g_build_filename (dir, "newer.sqlite", NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  for (guint i = 0; i < 500; i++)
    g_string_append (text, "This is a mail folder, not a database. ");
  g_assert_true (g_file_set_contents (garbage, text->str, text->len, NULL));
  _assert_refused (garbage, ACCORD_SYNC_STATE_ERROR_CORRUPT);

  /* Another program's database. */
  g_assert_cmpint (sqlite3_open (foreign, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE notes (text TEXT); "
                                     "INSERT INTO notes VALUES ('mine');",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  _assert_refused (foreign, ACCORD_SYNC_STATE_ERROR_CORRUPT);

  /* Ours, from a newer Accord. */
  {
    g_autoptr(AccordSyncState) state = accord_sync_state_open (newer, NULL, &error);

    g_assert_no_error (error);
    g_clear_object (&state);
    g_assert_cmpint (sqlite3_open (newer, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 99",
                                   NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
    _assert_refused (newer, ACCORD_SYNC_STATE_ERROR_TOO_NEW);
  }

  /* Ours, with its schema page overwritten: refused at open, or at the first use. */
  {
    g_autoptr(AccordSyncState) state = accord_sync_state_open (damaged, NULL, &error);
    g_autofree char *contents = NULL;
    gsize length;

    g_assert_no_error (error);
    accord_sync_state_ensure_folder (state, "INBOX", NULL, &error);
    g_assert_no_error (error);
    g_clear_object (&state);

    g_assert_true (g_file_get_contents (damaged, &contents, &length, NULL));
    g_assert_cmpuint (length, >, 4096);
    memset (contents + 100, 0xA5, 4096 - 100);
    g_assert_true (g_file_set_contents (damaged, contents, length, NULL));

    state = accord_sync_state_open (damaged, NULL, &error);
    if (state != NULL)
      {
        g_autoptr(GPtrArray) folders = accord_sync_state_list_folders (state, &error);

        g_assert_null (folders);
      }
    g_assert_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_CORRUPT);
    g_assert_nonnull (strstr (error->message, damaged));
    g_clear_error (&error);
  }

  /* A folder where the file should be. */
  {
    g_autoptr(AccordSyncState) state = accord_sync_state_open (dir, NULL, &error);

    g_assert_null (state);
    g_assert_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_FAILED);
    g_assert_nonnull (strstr (error->message, dir));
  }

  accord_test_rm_rf (dir);
}

static void
test_open_async (void)
{
  g_autofree char *dir = accord_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "a", "b", "state.sqlite", NULL);
  g_autoptr(AccordSyncState) state = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  accord_sync_state_open_async (path, NULL, accord_test_result_cb, &result);
  state = accord_sync_state_open_finish (accord_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (state);
  g_assert_cmpint (accord_sync_state_ensure_folder (state, "INBOX", NULL, &error), >, 0);

  /* Closed: calls fail, they do not crash. */
  accord_sync_state_close (state);
  g_assert_cmpint (accord_sync_state_ensure_folder (state, "INBOX", NULL, &error), ==, 0);
  g_assert_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (accord_sync_state_begin (state, &error));
  g_assert_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_null (accord_sync_state_list_messages (state, 1, &error));
  g_assert_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_FAILED);
  g_clear_error (&error);
  g_clear_object (&state);
  g_clear_object (&result);

  /* A failure arrives through _finish. */
  {
    g_autofree char *garbage = g_build_filename (dir, "garbage", NULL);

    g_assert_true (g_file_set_contents (garbage, "not a database at all, not even close",
                                        -1, NULL));
    accord_sync_state_open_async (garbage, NULL, accord_test_result_cb, &result);
    state = accord_sync_state_open_finish (accord_test_wait_result (&result), &error);
    g_assert_null (state);
    g_assert_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_CORRUPT);
  }

  accord_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/sync-state/create-reopen", test_create_reopen);
  ADD ("/sync-state/folders", test_folders);
  ADD ("/sync-state/transactions", test_transactions);
  ADD ("/sync-state/cursor", test_cursor);
  ADD ("/sync-state/messages", test_messages);
  ADD ("/sync-state/bulk", test_bulk);
  ADD ("/sync-state/intents-decisions", test_intents_decisions);
  ADD ("/sync-state/pop3", test_pop3);
  ADD ("/sync-state/outbox", test_outbox);
  g_test_add_func ("/sync-state/migrate", test_migrate);
  g_test_add_func ("/sync-state/corrupt", test_corrupt);
  g_test_add_func ("/sync-state/open-async", test_open_async);

#undef ADD

  return g_test_run ();
}
