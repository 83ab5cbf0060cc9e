/* accord-xml-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

/* Shared by the parsers of provider documents; defined in accord-xml.c. */

/* The error codes a hardened read reports, in the caller's own error domain. */
typedef struct
{
  GQuark domain;
  int    too_large;
  int    malformed;
  int    unsafe;
} AccordXmlErrorCodes;

xmlDoc *_accord_xml_read_untrusted (const char                *data,
                                    gsize                      length,
                                    gsize                      max_size,
                                    const AccordXmlErrorCodes *codes,
                                    GError                   **error);
char    *_accord_xml_dup_text       (const xmlNode             *node);
char    *_accord_xml_dup_prop       (const xmlNode             *node,
                                     const char                *name);
gboolean _accord_xml_name_is        (const xmlNode             *node,
                                     const char                *name);

char    *_accord_normalize_hostname (const char                *hostname);
gboolean _accord_is_web_url         (const char                *url,
                                     gboolean                  *https);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)

G_END_DECLS
