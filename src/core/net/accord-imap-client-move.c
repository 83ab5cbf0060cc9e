/* accord-imap-client-move.c - moving messages between folders, with or without MOVE
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "accord-imap-client-private.h"

/* --- move --------------------------------------------------------------------------- */

/* Collects "[COPYUID uidvalidity source-set dest-set]" (RFC 4315). */
static void
_take_copyuid (Op                       *op,
               const AccordImapResponse *response)
{
  g_autoptr(GArray) source = NULL;
  g_autoptr(GArray) dest = NULL;
  const char *source_set = NULL;
  const char *dest_set = NULL;
  guint64 uidvalidity;
  GError *error = NULL;

  if (g_strcmp0 (response->code, "COPYUID") != 0)
    return;

  if (response->code_args->len >= 3)
    {
      source_set = accord_imap_value_get_string (g_ptr_array_index (response->code_args, 1));
      dest_set = accord_imap_value_get_string (g_ptr_array_index (response->code_args, 2));
    }
  if (source_set == NULL || dest_set == NULL ||
      !accord_imap_response_code_number (response, "COPYUID", 0, &uidvalidity) ||
      uidvalidity > G_MAXUINT32)
    goto malformed;

  source = _accord_imap_client_expand_in_order (source_set, &error);
  if (source == NULL)
    {
      _accord_imap_client_op_take_error (op, error);
      return;
    }
  dest = _accord_imap_client_expand_in_order (dest_set, &error);
  if (dest == NULL)
    {
      _accord_imap_client_op_take_error (op, error);
      return;
    }
  if (source->len != dest->len)
    goto malformed;

  op->uidvalidity = (guint32) uidvalidity;
  g_array_append_vals (op->source_uids, source->data, source->len);
  g_array_append_vals (op->dest_uids, dest->data, dest->len);
  return;

malformed:
  _accord_imap_client_op_take_error (op,
                                     g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_PROTOCOL,
                                                  _("The server reported the copied messages "
                                                    "in a form that does not follow the IMAP "
                                                    "protocol.")));
}

static void
_move_untagged_cb (AccordImapResponse *response,
                   gpointer            user_data)
{
  /* RFC 6851 §4.3: MOVE reports COPYUID in an untagged OK. */
  if (response->status == ACCORD_IMAP_STATUS_OK && !response->has_number)
    _take_copyuid (_accord_imap_client_op (user_data), response);
}

static void
_move_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = _accord_imap_client_op (task);
  g_autofree char *context = g_strdup_printf (_("The messages could not be moved to the "
                                                "folder “%s”."),
                                              op->to);
  g_autoptr(AccordImapResponse) response =
      _accord_imap_client_command_done (object, result, task, context);

  if (response != NULL)
    _take_copyuid (op, response);

  if (_accord_imap_client_op_finished (task))
    g_task_return_boolean (task, TRUE);
}

static void _move_step (AccordImapClient *self, GTask *task);

static void
_move_step_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordImapClient *self = g_task_get_source_object (task);
  Op *op = _accord_imap_client_op (task);
  g_autofree char *context = g_strdup_printf (_("The messages could not be moved to the "
                                                "folder “%s”."),
                                              op->to);
  g_autoptr(AccordImapResponse) response =
      _accord_imap_client_command_done (object, result, task, context);

  if (response == NULL)
    {
      _accord_imap_client_op_finished (task);
      return;
    }

  if (op->step == 0)
    _take_copyuid (op, response);

  /* COPY, STORE \Deleted, EXPUNGE for each part of the set, one after the other: nothing
   * is deleted before it has been copied. */
  op->step++;
  if (op->step == 3)
    {
      op->step = 0;
      op->part++;
    }
  _move_step (self, task);
}

static void
_move_step (AccordImapClient *self,
            GTask            *task)
{
  Op *op = _accord_imap_client_op (task);
  const char *part = op->parts[op->part];
  AccordImapRequest *request;

  if (part == NULL)
    {
      if (_accord_imap_client_op_finished (task))
        g_task_return_boolean (task, TRUE);
      return;
    }

  switch (op->step)
    {
    case 0:
      request = _accord_imap_client_request (self, "UID COPY ");
      accord_imap_request_add (request, part);
      accord_imap_request_add (request, " ");
      accord_imap_request_add_mailbox (request, op->to);
      break;
    case 1:
      request = _accord_imap_client_request (self, "UID STORE ");
      accord_imap_request_add (request, part);
      accord_imap_request_add (request, " +FLAGS.SILENT (\\Deleted)");
      break;
    default:
      if (accord_imap_client_has_capability (self, "UIDPLUS"))
        {
          request = _accord_imap_client_request (self, "UID EXPUNGE ");
          accord_imap_request_add (request, part);
        }
      else
        {
          request = _accord_imap_client_request (self, "EXPUNGE");
        }
      break;
    }

  _accord_imap_client_send (self, task, request, NULL, _move_step_cb);
}

/**
 * accord_imap_client_move_async:
 *
 * Moves the messages of @uid_set from the selected folder to @to: with MOVE (RFC 6851)
 * where the server offers it, else by copying, marking \Deleted and expunging them
 * (UID EXPUNGE with UIDPLUS; without it, EXPUNGE also removes other messages marked
 * \Deleted).
 */
void
accord_imap_client_move_async (AccordImapClient    *self,
                               const char          *uid_set,
                               const char          *to_folder,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Op *op;

  g_return_if_fail (ACCORD_IS_IMAP_CLIENT (self));
  g_return_if_fail (_accord_imap_client_is_uid_set (uid_set));
  g_return_if_fail (to_folder != NULL);

  task = _accord_imap_client_task_new (self, cancellable, callback, user_data,
                                       accord_imap_client_move_async);
  op = _accord_imap_client_op (task);
  op->to = g_strdup (to_folder);
  op->source_uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  op->dest_uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  op->parts = accord_imap_uid_set_split (uid_set, MAX_SET_LENGTH);

  if (!accord_imap_client_has_capability (self, "MOVE"))
    {
      _move_step (self, task);
      return;
    }

  for (guint i = 0; op->parts[i] != NULL; i++)
    {
      AccordImapRequest *request = _accord_imap_client_request (self, "UID MOVE ");

      accord_imap_request_add (request, op->parts[i]);
      accord_imap_request_add (request, " ");
      accord_imap_request_add_mailbox (request, to_folder);
      _accord_imap_client_send (self, task, request, _move_untagged_cb, _move_cb);
    }
}

gboolean
accord_imap_client_move_finish (AccordImapClient  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  return accord_imap_client_move_finish_full (self, result, NULL, NULL, NULL, error);
}

/**
 * accord_imap_client_move_finish_full:
 * @uidvalidity: (out) (optional): the UIDVALIDITY of the target folder, 0 if the server
 *   did not report the new UIDs (no UIDPLUS)
 * @source_uids: (out) (optional) (transfer full) (element-type guint32): the moved
 *   messages' UIDs in the selected folder
 * @dest_uids: (out) (optional) (transfer full) (element-type guint32): their new UIDs,
 *   in the same order
 */
gboolean
accord_imap_client_move_finish_full (AccordImapClient  *self,
                                     GAsyncResult      *result,
                                     guint32           *uidvalidity,
                                     GArray           **source_uids,
                                     GArray           **dest_uids,
                                     GError           **error)
{
  Op *op;

  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (uidvalidity != NULL)
    *uidvalidity = 0;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  op = _accord_imap_client_op (G_TASK (result));
  if (uidvalidity != NULL)
    *uidvalidity = op->uidvalidity;
  if (source_uids != NULL)
    *source_uids = g_steal_pointer (&op->source_uids);
  if (dest_uids != NULL)
    *dest_uids = g_steal_pointer (&op->dest_uids);

  return TRUE;
}
