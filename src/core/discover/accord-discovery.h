/* accord-discovery.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "accord-autoconfig.h"
#include "accord-decision.h"
#include "accord-lookup.h"
#include "accord-verification.h"

G_BEGIN_DECLS

#define ACCORD_TYPE_DISCOVERY (accord_discovery_get_type ())

G_DECLARE_FINAL_TYPE (AccordDiscovery, accord_discovery, ACCORD, DISCOVERY, GObject)

/**
 * AccordDiscoveryWarning:
 * @code: a stable identifier for scripts, e.g. "insecure-source" or "unreachable"
 * @message: one sentence for a person
 */
typedef struct
{
  char *code;
  char *message;
} AccordDiscoveryWarning;

#define ACCORD_DEFAULT_ISPDB_URL "https://live.thunderbird.net/autoconfig/v1.1/"

AccordDiscovery *accord_discovery_new                (const char           *address);
const char      *accord_discovery_get_address        (AccordDiscovery      *self);
const char      *accord_discovery_get_domain         (AccordDiscovery      *self);
void             accord_discovery_set_ispdb_url      (AccordDiscovery      *self,
                                                      const char           *url);
void             accord_discovery_use_configured_sources (AccordDiscovery  *self);
void             accord_discovery_set_local_dirs     (AccordDiscovery      *self,
                                                      const char * const   *dirs);
void             accord_discovery_set_password       (AccordDiscovery      *self,
                                                      const char           *password);
gboolean         accord_discovery_get_has_password   (AccordDiscovery      *self);
void             accord_discovery_set_allowed_domains (AccordDiscovery    *self,
                                                      const char * const   *domains);
void             accord_discovery_set_pinned_certificate (AccordDiscovery *self,
                                                          const char      *host,
                                                          const char      *fingerprint);
void             accord_discovery_set_verify         (AccordDiscovery      *self,
                                                      gboolean              verify);
void             accord_discovery_set_timings        (AccordDiscovery      *self,
                                                      guint                 lookup_timeout_ms,
                                                      guint                 grace_ms,
                                                      guint                 hard_stop_ms);
GPtrArray       *accord_discovery_get_lookups        (AccordDiscovery      *self);
GPtrArray       *accord_discovery_get_candidates     (AccordDiscovery      *self);
GPtrArray       *accord_discovery_get_warnings       (AccordDiscovery      *self);
GPtrArray       *accord_discovery_get_confirmations  (AccordDiscovery      *self);
AccordAutoconfig *accord_discovery_get_provider     (AccordDiscovery      *self);
AccordDecision  *accord_discovery_get_decision       (AccordDiscovery      *self);
AccordVerification *accord_discovery_get_verification (AccordDiscovery     *self);

void             accord_discovery_run_async          (AccordDiscovery      *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean         accord_discovery_run_finish         (AccordDiscovery      *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

G_END_DECLS
