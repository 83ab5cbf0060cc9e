/* accord-sync-worker.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "accord-sync-worker.h"

/* Keeps the result of an async call in the GAsyncResult* that @user_data points to. */
void
_accord_sync_store_result_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Runs the thread-default main context until *@slot is set. */
GAsyncResult *
_accord_sync_await (GAsyncResult **slot)
{
  GMainContext *context = g_main_context_get_thread_default ();

  while (*slot == NULL)
    g_main_context_iteration (context, TRUE);

  return *slot;
}

/* One run of an engine per account at a time: an exclusive lock on the file
 * @state_path + @suffix, waited for; it goes with the process, also when it is killed.
 * Returns the file descriptor holding it, or -1 with @error set. */
int
_accord_sync_lock (const char    *state_path,
                   const char    *suffix,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autofree char *path = g_strconcat (state_path, suffix, NULL);
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not open “%s”: %s"), path, g_strerror (saved_errno));
      return -1;
    }

  while (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved_errno = errno;

      if (saved_errno != EWOULDBLOCK && saved_errno != EINTR)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not lock “%s”: %s"), path, g_strerror (saved_errno));
          close (fd);
          return -1;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          close (fd);
          return -1;
        }
      g_usleep (50 * 1000);
    }

  return fd;
}
