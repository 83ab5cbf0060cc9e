/* accord-smtp-client.c - an SMTP submission client (RFC 5321, 6409, 3207, 4954, 1870,
 * 6152, 6531, 2920, 3463)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-smtp-client-private.h"

/**
 * AccordSmtpClient:
 *
 * A connection to an SMTP submission server. Connecting reads the greeting, says EHLO,
 * starts TLS when asked to and learns the extensions; accord_smtp_client_login_async()
 * logs in; accord_smtp_client_send_async() sends one message to its recipients. The
 * operations may be issued without waiting for each other: they run one after the
 * other, in order. With PIPELINING, MAIL and every RCPT go out together.
 *
 * A message goes to all of its recipients or to none: when the server refuses one
 * recipient, the transaction is reset before DATA, and the error names the recipient.
 *
 * Passwords are sent only over TLS.
 */

G_DEFINE_FINAL_TYPE (AccordSmtpClient, accord_smtp_client, G_TYPE_OBJECT)

/* --- object ------------------------------------------------------------------------- */

static void
accord_smtp_client_finalize (GObject *object)
{
  AccordSmtpClient *self = (AccordSmtpClient *) object;

  /* Commands and operations hold a reference to the client through their tasks. */
  g_assert (g_queue_is_empty (&self->ops));
  g_assert (g_queue_is_empty (&self->pending));
  g_assert (g_queue_is_empty (&self->sent));
  g_assert (self->current_op == NULL);

  g_clear_object (&self->conn);
  g_clear_object (&self->database);
  g_free (self->host);
  g_free (self->pin);
  g_free (self->greeting);
  g_free (self->ehlo_name);
  g_strfreev (self->extensions);
  g_strfreev (self->mechanisms);
  g_clear_error (&self->closed);

  G_OBJECT_CLASS (accord_smtp_client_parent_class)->finalize (object);
}

static void
accord_smtp_client_class_init (AccordSmtpClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = accord_smtp_client_finalize;
}

static void
accord_smtp_client_init (AccordSmtpClient *self)
{
  self->extensions = g_new0 (char *, 1);
  self->mechanisms = g_new0 (char *, 1);
  g_queue_init (&self->ops);
  g_queue_init (&self->pending);
  g_queue_init (&self->sent);
}

const char *
accord_smtp_client_get_host (AccordSmtpClient *self)
{
  g_return_val_if_fail (ACCORD_IS_SMTP_CLIENT (self), NULL);

  return self->host;
}

guint16
accord_smtp_client_get_port (AccordSmtpClient *self)
{
  g_return_val_if_fail (ACCORD_IS_SMTP_CLIENT (self), 0);

  return self->port;
}

/**
 * accord_smtp_client_get_greeting:
 *
 * Returns: the text of the server's greeting, fit to show
 */
const char *
accord_smtp_client_get_greeting (AccordSmtpClient *self)
{
  g_return_val_if_fail (ACCORD_IS_SMTP_CLIENT (self), NULL);

  return self->greeting;
}

/**
 * accord_smtp_client_has_extension:
 * @keyword: e.g. "PIPELINING", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES"
 *
 * Returns: whether the last EHLO reply announced @keyword
 */
gboolean
accord_smtp_client_has_extension (AccordSmtpClient *self,
                                  const char       *keyword)
{
  g_return_val_if_fail (ACCORD_IS_SMTP_CLIENT (self), FALSE);
  g_return_val_if_fail (keyword != NULL, FALSE);

  for (guint i = 0; self->extensions[i] != NULL; i++)
    if (g_ascii_strcasecmp (self->extensions[i], keyword) == 0)
      return TRUE;

  return FALSE;
}

/**
 * accord_smtp_client_get_auth_mechanisms:
 *
 * Returns: (transfer none): the SASL mechanisms of the last EHLO reply, upper case
 */
const char * const *
accord_smtp_client_get_auth_mechanisms (AccordSmtpClient *self)
{
  g_return_val_if_fail (ACCORD_IS_SMTP_CLIENT (self), NULL);

  return (const char * const *) self->mechanisms;
}

/**
 * accord_smtp_client_get_size_limit:
 *
 * Returns: the largest message the server accepts, in bytes (SIZE); 0 if it did not say
 */
guint64
accord_smtp_client_get_size_limit (AccordSmtpClient *self)
{
  g_return_val_if_fail (ACCORD_IS_SMTP_CLIENT (self), 0);

  return self->size_limit;
}

gboolean
accord_smtp_client_is_logged_in (AccordSmtpClient *self)
{
  g_return_val_if_fail (ACCORD_IS_SMTP_CLIENT (self), FALSE);

  return self->logged_in;
}

/* --- EHLO --------------------------------------------------------------------------- */

void
_accord_smtp_take_ehlo (AccordSmtpClient *self,
                        SmtpCommand      *cmd)
{
  g_autoptr(GPtrArray) extensions = g_ptr_array_new ();
  g_autoptr(GPtrArray) mechanisms = g_ptr_array_new ();

  /* The first line names the server; each further one is "KEYWORD params". Some old
   * servers write "AUTH=PLAIN LOGIN" beside "AUTH PLAIN LOGIN". */
  self->size_limit = 0;
  for (guint i = 1; i < cmd->lines->len; i++)
    {
      g_auto(GStrv) words = g_strsplit_set (g_ptr_array_index (cmd->lines, i), " =", -1);

      if (words[0] == NULL || *words[0] == '\0')
        continue;

      g_ptr_array_add (extensions, g_ascii_strup (words[0], -1));
      if (g_ascii_strcasecmp (words[0], "AUTH") == 0)
        {
          for (guint j = 1; words[j] != NULL; j++)
            if (*words[j] != '\0')
              g_ptr_array_add (mechanisms, g_ascii_strup (words[j], -1));
        }
      else if (g_ascii_strcasecmp (words[0], "SIZE") == 0 && words[1] != NULL)
        {
          guint64 limit = 0;

          if (g_ascii_string_to_unsigned (words[1], 10, 0, G_MAXUINT64, &limit, NULL))
            self->size_limit = limit;
        }
    }

  g_ptr_array_add (extensions, NULL);
  g_ptr_array_add (mechanisms, NULL);
  g_strfreev (self->extensions);
  g_strfreev (self->mechanisms);
  self->extensions = (char **) g_ptr_array_steal (extensions, NULL);
  self->mechanisms = (char **) g_ptr_array_steal (mechanisms, NULL);
}

static GError *
_smtp_ehlo_refused (AccordSmtpClient *self,
                    SmtpCommand      *cmd)
{
  g_autofree char *text = _accord_smtp_reply_text (cmd);

  return g_error_new (ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_PROTOCOL,
                      _("%s:%u did not accept EHLO: %s. It may not be an SMTP submission "
                        "server."),
                      self->host, self->port, text);
}

void
_accord_smtp_send_ehlo (AccordSmtpClient *self,
                        GTask            *task,
                        SmtpHandler       handler)
{
  g_autofree char *line = NULL;

  if (self->ehlo_name == NULL)
    self->ehlo_name = accord_line_connection_dup_local_address_literal (self->conn);

  line = g_strconcat ("EHLO ", self->ehlo_name, NULL);
  _accord_smtp_send (self, task, line, NULL, FALSE, handler);
}

static void
_ehlo_cb (AccordSmtpClient *self,
          GTask            *task,
          SmtpCommand      *cmd)
{
  if (cmd->code != 250)
    {
      _accord_smtp_task_return (self, task, _smtp_ehlo_refused (self, cmd));
      return;
    }

  _accord_smtp_take_ehlo (self, cmd);
  _accord_smtp_task_return (self, task, NULL);
}

static void
_ehlo_start (AccordSmtpClient *self,
             GTask            *task)
{
  char *name = g_task_get_task_data (task);

  if (name != NULL)
    {
      g_free (self->ehlo_name);
      self->ehlo_name = g_strdup (name);
    }

  _accord_smtp_send_ehlo (self, task, _ehlo_cb);
}

/**
 * accord_smtp_client_ehlo_async:
 * @name: (nullable): the name to introduce this computer with, a domain name or an
 *   address literal; %NULL for the address literal of the connection's local end, as
 *   connecting uses
 *
 * Says EHLO again and learns the extensions anew. Connecting and logging in do this
 * already; a later EHLO also keeps @name.
 */
void
accord_smtp_client_ehlo_async (AccordSmtpClient    *self,
                               const char          *name,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_SMTP_CLIENT (self));
  g_return_if_fail (name == NULL || (*name != '\0' && strpbrk (name, " \t\r\n") == NULL));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_smtp_client_ehlo_async);
  g_task_set_task_data (task, g_strdup (name), g_free);

  _accord_smtp_op_queue (self, task, _ehlo_start);
}

gboolean
accord_smtp_client_ehlo_finish (AccordSmtpClient  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_SMTP_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- connecting --------------------------------------------------------------------- */

static void _connect_greeting_cb (AccordSmtpClient *self,
                                  GTask            *task,
                                  SmtpCommand      *cmd);

static void
_connect_done (AccordSmtpClient *self,
               GTask            *task)
{
  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

static void
_connect_ehlo_cb (AccordSmtpClient *self,
                  GTask            *task,
                  SmtpCommand      *cmd)
{
  if (cmd->code != 250)
    {
      g_task_return_error (task, _smtp_ehlo_refused (self, cmd));
      return;
    }

  _accord_smtp_take_ehlo (self, cmd);

  if (self->security == ACCORD_SECURITY_STARTTLS && !accord_line_connection_is_tls (self->conn))
    {
      if (!accord_smtp_client_has_extension (self, "STARTTLS"))
        {
          g_task_return_new_error (task, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_NO_STARTTLS,
                                   _("%s:%u does not offer STARTTLS, so the connection "
                                     "cannot be encrypted. Accord does not continue "
                                     "without encryption; if the server offers TLS on "
                                     "another port, use that."),
                                   self->host, self->port);
          return;
        }

      _accord_smtp_send (self, task, "STARTTLS", NULL, FALSE, _connect_greeting_cb);
      return;
    }

  _connect_done (self, task);
}

static void
_connect_tls_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordSmtpClient *self = g_task_get_task_data (task);
  GError *error = NULL;

  if (!accord_line_connection_start_tls_finish (self->conn, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (self->security == ACCORD_SECURITY_TLS)
    {
      _accord_smtp_send (self, task, NULL, NULL, FALSE, _connect_greeting_cb);
      return;
    }

  /* Whatever the server announced before TLS could have been forged (RFC 3207 4.2). */
  _accord_smtp_send_ehlo (self, task, _connect_ehlo_cb);
}

static void
_connect_start_tls (AccordSmtpClient *self,
                    GTask            *task)
{
  accord_line_connection_start_tls_async (self->conn, self->database, self->pin,
                                          g_task_get_cancellable (task),
                                          _connect_tls_cb, g_object_ref (task));
}

/* The greeting, and the reply to STARTTLS: both are 220. */
static void
_connect_greeting_cb (AccordSmtpClient *self,
                      GTask            *task,
                      SmtpCommand      *cmd)
{
  g_autofree char *text = _accord_smtp_reply_text (cmd);

  if (self->greeting != NULL)
    {
      if (cmd->code != 220)
        {
          g_task_return_new_error (task, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_NO_STARTTLS,
                                   _("%s:%u offers STARTTLS but refused to start it: %s. "
                                     "Accord does not continue without encryption."),
                                   self->host, self->port, text);
          return;
        }

      _connect_start_tls (self, task);
      return;
    }

  if (cmd->code != 220)
    {
      g_task_return_error (task, g_error_new (ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_CONNECT,
                                        _("%s:%u turned the connection away: %s."),
                                        self->host, self->port, text));
      return;
    }

  self->greeting = g_strdup (strlen (text) > 4 ? text + 4 : "");
  _accord_smtp_send_ehlo (self, task, _connect_ehlo_cb);
}

static void
_connect_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordSmtpClient *self = g_task_get_task_data (task);
  GError *error = NULL;

  self->conn = accord_line_connection_connect_finish (result, &error);
  if (self->conn == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (self->security == ACCORD_SECURITY_TLS)
    _connect_start_tls (self, task);
  else
    _accord_smtp_send (self, task, NULL, NULL, FALSE, _connect_greeting_cb);
}

/**
 * accord_smtp_client_connect_async:
 * @security: %ACCORD_SECURITY_STARTTLS needs STARTTLS to be announced and to succeed;
 *   the connection never carries on without encryption
 * @pinned: (nullable): the SHA-256 fingerprint of a certificate the person accepted
 *   for this host, accepted when verification fails
 * @database: (nullable): the certificate authorities to trust; %NULL for the system's
 * @timeout: seconds allowed for connecting, the handshake and each line
 *
 * Connects, reads the greeting, says EHLO with the address literal of the local end,
 * and secures the connection as @security says.
 */
void
accord_smtp_client_connect_async (const char          *host,
                                  guint16              port,
                                  AccordSecurity       security,
                                  const char          *pinned,
                                  GTlsDatabase        *database,
                                  guint                timeout,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AccordSmtpClient *self;

  g_return_if_fail (host != NULL && *host != '\0');
  g_return_if_fail (port != 0);
  g_return_if_fail (security == ACCORD_SECURITY_TLS || security == ACCORD_SECURITY_STARTTLS ||
                    security == ACCORD_SECURITY_NONE);
  g_return_if_fail (!database || G_IS_TLS_DATABASE (database));
  g_return_if_fail (timeout > 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  self = g_object_new (ACCORD_TYPE_SMTP_CLIENT, NULL);
  self->host = g_strdup (host);
  self->port = port;
  self->security = security;
  self->pin = g_strdup (pinned);
  g_set_object (&self->database, database);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_smtp_client_connect_async);
  g_task_set_task_data (task, self, g_object_unref);

  accord_line_connection_connect_async (host, port, timeout, cancellable,
                                        _connect_cb, g_steal_pointer (&task));
}

/**
 * accord_smtp_client_connect_finish:
 *
 * Returns: (transfer full): the client, not logged in yet
 */
AccordSmtpClient *
accord_smtp_client_connect_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- leaving ------------------------------------------------------------------------ */

static void
_quit_close_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordSmtpClient *self = g_task_get_source_object (task);

  /* The server has answered; how the connection ends does not matter. */
  accord_line_connection_close_finish (ACCORD_LINE_CONNECTION (object), result, NULL);

  _accord_smtp_task_return (self, task, NULL);
}

static void
_quit_cb (AccordSmtpClient *self,
          GTask            *task,
          SmtpCommand      *cmd)
{
  if (self->closed == NULL)
    self->closed = g_error_new (ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_CLOSED,
                                _("The connection to %s:%u was closed."),
                                self->host, self->port);

  self->conn_closed = TRUE;
  accord_line_connection_close_async (self->conn, NULL, _quit_close_cb, g_object_ref (task));
}

static void
_quit_start (AccordSmtpClient *self,
             GTask            *task)
{
  _accord_smtp_send (self, task, "QUIT", NULL, FALSE, _quit_cb);
}

/**
 * accord_smtp_client_quit_async:
 *
 * Says goodbye and closes the connection. Operations queued behind it fail with
 * %ACCORD_SMTP_ERROR_CLOSED.
 */
void
accord_smtp_client_quit_async (AccordSmtpClient    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_SMTP_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_smtp_client_quit_async);

  _accord_smtp_op_queue (self, task, _quit_start);
}

gboolean
accord_smtp_client_quit_finish (AccordSmtpClient  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_SMTP_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
