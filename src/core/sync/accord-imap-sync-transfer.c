/* accord-imap-sync-transfer.c
 *
 * Messages going down and up in an IMAP sync: downloads written as they arrive and
 * journalled before they are asked for, uploads journalled before APPEND and matched
 * to their UID after.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "accord-imap-sync-private.h"

#define FLUSH_BYTES (2 * 1024 * 1024)
#define FLUSH_MESSAGES 500

struct _AccordImapSyncDownload
{
  AccordImapSync *self;
  gint64          folder_id;
  char           *folder;
  char           *intent_uids;
  gint64          intent_id;
  guint32         uidvalidity;  /* expected of the folder, when asked for ahead */
  GPtrArray      *batch;        /* AccordMaildirDelivery */
  gsize           batch_bytes;
  GError         *error;
  GAsyncResult   *result;
};

void
_accord_imap_sync_download_free (AccordImapSyncDownload *download)
{
  g_clear_error (&download->error);
  g_ptr_array_unref (download->batch);
  g_free (download->intent_uids);
  g_free (download->folder);
  g_clear_object (&download->result);
  g_free (download);
}

static gboolean
_flush_download (AccordImapSyncDownload  *download,
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
      g_autofree char *message_id = _accord_imap_sync_message_id (delivery->data);
      AccordStateMessage row = { download->folder_id, delivery->uid, delivery->key,
                                 delivery->flags, (gint64) g_bytes_get_size (delivery->data),
                                 message_id };

      ok = accord_sync_state_put_message (self->state, &row, error);
    }
  if (!accord_sync_state_commit_or_rollback (self->state, ok, error))
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
  AccordImapSyncDownload *download = user_data;
  char letters[8];

  if (download->error != NULL || message->body == NULL)
    return;

  /* Asked for ahead of the answer to SELECT: only if the folder is still numbered as
   * it was, or these UIDs are other messages. */
  if (download->uidvalidity != 0 &&
      accord_imap_client_get_selected_uidvalidity (download->self->client) != download->uidvalidity)
    {
      g_set_error (&download->error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_PROTOCOL,
                   _("The server renumbered the folder “%s” during the sync."), download->folder);
      return;
    }

  accord_mail_flags_to_letters (accord_mail_flags_from_imap ((const char * const *) message->flags),
                                letters);
  g_ptr_array_add (download->batch,
                   accord_maildir_delivery_new (message->body, letters, message->uid, NULL));
  download->batch_bytes += g_bytes_get_size (message->body);

  if (download->batch_bytes >= FLUSH_BYTES || download->batch->len >= FLUSH_MESSAGES)
    _flush_download (download, &download->error);
}

/* Journals the download of @uid_set. Journalled first: after a crash, a file carrying
 * one of these UIDs is this download's, not a new message to upload. */
AccordImapSyncDownload *
_accord_imap_sync_download_new (AccordImapSync  *self,
                                gint64           folder_id,
                                const char      *folder,
                                const char      *uid_set,
                                guint32          uidvalidity,
                                GError         **error)
{
  AccordImapSyncDownload *download;
  gint64 intent_id = accord_sync_state_add_intent (self->state, "fetch", folder_id, uid_set, error);

  if (intent_id == 0)
    return NULL;

  download = g_new0 (AccordImapSyncDownload, 1);
  download->self = self;
  download->folder_id = folder_id;
  download->folder = g_strdup (folder);
  download->intent_uids = g_strdup (uid_set);
  download->intent_id = intent_id;
  download->uidvalidity = uidvalidity;
  download->batch = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_delivery_free);
  return download;
}

/* Asks for the messages; they are written as they arrive. */
void
_accord_imap_sync_download_send (AccordImapSyncDownload *download,
                                 GCancellable           *cancellable)
{
  accord_imap_client_fetch_bodies_async (download->self->client, download->intent_uids, _on_message,
                                         download, cancellable, _accord_sync_store_result_cb,
                                         &download->result);
}

/* Waits for the download's end; writes what is left and closes its journal entry. */
gboolean
_accord_imap_sync_download_finish (AccordImapSyncDownload  *download,
                                   GError                 **error)
{
  AccordImapSync *self = download->self;
  gboolean ok;

  ok = accord_imap_client_fetch_bodies_finish (self->client, _accord_sync_await (&download->result),
                                               error);
  if (ok && download->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&download->error));
      ok = FALSE;
    }
  ok = ok && _flush_download (download, error);
  ok = ok && accord_sync_state_remove_intent (self->state, download->intent_id, error);

  return ok;
}

gboolean
_accord_imap_sync_download (AccordImapSync  *self,
                            gint64           folder_id,
                            const char      *folder,
                            GArray          *uids,
                            GCancellable    *cancellable,
                            GError         **error)
{
  g_autofree char *set = NULL;
  AccordImapSyncDownload *download;
  gboolean ok;

  if (uids->len == 0)
    return TRUE;

  set = accord_imap_uid_set_from_array ((const guint32 *) uids->data, uids->len);
  download = _accord_imap_sync_download_new (self, folder_id, folder, set, 0, error);
  if (download == NULL)
    return FALSE;
  _accord_imap_sync_download_send (download, cancellable);
  ok = _accord_imap_sync_download_finish (download, error);
  _accord_imap_sync_download_free (download);
  return ok;
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

/* A Message-ID for a message that has none, from its file's unique key. */
static char *
_marker_message_id (const char *key)
{
  g_autofree char *local = g_strdup (key);

  g_strcanon (local, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_", '-');
  return g_strdup_printf ("<%s@accord.invalid>", local);
}

/* @message with a Message-ID field in front, its line ends as the message's own. */
static GBytes *
_with_message_id (GBytes     *message,
                  const char *message_id)
{
  gsize length;
  const char *data = g_bytes_get_data (message, &length);
  const char *eol = memchr (data, '\n', length);
  gboolean crlf = eol == NULL || (eol > data && eol[-1] == '\r');
  GString *out = g_string_sized_new (length + 64);

  g_string_append_printf (out, "Message-ID: %s%s", message_id, crlf ? "\r\n" : "\n");
  g_string_append_len (out, data, length);
  return g_string_free_to_bytes (out);
}

gboolean
_accord_imap_sync_upload (AccordImapSync              *self,
                          gint64                       folder_id,
                          const char                  *folder,
                          const char                  *remote_name,
                          const AccordMaildirMessage  *file,
                          GCancellable                *cancellable,
                          GError                     **error)
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

  message_id = _accord_imap_sync_message_id (message);
  if (message_id == NULL && !_accord_imap_sync_has_message_id_field (message))
    {
      /* After a crash (and without UIDPLUS, on every run) the server's copy is found
       * by its Message-ID: a message without one gets one on its way up, made of its
       * file's unique key. */
      g_autoptr(GBytes) marked = NULL;

      message_id = _marker_message_id (file->key);
      marked = _with_message_id (message, message_id);
      g_bytes_unref (message);
      message = g_steal_pointer (&marked);
    }
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
  /* APPENDUID is UIDPLUS's; a server that does not claim it is not taken at its word. */
  if (!self->uidplus)
    uid = 0;

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
  if (!accord_sync_state_commit_or_rollback (self->state, ok, error))
    return FALSE;

  self->stats.uploaded++;
  return TRUE;
}

/* Lets a download asked for ahead go: waits for the server's answer, which writes
 * into it, and leaves the journal entry for the next run to settle. */
void
_accord_imap_sync_download_abandon (AccordImapSyncDownload *download)
{
  _accord_sync_await (&download->result);
  _accord_imap_sync_download_free (download);
}
