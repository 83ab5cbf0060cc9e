/* accord-imap-client.c - an IMAP client for mail sync (RFC 3501, 2177, 3691, 4315, 4959,
 * 5161, 6154, 6851, 7162, 7888)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-imap-client.h"
#include "accord-imap-connection.h"

/* Sets longer than this are sent in several commands: servers limit the length of a
 * command line (Dovecot to 64 KiB, others to 8 KiB). */
#define MAX_SET_LENGTH 4000
/* The most UIDs a server may report in one set (VANISHED, MODIFIED, COPYUID). */
#define MAX_REPORTED_UIDS (16 * 1024 * 1024)
/* RFC 2177: IDLE should be renewed before 29 minutes have passed. */
#define IDLE_MAX_SECONDS (25 * 60)

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
struct _AccordImapClient
{
  GObject               parent_instance;

  AccordImapConnection *conn;
  AccordSecurity        security;
  char                 *greeting;
  GStrv                 capabilities;   /* upper case; NULL until known */
  GHashTable           *enabled;        /* upper case */
  gboolean              authenticated;
  char                 *selected;
  guint64               selected_modseq;
};

G_DEFINE_FINAL_TYPE (AccordImapClient, accord_imap_client, G_TYPE_OBJECT)

/* What an operation collects while its responses come in. */
typedef struct
{
  char                  *folder;       /* UTF-8 */
  char                  *to;           /* UTF-8: rename, move */
  GError                *error;        /* the first failure of a part or a response */
  guint                  pending;      /* commands in progress */

  GPtrArray             *messages;     /* AccordImapMessage */
  GArray                *uids;         /* guint32: vanished, modified, search results */
  GArray                *clip;         /* AccordImapUidRange: what reported UIDs may be */
  GPtrArray             *folders;      /* AccordImapFolder */
  AccordImapMailbox     *mailbox;

  AccordImapMessageFunc  on_message;
  gpointer               message_data;

  guint32                uidvalidity;  /* APPENDUID, COPYUID */
  guint32                uid;
  GArray                *source_uids;
  GArray                *dest_uids;

  GStrv                  parts;        /* move without MOVE: the set in pieces */
  guint                  part;
  guint                  step;

  gboolean               idling;
  gboolean               stopping;
  gboolean               done_sent;
  gboolean               changed;
  GSource               *stop_source;
  GSource               *idle_timer;
} Op;

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

static GTask *
_task_new (AccordImapClient    *self,
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

static Op *
_op (GTask *task)
{
  return g_task_get_task_data (task);
}

/* Keeps the first failure of an operation with several parts. */
static void
_op_take_error (Op     *op,
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

  g_free (self->greeting);
  g_strfreev (self->capabilities);
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
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), NULL);

  return self->greeting;
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

  if (self->capabilities == NULL)
    return FALSE;
  for (char **cap = self->capabilities; *cap != NULL; cap++)
    if (g_ascii_strcasecmp (*cap, name) == 0)
      return TRUE;

  return FALSE;
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

/* --- helpers ------------------------------------------------------------------------ */

static GStrv
_value_strings (const AccordImapValue *value)
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

static void
_set_capabilities (AccordImapClient *self,
                   GPtrArray        *values)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; values != NULL && i < values->len; i++)
    {
      const AccordImapValue *value = g_ptr_array_index (values, i);

      if (value->type == ACCORD_IMAP_VALUE_ATOM)
        {
          g_autofree char *upper = g_ascii_strup (value->str, -1);

          g_strv_builder_add (builder, upper);
        }
    }

  g_strfreev (self->capabilities);
  self->capabilities = g_strv_builder_end (builder);
}

static void
_add_enabled (AccordImapClient *self,
              const char       *extension)
{
  g_hash_table_add (self->enabled, g_ascii_strup (extension, -1));
  /* RFC 7162 §3.2.3: enabling QRESYNC enables CONDSTORE. */
  if (g_ascii_strcasecmp (extension, "QRESYNC") == 0)
    g_hash_table_add (self->enabled, g_strdup ("CONDSTORE"));
}

/* Sees every untagged response before the command it belongs to. */
static void
_on_untagged_cb (AccordImapResponse *response,
                 gpointer            user_data)
{
  AccordImapClient *self = user_data;

  if (g_strcmp0 (response->name, "CAPABILITY") == 0 && !response->has_number)
    {
      _set_capabilities (self, response->args);
    }
  else if (response->status != ACCORD_IMAP_STATUS_NONE && !response->has_number &&
           g_strcmp0 (response->code, "CAPABILITY") == 0)
    {
      _set_capabilities (self, response->code_args);
    }
  else if (g_strcmp0 (response->name, "ENABLED") == 0 && response->args != NULL)
    {
      for (guint i = 0; i < response->args->len; i++)
        {
          const AccordImapValue *value = g_ptr_array_index (response->args, i);

          if (value->type == ACCORD_IMAP_VALUE_ATOM)
            _add_enabled (self, value->str);
        }
    }
}

static AccordImapRequest *
_request (AccordImapClient *self,
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
static void
_send (AccordImapClient           *self,
       GTask                      *task,
       AccordImapRequest          *request,
       AccordImapUntaggedFunc      on_untagged,
       GAsyncReadyCallback         done)
{
  _op (task)->pending++;
  accord_imap_connection_send_async (self->conn, request, ACCORD_IMAP_COMMAND_NONE,
                                     on_untagged, NULL, task, g_task_get_cancellable (task),
                                     done, g_object_ref (task));
}

/* Sends "@before PART@after" for each part of a long @uid_set. */
static void
_send_set (AccordImapClient       *self,
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
      AccordImapRequest *request = _request (self, before);

      accord_imap_request_add (request, parts[i]);
      accord_imap_request_add (request, after);
      _send (self, task, request, on_untagged, done);
    }
}

/* The error for a NO or BAD: @context (nullable) says what failed, the server why. */
static GError *
_refusal (AccordImapClient         *self,
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
static AccordImapResponse *
_command_done (GObject      *object,
               GAsyncResult *result,
               GTask        *task,
               const char   *context)
{
  AccordImapClient *self = g_task_get_source_object (task);
  AccordImapResponse *response;
  Op *op = _op (task);
  GError *error = NULL;

  g_assert (op->pending > 0);
  op->pending--;

  response = accord_imap_connection_send_finish (ACCORD_IMAP_CONNECTION (object), result,
                                                 &error);
  if (response == NULL)
    {
      _op_take_error (op, error);
      return NULL;
    }
  if (response->status != ACCORD_IMAP_STATUS_OK)
    {
      _op_take_error (op, _refusal (self, response, ACCORD_IMAP_ERROR_NO, context));
      accord_imap_response_free (response);
      return NULL;
    }

  return response;
}

/* Whether the operation is over: then a failure has been returned, and the caller
 * returns the result. */
static gboolean
_op_finished (GTask *task)
{
  Op *op = _op (task);

  if (op->pending > 0)
    return FALSE;

  if (op->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&op->error));
      return FALSE;
    }

  return TRUE;
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
static gboolean
_add_uid_set (GArray      *uids,
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
static GArray *
_expand_in_order (const char  *set,
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
static void
_take_vanished (Op                       *op,
                const AccordImapResponse *response)
{
  const AccordImapValue *set;
  GError *error = NULL;

  if (response->args == NULL || response->args->len == 0)
    return;

  set = g_ptr_array_index (response->args, response->args->len - 1);
  if (set->type != ACCORD_IMAP_VALUE_ATOM)
    {
      _op_take_error (op, g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_PROTOCOL,
                                       _("The server reported expunged messages in a form "
                                         "that does not follow the IMAP protocol.")));
      return;
    }

  if (!_add_uid_set (op->uids, set->str, op->clip, &error))
    _op_take_error (op, error);
}

/* --- connecting --------------------------------------------------------------------- */

static void _connect_next (GTask *task);

static void
_connect_capability_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordImapClient *self = g_task_get_task_data (task);
  g_autoptr(AccordImapResponse) response = NULL;
  GError *error = NULL;

  response = accord_imap_connection_send_finish (ACCORD_IMAP_CONNECTION (object), result,
                                                 &error);
  if (response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (response->status != ACCORD_IMAP_STATUS_OK)
    {
      error = _refusal (self, response, ACCORD_IMAP_ERROR_PROTOCOL, NULL);
      accord_imap_connection_close (self->conn, g_error_copy (error));
      g_task_return_error (task, error);
      return;
    }

  /* A server that lists nothing has no extensions. */
  if (self->capabilities == NULL)
    self->capabilities = g_new0 (char *, 1);

  _connect_next (task);
}

static void
_connect_starttls_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordImapClient *self = g_task_get_task_data (task);
  GError *error = NULL;

  if (!accord_imap_connection_starttls_finish (ACCORD_IMAP_CONNECTION (object), result,
                                               &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* RFC 3501 §6.2.1: what the server said before TLS does not count. */
  g_clear_pointer (&self->capabilities, g_strfreev);
  _connect_next (task);
}

/* Takes the next step: learn the capabilities, secure the connection, done. */
static void
_connect_next (GTask *task)
{
  AccordImapClient *self = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (self->capabilities == NULL)
    {
      accord_imap_connection_send_async (self->conn, _request (self, "CAPABILITY"),
                                         ACCORD_IMAP_COMMAND_NONE, NULL, NULL, NULL,
                                         cancellable, _connect_capability_cb,
                                         g_object_ref (task));
      return;
    }

  if (self->security == ACCORD_SECURITY_STARTTLS &&
      !accord_imap_connection_is_tls (self->conn))
    {
      if (self->authenticated || !accord_imap_client_has_capability (self, "STARTTLS"))
        {
          error = g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_NO_STARTTLS,
                               _("%s:%u does not offer STARTTLS, so the connection cannot "
                                 "be secured. Choose TLS if the server offers it on "
                                 "another port."),
                               accord_imap_client_get_host (self),
                               accord_imap_client_get_port (self));
          accord_imap_connection_close (self->conn, g_error_copy (error));
          g_task_return_error (task, error);
          return;
        }

      accord_imap_connection_starttls_async (self->conn, cancellable, _connect_starttls_cb,
                                             g_object_ref (task));
      return;
    }

  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

static void
_connect_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordImapClient *self = g_task_get_task_data (task);
  const AccordImapResponse *greeting;
  GError *error = NULL;

  self->conn = accord_imap_connection_connect_finish (result, &error);
  if (self->conn == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  accord_imap_connection_set_untagged_func (self->conn, _on_untagged_cb, self);

  greeting = accord_imap_connection_get_greeting (self->conn);
  self->greeting = g_strdup (greeting->text);
  self->authenticated = greeting->status == ACCORD_IMAP_STATUS_PREAUTH;
  if (g_strcmp0 (greeting->code, "CAPABILITY") == 0)
    _set_capabilities (self, greeting->code_args);

  _connect_next (task);
}

/**
 * accord_imap_client_connect_async:
 * @security: %ACCORD_SECURITY_TLS for TLS from the start, %ACCORD_SECURITY_STARTTLS to
 *   require STARTTLS (never falling back to plain text), %ACCORD_SECURITY_NONE for
 *   plain text
 * @pinned_fingerprint: (nullable): the SHA-256 fingerprint ("aa:bb:…") of a certificate
 *   the person accepted; it is accepted when verification fails
 * @database: (nullable): the certificate authorities to trust; %NULL for the system's
 * @timeout_seconds: how long the server may stay silent while a command waits; 0 for
 *   %ACCORD_IMAP_DEFAULT_TIMEOUT
 *
 * Connects, reads the greeting, secures the connection and learns the server's
 * capabilities.
 */
void
accord_imap_client_connect_async (const char          *host,
                                  guint16              port,
                                  AccordSecurity       security,
                                  const char          *pinned_fingerprint,
                                  GTlsDatabase        *database,
                                  guint                timeout_seconds,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AccordImapClient *self;

  g_return_if_fail (host != NULL && *host != '\0');
  g_return_if_fail (port != 0);
  g_return_if_fail (!database || G_IS_TLS_DATABASE (database));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  self = g_object_new (ACCORD_TYPE_IMAP_CLIENT, NULL);
  self->security = security;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_imap_client_connect_async);
  g_task_set_task_data (task, self, g_object_unref);

  accord_imap_connection_connect_async (host, port, security == ACCORD_SECURITY_TLS,
                                        pinned_fingerprint, database,
                                        timeout_seconds > 0 ? timeout_seconds
                                                            : ACCORD_IMAP_DEFAULT_TIMEOUT,
                                        cancellable, _connect_cb, g_steal_pointer (&task));
}

/**
 * accord_imap_client_connect_finish:
 *
 * Returns: (transfer full): the client, connected and not yet logged in (unless the
 *   server greeted with PREAUTH)
 */
AccordImapClient *
accord_imap_client_connect_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        accord_imap_client_connect_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- login -------------------------------------------------------------------------- */

static void
_login_capability_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(AccordImapResponse) response = _command_done (object, result, task, NULL);

  if (response == NULL)
    {
      _op_finished (task);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
_login_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordImapClient *self = g_task_get_source_object (task);
  g_autoptr(AccordImapResponse) response = NULL;
  Op *op = _op (task);
  GError *error = NULL;

  op->pending--;
  response = accord_imap_connection_send_finish (ACCORD_IMAP_CONNECTION (object), result,
                                                 &error);
  if (response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (response->status != ACCORD_IMAP_STATUS_OK)
    {
      g_task_return_new_error (task, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_AUTH,
                               _("%s:%u did not accept the user name or password: %s"),
                               accord_imap_client_get_host (self),
                               accord_imap_client_get_port (self), response->text);
      return;
    }

  self->authenticated = TRUE;
  if (g_strcmp0 (response->code, "CAPABILITY") == 0)
    {
      _set_capabilities (self, response->code_args);
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* RFC 3501 §6.2.3: logging in may change the capabilities. */
  _send (self, task, _request (self, "CAPABILITY"), NULL, _login_capability_cb);
}

/**
 * accord_imap_client_login_async:
 *
 * Logs in with AUTHENTICATE PLAIN where the server offers it (in one line with
 * SASL-IR), else with LOGIN; refuses when the server has disabled LOGIN and offers no
 * PLAIN. A wrong user name or password fails with %ACCORD_IMAP_ERROR_AUTH.
 */
void
accord_imap_client_login_async (AccordImapClient    *self,
                                const char          *username,
                                const char          *password,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AccordImapRequest *request;

  g_return_if_fail (ACCORD_IS_IMAP_CLIENT (self));
  g_return_if_fail (username != NULL);
  g_return_if_fail (password != NULL);

  task = _task_new (self, cancellable, callback, user_data, accord_imap_client_login_async);

  if (self->authenticated)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (accord_imap_client_has_capability (self, "AUTH=PLAIN"))
    {
      gsize user_len = strlen (username);
      gsize password_len = strlen (password);
      gsize len = user_len + password_len + 2;
      g_autofree guint8 *plain = g_malloc (len);
      g_autofree char *encoded = NULL;

      plain[0] = '\0';
      memcpy (plain + 1, username, user_len);
      plain[1 + user_len] = '\0';
      memcpy (plain + 2 + user_len, password, password_len);
      encoded = g_base64_encode (plain, len);
      memset (plain, 0, len);

      if (accord_imap_client_has_capability (self, "SASL-IR"))
        {
          request = _request (self, "AUTHENTICATE PLAIN ");
          accord_imap_request_hide (request);
          accord_imap_request_add (request, encoded);
        }
      else
        {
          request = _request (self, "AUTHENTICATE PLAIN");
          accord_imap_request_hide (request);
          accord_imap_request_add_response (request, encoded);
        }
      memset (encoded, 0, strlen (encoded));
    }
  else if (accord_imap_client_has_capability (self, "LOGINDISABLED"))
    {
      g_task_return_new_error (task, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_AUTH,
                               _("%s:%u does not accept passwords on this connection. "
                                 "Use TLS or STARTTLS."),
                               accord_imap_client_get_host (self),
                               accord_imap_client_get_port (self));
      return;
    }
  else
    {
      request = _request (self, "LOGIN ");
      accord_imap_request_hide (request);
      accord_imap_request_add_string (request, username);
      accord_imap_request_add (request, " ");
      accord_imap_request_add_string (request, password);
    }

  _send (self, task, request, NULL, _login_cb);
}

gboolean
accord_imap_client_login_finish (AccordImapClient  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- enable ------------------------------------------------------------------------- */

static void
_simple_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(AccordImapResponse) response = _command_done (object, result, task, NULL);

  if (_op_finished (task))
    g_task_return_boolean (task, TRUE);
}

/**
 * accord_imap_client_enable_async:
 * @extensions: such as "QRESYNC"; accord_imap_client_is_enabled() then tells which the
 *   server enabled
 *
 * Fails with %ACCORD_IMAP_ERROR_UNSUPPORTED when the server has no ENABLE.
 */
void
accord_imap_client_enable_async (AccordImapClient    *self,
                                 const char * const  *extensions,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AccordImapRequest *request;

  g_return_if_fail (ACCORD_IS_IMAP_CLIENT (self));
  g_return_if_fail (extensions != NULL && extensions[0] != NULL);
  for (guint i = 0; extensions[i] != NULL; i++)
    g_return_if_fail (*extensions[i] != '\0' && strpbrk (extensions[i], " ()\"\r\n") == NULL);

  task = _task_new (self, cancellable, callback, user_data, accord_imap_client_enable_async);

  if (!accord_imap_client_has_capability (self, "ENABLE"))
    {
      g_task_return_new_error (task, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_UNSUPPORTED,
                               _("%s:%u cannot enable IMAP extensions (it lacks ENABLE)."),
                               accord_imap_client_get_host (self),
                               accord_imap_client_get_port (self));
      return;
    }

  request = _request (self, "ENABLE");
  for (guint i = 0; extensions[i] != NULL; i++)
    {
      accord_imap_request_add (request, " ");
      accord_imap_request_add (request, extensions[i]);
    }

  _send (self, task, request, NULL, _simple_cb);
}

gboolean
accord_imap_client_enable_finish (AccordImapClient  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- folders ------------------------------------------------------------------------ */

static void
_list_untagged_cb (AccordImapResponse *response,
                   gpointer            user_data)
{
  Op *op = _op (user_data);

  if (g_strcmp0 (response->name, "LIST") == 0)
    {
      GError *error = NULL;
      AccordImapFolder *folder = accord_imap_folder_new_from_list (response, &error);

      if (folder == NULL)
        _op_take_error (op, error);
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
  g_autoptr(AccordImapResponse) response = _command_done (object, result, task, NULL);

  if (_op_finished (task))
    g_task_return_pointer (task, g_steal_pointer (&_op (task)->folders),
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

  task = _task_new (self, cancellable, callback, user_data, accord_imap_client_list_async);
  _op (task)->folders = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_imap_folder_free);

  request = _request (self, "LIST \"\" \"*\"");
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

  _send (self, task, request, _list_untagged_cb, _list_cb);
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
  Op *op = _op (user_data);

  accord_imap_folder_take_status (g_ptr_array_index (op->folders, 0), response);
}

static void
_status_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = _op (task);
  g_autofree char *context = g_strdup_printf (_("The status of the folder “%s” could not be "
                                                "read."),
                                              op->folder);
  g_autoptr(AccordImapResponse) response = _command_done (object, result, task, context);
  AccordImapFolder *folder;

  if (!_op_finished (task))
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

  task = _task_new (self, cancellable, callback, user_data, accord_imap_client_status_async);
  op = _op (task);
  op->folder = g_strdup (folder);

  record = g_new0 (AccordImapFolder, 1);
  record->name = g_strdup (folder);
  record->raw_name = g_ascii_strcasecmp (folder, "INBOX") == 0
                     ? g_strdup ("INBOX") : accord_imap_utf7_encode (folder);
  if (record->raw_name == NULL)
    record->raw_name = g_strdup (folder);
  op->folders = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_imap_folder_free);
  g_ptr_array_add (op->folders, record);

  request = _request (self, "STATUS ");
  accord_imap_request_add_mailbox (request, folder);
  accord_imap_request_add (request, " ");
  accord_imap_request_add (request, _status_items (self));

  _send (self, task, request, _status_untagged_cb, _status_cb);
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
  Op *op = _op (user_data);
  AccordImapMailbox *mailbox = op->mailbox;
  guint64 number;

  if (response->status == ACCORD_IMAP_STATUS_OK && response->code != NULL)
    {
      if (accord_imap_response_code_number (response, "UIDVALIDITY", 0, &number))
        mailbox->uidvalidity = (guint32) MIN (number, G_MAXUINT32);
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
          mailbox->permanent_flags = _value_strings (g_ptr_array_index (response->code_args, 0));
        }
    }
  else if (g_strcmp0 (response->name, "FLAGS") == 0 && response->args != NULL &&
           response->args->len > 0)
    {
      g_strfreev (mailbox->flags);
      mailbox->flags = _value_strings (g_ptr_array_index (response->args, 0));
    }
  else if (g_strcmp0 (response->name, "EXISTS") == 0 && response->has_number)
    {
      mailbox->exists = response->number;
    }
  else if (g_strcmp0 (response->name, "VANISHED") == 0)
    {
      _take_vanished (op, response);
    }
  else if (g_strcmp0 (response->name, "FETCH") == 0)
    {
      GError *error = NULL;
      AccordImapMessage *message = accord_imap_message_new_from_fetch (response, NULL, &error);

      if (message == NULL)
        _op_take_error (op, error);
      else if (message->uid == 0)
        accord_imap_message_free (message);
      else
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
  Op *op = _op (task);
  g_autofree char *context = g_strdup_printf (_("The folder “%s” could not be opened."),
                                              op->folder);
  g_autoptr(AccordImapResponse) response = _command_done (object, result, task, context);

  /* RFC 3501 §6.3.1: a failed SELECT leaves no folder selected. */
  g_clear_pointer (&self->selected, g_free);
  self->selected_modseq = 0;
  if (response != NULL)
    {
      self->selected = g_strdup (op->folder);
      self->selected_modseq = op->mailbox->highestmodseq;
    }
  if (!_op_finished (task))
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

static gboolean
_is_uid_set (const char *set)
{
  return set != NULL && *set != '\0' && strspn (set, "0123456789:,*") == strlen (set);
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
                    _is_uid_set (qresync->known_uids));

  task = _task_new (self, cancellable, callback, user_data, accord_imap_client_select_async);
  op = _op (task);
  op->folder = g_strdup (folder);
  op->mailbox = accord_imap_mailbox_new ();
  op->mailbox->read_only = read_only;
  op->uids = g_array_new (FALSE, FALSE, sizeof (guint32));

  request = _request (self, read_only ? "EXAMINE " : "SELECT ");
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
      _add_enabled (self, "CONDSTORE");
    }

  _send (self, task, request, _select_untagged_cb, _select_cb);
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
  Op *op = _op (user_data);

  if (g_strcmp0 (response->name, "FETCH") == 0)
    {
      GError *error = NULL;
      AccordImapMessage *message = accord_imap_message_new_from_fetch (response, NULL, &error);

      if (message == NULL)
        _op_take_error (op, error);
      else if (message->uid == 0 || message->flags == NULL)
        accord_imap_message_free (message);
      else
        g_ptr_array_add (op->messages, message);
    }
  else if (g_strcmp0 (response->name, "VANISHED") == 0)
    {
      _take_vanished (op, response);
    }
}

static void
_fetch_flags_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(AccordImapResponse) response = _command_done (object, result, task, NULL);

  if (_op_finished (task))
    g_task_return_boolean (task, TRUE);
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
  g_return_if_fail (_is_uid_set (uid_set));

  task = _task_new (self, cancellable, callback, user_data,
                    accord_imap_client_fetch_flags_async);
  op = _op (task);
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

  _send_set (self, task, "UID FETCH ", uid_set, after->str, _fetch_flags_untagged_cb,
             _fetch_flags_cb);
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

  op = _op (G_TASK (result));
  if (vanished != NULL)
    *vanished = g_steal_pointer (&op->uids);

  return g_steal_pointer (&op->messages);
}

static void
_fetch_bodies_untagged_cb (AccordImapResponse *response,
                           gpointer            user_data)
{
  GTask *task = user_data;
  Op *op = _op (task);
  g_autoptr(AccordImapMessage) message = NULL;
  GError *error = NULL;
  gboolean has_body = FALSE;

  if (g_strcmp0 (response->name, "FETCH") != 0)
    return;

  message = accord_imap_message_new_from_fetch (response, &has_body, &error);
  if (message == NULL)
    {
      _op_take_error (op, error);
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
  g_return_if_fail (_is_uid_set (uid_set));
  g_return_if_fail (on_message != NULL);

  task = _task_new (self, cancellable, callback, user_data,
                    accord_imap_client_fetch_bodies_async);
  op = _op (task);
  op->on_message = on_message;
  op->message_data = message_data;

  _send_set (self, task, "UID FETCH ", uid_set,
             " (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])",
             _fetch_bodies_untagged_cb, _fetch_flags_cb);
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
  Op *op = _op (task);
  g_autofree char *context = g_strdup_printf (_("The message could not be stored in the "
                                                "folder “%s”."),
                                              op->folder);
  g_autoptr(AccordImapResponse) response = _command_done (object, result, task, context);
  guint64 uidvalidity;
  guint64 uid;

  if (!_op_finished (task))
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

  task = _task_new (self, cancellable, callback, user_data, accord_imap_client_append_async);
  _op (task)->folder = g_strdup (folder);

  request = _request (self, "APPEND ");
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

  _send (self, task, request, NULL, _append_cb);
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

  op = _op (G_TASK (result));
  if (uidvalidity != NULL)
    *uidvalidity = op->uidvalidity;

  return op->uid;
}

/* --- store -------------------------------------------------------------------------- */

static void
_store_untagged_cb (AccordImapResponse *response,
                    gpointer            user_data)
{
  Op *op = _op (user_data);

  if (g_strcmp0 (response->name, "FETCH") == 0)
    {
      GError *error = NULL;
      AccordImapMessage *message = accord_imap_message_new_from_fetch (response, NULL, &error);

      if (message == NULL)
        _op_take_error (op, error);
      else if (message->uid == 0)
        accord_imap_message_free (message);
      else
        g_ptr_array_add (op->messages, message);
    }
}

static void
_store_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = _op (task);
  g_autoptr(AccordImapResponse) response = _command_done (object, result, task, NULL);

  if (response != NULL && g_strcmp0 (response->code, "MODIFIED") == 0 &&
      response->code_args->len > 0)
    {
      const char *set = accord_imap_value_get_string (g_ptr_array_index (response->code_args,
                                                                         0));
      GError *error = NULL;

      if (set == NULL || !_add_uid_set (op->uids, set, op->clip, &error))
        _op_take_error (op, error != NULL ? error
                                          : g_error_new (ACCORD_IMAP_ERROR,
                                                         ACCORD_IMAP_ERROR_PROTOCOL,
                                                         _("The server reported modified "
                                                           "messages in a form that does "
                                                           "not follow the IMAP protocol.")));
    }

  if (_op_finished (task))
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
  g_return_if_fail (_is_uid_set (uid_set));
  g_return_if_fail (flags != NULL && _valid_flags (flags));

  task = _task_new (self, cancellable, callback, user_data,
                    accord_imap_client_store_flags_async);
  op = _op (task);
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

  _send_set (self, task, "UID STORE ", uid_set, after->str, _store_untagged_cb, _store_cb);
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

  op = _op (G_TASK (result));
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
  g_return_if_fail (uid_set == NULL || _is_uid_set (uid_set));

  task = _task_new (self, cancellable, callback, user_data,
                    accord_imap_client_expunge_async);

  if (uid_set == NULL)
    {
      _send (self, task, _request (self, "EXPUNGE"), NULL, _simple_cb);
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

  _send_set (self, task, "UID EXPUNGE ", uid_set, "", NULL, _simple_cb);
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

  source = _expand_in_order (source_set, &error);
  if (source == NULL)
    {
      _op_take_error (op, error);
      return;
    }
  dest = _expand_in_order (dest_set, &error);
  if (dest == NULL)
    {
      _op_take_error (op, error);
      return;
    }
  if (source->len != dest->len)
    goto malformed;

  op->uidvalidity = (guint32) uidvalidity;
  g_array_append_vals (op->source_uids, source->data, source->len);
  g_array_append_vals (op->dest_uids, dest->data, dest->len);
  return;

malformed:
  _op_take_error (op, g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_PROTOCOL,
                                   _("The server reported the copied messages in a form "
                                     "that does not follow the IMAP protocol.")));
}

static void
_move_untagged_cb (AccordImapResponse *response,
                   gpointer            user_data)
{
  /* RFC 6851 §4.3: MOVE reports COPYUID in an untagged OK. */
  if (response->status == ACCORD_IMAP_STATUS_OK && !response->has_number)
    _take_copyuid (_op (user_data), response);
}

static void
_move_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = _op (task);
  g_autofree char *context = g_strdup_printf (_("The messages could not be moved to the "
                                                "folder “%s”."),
                                              op->to);
  g_autoptr(AccordImapResponse) response = _command_done (object, result, task, context);

  if (response != NULL)
    _take_copyuid (op, response);

  if (_op_finished (task))
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
  Op *op = _op (task);
  g_autofree char *context = g_strdup_printf (_("The messages could not be moved to the "
                                                "folder “%s”."),
                                              op->to);
  g_autoptr(AccordImapResponse) response = _command_done (object, result, task, context);

  if (response == NULL)
    {
      _op_finished (task);
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
  Op *op = _op (task);
  const char *part = op->parts[op->part];
  AccordImapRequest *request;

  if (part == NULL)
    {
      if (_op_finished (task))
        g_task_return_boolean (task, TRUE);
      return;
    }

  switch (op->step)
    {
    case 0:
      request = _request (self, "UID COPY ");
      accord_imap_request_add (request, part);
      accord_imap_request_add (request, " ");
      accord_imap_request_add_mailbox (request, op->to);
      break;
    case 1:
      request = _request (self, "UID STORE ");
      accord_imap_request_add (request, part);
      accord_imap_request_add (request, " +FLAGS.SILENT (\\Deleted)");
      break;
    default:
      if (accord_imap_client_has_capability (self, "UIDPLUS"))
        {
          request = _request (self, "UID EXPUNGE ");
          accord_imap_request_add (request, part);
        }
      else
        {
          request = _request (self, "EXPUNGE");
        }
      break;
    }

  _send (self, task, request, NULL, _move_step_cb);
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
  g_return_if_fail (_is_uid_set (uid_set));
  g_return_if_fail (to_folder != NULL);

  task = _task_new (self, cancellable, callback, user_data, accord_imap_client_move_async);
  op = _op (task);
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
      AccordImapRequest *request = _request (self, "UID MOVE ");

      accord_imap_request_add (request, op->parts[i]);
      accord_imap_request_add (request, " ");
      accord_imap_request_add_mailbox (request, to_folder);
      _send (self, task, request, _move_untagged_cb, _move_cb);
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

  op = _op (G_TASK (result));
  if (uidvalidity != NULL)
    *uidvalidity = op->uidvalidity;
  if (source_uids != NULL)
    *source_uids = g_steal_pointer (&op->source_uids);
  if (dest_uids != NULL)
    *dest_uids = g_steal_pointer (&op->dest_uids);

  return TRUE;
}

/* --- search ------------------------------------------------------------------------- */

static void
_search_untagged_cb (AccordImapResponse *response,
                     gpointer            user_data)
{
  Op *op = _op (user_data);

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

static void
_search_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(AccordImapResponse) response = _command_done (object, result, task, NULL);

  if (_op_finished (task))
    g_task_return_pointer (task, g_steal_pointer (&_op (task)->uids),
                           (GDestroyNotify) g_array_unref);
}

/**
 * accord_imap_client_search_async:
 * @criteria: search keys as IMAP has them, sent as they are: "HEADER Message-ID
 *   \"<a@b>\"", "UNSEEN SINCE 1-Feb-2024"
 *
 * Searches the selected folder (UID SEARCH). The server's answer carries no tag, and a
 * server may run pipelined searches side by side: wait for one search to finish before
 * starting the next, or their results mix.
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
  g_return_if_fail (strpbrk (criteria, "\r\n") == NULL);

  task = _task_new (self, cancellable, callback, user_data, accord_imap_client_search_async);
  _op (task)->uids = g_array_new (FALSE, FALSE, sizeof (guint32));

  request = _request (self, "UID SEARCH ");
  accord_imap_request_add (request, criteria);
  _send (self, task, request, _search_untagged_cb, _search_cb);
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

/* --- create, rename, delete ------------------------------------------------------- */

static void
_folder_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordImapClient *self = g_task_get_source_object (task);
  Op *op = _op (task);
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

  response = _command_done (object, result, task, context);
  if (!_op_finished (task))
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
  g_autoptr(GTask) task = _task_new (self, cancellable, callback, user_data, source_tag);
  AccordImapRequest *request = _request (self, command);
  Op *op = _op (task);

  op->folder = g_strdup (folder);
  op->to = g_strdup (to);

  accord_imap_request_add_mailbox (request, folder);
  if (to != NULL)
    {
      accord_imap_request_add (request, " ");
      accord_imap_request_add_mailbox (request, to);
    }

  _send (self, task, request, NULL, _folder_cb);
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

/* --- noop, idle, logout ------------------------------------------------------------- */

/**
 * accord_imap_client_noop_async:
 *
 * Asks the server for nothing but its news (and keeps the connection alive).
 */
void
accord_imap_client_noop_async (AccordImapClient    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_IMAP_CLIENT (self));

  task = _task_new (self, cancellable, callback, user_data, accord_imap_client_noop_async);
  _send (self, task, _request (self, "NOOP"), NULL, _simple_cb);
}

gboolean
accord_imap_client_noop_finish (AccordImapClient  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
_idle_stop (GTask *task)
{
  AccordImapClient *self = g_task_get_source_object (task);
  Op *op = _op (task);

  op->stopping = TRUE;
  if (op->idling && !op->done_sent)
    {
      op->done_sent = TRUE;
      accord_imap_connection_continue (self->conn, "DONE", TRUE);
    }
}

static void
_idle_continuation_cb (AccordImapResponse *response,
                       gpointer            user_data)
{
  Op *op = _op (user_data);

  op->idling = TRUE;
  if (op->stopping)
    _idle_stop (user_data);
}

static void
_idle_untagged_cb (AccordImapResponse *response,
                   gpointer            user_data)
{
  static const char * const changes[] = { "EXISTS", "EXPUNGE", "FETCH", "VANISHED", NULL };

  if (response->name != NULL && g_strv_contains (changes, response->name))
    {
      _op (user_data)->changed = TRUE;
      _idle_stop (user_data);
    }
}

static gboolean
_on_idle_stop_cb (GCancellable *stop,
                  gpointer      user_data)
{
  _idle_stop (user_data);

  return G_SOURCE_REMOVE;
}

static gboolean
_on_idle_renewal_cb (gpointer user_data)
{
  _idle_stop (user_data);

  return G_SOURCE_REMOVE;
}

static void
_idle_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = _op (task);
  g_autoptr(AccordImapResponse) response = _command_done (object, result, task, NULL);

  /* Nothing may send DONE any more. */
  op->done_sent = TRUE;
  if (op->stop_source != NULL)
    g_source_destroy (op->stop_source);
  if (op->idle_timer != NULL)
    g_source_destroy (op->idle_timer);

  if (_op_finished (task))
    g_task_return_boolean (task, TRUE);
}

/**
 * accord_imap_client_idle_async:
 * @stop: (nullable): cancelling it ends IDLE; it is not an error
 *
 * Waits in IDLE (RFC 2177) until the server reports a change in the selected folder
 * (a new, expunged or changed message), @stop is cancelled, or 25 minutes have passed,
 * as servers end IDLE after 30. The server may stay silent meanwhile without a timeout.
 * Fails with %ACCORD_IMAP_ERROR_UNSUPPORTED when the server has no IDLE.
 */
void
accord_imap_client_idle_async (AccordImapClient    *self,
                               GCancellable        *stop,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GMainContext *context = g_main_context_get_thread_default ();
  Op *op;

  g_return_if_fail (ACCORD_IS_IMAP_CLIENT (self));
  g_return_if_fail (!stop || G_IS_CANCELLABLE (stop));

  task = _task_new (self, NULL, callback, user_data, accord_imap_client_idle_async);
  op = _op (task);

  if (!accord_imap_client_has_capability (self, "IDLE"))
    {
      g_task_return_new_error (task, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_UNSUPPORTED,
                               _("%s:%u cannot report changes as they happen (it lacks "
                                 "IDLE)."),
                               accord_imap_client_get_host (self),
                               accord_imap_client_get_port (self));
      return;
    }
  if (g_cancellable_is_cancelled (stop))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (stop != NULL)
    {
      op->stop_source = g_cancellable_source_new (stop);
      g_source_set_static_name (op->stop_source, "[accord] IMAP IDLE stop");
      g_source_set_callback (op->stop_source, (GSourceFunc) _on_idle_stop_cb, task, NULL);
      g_source_attach (op->stop_source, context);
    }
  op->idle_timer = g_timeout_source_new_seconds (IDLE_MAX_SECONDS);
  g_source_set_static_name (op->idle_timer, "[accord] IMAP IDLE renewal");
  g_source_set_callback (op->idle_timer, _on_idle_renewal_cb, task, NULL);
  g_source_attach (op->idle_timer, context);

  op->pending++;
  accord_imap_connection_send_async (self->conn, _request (self, "IDLE"),
                                     ACCORD_IMAP_COMMAND_OPEN, _idle_untagged_cb,
                                     _idle_continuation_cb, task, NULL, _idle_cb,
                                     g_object_ref (task));
}

/**
 * accord_imap_client_idle_finish:
 * @changed: (out) (optional): whether the server reported a change
 */
gboolean
accord_imap_client_idle_finish (AccordImapClient  *self,
                                GAsyncResult      *result,
                                gboolean          *changed,
                                GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (changed != NULL)
    *changed = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (changed != NULL)
    *changed = _op (G_TASK (result))->changed;

  return TRUE;
}

static void
_logout_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordImapClient *self = g_task_get_source_object (task);
  g_autoptr(AccordImapResponse) response = _command_done (object, result, task, NULL);

  accord_imap_connection_close (self->conn, NULL);
  g_clear_pointer (&self->selected, g_free);

  if (_op_finished (task))
    g_task_return_boolean (task, TRUE);
}

/**
 * accord_imap_client_logout_async:
 *
 * Logs out and closes the connection. Succeeds at once when it is closed already.
 */
void
accord_imap_client_logout_async (AccordImapClient    *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_IMAP_CLIENT (self));

  task = _task_new (self, cancellable, callback, user_data, accord_imap_client_logout_async);

  if (!accord_imap_connection_is_open (self->conn))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  _send (self, task, _request (self, "LOGOUT"), NULL, _logout_cb);
}

gboolean
accord_imap_client_logout_finish (AccordImapClient  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
