/* accord-imap-sync.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "accord-imap-client.h"
#include "accord-imap-sync.h"
#include "accord-maildir.h"
#include "accord-sync-plan.h"
#include "accord-sync-state.h"
#include "accord-sync-worker.h"

/**
 * AccordImapSync:
 *
 * One two-way sync of an IMAP account with its Maildir, folder by folder.
 *
 * The run happens on a worker thread with a main context of its own, so neither
 * the network nor the fsync()s of the Maildir ever hold up the caller's main loop;
 * the IMAP client is as asynchronous there as anywhere, and the code reads top to
 * bottom. What the server, the files and the last sync say goes to #AccordSyncPlan,
 * which decides; this file carries the plan out in an order that never loses or
 * doubles a message, whatever is killed when:
 *
 * - downloads are journalled (an intent with their UIDs) before they start, written
 *   tmp → fsync → rename → fsync of the folder, and recorded with the intent removed
 *   in one transaction; a file that exists without its record is matched to its UID
 *   by the intent after a crash, never uploaded again;
 * - uploads are journalled with the file's key and Message-ID before APPEND; after a
 *   crash the server is searched for the Message-ID before anything is sent again;
 * - the folder's cursor (UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ) moves only in the last
 *   transaction of a folder that went through completely, and not at all while
 *   deletions are held back, so that the server reports them again.
 */
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

G_DEFINE_FINAL_TYPE (AccordImapSync, accord_imap_sync, G_TYPE_OBJECT)

#define FLUSH_BYTES (2 * 1024 * 1024)
#define FLUSH_MESSAGES 500


/* UID sets */

static int
_compare_uids (gconstpointer a,
               gconstpointer b)
{
  guint32 x = *(const guint32 *) a;
  guint32 y = *(const guint32 *) b;

  return (x > y) - (x < y);
}

/* "1:5,7,9:12" from UIDs in any order. */
static char *
_uid_set (GArray *uids)
{
  g_autoptr(GString) set = g_string_new (NULL);

  g_array_sort (uids, _compare_uids);
  for (guint i = 0; i < uids->len; )
    {
      guint32 first = g_array_index (uids, guint32, i);
      guint32 last = first;

      while (i + 1 < uids->len && g_array_index (uids, guint32, i + 1) <= last + 1)
        last = g_array_index (uids, guint32, ++i);
      i++;

      if (set->len > 0)
        g_string_append_c (set, ',');
      if (first == last)
        g_string_append_printf (set, "%u", first);
      else
        g_string_append_printf (set, "%u:%u", first, last);
    }

  return g_string_free (g_steal_pointer (&set), FALSE);
}

static gboolean
_uid_set_contains (const char *set,
                   guint32     uid)
{
  g_auto(GStrv) ranges = g_strsplit (set, ",", -1);

  for (guint i = 0; ranges[i] != NULL; i++)
    {
      guint64 first = g_ascii_strtoull (ranges[i], NULL, 10);
      const char *colon = strchr (ranges[i], ':');
      guint64 last = colon ? g_ascii_strtoull (colon + 1, NULL, 10) : first;

      if (uid >= first && uid <= last)
        return TRUE;
    }

  return FALSE;
}

/* The Message-ID of a message, from its header, or NULL. */
static char *
_message_id (GBytes *message)
{
  gsize length;
  const char *data = g_bytes_get_data (message, &length);
  const char *end = data + length;

  for (const char *line = data; line < end; )
    {
      const char *eol = memchr (line, '\n', end - line);
      gsize len = (eol ? eol : end) - line;

      if (len == 0 || (len == 1 && line[0] == '\r'))
        break;
      if (len > 11 && g_ascii_strncasecmp (line, "Message-ID:", 11) == 0)
        {
          const char *open = memchr (line, '<', len);
          const char *close = open ? memchr (open, '>', line + len - open) : NULL;

          if (open != NULL && close != NULL && close - open < 990)
            return g_strndup (open, close - open + 1);
          return NULL;
        }
      line = eol ? eol + 1 : end;
    }

  return NULL;
}

/* Transactions */

static gboolean
_commit_or_rollback (AccordSyncState  *state,
                     gboolean          ok,
                     GError          **error)
{
  if (ok)
    return accord_sync_state_commit (state, error);

  accord_sync_state_rollback (state);
  return FALSE;
}

/* One folder */

typedef struct
{
  AccordImapSync *self;
  gint64          folder_id;
  const char     *folder;
  char           *intent_uids;
  gint64          intent_id;
  GPtrArray      *batch;      /* AccordMaildirDelivery */
  gsize           batch_bytes;
  GError         *error;
} Download;

static gboolean
_flush_download (Download  *download,
                 GError   **error)
{
  AccordImapSync *self = download->self;
  gboolean ok;

  if (download->batch->len == 0)
    return TRUE;

  if (!accord_maildir_deliver (self->maildir, download->folder, download->batch, NULL, error))
    return FALSE;

  if (!accord_sync_state_begin (self->state, error))
    return FALSE;
  ok = TRUE;
  for (guint i = 0; ok && i < download->batch->len; i++)
    {
      AccordMaildirDelivery *delivery = g_ptr_array_index (download->batch, i);
      g_autofree char *message_id = _message_id (delivery->data);
      AccordStateMessage row = { download->folder_id, delivery->uid, delivery->key,
                                 delivery->flags, (gint64) g_bytes_get_size (delivery->data),
                                 message_id };

      ok = accord_sync_state_put_message (self->state, &row, error);
    }
  if (!_commit_or_rollback (self->state, ok, error))
    return FALSE;

  self->stats.fetched += download->batch->len;
  g_ptr_array_set_size (download->batch, 0);
  download->batch_bytes = 0;
  return TRUE;
}

static void
_on_message (AccordImapMessage *message,
             gpointer           user_data)
{
  Download *download = user_data;
  char letters[8];

  if (download->error != NULL || message->body == NULL)
    return;

  accord_mail_flags_to_letters (accord_mail_flags_from_imap ((const char * const *) message->flags),
                                letters);
  g_ptr_array_add (download->batch,
                   accord_maildir_delivery_new (message->body, letters, message->uid, NULL));
  download->batch_bytes += g_bytes_get_size (message->body);

  if (download->batch_bytes >= FLUSH_BYTES || download->batch->len >= FLUSH_MESSAGES)
    _flush_download (download, &download->error);
}

static gboolean
_download (AccordImapSync  *self,
           gint64           folder_id,
           const char      *folder,
           GArray          *uids,
           GCancellable    *cancellable,
           GError         **error)
{
  Download download = { self, folder_id, folder, NULL, 0, NULL, 0, NULL };
  AWAIT_INIT (result);
  gboolean ok;

  if (uids->len == 0)
    return TRUE;

  /* Journalled first: after a crash, a file carrying one of these UIDs is this
   * download's, not a new message to upload. */
  download.intent_uids = _uid_set (uids);
  download.intent_id = accord_sync_state_add_intent (self->state, "fetch", folder_id,
                                                     download.intent_uids, error);
  if (download.intent_id == 0)
    {
      g_free (download.intent_uids);
      return FALSE;
    }

  download.batch = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_delivery_free);
  accord_imap_client_fetch_bodies_async (self->client, download.intent_uids, _on_message, &download,
                                         cancellable, _accord_sync_store_result_cb, &result);
  ok = accord_imap_client_fetch_bodies_finish (self->client, _accord_sync_await (&result), error);

  if (ok && download.error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&download.error));
      ok = FALSE;
    }
  ok = ok && _flush_download (&download, error);
  ok = ok && accord_sync_state_remove_intent (self->state, download.intent_id, error);

  g_clear_error (&download.error);
  g_ptr_array_unref (download.batch);
  g_free (download.intent_uids);
  return ok;
}

/* The local name of the folder an intent belongs to. */
static const char *
intent_folder (AccordImapSync          *self,
               const AccordStateIntent *intent)
{
  return self->recovering_folder;
}

/* After a crash: finish what the journal says was under way in @folder_id. */
static gboolean
_recover (AccordImapSync  *self,
          gint64           folder_id,
          GPtrArray       *files,
          GCancellable    *cancellable,
          GError         **error)
{
  g_autoptr(GPtrArray) intents = accord_sync_state_list_intents (self->state, error);

  if (intents == NULL)
    return FALSE;

  for (guint i = 0; i < intents->len; i++)
    {
      AccordStateIntent *intent = g_ptr_array_index (intents, i);

      if (intent->folder_id != folder_id)
        continue;

      if (g_str_equal (intent->kind, "fetch"))
        {
          gboolean ok;

          /* Files delivered before the crash carry their UID: record them. */
          if (!accord_sync_state_begin (self->state, error))
            return FALSE;
          ok = TRUE;
          for (guint j = 0; ok && j < files->len; j++)
            {
              AccordMaildirMessage *file = g_ptr_array_index (files, j);
              g_autoptr(GError) missing = NULL;
              AccordStateMessage *known;

              if (file->uid == 0 || !_uid_set_contains (intent->payload, file->uid))
                continue;
              known = accord_sync_state_lookup_message (self->state, folder_id, file->uid, &missing);
              if (known != NULL)
                {
                  accord_state_message_free (known);
                  continue;
                }
              {
                AccordStateMessage row = { folder_id, file->uid, file->key, file->flags,
                                           file->size, NULL };

                ok = accord_sync_state_put_message (self->state, &row, error);
              }
            }
          ok = ok && accord_sync_state_remove_intent (self->state, intent->id, error);
          if (!_commit_or_rollback (self->state, ok, error))
            return FALSE;
        }
      else if (g_str_equal (intent->kind, "append"))
        {
          g_auto(GStrv) parts = g_strsplit (intent->payload ? intent->payload : "", "\t", 2);
          g_autoptr(GArray) found = NULL;
          AWAIT_INIT (result);
          gboolean ok;

          /* Did the APPEND reach the server? Its Message-ID says. */
          if (parts[0] != NULL && parts[1] != NULL && *parts[1] != '\0')
            {
              g_autofree char *criteria = g_strdup_printf ("HEADER Message-ID \"%s\"", parts[1]);

              accord_imap_client_search_async (self->client, criteria, cancellable,
                                               _accord_sync_store_result_cb, &result);
              found = accord_imap_client_search_finish (self->client, _accord_sync_await (&result), error);
              if (found == NULL)
                return FALSE;
            }

          if (!accord_sync_state_begin (self->state, error))
            return FALSE;
          ok = TRUE;
          if (found != NULL && found->len == 1)
            for (guint j = 0; ok && j < files->len; j++)
              {
                AccordMaildirMessage *file = g_ptr_array_index (files, j);
                AccordStateMessage row = { folder_id, g_array_index (found, guint32, 0), file->key,
                                           file->flags, file->size, parts[1] };

                if (g_str_equal (file->key, parts[0]))
                  ok = accord_sync_state_put_message (self->state, &row, error);
              }
          ok = ok && accord_sync_state_remove_intent (self->state, intent->id, error);
          if (!_commit_or_rollback (self->state, ok, error))
            return FALSE;
        }
      else if (g_str_equal (intent->kind, "move"))
        {
          /* A move here was cut: each moved file is found on the server by its
           * Message-ID, else it is left to be uploaded. */
          g_auto(GStrv) keys = g_strsplit (intent->payload ? intent->payload : "", "\t", -1);
          gboolean ok;

          if (!accord_sync_state_begin (self->state, error))
            return FALSE;
          ok = TRUE;
          for (guint j = 0; ok && j < files->len; j++)
            {
              AccordMaildirMessage *file = g_ptr_array_index (files, j);
              g_autoptr(GBytes) message = NULL;
              g_autofree char *message_id = NULL;
              g_autofree char *criteria = NULL;
              g_autoptr(GArray) found = NULL;
              AWAIT_INIT (result);

              if (!g_strv_contains ((const char * const *) keys, file->key))
                continue;
              message = accord_maildir_read_message (self->maildir, intent_folder (self, intent),
                                                     file->filename, cancellable, NULL);
              message_id = message ? _message_id (message) : NULL;
              if (message_id == NULL)
                continue;
              criteria = g_strdup_printf ("HEADER Message-ID \"%s\"", message_id);
              accord_imap_client_search_async (self->client, criteria, cancellable,
                                               _accord_sync_store_result_cb, &result);
              found = accord_imap_client_search_finish (self->client, _accord_sync_await (&result), error);
              if (found == NULL)
                ok = FALSE;
              else if (found->len == 1)
                {
                  AccordStateMessage row = { folder_id, g_array_index (found, guint32, 0), file->key,
                                             file->flags, file->size, message_id };

                  ok = accord_sync_state_put_message (self->state, &row, error);
                }
            }
          ok = ok && accord_sync_state_remove_intent (self->state, intent->id, error);
          if (!_commit_or_rollback (self->state, ok, error))
            return FALSE;
        }
      else if (g_str_equal (intent->kind, "expunge"))
        {
          /* Deleting twice is harmless: the plan sees the rows again and repeats it. */
          if (!accord_sync_state_remove_intent (self->state, intent->id, error))
            return FALSE;
        }
    }

  return TRUE;
}

/* When the file was written, for the message's date on the server; 0 when unknown. */
static gint64
_file_time (AccordImapSync             *self,
            const char                 *folder,
            const AccordMaildirMessage *file)
{
  g_autofree char *dir = accord_maildir_get_folder_path (self->maildir, folder, NULL);
  g_autofree char *path = NULL;
  GStatBuf info;

  if (file->mtime > 0 || dir == NULL)
    return file->mtime;

  path = g_build_filename (dir, file->is_new ? "new" : "cur", file->filename, NULL);
  return g_stat (path, &info) == 0 ? info.st_mtime : 0;
}

static gboolean
_upload (AccordImapSync          *self,
         gint64                   folder_id,
         const char              *folder,
         const char              *remote_name,
         const AccordMaildirMessage *file,
         GCancellable            *cancellable,
         GError                 **error)
{
  g_autoptr(GBytes) message = NULL;
  g_autofree char *message_id = NULL;
  g_autofree char *payload = NULL;
  g_auto(GStrv) flags = NULL;
  AWAIT_INIT (result);
  guint32 uid;
  gint64 intent;
  gboolean ok;

  message = accord_maildir_read_message (self->maildir, folder, file->filename, cancellable, error);
  if (message == NULL)
    return g_error_matches (*error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NOT_FOUND)
           ? (g_clear_error (error), TRUE) : FALSE;

  message_id = _message_id (message);
  payload = g_strdup_printf ("%s\t%s", file->key, message_id ? message_id : "");
  intent = accord_sync_state_add_intent (self->state, "append", folder_id, payload, error);
  if (intent == 0)
    return FALSE;

  flags = accord_mail_flags_to_imap (accord_mail_flags_from_letters (file->flags));
  accord_imap_client_append_async (self->client, remote_name, (const char * const *) flags,
                                   _file_time (self, folder, file), message, cancellable,
                                   _accord_sync_store_result_cb, &result);
  uid = accord_imap_client_append_finish (self->client, _accord_sync_await (&result), NULL, error);
  if (uid == 0 && *error != NULL)
    return FALSE;

  if (!accord_sync_state_begin (self->state, error))
    return FALSE;
  ok = TRUE;
  if (uid != 0)
    {
      AccordStateMessage row = { folder_id, uid, file->key, file->flags, file->size, message_id };

      ok = accord_sync_state_put_message (self->state, &row, error);
    }
  /* Without UIDPLUS the intent stays: the next run finds the UID by Message-ID. */
  ok = ok && (uid == 0 || accord_sync_state_remove_intent (self->state, intent, error));
  if (!_commit_or_rollback (self->state, ok, error))
    return FALSE;

  self->stats.uploaded++;
  return TRUE;
}

/* Sets flags on the server; pipelined, one STORE per change of flags. */
static gboolean
_store_flags (AccordImapSync  *self,
              GArray          *uids,
              gboolean         add,
              AccordMailFlags  flags,
              GCancellable    *cancellable,
              GError         **error)
{
  g_autofree char *set = NULL;
  g_auto(GStrv) names = NULL;
  AWAIT_INIT (result);

  if (uids->len == 0 || flags == 0)
    return TRUE;

  set = _uid_set (uids);
  names = accord_mail_flags_to_imap (flags);
  accord_imap_client_store_flags_async (self->client, set, add, (const char * const *) names, 0,
                                        cancellable, _accord_sync_store_result_cb, &result);
  return accord_imap_client_store_flags_finish (self->client, _accord_sync_await (&result), error);
}

static gboolean
_apply_flags (AccordImapSync  *self,
              gint64           folder_id,
              const char      *folder,
              AccordSyncPlan  *plan,
              GHashTable      *filenames,
              GCancellable    *cancellable,
              GError         **error)
{
  g_autoptr(GPtrArray) local_changes = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_change_free);
  /* Remote changes grouped by the flag added or removed: one STORE each. */
  GArray *adds[6] = { NULL, };
  GArray *removes[6] = { NULL, };
  gboolean ok = TRUE;
  guint n = 0;

  for (guint i = 0; i < plan->actions->len; i++)
    {
      const AccordSyncAction *action = &g_array_index (plan->actions, AccordSyncAction, i);
      char letters[8];

      if (action->kind != ACCORD_SYNC_ACTION_SET_FLAGS)
        continue;
      n++;

      if (action->flags != action->local_flags)
        {
          accord_mail_flags_to_letters (action->flags, letters);
          g_ptr_array_add (local_changes,
                           accord_maildir_change_new (g_hash_table_lookup (filenames, action->key),
                                                      letters));
        }

      for (guint bit = 0; bit < G_N_ELEMENTS (adds); bit++)
        {
          AccordMailFlags flag = 1 << bit;
          GArray **slot = NULL;

          if ((action->flags & flag) && !(action->remote_flags & flag))
            slot = &adds[bit];
          else if (!(action->flags & flag) && (action->remote_flags & flag))
            slot = &removes[bit];
          if (slot == NULL)
            continue;
          if (*slot == NULL)
            *slot = g_array_new (FALSE, FALSE, sizeof (guint32));
          g_array_append_val (*slot, action->uid);
        }
    }

  if (n == 0)
    return TRUE;

  if (local_changes->len > 0 &&
      !accord_maildir_set_flags (self->maildir, folder, local_changes, cancellable, error))
    ok = FALSE;

  for (guint bit = 0; bit < G_N_ELEMENTS (adds); bit++)
    {
      if (ok && adds[bit] != NULL)
        ok = _store_flags (self, adds[bit], TRUE, 1 << bit, cancellable, error);
      if (ok && removes[bit] != NULL)
        ok = _store_flags (self, removes[bit], FALSE, 1 << bit, cancellable, error);
      g_clear_pointer (&adds[bit], g_array_unref);
      g_clear_pointer (&removes[bit], g_array_unref);
    }
  if (!ok)
    return FALSE;

  if (!accord_sync_state_begin (self->state, error))
    return FALSE;
  for (guint i = 0; ok && i < plan->actions->len; i++)
    {
      const AccordSyncAction *action = &g_array_index (plan->actions, AccordSyncAction, i);
      char letters[8];

      if (action->kind != ACCORD_SYNC_ACTION_SET_FLAGS)
        continue;
      accord_mail_flags_to_letters (action->flags, letters);
      ok = accord_sync_state_set_message_flags (self->state, folder_id, action->uid, letters, error);
    }
  if (!_commit_or_rollback (self->state, ok, error))
    return FALSE;

  self->stats.flags_changed += n;
  return TRUE;
}

static gboolean
_apply_deletions (AccordImapSync  *self,
                  gint64           folder_id,
                  const char      *folder,
                  AccordSyncPlan  *plan,
                  GHashTable      *filenames,
                  GCancellable    *cancellable,
                  GError         **error)
{
  g_autoptr(GPtrArray) here = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_change_free);
  g_autoptr(GArray) there = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GArray) forget = g_array_new (FALSE, FALSE, sizeof (guint32));
  gint64 intent = 0;
  gboolean ok = TRUE;

  for (guint i = 0; i < plan->actions->len; i++)
    {
      const AccordSyncAction *action = &g_array_index (plan->actions, AccordSyncAction, i);

      if (action->kind == ACCORD_SYNC_ACTION_DELETE_LOCAL)
        g_ptr_array_add (here, accord_maildir_change_new (g_hash_table_lookup (filenames, action->key),
                                                          NULL));
      else if (action->kind == ACCORD_SYNC_ACTION_DELETE_REMOTE)
        g_array_append_val (there, action->uid);
      else
        continue;
      g_array_append_val (forget, action->uid);
    }
  for (guint i = 0; i < plan->actions->len; i++)
    {
      const AccordSyncAction *action = &g_array_index (plan->actions, AccordSyncAction, i);

      if (action->kind == ACCORD_SYNC_ACTION_FORGET)
        g_array_append_val (forget, action->uid);
    }

  if (forget->len == 0)
    return TRUE;

  if (here->len > 0 && !accord_maildir_remove_messages (self->maildir, folder, here, cancellable, error))
    return FALSE;

  if (there->len > 0)
    {
      g_autofree char *set = _uid_set (there);
      g_auto(GStrv) deleted = accord_mail_flags_to_imap (ACCORD_MAIL_FLAG_DELETED);
      AWAIT_INIT (stored);
      AWAIT_INIT (expunged);

      intent = accord_sync_state_add_intent (self->state, "expunge", folder_id, set, error);
      if (intent == 0)
        return FALSE;

      /* Pipelined: the EXPUNGE follows the STORE without waiting for its answer. */
      accord_imap_client_store_flags_async (self->client, set, TRUE, (const char * const *) deleted,
                                            0, cancellable, _accord_sync_store_result_cb, &stored);
      accord_imap_client_expunge_async (self->client, self->uidplus ? set : NULL, cancellable,
                                        _accord_sync_store_result_cb, &expunged);
      ok = accord_imap_client_store_flags_finish (self->client, _accord_sync_await (&stored), error);
      if (ok)
        ok = accord_imap_client_expunge_finish (self->client, _accord_sync_await (&expunged), error);
      else
        accord_imap_client_expunge_finish (self->client, _accord_sync_await (&expunged), NULL);
      if (!ok)
        return FALSE;
    }

  if (!accord_sync_state_begin (self->state, error))
    return FALSE;
  for (guint i = 0; ok && i < forget->len; i++)
    ok = accord_sync_state_remove_message (self->state, folder_id, g_array_index (forget, guint32, i),
                                           error);
  ok = ok && (intent == 0 || accord_sync_state_remove_intent (self->state, intent, error));
  if (!_commit_or_rollback (self->state, ok, error))
    return FALSE;

  self->stats.deleted_here += here->len;
  self->stats.deleted_there += there->len;
  return TRUE;
}

static void
_hold (AccordImapSync *self,
       gint64          folder_id,
       const char     *folder,
       guint           count,
       gboolean        here)
{
  g_autofree char *detail = NULL;
  g_autoptr(GError) error = NULL;
  const char *kind = here ? "delete-here" : "delete-there";
  g_autoptr(GPtrArray) pending = accord_sync_state_list_decisions (self->state, NULL);

  self->stats.held_deletions += count;

  for (guint i = 0; pending != NULL && i < pending->len; i++)
    {
      AccordStateDecision *decision = g_ptr_array_index (pending, i);

      if (decision->folder_id == folder_id && g_str_equal (decision->kind, kind))
        return;
    }

  if (here)
    detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u message was deleted on the server from %s; delete it here too?",
                                           "%u messages were deleted on the server from %s; delete them here too?",
                                           count),
                              count, folder);
  else
    detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u message was deleted here from %s; delete it on the server too?",
                                           "%u messages were deleted here from %s; delete them on the server too?",
                                           count),
                              count, folder);

  if (accord_sync_state_add_decision (self->state, kind, folder_id, detail, &error) == 0)
    g_warning ("%s", error->message);
}

typedef struct
{
  AccordStateMessage *row;
  GAsyncResult       *result;
} Rematch;

/* After a UIDVALIDITY change: the last sync's rows get the UIDs their Message-IDs have
 * now, one SEARCH each; rows that match nothing are dropped, so their files
 * count as new here, and the cursor starts over. */
static gboolean
_rematch (AccordImapSync  *self,
          gint64           folder_id,
          guint32          uidvalidity,
          GCancellable    *cancellable,
          GError         **error)
{
  g_autoptr(GPtrArray) rows = accord_sync_state_list_messages (self->state, folder_id, error);
  g_autoptr(GArray) searches = NULL;
  gboolean ok = TRUE;

  if (rows == NULL)
    return FALSE;

  searches = g_array_sized_new (FALSE, TRUE, sizeof (Rematch), rows->len);
  g_array_set_size (searches, rows->len);
  for (guint i = 0; i < rows->len; i++)
    {
      Rematch *search = &g_array_index (searches, Rematch, i);
      AccordStateMessage *row = g_ptr_array_index (rows, i);
      g_autofree char *criteria = NULL;

      search->row = row;
      if (row->message_id == NULL || strchr (row->message_id, '"') != NULL)
        continue;
      criteria = g_strdup_printf ("HEADER Message-ID \"%s\"", row->message_id);
      accord_imap_client_search_async (self->client, criteria, cancellable, _accord_sync_store_result_cb,
                                       &search->result);
      /* One at a time: the answers of pipelined SEARCHes carry no tag, and a server may
       * run them side by side. */
      _accord_sync_await (&search->result);
    }

  if (!accord_sync_state_begin (self->state, error))
    ok = FALSE;
  ok = ok && accord_sync_state_remove_all_messages (self->state, folder_id, error);
  for (guint i = 0; i < searches->len; i++)
    {
      Rematch *search = &g_array_index (searches, Rematch, i);
      g_autoptr(GArray) uids = NULL;

      if (search->row->message_id == NULL || strchr (search->row->message_id, '"') != NULL)
        continue;
      uids = accord_imap_client_search_finish (self->client, _accord_sync_await (&search->result),
                                               ok ? error : NULL);
      g_clear_object (&search->result);
      if (uids == NULL)
        {
          ok = FALSE;
          continue;
        }
      if (ok && uids->len == 1)
        {
          AccordStateMessage row = *search->row;

          row.uid = g_array_index (uids, guint32, 0);
          ok = accord_sync_state_put_message (self->state, &row, error);
        }
    }
  ok = ok && accord_sync_state_set_cursor (self->state, folder_id, uidvalidity, 0, 0, error);
  return _commit_or_rollback (self->state, ok, error);
}

/* Whether the files here are exactly as last synced: same keys, same flags. */
static gboolean
_nothing_changed_here (AccordImapSync  *self,
                       gint64           folder_id,
                       const char      *folder,
                       gboolean        *quiet,
                       GCancellable    *cancellable,
                       GError         **error)
{
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) synced = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) intents = NULL;

  *quiet = FALSE;

  intents = accord_sync_state_list_intents (self->state, error);
  if (intents == NULL)
    return FALSE;
  for (guint i = 0; i < intents->len; i++)
    if (((AccordStateIntent *) g_ptr_array_index (intents, i))->folder_id == folder_id)
      return TRUE;

  files = accord_maildir_scan (self->maildir, folder, ACCORD_MAILDIR_SCAN_NONE, cancellable, error);
  rows = files ? accord_sync_state_list_messages (self->state, folder_id, error) : NULL;
  if (rows == NULL)
    return FALSE;

  if (files->len != rows->len)
    return TRUE;

  for (guint i = 0; i < rows->len; i++)
    {
      AccordStateMessage *row = g_ptr_array_index (rows, i);

      g_hash_table_insert (synced, row->key, row);
    }

  for (guint i = 0; i < files->len; i++)
    {
      AccordMaildirMessage *file = g_ptr_array_index (files, i);
      AccordStateMessage *row = g_hash_table_lookup (synced, file->key);

      if (row == NULL ||
          accord_mail_flags_from_letters (row->flags) != accord_mail_flags_from_letters (file->flags))
        return TRUE;
    }

  *quiet = TRUE;
  return TRUE;
}

static gboolean
_sync_folder (AccordImapSync          *self,
              const AccordImapFolder  *remote_folder,
              const char              *folder,
              GCancellable            *cancellable,
              GError                 **error)
{
  g_autoptr(AccordImapMailbox) mailbox = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) listing = NULL;
  g_autoptr(GArray) vanished = NULL;
  g_autoptr(GArray) remote = g_array_new (FALSE, FALSE, sizeof (AccordRemoteEntry));
  g_autoptr(GArray) local = g_array_new (FALSE, FALSE, sizeof (AccordLocalEntry));
  g_autoptr(GArray) synced = g_array_new (FALSE, FALSE, sizeof (AccordSyncedEntry));
  g_autoptr(GArray) to_fetch = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GHashTable) filenames = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(AccordSyncPlan) plan = NULL;
  AccordSyncPlanOptions options = { TRUE, NULL, 0, 0 };
  AccordStateFolder *cursor = NULL;
  AccordImapQresync qresync = { 0, };
  gboolean use_qresync;
  gboolean unchanged = FALSE;
  gint64 folder_id;
  gboolean ok = TRUE;
  AWAIT_INIT (selected);

  folder_id = accord_sync_state_ensure_folder (self->state, folder, remote_folder->raw_name, error);
  if (folder_id == 0 || !accord_maildir_ensure_folder (self->maildir, folder, cancellable, error))
    return FALSE;
  cursor = accord_sync_state_get_folder (self->state, folder_id, error);
  if (cursor == NULL)
    return FALSE;

  /* LIST-STATUS said the server's side of the folder is as it was last time: when
   * nothing changed here either, there is no need to select it at all, which makes a
   * sync with nothing to do a handful of round trips whatever the number of folders. */
  if (remote_folder->has_status && cursor->uidvalidity != 0 && cursor->highestmodseq != 0 &&
      remote_folder->uidvalidity == cursor->uidvalidity &&
      remote_folder->uidnext == cursor->uidnext &&
      remote_folder->highestmodseq == cursor->highestmodseq)
    {
      gboolean quiet = FALSE;

      if (!_nothing_changed_here (self, folder_id, folder, &quiet, cancellable, error))
        goto out_fail;
      if (quiet)
        {
          accord_sync_state_set_folder_status (self->state, folder_id,
                                               g_get_real_time () / G_USEC_PER_SEC, NULL, NULL);
          accord_state_folder_free (cursor);
          return TRUE;
        }
    }

  use_qresync = self->qresync && cursor->uidvalidity != 0 && cursor->highestmodseq != 0;
  if (use_qresync)
    {
      qresync.uidvalidity = cursor->uidvalidity;
      qresync.modseq = cursor->highestmodseq;
    }

  accord_imap_client_select_async (self->client, remote_folder->name, use_qresync ? &qresync : NULL,
                                   FALSE, cancellable, _accord_sync_store_result_cb, &selected);
  mailbox = accord_imap_client_select_finish (self->client, _accord_sync_await (&selected), error);
  if (mailbox == NULL)
    goto out_fail;

  if (cursor->uidvalidity != 0 && mailbox->uidvalidity != cursor->uidvalidity)
    {
      /* The server renumbered the folder: match what is here to the new UIDs by
       * Message-ID, then list the folder in full as if for the first time; only what
       * did not match is downloaded or uploaded. */
      if (!_rematch (self, folder_id, mailbox->uidvalidity, cancellable, error))
        goto out_fail;
      use_qresync = FALSE;
      cursor->uidvalidity = mailbox->uidvalidity;
      cursor->highestmodseq = 0;
    }

  /* What changed on the server since the last sync. */
  if (use_qresync && mailbox->highestmodseq != 0)
    {
      for (guint i = 0; mailbox->changed != NULL && i < mailbox->changed->len; i++)
        {
          AccordImapMessage *message = g_ptr_array_index (mailbox->changed, i);
          AccordRemoteEntry entry = { message->uid,
                                      accord_mail_flags_from_imap ((const char * const *) message->flags) };

          g_array_append_val (remote, entry);
        }
      options.remote_complete = FALSE;
      if (mailbox->vanished != NULL)
        {
          options.vanished = (const guint32 *) mailbox->vanished->data;
          options.n_vanished = mailbox->vanished->len;
        }
    }
  else if (cursor->uidvalidity != 0 && cursor->highestmodseq != 0 &&
           mailbox->highestmodseq == cursor->highestmodseq && mailbox->uidnext == cursor->uidnext)
    {
      /* CONDSTORE without QRESYNC: nothing changed, nothing to list. */
      unchanged = TRUE;
      options.remote_complete = FALSE;
    }
  else if (mailbox->exists > 0)
    {
      AWAIT_INIT (fetched);

      accord_imap_client_fetch_flags_async (self->client, "1:*", 0, FALSE, cancellable,
                                            _accord_sync_store_result_cb, &fetched);
      listing = accord_imap_client_fetch_flags_finish (self->client, _accord_sync_await (&fetched), NULL, error);
      if (listing == NULL)
        goto out_fail;
      for (guint i = 0; i < listing->len; i++)
        {
          AccordImapMessage *message = g_ptr_array_index (listing, i);
          AccordRemoteEntry entry = { message->uid,
                                      accord_mail_flags_from_imap ((const char * const *) message->flags) };

          g_array_append_val (remote, entry);
        }
    }

  /* No stat() per file: names carry the size, and only uploads need a date. */
  files = accord_maildir_scan (self->maildir, folder, ACCORD_MAILDIR_SCAN_NONE, cancellable, error);
  self->recovering_folder = folder;
  if (files == NULL || !_recover (self, folder_id, files, cancellable, error))
    goto out_fail;

  for (guint i = 0; i < files->len; i++)
    {
      AccordMaildirMessage *file = g_ptr_array_index (files, i);
      AccordLocalEntry entry = { file->key, accord_mail_flags_from_letters (file->flags) };

      g_array_append_val (local, entry);
      g_hash_table_insert (filenames, file->key, file->filename);
    }

  rows = accord_sync_state_list_messages (self->state, folder_id, error);
  if (rows == NULL)
    goto out_fail;
  for (guint i = 0; i < rows->len; i++)
    {
      AccordStateMessage *row = g_ptr_array_index (rows, i);
      AccordSyncedEntry entry = { row->uid, row->key, accord_mail_flags_from_letters (row->flags) };

      g_array_append_val (synced, entry);
    }

  options.deletion_threshold = self->threshold != 0 ? self->threshold : MAX (50, synced->len / 4);
  plan = accord_sync_plan_new ((AccordRemoteEntry *) remote->data, remote->len,
                               (AccordLocalEntry *) local->data, local->len,
                               (AccordSyncedEntry *) synced->data, synced->len, &options);

  ok = _apply_flags (self, folder_id, folder, plan, filenames, cancellable, error) &&
       _apply_deletions (self, folder_id, folder, plan, filenames, cancellable, error);

  for (guint i = 0; ok && i < plan->actions->len; i++)
    {
      const AccordSyncAction *action = &g_array_index (plan->actions, AccordSyncAction, i);

      if (action->kind == ACCORD_SYNC_ACTION_UPLOAD)
        {
          for (guint j = 0; j < files->len; j++)
            if (g_str_equal (((AccordMaildirMessage *) g_ptr_array_index (files, j))->key, action->key))
              ok = _upload (self, folder_id, folder, remote_folder->name,
                            g_ptr_array_index (files, j), cancellable, error);
        }
      else if (action->kind == ACCORD_SYNC_ACTION_FETCH)
        g_array_append_val (to_fetch, action->uid);
    }

  ok = ok && _download (self, folder_id, folder, to_fetch, cancellable, error);
  if (!ok)
    goto out_fail;

  if (plan->held_local_deletes > 0)
    _hold (self, folder_id, folder, plan->held_local_deletes, TRUE);
  if (plan->held_remote_deletes > 0)
    _hold (self, folder_id, folder, plan->held_remote_deletes, FALSE);

  /* The cursor moves last, and not past deletions still waiting for a yes. */
  if (!accord_sync_state_begin (self->state, error))
    goto out_fail;
  ok = plan->held_local_deletes > 0 || plan->held_remote_deletes > 0 || unchanged ||
       accord_sync_state_set_cursor (self->state, folder_id, mailbox->uidvalidity, mailbox->uidnext,
                                     mailbox->highestmodseq, error);
  ok = ok && accord_sync_state_set_folder_status (self->state, folder_id,
                                                  g_get_real_time () / G_USEC_PER_SEC, NULL, error);
  if (!_commit_or_rollback (self->state, ok, error))
    goto out_fail;

  accord_state_folder_free (cursor);
  return TRUE;

out_fail:
  if (*error != NULL)
    accord_sync_state_set_folder_status (self->state, folder_id, cursor->last_sync, (*error)->message,
                                         NULL);
  accord_state_folder_free (cursor);
  return FALSE;
}

/* The whole account */

static char *
_local_name (const AccordImapFolder *folder)
{
  g_autofree char *name = g_strdup (folder->name);

  if (g_ascii_strcasecmp (name, "INBOX") == 0)
    return g_strdup ("INBOX");

  /* One separator on disk, whatever the server's. */
  if (folder->delimiter != '\0' && folder->delimiter != '/')
    g_strdelimit (name, (char[]) { folder->delimiter, '\0' }, '/');

  return g_steal_pointer (&name);
}

static gboolean
_connect (AccordImapSync  *self,
          GCancellable    *cancellable,
          GError         **error)
{
  AccordServiceConfig *config = accord_account_get_service (self->account, ACCORD_SERVICE_MAIL_IN);
  const char *qresync[] = { "QRESYNC", NULL };
  AWAIT_INIT (connected);
  AWAIT_INIT (logged_in);

  accord_imap_client_connect_async (config->host, config->port, config->security,
                                    config->pinned_certificate, self->database,
                                    ACCORD_IMAP_DEFAULT_TIMEOUT, cancellable, _accord_sync_store_result_cb,
                                    &connected);
  self->client = accord_imap_client_connect_finish (_accord_sync_await (&connected), error);
  if (self->client == NULL)
    return FALSE;

  accord_imap_client_login_async (self->client,
                                  config->username ? config->username
                                                   : accord_account_get_address (self->account),
                                  self->password, cancellable, _accord_sync_store_result_cb, &logged_in);
  if (!accord_imap_client_login_finish (self->client, _accord_sync_await (&logged_in), error))
    return FALSE;

  self->uidplus = accord_imap_client_has_capability (self->client, "UIDPLUS");
  self->condstore = accord_imap_client_has_capability (self->client, "CONDSTORE");
  /* ENABLE goes out now and is read with the folder list's answer: one round trip
   * for both. */
  if (accord_imap_client_has_capability (self->client, "QRESYNC"))
    accord_imap_client_enable_async (self->client, qresync, cancellable, _accord_sync_store_result_cb,
                                     &self->enabled);

  return TRUE;
}

static gboolean
_finish_enable (AccordImapSync  *self,
                GError         **error)
{
  g_autoptr(GAsyncResult) enabled = NULL;

  if (!accord_imap_client_has_capability (self->client, "QRESYNC"))
    return TRUE;

  _accord_sync_await (&self->enabled);
  enabled = g_steal_pointer (&self->enabled);
  if (!accord_imap_client_enable_finish (self->client, enabled, error))
    return FALSE;
  self->qresync = accord_imap_client_is_enabled (self->client, "QRESYNC");
  return TRUE;
}

static gboolean
_is_selectable (const AccordImapFolder *folder)
{
  return !accord_imap_folder_has_attribute (folder, "\\Noselect") &&
         !accord_imap_folder_has_attribute (folder, "\\NonExistent");
}

/* Folders made or removed on one side since the last sync. A folder new here is
 * created on the server; a folder gone from one side goes from the other only when
 * it holds no messages there, so that no mail goes with a folder by accident (its
 * messages, gone from one side, are deletions like any other, under the guard). */
static gboolean
_reconcile_folders (AccordImapSync  *self,
                    GPtrArray      **folders,
                    GCancellable    *cancellable,
                    GError         **error)
{
  g_autoptr(GHashTable) remote = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) local = NULL;
  g_autoptr(GPtrArray) known = NULL;
  char delimiter = '/';
  gboolean relist = FALSE;

  for (guint i = 0; i < (*folders)->len; i++)
    {
      AccordImapFolder *folder = g_ptr_array_index (*folders, i);

      if (folder->delimiter != '\0')
        delimiter = folder->delimiter;
      if (_is_selectable (folder))
        g_hash_table_insert (remote, _local_name (folder), folder);
    }

  local = accord_maildir_list_folders (self->maildir, cancellable, error);
  known = local ? accord_sync_state_list_folders (self->state, error) : NULL;
  if (known == NULL)
    return FALSE;

  for (guint i = 0; local[i] != NULL; i++)
    {
      gboolean synced_before = FALSE;

      if (g_hash_table_contains (remote, local[i]))
        continue;
      for (guint j = 0; j < known->len; j++)
        synced_before |= g_str_equal (((AccordStateFolder *) g_ptr_array_index (known, j))->name, local[i]);

      if (synced_before)
        {
          /* Removed on the server: here too, if nothing is in it. */
          g_autoptr(GPtrArray) files = accord_maildir_scan (self->maildir, local[i],
                                                            ACCORD_MAILDIR_SCAN_NONE, cancellable, NULL);

          if (files != NULL && files->len == 0)
            {
              g_autoptr(AccordStateFolder) folder = accord_sync_state_lookup_folder (self->state, local[i], NULL);

              if (accord_maildir_remove_folder (self->maildir, local[i], cancellable, NULL) && folder != NULL)
                accord_sync_state_remove_folder (self->state, folder->id, NULL);
              continue;
            }
        }

      /* New here, or removed on the server while it still holds mail here: create. */
      {
        g_autofree char *name = g_strdup (local[i]);
        AWAIT_INIT (created);

        if (delimiter != '/')
          g_strdelimit (name, "/", delimiter);
        accord_imap_client_create_async (self->client, name, cancellable, _accord_sync_store_result_cb, &created);
        if (!accord_imap_client_create_finish (self->client, _accord_sync_await (&created), error))
          return FALSE;
        relist = TRUE;
      }
    }

  for (guint j = 0; j < known->len; j++)
    {
      AccordStateFolder *folder = g_ptr_array_index (known, j);
      AccordImapFolder *there = g_hash_table_lookup (remote, folder->name);
      gboolean here = g_strv_contains ((const char * const *) local, folder->name);

      if (there == NULL && !here)
        accord_sync_state_remove_folder (self->state, folder->id, NULL);
      else if (there != NULL && !here && there->has_status && there->messages == 0 &&
               g_ascii_strcasecmp (folder->name, "INBOX") != 0)
        {
          /* Removed here, and empty on the server: remove it there too. */
          AWAIT_INIT (deleted);

          accord_imap_client_delete_async (self->client, there->name, cancellable,
                                           _accord_sync_store_result_cb, &deleted);
          if (!accord_imap_client_delete_finish (self->client, _accord_sync_await (&deleted), error))
            return FALSE;
          accord_sync_state_remove_folder (self->state, folder->id, NULL);
          relist = TRUE;
        }
    }

  if (relist)
    {
      AWAIT_INIT (listed);

      g_clear_pointer (folders, g_ptr_array_unref);
      accord_imap_client_list_async (self->client, cancellable, _accord_sync_store_result_cb, &listed);
      *folders = accord_imap_client_list_finish (self->client, _accord_sync_await (&listed), error);
      if (*folders == NULL)
        return FALSE;
    }

  return TRUE;
}

typedef struct
{
  const AccordImapFolder *from;
  const char             *to;      /* local name */
  const AccordImapFolder *to_remote;
  gint64                  from_id;
  GArray                 *uids;    /* guint32, in @from */
  GPtrArray              *files;   /* AccordMaildirMessage, in @to, same order */
} Move;

static void
move_free (Move *move)
{
  g_array_unref (move->uids);
  g_ptr_array_unref (move->files);
  g_free (move);
}

static gboolean
_move_one (AccordImapSync  *self,
           Move            *move,
           GCancellable    *cancellable,
           GError         **error)
{
  g_autoptr(AccordImapMailbox) mailbox = NULL;
  g_autoptr(GArray) source = NULL;
  g_autoptr(GArray) dest = NULL;
  g_autoptr(GString) keys = g_string_new (NULL);
  g_autofree char *set = NULL;
  gint64 to_id;
  gint64 intent;
  gboolean ok;
  AWAIT_INIT (selected);
  AWAIT_INIT (moved);

  to_id = accord_sync_state_ensure_folder (self->state, move->to, move->to_remote->raw_name, error);
  if (to_id == 0)
    return FALSE;

  for (guint i = 0; i < move->files->len; i++)
    g_string_append_printf (keys, "%s%s", i > 0 ? "\t" : "",
                            ((AccordMaildirMessage *) g_ptr_array_index (move->files, i))->key);
  intent = accord_sync_state_add_intent (self->state, "move", to_id, keys->str, error);
  if (intent == 0)
    return FALSE;

  accord_imap_client_select_async (self->client, move->from->name, NULL, FALSE, cancellable,
                                   _accord_sync_store_result_cb, &selected);
  mailbox = accord_imap_client_select_finish (self->client, _accord_sync_await (&selected), error);
  if (mailbox == NULL)
    return FALSE;

  set = _uid_set (move->uids);
  accord_imap_client_move_async (self->client, set, move->to_remote->name, cancellable,
                                 _accord_sync_store_result_cb, &moved);
  if (!accord_imap_client_move_finish_full (self->client, _accord_sync_await (&moved), NULL,
                                            &source, &dest, error))
    return FALSE;

  /* COPYUID pairs the old UIDs with the new ones; what it does not name is found by
   * Message-ID on the next run (the intent stays for that). */
  if (!accord_sync_state_begin (self->state, error))
    return FALSE;
  ok = TRUE;
  for (guint i = 0; ok && i < move->uids->len; i++)
    {
      guint32 uid = g_array_index (move->uids, guint32, i);
      AccordMaildirMessage *file = g_ptr_array_index (move->files, i);

      ok = accord_sync_state_remove_message (self->state, move->from_id, uid, error);
      for (guint j = 0; ok && source != NULL && dest != NULL && j < source->len && j < dest->len; j++)
        if (g_array_index (source, guint32, j) == uid)
          {
            AccordStateMessage row = { to_id, g_array_index (dest, guint32, j), file->key,
                                       file->flags, file->size, NULL };

            ok = accord_sync_state_put_message (self->state, &row, error);
          }
    }
  ok = ok && (source == NULL || accord_sync_state_remove_intent (self->state, intent, error));
  if (!_commit_or_rollback (self->state, ok, error))
    return FALSE;

  self->stats.moved += move->uids->len;
  return TRUE;
}

static void
_unref_scan (gpointer scan)
{
  if (scan != NULL)
    g_ptr_array_unref (scan);
}

/* Files moved here from one folder to another keep their key: such a move is made on
 * the server with MOVE (or COPY and EXPUNGE), not by a download and an upload. Only
 * with UIDPLUS, which names the moved messages' new UIDs. */
static gboolean
_apply_local_moves (AccordImapSync  *self,
                    GPtrArray       *folders,
                    GCancellable    *cancellable,
                    GError         **error)
{
  g_autoptr(GHashTable) missing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) moves = g_ptr_array_new_with_free_func ((GDestroyNotify) move_free);
  g_autoptr(GPtrArray) scans = g_ptr_array_new_with_free_func (_unref_scan);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (!self->uidplus)
    return TRUE;

  /* Pass one: every synced message whose file left its folder. */
  for (guint i = 0; i < folders->len; i++)
    {
      AccordImapFolder *folder = g_ptr_array_index (folders, i);
      g_autofree char *name = NULL;
      g_autoptr(AccordStateFolder) known = NULL;
      g_autoptr(GPtrArray) rows = NULL;
      g_autoptr(GHashTable) here = g_hash_table_new (g_str_hash, g_str_equal);
      GPtrArray *files;

      g_ptr_array_add (scans, NULL);
      g_ptr_array_add (names, NULL);
      if (!_is_selectable (folder))
        continue;
      name = _local_name (folder);
      known = accord_sync_state_lookup_folder (self->state, name, NULL);
      files = accord_maildir_scan (self->maildir, name, ACCORD_MAILDIR_SCAN_NONE, cancellable, NULL);
      if (files == NULL)
        continue;
      scans->pdata[i] = files;
      names->pdata[i] = g_strdup (name);
      if (known == NULL)
        continue;

      rows = accord_sync_state_list_messages (self->state, known->id, error);
      if (rows == NULL)
        return FALSE;
      for (guint j = 0; j < files->len; j++)
        g_hash_table_add (here, ((AccordMaildirMessage *) g_ptr_array_index (files, j))->key);
      for (guint j = 0; j < rows->len; j++)
        {
          AccordStateMessage *row = g_ptr_array_index (rows, j);
          gint64 *where;

          if (g_hash_table_contains (here, row->key))
            continue;
          /* folder index, folder id, uid */
          where = g_new (gint64, 3);
          where[0] = i;
          where[1] = known->id;
          where[2] = row->uid;
          g_hash_table_insert (missing, g_strdup (row->key), where);
        }
    }

  if (g_hash_table_size (missing) == 0)
    return TRUE;

  /* Pass two: files no folder's last sync knows, whose key went missing elsewhere. */
  for (guint i = 0; i < folders->len; i++)
    {
      GPtrArray *files = g_ptr_array_index (scans, i);
      g_autoptr(AccordStateFolder) known = NULL;

      if (files == NULL)
        continue;
      known = accord_sync_state_lookup_folder (self->state, g_ptr_array_index (names, i), NULL);

      for (guint j = 0; j < files->len; j++)
        {
          AccordMaildirMessage *file = g_ptr_array_index (files, j);
          gint64 *where = g_hash_table_lookup (missing, file->key);
          AccordStateMessage *row = NULL;
          Move *move = NULL;
          guint32 uid;

          if (where == NULL || where[0] == i)
            continue;
          if (known != NULL && (row = accord_sync_state_lookup_message_by_key (self->state, known->id,
                                                                                file->key, NULL)) != NULL)
            {
              accord_state_message_free (row);
              continue;
            }

          for (guint k = 0; k < moves->len && move == NULL; k++)
            {
              Move *candidate = g_ptr_array_index (moves, k);

              if (candidate->from == g_ptr_array_index (folders, where[0]) &&
                  candidate->to_remote == g_ptr_array_index (folders, i))
                move = candidate;
            }
          if (move == NULL)
            {
              move = g_new0 (Move, 1);
              move->from = g_ptr_array_index (folders, where[0]);
              move->from_id = where[1];
              move->to = g_ptr_array_index (names, i);
              move->to_remote = g_ptr_array_index (folders, i);
              move->uids = g_array_new (FALSE, FALSE, sizeof (guint32));
              move->files = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_message_free);
              g_ptr_array_add (moves, move);
            }
          uid = (guint32) where[2];
          g_array_append_val (move->uids, uid);
          g_ptr_array_add (move->files, accord_maildir_message_copy (file));
        }
    }

  for (guint i = 0; i < moves->len; i++)
    if (!_move_one (self, g_ptr_array_index (moves, i), cancellable, error))
      return FALSE;

  return TRUE;
}

static gboolean
_sync (AccordImapSync  *self,
       GCancellable    *cancellable,
       GError         **error)
{
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GError) first_error = NULL;
  AWAIT_INIT (listed);

  self->maildir = accord_maildir_new (self->maildir_root);
  self->state = accord_sync_state_open (self->state_path, cancellable, error);
  if (self->state == NULL || !_connect (self, cancellable, error))
    return FALSE;

  accord_imap_client_list_async (self->client, cancellable, _accord_sync_store_result_cb, &listed);
  if (!_finish_enable (self, error))
    return FALSE;
  folders = accord_imap_client_list_finish (self->client, _accord_sync_await (&listed), error);
  if (folders == NULL)
    return FALSE;

  if (!_reconcile_folders (self, &folders, cancellable, error) ||
      !_apply_local_moves (self, folders, cancellable, error))
    return FALSE;

  for (guint i = 0; i < folders->len; i++)
    {
      AccordImapFolder *folder = g_ptr_array_index (folders, i);
      g_autofree char *name = NULL;
      g_autoptr(GError) folder_error = NULL;

      if (!_is_selectable (folder))
        continue;

      name = _local_name (folder);
      self->stats.folders++;
      if (!_sync_folder (self, folder, name, cancellable, &folder_error))
        {
          /* A folder that fails is reported; the others still sync. A cut connection
           * or a cancellation ends the run. */
          self->stats.folders_failed++;
          if (g_error_matches (folder_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
              !accord_imap_client_is_connected (self->client))
            {
              g_propagate_error (error, g_steal_pointer (&folder_error));
              return FALSE;
            }
          g_warning ("%s: %s", name, folder_error->message);
          if (first_error == NULL)
            first_error = g_steal_pointer (&folder_error);
        }
    }

  if (first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }

  return TRUE;
}

static void
_run_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  AccordImapSync *self = source_object;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_main_context_push_thread_default (context);
  ok = _sync (self, cancellable, &error);
  /* LOGOUT is said, not waited for: its answer tells nothing worth a round trip. */
  if (self->client != NULL && accord_imap_client_is_connected (self->client))
    accord_imap_client_logout_async (self->client, NULL, NULL, NULL);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_clear_object (&self->enabled);
  g_clear_object (&self->client);
  if (self->state != NULL)
    accord_sync_state_close (self->state);
  g_clear_object (&self->state);
  g_clear_object (&self->maildir);
  /* Let what the client left behind finish on this context before it goes. */
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

/* Push: waiting for the Inbox to change */

static gboolean
_stop_idle_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static gpointer
_sync_thread (gpointer data)
{
  g_autoptr(GTask) task = data;

  setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 10);
  _run_in_thread (task, g_task_get_source_object (task), NULL, g_task_get_cancellable (task));
  return NULL;
}

static void
_wait_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  AccordImapSync *self = source_object;
  guint seconds = GPOINTER_TO_UINT (task_data);
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) stop = g_cancellable_new ();
  g_autoptr(GAsyncResult) selected = NULL;
  g_autoptr(GAsyncResult) idled = NULL;
  g_autoptr(AccordImapMailbox) mailbox = NULL;
  g_autoptr(GSource) timer = NULL;
  g_autoptr(GError) error = NULL;
  gboolean changed = FALSE;
  gulong cancelled_id = 0;

  g_main_context_push_thread_default (context);

  if (!_connect (self, cancellable, &error))
    goto out;

  accord_imap_client_select_async (self->client, "INBOX", NULL, TRUE, cancellable,
                                   _accord_sync_store_result_cb, &selected);
  mailbox = accord_imap_client_select_finish (self->client, _accord_sync_await (&selected), &error);
  if (mailbox == NULL)
    goto out;

  /* The wait ends at a change, after @seconds, or when the caller cancels. */
  timer = g_timeout_source_new_seconds (seconds);
  g_source_set_callback (timer, _stop_idle_cb, stop, NULL);
  g_source_attach (timer, context);
  if (cancellable != NULL)
    cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (g_cancellable_cancel), stop, NULL);

  accord_imap_client_idle_async (self->client, stop, _accord_sync_store_result_cb, &idled);
  accord_imap_client_idle_finish (self->client, _accord_sync_await (&idled), &changed, &error);

  if (cancelled_id != 0)
    g_cancellable_disconnect (cancellable, cancelled_id);
  g_source_destroy (timer);

out:
  g_clear_object (&self->client);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, changed);
}

/**
 * accord_imap_sync_wait_async:
 * @seconds: the longest wait
 *
 * Waits with IMAP IDLE for the Inbox to change, for at most @seconds; finishing
 * returns whether it changed, so a background service syncs when mail arrives rather
 * than on a timer. Fails with %ACCORD_IMAP_ERROR_UNSUPPORTED on a server without IDLE.
 */
void
accord_imap_sync_wait_async (AccordImapSync      *self,
                             guint                seconds,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_IMAP_SYNC (self));
  g_return_if_fail (seconds > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_imap_sync_wait_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (seconds), NULL);
  g_task_run_in_thread (task, _wait_in_thread);
}

/**
 * accord_imap_sync_wait_finish:
 *
 * Returns: whether the Inbox changed; %FALSE with @error unset after the time ran out
 */
gboolean
accord_imap_sync_wait_finish (AccordImapSync  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_SYNC (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
accord_imap_sync_finalize (GObject *object)
{
  AccordImapSync *self = (AccordImapSync *)object;

  g_clear_object (&self->account);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_clear_pointer (&self->password, g_free);
  g_clear_pointer (&self->maildir_root, g_free);
  g_clear_pointer (&self->state_path, g_free);
  g_clear_object (&self->database);

  G_OBJECT_CLASS (accord_imap_sync_parent_class)->finalize (object);
}

static void
accord_imap_sync_class_init (AccordImapSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = accord_imap_sync_finalize;
}

static void
accord_imap_sync_init (AccordImapSync *self)
{
}

/**
 * accord_imap_sync_new:
 * @account: an account whose incoming mail is IMAP
 * @password: the password for it
 */
AccordImapSync *
accord_imap_sync_new (AccordAccount *account,
                      const char    *password)
{
  AccordImapSync *self;
  AccordServiceConfig *config;

  g_return_val_if_fail (ACCORD_IS_ACCOUNT (account), NULL);

  config = accord_account_get_service (account, ACCORD_SERVICE_MAIL_IN);
  g_return_val_if_fail (config != NULL && config->protocol == ACCORD_PROTOCOL_IMAP, NULL);

  self = g_object_new (ACCORD_TYPE_IMAP_SYNC, NULL);
  self->account = g_object_ref (account);
  self->password = g_strdup (password);
  self->maildir_root = accord_maildir_default_root (accord_account_get_id (account));
  self->state_path = accord_sync_state_default_path (accord_account_get_id (account));

  return self;
}

/**
 * accord_imap_sync_set_paths:
 *
 * Where the mail and the sync state go, instead of
 * `$XDG_DATA_HOME/accord/<account>/`.
 */
void
accord_imap_sync_set_paths (AccordImapSync *self,
                            const char     *maildir_root,
                            const char     *state_path)
{
  g_return_if_fail (ACCORD_IS_IMAP_SYNC (self));

  g_free (self->maildir_root);
  self->maildir_root = g_strdup (maildir_root);
  g_free (self->state_path);
  self->state_path = g_strdup (state_path);
}

void
accord_imap_sync_set_tls_database (AccordImapSync *self,
                                   GTlsDatabase   *database)
{
  g_return_if_fail (ACCORD_IS_IMAP_SYNC (self));

  g_set_object (&self->database, database);
}

/**
 * accord_imap_sync_set_deletion_threshold:
 * @threshold: deletions at once in a folder beyond which the person is asked; 0 for
 *   the default, the larger of 50 and a quarter of the folder
 */
void
accord_imap_sync_set_deletion_threshold (AccordImapSync *self,
                                         guint           threshold)
{
  g_return_if_fail (ACCORD_IS_IMAP_SYNC (self));

  self->threshold = threshold;
}

/**
 * accord_imap_sync_run_async:
 *
 * Syncs every folder once, both ways, on a worker thread.
 */
void
accord_imap_sync_run_async (AccordImapSync      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_IMAP_SYNC (self));

  memset (&self->stats, 0, sizeof self->stats);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_imap_sync_run_async);
  /* A thread of its own, below the app's priority: a sync is background work, and a
   * window's main loop must get the CPU first. */
  g_thread_unref (g_thread_new ("accord-sync", _sync_thread, g_steal_pointer (&task)));
}

gboolean
accord_imap_sync_run_finish (AccordImapSync  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_SYNC (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * accord_imap_sync_get_stats:
 *
 * Returns: what the last run did
 */
const AccordImapSyncStats *
accord_imap_sync_get_stats (AccordImapSync *self)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_SYNC (self), NULL);

  return &self->stats;
}
