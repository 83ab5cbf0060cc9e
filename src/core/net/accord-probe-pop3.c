/* accord-probe-pop3.c - the probe's POP3 dialogue (RFC 1939, 2449, 2595, 5034)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-net-utils.h"
#include "accord-probe-private.h"

static void _pop3_advance (GTask *task);

/* The text after +OK or -ERR. */
static const char *
_pop3_text (const char *status)
{
  const char *space = strchr (status, ' ');

  return space != NULL ? space + 1 : "";
}

static gboolean
_pop3_ok (const char *status)
{
  return _accord_net_has_prefix (status, "+OK") && (status[3] == '\0' || status[3] == ' ');
}

static void
_pop3_capa_cb (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);
  g_autoptr(GPtrArray) capabilities = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) mechanisms = g_ptr_array_new_with_free_func (g_free);

  /* -ERR: a server from before RFC 2449, which announces nothing. */
  if (_pop3_ok (op->status))
    {
      for (guint i = 0; i < op->lines->len; i++)
        {
          g_auto(GStrv) words = g_strsplit (g_ptr_array_index (op->lines, i), " ", -1);

          if (words[0] == NULL || *words[0] == '\0')
            continue;
          g_ptr_array_add (capabilities, g_strdup (words[0]));
          if (g_ascii_strcasecmp (words[0], "SASL") == 0)
            for (guint j = 1; words[j] != NULL; j++)
              if (*words[j] != '\0')
                g_ptr_array_add (mechanisms, g_strdup (words[j]));
        }
    }
  else if (!_accord_net_has_prefix (op->status, "-ERR"))
    {
      _accord_probe_fail_unexpected (task, op->status);
      return;
    }

  _accord_probe_set_capabilities (op, capabilities, mechanisms);
  _pop3_advance (task);
}

static void
_pop3_stls_cb (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);

  if (!_pop3_ok (op->status))
    {
      _accord_probe_fail_no_starttls (task, _pop3_text (op->status));
      return;
    }

  _accord_probe_start_tls (task, _pop3_advance);
}

/* -ERR to PASS or AUTH means wrong credentials, unless a response code (RFC 2449,
 * 3206) says the trouble is elsewhere. */
static AccordProbeLogin
_pop3_classify_err (const char *text)
{
  if (_accord_net_has_prefix (text, "[SYS/") ||
      _accord_net_has_prefix (text, "[IN-USE]") ||
      _accord_net_has_prefix (text, "[LOGIN-DELAY]"))
    return ACCORD_PROBE_LOGIN_FAILED;

  return ACCORD_PROBE_LOGIN_AUTH_FAILED;
}

static void
_pop3_login_cb (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);

  if (_pop3_ok (op->status))
    {
      op->logged_in = TRUE;
      _accord_probe_set_login (op, ACCORD_PROBE_LOGIN_OK, _pop3_text (op->status));
    }
  else if (_accord_net_has_prefix (op->status, "-ERR"))
    {
      _accord_probe_set_login (op, _pop3_classify_err (_pop3_text (op->status)),
                               _pop3_text (op->status));
    }
  else if (op->status[0] == '+')
    {
      /* A challenge where PLAIN has none: cancel the exchange (RFC 5034 4). */
      _accord_probe_set_login (op, ACCORD_PROBE_LOGIN_FAILED,
                               _("The server asked for more than a user name and password."));
      _accord_probe_send (task, "*", NULL, PROBE_RESPONSE_LINE, _pop3_advance);
      return;
    }
  else
    {
      _accord_probe_fail_unexpected (task, op->status);
      return;
    }

  _pop3_advance (task);
}

static void
_pop3_user_cb (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);
  char *command;

  if (!_pop3_ok (op->status))
    {
      /* Not the password's fault: the server refused the user name or USER itself. */
      _accord_probe_set_login (op, ACCORD_PROBE_LOGIN_FAILED, _pop3_text (op->status));
      _pop3_advance (task);
      return;
    }

  command = g_strconcat ("PASS ", op->password, NULL);
  _accord_probe_send (task, command, "PASS <password>", PROBE_RESPONSE_LINE, _pop3_login_cb);
  _accord_net_wipe_free (command);
}

static void
_pop3_login (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);

  op->login_attempted = TRUE;

  if (!_accord_probe_may_send_password (task))
    {
      _pop3_advance (task);
      return;
    }

  if (accord_probe_result_has_auth_mechanism (op->result, "PLAIN"))
    {
      char *payload = _accord_net_sasl_plain (op->username, op->password);
      char *command = g_strconcat ("AUTH PLAIN ", payload, NULL);

      _accord_probe_send (task, command, "AUTH PLAIN <credentials>", PROBE_RESPONSE_LINE,
                          _pop3_login_cb);
      _accord_net_wipe_free (command);
      _accord_net_wipe_free (payload);
      return;
    }

  /* USER is announced by servers that know CAPA, and assumed of those that do not. */
  if (accord_probe_result_has_capability (op->result, "USER") ||
      op->result->capabilities[0] == NULL)
    {
      g_autofree char *command = g_strconcat ("USER ", op->username, NULL);

      _accord_probe_send (task, command, NULL, PROBE_RESPONSE_LINE, _pop3_user_cb);
      return;
    }

  _accord_probe_set_login (op, ACCORD_PROBE_LOGIN_FAILED,
                           _("The server offers no way to log in with a password that "
                             "Accord supports."));
  _pop3_advance (task);
}

static void
_pop3_advance (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);

  if (!op->have_capabilities)
    {
      _accord_probe_send (task, "CAPA", NULL, PROBE_RESPONSE_POP3_MULTI, _pop3_capa_cb);
      return;
    }

  if (op->result->security == ACCORD_SECURITY_STARTTLS &&
      !accord_line_connection_is_tls (op->conn))
    {
      if (!accord_probe_result_has_capability (op->result, "STLS"))
        _accord_probe_fail_no_starttls (task, NULL);
      else
        _accord_probe_send (task, "STLS", NULL, PROBE_RESPONSE_LINE, _pop3_stls_cb);
      return;
    }

  if (!op->login_attempted)
    {
      _pop3_login (task);
      return;
    }

  _accord_probe_quit (task, "QUIT", PROBE_RESPONSE_LINE);
}

static void
_pop3_greeting_cb (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);

  if (_accord_net_has_prefix (op->status, "-ERR"))
    {
      _accord_probe_fail_refused (task, _pop3_text (op->status));
      return;
    }
  if (!_pop3_ok (op->status))
    {
      _accord_probe_fail_unexpected (task, op->status);
      return;
    }

  g_free (op->result->greeting);
  op->result->greeting = _accord_net_excerpt (_pop3_text (op->status));

  _pop3_advance (task);
}

void
_accord_probe_pop3_start (GTask *task)
{
  _accord_probe_read (task, PROBE_RESPONSE_LINE, _pop3_greeting_cb);
}
