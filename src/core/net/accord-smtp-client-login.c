/* accord-smtp-client-login.c - logging in to an SMTP server (RFC 4954)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-net-utils.h"
#include "accord-smtp-client-private.h"

/* --- logging in --------------------------------------------------------------------- */

typedef struct
{
  char   *username;
  char   *password;
  GError *error;      /* to report once a cancelled exchange is over */
} LoginData;

static void
_login_data_free (LoginData *data)
{
  _accord_net_wipe_free (data->username);
  _accord_net_wipe_free (data->password);
  g_clear_error (&data->error);
  g_free (data);
}

static void
_login_ehlo_cb (AccordSmtpClient *self,
                GTask            *task,
                SmtpCommand      *cmd)
{
  /* Servers may announce more once logged in (Dovecot: SIZE); a refusal keeps what was. */
  if (cmd->code == 250)
    _accord_smtp_take_ehlo (self, cmd);

  _accord_smtp_task_return (self, task, NULL);
}

static void
_login_cancelled_cb (AccordSmtpClient *self,
                     GTask            *task,
                     SmtpCommand      *cmd)
{
  LoginData *data = g_task_get_task_data (task);

  _accord_smtp_task_return (self, task, g_steal_pointer (&data->error));
}

static void
_login_result_cb (AccordSmtpClient *self,
                  GTask            *task,
                  SmtpCommand      *cmd)
{
  LoginData *data = g_task_get_task_data (task);
  g_autofree char *text = _accord_smtp_reply_text (cmd);

  switch (cmd->code)
    {
    case 235:
      self->logged_in = TRUE;
      _accord_smtp_send_ehlo (self, task, _login_ehlo_cb);
      return;

    case 334:
      /* A challenge where none was due: cancel the exchange (RFC 4954 4). */
      data->error = _accord_smtp_reply_error (cmd, ACCORD_SMTP_ERROR_LOGIN,
                                              _("%s:%u asked for more than a user name and "
                                                "password: %s"),
                                              self->host, self->port, text);
      _accord_smtp_send (self, task, "*", NULL, FALSE, _login_cancelled_cb);
      return;

    case 535:
      _accord_smtp_task_return (self, task,
                                _accord_smtp_reply_error (cmd, ACCORD_SMTP_ERROR_AUTH,
                                                          _("%s:%u refused the user name or "
                                                            "password: %s"),
                                                          self->host, self->port, text));
      return;

    default:
      _accord_smtp_task_return (self, task,
                                _accord_smtp_reply_error (cmd, ACCORD_SMTP_ERROR_LOGIN,
                                                          _("%s:%u did not log you in: %s"),
                                                          self->host, self->port, text));
      return;
    }
}

static void
_login_password_cb (AccordSmtpClient *self,
                    GTask            *task,
                    SmtpCommand      *cmd)
{
  LoginData *data = g_task_get_task_data (task);
  char *encoded;

  if (cmd->code != 334)
    {
      _login_result_cb (self, task, cmd);
      return;
    }

  encoded = g_base64_encode ((const guchar *) data->password, strlen (data->password));
  _accord_smtp_send (self, task, encoded, "<password>", FALSE, _login_result_cb);
  _accord_net_wipe_free (encoded);
}

static void
_login_username_cb (AccordSmtpClient *self,
                    GTask            *task,
                    SmtpCommand      *cmd)
{
  LoginData *data = g_task_get_task_data (task);
  g_autofree char *encoded = NULL;

  if (cmd->code != 334)
    {
      _login_result_cb (self, task, cmd);
      return;
    }

  encoded = g_base64_encode ((const guchar *) data->username, strlen (data->username));
  _accord_smtp_send (self, task, encoded, "<user name>", FALSE, _login_password_cb);
}

static gboolean
_has_mechanism (AccordSmtpClient *self,
                const char       *mechanism)
{
  return g_strv_contains ((const char * const *) self->mechanisms, mechanism);
}

static void
_login_start (AccordSmtpClient *self,
              GTask            *task)
{
  LoginData *data = g_task_get_task_data (task);

  if (!accord_line_connection_is_tls (self->conn))
    {
      _accord_smtp_task_return (self, task,
                                g_error_new (ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_LOGIN,
                                             _("Accord sends passwords only over an encrypted "
                                               "connection, and the one to %s:%u is not "
                                               "encrypted."),
                                             self->host, self->port));
      return;
    }

  if (_has_mechanism (self, "PLAIN"))
    {
      char *payload = _accord_net_sasl_plain (data->username, data->password);
      char *line = g_strconcat ("AUTH PLAIN ", payload, NULL);

      _accord_smtp_send (self, task, line, "AUTH PLAIN <credentials>", FALSE, _login_result_cb);
      _accord_net_wipe_free (line);
      _accord_net_wipe_free (payload);
      return;
    }

  if (_has_mechanism (self, "LOGIN"))
    {
      _accord_smtp_send (self, task, "AUTH LOGIN", NULL, FALSE, _login_username_cb);
      return;
    }

  if (self->mechanisms[0] == NULL)
    _accord_smtp_task_return (self, task,
                              g_error_new (ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_LOGIN,
                                           _("%s:%u does not offer to log in; it may only accept "
                                             "mail for its own users, not send it for you."),
                                           self->host, self->port));
  else
    _accord_smtp_task_return (self, task,
                              g_error_new (ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_LOGIN,
                                           _("%s:%u offers no way to log in with a password that "
                                             "Accord supports."),
                                           self->host, self->port));
}

/**
 * accord_smtp_client_login_async:
 *
 * Logs in with AUTH PLAIN, or AUTH LOGIN when the server offers no PLAIN, then says
 * EHLO again, since servers announce more (such as SIZE) to users who logged in. Only
 * over TLS.
 *
 * Wrong credentials (535) fail with %ACCORD_SMTP_ERROR_AUTH; anything else that keeps
 * the login from working with %ACCORD_SMTP_ERROR_LOGIN.
 */
void
accord_smtp_client_login_async (AccordSmtpClient    *self,
                                const char          *username,
                                const char          *password,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoginData *data;

  g_return_if_fail (ACCORD_IS_SMTP_CLIENT (self));
  g_return_if_fail (username != NULL);
  g_return_if_fail (password != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_smtp_client_login_async);

  if (strpbrk (username, "\r\n") != NULL || strpbrk (password, "\r\n") != NULL)
    {
      g_task_return_new_error (task, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_LOGIN,
                               _("The user name or password contains a line break, which "
                                 "cannot be sent to the server."));
      return;
    }

  data = g_new0 (LoginData, 1);
  data->username = g_strdup (username);
  data->password = g_strdup (password);
  g_task_set_task_data (task, data, (GDestroyNotify) _login_data_free);

  _accord_smtp_op_queue (self, task, _login_start);
}

gboolean
accord_smtp_client_login_finish (AccordSmtpClient  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_SMTP_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
