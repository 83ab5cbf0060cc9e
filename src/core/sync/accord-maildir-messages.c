/* accord-maildir-messages.c - the messages of a Maildir folder: scanning,
 * finding one again, changing flags, removing, moving, reading
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accord-maildir-private.h"

/* A folder's directories, open */

static void
_close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
  *fd = -1;
}

void
_accord_maildir_folder_fds_clear (FolderFds *fds)
{
  _close_fd (&fds->tmp_fd);
  _close_fd (&fds->cur_fd);
  _close_fd (&fds->new_fd);
  g_clear_pointer (&fds->path, g_free);
  g_clear_pointer (&fds->tmp_path, g_free);
  g_clear_pointer (&fds->cur_path, g_free);
  g_clear_pointer (&fds->new_path, g_free);
}

gboolean
_accord_maildir_folder_fds_open (FolderFds   *fds,
                                 const char  *path,
                                 gboolean     with_tmp,
                                 GError     **error)
{
  fds->tmp_fd = fds->cur_fd = fds->new_fd = -1;
  fds->path = g_strdup (path);
  fds->tmp_path = g_build_filename (path, "tmp", NULL);
  fds->cur_path = g_build_filename (path, "cur", NULL);
  fds->new_path = g_build_filename (path, "new", NULL);

  if (with_tmp && (fds->tmp_fd = _accord_maildir_open_dir (fds->tmp_path, error)) < 0)
    return FALSE;

  return (fds->cur_fd = _accord_maildir_open_dir (fds->cur_path, error)) >= 0 &&
         (fds->new_fd = _accord_maildir_open_dir (fds->new_path, error)) >= 0;
}

/* Where each message is */

typedef struct
{
  gboolean  is_new;
  char     *filename;
} Location;

static void
_location_clear (Location *location)
{
  g_clear_pointer (&location->filename, g_free);
}

static void
_location_free (Location *location)
{
  _location_clear (location);
  g_free (location);
}

/* Key → Location of every message of the folder, built when a call first needs it. */
GHashTable *
_accord_maildir_index_folder (FolderFds *fds)
{
  GHashTable *index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) _location_free);

  for (guint i = 0; i < 2; i++)
    {
      DIR *dir = opendir (i == 0 ? fds->cur_path : fds->new_path);
      struct dirent *entry;

      if (dir == NULL)
        continue;

      while ((entry = readdir (dir)) != NULL)
        {
          Location *location;
          gsize key_length = _accord_maildir_key_length (entry->d_name);
          char *key;

          if (entry->d_name[0] == '.' || key_length == 0)
            continue;

          key = g_strndup (entry->d_name, key_length);
          if (g_hash_table_contains (index, key))
            {
              g_free (key);
              continue;
            }

          location = g_new0 (Location, 1);
          location->is_new = i == 1;
          location->filename = g_strdup (entry->d_name);
          g_hash_table_insert (index, key, location);
        }

      closedir (dir);
    }

  return index;
}

/* Scanning */

static void
_clean_tmp (const char *tmp_path)
{
  DIR *dir = opendir (tmp_path);
  gint64 limit = g_get_real_time () / G_USEC_PER_SEC -
                 ACCORD_MAILDIR_TMP_MAX_AGE / G_USEC_PER_SEC;
  struct dirent *entry;

  if (dir == NULL)
    return;

  while ((entry = readdir (dir)) != NULL)
    {
      struct stat st;

      if (entry->d_name[0] == '.' && (entry->d_name[1] == '\0' ||
                                      (entry->d_name[1] == '.' && entry->d_name[2] == '\0')))
        continue;

      if (fstatat (dirfd (dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
          !S_ISDIR (st.st_mode) && st.st_mtime < limit)
        {
          g_debug ("Removing stale “%s/%s”", tmp_path, entry->d_name);
          unlinkat (dirfd (dir), entry->d_name, 0);
        }
    }

  closedir (dir);
}

static gboolean
_scan_subdir (const char              *path,
              gboolean                 is_new,
              AccordMaildirScanFlags   flags,
              GPtrArray               *messages,
              GCancellable            *cancellable,
              GError                 **error)
{
  DIR *dir = opendir (path);
  struct dirent *entry;
  guint count = 0;

  if (dir == NULL)
    return _accord_maildir_errno_error (error, errno, N_("Could not read folder “%s”"), path);

  while ((entry = readdir (dir)) != NULL)
    {
      AccordMaildirMessage *message;

      if (entry->d_name[0] == '.' || entry->d_type == DT_DIR)
        continue;

      if (++count % 1024 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          closedir (dir);
          return FALSE;
        }

      if ((message = accord_maildir_message_new_from_filename (entry->d_name, is_new)) == NULL)
        continue;

      if (flags & ACCORD_MAILDIR_SCAN_STAT)
        {
          struct stat st;

          /* Gone since readdir(): another client removed or renamed it. */
          if (fstatat (dirfd (dir), entry->d_name, &st, 0) != 0 || !S_ISREG (st.st_mode))
            {
              accord_maildir_message_free (message);
              continue;
            }

          message->size = st.st_size;
          message->mtime = st.st_mtime;
        }

      g_ptr_array_add (messages, message);
    }

  closedir (dir);
  return TRUE;
}

/**
 * accord_maildir_scan:
 *
 * Lists the messages in @folder's cur/ and new/ from the file names alone (unless
 * @flags asks for stat()), in no particular order. Removes files left in tmp/ for more
 * than 36 hours.
 *
 * Returns: (transfer full) (element-type AccordMaildirMessage): the messages
 */
GPtrArray *
accord_maildir_scan (AccordMaildir           *self,
                     const char              *folder,
                     AccordMaildirScanFlags   flags,
                     GCancellable            *cancellable,
                     GError                 **error)
{
  g_autofree char *path = NULL;
  g_autofree char *cur = NULL;
  g_autofree char *new = NULL;
  g_autofree char *tmp = NULL;
  g_autoptr(GPtrArray) messages = NULL;

  g_return_val_if_fail (ACCORD_IS_MAILDIR (self), NULL);

  if ((path = _accord_maildir_existing_folder_path (self, folder, error)) == NULL)
    return NULL;

  cur = g_build_filename (path, "cur", NULL);
  new = g_build_filename (path, "new", NULL);
  tmp = g_build_filename (path, "tmp", NULL);
  messages = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_message_free);

  if (!_scan_subdir (cur, FALSE, flags, messages, cancellable, error) ||
      !_scan_subdir (new, TRUE, flags, messages, cancellable, error))
    return NULL;

  _clean_tmp (tmp);
  return g_steal_pointer (&messages);
}

/* Finding a message that may have been renamed since it was seen */

static gboolean
_exists_at (int         dir_fd,
            const char *name)
{
  struct stat st;

  return fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR (st.st_mode);
}

static gboolean
_not_found (GError     **error,
            const char  *name,
            const char  *folder)
{
  g_set_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NOT_FOUND,
               _("The message “%s” is no longer in folder “%s”"), name, folder);
  return FALSE;
}

static gboolean
_locate (FolderFds    *fds,
         const char   *folder,
         const char   *name,
         GHashTable  **index,
         Location     *location,
         GError      **error)
{
  Location *found;
  g_autofree char *key = NULL;

  location->filename = NULL;

  if (name[0] == '\0' || name[0] == '.' || strchr (name, '/') != NULL ||
      _accord_maildir_key_length (name) == 0)
    return _not_found (error, name, folder);

  if (_exists_at (fds->cur_fd, name))
    {
      location->is_new = FALSE;
      location->filename = g_strdup (name);
      return TRUE;
    }

  if (_exists_at (fds->new_fd, name))
    {
      location->is_new = TRUE;
      location->filename = g_strdup (name);
      return TRUE;
    }

  if (*index == NULL)
    *index = _accord_maildir_index_folder (fds);

  key = g_strndup (name, _accord_maildir_key_length (name));
  found = g_hash_table_lookup (*index, key);
  if (found == NULL || !_exists_at (found->is_new ? fds->new_fd : fds->cur_fd, found->filename))
    return _not_found (error, name, folder);

  location->is_new = found->is_new;
  location->filename = g_strdup (found->filename);
  return TRUE;
}

/* Runs @apply on each change's message, finding it again (once) if it moved in the
 * meantime. An error of @apply other than NOT_FOUND stops the batch. */
typedef gboolean (*ApplyFunc) (FolderFds            *fds,
                               Location             *location,
                               AccordMaildirChange  *change,
                               gpointer              data,
                               GError              **error);

static gboolean
_apply_changes (FolderFds     *fds,
                const char    *folder,
                GPtrArray     *changes,
                ApplyFunc      apply,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GHashTable) index = NULL;

  for (guint i = 0; i < changes->len; i++)
    _accord_maildir_change_reset (g_ptr_array_index (changes, i));

  for (guint i = 0; i < changes->len; i++)
    {
      AccordMaildirChange *change = g_ptr_array_index (changes, i);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      for (guint attempt = 0; attempt < 2; attempt++)
        {
          Location location = { FALSE, NULL };
          g_autoptr(GError) local_error = NULL;
          gboolean ok;

          if (!_locate (fds, folder, change->name, &index, &location, &change->error))
            break;

          ok = apply (fds, &location, change, data, &local_error);
          _location_clear (&location);
          if (ok)
            break;

          if (!g_error_matches (local_error, ACCORD_MAILDIR_ERROR,
                                ACCORD_MAILDIR_ERROR_NOT_FOUND))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }

          /* Renamed between finding and changing it: look again, afresh. */
          g_clear_pointer (&index, g_hash_table_unref);
          if (attempt == 1)
            change->error = g_steal_pointer (&local_error);
        }
    }

  return TRUE;
}

typedef struct
{
  const char *folder;
  gboolean    used_cur;
  gboolean    used_new;
  FolderFds  *to;
} ApplyState;

static gboolean
_finish_changes (FolderFds   *fds,
                 ApplyState  *state,
                 gboolean     ok,
                 GError     **error)
{
  if (state->used_cur && !_accord_maildir_fsync_dir_fd (fds->cur_fd, fds->cur_path,
                                                        ok ? error : NULL))
    ok = FALSE;
  if (state->used_new && !_accord_maildir_fsync_dir_fd (fds->new_fd, fds->new_path,
                                                        ok ? error : NULL))
    ok = FALSE;
  return ok;
}

static gboolean
_apply_set_flags (FolderFds            *fds,
                  Location             *location,
                  AccordMaildirChange  *change,
                  gpointer              data,
                  GError              **error)
{
  ApplyState *state = data;
  g_autoptr(AccordMaildirMessage) current = NULL;
  g_autofree char *keywords = NULL;
  g_autofree char *wanted = NULL;
  g_autofree char *flags = NULL;
  g_autofree char *attributes = NULL;
  g_autofree char *key = NULL;
  g_autofree char *new_name = NULL;
  int from_fd = location->is_new ? fds->new_fd : fds->cur_fd;

  current = accord_maildir_message_new_from_filename (location->filename, location->is_new);
  g_assert (current != NULL);

  /* Lowercase letters are other tools' keywords, with no meaning for us: keep them. */
  keywords = g_strdup (current->flags);
  for (char *p = keywords; *p != '\0'; p++)
    if (!g_ascii_islower (*p))
      *p = ' ';
  wanted = g_strconcat (change->flags ? change->flags : "", keywords, NULL);
  flags = accord_maildir_flags_normalize (wanted);

  key = g_strndup (location->filename, _accord_maildir_key_length (location->filename));
  attributes = _accord_maildir_attributes (location->filename);
  new_name = _accord_maildir_file_name (key, attributes, flags, TRUE);

  if (!location->is_new && g_str_equal (new_name, location->filename))
    {
      change->filename = g_steal_pointer (&new_name);
      return TRUE;
    }

  if (renameat (from_fd, location->filename, fds->cur_fd, new_name) != 0)
    {
      if (errno == ENOENT)
        return _not_found (error, change->name, state->folder);
      return _accord_maildir_errno_error (error, errno, N_("Could not rename “%s”"),
                                          location->filename);
    }

  state->used_cur = TRUE;
  state->used_new |= location->is_new;
  change->filename = g_steal_pointer (&new_name);
  return TRUE;
}

/**
 * accord_maildir_set_flags:
 * @changes: (element-type AccordMaildirChange): the messages and their new flags
 *
 * Gives each message the flags of its change (moving it from new/ to cur/), keeping
 * other tools' lowercase keyword letters. A message that is gone gets its change's
 * error set and does not fail the call; %FALSE means a disk error, after which the
 * folder must be scanned again.
 */
gboolean
accord_maildir_set_flags (AccordMaildir  *self,
                          const char     *folder,
                          GPtrArray      *changes,
                          GCancellable   *cancellable,
                          GError        **error)
{
  g_autofree char *path = NULL;
  g_auto(FolderFds) fds = FOLDER_FDS_INIT;
  ApplyState state = { folder, FALSE, FALSE, NULL };
  gboolean ok;

  g_return_val_if_fail (ACCORD_IS_MAILDIR (self), FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);

  if ((path = _accord_maildir_existing_folder_path (self, folder, error)) == NULL ||
      !_accord_maildir_folder_fds_open (&fds, path, FALSE, error))
    return FALSE;

  ok = _apply_changes (&fds, folder, changes, _apply_set_flags, &state, cancellable, error);
  return _finish_changes (&fds, &state, ok, error);
}

static gboolean
_apply_remove (FolderFds            *fds,
               Location             *location,
               AccordMaildirChange  *change,
               gpointer              data,
               GError              **error)
{
  ApplyState *state = data;

  if (unlinkat (location->is_new ? fds->new_fd : fds->cur_fd, location->filename, 0) != 0)
    {
      if (errno == ENOENT)
        return _not_found (error, change->name, state->folder);
      return _accord_maildir_errno_error (error, errno, N_("Could not remove “%s”"),
                                          location->filename);
    }

  state->used_cur |= !location->is_new;
  state->used_new |= location->is_new;
  return TRUE;
}

/**
 * accord_maildir_remove_messages:
 * @changes: (element-type AccordMaildirChange): the messages
 *
 * Removes the messages. One that is gone already gets its change's error set
 * (%ACCORD_MAILDIR_ERROR_NOT_FOUND) and does not fail the call.
 */
gboolean
accord_maildir_remove_messages (AccordMaildir  *self,
                                const char     *folder,
                                GPtrArray      *changes,
                                GCancellable   *cancellable,
                                GError        **error)
{
  g_autofree char *path = NULL;
  g_auto(FolderFds) fds = FOLDER_FDS_INIT;
  ApplyState state = { folder, FALSE, FALSE, NULL };
  gboolean ok;

  g_return_val_if_fail (ACCORD_IS_MAILDIR (self), FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);

  if ((path = _accord_maildir_existing_folder_path (self, folder, error)) == NULL ||
      !_accord_maildir_folder_fds_open (&fds, path, FALSE, error))
    return FALSE;

  ok = _apply_changes (&fds, folder, changes, _apply_remove, &state, cancellable, error);
  return _finish_changes (&fds, &state, ok, error);
}

typedef struct
{
  ApplyState  base;
  gboolean    to_cur;
  gboolean    to_new;
} MoveState;

static gboolean
_apply_move (FolderFds            *fds,
             Location             *location,
             AccordMaildirChange  *change,
             gpointer              data,
             GError              **error)
{
  MoveState *state = data;
  int from_fd = location->is_new ? fds->new_fd : fds->cur_fd;
  int to_fd = location->is_new ? state->base.to->new_fd : state->base.to->cur_fd;

  if (_exists_at (to_fd, location->filename))
    {
      change->error = g_error_new (ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_EXISTS,
                                   _("A message “%s” exists already in “%s”"),
                                   location->filename, state->base.to->path);
      return TRUE;
    }

  /* rename() is atomic: after a crash the message is in one folder, never both. */
  if (renameat (from_fd, location->filename, to_fd, location->filename) != 0)
    {
      if (errno == ENOENT)
        return _not_found (error, change->name, state->base.folder);
      return _accord_maildir_errno_error (error, errno, N_("Could not move “%s”"),
                                          location->filename);
    }

  state->base.used_cur |= !location->is_new;
  state->base.used_new |= location->is_new;
  state->to_cur |= !location->is_new;
  state->to_new |= location->is_new;
  change->filename = g_strdup (location->filename);
  return TRUE;
}

/**
 * accord_maildir_move_messages:
 * @changes: (element-type AccordMaildirChange): the messages
 * @to_folder: an existing folder
 *
 * Moves the messages to @to_folder under the same names. One that is gone gets its
 * change's error set (%ACCORD_MAILDIR_ERROR_NOT_FOUND) and does not fail the call.
 */
gboolean
accord_maildir_move_messages (AccordMaildir  *self,
                              const char     *folder,
                              GPtrArray      *changes,
                              const char     *to_folder,
                              GCancellable   *cancellable,
                              GError        **error)
{
  g_autofree char *path = NULL;
  g_autofree char *to_path = NULL;
  g_auto(FolderFds) fds = FOLDER_FDS_INIT;
  g_auto(FolderFds) to_fds = FOLDER_FDS_INIT;
  MoveState state = { { folder, FALSE, FALSE, &to_fds }, FALSE, FALSE };
  gboolean ok;

  g_return_val_if_fail (ACCORD_IS_MAILDIR (self), FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);

  if ((path = _accord_maildir_existing_folder_path (self, folder, error)) == NULL ||
      (to_path = _accord_maildir_existing_folder_path (self, to_folder, error)) == NULL ||
      !_accord_maildir_folder_fds_open (&fds, path, FALSE, error) ||
      !_accord_maildir_folder_fds_open (&to_fds, to_path, FALSE, error))
    return FALSE;

  if (g_str_equal (path, to_path))
    return _accord_maildir_invalid_name (error, to_folder);

  ok = _apply_changes (&fds, folder, changes, _apply_move, &state, cancellable, error);

  /* The new place first: then the message is never durable in neither folder. */
  if (state.to_cur && !_accord_maildir_fsync_dir_fd (to_fds.cur_fd, to_fds.cur_path,
                                                     ok ? error : NULL))
    ok = FALSE;
  if (state.to_new && !_accord_maildir_fsync_dir_fd (to_fds.new_fd, to_fds.new_path,
                                                     ok ? error : NULL))
    ok = FALSE;
  return _finish_changes (&fds, &state.base, ok, error);
}

/**
 * accord_maildir_read_message:
 * @name: the message's file name as last seen, or its key
 *
 * Returns: (transfer full): the message's bytes
 */
GBytes *
accord_maildir_read_message (AccordMaildir  *self,
                             const char     *folder,
                             const char     *name,
                             GCancellable   *cancellable,
                             GError        **error)
{
  g_autofree char *path = NULL;
  g_auto(FolderFds) fds = FOLDER_FDS_INIT;
  g_autoptr(GHashTable) index = NULL;

  g_return_val_if_fail (ACCORD_IS_MAILDIR (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if ((path = _accord_maildir_existing_folder_path (self, folder, error)) == NULL ||
      !_accord_maildir_folder_fds_open (&fds, path, FALSE, error))
    return NULL;

  for (guint attempt = 0; attempt < 2; attempt++)
    {
      Location location = { FALSE, NULL };
      g_autofree char *file = NULL;
      g_autoptr(GError) local_error = NULL;
      char *contents;
      gsize length;

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !_locate (&fds, folder, name, &index, &location, error))
        return NULL;

      file = g_build_filename (location.is_new ? fds.new_path : fds.cur_path,
                               location.filename, NULL);
      _location_clear (&location);

      if (g_file_get_contents (file, &contents, &length, &local_error))
        return g_bytes_new_take (contents, length);

      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_set_error_literal (error, G_IO_ERROR,
                               g_io_error_from_file_error (local_error->code),
                               local_error->message);
          return NULL;
        }

      g_clear_pointer (&index, g_hash_table_unref);
    }

  _not_found (error, name, folder);
  return NULL;
}
