/* accord-lookup-dav.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-dav-xml.h"
#include "accord-domain.h"
#include "accord-http.h"
#include "accord-lookup-dav.h"
#include "accord-xml-private.h"

#define MAX_REDIRECTS 5

/**
 * AccordLookupDav:
 *
 * Finds a CalDAV or CardDAV server as RFC 6764 §6 describes: the `_caldavs._tcp`
 * or `_carddavs._tcp` SRV record of the domain and the `path=` of its TXT record,
 * else `/.well-known/caldav` or `/.well-known/carddav` on the SRV target or on the
 * domain itself. A PROPFIND without credentials, following redirects by hand,
 * finds the context URL; a 207 or a 401 there proves a DAV server.
 *
 * With a password, and only where accord_domain_may_receive_credentials() allows,
 * it then signs in with Basic authentication and asks for the current user's
 * principal (RFC 5397), its calendar or address book home (RFC 4791 §6.2.1,
 * RFC 6352 §7.1.1) and the collections in it. A server on another registrable
 * domain is reported with a confirmation instead of being sent the password.
 *
 * Only HTTPS is used: the plain `_caldav._tcp` and `_carddav._tcp` records are not
 * asked for, since a password never travels over plain HTTP and a server found
 * that way could not be used.
 */
struct _AccordLookupDav
{
  AccordLookup       parent_instance;

  AccordServiceKind  service;
  char              *domain;
  char              *address;
  char              *password;
  char             **allowed_domains;
  SoupSession       *session;
  GResolver         *resolver;

  char              *summary;
  int                n_collections;
  gboolean           sign_in_refused;
};

G_DEFINE_FINAL_TYPE (AccordLookupDav, accord_lookup_dav, ACCORD_TYPE_LOOKUP)

typedef enum
{
  STEP_CONTEXT,     /* without credentials: where the server is */
  STEP_PRINCIPAL,   /* signed in, on the context URL: DAV:current-user-principal */
  STEP_HOME_SET,    /* on the principal: the calendar or address book home */
  STEP_COLLECTIONS, /* on the home, Depth 1: the collections in it */
} Step;

typedef struct
{
  guint         dns_pending;
  GList        *targets;        /* GSrvTarget, sorted by the resolver */
  GList        *target;         /* the one being tried */
  char         *txt_path;
  gboolean      from_srv;
  char         *source_detail;

  Step          step;
  char         *url;            /* asked now */
  GHashTable   *visited;        /* the URLs of this step's redirects */
  guint         redirects;
  SoupMessage  *message;
  gboolean      authenticated;

  char         *context_url;
  char         *home_url;
  char         *permission_domain; /* another domain the password would go to */
} Run;

static void
run_free (Run *run)
{
  g_resolver_free_targets (run->targets);
  g_free (run->txt_path);
  g_free (run->source_detail);
  g_free (run->url);
  g_clear_pointer (&run->visited, g_hash_table_unref);
  g_clear_object (&run->message);
  g_free (run->context_url);
  g_free (run->home_url);
  g_free (run->permission_domain);
  g_free (run);
}

static const char *
_service_name (AccordLookupDav *self)
{
  return self->service == ACCORD_SERVICE_CALENDAR ? "caldav" : "carddav";
}

/* Each step below continues the run and takes the caller's reference to its
 * task; the helpers that do not continue it (_ask_permission, _resolve_href)
 * leave the reference alone. */
static void _send (GTask *task);

static void
_return_candidates (GTask     *task,
                    GPtrArray *candidates)
{
  g_task_return_pointer (task, candidates, (GDestroyNotify) g_ptr_array_unref);
}

static void
_return_none (GTask *task)
{
  g_autoptr(GTask) owned_task = task;
  GPtrArray *none = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_candidate_unref);

  _return_candidates (task, none);
}

/* A URL as it is shown and compared: without user information, fragment or the
 * default port, whichever way the server wrote it. */
static char *
_url_from_uri (GUri *uri)
{
  int port = g_uri_get_port (uri);

  if (port == 443 && g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0)
    port = -1;

  return g_uri_join (G_URI_FLAGS_ENCODED, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                     port, g_uri_get_path (uri), g_uri_get_query (uri), NULL);
}

static char *
_host_of (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);

  return uri != NULL ? g_strdup (g_uri_get_host (uri)) : NULL;
}

static void
_set_summary (AccordLookupDav *self,
              Run             *run)
{
  g_free (self->summary);

  if (self->sign_in_refused)
    self->summary = g_strdup (_("The server refused the sign-in: check the address and password"));
  else if (run->permission_domain != NULL)
    self->summary = g_strdup_printf (_("Signing in waits for your permission to send the "
                                       "password to %s"), run->permission_domain);
  else if (self->password == NULL)
    self->summary = g_strdup (_("Found without signing in, since no password was given"));
  else if (self->n_collections >= 0 && self->service == ACCORD_SERVICE_CALENDAR)
    self->summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  "Signed in; %d calendar found",
                                                  "Signed in; %d calendars found",
                                                  self->n_collections),
                                     self->n_collections);
  else if (self->n_collections >= 0)
    self->summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  "Signed in; %d address book found",
                                                  "Signed in; %d address books found",
                                                  self->n_collections),
                                     self->n_collections);
  else if (self->service == ACCORD_SERVICE_CALENDAR)
    self->summary = g_strdup (_("Signed in, but the server did not tell where the calendars are"));
  else
    self->summary = g_strdup (_("Signed in, but the server did not tell where the address "
                                "books are"));

  accord_lookup_set_detail (ACCORD_LOOKUP (self), self->summary);
}

/* The server is known: one candidate, at the home set when it was found. */
static void
_finish_found (GTask *task)
{
  g_autoptr(GTask) owned_task = task;
  AccordLookupDav *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  const char *url = run->home_url != NULL ? run->home_url : run->context_url;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  AccordCandidate *candidate;
  int port;

  g_assert (url != NULL);

  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("“%s” is not a valid address"), url);
      return;
    }
  port = g_uri_get_port (uri);

  candidate = accord_candidate_new (self->service,
                                    self->service == ACCORD_SERVICE_CALENDAR ?
                                      ACCORD_PROTOCOL_CALDAV : ACCORD_PROTOCOL_CARDDAV,
                                    ACCORD_SOURCE_DAV);
  candidate->host = g_ascii_strdown (g_uri_get_host (uri), -1);
  candidate->port = port > 0 ? (guint16) port : 443;
  candidate->security = ACCORD_SECURITY_TLS;
  candidate->url = g_strdup (url);
  candidate->source_detail = g_strdup (run->source_detail);
  if (!accord_domain_same_registrable (self->domain, candidate->host))
    candidate->flags |= ACCORD_CANDIDATE_FLAG_REDIRECTED;

  _set_summary (self, run);

  candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_candidate_unref);
  g_ptr_array_add (candidates, candidate);
  _return_candidates (task, g_steal_pointer (&candidates));
}

/* The password would go to a host the person has not approved: ask, and stop. */
static void
_ask_permission (GTask      *task,
                 const char *host)
{
  AccordLookupDav *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(AccordConfirmation) confirmation = NULL;
  g_autofree char *registrable = accord_domain_get_registrable (host);
  g_autofree char *detail = NULL;

  if (registrable == NULL)
    registrable = g_strdup (host);

  if (self->service == ACCORD_SERVICE_CALENDAR)
    detail = g_strdup_printf (_("The calendar server for %s is %s, which belongs to another "
                                "domain; Accord sends your password there only if you allow it."),
                              self->domain, host);
  else
    detail = g_strdup_printf (_("The address book server for %s is %s, which belongs to another "
                                "domain; Accord sends your password there only if you allow it."),
                              self->domain, host);

  confirmation = accord_confirmation_new (ACCORD_CONFIRMATION_REDIRECT, registrable, detail, NULL);
  accord_lookup_add_confirmation (ACCORD_LOOKUP (self), confirmation);

  g_free (run->permission_domain);
  run->permission_domain = g_steal_pointer (&registrable);
}

static void
_start_step (GTask      *task,
             Step        step,
             const char *url)
{
  Run *run = g_task_get_task_data (task);
  char *copy = g_strdup (url);

  g_free (run->url);
  run->url = copy;
  run->step = step;
  run->redirects = 0;
  g_hash_table_remove_all (run->visited);

  _send (task);
}

/* A context is found; with a password, sign in there if the rule allows. */
static void
_context_found (GTask *task)
{
  AccordLookupDav *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autofree char *host = NULL;

  g_free (run->context_url);
  run->context_url = g_strdup (run->url);

  if (self->password == NULL)
    {
      _finish_found (task);
      return;
    }

  host = _host_of (run->context_url);
  if (!accord_domain_may_receive_credentials (self->domain, host,
                                              (const char * const *) self->allowed_domains))
    {
      _ask_permission (task, host);
      _finish_found (task);
      return;
    }

  _start_step (task, STEP_PRINCIPAL, run->context_url);
}

/* An href from a multistatus, as an HTTPS URL without user information, or NULL
 * with @error set. */
static char *
_resolve_href (Run         *run,
               const char  *href,
               GError     **error)
{
  g_autoptr(GUri) base = g_uri_parse (run->url, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr(GUri) uri = NULL;

  /* The href is not quoted in the messages: it may be anything, of any length. */
  if (base != NULL)
    uri = g_uri_parse_relative (base, href, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s named an address that is not valid"), run->url);
      return NULL;
    }

  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("%s named an unencrypted address; Accord does not use it"), run->url);
      return NULL;
    }

  return _url_from_uri (uri);
}

/* Paths compare equal with or without their final slash. */
static gboolean
_same_url (const char *a,
           const char *b)
{
  gsize la = strlen (a);
  gsize lb = strlen (b);

  if (la > 0 && a[la - 1] == '/')
    la--;
  if (lb > 0 && b[lb - 1] == '/')
    lb--;

  return la == lb && strncmp (a, b, la) == 0;
}

static void
_read_multistatus (GTask     *task,
                   GPtrArray *resources)
{
  g_autoptr(GTask) owned_task = task;
  AccordLookupDav *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  const char *href = NULL;
  g_autofree char *next = NULL;
  int count = 0;

  switch (run->step)
    {
    case STEP_CONTEXT:
      _context_found (g_steal_pointer (&owned_task));
      return;

    case STEP_PRINCIPAL:
      for (guint i = 0; i < resources->len && href == NULL; i++)
        href = ((AccordDavResource *) g_ptr_array_index (resources, i))->current_user_principal;

      /* Without RFC 5397, the context URL is the best guess at the principal. */
      next = href != NULL ? _resolve_href (run, href, &error) : g_strdup (run->url);
      if (next == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      _start_step (g_steal_pointer (&owned_task), STEP_HOME_SET, next);
      return;

    case STEP_HOME_SET:
      for (guint i = 0; i < resources->len && href == NULL; i++)
        {
          AccordDavResource *resource = g_ptr_array_index (resources, i);

          href = self->service == ACCORD_SERVICE_CALENDAR ?
                   resource->calendar_home_set : resource->addressbook_home_set;
        }

      if (href == NULL)
        {
          _finish_found (g_steal_pointer (&owned_task));
          return;
        }

      next = _resolve_href (run, href, &error);
      if (next == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      _start_step (g_steal_pointer (&owned_task), STEP_COLLECTIONS, next);
      return;

    case STEP_COLLECTIONS:
      for (guint i = 0; i < resources->len; i++)
        {
          AccordDavResource *resource = g_ptr_array_index (resources, i);
          g_autofree char *url = NULL;

          if (self->service == ACCORD_SERVICE_CALENDAR ? !resource->is_calendar
                                                       : !resource->is_addressbook)
            continue;

          /* Depth 1 lists the home too; it is not one of its own collections. */
          url = _resolve_href (run, resource->href, NULL);
          if (url == NULL || _same_url (url, run->url))
            continue;

          count++;
        }

      g_free (run->home_url);
      run->home_url = g_strdup (run->url);
      self->n_collections = count;
      _finish_found (g_steal_pointer (&owned_task));
      return;

    default:
      g_assert_not_reached ();
    }
}

static void
_follow_redirect (GTask *task)
{
  g_autoptr(GTask) owned_task = task;
  Run *run = g_task_get_task_data (task);
  g_autoptr(GUri) next = accord_http_get_redirect (run->message);
  g_autofree char *next_url = NULL;

  if (next == NULL || ++run->redirects > MAX_REDIRECTS)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("Too many or broken redirects from %s"), run->url);
      return;
    }

  /* Never from HTTPS down to plain HTTP: that would let anyone on the path answer. */
  if (g_ascii_strcasecmp (g_uri_get_scheme (next), "https") != 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                               _("%s redirects to an unencrypted address; ignored"), run->url);
      return;
    }

  next_url = _url_from_uri (next);
  if (g_hash_table_contains (run->visited, next_url))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("The redirects from %s go round in a circle"), run->url);
      return;
    }

  g_free (run->url);
  run->url = g_steal_pointer (&next_url);
  _send (g_steal_pointer (&owned_task));
}

static gboolean _next_target (Run *run);
static void _start_target (GTask *task);

static void
_send_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordLookupDav *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) resources = NULL;
  g_autofree char *host = _host_of (run->url);
  guint status;

  body = accord_http_send_limited_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      /* The next SRV target is there for a server that cannot be reached. */
      if (run->step == STEP_CONTEXT && run->from_srv && _next_target (run))
        {
          g_debug ("DAV: %s: %s; trying the next SRV target", run->url, error->message);
          _start_target (g_steal_pointer (&task));
          return;
        }

      g_task_return_new_error (task, error->domain, error->code,
                               _("Could not reach %s: %s"), host, error->message);
      return;
    }

  status = soup_message_get_status (run->message);

  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      _follow_redirect (g_steal_pointer (&task));
      return;
    }

  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      /* One refusal is enough: asking again could lock the account. */
      if (run->authenticated)
        {
          self->sign_in_refused = TRUE;
          _finish_found (g_steal_pointer (&task));
        }
      else
        _context_found (g_steal_pointer (&task));
      return;
    }

  if (status == SOUP_STATUS_MULTI_STATUS)
    {
      resources = accord_dav_xml_parse_multistatus (g_bytes_get_data (body, NULL),
                                                    g_bytes_get_size (body),
                                                    ACCORD_DAV_XML_MAX_SIZE, &error);
      if (resources == NULL)
        {
          g_task_return_new_error (task, error->domain, error->code,
                                   _("The answer from %s could not be used: %s"),
                                   host, error->message);
          return;
        }

      _read_multistatus (g_steal_pointer (&task), resources);
      return;
    }

  if (run->step != STEP_CONTEXT)
    {
      /* Signed in, yet the server would not say more: it is still the server. */
      g_debug ("DAV: %s answered %u", run->url, status);
      _finish_found (g_steal_pointer (&task));
      return;
    }

  /* A web server that is no DAV server is the common answer at a domain's
   * .well-known, not an error; one that DNS announced should have been. */
  if (!run->from_srv)
    {
      g_debug ("DAV: %s answered %u: no DAV server", run->url, status);
      _return_none (g_steal_pointer (&task));
      return;
    }

  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("%s answered %u %s, which is not the answer of a calendar or "
                             "address book server"),
                           run->url, status, soup_message_get_reason_phrase (run->message));
}

static GBytes *
_request_body (AccordLookupDav *self,
               Step             step)
{
  const char *text = NULL;

  switch (step)
    {
    case STEP_CONTEXT:
    case STEP_PRINCIPAL:
      text = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
             "<D:propfind xmlns:D=\"DAV:\">"
             "<D:prop><D:current-user-principal/><D:resourcetype/></D:prop>"
             "</D:propfind>\n";
      break;

    case STEP_HOME_SET:
      text = self->service == ACCORD_SERVICE_CALENDAR ?
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<D:propfind xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
        "<D:prop><C:calendar-home-set/></D:prop>"
        "</D:propfind>\n" :
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<D:propfind xmlns:D=\"DAV:\" xmlns:CR=\"urn:ietf:params:xml:ns:carddav\">"
        "<D:prop><CR:addressbook-home-set/></D:prop>"
        "</D:propfind>\n";
      break;

    case STEP_COLLECTIONS:
      text = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
             "<D:propfind xmlns:D=\"DAV:\">"
             "<D:prop><D:resourcetype/><D:displayname/></D:prop>"
             "</D:propfind>\n";
      break;

    default:
      g_assert_not_reached ();
    }

  return g_bytes_new_static (text, strlen (text));
}

static void
_send (GTask *task)
{
  g_autoptr(GTask) owned_task = task;
  AccordLookupDav *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) request = NULL;
  SoupMessageHeaders *headers;
  GUri *uri;

  message = soup_message_new ("PROPFIND", run->url);
  if (message == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("“%s” is not a valid address"), run->url);
      return;
    }

  uri = soup_message_get_uri (message);

  /* Only the first step goes without credentials; every later one signs in, and
   * each of its requests, redirects included, must pass the rule. */
  run->authenticated = run->step != STEP_CONTEXT;
  if (run->authenticated)
    {
      g_assert (self->password != NULL);

      if (!accord_domain_may_receive_credentials (self->domain, g_uri_get_host (uri),
                                                  (const char * const *) self->allowed_domains))
        {
          _ask_permission (task, g_uri_get_host (uri));
          _finish_found (g_steal_pointer (&owned_task));
          return;
        }

      /* Redirects and hrefs are checked already; this is the last line of defence. */
      if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                   _("Accord does not send a password to the unencrypted "
                                     "address %s"), run->url);
          return;
        }

      accord_http_set_basic_auth (message, self->address, self->password);
    }

  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Depth", run->step == STEP_COLLECTIONS ? "1" : "0");
  soup_message_headers_replace (headers, "Accept", "application/xml, text/xml");
  request = _request_body (self, run->step);
  soup_message_set_request_body_from_bytes (message, "application/xml; charset=utf-8", request);
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);

  g_hash_table_add (run->visited, g_strdup (run->url));
  g_set_object (&run->message, message);
  accord_http_send_limited_async (self->session, message, ACCORD_DAV_XML_MAX_SIZE,
                                  g_task_get_cancellable (task), _send_cb,
                                  g_steal_pointer (&owned_task));
}

static gboolean
_target_is_usable (GSrvTarget *target)
{
  const char *hostname = g_srv_target_get_hostname (target);

  return hostname != NULL && *hostname != '\0' && !g_str_equal (hostname, ".") &&
         g_srv_target_get_port (target) != 0;
}

/* Moves to the next SRV target that names a server, if there is one. */
static gboolean
_next_target (Run *run)
{
  GList *l = run->target != NULL ? run->target->next : run->targets;

  while (l != NULL && !_target_is_usable (l->data))
    l = l->next;

  run->target = l;
  return l != NULL;
}

static void
_start_target (GTask *task)
{
  g_autoptr(GTask) owned_task = task;
  AccordLookupDav *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  GSrvTarget *target = run->target->data;
  g_autofree char *host = _accord_normalize_hostname (g_srv_target_get_hostname (target));
  g_autofree char *well_known = g_strdup_printf ("/.well-known/%s", _service_name (self));
  guint16 port = g_srv_target_get_port (target);
  g_autofree char *url = NULL;
  g_autoptr(GUri) uri = NULL;

  if (host == NULL)
    {
      if (_next_target (run))
        _start_target (g_steal_pointer (&owned_task));
      else
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                 _("%s names a server that is not a valid host name"),
                                 run->source_detail);
      return;
    }

  if (run->txt_path != NULL)
    {
      url = g_uri_join (G_URI_FLAGS_ENCODED, "https", NULL, host, port == 443 ? -1 : port,
                        run->txt_path, NULL, NULL);
      uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
      if (uri == NULL || g_strcmp0 (g_uri_get_host (uri), host) != 0)
        g_clear_pointer (&url, g_free);
    }

  if (url == NULL)
    url = g_uri_join (G_URI_FLAGS_ENCODED, "https", NULL, host, port == 443 ? -1 : port,
                      well_known, NULL, NULL);

  _start_step (g_steal_pointer (&owned_task), STEP_CONTEXT, url);
}

/* The value of a TXT record's path key (RFC 6763 §6), if it is a usable path. */
static char *
_read_txt_path (GList *records)
{
  for (GList *l = records; l != NULL; l = l->next)
    {
      g_autoptr(GVariantIter) iter = NULL;
      const char *text;

      g_variant_get (l->data, "(as)", &iter);
      while (g_variant_iter_loop (iter, "&s", &text))
        {
          const char *path;

          if (g_ascii_strncasecmp (text, "path=", 5) != 0)
            continue;

          path = text + 5;
          /* "//host/…" would name another server, not a path. */
          if (path[0] != '/' || path[1] == '/')
            return NULL;
          for (const char *p = path; *p != '\0'; p++)
            if ((guchar) *p <= ' ' || (guchar) *p >= 0x7f || *p == '?' || *p == '#')
              return NULL;

          return g_strdup (path);
        }
    }

  return NULL;
}

static void
_dns_done (GTask *task)
{
  g_autoptr(GTask) owned_task = task;
  AccordLookupDav *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autofree char *url = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (run->targets == NULL)
    {
      url = g_strdup_printf ("https://%s/.well-known/%s", self->domain, _service_name (self));
      run->source_detail = g_strdup (url);
      run->from_srv = FALSE;
      _start_step (g_steal_pointer (&owned_task), STEP_CONTEXT, url);
      return;
    }

  /* A sole target of "." says the service is not offered: no .well-known either. */
  run->from_srv = TRUE;
  run->source_detail = g_strdup_printf ("_%ss._tcp.%s", _service_name (self), self->domain);
  if (!_next_target (run))
    {
      _return_none (g_steal_pointer (&owned_task));
      return;
    }

  _start_target (g_steal_pointer (&owned_task));
}

static void
_srv_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* No record is the common case: then .well-known on the domain is asked. */
  run->targets = g_resolver_lookup_service_finish (G_RESOLVER (object), result, &error);
  if (error != NULL)
    g_debug ("DAV: no SRV record: %s", error->message);

  if (--run->dns_pending == 0)
    _dns_done (task);
  else
    g_object_unref (task);
}

static void
_txt_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  GList *records;

  records = g_resolver_lookup_records_finish (G_RESOLVER (object), result, NULL);
  run->txt_path = _read_txt_path (records);
  g_list_free_full (records, (GDestroyNotify) g_variant_unref);

  if (--run->dns_pending == 0)
    _dns_done (task);
  else
    g_object_unref (task);
}

static void
accord_lookup_dav_run_async (AccordLookup        *lookup,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  AccordLookupDav *self = ACCORD_LOOKUP_DAV (lookup);
  g_autoptr(GTask) task = NULL;
  g_autofree char *service = g_strdup_printf ("%ss", _service_name (self));
  g_autofree char *txt_name = g_strdup_printf ("_%s._tcp.%s", service, self->domain);
  Run *run;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_lookup_dav_run_async);

  run = g_new0 (Run, 1);
  run->visited = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run->dns_pending = 2;
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  g_resolver_lookup_service_async (self->resolver, service, "tcp", self->domain, cancellable,
                                   _srv_cb, g_object_ref (task));
  g_resolver_lookup_records_async (self->resolver, txt_name, G_RESOLVER_RECORD_TXT, cancellable,
                                   _txt_cb, g_object_ref (task));
}

static GPtrArray *
accord_lookup_dav_run_finish (AccordLookup  *lookup,
                              GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
accord_lookup_dav_finalize (GObject *object)
{
  AccordLookupDav *self = (AccordLookupDav *)object;

  g_clear_pointer (&self->domain, g_free);
  g_clear_pointer (&self->address, g_free);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_clear_pointer (&self->password, g_free);
  g_clear_pointer (&self->allowed_domains, g_strfreev);
  g_clear_object (&self->session);
  g_clear_object (&self->resolver);
  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (accord_lookup_dav_parent_class)->finalize (object);
}

static void
accord_lookup_dav_class_init (AccordLookupDavClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AccordLookupClass *lookup_class = ACCORD_LOOKUP_CLASS (klass);

  object_class->finalize = accord_lookup_dav_finalize;
  lookup_class->run_async = accord_lookup_dav_run_async;
  lookup_class->run_finish = accord_lookup_dav_run_finish;
}

static void
accord_lookup_dav_init (AccordLookupDav *self)
{
  self->n_collections = -1;
}

/**
 * accord_lookup_dav_new:
 * @service: %ACCORD_SERVICE_CALENDAR (CalDAV) or %ACCORD_SERVICE_CONTACTS (CardDAV)
 * @domain: the address's domain, in ASCII (punycode) form
 * @address: the full address, which is also the user name for signing in
 * @password: (nullable): without one, the server is found but not signed in to
 * @allowed_domains: (nullable) (array zero-terminated=1): other registrable domains
 *   the person agreed to send the password to
 * @session: the session to ask with; its TLS database decides what is trusted
 */
AccordLookup *
accord_lookup_dav_new (AccordServiceKind   service,
                       const char         *domain,
                       const char         *address,
                       const char         *password,
                       const char * const *allowed_domains,
                       SoupSession        *session,
                       GResolver          *resolver)
{
  AccordLookupDav *self;
  g_autofree char *target = NULL;
  const char *name;

  g_return_val_if_fail (service == ACCORD_SERVICE_CALENDAR || service == ACCORD_SERVICE_CONTACTS,
                        NULL);
  g_return_val_if_fail (domain != NULL && *domain != '\0', NULL);
  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (G_IS_RESOLVER (resolver), NULL);

  name = service == ACCORD_SERVICE_CALENDAR ? "caldav" : "carddav";
  target = g_strdup_printf ("_%ss._tcp.%s, /.well-known/%s", name, domain, name);
  self = g_object_new (ACCORD_TYPE_LOOKUP_DAV,
                       "source", ACCORD_SOURCE_DAV,
                       "target", target,
                       NULL);
  self->service = service;
  self->domain = g_ascii_strdown (domain, -1);
  self->address = g_strdup (address);
  self->password = g_strdup (password);
  self->allowed_domains = g_strdupv ((char **) allowed_domains);
  self->session = g_object_ref (session);
  self->resolver = g_object_ref (resolver);

  return ACCORD_LOOKUP (self);
}

/**
 * accord_lookup_dav_get_summary:
 *
 * What the lookup learned besides its candidate, as a sentence: how many
 * collections it found, or why it did not sign in.
 *
 * Returns: (nullable): the summary, once the lookup found a server
 */
const char *
accord_lookup_dav_get_summary (AccordLookupDav *self)
{
  g_return_val_if_fail (ACCORD_IS_LOOKUP_DAV (self), NULL);

  return self->summary;
}

/**
 * accord_lookup_dav_get_n_collections:
 *
 * Returns: how many calendars or address books the home set holds, or -1 when
 *   they were not listed
 */
int
accord_lookup_dav_get_n_collections (AccordLookupDav *self)
{
  g_return_val_if_fail (ACCORD_IS_LOOKUP_DAV (self), -1);

  return self->n_collections;
}

/**
 * accord_lookup_dav_get_sign_in_refused:
 *
 * Returns: whether the server refused the address and password
 */
gboolean
accord_lookup_dav_get_sign_in_refused (AccordLookupDav *self)
{
  g_return_val_if_fail (ACCORD_IS_LOOKUP_DAV (self), FALSE);

  return self->sign_in_refused;
}
