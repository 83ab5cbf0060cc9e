/* accord-account-types.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * AccordServiceKind:
 *
 * The four parts of an account. Each is decided and synced on its own: an account can
 * fetch mail with IMAP, send it with SMTP and keep contacts with CardDAV.
 */
typedef enum
{
  ACCORD_SERVICE_MAIL_IN,  /*< nick=mail-in >*/
  ACCORD_SERVICE_MAIL_OUT, /*< nick=mail-out >*/
  ACCORD_SERVICE_CONTACTS, /*< nick=contacts >*/
  ACCORD_SERVICE_CALENDAR, /*< nick=calendar >*/
} AccordServiceKind;

#define ACCORD_N_SERVICES (ACCORD_SERVICE_CALENDAR + 1)

typedef enum
{
  ACCORD_PROTOCOL_IMAP,    /*< nick=imap >*/
  ACCORD_PROTOCOL_POP3,    /*< nick=pop3 >*/
  ACCORD_PROTOCOL_SMTP,    /*< nick=smtp >*/
  ACCORD_PROTOCOL_JMAP,    /*< nick=jmap >*/
  ACCORD_PROTOCOL_EAS,     /*< nick=eas >*/
  ACCORD_PROTOCOL_EWS,     /*< nick=ews >*/
  ACCORD_PROTOCOL_CALDAV,  /*< nick=caldav >*/
  ACCORD_PROTOCOL_CARDDAV, /*< nick=carddav >*/
  ACCORD_PROTOCOL_LOCAL,   /*< nick=local >*/
} AccordProtocol;

typedef enum
{
  ACCORD_SECURITY_TLS,      /*< nick=tls >*/
  ACCORD_SECURITY_STARTTLS, /*< nick=starttls >*/
  ACCORD_SECURITY_NONE,     /*< nick=none >*/
} AccordSecurity;

typedef enum
{
  ACCORD_AUTH_PASSWORD, /*< nick=password >*/
  ACCORD_AUTH_OAUTH2,   /*< nick=oauth2 >*/
  ACCORD_AUTH_NONE,     /*< nick=none >*/
} AccordAuthMethod;

const char *accord_service_kind_to_string   (AccordServiceKind  kind);
gboolean    accord_service_kind_from_string (const char        *str,
                                             AccordServiceKind *kind);
const char *accord_protocol_to_string       (AccordProtocol     protocol);
gboolean    accord_protocol_from_string     (const char        *str,
                                             AccordProtocol    *protocol);
const char *accord_protocol_get_label       (AccordProtocol     protocol);
guint16     accord_protocol_get_default_port (AccordProtocol    protocol,
                                              AccordSecurity    security);
const char *accord_security_to_string       (AccordSecurity     security);
gboolean    accord_security_from_string     (const char        *str,
                                             AccordSecurity    *security);
const char *accord_auth_method_to_string    (AccordAuthMethod   method);
gboolean    accord_auth_method_from_string  (const char        *str,
                                             AccordAuthMethod  *method);

G_END_DECLS
