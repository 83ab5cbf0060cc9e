/* accord-sync-state-private.h - what the sync state's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "accord-sync-state.h"

G_BEGIN_DECLS

struct _AccordSyncState
{
  GObject     parent_instance;

  char       *path;
  sqlite3    *db;
  GHashTable *statements;  /* SQL → sqlite3_stmt, prepared once */
  guint       depth;       /* open transactions, the outer one and its savepoints */
};

/* A cached statement, reset (not finalized) when it goes out of scope. */
typedef sqlite3_stmt CachedStmt;

void        _accord_state_cached_stmt_reset (CachedStmt        *stmt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CachedStmt, _accord_state_cached_stmt_reset)

gint64      _accord_state_now               (void);
char       *_accord_state_column_text       (sqlite3_stmt      *stmt,
                                             int                column);
void        _accord_state_bind_folder_id    (sqlite3_stmt      *stmt,
                                             int                index,
                                             gint64             folder_id);

gboolean    _accord_state_sqlite_error      (AccordSyncState   *self,
                                             int                rc,
                                             GError           **error);
gboolean    _accord_state_closed            (AccordSyncState   *self,
                                             GError           **error);

CachedStmt *_accord_state_prepare           (AccordSyncState   *self,
                                             const char        *sql,
                                             GError           **error);
gboolean    _accord_state_step_done         (AccordSyncState   *self,
                                             sqlite3_stmt      *stmt,
                                             GError           **error);
gboolean    _accord_state_step_row          (AccordSyncState   *self,
                                             sqlite3_stmt      *stmt,
                                             const char        *not_found,
                                             GError           **error);
gboolean    _accord_state_step_changed      (AccordSyncState   *self,
                                             sqlite3_stmt      *stmt,
                                             const char        *not_found,
                                             GError           **error);

typedef gpointer (*AccordStateRowFunc) (sqlite3_stmt *stmt);

GPtrArray  *_accord_state_list_rows         (AccordSyncState   *self,
                                             const char        *sql,
                                             AccordStateRowFunc from_row,
                                             GDestroyNotify     free_func,
                                             GError           **error);
gboolean    _accord_state_remove_by_id      (AccordSyncState   *self,
                                             const char        *sql,
                                             gint64             id,
                                             const char        *not_found,
                                             GError           **error);

G_END_DECLS
