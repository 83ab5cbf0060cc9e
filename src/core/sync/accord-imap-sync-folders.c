/* accord-imap-sync-folders.c
 *
 * The folders of an IMAP sync: made, removed and renamed on either side since the
 * last sync, and the same done on the other.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-imap-sync-private.h"

/* The three views of the folders: the server's (by name on disk), the files', the
 * last sync's. */
typedef struct
{
  GHashTable *remote;     /* name on disk → AccordImapFolder */
  GStrv       local;
  GPtrArray  *known;      /* AccordStateFolder */
  char        delimiter;
} Views;

static void
_views_clear (Views *views)
{
  g_clear_pointer (&views->remote, g_hash_table_unref);
  g_clear_pointer (&views->local, g_strfreev);
  g_clear_pointer (&views->known, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Views, _views_clear)

static gboolean
_views_load (AccordImapSync  *self,
             GPtrArray       *folders,
             Views           *views,
             GCancellable    *cancellable,
             GError         **error)
{
  _views_clear (views);
  views->remote = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  views->delimiter = '/';

  for (guint i = 0; i < folders->len; i++)
    {
      AccordImapFolder *folder = g_ptr_array_index (folders, i);

      if (folder->delimiter != '\0')
        views->delimiter = folder->delimiter;
      if (_accord_imap_sync_is_selectable (folder))
        g_hash_table_insert (views->remote, _accord_imap_sync_local_name (folder), folder);
    }

  views->local = accord_maildir_list_folders (self->maildir, cancellable, error);
  if (views->local == NULL)
    return FALSE;
  views->known = accord_sync_state_list_folders (self->state, error);
  return views->known != NULL;
}

static gboolean
_is_known (const Views *views,
           const char  *name)
{
  for (guint i = 0; i < views->known->len; i++)
    if (g_str_equal (((AccordStateFolder *) g_ptr_array_index (views->known, i))->name, name))
      return TRUE;

  return FALSE;
}

static gboolean
_is_here (const Views *views,
          const char  *name)
{
  return g_strv_contains ((const char * const *) views->local, name);
}

/* The server's name for a name on disk. */
static char *
_server_name (const Views *views,
              const char  *name)
{
  char *server = g_strdup (name);

  if (views->delimiter != '/')
    g_strdelimit (server, "/", views->delimiter);
  return server;
}

/* The one folder on the server, new since the last sync (and @here or not), that
 * keeps the UIDVALIDITY @folder had and has counted at least as far: renaming keeps a
 * folder's UIDs, and two folders made apart rarely share it. NULL when there is none
 * or more than one. */
static const char *
_renamed_there (const Views             *views,
                const AccordStateFolder *folder,
                gboolean                 here)
{
  GHashTableIter iter;
  const char *found = NULL;
  gpointer key, value;

  if (folder->uidvalidity == 0)
    return NULL;

  g_hash_table_iter_init (&iter, views->remote);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const AccordImapFolder *candidate = value;

      if (!candidate->has_status || candidate->uidvalidity != folder->uidvalidity ||
          _is_known (views, key) || _is_here (views, key) != here)
        continue;
      /* A renamed folder keeps counting where it was: a folder made since, that happens
       * to have the same UIDVALIDITY, has not given out as many UIDs or changes. */
      if (candidate->uidnext < folder->uidnext ||
          (candidate->highestmodseq != 0 && candidate->highestmodseq < folder->highestmodseq))
        continue;
      if (found != NULL)
        return NULL;
      found = key;
    }

  return found;
}

/* The folder new here since the last sync that holds most of the messages @folder
 * held, at least half of them: renaming a folder keeps its files' names. */
static char *
_renamed_here (AccordImapSync          *self,
               const Views             *views,
               const AccordStateFolder *folder,
               GCancellable            *cancellable,
               GError                 **error)
{
  g_autoptr(GPtrArray) rows = accord_sync_state_list_messages (self->state, folder->id, error);
  g_autoptr(GHashTable) keys = NULL;
  const char *best = NULL;
  guint best_count = 0;
  gboolean tie = FALSE;

  if (rows == NULL)
    return NULL;
  if (rows->len == 0)
    return NULL;

  keys = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < rows->len; i++)
    g_hash_table_add (keys, ((AccordStateMessage *) g_ptr_array_index (rows, i))->key);

  for (guint i = 0; views->local[i] != NULL; i++)
    {
      const char *name = views->local[i];
      g_autoptr(GPtrArray) files = NULL;
      guint count = 0;

      if (_is_known (views, name) || g_hash_table_contains (views->remote, name))
        continue;
      files = accord_maildir_scan (self->maildir, name, ACCORD_MAILDIR_SCAN_NONE, cancellable, NULL);
      for (guint j = 0; files != NULL && j < files->len; j++)
        count += g_hash_table_contains (keys, ((AccordMaildirMessage *) g_ptr_array_index (files, j))->key);

      if (count > best_count)
        {
          best = name;
          best_count = count;
          tie = FALSE;
        }
      else if (count == best_count && count > 0)
        tie = TRUE;
    }

  if (tie || best_count * 2 < rows->len)
    return NULL;
  return g_strdup (best);
}

/* Whether @candidate holds the messages @folder held, under the same UIDs: the last
 * few recorded with a Message-ID are looked for there. Before a folder's record is
 * given to another, as a rename's is, the two had better be one. */
static gboolean
_holds_same_messages (AccordImapSync          *self,
                      const AccordStateFolder *folder,
                      const AccordImapFolder  *candidate,
                      gboolean                *same,
                      GCancellable            *cancellable,
                      GError                 **error)
{
  g_autoptr(GPtrArray) rows = accord_sync_state_list_messages (self->state, folder->id, error);
  g_autoptr(GPtrArray) picked = g_ptr_array_new ();
  g_autoptr(AccordImapMailbox) mailbox = NULL;
  GAsyncResult *searches[3] = { NULL, };
  guint matched = 0;
  guint elsewhere = 0;
  AWAIT_INIT (examined);

  *same = FALSE;
  if (rows == NULL)
    return FALSE;
  for (guint i = rows->len; i > 0 && picked->len < G_N_ELEMENTS (searches); i--)
    {
      AccordStateMessage *row = g_ptr_array_index (rows, i - 1);

      if (row->message_id != NULL && strchr (row->message_id, '"') == NULL &&
          strchr (row->message_id, '\\') == NULL)
        g_ptr_array_add (picked, row);
    }
  /* Nothing to tell them apart by: the counters have to do. */
  if (picked->len == 0)
    {
      *same = TRUE;
      return TRUE;
    }

  accord_imap_client_select_async (self->client, candidate->name, NULL, TRUE, cancellable,
                                   _accord_sync_store_result_cb, &examined);
  for (guint i = 0; i < picked->len; i++)
    {
      g_autofree char *criteria = g_strdup_printf ("HEADER Message-ID \"%s\"",
                                                   ((AccordStateMessage *) picked->pdata[i])->message_id);

      accord_imap_client_search_async (self->client, criteria, cancellable, _accord_sync_store_result_cb,
                                       &searches[i]);
    }

  /* A folder that cannot be looked into is not taken for the renamed one. One of the
   * messages may have gone meanwhile; one found under another UID means another
   * folder. */
  mailbox = accord_imap_client_select_finish (self->client, _accord_sync_await (&examined), NULL);
  for (guint i = 0; i < picked->len; i++)
    {
      guint32 uid = ((AccordStateMessage *) picked->pdata[i])->uid;
      g_autoptr(GArray) found = NULL;
      gboolean has = FALSE;

      found = accord_imap_client_search_finish (self->client, _accord_sync_await (&searches[i]), NULL);
      g_clear_object (&searches[i]);
      for (guint j = 0; found != NULL && j < found->len; j++)
        has |= g_array_index (found, guint32, j) == uid;
      if (has)
        matched++;
      else if (found != NULL && found->len > 0)
        elsewhere++;
    }
  *same = mailbox != NULL && matched > 0 && elsewhere == 0;

  if (!accord_imap_client_is_connected (self->client))
    {
      g_set_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_CLOSED,
                   _("The connection to the server was lost."));
      return FALSE;
    }
  return TRUE;
}

/* Without LIST-STATUS, the UIDVALIDITY of the folders new on the server, for
 * _renamed_there(): one STATUS each, all sent at once. */
static gboolean
_fill_status (AccordImapSync  *self,
              const Views     *views,
              GCancellable    *cancellable,
              GError         **error)
{
  g_autoptr(GPtrArray) asked = g_ptr_array_new ();
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer key, value;
  gboolean ok = TRUE;

  g_hash_table_iter_init (&iter, views->remote);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!((AccordImapFolder *) value)->has_status && !_is_known (views, key))
      g_ptr_array_add (asked, value);
  if (asked->len == 0)
    return TRUE;

  g_ptr_array_set_size (results, asked->len);
  for (guint i = 0; i < asked->len; i++)
    accord_imap_client_status_async (self->client, ((AccordImapFolder *) asked->pdata[i])->name,
                                     cancellable, _accord_sync_store_result_cb, &results->pdata[i]);
  for (guint i = 0; i < asked->len; i++)
    {
      AccordImapFolder *folder = asked->pdata[i];
      g_autoptr(AccordImapFolder) status = NULL;

      _accord_sync_await ((GAsyncResult **) &results->pdata[i]);
      status = accord_imap_client_status_finish (self->client, results->pdata[i], ok ? error : NULL);
      if (status == NULL)
        {
          ok = FALSE;
          continue;
        }
      folder->has_status = TRUE;
      folder->messages = status->messages;
      folder->uidnext = status->uidnext;
      folder->uidvalidity = status->uidvalidity;
      folder->unseen = status->unseen;
      folder->highestmodseq = status->highestmodseq;
    }

  return ok;
}

/* Finds one rename since the last sync and carries it over; *@renamed says whether
 * there was one. Each step is done first where it is missing and recorded last, and a
 * folder renamed on both sides but not recorded (a kill in between) is recognised as
 * such, so a rename is never taken for a removal and a new folder. */
static gboolean
_sync_one_rename (AccordImapSync  *self,
                  const Views     *views,
                  gboolean        *renamed,
                  gboolean        *relist,
                  GCancellable    *cancellable,
                  GError         **error)
{
  *renamed = FALSE;

  for (guint i = 0; i < views->known->len; i++)
    {
      AccordStateFolder *folder = g_ptr_array_index (views->known, i);
      gboolean there = g_hash_table_contains (views->remote, folder->name);
      gboolean here = _is_here (views, folder->name);
      g_autofree char *to = NULL;
      g_autofree char *payload = NULL;
      const AccordImapFolder *target;
      gint64 intent = 0;
      gboolean ok;

      if (there && here)
        continue;
      if (!there && !_fill_status (self, views, cancellable, error))
        return FALSE;

      if (!there)
        {
          /* Renamed on the server, and here too (only the record left to do), or not:
           * then the folder here is renamed. */
          const char *candidate = _renamed_there (views, folder, here ? FALSE : TRUE);
          gboolean same = FALSE;

          if (candidate != NULL &&
              !_holds_same_messages (self, folder, g_hash_table_lookup (views->remote, candidate), &same,
                                     cancellable, error))
            return FALSE;
          if (!same)
            continue;
          to = g_strdup (candidate);
          if (here && !accord_maildir_rename_folder (self->maildir, folder->name, to, cancellable, error))
            return FALSE;
        }
      else
        {
          /* Renamed here: rename it on the server. */
          g_autofree char *from = NULL;
          g_autofree char *server = NULL;
          g_autoptr(GError) local_error = NULL;
          AWAIT_INIT (done);

          to = _renamed_here (self, views, folder, cancellable, &local_error);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          if (to == NULL || g_ascii_strcasecmp (folder->name, "INBOX") == 0)
            continue;

          from = g_strdup (((AccordImapFolder *) g_hash_table_lookup (views->remote, folder->name))->name);
          server = _server_name (views, to);
          /* Journalled: a kill after RENAME and before the record is finished by
           * _finish_renames(), whatever the server did to the UIDVALIDITY. */
          payload = g_strdup_printf ("%s\t%s", folder->name, to);
          intent = accord_sync_state_add_intent (self->state, "rename", folder->id, payload, error);
          if (intent == 0)
            return FALSE;
          accord_imap_client_rename_async (self->client, from, server, cancellable,
                                           _accord_sync_store_result_cb, &done);
          if (!accord_imap_client_rename_finish (self->client, _accord_sync_await (&done), error))
            return FALSE;
          *relist = TRUE;
        }

      if (to == NULL)
        continue;

      target = g_hash_table_lookup (views->remote, to);
      if (!accord_sync_state_begin (self->state, error))
        return FALSE;
      ok = accord_sync_state_rename_folder (self->state, folder->id, to,
                                            target != NULL ? target->raw_name : NULL, error) &&
           (intent == 0 || accord_sync_state_remove_intent (self->state, intent, error));
      if (!accord_sync_state_commit_or_rollback (self->state, ok, error))
        return FALSE;
      g_debug ("Folder “%s” renamed “%s”", folder->name, to);
      self->stats.folders_renamed++;
      *renamed = TRUE;
      return TRUE;
    }

  return TRUE;
}

/* RENAMEs journalled by an earlier run that was killed before recording them: done on
 * the server (the old name gone, the new one there), the record follows; not done,
 * the journal entry goes and the rename is found again. */
static gboolean
_finish_renames (AccordImapSync  *self,
                 const Views     *views,
                 gboolean        *renamed,
                 GError         **error)
{
  g_autoptr(GPtrArray) intents = accord_sync_state_list_intents (self->state, error);

  if (intents == NULL)
    return FALSE;

  for (guint i = 0; i < intents->len; i++)
    {
      AccordStateIntent *intent = g_ptr_array_index (intents, i);
      g_auto(GStrv) names = NULL;
      const AccordImapFolder *target;
      gboolean ok = TRUE;

      if (!g_str_equal (intent->kind, "rename"))
        continue;
      names = g_strsplit (intent->payload ? intent->payload : "", "\t", 2);
      target = names[0] != NULL && names[1] != NULL ? g_hash_table_lookup (views->remote, names[1]) : NULL;

      if (!accord_sync_state_begin (self->state, error))
        return FALSE;
      if (target != NULL && !g_hash_table_contains (views->remote, names[0]))
        {
          ok = accord_sync_state_rename_folder (self->state, intent->folder_id, names[1], target->raw_name,
                                                error);
          self->stats.folders_renamed++;
          *renamed = TRUE;
        }
      ok = ok && accord_sync_state_remove_intent (self->state, intent->id, error);
      if (!accord_sync_state_commit_or_rollback (self->state, ok, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
_list (AccordImapSync  *self,
       GPtrArray      **folders,
       GCancellable    *cancellable,
       GError         **error)
{
  AWAIT_INIT (listed);

  g_clear_pointer (folders, g_ptr_array_unref);
  accord_imap_client_list_async (self->client, cancellable, _accord_sync_store_result_cb, &listed);
  *folders = accord_imap_client_list_finish (self->client, _accord_sync_await (&listed), error);
  return *folders != NULL;
}

/* Folders made, removed or renamed on one side since the last sync. A rename is
 * carried over as a rename, the folder's messages and their record with it. A folder
 * new here is created on the server; a folder gone from one side goes from the other
 * only when it holds no messages there, so that no mail goes with a folder by accident
 * (its messages, gone from one side, are deletions like any other, under the guard). */
gboolean
_accord_imap_sync_reconcile_folders (AccordImapSync  *self,
                                     GPtrArray      **folders,
                                     GCancellable    *cancellable,
                                     GError         **error)
{
  g_auto(Views) views = { NULL, };
  gboolean relist = FALSE;
  gboolean renamed = TRUE;

  /* One rename at a time, the views read again after each: renaming a folder renames
   * the folders below it too, which the next rounds then only record. */
  for (guint round = 0; renamed; round++)
    {
      if ((relist && !_list (self, folders, cancellable, error)) ||
          !_views_load (self, *folders, &views, cancellable, error))
        return FALSE;
      relist = FALSE;
      if (round > views.known->len)
        break;
      renamed = FALSE;
      if (round == 0 && !_finish_renames (self, &views, &renamed, error))
        return FALSE;
      if (renamed)
        continue;
      if (!_sync_one_rename (self, &views, &renamed, &relist, cancellable, error))
        return FALSE;
    }

  for (guint i = 0; views.local[i] != NULL; i++)
    {
      const char *name = views.local[i];

      if (g_hash_table_contains (views.remote, name))
        continue;

      if (_is_known (&views, name))
        {
          /* Removed on the server: here too, if nothing is in it. */
          g_autoptr(GPtrArray) files = accord_maildir_scan (self->maildir, name, ACCORD_MAILDIR_SCAN_NONE,
                                                            cancellable, NULL);

          if (files != NULL && files->len == 0)
            {
              g_autoptr(AccordStateFolder) folder = accord_sync_state_lookup_folder (self->state, name, NULL);

              if (accord_maildir_remove_folder (self->maildir, name, cancellable, NULL) && folder != NULL)
                accord_sync_state_remove_folder (self->state, folder->id, NULL);
              continue;
            }
        }

      /* New here, or removed on the server while it still holds mail here: create. */
      {
        g_autofree char *server = _server_name (&views, name);
        AWAIT_INIT (created);

        accord_imap_client_create_async (self->client, server, cancellable, _accord_sync_store_result_cb,
                                         &created);
        if (!accord_imap_client_create_finish (self->client, _accord_sync_await (&created), error))
          return FALSE;
        relist = TRUE;
      }
    }

  for (guint j = 0; j < views.known->len; j++)
    {
      AccordStateFolder *folder = g_ptr_array_index (views.known, j);
      AccordImapFolder *there = g_hash_table_lookup (views.remote, folder->name);
      gboolean here = _is_here (&views, folder->name);

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

  return !relist || _list (self, folders, cancellable, error);
}
