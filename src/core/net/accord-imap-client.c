/* accord-imap-client.c - an IMAP client for mail sync (RFC 3501, 2177, 3691, 4315, 4959,
 * 5161, 6154, 6851, 7162, 7888)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-imap-client-private.h"

/* The most UIDs a server may report in one set (VANISHED, MODIFIED, COPYUID). */
#define MAX_REPORTED_UIDS (16 * 1024 * 1024)

/**
 * AccordImapClient:
 *
 * A connection to an IMAP server for mail sync. Every command is asynchronous, and
 * commands may be issued without waiting for each other: they are pipelined, and each
 * gets the responses meant for it. Folder names are UTF-8 here and modified UTF-7 on
 * the wire.
 *
 * The client runs in the main context that was thread-default when connecting: call
 * it from that context's thread only. An error that closes the connection (see
 * #AccordImapError) fails every command in progress; cancelling a command closes the
 * connection too, because the server cannot be told to stop.
 */
G_DEFINE_FINAL_TYPE (AccordImapClient, accord_imap_client, G_TYPE_OBJECT)

static void
_op_free (Op *op)
{
  g_free (op->folder);
  g_free (op->to);
  g_clear_error (&op->error);
  g_clear_pointer (&op->messages, g_ptr_array_unref);
  g_clear_pointer (&op->uids, g_array_unref);
  g_clear_pointer (&op->clip, g_array_unref);
  g_clear_pointer (&op->folders, g_ptr_array_unref);
  g_clear_pointer (&op->mailbox, accord_imap_mailbox_free);
  g_clear_pointer (&op->source_uids, g_array_unref);
  g_clear_pointer (&op->dest_uids, g_array_unref);
  g_strfreev (op->parts);
  if (op->stop_source != NULL)
    {
      g_source_destroy (op->stop_source);
      g_source_unref (op->stop_source);
    }
  if (op->idle_timer != NULL)
    {
      g_source_destroy (op->idle_timer);
      g_source_unref (op->idle_timer);
    }
  g_free (op);
}

GTask *
_accord_imap_client_task_new (AccordImapClient    *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data,
                              gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, g_new0 (Op, 1), (GDestroyNotify) _op_free);

  return task;
}

Op *
_accord_imap_client_op (GTask *task)
{
  return g_task_get_task_data (task);
}

/* Keeps the first failure of an operation with several parts. */
void
_accord_imap_client_op_take_error (Op     *op,
                                   GError *error)
{
  if (op->error == NULL)
    op->error = error;
  else
    g_error_free (error);
}

/* --- object ------------------------------------------------------------------------- */

static void
accord_imap_client_dispose (GObject *object)
{
  AccordImapClient *self = (AccordImapClient *) object;

  if (self->conn != NULL)
    {
      accord_imap_connection_set_untagged_func (self->conn, NULL, NULL);
      accord_imap_connection_close (self->conn, NULL);
      g_clear_object (&self->conn);
    }

  G_OBJECT_CLASS (accord_imap_client_parent_class)->dispose (object);
}

static void
accord_imap_client_finalize (GObject *object)
{
  AccordImapClient *self = (AccordImapClient *) object;

  g_strfreev (self->capabilities);
  g_strfreev (self->expected);
  g_hash_table_unref (self->enabled);
  g_free (self->selected);

  G_OBJECT_CLASS (accord_imap_client_parent_class)->finalize (object);
}

static void
accord_imap_client_class_init (AccordImapClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = accord_imap_client_dispose;
  object_class->finalize = accord_imap_client_finalize;
}

static void
accord_imap_client_init (AccordImapClient *self)
{
  self->enabled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

const char *
accord_imap_client_get_host (AccordImapClient *self)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), NULL);

  return accord_imap_connection_get_host (self->conn);
}

guint16
accord_imap_client_get_port (AccordImapClient *self)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), 0);

  return accord_imap_connection_get_port (self->conn);
}

gboolean
accord_imap_client_is_tls (AccordImapClient *self)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), FALSE);

  return accord_imap_connection_is_tls (self->conn);
}

/**
 * accord_imap_client_get_peer_certificate:
 *
 * Returns: (transfer none) (nullable): the server's certificate, with TLS
 */
GTlsCertificate *
accord_imap_client_get_peer_certificate (AccordImapClient *self)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), NULL);

  return accord_imap_connection_get_peer_certificate (self->conn);
}

/**
 * accord_imap_client_get_certificate_pinned:
 *
 * Returns: whether the certificate failed verification and was accepted only because
 *   it matched the pinned fingerprint
 */
gboolean
accord_imap_client_get_certificate_pinned (AccordImapClient *self)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), FALSE);

  return accord_imap_connection_get_certificate_pinned (self->conn);
}

/**
 * accord_imap_client_get_greeting:
 *
 * Returns: the text of the server's greeting
 */
const char *
accord_imap_client_get_greeting (AccordImapClient *self)
{
  const AccordImapResponse *greeting;

  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), NULL);

  greeting = self->conn != NULL ? accord_imap_connection_get_greeting (self->conn) : NULL;
  return greeting != NULL ? greeting->text : NULL;
}

guint
accord_imap_client_get_timeout (AccordImapClient *self)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), 0);

  return accord_imap_connection_get_timeout (self->conn);
}

/**
 * accord_imap_client_set_timeout:
 * @seconds: how long the server may stay silent while a command waits for it; 0 for
 *   %ACCORD_IMAP_DEFAULT_TIMEOUT
 */
void
accord_imap_client_set_timeout (AccordImapClient *self,
                                guint             seconds)
{
  g_return_if_fail (ACCORD_IS_IMAP_CLIENT (self));

  accord_imap_connection_set_timeout (self->conn,
                                      seconds > 0 ? seconds : ACCORD_IMAP_DEFAULT_TIMEOUT);
}

/**
 * accord_imap_client_is_connected:
 *
 * Returns: %FALSE once the connection is closed, lost or logged out
 */
gboolean
accord_imap_client_is_connected (AccordImapClient *self)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), FALSE);

  return accord_imap_connection_is_open (self->conn);
}

/* What decides how to log in is what the server says before it, never what it said
 * after it last time. */
static gboolean
_shapes_login (const char *name)
{
  static const char * const before[] = { "STARTTLS", "LOGINDISABLED", "SASL-IR", "LITERAL+",
                                         "LITERAL-", NULL };

  for (guint i = 0; before[i] != NULL; i++)
    if (g_ascii_strcasecmp (name, before[i]) == 0)
      return TRUE;
  return g_ascii_strncasecmp (name, "AUTH=", 5) == 0;
}

/**
 * accord_imap_client_has_capability:
 * @name: "IDLE", "AUTH=PLAIN" …, in any case
 */
gboolean
accord_imap_client_has_capability (AccordImapClient *self,
                                   const char       *name)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  for (char **cap = self->capabilities; cap != NULL && *cap != NULL; cap++)
    if (g_ascii_strcasecmp (*cap, name) == 0)
      return TRUE;
  if (self->authenticated || _shapes_login (name))
    return FALSE;
  for (char **cap = self->expected; cap != NULL && *cap != NULL; cap++)
    if (g_ascii_strcasecmp (*cap, name) == 0)
      return TRUE;

  return FALSE;
}

/**
 * accord_imap_client_expect_capabilities:
 * @capabilities: what the server said it could do after logging in, last time
 *
 * Commands sent from now until the login is done may count on @capabilities as well
 * as the ones the server states: a command that needs an extension can go out right
 * behind LOGIN, in the same round trip, rather than after its answer. Should the
 * server have changed since, such a command fails as unknown, and is sent again.
 */
void
accord_imap_client_expect_capabilities (AccordImapClient   *self,
                                        const char * const *capabilities)
{
  g_return_if_fail (ACCORD_IS_IMAP_CLIENT (self));

  g_strfreev (self->expected);
  self->expected = g_strdupv ((char **) capabilities);
}

/**
 * accord_imap_client_dup_capabilities:
 *
 * Returns: (transfer full): the capabilities, in upper case
 */
GStrv
accord_imap_client_dup_capabilities (AccordImapClient *self)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), NULL);

  if (self->capabilities == NULL)
    return g_new0 (char *, 1);

  return g_strdupv (self->capabilities);
}

/**
 * accord_imap_client_is_enabled:
 * @extension: "QRESYNC", "CONDSTORE" …, in any case
 *
 * Returns: whether the server confirmed enabling @extension (RFC 5161)
 */
gboolean
accord_imap_client_is_enabled (AccordImapClient *self,
                               const char       *extension)
{
  g_autofree char *upper = NULL;

  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), FALSE);
  g_return_val_if_fail (extension != NULL, FALSE);

  upper = g_ascii_strup (extension, -1);
  return g_hash_table_contains (self->enabled, upper);
}

/**
 * accord_imap_client_get_selected:
 *
 * Returns: (nullable): the folder that is selected, as it was given to
 *   accord_imap_client_select_async()
 */
const char *
accord_imap_client_get_selected (AccordImapClient *self)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), NULL);

  return self->selected;
}

/**
 * accord_imap_client_get_selected_uidvalidity:
 *
 * The UIDVALIDITY of the folder being selected or selected, from the moment the
 * server's answer to SELECT tells it: commands pipelined behind a SELECT can check,
 * as their own answers arrive, that the folder is numbered as they expected.
 *
 * Returns: the UIDVALIDITY, or 0 when no folder is selected or it is not known yet
 */
guint32
accord_imap_client_get_selected_uidvalidity (AccordImapClient *self)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), 0);

  return self->selected_uidvalidity;
}

/* --- helpers ------------------------------------------------------------------------ */

GStrv
_accord_imap_client_value_strings (const AccordImapValue *value)
{
  g_autoptr(GStrvBuilder) builder = NULL;

  if (value == NULL || value->type != ACCORD_IMAP_VALUE_LIST)
    return NULL;

  builder = g_strv_builder_new ();
  for (guint i = 0; i < value->list->len; i++)
    {
      const char *text = accord_imap_value_get_string (g_ptr_array_index (value->list, i));

      if (text != NULL)
        g_strv_builder_add (builder, text);
    }

  return g_strv_builder_end (builder);
}

void
_accord_imap_client_add_enabled (AccordImapClient *self,
                                 const char       *extension)
{
  g_hash_table_add (self->enabled, g_ascii_strup (extension, -1));
  /* RFC 7162 §3.2.3: enabling QRESYNC enables CONDSTORE. */
  if (g_ascii_strcasecmp (extension, "QRESYNC") == 0)
    g_hash_table_add (self->enabled, g_strdup ("CONDSTORE"));
}

AccordImapRequest *
_accord_imap_client_request (AccordImapClient *self,
                             const char       *text)
{
  AccordImapLiteralMode mode = ACCORD_IMAP_LITERAL_SYNC;

  if (accord_imap_client_has_capability (self, "LITERAL+"))
    mode = ACCORD_IMAP_LITERAL_PLUS;
  else if (accord_imap_client_has_capability (self, "LITERAL-"))
    mode = ACCORD_IMAP_LITERAL_MINUS;

  return accord_imap_request_new (mode, text);
}

/* Sends @request as part of the operation @task; @done gets a reference to @task. */
void
_accord_imap_client_send (AccordImapClient           *self,
                          GTask                      *task,
                          AccordImapRequest          *request,
                          AccordImapUntaggedFunc      on_untagged,
                          GAsyncReadyCallback         done)
{
  _accord_imap_client_op (task)->pending++;
  accord_imap_connection_send_async (self->conn, request, ACCORD_IMAP_COMMAND_NONE,
                                     on_untagged, NULL, task, g_task_get_cancellable (task),
                                     done, g_object_ref (task));
}

/* Sends "@before PART@after" for each part of a long @uid_set. */
void
_accord_imap_client_send_set (AccordImapClient       *self,
                              GTask                  *task,
                              const char             *before,
                              const char             *uid_set,
                              const char             *after,
                              AccordImapUntaggedFunc  on_untagged,
                              GAsyncReadyCallback     done)
{
  g_auto(GStrv) parts = accord_imap_uid_set_split (uid_set, MAX_SET_LENGTH);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      AccordImapRequest *request = _accord_imap_client_request (self, before);

      accord_imap_request_add (request, parts[i]);
      accord_imap_request_add (request, after);
      _accord_imap_client_send (self, task, request, on_untagged, done);
    }
}

/* The error for a NO or BAD: @context (nullable) says what failed, the server why. */
GError *
_accord_imap_client_refusal (AccordImapClient         *self,
                             const AccordImapResponse *response,
                             AccordImapError           no_code,
                             const char               *context)
{
  AccordImapError code = response->status == ACCORD_IMAP_STATUS_BAD
                         ? ACCORD_IMAP_ERROR_BAD : no_code;

  if (context != NULL)
    return g_error_new (ACCORD_IMAP_ERROR, code, _("%s The server said: “%s”"),
                        context, response->text);
  if (code == ACCORD_IMAP_ERROR_BAD)
    return g_error_new (ACCORD_IMAP_ERROR, code,
                        _("%s:%u did not understand a command: %s"),
                        accord_imap_client_get_host (self),
                        accord_imap_client_get_port (self), response->text);

  return g_error_new (ACCORD_IMAP_ERROR, code, _("%s:%u refused a command: %s"),
                      accord_imap_client_get_host (self),
                      accord_imap_client_get_port (self), response->text);
}

/* Ends one command of the operation @task. Returns its response if it succeeded; a
 * failure is kept in the operation. */
AccordImapResponse *
_accord_imap_client_command_done (GObject      *object,
                                  GAsyncResult *result,
                                  GTask        *task,
                                  const char   *context)
{
  AccordImapClient *self = g_task_get_source_object (task);
  AccordImapResponse *response;
  Op *op = _accord_imap_client_op (task);
  GError *error = NULL;

  g_assert (op->pending > 0);
  op->pending--;

  response = accord_imap_connection_send_finish (ACCORD_IMAP_CONNECTION (object), result,
                                                 &error);
  if (response == NULL)
    {
      _accord_imap_client_op_take_error (op, error);
      return NULL;
    }
  if (response->status != ACCORD_IMAP_STATUS_OK)
    {
      _accord_imap_client_op_take_error (op, _accord_imap_client_refusal (self, response,
                                                                           ACCORD_IMAP_ERROR_NO,
                                                                           context));
      accord_imap_response_free (response);
      return NULL;
    }

  return response;
}

/* Whether the operation is over: then a failure has been returned, and the caller
 * returns the result. */
gboolean
_accord_imap_client_op_finished (GTask *task)
{
  Op *op = _accord_imap_client_op (task);

  if (op->pending > 0)
    return FALSE;

  if (op->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&op->error));
      return FALSE;
    }

  return TRUE;
}

/* A FETCH response of @op's command, as a message; NULL when it could not be read
 * (the error kept in @op) or names no UID. */
AccordImapMessage *
_accord_imap_client_take_fetch (Op                       *op,
                                const AccordImapResponse *response)
{
  GError *error = NULL;
  AccordImapMessage *message = accord_imap_message_new_from_fetch (response, NULL, &error);

  if (message == NULL)
    _accord_imap_client_op_take_error (op, error);
  else if (message->uid == 0)
    g_clear_pointer (&message, accord_imap_message_free);

  return message;
}

void
_accord_imap_client_simple_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(AccordImapResponse) response =
      _accord_imap_client_command_done (object, result, task, NULL);

  if (_accord_imap_client_op_finished (task))
    g_task_return_boolean (task, TRUE);
}

gboolean
_accord_imap_client_is_uid_set (const char *set)
{
  return set != NULL && *set != '\0' && strspn (set, "0123456789:,*") == strlen (set);
}

static gboolean
_append_range (GArray   *uids,
               guint64   first,
               guint64   last,
               GError  **error)
{
  if (uids->len + (last - first + 1) > MAX_REPORTED_UIDS)
    {
      g_set_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_LIMIT,
                   _("The server reported more than %u message numbers at once."),
                   MAX_REPORTED_UIDS);
      return FALSE;
    }

  for (guint64 uid = first; uid <= last; uid++)
    {
      guint32 value = (guint32) uid;

      g_array_append_val (uids, value);
    }

  return TRUE;
}

/* Adds the UIDs of @set that lie in @clip (sorted ranges; NULL for all) to @uids. */
gboolean
_accord_imap_client_add_uid_set (GArray      *uids,
                                 const char  *set,
                                 GArray      *clip,
                                 GError     **error)
{
  g_autoptr(GArray) ranges = accord_imap_uid_set_parse_ranges (set, error);
  guint j = 0;

  if (ranges == NULL)
    return FALSE;

  for (guint i = 0; i < ranges->len; i++)
    {
      const AccordImapUidRange *range = &g_array_index (ranges, AccordImapUidRange, i);

      if (clip == NULL)
        {
          if (!_append_range (uids, range->first, range->last, error))
            return FALSE;
          continue;
        }

      while (j < clip->len && g_array_index (clip, AccordImapUidRange, j).last < range->first)
        j++;
      for (guint k = j; k < clip->len; k++)
        {
          const AccordImapUidRange *allowed = &g_array_index (clip, AccordImapUidRange, k);

          if (allowed->first > range->last)
            break;
          if (!_append_range (uids, MAX (range->first, allowed->first),
                              MIN (range->last, allowed->last), error))
            return FALSE;
        }
    }

  return TRUE;
}

/* The UIDs of @set in the order it lists them: COPYUID pairs its two sets by position. */
GArray *
_accord_imap_client_expand_in_order (const char  *set,
                                     GError     **error)
{
  g_autoptr(GArray) uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_auto(GStrv) items = g_strsplit (set, ",", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto(GStrv) ends = g_strsplit (items[i], ":", 3);
      guint64 first = 0;
      guint64 last = 0;

      if (ends[0] == NULL || (ends[1] != NULL && ends[2] != NULL) ||
          !g_ascii_string_to_unsigned (ends[0], 10, 1, G_MAXUINT32, &first, NULL) ||
          (ends[1] != NULL &&
           !g_ascii_string_to_unsigned (ends[1], 10, 1, G_MAXUINT32, &last, NULL)))
        {
          g_set_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_PROTOCOL,
                       _("“%s” is not a set of message numbers."), set);
          return NULL;
        }
      if (ends[1] == NULL)
        last = first;
      if (!_append_range (uids, MIN (first, last), MAX (first, last), error))
        return NULL;
    }

  return g_steal_pointer (&uids);
}

/* Collects "* VANISHED [(EARLIER)] set" into the operation's UIDs. */
void
_accord_imap_client_take_vanished (Op                       *op,
                                   const AccordImapResponse *response)
{
  const AccordImapValue *set;
  GError *error = NULL;

  if (response->args == NULL || response->args->len == 0)
    return;

  set = g_ptr_array_index (response->args, response->args->len - 1);
  if (set->type != ACCORD_IMAP_VALUE_ATOM)
    {
      _accord_imap_client_op_take_error (op,
                                         g_error_new (ACCORD_IMAP_ERROR,
                                                      ACCORD_IMAP_ERROR_PROTOCOL,
                                                      _("The server reported expunged messages "
                                                        "in a form that does not follow the "
                                                        "IMAP protocol.")));
      return;
    }

  if (!_accord_imap_client_add_uid_set (op->uids, set->str, op->clip, &error))
    _accord_imap_client_op_take_error (op, error);
}
