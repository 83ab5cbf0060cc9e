/* accord-maildir-async.c - the _async Maildir calls: one worker thread
 * per object runs the blocking ones in order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "accord-maildir-private.h"

/* The worker thread */

typedef enum
{
  OP_ENSURE_FOLDER,
  OP_LIST_FOLDERS,
  OP_RENAME_FOLDER,
  OP_REMOVE_FOLDER,
  OP_DELIVER,
  OP_SCAN,
  OP_SET_FLAGS,
  OP_REMOVE_MESSAGES,
  OP_MOVE_MESSAGES,
  OP_READ_MESSAGE,
} OpKind;

typedef struct
{
  OpKind                  kind;
  char                   *folder;
  char                   *other;   /* the new name, the target folder, the message */
  GPtrArray              *items;
  AccordMaildirScanFlags  scan_flags;

  gpointer                result;
  GDestroyNotify          result_free;
  GError                 *error;
} Op;

static void
_op_free (Op *op)
{
  g_free (op->folder);
  g_free (op->other);
  g_clear_pointer (&op->items, g_ptr_array_unref);
  if (op->result != NULL && op->result_free != NULL)
    op->result_free (op->result);
  g_clear_error (&op->error);
  g_free (op);
}

/* Hands the result back on the task's main context, which also drops the worker's
 * reference there: the object is then never finalized on its own worker thread. */
static gboolean
_complete_io (gpointer data)
{
  g_autoptr(GTask) task = data;
  Op *op = g_task_get_task_data (task);

  if (op->error != NULL)
    g_task_return_error (task, g_steal_pointer (&op->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&op->result), op->result_free);

  return G_SOURCE_REMOVE;
}

void
_accord_maildir_io_worker (gpointer data,
                           gpointer user_data)
{
  GTask *task = data;
  AccordMaildir *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  Op *op = g_task_get_task_data (task);
  gboolean ok = FALSE;

  switch (op->kind)
    {
    case OP_ENSURE_FOLDER:
      ok = accord_maildir_ensure_folder (self, op->folder, cancellable, &op->error);
      break;

    case OP_LIST_FOLDERS:
      op->result = accord_maildir_list_folders (self, cancellable, &op->error);
      op->result_free = (GDestroyNotify) g_strfreev;
      break;

    case OP_RENAME_FOLDER:
      ok = accord_maildir_rename_folder (self, op->folder, op->other, cancellable, &op->error);
      break;

    case OP_REMOVE_FOLDER:
      ok = accord_maildir_remove_folder (self, op->folder, cancellable, &op->error);
      break;

    case OP_DELIVER:
      ok = accord_maildir_deliver (self, op->folder, op->items, cancellable, &op->error);
      break;

    case OP_SCAN:
      op->result = accord_maildir_scan (self, op->folder, op->scan_flags, cancellable,
                                        &op->error);
      op->result_free = (GDestroyNotify) g_ptr_array_unref;
      break;

    case OP_SET_FLAGS:
      ok = accord_maildir_set_flags (self, op->folder, op->items, cancellable, &op->error);
      break;

    case OP_REMOVE_MESSAGES:
      ok = accord_maildir_remove_messages (self, op->folder, op->items, cancellable,
                                           &op->error);
      break;

    case OP_MOVE_MESSAGES:
      ok = accord_maildir_move_messages (self, op->folder, op->items, op->other,
                                         cancellable, &op->error);
      break;

    case OP_READ_MESSAGE:
      op->result = accord_maildir_read_message (self, op->folder, op->other, cancellable,
                                                &op->error);
      op->result_free = (GDestroyNotify) g_bytes_unref;
      break;

    default:
      g_assert_not_reached ();
    }

  /* Operations without a result answer with a non-NULL pointer on success. */
  if (ok)
    op->result = GINT_TO_POINTER (TRUE);

  g_main_context_invoke (g_task_get_context (task), _complete_io, task);
}

static Op *
_op_new (OpKind      kind,
         const char *folder,
         const char *other,
         GPtrArray  *items)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->folder = g_strdup (folder);
  op->other = g_strdup (other);
  op->items = items != NULL ? g_ptr_array_ref (items) : NULL;
  return op;
}

static void
_queue (AccordMaildir       *self,
        Op                  *op,
        gpointer             source_tag,
        GCancellable        *cancellable,
        GAsyncReadyCallback  callback,
        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) _op_free);

  if (!g_thread_pool_push (self->io_pool, g_object_ref (task), &op->error))
    _complete_io (task);
}

static gpointer
_finish (AccordMaildir  *self,
         GAsyncResult   *result,
         gpointer        source_tag,
         GError        **error)
{
  g_return_val_if_fail (ACCORD_IS_MAILDIR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
accord_maildir_ensure_folder_async (AccordMaildir       *self,
                                    const char          *folder,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (ACCORD_IS_MAILDIR (self));

  _queue (self, _op_new (OP_ENSURE_FOLDER, folder, NULL, NULL),
          accord_maildir_ensure_folder_async, cancellable, callback, user_data);
}

gboolean
accord_maildir_ensure_folder_finish (AccordMaildir  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  return _finish (self, result, accord_maildir_ensure_folder_async, error) != NULL;
}

void
accord_maildir_list_folders_async (AccordMaildir       *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (ACCORD_IS_MAILDIR (self));

  _queue (self, _op_new (OP_LIST_FOLDERS, NULL, NULL, NULL),
          accord_maildir_list_folders_async, cancellable, callback, user_data);
}

/**
 * accord_maildir_list_folders_finish:
 *
 * Returns: (transfer full): the folder names, sorted
 */
GStrv
accord_maildir_list_folders_finish (AccordMaildir  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  return _finish (self, result, accord_maildir_list_folders_async, error);
}

void
accord_maildir_rename_folder_async (AccordMaildir       *self,
                                    const char          *folder,
                                    const char          *new_folder,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (ACCORD_IS_MAILDIR (self));

  _queue (self, _op_new (OP_RENAME_FOLDER, folder, new_folder, NULL),
          accord_maildir_rename_folder_async, cancellable, callback, user_data);
}

gboolean
accord_maildir_rename_folder_finish (AccordMaildir  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  return _finish (self, result, accord_maildir_rename_folder_async, error) != NULL;
}

void
accord_maildir_remove_folder_async (AccordMaildir       *self,
                                    const char          *folder,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (ACCORD_IS_MAILDIR (self));

  _queue (self, _op_new (OP_REMOVE_FOLDER, folder, NULL, NULL),
          accord_maildir_remove_folder_async, cancellable, callback, user_data);
}

gboolean
accord_maildir_remove_folder_finish (AccordMaildir  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  return _finish (self, result, accord_maildir_remove_folder_async, error) != NULL;
}

void
accord_maildir_deliver_async (AccordMaildir       *self,
                              const char          *folder,
                              GPtrArray           *deliveries,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (ACCORD_IS_MAILDIR (self));
  g_return_if_fail (deliveries != NULL);

  _queue (self, _op_new (OP_DELIVER, folder, NULL, deliveries),
          accord_maildir_deliver_async, cancellable, callback, user_data);
}

gboolean
accord_maildir_deliver_finish (AccordMaildir  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  return _finish (self, result, accord_maildir_deliver_async, error) != NULL;
}

void
accord_maildir_scan_async (AccordMaildir           *self,
                           const char              *folder,
                           AccordMaildirScanFlags   flags,
                           GCancellable            *cancellable,
                           GAsyncReadyCallback      callback,
                           gpointer                 user_data)
{
  Op *op;

  g_return_if_fail (ACCORD_IS_MAILDIR (self));

  op = _op_new (OP_SCAN, folder, NULL, NULL);
  op->scan_flags = flags;
  _queue (self, op, accord_maildir_scan_async, cancellable, callback, user_data);
}

/**
 * accord_maildir_scan_finish:
 *
 * Returns: (transfer full) (element-type AccordMaildirMessage): the messages
 */
GPtrArray *
accord_maildir_scan_finish (AccordMaildir  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  return _finish (self, result, accord_maildir_scan_async, error);
}

void
accord_maildir_set_flags_async (AccordMaildir       *self,
                                const char          *folder,
                                GPtrArray           *changes,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (ACCORD_IS_MAILDIR (self));
  g_return_if_fail (changes != NULL);

  _queue (self, _op_new (OP_SET_FLAGS, folder, NULL, changes),
          accord_maildir_set_flags_async, cancellable, callback, user_data);
}

gboolean
accord_maildir_set_flags_finish (AccordMaildir  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  return _finish (self, result, accord_maildir_set_flags_async, error) != NULL;
}

void
accord_maildir_remove_messages_async (AccordMaildir       *self,
                                      const char          *folder,
                                      GPtrArray           *changes,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (ACCORD_IS_MAILDIR (self));
  g_return_if_fail (changes != NULL);

  _queue (self, _op_new (OP_REMOVE_MESSAGES, folder, NULL, changes),
          accord_maildir_remove_messages_async, cancellable, callback, user_data);
}

gboolean
accord_maildir_remove_messages_finish (AccordMaildir  *self,
                                       GAsyncResult   *result,
                                       GError        **error)
{
  return _finish (self, result, accord_maildir_remove_messages_async, error) != NULL;
}

void
accord_maildir_move_messages_async (AccordMaildir       *self,
                                    const char          *folder,
                                    GPtrArray           *changes,
                                    const char          *to_folder,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (ACCORD_IS_MAILDIR (self));
  g_return_if_fail (changes != NULL);

  _queue (self, _op_new (OP_MOVE_MESSAGES, folder, to_folder, changes),
          accord_maildir_move_messages_async, cancellable, callback, user_data);
}

gboolean
accord_maildir_move_messages_finish (AccordMaildir  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  return _finish (self, result, accord_maildir_move_messages_async, error) != NULL;
}

void
accord_maildir_read_message_async (AccordMaildir       *self,
                                   const char          *folder,
                                   const char          *name,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (ACCORD_IS_MAILDIR (self));
  g_return_if_fail (name != NULL);

  _queue (self, _op_new (OP_READ_MESSAGE, folder, name, NULL),
          accord_maildir_read_message_async, cancellable, callback, user_data);
}

/**
 * accord_maildir_read_message_finish:
 *
 * Returns: (transfer full): the message's bytes
 */
GBytes *
accord_maildir_read_message_finish (AccordMaildir  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  return _finish (self, result, accord_maildir_read_message_async, error);
}
