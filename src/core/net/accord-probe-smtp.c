/* accord-probe-smtp.c - the probe's SMTP submission dialogue (RFC 5321, 6409, 3207, 4954)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-net-utils.h"
#include "accord-probe-private.h"

static void _smtp_advance (GTask *task);

/* The text of every line of the reply, as one. */
static char *
_smtp_text (ProbeOp *op)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < op->lines->len; i++)
    {
      const char *line = g_ptr_array_index (op->lines, i);

      if (*line == '\0')
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, line);
    }

  return g_string_free (out, FALSE);
}

static void
_smtp_ehlo_cb (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);
  g_autoptr(GPtrArray) capabilities = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) mechanisms = g_ptr_array_new_with_free_func (g_free);

  if (op->code != 250)
    {
      _accord_probe_fail_unexpected (task, op->status);
      return;
    }

  /* The first line names the server; each further one is "KEYWORD params". Some old
   * servers write "AUTH=PLAIN LOGIN" beside "AUTH PLAIN LOGIN". */
  op->result->size_limit = 0;
  for (guint i = 1; i < op->lines->len; i++)
    {
      g_auto(GStrv) words = g_strsplit_set (g_ptr_array_index (op->lines, i), " =", -1);

      if (words[0] == NULL || *words[0] == '\0')
        continue;
      g_ptr_array_add (capabilities, g_strdup (words[0]));

      if (g_ascii_strcasecmp (words[0], "AUTH") == 0)
        {
          for (guint j = 1; words[j] != NULL; j++)
            if (*words[j] != '\0')
              g_ptr_array_add (mechanisms, g_strdup (words[j]));
        }
      else if (g_ascii_strcasecmp (words[0], "SIZE") == 0 && words[1] != NULL)
        {
          op->result->size_limit = g_ascii_strtoull (words[1], NULL, 10);
        }
    }

  _accord_probe_set_capabilities (op, capabilities, mechanisms);
  _smtp_advance (task);
}

static void
_smtp_starttls_cb (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);

  if (op->code != 220)
    {
      g_autofree char *text = _smtp_text (op);

      _accord_probe_fail_no_starttls (task, text);
      return;
    }

  _accord_probe_start_tls (task, _smtp_advance);
}

static void
_smtp_auth_cb (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);
  g_autofree char *text = _smtp_text (op);

  switch (op->code)
    {
    case 235:
      op->logged_in = TRUE;
      _accord_probe_set_login (op, ACCORD_PROBE_LOGIN_OK, text);
      break;

    case 535:
      _accord_probe_set_login (op, ACCORD_PROBE_LOGIN_AUTH_FAILED, text);
      break;

    case 334:
      /* A challenge where none was due: cancel the exchange (RFC 4954 4). */
      _accord_probe_set_login (op, ACCORD_PROBE_LOGIN_FAILED,
                               _("The server asked for more than a user name and password."));
      _accord_probe_send (task, "*", NULL, PROBE_RESPONSE_SMTP, _smtp_advance);
      return;

    default:
      _accord_probe_set_login (op, ACCORD_PROBE_LOGIN_FAILED, text);
      break;
    }

  _smtp_advance (task);
}

static void
_smtp_auth_login_password_cb (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);
  char *encoded;

  if (op->code != 334)
    {
      _smtp_auth_cb (task);
      return;
    }

  encoded = g_base64_encode ((const guchar *) op->password, strlen (op->password));
  _accord_probe_send (task, encoded, "<password>", PROBE_RESPONSE_SMTP, _smtp_auth_cb);
  _accord_net_wipe_free (encoded);
}

static void
_smtp_auth_login_user_cb (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);
  g_autofree char *encoded = NULL;

  if (op->code != 334)
    {
      _smtp_auth_cb (task);
      return;
    }

  encoded = g_base64_encode ((const guchar *) op->username, strlen (op->username));
  _accord_probe_send (task, encoded, "<user name>", PROBE_RESPONSE_SMTP,
                      _smtp_auth_login_password_cb);
}

static void
_smtp_login (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);

  op->login_attempted = TRUE;

  if (!_accord_probe_may_send_password (task))
    {
      _smtp_advance (task);
      return;
    }

  if (accord_probe_result_has_auth_mechanism (op->result, "PLAIN"))
    {
      char *payload = _accord_net_sasl_plain (op->username, op->password);
      char *command = g_strconcat ("AUTH PLAIN ", payload, NULL);

      _accord_probe_send (task, command, "AUTH PLAIN <credentials>", PROBE_RESPONSE_SMTP,
                          _smtp_auth_cb);
      _accord_net_wipe_free (command);
      _accord_net_wipe_free (payload);
      return;
    }

  if (accord_probe_result_has_auth_mechanism (op->result, "LOGIN"))
    {
      _accord_probe_send (task, "AUTH LOGIN", NULL, PROBE_RESPONSE_SMTP,
                          _smtp_auth_login_user_cb);
      return;
    }

  if (op->result->auth_mechanisms[0] == NULL)
    _accord_probe_set_login (op, ACCORD_PROBE_LOGIN_FAILED,
                             _("The server does not offer to log in; it may only accept mail "
                               "for its own users, not send it for you."));
  else
    _accord_probe_set_login (op, ACCORD_PROBE_LOGIN_FAILED,
                             _("The server offers no way to log in with a password that "
                               "Accord supports."));
  _smtp_advance (task);
}

static void
_smtp_advance (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);

  if (!op->have_capabilities)
    {
      g_autofree char *address = accord_line_connection_dup_local_address_literal (op->conn);
      g_autofree char *ehlo = g_strconcat ("EHLO ", address, NULL);

      _accord_probe_send (task, ehlo, NULL, PROBE_RESPONSE_SMTP, _smtp_ehlo_cb);
      return;
    }

  if (op->result->security == ACCORD_SECURITY_STARTTLS &&
      !accord_line_connection_is_tls (op->conn))
    {
      if (!accord_probe_result_has_capability (op->result, "STARTTLS"))
        _accord_probe_fail_no_starttls (task, NULL);
      else
        _accord_probe_send (task, "STARTTLS", NULL, PROBE_RESPONSE_SMTP, _smtp_starttls_cb);
      return;
    }

  if (!op->login_attempted)
    {
      _smtp_login (task);
      return;
    }

  _accord_probe_quit (task, "QUIT", PROBE_RESPONSE_SMTP);
}

static void
_smtp_greeting_cb (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);
  g_autofree char *text = _smtp_text (op);

  if (op->code != 220)
    {
      _accord_probe_fail_refused (task, text);
      return;
    }

  g_free (op->result->greeting);
  op->result->greeting = _accord_net_excerpt (text);

  _smtp_advance (task);
}

void
_accord_probe_smtp_start (GTask *task)
{
  _accord_probe_read (task, PROBE_RESPONSE_SMTP, _smtp_greeting_cb);
}
