/* accord-lookup-autoconfig.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "accord-autoconfig.h"
#include "accord-lookup.h"

G_BEGIN_DECLS

#define ACCORD_TYPE_LOOKUP_AUTOCONFIG (accord_lookup_autoconfig_get_type ())

G_DECLARE_FINAL_TYPE (AccordLookupAutoconfig, accord_lookup_autoconfig,
                      ACCORD, LOOKUP_AUTOCONFIG, AccordLookup)

AccordLookup *accord_lookup_autoconfig_new_url  (AccordSourceKind  source,
                                                 const char       *url,
                                                 const char       *address,
                                                 SoupSession      *session);
AccordLookup *accord_lookup_autoconfig_new_file (AccordSourceKind  source,
                                                 const char       *path,
                                                 const char       *address);

AccordAutoconfig *accord_lookup_autoconfig_get_config (AccordLookupAutoconfig *self);

G_END_DECLS
