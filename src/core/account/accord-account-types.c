/* accord-account-types.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib-object.h>

#include "accord-account-types.h"
#include "accord-core-enums.h"

static const char *
_enum_to_nick (GType type,
               int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *ev = g_enum_get_value (klass, value);

  return ev != NULL ? ev->value_nick : NULL;
}

static gboolean
_enum_from_nick (GType       type,
                 const char *nick,
                 int        *value)
{
  g_autoptr(GEnumClass) klass = NULL;
  GEnumValue *ev;

  if (nick == NULL)
    return FALSE;

  klass = g_type_class_ref (type);
  ev = g_enum_get_value_by_nick (klass, nick);
  if (ev == NULL)
    return FALSE;

  *value = ev->value;
  return TRUE;
}

#define DEFINE_NICK_CONVERSIONS(TypeName, type_name, TYPE)                      \
  const char *                                                                  \
  type_name##_to_string (TypeName value)                                        \
  {                                                                             \
    return _enum_to_nick (TYPE, value);                                         \
  }                                                                             \
                                                                                \
  gboolean                                                                      \
  type_name##_from_string (const char *str,                                     \
                           TypeName   *value)                                   \
  {                                                                             \
    int v;                                                                      \
                                                                                \
    g_return_val_if_fail (value != NULL, FALSE);                                \
                                                                                \
    if (!_enum_from_nick (TYPE, str, &v))                                       \
      return FALSE;                                                             \
    *value = (TypeName) v;                                                      \
    return TRUE;                                                                \
  }

DEFINE_NICK_CONVERSIONS (AccordServiceKind, accord_service_kind, ACCORD_TYPE_SERVICE_KIND)
DEFINE_NICK_CONVERSIONS (AccordProtocol, accord_protocol, ACCORD_TYPE_PROTOCOL)
DEFINE_NICK_CONVERSIONS (AccordSecurity, accord_security, ACCORD_TYPE_SECURITY)
DEFINE_NICK_CONVERSIONS (AccordAuthMethod, accord_auth_method, ACCORD_TYPE_AUTH_METHOD)

/* Protocol names are not translated: people search for "IMAP", not a translation of it. */
const char *
accord_protocol_get_label (AccordProtocol protocol)
{
  switch (protocol)
    {
    case ACCORD_PROTOCOL_IMAP: return "IMAP";
    case ACCORD_PROTOCOL_POP3: return "POP3";
    case ACCORD_PROTOCOL_SMTP: return "SMTP";
    case ACCORD_PROTOCOL_JMAP: return "JMAP";
    case ACCORD_PROTOCOL_EAS: return "Exchange ActiveSync";
    case ACCORD_PROTOCOL_EWS: return "Exchange Web Services";
    case ACCORD_PROTOCOL_CALDAV: return "CalDAV";
    case ACCORD_PROTOCOL_CARDDAV: return "CardDAV";
    case ACCORD_PROTOCOL_LOCAL: return "Local";
    default: g_return_val_if_reached (NULL);
    }
}

/* Ports from RFC 8314 (implicit TLS) and the registrations of each protocol. Returns 0
 * when the protocol is reached by URL rather than host and port. */
guint16
accord_protocol_get_default_port (AccordProtocol protocol,
                                  AccordSecurity security)
{
  gboolean tls = security == ACCORD_SECURITY_TLS;

  switch (protocol)
    {
    case ACCORD_PROTOCOL_IMAP: return tls ? 993 : 143;
    case ACCORD_PROTOCOL_POP3: return tls ? 995 : 110;
    case ACCORD_PROTOCOL_SMTP: return tls ? 465 : 587;
    case ACCORD_PROTOCOL_JMAP:
    case ACCORD_PROTOCOL_EAS:
    case ACCORD_PROTOCOL_EWS:
    case ACCORD_PROTOCOL_CALDAV:
    case ACCORD_PROTOCOL_CARDDAV: return tls ? 443 : 80;
    case ACCORD_PROTOCOL_LOCAL: return 0;
    default: g_return_val_if_reached (0);
    }
}
