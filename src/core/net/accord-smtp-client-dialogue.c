/* accord-smtp-client-dialogue.c - the SMTP client's dialogue: commands
 * out, pipelined where the server allows, replies in, one operation at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-net-utils.h"
#include "accord-smtp-client-private.h"

/* EHLO answers a few dozen lines; a server that sends far more talks without end. */
#define MAX_REPLY_LINES 1000
#define MAX_REPLY_SIZE  (256 * 1024)

typedef struct
{
  GTask       *task;
  SmtpOpStart  start;
} SmtpOp;

void
_accord_smtp_command_free (SmtpCommand *cmd)
{
  g_clear_object (&cmd->task);
  /* The line may carry a password. */
  _accord_net_wipe_free (cmd->line);
  g_free (cmd->log_as);
  g_clear_pointer (&cmd->lines, g_ptr_array_unref);
  g_free (cmd);
}

/* --- sending commands, reading replies ---------------------------------------------- */

static void _smtp_pump    (AccordSmtpClient *self);
static void _smtp_op_next (AccordSmtpClient *self);

/* Ends the operation @task with @error, or with success if it is %NULL, and starts the
 * next one. The connecting task is no operation. */
void
_accord_smtp_task_return (AccordSmtpClient *self,
                          GTask            *task,
                          GError           *error)
{
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);

  if (task == self->current_op)
    {
      g_clear_object (&self->current_op);
      _smtp_op_next (self);
    }
}

/* Hangs up once nothing is on its way: closing under a pending read or write fails. */
void
_accord_smtp_close_connection (AccordSmtpClient *self)
{
  if (self->reading || self->write_pending || self->conn == NULL || self->conn_closed)
    return;

  self->conn_closed = TRUE;
  accord_line_connection_close_async (self->conn, NULL, NULL, NULL);
}

/* Nothing can follow an error in the middle of the dialogue: @task fails with @error,
 * operations that wait with a sentence that names it. */
void
_accord_smtp_close_with_error (AccordSmtpClient *self,
                               GTask            *task,
                               GError           *error)
{
  g_autoptr(GTask) failed = g_object_ref (task);
  SmtpCommand *cmd;

  g_assert (self->closed == NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    self->closed = g_error_new (ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_CLOSED,
                                _("The connection to %s:%u was closed because an operation "
                                  "on it was cancelled."),
                                self->host, self->port);
  else
    self->closed = g_error_new (ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_CLOSED,
                                _("The connection to %s:%u was closed after an error: %s"),
                                self->host, self->port, error->message);

  g_debug ("%s:%u: closing the SMTP connection: %s", self->host, self->port, error->message);

  /* Only one operation runs at a time: every command is @task's. */
  self->writing = NULL;
  while ((cmd = g_queue_pop_head (&self->sent)) != NULL ||
         (cmd = g_queue_pop_head (&self->pending)) != NULL)
    _accord_smtp_command_free (cmd);

  _accord_smtp_close_connection (self);
  _accord_smtp_task_return (self, failed, error);
}

GError *
_accord_smtp_protocol_error (AccordSmtpClient *self,
                             const char       *line)
{
  g_autofree char *excerpt = _accord_net_excerpt (line);

  return g_error_new (ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_PROTOCOL,
                      _("The answer of %s:%u does not follow the SMTP protocol: “%s”."),
                      self->host, self->port, excerpt);
}

typedef enum
{
  REPLY_INCOMPLETE,
  REPLY_COMPLETE,
  REPLY_BROKEN,
} ReplyState;

static ReplyState
_smtp_take_line (AccordSmtpClient  *self,
                 SmtpCommand       *cmd,
                 const char        *line,
                 GError           **error)
{
  guint code;

  if (!(line[0] >= '2' && line[0] <= '5' && g_ascii_isdigit (line[1]) &&
        g_ascii_isdigit (line[2]) && (line[3] == '\0' || line[3] == ' ' || line[3] == '-')))
    {
      *error = _accord_smtp_protocol_error (self, line);
      return REPLY_BROKEN;
    }

  code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  cmd->size += strlen (line);
  if ((cmd->code != 0 && code != cmd->code) ||
      cmd->lines->len >= MAX_REPLY_LINES || cmd->size > MAX_REPLY_SIZE)
    {
      *error = _accord_smtp_protocol_error (self, line);
      return REPLY_BROKEN;
    }

  cmd->code = code;
  g_ptr_array_add (cmd->lines, g_strdup (line[3] != '\0' ? line + 4 : ""));

  return line[3] == '-' ? REPLY_INCOMPLETE : REPLY_COMPLETE;
}

static void
_smtp_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(AccordSmtpClient) self = user_data;
  g_autofree char *line = NULL;
  GError *error = NULL;
  SmtpCommand *cmd;

  self->reading = FALSE;
  line = accord_line_connection_read_line_finish (self->conn, result, &error);
  if (self->closed != NULL)
    {
      g_clear_error (&error);
      _accord_smtp_close_connection (self);
      return;
    }

  cmd = g_queue_peek_head (&self->sent);
  if (line == NULL)
    {
      _accord_smtp_close_with_error (self, cmd->task, error);
      return;
    }

  switch (_smtp_take_line (self, cmd, line, &error))
    {
    case REPLY_INCOMPLETE:
      break;

    case REPLY_COMPLETE:
      /* The server closes the connection after 421, whatever the command (RFC 5321
       * 3.8). */
      if (cmd->code == 421)
        {
          g_autofree char *text = _accord_smtp_reply_text (cmd);

          _accord_smtp_close_with_error (self, cmd->task,
                                         _accord_smtp_reply_error (cmd, ACCORD_SMTP_ERROR_TEMPORARY,
                                                                   _("%s:%u is closing the "
                                                                     "connection: %s"),
                                                                   self->host, self->port, text));
          return;
        }
      g_queue_pop_head (&self->sent);
      cmd->handler (self, cmd->task, cmd);
      _accord_smtp_command_free (cmd);
      break;

    case REPLY_BROKEN:
      _accord_smtp_close_with_error (self, cmd->task, error);
      return;

    default:
      g_assert_not_reached ();
    }

  _smtp_pump (self);
}

static void
_smtp_write_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(AccordSmtpClient) self = user_data;
  GError *error = NULL;
  gboolean ok;

  self->write_pending = FALSE;
  ok = accord_line_connection_write_line_finish (self->conn, result, &error);
  if (self->closed != NULL)
    {
      g_clear_error (&error);
      _accord_smtp_close_connection (self);
      return;
    }

  if (!ok)
    {
      _accord_smtp_close_with_error (self, self->writing->task, error);
      return;
    }

  self->writing->written = TRUE;
  self->writing = NULL;
  _smtp_pump (self);
}

static void
_smtp_pump (AccordSmtpClient *self)
{
  SmtpCommand *head;

  if (self->closed != NULL)
    return;

  while (self->writing == NULL && !g_queue_is_empty (&self->pending))
    {
      SmtpCommand *cmd = g_queue_peek_head (&self->pending);
      SmtpCommand *last = g_queue_peek_tail (&self->sent);

      if (last != NULL &&
          !(cmd->pipeline && last->pipeline &&
            accord_smtp_client_has_extension (self, "PIPELINING")))
        break;

      g_queue_pop_head (&self->pending);
      g_queue_push_tail (&self->sent, cmd);
      if (cmd->line == NULL)
        {
          cmd->written = TRUE;
          continue;
        }

      self->writing = cmd;
      self->write_pending = TRUE;
      accord_line_connection_write_line_async (self->conn, cmd->line, cmd->log_as,
                                               g_task_get_cancellable (cmd->task),
                                               _smtp_write_cb, g_object_ref (self));
    }

  head = g_queue_peek_head (&self->sent);
  if (!self->reading && head != NULL && head->written)
    {
      self->reading = TRUE;
      accord_line_connection_read_line_async (self->conn, g_task_get_cancellable (head->task),
                                              _smtp_read_cb, g_object_ref (self));
    }
}

/* Queues @line; @handler gets the reply. */
void
_accord_smtp_send (AccordSmtpClient *self,
                   GTask            *task,
                   const char       *line,
                   const char       *log_as,
                   gboolean          pipeline,
                   SmtpHandler       handler)
{
  SmtpCommand *cmd;

  if (self->closed != NULL)
    {
      _accord_smtp_task_return (self, task, g_error_copy (self->closed));
      return;
    }

  cmd = g_new0 (SmtpCommand, 1);
  cmd->task = g_object_ref (task);
  cmd->handler = handler;
  cmd->line = g_strdup (line);
  cmd->log_as = g_strdup (log_as);
  cmd->pipeline = pipeline;
  cmd->lines = g_ptr_array_new_with_free_func (g_free);
  g_queue_push_tail (&self->pending, cmd);

  _smtp_pump (self);
}

/* --- operations, one at a time ------------------------------------------------------ */

static void
_smtp_op_next (AccordSmtpClient *self)
{
  SmtpOp *op;

  while (self->current_op == NULL && (op = g_queue_pop_head (&self->ops)) != NULL)
    {
      g_autoptr(GTask) task = op->task;
      SmtpOpStart start = op->start;

      g_free (op);

      if (self->closed != NULL)
        {
          g_task_return_error (task, g_error_copy (self->closed));
          continue;
        }
      if (g_task_return_error_if_cancelled (task))
        continue;

      self->current_op = g_object_ref (task);
      start (self, task);
    }
}

void
_accord_smtp_op_queue (AccordSmtpClient *self,
                       GTask            *task,
                       SmtpOpStart       start)
{
  SmtpOp *op = g_new0 (SmtpOp, 1);

  op->task = g_object_ref (task);
  op->start = start;
  g_queue_push_tail (&self->ops, op);

  _smtp_op_next (self);
}
