/* accord-imap-connection.c - the wire under AccordImapClient: socket, TLS, tagged
 * commands and the responses that belong to them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-imap-connection.h"
#include "accord-tls-utils.h"

/* What one read asks for; TLS hands out at most a record (16 KiB) at a time anyway. */
#define READ_SIZE (64 * 1024)
/* Buffers handed to one writev. */
#define MAX_VECTORS 64

/* --- the connection ----------------------------------------------------------------- */

typedef struct
{
  AccordImapConnection       *conn;         /* not a reference: it fails every command
                                             * before it goes */
  GTask                      *task;
  char                       *tag;
  AccordImapCommandFlags      flags;
  GPtrArray                  *chunks;       /* GBytes; the first is the tag */
  GArray                     *sync;         /* gboolean per chunk */
  guint                       next_chunk;   /* the first not yet handed to a write */
  guint                       released;     /* "+" received and not yet used */
  gboolean                    open;         /* more lines may follow (IDLE) */
  gboolean                    quiet;        /* the server may stay silent (idling) */
  AccordImapUntaggedFunc      on_untagged;
  AccordImapContinuationFunc  on_continuation;
  gpointer                    func_data;
  GSource                    *cancel_source;
} Command;

/**
 * AccordImapConnection:
 *
 * A connection to an IMAP server. Commands are tagged and written as soon as they are
 * given (pipelining), except that one with a synchronizing literal holds back what
 * follows until the server's "+". Responses are read continuously, 64 KiB at a time,
 * straight into the parser; untagged ones go to the oldest command in progress and to
 * the untagged function, tagged ones complete their command.
 *
 * Everything runs in the main context that was thread-default when connecting. A
 * server that stays silent for the timeout while a command waits, a lost connection, a
 * response that breaks the protocol and the cancellation of any command close the
 * connection and fail every command in progress.
 */
struct _AccordImapConnection
{
  GObject                 parent_instance;

  char                   *host;
  guint16                 port;
  guint                   timeout;
  GMainContext           *context;

  GSocketConnection      *base;
  GTlsConnection         *tls;
  GIOStream              *stream;            /* tls once it is up, base before */
  GCancellable           *io_cancellable;    /* cancels all I/O when closing */

  GTlsDatabase           *database;
  char                   *pin;
  GTlsCertificate        *peer_certificate;
  GTlsCertificateFlags    peer_errors;
  gboolean                pinned;

  AccordImapParser       *parser;
  AccordImapResponse     *greeting;
  GTask                  *opening;           /* connect or STARTTLS in progress */
  GSource                *opening_cancel;
  gboolean                implicit_tls;
  gboolean                handshaking;
  gboolean                reading;
  gboolean                paused;            /* no reading until the TLS handshake */
  gboolean                writing;
  gboolean                stream_closing;
  GPtrArray              *in_flight;         /* GBytes being written */
  GOutputVector           vectors[MAX_VECTORS];

  guint                   next_tag;
  GQueue                  commands;          /* Command, in the order given */
  GQueue                  unwritten;         /* Command with pieces not yet written */

  GSource                *deadline;
  gint64                  last_activity;

  gboolean                closed;
  char                   *bye;               /* the text of the server's BYE */

  AccordImapUntaggedFunc  untagged_func;
  gpointer                untagged_data;
};

G_DEFINE_FINAL_TYPE (AccordImapConnection, accord_imap_connection, G_TYPE_OBJECT)

static void _fail (AccordImapConnection *self, GError *error, Command *cancelled);
static void _read_next (AccordImapConnection *self);
static void _write_next (AccordImapConnection *self);

static void
_command_free (Command *cmd)
{
  if (cmd->cancel_source != NULL)
    {
      g_source_destroy (cmd->cancel_source);
      g_source_unref (cmd->cancel_source);
    }
  g_clear_object (&cmd->task);
  g_free (cmd->tag);
  g_ptr_array_unref (cmd->chunks);
  g_array_unref (cmd->sync);
  g_free (cmd);
}

static gboolean
_debug_enabled (void)
{
  return !g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN);
}

static void
accord_imap_connection_dispose (GObject *object)
{
  AccordImapConnection *self = (AccordImapConnection *) object;

  /* Every command and every I/O operation holds a reference, so none is left. */
  g_assert (g_queue_is_empty (&self->commands));
  g_assert (!self->reading && !self->writing);

  if (self->stream != NULL && !g_io_stream_is_closed (self->stream) && !self->stream_closing)
    g_io_stream_close_async (self->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);

  if (self->deadline != NULL)
    {
      g_source_destroy (self->deadline);
      g_clear_pointer (&self->deadline, g_source_unref);
    }

  g_clear_object (&self->stream);
  g_clear_object (&self->tls);
  g_clear_object (&self->base);
  g_clear_object (&self->io_cancellable);
  g_clear_object (&self->database);
  g_clear_object (&self->peer_certificate);

  G_OBJECT_CLASS (accord_imap_connection_parent_class)->dispose (object);
}

static void
accord_imap_connection_finalize (GObject *object)
{
  AccordImapConnection *self = (AccordImapConnection *) object;

  g_clear_pointer (&self->parser, accord_imap_parser_free);
  g_clear_pointer (&self->greeting, accord_imap_response_free);
  g_clear_pointer (&self->in_flight, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->host);
  g_free (self->pin);
  g_free (self->bye);

  G_OBJECT_CLASS (accord_imap_connection_parent_class)->finalize (object);
}

static void
accord_imap_connection_class_init (AccordImapConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = accord_imap_connection_dispose;
  object_class->finalize = accord_imap_connection_finalize;
}

static void
accord_imap_connection_init (AccordImapConnection *self)
{
  self->parser = accord_imap_parser_new (0);
  self->in_flight = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  self->io_cancellable = g_cancellable_new ();
  self->next_tag = 1;
  g_queue_init (&self->commands);
  g_queue_init (&self->unwritten);
}

const char *
accord_imap_connection_get_host (AccordImapConnection *self)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CONNECTION (self), NULL);

  return self->host;
}

guint16
accord_imap_connection_get_port (AccordImapConnection *self)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CONNECTION (self), 0);

  return self->port;
}

guint
accord_imap_connection_get_timeout (AccordImapConnection *self)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CONNECTION (self), 0);

  return self->timeout;
}

/**
 * accord_imap_connection_set_timeout:
 * @seconds: how long the server may stay silent while a command waits for it
 */
void
accord_imap_connection_set_timeout (AccordImapConnection *self,
                                    guint                 seconds)
{
  g_return_if_fail (ACCORD_IS_IMAP_CONNECTION (self));
  g_return_if_fail (seconds > 0);

  self->timeout = seconds;
}

gboolean
accord_imap_connection_is_open (AccordImapConnection *self)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CONNECTION (self), FALSE);

  return !self->closed && self->bye == NULL;
}

gboolean
accord_imap_connection_is_tls (AccordImapConnection *self)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CONNECTION (self), FALSE);

  return self->tls != NULL;
}

GTlsCertificate *
accord_imap_connection_get_peer_certificate (AccordImapConnection *self)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CONNECTION (self), NULL);

  return self->peer_certificate;
}

gboolean
accord_imap_connection_get_certificate_pinned (AccordImapConnection *self)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CONNECTION (self), FALSE);

  return self->pinned;
}

/**
 * accord_imap_connection_get_greeting:
 *
 * Returns: (transfer none): the server's first response, "* OK …" or "* PREAUTH …"
 */
const AccordImapResponse *
accord_imap_connection_get_greeting (AccordImapConnection *self)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CONNECTION (self), NULL);

  return self->greeting;
}

/**
 * accord_imap_connection_set_untagged_func:
 *
 * Sets what sees every untagged response (capabilities, BYE …), before the command it
 * belongs to.
 */
void
accord_imap_connection_set_untagged_func (AccordImapConnection   *self,
                                          AccordImapUntaggedFunc  func,
                                          gpointer                user_data)
{
  g_return_if_fail (ACCORD_IS_IMAP_CONNECTION (self));

  self->untagged_func = func;
  self->untagged_data = user_data;
}

/* --- deadline ----------------------------------------------------------------------- */

static gboolean
_deadline_dispatch (GSource     *source,
                    GSourceFunc  callback,
                    gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs deadline_funcs = {
  .dispatch = _deadline_dispatch,
};

/* Whether something waits for the server: then its silence counts. */
static gboolean
_waiting_for_server (AccordImapConnection *self)
{
  if (self->opening != NULL)
    return TRUE;

  for (GList *l = self->commands.head; l != NULL; l = l->next)
    {
      Command *cmd = l->data;

      if (!cmd->quiet)
        return TRUE;
    }

  return FALSE;
}

static void
_touch (AccordImapConnection *self)
{
  self->last_activity = g_get_monotonic_time ();
}

static gboolean
_on_deadline_cb (gpointer user_data)
{
  AccordImapConnection *self = user_data;
  gint64 due;

  if (self->closed || !_waiting_for_server (self))
    {
      g_source_set_ready_time (self->deadline, -1);
      return G_SOURCE_CONTINUE;
    }

  due = self->last_activity + (gint64) self->timeout * G_USEC_PER_SEC;
  if (g_get_monotonic_time () < due)
    {
      g_source_set_ready_time (self->deadline, due);
      return G_SOURCE_CONTINUE;
    }

  g_source_set_ready_time (self->deadline, -1);
  _fail (self,
         g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_TIMEOUT,
                      g_dngettext (GETTEXT_PACKAGE,
                                   "%s:%u did not answer within %u second; the connection "
                                   "was closed.",
                                   "%s:%u did not answer within %u seconds; the connection "
                                   "was closed.",
                                   self->timeout),
                      self->host, self->port, self->timeout),
         NULL);

  return G_SOURCE_CONTINUE;
}

/* Starts the clock when something begins to wait for the server; @was_waiting says
 * whether something already did, whose clock keeps running. */
static void
_arm_deadline (AccordImapConnection *self,
               gboolean              was_waiting)
{
  if (self->deadline == NULL)
    {
      self->deadline = g_source_new (&deadline_funcs, sizeof (GSource));
      g_source_set_static_name (self->deadline, "[accord] IMAP deadline");
      g_source_set_callback (self->deadline, _on_deadline_cb, self, NULL);
      g_source_attach (self->deadline, self->context);
    }

  if (!was_waiting)
    _touch (self);
  if (g_source_get_ready_time (self->deadline) == -1)
    g_source_set_ready_time (self->deadline,
                             self->last_activity + (gint64) self->timeout * G_USEC_PER_SEC);
}

/* --- closing ------------------------------------------------------------------------ */

static void
_on_stream_closed_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(AccordImapConnection) self = user_data;

  g_io_stream_close_finish (G_IO_STREAM (object), result, NULL);
}

/* Closes the stream once no operation uses it any more. */
static void
_close_stream (AccordImapConnection *self)
{
  if (self->stream == NULL || self->reading || self->writing || self->stream_closing)
    return;

  self->stream_closing = TRUE;
  g_io_stream_close_async (self->stream, G_PRIORITY_DEFAULT, NULL,
                           _on_stream_closed_cb, g_object_ref (self));
}

static GTask *
_take_opening (AccordImapConnection *self)
{
  if (self->opening_cancel != NULL)
    {
      g_source_destroy (self->opening_cancel);
      g_clear_pointer (&self->opening_cancel, g_source_unref);
    }

  return g_steal_pointer (&self->opening);
}

/* Closes the connection and fails whatever waits: @cancelled with
 * %G_IO_ERROR_CANCELLED, everything else with @error (taken). */
static void
_fail (AccordImapConnection *self,
       GError               *error,
       Command              *cancelled)
{
  g_autoptr(AccordImapConnection) keep = NULL;
  GTask *opening;
  Command *cmd;

  if (self->closed)
    {
      g_error_free (error);
      return;
    }

  keep = g_object_ref (self);
  self->closed = TRUE;
  g_debug ("%s:%u: closing the connection: %s", self->host, self->port, error->message);

  g_cancellable_cancel (self->io_cancellable);
  if (self->deadline != NULL)
    g_source_set_ready_time (self->deadline, -1);
  /* The server sees the end at once; the stream is closed once the operations on it
   * have returned, which takes an iteration of the main context. */
  if (self->base != NULL)
    g_socket_shutdown (g_socket_connection_get_socket (self->base), TRUE, TRUE, NULL);
  if (!self->handshaking)
    _close_stream (self);

  opening = _take_opening (self);
  if (opening != NULL)
    {
      g_task_return_error (opening, g_error_copy (error));
      g_object_unref (opening);
    }

  g_queue_clear (&self->unwritten);
  while ((cmd = g_queue_pop_head (&self->commands)) != NULL)
    {
      GTask *task = g_steal_pointer (&cmd->task);
      GError *cmd_error;

      if (cmd == cancelled)
        cmd_error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                         _("The operation was cancelled."));
      else
        cmd_error = g_error_copy (error);

      _command_free (cmd);
      g_task_return_error (task, cmd_error);
      g_object_unref (task);
    }

  g_error_free (error);
}

static GError *
_closed_error (AccordImapConnection *self)
{
  return g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_CLOSED,
                      _("The connection to %s:%u is closed."), self->host, self->port);
}

/**
 * accord_imap_connection_close:
 * @reason: (nullable) (transfer full): what the commands still waiting fail with;
 *   %NULL for %ACCORD_IMAP_ERROR_CLOSED
 *
 * Closes the connection at once, without LOGOUT.
 */
void
accord_imap_connection_close (AccordImapConnection *self,
                              GError               *reason)
{
  g_return_if_fail (ACCORD_IS_IMAP_CONNECTION (self));

  _fail (self, reason != NULL ? reason : _closed_error (self), NULL);
}

/* --- connecting and TLS ------------------------------------------------------------- */

static gboolean
_on_opening_cancelled_cb (GCancellable *cancellable,
                          gpointer      user_data)
{
  AccordImapConnection *self = user_data;

  _fail (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                    _("The operation was cancelled.")),
         NULL);

  return G_SOURCE_REMOVE;
}

/* Connecting, the handshake and the greeting run under the deadline and @cancellable. */
static void
_begin_opening (AccordImapConnection *self,
                GTask                *task,
                GCancellable         *cancellable)
{
  gboolean was_waiting = _waiting_for_server (self);

  g_assert (self->opening == NULL);

  self->opening = g_object_ref (task);
  if (cancellable != NULL)
    {
      self->opening_cancel = g_cancellable_source_new (cancellable);
      g_source_set_static_name (self->opening_cancel, "[accord] IMAP connect cancelled");
      g_source_set_callback (self->opening_cancel, (GSourceFunc) _on_opening_cancelled_cb,
                             self, NULL);
      g_source_attach (self->opening_cancel, self->context);
    }

  _arm_deadline (self, was_waiting);
}

static gboolean
_on_accept_certificate_cb (GTlsConnection       *tls,
                           GTlsCertificate      *certificate,
                           GTlsCertificateFlags  errors,
                           gpointer              user_data)
{
  AccordImapConnection *self = user_data;
  gboolean accepted = accord_tls_accept_certificate (tls, certificate, self->database, self->pin,
                                                     self->host, self->port, &errors, &self->pinned);

  g_set_object (&self->peer_certificate, certificate);
  self->peer_errors = errors;
  return accepted;
}

static void
_handshake_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(AccordImapConnection) self = user_data;
  GTlsConnection *tls = G_TLS_CONNECTION (object);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  self->handshaking = FALSE;
  g_signal_handlers_disconnect_by_func (tls, _on_accept_certificate_cb, self);
  ok = g_tls_connection_handshake_finish (tls, result, &error);

  if (self->closed)
    {
      _close_stream (self);
      return;
    }

  if (!ok)
    {
      if (self->peer_certificate != NULL && !self->pinned &&
          g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
        {
          g_autofree char *message = accord_certificate_describe_refusal (self->peer_certificate,
                                                                          self->peer_errors,
                                                                          self->host, self->port);

          _fail (self, g_error_new_literal (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_CERTIFICATE, message),
                 NULL);
          return;
        }

      _fail (self,
             g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_CONNECT,
                          _("A secure connection to %s:%u could not be established: %s"),
                          self->host, self->port, error->message),
             NULL);
      return;
    }

  if (self->peer_certificate == NULL)
    {
      /* Verified without a word from accept-certificate. */
      g_set_object (&self->peer_certificate, g_tls_connection_get_peer_certificate (tls));
      self->peer_errors = g_tls_connection_get_peer_certificate_errors (tls);
    }

  g_set_object (&self->tls, tls);
  g_set_object (&self->stream, G_IO_STREAM (tls));
  _touch (self);

  if (self->greeting != NULL)
    {
      /* STARTTLS: done. */
      GTask *task = _take_opening (self);

      self->paused = FALSE;
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }

  _read_next (self);
  _write_next (self);
}

static void
_handshake (AccordImapConnection *self)
{
  g_autoptr(GSocketConnectable) identity = g_network_address_new (self->host, self->port);
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GError) error = NULL;

  tls = accord_tls_client_connection_new (G_IO_STREAM (self->base), identity, self->database,
                                          self->pin, &error);
  if (tls == NULL)
    {
      _fail (self,
             g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_CONNECT,
                          _("A secure connection to %s:%u could not be set up: %s"),
                          self->host, self->port, error->message),
             NULL);
      return;
    }

  g_clear_object (&self->peer_certificate);
  self->peer_errors = 0;
  self->pinned = FALSE;
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (_on_accept_certificate_cb), self);

  self->handshaking = TRUE;
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT,
                                    self->io_cancellable, _handshake_cb,
                                    g_object_ref (self));
}

static void
_connect_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(AccordImapConnection) self = user_data;
  g_autoptr(GSocketConnection) base = NULL;
  g_autoptr(GError) error = NULL;

  base = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, &error);
  if (self->closed)
    {
      if (base != NULL)
        g_io_stream_close_async (G_IO_STREAM (base), G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      return;
    }
  if (base == NULL)
    {
      _fail (self,
             g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_CONNECT,
                          _("Could not connect to %s:%u: %s"),
                          self->host, self->port, error->message),
             NULL);
      return;
    }

  g_debug ("Connected to %s:%u", self->host, self->port);
  self->base = g_steal_pointer (&base);
  self->stream = g_object_ref (G_IO_STREAM (self->base));
  _touch (self);

  if (self->implicit_tls)
    _handshake (self);
  else
    _read_next (self);
}

/**
 * accord_imap_connection_connect_async:
 * @implicit_tls: whether TLS starts right away; else the connection is plain until
 *   accord_imap_connection_starttls_async()
 * @pinned: (nullable): the SHA-256 fingerprint of a certificate that is accepted when
 *   verification fails
 * @database: (nullable): the certificate authorities to trust; %NULL for the system's
 * @timeout: seconds the server may stay silent while something waits for it
 *
 * Connects and reads the greeting, all within @timeout.
 */
void
accord_imap_connection_connect_async (const char          *host,
                                      guint16              port,
                                      gboolean             implicit_tls,
                                      const char          *pinned,
                                      GTlsDatabase        *database,
                                      guint                timeout,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketConnectable) address = NULL;
  AccordImapConnection *self;

  g_return_if_fail (host != NULL && *host != '\0');
  g_return_if_fail (port != 0);
  g_return_if_fail (timeout > 0);
  g_return_if_fail (!database || G_IS_TLS_DATABASE (database));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  self = g_object_new (ACCORD_TYPE_IMAP_CONNECTION, NULL);
  self->host = g_strdup (host);
  self->port = port;
  self->timeout = timeout;
  self->implicit_tls = implicit_tls;
  self->context = g_main_context_ref_thread_default ();
  self->database = database != NULL ? g_object_ref (database) : NULL;
  self->pin = pinned != NULL ? accord_fingerprint_normalize (pinned) : NULL;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_imap_connection_connect_async);
  g_task_set_task_data (task, self, g_object_unref);

  _begin_opening (self, task, cancellable);

  client = g_socket_client_new ();
  address = g_network_address_new (host, port);
  g_socket_client_connect_async (client, address, self->io_cancellable, _connect_cb,
                                 g_object_ref (self));
}

/**
 * accord_imap_connection_connect_finish:
 *
 * Returns: (transfer full): the connection, with its greeting read
 */
AccordImapConnection *
accord_imap_connection_connect_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  return g_object_ref (g_task_get_task_data (G_TASK (result)));
}

/* --- reading ------------------------------------------------------------------------ */

/* The oldest command the server has begun to see: untagged responses are its. */
static Command *
_current_command (AccordImapConnection *self)
{
  Command *cmd = g_queue_peek_head (&self->commands);

  return cmd != NULL && cmd->next_chunk > 0 ? cmd : NULL;
}

static void
_take_greeting (AccordImapConnection *self,
                AccordImapResponse   *response)
{
  GTask *task;

  if (response->kind != ACCORD_IMAP_RESPONSE_UNTAGGED ||
      (response->status != ACCORD_IMAP_STATUS_OK &&
       response->status != ACCORD_IMAP_STATUS_PREAUTH &&
       response->status != ACCORD_IMAP_STATUS_BYE))
    {
      accord_imap_response_free (response);
      _fail (self,
             g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_PROTOCOL,
                          _("%s:%u does not greet like an IMAP server. Check the port."),
                          self->host, self->port),
             NULL);
      return;
    }

  if (response->status == ACCORD_IMAP_STATUS_BYE)
    {
      GError *error = g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_CONNECT,
                                   _("%s:%u refused the connection: %s"),
                                   self->host, self->port, response->text);

      accord_imap_response_free (response);
      _fail (self, error, NULL);
      return;
    }

  if (_debug_enabled ())
    g_debug ("%s:%u S: * %s %s", self->host, self->port, response->name, response->text);

  self->greeting = response;
  task = _take_opening (self);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
_on_continuation (AccordImapConnection *self,
                  AccordImapResponse   *response)
{
  Command *cmd = g_queue_peek_head (&self->unwritten);

  if (cmd != NULL && cmd->next_chunk < cmd->chunks->len &&
      g_array_index (cmd->sync, gboolean, cmd->next_chunk) && cmd->released == 0)
    {
      cmd->released++;
      _write_next (self);
      return;
    }

  if (cmd != NULL && cmd->on_continuation != NULL)
    {
      if (cmd->open)
        cmd->quiet = TRUE;
      cmd->on_continuation (response, cmd->func_data);
      return;
    }

  _fail (self,
         g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_PROTOCOL,
                      _("%s:%u asked for data that no command has to send."),
                      self->host, self->port),
         NULL);
}

static void
_on_tagged (AccordImapConnection *self,
            AccordImapResponse   *response)
{
  Command *cmd = NULL;
  GTask *task;

  for (GList *l = self->commands.head; l != NULL; l = l->next)
    {
      Command *candidate = l->data;

      if (g_str_equal (candidate->tag, response->tag))
        {
          cmd = candidate;
          break;
        }
    }

  if (cmd == NULL)
    {
      GError *error = g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_PROTOCOL,
                                   _("%s:%u answered a command that was not given (%s)."),
                                   self->host, self->port, response->tag);

      accord_imap_response_free (response);
      _fail (self, error, NULL);
      return;
    }

  if (_debug_enabled ())
    g_debug ("%s:%u S: %s %s %s%s%s%s", self->host, self->port, response->tag,
             response->name, response->code != NULL ? "[" : "",
             response->code != NULL ? response->code : "",
             response->code != NULL ? "] " : "", response->text);

  g_queue_remove (&self->commands, cmd);
  g_queue_remove (&self->unwritten, cmd);
  if ((cmd->flags & ACCORD_IMAP_COMMAND_STOP_READING) &&
      response->status == ACCORD_IMAP_STATUS_OK)
    self->paused = TRUE;

  task = g_steal_pointer (&cmd->task);
  _command_free (cmd);
  g_task_return_pointer (task, response, (GDestroyNotify) accord_imap_response_free);
  g_object_unref (task);

  /* What waited behind a refused literal can go now. */
  _write_next (self);
}

static void
_on_untagged (AccordImapConnection *self,
              AccordImapResponse   *response)
{
  Command *cmd;

  if (response->status == ACCORD_IMAP_STATUS_BYE && !response->has_number)
    {
      g_free (self->bye);
      self->bye = g_strdup (response->text != NULL ? response->text : "");
      g_debug ("%s:%u S: * BYE %s", self->host, self->port, self->bye);
    }

  if (self->untagged_func != NULL)
    self->untagged_func (response, self->untagged_data);
  if (self->closed)
    return;

  cmd = _current_command (self);
  if (cmd != NULL && cmd->on_untagged != NULL)
    cmd->on_untagged (response, cmd->func_data);
}

static void
_dispatch (AccordImapConnection *self,
           AccordImapResponse   *response)
{
  if (self->greeting == NULL)
    {
      _take_greeting (self, response);
      return;
    }

  switch (response->kind)
    {
    case ACCORD_IMAP_RESPONSE_TAGGED:
      _on_tagged (self, response);
      return;
    case ACCORD_IMAP_RESPONSE_CONTINUATION:
      _on_continuation (self, response);
      break;
    case ACCORD_IMAP_RESPONSE_UNTAGGED:
    default:
      _on_untagged (self, response);
      break;
    }

  accord_imap_response_free (response);
}

/* Hands out every complete response; stops when more input is needed, on an error,
 * and before a TLS handshake. */
static void
_drain (AccordImapConnection *self)
{
  while (!self->closed && !self->paused)
    {
      GError *error = NULL;
      AccordImapResponse *response = accord_imap_parser_next (self->parser, &error);

      if (response == NULL)
        {
          if (error != NULL)
            _fail (self, error, NULL);
          return;
        }

      _dispatch (self, response);
    }
}

static void
_read_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(AccordImapConnection) self = user_data;
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  self->reading = FALSE;

  if (self->closed)
    {
      _close_stream (self);
      return;
    }

  if (n < 0)
    {
      _fail (self,
             g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_CLOSED,
                          _("The connection to %s:%u was lost: %s"),
                          self->host, self->port, error->message),
             NULL);
      return;
    }
  if (n == 0)
    {
      if (self->bye != NULL)
        _fail (self,
               g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_CLOSED,
                            _("%s:%u closed the connection: %s"),
                            self->host, self->port, self->bye),
               NULL);
      else
        _fail (self,
               g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_CLOSED,
                            _("%s:%u closed the connection unexpectedly."),
                            self->host, self->port),
               NULL);
      return;
    }

  accord_imap_parser_commit (self->parser, n);
  _touch (self);
  _drain (self);
  _read_next (self);
}

static void
_read_next (AccordImapConnection *self)
{
  guint8 *buffer;
  gsize size;

  if (self->reading || self->paused || self->closed || self->stream == NULL)
    return;

  buffer = accord_imap_parser_get_buffer (self->parser, &size);
  if (size == 0)
    return;

  self->reading = TRUE;
  g_input_stream_read_async (g_io_stream_get_input_stream (self->stream), buffer,
                             MIN (size, READ_SIZE), G_PRIORITY_DEFAULT,
                             self->io_cancellable, _read_cb, g_object_ref (self));
}

/* --- writing ------------------------------------------------------------------------ */

static void
_write_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(AccordImapConnection) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = g_output_stream_writev_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error);
  self->writing = FALSE;
  g_ptr_array_set_size (self->in_flight, 0);

  if (self->closed)
    {
      _close_stream (self);
      return;
    }
  if (!ok)
    {
      _fail (self,
             g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_CLOSED,
                          _("The connection to %s:%u was lost: %s"),
                          self->host, self->port, error->message),
             NULL);
      return;
    }

  _touch (self);
  _write_next (self);
}

/* Writes whatever may go out now, in order: everything up to a literal that waits for
 * its "+", or up to a command that stays open. */
static void
_write_next (AccordImapConnection *self)
{
  guint n = 0;

  if (self->writing || self->closed || self->paused || self->stream == NULL)
    return;

  while (n < MAX_VECTORS)
    {
      Command *cmd = g_queue_peek_head (&self->unwritten);
      gboolean blocked = FALSE;

      if (cmd == NULL)
        break;

      while (cmd->next_chunk < cmd->chunks->len && n < MAX_VECTORS)
        {
          GBytes *chunk = g_ptr_array_index (cmd->chunks, cmd->next_chunk);

          if (g_array_index (cmd->sync, gboolean, cmd->next_chunk))
            {
              if (cmd->released == 0)
                {
                  blocked = TRUE;
                  break;
                }
              cmd->released--;
            }

          self->vectors[n].buffer = g_bytes_get_data (chunk, &self->vectors[n].size);
          g_ptr_array_add (self->in_flight, g_bytes_ref (chunk));
          n++;
          cmd->next_chunk++;
        }

      if (blocked || cmd->next_chunk < cmd->chunks->len || cmd->open)
        break;
      g_queue_pop_head (&self->unwritten);
    }

  if (n == 0)
    return;

  self->writing = TRUE;
  g_output_stream_writev_all_async (g_io_stream_get_output_stream (self->stream),
                                    self->vectors, n, G_PRIORITY_DEFAULT,
                                    self->io_cancellable, _write_cb, g_object_ref (self));
}

/* --- commands ----------------------------------------------------------------------- */

static gboolean
_on_command_cancelled_cb (GCancellable *cancellable,
                          gpointer      user_data)
{
  Command *cmd = user_data;

  _fail (cmd->conn,
         g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_CLOSED,
                      _("The connection to %s:%u was closed because an operation was "
                        "cancelled."),
                      cmd->conn->host, cmd->conn->port),
         cmd);

  return G_SOURCE_REMOVE;
}

/**
 * accord_imap_connection_send_async:
 * @request: (transfer full): the command, without its tag
 * @on_untagged: (nullable): gets the untagged responses while the command is the
 *   oldest in progress
 * @on_continuation: (nullable): gets a "+" that is not for a literal of the command
 * @cancellable: (nullable): cancelling it closes the connection and fails every command
 *   in progress
 *
 * Tags the command and writes it as soon as the commands before it allow.
 */
void
accord_imap_connection_send_async (AccordImapConnection       *self,
                                   AccordImapRequest          *request,
                                   AccordImapCommandFlags      flags,
                                   AccordImapUntaggedFunc      on_untagged,
                                   AccordImapContinuationFunc  on_continuation,
                                   gpointer                    func_data,
                                   GCancellable               *cancellable,
                                   GAsyncReadyCallback         callback,
                                   gpointer                    user_data)
{
  g_autoptr(AccordImapRequest) owned = request;
  g_autoptr(GTask) task = NULL;
  Command *cmd;
  GPtrArray *chunks;
  GArray *sync;
  gboolean was_waiting;

  g_return_if_fail (ACCORD_IS_IMAP_CONNECTION (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_imap_connection_send_async);

  if (g_cancellable_set_error_if_cancelled (cancellable, NULL))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The operation was cancelled."));
      return;
    }
  if (self->closed)
    {
      g_task_return_error (task, _closed_error (self));
      return;
    }
  g_return_if_fail (self->greeting != NULL);

  cmd = g_new0 (Command, 1);
  cmd->conn = self;
  cmd->task = g_steal_pointer (&task);
  cmd->tag = g_strdup_printf ("A%u", self->next_tag++);
  cmd->flags = flags;
  cmd->open = (flags & ACCORD_IMAP_COMMAND_OPEN) != 0;
  cmd->on_untagged = on_untagged;
  cmd->on_continuation = on_continuation;
  cmd->func_data = func_data;

  chunks = accord_imap_request_finish (request, &sync);
  cmd->chunks = g_ptr_array_new_full (chunks->len + 1, (GDestroyNotify) g_bytes_unref);
  cmd->sync = g_array_sized_new (FALSE, FALSE, sizeof (gboolean), chunks->len + 1);
  {
    g_autofree char *tag = g_strconcat (cmd->tag, " ", NULL);
    gboolean no_wait = FALSE;

    g_ptr_array_add (cmd->chunks, g_bytes_new (tag, strlen (tag)));
    g_array_append_val (cmd->sync, no_wait);
  }
  for (guint i = 0; i < chunks->len; i++)
    g_ptr_array_add (cmd->chunks, g_bytes_ref (g_ptr_array_index (chunks, i)));
  g_array_append_vals (cmd->sync, sync->data, sync->len);

  if (cancellable != NULL)
    {
      cmd->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_static_name (cmd->cancel_source, "[accord] IMAP command cancelled");
      g_source_set_callback (cmd->cancel_source, (GSourceFunc) _on_command_cancelled_cb,
                             cmd, NULL);
      g_source_attach (cmd->cancel_source, self->context);
    }

  if (_debug_enabled ())
    g_debug ("%s:%u C: %s %s", self->host, self->port, cmd->tag,
             accord_imap_request_get_log (request));

  was_waiting = _waiting_for_server (self);
  g_queue_push_tail (&self->commands, cmd);
  g_queue_push_tail (&self->unwritten, cmd);
  _arm_deadline (self, was_waiting);
  _write_next (self);
}

/**
 * accord_imap_connection_send_finish:
 *
 * Returns: (transfer full): the tagged response, whatever its status
 */
AccordImapResponse *
accord_imap_connection_send_finish (AccordImapConnection  *self,
                                    GAsyncResult          *result,
                                    GError               **error)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CONNECTION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * accord_imap_connection_continue:
 * @line: a line without its CRLF ("DONE")
 * @last: whether the command is complete with it
 *
 * Sends another line of the open command that is being written (IDLE).
 */
void
accord_imap_connection_continue (AccordImapConnection *self,
                                 const char           *line,
                                 gboolean              last)
{
  Command *cmd;
  g_autofree char *text = NULL;
  gboolean no_wait = FALSE;

  g_return_if_fail (ACCORD_IS_IMAP_CONNECTION (self));
  g_return_if_fail (line != NULL);

  if (self->closed)
    return;

  cmd = g_queue_peek_head (&self->unwritten);
  g_return_if_fail (cmd != NULL && cmd->open);

  if (_debug_enabled ())
    g_debug ("%s:%u C: %s", self->host, self->port, line);

  text = g_strconcat (line, "\r\n", NULL);
  g_ptr_array_add (cmd->chunks, g_bytes_new (text, strlen (text)));
  g_array_append_val (cmd->sync, no_wait);
  if (last)
    {
      cmd->open = FALSE;
      cmd->quiet = FALSE;
      _arm_deadline (self, FALSE);
    }

  _write_next (self);
}

/* --- STARTTLS ----------------------------------------------------------------------- */

static void
_starttls_sent_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  AccordImapConnection *self = ACCORD_IMAP_CONNECTION (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(AccordImapResponse) response = NULL;
  GError *error = NULL;

  response = accord_imap_connection_send_finish (self, result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (response->status != ACCORD_IMAP_STATUS_OK)
    {
      error = g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_NO_STARTTLS,
                           _("%s:%u refused to secure the connection with STARTTLS: %s"),
                           self->host, self->port, response->text);
      _fail (self, g_error_copy (error), NULL);
      g_task_return_error (task, error);
      return;
    }

  /* Whatever came with the answer was sent before the connection was secure, where
   * anyone on the way could have put it. */
  if (accord_imap_parser_has_input (self->parser))
    {
      error = g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_PROTOCOL,
                           _("%s:%u sent data before the TLS handshake. Someone may be "
                             "tampering with the connection."),
                           self->host, self->port);
      _fail (self, g_error_copy (error), NULL);
      g_task_return_error (task, error);
      return;
    }

  if (self->closed)
    {
      g_task_return_error (task, _closed_error (self));
      return;
    }

  _begin_opening (self, task, g_task_get_cancellable (task));
  _handshake (self);
}

/**
 * accord_imap_connection_starttls_async:
 *
 * Sends STARTTLS and secures the connection when the server agrees. No other command
 * may be in progress. A refusal fails with %ACCORD_IMAP_ERROR_NO_STARTTLS and closes
 * the connection: Accord never goes on in plain text.
 */
void
accord_imap_connection_starttls_async (AccordImapConnection *self,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_IMAP_CONNECTION (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_imap_connection_starttls_async);

  if (self->tls != NULL || !g_queue_is_empty (&self->commands))
    {
      g_task_return_new_error (task, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_NO_STARTTLS,
                               _("The connection to %s:%u cannot be secured now."),
                               self->host, self->port);
      return;
    }

  accord_imap_connection_send_async (self,
                                     accord_imap_request_new (ACCORD_IMAP_LITERAL_SYNC,
                                                              "STARTTLS"),
                                     ACCORD_IMAP_COMMAND_STOP_READING, NULL, NULL, NULL,
                                     cancellable, _starttls_sent_cb,
                                     g_steal_pointer (&task));
}

gboolean
accord_imap_connection_starttls_finish (AccordImapConnection  *self,
                                        GAsyncResult          *result,
                                        GError               **error)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
