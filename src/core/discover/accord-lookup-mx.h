/* accord-lookup-mx.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "accord-lookup.h"

G_BEGIN_DECLS

#define ACCORD_TYPE_LOOKUP_MX (accord_lookup_mx_get_type ())

G_DECLARE_FINAL_TYPE (AccordLookupMx, accord_lookup_mx, ACCORD, LOOKUP_MX, AccordLookup)

AccordLookup *accord_lookup_mx_new (const char  *domain,
                                    const char  *address,
                                    const char  *ispdb_url,
                                    SoupSession *session,
                                    GResolver   *resolver);

G_END_DECLS
