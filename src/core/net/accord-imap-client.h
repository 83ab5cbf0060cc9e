/* accord-imap-client.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "accord-account-types.h"
#include "accord-imap-parser.h"

G_BEGIN_DECLS

#define ACCORD_IMAP_DEFAULT_TIMEOUT 60

/**
 * AccordImapQresync:
 * @uidvalidity: the folder's UIDVALIDITY when it was last synced
 * @modseq: its HIGHESTMODSEQ then
 * @known_uids: (nullable): the UIDs known locally, as a set ("1:40,52"), so that the
 *   server reports only those of them that vanished
 */
typedef struct
{
  guint32     uidvalidity;
  guint64     modseq;
  const char *known_uids;
} AccordImapQresync;

/**
 * AccordImapMessageFunc:
 * @message: (transfer none): a message as it arrived; it is freed after the call, so
 *   take a reference on @message->body (or copy the message) to keep it
 */
typedef void (*AccordImapMessageFunc) (AccordImapMessage *message,
                                       gpointer           user_data);

#define ACCORD_TYPE_IMAP_CLIENT (accord_imap_client_get_type ())

G_DECLARE_FINAL_TYPE (AccordImapClient, accord_imap_client, ACCORD, IMAP_CLIENT, GObject)

void              accord_imap_client_connect_async        (const char           *host,
                                                           guint16               port,
                                                           AccordSecurity        security,
                                                           const char           *pinned_fingerprint,
                                                           GTlsDatabase         *database,
                                                           guint                 timeout_seconds,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
AccordImapClient *accord_imap_client_connect_finish       (GAsyncResult         *result,
                                                           GError              **error);

const char       *accord_imap_client_get_host             (AccordImapClient     *self);
guint16           accord_imap_client_get_port             (AccordImapClient     *self);
gboolean          accord_imap_client_is_tls               (AccordImapClient     *self);
GTlsCertificate  *accord_imap_client_get_peer_certificate (AccordImapClient     *self);
gboolean          accord_imap_client_get_certificate_pinned
                                                          (AccordImapClient     *self);
const char       *accord_imap_client_get_greeting         (AccordImapClient     *self);
guint             accord_imap_client_get_timeout          (AccordImapClient     *self);
void              accord_imap_client_set_timeout          (AccordImapClient     *self,
                                                           guint                 seconds);
gboolean          accord_imap_client_is_connected         (AccordImapClient     *self);
gboolean          accord_imap_client_has_capability       (AccordImapClient     *self,
                                                           const char           *name);
GStrv             accord_imap_client_dup_capabilities     (AccordImapClient     *self);
gboolean          accord_imap_client_is_enabled           (AccordImapClient     *self,
                                                           const char           *extension);
const char       *accord_imap_client_get_selected         (AccordImapClient     *self);
guint32           accord_imap_client_get_selected_uidvalidity (AccordImapClient *self);
void              accord_imap_client_expect_capabilities  (AccordImapClient     *self,
                                                           const char * const   *capabilities);

void              accord_imap_client_login_async          (AccordImapClient     *self,
                                                           const char           *username,
                                                           const char           *password,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean          accord_imap_client_login_finish         (AccordImapClient     *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

void              accord_imap_client_enable_async         (AccordImapClient     *self,
                                                           const char * const   *extensions,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean          accord_imap_client_enable_finish        (AccordImapClient     *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

void              accord_imap_client_list_async           (AccordImapClient     *self,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
GPtrArray        *accord_imap_client_list_finish          (AccordImapClient     *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

void              accord_imap_client_status_async         (AccordImapClient     *self,
                                                           const char           *folder,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
AccordImapFolder *accord_imap_client_status_finish        (AccordImapClient     *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

void              accord_imap_client_select_async         (AccordImapClient     *self,
                                                           const char           *folder,
                                                           const AccordImapQresync *qresync,
                                                           gboolean              read_only,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
AccordImapMailbox *accord_imap_client_select_finish       (AccordImapClient     *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

void              accord_imap_client_fetch_flags_async    (AccordImapClient     *self,
                                                           const char           *uid_set,
                                                           guint64               changed_since,
                                                           gboolean              vanished,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
GPtrArray        *accord_imap_client_fetch_flags_finish   (AccordImapClient     *self,
                                                           GAsyncResult         *result,
                                                           GArray              **vanished,
                                                           GError              **error);

void              accord_imap_client_fetch_bodies_async   (AccordImapClient     *self,
                                                           const char           *uid_set,
                                                           AccordImapMessageFunc on_message,
                                                           gpointer              message_data,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean          accord_imap_client_fetch_bodies_finish  (AccordImapClient     *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

void              accord_imap_client_append_async         (AccordImapClient     *self,
                                                           const char           *folder,
                                                           const char * const   *flags,
                                                           gint64                internaldate,
                                                           GBytes               *message,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
guint32           accord_imap_client_append_finish        (AccordImapClient     *self,
                                                           GAsyncResult         *result,
                                                           guint32              *uidvalidity,
                                                           GError              **error);

void              accord_imap_client_store_flags_async    (AccordImapClient     *self,
                                                           const char           *uid_set,
                                                           gboolean              add,
                                                           const char * const   *flags,
                                                           guint64               unchanged_since,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean          accord_imap_client_store_flags_finish   (AccordImapClient     *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);
gboolean          accord_imap_client_store_flags_finish_full
                                                          (AccordImapClient     *self,
                                                           GAsyncResult         *result,
                                                           GArray              **modified,
                                                           GPtrArray           **changed,
                                                           GError              **error);

void              accord_imap_client_expunge_async        (AccordImapClient     *self,
                                                           const char           *uid_set,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean          accord_imap_client_expunge_finish       (AccordImapClient     *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

void              accord_imap_client_move_async           (AccordImapClient     *self,
                                                           const char           *uid_set,
                                                           const char           *to_folder,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean          accord_imap_client_move_finish          (AccordImapClient     *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);
gboolean          accord_imap_client_move_finish_full     (AccordImapClient     *self,
                                                           GAsyncResult         *result,
                                                           guint32              *uidvalidity,
                                                           GArray              **source_uids,
                                                           GArray              **dest_uids,
                                                           GError              **error);

void              accord_imap_client_search_async         (AccordImapClient     *self,
                                                           const char           *criteria,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
GArray           *accord_imap_client_search_finish        (AccordImapClient     *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

void              accord_imap_client_create_async         (AccordImapClient     *self,
                                                           const char           *folder,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean          accord_imap_client_create_finish        (AccordImapClient     *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

void              accord_imap_client_rename_async         (AccordImapClient     *self,
                                                           const char           *folder,
                                                           const char           *to,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean          accord_imap_client_rename_finish        (AccordImapClient     *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

void              accord_imap_client_delete_async         (AccordImapClient     *self,
                                                           const char           *folder,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean          accord_imap_client_delete_finish        (AccordImapClient     *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

void              accord_imap_client_noop_async           (AccordImapClient     *self,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean          accord_imap_client_noop_finish          (AccordImapClient     *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

void              accord_imap_client_notify_async         (AccordImapClient     *self,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean          accord_imap_client_notify_finish        (AccordImapClient     *self,
                                                           GAsyncResult         *result,
                                                           gboolean             *changed,
                                                           GError              **error);
void              accord_imap_client_idle_async           (AccordImapClient     *self,
                                                           GCancellable         *stop,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean          accord_imap_client_idle_finish          (AccordImapClient     *self,
                                                           GAsyncResult         *result,
                                                           gboolean             *changed,
                                                           GError              **error);

void              accord_imap_client_logout_async         (AccordImapClient     *self,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean          accord_imap_client_logout_finish        (AccordImapClient     *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

G_END_DECLS
