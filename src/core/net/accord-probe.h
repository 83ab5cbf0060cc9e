/* accord-probe.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "accord-account-types.h"
#include "accord-probe-error.h"
#include "accord-probe-result.h"

G_BEGIN_DECLS

#define ACCORD_PROBE_DEFAULT_TIMEOUT 10

#define ACCORD_TYPE_PROBE (accord_probe_get_type ())

G_DECLARE_FINAL_TYPE (AccordProbe, accord_probe, ACCORD, PROBE, GObject)

AccordProbe       *accord_probe_new                    (void);

GTlsDatabase      *accord_probe_get_tls_database       (AccordProbe          *self);
void               accord_probe_set_tls_database       (AccordProbe          *self,
                                                        GTlsDatabase         *database);
guint              accord_probe_get_timeout            (AccordProbe          *self);
void               accord_probe_set_timeout            (AccordProbe          *self,
                                                        guint                 timeout);
const char        *accord_probe_get_pinned_certificate (AccordProbe          *self);
void               accord_probe_set_pinned_certificate (AccordProbe          *self,
                                                        const char           *fingerprint);

void               accord_probe_run_async              (AccordProbe          *self,
                                                        AccordProtocol        protocol,
                                                        const char           *host,
                                                        guint16               port,
                                                        AccordSecurity        security,
                                                        const char           *username,
                                                        const char           *password,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
AccordProbeResult *accord_probe_run_finish             (AccordProbe          *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
AccordProbeResult *accord_probe_run_get_partial_result (AccordProbe          *self,
                                                        GAsyncResult         *result);

G_END_DECLS
