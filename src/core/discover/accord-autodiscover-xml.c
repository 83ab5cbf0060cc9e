/* accord-autodiscover-xml.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "accord-autodiscover-xml.h"
#include "accord-json-utils.h"
#include "accord-xml-private.h"

#define NS_BASE                "http://schemas.microsoft.com/exchange/autodiscover/"
#define NS_RESPONSE            NS_BASE "responseschema/2006"
#define NS_OUTLOOK_REQUEST     NS_BASE "outlook/requestschema/2006"
#define NS_OUTLOOK_RESPONSE    NS_BASE "outlook/responseschema/2006a"
#define NS_MOBILESYNC_REQUEST  NS_BASE "mobilesync/requestschema/2006"
#define NS_MOBILESYNC_RESPONSE NS_BASE "mobilesync/responseschema/2006"

/* A v2 answer is one small object; deeper nesting is an attack on the parser's stack. */
#define V2_JSON_MAX_DEPTH 32

G_DEFINE_QUARK (accord-autodiscover-error-quark, accord_autodiscover_error)

struct _AccordAutodiscoverResponse
{
  gatomicrefcount         ref_count;

  AccordAutodiscoverKind  kind;
  char                   *redirect;
  char                   *error_code;
  char                   *error_message;
  char                   *display_name;
  GPtrArray              *candidates; /* AccordCandidate */
};

G_DEFINE_BOXED_TYPE (AccordAutodiscoverResponse, accord_autodiscover_response,
                     accord_autodiscover_response_ref, accord_autodiscover_response_unref)

/* Exchange endpoints serve mail, contacts and calendars alike. */
static const AccordServiceKind exchange_services[] = {
  ACCORD_SERVICE_MAIL_IN, ACCORD_SERVICE_CONTACTS, ACCORD_SERVICE_CALENDAR,
};

/* Children are matched by local name only: servers are not consistent about which of
 * the several response namespaces their inner elements are in. */
static xmlNode *
_first_child (const xmlNode *parent,
              const char    *name)
{
  if (parent == NULL)
    return NULL;

  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    {
      if (_accord_xml_name_is (child, name))
        return child;
    }

  return NULL;
}

static char *
_child_text (const xmlNode *parent,
             const char    *name)
{
  return _accord_xml_dup_text (_first_child (parent, name));
}

static AccordAutodiscoverResponse *
_response_new (AccordAutodiscoverKind kind)
{
  AccordAutodiscoverResponse *self = g_new0 (AccordAutodiscoverResponse, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->kind = kind;
  self->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_candidate_unref);

  return self;
}

static void
_add_candidate (GPtrArray       *candidates,
                AccordCandidate *candidate)
{
  for (guint i = 0; i < candidates->len; i++)
    {
      if (accord_candidate_same_endpoint (g_ptr_array_index (candidates, i), candidate))
        {
          accord_candidate_unref (candidate);
          return;
        }
    }

  g_ptr_array_add (candidates, candidate);
}

static void
_add_exchange_candidates (GPtrArray      *candidates,
                          AccordProtocol  protocol,
                          const char     *url,
                          const char     *username,
                          const char     *source_detail)
{
  gboolean https = FALSE;

  if (!_accord_is_web_url (url, &https))
    {
      g_debug ("Autodiscover: skipping %s URL “%s”", accord_protocol_to_string (protocol), url);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (exchange_services); i++)
    {
      AccordCandidate *candidate;

      candidate = accord_candidate_new (exchange_services[i], protocol,
                                        ACCORD_SOURCE_AUTODISCOVER);
      candidate->url = g_strdup (url);
      candidate->security = https ? ACCORD_SECURITY_TLS : ACCORD_SECURITY_NONE;
      candidate->username = g_strdup (username);
      candidate->source_detail = g_strdup (source_detail);
      _add_candidate (candidates, candidate);
    }
}

static gboolean
_is_on (const char *text,
        gboolean    fallback)
{
  if (text == NULL)
    return fallback;

  return g_ascii_strcasecmp (text, "on") == 0 || g_ascii_strcasecmp (text, "true") == 0;
}

/* MS-OXDSCLI: <Encryption> wins over <SSL>. "SSL" means TLS from the first byte, "TLS"
 * means STARTTLS. A bare SSL=on says only "encrypted", so the port decides. */
static AccordSecurity
_read_security (const xmlNode  *protocol_node,
                AccordProtocol  protocol,
                guint16         port)
{
  g_autofree char *encryption = _child_text (protocol_node, "Encryption");
  g_autofree char *ssl = _child_text (protocol_node, "SSL");

  if (encryption != NULL)
    {
      if (g_ascii_strcasecmp (encryption, "SSL") == 0)
        return ACCORD_SECURITY_TLS;
      if (g_ascii_strcasecmp (encryption, "TLS") == 0)
        return ACCORD_SECURITY_STARTTLS;
      if (g_ascii_strcasecmp (encryption, "None") == 0)
        return ACCORD_SECURITY_NONE;
    }
  else if (!_is_on (ssl, TRUE))
    {
      return ACCORD_SECURITY_NONE;
    }

  if (port != 0 && port == accord_protocol_get_default_port (protocol, ACCORD_SECURITY_STARTTLS))
    return ACCORD_SECURITY_STARTTLS;

  return ACCORD_SECURITY_TLS;
}

static void
_read_mail_protocol (const xmlNode     *protocol_node,
                     AccordServiceKind  service,
                     AccordProtocol     protocol,
                     const char        *source_detail,
                     GPtrArray         *candidates)
{
  g_autofree char *server = _child_text (protocol_node, "Server");
  g_autofree char *host = _accord_normalize_hostname (server);
  g_autofree char *port_text = _child_text (protocol_node, "Port");
  g_autofree char *auth_required = _child_text (protocol_node, "AuthRequired");
  guint64 port = 0;
  AccordCandidate *candidate;

  if (host == NULL)
    {
      g_debug ("Autodiscover: skipping a %s server with host name “%s”",
               accord_protocol_to_string (protocol), server ? server : "");
      return;
    }

  if (port_text != NULL &&
      !g_ascii_string_to_unsigned (port_text, 10, 1, G_MAXUINT16, &port, NULL))
    {
      g_debug ("Autodiscover: skipping %s with port “%s”", host, port_text);
      return;
    }

  candidate = accord_candidate_new (service, protocol, ACCORD_SOURCE_AUTODISCOVER);
  candidate->security = _read_security (protocol_node, protocol, (guint16) port);
  if (port == 0)
    port = accord_protocol_get_default_port (protocol, candidate->security);
  candidate->host = g_steal_pointer (&host);
  candidate->port = (guint16) port;
  candidate->username = _child_text (protocol_node, "LoginName");
  candidate->auth = _is_on (auth_required, TRUE) ? ACCORD_AUTH_PASSWORD : ACCORD_AUTH_NONE;
  candidate->source_detail = g_strdup (source_detail);
  _add_candidate (candidates, candidate);
}

static void
_read_protocol (const xmlNode *protocol_node,
                const char    *source_detail,
                GPtrArray     *candidates)
{
  g_autofree char *type = _child_text (protocol_node, "Type");

  /* Newer servers name the type in an attribute. */
  if (type == NULL)
    type = _accord_xml_dup_prop (protocol_node, "Type");
  if (type == NULL)
    return;

  if (g_ascii_strcasecmp (type, "IMAP") == 0)
    {
      _read_mail_protocol (protocol_node, ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP,
                           source_detail, candidates);
    }
  else if (g_ascii_strcasecmp (type, "POP3") == 0)
    {
      _read_mail_protocol (protocol_node, ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_POP3,
                           source_detail, candidates);
    }
  else if (g_ascii_strcasecmp (type, "SMTP") == 0)
    {
      _read_mail_protocol (protocol_node, ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP,
                           source_detail, candidates);
    }
  else if (g_ascii_strcasecmp (type, "EXCH") == 0 || g_ascii_strcasecmp (type, "EXPR") == 0)
    {
      /* <ASUrl> is the Availability service, another EWS endpoint, not ActiveSync:
       * only a mobilesync answer names the ActiveSync URL. */
      g_autofree char *ews_url = _child_text (protocol_node, "EwsUrl");

      if (ews_url != NULL)
        _add_exchange_candidates (candidates, ACCORD_PROTOCOL_EWS, ews_url, NULL, source_detail);
    }
  else
    {
      /* WEB (Outlook on the web), mapiHttp and the like: nothing Accord syncs with. */
      g_debug ("Autodiscover: ignoring protocol “%s”", type);
    }
}

static gboolean
_set_redirect_address (AccordAutodiscoverResponse  *self,
                       char                        *address,
                       GError                     **error)
{
  const char *at = address ? strrchr (address, '@') : NULL;

  if (at == NULL || at == address || at[1] == '\0' || strpbrk (address, " \t\r\n<>") != NULL)
    {
      g_set_error_literal (error, ACCORD_AUTODISCOVER_ERROR,
                           ACCORD_AUTODISCOVER_ERROR_WRONG_DOCUMENT,
                           _("The Exchange server redirected to another address, but did "
                             "not say a valid one"));
      g_free (address);
      return FALSE;
    }

  self->kind = ACCORD_AUTODISCOVER_REDIRECT_ADDRESS;
  self->redirect = address;
  return TRUE;
}

static void
_read_error (AccordAutodiscoverResponse *self,
             const xmlNode              *error_node)
{
  self->kind = ACCORD_AUTODISCOVER_ERROR_RESPONSE;
  self->error_code = _child_text (error_node, "ErrorCode");
  if (self->error_code == NULL)
    self->error_code = _child_text (error_node, "Status");
  self->error_message = _child_text (error_node, "Message");
}

static gboolean
_read_outlook_account (AccordAutodiscoverResponse  *self,
                       const xmlNode               *account,
                       const char                  *source_detail,
                       GError                     **error)
{
  g_autofree char *action = _child_text (account, "Action");
  xmlNode *error_node = _first_child (account, "Error");

  if (error_node != NULL)
    {
      _read_error (self, error_node);
      return TRUE;
    }

  if (action != NULL && g_ascii_strcasecmp (action, "redirectAddr") == 0)
    return _set_redirect_address (self, _child_text (account, "RedirectAddr"), error);

  if (action != NULL && g_ascii_strcasecmp (action, "redirectUrl") == 0)
    {
      g_autofree char *url = _child_text (account, "RedirectUrl");

      if (!_accord_is_web_url (url, NULL))
        {
          g_set_error_literal (error, ACCORD_AUTODISCOVER_ERROR,
                               ACCORD_AUTODISCOVER_ERROR_WRONG_DOCUMENT,
                               _("The Exchange server redirected to another server, but did "
                                 "not say a valid web address for it"));
          return FALSE;
        }

      self->kind = ACCORD_AUTODISCOVER_REDIRECT_URL;
      self->redirect = g_steal_pointer (&url);
      return TRUE;
    }

  if (action != NULL && g_ascii_strcasecmp (action, "settings") != 0)
    {
      g_set_error (error, ACCORD_AUTODISCOVER_ERROR, ACCORD_AUTODISCOVER_ERROR_WRONG_DOCUMENT,
                   _("The Exchange server asked for “%s”, which Accord does not know"),
                   action);
      return FALSE;
    }

  self->kind = ACCORD_AUTODISCOVER_SETTINGS;
  for (xmlNode *child = account->children; child != NULL; child = child->next)
    {
      if (_accord_xml_name_is (child, "Protocol"))
        _read_protocol (child, source_detail, self->candidates);
    }

  return TRUE;
}

static gboolean
_read_mobilesync_action (AccordAutodiscoverResponse  *self,
                         const xmlNode               *action,
                         const char                  *source_detail,
                         GError                     **error)
{
  xmlNode *node;

  if ((node = _first_child (action, "Error")) != NULL)
    {
      _read_error (self, node);
      return TRUE;
    }

  if ((node = _first_child (action, "Redirect")) != NULL)
    return _set_redirect_address (self, _accord_xml_dup_text (node), error);

  self->kind = ACCORD_AUTODISCOVER_SETTINGS;
  node = _first_child (action, "Settings");
  if (node == NULL)
    return TRUE;

  for (xmlNode *server = node->children; server != NULL; server = server->next)
    {
      g_autofree char *type = NULL;
      g_autofree char *url = NULL;

      if (!_accord_xml_name_is (server, "Server"))
        continue;

      type = _child_text (server, "Type");
      url = _child_text (server, "Url");
      if (type != NULL && url != NULL && g_ascii_strcasecmp (type, "MobileSync") == 0)
        _add_exchange_candidates (self->candidates, ACCORD_PROTOCOL_EAS, url, NULL, source_detail);
    }

  return TRUE;
}

/**
 * accord_autodiscover_xml_parse:
 * @data: the response body, as it was received
 * @length: the length of @data in bytes
 * @source_detail: (nullable): the URL it was read from, recorded in every candidate
 * @error: return location for an #ACCORD_AUTODISCOVER_ERROR
 *
 * Reads a POX Autodiscover response, in the Outlook (2006a) or the mobilesync schema.
 * An `<Error>` the server sent is a response of kind
 * %ACCORD_AUTODISCOVER_ERROR_RESPONSE, not a #GError. Redirects are only reported:
 * whether to follow them (HTTPS, hop limit, another domain) is the caller's decision.
 * The body is treated as hostile, as in accord_autoconfig_parse().
 *
 * Returns: (transfer full): the response, or %NULL if it could not be read or offers
 *   settings but none Accord can use
 */
AccordAutodiscoverResponse *
accord_autodiscover_xml_parse (const char  *data,
                               gsize        length,
                               const char  *source_detail,
                               GError     **error)
{
  const AccordXmlErrorCodes codes = {
    ACCORD_AUTODISCOVER_ERROR,
    ACCORD_AUTODISCOVER_ERROR_TOO_LARGE,
    ACCORD_AUTODISCOVER_ERROR_MALFORMED,
    ACCORD_AUTODISCOVER_ERROR_UNSAFE,
  };
  g_autoptr(AccordAutodiscoverResponse) self = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  xmlNode *root;
  xmlNode *response;
  xmlNode *node;
  gboolean ok;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  doc = _accord_xml_read_untrusted (data, length, ACCORD_AUTODISCOVER_MAX_SIZE, &codes, error);
  if (doc == NULL)
    return NULL;

  root = xmlDocGetRootElement (doc);
  if (!_accord_xml_name_is (root, "Autodiscover") ||
      (root->ns != NULL && xmlStrcmp (root->ns->href, (const xmlChar *) NS_RESPONSE) != 0))
    {
      g_set_error (error, ACCORD_AUTODISCOVER_ERROR, ACCORD_AUTODISCOVER_ERROR_WRONG_DOCUMENT,
                   _("The server’s answer is not an Exchange Autodiscover response: it "
                     "starts with “%s”"),
                   (const char *) root->name);
      return NULL;
    }

  response = _first_child (root, "Response");
  if (response == NULL)
    {
      g_set_error_literal (error, ACCORD_AUTODISCOVER_ERROR,
                           ACCORD_AUTODISCOVER_ERROR_WRONG_DOCUMENT,
                           _("The Exchange Autodiscover answer is empty"));
      return NULL;
    }

  self = _response_new (ACCORD_AUTODISCOVER_SETTINGS);
  self->display_name = _child_text (_first_child (response, "User"), "DisplayName");

  if ((node = _first_child (response, "Error")) != NULL)
    {
      _read_error (self, node);
      ok = TRUE;
    }
  else if ((node = _first_child (response, "Account")) != NULL)
    {
      ok = _read_outlook_account (self, node, source_detail, error);
    }
  else if ((node = _first_child (response, "Action")) != NULL)
    {
      ok = _read_mobilesync_action (self, node, source_detail, error);
    }
  else
    {
      g_set_error_literal (error, ACCORD_AUTODISCOVER_ERROR,
                           ACCORD_AUTODISCOVER_ERROR_WRONG_DOCUMENT,
                           _("The Exchange Autodiscover answer has neither settings, a "
                             "redirect nor an error"));
      ok = FALSE;
    }

  if (!ok)
    return NULL;

  if (self->kind == ACCORD_AUTODISCOVER_SETTINGS && self->candidates->len == 0)
    {
      g_set_error_literal (error, ACCORD_AUTODISCOVER_ERROR,
                           ACCORD_AUTODISCOVER_ERROR_NO_SERVERS,
                           _("The Exchange server offers no way to connect that Accord "
                             "supports (IMAP, POP3, SMTP, Exchange Web Services or "
                             "ActiveSync)"));
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * accord_autodiscover_build_request:
 * @address: the email address to ask about
 * @mobilesync: %TRUE for the ActiveSync (mobilesync) schema, %FALSE for Outlook's
 *
 * Builds the body of a POX Autodiscover request, to be POSTed as `text/xml`.
 *
 * Returns: (transfer full): the request body
 */
char *
accord_autodiscover_build_request (const char *address,
                                   gboolean    mobilesync)
{
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (g_utf8_validate (address, -1, NULL), NULL);

  escaped = g_markup_escape_text (address, -1);

  return g_strdup_printf ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                          "<Autodiscover xmlns=\"%s\">\n"
                          "  <Request>\n"
                          "    <EMailAddress>%s</EMailAddress>\n"
                          "    <AcceptableResponseSchema>%s</AcceptableResponseSchema>\n"
                          "  </Request>\n"
                          "</Autodiscover>\n",
                          mobilesync ? NS_MOBILESYNC_REQUEST : NS_OUTLOOK_REQUEST,
                          escaped,
                          mobilesync ? NS_MOBILESYNC_RESPONSE : NS_OUTLOOK_RESPONSE);
}

static const char *
_json_string_member (JsonObject *object,
                     const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/**
 * accord_autodiscover_parse_v2_json:
 * @data: the response body of a v2 request
 *   (`/autodiscover/autodiscover.json/v1.0/ADDRESS?Protocol=…`)
 * @length: the length of @data in bytes
 * @protocol: the protocol that was asked for: %ACCORD_PROTOCOL_EAS or %ACCORD_PROTOCOL_EWS
 * @error: return location for an #ACCORD_AUTODISCOVER_ERROR
 *
 * Reads the JSON answer of Autodiscover v2, such as Microsoft 365's
 * `{"Protocol":"ActiveSync","Url":"https://…/Microsoft-Server-ActiveSync"}`.
 * Only HTTPS endpoints are accepted.
 *
 * Returns: (transfer full): a mail-in candidate with the endpoint URL; its
 *   source_detail is left for the caller to fill in
 */
AccordCandidate *
accord_autodiscover_parse_v2_json (const char      *data,
                                   gsize            length,
                                   AccordProtocol   protocol,
                                   GError         **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) json_error = NULL;
  g_autofree char *size_text = NULL;
  AccordCandidate *candidate;
  JsonNode *root;
  JsonObject *object;
  const char *answered;
  const char *expected;
  const char *url;
  gboolean https = FALSE;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (protocol == ACCORD_PROTOCOL_EAS || protocol == ACCORD_PROTOCOL_EWS, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length > ACCORD_AUTODISCOVER_MAX_SIZE)
    {
      size_text = g_format_size_full (ACCORD_AUTODISCOVER_MAX_SIZE, G_FORMAT_SIZE_IEC_UNITS);
      g_set_error (error, ACCORD_AUTODISCOVER_ERROR, ACCORD_AUTODISCOVER_ERROR_TOO_LARGE,
                   _("The Autodiscover answer is larger than %s, so it was not read"),
                   size_text);
      return NULL;
    }

  if (length == 0 || !accord_json_nesting_within (data, length, V2_JSON_MAX_DEPTH))
    {
      g_set_error_literal (error, ACCORD_AUTODISCOVER_ERROR, ACCORD_AUTODISCOVER_ERROR_MALFORMED,
                           _("The Autodiscover answer is not a valid JSON object"));
      return NULL;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &json_error))
    {
      g_set_error (error, ACCORD_AUTODISCOVER_ERROR, ACCORD_AUTODISCOVER_ERROR_MALFORMED,
                   _("The Autodiscover answer is not valid JSON: %s"), json_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, ACCORD_AUTODISCOVER_ERROR, ACCORD_AUTODISCOVER_ERROR_MALFORMED,
                           _("The Autodiscover answer is not a valid JSON object"));
      return NULL;
    }
  object = json_node_get_object (root);

  if (json_object_has_member (object, "ErrorCode"))
    {
      const char *code = _json_string_member (object, "ErrorCode");
      const char *message = _json_string_member (object, "ErrorMessage");

      g_set_error (error, ACCORD_AUTODISCOVER_ERROR, ACCORD_AUTODISCOVER_ERROR_SERVER,
                   _("The Autodiscover service answered with an error: %s"),
                   message ? message : code ? code : _("no reason given"));
      return NULL;
    }

  expected = protocol == ACCORD_PROTOCOL_EAS ? "ActiveSync" : "Ews";
  answered = _json_string_member (object, "Protocol");
  if (answered != NULL && g_ascii_strcasecmp (answered, expected) != 0)
    {
      g_set_error (error, ACCORD_AUTODISCOVER_ERROR, ACCORD_AUTODISCOVER_ERROR_WRONG_DOCUMENT,
                   _("The Autodiscover service answered for “%s”, but Accord asked for "
                     "“%s”"),
                   answered, expected);
      return NULL;
    }

  url = _json_string_member (object, "Url");
  if (!_accord_is_web_url (url, &https) || !https)
    {
      g_set_error (error, ACCORD_AUTODISCOVER_ERROR, ACCORD_AUTODISCOVER_ERROR_WRONG_DOCUMENT,
                   _("The Autodiscover answer has no secure (https) address for %s"),
                   accord_protocol_get_label (protocol));
      return NULL;
    }

  candidate = accord_candidate_new (ACCORD_SERVICE_MAIL_IN, protocol, ACCORD_SOURCE_AUTODISCOVER);
  candidate->url = g_strdup (url);
  candidate->security = ACCORD_SECURITY_TLS;

  return candidate;
}

AccordAutodiscoverResponse *
accord_autodiscover_response_ref (AccordAutodiscoverResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
accord_autodiscover_response_unref (AccordAutodiscoverResponse *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->redirect);
  g_free (self->error_code);
  g_free (self->error_message);
  g_free (self->display_name);
  g_clear_pointer (&self->candidates, g_ptr_array_unref);
  g_free (self);
}

AccordAutodiscoverKind
accord_autodiscover_response_get_kind (AccordAutodiscoverResponse *self)
{
  g_return_val_if_fail (self != NULL, ACCORD_AUTODISCOVER_ERROR_RESPONSE);

  return self->kind;
}

/**
 * accord_autodiscover_response_get_redirect:
 *
 * Returns: (nullable): the address to ask about next, for
 *   %ACCORD_AUTODISCOVER_REDIRECT_ADDRESS, or the URL to ask next, for
 *   %ACCORD_AUTODISCOVER_REDIRECT_URL
 */
const char *
accord_autodiscover_response_get_redirect (AccordAutodiscoverResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->redirect;
}

/**
 * accord_autodiscover_response_get_error_code:
 *
 * Returns: (nullable): the server's error code (such as "500" or "600"), for
 *   %ACCORD_AUTODISCOVER_ERROR_RESPONSE
 */
const char *
accord_autodiscover_response_get_error_code (AccordAutodiscoverResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->error_code;
}

/**
 * accord_autodiscover_response_get_error_message:
 *
 * Returns: (nullable): the server's own words about the error; untranslated
 */
const char *
accord_autodiscover_response_get_error_message (AccordAutodiscoverResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->error_message;
}

/**
 * accord_autodiscover_response_get_display_name:
 *
 * Returns: (nullable): the person's name as the server knows it
 */
const char *
accord_autodiscover_response_get_display_name (AccordAutodiscoverResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->display_name;
}

/**
 * accord_autodiscover_response_get_candidates:
 *
 * Returns: (transfer none) (element-type AccordCandidate): the servers, in the
 *   response's order; empty unless the kind is %ACCORD_AUTODISCOVER_SETTINGS
 */
GPtrArray *
accord_autodiscover_response_get_candidates (AccordAutodiscoverResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->candidates;
}
