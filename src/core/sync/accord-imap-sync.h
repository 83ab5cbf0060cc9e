/* accord-imap-sync.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "accord-account.h"

G_BEGIN_DECLS

/**
 * AccordImapSyncStats:
 *
 * What one run did.
 */
typedef struct
{
  guint folders;
  guint fetched;
  guint uploaded;
  guint deleted_here;
  guint deleted_there;
  guint flags_changed;
  guint moved;           /* moved here between folders, moved there with MOVE */
  guint folders_renamed; /* on either side, renamed on the other */
  guint held_deletions;  /* deletions waiting for the person's yes */
  guint folders_failed;
  guint opened_ahead;    /* folders changed on the server only, opened all at once */
  guint synced_again;    /* of those, folders that needed a second, full pass */
} AccordImapSyncStats;

#define ACCORD_TYPE_IMAP_SYNC (accord_imap_sync_get_type ())

G_DECLARE_FINAL_TYPE (AccordImapSync, accord_imap_sync, ACCORD, IMAP_SYNC, GObject)

AccordImapSync            *accord_imap_sync_new                    (AccordAccount       *account,
                                                                    const char          *password);
void                       accord_imap_sync_set_paths              (AccordImapSync      *self,
                                                                    const char          *maildir_root,
                                                                    const char          *state_path);
void                       accord_imap_sync_set_tls_database       (AccordImapSync      *self,
                                                                    GTlsDatabase        *database);
void                       accord_imap_sync_set_deletion_threshold (AccordImapSync      *self,
                                                                    guint                threshold);
void                       accord_imap_sync_run_async              (AccordImapSync      *self,
                                                                    GCancellable        *cancellable,
                                                                    GAsyncReadyCallback  callback,
                                                                    gpointer             user_data);
gboolean                   accord_imap_sync_run_finish             (AccordImapSync      *self,
                                                                    GAsyncResult        *result,
                                                                    GError             **error);
void                       accord_imap_sync_wait_async             (AccordImapSync      *self,
                                                                    guint                seconds,
                                                                    GCancellable        *cancellable,
                                                                    GAsyncReadyCallback  callback,
                                                                    gpointer             user_data);
gboolean                   accord_imap_sync_wait_finish            (AccordImapSync      *self,
                                                                    GAsyncResult        *result,
                                                                    GError             **error);
const AccordImapSyncStats *accord_imap_sync_get_stats              (AccordImapSync      *self);

G_END_DECLS
