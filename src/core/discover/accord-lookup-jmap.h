/* accord-lookup-jmap.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "accord-lookup.h"

G_BEGIN_DECLS

#define ACCORD_TYPE_LOOKUP_JMAP (accord_lookup_jmap_get_type ())

G_DECLARE_FINAL_TYPE (AccordLookupJmap, accord_lookup_jmap, ACCORD, LOOKUP_JMAP, AccordLookup)

AccordLookup *accord_lookup_jmap_new (const char         *domain,
                                      const char         *address,
                                      const char         *password,
                                      const char * const *allowed_domains,
                                      SoupSession        *session,
                                      GResolver          *resolver);

G_END_DECLS
