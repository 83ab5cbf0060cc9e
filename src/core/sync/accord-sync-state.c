/* accord-sync-state.c - the sync state database: opening, the schema,
 * statements and transactions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "accord-sync-state-private.h"

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
  /* 1 → 2: what the server said of itself at the last sync. */
  "CREATE TABLE server ("
  "  key   TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ") WITHOUT ROWID;",
  /* 2 → 3: the person's answers, how many messages a question is about and what it
   * is about, for the engine that asked; numbers
   * never given twice, so that an answer typed for one question cannot land on
   * another. */
  "CREATE TABLE decisions3 ("
  "  id        INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  kind      TEXT NOT NULL,"
  "  folder_id INTEGER,"
  "  detail    TEXT NOT NULL DEFAULT '',"
  "  created   INTEGER NOT NULL,"
  "  answer    TEXT,"
  "  held      INTEGER NOT NULL DEFAULT 0,"
  "  payload   TEXT"
  ");"
  "INSERT INTO decisions3 (id, kind, folder_id, detail, created) "
  "  SELECT id, kind, folder_id, detail, created FROM decisions;"
  "DROP TABLE decisions;"
  "ALTER TABLE decisions3 RENAME TO decisions;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == ACCORD_SYNC_STATE_SCHEMA_VERSION);

void
_accord_state_cached_stmt_reset (CachedStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

gint64
_accord_state_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

char *
_accord_state_column_text (sqlite3_stmt *stmt,
                           int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* Errors */

gboolean
_accord_state_sqlite_error (AccordSyncState  *self,
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

gboolean
_accord_state_closed (AccordSyncState  *self,
                      GError          **error)
{
  g_set_error (error, ACCORD_SYNC_STATE_ERROR, ACCORD_SYNC_STATE_ERROR_FAILED,
               _("The sync state “%s” is closed"), self->path);
  return FALSE;
}

/* Statements */

CachedStmt *
_accord_state_prepare (AccordSyncState  *self,
                       const char       *sql,
                       GError          **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (self->db == NULL)
    {
      _accord_state_closed (self, error);
      return NULL;
    }

  if ((stmt = g_hash_table_lookup (self->statements, sql)) != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _accord_state_sqlite_error (self, rc, error);
      return NULL;
    }

  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

gboolean
_accord_state_step_done (AccordSyncState  *self,
                         sqlite3_stmt     *stmt,
                         GError          **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    return _accord_state_sqlite_error (self, rc, error);

  return TRUE;
}

/* SQLITE_ROW → TRUE; no row → FALSE with NOT_FOUND and the message @not_found. */
gboolean
_accord_state_step_row (AccordSyncState  *self,
                        sqlite3_stmt     *stmt,
                        const char       *not_found,
                        GError          **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc == SQLITE_DONE)
    return _not_found (error, not_found);
  return _accord_state_sqlite_error (self, rc, error);
}

/* For UPDATE and DELETE of one row: not there is NOT_FOUND. */
gboolean
_accord_state_step_changed (AccordSyncState  *self,
                            sqlite3_stmt     *stmt,
                            const char       *not_found,
                            GError          **error)
{
  if (!_accord_state_step_done (self, stmt, error))
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
  g_autoptr(CachedStmt) stmt = _accord_state_prepare (self, sql, error);

  return stmt != NULL && _accord_state_step_done (self, stmt, error);
}

/* A folder id of 0 is stored as NULL. */
void
_accord_state_bind_folder_id (sqlite3_stmt *stmt,
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
    _accord_state_sqlite_error (self, rc, error);

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
    return _accord_state_sqlite_error (self, rc, error);

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
    return _accord_state_sqlite_error (self, rc, error);

  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  if (!_check_identity (self, &version, error))
    return FALSE;

  /* WAL: readers (accordctl) never block the sync, and a commit is one append. */
  if (!_exec_script (self, "PRAGMA journal_mode = WAL", error) ||
      !_exec_script (self, "PRAGMA synchronous = FULL", error) ||
      !_exec_script (self, "PRAGMA foreign_keys = ON", error) ||
      /* A sync reads each folder's records once: a small cache does, and the rest of
       * the file stays in the system's page cache rather than in this process. */
      !_exec_script (self, "PRAGMA cache_size = -512", error))
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

/* Every row @sql selects, each made by @from_row. */
GPtrArray *
_accord_state_list_rows (AccordSyncState     *self,
                         const char          *sql,
                         AccordStateRowFunc   from_row,
                         GDestroyNotify       free_func,
                         GError             **error)
{
  g_autoptr(CachedStmt) stmt = _accord_state_prepare (self, sql, error);
  g_autoptr(GPtrArray) entries = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;

  entries = g_ptr_array_new_with_free_func (free_func);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (entries, from_row (stmt));

  if (rc != SQLITE_DONE)
    {
      _accord_state_sqlite_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&entries);
}

/* Runs @sql, which deletes the row whose id is ?1; @not_found when there was none. */
gboolean
_accord_state_remove_by_id (AccordSyncState  *self,
                            const char       *sql,
                            gint64            id,
                            const char       *not_found,
                            GError          **error)
{
  g_autoptr(CachedStmt) stmt = _accord_state_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  return _accord_state_step_changed (self, stmt, not_found, error);
}

/**
 * accord_sync_state_commit_or_rollback:
 * @ok: whether the work of the transaction went through
 *
 * Ends the transaction: commits it when @ok, else rolls it back (@error, set by the
 * work that failed, stays as it is).
 *
 * Returns: whether the transaction was committed
 */
gboolean
accord_sync_state_commit_or_rollback (AccordSyncState  *self,
                                      gboolean          ok,
                                      GError          **error)
{
  if (ok)
    return accord_sync_state_commit (self, error);

  accord_sync_state_rollback (self);
  return FALSE;
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
