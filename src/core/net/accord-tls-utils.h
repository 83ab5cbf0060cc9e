/* accord-tls-utils.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char     *accord_certificate_get_fingerprint     (GTlsCertificate      *certificate);
char     *accord_fingerprint_normalize           (const char           *fingerprint);
gboolean  accord_fingerprint_equal               (const char           *a,
                                                  const char           *b);
char     *accord_certificate_describe_errors     (GTlsCertificateFlags  errors,
                                                  const char           *host);

GIOStream *accord_tls_client_connection_new     (GIOStream            *base,
                                                  GSocketConnectable   *identity,
                                                  GTlsDatabase         *database,
                                                  const char           *pin,
                                                  GError              **error);
gboolean   accord_tls_accept_certificate        (GTlsConnection       *tls,
                                                  GTlsCertificate      *certificate,
                                                  GTlsDatabase         *database,
                                                  const char           *pin,
                                                  const char           *host,
                                                  guint16               port,
                                                  GTlsCertificateFlags *errors,
                                                  gboolean             *pinned);
char      *accord_certificate_describe_refusal  (GTlsCertificate      *certificate,
                                                  GTlsCertificateFlags  errors,
                                                  const char           *host,
                                                  guint16               port);

G_END_DECLS
