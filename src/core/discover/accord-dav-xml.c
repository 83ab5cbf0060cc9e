/* accord-dav-xml.c
 *
 * Reading WebDAV multistatus answers (RFC 4918 §13) during CalDAV and CardDAV
 * discovery: which principal the server says is signed in, where its calendar
 * or address book home is, and which collections are there. The answers come
 * from servers Accord does not trust yet, so they go through the hardened reader.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-dav-xml.h"
#include "accord-xml-private.h"

#define NS_DAV     "DAV:"
#define NS_CALDAV  "urn:ietf:params:xml:ns:caldav"
#define NS_CARDDAV "urn:ietf:params:xml:ns:carddav"

G_DEFINE_QUARK (accord-dav-xml-error-quark, accord_dav_xml_error)

static const AccordXmlErrorCodes error_codes = {
  0, /* the quark is filled in at run time */
  ACCORD_DAV_XML_ERROR_TOO_LARGE,
  ACCORD_DAV_XML_ERROR_MALFORMED,
  ACCORD_DAV_XML_ERROR_UNSAFE,
};

void
accord_dav_resource_free (AccordDavResource *resource)
{
  if (resource == NULL)
    return;

  g_free (resource->href);
  g_free (resource->displayname);
  g_free (resource->current_user_principal);
  g_free (resource->calendar_home_set);
  g_free (resource->addressbook_home_set);
  g_free (resource);
}

/* Element names count only in their namespace: <C:calendar> is not <D:calendar>. */
static gboolean
_is (const xmlNode *node,
     const char    *ns,
     const char    *name)
{
  return _accord_xml_name_is (node, name) &&
         node->ns != NULL && node->ns->href != NULL &&
         xmlStrcmp (node->ns->href, (const xmlChar *) ns) == 0;
}

static xmlNode *
_child (const xmlNode *parent,
        const char    *ns,
        const char    *name)
{
  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    if (_is (child, ns, name))
      return child;

  return NULL;
}

/* The first DAV:href below @parent, as in current-user-principal or a home set. */
static char *
_child_href (const xmlNode *parent)
{
  return _accord_xml_dup_text (_child (parent, NS_DAV, "href"));
}

/* "HTTP/1.1 200 OK" is a success; anything else, or nothing, is not. */
static gboolean
_status_is_success (const xmlNode *status)
{
  g_autofree char *text = _accord_xml_dup_text (status);
  const char *code;

  if (text == NULL || !g_str_has_prefix (text, "HTTP/"))
    return FALSE;

  code = strchr (text, ' ');
  if (code == NULL)
    return FALSE;
  while (*code == ' ')
    code++;

  return code[0] == '2' && g_ascii_isdigit (code[1]) && g_ascii_isdigit (code[2]) &&
         (code[3] == '\0' || code[3] == ' ');
}

static void
_read_prop (AccordDavResource *resource,
            const xmlNode     *prop)
{
  for (xmlNode *node = prop->children; node != NULL; node = node->next)
    {
      if (_is (node, NS_DAV, "resourcetype"))
        {
          resource->is_collection |= _child (node, NS_DAV, "collection") != NULL;
          resource->is_calendar |= _child (node, NS_CALDAV, "calendar") != NULL;
          resource->is_addressbook |= _child (node, NS_CARDDAV, "addressbook") != NULL;
        }
      else if (_is (node, NS_DAV, "displayname") && resource->displayname == NULL)
        resource->displayname = _accord_xml_dup_text (node);
      else if (_is (node, NS_DAV, "current-user-principal") &&
               resource->current_user_principal == NULL)
        resource->current_user_principal = _child_href (node);
      else if (_is (node, NS_CALDAV, "calendar-home-set") && resource->calendar_home_set == NULL)
        resource->calendar_home_set = _child_href (node);
      else if (_is (node, NS_CARDDAV, "addressbook-home-set") &&
               resource->addressbook_home_set == NULL)
        resource->addressbook_home_set = _child_href (node);
    }
}

static AccordDavResource *
_read_response (const xmlNode *response)
{
  g_autoptr(AccordDavResource) resource = g_new0 (AccordDavResource, 1);

  resource->href = _child_href (response);
  if (resource->href == NULL)
    return NULL;

  for (xmlNode *propstat = response->children; propstat != NULL; propstat = propstat->next)
    {
      xmlNode *prop;

      if (!_is (propstat, NS_DAV, "propstat"))
        continue;

      /* A 404 propstat lists what the server does not have. */
      if (!_status_is_success (_child (propstat, NS_DAV, "status")))
        continue;

      prop = _child (propstat, NS_DAV, "prop");
      if (prop != NULL)
        _read_prop (resource, prop);
    }

  return g_steal_pointer (&resource);
}

/**
 * accord_dav_xml_parse_multistatus:
 * @data: the body of a 207 answer, from the network
 * @max_size: the largest body that is read at all
 *
 * Reads a DAV:multistatus. Responses without an href are skipped, as are
 * properties whose propstat does not report success.
 *
 * Returns: (transfer full) (element-type AccordDavResource): one entry per
 *   DAV:response, possibly none; %NULL with @error set (%ACCORD_DAV_XML_ERROR)
 *   when @data is not a multistatus Accord can read safely
 */
GPtrArray *
accord_dav_xml_parse_multistatus (const char  *data,
                                  gsize        length,
                                  gsize        max_size,
                                  GError     **error)
{
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(GPtrArray) resources = NULL;
  AccordXmlErrorCodes codes = error_codes;
  xmlNode *root;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  codes.domain = ACCORD_DAV_XML_ERROR;
  doc = _accord_xml_read_untrusted (data, length, max_size, &codes, error);
  if (doc == NULL)
    return NULL;

  root = xmlDocGetRootElement (doc);
  if (!_is (root, NS_DAV, "multistatus"))
    {
      g_set_error_literal (error, ACCORD_DAV_XML_ERROR, ACCORD_DAV_XML_ERROR_WRONG_DOCUMENT,
                           _("The server’s answer is not a WebDAV multistatus document"));
      return NULL;
    }

  resources = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_dav_resource_free);
  for (xmlNode *node = root->children; node != NULL; node = node->next)
    {
      AccordDavResource *resource;

      if (!_is (node, NS_DAV, "response"))
        continue;

      resource = _read_response (node);
      if (resource != NULL)
        g_ptr_array_add (resources, resource);
    }

  return g_steal_pointer (&resources);
}
