/* accord-domain.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *accord_domain_get_registrable  (const char *hostname);
gboolean  accord_domain_same_registrable (const char *a,
                                          const char *b);
char     *accord_domain_get_parent       (const char *hostname);
gboolean  accord_domain_may_receive_credentials (const char         *address_domain,
                                                 const char         *hostname,
                                                 const char * const *allowed);

G_END_DECLS
