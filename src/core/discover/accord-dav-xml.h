/* accord-dav-xml.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A discovery answer lists a principal or a few collections; a larger one is
 * refused unread. */
#define ACCORD_DAV_XML_MAX_SIZE (1024 * 1024)

#define ACCORD_DAV_XML_ERROR (accord_dav_xml_error_quark ())

typedef enum
{
  ACCORD_DAV_XML_ERROR_TOO_LARGE,      /* over the size given to the parser */
  ACCORD_DAV_XML_ERROR_MALFORMED,      /* not well-formed XML */
  ACCORD_DAV_XML_ERROR_UNSAFE,         /* declares or references XML entities */
  ACCORD_DAV_XML_ERROR_WRONG_DOCUMENT, /* well-formed, but not a DAV:multistatus */
} AccordDavXmlError;

GQuark accord_dav_xml_error_quark (void);

/**
 * AccordDavResource:
 * @href: the resource's DAV:href as the server wrote it (a path or a URL, still
 *   percent-encoded); resolve it against the request's URL
 * @displayname: (nullable): DAV:displayname
 * @current_user_principal: (nullable): the href in DAV:current-user-principal
 *   (RFC 5397)
 * @calendar_home_set: (nullable): the first href in CALDAV:calendar-home-set
 * @addressbook_home_set: (nullable): the first href in CARDDAV:addressbook-home-set
 * @is_collection: DAV:resourcetype has DAV:collection
 * @is_calendar: DAV:resourcetype has CALDAV:calendar
 * @is_addressbook: DAV:resourcetype has CARDDAV:addressbook
 *
 * One DAV:response of a multistatus, with only the properties the server
 * reported with a 2xx status.
 */
typedef struct
{
  char     *href;
  char     *displayname;
  char     *current_user_principal;
  char     *calendar_home_set;
  char     *addressbook_home_set;
  gboolean  is_collection;
  gboolean  is_calendar;
  gboolean  is_addressbook;
} AccordDavResource;

void       accord_dav_resource_free          (AccordDavResource  *resource);
GPtrArray *accord_dav_xml_parse_multistatus  (const char         *data,
                                              gsize               length,
                                              gsize               max_size,
                                              GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordDavResource, accord_dav_resource_free)

G_END_DECLS
