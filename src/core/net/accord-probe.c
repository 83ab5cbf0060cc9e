/* accord-probe.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-probe-private.h"
#include "accord-tls-utils.h"

/* Answers to the few commands a probe sends are short; anything near these is a server
 * that talks without end. */
#define MAX_RESPONSE_SIZE  (256 * 1024)
#define MAX_RESPONSE_LINES 1000

/**
 * AccordProbe:
 *
 * Finds out what one mail endpoint (IMAP, POP3 or SMTP submission on one host and port)
 * offers: whether TLS works and which certificate it shows, the capabilities and login
 * mechanisms, and, when given a password, whether the login works.
 *
 * A probe is careful with the account it tests. It logs in at most once per run, so a
 * server that locks accounts after failed logins is not provoked; it sends the
 * password only over TLS whose certificate was verified or pinned; and once STARTTLS
 * was asked for, it never carries on without it.
 *
 * Pinning is per host: set #AccordProbe:pinned-certificate on a probe used for the
 * host the person accepted the certificate of, not on one shared by every host.
 */
struct _AccordProbe
{
  GObject       parent_instance;

  GTlsDatabase *tls_database;
  guint         timeout;
  char         *pinned_certificate;
};

G_DEFINE_FINAL_TYPE (AccordProbe, accord_probe, G_TYPE_OBJECT)

G_DEFINE_QUARK (accord-probe-error-quark, accord_probe_error)

enum {
  PROP_0,
  PROP_TLS_DATABASE,
  PROP_TIMEOUT,
  PROP_PINNED_CERTIFICATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
accord_probe_finalize (GObject *object)
{
  AccordProbe *self = (AccordProbe *) object;

  g_clear_object (&self->tls_database);
  g_clear_pointer (&self->pinned_certificate, g_free);

  G_OBJECT_CLASS (accord_probe_parent_class)->finalize (object);
}

static void
accord_probe_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  AccordProbe *self = ACCORD_PROBE (object);

  switch (prop_id)
    {
    case PROP_TLS_DATABASE:
      g_value_set_object (value, self->tls_database);
      break;

    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;

    case PROP_PINNED_CERTIFICATE:
      g_value_set_string (value, self->pinned_certificate);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
accord_probe_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  AccordProbe *self = ACCORD_PROBE (object);

  switch (prop_id)
    {
    case PROP_TLS_DATABASE:
      accord_probe_set_tls_database (self, g_value_get_object (value));
      break;

    case PROP_TIMEOUT:
      accord_probe_set_timeout (self, g_value_get_uint (value));
      break;

    case PROP_PINNED_CERTIFICATE:
      accord_probe_set_pinned_certificate (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
accord_probe_class_init (AccordProbeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = accord_probe_finalize;
  object_class->get_property = accord_probe_get_property;
  object_class->set_property = accord_probe_set_property;

  /**
   * AccordProbe:tls-database:
   *
   * The certificate authorities to trust; %NULL for the system's.
   */
  properties[PROP_TLS_DATABASE] =
    g_param_spec_object ("tls-database", NULL, NULL,
                         G_TYPE_TLS_DATABASE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * AccordProbe:timeout:
   *
   * Seconds allowed for connecting, for the TLS handshake and for each line the server
   * sends.
   */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       1, 600, ACCORD_PROBE_DEFAULT_TIMEOUT,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * AccordProbe:pinned-certificate:
   *
   * The SHA-256 fingerprint of a certificate the person accepted for the host this
   * probe is used for. A certificate that fails verification is accepted when it has
   * this fingerprint. Read back in canonical form: lowercase hex pairs with colons.
   */
  properties[PROP_PINNED_CERTIFICATE] =
    g_param_spec_string ("pinned-certificate", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
accord_probe_init (AccordProbe *self)
{
  self->timeout = ACCORD_PROBE_DEFAULT_TIMEOUT;
}

AccordProbe *
accord_probe_new (void)
{
  return g_object_new (ACCORD_TYPE_PROBE, NULL);
}

/**
 * accord_probe_get_tls_database:
 *
 * Returns: (transfer none) (nullable): the trusted authorities, %NULL for the system's
 */
GTlsDatabase *
accord_probe_get_tls_database (AccordProbe *self)
{
  g_return_val_if_fail (ACCORD_IS_PROBE (self), NULL);

  return self->tls_database;
}

void
accord_probe_set_tls_database (AccordProbe  *self,
                               GTlsDatabase *database)
{
  g_return_if_fail (ACCORD_IS_PROBE (self));
  g_return_if_fail (!database || G_IS_TLS_DATABASE (database));

  if (g_set_object (&self->tls_database, database))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TLS_DATABASE]);
}

guint
accord_probe_get_timeout (AccordProbe *self)
{
  g_return_val_if_fail (ACCORD_IS_PROBE (self), 0);

  return self->timeout;
}

void
accord_probe_set_timeout (AccordProbe *self,
                          guint        timeout)
{
  g_return_if_fail (ACCORD_IS_PROBE (self));
  g_return_if_fail (timeout > 0);

  if (self->timeout == timeout)
    return;

  self->timeout = timeout;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

const char *
accord_probe_get_pinned_certificate (AccordProbe *self)
{
  g_return_val_if_fail (ACCORD_IS_PROBE (self), NULL);

  return self->pinned_certificate;
}

/**
 * accord_probe_set_pinned_certificate:
 * @fingerprint: (nullable): a SHA-256 fingerprint, in any case, with or without colons
 */
void
accord_probe_set_pinned_certificate (AccordProbe *self,
                                     const char  *fingerprint)
{
  g_autofree char *normalized = NULL;

  g_return_if_fail (ACCORD_IS_PROBE (self));

  if (fingerprint != NULL)
    {
      normalized = accord_fingerprint_normalize (fingerprint);
      g_return_if_fail (normalized != NULL);
    }

  if (g_strcmp0 (self->pinned_certificate, normalized) == 0)
    return;

  g_free (self->pinned_certificate);
  self->pinned_certificate = g_steal_pointer (&normalized);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED_CERTIFICATE]);
}

/* --- shared by the protocol dialogues ---------------------------------------------- */

void
_accord_probe_wipe_free (char *secret)
{
  if (secret == NULL)
    return;

  memset (secret, 0, strlen (secret));
  g_free (secret);
}

static void
_probe_op_free (ProbeOp *op)
{
  g_clear_pointer (&op->result, accord_probe_result_unref);
  g_clear_object (&op->conn);
  g_clear_object (&op->database);
  g_free (op->pin);
  g_free (op->username);
  _accord_probe_wipe_free (op->password);
  g_free (op->status);
  g_clear_pointer (&op->lines, g_ptr_array_unref);
  g_free (op);
}

/* Case-insensitive, as the keywords of all three protocols are. */
gboolean
_accord_probe_has_prefix (const char *line,
                          const char *prefix)
{
  return g_ascii_strncasecmp (line, prefix, strlen (prefix)) == 0;
}

/**
 * _accord_probe_excerpt:
 *
 * Returns: (transfer full): @text as it may appear in a message to a person: valid
 *   UTF-8, no control characters, at most 120 characters
 */
char *
_accord_probe_excerpt (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_new (NULL);
  const char *p;
  guint n = 0;

  for (p = valid; *p != '\0' && n < 120; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }
  if (*p != '\0')
    g_string_append (out, "…");

  return g_string_free (out, FALSE);
}

/**
 * _accord_probe_sasl_plain:
 *
 * Returns: (transfer full): the base64 of the SASL PLAIN message (RFC 4616), with no
 *   authorization identity; free it with _accord_probe_wipe_free()
 */
char *
_accord_probe_sasl_plain (const char *username,
                          const char *password)
{
  gsize ulen = strlen (username);
  gsize plen = strlen (password);
  gsize len = 1 + ulen + 1 + plen;
  guint8 *raw = g_malloc (len);
  char *encoded;

  raw[0] = '\0';
  memcpy (raw + 1, username, ulen);
  raw[1 + ulen] = '\0';
  memcpy (raw + 2 + ulen, password, plen);

  encoded = g_base64_encode (raw, len);
  memset (raw, 0, len);
  g_free (raw);

  return encoded;
}

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
  op->result->login_message = message != NULL ? _accord_probe_excerpt (message) : NULL;
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
  g_autofree char *excerpt = _accord_probe_excerpt (answer);

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
  g_autofree char *excerpt = _accord_probe_excerpt (answer);

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
      g_autofree char *excerpt = _accord_probe_excerpt (refusal);

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
          gboolean ok = _accord_probe_has_prefix (line, "+OK");

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

/* --- running ------------------------------------------------------------------------ */

static void
_begin_dialogue (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);

  op->greeting = TRUE;

  switch (op->result->protocol)
    {
    case ACCORD_PROTOCOL_IMAP:
      _accord_probe_imap_start (task);
      break;

    case ACCORD_PROTOCOL_POP3:
      _accord_probe_pop3_start (task);
      break;

    case ACCORD_PROTOCOL_SMTP:
      _accord_probe_smtp_start (task);
      break;

    case ACCORD_PROTOCOL_JMAP:
    case ACCORD_PROTOCOL_EAS:
    case ACCORD_PROTOCOL_EWS:
    case ACCORD_PROTOCOL_CALDAV:
    case ACCORD_PROTOCOL_CARDDAV:
    case ACCORD_PROTOCOL_LOCAL:
    default:
      g_assert_not_reached ();
    }
}

static void
_connect_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ProbeOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->conn = accord_line_connection_connect_finish (result, &error);
  if (op->conn == NULL)
    {
      _accord_probe_fail (task, error);
      return;
    }

  if (op->result->security == ACCORD_SECURITY_TLS)
    _accord_probe_start_tls (task, _begin_dialogue);
  else
    _begin_dialogue (task);
}

/**
 * accord_probe_run_async:
 * @protocol: %ACCORD_PROTOCOL_IMAP, %ACCORD_PROTOCOL_POP3 or %ACCORD_PROTOCOL_SMTP
 * @security: %ACCORD_SECURITY_TLS for implicit TLS, %ACCORD_SECURITY_STARTTLS to require
 *   STARTTLS, %ACCORD_SECURITY_NONE for an unencrypted connection, which only the
 *   caller can ask for and over which no password is sent
 * @username: (nullable): the login name
 * @password: (nullable): the password; %NULL probes without logging in
 *
 * Connects to @host:@port and finds out what the server offers; with a password, also
 * whether the login works (one attempt, never repeated).
 */
void
accord_probe_run_async (AccordProbe         *self,
                        AccordProtocol       protocol,
                        const char          *host,
                        guint16              port,
                        AccordSecurity       security,
                        const char          *username,
                        const char          *password,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ProbeOp *op;

  g_return_if_fail (ACCORD_IS_PROBE (self));
  g_return_if_fail (protocol == ACCORD_PROTOCOL_IMAP ||
                    protocol == ACCORD_PROTOCOL_POP3 ||
                    protocol == ACCORD_PROTOCOL_SMTP);
  g_return_if_fail (host != NULL && *host != '\0');
  g_return_if_fail (port != 0);
  g_return_if_fail (security == ACCORD_SECURITY_TLS ||
                    security == ACCORD_SECURITY_STARTTLS ||
                    security == ACCORD_SECURITY_NONE);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_probe_run_async);

  op = g_new0 (ProbeOp, 1);
  op->result = accord_probe_result_new (protocol, host, port, security);
  op->database = self->tls_database != NULL ? g_object_ref (self->tls_database) : NULL;
  op->pin = g_strdup (self->pinned_certificate);
  op->timeout = self->timeout;
  op->lines = g_ptr_array_new_with_free_func (g_free);
  if (username != NULL && password != NULL)
    {
      op->username = g_strdup (username);
      op->password = g_strdup (password);
    }
  g_task_set_task_data (task, op, (GDestroyNotify) _probe_op_free);

  g_debug ("Probing %s on %s:%u (%s)", accord_protocol_to_string (protocol), host, port,
           accord_security_to_string (security));

  accord_line_connection_connect_async (host, port, op->timeout, cancellable,
                                        _connect_cb, g_steal_pointer (&task));
}

/**
 * accord_probe_run_finish:
 *
 * Returns: (transfer full): what the probe found. A login that did not work is part of
 *   the result, not an error.
 */
AccordProbeResult *
accord_probe_run_finish (AccordProbe   *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (ACCORD_IS_PROBE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == accord_probe_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * accord_probe_run_get_partial_result:
 *
 * What a run learnt, also when it failed: after %ACCORD_PROBE_ERROR_CERTIFICATE, the
 * refused certificate, its fingerprint and what was wrong with it, for the person to
 * decide on; after %ACCORD_PROBE_ERROR_NO_STARTTLS, the greeting and capabilities.
 * Call it with the same @result as accord_probe_run_finish().
 *
 * Returns: (transfer full): the result, complete or not
 */
AccordProbeResult *
accord_probe_run_get_partial_result (AccordProbe  *self,
                                     GAsyncResult *result)
{
  ProbeOp *op;

  g_return_val_if_fail (ACCORD_IS_PROBE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == accord_probe_run_async, NULL);

  op = g_task_get_task_data (G_TASK (result));

  return accord_probe_result_ref (op->result);
}
