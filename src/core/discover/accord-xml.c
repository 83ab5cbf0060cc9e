/* accord-xml.c
 *
 * Hardened reading of XML from the network, and the small checks on host names and
 * URLs that every parser of provider documents needs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "accord-xml-private.h"

typedef struct
{
  gboolean saw_entity;
} ReadState;

static void
_refuse_entities (void *ctx)
{
  xmlParserCtxt *ctxt = ctx;
  ReadState *state = ctxt->_private;

  state->saw_entity = TRUE;
  xmlStopParser (ctxt);
}

static void
_on_entity_decl (void          *ctx,
                 const xmlChar *name,
                 int            type,
                 const xmlChar *public_id,
                 const xmlChar *system_id,
                 xmlChar       *content)
{
  _refuse_entities (ctx);
}

static void
_on_unparsed_entity_decl (void          *ctx,
                          const xmlChar *name,
                          const xmlChar *public_id,
                          const xmlChar *system_id,
                          const xmlChar *notation_name)
{
  _refuse_entities (ctx);
}

/* Only called for entities other than the five predefined ones (&amp; and friends,
 * which real provider files use and which need no declaration). */
static xmlEntity *
_on_get_entity (void          *ctx,
                const xmlChar *name)
{
  _refuse_entities (ctx);
  return NULL;
}

static xmlEntity *
_on_get_parameter_entity (void          *ctx,
                          const xmlChar *name)
{
  _refuse_entities (ctx);
  return NULL;
}

static xmlParserInput *
_on_resolve_entity (void          *ctx,
                    const xmlChar *public_id,
                    const xmlChar *system_id)
{
  _refuse_entities (ctx);
  return NULL;
}

static void
_on_structured_error (void     *user_data,
                      xmlError *error)
{
  /* Errors are read from the context afterwards; nothing is printed. */
}

static gboolean
_tree_has_entities (xmlNode *node)
{
  while (node != NULL)
    {
      if (node->type == XML_ENTITY_REF_NODE || node->type == XML_ENTITY_DECL)
        return TRUE;

      if (node->children != NULL)
        {
          node = node->children;
          continue;
        }

      while (node != NULL && node->next == NULL)
        node = node->parent;
      if (node != NULL)
        node = node->next;
    }

  return FALSE;
}

/*
 * _accord_xml_read_untrusted:
 *
 * Parses a document that came from the network or any other place Accord does not
 * control. Entities are never substituted and never loaded: a document that declares
 * one, or refers to one beyond the five predefined, is refused while the parser is
 * still in its prologue, so an entity bomb costs nothing. No DTD is loaded, nothing is
 * fetched, nothing is printed, and documents over @max_size are refused unread.
 */
xmlDoc *
_accord_xml_read_untrusted (const char                *data,
                            gsize                      length,
                            gsize                      max_size,
                            const AccordXmlErrorCodes *codes,
                            GError                   **error)
{
  g_autoptr(xmlDoc) doc = NULL;
  g_autofree char *size_text = NULL;
  ReadState state = { FALSE };
  xmlParserCtxt *ctxt;
  const xmlError *xml_error;
  gboolean well_formed;

  g_assert (codes != NULL);
  g_assert (data != NULL || length == 0);

  if (length > max_size || length > G_MAXINT)
    {
      size_text = g_format_size_full (max_size, G_FORMAT_SIZE_IEC_UNITS);
      g_set_error (error, codes->domain, codes->too_large,
                   _("The document is larger than %s, so it was not read"),
                   size_text);
      return NULL;
    }

  if (length == 0)
    {
      g_set_error_literal (error, codes->domain, codes->malformed,
                           _("The document is empty"));
      return NULL;
    }

  xmlInitParser ();
  ctxt = xmlCreateMemoryParserCtxt (data, (int) length);
  if (ctxt == NULL)
    {
      g_set_error_literal (error, codes->domain, codes->malformed,
                           _("The document could not be read"));
      return NULL;
    }

  /* Deliberately without XML_PARSE_NOENT, XML_PARSE_DTDLOAD, XML_PARSE_DTDATTR,
   * XML_PARSE_DTDVALID, XML_PARSE_XINCLUDE and XML_PARSE_HUGE. */
  xmlCtxtUseOptions (ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                           XML_PARSE_NOCDATA);
  ctxt->_private = &state;
  ctxt->sax->entityDecl = _on_entity_decl;
  ctxt->sax->unparsedEntityDecl = _on_unparsed_entity_decl;
  ctxt->sax->getEntity = _on_get_entity;
  ctxt->sax->getParameterEntity = _on_get_parameter_entity;
  ctxt->sax->resolveEntity = _on_resolve_entity;
  ctxt->sax->serror = _on_structured_error;
  ctxt->sax->externalSubset = NULL;

  xmlParseDocument (ctxt);

  doc = g_steal_pointer (&ctxt->myDoc);
  well_formed = ctxt->wellFormed != 0;
  xml_error = xmlCtxtGetLastError (ctxt);

  if (state.saw_entity || (doc != NULL && _tree_has_entities ((xmlNode *) doc)))
    {
      g_set_error_literal (error, codes->domain, codes->unsafe,
                           _("The document uses XML entities, which Accord "
                             "does not accept from a server"));
      xmlFreeParserCtxt (ctxt);
      return NULL;
    }

  if (!well_formed || doc == NULL || xmlDocGetRootElement (doc) == NULL)
    {
      if (xml_error != NULL && xml_error->message != NULL)
        {
          g_autofree char *message = g_strstrip (g_strdup (xml_error->message));

          g_set_error (error, codes->domain, codes->malformed,
                       _("The document is not valid XML (line %d: %s)"),
                       xml_error->line, message);
        }
      else
        {
          g_set_error_literal (error, codes->domain, codes->malformed,
                               _("The document is not valid XML"));
        }
      xmlFreeParserCtxt (ctxt);
      return NULL;
    }

  xmlFreeParserCtxt (ctxt);
  return g_steal_pointer (&doc);
}

/* The element's text, trimmed, or NULL when there is none. */
char *
_accord_xml_dup_text (const xmlNode *node)
{
  xmlChar *content;
  char *text;

  if (node == NULL)
    return NULL;

  content = xmlNodeGetContent (node);
  if (content == NULL)
    return NULL;

  text = g_strstrip (g_strdup ((const char *) content));
  xmlFree (content);

  if (*text == '\0')
    g_clear_pointer (&text, g_free);

  return text;
}

char *
_accord_xml_dup_prop (const xmlNode *node,
                      const char    *name)
{
  xmlChar *value;
  char *text;

  if (node == NULL)
    return NULL;

  value = xmlGetNoNsProp (node, (const xmlChar *) name);
  if (value == NULL)
    return NULL;

  text = g_strstrip (g_strdup ((const char *) value));
  xmlFree (value);

  if (*text == '\0')
    g_clear_pointer (&text, g_free);

  return text;
}

gboolean
_accord_xml_name_is (const xmlNode *node,
                     const char    *name)
{
  return node != NULL &&
         node->type == XML_ELEMENT_NODE &&
         xmlStrcmp (node->name, (const xmlChar *) name) == 0;
}

/* A host name Accord may connect to, in ASCII and lower case, or NULL. */
char *
_accord_normalize_hostname (const char *hostname)
{
  g_autofree char *ascii = NULL;
  gsize len;

  if (hostname == NULL || *hostname == '\0')
    return NULL;

  if (g_hostname_is_ip_address (hostname))
    return g_strdup (hostname);

  if (g_hostname_is_non_ascii (hostname))
    ascii = g_hostname_to_ascii (hostname);
  else
    ascii = g_ascii_strdown (hostname, -1);

  if (ascii == NULL)
    return NULL;

  len = strlen (ascii);
  if (len > 0 && ascii[len - 1] == '.')
    ascii[--len] = '\0';

  if (len == 0 || len > 253 || ascii[0] == '.' || ascii[0] == '-')
    return NULL;

  for (const char *p = ascii; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.' && *p != '_')
        return NULL;
      if (*p == '.' && p[1] == '.')
        return NULL;
    }

  return g_steal_pointer (&ascii);
}

/* Only web URLs: a help link must never become a file: or javascript: link. */
gboolean
_accord_is_web_url (const char *url,
                    gboolean   *https)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (url == NULL)
    return FALSE;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  if (https != NULL)
    *https = g_ascii_strcasecmp (scheme, "https") == 0;

  return g_ascii_strcasecmp (scheme, "https") == 0 || g_ascii_strcasecmp (scheme, "http") == 0;
}

