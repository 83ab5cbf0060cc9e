/* accord-lookup-dav.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "accord-lookup.h"

G_BEGIN_DECLS

#define ACCORD_TYPE_LOOKUP_DAV (accord_lookup_dav_get_type ())

G_DECLARE_FINAL_TYPE (AccordLookupDav, accord_lookup_dav, ACCORD, LOOKUP_DAV, AccordLookup)

AccordLookup *accord_lookup_dav_new                 (AccordServiceKind   service,
                                                     const char         *domain,
                                                     const char         *address,
                                                     const char         *password,
                                                     const char * const *allowed_domains,
                                                     SoupSession        *session,
                                                     GResolver          *resolver);

const char   *accord_lookup_dav_get_summary         (AccordLookupDav    *self);
int           accord_lookup_dav_get_n_collections   (AccordLookupDav    *self);
gboolean      accord_lookup_dav_get_sign_in_refused (AccordLookupDav    *self);

G_END_DECLS
