/* accord-sync-state-queues.c - what the sync state keeps besides the folders:
 * the intent journal, the questions for the user, POP3 UIDLs and the outbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "accord-sync-state-private.h"

/* Records */

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
  g_free (decision->answer);
  g_free (decision->payload);
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

static const char * const outbox_states[] = {
  [ACCORD_STATE_OUTBOX_QUEUED] = "queued",
  [ACCORD_STATE_OUTBOX_SENDING] = "sending",
  [ACCORD_STATE_OUTBOX_SENT] = "sent",
  [ACCORD_STATE_OUTBOX_FAILED] = "failed",
};

/* Intents and decisions: the same shape, in two tables */

static gint64
_add_entry (AccordSyncState  *self,
            const char       *sql,
            const char       *kind,
            gint64            folder_id,
            const char       *text,
            GError          **error)
{
  g_autoptr(CachedStmt) stmt = _accord_state_prepare (self, sql, error);

  if (stmt == NULL)
    return 0;

  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  _accord_state_bind_folder_id (stmt, 2, folder_id);
  sqlite3_bind_text (stmt, 3, text != NULL ? text : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, _accord_state_now ());
  if (!_accord_state_step_done (self, stmt, error))
    return 0;

  return sqlite3_last_insert_rowid (self->db);
}

static gpointer
_intent_from_row (sqlite3_stmt *stmt)
{
  AccordStateIntent *intent = g_new0 (AccordStateIntent, 1);

  intent->id = sqlite3_column_int64 (stmt, 0);
  intent->kind = _accord_state_column_text (stmt, 1);
  intent->folder_id = sqlite3_column_int64 (stmt, 2);
  intent->payload = _accord_state_column_text (stmt, 3);
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

  return _accord_state_list_rows (self,
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

  return _accord_state_remove_by_id (self, "DELETE FROM intents WHERE id = ?1", intent_id,
                        _("The sync state has no such intent"), error);
}

static gpointer
_decision_from_row (sqlite3_stmt *stmt)
{
  AccordStateDecision *decision = g_new0 (AccordStateDecision, 1);

  decision->id = sqlite3_column_int64 (stmt, 0);
  decision->kind = _accord_state_column_text (stmt, 1);
  decision->folder_id = sqlite3_column_int64 (stmt, 2);
  decision->detail = _accord_state_column_text (stmt, 3);
  decision->created = sqlite3_column_int64 (stmt, 4);
  decision->answer = _accord_state_column_text (stmt, 5);
  decision->held = (guint) sqlite3_column_int64 (stmt, 6);
  decision->payload = _accord_state_column_text (stmt, 7);
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

  return _accord_state_list_rows (self,
                        "SELECT id, kind, folder_id, detail, created, answer, held, payload FROM decisions "
                        "ORDER BY id",
                        _decision_from_row, (GDestroyNotify) accord_state_decision_free,
                        error);
}

/**
 * accord_sync_state_reask_decision:
 * @detail: the question as it stands now
 * @held: how many messages it is about now
 *
 * Asks the question again, changed: any answer given to it before is dropped.
 */
gboolean
accord_sync_state_reask_decision (AccordSyncState  *self,
                                  gint64            decision_id,
                                  const char       *detail,
                                  guint             held,
                                  GError          **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);
  g_return_val_if_fail (detail != NULL, FALSE);

  stmt = _accord_state_prepare (self,
                                "UPDATE decisions SET detail = ?2, held = ?3, answer = NULL WHERE id = ?1",
                                error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, decision_id);
  sqlite3_bind_text (stmt, 2, detail, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, held);

  return _accord_state_step_changed (self, stmt, _("The sync state has no such question"), error);
}

/**
 * accord_sync_state_ask_held:
 * @asked: (nullable): the question asked before about the same messages, if any
 * @held: how many messages the question is about
 * @detail: the question as a person reads it
 *
 * Asks whether to go ahead with @held deletions held back. Nothing changes while
 * @asked is open about as many; else the question is asked anew, under a new number
 * (an answer typed for the old one cannot land on it), without an answer.
 */
gboolean
accord_sync_state_ask_held (AccordSyncState            *self,
                            const AccordStateDecision  *asked,
                            const char                 *kind,
                            gint64                      folder_id,
                            guint                       held,
                            const char                 *detail,
                            GError                    **error)
{
  gint64 id = 0;
  gboolean ok;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);

  if (asked != NULL && asked->held == held && asked->answer == NULL)
    return TRUE;

  if (!accord_sync_state_begin (self, error))
    return FALSE;
  ok = asked == NULL || accord_sync_state_remove_decision (self, asked->id, error);
  if (ok)
    id = accord_sync_state_add_decision (self, kind, folder_id, detail, error);
  ok = id != 0 && accord_sync_state_reask_decision (self, id, detail, held, error);
  return accord_sync_state_commit_or_rollback (self, ok, error);
}

/**
 * accord_sync_state_set_decision_payload:
 * @payload: (nullable): what the question is about, in the asking engine's terms
 */
gboolean
accord_sync_state_set_decision_payload (AccordSyncState  *self,
                                        gint64            decision_id,
                                        const char       *payload,
                                        GError          **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);

  stmt = _accord_state_prepare (self, "UPDATE decisions SET payload = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, decision_id);
  sqlite3_bind_text (stmt, 2, payload, -1, SQLITE_STATIC);

  return _accord_state_step_changed (self, stmt, _("The sync state has no such question"), error);
}

/**
 * accord_sync_state_answer_decision:
 * @yes: the person's answer to the question
 *
 * Records the answer; the engine acts on it at its next run, and removes the question.
 */
gboolean
accord_sync_state_answer_decision (AccordSyncState  *self,
                                   gint64            decision_id,
                                   gboolean          yes,
                                   GError          **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);

  stmt = _accord_state_prepare (self, "UPDATE decisions SET answer = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, decision_id);
  sqlite3_bind_text (stmt, 2, yes ? "yes" : "no", -1, SQLITE_STATIC);

  return _accord_state_step_changed (self, stmt, _("The sync state has no such question"), error);
}

gboolean
accord_sync_state_remove_decision (AccordSyncState  *self,
                                   gint64            decision_id,
                                   GError          **error)
{
  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);

  return _accord_state_remove_by_id (self, "DELETE FROM decisions WHERE id = ?1", decision_id,
                        _("The sync state has no such question"), error);
}

/* POP3 */

static gpointer
_pop3_uidl_from_row (sqlite3_stmt *stmt)
{
  AccordStatePop3Uidl *uidl = g_new0 (AccordStatePop3Uidl, 1);

  uidl->uidl = _accord_state_column_text (stmt, 0);
  uidl->key = _accord_state_column_text (stmt, 1);
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

  stmt = _accord_state_prepare (self,
                                "INSERT INTO pop3_uidls (uidl, key, first_seen) "
                                "VALUES (?1, ?2, ?3) "
                                "ON CONFLICT (uidl) DO UPDATE SET key = excluded.key",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, uidl, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, first_seen);
  return _accord_state_step_done (self, stmt, error);
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

  stmt = _accord_state_prepare (self,
                                "SELECT uidl, key, first_seen, deleted_here FROM pop3_uidls "
                                "WHERE uidl = ?1",
                                error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, uidl, -1, SQLITE_STATIC);
  if (!_accord_state_step_row (self, stmt, _("The sync state has no such POP3 message"), error))
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

  return _accord_state_list_rows (self,
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

  stmt = _accord_state_prepare (self,
                                "UPDATE pop3_uidls SET deleted_here = ?2 WHERE uidl = ?1",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, uidl, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, deleted_here ? 1 : 0);
  return _accord_state_step_changed (self, stmt,
                                     _("The sync state has no such POP3 message"), error);
}

gboolean
accord_sync_state_pop3_remove (AccordSyncState  *self,
                               const char       *uidl,
                               GError          **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (ACCORD_IS_SYNC_STATE (self), FALSE);
  g_return_val_if_fail (uidl != NULL, FALSE);

  stmt = _accord_state_prepare (self, "DELETE FROM pop3_uidls WHERE uidl = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, uidl, -1, SQLITE_STATIC);
  return _accord_state_step_changed (self, stmt,
                                     _("The sync state has no such POP3 message"), error);
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

  item->key = _accord_state_column_text (stmt, 0);
  item->attempts = (guint) sqlite3_column_int64 (stmt, 1);
  item->last_error = _accord_state_column_text (stmt, 2);
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

  stmt = _accord_state_prepare (self,
                                "INSERT INTO outbox (key, state, updated) "
                                "VALUES (?1, 'queued', ?2) "
                                "ON CONFLICT (key) DO NOTHING",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, _accord_state_now ());
  return _accord_state_step_done (self, stmt, error);
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

  stmt = _accord_state_prepare (self,
                                "UPDATE outbox "
                                "SET state = ?2, attempts = ?3, last_error = ?4, updated = ?5 "
                                "WHERE key = ?1",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, outbox_states[status], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, attempts);
  sqlite3_bind_text (stmt, 4, last_error, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, _accord_state_now ());
  return _accord_state_step_changed (self, stmt, _("The outbox has no such message"), error);
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

  stmt = _accord_state_prepare (self,
                                "SELECT key, attempts, last_error, state, updated FROM outbox "
                                "WHERE key = ?1",
                                error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (!_accord_state_step_row (self, stmt, _("The outbox has no such message"), error))
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

  return _accord_state_list_rows (self,
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

  stmt = _accord_state_prepare (self, "DELETE FROM outbox WHERE key = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  return _accord_state_step_changed (self, stmt, _("The outbox has no such message"), error);
}
