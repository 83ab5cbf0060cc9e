/* accord-lookup-srv.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "accord-lookup.h"

G_BEGIN_DECLS

#define ACCORD_TYPE_LOOKUP_SRV (accord_lookup_srv_get_type ())

G_DECLARE_FINAL_TYPE (AccordLookupSrv, accord_lookup_srv, ACCORD, LOOKUP_SRV, AccordLookup)

AccordLookup *accord_lookup_srv_new (const char *domain,
                                     GResolver  *resolver);

G_END_DECLS
