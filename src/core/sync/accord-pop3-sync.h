/* accord-pop3-sync.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "accord-account.h"

G_BEGIN_DECLS

/* The kind of the question asked before deleting many messages on the server. */
#define ACCORD_POP3_DECISION_MASS_DELETE "pop3-mass-delete"
/* The kind of the notice about a message too large to download. */
#define ACCORD_POP3_DECISION_TOO_LARGE   "pop3-too-large"

#define ACCORD_POP3_SYNC_ERROR (accord_pop3_sync_error_quark ())

/**
 * AccordPop3SyncError:
 * @ACCORD_POP3_SYNC_ERROR_NO_UIDL: the server does not give its messages lasting ids
 *   (UIDL), so there is no telling which of them were downloaded before; nothing is
 *   downloaded rather than everything twice
 *
 * Errors of the connection and the login come in the domains of #AccordPop3Client, of
 * the Maildir and of the sync state as they report them.
 */
typedef enum
{
  ACCORD_POP3_SYNC_ERROR_NO_UIDL, /*< nick=no-uidl >*/
} AccordPop3SyncError;

GQuark accord_pop3_sync_error_quark (void);

/**
 * AccordPop3Policy:
 * @ACCORD_POP3_POLICY_LEAVE: leave every message on the server
 * @ACCORD_POP3_POLICY_DELETE_AFTER_DAYS: delete a message on the server a number of
 *   days after it was first downloaded
 * @ACCORD_POP3_POLICY_DELETE_WHEN_DELETED_HERE: delete a message on the server once its
 *   file is gone from every local folder
 *
 * What becomes of the server's copy once a message is safely here.
 */
typedef enum
{
  ACCORD_POP3_POLICY_LEAVE,                    /*< nick=leave >*/
  ACCORD_POP3_POLICY_DELETE_AFTER_DAYS,        /*< nick=delete-after-days >*/
  ACCORD_POP3_POLICY_DELETE_WHEN_DELETED_HERE, /*< nick=delete-when-deleted-here >*/
} AccordPop3Policy;

/**
 * AccordPop3SyncStats:
 * @listed: messages on the server when the run began
 * @fetched: messages downloaded
 * @recovered: messages downloaded by a run that was cut short, recorded now
 * @deleted_on_server: messages deleted on the server (committed by QUIT)
 * @skipped: messages left on the server because they are larger than Accord downloads
 * @held_deletions: deletions on the server waiting for the person's yes
 *
 * What one run did.
 */
typedef struct
{
  guint listed;
  guint fetched;
  guint recovered;
  guint deleted_on_server;
  guint skipped;
  guint held_deletions;
} AccordPop3SyncStats;

#define ACCORD_TYPE_POP3_SYNC (accord_pop3_sync_get_type ())

G_DECLARE_FINAL_TYPE (AccordPop3Sync, accord_pop3_sync, ACCORD, POP3_SYNC, GObject)

AccordPop3Sync *accord_pop3_sync_new                    (AccordAccount        *account,
                                                        const char           *password);
void            accord_pop3_sync_set_paths              (AccordPop3Sync       *self,
                                                        const char           *maildir_root,
                                                        const char           *state_path);
void            accord_pop3_sync_set_tls_database       (AccordPop3Sync       *self,
                                                        GTlsDatabase         *database);
void            accord_pop3_sync_set_policy             (AccordPop3Sync       *self,
                                                        AccordPop3Policy      policy,
                                                        guint                 days);
void            accord_pop3_sync_set_deletion_threshold (AccordPop3Sync       *self,
                                                        guint                 threshold);
void            accord_pop3_sync_run_async              (AccordPop3Sync       *self,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean        accord_pop3_sync_run_finish             (AccordPop3Sync       *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

const AccordPop3SyncStats *accord_pop3_sync_get_stats (AccordPop3Sync *self);

G_END_DECLS
