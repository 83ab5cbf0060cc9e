/* accord-pop3-sync.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "accord-maildir.h"
#include "accord-pop3-client.h"
#include "accord-pop3-sync.h"
#include "accord-sync-state.h"
#include "accord-sync-worker.h"

/**
 * AccordPop3Sync:
 *
 * One download of a POP3 account's mail into the INBOX of its Maildir, and the
 * deletions on the server that the account's policy asks for.
 *
 * The run happens on a worker thread with a main context of its own, so neither the
 * network nor the fsync()s of the Maildir hold up the caller's main loop; the POP3
 * client is awaited there by iterating that context. A message is never lost and never
 * downloaded twice, whatever is killed when:
 *
 * - before a batch of messages is downloaded, each gets its Maildir key, and the pairs
 *   (UIDL, key) are journalled (an intent); the messages are delivered under those keys
 *   (tmp → fsync → link → fsync of the folder), and their UIDLs are recorded with the
 *   intent removed in one transaction. After a crash, a file whose key the journal
 *   names is that UIDL's download, recorded then and never fetched again; a key with
 *   no file means the message never arrived, and it is fetched afresh under a new key.
 * - DELE is sent only for a message whose UIDL is recorded, so durably here; QUIT
 *   commits the deletions. A crash before QUIT leaves the messages on the server
 *   (POP3 rolls the session back), and the next run deletes them again.
 * - Only one run per account at a time: a second waits for the first (a file lock next
 *   to the sync state), since it would take the first one's journal for a crash's.
 *
 * Without UIDL there is no telling which messages were downloaded before: the run
 * fails rather than guess.
 */
struct _AccordPop3Sync
{
  GObject              parent_instance;

  AccordAccount       *account;
  char                *password;
  char                *maildir_root;
  char                *state_path;
  GTlsDatabase        *database;
  AccordPop3Policy     policy;
  guint                days;
  guint                threshold;
  AccordPop3SyncStats  stats;

  /* On the worker thread only */
  AccordPop3Client    *client;
  AccordMaildir       *maildir;
  AccordSyncState     *state;
  GHashTable          *local_keys;  /* every key in every local folder, once needed */
  int                  lock_fd;
};

G_DEFINE_FINAL_TYPE (AccordPop3Sync, accord_pop3_sync, G_TYPE_OBJECT)

G_DEFINE_QUARK (accord-pop3-sync-error-quark, accord_pop3_sync_error)

#define INBOX "INBOX"
#define FETCH_INTENT "pop3-fetch"
#define TIMEOUT_SECONDS 60
/* A batch is journalled, downloaded, delivered with one fsync of the folder and
 * recorded in one transaction. */
#define BATCH_MESSAGES 64
#define BATCH_BYTES (8 * 1024 * 1024)
#define SECONDS_PER_DAY (24 * 60 * 60)

/* One message of the server's listing */
typedef struct
{
  guint    number;
  char    *ident;   /* its UIDL, or "UIDL N" for the Nth message that has that UIDL */
  guint64  size;
  gboolean unique;  /* no other message has the same UIDL: safe to delete by it */
} Listed;

static void
_listed_free (Listed *listed)
{
  g_free (listed->ident);
  g_free (listed);
}


static gint64
_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* The keys of every message in every local folder: a message the person moved out of
 * the INBOX is still here. */
static GHashTable *
_local_keys (AccordPop3Sync  *self,
             GCancellable    *cancellable,
             GError         **error)
{
  g_autoptr(GHashTable) keys = NULL;
  g_auto(GStrv) folders = NULL;

  if (self->local_keys != NULL)
    return self->local_keys;

  folders = accord_maildir_list_folders (self->maildir, cancellable, error);
  if (folders == NULL)
    return NULL;

  keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; folders[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) files = accord_maildir_scan (self->maildir, folders[i],
                                                        ACCORD_MAILDIR_SCAN_NONE, cancellable,
                                                        error);

      if (files == NULL)
        return NULL;
      for (guint j = 0; j < files->len; j++)
        {
          AccordMaildirMessage *file = g_ptr_array_index (files, j);

          g_hash_table_add (keys, g_steal_pointer (&file->key));
        }
    }

  self->local_keys = g_steal_pointer (&keys);
  return self->local_keys;
}

/* After a crash: a download the journal names is recorded if its file arrived. */
static gboolean
_recover (AccordPop3Sync  *self,
          GCancellable    *cancellable,
          GError         **error)
{
  g_autoptr(GPtrArray) intents = accord_sync_state_list_intents (self->state, error);
  GHashTable *keys;
  gboolean ok = TRUE;

  if (intents == NULL)
    return FALSE;

  for (guint i = 0; ok && i < intents->len; i++)
    {
      AccordStateIntent *intent = g_ptr_array_index (intents, i);
      g_auto(GStrv) lines = NULL;

      if (!g_str_equal (intent->kind, FETCH_INTENT))
        continue;

      keys = _local_keys (self, cancellable, error);
      if (keys == NULL)
        return FALSE;

      lines = g_strsplit (intent->payload, "\n", -1);
      if (!accord_sync_state_begin (self->state, error))
        return FALSE;
      for (guint j = 0; ok && lines[j] != NULL; j++)
        {
          g_auto(GStrv) fields = g_strsplit (lines[j], "\t", 2);

          if (fields[0] == NULL || fields[1] == NULL || !g_hash_table_contains (keys, fields[1]))
            continue;
          ok = accord_sync_state_pop3_put (self->state, fields[0], fields[1], _now (), error);
          self->stats.recovered += ok;
        }
      ok = ok && accord_sync_state_remove_intent (self->state, intent->id, error);
      ok = accord_sync_state_commit_or_rollback (self->state, ok, error);
    }

  return ok;
}

static gboolean
_connect (AccordPop3Sync  *self,
          GCancellable    *cancellable,
          GError         **error)
{
  AccordServiceConfig *config = accord_account_get_service (self->account, ACCORD_SERVICE_MAIL_IN);
  AWAIT_INIT (connected);
  AWAIT_INIT (logged_in);

  accord_pop3_client_connect_async (config->host, config->port, config->security,
                                    config->pinned_certificate, self->database, TIMEOUT_SECONDS,
                                    cancellable, _accord_sync_store_result_cb, &connected);
  self->client = accord_pop3_client_connect_finish (_accord_sync_await (&connected), error);
  if (self->client == NULL)
    return FALSE;

  accord_pop3_client_login_async (self->client,
                                  config->username ? config->username
                                                   : accord_account_get_address (self->account),
                                  self->password, cancellable, _accord_sync_store_result_cb, &logged_in);
  return accord_pop3_client_login_finish (self->client, _accord_sync_await (&logged_in), error);
}

/* The server's messages, in its order, with the identity each is recorded under. */
static GPtrArray *
_list (AccordPop3Sync  *self,
       GCancellable    *cancellable,
       GError         **error)
{
  g_autoptr(GPtrArray) uidls = NULL;
  g_autoptr(GArray) sizes = NULL;
  g_autoptr(GPtrArray) listing = g_ptr_array_new_with_free_func ((GDestroyNotify) _listed_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) size_of = g_hash_table_new (NULL, NULL);
  g_autoptr(GError) local_error = NULL;
  AWAIT_INIT (uidl_result);
  AWAIT_INIT (list_result);

  accord_pop3_client_uidl_async (self->client, cancellable, _accord_sync_store_result_cb, &uidl_result);
  accord_pop3_client_list_async (self->client, cancellable, _accord_sync_store_result_cb, &list_result);

  uidls = accord_pop3_client_uidl_finish (self->client, _accord_sync_await (&uidl_result), &local_error);
  sizes = accord_pop3_client_list_finish (self->client, _accord_sync_await (&list_result),
                                          uidls != NULL ? error : NULL);
  if (uidls == NULL)
    {
      if (g_error_matches (local_error, ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_REFUSED))
        g_set_error (error, ACCORD_POP3_SYNC_ERROR, ACCORD_POP3_SYNC_ERROR_NO_UIDL,
                     _("%s:%u does not give its messages lasting ids (UIDL), so Accord cannot "
                       "tell which ones it downloaded before. Nothing was downloaded; use IMAP "
                       "for this account if the server offers it."),
                     accord_pop3_client_get_host (self->client),
                     accord_pop3_client_get_port (self->client));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (sizes == NULL)
    return NULL;

  for (guint i = 0; i < sizes->len; i++)
    {
      AccordPop3Size *size = &g_array_index (sizes, AccordPop3Size, i);

      g_hash_table_insert (size_of, GUINT_TO_POINTER (size->number), size);
    }

  for (guint i = 0; i < uidls->len; i++)
    {
      AccordPop3Uidl *uidl = g_ptr_array_index (uidls, i);
      Listed *listed = g_new0 (Listed, 1);
      AccordPop3Size *size = g_hash_table_lookup (size_of, GUINT_TO_POINTER (uidl->number));
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (seen, uidl->uidl)) + 1;

      /* Some servers give two messages one UIDL; a space, which no UIDL has, tells
       * them apart in the record. */
      g_hash_table_insert (seen, uidl->uidl, GUINT_TO_POINTER (count));
      listed->number = uidl->number;
      listed->ident = count == 1 ? g_strdup (uidl->uidl)
                                 : g_strdup_printf ("%s %u", uidl->uidl, count);
      listed->size = size != NULL ? size->size : 0;
      g_ptr_array_add (listing, listed);
    }

  for (guint i = 0; i < uidls->len; i++)
    {
      AccordPop3Uidl *uidl = g_ptr_array_index (uidls, i);
      Listed *listed = g_ptr_array_index (listing, i);

      listed->unique = GPOINTER_TO_UINT (g_hash_table_lookup (seen, uidl->uidl)) == 1;
    }

  self->stats.listed = listing->len;
  return g_steal_pointer (&listing);
}

/* Records of messages gone from the server are of no more use. */
static gboolean
_forget_gone (AccordPop3Sync  *self,
              GPtrArray       *listing,
              GHashTable      *recorded,
              GError         **error)
{
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer ident;
  gboolean ok = TRUE;
  g_autoptr(GPtrArray) gone = g_ptr_array_new ();

  for (guint i = 0; i < listing->len; i++)
    g_hash_table_add (listed, ((Listed *) g_ptr_array_index (listing, i))->ident);

  g_hash_table_iter_init (&iter, recorded);
  while (g_hash_table_iter_next (&iter, &ident, NULL))
    if (!g_hash_table_contains (listed, ident))
      g_ptr_array_add (gone, ident);

  if (gone->len == 0)
    return TRUE;

  if (!accord_sync_state_begin (self->state, error))
    return FALSE;
  for (guint i = 0; ok && i < gone->len; i++)
    ok = accord_sync_state_pop3_remove (self->state, g_ptr_array_index (gone, i), error);
  if (!accord_sync_state_commit_or_rollback (self->state, ok, error))
    return FALSE;

  for (guint i = 0; i < gone->len; i++)
    g_hash_table_remove (recorded, g_ptr_array_index (gone, i));
  return TRUE;
}

/* A notice for the person, given once however often the run comes across it: nothing
 * to answer, it says what Accord leaves alone. */
static void
_tell (AccordPop3Sync *self,
       const char     *kind,
       const char     *detail)
{
  g_autoptr(GPtrArray) decisions = accord_sync_state_list_decisions (self->state, NULL);

  for (guint i = 0; decisions != NULL && i < decisions->len; i++)
    {
      AccordStateDecision *decision = g_ptr_array_index (decisions, i);

      if (g_str_equal (decision->kind, kind) && g_strcmp0 (decision->detail, detail) == 0)
        return;
    }

  accord_sync_state_add_decision (self->state, kind, 0, detail, NULL);
}

/* The open question about deleting many messages on the server, or NULL. */
static AccordStateDecision *
_asked (AccordPop3Sync *self)
{
  g_autoptr(GPtrArray) decisions = accord_sync_state_list_decisions (self->state, NULL);

  for (guint i = 0; decisions != NULL && i < decisions->len; i++)
    {
      AccordStateDecision *decision = g_ptr_array_index (decisions, i);

      if (g_str_equal (decision->kind, ACCORD_POP3_DECISION_MASS_DELETE))
        return g_ptr_array_steal_index (decisions, i);
    }

  return NULL;
}

/* Asks about deleting @count messages on the server: anew, or again when the number
 * changed since (a changed question gets a new number, so that an answer typed for the
 * old one cannot land on it). */
static void
_ask (AccordPop3Sync      *self,
      AccordStateDecision *asked,
      guint                count)
{
  g_autofree char *detail = NULL;
  g_autoptr(GError) error = NULL;

  if (asked != NULL && asked->held == count && asked->answer == NULL)
    return;

  detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u message downloaded from %s is gone from this computer. "
                                         "It was not deleted on the server. Delete it there too?",
                                         "%u messages downloaded from %s are gone from this computer. "
                                         "They were not deleted on the server. Delete them there too?",
                                         count),
                            count, accord_account_get_address (self->account));
  if (!accord_sync_state_ask_held (self->state, asked, ACCORD_POP3_DECISION_MASS_DELETE, 0, count, detail,
                                   &error))
    g_warning ("%s", error->message);
}

/* Downloads @batch (Listed), journalled first, recorded after. */
static gboolean
_fetch_batch (AccordPop3Sync  *self,
              GPtrArray       *batch,
              GCancellable    *cancellable,
              GError         **error)
{
  g_autoptr(GPtrArray) deliveries =
    g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_delivery_free);
  g_autoptr(GPtrArray) delivered = g_ptr_array_new ();  /* Listed, parallel to deliveries */
  g_autoptr(GString) payload = g_string_new (NULL);
  g_auto(GStrv) keys = g_new0 (char *, batch->len + 1);
  g_autofree GAsyncResult **results = g_new0 (GAsyncResult *, batch->len);
  g_autoptr(GError) fetch_error = NULL;
  gint64 intent_id;
  gboolean ok;

  /* The keys first, in the journal: after a crash, a file under one of them is that
   * message, downloaded. */
  for (guint i = 0; i < batch->len; i++)
    {
      Listed *listed = g_ptr_array_index (batch, i);

      keys[i] = accord_maildir_generate_key (self->maildir);
      g_string_append_printf (payload, "%s%s\t%s", i > 0 ? "\n" : "", listed->ident, keys[i]);
    }
  intent_id = accord_sync_state_add_intent (self->state, FETCH_INTENT, 0, payload->str, error);
  if (intent_id == 0)
    return FALSE;

  /* Asked for all at once: with PIPELINING they come without a round trip each. */
  for (guint i = 0; i < batch->len; i++)
    accord_pop3_client_retr_async (self->client, ((Listed *) g_ptr_array_index (batch, i))->number,
                                   cancellable, _accord_sync_store_result_cb, &results[i]);
  for (guint i = 0; i < batch->len; i++)
    {
      g_autoptr(GError) retr_error = NULL;
      g_autoptr(GBytes) data = accord_pop3_client_retr_finish (self->client, _accord_sync_await (&results[i]),
                                                               &retr_error);

      g_clear_object (&results[i]);
      if (data != NULL)
        {
          g_ptr_array_add (deliveries, accord_maildir_delivery_new (data, NULL, 0, keys[i]));
          g_ptr_array_add (delivered, g_ptr_array_index (batch, i));
        }
      /* Deleted by another session since the listing: nothing to download. */
      else if (g_error_matches (retr_error, ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_REFUSED))
        continue;
      else if (fetch_error == NULL && retr_error != NULL)
        fetch_error = g_steal_pointer (&retr_error);
    }

  /* What arrived before a failure is kept all the same. On a failure to deliver the
   * intent stays: the next run matches the files that made it by their keys. */
  if (deliveries->len > 0 &&
      !accord_maildir_deliver (self->maildir, INBOX, deliveries, cancellable, error))
    return FALSE;

  if (!accord_sync_state_begin (self->state, error))
    return FALSE;
  ok = TRUE;
  for (guint i = 0; ok && i < deliveries->len; i++)
    {
      AccordMaildirDelivery *delivery = g_ptr_array_index (deliveries, i);
      Listed *listed = g_ptr_array_index (delivered, i);

      ok = accord_sync_state_pop3_put (self->state, listed->ident, delivery->key, _now (), error);
    }
  ok = ok && accord_sync_state_remove_intent (self->state, intent_id, error);
  if (!accord_sync_state_commit_or_rollback (self->state, ok, error))
    return FALSE;

  self->stats.fetched += deliveries->len;
  if (self->local_keys != NULL)
    for (guint i = 0; i < deliveries->len; i++)
      {
        AccordMaildirDelivery *delivery = g_ptr_array_index (deliveries, i);

        g_hash_table_add (self->local_keys, g_strdup (delivery->key));
      }

  if (fetch_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&fetch_error));
      return FALSE;
    }

  return TRUE;
}

static gboolean
_fetch_new (AccordPop3Sync  *self,
            GPtrArray       *listing,
            GHashTable      *recorded,
            GCancellable    *cancellable,
            GError         **error)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  guint64 max_size = accord_pop3_client_get_max_message_size (self->client);
  guint64 batch_bytes = 0;

  for (guint i = 0; i < listing->len; i++)
    {
      Listed *listed = g_ptr_array_index (listing, i);

      if (g_hash_table_contains (recorded, listed->ident))
        continue;

      if (listed->size > max_size)
        {
          g_autofree char *size = g_format_size (listed->size);
          g_autofree char *detail =
            g_strdup_printf (_("A message of %s on the server (UIDL %s) is larger than Accord "
                               "downloads; it stays on the server."), size, listed->ident);

          _tell (self, ACCORD_POP3_DECISION_TOO_LARGE, detail);
          self->stats.skipped++;
          continue;
        }

      if (batch->len > 0 &&
          (batch->len >= BATCH_MESSAGES || batch_bytes + listed->size > BATCH_BYTES))
        {
          if (!_fetch_batch (self, batch, cancellable, error))
            return FALSE;
          g_ptr_array_set_size (batch, 0);
          batch_bytes = 0;
        }
      g_ptr_array_add (batch, listed);
      batch_bytes += listed->size;
    }

  return batch->len == 0 || _fetch_batch (self, batch, cancellable, error);
}

/* The UIDLs recorded here, by UIDL, into @recorded; @rows holds them. */
static gboolean
_load_recorded (AccordPop3Sync  *self,
                GPtrArray      **rows,
                GHashTable      *recorded,
                GError         **error)
{
  g_hash_table_remove_all (recorded);
  g_clear_pointer (rows, g_ptr_array_unref);
  *rows = accord_sync_state_pop3_list (self->state, error);
  if (*rows == NULL)
    return FALSE;
  for (guint i = 0; i < (*rows)->len; i++)
    {
      AccordStatePop3Uidl *row = g_ptr_array_index (*rows, i);

      g_hash_table_insert (recorded, row->uidl, row);
    }

  return TRUE;
}

/* The messages the policy deletes on the server: recorded, so safely here, and with a
 * UIDL of their own. */
static gboolean
_choose_deletions (AccordPop3Sync  *self,
                   GPtrArray       *listing,
                   GHashTable      *recorded,
                   GPtrArray       *doomed,
                   GCancellable    *cancellable,
                   GError         **error)
{
  g_autoptr(GPtrArray) newly_gone = g_ptr_array_new ();
  g_autoptr(AccordStateDecision) asked = NULL;
  GHashTable *keys = NULL;
  gint64 now = _now ();
  guint threshold;
  gboolean ok = TRUE;

  if (self->policy == ACCORD_POP3_POLICY_LEAVE)
    return TRUE;

  if (self->policy == ACCORD_POP3_POLICY_DELETE_WHEN_DELETED_HERE)
    {
      keys = _local_keys (self, cancellable, error);
      if (keys == NULL)
        return FALSE;
    }

  for (guint i = 0; i < listing->len; i++)
    {
      Listed *listed = g_ptr_array_index (listing, i);
      AccordStatePop3Uidl *row = g_hash_table_lookup (recorded, listed->ident);

      if (row == NULL || !listed->unique)
        continue;

      if (self->policy == ACCORD_POP3_POLICY_DELETE_AFTER_DAYS)
        {
          if (now - row->first_seen >= (gint64) self->days * SECONDS_PER_DAY)
            g_ptr_array_add (doomed, listed);
        }
      else if (row->deleted_here)
        g_ptr_array_add (doomed, listed);
      else if (row->key != NULL && !g_hash_table_contains (keys, row->key))
        g_ptr_array_add (newly_gone, listed);
    }

  asked = _asked (self);
  if (newly_gone->len == 0)
    return asked == NULL || accord_sync_state_remove_decision (self->state, asked->id, error);

  /* Many local copies gone at once is more likely a lost disk or a wiped folder than
   * the person's wish: the server's copies may be the only ones left. The person's
   * answer settles it: yes (for as many as were asked about) deletes them there, no
   * keeps them there, and they are no longer counted as downloaded here. */
  threshold = self->threshold != 0 ? self->threshold : MAX (50, g_hash_table_size (recorded) / 4);
  if (asked != NULL && g_strcmp0 (asked->answer, "no") == 0)
    {
      if (!accord_sync_state_begin (self->state, error))
        return FALSE;
      for (guint i = 0; ok && i < newly_gone->len; i++)
        {
          Listed *listed = g_ptr_array_index (newly_gone, i);
          AccordStatePop3Uidl *row = g_hash_table_lookup (recorded, listed->ident);

          ok = accord_sync_state_pop3_put (self->state, listed->ident, NULL, row->first_seen, error);
        }
      ok = ok && accord_sync_state_remove_decision (self->state, asked->id, error);
      return accord_sync_state_commit_or_rollback (self->state, ok, error);
    }
  if (newly_gone->len > threshold &&
      !(asked != NULL && g_strcmp0 (asked->answer, "yes") == 0 && newly_gone->len <= asked->held))
    {
      _ask (self, asked, newly_gone->len);
      self->stats.held_deletions = newly_gone->len;
      return TRUE;
    }

  /* Remembered, so that the deletion is repeated should this session not commit. A
   * question about them goes with it: answered, or moot. */
  if (!accord_sync_state_begin (self->state, error))
    return FALSE;
  for (guint i = 0; ok && i < newly_gone->len; i++)
    {
      Listed *listed = g_ptr_array_index (newly_gone, i);

      ok = accord_sync_state_pop3_set_deleted_here (self->state, listed->ident, TRUE, error);
    }
  if (asked != NULL)
    ok = ok && accord_sync_state_remove_decision (self->state, asked->id, error);
  if (!accord_sync_state_commit_or_rollback (self->state, ok, error))
    return FALSE;

  g_ptr_array_extend (doomed, newly_gone, NULL, NULL);
  return TRUE;
}

/* DELE, then QUIT, which commits them. */
static gboolean
_delete_and_quit (AccordPop3Sync  *self,
                  GPtrArray       *doomed,
                  GCancellable    *cancellable,
                  GError         **error)
{
  g_autofree GAsyncResult **results = g_new0 (GAsyncResult *, doomed->len + 1);
  g_autoptr(GPtrArray) deleted = g_ptr_array_new ();
  g_autoptr(GError) dele_error = NULL;
  AWAIT_INIT (quit_result);
  gboolean ok = TRUE;

  for (guint i = 0; i < doomed->len; i++)
    accord_pop3_client_dele_async (self->client, ((Listed *) g_ptr_array_index (doomed, i))->number,
                                   cancellable, _accord_sync_store_result_cb, &results[i]);
  for (guint i = 0; i < doomed->len; i++)
    {
      g_autoptr(GError) one_error = NULL;

      if (accord_pop3_client_dele_finish (self->client, _accord_sync_await (&results[i]), &one_error))
        g_ptr_array_add (deleted, g_ptr_array_index (doomed, i));
      /* Gone already, deleted by another session. */
      else if (!g_error_matches (one_error, ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_REFUSED) &&
               dele_error == NULL)
        dele_error = g_steal_pointer (&one_error);
      g_clear_object (&results[i]);
    }
  if (dele_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&dele_error));
      return FALSE;
    }

  /* Without deletions to commit, a QUIT that fails costs nothing. */
  accord_pop3_client_quit_async (self->client, cancellable, _accord_sync_store_result_cb, &quit_result);
  if (!accord_pop3_client_quit_finish (self->client, _accord_sync_await (&quit_result),
                                       deleted->len > 0 ? error : NULL))
    return deleted->len == 0;

  self->stats.deleted_on_server = deleted->len;
  if (deleted->len == 0)
    return TRUE;

  if (!accord_sync_state_begin (self->state, error))
    return FALSE;
  for (guint i = 0; ok && i < deleted->len; i++)
    {
      Listed *listed = g_ptr_array_index (deleted, i);

      ok = accord_sync_state_pop3_remove (self->state, listed->ident, error);
    }
  return accord_sync_state_commit_or_rollback (self->state, ok, error);
}

static gboolean
_sync (AccordPop3Sync  *self,
       GCancellable    *cancellable,
       GError         **error)
{
  g_autoptr(GPtrArray) listing = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) recorded = NULL;
  g_autoptr(GPtrArray) doomed = g_ptr_array_new ();

  self->maildir = accord_maildir_new (self->maildir_root);
  if (!accord_maildir_ensure_folder (self->maildir, INBOX, cancellable, error))
    return FALSE;
  self->state = accord_sync_state_open (self->state_path, cancellable, error);
  if (self->state == NULL ||
      (self->lock_fd = _accord_sync_lock (self->state_path, ".pop3-lock", cancellable, error)) < 0 ||
      !_recover (self, cancellable, error) ||
      !_connect (self, cancellable, error))
    return FALSE;

  listing = _list (self, cancellable, error);
  if (listing == NULL)
    return FALSE;

  recorded = g_hash_table_new (g_str_hash, g_str_equal);
  if (!_load_recorded (self, &rows, recorded, error) ||
      !_forget_gone (self, listing, recorded, error) ||
      !_fetch_new (self, listing, recorded, cancellable, error))
    return FALSE;

  /* Downloaded just now, they count as recorded. */
  if (self->stats.fetched > 0 && !_load_recorded (self, &rows, recorded, error))
    return FALSE;

  return _choose_deletions (self, listing, recorded, doomed, cancellable, error) &&
         _delete_and_quit (self, doomed, cancellable, error);
}

static void
_run_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  AccordPop3Sync *self = source_object;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_main_context_push_thread_default (context);
  self->lock_fd = -1;
  ok = _sync (self, cancellable, &error);
  /* Without QUIT the server keeps every message, the ones marked for deletion too. */
  g_clear_object (&self->client);
  if (self->state != NULL)
    accord_sync_state_close (self->state);
  g_clear_object (&self->state);
  g_clear_object (&self->maildir);
  g_clear_pointer (&self->local_keys, g_hash_table_unref);
  if (self->lock_fd >= 0)
    close (self->lock_fd);
  self->lock_fd = -1;
  /* Let what the client left behind finish on this context before it goes. */
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
accord_pop3_sync_finalize (GObject *object)
{
  AccordPop3Sync *self = (AccordPop3Sync *)object;

  g_clear_object (&self->account);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_clear_pointer (&self->password, g_free);
  g_clear_pointer (&self->maildir_root, g_free);
  g_clear_pointer (&self->state_path, g_free);
  g_clear_object (&self->database);

  G_OBJECT_CLASS (accord_pop3_sync_parent_class)->finalize (object);
}

static void
accord_pop3_sync_class_init (AccordPop3SyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = accord_pop3_sync_finalize;
}

static void
accord_pop3_sync_init (AccordPop3Sync *self)
{
  self->policy = ACCORD_POP3_POLICY_LEAVE;
  self->lock_fd = -1;
}

/**
 * accord_pop3_sync_new:
 * @account: an account whose incoming mail is POP3
 * @password: the password for it
 */
AccordPop3Sync *
accord_pop3_sync_new (AccordAccount *account,
                      const char    *password)
{
  AccordPop3Sync *self;
  AccordServiceConfig *config;

  g_return_val_if_fail (ACCORD_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (password != NULL, NULL);

  config = accord_account_get_service (account, ACCORD_SERVICE_MAIL_IN);
  g_return_val_if_fail (config != NULL && config->protocol == ACCORD_PROTOCOL_POP3, NULL);

  self = g_object_new (ACCORD_TYPE_POP3_SYNC, NULL);
  self->account = g_object_ref (account);
  self->password = g_strdup (password);
  self->maildir_root = accord_maildir_default_root (accord_account_get_id (account));
  self->state_path = accord_sync_state_default_path (accord_account_get_id (account));

  /* The account's choice for the server's copy; leave it, unless it says otherwise. */
  if (g_strcmp0 (config->keep_on_server, "delete-after-days") == 0)
    accord_pop3_sync_set_policy (self, ACCORD_POP3_POLICY_DELETE_AFTER_DAYS, MAX (config->keep_days, 1));
  else if (g_strcmp0 (config->keep_on_server, "delete-when-deleted-here") == 0)
    accord_pop3_sync_set_policy (self, ACCORD_POP3_POLICY_DELETE_WHEN_DELETED_HERE, 0);

  return self;
}

/**
 * accord_pop3_sync_set_paths:
 *
 * Where the mail and the sync state go, instead of `$XDG_DATA_HOME/accord/<account>/`.
 */
void
accord_pop3_sync_set_paths (AccordPop3Sync *self,
                            const char     *maildir_root,
                            const char     *state_path)
{
  g_return_if_fail (ACCORD_IS_POP3_SYNC (self));
  g_return_if_fail (maildir_root != NULL && state_path != NULL);

  g_free (self->maildir_root);
  self->maildir_root = g_strdup (maildir_root);
  g_free (self->state_path);
  self->state_path = g_strdup (state_path);
}

/**
 * accord_pop3_sync_set_tls_database:
 * @database: (nullable): the certificate authorities to trust; %NULL for the system's
 */
void
accord_pop3_sync_set_tls_database (AccordPop3Sync *self,
                                   GTlsDatabase   *database)
{
  g_return_if_fail (ACCORD_IS_POP3_SYNC (self));

  g_set_object (&self->database, database);
}

/**
 * accord_pop3_sync_set_policy:
 * @days: for %ACCORD_POP3_POLICY_DELETE_AFTER_DAYS, how long after its download a
 *   message stays on the server; 0 deletes it as soon as it is here
 *
 * What becomes of the server's copies; the default is %ACCORD_POP3_POLICY_LEAVE.
 */
void
accord_pop3_sync_set_policy (AccordPop3Sync   *self,
                             AccordPop3Policy  policy,
                             guint             days)
{
  g_return_if_fail (ACCORD_IS_POP3_SYNC (self));
  g_return_if_fail (policy <= ACCORD_POP3_POLICY_DELETE_WHEN_DELETED_HERE);

  self->policy = policy;
  self->days = days;
}

/**
 * accord_pop3_sync_set_deletion_threshold:
 * @threshold: for %ACCORD_POP3_POLICY_DELETE_WHEN_DELETED_HERE, how many local copies
 *   may vanish at once before the person is asked instead; 0 for the default, the
 *   larger of 50 and a quarter of the messages downloaded
 */
void
accord_pop3_sync_set_deletion_threshold (AccordPop3Sync *self,
                                         guint           threshold)
{
  g_return_if_fail (ACCORD_IS_POP3_SYNC (self));

  self->threshold = threshold;
}

/**
 * accord_pop3_sync_run_async:
 *
 * Downloads what is new on the server and applies the policy, on a worker thread.
 */
void
accord_pop3_sync_run_async (AccordPop3Sync      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_POP3_SYNC (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  memset (&self->stats, 0, sizeof self->stats);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_pop3_sync_run_async);
  g_task_run_in_thread (task, _run_in_thread);
}

gboolean
accord_pop3_sync_run_finish (AccordPop3Sync  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  g_return_val_if_fail (ACCORD_IS_POP3_SYNC (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * accord_pop3_sync_get_stats:
 *
 * Returns: what the last run did
 */
const AccordPop3SyncStats *
accord_pop3_sync_get_stats (AccordPop3Sync *self)
{
  g_return_val_if_fail (ACCORD_IS_POP3_SYNC (self), NULL);

  return &self->stats;
}
