/* accord-smtp-client.c - an SMTP submission client (RFC 5321, 6409, 3207, 4954, 1870,
 * 6152, 6531, 2920, 3463)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-line-connection.h"
#include "accord-net-utils.h"
#include "accord-smtp-client.h"

/* EHLO answers a few dozen lines; a server that sends far more talks without end. */
#define MAX_REPLY_LINES 1000
#define MAX_REPLY_SIZE  (256 * 1024)

/* How much of a server's reply goes into an error message. */
#define MAX_REPLY_EXCERPT 400

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

typedef struct _SmtpCommand SmtpCommand;

/* Turns a complete reply into the next step of the operation. */
typedef void (*SmtpHandler) (AccordSmtpClient *self,
                             GTask            *task,
                             SmtpCommand      *cmd);

struct _SmtpCommand
{
  GTask       *task;
  SmtpHandler  handler;
  char        *line;      /* NULL: nothing to send, only a reply to read (greeting) */
  char        *log_as;
  gboolean     pipeline;  /* may go out before the reply to the one before */
  gboolean     written;

  guint        code;
  GPtrArray   *lines;     /* the text of each line of the reply */
  gsize        size;
};

typedef void (*SmtpOpStart) (AccordSmtpClient *self,
                             GTask            *task);

typedef struct
{
  GTask       *task;
  SmtpOpStart  start;
} SmtpOp;

struct _AccordSmtpClient
{
  GObject               parent_instance;

  AccordLineConnection *conn;
  char                 *host;
  guint16               port;
  AccordSecurity        security;
  GTlsDatabase         *database;
  char                 *pin;

  char                 *greeting;
  char                 *ehlo_name;
  char                **extensions;   /* upper case keywords */
  char                **mechanisms;   /* upper case */
  guint64               size_limit;
  gboolean              logged_in;

  GQueue                ops;          /* SmtpOp waiting for the one that runs */
  GTask                *current_op;

  GQueue                pending;      /* SmtpCommand, not sent yet */
  GQueue                sent;         /* SmtpCommand, sent or being sent, unanswered */
  SmtpCommand          *writing;
  gboolean              reading;
  gboolean              write_pending;
  gboolean              conn_closed;
  GError               *closed;       /* why nothing more can be sent */
};

G_DEFINE_FINAL_TYPE (AccordSmtpClient, accord_smtp_client, G_TYPE_OBJECT)

/* --- errors ------------------------------------------------------------------------- */

typedef struct
{
  guint  reply_code;
  char  *enhanced_code;
} AccordSmtpErrorPrivate;

static void
accord_smtp_error_private_init (AccordSmtpErrorPrivate *priv)
{
  priv->reply_code = 0;
  priv->enhanced_code = NULL;
}

static void
accord_smtp_error_private_copy (const AccordSmtpErrorPrivate *src,
                                AccordSmtpErrorPrivate       *dest)
{
  dest->reply_code = src->reply_code;
  dest->enhanced_code = g_strdup (src->enhanced_code);
}

static void
accord_smtp_error_private_clear (AccordSmtpErrorPrivate *priv)
{
  g_clear_pointer (&priv->enhanced_code, g_free);
}

G_DEFINE_EXTENDED_ERROR (AccordSmtpError, accord_smtp_error)

/**
 * accord_smtp_error_get_reply_code:
 *
 * Returns: the code of the server's reply that caused @error (e.g. 550), or 0 if it
 *   did not come from a reply
 */
guint
accord_smtp_error_get_reply_code (const GError *error)
{
  g_return_val_if_fail (error != NULL, 0);

  if (error->domain != ACCORD_SMTP_ERROR)
    return 0;

  return accord_smtp_error_get_private (error)->reply_code;
}

/**
 * accord_smtp_error_get_enhanced_code:
 *
 * Returns: (nullable): the enhanced status code of that reply (RFC 3463, e.g. "5.1.1"),
 *   if it had one
 */
const char *
accord_smtp_error_get_enhanced_code (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != ACCORD_SMTP_ERROR)
    return NULL;

  return accord_smtp_error_get_private (error)->enhanced_code;
}

/**
 * accord_smtp_error_is_permanent:
 *
 * Returns: %TRUE if sending the same message again will fail again, so an outbox
 *   should stop retrying it and ask the person; %FALSE for errors that may pass
 *   (temporary refusals, the network, timeouts) or that concern the account rather
 *   than the message (logging in, certificates)
 */
gboolean
accord_smtp_error_is_permanent (const GError *error)
{
  g_return_val_if_fail (error != NULL, FALSE);

  return g_error_matches (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_PERMANENT) ||
         g_error_matches (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_TOO_LARGE) ||
         g_error_matches (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE);
}

/* --- object ------------------------------------------------------------------------- */

static void
_smtp_command_free (SmtpCommand *cmd)
{
  g_clear_object (&cmd->task);
  /* The line may carry a password. */
  _accord_net_wipe_free (cmd->line);
  g_free (cmd->log_as);
  g_clear_pointer (&cmd->lines, g_ptr_array_unref);
  g_free (cmd);
}

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

/* --- replies ------------------------------------------------------------------------ */

/* The reply as one line, "550 5.1.1 text", fit to show. */
static char *
_smtp_reply_text (SmtpCommand *cmd)
{
  GString *joined = g_string_new (NULL);
  g_autofree char *valid = NULL;
  GString *out = g_string_new (NULL);
  guint n = 0;

  g_string_append_printf (joined, "%03u", cmd->code);
  for (guint i = 0; i < cmd->lines->len; i++)
    {
      const char *text = g_ptr_array_index (cmd->lines, i);

      if (*text == '\0')
        continue;
      g_string_append_c (joined, ' ');
      g_string_append (joined, text);
    }

  valid = g_utf8_make_valid (joined->str, joined->len);
  g_string_free (joined, TRUE);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (n == MAX_REPLY_EXCERPT)
        {
          g_string_append (out, "…");
          break;
        }
      if (g_unichar_iscntrl (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

/* "5.1.1" at the start of the reply (RFC 3463), if its class matches the code's. */
static char *
_smtp_enhanced_code (SmtpCommand *cmd)
{
  const char *text;
  const char *p;

  if (cmd->lines->len == 0)
    return NULL;

  text = g_ptr_array_index (cmd->lines, 0);
  if (text[0] != '0' + (char) (cmd->code / 100) || text[1] != '.')
    return NULL;

  /* subject "." detail, each of one to three digits */
  p = text + 2;
  for (guint part = 0; part < 2; part++)
    {
      const char *digits = p;

      while (g_ascii_isdigit (*p))
        p++;
      if (p == digits || p - digits > 3)
        return NULL;
      if (part == 0)
        {
          if (*p != '.')
            return NULL;
          p++;
        }
    }
  if (*p != '\0' && *p != ' ')
    return NULL;

  return g_strndup (text, p - text);
}

/* An error about @cmd's reply, which it carries; a @code below 0 follows the reply:
 * temporary for 4xx, permanent for 5xx. */
static GError *
_smtp_reply_error (SmtpCommand *cmd,
                   gint         code,
                   const char  *format,
                   ...) G_GNUC_PRINTF (3, 4);

static GError *
_smtp_reply_error (SmtpCommand *cmd,
                   gint         code,
                   const char  *format,
                   ...)
{
  g_autofree char *message = NULL;
  g_autofree char *enhanced = _smtp_enhanced_code (cmd);
  AccordSmtpErrorPrivate *priv;
  GError *error;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (code < 0)
    {
      /* Not the message's fault: the account has to log in (RFC 4954 6). */
      if (cmd->code == 530)
        code = ACCORD_SMTP_ERROR_LOGIN;
      else if (g_strcmp0 (enhanced, "5.3.4") == 0)
        code = ACCORD_SMTP_ERROR_TOO_LARGE;
      else if (cmd->code / 100 == 4)
        code = ACCORD_SMTP_ERROR_TEMPORARY;
      else
        code = ACCORD_SMTP_ERROR_PERMANENT;
    }

  error = g_error_new_literal (ACCORD_SMTP_ERROR, code, message);
  priv = accord_smtp_error_get_private (error);
  priv->reply_code = cmd->code;
  priv->enhanced_code = g_steal_pointer (&enhanced);

  return error;
}

/* --- sending commands, reading replies ---------------------------------------------- */

static void _smtp_pump    (AccordSmtpClient *self);
static void _smtp_op_next (AccordSmtpClient *self);

/* Ends the operation @task with @error, or with success if it is %NULL, and starts the
 * next one. The connecting task is no operation. */
static void
_smtp_task_return (AccordSmtpClient *self,
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
static void
_smtp_close_connection (AccordSmtpClient *self)
{
  if (self->reading || self->write_pending || self->conn == NULL || self->conn_closed)
    return;

  self->conn_closed = TRUE;
  accord_line_connection_close_async (self->conn, NULL, NULL, NULL);
}

/* Nothing can follow an error in the middle of the dialogue: @task fails with @error,
 * operations that wait with a sentence that names it. */
static void
_smtp_close_with_error (AccordSmtpClient *self,
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
    _smtp_command_free (cmd);

  _smtp_close_connection (self);
  _smtp_task_return (self, failed, error);
}

static GError *
_smtp_protocol_error (AccordSmtpClient *self,
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
      *error = _smtp_protocol_error (self, line);
      return REPLY_BROKEN;
    }

  code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  cmd->size += strlen (line);
  if ((cmd->code != 0 && code != cmd->code) ||
      cmd->lines->len >= MAX_REPLY_LINES || cmd->size > MAX_REPLY_SIZE)
    {
      *error = _smtp_protocol_error (self, line);
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
      _smtp_close_connection (self);
      return;
    }

  cmd = g_queue_peek_head (&self->sent);
  if (line == NULL)
    {
      _smtp_close_with_error (self, cmd->task, error);
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
          g_autofree char *text = _smtp_reply_text (cmd);

          _smtp_close_with_error (self, cmd->task,
                                  _smtp_reply_error (cmd, ACCORD_SMTP_ERROR_TEMPORARY,
                                                     _("%s:%u is closing the connection: %s"),
                                                     self->host, self->port, text));
          return;
        }
      g_queue_pop_head (&self->sent);
      cmd->handler (self, cmd->task, cmd);
      _smtp_command_free (cmd);
      break;

    case REPLY_BROKEN:
      _smtp_close_with_error (self, cmd->task, error);
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
      _smtp_close_connection (self);
      return;
    }

  if (!ok)
    {
      _smtp_close_with_error (self, self->writing->task, error);
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
static void
_smtp_send (AccordSmtpClient *self,
            GTask            *task,
            const char       *line,
            const char       *log_as,
            gboolean          pipeline,
            SmtpHandler       handler)
{
  SmtpCommand *cmd;

  if (self->closed != NULL)
    {
      _smtp_task_return (self, task, g_error_copy (self->closed));
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

static void
_smtp_op_queue (AccordSmtpClient *self,
                GTask            *task,
                SmtpOpStart       start)
{
  SmtpOp *op = g_new0 (SmtpOp, 1);

  op->task = g_object_ref (task);
  op->start = start;
  g_queue_push_tail (&self->ops, op);

  _smtp_op_next (self);
}

/* --- EHLO --------------------------------------------------------------------------- */

static void
_smtp_take_ehlo (AccordSmtpClient *self,
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
  g_autofree char *text = _smtp_reply_text (cmd);

  return g_error_new (ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_PROTOCOL,
                      _("%s:%u did not accept EHLO: %s. It may not be an SMTP submission "
                        "server."),
                      self->host, self->port, text);
}

static void
_smtp_send_ehlo (AccordSmtpClient *self,
                 GTask            *task,
                 SmtpHandler       handler)
{
  g_autofree char *line = NULL;

  if (self->ehlo_name == NULL)
    self->ehlo_name = accord_line_connection_dup_local_address_literal (self->conn);

  line = g_strconcat ("EHLO ", self->ehlo_name, NULL);
  _smtp_send (self, task, line, NULL, FALSE, handler);
}

static void
_ehlo_cb (AccordSmtpClient *self,
          GTask            *task,
          SmtpCommand      *cmd)
{
  if (cmd->code != 250)
    {
      _smtp_task_return (self, task, _smtp_ehlo_refused (self, cmd));
      return;
    }

  _smtp_take_ehlo (self, cmd);
  _smtp_task_return (self, task, NULL);
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

  _smtp_send_ehlo (self, task, _ehlo_cb);
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

  _smtp_op_queue (self, task, _ehlo_start);
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

  _smtp_take_ehlo (self, cmd);

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

      _smtp_send (self, task, "STARTTLS", NULL, FALSE, _connect_greeting_cb);
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
      _smtp_send (self, task, NULL, NULL, FALSE, _connect_greeting_cb);
      return;
    }

  /* Whatever the server announced before TLS could have been forged (RFC 3207 4.2). */
  _smtp_send_ehlo (self, task, _connect_ehlo_cb);
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
  g_autofree char *text = _smtp_reply_text (cmd);

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
  _smtp_send_ehlo (self, task, _connect_ehlo_cb);
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
    _smtp_send (self, task, NULL, NULL, FALSE, _connect_greeting_cb);
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
    _smtp_take_ehlo (self, cmd);

  _smtp_task_return (self, task, NULL);
}

static void
_login_cancelled_cb (AccordSmtpClient *self,
                     GTask            *task,
                     SmtpCommand      *cmd)
{
  LoginData *data = g_task_get_task_data (task);

  _smtp_task_return (self, task, g_steal_pointer (&data->error));
}

static void
_login_result_cb (AccordSmtpClient *self,
                  GTask            *task,
                  SmtpCommand      *cmd)
{
  LoginData *data = g_task_get_task_data (task);
  g_autofree char *text = _smtp_reply_text (cmd);

  switch (cmd->code)
    {
    case 235:
      self->logged_in = TRUE;
      _smtp_send_ehlo (self, task, _login_ehlo_cb);
      return;

    case 334:
      /* A challenge where none was due: cancel the exchange (RFC 4954 4). */
      data->error = _smtp_reply_error (cmd, ACCORD_SMTP_ERROR_LOGIN,
                                       _("%s:%u asked for more than a user name and "
                                         "password: %s"),
                                       self->host, self->port, text);
      _smtp_send (self, task, "*", NULL, FALSE, _login_cancelled_cb);
      return;

    case 535:
      _smtp_task_return (self, task,
                         _smtp_reply_error (cmd, ACCORD_SMTP_ERROR_AUTH,
                                            _("%s:%u refused the user name or password: %s"),
                                            self->host, self->port, text));
      return;

    default:
      _smtp_task_return (self, task,
                         _smtp_reply_error (cmd, ACCORD_SMTP_ERROR_LOGIN,
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
  _smtp_send (self, task, encoded, "<password>", FALSE, _login_result_cb);
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
  _smtp_send (self, task, encoded, "<user name>", FALSE, _login_password_cb);
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
      _smtp_task_return (self, task,
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

      _smtp_send (self, task, line, "AUTH PLAIN <credentials>", FALSE, _login_result_cb);
      _accord_net_wipe_free (line);
      _accord_net_wipe_free (payload);
      return;
    }

  if (_has_mechanism (self, "LOGIN"))
    {
      _smtp_send (self, task, "AUTH LOGIN", NULL, FALSE, _login_username_cb);
      return;
    }

  if (self->mechanisms[0] == NULL)
    _smtp_task_return (self, task,
                       g_error_new (ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_LOGIN,
                                    _("%s:%u does not offer to log in; it may only accept "
                                      "mail for its own users, not send it for you."),
                                    self->host, self->port));
  else
    _smtp_task_return (self, task,
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

  _smtp_op_queue (self, task, _login_start);
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

/* --- sending ------------------------------------------------------------------------ */

typedef struct
{
  char        *from;
  char       **recipients;
  guint        n_recipients;
  GBytes      *message;
  gsize        offset;         /* of the next line to write */

  SmtpCommand *mail_reply;     /* copies of what was refused */
  guint        n_replies;
  guint        n_refused;
  guint        refused_index;  /* the recipient whose refusal the error names */
  guint        refused_code;
  GPtrArray   *refused_lines;
  GError      *error;          /* to report once the transaction is reset */
} SendData;

static void
_send_data_free (SendData *data)
{
  g_free (data->from);
  g_strfreev (data->recipients);
  g_clear_pointer (&data->message, g_bytes_unref);
  g_clear_pointer (&data->mail_reply, _smtp_command_free);
  g_clear_pointer (&data->refused_lines, g_ptr_array_unref);
  g_clear_error (&data->error);
  g_free (data);
}

/* What may go between < and > of MAIL FROM and RCPT TO: the server judges the syntax,
 * but nothing may break the command line. */
static gboolean
_address_is_sendable (const char *address,
                      gboolean   *non_ascii)
{
  for (const guchar *p = (const guchar *) address; *p != '\0'; p++)
    {
      if (*p < 0x20 || *p == 0x7f || *p == '<' || *p == '>')
        return FALSE;
      if (*p >= 0x80)
        *non_ascii = TRUE;
    }

  return g_utf8_validate (address, -1, NULL);
}

typedef struct
{
  gsize    size;        /* on the wire, with CRLF line ends, before dot-stuffing */
  gboolean eight_bit;
  gboolean eight_bit_header;
  gboolean nul;
} MessageScan;

static void
_scan_message (GBytes      *message,
               MessageScan *scan)
{
  gsize len;
  const guchar *data = g_bytes_get_data (message, &len);
  gboolean in_header = TRUE;
  gboolean line_empty = TRUE;

  memset (scan, 0, sizeof *scan);

  for (gsize i = 0; i < len; i++)
    {
      guchar c = data[i];

      if (c == '\r' || c == '\n')
        {
          /* CRLF, a bare CR and a bare LF each end a line, sent as CRLF. */
          if (c == '\r' && i + 1 < len && data[i + 1] == '\n')
            i++;
          scan->size += 2;
          if (line_empty)
            in_header = FALSE;
          line_empty = TRUE;
          continue;
        }

      scan->size++;
      line_empty = FALSE;
      if (c == '\0')
        scan->nul = TRUE;
      if (c >= 0x80)
        {
          scan->eight_bit = TRUE;
          if (in_header)
            scan->eight_bit_header = TRUE;
        }
    }

  if (!line_empty)
    scan->size += 2;
}

static void
_send_reset_cb (AccordSmtpClient *self,
                GTask            *task,
                SmtpCommand      *cmd)
{
  SendData *data = g_task_get_task_data (task);

  _smtp_task_return (self, task, g_steal_pointer (&data->error));
}

/* Fails the send with @error, after RSET if the connection is still there. */
static void
_send_abort (AccordSmtpClient *self,
             GTask            *task,
             GError           *error)
{
  SendData *data = g_task_get_task_data (task);

  if (self->closed != NULL)
    {
      _smtp_task_return (self, task, error);
      return;
    }

  g_clear_error (&data->error);
  data->error = error;
  _smtp_send (self, task, "RSET", NULL, FALSE, _send_reset_cb);
}

static void
_send_done_cb (AccordSmtpClient *self,
               GTask            *task,
               SmtpCommand      *cmd)
{
  g_autofree char *text = NULL;

  if (cmd->code == 250)
    {
      _smtp_task_return (self, task, NULL);
      return;
    }

  text = _smtp_reply_text (cmd);
  /* Translators: %s is the server's reply, such as "554 5.7.1 Looks like spam" */
  _smtp_task_return (self, task,
                     _smtp_reply_error (cmd, -1, _("The server did not accept the message: %s"),
                                        text));
}

static void _send_next_line (AccordSmtpClient *self,
                             GTask            *task);

static void
_send_line_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordSmtpClient *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->write_pending = FALSE;
  if (!accord_line_connection_write_line_finish (self->conn, result, &error))
    {
      if (self->closed == NULL)
        {
          _smtp_close_with_error (self, task, error);
          return;
        }
      g_error_free (error);
      _smtp_close_connection (self);
      return;
    }

  _send_next_line (self, task);
}

/* Writes the message a line at a time: each line end (CRLF, bare LF or bare CR) goes out
 * as CRLF, and a line that starts with a dot gets another (RFC 5321 4.5.2). */
static void
_send_next_line (AccordSmtpClient *self,
                 GTask            *task)
{
  SendData *data = g_task_get_task_data (task);
  gsize len;
  const char *message = g_bytes_get_data (data->message, &len);
  const char *start = message + data->offset;
  const char *p = start;
  const char *end = message + len;
  g_autofree char *line = NULL;

  if (start >= end)
    {
      _smtp_send (self, task, ".", NULL, FALSE, _send_done_cb);
      return;
    }

  while (p < end && *p != '\r' && *p != '\n')
    p++;

  if (*start == '.')
    line = g_strdup_printf (".%.*s", (int) (p - start), start);
  else
    line = g_strndup (start, p - start);

  if (p < end && *p == '\r' && p + 1 < end && p[1] == '\n')
    p++;
  if (p < end)
    p++;
  data->offset = p - message;

  self->write_pending = TRUE;
  accord_line_connection_write_line_async (self->conn, line, "<line of the message>",
                                           g_task_get_cancellable (task),
                                           _send_line_cb, g_object_ref (task));
}

static void
_send_data_cb (AccordSmtpClient *self,
               GTask            *task,
               SmtpCommand      *cmd)
{
  g_autofree char *text = NULL;

  if (cmd->code == 354)
    {
      _send_next_line (self, task);
      return;
    }

  text = _smtp_reply_text (cmd);
  if (cmd->code / 100 == 4 || cmd->code / 100 == 5)
    _send_abort (self, task,
                 _smtp_reply_error (cmd, -1, _("The server refused to take the message: %s"),
                                    text));
  else
    _smtp_close_with_error (self, task, _smtp_protocol_error (self, text));
}

static void
_send_envelope_cb (AccordSmtpClient *self,
                   GTask            *task,
                   SmtpCommand      *cmd)
{
  SendData *data = g_task_get_task_data (task);
  guint index = data->n_replies++;
  g_autofree char *text = NULL;

  /* MAIL FROM, then one RCPT TO per recipient; a refused recipient is kept if it is
   * the first, or the first permanent one, which decides the error. */
  if (index == 0)
    {
      if (cmd->code != 250)
        {
          data->mail_reply = g_new0 (SmtpCommand, 1);
          data->mail_reply->code = cmd->code;
          data->mail_reply->lines = g_ptr_array_ref (cmd->lines);
        }
    }
  else if (cmd->code != 250 && cmd->code != 251)
    {
      data->n_refused++;
      if (data->refused_lines == NULL ||
          (data->refused_code / 100 != 5 && cmd->code / 100 == 5))
        {
          g_clear_pointer (&data->refused_lines, g_ptr_array_unref);
          data->refused_lines = g_ptr_array_ref (cmd->lines);
          data->refused_code = cmd->code;
          data->refused_index = index - 1;
        }
    }

  if (data->n_replies < 1 + data->n_recipients)
    return;

  if (data->mail_reply != NULL)
    {
      text = _smtp_reply_text (data->mail_reply);
      _send_abort (self, task,
                   _smtp_reply_error (data->mail_reply, -1,
                                      _("The server refused the sender address %s: %s"),
                                      data->from, text));
      return;
    }

  if (data->n_refused > 0)
    {
      SmtpCommand refused = { .code = data->refused_code, .lines = data->refused_lines };
      const char *recipient = data->recipients[data->refused_index];

      text = _smtp_reply_text (&refused);
      /* Translators: the first %s is an email address, the second the server's reply,
       * such as "550 5.1.1 No such user" */
      if (data->n_refused == 1)
        _send_abort (self, task,
                     _smtp_reply_error (&refused, -1,
                                        _("The server refused the recipient %s: %s"),
                                        recipient, text));
      else
        _send_abort (self, task,
                     _smtp_reply_error (&refused, -1,
                                        g_dngettext (GETTEXT_PACKAGE,
                                                     "The server refused %u of the "
                                                     "recipients, among them %s: %s",
                                                     "The server refused %u of the "
                                                     "recipients, among them %s: %s",
                                                     data->n_refused),
                                        data->n_refused, recipient, text));
      return;
    }

  _smtp_send (self, task, "DATA", NULL, FALSE, _send_data_cb);
}

static void
_send_start (AccordSmtpClient *self,
             GTask            *task)
{
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GString) mail = g_string_new (NULL);
  gboolean non_ascii = FALSE;
  MessageScan scan;

  if (data->recipients[0] == NULL)
    {
      _smtp_task_return (self, task,
                         g_error_new (ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE,
                                      _("The message has no recipients.")));
      return;
    }

  if (!_address_is_sendable (data->from, &non_ascii))
    {
      g_autofree char *excerpt = _accord_net_excerpt (data->from);

      _smtp_task_return (self, task,
                         g_error_new (ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE,
                                      _("The sender address “%s” cannot be sent to the "
                                        "server."),
                                      excerpt));
      return;
    }
  for (guint i = 0; data->recipients[i] != NULL; i++)
    if (*data->recipients[i] == '\0' || !_address_is_sendable (data->recipients[i], &non_ascii))
      {
        g_autofree char *excerpt = _accord_net_excerpt (data->recipients[i]);

        _smtp_task_return (self, task,
                           g_error_new (ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE,
                                        _("The recipient address “%s” cannot be sent to the "
                                          "server."),
                                        excerpt));
        return;
      }

  if (non_ascii && !accord_smtp_client_has_extension (self, "SMTPUTF8"))
    {
      _smtp_task_return (self, task,
                         g_error_new (ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE,
                                      _("%s:%u cannot send mail to or from addresses with "
                                        "characters beyond ASCII (it lacks SMTPUTF8)."),
                                      self->host, self->port));
      return;
    }

  _scan_message (data->message, &scan);
  if (scan.nul)
    {
      _smtp_task_return (self, task,
                         g_error_new (ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE,
                                      _("The message contains NUL bytes, which SMTP cannot "
                                        "carry.")));
      return;
    }
  if (self->size_limit > 0 && scan.size > self->size_limit)
    {
      g_autofree char *size = g_format_size (scan.size);
      g_autofree char *limit = g_format_size (self->size_limit);

      _smtp_task_return (self, task,
                         g_error_new (ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_TOO_LARGE,
                                      _("The message is %s, but %s:%u accepts at most %s."),
                                      size, self->host, self->port, limit));
      return;
    }

  g_string_append_printf (mail, "MAIL FROM:<%s>", data->from);
  if (accord_smtp_client_has_extension (self, "SIZE"))
    g_string_append_printf (mail, " SIZE=%" G_GSIZE_FORMAT, scan.size);
  /* Without 8BITMIME the message goes as it is: most servers take it, and nothing
   * better can be done here. */
  if (scan.eight_bit && accord_smtp_client_has_extension (self, "8BITMIME"))
    g_string_append (mail, " BODY=8BITMIME");
  if ((non_ascii || scan.eight_bit_header) &&
      accord_smtp_client_has_extension (self, "SMTPUTF8"))
    g_string_append (mail, " SMTPUTF8");

  _smtp_send (self, task, mail->str, NULL, TRUE, _send_envelope_cb);
  for (guint i = 0; data->recipients[i] != NULL; i++)
    {
      g_autofree char *rcpt = g_strdup_printf ("RCPT TO:<%s>", data->recipients[i]);

      _smtp_send (self, task, rcpt, NULL, TRUE, _send_envelope_cb);
    }
}

/**
 * accord_smtp_client_send_async:
 * @from: the envelope sender (MAIL FROM), without angle brackets; "" for none
 * @recipients: the envelope recipients (RCPT TO), without angle brackets
 * @message: the message as it is to arrive; bare LF and bare CR line ends go out as
 *   CRLF, and lines starting with a dot are stuffed
 *
 * Sends one message. It goes to every recipient or to none: when the server refuses
 * the sender or a recipient, the transaction is reset and nothing is sent.
 *
 * Refusals fail with %ACCORD_SMTP_ERROR_TEMPORARY (4xx) or
 * %ACCORD_SMTP_ERROR_PERMANENT (5xx) and carry the reply code; a message larger than
 * the server's SIZE fails with %ACCORD_SMTP_ERROR_TOO_LARGE before anything is sent.
 * If the connection breaks after the message went out but before the server confirmed
 * it, the server may still deliver it.
 */
void
accord_smtp_client_send_async (AccordSmtpClient    *self,
                               const char          *from,
                               const char * const  *recipients,
                               GBytes              *message,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SendData *data;

  g_return_if_fail (ACCORD_IS_SMTP_CLIENT (self));
  g_return_if_fail (from != NULL);
  g_return_if_fail (recipients != NULL);
  g_return_if_fail (message != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_smtp_client_send_async);

  data = g_new0 (SendData, 1);
  data->from = g_strdup (from);
  data->recipients = g_strdupv ((char **) recipients);
  data->n_recipients = g_strv_length (data->recipients);
  data->message = g_bytes_ref (message);
  g_task_set_task_data (task, data, (GDestroyNotify) _send_data_free);

  _smtp_op_queue (self, task, _send_start);
}

gboolean
accord_smtp_client_send_finish (AccordSmtpClient  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_SMTP_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
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

  _smtp_task_return (self, task, NULL);
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
  _smtp_send (self, task, "QUIT", NULL, FALSE, _quit_cb);
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

  _smtp_op_queue (self, task, _quit_start);
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
