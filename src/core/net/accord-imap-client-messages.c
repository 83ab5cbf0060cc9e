/* accord-imap-client-messages.c - fetching, appending, flagging, expunging and searching
 * messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "accord-imap-client-private.h"

/* --- fetching ----------------------------------------------------------------------- */

/* Whether MODSEQ may be asked for in the selected folder. */
static gboolean
_have_modseq (AccordImapClient *self)
{
  return accord_imap_client_has_capability (self, "CONDSTORE") && self->selected_modseq != 0;
}

static void
_fetch_flags_untagged_cb (AccordImapResponse *response,
                          gpointer            user_data)
{
  Op *op = _accord_imap_client_op (user_data);

  if (g_strcmp0 (response->name, "FETCH") == 0)
    {
      AccordImapMessage *message = _accord_imap_client_take_fetch (op, response);

      if (message != NULL && message->flags == NULL)
        g_clear_pointer (&message, accord_imap_message_free);
      if (message != NULL)
        g_ptr_array_add (op->messages, message);
    }
  else if (g_strcmp0 (response->name, "VANISHED") == 0)
    {
      _accord_imap_client_take_vanished (op, response);
    }
}

/**
 * accord_imap_client_fetch_flags_async:
 * @uid_set: such as "1:*"
 * @changed_since: with CONDSTORE, only messages whose flags changed after this
 *   mod-sequence; 0 for all
 * @vanished: with QRESYNC enabled and @changed_since, also the UIDs of @uid_set that
 *   were expunged after @changed_since
 *
 * Reads the UID, flags and (with CONDSTORE) mod-sequence of the messages of the
 * selected folder.
 */
void
accord_imap_client_fetch_flags_async (AccordImapClient    *self,
                                      const char          *uid_set,
                                      guint64              changed_since,
                                      gboolean             vanished,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GString) after = g_string_new (" (UID FLAGS");
  gboolean modseq;
  Op *op;

  g_return_if_fail (ACCORD_IS_IMAP_CLIENT (self));
  g_return_if_fail (_accord_imap_client_is_uid_set (uid_set));

  task = _accord_imap_client_task_new (self, cancellable, callback, user_data,
                                       accord_imap_client_fetch_flags_async);
  op = _accord_imap_client_op (task);
  op->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_imap_message_free);
  op->uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  op->clip = accord_imap_uid_set_parse_ranges (uid_set, NULL);

  modseq = _have_modseq (self);
  if (modseq)
    g_string_append (after, " MODSEQ");
  g_string_append_c (after, ')');
  if (modseq && changed_since > 0)
    {
      g_string_append_printf (after, " (CHANGEDSINCE %" G_GUINT64_FORMAT, changed_since);
      if (vanished && accord_imap_client_is_enabled (self, "QRESYNC"))
        g_string_append (after, " VANISHED");
      g_string_append_c (after, ')');
    }

  _accord_imap_client_send_set (self, task, "UID FETCH ", uid_set, after->str,
                                _fetch_flags_untagged_cb,
                                _accord_imap_client_simple_cb);
}

/**
 * accord_imap_client_fetch_flags_finish:
 * @vanished: (out) (optional) (transfer full) (element-type guint32): the UIDs the
 *   server reported as expunged
 *
 * Returns: (transfer full) (element-type AccordImapMessage): the messages, without
 *   bodies
 */
GPtrArray *
accord_imap_client_fetch_flags_finish (AccordImapClient  *self,
                                       GAsyncResult      *result,
                                       GArray           **vanished,
                                       GError           **error)
{
  Op *op;

  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  op = _accord_imap_client_op (G_TASK (result));
  if (vanished != NULL)
    *vanished = g_steal_pointer (&op->uids);

  return g_steal_pointer (&op->messages);
}

static void
_fetch_bodies_untagged_cb (AccordImapResponse *response,
                           gpointer            user_data)
{
  GTask *task = user_data;
  Op *op = _accord_imap_client_op (task);
  g_autoptr(AccordImapMessage) message = NULL;
  GError *error = NULL;
  gboolean has_body = FALSE;

  if (g_strcmp0 (response->name, "FETCH") != 0)
    return;

  message = accord_imap_message_new_from_fetch (response, &has_body, &error);
  if (message == NULL)
    {
      _accord_imap_client_op_take_error (op, error);
      return;
    }

  /* Flag changes of other messages may come in between. */
  if (!has_body)
    return;

  /* The callback may close the connection, which ends the operation. */
  g_object_ref (task);
  op->on_message (message, op->message_data);
  g_object_unref (task);
}

/**
 * accord_imap_client_fetch_bodies_async:
 * @on_message: (scope call): called for each message as soon as it has arrived, in the
 *   thread and main context of the client
 *
 * Fetches UID, flags, INTERNALDATE, RFC822.SIZE and the whole message (without setting
 * \Seen) of the messages of @uid_set in the selected folder. Messages are handed on one
 * by one and not kept, so that memory does not grow with their number.
 */
void
accord_imap_client_fetch_bodies_async (AccordImapClient      *self,
                                       const char            *uid_set,
                                       AccordImapMessageFunc  on_message,
                                       gpointer               message_data,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  Op *op;

  g_return_if_fail (ACCORD_IS_IMAP_CLIENT (self));
  g_return_if_fail (_accord_imap_client_is_uid_set (uid_set));
  g_return_if_fail (on_message != NULL);

  task = _accord_imap_client_task_new (self, cancellable, callback, user_data,
                                       accord_imap_client_fetch_bodies_async);
  op = _accord_imap_client_op (task);
  op->on_message = on_message;
  op->message_data = message_data;

  _accord_imap_client_send_set (self, task, "UID FETCH ", uid_set,
                                " (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])",
                                _fetch_bodies_untagged_cb, _accord_imap_client_simple_cb);
}

gboolean
accord_imap_client_fetch_bodies_finish (AccordImapClient  *self,
                                        GAsyncResult      *result,
                                        GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- append ------------------------------------------------------------------------- */

static void
_append_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = _accord_imap_client_op (task);
  g_autofree char *context = g_strdup_printf (_("The message could not be stored in the "
                                                "folder “%s”."),
                                              op->folder);
  g_autoptr(AccordImapResponse) response =
      _accord_imap_client_command_done (object, result, task, context);
  guint64 uidvalidity;
  guint64 uid;

  if (!_accord_imap_client_op_finished (task))
    return;

  if (accord_imap_response_code_number (response, "APPENDUID", 0, &uidvalidity) &&
      accord_imap_response_code_number (response, "APPENDUID", 1, &uid) &&
      uidvalidity <= G_MAXUINT32 && uid <= G_MAXUINT32)
    {
      op->uidvalidity = (guint32) uidvalidity;
      op->uid = (guint32) uid;
    }

  g_task_return_boolean (task, TRUE);
}

static gboolean
_valid_flags (const char * const *flags)
{
  for (guint i = 0; flags != NULL && flags[i] != NULL; i++)
    if (*flags[i] == '\0' || strpbrk (flags[i], " ()\"{]%*\r\n") != NULL)
      return FALSE;

  return TRUE;
}

static void
_add_flag_list (AccordImapRequest  *request,
                const char * const *flags)
{
  accord_imap_request_add (request, "(");
  for (guint i = 0; flags != NULL && flags[i] != NULL; i++)
    {
      if (i > 0)
        accord_imap_request_add (request, " ");
      accord_imap_request_add (request, flags[i]);
    }
  accord_imap_request_add (request, ")");
}

/**
 * accord_imap_client_append_async:
 * @flags: (nullable): such as "\\Seen"
 * @internaldate: the message's INTERNALDATE in seconds since the epoch; 0 to let the
 *   server set it
 * @message: the message as it is to be stored, with CRLF line ends
 *
 * Stores a message in a folder. The message goes as a non-synchronizing literal where
 * the server allows it (LITERAL+), and as a BINARY literal if it holds NUL bytes and the
 * server offers BINARY.
 */
void
accord_imap_client_append_async (AccordImapClient    *self,
                                 const char          *folder,
                                 const char * const  *flags,
                                 gint64               internaldate,
                                 GBytes              *message,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AccordImapRequest *request;
  gconstpointer data;
  gsize size;

  g_return_if_fail (ACCORD_IS_IMAP_CLIENT (self));
  g_return_if_fail (folder != NULL);
  g_return_if_fail (message != NULL);
  g_return_if_fail (_valid_flags (flags));

  task = _accord_imap_client_task_new (self, cancellable, callback, user_data,
                                       accord_imap_client_append_async);
  _accord_imap_client_op (task)->folder = g_strdup (folder);

  request = _accord_imap_client_request (self, "APPEND ");
  accord_imap_request_add_mailbox (request, folder);
  if (flags != NULL && flags[0] != NULL)
    {
      accord_imap_request_add (request, " ");
      _add_flag_list (request, flags);
    }
  if (internaldate != 0)
    {
      g_autofree char *date = accord_imap_format_date_time (internaldate);

      accord_imap_request_add_printf (request, " \"%s\"", date);
    }
  accord_imap_request_add (request, " ");

  data = g_bytes_get_data (message, &size);
  accord_imap_request_add_literal (request, message,
                                   memchr (data, '\0', size) != NULL &&
                                   accord_imap_client_has_capability (self, "BINARY"));

  _accord_imap_client_send (self, task, request, NULL, _append_cb);
}

/**
 * accord_imap_client_append_finish:
 * @uidvalidity: (out) (optional): the folder's UIDVALIDITY, with UIDPLUS
 *
 * Returns: the new message's UID, with UIDPLUS; 0 when the server did not say (or on
 *   @error)
 */
guint32
accord_imap_client_append_finish (AccordImapClient  *self,
                                  GAsyncResult      *result,
                                  guint32           *uidvalidity,
                                  GError           **error)
{
  Op *op;

  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), 0);
  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  if (uidvalidity != NULL)
    *uidvalidity = 0;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return 0;

  op = _accord_imap_client_op (G_TASK (result));
  if (uidvalidity != NULL)
    *uidvalidity = op->uidvalidity;

  return op->uid;
}

/* --- store -------------------------------------------------------------------------- */

static void
_store_untagged_cb (AccordImapResponse *response,
                    gpointer            user_data)
{
  Op *op = _accord_imap_client_op (user_data);

  if (g_strcmp0 (response->name, "FETCH") == 0)
    {
      AccordImapMessage *message = _accord_imap_client_take_fetch (op, response);

      if (message != NULL)
        g_ptr_array_add (op->messages, message);
    }
}

static void
_store_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = _accord_imap_client_op (task);
  g_autoptr(AccordImapResponse) response =
      _accord_imap_client_command_done (object, result, task, NULL);

  if (response != NULL && g_strcmp0 (response->code, "MODIFIED") == 0 &&
      response->code_args->len > 0)
    {
      const char *set = accord_imap_value_get_string (g_ptr_array_index (response->code_args,
                                                                         0));
      GError *error = NULL;

      if (set == NULL || !_accord_imap_client_add_uid_set (op->uids, set, op->clip, &error))
        _accord_imap_client_op_take_error (op, error != NULL
                                               ? error
                                               : g_error_new (ACCORD_IMAP_ERROR,
                                                              ACCORD_IMAP_ERROR_PROTOCOL,
                                                              _("The server reported modified "
                                                                "messages in a form that "
                                                                "does not follow the IMAP "
                                                                "protocol.")));
    }

  if (_accord_imap_client_op_finished (task))
    g_task_return_boolean (task, TRUE);
}

/**
 * accord_imap_client_store_flags_async:
 * @add: add @flags, or remove them
 * @flags: such as "\\Seen", "\\Deleted", "$Junk"
 * @unchanged_since: with CONDSTORE, change only messages whose mod-sequence is not
 *   higher; the others are reported as modified. 0 for all
 *
 * Adds or removes flags of the messages of @uid_set in the selected folder, without
 * asking for the result (.SILENT); the server still reports new mod-sequences.
 */
void
accord_imap_client_store_flags_async (AccordImapClient    *self,
                                      const char          *uid_set,
                                      gboolean             add,
                                      const char * const  *flags,
                                      guint64              unchanged_since,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GString) after = g_string_new (NULL);
  Op *op;

  g_return_if_fail (ACCORD_IS_IMAP_CLIENT (self));
  g_return_if_fail (_accord_imap_client_is_uid_set (uid_set));
  g_return_if_fail (flags != NULL && _valid_flags (flags));

  task = _accord_imap_client_task_new (self, cancellable, callback, user_data,
                                       accord_imap_client_store_flags_async);
  op = _accord_imap_client_op (task);
  op->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_imap_message_free);
  op->uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  op->clip = accord_imap_uid_set_parse_ranges (uid_set, NULL);

  if (unchanged_since > 0 && _have_modseq (self))
    g_string_append_printf (after, " (UNCHANGEDSINCE %" G_GUINT64_FORMAT ")", unchanged_since);
  g_string_append (after, add ? " +FLAGS.SILENT (" : " -FLAGS.SILENT (");
  for (guint i = 0; flags[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (after, ' ');
      g_string_append (after, flags[i]);
    }
  g_string_append_c (after, ')');

  _accord_imap_client_send_set (self, task, "UID STORE ", uid_set, after->str, _store_untagged_cb,
                                _store_cb);
}

gboolean
accord_imap_client_store_flags_finish (AccordImapClient  *self,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  return accord_imap_client_store_flags_finish_full (self, result, NULL, NULL, error);
}

/**
 * accord_imap_client_store_flags_finish_full:
 * @modified: (out) (optional) (transfer full) (element-type guint32): the UIDs left
 *   unchanged because they changed after @unchanged_since (MODIFIED)
 * @changed: (out) (optional) (transfer full) (element-type AccordImapMessage): what the
 *   server reported of the changed messages: UID and, with CONDSTORE, the new
 *   mod-sequence
 */
gboolean
accord_imap_client_store_flags_finish_full (AccordImapClient  *self,
                                            GAsyncResult      *result,
                                            GArray           **modified,
                                            GPtrArray        **changed,
                                            GError           **error)
{
  Op *op;

  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  op = _accord_imap_client_op (G_TASK (result));
  if (modified != NULL)
    *modified = g_steal_pointer (&op->uids);
  if (changed != NULL)
    *changed = g_steal_pointer (&op->messages);

  return TRUE;
}

/* --- expunge ------------------------------------------------------------------------ */

/**
 * accord_imap_client_expunge_async:
 * @uid_set: (nullable): the messages to remove (UID EXPUNGE, with UIDPLUS); %NULL to
 *   remove every message of the selected folder that has \Deleted
 *
 * Only messages with \Deleted are removed, also of @uid_set. Without UIDPLUS a set
 * fails with %ACCORD_IMAP_ERROR_UNSUPPORTED rather than removing more than asked.
 */
void
accord_imap_client_expunge_async (AccordImapClient    *self,
                                  const char          *uid_set,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_IMAP_CLIENT (self));
  g_return_if_fail (uid_set == NULL || _accord_imap_client_is_uid_set (uid_set));

  task = _accord_imap_client_task_new (self, cancellable, callback, user_data,
                                       accord_imap_client_expunge_async);

  if (uid_set == NULL)
    {
      _accord_imap_client_send (self, task, _accord_imap_client_request (self, "EXPUNGE"), NULL,
                                _accord_imap_client_simple_cb);
      return;
    }

  if (!accord_imap_client_has_capability (self, "UIDPLUS"))
    {
      g_task_return_new_error (task, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_UNSUPPORTED,
                               _("%s:%u cannot remove single messages (it lacks UIDPLUS)."),
                               accord_imap_client_get_host (self),
                               accord_imap_client_get_port (self));
      return;
    }

  _accord_imap_client_send_set (self, task, "UID EXPUNGE ", uid_set, "", NULL,
                                _accord_imap_client_simple_cb);
}

gboolean
accord_imap_client_expunge_finish (AccordImapClient  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- search ------------------------------------------------------------------------- */

static void
_search_untagged_cb (AccordImapResponse *response,
                     gpointer            user_data)
{
  Op *op = _accord_imap_client_op (user_data);

  if (g_strcmp0 (response->name, "SEARCH") != 0 || response->args == NULL)
    return;

  for (guint i = 0; i < response->args->len; i++)
    {
      guint64 number;

      /* "(MODSEQ n)" may follow the numbers (RFC 7162 §3.1.5). */
      if (accord_imap_value_get_number (g_ptr_array_index (response->args, i), &number) &&
          number > 0 && number <= G_MAXUINT32)
        {
          guint32 uid = (guint32) number;

          g_array_append_val (op->uids, uid);
        }
    }
}

typedef struct
{
  GTask             *task;
  AccordImapRequest *request;
} QueuedSearch;

static void _search_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
_send_search (AccordImapClient  *self,
              GTask             *task,
              AccordImapRequest *request)
{
  self->searching = TRUE;
  _accord_imap_client_send (self, task, request, _search_untagged_cb, _search_cb);
}

static void
_search_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordImapClient *self = g_task_get_source_object (task);
  g_autoptr(AccordImapResponse) response =
      _accord_imap_client_command_done (object, result, task, NULL);
  QueuedSearch *next;

  if (_accord_imap_client_op_finished (task))
    g_task_return_pointer (task, g_steal_pointer (&_accord_imap_client_op (task)->uids),
                           (GDestroyNotify) g_array_unref);

  /* The next search goes out only now, so that the answers cannot mix. */
  self->searching = FALSE;
  next = g_queue_pop_head (&self->searches);
  if (next != NULL)
    {
      _send_search (self, next->task, next->request);
      g_object_unref (next->task);
      g_free (next);
    }
}

/**
 * accord_imap_client_search_async:
 * @criteria: search keys as IMAP has them, sent as they are: "HEADER Message-ID
 *   \"<a@b>\"", "UNSEEN SINCE 1-Feb-2024"
 *
 * Searches the selected folder (UID SEARCH). The server's answer carries no tag and a
 * server may run pipelined searches side by side, so a search waits for the one before
 * it to finish; other commands still go out at once.
 */
void
accord_imap_client_search_async (AccordImapClient    *self,
                                 const char          *criteria,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AccordImapRequest *request;

  g_return_if_fail (ACCORD_IS_IMAP_CLIENT (self));
  g_return_if_fail (criteria != NULL && *criteria != '\0');

  task = _accord_imap_client_task_new (self, cancellable, callback, user_data,
                                       accord_imap_client_search_async);
  /* Criteria are often made of what a message says (its Message-ID): a line break in
   * them is a failed search, not a broken command. */
  if (strpbrk (criteria, "\r\n") != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("A search cannot hold a line break."));
      return;
    }
  _accord_imap_client_op (task)->uids = g_array_new (FALSE, FALSE, sizeof (guint32));

  request = _accord_imap_client_request (self, "UID SEARCH ");
  accord_imap_request_add (request, criteria);

  if (self->searching)
    {
      QueuedSearch *queued = g_new0 (QueuedSearch, 1);

      queued->task = g_steal_pointer (&task);
      queued->request = request;
      g_queue_push_tail (&self->searches, queued);
      return;
    }

  _send_search (self, task, request);
}

/**
 * accord_imap_client_search_finish:
 *
 * Returns: (transfer full) (element-type guint32): the UIDs found
 */
GArray *
accord_imap_client_search_finish (AccordImapClient  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
