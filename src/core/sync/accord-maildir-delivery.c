/* accord-maildir-delivery.c - durable delivery of new messages to a Maildir folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* sync_file_range() */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <unistd.h>

#include "accord-maildir-private.h"
#include "util/accord-file-utils.h"

/* Files kept open while a batch is written, so their data goes to disk together. */
#define DELIVERY_CHUNK 128

/* Delivery */

typedef struct
{
  AccordMaildirDelivery *delivery;
  char                  *tmp_name;
  int                    fd;
} Pending;

static void
_pending_discard (Pending   *pending,
                  FolderFds *fds)
{
  if (pending->fd >= 0)
    close (pending->fd);
  pending->fd = -1;
  if (pending->tmp_name != NULL)
    unlinkat (fds->tmp_fd, pending->tmp_name, 0);
  g_clear_pointer (&pending->tmp_name, g_free);
}

/* Step one for a message: its bytes in tmp/, on their way to disk. */
static gboolean
_write_tmp (AccordMaildir          *self,
            FolderFds              *fds,
            GHashTable             *present,
            AccordMaildirDelivery  *delivery,
            Pending                *pending,
            GError                **error)
{
  gconstpointer data;
  gsize length;

  pending->delivery = delivery;
  pending->tmp_name = NULL;
  pending->fd = -1;

  if (delivery->key == NULL)
    delivery->key = accord_maildir_generate_key (self);
  else if (!_accord_maildir_key_is_valid (delivery->key))
    {
      g_autofree char *shown = g_strescape (delivery->key, NULL);

      g_set_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_INVALID_NAME,
                   _("“%s” is not a valid message key"), shown);
      return FALSE;
    }
  else if (g_hash_table_contains (present, delivery->key))
    {
      g_set_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_EXISTS,
                   _("A message “%s” exists already in “%s”"), delivery->key, fds->path);
      return FALSE;
    }

  pending->tmp_name = g_strdup (delivery->key);
  pending->fd = openat (fds->tmp_fd, pending->tmp_name,
                        O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (pending->fd < 0)
    {
      int saved_errno = errno;

      g_clear_pointer (&pending->tmp_name, g_free);
      return _accord_maildir_errno_error (error, saved_errno,
                                          N_("Could not create a message in “%s”"),
                                          fds->tmp_path);
    }

  data = g_bytes_get_data (delivery->data, &length);
  if (!accord_file_write_all (pending->fd, data, length))
    return _accord_maildir_errno_error (error, errno, N_("Could not write a message in “%s”"),
                                        fds->tmp_path);

  /* Start the write-back now, so the fsync() of step two finds the data on its way and
   * the file system can commit several files in one journal transaction. */
  sync_file_range (pending->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
  return TRUE;
}

/* Step two: the data on disk. The first fsync() of a chunk commits the file system's
 * journal for all of them; the others then only wait for their data. */
static gboolean
_flush (FolderFds  *fds,
        Pending    *pending,
        GError    **error)
{
  int fd = pending->fd;

  pending->fd = -1;
  if (fsync (fd) != 0)
    {
      int saved_errno = errno;

      close (fd);
      return _accord_maildir_errno_error (error, saved_errno,
                                          N_("Could not write a message in “%s”"),
                                          fds->tmp_path);
    }

  if (close (fd) != 0)
    return _accord_maildir_errno_error (error, errno, N_("Could not write a message in “%s”"),
                                        fds->tmp_path);

  return TRUE;
}

/* Step three, once the whole chunk is on disk (a link between two fsync()s would make
 * each of them commit the journal): the message visible in cur/ or new/. */
static gboolean
_publish (FolderFds              *fds,
          Pending                *pending,
          gboolean               *used_cur,
          gboolean               *used_new,
          GError                **error)
{
  AccordMaildirDelivery *delivery = pending->delivery;
  g_autofree char *flags = accord_maildir_flags_normalize (delivery->flags);
  g_autofree char *attributes = NULL;
  g_autofree char *final_name = NULL;
  gboolean in_cur = flags[0] != '\0';
  int dest_fd = in_cur ? fds->cur_fd : fds->new_fd;
  const char *dest_path = in_cur ? fds->cur_path : fds->new_path;

  g_assert (pending->fd < 0);

  if (delivery->uid != 0)
    attributes = g_strdup_printf (",S=%" G_GSIZE_FORMAT ",U=%u",
                                  g_bytes_get_size (delivery->data), delivery->uid);
  else
    attributes = g_strdup_printf (",S=%" G_GSIZE_FORMAT, g_bytes_get_size (delivery->data));
  final_name = _accord_maildir_file_name (delivery->key, attributes, flags, in_cur);

  /* A link, unlike rename(), never replaces a file that is there already. */
  if (linkat (fds->tmp_fd, pending->tmp_name, dest_fd, final_name, 0) == 0)
    unlinkat (fds->tmp_fd, pending->tmp_name, 0);
  else if (errno == EEXIST)
    {
      g_set_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_EXISTS,
                   _("A message “%s” exists already in “%s”"), final_name, dest_path);
      return FALSE;
    }
  else if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS && errno != EMLINK)
    return _accord_maildir_errno_error (error, errno, N_("Could not deliver a message to “%s”"),
                                        dest_path);
  /* A file system without hard links: the unique key is the guard against clobbering. */
  else if (renameat (fds->tmp_fd, pending->tmp_name, dest_fd, final_name) != 0)
    return _accord_maildir_errno_error (error, errno, N_("Could not deliver a message to “%s”"),
                                        dest_path);

  g_clear_pointer (&pending->tmp_name, g_free);
  delivery->filename = g_steal_pointer (&final_name);
  delivery->is_new = !in_cur;
  *used_cur |= in_cur;
  *used_new |= !in_cur;
  return TRUE;
}

/**
 * accord_maildir_deliver:
 * @deliveries: (element-type AccordMaildirDelivery): the messages
 *
 * Stores the messages in @folder (which must exist). When it returns %TRUE every
 * message is durable and has its key and filename set. On an error, the messages
 * before the failing one may have been delivered: those with a filename are durable,
 * the others are not in the folder.
 */
gboolean
accord_maildir_deliver (AccordMaildir  *self,
                        const char     *folder,
                        GPtrArray      *deliveries,
                        GCancellable   *cancellable,
                        GError        **error)
{
  g_autofree char *path = NULL;
  g_auto(FolderFds) fds = FOLDER_FDS_INIT;
  g_autoptr(GError) local_error = NULL;
  gboolean used_cur = FALSE;
  gboolean used_new = FALSE;
  gboolean need_index = FALSE;
  g_autoptr(GHashTable) present = NULL;
  GError **flush_error;
  gboolean flushed;

  g_return_val_if_fail (ACCORD_IS_MAILDIR (self), FALSE);
  g_return_val_if_fail (deliveries != NULL, FALSE);

  if ((path = _accord_maildir_existing_folder_path (self, folder, error)) == NULL ||
      !_accord_maildir_folder_fds_open (&fds, path, TRUE, error))
    return FALSE;

  for (guint i = 0; i < deliveries->len; i++)
    {
      AccordMaildirDelivery *delivery = g_ptr_array_index (deliveries, i);

      g_clear_pointer (&delivery->filename, g_free);
      need_index |= delivery->key != NULL;
    }

  /* A key chosen by the caller may have been delivered before a crash, perhaps with
   * other flags since: one message must not end up in two files. */
  if (need_index)
    present = _accord_maildir_index_folder (&fds);
  else
    present = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint start = 0; start < deliveries->len && local_error == NULL; start += DELIVERY_CHUNK)
    {
      Pending pending[DELIVERY_CHUNK];
      guint n = MIN (DELIVERY_CHUNK, deliveries->len - start);
      guint written = 0;

      if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
        break;

      for (; written < n; written++)
        if (!_write_tmp (self, &fds, present, g_ptr_array_index (deliveries, start + written),
                         &pending[written], &local_error))
          {
            _pending_discard (&pending[written], &fds);
            break;
          }

      for (guint i = 0; i < written; i++)
        if (local_error != NULL || !_flush (&fds, &pending[i], &local_error))
          _pending_discard (&pending[i], &fds);

      for (guint i = 0; i < written; i++)
        if (local_error != NULL ||
            !_publish (&fds, &pending[i], &used_cur, &used_new, &local_error))
          _pending_discard (&pending[i], &fds);
    }

  /* Whatever happened, what is linked must be durable before anyone records it. */
  flush_error = local_error != NULL ? NULL : &local_error;
  flushed = (!used_cur || _accord_maildir_fsync_dir_fd (fds.cur_fd, fds.cur_path, flush_error)) &&
            (!used_new || _accord_maildir_fsync_dir_fd (fds.new_fd, fds.new_path, flush_error));
  if (!flushed)
    {
      /* Nothing is known to be durable: the caller must take none as delivered. */
      for (guint i = 0; i < deliveries->len; i++)
        {
          AccordMaildirDelivery *delivery = g_ptr_array_index (deliveries, i);

          g_clear_pointer (&delivery->filename, g_free);
        }
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}
