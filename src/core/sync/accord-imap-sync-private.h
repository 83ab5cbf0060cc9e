/* accord-imap-sync-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "accord-imap-client.h"
#include "accord-imap-sync.h"
#include "accord-maildir.h"
#include "accord-sync-plan.h"
#include "accord-sync-state.h"
#include "accord-sync-worker.h"

G_BEGIN_DECLS

struct _AccordImapSync
{
  GObject              parent_instance;

  AccordAccount       *account;
  char                *password;
  char                *maildir_root;
  char                *state_path;
  GTlsDatabase        *database;
  guint                threshold;
  AccordImapSyncStats  stats;

  /* On the worker thread only */
  AccordImapClient    *client;
  AccordMaildir       *maildir;
  AccordSyncState     *state;
  gboolean             qresync;
  gboolean             condstore;
  gboolean             uidplus;
  GAsyncResult        *enabled;
  const char          *recovering_folder;
};

/* accord-imap-sync.c */
char       *_accord_imap_sync_message_id          (GBytes                 *message);
gboolean    _accord_imap_sync_commit_or_rollback  (AccordSyncState        *state,
                                                   gboolean                ok,
                                                   GError                **error);
char       *_accord_imap_sync_local_name          (const AccordImapFolder *folder);
gboolean    _accord_imap_sync_is_selectable       (const AccordImapFolder *folder);

/* accord-imap-sync-folder.c */
gboolean    _accord_imap_sync_folder              (AccordImapSync         *self,
                                                   const AccordImapFolder *remote_folder,
                                                   const char             *folder,
                                                   GCancellable           *cancellable,
                                                   GError                **error);

/* accord-imap-sync-recovery.c */
gboolean    _accord_imap_sync_recover             (AccordImapSync         *self,
                                                   gint64                  folder_id,
                                                   GPtrArray              *files,
                                                   GCancellable           *cancellable,
                                                   GError                **error);
gboolean    _accord_imap_sync_rematch             (AccordImapSync         *self,
                                                   gint64                  folder_id,
                                                   guint32                 uidvalidity,
                                                   GCancellable           *cancellable,
                                                   GError                **error);
gboolean    _accord_imap_sync_apply_local_moves   (AccordImapSync         *self,
                                                   GPtrArray              *folders,
                                                   GCancellable           *cancellable,
                                                   GError                **error);

G_END_DECLS
