/* accord-sync-state-folders.c - the folders of the sync state and the
 * UID ↔ file map of their messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "accord-sync-state-private.h"

/* Records */

void
accord_state_folder_free (AccordStateFolder *folder)
{
  if (folder == NULL)
    return;

  g_free (folder->name);
  g_free (folder->remote_name);
  g_free (folder->last_error);
  g_free (folder);
}

void
accord_state_message_free (AccordStateMessage *message)
{
  if (message == NULL)
    return;

  g_free (message->key);
  g_free (message->flags);
  g_free (message->message_id);
  g_free (message);
}

/* Folders */

#define FOLDER_COLUMNS \
  "id, name, remote_name, uidvalidity, uidnext, highestmodseq, last_sync, last_error"

static gpointer
_folder_from_row (sqlite3_stmt *stmt)
{
  AccordStateFolder *folder = g_new0 (AccordStateFolder, 1);

  folder->id = sqlite3_column_int64 (stmt, 0);
  folder->name = _accord_state_column_text (stmt, 1);
  folder->remote_name = _accord_state_column_text (stmt, 2);
  folder->uidvalidity = (guint32) sqlite3_column_int64 (stmt, 3);
  folder->uidnext = (guint32) sqlite3_column_int64 (stmt, 4);
  folder->highestmodseq = (guint64) sqlite3_column_int64 (stmt, 5);
  folder->last_sync = sqlite3_column_int64 (stmt, 6);
  folder->last_error = _accord_state_column_text (stmt, 7);
  return folder;
}

/**
 * accord_sync_state_ensure_folder:
 * @name: the local folder name
 * @remote_name: (nullable): the server's name, stored if given
 *
 * Returns: the folder's id (> 0), or 0 with @error set
 */
gint64
accord_sync_state_ensure_folder (AccordSyncState  *self,
                                 const char       *name,
                                 const char       *remote_name,
                                 GError          **error)
{
  g_autoptr(CachedStmt) insert = NULL;
  g_autoptr(CachedStmt) select = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), 0);
  g_return_val_if_fail (name != NULL, 0);

  insert = _accord_state_prepare (self,
                                  "INSERT INTO folders (name, remote_name) VALUES (?1, ?2) "
                                  "ON CONFLICT (name) DO UPDATE "
                                  "SET remote_name = excluded.remote_name "
                                  /* Called for every folder on every sync: no write
                                   * when nothing changed. */
                                  "WHERE excluded.remote_name IS NOT NULL "
                                  "AND remote_name IS NOT excluded.remote_name",
                                  error);
  if (insert == NULL)
    return 0;

  sqlite3_bind_text (insert, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 2, remote_name, -1, SQLITE_STATIC);
  if (!_accord_state_step_done (self, insert, error))
    return 0;

  select = _accord_state_prepare (self, "SELECT id FROM folders WHERE name = ?1", error);
  if (select == NULL)
    return 0;

  sqlite3_bind_text (select, 1, name, -1, SQLITE_STATIC);
  if (!_accord_state_step_row (self, select, _("The sync state has no such folder"), error))
    return 0;

  return sqlite3_column_int64 (select, 0);
}

/**
 * accord_sync_state_get_server_value:
 * @key: what to recall, such as "capabilities"
 *
 * Returns: (transfer full) (nullable): what was stored under @key, or %NULL
 */
char *
accord_sync_state_get_server_value (AccordSyncState *self,
                                    const char      *key)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = _accord_state_prepare (self, "SELECT value FROM server WHERE key = ?1", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;

  return _accord_state_column_text (stmt, 0);
}

gboolean
accord_sync_state_set_server_value (AccordSyncState  *self,
                                    const char       *key,
                                    const char       *value,
                                    GError          **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);
  g_return_val_if_fail (key != NULL && value != NULL, FALSE);

  stmt = _accord_state_prepare (self,
                                "INSERT INTO server (key, value) VALUES (?1, ?2) "
                                "ON CONFLICT (key) DO UPDATE SET value = excluded.value "
                                "WHERE value != excluded.value",
                                error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);

  return _accord_state_step_done (self, stmt, error);
}

/**
 * accord_sync_state_lookup_folder:
 *
 * Returns: (transfer full): the folder named @name
 */
AccordStateFolder *
accord_sync_state_lookup_folder (AccordSyncState  *self,
                                 const char       *name,
                                 GError          **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  stmt = _accord_state_prepare (self,
                                "SELECT " FOLDER_COLUMNS " FROM folders WHERE name = ?1",
                                error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  if (!_accord_state_step_row (self, stmt, _("The sync state has no such folder"), error))
    return NULL;

  return _folder_from_row (stmt);
}

/**
 * accord_sync_state_get_folder:
 *
 * Returns: (transfer full): the folder with id @folder_id
 */
AccordStateFolder *
accord_sync_state_get_folder (AccordSyncState  *self,
                              gint64            folder_id,
                              GError          **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), NULL);

  stmt = _accord_state_prepare (self,
                                "SELECT " FOLDER_COLUMNS " FROM folders WHERE id = ?1",
                                error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, folder_id);
  if (!_accord_state_step_row (self, stmt, _("The sync state has no such folder"), error))
    return NULL;

  return _folder_from_row (stmt);
}

/**
 * accord_sync_state_list_folders:
 *
 * Returns: (transfer full) (element-type AccordStateFolder): the folders by name
 */
GPtrArray *
accord_sync_state_list_folders (AccordSyncState  *self,
                                GError          **error)
{
  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), NULL);

  return _accord_state_list_rows (self, "SELECT " FOLDER_COLUMNS " FROM folders ORDER BY name",
                                  _folder_from_row, (GDestroyNotify) accord_state_folder_free, error);
}

/**
 * accord_sync_state_set_cursor:
 *
 * Stores the folder's server cursors. Only inside a transaction — the one that also
 * records the changes the cursors cover — else %ACCORD_SYNC_STATE_ERROR_NO_TRANSACTION:
 * a cursor that moved without its changes would skip them for good.
 */
gboolean
accord_sync_state_set_cursor (AccordSyncState  *self,
                              gint64            folder_id,
                              guint32           uidvalidity,
                              guint32           uidnext,
                              guint64           highestmodseq,
                              GError          **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);

  if (self->db == NULL || sqlite3_get_autocommit (self->db))
    {
      g_set_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_NO_TRANSACTION,
                   _("A folder’s cursor can only move in the transaction that records "
                     "the changes it covers"));
      return FALSE;
    }

  stmt = _accord_state_prepare (self,
                                "UPDATE folders "
                                "SET uidvalidity = ?2, uidnext = ?3, highestmodseq = ?4 "
                                "WHERE id = ?1",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, uidvalidity);
  sqlite3_bind_int64 (stmt, 3, uidnext);
  sqlite3_bind_int64 (stmt, 4, (gint64) MIN (highestmodseq, (guint64) G_MAXINT64));
  return _accord_state_step_changed (self, stmt, _("The sync state has no such folder"), error);
}

/**
 * accord_sync_state_set_folder_status:
 * @last_sync: when the sync ended (Unix seconds)
 * @last_error: (nullable): why it failed, or %NULL after a success
 */
gboolean
accord_sync_state_set_folder_status (AccordSyncState  *self,
                                     gint64            folder_id,
                                     gint64            last_sync,
                                     const char       *last_error,
                                     GError          **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);

  stmt = _accord_state_prepare (self,
                                "UPDATE folders SET last_sync = ?2, last_error = ?3 WHERE id = ?1",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, last_sync);
  sqlite3_bind_text (stmt, 3, last_error, -1, SQLITE_STATIC);
  return _accord_state_step_changed (self, stmt, _("The sync state has no such folder"), error);
}

/**
 * accord_sync_state_rename_folder:
 * @remote_name: (nullable): the server's new name
 */
gboolean
accord_sync_state_rename_folder (AccordSyncState  *self,
                                 gint64            folder_id,
                                 const char       *name,
                                 const char       *remote_name,
                                 GError          **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  stmt = _accord_state_prepare (self,
                                "UPDATE folders SET name = ?2, remote_name = ?3 WHERE id = ?1",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, remote_name, -1, SQLITE_STATIC);
  return _accord_state_step_changed (self, stmt, _("The sync state has no such folder"), error);
}

/**
 * accord_sync_state_remove_folder:
 *
 * Removes the folder and its messages' rows. Intents and questions about it stay:
 * the engine decides what becomes of them.
 */
gboolean
accord_sync_state_remove_folder (AccordSyncState  *self,
                                 gint64            folder_id,
                                 GError          **error)
{
  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);

  return _accord_state_remove_by_id (self, "DELETE FROM folders WHERE id = ?1", folder_id,
                                     _("The sync state has no such folder"), error);
}

/* Messages */

#define MESSAGE_COLUMNS "folder_id, uid, key, flags, size, message_id"

static void
_message_from_row (sqlite3_stmt       *stmt,
                   AccordStateMessage *message)
{
  message->folder_id = sqlite3_column_int64 (stmt, 0);
  message->uid = (guint32) sqlite3_column_int64 (stmt, 1);
  message->key = (char *) sqlite3_column_text (stmt, 2);
  message->flags = (char *) sqlite3_column_text (stmt, 3);
  message->size = sqlite3_column_int64 (stmt, 4);
  message->message_id = (char *) sqlite3_column_text (stmt, 5);
}

/* A copy of @message that owns its strings (the rows of a statement do not). */
static AccordStateMessage *
_message_copy (const AccordStateMessage *message)
{
  AccordStateMessage *copy = g_memdup2 (message, sizeof *message);

  copy->key = g_strdup (message->key);
  copy->flags = g_strdup (message->flags);
  copy->message_id = g_strdup (message->message_id);
  return copy;
}

static AccordStateMessage *
_message_dup_row (sqlite3_stmt *stmt)
{
  AccordStateMessage message;

  _message_from_row (stmt, &message);
  return _message_copy (&message);
}

/**
 * accord_sync_state_put_message:
 *
 * Records the message, replacing the row of the same folder and UID.
 */
gboolean
accord_sync_state_put_message (AccordSyncState           *self,
                               const AccordStateMessage  *message,
                               GError                   **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);
  g_return_val_if_fail (message != NULL, FALSE);
  g_return_val_if_fail (message->key != NULL, FALSE);

  stmt = _accord_state_prepare (self,
                                "INSERT INTO messages (" MESSAGE_COLUMNS ") "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                                "ON CONFLICT (folder_id, uid) DO UPDATE SET key = excluded.key, "
                                "flags = excluded.flags, size = excluded.size, "
                                "message_id = excluded.message_id",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, message->folder_id);
  sqlite3_bind_int64 (stmt, 2, message->uid);
  sqlite3_bind_text (stmt, 3, message->key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, message->flags != NULL ? message->flags : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, message->size);
  sqlite3_bind_text (stmt, 6, message->message_id, -1, SQLITE_STATIC);
  return _accord_state_step_done (self, stmt, error);
}

gboolean
accord_sync_state_set_message_flags (AccordSyncState  *self,
                                     gint64            folder_id,
                                     guint32           uid,
                                     const char       *flags,
                                     GError          **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);

  stmt = _accord_state_prepare (self,
                                "UPDATE messages SET flags = ?3 WHERE folder_id = ?1 AND uid = ?2",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, uid);
  sqlite3_bind_text (stmt, 3, flags != NULL ? flags : "", -1, SQLITE_STATIC);
  return _accord_state_step_changed (self, stmt, _("The sync state has no such message"), error);
}

gboolean
accord_sync_state_remove_message (AccordSyncState  *self,
                                  gint64            folder_id,
                                  guint32           uid,
                                  GError          **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);

  stmt = _accord_state_prepare (self,
                                "DELETE FROM messages WHERE folder_id = ?1 AND uid = ?2",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, uid);
  return _accord_state_step_changed (self, stmt, _("The sync state has no such message"), error);
}

/**
 * accord_sync_state_remove_all_messages:
 *
 * Forgets every message of the folder, as after a UIDVALIDITY change.
 */
gboolean
accord_sync_state_remove_all_messages (AccordSyncState  *self,
                                       gint64            folder_id,
                                       GError          **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);

  stmt = _accord_state_prepare (self, "DELETE FROM messages WHERE folder_id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, folder_id);
  return _accord_state_step_done (self, stmt, error);
}

/**
 * accord_sync_state_lookup_message:
 *
 * Returns: (transfer full): the message with @uid in the folder
 */
AccordStateMessage *
accord_sync_state_lookup_message (AccordSyncState  *self,
                                  gint64            folder_id,
                                  guint32           uid,
                                  GError          **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), NULL);

  stmt = _accord_state_prepare (self,
                                "SELECT " MESSAGE_COLUMNS " FROM messages "
                                "WHERE folder_id = ?1 AND uid = ?2",
                                error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, uid);
  if (!_accord_state_step_row (self, stmt, _("The sync state has no such message"), error))
    return NULL;

  return _message_dup_row (stmt);
}

/**
 * accord_sync_state_lookup_message_by_key:
 *
 * Returns: (transfer full): the message whose file has @key (the lowest UID if
 *   several rows share it)
 */
AccordStateMessage *
accord_sync_state_lookup_message_by_key (AccordSyncState  *self,
                                         gint64            folder_id,
                                         const char       *key,
                                         GError          **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = _accord_state_prepare (self,
                                "SELECT " MESSAGE_COLUMNS " FROM messages "
                                "WHERE folder_id = ?1 AND key = ?2 "
                                "ORDER BY uid LIMIT 1",
                                error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_text (stmt, 2, key, -1, SQLITE_STATIC);
  if (!_accord_state_step_row (self, stmt, _("The sync state has no such message"), error))
    return NULL;

  return _message_dup_row (stmt);
}

/**
 * accord_sync_state_foreach_message:
 * @func: called with each message in UID order; the record lives only during the call
 *
 * Walks the folder's messages without copying them. @func may call other functions of
 * the sync state, even this one.
 */
gboolean
accord_sync_state_foreach_message (AccordSyncState         *self,
                                   gint64                   folder_id,
                                   AccordStateMessageFunc   func,
                                   gpointer                 user_data,
                                   GError                 **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (self->db == NULL)
    return _accord_state_closed (self, error);

  /* Not cached: a cached statement could not be walked again from inside @func. */
  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT " MESSAGE_COLUMNS " FROM messages WHERE folder_id = ?1 "
                           "ORDER BY uid",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _accord_state_sqlite_error (self, rc, error);

  sqlite3_bind_int64 (stmt, 1, folder_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AccordStateMessage message;

      _message_from_row (stmt, &message);
      if (!func (&message, user_data))
        {
          rc = SQLITE_DONE;
          break;
        }
    }

  if (rc != SQLITE_DONE)
    _accord_state_sqlite_error (self, rc, error);

  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}

static gboolean
_collect_message (const AccordStateMessage *message,
                  gpointer                  user_data)
{
  g_ptr_array_add (user_data, _message_copy (message));
  return TRUE;
}

/**
 * accord_sync_state_list_messages:
 *
 * Returns: (transfer full) (element-type AccordStateMessage): the folder's messages
 *   in UID order
 */
GPtrArray *
accord_sync_state_list_messages (AccordSyncState  *self,
                                 gint64            folder_id,
                                 GError          **error)
{
  g_autoptr(GPtrArray) messages = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), NULL);

  messages = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_state_message_free);
  if (!accord_sync_state_foreach_message (self, folder_id, _collect_message, messages, error))
    return NULL;

  return g_steal_pointer (&messages);
}

/**
 * accord_sync_state_count_messages:
 *
 * Returns: how many messages the folder has, or -1 with @error set
 */
gint64
accord_sync_state_count_messages (AccordSyncState  *self,
                                  gint64            folder_id,
                                  GError          **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), -1);

  stmt = _accord_state_prepare (self, "SELECT count(*) FROM messages WHERE folder_id = ?1", error);
  if (stmt == NULL)
    return -1;

  sqlite3_bind_int64 (stmt, 1, folder_id);
  if (!_accord_state_step_row (self, stmt, _("The sync state has no such folder"), error))
    return -1;

  return sqlite3_column_int64 (stmt, 0);
}
