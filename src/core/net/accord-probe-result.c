/* accord-probe-result.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "accord-core-enums.h"
#include "accord-probe-result.h"

G_DEFINE_BOXED_TYPE (AccordProbeResult, accord_probe_result,
                     accord_probe_result_ref, accord_probe_result_unref)

AccordProbeResult *
accord_probe_result_new (AccordProtocol  protocol,
                         const char     *host,
                         guint16         port,
                         AccordSecurity  security)
{
  AccordProbeResult *self;

  g_return_val_if_fail (host != NULL, NULL);

  self = g_new0 (AccordProbeResult, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->protocol = protocol;
  self->host = g_strdup (host);
  self->port = port;
  self->security = security;
  self->capabilities = g_new0 (char *, 1);
  self->auth_mechanisms = g_new0 (char *, 1);
  self->login = ACCORD_PROBE_LOGIN_NOT_TRIED;

  return self;
}

AccordProbeResult *
accord_probe_result_ref (AccordProbeResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
accord_probe_result_unref (AccordProbeResult *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->host);
  g_free (self->greeting);
  g_strfreev (self->capabilities);
  g_strfreev (self->auth_mechanisms);
  g_clear_object (&self->certificate);
  g_free (self->certificate_fingerprint);
  g_free (self->login_message);
  g_free (self);
}

static gboolean
_strv_contains_ascii_case (const char * const *strv,
                           const char         *needle)
{
  for (; strv != NULL && *strv != NULL; strv++)
    if (g_ascii_strcasecmp (*strv, needle) == 0)
      return TRUE;

  return FALSE;
}

/* Capabilities are case-insensitive in all three protocols. */
gboolean
accord_probe_result_has_capability (const AccordProbeResult *self,
                                    const char              *capability)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (capability != NULL, FALSE);

  return _strv_contains_ascii_case ((const char * const *) self->capabilities, capability);
}

gboolean
accord_probe_result_has_auth_mechanism (const AccordProbeResult *self,
                                        const char              *mechanism)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (mechanism != NULL, FALSE);

  return _strv_contains_ascii_case ((const char * const *) self->auth_mechanisms, mechanism);
}

const char *
accord_probe_login_to_string (AccordProbeLogin login)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (ACCORD_TYPE_PROBE_LOGIN);
  GEnumValue *value = g_enum_get_value (klass, login);

  return value != NULL ? value->value_nick : NULL;
}
