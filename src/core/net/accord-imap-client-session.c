/* accord-imap-client-session.c - connecting, logging in, enabling extensions, idling
 * and logging out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-imap-client-private.h"
#include "accord-net-utils.h"

/* RFC 2177: IDLE should be renewed before 29 minutes have passed. */
#define IDLE_MAX_SECONDS (25 * 60)

/* --- capabilities ----------------------------------------------------------------- */

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
            _accord_imap_client_add_enabled (self, value->str);
        }
    }
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
      error = _accord_imap_client_refusal (self, response, ACCORD_IMAP_ERROR_PROTOCOL, NULL);
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
      accord_imap_connection_send_async (self->conn,
                                         _accord_imap_client_request (self, "CAPABILITY"),
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
_login_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordImapClient *self = g_task_get_source_object (task);
  g_autoptr(AccordImapResponse) response = NULL;
  Op *op = _accord_imap_client_op (task);
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
  _accord_imap_client_send (self, task, _accord_imap_client_request (self, "CAPABILITY"), NULL,
                            _accord_imap_client_simple_cb);
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

  task = _accord_imap_client_task_new (self, cancellable, callback, user_data,
                                       accord_imap_client_login_async);

  if (self->authenticated)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (accord_imap_client_has_capability (self, "AUTH=PLAIN"))
    {
      char *encoded = _accord_net_sasl_plain (username, password);

      if (accord_imap_client_has_capability (self, "SASL-IR"))
        {
          request = _accord_imap_client_request (self, "AUTHENTICATE PLAIN ");
          accord_imap_request_hide (request);
          accord_imap_request_add (request, encoded);
        }
      else
        {
          request = _accord_imap_client_request (self, "AUTHENTICATE PLAIN");
          accord_imap_request_hide (request);
          accord_imap_request_add_response (request, encoded);
        }
      _accord_net_wipe_free (encoded);
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
      request = _accord_imap_client_request (self, "LOGIN ");
      accord_imap_request_hide (request);
      accord_imap_request_add_string (request, username);
      accord_imap_request_add (request, " ");
      accord_imap_request_add_string (request, password);
    }

  _accord_imap_client_send (self, task, request, NULL, _login_cb);
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

  task = _accord_imap_client_task_new (self, cancellable, callback, user_data,
                                       accord_imap_client_enable_async);

  if (!accord_imap_client_has_capability (self, "ENABLE"))
    {
      g_task_return_new_error (task, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_UNSUPPORTED,
                               _("%s:%u cannot enable IMAP extensions (it lacks ENABLE)."),
                               accord_imap_client_get_host (self),
                               accord_imap_client_get_port (self));
      return;
    }

  request = _accord_imap_client_request (self, "ENABLE");
  for (guint i = 0; extensions[i] != NULL; i++)
    {
      accord_imap_request_add (request, " ");
      accord_imap_request_add (request, extensions[i]);
    }

  _accord_imap_client_send (self, task, request, NULL, _accord_imap_client_simple_cb);
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

  task = _accord_imap_client_task_new (self, cancellable, callback, user_data,
                                       accord_imap_client_noop_async);
  _accord_imap_client_send (self, task, _accord_imap_client_request (self, "NOOP"), NULL,
                            _accord_imap_client_simple_cb);
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
  Op *op = _accord_imap_client_op (task);

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
  Op *op = _accord_imap_client_op (user_data);

  op->idling = TRUE;
  if (op->stopping)
    _idle_stop (user_data);
}

static gboolean
_reports_change (const AccordImapResponse *response)
{
  /* STATUS and LIST: another folder changed, as NOTIFY reports it. */
  static const char * const changes[] = { "EXISTS", "EXPUNGE", "FETCH", "VANISHED", "STATUS", "LIST",
                                          NULL };

  return response->name != NULL && g_strv_contains (changes, response->name);
}

static void
_idle_untagged_cb (AccordImapResponse *response,
                   gpointer            user_data)
{
  if (_reports_change (response))
    {
      _accord_imap_client_op (user_data)->changed = TRUE;
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
  Op *op = _accord_imap_client_op (task);
  g_autoptr(AccordImapResponse) response =
      _accord_imap_client_command_done (object, result, task, NULL);

  /* Nothing may send DONE any more. */
  op->done_sent = TRUE;
  if (op->stop_source != NULL)
    g_source_destroy (op->stop_source);
  if (op->idle_timer != NULL)
    g_source_destroy (op->idle_timer);

  if (_accord_imap_client_op_finished (task))
    g_task_return_boolean (task, TRUE);
}

/* --- notify ------------------------------------------------------------------------ */

static void
_notify_untagged_cb (AccordImapResponse *response,
                     gpointer            user_data)
{
  if (_reports_change (response))
    _accord_imap_client_op (user_data)->changed = TRUE;
}

/**
 * accord_imap_client_notify_async:
 *
 * Asks the server (NOTIFY, RFC 5465) to report changes in every folder of the person,
 * not only the selected one: new, expunged and changed messages, and folders made,
 * removed or renamed. An IDLE that follows then ends at a change anywhere. Fails with
 * %ACCORD_IMAP_ERROR_UNSUPPORTED when the server has no NOTIFY.
 */
void
accord_imap_client_notify_async (AccordImapClient    *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_IMAP_CLIENT (self));

  task = _accord_imap_client_task_new (self, cancellable, callback, user_data,
                                       accord_imap_client_notify_async);
  if (!accord_imap_client_has_capability (self, "NOTIFY"))
    {
      g_task_return_new_error (task, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_UNSUPPORTED,
                               _("%s:%u cannot report changes in other folders (it lacks "
                                 "NOTIFY)."),
                               accord_imap_client_get_host (self),
                               accord_imap_client_get_port (self));
      return;
    }

  /* RFC 5465 §5: FlagChange only with MessageNew and MessageExpunge. A change may be
   * reported before the command's own answer: it is kept for the caller. */
  _accord_imap_client_send (self, task,
                            _accord_imap_client_request (self,
                                                         "NOTIFY SET "
                                                         "(selected (MessageNew MessageExpunge FlagChange)) "
                                                         "(personal (MessageNew MessageExpunge FlagChange "
                                                         "MailboxName))"),
                            _notify_untagged_cb, _accord_imap_client_simple_cb);
}

/**
 * accord_imap_client_notify_finish:
 * @changed: (out) (optional): whether a change was reported while the command ran
 */
gboolean
accord_imap_client_notify_finish (AccordImapClient  *self,
                                  GAsyncResult      *result,
                                  gboolean          *changed,
                                  GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (changed != NULL)
    *changed = _accord_imap_client_op (G_TASK (result))->changed;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * accord_imap_client_idle_async:
 * @stop: (nullable): cancelling it ends IDLE; it is not an error
 *
 * Waits in IDLE (RFC 2177) until the server reports a change in the selected folder
 * (a new, expunged or changed message) or, after accord_imap_client_notify_async(), in
 * any folder, @stop is cancelled, or 25 minutes have passed,
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

  task =
      _accord_imap_client_task_new (self, NULL, callback, user_data, accord_imap_client_idle_async);
  op = _accord_imap_client_op (task);

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
  accord_imap_connection_send_async (self->conn, _accord_imap_client_request (self, "IDLE"),
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
    *changed = _accord_imap_client_op (G_TASK (result))->changed;

  return TRUE;
}

static void
_logout_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordImapClient *self = g_task_get_source_object (task);
  g_autoptr(AccordImapResponse) response =
      _accord_imap_client_command_done (object, result, task, NULL);

  accord_imap_connection_close (self->conn, NULL);
  g_clear_pointer (&self->selected, g_free);
  self->selected_uidvalidity = 0;

  if (_accord_imap_client_op_finished (task))
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

  task = _accord_imap_client_task_new (self, cancellable, callback, user_data,
                                       accord_imap_client_logout_async);

  if (!accord_imap_connection_is_open (self->conn))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  _accord_imap_client_send (self, task, _accord_imap_client_request (self, "LOGOUT"), NULL,
                            _logout_cb);
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
