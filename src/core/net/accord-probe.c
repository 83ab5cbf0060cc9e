/* accord-probe.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "accord-net-utils.h"
#include "accord-probe-private.h"
#include "accord-tls-utils.h"

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

static void
_probe_op_free (ProbeOp *op)
{
  g_clear_pointer (&op->result, accord_probe_result_unref);
  g_clear_object (&op->conn);
  g_clear_object (&op->database);
  g_free (op->pin);
  g_free (op->username);
  _accord_net_wipe_free (op->password);
  g_free (op->status);
  g_clear_pointer (&op->lines, g_ptr_array_unref);
  g_free (op);
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
