/* accord-lookup-jmap.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "accord-domain.h"
#include "accord-http.h"
#include "accord-json-utils.h"
#include "accord-lookup-jmap.h"

/* A Session object is a few kilobytes, even with many shared accounts. */
#define MAX_BODY_SIZE (1024 * 1024)
#define MAX_REDIRECTS 5
/* json-glib parses recursively, so a deeply nested answer would exhaust the stack
 * before any other check could refuse it. A real Session nests five levels. */
#define MAX_JSON_DEPTH 32
#define WELL_KNOWN_PATH "/.well-known/jmap"
#define HTTPS_PORT 443

/**
 * AccordLookupJmap:
 *
 * A JMAP server (RFC 8620 §2.2): the Session resource at `/.well-known/jmap` on the
 * target of the `_jmap._tcp` SRV record, else on the address's domain itself. The
 * Session's capabilities say which services the account has.
 *
 * Redirects are followed by hand, over HTTPS only. The password travels in a Basic
 * Authorization header that this lookup writes itself, and only to hosts that
 * accord_domain_may_receive_credentials() allows; a redirect elsewhere is followed
 * without it, and the person is asked (an #AccordConfirmation) before it goes there.
 */
struct _AccordLookupJmap
{
  AccordLookup  parent_instance;

  char         *domain;
  char         *address;
  char         *password;
  char        **allowed_domains;
  SoupSession  *session;
  GResolver    *resolver;

  /* What the candidates mean, for the person; to become the lookup's detail once
   * AccordLookup lets a subclass set one. */
};

G_DEFINE_FINAL_TYPE (AccordLookupJmap, accord_lookup_jmap, ACCORD_TYPE_LOOKUP)

static const struct {
  const char        *capability;
  AccordServiceKind  service;
} capabilities[] = {
  { "urn:ietf:params:jmap:mail", ACCORD_SERVICE_MAIL_IN },
  { "urn:ietf:params:jmap:submission", ACCORD_SERVICE_MAIL_OUT },
  { "urn:ietf:params:jmap:contacts", ACCORD_SERVICE_CONTACTS },
  { "urn:ietf:params:jmap:calendars", ACCORD_SERVICE_CALENDAR },
};

/* One place a Session may be found: an SRV target, or the domain's well-known URL. */
typedef struct
{
  char *url;
  char *source_detail;   /* the SRV name or the well-known URL */
} Start;

static void
start_free (Start *start)
{
  g_free (start->url);
  g_free (start->source_detail);
  g_free (start);
}

typedef struct
{
  GPtrArray   *starts;
  guint        next_start;
  GError      *error;          /* the first failure, reported if no start answers */

  /* The start being tried, and where its redirects have led */
  Start       *start;
  GUri        *uri;
  guint        redirects;
  GHashTable  *visited;
  SoupMessage *message;
  gboolean     with_password;
  gboolean     password_withheld;
} Run;

static void
run_free (Run *run)
{
  g_ptr_array_unref (run->starts);
  g_clear_error (&run->error);
  g_clear_pointer (&run->uri, g_uri_unref);
  g_hash_table_unref (run->visited);
  g_clear_object (&run->message);
  g_free (run);
}

static void _send (GTask *task);

static GPtrArray *
_new_candidates (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) accord_candidate_unref);
}

/* What the outcome alone does not say, shown next to it. */
static void
_set_note (AccordLookupJmap *self,
           const char       *note)
{
  accord_lookup_set_detail (ACCORD_LOOKUP (self), note);
}

/* DNS answers are untrusted text: only a plain host name becomes part of a URL. */
static char *
_host_name (const char *text)
{
  g_autofree char *host = NULL;
  gsize length;

  if (text == NULL)
    return NULL;

  host = g_ascii_strdown (text, -1);
  length = strlen (host);
  if (length > 0 && host[length - 1] == '.')
    host[--length] = '\0';

  if (length == 0 || length > 253 || host[0] == '.' || host[0] == '-')
    return NULL;

  for (const char *p = host; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.' && *p != '_')
      return NULL;

  return g_steal_pointer (&host);
}

static void
_add_start (Run        *run,
            const char *url,
            const char *source_detail)
{
  Start *start;

  for (guint i = 0; i < run->starts->len; i++)
    if (g_str_equal (((Start *) g_ptr_array_index (run->starts, i))->url, url))
      return;

  start = g_new0 (Start, 1);
  start->url = g_strdup (url);
  start->source_detail = g_strdup (source_detail);
  g_ptr_array_add (run->starts, start);
}

static char *
_current_url (Run *run)
{
  return g_uri_to_string (run->uri);
}

static void
_finish_with_candidates (GTask     *task,
                         GPtrArray *candidates)
{
  g_task_return_pointer (task, candidates, (GDestroyNotify) g_ptr_array_unref);
  g_object_unref (task);
}

static void
_next_start (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  if (run->next_start >= run->starts->len)
    {
      if (run->error != NULL)
        {
          g_task_return_error (task, g_steal_pointer (&run->error));
          g_object_unref (task);
        }
      else
        _finish_with_candidates (task, _new_candidates ());
      return;
    }

  run->start = g_ptr_array_index (run->starts, run->next_start++);
  run->redirects = 0;
  run->password_withheld = FALSE;
  g_hash_table_remove_all (run->visited);
  g_clear_pointer (&run->uri, g_uri_unref);
  run->uri = g_uri_parse (run->start->url, G_URI_FLAGS_ENCODED, NULL);
  g_assert (run->uri != NULL);

  _send (task);
}

/* One start failed: the next may still answer; if none does, the first failure
 * explains the most. */
static void
_fail_start (GTask  *task,
             GError *error)
{
  Run *run = g_task_get_task_data (task);

  if (run->error == NULL)
    run->error = error;
  else
    g_error_free (error);

  _next_start (task);
}

static AccordCandidate *
_new_candidate (AccordLookupJmap  *self,
                Run               *run,
                AccordServiceKind  service,
                const char        *username)
{
  AccordCandidate *candidate = accord_candidate_new (service, ACCORD_PROTOCOL_JMAP,
                                                     ACCORD_SOURCE_JMAP);
  gint port = g_uri_get_port (run->uri);

  candidate->url = _current_url (run);
  candidate->host = g_strdup (g_uri_get_host (run->uri));
  candidate->port = port > 0 ? (guint16) port : HTTPS_PORT;
  candidate->security = ACCORD_SECURITY_TLS;
  candidate->source_detail = g_strdup (run->start->source_detail);
  candidate->username = g_strdup (username);

  if (!accord_domain_same_registrable (self->domain, candidate->host))
    candidate->flags |= ACCORD_CANDIDATE_FLAG_REDIRECTED;

  return candidate;
}

static JsonObject *
_get_object_member (JsonObject *object,
                    const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gboolean
_check_primary_accounts (JsonObject *session)
{
  JsonObject *accounts = _get_object_member (session, "primaryAccounts");
  g_autoptr(GList) members = NULL;

  if (accounts == NULL)
    return FALSE;

  members = json_object_get_members (accounts);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (accounts, l->data);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return FALSE;
    }

  return TRUE;
}

static gboolean
_check_api_url (JsonObject  *session,
                Run         *run,
                const char  *url,
                GError     **error)
{
  JsonNode *node = json_object_get_member (session, "apiUrl");
  g_autoptr(GUri) api = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The JMAP session at %s has no API address (“apiUrl”)"), url);
      return FALSE;
    }

  api = g_uri_parse_relative (run->uri, json_node_get_string (node), G_URI_FLAGS_ENCODED, NULL);
  if (api == NULL || g_uri_get_host (api) == NULL || g_uri_get_host (api)[0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The JMAP session at %s gives an API address (“apiUrl”) that is not a "
                     "valid URL"), url);
      return FALSE;
    }

  /* Every JMAP request carries the password: never over plain HTTP. */
  if (!g_str_equal (g_uri_get_scheme (api), "https"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("The JMAP session at %s sends requests to an unencrypted address; it "
                     "cannot be used"), url);
      return FALSE;
    }

  return TRUE;
}

/* The Session is untrusted input: every member used is checked for its type, and a
 * document that is not a Session is a failure, never a guess. */
static GPtrArray *
_parse_session (AccordLookupJmap  *self,
                Run               *run,
                GBytes            *body,
                GError           **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) json_error = NULL;
  g_autofree char *url = _current_url (run);
  g_autoptr(GPtrArray) candidates = NULL;
  JsonObject *session, *offered;
  JsonNode *root;
  gsize length;
  const char *data = g_bytes_get_data (body, &length);

  if (length == 0 || !g_utf8_validate (data, length, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The JMAP session at %s is empty or not text"), url);
      return NULL;
    }

  if (!accord_json_nesting_within (data, length, MAX_JSON_DEPTH))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The JMAP session at %s nests deeper than %u levels; it was not read"),
                   url, MAX_JSON_DEPTH);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &json_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The JMAP session at %s is not valid JSON: %s"), url, json_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The answer from %s is not a JMAP session: it is not a JSON object"), url);
      return NULL;
    }
  session = json_node_get_object (root);

  offered = _get_object_member (session, "capabilities");
  if (offered == NULL || _get_object_member (offered, "urn:ietf:params:jmap:core") == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The answer from %s is not a JMAP session: it lists no core "
                     "capabilities"), url);
      return NULL;
    }

  if (!_check_primary_accounts (session))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The JMAP session at %s has no valid list of primary accounts "
                     "(“primaryAccounts”)"), url);
      return NULL;
    }

  if (!_check_api_url (session, run, url, error))
    return NULL;

  candidates = _new_candidates ();
  for (guint i = 0; i < G_N_ELEMENTS (capabilities); i++)
    {
      JsonNode *node = json_object_get_member (offered, capabilities[i].capability);

      if (node == NULL)
        continue;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The JMAP session at %s describes the capability %s wrongly"),
                       url, capabilities[i].capability);
          return NULL;
        }

      /* The server took the address as the user name: that is worth keeping. */
      g_ptr_array_add (candidates,
                       _new_candidate (self, run, capabilities[i].service,
                                       run->with_password ? self->address : NULL));
    }

  return g_steal_pointer (&candidates);
}

/* A 401 at the well-known URL, or where it led, still proves a JMAP server: mail, at
 * least. The rest is known once the person has signed in. */
static void
_found_unauthorized (GTask *task)
{
  AccordLookupJmap *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autofree char *url = _current_url (run);
  g_autofree char *note = NULL;
  GPtrArray *candidates = _new_candidates ();

  if (run->with_password)
    note = g_strdup_printf (_("The JMAP server at %s refused the sign-in as %s; its services "
                              "are known once the password is right"), url, self->address);
  else if (run->password_withheld)
    note = g_strdup_printf (_("The JMAP server at %s asks for a sign-in; the password is sent "
                              "there only once you agree"), url);
  else
    note = g_strdup_printf (_("The JMAP server at %s asks for a sign-in; its services are known "
                              "once you have signed in"), url);
  _set_note (self, note);

  g_ptr_array_add (candidates, _new_candidate (self, run, ACCORD_SERVICE_MAIL_IN, NULL));
  _finish_with_candidates (task, candidates);
}

static void
_follow_redirect (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  g_autoptr(GUri) next = accord_http_get_redirect (run->message);
  g_autofree char *from = _current_url (run);
  g_autofree char *next_url = NULL;
  const char *host;

  host = next != NULL ? g_uri_get_host (next) : NULL;
  if (host == NULL || host[0] == '\0')
    {
      _fail_start (task, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                      _("%s redirects to an address that is not valid"),
                                      from));
      return;
    }

  /* Never down to plain HTTP: anyone on the path could answer, or read the password. */
  if (!g_str_equal (g_uri_get_scheme (next), "https"))
    {
      _fail_start (task, g_error_new (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                      _("%s redirects to an unencrypted address; it was not "
                                        "followed"), from));
      return;
    }

  if (++run->redirects > MAX_REDIRECTS)
    {
      _fail_start (task, g_error_new (G_IO_ERROR, G_IO_ERROR_TOO_MANY_LINKS,
                                      _("%s redirects more than %u times; the JMAP session "
                                        "was not found"), run->start->url, MAX_REDIRECTS));
      return;
    }

  /* Only the parts a request needs: credentials in a Location are never used. */
  g_clear_pointer (&run->uri, g_uri_unref);
  run->uri = g_uri_build (G_URI_FLAGS_ENCODED, "https", NULL, host, g_uri_get_port (next),
                          g_uri_get_path (next), g_uri_get_query (next), NULL);

  next_url = _current_url (run);
  if (g_hash_table_contains (run->visited, next_url))
    {
      _fail_start (task, g_error_new (G_IO_ERROR, G_IO_ERROR_TOO_MANY_LINKS,
                                      _("%s redirects in a loop; the JMAP session was not "
                                        "found"), run->start->url));
      return;
    }

  _send (task);
}

static void
_send_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  AccordLookupJmap *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = _current_url (run);
  GPtrArray *candidates;
  guint status;

  body = accord_http_send_limited_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }

      g_prefix_error (&error, _("The JMAP session at %s could not be read: "), url);
      _fail_start (task, g_steal_pointer (&error));
      return;
    }

  status = soup_message_get_status (run->message);

  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      _follow_redirect (task);
      return;
    }

  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      _found_unauthorized (task);
      return;
    }

  if (status == SOUP_STATUS_NOT_FOUND || status == SOUP_STATUS_GONE)
    {
      _next_start (task);
      return;
    }

  if (status != SOUP_STATUS_OK)
    {
      _fail_start (task, g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                      _("%s answered %u %s"), url, status,
                                      soup_message_get_reason_phrase (run->message)));
      return;
    }

  candidates = _parse_session (self, run, body, &error);
  if (candidates == NULL)
    {
      _fail_start (task, g_steal_pointer (&error));
      return;
    }

  if (run->password_withheld)
    _set_note (self, _("The JMAP server is on another domain; the password is sent there only "
                       "once you agree"));
  _finish_with_candidates (task, candidates);
}

static void
_withhold_password (AccordLookupJmap *self,
                    Run              *run,
                    const char       *host)
{
  g_autofree char *registrable = accord_domain_get_registrable (host);
  const char *subject = registrable != NULL ? registrable : host;
  g_autofree char *detail = NULL;
  g_autoptr(AccordConfirmation) confirmation = NULL;

  detail = g_strdup_printf (_("The JMAP server for %s is on %s. Accord sends your password "
                              "there only if you agree."), self->domain, subject);
  confirmation = accord_confirmation_new (ACCORD_CONFIRMATION_REDIRECT, subject, detail, NULL);
  accord_lookup_add_confirmation (ACCORD_LOOKUP (self), confirmation);
  run->password_withheld = TRUE;
}

static void
_send (GTask *task)
{
  AccordLookupJmap *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = NULL;
  SoupMessageHeaders *headers;
  const char *host = g_uri_get_host (run->uri);

  g_hash_table_add (run->visited, _current_url (run));

  message = soup_message_new_from_uri (SOUP_METHOD_GET, run->uri);
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  /* The Authorization header below is the only way the password leaves: libsoup's
   * own authentication must not answer a challenge or resend it anywhere. */
  soup_message_disable_feature (message, SOUP_TYPE_AUTH_MANAGER);

  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Accept", "application/json");

  run->with_password = FALSE;
  if (self->password != NULL)
    {
      if (accord_domain_may_receive_credentials (self->domain, host,
                                                 (const char * const *) self->allowed_domains))
        {
          accord_http_set_basic_auth (message, self->address, self->password);
          run->with_password = TRUE;
        }
      else
        _withhold_password (self, run, host);
    }

  g_set_object (&run->message, message);
  accord_http_send_limited_async (self->session, message, MAX_BODY_SIZE,
                                  g_task_get_cancellable (task), _send_cb, task);
}

static void
_srv_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  AccordLookupJmap *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *srv_name = g_strdup_printf ("_jmap._tcp.%s", self->domain);
  g_autofree char *well_known = NULL;
  gboolean declined = FALSE;
  GList *targets;

  /* No record, or no answer, leaves the well-known URL on the domain itself. */
  targets = g_resolver_lookup_service_finish (G_RESOLVER (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  for (GList *l = targets; l != NULL; l = l->next)
    {
      g_autofree char *host = _host_name (g_srv_target_get_hostname (l->data));
      guint16 port = g_srv_target_get_port (l->data);
      g_autofree char *url = NULL;

      /* GLib gives the target "." as an empty name and port 0. */
      if (host == NULL || port == 0)
        {
          declined = TRUE;
          continue;
        }

      url = g_uri_join (G_URI_FLAGS_NONE, "https", NULL, host, port == HTTPS_PORT ? -1 : port,
                        WELL_KNOWN_PATH, NULL, NULL);
      _add_start (run, url, srv_name);
    }
  g_resolver_free_targets (targets);

  /* RFC 2782: a lone "." target says the service is decidedly not offered. */
  if (declined && run->starts->len == 0)
    {
      _set_note (self, _("The domain says in DNS that it offers no JMAP server"));
      _finish_with_candidates (task, _new_candidates ());
      return;
    }

  well_known = g_strconcat ("https://", self->domain, WELL_KNOWN_PATH, NULL);
  _add_start (run, well_known, well_known);
  _next_start (task);
}

static void
accord_lookup_jmap_run_async (AccordLookup        *lookup,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  AccordLookupJmap *self = ACCORD_LOOKUP_JMAP (lookup);
  g_autoptr(GTask) task = NULL;
  g_autofree char *domain = _host_name (self->domain);
  Run *run;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_lookup_jmap_run_async);

  if (domain == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("“%s” is not a domain name that JMAP can be looked up for"),
                               self->domain);
      return;
    }

  run = g_new0 (Run, 1);
  run->starts = g_ptr_array_new_with_free_func ((GDestroyNotify) start_free);
  run->visited = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  /* SRV first: its answer decides where the one request with the password goes,
   * so a wrong password is never tried twice. */
  g_resolver_lookup_service_async (self->resolver, "jmap", "tcp", self->domain, cancellable,
                                   _srv_cb, g_steal_pointer (&task));
}

static GPtrArray *
accord_lookup_jmap_run_finish (AccordLookup  *lookup,
                               GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
accord_lookup_jmap_finalize (GObject *object)
{
  AccordLookupJmap *self = (AccordLookupJmap *)object;

  g_clear_pointer (&self->domain, g_free);
  g_clear_pointer (&self->address, g_free);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_clear_pointer (&self->password, g_free);
  g_clear_pointer (&self->allowed_domains, g_strfreev);
  g_clear_object (&self->session);
  g_clear_object (&self->resolver);

  G_OBJECT_CLASS (accord_lookup_jmap_parent_class)->finalize (object);
}

static void
accord_lookup_jmap_class_init (AccordLookupJmapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AccordLookupClass *lookup_class = ACCORD_LOOKUP_CLASS (klass);

  object_class->finalize = accord_lookup_jmap_finalize;
  lookup_class->run_async = accord_lookup_jmap_run_async;
  lookup_class->run_finish = accord_lookup_jmap_run_finish;
}

static void
accord_lookup_jmap_init (AccordLookupJmap *self)
{
}

/**
 * accord_lookup_jmap_new:
 * @domain: the address's domain, in ASCII (punycode) form
 * @address: the full address; the user name of the Basic sign-in
 * @password: (nullable): the password, or %NULL to look without signing in
 * @allowed_domains: (nullable) (array zero-terminated=1): other registrable domains
 *   the person agreed to send the password to
 * @session: the session to fetch with; its TLS database decides what is trusted
 * @resolver: the resolver for the SRV record
 */
AccordLookup *
accord_lookup_jmap_new (const char         *domain,
                        const char         *address,
                        const char         *password,
                        const char * const *allowed_domains,
                        SoupSession        *session,
                        GResolver          *resolver)
{
  AccordLookupJmap *self;
  g_autofree char *target = NULL;

  g_return_val_if_fail (domain != NULL, NULL);
  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (G_IS_RESOLVER (resolver), NULL);

  target = g_strdup_printf ("_jmap._tcp.%s, " WELL_KNOWN_PATH, domain);
  self = g_object_new (ACCORD_TYPE_LOOKUP_JMAP,
                       "source", ACCORD_SOURCE_JMAP,
                       "target", target,
                       NULL);
  self->domain = _host_name (domain);
  if (self->domain == NULL)
    self->domain = g_strdup (domain);
  self->address = g_strdup (address);
  self->password = g_strdup (password);
  self->allowed_domains = g_strdupv ((char **) allowed_domains);
  self->session = g_object_ref (session);
  self->resolver = g_object_ref (resolver);

  return ACCORD_LOOKUP (self);
}
