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
  GHashTable          *checked_here;  /* folder id → what the files said, see
                                         _accord_imap_sync_check_here() */
  gboolean             all_quiet_here; /* every folder synced before is as it was */
};

/* accord-imap-sync.c */
char       *_accord_imap_sync_message_id          (GBytes                 *message);
gboolean    _accord_imap_sync_has_message_id_field (GBytes                *message);
char       *_accord_imap_sync_local_name          (const AccordImapFolder *folder);
gboolean    _accord_imap_sync_is_selectable       (const AccordImapFolder *folder);

/* accord-imap-sync-transfer.c */
typedef struct _AccordImapSyncDownload AccordImapSyncDownload;

AccordImapSyncDownload *_accord_imap_sync_download_new     (AccordImapSync          *self,
                                                             gint64                   folder_id,
                                                             const char              *folder,
                                                             const char              *uid_set,
                                                             guint32                  uidvalidity,
                                                             GError                 **error);
void                    _accord_imap_sync_download_send    (AccordImapSyncDownload  *download,
                                                             GCancellable            *cancellable);
gboolean                _accord_imap_sync_download_finish  (AccordImapSyncDownload  *download,
                                                             GError                 **error);
void                    _accord_imap_sync_download_abandon (AccordImapSyncDownload  *download);
void                    _accord_imap_sync_download_free    (AccordImapSyncDownload  *download);
gboolean                _accord_imap_sync_download         (AccordImapSync          *self,
                                                             gint64                   folder_id,
                                                             const char              *folder,
                                                             GArray                  *uids,
                                                             GCancellable            *cancellable,
                                                             GError                 **error);
gboolean                _accord_imap_sync_upload           (AccordImapSync          *self,
                                                             gint64                   folder_id,
                                                             const char              *folder,
                                                             const char              *remote_name,
                                                             const AccordMaildirMessage *file,
                                                             GCancellable            *cancellable,
                                                             GError                 **error);

/* accord-imap-sync-folders.c */
gboolean    _accord_imap_sync_reconcile_folders   (AccordImapSync         *self,
                                                   GPtrArray             **folders,
                                                   GCancellable           *cancellable,
                                                   GError                **error);

/* accord-imap-sync-folder.c */
typedef enum
{
  ACCORD_IMAP_SYNC_RUN_FULL,
  ACCORD_IMAP_SYNC_RUN_SKIP,
  ACCORD_IMAP_SYNC_RUN_AHEAD,
} AccordImapSyncRunKind;

/* One folder's part in a run. */
typedef struct
{
  AccordImapSync         *self;
  const AccordImapFolder *remote;
  char                   *name;        /* on disk */
  AccordImapSyncRunKind   kind;
  gint64                  folder_id;
  AccordStateFolder      *cursor;
  char                   *new_uids;    /* on the server since the last sync, not known here */
  gboolean                selecting;   /* a SELECT is out, its answer in @selected */
  GAsyncResult           *selected;
  AccordImapSyncDownload *download;   /* the new messages, asked for ahead */
  gboolean                redo;        /* opened ahead, but it needs the whole sync */
  gboolean                failed;
} AccordImapSyncRun;

gboolean    _accord_imap_sync_prepare             (AccordImapSync         *self,
                                                   AccordImapSyncRun      *run,
                                                   GCancellable           *cancellable,
                                                   GError                **error);
gboolean    _accord_imap_sync_open_ahead          (AccordImapSync         *self,
                                                   AccordImapSyncRun      *run,
                                                   GCancellable           *cancellable,
                                                   GError                **error);
gboolean    _accord_imap_sync_folder              (AccordImapSync         *self,
                                                   AccordImapSyncRun      *run,
                                                   GCancellable           *cancellable,
                                                   GError                **error);
void        _accord_imap_sync_run_clear           (AccordImapSyncRun      *run);
gboolean    _accord_imap_sync_is_quiet_here       (AccordImapSync         *self,
                                                   gint64                  folder_id);
gboolean    _accord_imap_sync_check_here          (AccordImapSync         *self,
                                                   GCancellable           *cancellable,
                                                   GError                **error);

/* accord-imap-sync-recovery.c */
gboolean    _accord_imap_sync_recover             (AccordImapSync         *self,
                                                   gint64                  folder_id,
                                                   const char             *folder,
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
