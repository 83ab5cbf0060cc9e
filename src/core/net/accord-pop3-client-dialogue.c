/* accord-pop3-client-dialogue.c - the POP3 client's dialogue: commands out,
 * pipelined where the server allows, answers in and matched to them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-net-utils.h"
#include "accord-pop3-client-private.h"

/* Commands that may be on their way at once when the server announces PIPELINING;
 * enough to keep the line busy, few enough that a failure wastes little. */
#define PIPELINE_DEPTH 16
/* A listing (CAPA, LIST, UIDL) is lines of a few dozen bytes each: 16 MiB is some
 * hundred thousand messages. */
#define MAX_LISTING_SIZE (16 * 1024 * 1024)

/* --- sending commands, reading answers ---------------------------------------------- */

static void
_pop3_command_free (Pop3Command *cmd)
{
  g_clear_object (&cmd->task);
  /* The line may carry a password. */
  _accord_net_wipe_free (cmd->line);
  g_free (cmd->log_as);
  g_free (cmd->status);
  g_clear_pointer (&cmd->data, g_byte_array_unref);
  g_free (cmd);
}

static void _pop3_pump (AccordPop3Client *self);

gboolean
_accord_pop3_is_ok (const char *status)
{
  return _accord_net_has_prefix (status, "+OK") && (status[3] == '\0' || status[3] == ' ');
}

gboolean
_accord_pop3_is_err (const char *status)
{
  return _accord_net_has_prefix (status, "-ERR") && (status[4] == '\0' || status[4] == ' ');
}

/* The text after +OK or -ERR, or after "+" of a continuation. */
const char *
_accord_pop3_text (const char *status)
{
  const char *space = strchr (status, ' ');

  return space != NULL ? space + 1 : "";
}

static void
_pop3_command_fail (AccordPop3Client *self,
                    Pop3Command      *cmd,
                    GError           *error)
{
  if (cmd->flags & CMD_LOGIN)
    self->logging_in = FALSE;

  g_task_return_error (cmd->task, error);
  _pop3_command_free (cmd);
}

/* Hangs up once nothing is on its way: closing under a pending read or write fails. */
static void
_pop3_close_connection (AccordPop3Client *self)
{
  if (self->reading || self->write_pending || self->conn == NULL || self->conn_closed)
    return;

  self->conn_closed = TRUE;
  accord_line_connection_close_async (self->conn, NULL, NULL, NULL);
}

/* After an error in the middle of the dialogue nothing can follow it: @culprit's task
 * fails with @error, every other one with a sentence that names it. */
static void
_pop3_close_with_error (AccordPop3Client *self,
                        Pop3Command      *culprit,
                        GError           *error)
{
  Pop3Command *cmd;

  g_assert (self->closed == NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    self->closed = g_error_new (ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_CLOSED,
                                _("The connection to %s:%u was closed because a command "
                                  "on it was cancelled."),
                                self->host, self->port);
  else
    self->closed = g_error_new (ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_CLOSED,
                                _("The connection to %s:%u was closed after an error: %s"),
                                self->host, self->port, error->message);

  g_debug ("%s:%u: closing the POP3 connection: %s", self->host, self->port, error->message);

  self->writing = NULL;
  self->logging_in = FALSE;

  while ((cmd = g_queue_pop_head (&self->sent)) != NULL ||
         (cmd = g_queue_pop_head (&self->pending)) != NULL)
    {
      if (cmd == culprit)
        _pop3_command_fail (self, cmd, g_steal_pointer (&error));
      else
        _pop3_command_fail (self, cmd, g_error_copy (self->closed));
    }

  g_clear_error (&error);
  _pop3_close_connection (self);
}

/* Nothing more goes out, as after QUIT: what is still queued fails. */
void
_accord_pop3_close_queue (AccordPop3Client *self,
                          GError           *reason)
{
  Pop3Command *cmd;

  g_assert (self->closed == NULL);
  self->closed = reason;

  while ((cmd = g_queue_pop_head (&self->pending)) != NULL)
    _pop3_command_fail (self, cmd, g_error_copy (self->closed));
}

GError *
_accord_pop3_protocol_error (AccordPop3Client *self,
                             const char       *line)
{
  g_autofree char *excerpt = _accord_net_excerpt (line);

  return g_error_new (ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_PROTOCOL,
                      _("The answer of %s:%u does not follow the POP3 protocol: “%s”."),
                      self->host, self->port, excerpt);
}

typedef enum
{
  ANSWER_INCOMPLETE,
  ANSWER_COMPLETE,
  ANSWER_BROKEN,
} AnswerState;

/* The status line of an answer; a multi-line answer's lines follow, read as one by
 * _pop3_read_data_cb(). */
static AnswerState
_pop3_take_line (AccordPop3Client  *self,
                 Pop3Command       *cmd,
                 const char        *line,
                 GError           **error)
{
  if (_accord_pop3_is_ok (line))
    {
      cmd->status = g_strdup (line);
      /* A multi-line answer's data follows: the pump reads it once the status is in. */
      return (cmd->flags & CMD_MULTILINE) ? ANSWER_INCOMPLETE : ANSWER_COMPLETE;
    }
  if (_accord_pop3_is_err (line) || ((cmd->flags & CMD_SASL) && line[0] == '+'))
    {
      cmd->status = g_strdup (line);
      return ANSWER_COMPLETE;
    }

  *error = _accord_pop3_protocol_error (self, line);
  return ANSWER_BROKEN;
}

/* The most a command's multi-line answer may hold: a message, or a listing. */
static gsize
_pop3_data_limit (AccordPop3Client *self,
                  Pop3Command      *cmd)
{
  return (cmd->flags & CMD_MESSAGE) ? self->max_message_size : MAX_LISTING_SIZE;
}

static void
_pop3_complete (AccordPop3Client *self,
                Pop3Command      *cmd)
{
  g_queue_pop_head (&self->sent);
  cmd->handler (self, cmd->task, cmd);
  _pop3_command_free (cmd);
}

/* The lines of a multi-line answer (a message, a listing), read as one: a message may
 * hold lines of any length and any byte. */
static void
_pop3_read_data_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(AccordPop3Client) self = user_data;
  GByteArray *data;
  GError *error = NULL;
  Pop3Command *cmd;

  self->reading = FALSE;
  data = accord_line_connection_read_dotted_finish (self->conn, result, &error);
  if (self->closed != NULL)
    {
      g_clear_pointer (&data, g_byte_array_unref);
      g_clear_error (&error);
      _pop3_close_connection (self);
      return;
    }

  cmd = g_queue_peek_head (&self->sent);
  if (data == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
        {
          g_autofree char *limit = g_format_size (_pop3_data_limit (self, cmd));

          g_clear_error (&error);
          error = g_error_new (ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_TOO_LARGE,
                               _("The answer of %s:%u to %s is larger than %s, the most "
                                 "Accord downloads."),
                               self->host, self->port, cmd->line, limit);
        }
      _pop3_close_with_error (self, cmd, error);
      return;
    }

  cmd->data = data;
  _pop3_complete (self, cmd);
  _pop3_pump (self);
}

static void
_pop3_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(AccordPop3Client) self = user_data;
  g_autofree char *line = NULL;
  GError *error = NULL;
  Pop3Command *cmd;

  self->reading = FALSE;
  line = accord_line_connection_read_line_finish (self->conn, result, &error);
  if (self->closed != NULL)
    {
      g_clear_error (&error);
      _pop3_close_connection (self);
      return;
    }

  cmd = g_queue_peek_head (&self->sent);
  if (line == NULL)
    {
      _pop3_close_with_error (self, cmd, error);
      return;
    }

  switch (_pop3_take_line (self, cmd, line, &error))
    {
    case ANSWER_INCOMPLETE:
      break;

    case ANSWER_COMPLETE:
      _pop3_complete (self, cmd);
      break;

    case ANSWER_BROKEN:
      _pop3_close_with_error (self, cmd, error);
      return;

    default:
      g_assert_not_reached ();
    }

  _pop3_pump (self);
}

static void
_pop3_write_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(AccordPop3Client) self = user_data;
  GError *error = NULL;
  gboolean ok;

  self->write_pending = FALSE;
  ok = accord_line_connection_write_line_finish (self->conn, result, &error);
  if (self->closed != NULL)
    {
      g_clear_error (&error);
      _pop3_close_connection (self);
      return;
    }

  if (!ok)
    {
      _pop3_close_with_error (self, self->writing, error);
      return;
    }

  self->writing->written = TRUE;
  self->writing = NULL;
  _pop3_pump (self);
}

static gboolean
_pop3_may_send (AccordPop3Client *self,
                Pop3Command      *cmd)
{
  Pop3Command *last = g_queue_peek_tail (&self->sent);

  if (self->logging_in && !(cmd->flags & CMD_LOGIN))
    return FALSE;

  if (last == NULL)
    return TRUE;

  return self->logged_in && accord_pop3_client_has_capability (self, "PIPELINING") &&
         (cmd->flags & CMD_PIPELINE) && (last->flags & CMD_PIPELINE) &&
         self->sent.length < PIPELINE_DEPTH;
}

/* Sends what may go out now and reads the answer that is due. */
static void
_pop3_pump (AccordPop3Client *self)
{
  Pop3Command *head;

  if (self->closed != NULL)
    return;

  while (self->writing == NULL && !g_queue_is_empty (&self->pending))
    {
      Pop3Command *cmd = g_queue_peek_head (&self->pending);

      if (!_pop3_may_send (self, cmd))
        break;

      g_queue_pop_head (&self->pending);
      if (g_cancellable_is_cancelled (g_task_get_cancellable (cmd->task)))
        {
          GError *error = NULL;

          g_cancellable_set_error_if_cancelled (g_task_get_cancellable (cmd->task), &error);
          _pop3_command_fail (self, cmd, error);
          continue;
        }

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
                                               _pop3_write_cb, g_object_ref (self));
    }

  head = g_queue_peek_head (&self->sent);
  if (!self->reading && head != NULL && head->written)
    {
      self->reading = TRUE;
      if (head->status != NULL)
        accord_line_connection_read_dotted_async (self->conn, _pop3_data_limit (self, head),
                                                  g_task_get_cancellable (head->task),
                                                  _pop3_read_data_cb, g_object_ref (self));
      else
        accord_line_connection_read_line_async (self->conn, g_task_get_cancellable (head->task),
                                                _pop3_read_cb, g_object_ref (self));
    }
}

/* Queues @line; @handler gets the answer. Errors on the way go to @task directly. */
void
_accord_pop3_send (AccordPop3Client *self,
                   GTask            *task,
                   const char       *line,
                   const char       *log_as,
                   CommandFlags      flags,
                   Pop3Handler       handler)
{
  Pop3Command *cmd;

  if (self->closed != NULL)
    {
      if (flags & CMD_LOGIN)
        self->logging_in = FALSE;
      g_task_return_error (task, g_error_copy (self->closed));
      return;
    }

  cmd = g_new0 (Pop3Command, 1);
  cmd->task = g_object_ref (task);
  cmd->handler = handler;
  cmd->line = g_strdup (line);
  cmd->log_as = g_strdup (log_as);
  cmd->flags = flags;

  /* The login's next step goes before whatever waits for the login to finish. */
  if (flags & CMD_LOGIN)
    g_queue_push_head (&self->pending, cmd);
  else
    g_queue_push_tail (&self->pending, cmd);

  _pop3_pump (self);
}

GError *
_accord_pop3_refused (AccordPop3Client *self,
                      Pop3Command      *cmd)
{
  g_autofree char *excerpt = _accord_net_excerpt (_accord_pop3_text (cmd->status));

  return g_error_new (ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_REFUSED,
                      _("%s:%u refused %s: “%s”."),
                      self->host, self->port, cmd->line, excerpt);
}

/* Calls @func on each line of a multi-line answer; stops at the first FALSE. */
gboolean
_accord_pop3_foreach_line (Pop3Command *cmd,
                           gboolean   (*func) (const char *line, gpointer user_data),
                           gpointer     user_data)
{
  const char *p = (const char *) cmd->data->data;
  const char *end = p + cmd->data->len;

  while (p < end)
    {
      /* Every line was stored with CRLF, and none holds an LF. */
      const char *eol = memchr (p, '\n', end - p);
      g_autofree char *line = g_strndup (p, eol - 1 - p);

      if (!func (line, user_data))
        return FALSE;
      p = eol + 1;
    }

  return TRUE;
}

GTask *
_accord_pop3_task_new (AccordPop3Client    *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data,
                       gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);

  return task;
}
