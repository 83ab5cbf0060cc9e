/* accord-line-connection.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-line-connection-private.h"
#include "accord-probe-error.h"
#include "accord-tls-utils.h"

#define READ_CHUNK 16384

/**
 * AccordLineConnection:
 *
 * A TCP connection to a server of a line-based protocol (IMAP, POP3, SMTP), optionally
 * upgraded to TLS. Every operation has a deadline: a server that accepts and then stays
 * silent makes it fail with %ACCORD_PROBE_ERROR_TIMEOUT instead of waiting forever, and
 * a line longer than %ACCORD_LINE_MAX_LENGTH fails instead of filling memory.
 *
 * Errors are in the %ACCORD_PROBE_ERROR domain and name the host and port, except
 * cancellation, which stays %G_IO_ERROR_CANCELLED.
 */
struct _AccordLineConnection
{
  GObject               parent_instance;

  char                 *host;
  guint16               port;
  guint                 timeout;

  GSocketConnection    *base;
  GTlsConnection       *tls;
  GIOStream            *stream;      /* tls once it is up, base before */

  GByteArray           *inbuf;       /* read but not yet returned as lines */
  gboolean              received;    /* anything at all came in */
  guint8                readbuf[READ_CHUNK];
  gboolean              reading;

  GTlsCertificate      *peer_certificate;
  GTlsCertificateFlags  peer_errors;
  GTlsDatabase         *database;
  char                 *pin;
  gboolean              pinned;
};

G_DEFINE_FINAL_TYPE (AccordLineConnection, accord_line_connection, G_TYPE_OBJECT)

static GError *
_explain (AccordLineConnection *self,
          Deadline             *deadline,
          Operation             op,
          GError               *error)
{
  return _accord_line_connection_explain_error (self->host, self->port, self->timeout,
                                                deadline, op, error);
}

/* --- object ------------------------------------------------------------------------- */

static void
accord_line_connection_dispose (GObject *object)
{
  AccordLineConnection *self = (AccordLineConnection *) object;

  /* No operation can be pending: each holds a reference. Closing a socket does not
   * block, and close_async keeps the stream alive until it is done. */
  if (self->stream != NULL && !g_io_stream_is_closed (self->stream))
    g_io_stream_close_async (self->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);

  g_clear_object (&self->stream);
  g_clear_object (&self->tls);
  g_clear_object (&self->base);
  g_clear_object (&self->peer_certificate);

  G_OBJECT_CLASS (accord_line_connection_parent_class)->dispose (object);
}

static void
accord_line_connection_finalize (GObject *object)
{
  AccordLineConnection *self = (AccordLineConnection *) object;

  g_clear_pointer (&self->inbuf, g_byte_array_unref);
  g_free (self->host);
  g_free (self->pin);
  g_clear_object (&self->database);

  G_OBJECT_CLASS (accord_line_connection_parent_class)->finalize (object);
}

static void
accord_line_connection_class_init (AccordLineConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = accord_line_connection_dispose;
  object_class->finalize = accord_line_connection_finalize;
}

static void
accord_line_connection_init (AccordLineConnection *self)
{
  self->inbuf = g_byte_array_new ();
}

const char *
accord_line_connection_get_host (AccordLineConnection *self)
{
  g_return_val_if_fail (ACCORD_IS_LINE_CONNECTION (self), NULL);

  return self->host;
}

guint16
accord_line_connection_get_port (AccordLineConnection *self)
{
  g_return_val_if_fail (ACCORD_IS_LINE_CONNECTION (self), 0);

  return self->port;
}

guint
accord_line_connection_get_timeout (AccordLineConnection *self)
{
  g_return_val_if_fail (ACCORD_IS_LINE_CONNECTION (self), 0);

  return self->timeout;
}

gboolean
accord_line_connection_is_tls (AccordLineConnection *self)
{
  g_return_val_if_fail (ACCORD_IS_LINE_CONNECTION (self), FALSE);

  return self->tls != NULL;
}

/**
 * accord_line_connection_dup_local_address_literal:
 *
 * Returns: (transfer full): this side's address as an SMTP address literal,
 *   "[192.0.2.1]" or "[IPv6:2001:db8::1]", for EHLO
 */
char *
accord_line_connection_dup_local_address_literal (AccordLineConnection *self)
{
  g_autoptr(GSocketAddress) local = NULL;
  g_autofree char *address = NULL;
  GInetAddress *inet;

  g_return_val_if_fail (ACCORD_IS_LINE_CONNECTION (self), NULL);

  local = g_socket_connection_get_local_address (self->base, NULL);
  if (!G_IS_INET_SOCKET_ADDRESS (local))
    return g_strdup ("[127.0.0.1]");

  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local));
  address = g_inet_address_to_string (inet);
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("[IPv6:%s]", address);

  return g_strdup_printf ("[%s]", address);
}

/* --- connect ------------------------------------------------------------------------ */

typedef struct
{
  char     *host;
  guint16   port;
  guint     timeout;
  Deadline *deadline;
} ConnectData;

static void
_connect_data_free (ConnectData *data)
{
  g_clear_pointer (&data->deadline, _accord_deadline_free);
  g_free (data->host);
  g_free (data);
}

static void
_connect_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConnectData *data = g_task_get_task_data (task);
  g_autoptr(GSocketConnection) base = NULL;
  AccordLineConnection *self;
  GError *error = NULL;

  base = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, &error);
  if (base == NULL)
    {
      error = _accord_line_connection_explain_error (data->host, data->port, data->timeout,
                                                     data->deadline, OP_CONNECT, error);
      g_task_return_error (task, error);
      return;
    }

  g_debug ("Connected to %s:%u", data->host, data->port);

  self = g_object_new (ACCORD_TYPE_LINE_CONNECTION, NULL);
  self->host = g_strdup (data->host);
  self->port = data->port;
  self->timeout = data->timeout;
  self->base = g_steal_pointer (&base);
  self->stream = g_object_ref (G_IO_STREAM (self->base));

  g_task_return_pointer (task, self, g_object_unref);
}

/**
 * accord_line_connection_connect_async:
 * @timeout: seconds allowed for connecting and later for each line, each write and the
 *   TLS handshake
 *
 * Opens a plain TCP connection; accord_line_connection_start_tls_async() secures it.
 */
void
accord_line_connection_connect_async (const char          *host,
                                      guint16              port,
                                      guint                timeout,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketConnectable) address = NULL;
  ConnectData *data;

  g_return_if_fail (host != NULL && *host != '\0');
  g_return_if_fail (port != 0);
  g_return_if_fail (timeout > 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_line_connection_connect_async);

  data = g_new0 (ConnectData, 1);
  data->host = g_strdup (host);
  data->port = port;
  data->timeout = timeout;
  data->deadline = _accord_deadline_new (cancellable, timeout);
  g_task_set_task_data (task, data, (GDestroyNotify) _connect_data_free);

  client = g_socket_client_new ();
  address = g_network_address_new (host, port);
  g_socket_client_connect_async (client, address, data->deadline->cancellable,
                                 _connect_cb, g_steal_pointer (&task));
}

/**
 * accord_line_connection_connect_finish:
 *
 * Returns: (transfer full): the connection
 */
AccordLineConnection *
accord_line_connection_connect_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- reading lines ------------------------------------------------------------------ */

/* Returns TRUE when a line (or an error) came out of the buffer. */
static gboolean
_take_line (AccordLineConnection  *self,
            char                 **line,
            GError               **error)
{
  const guint8 *newline;
  gsize len;

  newline = memchr (self->inbuf->data, '\n', self->inbuf->len);
  if (newline == NULL)
    {
      if (self->inbuf->len > ACCORD_LINE_MAX_LENGTH)
        {
          g_set_error (error, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_PROTOCOL,
                       _("%s:%u sent a line longer than %u KiB; this is not a mail server "
                         "Accord can talk to."),
                       self->host, self->port, ACCORD_LINE_MAX_LENGTH / 1024);
          return TRUE;
        }
      return FALSE;
    }

  len = newline - self->inbuf->data;
  if (len > ACCORD_LINE_MAX_LENGTH)
    {
      g_set_error (error, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_PROTOCOL,
                   _("%s:%u sent a line longer than %u KiB; this is not a mail server "
                     "Accord can talk to."),
                   self->host, self->port, ACCORD_LINE_MAX_LENGTH / 1024);
      return TRUE;
    }
  if (memchr (self->inbuf->data, '\0', len) != NULL)
    {
      g_set_error (error, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_PROTOCOL,
                   _("%s:%u sent binary data where text was expected; this is not a mail "
                     "server Accord can talk to."),
                   self->host, self->port);
      return TRUE;
    }

  *line = g_strndup ((const char *) self->inbuf->data,
                     len > 0 && newline[-1] == '\r' ? len - 1 : len);
  g_byte_array_remove_range (self->inbuf, 0, len + 1);

  g_debug ("%s:%u S: %s", self->host, self->port, *line);

  return TRUE;
}

/* One read of the connection: what has come in is handed to @take until it says the
 * answer is complete (or failed); meanwhile more is read, under the deadline. */
typedef gboolean (*TakeFunc) (AccordLineConnection  *self,
                              gpointer               state,
                              gpointer              *result,
                              GDestroyNotify        *result_free,
                              GError               **error);

typedef struct
{
  Deadline       *deadline;
  TakeFunc        take;
  gpointer        state;
  GDestroyNotify  state_free;
  gboolean        extend;    /* the deadline runs from the last data received */
} Reading;

static void
_reading_free (Reading *reading)
{
  g_clear_pointer (&reading->deadline, _accord_deadline_free);
  if (reading->state_free != NULL)
    reading->state_free (reading->state);
  g_free (reading);
}

/* Whether @task is done with what is in already. */
static gboolean
_reading_take (AccordLineConnection *self,
               GTask                *task,
               Reading              *reading)
{
  gpointer result = NULL;
  GDestroyNotify result_free = NULL;
  GError *error = NULL;

  if (!reading->take (self, reading->state, &result, &result_free, &error))
    return FALSE;

  self->reading = FALSE;
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, result_free);
  return TRUE;
}

static void _read_more (GTask *task);

static void
_read_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordLineConnection *self = g_task_get_source_object (task);
  Reading *reading = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (n < 0)
    {
      self->reading = FALSE;
      g_task_return_error (task, _explain (self, reading->deadline, OP_READ, error));
      return;
    }
  if (n == 0)
    {
      self->reading = FALSE;
      g_task_return_new_error (task, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_CONNECT,
                               _("%s:%u closed the connection unexpectedly."),
                               self->host, self->port);
      return;
    }

  g_byte_array_append (self->inbuf, self->readbuf, n);
  self->received = TRUE;
  if (reading->extend)
    _accord_deadline_extend (reading->deadline, self->timeout);

  if (!_reading_take (self, task, reading))
    _read_more (g_steal_pointer (&task));
}

static void
_read_more (GTask *task)
{
  AccordLineConnection *self = g_task_get_source_object (task);
  Reading *reading = g_task_get_task_data (task);

  g_input_stream_read_async (g_io_stream_get_input_stream (self->stream),
                             self->readbuf, sizeof self->readbuf,
                             G_PRIORITY_DEFAULT, reading->deadline->cancellable,
                             _read_cb, task);
}

/* Starts a read: what is in already may do; else the connection is read. */
static void
_read_async (AccordLineConnection *self,
             GTask                *task,
             TakeFunc              take,
             gpointer              state,
             GDestroyNotify        state_free,
             gboolean              extend)
{
  Reading *reading = g_new0 (Reading, 1);

  reading->take = take;
  reading->state = state;
  reading->state_free = state_free;
  reading->extend = extend;
  g_task_set_task_data (task, reading, (GDestroyNotify) _reading_free);

  self->reading = TRUE;
  if (_reading_take (self, task, reading))
    return;

  reading->deadline = _accord_deadline_new (g_task_get_cancellable (task), self->timeout);
  _read_more (g_object_ref (task));
}

static gboolean
_take_line_cb (AccordLineConnection  *self,
               gpointer               state,
               gpointer              *result,
               GDestroyNotify        *result_free,
               GError               **error)
{
  char *line = NULL;

  if (!_take_line (self, &line, error))
    return FALSE;
  *result = line;
  *result_free = g_free;
  return TRUE;
}

/**
 * accord_line_connection_read_line_async:
 *
 * Reads one line, ended by LF or CRLF. The whole line must arrive within the timeout.
 */
void
accord_line_connection_read_line_async (AccordLineConnection *self,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_LINE_CONNECTION (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (!self->reading);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_line_connection_read_line_async);
  _read_async (self, task, _take_line_cb, NULL, NULL, FALSE);
}

/**
 * accord_line_connection_read_line_finish:
 *
 * Returns: (transfer full): the line without its line end
 */
char *
accord_line_connection_read_line_finish (AccordLineConnection  *self,
                                         GAsyncResult          *result,
                                         GError               **error)
{
  g_return_val_if_fail (ACCORD_IS_LINE_CONNECTION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- reading dot-terminated data ---------------------------------------------------- */

typedef struct
{
  GByteArray *data;
  gsize       max_size;
  gsize       scanned;    /* of the unfinished line in the buffer, looked at already */
} DottedRead;

static void
_dotted_read_free (DottedRead *read)
{
  g_clear_pointer (&read->data, g_byte_array_unref);
  g_free (read);
}

/* Moves the complete lines read so far into @read->data, dot-unstuffed and ended by
 * CRLF, up to the line that is a single dot. Lines may be of any length and hold any
 * byte: this is a message, not the protocol's own text. Returns whether the data is
 * complete, or failed (@error set). */
static gboolean
_take_dotted (AccordLineConnection  *self,
              DottedRead            *read,
              GError               **error)
{
  gsize start = 0;
  gboolean done = FALSE;
  gboolean too_large = FALSE;

  while (!done)
    {
      const guint8 *line = self->inbuf->data + start;
      /* A long line arrives in many reads: what was looked at is not looked at again. */
      gsize skip = start == 0 ? MIN (read->scanned, self->inbuf->len) : 0;
      const guint8 *newline = memchr (line + skip, '\n', self->inbuf->len - start - skip);
      gsize len;

      if (newline == NULL)
        break;
      start = newline - self->inbuf->data + 1;
      len = newline - line;
      if (len > 0 && line[len - 1] == '\r')
        len--;

      if (len == 1 && line[0] == '.')
        {
          done = TRUE;
          break;
        }
      if (len > 0 && line[0] == '.')
        {
          line++;
          len--;
        }
      if (read->data->len + len + 2 > read->max_size)
        {
          too_large = TRUE;
          break;
        }
      g_byte_array_append (read->data, line, len);
      g_byte_array_append (read->data, (const guint8 *) "\r\n", 2);
    }
  g_byte_array_remove_range (self->inbuf, 0, start);
  read->scanned = done ? 0 : self->inbuf->len;

  /* What waits in the buffer may be the final dot and its line end: three bytes that
   * are never stored. */
  if (too_large || (!done && read->data->len + self->inbuf->len > read->max_size + 3))
    {
      g_autofree char *limit = g_format_size (read->max_size);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   _("%s:%u sent more than %s at once."), self->host, self->port, limit);
      return TRUE;
    }

  return done;
}

static gboolean
_take_dotted_cb (AccordLineConnection  *self,
                 gpointer               state,
                 gpointer              *result,
                 GDestroyNotify        *result_free,
                 GError               **error)
{
  DottedRead *read = state;

  if (!_take_dotted (self, read, error))
    return FALSE;
  if (*error == NULL)
    {
      *result = g_steal_pointer (&read->data);
      *result_free = (GDestroyNotify) g_byte_array_unref;
    }
  return TRUE;
}

/**
 * accord_line_connection_read_dotted_async:
 * @max_size: the most the data may hold; more fails with %G_IO_ERROR_MESSAGE_TOO_LARGE
 *
 * Reads data ended by a line holding a single dot, as POP3 and SMTP frame messages
 * (RFC 1939 §3, RFC 5321 §4.5.2): the lines come back dot-unstuffed and ended by CRLF,
 * without the final dot. Unlike lines, the data may hold long lines and any byte. The
 * timeout runs from the last data received, not from the start.
 */
void
accord_line_connection_read_dotted_async (AccordLineConnection *self,
                                          gsize                 max_size,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  DottedRead *read;

  g_return_if_fail (ACCORD_IS_LINE_CONNECTION (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (!self->reading);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_line_connection_read_dotted_async);

  read = g_new0 (DottedRead, 1);
  read->data = g_byte_array_new ();
  read->max_size = max_size;
  _read_async (self, task, _take_dotted_cb, read, (GDestroyNotify) _dotted_read_free, TRUE);
}

/**
 * accord_line_connection_read_dotted_finish:
 *
 * Returns: (transfer full): the data
 */
GByteArray *
accord_line_connection_read_dotted_finish (AccordLineConnection  *self,
                                           GAsyncResult          *result,
                                           GError               **error)
{
  g_return_val_if_fail (ACCORD_IS_LINE_CONNECTION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- writing lines ------------------------------------------------------------------ */

typedef struct
{
  Deadline *deadline;
  char     *data;
  gsize     len;
  gboolean  secret;   /* a line that may carry a password, wiped afterwards */
} WriteData;

static void
_write_data_free (WriteData *data)
{
  g_clear_pointer (&data->deadline, _accord_deadline_free);
  if (data->secret)
    memset (data->data, 0, data->len);
  g_free (data->data);
  g_free (data);
}

static void
_write_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordLineConnection *self = g_task_get_source_object (task);
  WriteData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    g_task_return_error (task, _explain (self, data->deadline, OP_WRITE, error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * accord_line_connection_write_line_async:
 * @line: the line, without its line end
 * @log_as: (nullable): what the debug log shows instead of @line, for lines that carry
 *   a secret; %NULL logs @line itself
 *
 * Sends @line followed by CRLF.
 */
void
accord_line_connection_write_line_async (AccordLineConnection *self,
                                         const char           *line,
                                         const char           *log_as,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  WriteData *data;

  g_return_if_fail (ACCORD_IS_LINE_CONNECTION (self));
  g_return_if_fail (line != NULL);
  g_return_if_fail (strpbrk (line, "\r\n") == NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_line_connection_write_line_async);

  g_debug ("%s:%u C: %s", self->host, self->port, log_as != NULL ? log_as : line);

  data = g_new0 (WriteData, 1);
  data->deadline = _accord_deadline_new (cancellable, self->timeout);
  data->data = g_strconcat (line, "\r\n", NULL);
  data->len = strlen (data->data);
  data->secret = TRUE;
  g_task_set_task_data (task, data, (GDestroyNotify) _write_data_free);

  g_output_stream_write_all_async (g_io_stream_get_output_stream (self->stream),
                                   data->data, data->len, G_PRIORITY_DEFAULT,
                                   data->deadline->cancellable,
                                   _write_cb, g_steal_pointer (&task));
}

/**
 * accord_line_connection_write_data_async:
 * @data: (array length=len): bytes to write as they are, such as a piece of a message
 * @log_as: what the debug log says instead of the data
 *
 * Writes @data, which the caller has put in the protocol's form (line ends, dot
 * stuffing); the data may hold any byte.
 */
void
accord_line_connection_write_data_async (AccordLineConnection *self,
                                         const guint8         *data,
                                         gsize                 len,
                                         const char           *log_as,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  WriteData *pending;

  g_return_if_fail (ACCORD_IS_LINE_CONNECTION (self));
  g_return_if_fail (data != NULL || len == 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_line_connection_write_data_async);

  g_debug ("%s:%u C: %s (%" G_GSIZE_FORMAT " bytes)", self->host, self->port,
           log_as != NULL ? log_as : "data", len);

  pending = g_new0 (WriteData, 1);
  pending->deadline = _accord_deadline_new (cancellable, self->timeout);
  pending->data = g_memdup2 (data, len);
  pending->len = len;
  g_task_set_task_data (task, pending, (GDestroyNotify) _write_data_free);

  g_output_stream_write_all_async (g_io_stream_get_output_stream (self->stream),
                                   pending->data, pending->len, G_PRIORITY_DEFAULT,
                                   pending->deadline->cancellable,
                                   _write_cb, g_steal_pointer (&task));
}

gboolean
accord_line_connection_write_data_finish (AccordLineConnection  *self,
                                          GAsyncResult          *result,
                                          GError               **error)
{
  g_return_val_if_fail (ACCORD_IS_LINE_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
accord_line_connection_write_line_finish (AccordLineConnection  *self,
                                          GAsyncResult          *result,
                                          GError               **error)
{
  g_return_val_if_fail (ACCORD_IS_LINE_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- TLS ---------------------------------------------------------------------------- */

typedef struct
{
  Deadline       *deadline;
  GTlsConnection *tls;
} HandshakeData;

static void
_handshake_data_free (HandshakeData *data)
{
  g_clear_pointer (&data->deadline, _accord_deadline_free);
  g_clear_object (&data->tls);
  g_free (data);
}

static gboolean
_on_accept_certificate_cb (GTlsConnection       *tls,
                           GTlsCertificate      *certificate,
                           GTlsCertificateFlags  errors,
                           gpointer              user_data)
{
  AccordLineConnection *self = user_data;
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
  g_autoptr(GTask) task = user_data;
  AccordLineConnection *self = g_task_get_source_object (task);
  HandshakeData *data = g_task_get_task_data (task);
  GError *error = NULL;

  g_signal_handlers_disconnect_by_func (data->tls, _on_accept_certificate_cb, self);

  if (!g_tls_connection_handshake_finish (data->tls, result, &error))
    {
      if (self->peer_certificate != NULL && !self->pinned &&
          g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
        {
          g_autofree char *message = accord_certificate_describe_refusal (self->peer_certificate,
                                                                          self->peer_errors,
                                                                          self->host, self->port);

          g_error_free (error);
          g_task_return_error (task, g_error_new_literal (ACCORD_PROBE_ERROR,
                                                          ACCORD_PROBE_ERROR_CERTIFICATE, message));
          return;
        }

      error = _explain (self, data->deadline, OP_HANDSHAKE, error);
      /* TLS right after connecting, to a server that did not expect it. */
      if (!self->received && g_error_matches (error, ACCORD_PROBE_ERROR,
                                              ACCORD_PROBE_ERROR_CONNECT))
        {
          g_autofree char *message = g_steal_pointer (&error->message);

          error->message = g_strdup_printf (_("%s If this port expects STARTTLS, choose "
                                              "STARTTLS instead of TLS."),
                                            message);
        }
      g_task_return_error (task, error);
      return;
    }

  if (self->peer_certificate == NULL)
    {
      /* Verified without a word from accept-certificate. */
      g_set_object (&self->peer_certificate, g_tls_connection_get_peer_certificate (data->tls));
      self->peer_errors = g_tls_connection_get_peer_certificate_errors (data->tls);
    }

  self->tls = g_steal_pointer (&data->tls);
  g_set_object (&self->stream, G_IO_STREAM (self->tls));

  g_task_return_boolean (task, TRUE);
}

/**
 * accord_line_connection_start_tls_async:
 * @database: (nullable): the certificate authorities to trust; %NULL for the system's
 * @pinned: (nullable): the SHA-256 fingerprint of a certificate the person
 *   accepted for this host; only that certificate is accepted when verification fails
 *
 * Secures the connection with TLS, verifying the server as host:port. Right after
 * connecting this is implicit TLS; after a STARTTLS command the caller must have read
 * the server's answer, and nothing else may have arrived: data sent before the
 * handshake could have been injected, so that is an error.
 *
 * A certificate that fails verification and is not pinned fails with
 * %ACCORD_PROBE_ERROR_CERTIFICATE; accord_line_connection_get_peer_certificate() then
 * returns it, for the person to inspect.
 */
void
accord_line_connection_start_tls_async (AccordLineConnection *self,
                                        GTlsDatabase         *database,
                                        const char           *pinned,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autoptr(GIOStream) tls = NULL;
  HandshakeData *data;
  GError *error = NULL;

  g_return_if_fail (ACCORD_IS_LINE_CONNECTION (self));
  g_return_if_fail (!database || G_IS_TLS_DATABASE (database));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (self->tls == NULL);
  g_return_if_fail (!self->reading);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_line_connection_start_tls_async);

  if (self->inbuf->len > 0)
    {
      g_task_return_new_error (task, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_PROTOCOL,
                               _("%s:%u sent data before the TLS handshake. Someone may "
                                 "be tampering with the connection."),
                               self->host, self->port);
      return;
    }

  g_clear_pointer (&self->pin, g_free);
  if (pinned != NULL)
    self->pin = accord_fingerprint_normalize (pinned);
  g_set_object (&self->database, database);

  identity = g_network_address_new (self->host, self->port);
  tls = accord_tls_client_connection_new (G_IO_STREAM (self->base), identity, database, self->pin, &error);
  if (tls == NULL)
    {
      g_task_return_new_error (task, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_CONNECT,
                               _("A secure connection to %s:%u could not be set up: %s"),
                               self->host, self->port, error->message);
      g_error_free (error);
      return;
    }

  g_clear_object (&self->peer_certificate);
  self->peer_errors = 0;
  self->pinned = FALSE;

  g_signal_connect (tls, "accept-certificate", G_CALLBACK (_on_accept_certificate_cb), self);

  data = g_new0 (HandshakeData, 1);
  data->deadline = _accord_deadline_new (cancellable, self->timeout);
  data->tls = G_TLS_CONNECTION (g_steal_pointer (&tls));
  g_task_set_task_data (task, data, (GDestroyNotify) _handshake_data_free);

  g_tls_connection_handshake_async (data->tls, G_PRIORITY_DEFAULT,
                                    data->deadline->cancellable,
                                    _handshake_cb, g_steal_pointer (&task));
}

gboolean
accord_line_connection_start_tls_finish (AccordLineConnection  *self,
                                         GAsyncResult          *result,
                                         GError               **error)
{
  g_return_val_if_fail (ACCORD_IS_LINE_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * accord_line_connection_get_peer_certificate:
 *
 * Returns: (transfer none) (nullable): the server's certificate, once the handshake
 *   finished or was refused because of it
 */
GTlsCertificate *
accord_line_connection_get_peer_certificate (AccordLineConnection *self)
{
  g_return_val_if_fail (ACCORD_IS_LINE_CONNECTION (self), NULL);

  return self->peer_certificate;
}

/**
 * accord_line_connection_get_peer_certificate_errors:
 *
 * Returns: what verification found wrong with the certificate; 0 when it was trusted
 */
GTlsCertificateFlags
accord_line_connection_get_peer_certificate_errors (AccordLineConnection *self)
{
  g_return_val_if_fail (ACCORD_IS_LINE_CONNECTION (self), 0);

  return self->peer_errors;
}

/**
 * accord_line_connection_get_certificate_pinned:
 *
 * Returns: %TRUE if the certificate failed verification and was accepted only because
 *   it matched the pinned fingerprint
 */
gboolean
accord_line_connection_get_certificate_pinned (AccordLineConnection *self)
{
  g_return_val_if_fail (ACCORD_IS_LINE_CONNECTION (self), FALSE);

  return self->pinned;
}

/* --- closing ------------------------------------------------------------------------ */

static void
_close_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordLineConnection *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!g_io_stream_close_finish (G_IO_STREAM (object), result, &error))
    g_task_return_error (task, _explain (self, g_task_get_task_data (task), OP_CLOSE, error));
  else
    g_task_return_boolean (task, TRUE);
}

void
accord_line_connection_close_async (AccordLineConnection *self,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  Deadline *deadline;

  g_return_if_fail (ACCORD_IS_LINE_CONNECTION (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_line_connection_close_async);

  deadline = _accord_deadline_new (cancellable, self->timeout);
  g_task_set_task_data (task, deadline, (GDestroyNotify) _accord_deadline_free);

  g_io_stream_close_async (self->stream, G_PRIORITY_DEFAULT, deadline->cancellable,
                           _close_cb, g_steal_pointer (&task));
}

gboolean
accord_line_connection_close_finish (AccordLineConnection  *self,
                                     GAsyncResult          *result,
                                     GError               **error)
{
  g_return_val_if_fail (ACCORD_IS_LINE_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
