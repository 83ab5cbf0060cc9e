/* accord-pop3-client.c - a POP3 client for mail sync (RFC 1939, 2449, 2595, 5034)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-line-connection.h"
#include "accord-net-utils.h"
#include "accord-pop3-client.h"

/* Commands that may be on their way at once when the server announces PIPELINING;
 * enough to keep the line busy, few enough that a failure wastes little. */
#define PIPELINE_DEPTH 16

/* RFC 1939 allows 70 characters; some servers use a few more. */
#define MAX_UIDL_LENGTH 512

/**
 * AccordPop3Client:
 *
 * A connection to a POP3 server, logged in or not. Every command is asynchronous and
 * they may be issued without waiting for each other: the client sends them in order,
 * several at once once logged in to a server that announces PIPELINING, and matches
 * the answers to them. Messages are read line by line into one buffer, unstuffed, with
 * CRLF line ends, up to #AccordPop3Client:max-message-size.
 *
 * Passwords are sent only over TLS. Nothing is deleted on the server until QUIT
 * succeeds; dropping the client without QUIT leaves every message in place.
 */

typedef enum
{
  CMD_MULTILINE = 1 << 0,  /* after +OK, data lines up to "." */
  CMD_PIPELINE  = 1 << 1,  /* may go out before the answer to the one before */
  CMD_SASL      = 1 << 2,  /* a "+ " continuation is an answer too */
  CMD_LOGIN     = 1 << 3,  /* part of the login, which nothing else interrupts */
} CommandFlags;

typedef struct _Pop3Command Pop3Command;

/* Turns a complete answer into the task's result, or sends the next command. */
typedef void (*Pop3Handler) (AccordPop3Client *self,
                             GTask            *task,
                             Pop3Command      *cmd);

struct _Pop3Command
{
  GTask        *task;
  Pop3Handler   handler;
  char         *line;     /* NULL: nothing to send, only an answer to read (greeting) */
  char         *log_as;
  CommandFlags  flags;
  gboolean      written;

  char         *status;   /* +OK, -ERR or continuation line */
  GByteArray   *data;     /* multi-line answers: unstuffed, CRLF line ends */
};

struct _AccordPop3Client
{
  GObject               parent_instance;

  AccordLineConnection *conn;
  char                 *host;
  guint16               port;
  AccordSecurity        security;
  GTlsDatabase         *database;
  char                 *pin;
  guint                 timeout;

  char                 *greeting;
  char                **capabilities;  /* upper case: the first word of each CAPA line */
  char                **mechanisms;    /* upper case: the SASL capability's words */
  gboolean              have_capa;     /* the server knows CAPA */
  gboolean              logged_in;
  gboolean              logging_in;
  guint64               max_message_size;

  GQueue                pending;       /* Pop3Command, not sent yet */
  GQueue                sent;          /* Pop3Command, sent or being sent, unanswered */
  Pop3Command          *writing;
  gboolean              reading;
  gboolean              write_pending;
  gboolean              conn_closed;
  GError               *closed;        /* why nothing more can be sent */
};

G_DEFINE_FINAL_TYPE (AccordPop3Client, accord_pop3_client, G_TYPE_OBJECT)

G_DEFINE_QUARK (accord-pop3-error-quark, accord_pop3_error)

enum {
  PROP_0,
  PROP_MAX_MESSAGE_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
accord_pop3_uidl_free (AccordPop3Uidl *uidl)
{
  if (uidl == NULL)
    return;

  g_free (uidl->uidl);
  g_free (uidl);
}

/* --- object ------------------------------------------------------------------------- */

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

static void
accord_pop3_client_finalize (GObject *object)
{
  AccordPop3Client *self = (AccordPop3Client *) object;

  /* Every command holds a reference to the client through its task. */
  g_assert (g_queue_is_empty (&self->pending));
  g_assert (g_queue_is_empty (&self->sent));

  g_clear_object (&self->conn);
  g_clear_object (&self->database);
  g_free (self->host);
  g_free (self->pin);
  g_free (self->greeting);
  g_strfreev (self->capabilities);
  g_strfreev (self->mechanisms);
  g_clear_error (&self->closed);

  G_OBJECT_CLASS (accord_pop3_client_parent_class)->finalize (object);
}

static void
accord_pop3_client_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AccordPop3Client *self = ACCORD_POP3_CLIENT (object);

  switch (prop_id)
    {
    case PROP_MAX_MESSAGE_SIZE:
      g_value_set_uint64 (value, self->max_message_size);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
accord_pop3_client_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  AccordPop3Client *self = ACCORD_POP3_CLIENT (object);

  switch (prop_id)
    {
    case PROP_MAX_MESSAGE_SIZE:
      accord_pop3_client_set_max_message_size (self, g_value_get_uint64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
accord_pop3_client_class_init (AccordPop3ClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = accord_pop3_client_finalize;
  object_class->get_property = accord_pop3_client_get_property;
  object_class->set_property = accord_pop3_client_set_property;

  /**
   * AccordPop3Client:max-message-size:
   *
   * The largest message RETR downloads, and the largest listing UIDL or LIST reads, in
   * bytes. A larger one fails with %ACCORD_POP3_ERROR_TOO_LARGE.
   */
  properties[PROP_MAX_MESSAGE_SIZE] =
    g_param_spec_uint64 ("max-message-size", NULL, NULL,
                         1, G_MAXUINT32, ACCORD_POP3_DEFAULT_MAX_MESSAGE_SIZE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
accord_pop3_client_init (AccordPop3Client *self)
{
  self->max_message_size = ACCORD_POP3_DEFAULT_MAX_MESSAGE_SIZE;
  self->capabilities = g_new0 (char *, 1);
  self->mechanisms = g_new0 (char *, 1);
  g_queue_init (&self->pending);
  g_queue_init (&self->sent);
}

const char *
accord_pop3_client_get_host (AccordPop3Client *self)
{
  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), NULL);

  return self->host;
}

guint16
accord_pop3_client_get_port (AccordPop3Client *self)
{
  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), 0);

  return self->port;
}

/**
 * accord_pop3_client_get_greeting:
 *
 * Returns: the text of the server's greeting, fit to show
 */
const char *
accord_pop3_client_get_greeting (AccordPop3Client *self)
{
  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), NULL);

  return self->greeting;
}

/**
 * accord_pop3_client_get_capabilities:
 *
 * Returns: (transfer none): the capabilities the server announced last (upper case, the
 *   first word of each CAPA line); empty if it does not know CAPA
 */
const char * const *
accord_pop3_client_get_capabilities (AccordPop3Client *self)
{
  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), NULL);

  return (const char * const *) self->capabilities;
}

gboolean
accord_pop3_client_has_capability (AccordPop3Client *self,
                                   const char       *name)
{
  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; self->capabilities[i] != NULL; i++)
    if (g_ascii_strcasecmp (self->capabilities[i], name) == 0)
      return TRUE;

  return FALSE;
}

gboolean
accord_pop3_client_has_sasl_mechanism (AccordPop3Client *self,
                                       const char       *mechanism)
{
  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), FALSE);
  g_return_val_if_fail (mechanism != NULL, FALSE);

  for (guint i = 0; self->mechanisms[i] != NULL; i++)
    if (g_ascii_strcasecmp (self->mechanisms[i], mechanism) == 0)
      return TRUE;

  return FALSE;
}

gboolean
accord_pop3_client_is_logged_in (AccordPop3Client *self)
{
  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), FALSE);

  return self->logged_in;
}

guint64
accord_pop3_client_get_max_message_size (AccordPop3Client *self)
{
  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), 0);

  return self->max_message_size;
}

void
accord_pop3_client_set_max_message_size (AccordPop3Client *self,
                                         guint64           size)
{
  g_return_if_fail (ACCORD_IS_POP3_CLIENT (self));
  g_return_if_fail (size > 0 && size <= G_MAXUINT32);

  if (self->max_message_size == size)
    return;

  self->max_message_size = size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_MESSAGE_SIZE]);
}

/* --- sending commands, reading answers ---------------------------------------------- */

static void _pop3_pump (AccordPop3Client *self);

static gboolean
_pop3_is_ok (const char *status)
{
  return _accord_net_has_prefix (status, "+OK") && (status[3] == '\0' || status[3] == ' ');
}

static gboolean
_pop3_is_err (const char *status)
{
  return _accord_net_has_prefix (status, "-ERR") && (status[4] == '\0' || status[4] == ' ');
}

/* The text after +OK or -ERR, or after "+" of a continuation. */
static const char *
_pop3_text (const char *status)
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
static void
_pop3_close_queue (AccordPop3Client *self,
                   GError           *reason)
{
  Pop3Command *cmd;

  g_assert (self->closed == NULL);
  self->closed = reason;

  while ((cmd = g_queue_pop_head (&self->pending)) != NULL)
    _pop3_command_fail (self, cmd, g_error_copy (self->closed));
}

static GError *
_pop3_protocol_error (AccordPop3Client *self,
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

static AnswerState
_pop3_take_line (AccordPop3Client  *self,
                 Pop3Command       *cmd,
                 const char        *line,
                 GError           **error)
{
  const char *data;
  gsize len;

  if (cmd->status == NULL)
    {
      if (_pop3_is_ok (line))
        {
          cmd->status = g_strdup (line);
          if (!(cmd->flags & CMD_MULTILINE))
            return ANSWER_COMPLETE;
          cmd->data = g_byte_array_new ();
          return ANSWER_INCOMPLETE;
        }
      if (_pop3_is_err (line) || ((cmd->flags & CMD_SASL) && line[0] == '+'))
        {
          cmd->status = g_strdup (line);
          return ANSWER_COMPLETE;
        }

      *error = _pop3_protocol_error (self, line);
      return ANSWER_BROKEN;
    }

  if (strcmp (line, ".") == 0)
    return ANSWER_COMPLETE;

  data = line[0] == '.' ? line + 1 : line;
  len = strlen (data);
  if (cmd->data->len + len + 2 > self->max_message_size)
    {
      g_autofree char *limit = g_format_size (self->max_message_size);

      *error = g_error_new (ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_TOO_LARGE,
                            _("The answer of %s:%u to %s is larger than %s, the most "
                              "Accord downloads."),
                            self->host, self->port, cmd->line, limit);
      return ANSWER_BROKEN;
    }

  g_byte_array_append (cmd->data, (const guint8 *) data, len);
  g_byte_array_append (cmd->data, (const guint8 *) "\r\n", 2);

  return ANSWER_INCOMPLETE;
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
      g_queue_pop_head (&self->sent);
      cmd->handler (self, cmd->task, cmd);
      _pop3_command_free (cmd);
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
      accord_line_connection_read_line_async (self->conn, g_task_get_cancellable (head->task),
                                              _pop3_read_cb, g_object_ref (self));
    }
}

/* Queues @line; @handler gets the answer. Errors on the way go to @task directly. */
static void
_pop3_send (AccordPop3Client *self,
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

static GError *
_pop3_refused (AccordPop3Client *self,
               Pop3Command      *cmd)
{
  g_autofree char *excerpt = _accord_net_excerpt (_pop3_text (cmd->status));

  return g_error_new (ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_REFUSED,
                      _("%s:%u refused %s: “%s”."),
                      self->host, self->port, cmd->line, excerpt);
}

/* Calls @func on each line of a multi-line answer; stops at the first FALSE. */
static gboolean
_pop3_foreach_line (Pop3Command *cmd,
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

/* --- capabilities ------------------------------------------------------------------- */

typedef struct
{
  GPtrArray *capabilities;
  GPtrArray *mechanisms;
} CapaParse;

static gboolean
_pop3_capa_line (const char *line,
                 gpointer    user_data)
{
  CapaParse *parse = user_data;
  g_auto(GStrv) words = g_strsplit (line, " ", -1);

  if (words[0] == NULL || *words[0] == '\0')
    return TRUE;

  g_ptr_array_add (parse->capabilities, g_ascii_strup (words[0], -1));
  if (g_ascii_strcasecmp (words[0], "SASL") == 0)
    for (guint i = 1; words[i] != NULL; i++)
      if (*words[i] != '\0')
        g_ptr_array_add (parse->mechanisms, g_ascii_strup (words[i], -1));

  return TRUE;
}

/* -ERR: a server from before RFC 2449, which announces nothing. */
static void
_pop3_take_capabilities (AccordPop3Client *self,
                         Pop3Command      *cmd)
{
  CapaParse parse;

  if (!_pop3_is_ok (cmd->status))
    {
      self->have_capa = FALSE;
      g_strfreev (self->capabilities);
      g_strfreev (self->mechanisms);
      self->capabilities = g_new0 (char *, 1);
      self->mechanisms = g_new0 (char *, 1);
      return;
    }

  parse.capabilities = g_ptr_array_new ();
  parse.mechanisms = g_ptr_array_new ();
  _pop3_foreach_line (cmd, _pop3_capa_line, &parse);
  g_ptr_array_add (parse.capabilities, NULL);
  g_ptr_array_add (parse.mechanisms, NULL);

  self->have_capa = TRUE;
  g_strfreev (self->capabilities);
  g_strfreev (self->mechanisms);
  self->capabilities = (char **) g_ptr_array_free (parse.capabilities, FALSE);
  self->mechanisms = (char **) g_ptr_array_free (parse.mechanisms, FALSE);
}

static void
_pop3_capa_cb (AccordPop3Client *self,
               GTask            *task,
               Pop3Command      *cmd)
{
  _pop3_take_capabilities (self, cmd);
  g_task_return_boolean (task, TRUE);
}

/**
 * accord_pop3_client_capabilities_async:
 *
 * Asks the server for its capabilities again (CAPA). Connecting and logging in do this
 * already; accord_pop3_client_get_capabilities() returns the result.
 */
void
accord_pop3_client_capabilities_async (AccordPop3Client    *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_POP3_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_pop3_client_capabilities_async);

  _pop3_send (self, task, "CAPA", NULL, CMD_MULTILINE, _pop3_capa_cb);
}

gboolean
accord_pop3_client_capabilities_finish (AccordPop3Client  *self,
                                        GAsyncResult      *result,
                                        GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- connecting --------------------------------------------------------------------- */

static void _connect_greeting_cb (AccordPop3Client *self,
                                  GTask            *task,
                                  Pop3Command      *cmd);
static void _connect_capa_cb     (AccordPop3Client *self,
                                  GTask            *task,
                                  Pop3Command      *cmd);

static void
_connect_tls_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordPop3Client *self = g_task_get_task_data (task);
  GError *error = NULL;

  if (!accord_line_connection_start_tls_finish (self->conn, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (self->security == ACCORD_SECURITY_TLS)
    {
      _pop3_send (self, task, NULL, NULL, 0, _connect_greeting_cb);
      return;
    }

  /* Whatever the server announced before TLS could have been forged. */
  _pop3_send (self, task, "CAPA", NULL, CMD_MULTILINE, _connect_capa_cb);
}

static void
_connect_start_tls (AccordPop3Client *self,
                    GTask            *task)
{
  accord_line_connection_start_tls_async (self->conn, self->database, self->pin,
                                          g_task_get_cancellable (task),
                                          _connect_tls_cb, g_object_ref (task));
}

static void
_connect_stls_cb (AccordPop3Client *self,
                  GTask            *task,
                  Pop3Command      *cmd)
{
  if (!_pop3_is_ok (cmd->status))
    {
      g_autofree char *excerpt = _accord_net_excerpt (_pop3_text (cmd->status));

      g_task_return_new_error (task, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_NO_STARTTLS,
                               _("%s:%u offers STLS but refused to start it: “%s”. Accord "
                                 "does not continue without encryption."),
                               self->host, self->port, excerpt);
      return;
    }

  _connect_start_tls (self, task);
}

static void
_connect_capa_cb (AccordPop3Client *self,
                  GTask            *task,
                  Pop3Command      *cmd)
{
  _pop3_take_capabilities (self, cmd);

  if (self->security == ACCORD_SECURITY_STARTTLS && !accord_line_connection_is_tls (self->conn))
    {
      if (!accord_pop3_client_has_capability (self, "STLS"))
        {
          g_task_return_new_error (task, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_NO_STARTTLS,
                                   _("%s:%u does not offer STLS, so the connection cannot "
                                     "be encrypted. Accord does not continue without "
                                     "encryption; if the server offers TLS on another port, "
                                     "use that."),
                                   self->host, self->port);
          return;
        }

      _pop3_send (self, task, "STLS", NULL, 0, _connect_stls_cb);
      return;
    }

  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

static void
_connect_greeting_cb (AccordPop3Client *self,
                      GTask            *task,
                      Pop3Command      *cmd)
{
  if (!_pop3_is_ok (cmd->status))
    {
      g_autofree char *excerpt = _accord_net_excerpt (_pop3_text (cmd->status));

      g_task_return_new_error (task, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_CONNECT,
                               _("%s:%u turned the connection away: “%s”."),
                               self->host, self->port, excerpt);
      return;
    }

  self->greeting = _accord_net_excerpt (_pop3_text (cmd->status));
  _pop3_send (self, task, "CAPA", NULL, CMD_MULTILINE, _connect_capa_cb);
}

static void
_connect_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordPop3Client *self = g_task_get_task_data (task);
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
    _pop3_send (self, task, NULL, NULL, 0, _connect_greeting_cb);
}

/**
 * accord_pop3_client_connect_async:
 * @security: %ACCORD_SECURITY_STARTTLS needs STLS to be announced and to succeed; the
 *   connection never carries on without encryption
 * @pinned: (nullable): the SHA-256 fingerprint of a certificate the person accepted
 *   for this host, accepted when verification fails
 * @database: (nullable): the certificate authorities to trust; %NULL for the system's
 * @timeout: seconds allowed for connecting, the handshake and each line
 *
 * Connects, reads the greeting, secures the connection as @security says and asks for
 * the capabilities.
 */
void
accord_pop3_client_connect_async (const char          *host,
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
  AccordPop3Client *self;

  g_return_if_fail (host != NULL && *host != '\0');
  g_return_if_fail (port != 0);
  g_return_if_fail (security == ACCORD_SECURITY_TLS || security == ACCORD_SECURITY_STARTTLS ||
                    security == ACCORD_SECURITY_NONE);
  g_return_if_fail (!database || G_IS_TLS_DATABASE (database));
  g_return_if_fail (timeout > 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  self = g_object_new (ACCORD_TYPE_POP3_CLIENT, NULL);
  self->host = g_strdup (host);
  self->port = port;
  self->security = security;
  self->pin = g_strdup (pinned);
  self->timeout = timeout;
  g_set_object (&self->database, database);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_pop3_client_connect_async);
  g_task_set_task_data (task, self, g_object_unref);

  accord_line_connection_connect_async (host, port, timeout, cancellable,
                                        _connect_cb, g_steal_pointer (&task));
}

/**
 * accord_pop3_client_connect_finish:
 *
 * Returns: (transfer full): the client, not logged in yet
 */
AccordPop3Client *
accord_pop3_client_connect_finish (GAsyncResult  *result,
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
  if (_pop3_is_ok (cmd->status))
    _pop3_take_capabilities (self, cmd);

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
  const char *text = _pop3_text (cmd->status);
  g_autofree char *excerpt = _accord_net_excerpt (text);

  if (_pop3_is_ok (cmd->status))
    {
      self->logged_in = TRUE;
      _pop3_send (self, task, "CAPA", NULL, CMD_LOGIN | CMD_MULTILINE, _login_capa_cb);
      return;
    }

  if (!_pop3_is_err (cmd->status))
    {
      /* A challenge where PLAIN has none: cancel the exchange (RFC 5034 4). */
      data->error = g_error_new (ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_LOGIN,
                                 _("%s:%u asked for more than a user name and password."),
                                 self->host, self->port);
      _pop3_send (self, task, "*", NULL, CMD_LOGIN | CMD_SASL, _login_cancelled_cb);
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

  if (_pop3_is_err (cmd->status))
    {
      g_autofree char *excerpt = _accord_net_excerpt (_pop3_text (cmd->status));

      _login_fail (self, task,
                   g_error_new (ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_LOGIN,
                                _("%s:%u announced but refused AUTH PLAIN: “%s”."),
                                self->host, self->port, excerpt));
      return;
    }
  if (_pop3_is_ok (cmd->status))
    {
      _login_result_cb (self, task, cmd);
      return;
    }

  payload = _accord_net_sasl_plain (data->username, data->password);
  _pop3_send (self, task, payload, "<credentials>", CMD_LOGIN | CMD_SASL, _login_result_cb);
  _accord_net_wipe_free (payload);
}

static void
_login_user_cb (AccordPop3Client *self,
                GTask            *task,
                Pop3Command      *cmd)
{
  LoginData *data = g_task_get_task_data (task);
  char *line;

  if (!_pop3_is_ok (cmd->status))
    {
      g_autofree char *excerpt = _accord_net_excerpt (_pop3_text (cmd->status));

      /* Not the password's fault: USER itself or the name was refused. */
      _login_fail (self, task,
                   g_error_new (ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_LOGIN,
                                _("%s:%u refused the user name: “%s”."),
                                self->host, self->port, excerpt));
      return;
    }

  line = g_strconcat ("PASS ", data->password, NULL);
  _pop3_send (self, task, line, "PASS <password>", CMD_LOGIN, _login_result_cb);
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
      _pop3_send (self, task, "AUTH PLAIN", NULL, CMD_LOGIN | CMD_SASL, _login_auth_cb);
      return;
    }

  /* USER is announced by servers that know CAPA, and assumed of those that do not. */
  if (accord_pop3_client_has_capability (self, "USER") || !self->have_capa)
    {
      g_autofree char *line = g_strconcat ("USER ", username, NULL);

      self->logging_in = TRUE;
      _pop3_send (self, task, line, NULL, CMD_LOGIN, _login_user_cb);
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

/* --- the mailbox -------------------------------------------------------------------- */

static GTask *
_pop3_task_new (AccordPop3Client    *self,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data,
                gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);

  return task;
}

static gboolean
_parse_number (const char *text,
               guint64     max,
               guint64    *out)
{
  return text != NULL && g_ascii_isdigit (*text) &&
         g_ascii_string_to_unsigned (text, 10, 0, max, out, NULL);
}

typedef struct
{
  guint64 count;
  guint64 size;
} StatData;

static void
_stat_cb (AccordPop3Client *self,
          GTask            *task,
          Pop3Command      *cmd)
{
  g_auto(GStrv) words = NULL;
  StatData *counts;

  if (!_pop3_is_ok (cmd->status))
    {
      g_task_return_error (task, _pop3_refused (self, cmd));
      return;
    }

  counts = g_new0 (StatData, 1);
  words = g_strsplit (_pop3_text (cmd->status), " ", 3);
  if (g_strv_length (words) < 2 ||
      !_parse_number (words[0], G_MAXUINT, &counts->count) ||
      !_parse_number (words[1], G_MAXUINT64, &counts->size))
    {
      g_free (counts);
      g_task_return_error (task, _pop3_protocol_error (self, cmd->status));
      return;
    }

  g_task_return_pointer (task, counts, g_free);
}

void
accord_pop3_client_stat_async (AccordPop3Client    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_POP3_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = _pop3_task_new (self, cancellable, callback, user_data, accord_pop3_client_stat_async);
  _pop3_send (self, task, "STAT", NULL, CMD_PIPELINE, _stat_cb);
}

/**
 * accord_pop3_client_stat_finish:
 * @count: (out) (optional): the number of messages
 * @size: (out) (optional): their total size in bytes
 */
gboolean
accord_pop3_client_stat_finish (AccordPop3Client  *self,
                                GAsyncResult      *result,
                                guint             *count,
                                guint64           *size,
                                GError           **error)
{
  g_autofree StatData *counts = NULL;

  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  counts = g_task_propagate_pointer (G_TASK (result), error);
  if (counts == NULL)
    return FALSE;

  if (count != NULL)
    *count = (guint) counts->count;
  if (size != NULL)
    *size = counts->size;

  return TRUE;
}

/* "NUMBER REST" of UIDL and LIST listings. */
static gboolean
_split_listing_line (const char  *line,
                     guint       *number,
                     const char **rest)
{
  const char *space = strchr (line, ' ');
  g_autofree char *digits = NULL;
  guint64 value;

  if (space == NULL)
    return FALSE;

  digits = g_strndup (line, space - line);
  if (!_parse_number (digits, G_MAXUINT, &value) || value == 0)
    return FALSE;

  *number = (guint) value;
  *rest = space + 1;

  return TRUE;
}

static gboolean
_uidl_line (const char *line,
            gpointer    user_data)
{
  GPtrArray *uidls = user_data;
  AccordPop3Uidl *uidl;
  const char *rest;
  guint number;
  gsize len;

  if (!_split_listing_line (line, &number, &rest))
    return FALSE;

  len = strcspn (rest, " ");
  if (len == 0 || len > MAX_UIDL_LENGTH)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (rest[i] < 0x21 || rest[i] > 0x7e)
      return FALSE;

  uidl = g_new0 (AccordPop3Uidl, 1);
  uidl->number = number;
  uidl->uidl = g_strndup (rest, len);
  g_ptr_array_add (uidls, uidl);

  return TRUE;
}

static gboolean
_list_line (const char *line,
            gpointer    user_data)
{
  GArray *sizes = user_data;
  g_autofree char *digits = NULL;
  AccordPop3Size size;
  const char *rest;

  if (!_split_listing_line (line, &size.number, &rest))
    return FALSE;

  digits = g_strndup (rest, strcspn (rest, " "));
  if (!_parse_number (digits, G_MAXUINT64, &size.size))
    return FALSE;

  g_array_append_val (sizes, size);

  return TRUE;
}

static void
_uidl_cb (AccordPop3Client *self,
          GTask            *task,
          Pop3Command      *cmd)
{
  g_autoptr(GPtrArray) uidls = NULL;

  if (!_pop3_is_ok (cmd->status))
    {
      g_task_return_error (task, _pop3_refused (self, cmd));
      return;
    }

  uidls = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_pop3_uidl_free);
  if (!_pop3_foreach_line (cmd, _uidl_line, uidls))
    {
      g_task_return_new_error (task, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_PROTOCOL,
                               _("%s:%u sent a list of message ids (UIDL) that breaks the "
                                 "POP3 protocol."),
                               self->host, self->port);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&uidls), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * accord_pop3_client_uidl_async:
 *
 * Lists the unique id of every message not marked for deletion (UIDL).
 */
void
accord_pop3_client_uidl_async (AccordPop3Client    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_POP3_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = _pop3_task_new (self, cancellable, callback, user_data, accord_pop3_client_uidl_async);
  _pop3_send (self, task, "UIDL", NULL, CMD_MULTILINE | CMD_PIPELINE, _uidl_cb);
}

/**
 * accord_pop3_client_uidl_finish:
 *
 * Returns: (transfer container) (element-type AccordPop3Uidl): the ids, in the
 *   server's order
 */
GPtrArray *
accord_pop3_client_uidl_finish (AccordPop3Client  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
_list_cb (AccordPop3Client *self,
          GTask            *task,
          Pop3Command      *cmd)
{
  g_autoptr(GArray) sizes = NULL;

  if (!_pop3_is_ok (cmd->status))
    {
      g_task_return_error (task, _pop3_refused (self, cmd));
      return;
    }

  sizes = g_array_new (FALSE, FALSE, sizeof (AccordPop3Size));
  if (!_pop3_foreach_line (cmd, _list_line, sizes))
    {
      g_task_return_new_error (task, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_PROTOCOL,
                               _("%s:%u sent a list of message sizes (LIST) that breaks the "
                                 "POP3 protocol."),
                               self->host, self->port);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&sizes), (GDestroyNotify) g_array_unref);
}

/**
 * accord_pop3_client_list_async:
 *
 * Lists the size of every message not marked for deletion (LIST).
 */
void
accord_pop3_client_list_async (AccordPop3Client    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_POP3_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = _pop3_task_new (self, cancellable, callback, user_data, accord_pop3_client_list_async);
  _pop3_send (self, task, "LIST", NULL, CMD_MULTILINE | CMD_PIPELINE, _list_cb);
}

/**
 * accord_pop3_client_list_finish:
 *
 * Returns: (transfer full) (element-type AccordPop3Size): the sizes, in the server's
 *   order
 */
GArray *
accord_pop3_client_list_finish (AccordPop3Client  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
_retr_cb (AccordPop3Client *self,
          GTask            *task,
          Pop3Command      *cmd)
{
  if (!_pop3_is_ok (cmd->status))
    {
      g_task_return_error (task, _pop3_refused (self, cmd));
      return;
    }

  g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&cmd->data)),
                         (GDestroyNotify) g_bytes_unref);
}

/**
 * accord_pop3_client_retr_async:
 * @number: the message's number in this session
 *
 * Downloads a message. Several may be asked for at once: with PIPELINING they are
 * requested without waiting for each other.
 */
void
accord_pop3_client_retr_async (AccordPop3Client    *self,
                               guint                number,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *line = NULL;

  g_return_if_fail (ACCORD_IS_POP3_CLIENT (self));
  g_return_if_fail (number > 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = _pop3_task_new (self, cancellable, callback, user_data, accord_pop3_client_retr_async);
  line = g_strdup_printf ("RETR %u", number);
  _pop3_send (self, task, line, NULL, CMD_MULTILINE | CMD_PIPELINE, _retr_cb);
}

/**
 * accord_pop3_client_retr_finish:
 *
 * Returns: (transfer full): the message as the server keeps it: dot-unstuffed, with
 *   CRLF line ends and without the line that ends the answer
 */
GBytes *
accord_pop3_client_retr_finish (AccordPop3Client  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
_ok_cb (AccordPop3Client *self,
        GTask            *task,
        Pop3Command      *cmd)
{
  if (!_pop3_is_ok (cmd->status))
    g_task_return_error (task, _pop3_refused (self, cmd));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * accord_pop3_client_dele_async:
 *
 * Marks a message for deletion; the server deletes it once QUIT succeeds.
 */
void
accord_pop3_client_dele_async (AccordPop3Client    *self,
                               guint                number,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *line = NULL;

  g_return_if_fail (ACCORD_IS_POP3_CLIENT (self));
  g_return_if_fail (number > 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = _pop3_task_new (self, cancellable, callback, user_data, accord_pop3_client_dele_async);
  line = g_strdup_printf ("DELE %u", number);
  _pop3_send (self, task, line, NULL, CMD_PIPELINE, _ok_cb);
}

gboolean
accord_pop3_client_dele_finish (AccordPop3Client  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * accord_pop3_client_rset_async:
 *
 * Unmarks every message marked for deletion in this session.
 */
void
accord_pop3_client_rset_async (AccordPop3Client    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_POP3_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = _pop3_task_new (self, cancellable, callback, user_data, accord_pop3_client_rset_async);
  _pop3_send (self, task, "RSET", NULL, CMD_PIPELINE, _ok_cb);
}

gboolean
accord_pop3_client_rset_finish (AccordPop3Client  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
accord_pop3_client_noop_async (AccordPop3Client    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_POP3_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = _pop3_task_new (self, cancellable, callback, user_data, accord_pop3_client_noop_async);
  _pop3_send (self, task, "NOOP", NULL, CMD_PIPELINE, _ok_cb);
}

gboolean
accord_pop3_client_noop_finish (AccordPop3Client  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), FALSE);
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
  GError *error = g_task_get_task_data (task);

  /* The server has answered; how the connection ends does not matter. */
  accord_line_connection_close_finish (ACCORD_LINE_CONNECTION (object), result, NULL);

  if (error != NULL)
    g_task_return_error (task, g_error_copy (error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
_quit_cb (AccordPop3Client *self,
          GTask            *task,
          Pop3Command      *cmd)
{
  if (!_pop3_is_ok (cmd->status))
    {
      g_autofree char *excerpt = _accord_net_excerpt (_pop3_text (cmd->status));

      g_task_set_task_data (task,
                            g_error_new (ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_REFUSED,
                                         _("%s:%u could not delete the messages marked "
                                           "for deletion: “%s”."),
                                         self->host, self->port, excerpt),
                            (GDestroyNotify) g_error_free);
    }

  _pop3_close_queue (self, g_error_new (ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_CLOSED,
                                        _("The connection to %s:%u was closed."),
                                        self->host, self->port));

  self->conn_closed = TRUE;
  accord_line_connection_close_async (self->conn, NULL, _quit_close_cb, g_object_ref (task));
}

/**
 * accord_pop3_client_quit_async:
 *
 * Ends the session: the server deletes the messages marked for deletion, then the
 * connection is closed. Commands queued behind QUIT fail with
 * %ACCORD_POP3_ERROR_CLOSED. If the server could not delete them, this fails with
 * %ACCORD_POP3_ERROR_REFUSED.
 */
void
accord_pop3_client_quit_async (AccordPop3Client    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_POP3_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = _pop3_task_new (self, cancellable, callback, user_data, accord_pop3_client_quit_async);
  _pop3_send (self, task, "QUIT", NULL, 0, _quit_cb);
}

gboolean
accord_pop3_client_quit_finish (AccordPop3Client  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
