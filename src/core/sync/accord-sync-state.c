/* accord-sync-state.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "accord-sync-state.h"

/**
 * AccordSyncState:
 *
 * One account's sync state: an SQLite database
 * ($XDG_DATA_HOME/accord/<account>/state.sqlite) with the folders and their server
 * cursors, the UID ↔ file map with the last-synced flags, the intent journal of remote
 * writes, the queued questions, the POP3 UIDLs and the outbox.
 *
 * WAL with synchronous=FULL: every commit is on disk when it returns. NORMAL would
 * survive a crashed process just as well, but after a power cut it may lose the last
 * commits, and the journal is only worth something if an intent recorded before a
 * remote command is still there after any crash; likewise a delivered message's row.
 * A commit costs one fsync; bulk work goes in one transaction, so that is cheap.
 *
 * Queries are synchronous: on a local disk with WAL they take microseconds, so they
 * may run on the main loop; opening (which may migrate) has an _async variant. Use an
 * object from one thread at a time. A file that is not an Accord sync state, or is
 * damaged, gives %ACCORD_SYNC_STATE_ERROR_CORRUPT naming it; it is never written over.
 *
 * Lookups of something absent fail with %ACCORD_SYNC_STATE_ERROR_NOT_FOUND, as do
 * updates and removals of a row that is not there.
 */
struct _AccordSyncState
{
  GObject     parent_instance;

  char       *path;
  sqlite3    *db;
  GHashTable *statements;  /* SQL → sqlite3_stmt, prepared once */
  guint       depth;       /* open transactions, the outer one and its savepoints */
};

static void initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AccordSyncState, accord_sync_state, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, initable_iface_init))

G_DEFINE_QUARK (accord-sync-state-error-quark, accord_sync_state_error)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* PRAGMA application_id: "ACrd". A database without it and without tables is new;
 * with another one, or tables but no id, it belongs to something else. */
#define APPLICATION_ID 0x41437264

/* Another process (accordctl, a second window) may hold the write lock briefly. */
#define BUSY_TIMEOUT_MS 5000

/* migrations[n] takes the schema from version n to n + 1. */
static const char * const migrations[] = {
  "CREATE TABLE folders ("
  "  id            INTEGER PRIMARY KEY,"
  "  name          TEXT NOT NULL UNIQUE,"
  "  remote_name   TEXT,"
  "  uidvalidity   INTEGER NOT NULL DEFAULT 0,"
  "  uidnext       INTEGER NOT NULL DEFAULT 0,"
  "  highestmodseq INTEGER NOT NULL DEFAULT 0,"
  "  last_sync     INTEGER NOT NULL DEFAULT 0,"
  "  last_error    TEXT"
  ");"
  "CREATE TABLE messages ("
  "  folder_id  INTEGER NOT NULL REFERENCES folders (id) ON DELETE CASCADE,"
  "  uid        INTEGER NOT NULL,"
  "  key        TEXT NOT NULL,"
  "  flags      TEXT NOT NULL DEFAULT '',"
  "  size       INTEGER NOT NULL DEFAULT 0,"
  "  message_id TEXT,"
  "  PRIMARY KEY (folder_id, uid)"
  ") WITHOUT ROWID;"
  "CREATE INDEX messages_by_key ON messages (folder_id, key);"
  "CREATE INDEX messages_by_message_id ON messages (folder_id, message_id);"
  "CREATE TABLE intents ("
  "  id        INTEGER PRIMARY KEY,"
  "  kind      TEXT NOT NULL,"
  "  folder_id INTEGER,"
  "  payload   TEXT NOT NULL DEFAULT '',"
  "  created   INTEGER NOT NULL"
  ");"
  "CREATE TABLE pop3_uidls ("
  "  uidl         TEXT PRIMARY KEY,"
  "  key          TEXT,"
  "  first_seen   INTEGER NOT NULL,"
  "  deleted_here INTEGER NOT NULL DEFAULT 0"
  ") WITHOUT ROWID;"
  "CREATE TABLE decisions ("
  "  id        INTEGER PRIMARY KEY,"
  "  kind      TEXT NOT NULL,"
  "  folder_id INTEGER,"
  "  detail    TEXT NOT NULL DEFAULT '',"
  "  created   INTEGER NOT NULL"
  ");"
  "CREATE TABLE outbox ("
  "  key        TEXT PRIMARY KEY,"
  "  attempts   INTEGER NOT NULL DEFAULT 0,"
  "  last_error TEXT,"
  "  state      TEXT NOT NULL DEFAULT 'queued',"
  "  updated    INTEGER NOT NULL"
  ") WITHOUT ROWID;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == ACCORD_SYNC_STATE_SCHEMA_VERSION);

static const char * const outbox_states[] = {
  [ACCORD_STATE_OUTBOX_QUEUED] = "queued",
  [ACCORD_STATE_OUTBOX_SENDING] = "sending",
  [ACCORD_STATE_OUTBOX_SENT] = "sent",
  [ACCORD_STATE_OUTBOX_FAILED] = "failed",
};

/* A cached statement, reset (not finalized) when it goes out of scope. */
typedef sqlite3_stmt CachedStmt;

static void
_cached_stmt_reset (CachedStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CachedStmt, _cached_stmt_reset)

static gint64
_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

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

void
accord_state_intent_free (AccordStateIntent *intent)
{
  if (intent == NULL)
    return;

  g_free (intent->kind);
  g_free (intent->payload);
  g_free (intent);
}

void
accord_state_decision_free (AccordStateDecision *decision)
{
  if (decision == NULL)
    return;

  g_free (decision->kind);
  g_free (decision->detail);
  g_free (decision);
}

void
accord_state_pop3_uidl_free (AccordStatePop3Uidl *uidl)
{
  if (uidl == NULL)
    return;

  g_free (uidl->uidl);
  g_free (uidl->key);
  g_free (uidl);
}

void
accord_state_outbox_item_free (AccordStateOutboxItem *item)
{
  if (item == NULL)
    return;

  g_free (item->key);
  g_free (item->last_error);
  g_free (item);
}

static char *
_column_text (sqlite3_stmt *stmt,
              int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* Errors */

static gboolean
_sqlite_error (AccordSyncState  *self,
               int               rc,
               GError          **error)
{
  const char *message = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
    g_set_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_CORRUPT,
                 _("The sync state “%s” is damaged: %s"), self->path, message);
  else
    g_set_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_FAILED,
                 _("Could not use the sync state “%s”: %s"), self->path, message);

  return FALSE;
}

static gboolean
_not_found (GError     **error,
            const char  *message)
{
  g_set_error_literal (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_NOT_FOUND,
                       message);
  return FALSE;
}

static gboolean
_closed (AccordSyncState  *self,
         GError          **error)
{
  g_set_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_FAILED,
               _("The sync state “%s” is closed"), self->path);
  return FALSE;
}

/* Statements */

static CachedStmt *
_prepare (AccordSyncState  *self,
          const char       *sql,
          GError          **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (self->db == NULL)
    {
      _closed (self, error);
      return NULL;
    }

  if ((stmt = g_hash_table_lookup (self->statements, sql)) != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _sqlite_error (self, rc, error);
      return NULL;
    }

  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

static gboolean
_step_done (AccordSyncState  *self,
            sqlite3_stmt     *stmt,
            GError          **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    return _sqlite_error (self, rc, error);

  return TRUE;
}

/* SQLITE_ROW → TRUE; no row → FALSE with NOT_FOUND and the message @not_found. */
static gboolean
_step_row (AccordSyncState  *self,
           sqlite3_stmt     *stmt,
           const char       *not_found,
           GError          **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc == SQLITE_DONE)
    return _not_found (error, not_found);
  return _sqlite_error (self, rc, error);
}

/* For UPDATE and DELETE of one row: not there is NOT_FOUND. */
static gboolean
_step_changed (AccordSyncState  *self,
               sqlite3_stmt     *stmt,
               const char       *not_found,
               GError          **error)
{
  if (!_step_done (self, stmt, error))
    return FALSE;

  if (sqlite3_changes (self->db) == 0)
    return _not_found (error, not_found);

  return TRUE;
}

static gboolean
_exec (AccordSyncState  *self,
       const char       *sql,
       GError          **error)
{
  g_autoptr(CachedStmt) stmt = _prepare (self, sql, error);

  return stmt != NULL && _step_done (self, stmt, error);
}

/* A folder id of 0 is stored as NULL. */
static void
_bind_folder_id (sqlite3_stmt *stmt,
                 int           index,
                 gint64        folder_id)
{
  if (folder_id > 0)
    sqlite3_bind_int64 (stmt, index, folder_id);
  else
    sqlite3_bind_null (stmt, index);
}

/* Opening */

static gboolean
_query_int (AccordSyncState  *self,
            const char       *sql,
            gint64           *value,
            GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *value = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
    }

  if (rc != SQLITE_OK)
    _sqlite_error (self, rc, error);

  sqlite3_finalize (stmt);
  return rc == SQLITE_OK;
}

static gboolean
_exec_script (AccordSyncState  *self,
              const char       *sql,
              GError          **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return _sqlite_error (self, rc, error);

  return TRUE;
}

static gboolean
_foreign (AccordSyncState  *self,
          GError          **error)
{
  g_set_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_CORRUPT,
               _("“%s” is not an Accord sync state; move it away and Accord will start "
                 "a new one"), self->path);
  return FALSE;
}

/* Reads what the file is before anything writes to it. */
static gboolean
_check_identity (AccordSyncState  *self,
                 gint64           *version,
                 GError          **error)
{
  gint64 application_id;
  gint64 objects;

  if (!_query_int (self, "PRAGMA application_id", &application_id, error) ||
      !_query_int (self, "PRAGMA user_version", version, error) ||
      !_query_int (self, "SELECT count(*) FROM sqlite_master", &objects, error))
    return FALSE;

  if (application_id == APPLICATION_ID)
    {
      if (*version > ACCORD_SYNC_STATE_SCHEMA_VERSION)
        {
          g_set_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_TOO_NEW,
                       _("The sync state “%s” was written by a newer version of Accord"),
                       self->path);
          return FALSE;
        }
      return TRUE;
    }

  if (application_id == 0 && *version == 0 && objects == 0)
    return TRUE;

  return _foreign (self, error);
}

static gboolean
_migrate (AccordSyncState  *self,
          GError          **error)
{
  g_autofree char *set_version = NULL;
  gint64 version;

  if (!_exec_script (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  /* Another process may have migrated while this one waited for the lock. */
  if (!_check_identity (self, &version, error))
    goto fail;

  for (; version < ACCORD_SYNC_STATE_SCHEMA_VERSION; version++)
    if (!_exec_script (self, migrations[version], error))
      goto fail;

  set_version = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %d",
                                 APPLICATION_ID, ACCORD_SYNC_STATE_SCHEMA_VERSION);
  if (!_exec_script (self, set_version, error) || !_exec_script (self, "COMMIT", error))
    goto fail;

  return TRUE;

fail:
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static gboolean
_open_database (AccordSyncState  *self,
                GError          **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  gint64 version;
  int rc;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create folder “%s”: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    return _sqlite_error (self, rc, error);

  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  if (!_check_identity (self, &version, error))
    return FALSE;

  /* WAL: readers (accordctl) never block the sync, and a commit is one append. */
  if (!_exec_script (self, "PRAGMA journal_mode = WAL", error) ||
      !_exec_script (self, "PRAGMA synchronous = FULL", error) ||
      !_exec_script (self, "PRAGMA foreign_keys = ON", error))
    return FALSE;

  if (version < ACCORD_SYNC_STATE_SCHEMA_VERSION && !_migrate (self, error))
    return FALSE;

  return TRUE;
}

/* GObject */

static void
_close_database (AccordSyncState *self)
{
  if (self->db == NULL)
    return;

  if (self->depth > 0)
    g_warning ("Closing the sync state “%s” inside a transaction: rolling it back",
               self->path);

  g_hash_table_remove_all (self->statements);
  sqlite3_close (self->db);
  self->db = NULL;
  self->depth = 0;
}

static void
accord_sync_state_finalize (GObject *object)
{
  AccordSyncState *self = (AccordSyncState *)object;

  _close_database (self);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (accord_sync_state_parent_class)->finalize (object);
}

static void
accord_sync_state_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AccordSyncState *self = ACCORD_SYNC_STATE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
accord_sync_state_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  AccordSyncState *self = ACCORD_SYNC_STATE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
accord_sync_state_class_init (AccordSyncStateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = accord_sync_state_finalize;
  object_class->get_property = accord_sync_state_get_property;
  object_class->set_property = accord_sync_state_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
accord_sync_state_init (AccordSyncState *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                            (GDestroyNotify) sqlite3_finalize);
}

static gboolean
accord_sync_state_initable_init (GInitable     *initable,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  AccordSyncState *self = ACCORD_SYNC_STATE (initable);

  g_return_val_if_fail (self->path != NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (!_open_database (self, error))
    {
      _close_database (self);
      return FALSE;
    }

  return TRUE;
}

static void
initable_iface_init (GInitableIface *iface)
{
  iface->init = accord_sync_state_initable_init;
}

/**
 * accord_sync_state_default_path:
 *
 * Returns: (transfer full): where the sync state of account @account_id lives
 */
char *
accord_sync_state_default_path (const char *account_id)
{
  g_return_val_if_fail (account_id != NULL, NULL);

  return g_build_filename (g_get_user_data_dir (), "accord", account_id, "state.sqlite",
                           NULL);
}

/**
 * accord_sync_state_open:
 * @path: the database file; it and its folder are created if missing
 *
 * Opens the database, creating or migrating its schema. Blocks: from the main loop,
 * use accord_sync_state_open_async().
 *
 * Returns: (transfer full): the sync state, or %NULL with %ACCORD_SYNC_STATE_ERROR_CORRUPT
 *   for a file that is not one, %ACCORD_SYNC_STATE_ERROR_TOO_NEW, or another error
 */
AccordSyncState *
accord_sync_state_open (const char    *path,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_initable_new (ACCORD_TYPE_SYNC_STATE, cancellable, error,
                         "path", path,
                         NULL);
}

static void
_open_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;
  AccordSyncState *state = accord_sync_state_open (task_data, cancellable, &error);

  if (state == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, state, g_object_unref);
}

void
accord_sync_state_open_async (const char          *path,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_sync_state_open_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, _open_thread);
}

/**
 * accord_sync_state_open_finish:
 *
 * Returns: (transfer full): the sync state
 */
AccordSyncState *
accord_sync_state_open_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        accord_sync_state_open_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * accord_sync_state_close:
 *
 * Closes the database now rather than when the last reference goes; an open
 * transaction is rolled back. Later calls fail.
 */
void
accord_sync_state_close (AccordSyncState *self)
{
  g_return_if_fail (ACCORD_IS_SYNC_STATE (self));

  _close_database (self);
}

const char *
accord_sync_state_get_path (AccordSyncState *self)
{
  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), NULL);

  return self->path;
}

/* Transactions */

/**
 * accord_sync_state_begin:
 *
 * Starts a transaction, or a savepoint inside the current one. The outer one takes
 * the write lock at once (BEGIN IMMEDIATE), so it never fails half-way for a lock.
 */
gboolean
accord_sync_state_begin (AccordSyncState  *self,
                         GError          **error)
{
  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);

  if (!_exec (self, self->depth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT accord_nested", error))
    return FALSE;

  self->depth++;
  return TRUE;
}

/**
 * accord_sync_state_commit:
 *
 * Ends the innermost transaction. The outer one is durable when this returns; if it
 * cannot commit, it is rolled back and the error says why.
 */
gboolean
accord_sync_state_commit (AccordSyncState  *self,
                          GError          **error)
{
  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);
  g_return_val_if_fail (self->depth > 0, FALSE);

  self->depth--;
  if (self->depth > 0)
    return _exec (self, "RELEASE accord_nested", error);

  if (_exec (self, "COMMIT", error))
    return TRUE;

  if (self->db != NULL && !sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

/**
 * accord_sync_state_rollback:
 *
 * Undoes the innermost transaction.
 */
void
accord_sync_state_rollback (AccordSyncState *self)
{
  g_return_if_fail (ACCORD_IS_SYNC_STATE (self));
  g_return_if_fail (self->depth > 0);

  self->depth--;
  if (self->db == NULL)
    return;

  /* An error such as a full disk may have ended the transaction already. */
  if (self->depth == 0)
    {
      if (!sqlite3_get_autocommit (self->db))
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
    }
  else
    sqlite3_exec (self->db, "ROLLBACK TO accord_nested; RELEASE accord_nested",
                  NULL, NULL, NULL);
}

gboolean
accord_sync_state_in_transaction (AccordSyncState *self)
{
  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);

  return self->depth > 0;
}

/**
 * accord_sync_state_transaction:
 * @func: the work; it returns %FALSE with its error set to roll everything back
 *
 * Runs @func inside a transaction and commits what it did, or none of it.
 */
gboolean
accord_sync_state_transaction (AccordSyncState                 *self,
                               AccordSyncStateTransactionFunc   func,
                               gpointer                         user_data,
                               GError                         **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (!accord_sync_state_begin (self, error))
    return FALSE;

  if (!func (self, user_data, &local_error))
    {
      accord_sync_state_rollback (self);
      if (local_error == NULL)
        g_set_error (&local_error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_FAILED,
                     _("The change to the sync state was abandoned"));
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return accord_sync_state_commit (self, error);
}

/* Folders */

#define FOLDER_COLUMNS \
  "id, name, remote_name, uidvalidity, uidnext, highestmodseq, last_sync, last_error"

static AccordStateFolder *
_folder_from_row (sqlite3_stmt *stmt)
{
  AccordStateFolder *folder = g_new0 (AccordStateFolder, 1);

  folder->id = sqlite3_column_int64 (stmt, 0);
  folder->name = _column_text (stmt, 1);
  folder->remote_name = _column_text (stmt, 2);
  folder->uidvalidity = (guint32) sqlite3_column_int64 (stmt, 3);
  folder->uidnext = (guint32) sqlite3_column_int64 (stmt, 4);
  folder->highestmodseq = (guint64) sqlite3_column_int64 (stmt, 5);
  folder->last_sync = sqlite3_column_int64 (stmt, 6);
  folder->last_error = _column_text (stmt, 7);
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

  insert = _prepare (self,
                     "INSERT INTO folders (name, remote_name) VALUES (?1, ?2) "
                     "ON CONFLICT (name) DO UPDATE "
                     "SET remote_name = coalesce (excluded.remote_name, remote_name)",
                     error);
  if (insert == NULL)
    return 0;

  sqlite3_bind_text (insert, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 2, remote_name, -1, SQLITE_STATIC);
  if (!_step_done (self, insert, error))
    return 0;

  select = _prepare (self, "SELECT id FROM folders WHERE name = ?1", error);
  if (select == NULL)
    return 0;

  sqlite3_bind_text (select, 1, name, -1, SQLITE_STATIC);
  if (!_step_row (self, select, _("The sync state has no such folder"), error))
    return 0;

  return sqlite3_column_int64 (select, 0);
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

  stmt = _prepare (self, "SELECT " FOLDER_COLUMNS " FROM folders WHERE name = ?1", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  if (!_step_row (self, stmt, _("The sync state has no such folder"), error))
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

  stmt = _prepare (self, "SELECT " FOLDER_COLUMNS " FROM folders WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, folder_id);
  if (!_step_row (self, stmt, _("The sync state has no such folder"), error))
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
  g_autoptr(CachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  int rc;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), NULL);

  stmt = _prepare (self, "SELECT " FOLDER_COLUMNS " FROM folders ORDER BY name", error);
  if (stmt == NULL)
    return NULL;

  folders = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_state_folder_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (folders, _folder_from_row (stmt));

  if (rc != SQLITE_DONE)
    {
      _sqlite_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&folders);
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

  stmt = _prepare (self,
                   "UPDATE folders SET uidvalidity = ?2, uidnext = ?3, highestmodseq = ?4 "
                   "WHERE id = ?1",
                   error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, uidvalidity);
  sqlite3_bind_int64 (stmt, 3, uidnext);
  sqlite3_bind_int64 (stmt, 4, (gint64) MIN (highestmodseq, (guint64) G_MAXINT64));
  return _step_changed (self, stmt, _("The sync state has no such folder"), error);
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

  stmt = _prepare (self, "UPDATE folders SET last_sync = ?2, last_error = ?3 WHERE id = ?1",
                   error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, last_sync);
  sqlite3_bind_text (stmt, 3, last_error, -1, SQLITE_STATIC);
  return _step_changed (self, stmt, _("The sync state has no such folder"), error);
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

  stmt = _prepare (self, "UPDATE folders SET name = ?2, remote_name = ?3 WHERE id = ?1",
                   error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, remote_name, -1, SQLITE_STATIC);
  return _step_changed (self, stmt, _("The sync state has no such folder"), error);
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
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);

  stmt = _prepare (self, "DELETE FROM folders WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, folder_id);
  return _step_changed (self, stmt, _("The sync state has no such folder"), error);
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

static AccordStateMessage *
_message_dup_row (sqlite3_stmt *stmt)
{
  AccordStateMessage *message = g_new0 (AccordStateMessage, 1);

  _message_from_row (stmt, message);
  message->key = g_strdup (message->key);
  message->flags = g_strdup (message->flags);
  message->message_id = g_strdup (message->message_id);
  return message;
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

  stmt = _prepare (self,
                   "INSERT INTO messages (" MESSAGE_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
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
  return _step_done (self, stmt, error);
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

  stmt = _prepare (self, "UPDATE messages SET flags = ?3 WHERE folder_id = ?1 AND uid = ?2",
                   error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, uid);
  sqlite3_bind_text (stmt, 3, flags != NULL ? flags : "", -1, SQLITE_STATIC);
  return _step_changed (self, stmt, _("The sync state has no such message"), error);
}

gboolean
accord_sync_state_remove_message (AccordSyncState  *self,
                                  gint64            folder_id,
                                  guint32           uid,
                                  GError          **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);

  stmt = _prepare (self, "DELETE FROM messages WHERE folder_id = ?1 AND uid = ?2", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, uid);
  return _step_changed (self, stmt, _("The sync state has no such message"), error);
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

  stmt = _prepare (self, "DELETE FROM messages WHERE folder_id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, folder_id);
  return _step_done (self, stmt, error);
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

  stmt = _prepare (self,
                   "SELECT " MESSAGE_COLUMNS " FROM messages WHERE folder_id = ?1 AND uid = ?2",
                   error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, uid);
  if (!_step_row (self, stmt, _("The sync state has no such message"), error))
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

  stmt = _prepare (self,
                   "SELECT " MESSAGE_COLUMNS " FROM messages WHERE folder_id = ?1 AND key = ?2 "
                   "ORDER BY uid LIMIT 1",
                   error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_text (stmt, 2, key, -1, SQLITE_STATIC);
  if (!_step_row (self, stmt, _("The sync state has no such message"), error))
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
    return _closed (self, error);

  /* Not cached: a cached statement could not be walked again from inside @func. */
  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT " MESSAGE_COLUMNS " FROM messages WHERE folder_id = ?1 "
                           "ORDER BY uid",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _sqlite_error (self, rc, error);

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
    _sqlite_error (self, rc, error);

  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}

static gboolean
_collect_message (const AccordStateMessage *message,
                  gpointer                  user_data)
{
  AccordStateMessage *copy = g_memdup2 (message, sizeof *message);

  copy->key = g_strdup (message->key);
  copy->flags = g_strdup (message->flags);
  copy->message_id = g_strdup (message->message_id);
  g_ptr_array_add (user_data, copy);
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

  stmt = _prepare (self, "SELECT count(*) FROM messages WHERE folder_id = ?1", error);
  if (stmt == NULL)
    return -1;

  sqlite3_bind_int64 (stmt, 1, folder_id);
  if (!_step_row (self, stmt, _("The sync state has no such folder"), error))
    return -1;

  return sqlite3_column_int64 (stmt, 0);
}

/* Intents and decisions: the same shape, in two tables */

static gint64
_add_entry (AccordSyncState  *self,
            const char       *sql,
            const char       *kind,
            gint64            folder_id,
            const char       *text,
            GError          **error)
{
  g_autoptr(CachedStmt) stmt = _prepare (self, sql, error);

  if (stmt == NULL)
    return 0;

  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  _bind_folder_id (stmt, 2, folder_id);
  sqlite3_bind_text (stmt, 3, text != NULL ? text : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, _now ());
  if (!_step_done (self, stmt, error))
    return 0;

  return sqlite3_last_insert_rowid (self->db);
}

typedef gpointer (*EntryFromRow) (sqlite3_stmt *stmt);

static GPtrArray *
_list_entries (AccordSyncState  *self,
               const char       *sql,
               EntryFromRow      from_row,
               GDestroyNotify    free_func,
               GError          **error)
{
  g_autoptr(CachedStmt) stmt = _prepare (self, sql, error);
  g_autoptr(GPtrArray) entries = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;

  entries = g_ptr_array_new_with_free_func (free_func);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (entries, from_row (stmt));

  if (rc != SQLITE_DONE)
    {
      _sqlite_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&entries);
}

static gboolean
_remove_by_id (AccordSyncState  *self,
               const char       *sql,
               gint64            id,
               const char       *not_found,
               GError          **error)
{
  g_autoptr(CachedStmt) stmt = _prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  return _step_changed (self, stmt, not_found, error);
}

static gpointer
_intent_from_row (sqlite3_stmt *stmt)
{
  AccordStateIntent *intent = g_new0 (AccordStateIntent, 1);

  intent->id = sqlite3_column_int64 (stmt, 0);
  intent->kind = _column_text (stmt, 1);
  intent->folder_id = sqlite3_column_int64 (stmt, 2);
  intent->payload = _column_text (stmt, 3);
  intent->created = sqlite3_column_int64 (stmt, 4);
  return intent;
}

/**
 * accord_sync_state_add_intent:
 * @folder_id: the folder, or 0
 * @payload: (nullable): what finishing or reconciling the write needs
 *
 * Journals a remote write. Outside a transaction it is durable when this returns:
 * send the command only then. Remove the intent in the transaction that records the
 * command's effect.
 *
 * Returns: the intent's id (> 0), or 0 with @error set
 */
gint64
accord_sync_state_add_intent (AccordSyncState  *self,
                              const char       *kind,
                              gint64            folder_id,
                              const char       *payload,
                              GError          **error)
{
  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), 0);
  g_return_val_if_fail (kind != NULL, 0);

  return _add_entry (self,
                     "INSERT INTO intents (kind, folder_id, payload, created) "
                     "VALUES (?1, ?2, ?3, ?4)",
                     kind, folder_id, payload, error);
}

/**
 * accord_sync_state_list_intents:
 *
 * Returns: (transfer full) (element-type AccordStateIntent): the open intents, oldest
 *   first
 */
GPtrArray *
accord_sync_state_list_intents (AccordSyncState  *self,
                                GError          **error)
{
  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), NULL);

  return _list_entries (self,
                        "SELECT id, kind, folder_id, payload, created FROM intents "
                        "ORDER BY id",
                        _intent_from_row, (GDestroyNotify) accord_state_intent_free, error);
}

gboolean
accord_sync_state_remove_intent (AccordSyncState  *self,
                                 gint64            intent_id,
                                 GError          **error)
{
  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);

  return _remove_by_id (self, "DELETE FROM intents WHERE id = ?1", intent_id,
                        _("The sync state has no such intent"), error);
}

static gpointer
_decision_from_row (sqlite3_stmt *stmt)
{
  AccordStateDecision *decision = g_new0 (AccordStateDecision, 1);

  decision->id = sqlite3_column_int64 (stmt, 0);
  decision->kind = _column_text (stmt, 1);
  decision->folder_id = sqlite3_column_int64 (stmt, 2);
  decision->detail = _column_text (stmt, 3);
  decision->created = sqlite3_column_int64 (stmt, 4);
  return decision;
}

/**
 * accord_sync_state_add_decision:
 * @folder_id: the folder, or 0
 * @detail: (nullable): what the person is asked
 *
 * Returns: the question's id (> 0), or 0 with @error set
 */
gint64
accord_sync_state_add_decision (AccordSyncState  *self,
                                const char       *kind,
                                gint64            folder_id,
                                const char       *detail,
                                GError          **error)
{
  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), 0);
  g_return_val_if_fail (kind != NULL, 0);

  return _add_entry (self,
                     "INSERT INTO decisions (kind, folder_id, detail, created) "
                     "VALUES (?1, ?2, ?3, ?4)",
                     kind, folder_id, detail, error);
}

/**
 * accord_sync_state_list_decisions:
 *
 * Returns: (transfer full) (element-type AccordStateDecision): the open questions,
 *   oldest first
 */
GPtrArray *
accord_sync_state_list_decisions (AccordSyncState  *self,
                                  GError          **error)
{
  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), NULL);

  return _list_entries (self,
                        "SELECT id, kind, folder_id, detail, created FROM decisions "
                        "ORDER BY id",
                        _decision_from_row, (GDestroyNotify) accord_state_decision_free,
                        error);
}

gboolean
accord_sync_state_remove_decision (AccordSyncState  *self,
                                   gint64            decision_id,
                                   GError          **error)
{
  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);

  return _remove_by_id (self, "DELETE FROM decisions WHERE id = ?1", decision_id,
                        _("The sync state has no such question"), error);
}

/* POP3 */

static gpointer
_pop3_uidl_from_row (sqlite3_stmt *stmt)
{
  AccordStatePop3Uidl *uidl = g_new0 (AccordStatePop3Uidl, 1);

  uidl->uidl = _column_text (stmt, 0);
  uidl->key = _column_text (stmt, 1);
  uidl->first_seen = sqlite3_column_int64 (stmt, 2);
  uidl->deleted_here = sqlite3_column_int (stmt, 3) != 0;
  return uidl;
}

/**
 * accord_sync_state_pop3_put:
 * @key: (nullable): the Maildir key the message was delivered as
 * @first_seen: when the UIDL was first listed (Unix seconds)
 *
 * Records @uidl. A UIDL recorded already gets the new @key but keeps its first_seen and
 * deleted_here.
 */
gboolean
accord_sync_state_pop3_put (AccordSyncState  *self,
                            const char       *uidl,
                            const char       *key,
                            gint64            first_seen,
                            GError          **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);
  g_return_val_if_fail (uidl != NULL, FALSE);

  stmt = _prepare (self,
                   "INSERT INTO pop3_uidls (uidl, key, first_seen) VALUES (?1, ?2, ?3) "
                   "ON CONFLICT (uidl) DO UPDATE SET key = excluded.key",
                   error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, uidl, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, first_seen);
  return _step_done (self, stmt, error);
}

/**
 * accord_sync_state_pop3_lookup:
 *
 * Returns: (transfer full): what is known of @uidl
 */
AccordStatePop3Uidl *
accord_sync_state_pop3_lookup (AccordSyncState  *self,
                               const char       *uidl,
                               GError          **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), NULL);
  g_return_val_if_fail (uidl != NULL, NULL);

  stmt = _prepare (self,
                   "SELECT uidl, key, first_seen, deleted_here FROM pop3_uidls WHERE uidl = ?1",
                   error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, uidl, -1, SQLITE_STATIC);
  if (!_step_row (self, stmt, _("The sync state has no such POP3 message"), error))
    return NULL;

  return _pop3_uidl_from_row (stmt);
}

/**
 * accord_sync_state_pop3_list:
 *
 * Returns: (transfer full) (element-type AccordStatePop3Uidl): every UIDL, oldest first
 */
GPtrArray *
accord_sync_state_pop3_list (AccordSyncState  *self,
                             GError          **error)
{
  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), NULL);

  return _list_entries (self,
                        "SELECT uidl, key, first_seen, deleted_here FROM pop3_uidls "
                        "ORDER BY first_seen, uidl",
                        _pop3_uidl_from_row, (GDestroyNotify) accord_state_pop3_uidl_free,
                        error);
}

gboolean
accord_sync_state_pop3_set_deleted_here (AccordSyncState  *self,
                                         const char       *uidl,
                                         gboolean          deleted_here,
                                         GError          **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);
  g_return_val_if_fail (uidl != NULL, FALSE);

  stmt = _prepare (self, "UPDATE pop3_uidls SET deleted_here = ?2 WHERE uidl = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, uidl, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, deleted_here ? 1 : 0);
  return _step_changed (self, stmt, _("The sync state has no such POP3 message"), error);
}

gboolean
accord_sync_state_pop3_remove (AccordSyncState  *self,
                               const char       *uidl,
                               GError          **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);
  g_return_val_if_fail (uidl != NULL, FALSE);

  stmt = _prepare (self, "DELETE FROM pop3_uidls WHERE uidl = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, uidl, -1, SQLITE_STATIC);
  return _step_changed (self, stmt, _("The sync state has no such POP3 message"), error);
}

/* The outbox */

static AccordStateOutboxStatus
_outbox_status_from_text (const char *text)
{
  for (guint i = 0; i < G_N_ELEMENTS (outbox_states); i++)
    if (g_strcmp0 (text, outbox_states[i]) == 0)
      return i;

  /* Written by a newer Accord: leave it to the person rather than resend it. */
  return ACCORD_STATE_OUTBOX_FAILED;
}

static gpointer
_outbox_item_from_row (sqlite3_stmt *stmt)
{
  AccordStateOutboxItem *item = g_new0 (AccordStateOutboxItem, 1);

  item->key = _column_text (stmt, 0);
  item->attempts = (guint) sqlite3_column_int64 (stmt, 1);
  item->last_error = _column_text (stmt, 2);
  item->status = _outbox_status_from_text ((const char *) sqlite3_column_text (stmt, 3));
  item->updated = sqlite3_column_int64 (stmt, 4);
  return item;
}

/**
 * accord_sync_state_outbox_add:
 *
 * Queues the message @key for sending; one queued already stays as it is.
 */
gboolean
accord_sync_state_outbox_add (AccordSyncState  *self,
                              const char       *key,
                              GError          **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  stmt = _prepare (self,
                   "INSERT INTO outbox (key, state, updated) VALUES (?1, 'queued', ?2) "
                   "ON CONFLICT (key) DO NOTHING",
                   error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, _now ());
  return _step_done (self, stmt, error);
}

/**
 * accord_sync_state_outbox_update:
 * @last_error: (nullable): why the last attempt failed
 */
gboolean
accord_sync_state_outbox_update (AccordSyncState          *self,
                                 const char               *key,
                                 AccordStateOutboxStatus   status,
                                 guint                     attempts,
                                 const char               *last_error,
                                 GError                  **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (status < G_N_ELEMENTS (outbox_states), FALSE);

  stmt = _prepare (self,
                   "UPDATE outbox SET state = ?2, attempts = ?3, last_error = ?4, updated = ?5 "
                   "WHERE key = ?1",
                   error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, outbox_states[status], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, attempts);
  sqlite3_bind_text (stmt, 4, last_error, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, _now ());
  return _step_changed (self, stmt, _("The outbox has no such message"), error);
}

/**
 * accord_sync_state_outbox_lookup:
 *
 * Returns: (transfer full): the outbox entry of @key
 */
AccordStateOutboxItem *
accord_sync_state_outbox_lookup (AccordSyncState  *self,
                                 const char       *key,
                                 GError          **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = _prepare (self,
                   "SELECT key, attempts, last_error, state, updated FROM outbox WHERE key = ?1",
                   error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (!_step_row (self, stmt, _("The outbox has no such message"), error))
    return NULL;

  return _outbox_item_from_row (stmt);
}

/**
 * accord_sync_state_outbox_list:
 *
 * Returns: (transfer full) (element-type AccordStateOutboxItem): the outbox, least
 *   recently changed first
 */
GPtrArray *
accord_sync_state_outbox_list (AccordSyncState  *self,
                               GError          **error)
{
  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), NULL);

  return _list_entries (self,
                        "SELECT key, attempts, last_error, state, updated FROM outbox "
                        "ORDER BY updated, key",
                        _outbox_item_from_row, (GDestroyNotify) accord_state_outbox_item_free,
                        error);
}

gboolean
accord_sync_state_outbox_remove (AccordSyncState  *self,
                                 const char       *key,
                                 GError          **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  stmt = _prepare (self, "DELETE FROM outbox WHERE key = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  return _step_changed (self, stmt, _("The outbox has no such message"), error);
}
