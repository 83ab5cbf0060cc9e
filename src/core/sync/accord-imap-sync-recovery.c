/* accord-imap-sync-recovery.c
 *
 * What an IMAP sync does about the past: writes a killed run left in its journal,
 * a folder the server renumbered, and files moved between folders here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "accord-imap-sync-private.h"

/* After a crash: finish what the journal says was under way in @folder_id, the folder
 * @folder here. */
gboolean
_accord_imap_sync_recover (AccordImapSync  *self,
                           gint64           folder_id,
                           const char      *folder,
                           GPtrArray       *files,
                           GCancellable    *cancellable,
                           GError         **error)
{
  g_autoptr(GPtrArray) intents = accord_sync_state_list_intents (self->state, error);
  g_autoptr(GHashTable) here = NULL;

  if (intents == NULL)
    return FALSE;

  for (guint i = 0; i < intents->len; i++)
    {
      AccordStateIntent *intent = g_ptr_array_index (intents, i);

      if (intent->folder_id != folder_id)
        continue;

      if (g_str_equal (intent->kind, "fetch"))
        {
          g_autoptr(GArray) journalled = accord_imap_uid_set_parse_ranges (intent->payload, NULL);
          gboolean ok;

          /* Files delivered before the crash carry their UID: record them. */
          if (journalled == NULL)
            journalled = g_array_new (FALSE, FALSE, sizeof (AccordImapUidRange));
          if (here == NULL)
            {
              here = g_hash_table_new (g_str_hash, g_str_equal);
              for (guint j = 0; j < files->len; j++)
                g_hash_table_add (here, ((AccordMaildirMessage *) g_ptr_array_index (files, j))->key);
            }
          if (!accord_sync_state_begin (self->state, error))
            return FALSE;
          ok = TRUE;
          for (guint j = 0; ok && j < files->len; j++)
            {
              AccordMaildirMessage *file = g_ptr_array_index (files, j);
              g_autoptr(GError) missing = NULL;
              AccordStateMessage *known;

              if (file->uid == 0 || !accord_imap_uid_ranges_contain (journalled, file->uid))
                continue;
              known = accord_sync_state_lookup_message (self->state, folder_id, file->uid, &missing);
              if (known != NULL)
                {
                  /* Downloaded again for a record whose file is gone (the person said
                   * no to deleting it there): the record moves to the new file. */
                  gboolean moved = !g_str_equal (known->key, file->key) &&
                                   !g_hash_table_contains (here, known->key);

                  accord_state_message_free (known);
                  if (!moved)
                    continue;
                }
              {
                AccordStateMessage row = { folder_id, file->uid, file->key, file->flags,
                                           file->size, NULL };

                ok = accord_sync_state_put_message (self->state, &row, error);
              }
            }
          ok = ok && accord_sync_state_remove_intent (self->state, intent->id, error);
          if (!accord_sync_state_commit_or_rollback (self->state, ok, error))
            return FALSE;
        }
      else if (g_str_equal (intent->kind, "append"))
        {
          g_auto(GStrv) parts = g_strsplit (intent->payload ? intent->payload : "", "\t", 2);
          g_autoptr(GArray) found = NULL;
          AWAIT_INIT (result);
          guint32 uid;
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
          /* The copy this APPEND made: the newest one not already someone's. */
          uid = 0;
          for (guint j = 0; found != NULL && j < found->len; j++)
            {
              guint32 candidate = g_array_index (found, guint32, j);
              g_autoptr(AccordStateMessage) known = NULL;

              if (candidate <= uid)
                continue;
              known = accord_sync_state_lookup_message (self->state, folder_id, candidate, NULL);
              if (known == NULL)
                uid = candidate;
            }
          if (uid != 0)
            {
              char no_flags[] = "";
              AccordStateMessage row = { folder_id, uid, parts[0], no_flags, 0, parts[1] };

              for (guint j = 0; j < files->len; j++)
                {
                  AccordMaildirMessage *file = g_ptr_array_index (files, j);

                  if (g_str_equal (file->key, parts[0]))
                    {
                      row.flags = file->flags;
                      row.size = file->size;
                    }
                }
              /* Recorded even when the file has gone since: then it was deleted here
               * after it went up, and the plan deletes it there. */
              ok = accord_sync_state_put_message (self->state, &row, error);
            }
          ok = ok && accord_sync_state_remove_intent (self->state, intent->id, error);
          if (!accord_sync_state_commit_or_rollback (self->state, ok, error))
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
              message = accord_maildir_read_message (self->maildir, folder,
                                                     file->filename, cancellable, NULL);
              message_id = message ? _accord_imap_sync_message_id (message) : NULL;
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
          if (!accord_sync_state_commit_or_rollback (self->state, ok, error))
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

typedef struct
{
  AccordStateMessage *row;
  GAsyncResult       *result;
} Rematch;

/* After a UIDVALIDITY change: the last sync's rows get the UIDs their Message-IDs have
 * now, one SEARCH each (the client sends them one after the other); rows that match nothing are dropped, so their files
 * count as new here, and the cursor starts over. */
gboolean
_accord_imap_sync_rematch (AccordImapSync  *self,
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
  return accord_sync_state_commit_or_rollback (self->state, ok, error);
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

  set = accord_imap_uid_set_from_array ((const guint32 *) move->uids->data, move->uids->len);
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
  if (!accord_sync_state_commit_or_rollback (self->state, ok, error))
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
gboolean
_accord_imap_sync_apply_local_moves (AccordImapSync  *self,
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
      gint64 count;

      g_ptr_array_add (scans, NULL);
      g_ptr_array_add (names, NULL);
      if (!_accord_imap_sync_is_selectable (folder))
        continue;
      name = _accord_imap_sync_local_name (folder);
      known = accord_sync_state_lookup_folder (self->state, name, NULL);
      /* Found exactly as last synced a moment ago: it neither gained nor lost a file. */
      if (known != NULL && _accord_imap_sync_is_quiet_here (self, known->id))
        continue;
      files = accord_maildir_scan (self->maildir, name, ACCORD_MAILDIR_SCAN_NONE, cancellable, NULL);
      if (files == NULL)
        continue;
      names->pdata[i] = g_strdup (name);
      count = known != NULL ? accord_sync_state_count_messages (self->state, known->id, NULL) : 0;

      /* Only a folder with more files than the last sync knew can have received a
       * moved message: its listing is kept for pass two. Only one with fewer can have
       * lost one: its rows are read. (A folder that lost one and gained another as
       * well syncs them as a deletion and an upload, which is slower but as right.) */
      if (files->len > count)
        scans->pdata[i] = g_ptr_array_ref (files);
      if (known == NULL || files->len >= count)
        {
          g_ptr_array_unref (files);
          continue;
        }

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
      g_hash_table_remove_all (here);
      g_ptr_array_unref (files);
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

