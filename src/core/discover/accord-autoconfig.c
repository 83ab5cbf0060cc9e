/* accord-autoconfig.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libxml/parser.h>

#include "accord-autoconfig.h"
#include "accord-xml-private.h"

G_DEFINE_QUARK (accord-autoconfig-error-quark, accord_autoconfig_error)

struct _AccordAutoconfig
{
  gatomicrefcount  ref_count;

  char            *provider_id;
  char            *display_name;
  char            *short_name;
  GStrv            domains;
  GPtrArray       *candidates;    /* AccordCandidate */
  GPtrArray       *documentation; /* AccordAutoconfigLink */
  GPtrArray       *enable_steps;  /* AccordAutoconfigLink */
};

G_DEFINE_BOXED_TYPE (AccordAutoconfig, accord_autoconfig,
                     accord_autoconfig_ref, accord_autoconfig_unref)

/* What one parse needs to turn the file's templates into one person's settings. */
typedef struct
{
  const char       *address;
  char             *local_part;
  char             *domain;
  AccordSourceKind  source;
  const char       *source_detail;
} ParseContext;

static void
_parse_context_clear (ParseContext *ctx)
{
  g_clear_pointer (&ctx->local_part, g_free);
  g_clear_pointer (&ctx->domain, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ParseContext, _parse_context_clear)

/* Reading the clientConfig document. */

void
accord_autoconfig_link_free (AccordAutoconfigLink *link)
{
  if (link == NULL)
    return;

  g_free (link->url);
  g_free (link->text);
  g_free (link);
}

static xmlNode *
_first_child (const xmlNode *parent,
              const char    *name)
{
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

/* Replaces the address placeholders. In URLs the values are escaped for a path. */
static char *
_substitute (const ParseContext *ctx,
             const char         *template,
             gboolean            for_url)
{
  static const char * const placeholders[] = {
    "%EMAILADDRESS%", "%EMAILLOCALPART%", "%EMAILDOMAIN%",
  };
  const char *values[] = { ctx->address, ctx->local_part, ctx->domain };
  GString *out;
  const char *p;

  if (template == NULL)
    return NULL;

  out = g_string_sized_new (strlen (template) + 32);

  for (p = template; *p != '\0';)
    {
      const char *value = NULL;
      gsize skip = 0;

      if (*p == '%')
        {
          for (guint i = 0; i < G_N_ELEMENTS (placeholders); i++)
            {
              if (g_str_has_prefix (p, placeholders[i]))
                {
                  value = values[i];
                  skip = strlen (placeholders[i]);
                  break;
                }
            }

          /* Some published files end a username with an unclosed "%EMAILADDRESS". */
          if (value == NULL && strcmp (p, "%EMAILADDRESS") == 0)
            {
              value = ctx->address;
              skip = strlen (p);
            }
        }

      if (value != NULL)
        {
          if (for_url)
            {
              g_autofree char *escaped =
                g_uri_escape_string (value, G_URI_RESERVED_CHARS_ALLOWED_IN_PATH_ELEMENT, FALSE);
              g_string_append (out, escaped);
            }
          else
            {
              g_string_append (out, value);
            }
          p += skip;
        }
      else
        {
          g_string_append_c (out, *p);
          p++;
        }
    }

  return g_string_free (out, FALSE);
}

static gboolean
_parse_socket_type (const char     *text,
                    AccordSecurity *security)
{
  if (g_ascii_strcasecmp (text, "SSL") == 0 || g_ascii_strcasecmp (text, "TLS") == 0)
    *security = ACCORD_SECURITY_TLS;
  else if (g_ascii_strcasecmp (text, "STARTTLS") == 0)
    *security = ACCORD_SECURITY_STARTTLS;
  else if (g_ascii_strcasecmp (text, "plain") == 0)
    *security = ACCORD_SECURITY_NONE;
  else
    return FALSE;

  return TRUE;
}

/* The first <authentication> Accord supports; a server may list several, best first. */
static gboolean
_parse_authentication (const xmlNode    *server,
                       AccordAuthMethod *auth)
{
  static const struct {
    const char       *name;
    AccordAuthMethod  method;
  } methods[] = {
    { "password-cleartext", ACCORD_AUTH_PASSWORD },
    { "password-encrypted", ACCORD_AUTH_PASSWORD },
    { "plain", ACCORD_AUTH_PASSWORD },
    { "secure", ACCORD_AUTH_PASSWORD },
    { "http-basic", ACCORD_AUTH_PASSWORD },
    { "basic", ACCORD_AUTH_PASSWORD },
    { "http-digest", ACCORD_AUTH_PASSWORD },
    { "NTLM", ACCORD_AUTH_PASSWORD },
    { "OAuth2", ACCORD_AUTH_OAUTH2 },
    { "none", ACCORD_AUTH_NONE },
    { "client-IP-address", ACCORD_AUTH_NONE },
    { "smtp-after-pop", ACCORD_AUTH_NONE },
  };
  gboolean listed = FALSE;

  for (xmlNode *child = server->children; child != NULL; child = child->next)
    {
      g_autofree char *text = NULL;

      if (!_accord_xml_name_is (child, "authentication"))
        continue;

      listed = TRUE;
      text = _accord_xml_dup_text (child);
      if (text == NULL)
        continue;

      for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
        {
          if (g_ascii_strcasecmp (text, methods[i].name) == 0)
            {
              *auth = methods[i].method;
              return TRUE;
            }
        }
    }

  if (!listed)
    {
      *auth = ACCORD_AUTH_PASSWORD;
      return TRUE;
    }

  return FALSE;
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

static AccordCandidate *
_new_candidate (const ParseContext *ctx,
                AccordServiceKind   service,
                AccordProtocol      protocol)
{
  AccordCandidate *candidate = accord_candidate_new (service, protocol, ctx->source);

  candidate->source_detail = g_strdup (ctx->source_detail);
  return candidate;
}

static void
_read_host_server (const ParseContext *ctx,
                   const xmlNode      *server,
                   AccordServiceKind   service,
                   AccordProtocol      protocol,
                   GPtrArray          *candidates)
{
  g_autofree char *hostname_template = _child_text (server, "hostname");
  g_autofree char *hostname = NULL;
  g_autofree char *host = NULL;
  g_autofree char *port_text = _child_text (server, "port");
  g_autofree char *socket_type = _child_text (server, "socketType");
  g_autofree char *username = _child_text (server, "username");
  AccordSecurity security = ACCORD_SECURITY_STARTTLS;
  AccordAuthMethod auth;
  guint64 port = 0;
  AccordCandidate *candidate;

  hostname = _substitute (ctx, hostname_template, FALSE);
  host = _accord_normalize_hostname (hostname);
  if (host == NULL)
    {
      g_debug ("Autoconfig: skipping a %s server with host name “%s”",
               accord_protocol_to_string (protocol), hostname ? hostname : "");
      return;
    }

  if (port_text != NULL &&
      !g_ascii_string_to_unsigned (port_text, 10, 1, G_MAXUINT16, &port, NULL))
    {
      g_debug ("Autoconfig: skipping %s with port “%s”", host, port_text);
      return;
    }

  if (socket_type != NULL)
    {
      if (!_parse_socket_type (socket_type, &security))
        {
          g_debug ("Autoconfig: skipping %s with socket type “%s”", host, socket_type);
          return;
        }
    }
  else if (port != 0 && port == accord_protocol_get_default_port (protocol, ACCORD_SECURITY_TLS))
    {
      security = ACCORD_SECURITY_TLS;
    }

  if (!_parse_authentication (server, &auth))
    {
      g_debug ("Autoconfig: skipping %s, which offers no authentication Accord supports", host);
      return;
    }

  if (port == 0)
    port = accord_protocol_get_default_port (protocol, security);

  candidate = _new_candidate (ctx, service, protocol);
  candidate->host = g_steal_pointer (&host);
  candidate->port = (guint16) port;
  candidate->security = security;
  candidate->username = _substitute (ctx, username, FALSE);
  candidate->auth = auth;
  _add_candidate (candidates, candidate);
}

/* Exchange endpoints also serve contacts and calendars. */
static const AccordServiceKind exchange_services[] = {
  ACCORD_SERVICE_MAIL_IN, ACCORD_SERVICE_CONTACTS, ACCORD_SERVICE_CALENDAR,
};

static void
_add_url_candidates (const ParseContext *ctx,
                     const xmlNode      *server,
                     const char         *url_template,
                     AccordProtocol      protocol,
                     AccordServiceKind   service,
                     GPtrArray          *candidates)
{
  g_autofree char *url = _substitute (ctx, url_template, TRUE);
  g_autofree char *username_template = _child_text (server, "username");
  g_autofree char *username = NULL;
  AccordAuthMethod auth;
  gboolean https = FALSE;
  gboolean exchange = protocol == ACCORD_PROTOCOL_EWS || protocol == ACCORD_PROTOCOL_EAS;

  if (!_accord_is_web_url (url, &https))
    {
      g_debug ("Autoconfig: skipping a %s server with URL “%s”",
               accord_protocol_to_string (protocol), url ? url : "");
      return;
    }

  if (!_parse_authentication (server, &auth))
    return;

  username = _substitute (ctx, username_template, FALSE);

  for (guint i = 0; i < (exchange ? G_N_ELEMENTS (exchange_services) : 1); i++)
    {
      AccordCandidate *candidate;

      candidate = _new_candidate (ctx, exchange ? exchange_services[i] : service, protocol);
      candidate->url = g_strdup (url);
      candidate->security = https ? ACCORD_SECURITY_TLS : ACCORD_SECURITY_NONE;
      candidate->username = g_strdup (username);
      candidate->auth = auth;
      _add_candidate (candidates, candidate);
    }
}

static void
_read_incoming_server (const ParseContext *ctx,
                       const xmlNode      *server,
                       GPtrArray          *candidates)
{
  g_autofree char *type = _accord_xml_dup_prop (server, "type");

  if (type == NULL)
    return;

  if (g_ascii_strcasecmp (type, "imap") == 0)
    {
      _read_host_server (ctx, server, ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP, candidates);
    }
  else if (g_ascii_strcasecmp (type, "pop3") == 0)
    {
      _read_host_server (ctx, server, ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_POP3, candidates);
    }
  else if (g_ascii_strcasecmp (type, "ews") == 0)
    {
      g_autofree char *url = _child_text (server, "url");

      if (url != NULL)
        _add_url_candidates (ctx, server, url, ACCORD_PROTOCOL_EWS,
                             ACCORD_SERVICE_MAIL_IN, candidates);
    }
  else if (g_ascii_strcasecmp (type, "exchange") == 0)
    {
      g_autofree char *ews_url = _child_text (server, "ewsURL");
      g_autofree char *eas_url = _child_text (server, "easURL");

      if (ews_url != NULL)
        _add_url_candidates (ctx, server, ews_url, ACCORD_PROTOCOL_EWS,
                             ACCORD_SERVICE_MAIL_IN, candidates);
      if (eas_url != NULL)
        _add_url_candidates (ctx, server, eas_url, ACCORD_PROTOCOL_EAS,
                             ACCORD_SERVICE_MAIL_IN, candidates);
    }
  else
    {
      /* owa, graph and the like: nothing Accord can sync with. */
      g_debug ("Autoconfig: ignoring an incoming server of type “%s”", type);
    }
}

static void
_read_outgoing_server (const ParseContext *ctx,
                       const xmlNode      *server,
                       GPtrArray          *candidates)
{
  g_autofree char *type = _accord_xml_dup_prop (server, "type");

  if (type != NULL && g_ascii_strcasecmp (type, "smtp") == 0)
    _read_host_server (ctx, server, ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP, candidates);
  else
    g_debug ("Autoconfig: ignoring an outgoing server of type “%s”", type ? type : "");
}

static void
_read_dav_server (const ParseContext *ctx,
                  const xmlNode      *server,
                  const char         *expected_type,
                  AccordServiceKind   service,
                  AccordProtocol      protocol,
                  GPtrArray          *candidates)
{
  g_autofree char *type = _accord_xml_dup_prop (server, "type");
  g_autofree char *url = NULL;

  if (type == NULL || g_ascii_strcasecmp (type, expected_type) != 0)
    return;

  url = _child_text (server, "serverURL");
  if (url == NULL)
    url = _child_text (server, "url");
  if (url == NULL)
    return;

  _add_url_candidates (ctx, server, url, protocol, service, candidates);
}

/* Files wrap long descriptions over several indented lines. */
static char *
_collapse_whitespace (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));
  gboolean space = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        {
          space = TRUE;
          continue;
        }
      if (space && out->len > 0)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

/* The text in the provider's default language: untagged or English, else the first. */
static char *
_default_language_text (const xmlNode *parent,
                        const char    *name)
{
  const xmlNode *chosen = NULL;
  g_autofree char *text = NULL;

  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    {
      g_autofree char *lang = NULL;

      if (!_accord_xml_name_is (child, name))
        continue;

      lang = _accord_xml_dup_prop (child, "lang");
      if (lang == NULL || g_ascii_strncasecmp (lang, "en", 2) == 0)
        {
          chosen = child;
          break;
        }
      if (chosen == NULL)
        chosen = child;
    }

  text = _accord_xml_dup_text (chosen);
  if (text == NULL)
    return NULL;

  return _collapse_whitespace (text);
}

static void
_read_link (const xmlNode *node,
            const char    *url_attribute,
            const char    *text_element,
            GPtrArray     *links)
{
  g_autofree char *url = _accord_xml_dup_prop (node, url_attribute);
  AccordAutoconfigLink *link;

  if (!_accord_is_web_url (url, NULL))
    return;

  link = g_new0 (AccordAutoconfigLink, 1);
  link->url = g_steal_pointer (&url);
  link->text = _default_language_text (node, text_element);
  g_ptr_array_add (links, link);
}

static void
_read_children (AccordAutoconfig   *self,
                const ParseContext *ctx,
                const xmlNode      *parent)
{
  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    {
      if (_accord_xml_name_is (child, "incomingServer"))
        _read_incoming_server (ctx, child, self->candidates);
      else if (_accord_xml_name_is (child, "outgoingServer"))
        _read_outgoing_server (ctx, child, self->candidates);
      else if (_accord_xml_name_is (child, "addressBook"))
        _read_dav_server (ctx, child, "carddav", ACCORD_SERVICE_CONTACTS,
                          ACCORD_PROTOCOL_CARDDAV, self->candidates);
      else if (_accord_xml_name_is (child, "calendar"))
        _read_dav_server (ctx, child, "caldav", ACCORD_SERVICE_CALENDAR,
                          ACCORD_PROTOCOL_CALDAV, self->candidates);
      else if (_accord_xml_name_is (child, "documentation"))
        _read_link (child, "url", "descr", self->documentation);
      else if (_accord_xml_name_is (child, "enable"))
        _read_link (child, "visiturl", "instruction", self->enable_steps);
    }
}

static void
_read_provider (AccordAutoconfig *self,
                const xmlNode    *provider)
{
  g_autoptr(GStrvBuilder) domains = g_strv_builder_new ();

  for (xmlNode *child = provider->children; child != NULL; child = child->next)
    {
      g_autofree char *domain = NULL;
      g_autofree char *lower = NULL;

      if (!_accord_xml_name_is (child, "domain"))
        continue;

      domain = _accord_xml_dup_text (child);
      if (domain == NULL)
        continue;

      lower = g_ascii_strdown (domain, -1);
      g_strv_builder_add (domains, lower);
    }
  self->domains = g_strv_builder_end (domains);

  self->provider_id = _accord_xml_dup_prop (provider, "id");
  if (self->provider_id == NULL && self->domains[0] != NULL)
    self->provider_id = g_strdup (self->domains[0]);

  self->display_name = _child_text (provider, "displayName");
  self->short_name = _child_text (provider, "displayShortName");
  /* A misspelling found in published files. */
  if (self->short_name == NULL)
    self->short_name = _child_text (provider, "displayNameShort");

  if (self->display_name == NULL)
    self->display_name = g_strdup (self->short_name ? self->short_name : self->provider_id);
  if (self->short_name == NULL)
    self->short_name = g_strdup (self->display_name);
}

static gboolean
_split_address (ParseContext  *ctx,
                const char    *address,
                GError       **error)
{
  const char *at = strrchr (address, '@');

  if (at == NULL || at == address || at[1] == '\0' ||
      strpbrk (address, " \t\r\n<>\"/\\") != NULL || !g_utf8_validate (address, -1, NULL))
    {
      g_set_error (error, ACCORD_AUTOCONFIG_ERROR, ACCORD_AUTOCONFIG_ERROR_INVALID_ADDRESS,
                   _("“%s” is not an email address: it needs a name, an @ and a domain, "
                     "like alice@example.com"),
                   address);
      return FALSE;
    }

  ctx->address = address;
  ctx->local_part = g_strndup (address, at - address);
  ctx->domain = g_ascii_strdown (at + 1, -1);
  return TRUE;
}

static gboolean
_has_incoming_mail (GPtrArray *candidates)
{
  for (guint i = 0; i < candidates->len; i++)
    {
      const AccordCandidate *candidate = g_ptr_array_index (candidates, i);

      if (candidate->service == ACCORD_SERVICE_MAIL_IN)
        return TRUE;
    }

  return FALSE;
}

/**
 * accord_autoconfig_parse:
 * @data: the document, as it was received
 * @length: the length of @data in bytes
 * @address: the email address being set up; fills the file's placeholders
 * @source: where the document came from, recorded in every candidate
 * @source_detail: (nullable): the URL or path it was read from
 * @error: return location for an #ACCORD_AUTOCONFIG_ERROR
 *
 * Reads a Thunderbird autoconfig document (`<clientConfig>`). The document is treated
 * as hostile: it is refused unread above %ACCORD_AUTOCONFIG_MAX_SIZE, and refused if it
 * declares or uses XML entities.
 *
 * Returns: (transfer full): the provider's settings, or %NULL when the document is not
 *   a usable configuration (at least one incoming mail server is needed)
 */
AccordAutoconfig *
accord_autoconfig_parse (const char        *data,
                         gsize              length,
                         const char        *address,
                         AccordSourceKind   source,
                         const char        *source_detail,
                         GError           **error)
{
  g_autoptr(AccordAutoconfig) self = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  g_auto(ParseContext) ctx = { NULL };
  const AccordXmlErrorCodes codes = {
    ACCORD_AUTOCONFIG_ERROR,
    ACCORD_AUTOCONFIG_ERROR_TOO_LARGE,
    ACCORD_AUTOCONFIG_ERROR_MALFORMED,
    ACCORD_AUTOCONFIG_ERROR_UNSAFE,
  };
  xmlNode *root;
  xmlNode *provider;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_split_address (&ctx, address, error))
    return NULL;
  ctx.source = source;
  ctx.source_detail = source_detail;

  doc = _accord_xml_read_untrusted (data, length, ACCORD_AUTOCONFIG_MAX_SIZE, &codes, error);
  if (doc == NULL)
    return NULL;

  root = xmlDocGetRootElement (doc);
  if (!_accord_xml_name_is (root, "clientConfig") || root->ns != NULL)
    {
      g_set_error (error, ACCORD_AUTOCONFIG_ERROR, ACCORD_AUTOCONFIG_ERROR_WRONG_DOCUMENT,
                   _("The document is not a mail client configuration: it starts with "
                     "“%s”, not “clientConfig”"),
                   (const char *) root->name);
      return NULL;
    }

  provider = _first_child (root, "emailProvider");
  if (provider == NULL)
    {
      g_set_error_literal (error, ACCORD_AUTOCONFIG_ERROR,
                           ACCORD_AUTOCONFIG_ERROR_WRONG_DOCUMENT,
                           _("The mail client configuration names no email provider"));
      return NULL;
    }

  self = g_new0 (AccordAutoconfig, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_candidate_unref);
  self->documentation =
    g_ptr_array_new_with_free_func ((GDestroyNotify) accord_autoconfig_link_free);
  self->enable_steps =
    g_ptr_array_new_with_free_func ((GDestroyNotify) accord_autoconfig_link_free);

  _read_provider (self, provider);
  _read_children (self, &ctx, provider);
  /* Newer files put address books, calendars and help next to the provider. */
  _read_children (self, &ctx, root);

  if (!_has_incoming_mail (self->candidates))
    {
      g_set_error (error, ACCORD_AUTOCONFIG_ERROR, ACCORD_AUTOCONFIG_ERROR_NO_SERVERS,
                   _("The configuration of %s names no incoming mail server that Accord "
                     "can use"),
                   self->display_name ? self->display_name : ctx.domain);
      return NULL;
    }

  return g_steal_pointer (&self);
}

AccordAutoconfig *
accord_autoconfig_ref (AccordAutoconfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
accord_autoconfig_unref (AccordAutoconfig *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->provider_id);
  g_free (self->display_name);
  g_free (self->short_name);
  g_strfreev (self->domains);
  g_clear_pointer (&self->candidates, g_ptr_array_unref);
  g_clear_pointer (&self->documentation, g_ptr_array_unref);
  g_clear_pointer (&self->enable_steps, g_ptr_array_unref);
  g_free (self);
}

/**
 * accord_autoconfig_get_provider_id:
 *
 * Returns: (nullable): the provider's id, usually its main domain
 */
const char *
accord_autoconfig_get_provider_id (AccordAutoconfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->provider_id;
}

/**
 * accord_autoconfig_get_display_name:
 *
 * Returns: (nullable): the provider's name, as people know it
 */
const char *
accord_autoconfig_get_display_name (AccordAutoconfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->display_name;
}

/**
 * accord_autoconfig_get_short_name:
 *
 * Returns: (nullable): a shorter name for tight places; the display name if the file
 *   gives none
 */
const char *
accord_autoconfig_get_short_name (AccordAutoconfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->short_name;
}

/**
 * accord_autoconfig_get_domains:
 *
 * Returns: (transfer none): the mail domains the file covers, in lower case
 */
const char * const *
accord_autoconfig_get_domains (AccordAutoconfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->domains;
}

/**
 * accord_autoconfig_get_candidates:
 *
 * Returns: (transfer none) (element-type AccordCandidate): the servers, most
 *   preferred first
 */
GPtrArray *
accord_autoconfig_get_candidates (AccordAutoconfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->candidates;
}

/**
 * accord_autoconfig_get_documentation:
 *
 * Returns: (transfer none) (element-type AccordAutoconfigLink): the provider's help pages
 */
GPtrArray *
accord_autoconfig_get_documentation (AccordAutoconfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->documentation;
}

/**
 * accord_autoconfig_get_enable_steps:
 *
 * Returns: (transfer none) (element-type AccordAutoconfigLink): what the person must
 *   switch on at the provider before a mail client may connect, such as IMAP access
 */
GPtrArray *
accord_autoconfig_get_enable_steps (AccordAutoconfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->enable_steps;
}
