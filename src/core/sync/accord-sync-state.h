/* accord-sync-state.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ACCORD_SYNC_STATE_ERROR (accord_sync_state_error_quark ())

typedef enum
{
  ACCORD_SYNC_STATE_ERROR_CORRUPT,        /* damaged, or not an Accord sync state at all */
  ACCORD_SYNC_STATE_ERROR_TOO_NEW,        /* written by a newer Accord */
  ACCORD_SYNC_STATE_ERROR_FAILED,         /* SQLite failed: disk full, I/O error, locked */
  ACCORD_SYNC_STATE_ERROR_NOT_FOUND,      /* no such folder, message, intent … */
  ACCORD_SYNC_STATE_ERROR_NO_TRANSACTION, /* the call must be made inside a transaction */
} AccordSyncStateError;

GQuark accord_sync_state_error_quark (void);

/* The schema version this Accord writes (PRAGMA user_version). */
#define ACCORD_SYNC_STATE_SCHEMA_VERSION 3

/**
 * AccordStateFolder:
 * @id: the row id, > 0
 * @name: the local (Maildir) folder name
 * @remote_name: (nullable): the server's name for it
 * @uidvalidity: @uidnext: @highestmodseq: the server cursors; 0 = unknown
 * @last_sync: when the last sync of the folder ended (Unix seconds), 0 = never
 * @last_error: (nullable): why it failed
 */
typedef struct
{
  gint64   id;
  char    *name;
  char    *remote_name;
  guint32  uidvalidity;
  guint32  uidnext;
  guint64  highestmodseq;
  gint64   last_sync;
  char    *last_error;
} AccordStateFolder;

/**
 * AccordStateMessage:
 * @folder_id: @uid: the server's identity of the message
 * @key: the Maildir key of its file
 * @flags: Maildir flag letters as last synced: the base of the three-way flag merge
 * @size: the size in bytes
 * @message_id: (nullable): the Message-ID header, to match again after a UIDVALIDITY change
 */
typedef struct
{
  gint64   folder_id;
  guint32  uid;
  char    *key;
  char    *flags;
  gint64   size;
  char    *message_id;
} AccordStateMessage;

/**
 * AccordStateIntent:
 * @kind: what the remote write is ("append", "store", "expunge", "move" …): the
 *   sync engine's vocabulary
 * @folder_id: the folder it concerns, or 0
 * @payload: what the engine needs to finish or reconcile it (e.g. JSON)
 * @created: Unix seconds
 *
 * A remote write, journaled before the command is sent.
 */
typedef struct
{
  gint64  id;
  char   *kind;
  gint64  folder_id;
  char   *payload;
  gint64  created;
} AccordStateIntent;

/**
 * AccordStateDecision:
 * @kind: the question ("mass-delete" …): the sync engine's vocabulary
 * @folder_id: the folder it concerns, or 0
 * @detail: what the person is asked, for the engine to present (e.g. JSON)
 * @answer: (nullable): the person's answer ("yes" or "no"), until the engine acts on it
 * @held: how many messages the question is about, when it is about messages
 * @payload: (nullable): what the question is about, for the engine that asked (a key)
 *
 * A question queued for the person; the sync goes on without its answer.
 */
typedef struct
{
  gint64  id;
  char   *kind;
  gint64  folder_id;
  char   *detail;
  gint64  created;
  char   *answer;
  guint   held;
  char   *payload;
} AccordStateDecision;

/**
 * AccordStatePop3Uidl:
 * @uidl: the server's UIDL
 * @key: (nullable): the Maildir key it was delivered as (in INBOX)
 * @first_seen: when the UIDL was first listed (Unix seconds), for "delete after N days"
 * @deleted_here: the person deleted the local copy, for "delete when deleted here"
 */
typedef struct
{
  char     *uidl;
  char     *key;
  gint64    first_seen;
  gboolean  deleted_here;
} AccordStatePop3Uidl;

typedef enum
{
  ACCORD_STATE_OUTBOX_QUEUED,
  ACCORD_STATE_OUTBOX_SENDING, /* handed to the server; a crash here needs reconciling */
  ACCORD_STATE_OUTBOX_SENT,
  ACCORD_STATE_OUTBOX_FAILED,  /* given up; the person decides */
} AccordStateOutboxStatus;

/**
 * AccordStateOutboxItem:
 * @key: the Maildir key of the message to send
 * @attempts: how many times sending was tried
 * @last_error: (nullable): why the last attempt failed
 * @updated: when it last changed (Unix seconds)
 */
typedef struct
{
  char                    *key;
  guint                    attempts;
  char                    *last_error;
  AccordStateOutboxStatus  status;
  gint64                   updated;
} AccordStateOutboxItem;

void accord_state_folder_free      (AccordStateFolder     *folder);
void accord_state_message_free     (AccordStateMessage    *message);
void accord_state_intent_free      (AccordStateIntent     *intent);
void accord_state_decision_free    (AccordStateDecision   *decision);
void accord_state_pop3_uidl_free   (AccordStatePop3Uidl   *uidl);
void accord_state_outbox_item_free (AccordStateOutboxItem *item);

#define ACCORD_TYPE_SYNC_STATE (accord_sync_state_get_type ())

G_DECLARE_FINAL_TYPE (AccordSyncState, accord_sync_state, ACCORD, SYNC_STATE, GObject)

/* Called with each message of a folder; the record is valid only during the call.
 * Return FALSE to stop. */
typedef gboolean (*AccordStateMessageFunc)     (const AccordStateMessage  *message,
                                                gpointer                   user_data);
/* The body of accord_sync_state_transaction(): return FALSE with @error set to roll back. */
typedef gboolean (*AccordSyncStateTransactionFunc) (AccordSyncState   *self,
                                                    gpointer           user_data,
                                                    GError           **error);

char            *accord_sync_state_default_path (const char           *account_id);
AccordSyncState *accord_sync_state_open         (const char           *path,
                                                 GCancellable         *cancellable,
                                                 GError              **error);
void             accord_sync_state_open_async   (const char           *path,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
AccordSyncState *accord_sync_state_open_finish  (GAsyncResult         *result,
                                                 GError              **error);
void             accord_sync_state_close        (AccordSyncState      *self);
const char      *accord_sync_state_get_path     (AccordSyncState      *self);

/* Transactions nest (inner ones are savepoints). */
gboolean accord_sync_state_begin             (AccordSyncState                 *self,
                                              GError                         **error);
gboolean accord_sync_state_commit            (AccordSyncState                 *self,
                                              GError                         **error);
void     accord_sync_state_rollback          (AccordSyncState                 *self);
gboolean accord_sync_state_in_transaction    (AccordSyncState                 *self);
gboolean accord_sync_state_commit_or_rollback (AccordSyncState                *self,
                                               gboolean                        ok,
                                               GError                        **error);
gboolean accord_sync_state_transaction       (AccordSyncState                 *self,
                                              AccordSyncStateTransactionFunc   func,
                                              gpointer                         user_data,
                                              GError                         **error);

/* What the server said of itself at the last sync */
#define ACCORD_SYNC_STATE_CAPABILITIES "capabilities"  /* after login, space-separated */
#define ACCORD_SYNC_STATE_SENT_FOLDER  "sent-folder"   /* the folder marked \Sent, on disk */

char              *accord_sync_state_get_server_value   (AccordSyncState  *self,
                                                         const char       *key);
gboolean           accord_sync_state_set_server_value   (AccordSyncState  *self,
                                                         const char       *key,
                                                         const char       *value,
                                                         GError          **error);

/* Folders */
gint64             accord_sync_state_ensure_folder      (AccordSyncState  *self,
                                                         const char       *name,
                                                         const char       *remote_name,
                                                         GError          **error);
AccordStateFolder *accord_sync_state_lookup_folder      (AccordSyncState  *self,
                                                         const char       *name,
                                                         GError          **error);
AccordStateFolder *accord_sync_state_get_folder         (AccordSyncState  *self,
                                                         gint64            folder_id,
                                                         GError          **error);
GPtrArray         *accord_sync_state_list_folders       (AccordSyncState  *self,
                                                         GError          **error);
gboolean           accord_sync_state_set_cursor         (AccordSyncState  *self,
                                                         gint64            folder_id,
                                                         guint32           uidvalidity,
                                                         guint32           uidnext,
                                                         guint64           highestmodseq,
                                                         GError          **error);
gboolean           accord_sync_state_set_folder_status  (AccordSyncState  *self,
                                                         gint64            folder_id,
                                                         gint64            last_sync,
                                                         const char       *last_error,
                                                         GError          **error);
gboolean           accord_sync_state_rename_folder      (AccordSyncState  *self,
                                                         gint64            folder_id,
                                                         const char       *name,
                                                         const char       *remote_name,
                                                         GError          **error);
gboolean           accord_sync_state_remove_folder      (AccordSyncState  *self,
                                                         gint64            folder_id,
                                                         GError          **error);

/* Messages: the UID ↔ file map with the last-synced flags */
gboolean            accord_sync_state_put_message          (AccordSyncState           *self,
                                                            const AccordStateMessage  *message,
                                                            GError                   **error);
gboolean            accord_sync_state_set_message_flags    (AccordSyncState           *self,
                                                            gint64                     folder_id,
                                                            guint32                    uid,
                                                            const char                *flags,
                                                            GError                   **error);
gboolean            accord_sync_state_remove_message       (AccordSyncState           *self,
                                                            gint64                     folder_id,
                                                            guint32                    uid,
                                                            GError                   **error);
gboolean            accord_sync_state_remove_all_messages  (AccordSyncState           *self,
                                                            gint64                     folder_id,
                                                            GError                   **error);
AccordStateMessage *accord_sync_state_lookup_message       (AccordSyncState           *self,
                                                            gint64                     folder_id,
                                                            guint32                    uid,
                                                            GError                   **error);
AccordStateMessage *accord_sync_state_lookup_message_by_key (AccordSyncState          *self,
                                                             gint64                    folder_id,
                                                             const char               *key,
                                                             GError                  **error);
gboolean            accord_sync_state_foreach_message      (AccordSyncState           *self,
                                                            gint64                     folder_id,
                                                            AccordStateMessageFunc     func,
                                                            gpointer                   user_data,
                                                            GError                   **error);
GPtrArray          *accord_sync_state_list_messages        (AccordSyncState           *self,
                                                            gint64                     folder_id,
                                                            GError                   **error);
gint64              accord_sync_state_count_messages       (AccordSyncState           *self,
                                                            gint64                     folder_id,
                                                            GError                   **error);

/* The intent journal */
gint64     accord_sync_state_add_intent     (AccordSyncState  *self,
                                             const char       *kind,
                                             gint64            folder_id,
                                             const char       *payload,
                                             GError          **error);
GPtrArray *accord_sync_state_list_intents   (AccordSyncState  *self,
                                             GError          **error);
gboolean   accord_sync_state_remove_intent  (AccordSyncState  *self,
                                             gint64            intent_id,
                                             GError          **error);

/* Questions for the person */
gint64     accord_sync_state_add_decision     (AccordSyncState  *self,
                                               const char       *kind,
                                               gint64            folder_id,
                                               const char       *detail,
                                               GError          **error);
GPtrArray *accord_sync_state_list_decisions   (AccordSyncState  *self,
                                               GError          **error);
gboolean   accord_sync_state_reask_decision   (AccordSyncState  *self,
                                               gint64            decision_id,
                                               const char       *detail,
                                               guint             held,
                                               GError          **error);
gboolean   accord_sync_state_ask_held         (AccordSyncState            *self,
                                               const AccordStateDecision  *asked,
                                               const char                 *kind,
                                               gint64                      folder_id,
                                               guint                       held,
                                               const char                 *detail,
                                               GError                    **error);
gboolean   accord_sync_state_set_decision_payload (AccordSyncState *self,
                                                   gint64           decision_id,
                                                   const char      *payload,
                                                   GError         **error);
gboolean   accord_sync_state_answer_decision  (AccordSyncState  *self,
                                               gint64            decision_id,
                                               gboolean          yes,
                                               GError          **error);
gboolean   accord_sync_state_remove_decision  (AccordSyncState  *self,
                                               gint64            decision_id,
                                               GError          **error);

/* POP3 */
gboolean             accord_sync_state_pop3_put              (AccordSyncState  *self,
                                                              const char       *uidl,
                                                              const char       *key,
                                                              gint64            first_seen,
                                                              GError          **error);
AccordStatePop3Uidl *accord_sync_state_pop3_lookup           (AccordSyncState  *self,
                                                              const char       *uidl,
                                                              GError          **error);
GPtrArray           *accord_sync_state_pop3_list             (AccordSyncState  *self,
                                                              GError          **error);
gboolean             accord_sync_state_pop3_set_deleted_here (AccordSyncState  *self,
                                                              const char       *uidl,
                                                              gboolean          deleted_here,
                                                              GError          **error);
gboolean             accord_sync_state_pop3_remove           (AccordSyncState  *self,
                                                              const char       *uidl,
                                                              GError          **error);

/* The outbox */
gboolean               accord_sync_state_outbox_add     (AccordSyncState          *self,
                                                         const char               *key,
                                                         GError                  **error);
gboolean               accord_sync_state_outbox_update  (AccordSyncState          *self,
                                                         const char               *key,
                                                         AccordStateOutboxStatus   status,
                                                         guint                     attempts,
                                                         const char               *last_error,
                                                         GError                  **error);
AccordStateOutboxItem *accord_sync_state_outbox_lookup  (AccordSyncState          *self,
                                                         const char               *key,
                                                         GError                  **error);
GPtrArray             *accord_sync_state_outbox_list    (AccordSyncState          *self,
                                                         GError                  **error);
gboolean               accord_sync_state_outbox_remove  (AccordSyncState          *self,
                                                         const char               *key,
                                                         GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordStateFolder, accord_state_folder_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordStateMessage, accord_state_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordStateIntent, accord_state_intent_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordStateDecision, accord_state_decision_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordStatePop3Uidl, accord_state_pop3_uidl_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordStateOutboxItem, accord_state_outbox_item_free)

G_END_DECLS
