/* accord-pop3-client-login.c - logging in to a POP3 server: USER/PASS or
 * SASL PLAIN (RFC 1939, 5034)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-net-utils.h"
#include "accord-pop3-client-private.h"

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
_login_fail (AccordPop3Client *self,
             GTask            *task,
             GError           *error)
{
  self->logging_in = FALSE;
  g_task_return_error (task, error);
}

static void
_login_capa_cb (AccordPop3Client *self,
                GTask            *task,
                Pop3Command      *cmd)
{
  /* Servers may announce more once logged in (RFC 2449 5); a -ERR keeps what was. */
  if (_accord_pop3_is_ok (cmd->status))
    _accord_pop3_take_capabilities (self, cmd);

  self->logging_in = FALSE;
  g_task_return_boolean (task, TRUE);
}

static void
_login_cancelled_cb (AccordPop3Client *self,
                     GTask            *task,
                     Pop3Command      *cmd)
{
  LoginData *data = g_task_get_task_data (task);

  _login_fail (self, task, g_steal_pointer (&data->error));
}

/* -ERR to PASS or AUTH means wrong credentials, unless a response code (RFC 2449,
 * 3206) says the trouble is elsewhere. */
static void
_login_result_cb (AccordPop3Client *self,
                  GTask            *task,
                  Pop3Command      *cmd)
{
  LoginData *data = g_task_get_task_data (task);
  const char *text = _accord_pop3_text (cmd->status);
  g_autofree char *excerpt = _accord_net_excerpt (text);

  if (_accord_pop3_is_ok (cmd->status))
    {
      self->logged_in = TRUE;
      _accord_pop3_send (self, task, "CAPA", NULL, CMD_LOGIN | CMD_MULTILINE, _login_capa_cb);
      return;
    }

  if (!_accord_pop3_is_err (cmd->status))
    {
      /* A challenge where PLAIN has none: cancel the exchange (RFC 5034 4). */
      data->error = g_error_new (ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_LOGIN,
                                 _("%s:%u asked for more than a user name and password."),
                                 self->host, self->port);
      _accord_pop3_send (self, task, "*", NULL, CMD_LOGIN | CMD_SASL, _login_cancelled_cb);
      return;
    }

  if (_accord_net_has_prefix (text, "[SYS/") ||
      _accord_net_has_prefix (text, "[IN-USE]") ||
      _accord_net_has_prefix (text, "[LOGIN-DELAY]"))
    _login_fail (self, task,
                 g_error_new (ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_LOGIN,
                              _("%s:%u cannot log you in right now: “%s”."),
                              self->host, self->port, excerpt));
  else
    _login_fail (self, task,
                 g_error_new (ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_AUTH,
                              _("%s:%u refused the user name or password: “%s”."),
                              self->host, self->port, excerpt));
}

static void
_login_auth_cb (AccordPop3Client *self,
                GTask            *task,
                Pop3Command      *cmd)
{
  LoginData *data = g_task_get_task_data (task);
  char *payload;

  if (_accord_pop3_is_err (cmd->status))
    {
      g_autofree char *excerpt = _accord_net_excerpt (_accord_pop3_text (cmd->status));

      _login_fail (self, task,
                   g_error_new (ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_LOGIN,
                                _("%s:%u announced but refused AUTH PLAIN: “%s”."),
                                self->host, self->port, excerpt));
      return;
    }
  if (_accord_pop3_is_ok (cmd->status))
    {
      _login_result_cb (self, task, cmd);
      return;
    }

  payload = _accord_net_sasl_plain (data->username, data->password);
  _accord_pop3_send (self, task, payload, "<credentials>", CMD_LOGIN | CMD_SASL, _login_result_cb);
  _accord_net_wipe_free (payload);
}

static void
_login_user_cb (AccordPop3Client *self,
                GTask            *task,
                Pop3Command      *cmd)
{
  LoginData *data = g_task_get_task_data (task);
  char *line;

  if (!_accord_pop3_is_ok (cmd->status))
    {
      g_autofree char *excerpt = _accord_net_excerpt (_accord_pop3_text (cmd->status));

      /* Not the password's fault: USER itself or the name was refused. */
      _login_fail (self, task,
                   g_error_new (ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_LOGIN,
                                _("%s:%u refused the user name: “%s”."),
                                self->host, self->port, excerpt));
      return;
    }

  line = g_strconcat ("PASS ", data->password, NULL);
  _accord_pop3_send (self, task, line, "PASS <password>", CMD_LOGIN, _login_result_cb);
  _accord_net_wipe_free (line);
}

/**
 * accord_pop3_client_login_async:
 *
 * Logs in with AUTH PLAIN when the server offers SASL PLAIN, with USER and PASS
 * otherwise, and asks for the capabilities again. Only over TLS. Commands issued
 * meanwhile wait for the login to finish.
 *
 * Wrong credentials fail with %ACCORD_POP3_ERROR_AUTH; anything else that keeps the
 * login from working with %ACCORD_POP3_ERROR_LOGIN.
 */
void
accord_pop3_client_login_async (AccordPop3Client    *self,
                                const char          *username,
                                const char          *password,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoginData *data;

  g_return_if_fail (ACCORD_IS_POP3_CLIENT (self));
  g_return_if_fail (username != NULL);
  g_return_if_fail (password != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (!self->logged_in && !self->logging_in);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_pop3_client_login_async);

  if (!accord_line_connection_is_tls (self->conn))
    {
      g_task_return_new_error (task, ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_LOGIN,
                               _("Accord sends passwords only over an encrypted connection, "
                                 "and the one to %s:%u is not encrypted."),
                               self->host, self->port);
      return;
    }
  if (strpbrk (username, "\r\n") != NULL || strpbrk (password, "\r\n") != NULL)
    {
      g_task_return_new_error (task, ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_LOGIN,
                               _("The user name or password contains a line break, which "
                                 "cannot be sent to the server."));
      return;
    }

  data = g_new0 (LoginData, 1);
  data->username = g_strdup (username);
  data->password = g_strdup (password);
  g_task_set_task_data (task, data, (GDestroyNotify) _login_data_free);

  if (accord_pop3_client_has_sasl_mechanism (self, "PLAIN"))
    {
      self->logging_in = TRUE;
      _accord_pop3_send (self, task, "AUTH PLAIN", NULL, CMD_LOGIN | CMD_SASL, _login_auth_cb);
      return;
    }

  /* USER is announced by servers that know CAPA, and assumed of those that do not. */
  if (accord_pop3_client_has_capability (self, "USER") || !self->have_capa)
    {
      g_autofree char *line = g_strconcat ("USER ", username, NULL);

      self->logging_in = TRUE;
      _accord_pop3_send (self, task, line, NULL, CMD_LOGIN, _login_user_cb);
      return;
    }

  g_task_return_new_error (task, ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_LOGIN,
                           _("%s:%u offers no way to log in with a password that Accord "
                             "supports."),
                           self->host, self->port);
}

gboolean
accord_pop3_client_login_finish (AccordPop3Client  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
