/* accord-lookup-autodiscover.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "accord-lookup.h"

G_BEGIN_DECLS

#define ACCORD_TYPE_LOOKUP_AUTODISCOVER (accord_lookup_autodiscover_get_type ())

G_DECLARE_FINAL_TYPE (AccordLookupAutodiscover, accord_lookup_autodiscover,
                      ACCORD, LOOKUP_AUTODISCOVER, AccordLookup)

AccordLookup *accord_lookup_autodiscover_new (const char         *domain,
                                              const char         *address,
                                              const char         *password,
                                              const char * const *allowed_domains,
                                              SoupSession        *session,
                                              GResolver          *resolver);

G_END_DECLS
