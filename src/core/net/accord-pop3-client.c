/* accord-pop3-client.c - a POP3 client for mail sync (RFC 1939, 2449, 2595, 5034)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "accord-net-utils.h"
#include "accord-pop3-client-private.h"

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

G_DEFINE_FINAL_TYPE (AccordPop3Client, accord_pop3_client, G_TYPE_OBJECT)

G_DEFINE_QUARK (accord-pop3-error-quark, accord_pop3_error)

enum {
  PROP_0,
  PROP_MAX_MESSAGE_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* --- object ------------------------------------------------------------------------- */

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
   * The largest message RETR downloads, in bytes; listings (UIDL, LIST) have a limit
   * of their own, 16 MiB. A larger one fails with %ACCORD_POP3_ERROR_TOO_LARGE.
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
void
_accord_pop3_take_capabilities (AccordPop3Client *self,
                                Pop3Command      *cmd)
{
  CapaParse parse;

  if (!_accord_pop3_is_ok (cmd->status))
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
  _accord_pop3_foreach_line (cmd, _pop3_capa_line, &parse);
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
  _accord_pop3_take_capabilities (self, cmd);
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

  _accord_pop3_send (self, task, "CAPA", NULL, CMD_MULTILINE, _pop3_capa_cb);
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
      _accord_pop3_send (self, task, NULL, NULL, 0, _connect_greeting_cb);
      return;
    }

  /* Whatever the server announced before TLS could have been forged. */
  _accord_pop3_send (self, task, "CAPA", NULL, CMD_MULTILINE, _connect_capa_cb);
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
  if (!_accord_pop3_is_ok (cmd->status))
    {
      g_autofree char *excerpt = _accord_net_excerpt (_accord_pop3_text (cmd->status));

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
  _accord_pop3_take_capabilities (self, cmd);

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

      _accord_pop3_send (self, task, "STLS", NULL, 0, _connect_stls_cb);
      return;
    }

  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

static void
_connect_greeting_cb (AccordPop3Client *self,
                      GTask            *task,
                      Pop3Command      *cmd)
{
  if (!_accord_pop3_is_ok (cmd->status))
    {
      g_autofree char *excerpt = _accord_net_excerpt (_accord_pop3_text (cmd->status));

      g_task_return_new_error (task, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_CONNECT,
                               _("%s:%u turned the connection away: “%s”."),
                               self->host, self->port, excerpt);
      return;
    }

  self->greeting = _accord_net_excerpt (_accord_pop3_text (cmd->status));
  _accord_pop3_send (self, task, "CAPA", NULL, CMD_MULTILINE, _connect_capa_cb);
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
    _accord_pop3_send (self, task, NULL, NULL, 0, _connect_greeting_cb);
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
  if (!_accord_pop3_is_ok (cmd->status))
    {
      g_autofree char *excerpt = _accord_net_excerpt (_accord_pop3_text (cmd->status));

      g_task_set_task_data (task,
                            g_error_new (ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_REFUSED,
                                         _("%s:%u could not delete the messages marked "
                                           "for deletion: “%s”."),
                                         self->host, self->port, excerpt),
                            (GDestroyNotify) g_error_free);
    }

  _accord_pop3_close_queue (self, g_error_new (ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_CLOSED,
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

  task = _accord_pop3_task_new (self, cancellable, callback, user_data,
                                accord_pop3_client_quit_async);
  _accord_pop3_send (self, task, "QUIT", NULL, 0, _quit_cb);
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
