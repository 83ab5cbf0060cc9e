/* accord-outbox.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "accord-account.h"
#include "accord-sync-state.h"

G_BEGIN_DECLS

/* The Maildir folders of the outbox: what waits to be sent, and where it goes after. */
#define ACCORD_OUTBOX_FOLDER      "Outbox"
#define ACCORD_OUTBOX_SENT_FOLDER "Sent"

/* The decision an interrupted send leaves for the person. */
#define ACCORD_OUTBOX_DECISION_MAYBE_SENT "outbox-maybe-sent"

/**
 * AccordOutboxStats:
 * @sent: messages the server accepted
 * @failed: messages the server refused for good, or that cannot be sent as they are;
 *   they stay in the Outbox, marked failed, for the person to decide
 * @deferred: messages that could not be sent for now; they stay queued
 * @undecided: messages found half-sent after a crash, which may have gone out: they
 *   are not sent again until the person says so
 *
 * What one run did.
 */
typedef struct
{
  guint sent;
  guint failed;
  guint deferred;
  guint undecided;
} AccordOutboxStats;

#define ACCORD_TYPE_OUTBOX (accord_outbox_get_type ())

G_DECLARE_FINAL_TYPE (AccordOutbox, accord_outbox, ACCORD, OUTBOX, GObject)

AccordOutbox            *accord_outbox_new               (AccordAccount        *account,
                                                          const char           *password);
void                     accord_outbox_set_paths         (AccordOutbox         *self,
                                                          const char           *maildir_root,
                                                          const char           *state_path);
void                     accord_outbox_set_tls_database  (AccordOutbox         *self,
                                                          GTlsDatabase         *database);
void                     accord_outbox_set_file_sent     (AccordOutbox         *self,
                                                          gboolean              file_sent);
char                    *accord_outbox_queue             (AccordOutbox         *self,
                                                          GBytes               *message,
                                                          GError              **error);
AccordStateOutboxItem   *accord_outbox_lookup            (AccordOutbox         *self,
                                                          const char           *key,
                                                          GError              **error);
void                     accord_outbox_send_async        (AccordOutbox         *self,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
gboolean                 accord_outbox_send_finish       (AccordOutbox         *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
const AccordOutboxStats *accord_outbox_get_stats         (AccordOutbox         *self);

G_END_DECLS
