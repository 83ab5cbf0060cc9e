/* accord-probe-result.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "accord-account-types.h"

G_BEGIN_DECLS

/**
 * AccordProbeLogin:
 * @ACCORD_PROBE_LOGIN_NOT_TRIED: no password was given, or sending it was not safe
 * @ACCORD_PROBE_LOGIN_OK: the server accepted the user name and password
 * @ACCORD_PROBE_LOGIN_AUTH_FAILED: the server said the user name or password is wrong
 * @ACCORD_PROBE_LOGIN_FAILED: the login did not work for another reason (no usable
 *   mechanism, server trouble, account locked …); the server's text says why
 */
typedef enum
{
  ACCORD_PROBE_LOGIN_NOT_TRIED,   /*< nick=not-tried >*/
  ACCORD_PROBE_LOGIN_OK,          /*< nick=ok >*/
  ACCORD_PROBE_LOGIN_AUTH_FAILED, /*< nick=auth-failed >*/
  ACCORD_PROBE_LOGIN_FAILED,      /*< nick=failed >*/
} AccordProbeLogin;

#define ACCORD_TYPE_PROBE_RESULT (accord_probe_result_get_type ())

/**
 * AccordProbeResult:
 * @capabilities: what the server announced, upper case: IMAP capabilities (after login
 *   when the login worked, since servers announce more then; otherwise after TLS),
 *   POP3 CAPA tags, SMTP EHLO keywords
 * @auth_mechanisms: the SASL mechanisms offered on the connection the login would use,
 *   upper case (IMAP AUTH=…, POP3 SASL, SMTP AUTH)
 * @greeting: the server's greeting text, made valid UTF-8
 * @certificate: (nullable): the server's certificate; %NULL without TLS
 * @certificate_fingerprint: (nullable): its SHA-256 fingerprint, as
 *   accord_certificate_get_fingerprint() writes it; %NULL without TLS
 * @certificate_errors: what verification found wrong; 0 when the certificate is trusted
 * @certificate_pinned: the certificate failed verification and was accepted only because
 *   it matched the pinned fingerprint
 * @login_message: (nullable): the server's answer to the login, or why none was tried
 * @size_limit: the largest message an SMTP server accepts (EHLO SIZE), 0 if unknown
 *
 * What probing one endpoint found. A reference-counted record.
 */
typedef struct _AccordProbeResult
{
  AccordProtocol        protocol;
  char                 *host;
  guint16               port;
  AccordSecurity        security;

  char                 *greeting;
  GStrv                 capabilities;
  GStrv                 auth_mechanisms;
  guint64               size_limit;

  GTlsCertificate      *certificate;
  char                 *certificate_fingerprint;
  GTlsCertificateFlags  certificate_errors;
  gboolean              certificate_pinned;

  AccordProbeLogin      login;
  char                 *login_message;

  /*< private >*/
  gatomicrefcount       ref_count;
} AccordProbeResult;

GType              accord_probe_result_get_type           (void) G_GNUC_CONST;
AccordProbeResult *accord_probe_result_new                (AccordProtocol           protocol,
                                                           const char              *host,
                                                           guint16                  port,
                                                           AccordSecurity           security);
AccordProbeResult *accord_probe_result_ref                (AccordProbeResult       *self);
void               accord_probe_result_unref              (AccordProbeResult       *self);
gboolean           accord_probe_result_has_capability     (const AccordProbeResult *self,
                                                           const char              *capability);
gboolean           accord_probe_result_has_auth_mechanism (const AccordProbeResult *self,
                                                           const char              *mechanism);

const char        *accord_probe_login_to_string           (AccordProbeLogin         login);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordProbeResult, accord_probe_result_unref)

G_END_DECLS
