/* accord-imap-client-folders.c - listing, selecting, creating, renaming and deleting
 * IMAP folders
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "accord-imap-client-private.h"

/* --- folders ------------------------------------------------------------------------ */

static void
_list_untagged_cb (AccordImapResponse *response,
                   gpointer            user_data)
{
  Op *op = _accord_imap_client_op (user_data);

  if (g_strcmp0 (response->name, "LIST") == 0)
    {
      GError *error = NULL;
      AccordImapFolder *folder = accord_imap_folder_new_from_list (response, &error);

      if (folder == NULL)
        _accord_imap_client_op_take_error (op, error);
      else
        g_ptr_array_add (op->folders, folder);
    }
  else if (g_strcmp0 (response->name, "STATUS") == 0)
    {
      /* LIST-STATUS sends each folder's status right after it. */
      for (guint i = op->folders->len; i > 0; i--)
        if (accord_imap_folder_take_status (g_ptr_array_index (op->folders, i - 1), response))
          break;
    }
}

static void
_list_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(AccordImapResponse) response =
      _accord_imap_client_command_done (object, result, task, NULL);

  if (_accord_imap_client_op_finished (task))
    g_task_return_pointer (task, g_steal_pointer (&_accord_imap_client_op (task)->folders),
                           (GDestroyNotify) g_ptr_array_unref);
}

static const char *
_status_items (AccordImapClient *self)
{
  if (accord_imap_client_has_capability (self, "CONDSTORE"))
    return "(MESSAGES UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ)";

  return "(MESSAGES UIDNEXT UIDVALIDITY UNSEEN)";
}

/**
 * accord_imap_client_list_async:
 *
 * Lists every folder, with its special use (RFC 6154) and, where the server offers
 * LIST-STATUS (RFC 5819), its status.
 */
void
accord_imap_client_list_async (AccordImapClient    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AccordImapRequest *request;
  gboolean extended;

  g_return_if_fail (ACCORD_IS_IMAP_CLIENT (self));

  task = _accord_imap_client_task_new (self, cancellable, callback, user_data,
                                       accord_imap_client_list_async);
  _accord_imap_client_op (task)->folders =
      g_ptr_array_new_with_free_func ((GDestroyNotify) accord_imap_folder_free);

  request = _accord_imap_client_request (self, "LIST \"\" \"*\"");
  extended = accord_imap_client_has_capability (self, "LIST-EXTENDED");
  if (extended && accord_imap_client_has_capability (self, "SPECIAL-USE"))
    {
      accord_imap_request_add (request, " RETURN (SPECIAL-USE");
      if (accord_imap_client_has_capability (self, "LIST-STATUS"))
        accord_imap_request_add_printf (request, " STATUS %s", _status_items (self));
      accord_imap_request_add (request, ")");
    }
  else if (accord_imap_client_has_capability (self, "LIST-STATUS"))
    {
      accord_imap_request_add_printf (request, " RETURN (STATUS %s)", _status_items (self));
    }

  _accord_imap_client_send (self, task, request, _list_untagged_cb, _list_cb);
}

/**
 * accord_imap_client_list_finish:
 *
 * Returns: (transfer full) (element-type AccordImapFolder): the folders
 */
GPtrArray *
accord_imap_client_list_finish (AccordImapClient  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
_status_untagged_cb (AccordImapResponse *response,
                     gpointer            user_data)
{
  Op *op = _accord_imap_client_op (user_data);

  accord_imap_folder_take_status (g_ptr_array_index (op->folders, 0), response);
}

static void
_status_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = _accord_imap_client_op (task);
  g_autofree char *context = g_strdup_printf (_("The status of the folder “%s” could not be "
                                                "read."),
                                              op->folder);
  g_autoptr(AccordImapResponse) response =
      _accord_imap_client_command_done (object, result, task, context);
  AccordImapFolder *folder;

  if (!_accord_imap_client_op_finished (task))
    return;

  folder = g_ptr_array_index (op->folders, 0);
  if (!folder->has_status)
    {
      g_task_return_new_error (task, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_PROTOCOL,
                               _("The server did not send the status of the folder “%s”."),
                               op->folder);
      return;
    }

  g_task_return_pointer (task, g_ptr_array_steal_index (op->folders, 0),
                         (GDestroyNotify) accord_imap_folder_free);
}

/**
 * accord_imap_client_status_async:
 *
 * Reads a folder's MESSAGES, UIDNEXT, UIDVALIDITY, UNSEEN and, with CONDSTORE,
 * HIGHESTMODSEQ, without selecting it.
 */
void
accord_imap_client_status_async (AccordImapClient    *self,
                                 const char          *folder,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AccordImapFolder *record;
  AccordImapRequest *request;
  Op *op;

  g_return_if_fail (ACCORD_IS_IMAP_CLIENT (self));
  g_return_if_fail (folder != NULL);

  task = _accord_imap_client_task_new (self, cancellable, callback, user_data,
                                       accord_imap_client_status_async);
  op = _accord_imap_client_op (task);
  op->folder = g_strdup (folder);

  record = g_new0 (AccordImapFolder, 1);
  record->name = g_strdup (folder);
  /* As the request names it, for the answer to be matched to it. */
  record->raw_name = accord_imap_mailbox_encode (folder);
  op->folders = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_imap_folder_free);
  g_ptr_array_add (op->folders, record);

  request = _accord_imap_client_request (self, "STATUS ");
  accord_imap_request_add_mailbox (request, folder);
  accord_imap_request_add (request, " ");
  accord_imap_request_add (request, _status_items (self));

  _accord_imap_client_send (self, task, request, _status_untagged_cb, _status_cb);
}

/**
 * accord_imap_client_status_finish:
 *
 * Returns: (transfer full): the folder with its status fields filled in
 */
AccordImapFolder *
accord_imap_client_status_finish (AccordImapClient  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- select ------------------------------------------------------------------------- */

static void
_select_untagged_cb (AccordImapResponse *response,
                     gpointer            user_data)
{
  AccordImapClient *self = g_task_get_source_object (user_data);
  Op *op = _accord_imap_client_op (user_data);
  AccordImapMailbox *mailbox = op->mailbox;
  guint64 number;

  if (response->status == ACCORD_IMAP_STATUS_OK && response->code != NULL)
    {
      if (accord_imap_response_code_number (response, "UIDVALIDITY", 0, &number))
        {
          mailbox->uidvalidity = (guint32) MIN (number, G_MAXUINT32);
          self->selected_uidvalidity = mailbox->uidvalidity;
        }
      else if (accord_imap_response_code_number (response, "UIDNEXT", 0, &number))
        mailbox->uidnext = (guint32) MIN (number, G_MAXUINT32);
      else if (accord_imap_response_code_number (response, "HIGHESTMODSEQ", 0, &number))
        mailbox->highestmodseq = number;
      else if (g_str_equal (response->code, "NOMODSEQ"))
        mailbox->highestmodseq = 0;
      else if (g_str_equal (response->code, "PERMANENTFLAGS") &&
               response->code_args->len > 0)
        {
          g_strfreev (mailbox->permanent_flags);
          mailbox->permanent_flags =
              _accord_imap_client_value_strings (g_ptr_array_index (response->code_args, 0));
        }
    }
  else if (g_strcmp0 (response->name, "FLAGS") == 0 && response->args != NULL &&
           response->args->len > 0)
    {
      g_strfreev (mailbox->flags);
      mailbox->flags = _accord_imap_client_value_strings (g_ptr_array_index (response->args, 0));
    }
  else if (g_strcmp0 (response->name, "EXISTS") == 0 && response->has_number)
    {
      mailbox->exists = response->number;
    }
  else if (g_strcmp0 (response->name, "VANISHED") == 0)
    {
      _accord_imap_client_take_vanished (op, response);
    }
  else if (g_strcmp0 (response->name, "FETCH") == 0)
    {
      AccordImapMessage *message = _accord_imap_client_take_fetch (op, response);

      if (message != NULL)
        g_ptr_array_add (mailbox->changed, message);
    }
}

static void
_select_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordImapClient *self = g_task_get_source_object (task);
  Op *op = _accord_imap_client_op (task);
  g_autofree char *context = g_strdup_printf (_("The folder “%s” could not be opened."),
                                              op->folder);
  g_autoptr(AccordImapResponse) response =
      _accord_imap_client_command_done (object, result, task, context);

  /* RFC 3501 §6.3.1: a failed SELECT leaves no folder selected. */
  g_clear_pointer (&self->selected, g_free);
  self->selected_modseq = 0;
  if (response == NULL)
    self->selected_uidvalidity = 0;
  if (response != NULL)
    {
      self->selected = g_strdup (op->folder);
      self->selected_modseq = op->mailbox->highestmodseq;
    }
  if (!_accord_imap_client_op_finished (task))
    return;

  if (g_strcmp0 (response->code, "READ-ONLY") == 0)
    op->mailbox->read_only = TRUE;
  else if (g_strcmp0 (response->code, "READ-WRITE") == 0)
    op->mailbox->read_only = FALSE;

  g_array_unref (op->mailbox->vanished);
  op->mailbox->vanished = g_steal_pointer (&op->uids);

  g_task_return_pointer (task, g_steal_pointer (&op->mailbox),
                         (GDestroyNotify) accord_imap_mailbox_free);
}

/**
 * accord_imap_client_select_async:
 * @qresync: (nullable): what was known of the folder at the last sync; with QRESYNC
 *   enabled, the server then reports what vanished and what changed since
 * @read_only: EXAMINE instead of SELECT
 *
 * Opens a folder. Where the server offers CONDSTORE and QRESYNC is not enabled, the
 * folder is opened with CONDSTORE, so that it reports HIGHESTMODSEQ.
 */
void
accord_imap_client_select_async (AccordImapClient        *self,
                                 const char              *folder,
                                 const AccordImapQresync *qresync,
                                 gboolean                 read_only,
                                 GCancellable            *cancellable,
                                 GAsyncReadyCallback      callback,
                                 gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  AccordImapRequest *request;
  Op *op;

  g_return_if_fail (ACCORD_IS_IMAP_CLIENT (self));
  g_return_if_fail (folder != NULL);
  g_return_if_fail (qresync == NULL || qresync->known_uids == NULL ||
                    _accord_imap_client_is_uid_set (qresync->known_uids));

  task = _accord_imap_client_task_new (self, cancellable, callback, user_data,
                                       accord_imap_client_select_async);
  op = _accord_imap_client_op (task);
  op->folder = g_strdup (folder);
  op->mailbox = accord_imap_mailbox_new ();
  op->mailbox->read_only = read_only;
  op->uids = g_array_new (FALSE, FALSE, sizeof (guint32));

  request = _accord_imap_client_request (self, read_only ? "EXAMINE " : "SELECT ");
  accord_imap_request_add_mailbox (request, folder);

  if (accord_imap_client_is_enabled (self, "QRESYNC"))
    {
      if (qresync != NULL && qresync->uidvalidity != 0 && qresync->modseq != 0)
        {
          accord_imap_request_add_printf (request, " (QRESYNC (%u %" G_GUINT64_FORMAT,
                                          qresync->uidvalidity, qresync->modseq);
          if (qresync->known_uids != NULL)
            {
              accord_imap_request_add_printf (request, " %s", qresync->known_uids);
              op->clip = accord_imap_uid_set_parse_ranges (qresync->known_uids, NULL);
            }
          accord_imap_request_add (request, "))");
        }
    }
  else if (accord_imap_client_has_capability (self, "CONDSTORE"))
    {
      accord_imap_request_add (request, " (CONDSTORE)");
      _accord_imap_client_add_enabled (self, "CONDSTORE");
    }

  _accord_imap_client_send (self, task, request, _select_untagged_cb, _select_cb);
}

/**
 * accord_imap_client_select_finish:
 *
 * Returns: (transfer full): what the server said about the folder
 */
AccordImapMailbox *
accord_imap_client_select_finish (AccordImapClient  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- create, rename, delete ------------------------------------------------------- */

static void
_folder_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordImapClient *self = g_task_get_source_object (task);
  Op *op = _accord_imap_client_op (task);
  g_autofree char *context = NULL;
  g_autoptr(AccordImapResponse) response = NULL;
  gpointer tag = g_task_get_source_tag (task);

  if (tag == accord_imap_client_create_async)
    context = g_strdup_printf (_("The folder “%s” could not be created."), op->folder);
  else if (tag == accord_imap_client_rename_async)
    context = g_strdup_printf (_("The folder “%s” could not be renamed to “%s”."),
                               op->folder, op->to);
  else
    context = g_strdup_printf (_("The folder “%s” could not be deleted."), op->folder);

  response = _accord_imap_client_command_done (object, result, task, context);
  if (!_accord_imap_client_op_finished (task))
    return;

  if (g_strcmp0 (self->selected, op->folder) == 0)
    {
      g_free (self->selected);
      self->selected = g_strdup (op->to);
    }

  g_task_return_boolean (task, TRUE);
}

static void
_folder_command (AccordImapClient    *self,
                 const char          *command,
                 const char          *folder,
                 const char          *to,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data,
                 gpointer             source_tag)
{
  g_autoptr(GTask) task =
      _accord_imap_client_task_new (self, cancellable, callback, user_data, source_tag);
  AccordImapRequest *request = _accord_imap_client_request (self, command);
  Op *op = _accord_imap_client_op (task);

  op->folder = g_strdup (folder);
  op->to = g_strdup (to);

  accord_imap_request_add_mailbox (request, folder);
  if (to != NULL)
    {
      accord_imap_request_add (request, " ");
      accord_imap_request_add_mailbox (request, to);
    }

  _accord_imap_client_send (self, task, request, NULL, _folder_cb);
}

void
accord_imap_client_create_async (AccordImapClient    *self,
                                 const char          *folder,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (ACCORD_IS_IMAP_CLIENT (self));
  g_return_if_fail (folder != NULL && *folder != '\0');

  _folder_command (self, "CREATE ", folder, NULL, cancellable, callback, user_data,
                   accord_imap_client_create_async);
}

gboolean
accord_imap_client_create_finish (AccordImapClient  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
accord_imap_client_rename_async (AccordImapClient    *self,
                                 const char          *folder,
                                 const char          *to,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (ACCORD_IS_IMAP_CLIENT (self));
  g_return_if_fail (folder != NULL && *folder != '\0');
  g_return_if_fail (to != NULL && *to != '\0');

  _folder_command (self, "RENAME ", folder, to, cancellable, callback, user_data,
                   accord_imap_client_rename_async);
}

gboolean
accord_imap_client_rename_finish (AccordImapClient  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
accord_imap_client_delete_async (AccordImapClient    *self,
                                 const char          *folder,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (ACCORD_IS_IMAP_CLIENT (self));
  g_return_if_fail (folder != NULL && *folder != '\0');

  _folder_command (self, "DELETE ", folder, NULL, cancellable, callback, user_data,
                   accord_imap_client_delete_async);
}

gboolean
accord_imap_client_delete_finish (AccordImapClient  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
