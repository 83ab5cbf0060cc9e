/* accord-file-utils.c
 *
 * Blocking file helpers for worker threads. Never call them on the main loop for
 * anything but small files.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "accord-file-utils.h"

/* @what says which step failed and takes the display name of @path; errno's text
 * follows it, so the person learns both what Accord tried and why it failed. */
static gboolean
_set_errno_error (GError     **error,
                  int          saved_errno,
                  const char  *what,
                  const char  *path)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *message = NULL;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  message = g_strdup_printf (what, display);
#pragma GCC diagnostic pop

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "%s: %s", message, g_strerror (saved_errno));
  return FALSE;
}

/**
 * accord_file_fsync_dir:
 * @dir: a folder
 *
 * Flushes @dir itself to disk, so that files created, renamed or removed in it stay so
 * after a crash.
 */
gboolean
accord_file_fsync_dir (const char  *dir,
                       GError     **error)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0)
    {
      int saved_errno = errno;

      return _set_errno_error (error, saved_errno, _("Could not open folder “%s”"), dir);
    }

  if (fsync (fd) != 0)
    {
      int saved_errno = errno;

      close (fd);
      return _set_errno_error (error, saved_errno, _("Could not flush folder “%s”"), dir);
    }

  close (fd);
  return TRUE;
}

static gboolean
_fsync_directory_of (const char  *path,
                     GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  return accord_file_fsync_dir (dir, error);
}

/**
 * accord_file_write_all:
 *
 * Writes all of @contents to @fd, again where a write is cut short or interrupted.
 *
 * Returns: %FALSE with errno set when a write failed
 */
gboolean
accord_file_write_all (int          fd,
                       const char  *contents,
                       gsize        length)
{
  while (length > 0)
    {
      gssize written = write (fd, contents, length);

      if (written < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }

      contents += written;
      length -= written;
    }

  return TRUE;
}

/**
 * accord_file_write_atomic:
 *
 * Replaces @path with @contents so that after a crash at any moment the file holds
 * either the old or the new contents, never a mix: write a temporary file in the same
 * folder, fsync it, rename it over @path, fsync the folder.
 */
gboolean
accord_file_write_atomic (const char  *path,
                          const char  *contents,
                          gsize        length,
                          int          mode,
                          GError     **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmp_path = NULL;
  int saved_errno;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (contents != NULL || length == 0, FALSE);

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  /* A leading dot keeps half-written files out of directory listings that look for
   * complete ones. */
  tmp_path = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);

  fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, mode);
  if (fd < 0)
    {
      saved_errno = errno;
      return _set_errno_error (error, saved_errno, _("Could not create a file in “%s”"), dir);
    }

  if (!accord_file_write_all (fd, contents, length) || fsync (fd) != 0)
    {
      saved_errno = errno;
      close (fd);
      g_unlink (tmp_path);
      return _set_errno_error (error, saved_errno, _("Could not write “%s”"), path);
    }

  if (close (fd) != 0)
    {
      saved_errno = errno;
      g_unlink (tmp_path);
      return _set_errno_error (error, saved_errno, _("Could not write “%s”"), path);
    }

  if (g_rename (tmp_path, path) != 0)
    {
      saved_errno = errno;
      g_unlink (tmp_path);
      return _set_errno_error (error, saved_errno, _("Could not save “%s”"), path);
    }

  return _fsync_directory_of (path, error);
}

/**
 * accord_file_unlink_durable:
 *
 * Removes @path and flushes its folder, so the removal survives a crash. A file that is
 * already gone is not an error.
 */
gboolean
accord_file_unlink_durable (const char  *path,
                            GError     **error)
{
  g_return_val_if_fail (path != NULL, FALSE);

  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      return _set_errno_error (error, saved_errno, _("Could not remove “%s”"), path);
    }

  return _fsync_directory_of (path, error);
}

/**
 * accord_file_read_limited:
 *
 * Reads a whole file, refusing one larger than @max_length: a file that should be small
 * but is not is damaged or hostile, and reading it whole would only waste memory.
 */
gboolean
accord_file_read_limited (const char  *path,
                          gsize        max_length,
                          char       **contents,
                          gsize       *length,
                          GError     **error)
{
  GStatBuf st;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;

      return _set_errno_error (error, saved_errno, _("Could not read “%s”"), path);
    }

  if (!S_ISREG (st.st_mode))
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   _("“%s” is not a regular file"), display);
      return FALSE;
    }

  if ((guint64) st.st_size > max_length)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   _("“%s” is too large (%" G_GUINT64_FORMAT " bytes)"),
                   display, (guint64) st.st_size);
      return FALSE;
    }

  return g_file_get_contents (path, contents, length, error);
}
