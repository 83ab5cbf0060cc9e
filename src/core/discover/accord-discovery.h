/* accord-discovery.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "accord-lookup.h"

G_BEGIN_DECLS

#define ACCORD_TYPE_DISCOVERY (accord_discovery_get_type ())

G_DECLARE_FINAL_TYPE (AccordDiscovery, accord_discovery, ACCORD, DISCOVERY, GObject)

#define ACCORD_DEFAULT_ISPDB_URL "https://live.thunderbird.net/autoconfig/v1.1/"

AccordDiscovery *accord_discovery_new                (const char           *address);
const char      *accord_discovery_get_address        (AccordDiscovery      *self);
const char      *accord_discovery_get_domain         (AccordDiscovery      *self);
void             accord_discovery_set_ispdb_url      (AccordDiscovery      *self,
                                                      const char           *url);
void             accord_discovery_set_local_dirs     (AccordDiscovery      *self,
                                                      const char * const   *dirs);
void             accord_discovery_set_timings        (AccordDiscovery      *self,
                                                      guint                 lookup_timeout_ms,
                                                      guint                 grace_ms,
                                                      guint                 hard_stop_ms);
GPtrArray       *accord_discovery_get_lookups        (AccordDiscovery      *self);
GPtrArray       *accord_discovery_get_candidates     (AccordDiscovery      *self);
GPtrArray       *accord_discovery_get_warnings       (AccordDiscovery      *self);

void             accord_discovery_run_async          (AccordDiscovery      *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean         accord_discovery_run_finish         (AccordDiscovery      *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

G_END_DECLS
