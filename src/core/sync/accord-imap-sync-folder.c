/* accord-imap-sync-folder.c
 *
 * One folder of an IMAP sync: what changed on each side, the plan, and carrying it
 * out in an order that survives a kill at any point.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-imap-sync-private.h"

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

  set = accord_imap_uid_set_from_array ((const guint32 *) uids->data, uids->len);
  names = accord_mail_flags_to_imap (flags);
  accord_imap_client_store_flags_async (self->client, set, add, (const char * const *) names, 0,
                                        cancellable, _accord_sync_store_result_cb, &result);
  return accord_imap_client_store_flags_finish (self->client, _accord_sync_await (&result), error);
}

/* The file name of the file with @key, from the folder's files by key. */
static const char *
_filename (GHashTable *files,
           const char *key)
{
  return ((AccordMaildirMessage *) g_hash_table_lookup (files, key))->filename;
}

static gboolean
_apply_flags (AccordImapSync  *self,
              gint64           folder_id,
              const char      *folder,
              AccordSyncPlan  *plan,
              GHashTable      *files,
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
                           accord_maildir_change_new (_filename (files, action->key),
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
  if (!accord_sync_state_commit_or_rollback (self->state, ok, error))
    return FALSE;

  self->stats.flags_changed += n;
  return TRUE;
}

static gboolean
_apply_deletions (AccordImapSync  *self,
                  gint64           folder_id,
                  const char      *folder,
                  AccordSyncPlan  *plan,
                  GHashTable      *files,
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
        g_ptr_array_add (here, accord_maildir_change_new (_filename (files, action->key),
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
      g_autofree char *set = accord_imap_uid_set_from_array ((const guint32 *) there->data, there->len);
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
  if (!accord_sync_state_commit_or_rollback (self->state, ok, error))
    return FALSE;

  self->stats.deleted_here += here->len;
  self->stats.deleted_there += there->len;
  return TRUE;
}

/* Asks about deletions held back: anew, or again when the number changed since the
 * question was asked (or answered: an answer covers what it was given to, no more). */
static void
_hold (AccordImapSync      *self,
       gint64               folder_id,
       const char          *folder,
       guint                count,
       gboolean             here,
       AccordStateDecision *asked)
{
  g_autofree char *detail = NULL;
  g_autoptr(GError) error = NULL;

  self->stats.held_deletions += count;
  if (asked != NULL && asked->held == count && asked->answer == NULL)
    return;

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

  if (!accord_sync_state_ask_held (self->state, asked, here ? "delete-here" : "delete-there", folder_id,
                                   count, detail, &error))
    g_warning ("%s", error->message);
}

static int
_compare_uid (gconstpointer a,
              gconstpointer b)
{
  guint32 x = *(const guint32 *) a;
  guint32 y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

/* What the files of a folder said before the folder list came in. */
typedef struct
{
  gboolean  quiet;    /* exactly as last synced: same keys, same flags */
  GArray   *above;    /* when quiet, the UIDs known here from the last UIDNEXT on, sorted */
} CheckedHere;

static void
_checked_here_free (gpointer data)
{
  CheckedHere *checked = data;

  g_clear_pointer (&checked->above, g_array_unref);
  g_free (checked);
}

typedef struct
{
  GHashTable *files;      /* key → AccordMailFlags, borrowed from the scan */
  guint32     uidnext;
  GArray     *above;
  guint       count;
  gboolean    differs;
} CheckRows;

static gboolean
_check_row (const AccordStateMessage *row,
            gpointer                  user_data)
{
  CheckRows *check = user_data;
  gpointer flags;

  check->count++;
  if (!g_hash_table_lookup_extended (check->files, row->key, NULL, &flags) ||
      GPOINTER_TO_UINT (flags) != accord_mail_flags_from_letters (row->flags))
    {
      check->differs = TRUE;
      return FALSE;
    }
  /* Uploaded since the last sync: on the server from the old UIDNEXT on. */
  if (row->uid >= check->uidnext)
    g_array_append_val (check->above, row->uid);
  return TRUE;
}

/* The records are walked, not copied: a folder of many thousand messages is looked
 * over with its file list and little else in memory. */
static CheckedHere *
_check_folder_here (AccordImapSync          *self,
                    const AccordStateFolder *folder,
                    GPtrArray               *intents,
                    GCancellable            *cancellable)
{
  CheckedHere *checked = g_new0 (CheckedHere, 1);
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GHashTable) by_key = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) above = g_array_new (FALSE, FALSE, sizeof (guint32));
  CheckRows check = { by_key, folder->uidnext, above, 0, FALSE };

  /* Something under way: the whole sync. */
  for (guint i = 0; i < intents->len; i++)
    if (((AccordStateIntent *) g_ptr_array_index (intents, i))->folder_id == folder->id)
      return checked;

  /* A folder that cannot be read here is not quiet: its own sync says why. */
  files = accord_maildir_scan (self->maildir, folder->name, ACCORD_MAILDIR_SCAN_NONE, cancellable, NULL);
  if (files == NULL)
    return checked;
  for (guint i = 0; i < files->len; i++)
    {
      AccordMaildirMessage *file = g_ptr_array_index (files, i);

      g_hash_table_insert (by_key, file->key, GUINT_TO_POINTER (accord_mail_flags_from_letters (file->flags)));
    }

  if (!accord_sync_state_foreach_message (self->state, folder->id, _check_row, &check, NULL) ||
      check.differs || check.count != g_hash_table_size (by_key) || check.count != files->len)
    return checked;

  g_array_sort (above, _compare_uid);
  checked->quiet = TRUE;
  checked->above = g_steal_pointer (&above);
  return checked;
}

/**
 * _accord_imap_sync_check_here:
 *
 * Looks over the files of every folder synced before, for whether they are exactly
 * as last synced; done while the server answers the login and the folder list, and
 * used by _accord_imap_sync_prepare().
 */
gboolean
_accord_imap_sync_check_here (AccordImapSync  *self,
                              GCancellable    *cancellable,
                              GError         **error)
{
  g_autoptr(GPtrArray) known = accord_sync_state_list_folders (self->state, error);
  g_autoptr(GPtrArray) intents = known ? accord_sync_state_list_intents (self->state, error) : NULL;

  if (intents == NULL)
    return FALSE;

  g_clear_pointer (&self->checked_here, g_hash_table_unref);
  self->checked_here = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, _checked_here_free);
  self->all_quiet_here = TRUE;
  for (guint i = 0; i < known->len; i++)
    {
      AccordStateFolder *folder = g_ptr_array_index (known, i);
      CheckedHere *checked;

      if (folder->uidvalidity == 0 || folder->highestmodseq == 0)
        {
          self->all_quiet_here = FALSE;
          continue;
        }
      checked = _check_folder_here (self, folder, intents, cancellable);
      self->all_quiet_here &= checked->quiet;
      g_hash_table_insert (self->checked_here, g_memdup2 (&folder->id, sizeof folder->id), checked);
    }

  return TRUE;
}

/* Whether _accord_imap_sync_check_here() found the folder exactly as last synced. */
gboolean
_accord_imap_sync_is_quiet_here (AccordImapSync *self,
                                 gint64          folder_id)
{
  CheckedHere *checked = self->checked_here ? g_hash_table_lookup (self->checked_here, &folder_id) : NULL;

  return checked != NULL && checked->quiet;
}

/* The UIDs in [@uidnext, @remote_uidnext) not in @above, as ranges: the messages the
 * server has had since the last sync. */
static char *
_new_uid_set (guint32  uidnext,
              guint32  remote_uidnext,
              GArray  *above)
{
  GString *set = g_string_new (NULL);
  guint32 next = uidnext;

  for (guint i = 0; i <= above->len && next < remote_uidnext; i++)
    {
      guint32 until = i < above->len ? MIN (g_array_index (above, guint32, i), remote_uidnext)
                                     : remote_uidnext;

      if (until > next)
        g_string_append_printf (set, until - 1 > next ? "%s%u:%u" : "%s%u", set->len ? "," : "",
                                next, until - 1);
      next = MAX (next, until + 1);
    }

  if (set->len == 0)
    {
      g_string_free (set, TRUE);
      return NULL;
    }
  return g_string_free (set, FALSE);
}

void
_accord_imap_sync_run_clear (AccordImapSyncRun *run)
{
  /* Whatever was asked ahead is waited for: its answers write into @run. */
  if (run->selecting)
    {
      AccordImapMailbox *mailbox;

      _accord_sync_await (&run->selected);
      mailbox = accord_imap_client_select_finish (run->self->client, run->selected, NULL);
      g_clear_pointer (&mailbox, accord_imap_mailbox_free);
    }
  if (run->download != NULL)
    _accord_imap_sync_download_abandon (g_steal_pointer (&run->download));
  g_clear_object (&run->selected);
  g_clear_pointer (&run->cursor, accord_state_folder_free);
  g_clear_pointer (&run->name, g_free);
  g_clear_pointer (&run->new_uids, g_free);
}

/* What a folder needs: nothing, when neither side changed since the last sync; to be
 * opened ahead, when only the server's side did (see _accord_imap_sync_open_ahead());
 * else the whole of _accord_imap_sync_folder() in its turn. */
gboolean
_accord_imap_sync_prepare (AccordImapSync     *self,
                           AccordImapSyncRun  *run,
                           GCancellable       *cancellable,
                           GError            **error)
{
  const AccordImapFolder *remote_folder = run->remote;
  AccordStateFolder *cursor;
  CheckedHere *checked;
  gboolean quiet = FALSE;

  run->kind = ACCORD_IMAP_SYNC_RUN_FULL;
  run->folder_id = accord_sync_state_ensure_folder (self->state, run->name, remote_folder->raw_name, error);
  if (run->folder_id == 0 || !accord_maildir_ensure_folder (self->maildir, run->name, cancellable, error))
    return FALSE;
  run->cursor = cursor = accord_sync_state_get_folder (self->state, run->folder_id, error);
  if (cursor == NULL)
    return FALSE;

  /* LIST-STATUS tells the server's side without selecting the folder. */
  if (!remote_folder->has_status || cursor->uidvalidity == 0 || cursor->highestmodseq == 0 ||
      remote_folder->uidvalidity != cursor->uidvalidity)
    return TRUE;

  /* Every folder with a cursor was looked at by _accord_imap_sync_check_here(); one
   * that was not gets the whole sync, which is always right. */
  checked = self->checked_here ? g_hash_table_lookup (self->checked_here, &run->folder_id) : NULL;
  if (checked == NULL)
    return TRUE;
  quiet = checked->quiet;
  if (quiet)
    run->new_uids = _new_uid_set (cursor->uidnext, remote_folder->uidnext, checked->above);
  if (!quiet)
    return TRUE;

  if (remote_folder->uidnext == cursor->uidnext && remote_folder->highestmodseq == cursor->highestmodseq)
    {
      /* Nothing to do, and no need to select the folder at all: a sync with nothing to
       * do is a handful of round trips whatever the number of folders. */
      run->kind = ACCORD_IMAP_SYNC_RUN_SKIP;
      accord_sync_state_set_folder_status (self->state, run->folder_id,
                                           g_get_real_time () / G_USEC_PER_SEC, NULL, NULL);
    }
  else if (self->qresync)
    run->kind = ACCORD_IMAP_SYNC_RUN_AHEAD;

  return TRUE;
}

/* Changed on the server only: SELECT with QRESYNC and the new messages (the UIDs from
 * the last UIDNEXT on that are not known here) go out at once, behind the other
 * folders' and without waiting for any answer, so that a sync of many changed folders
 * costs one round trip rather than two per folder. Carried out in its turn, the folder
 * needs nothing more of the server unless something changed there in between; then it
 * is synced again in full (@run's redo). */
gboolean
_accord_imap_sync_open_ahead (AccordImapSync     *self,
                              AccordImapSyncRun  *run,
                              GCancellable       *cancellable,
                              GError            **error)
{
  AccordImapQresync qresync = { run->cursor->uidvalidity, run->cursor->highestmodseq, NULL };

  g_return_val_if_fail (run->kind == ACCORD_IMAP_SYNC_RUN_AHEAD, FALSE);

  /* Journalled before the SELECT goes: nothing waits between the two. */
  if (run->new_uids != NULL)
    {
      run->download = _accord_imap_sync_download_new (self, run->folder_id, run->name, run->new_uids,
                                     run->cursor->uidvalidity, error);
      if (run->download == NULL)
        return FALSE;
    }

  run->selecting = TRUE;
  accord_imap_client_select_async (self->client, run->remote->name, &qresync, FALSE, cancellable,
                                   _accord_sync_store_result_cb, &run->selected);
  if (run->download != NULL)
    _accord_imap_sync_download_send (run->download, cancellable);

  return TRUE;
}

static gboolean
_plan_needs_server (AccordSyncPlan *plan)
{
  for (guint i = 0; i < plan->actions->len; i++)
    {
      const AccordSyncAction *action = &g_array_index (plan->actions, AccordSyncAction, i);

      switch (action->kind)
        {
        case ACCORD_SYNC_ACTION_SET_FLAGS:
          if (action->flags != action->remote_flags)
            return TRUE;
          break;
        case ACCORD_SYNC_ACTION_DELETE_LOCAL:
        case ACCORD_SYNC_ACTION_FORGET:
          break;
        default:
          return TRUE;
        }
    }

  return FALSE;
}

/* The messages as last synced, for the plan: keys packed together, nothing else kept. */
typedef struct
{
  GArray       *synced;   /* AccordSyncedEntry */
  GStringChunk *keys;
} CollectSynced;

static gboolean
_collect_synced (const AccordStateMessage *row,
                 gpointer                  user_data)
{
  CollectSynced *collect = user_data;
  AccordSyncedEntry entry = { row->uid, g_string_chunk_insert (collect->keys, row->key),
                              accord_mail_flags_from_letters (row->flags) };

  g_array_append_val (collect->synced, entry);
  return TRUE;
}

gboolean
_accord_imap_sync_folder (AccordImapSync     *self,
                          AccordImapSyncRun  *run,
                          GCancellable       *cancellable,
                          GError            **error)
{
  const AccordImapFolder *remote_folder = run->remote;
  const char *folder = run->name;
  gint64 folder_id = run->folder_id;
  AccordStateFolder *cursor = run->cursor;
  g_autoptr(AccordImapMailbox) mailbox = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) listing = NULL;
  g_autoptr(GArray) remote = g_array_new (FALSE, FALSE, sizeof (AccordRemoteEntry));
  g_autoptr(GArray) local = g_array_new (FALSE, FALSE, sizeof (AccordLocalEntry));
  g_autoptr(GArray) synced = g_array_new (FALSE, FALSE, sizeof (AccordSyncedEntry));
  g_autoptr(GStringChunk) synced_keys = g_string_chunk_new (4096);
  CollectSynced collect = { synced, synced_keys };
  g_autoptr(GArray) to_fetch = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GHashTable) by_key = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(AccordSyncPlan) plan = NULL;
  g_autoptr(GPtrArray) decisions = NULL;
  AccordStateDecision *asked_here = NULL;
  AccordStateDecision *asked_there = NULL;
  AccordSyncPlanOptions options = { TRUE, NULL, 0, 0, ACCORD_SYNC_HELD_ASK, ACCORD_SYNC_HELD_ASK, 0, 0 };
  AccordImapQresync qresync = { 0, };
  gboolean ahead = run->kind == ACCORD_IMAP_SYNC_RUN_AHEAD && !run->redo;
  gboolean use_qresync;
  gboolean unchanged = FALSE;
  gboolean ok = TRUE;

  g_return_val_if_fail (run->kind != ACCORD_IMAP_SYNC_RUN_SKIP, FALSE);

  use_qresync = self->qresync && cursor->uidvalidity != 0 && cursor->highestmodseq != 0;
  if (use_qresync)
    {
      qresync.uidvalidity = cursor->uidvalidity;
      qresync.modseq = cursor->highestmodseq;
    }

  if (!ahead)
    {
      run->selecting = TRUE;
      accord_imap_client_select_async (self->client, remote_folder->name, use_qresync ? &qresync : NULL,
                                       FALSE, cancellable, _accord_sync_store_result_cb, &run->selected);
    }
  run->selecting = FALSE;
  mailbox = accord_imap_client_select_finish (self->client, _accord_sync_await (&run->selected), error);
  g_clear_object (&run->selected);
  if (run->download != NULL)
    {
      /* The new messages asked for ahead: written as they came, finished now. */
      AccordImapSyncDownload *download = g_steal_pointer (&run->download);
      g_autoptr(GError) download_error = NULL;

      ok = _accord_imap_sync_download_finish (download, &download_error);
      _accord_imap_sync_download_free (download);
      /* Renumbered in between, nothing was written: see below. */
      if (!ok && mailbox != NULL && mailbox->uidvalidity == cursor->uidvalidity)
        {
          g_propagate_error (error, g_steal_pointer (&download_error));
          goto out_fail;
        }
    }
  if (mailbox == NULL)
    goto out_fail;

  if (cursor->uidvalidity != 0 && mailbox->uidvalidity != cursor->uidvalidity)
    {
      if (ahead)
        goto redo;
      /* The server renumbered the folder: match what is here to the new UIDs by
       * Message-ID, then list the folder in full as if for the first time; only what
       * did not match is downloaded or uploaded. */
      if (!_accord_imap_sync_rematch (self, folder_id, mailbox->uidvalidity, cancellable, error))
        goto out_fail;
      use_qresync = FALSE;
      cursor->uidvalidity = mailbox->uidvalidity;
      cursor->highestmodseq = 0;
    }

  /* What changed on the server since the last sync. */
  if (ahead && !(use_qresync && mailbox->highestmodseq != 0))
    goto redo;
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
  if (files == NULL || !_accord_imap_sync_recover (self, folder_id, folder, files, cancellable, error))
    goto out_fail;

  for (guint i = 0; i < files->len; i++)
    {
      AccordMaildirMessage *file = g_ptr_array_index (files, i);
      AccordLocalEntry entry = { file->key, accord_mail_flags_from_letters (file->flags) };

      g_array_append_val (local, entry);
      g_hash_table_insert (by_key, file->key, file);
    }

  if (!accord_sync_state_foreach_message (self->state, folder_id, _collect_synced, &collect, error))
    goto out_fail;

  options.deletion_threshold = self->threshold != 0 ? self->threshold : MAX (50, synced->len / 4);
  /* What was asked about deletions held back before, and what the person answered. */
  decisions = accord_sync_state_list_decisions (self->state, error);
  if (decisions == NULL)
    goto out_fail;
  for (guint i = 0; i < decisions->len; i++)
    {
      AccordStateDecision *decision = g_ptr_array_index (decisions, i);
      AccordSyncHeld held = ACCORD_SYNC_HELD_ASK;

      if (decision->folder_id != folder_id)
        continue;
      if (decision->answer != NULL)
        held = g_str_equal (decision->answer, "yes") ? ACCORD_SYNC_HELD_DELETE : ACCORD_SYNC_HELD_RESTORE;
      if (g_str_equal (decision->kind, "delete-here"))
        {
          asked_here = decision;
          options.held_here = held;
          options.held_here_asked = decision->held;
        }
      else if (g_str_equal (decision->kind, "delete-there"))
        {
          asked_there = decision;
          options.held_there = held;
          options.held_there_asked = decision->held;
        }
    }
  plan = accord_sync_plan_new ((AccordRemoteEntry *) remote->data, remote->len,
                               (AccordLocalEntry *) local->data, local->len,
                               (AccordSyncedEntry *) synced->data, synced->len, &options);

  /* Opened ahead, another folder may be selected by now. */
  if (ahead && _plan_needs_server (plan))
    goto redo;

  ok = _apply_flags (self, folder_id, folder, plan, by_key, cancellable, error) &&
       _apply_deletions (self, folder_id, folder, plan, by_key, cancellable, error);

  for (guint i = 0; ok && i < plan->actions->len; i++)
    {
      const AccordSyncAction *action = &g_array_index (plan->actions, AccordSyncAction, i);

      if (action->kind == ACCORD_SYNC_ACTION_UPLOAD)
        ok = _accord_imap_sync_upload (self, folder_id, folder, remote_folder->name,
                                       g_hash_table_lookup (by_key, action->key), cancellable, error);
      else if (action->kind == ACCORD_SYNC_ACTION_FETCH)
        g_array_append_val (to_fetch, action->uid);
    }

  ok = ok && _accord_imap_sync_download (self, folder_id, folder, to_fetch, cancellable, error);
  if (!ok)
    goto out_fail;

  if (plan->held_local_deletes > 0)
    _hold (self, folder_id, folder, plan->held_local_deletes, TRUE, asked_here);
  if (plan->held_remote_deletes > 0)
    _hold (self, folder_id, folder, plan->held_remote_deletes, FALSE, asked_there);

  /* The cursor moves last, and not past deletions still waiting for a yes. */
  if (!accord_sync_state_begin (self->state, error))
    goto out_fail;
  ok = plan->held_local_deletes > 0 || plan->held_remote_deletes > 0 || unchanged ||
       accord_sync_state_set_cursor (self->state, folder_id, mailbox->uidvalidity, mailbox->uidnext,
                                     mailbox->highestmodseq, error);
  ok = ok && accord_sync_state_set_folder_status (self->state, folder_id,
                                                  g_get_real_time () / G_USEC_PER_SEC, NULL, error);
  /* A question whose deletions are no longer held goes: answered and done, or moot
   * (the files came back, the server's messages were restored). */
  if (ok && asked_here != NULL && plan->held_local_deletes == 0)
    ok = accord_sync_state_remove_decision (self->state, asked_here->id, error);
  if (ok && asked_there != NULL && plan->held_remote_deletes == 0)
    ok = accord_sync_state_remove_decision (self->state, asked_there->id, error);
  if (!accord_sync_state_commit_or_rollback (self->state, ok, error))
    goto out_fail;

  return TRUE;

redo:
  /* Something changed on the server since the folder list: sync the folder again in
   * full, the folder selected again. What was downloaded is recorded and stays. */
  run->redo = TRUE;
  return TRUE;

out_fail:
  if (*error != NULL)
    accord_sync_state_set_folder_status (self->state, folder_id, cursor->last_sync, (*error)->message,
                                         NULL);
  return FALSE;
}

