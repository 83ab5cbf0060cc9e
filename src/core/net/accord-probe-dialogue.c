/* accord-probe-dialogue.c - what the probe's IMAP, POP3 and SMTP dialogues share:
 * reading whole answers, TLS, the result, the end of a run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-net-utils.h"
#include "accord-probe-private.h"
#include "accord-tls-utils.h"

/* Answers to the few commands a probe sends are short; anything near these is a server
 * that talks without end. */
#define MAX_RESPONSE_SIZE  (256 * 1024)
#define MAX_RESPONSE_LINES 1000

static gboolean
_array_contains (GPtrArray  *array,
                 const char *item)
{
  for (guint i = 0; i < array->len; i++)
    if (strcmp (g_ptr_array_index (array, i), item) == 0)
      return TRUE;

  return FALSE;
}

static char **
_to_upper_strv (GPtrArray *items)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      char *upper = g_ascii_strup (g_ptr_array_index (items, i), -1);

      if (*upper == '\0' || _array_contains (out, upper))
        g_free (upper);
      else
        g_ptr_array_add (out, upper);
    }
  g_ptr_array_add (out, NULL);

  return (char **) g_ptr_array_free (out, FALSE);
}

void
_accord_probe_set_capabilities (ProbeOp   *op,
                                GPtrArray *capabilities,
                                GPtrArray *mechanisms)
{
  g_strfreev (op->result->capabilities);
  op->result->capabilities = _to_upper_strv (capabilities);
  if (mechanisms != NULL)
    {
      g_strfreev (op->result->auth_mechanisms);
      op->result->auth_mechanisms = _to_upper_strv (mechanisms);
    }
  op->have_capabilities = TRUE;
}

void
_accord_probe_set_login (ProbeOp          *op,
                         AccordProbeLogin  login,
                         const char       *message)
{
  op->result->login = login;
  g_free (op->result->login_message);
  op->result->login_message = message != NULL ? _accord_net_excerpt (message) : NULL;
}

/**
 * _accord_probe_may_send_password:
 *
 * Returns: %TRUE if there are credentials and they may be sent on this connection. The
 *   password travels only over TLS: on a plain connection the login is not tried, and
 *   the result says why.
 */
gboolean
_accord_probe_may_send_password (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);

  if (op->username == NULL || op->password == NULL)
    return FALSE;

  if (!accord_line_connection_is_tls (op->conn))
    {
      _accord_probe_set_login (op, ACCORD_PROBE_LOGIN_NOT_TRIED,
                               _("Not tried: Accord sends passwords only over an encrypted "
                                 "connection."));
      return FALSE;
    }

  /* The line-based protocols cannot carry these outside base64. */
  if (strpbrk (op->username, "\r\n") != NULL || strpbrk (op->password, "\r\n") != NULL)
    {
      _accord_probe_set_login (op, ACCORD_PROBE_LOGIN_FAILED,
                               _("The user name or password contains a line break, which "
                                 "cannot be sent to the server."));
      return FALSE;
    }

  return TRUE;
}

void
_accord_probe_fail (GTask  *task,
                    GError *error)
{
  g_task_return_error (task, error);
}

void
_accord_probe_fail_unexpected (GTask      *task,
                               const char *answer)
{
  ProbeOp *op = g_task_get_task_data (task);
  g_autofree char *excerpt = _accord_net_excerpt (answer);

  g_task_return_new_error (task, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_PROTOCOL,
                           _("The answer of %s:%u does not follow the %s protocol: “%s”. "
                             "Check the port and the protocol."),
                           op->result->host, op->result->port,
                           accord_protocol_get_label (op->result->protocol), excerpt);
}

void
_accord_probe_fail_refused (GTask      *task,
                            const char *answer)
{
  ProbeOp *op = g_task_get_task_data (task);
  g_autofree char *excerpt = _accord_net_excerpt (answer);

  g_task_return_new_error (task, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_CONNECT,
                           _("%s:%u turned the connection away: “%s”."),
                           op->result->host, op->result->port, excerpt);
}

void
_accord_probe_fail_no_starttls (GTask      *task,
                                const char *refusal)
{
  ProbeOp *op = g_task_get_task_data (task);

  if (refusal != NULL)
    {
      g_autofree char *excerpt = _accord_net_excerpt (refusal);

      g_task_return_new_error (task, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_NO_STARTTLS,
                               _("%s:%u offers STARTTLS but refused to start it: “%s”. "
                                 "Accord does not continue without encryption."),
                               op->result->host, op->result->port, excerpt);
      return;
    }

  g_task_return_new_error (task, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_NO_STARTTLS,
                           _("%s:%u does not offer STARTTLS, so the connection cannot be "
                             "encrypted. Accord does not continue without encryption; if "
                             "the server offers TLS on another port, use that."),
                           op->result->host, op->result->port);
}

/* --- reading answers ---------------------------------------------------------------- */

static void
_return_result (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);

  g_task_return_pointer (task, accord_probe_result_ref (op->result),
                         (GDestroyNotify) accord_probe_result_unref);
}

static void _continue_reading (GTask *task);

static void
_io_failed (GTask  *task,
            GError *error)
{
  ProbeOp *op = g_task_get_task_data (task);

  /* The answer to LOGOUT or QUIT does not matter; what the probe found stands. */
  if (op->closing && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error);
      _return_result (task);
      return;
    }

  if (op->greeting && !accord_line_connection_is_tls (op->conn) &&
      g_error_matches (error, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_TIMEOUT))
    {
      g_error_free (error);
      error = g_error_new (ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_TIMEOUT,
                           g_dngettext (GETTEXT_PACKAGE,
                                        "%s:%u did not send a greeting within %u second. If "
                                        "this port expects TLS from the start, choose TLS "
                                        "instead of STARTTLS.",
                                        "%s:%u did not send a greeting within %u seconds. If "
                                        "this port expects TLS from the start, choose TLS "
                                        "instead of STARTTLS.",
                                        op->timeout),
                           op->result->host, op->result->port, op->timeout);
    }

  _accord_probe_fail (task, error);
}

static gboolean
_is_smtp_line (const char *line)
{
  return g_ascii_isdigit (line[0]) && g_ascii_isdigit (line[1]) && g_ascii_isdigit (line[2]) &&
         (line[3] == '\0' || line[3] == ' ' || line[3] == '-');
}

static void
_response_complete (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);

  op->greeting = FALSE;
  op->next (task);
}

static void
_read_line_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ProbeOp *op = g_task_get_task_data (task);
  g_autofree char *line = NULL;
  GError *error = NULL;

  line = accord_line_connection_read_line_finish (op->conn, result, &error);
  if (line == NULL)
    {
      _io_failed (task, error);
      return;
    }

  op->size += strlen (line) + 2;
  if (op->size > MAX_RESPONSE_SIZE || op->lines->len >= MAX_RESPONSE_LINES)
    {
      _io_failed (task, g_error_new (ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_PROTOCOL,
                                     _("%s:%u sent a far longer answer than the %s protocol "
                                       "allows; this is not a server Accord can talk to."),
                                     op->result->host, op->result->port,
                                     accord_protocol_get_label (op->result->protocol)));
      return;
    }

  switch (op->kind)
    {
    case PROBE_RESPONSE_LINE:
      op->status = g_steal_pointer (&line);
      _response_complete (task);
      return;

    case PROBE_RESPONSE_IMAP:
      {
        gsize tag_len = strlen (op->tag);

        if ((strncmp (line, op->tag, tag_len) == 0 && line[tag_len] == ' ') || line[0] == '+')
          {
            op->status = g_steal_pointer (&line);
            _response_complete (task);
            return;
          }
        if (!g_str_has_prefix (line, "* "))
          {
            if (op->closing)
              _return_result (task);
            else
              _accord_probe_fail_unexpected (task, line);
            return;
          }
        g_ptr_array_add (op->lines, g_steal_pointer (&line));
      }
      break;

    case PROBE_RESPONSE_POP3_MULTI:
      if (op->status == NULL)
        {
          gboolean ok = _accord_net_has_prefix (line, "+OK");

          op->status = g_steal_pointer (&line);
          if (!ok)
            {
              _response_complete (task);
              return;
            }
        }
      else if (strcmp (line, ".") == 0)
        {
          _response_complete (task);
          return;
        }
      else
        {
          g_ptr_array_add (op->lines, g_strdup (line[0] == '.' ? line + 1 : line));
        }
      break;

    case PROBE_RESPONSE_SMTP:
      if (!_is_smtp_line (line))
        {
          if (op->closing)
            _return_result (task);
          else
            _accord_probe_fail_unexpected (task, line);
          return;
        }
      op->code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
      g_ptr_array_add (op->lines, g_strdup (line[3] != '\0' ? line + 4 : ""));
      if (line[3] != '-')
        {
          op->status = g_steal_pointer (&line);
          _response_complete (task);
          return;
        }
      break;

    default:
      g_assert_not_reached ();
    }

  _continue_reading (g_steal_pointer (&task));
}

static void
_continue_reading (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);

  accord_line_connection_read_line_async (op->conn, g_task_get_cancellable (task),
                                          _read_line_cb, task);
}

/**
 * _accord_probe_read:
 *
 * Reads one whole answer of @kind into op->status and op->lines, then calls @next.
 * Errors end the run, except while logging out.
 */
void
_accord_probe_read (GTask             *task,
                    ProbeResponseKind  kind,
                    ProbeStep          next)
{
  ProbeOp *op = g_task_get_task_data (task);

  g_clear_pointer (&op->status, g_free);
  g_ptr_array_set_size (op->lines, 0);
  op->code = 0;
  op->size = 0;
  op->kind = kind;
  op->next = next;

  _continue_reading (g_object_ref (task));
}

static void
_write_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ProbeOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!accord_line_connection_write_line_finish (op->conn, result, &error))
    {
      _io_failed (task, error);
      return;
    }

  _accord_probe_read (task, op->kind, op->next);
}

/**
 * _accord_probe_send:
 * @log_as: (nullable): what the debug log shows instead of a @command that carries a
 *   secret
 *
 * Sends @command and reads the answer, as _accord_probe_read() does.
 */
void
_accord_probe_send (GTask             *task,
                    const char        *command,
                    const char        *log_as,
                    ProbeResponseKind  kind,
                    ProbeStep          next)
{
  ProbeOp *op = g_task_get_task_data (task);

  op->kind = kind;
  op->next = next;

  accord_line_connection_write_line_async (op->conn, command, log_as,
                                           g_task_get_cancellable (task),
                                           _write_cb, g_object_ref (task));
}

/* --- TLS ---------------------------------------------------------------------------- */

static void
_record_certificate (ProbeOp *op)
{
  GTlsCertificate *certificate = accord_line_connection_get_peer_certificate (op->conn);

  if (certificate == NULL)
    return;

  g_set_object (&op->result->certificate, certificate);
  g_free (op->result->certificate_fingerprint);
  op->result->certificate_fingerprint = accord_certificate_get_fingerprint (certificate);
  op->result->certificate_errors = accord_line_connection_get_peer_certificate_errors (op->conn);
  op->result->certificate_pinned = accord_line_connection_get_certificate_pinned (op->conn);
}

static void
_start_tls_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ProbeOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean ok;

  ok = accord_line_connection_start_tls_finish (op->conn, result, &error);
  /* Also on failure: the person decides on the certificate by its fingerprint. */
  _record_certificate (op);

  if (!ok)
    {
      _accord_probe_fail (task, error);
      return;
    }

  /* Whatever was learnt before TLS could have been forged. */
  op->have_capabilities = FALSE;
  op->next (task);
}

void
_accord_probe_start_tls (GTask     *task,
                         ProbeStep  next)
{
  ProbeOp *op = g_task_get_task_data (task);

  op->next = next;
  accord_line_connection_start_tls_async (op->conn, op->database, op->pin,
                                          g_task_get_cancellable (task),
                                          _start_tls_cb, g_object_ref (task));
}

/* --- the end of a run --------------------------------------------------------------- */

static void
_close_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ProbeOp *op = g_task_get_task_data (task);

  /* Nothing is lost if the close fails: the answers are in. */
  accord_line_connection_close_finish (op->conn, result, NULL);

  _return_result (task);
}

/**
 * _accord_probe_done:
 *
 * Closes the connection and finishes the run with its result.
 */
void
_accord_probe_done (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);

  op->closing = TRUE;
  accord_line_connection_close_async (op->conn, g_task_get_cancellable (task),
                                      _close_cb, g_object_ref (task));
}

/**
 * _accord_probe_quit:
 *
 * Says goodbye with @command (LOGOUT, QUIT), then finishes as _accord_probe_done().
 */
void
_accord_probe_quit (GTask             *task,
                    const char        *command,
                    ProbeResponseKind  kind)
{
  ProbeOp *op = g_task_get_task_data (task);

  op->closing = TRUE;
  _accord_probe_send (task, command, NULL, kind, _accord_probe_done);
}
