/* accord-lookup-autodiscover.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-autodiscover-xml.h"
#include "accord-domain.h"
#include "accord-http.h"
#include "accord-lookup-autodiscover.h"

#define AUTODISCOVER_PATH "/autodiscover/autodiscover.xml"
/* Redirects of any kind (HTTP, RedirectUrl, RedirectAddr) along one way to an answer. */
#define MAX_HOPS 10
/* The plain-HTTP probe is read only for its Location header. */
#define PROBE_MAX_SIZE (64 * 1024)
/* Once something was found, how long slower endpoints may still add to it. */
#define SETTLE_MS 3000
#define MICROSOFT_365_MX_SUFFIX ".mail.protection.outlook.com"
#define MICROSOFT_365_V2_URL "https://outlook.office365.com/autodiscover/autodiscover.json"
#define MOBILESYNC_RESPONSE_NS \
  "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006"

/**
 * AccordLookupAutodiscover:
 *
 * Exchange Autodiscover (MS-OXDSCLI), as Outlook and Thunderbird look it up. The
 * domain's own endpoints, `https://<domain>/autodiscover/autodiscover.xml` and
 * `https://autodiscover.<domain>/…`, are asked at once with the Outlook schema; a
 * server that answers is then asked once more with the mobilesync schema, which alone
 * names the ActiveSync URL. Only when neither endpoint answers are the fallbacks
 * followed: the redirect of `http://autodiscover.<domain>/…` (a GET, never anything
 * else over plain HTTP) and the `_autodiscover._tcp` SRV record. Both are looked up from
 * the start, so that following them costs no extra wait. When the domain's mail
 * goes to Microsoft 365 (MX), Microsoft's v2 JSON service is asked as well, without
 * credentials.
 *
 * The password travels as a Basic Authorization header, set by hand, and only to
 * hosts accord_domain_may_receive_credentials() allows; any other hop becomes an
 * #AccordConfirmation instead of a request. A 401 to a request with the password ends
 * that way at once, and no request sent after it carries the password: a wrong one is
 * never retried, so discovery cannot lock the account.
 */
struct _AccordLookupAutodiscover
{
  AccordLookup   parent_instance;

  char          *domain;
  char          *address;
  char          *password;
  char         **allowed_domains;
  SoupSession   *session;
  GResolver     *resolver;
};

G_DEFINE_FINAL_TYPE (AccordLookupAutodiscover, accord_lookup_autodiscover, ACCORD_TYPE_LOOKUP)

/* How much a failure says about the provider: the highest is the one reported. */
typedef enum
{
  RANK_NOTHING,   /* no such host, nothing listening, no such path */
  RANK_TRANSPORT, /* a server, but no working exchange with it */
  RANK_ANSWER,    /* an answer, but not one Accord can use */
  RANK_SIGN_IN,   /* the server refused the password */
} ErrorRank;

typedef struct
{
  GCancellable *outer;
  gulong        outer_id;
  GCancellable *cancellable;          /* every request; cancelled too once the run settles */
  GCancellable *fallback_cancellable; /* the probe and SRV: moot once the domain answered */
  gulong        fallback_id;
  GSource      *settle;
  guint         pending;

  GPtrArray    *candidates;
  GHashTable   *asked;                /* keys of all Autodiscover requests sent */

  guint         direct_alive;
  gboolean      direct_answered;
  gboolean      fallbacks_open;
  char         *probe_url;
  char         *srv_url;

  gboolean      password_wanted;
  gboolean      sign_in_refused;
  ErrorRank     error_rank;
  GError       *error;
} Run;

typedef enum
{
  CHAIN_DIRECT,    /* from the domain's own endpoints */
  CHAIN_FALLBACK,  /* from the plain-HTTP probe's redirect or from SRV */
  CHAIN_FOLLOW_UP, /* the mobilesync question to a server that just answered */
} ChainKind;

/* One way to an answer: a POST, then the redirects it leads to. */
typedef struct
{
  GTask       *task;
  ChainKind    kind;
  gboolean     mobilesync;
  char        *url;
  char        *address;       /* the EMailAddress asked about */
  guint        hops;
  GPtrArray   *visited;       /* request keys of this chain and those it came from */
  SoupMessage *message;
  gboolean     with_password;
} Chain;

/* A single GET: the plain-HTTP probe, or a Microsoft 365 v2 question. */
typedef struct
{
  GTask          *task;
  SoupMessage    *message;
  AccordProtocol  protocol;
} Request;

static void _chain_ask (Chain *chain);

static void
run_free (Run *run)
{
  if (run->outer != NULL)
    g_cancellable_disconnect (run->outer, run->outer_id);
  g_clear_object (&run->outer);
  g_cancellable_disconnect (run->cancellable, run->fallback_id);
  g_clear_object (&run->cancellable);
  g_clear_object (&run->fallback_cancellable);
  if (run->settle != NULL)
    {
      g_source_destroy (run->settle);
      g_source_unref (run->settle);
    }
  g_clear_pointer (&run->candidates, g_ptr_array_unref);
  g_clear_pointer (&run->asked, g_hash_table_unref);
  g_free (run->probe_url);
  g_free (run->srv_url);
  g_clear_error (&run->error);
  g_free (run);
}

static void
_cancel_cb (GCancellable *cancellable,
            GCancellable *inner)
{
  g_cancellable_cancel (inner);
}

static void
_finish (GTask *task)
{
  AccordLookup *lookup = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* What was found before a stop or the timeout is still an answer. */
  if (run->candidates->len > 0)
    {
      g_task_return_pointer (task, g_ptr_array_ref (run->candidates),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  if (g_cancellable_set_error_if_cancelled (run->outer, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A server that wants a password, or a question for the person, is not a failure;
   * a refused password is. */
  if (run->error != NULL &&
      (run->error_rank == RANK_SIGN_IN ||
       (!run->password_wanted && accord_lookup_get_confirmations (lookup)->len == 0)))
    {
      g_task_return_error (task, g_steal_pointer (&run->error));
      return;
    }

  g_task_return_pointer (task,
                         g_ptr_array_new_with_free_func ((GDestroyNotify) accord_candidate_unref),
                         (GDestroyNotify) g_ptr_array_unref);
}

static GTask *
_hold (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  run->pending++;
  return g_object_ref (task);
}

static void
_release (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  g_assert (run->pending > 0);
  if (--run->pending == 0)
    _finish (task);
  g_object_unref (task);
}

static void
_record_error (Run       *run,
               ErrorRank  rank,
               GError    *error)
{
  g_debug ("Autodiscover: %s", error->message);

  if (rank > run->error_rank)
    {
      g_clear_error (&run->error);
      run->error = error;
      run->error_rank = rank;
    }
  else
    {
      g_error_free (error);
    }
}

static ErrorRank
_rank_of (const GError *error)
{
  if (g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return RANK_NOTHING;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
    return RANK_ANSWER;

  return RANK_TRANSPORT;
}

static gboolean
_settle_cb (gpointer user_data)
{
  Run *run = user_data;

  g_debug ("Autodiscover: settled; stopping the requests still running");
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_REMOVE;
}

static void
_add_candidate (GTask           *task,
                AccordCandidate *candidate)
{
  Run *run = g_task_get_task_data (task);

  for (guint i = 0; i < run->candidates->len; i++)
    {
      AccordCandidate *known = g_ptr_array_index (run->candidates, i);

      if (accord_candidate_same_endpoint (known, candidate))
        {
          /* Found both through a redirect and without one: the direct way vouches. */
          known->flags &= candidate->flags;
          accord_candidate_unref (candidate);
          return;
        }
    }

  g_ptr_array_add (run->candidates, candidate);

  if (run->settle == NULL)
    {
      run->settle = g_timeout_source_new (SETTLE_MS);
      g_source_set_callback (run->settle, _settle_cb, run, NULL);
      g_source_attach (run->settle, g_task_get_context (task));
    }
}

static gboolean
_is_foreign (AccordLookupAutodiscover *self,
             const char               *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);

  return uri == NULL || !accord_domain_same_registrable (self->domain, g_uri_get_host (uri));
}

/* The parser does not say which schema answered; a mobilesync answer must declare
 * its namespace. */
static gboolean
_is_mobilesync_document (GBytes *body)
{
  gsize length;
  const char *data = g_bytes_get_data (body, &length);

  return data != NULL && g_strstr_len (data, length, MOBILESYNC_RESPONSE_NS) != NULL;
}

static void
_add_response (Chain                      *chain,
               AccordAutodiscoverResponse *response)
{
  AccordLookupAutodiscover *self = g_task_get_source_object (chain->task);
  GPtrArray *found = accord_autodiscover_response_get_candidates (response);
  AccordCandidateFlags flags = ACCORD_CANDIDATE_FLAG_NONE;

  if (_is_foreign (self, chain->url))
    flags |= ACCORD_CANDIDATE_FLAG_REDIRECTED;

  for (guint i = 0; i < found->len; i++)
    {
      AccordCandidate *copy = accord_candidate_copy (g_ptr_array_index (found, i));

      copy->flags |= flags;
      _add_candidate (chain->task, copy);
    }
}

static void
_ask_before_sending_password (AccordLookupAutodiscover *self,
                              const char               *host)
{
  g_autofree char *registrable = accord_domain_get_registrable (host);
  const char *other = registrable != NULL ? registrable : host;
  g_autoptr(AccordConfirmation) confirmation = NULL;
  g_autofree char *detail = NULL;

  /* Translators: %1$s is the domain of the address being set up, %2$s another domain */
  detail = g_strdup_printf (_("Exchange Autodiscover for %1$s leads to %2$s. Following it "
                              "would send your password to %2$s."),
                            self->domain, other);
  confirmation = accord_confirmation_new (ACCORD_CONFIRMATION_REDIRECT, other, detail, NULL);
  accord_lookup_add_confirmation (ACCORD_LOOKUP (self), confirmation);
}

/* --- one way to an answer --------------------------------------------------------- */

static void
chain_free (Chain *chain)
{
  g_free (chain->url);
  g_free (chain->address);
  g_clear_pointer (&chain->visited, g_ptr_array_unref);
  g_clear_object (&chain->message);
  g_free (chain);
}

static Chain *
_chain_new (GTask       *task,
            ChainKind    kind,
            gboolean     mobilesync,
            const char  *url,
            const char  *address,
            const Chain *from)
{
  Run *run = g_task_get_task_data (task);
  Chain *chain = g_new0 (Chain, 1);

  chain->task = _hold (task);
  chain->kind = kind;
  chain->mobilesync = mobilesync;
  chain->url = g_strdup (url);
  chain->address = g_strdup (address);
  if (from != NULL)
    {
      chain->hops = from->hops;
      chain->visited = g_ptr_array_copy (from->visited, (GCopyFunc) (void (*) (void)) g_strdup,
                                         NULL);
    }
  else
    {
      chain->visited = g_ptr_array_new_with_free_func (g_free);
    }

  if (kind == CHAIN_DIRECT)
    run->direct_alive++;

  return chain;
}

static void
_start_fallback (GTask      *task,
                 const char *url,
                 guint       hops)
{
  AccordLookupAutodiscover *self = g_task_get_source_object (task);
  Chain *chain = _chain_new (task, CHAIN_FALLBACK, FALSE, url, self->address, NULL);

  chain->hops = hops;
  _chain_ask (chain);
}

/* As MS-OXDSCLI orders it: the plain-HTTP redirect and SRV point away from the
 * domain's own servers, so they count only when neither of those answered. */
static void
_open_fallbacks (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  if (run->fallbacks_open || run->direct_alive > 0 || run->direct_answered)
    return;

  run->fallbacks_open = TRUE;
  if (run->probe_url != NULL)
    _start_fallback (task, run->probe_url, 1);
  if (run->srv_url != NULL)
    _start_fallback (task, run->srv_url, 0);
}

static void
_chain_end (Chain *chain)
{
  GTask *task = chain->task;
  Run *run = g_task_get_task_data (task);
  gboolean direct = chain->kind == CHAIN_DIRECT;

  chain_free (chain);

  if (direct)
    {
      run->direct_alive--;
      _open_fallbacks (task);
    }

  _release (task);
}

static void
_chain_fail (Chain     *chain,
             ErrorRank  rank,
             GError    *error)
{
  Run *run = g_task_get_task_data (chain->task);

  _record_error (run, rank, error);
  _chain_end (chain);
}

static void
_mark_answered (Chain *chain)
{
  Run *run = g_task_get_task_data (chain->task);

  if (chain->kind != CHAIN_DIRECT || run->direct_answered)
    return;

  run->direct_answered = TRUE;
  g_cancellable_cancel (run->fallback_cancellable);
}

static void
_chain_follow (Chain *chain,
               char  *url)
{
  chain->hops++;
  g_free (chain->url);
  chain->url = url;
  _chain_ask (chain);
}

static void
_ask_mobilesync (Chain    *chain,
                 gboolean  answered_in_mobilesync)
{
  Chain *follow_up;

  if (chain->mobilesync || answered_in_mobilesync)
    return;

  follow_up = _chain_new (chain->task, CHAIN_FOLLOW_UP, TRUE, chain->url, chain->address, chain);
  _chain_ask (follow_up);
}

static gboolean
_is_domain_name (const char *name)
{
  if (name == NULL || *name == '\0' || *name == '.' || strstr (name, "..") != NULL)
    return FALSE;

  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;

  return TRUE;
}

/* MS-OXDSCLI: a new address means starting over at its domain's endpoints. */
static void
_chain_redirect_address (Chain      *chain,
                         const char *address)
{
  g_autofree char *ascii = g_hostname_to_ascii (strrchr (address, '@') + 1);
  g_autofree char *domain = ascii != NULL ? g_ascii_strdown (ascii, -1) : NULL;
  char *urls[2];

  if (!_is_domain_name (domain))
    {
      _chain_fail (chain, RANK_ANSWER,
                   g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                _("The Exchange server at %s redirected to “%s”, which is not "
                                  "a valid address"),
                                chain->url, address));
      return;
    }

  urls[0] = g_strconcat ("https://", domain, AUTODISCOVER_PATH, NULL);
  urls[1] = g_strconcat ("https://autodiscover.", domain, AUTODISCOVER_PATH, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      Chain *next = _chain_new (chain->task, chain->kind, chain->mobilesync, urls[i], address,
                                chain);

      next->hops++;
      _chain_ask (next);
      g_free (urls[i]);
    }

  _chain_end (chain);
}

static void
_chain_read (Chain  *chain,
             GBytes *body)
{
  Run *run = g_task_get_task_data (chain->task);
  g_autoptr(AccordAutodiscoverResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  gboolean mobilesync_document;
  const char *data;
  gsize length;

  data = g_bytes_get_data (body, &length);
  response = accord_autodiscover_xml_parse (data != NULL ? data : "", length, chain->url, &error);
  mobilesync_document = _is_mobilesync_document (body);

  if (chain->kind == CHAIN_FOLLOW_UP)
    {
      /* Only settings are of use: the Outlook answer already said where to go. */
      if (response != NULL && mobilesync_document &&
          accord_autodiscover_response_get_kind (response) == ACCORD_AUTODISCOVER_SETTINGS)
        _add_response (chain, response);
      _chain_end (chain);
      return;
    }

  if (response == NULL)
    {
      /* Settings, though none Accord can use: the server is there and may know
       * ActiveSync. */
      if (g_error_matches (error, ACCORD_AUTODISCOVER_ERROR, ACCORD_AUTODISCOVER_ERROR_NO_SERVERS))
        {
          _mark_answered (chain);
          _ask_mobilesync (chain, mobilesync_document);
        }
      _chain_fail (chain, RANK_ANSWER, g_steal_pointer (&error));
      return;
    }

  _mark_answered (chain);

  switch (accord_autodiscover_response_get_kind (response))
    {
    case ACCORD_AUTODISCOVER_SETTINGS:
      _add_response (chain, response);
      _ask_mobilesync (chain, mobilesync_document);
      _chain_end (chain);
      break;

    case ACCORD_AUTODISCOVER_REDIRECT_URL:
      _chain_follow (chain, g_strdup (accord_autodiscover_response_get_redirect (response)));
      break;

    case ACCORD_AUTODISCOVER_REDIRECT_ADDRESS:
      _chain_redirect_address (chain, accord_autodiscover_response_get_redirect (response));
      break;

    case ACCORD_AUTODISCOVER_ERROR_RESPONSE:
    default:
      {
        const char *message = accord_autodiscover_response_get_error_message (response);
        const char *code = accord_autodiscover_response_get_error_code (response);

        _record_error (run, RANK_ANSWER,
                       g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                    _("The Exchange server at %s answered with an error: %s"),
                                    chain->url,
                                    message != NULL ? message : code != NULL ? code
                                                              : _("no reason given")));
        _ask_mobilesync (chain, mobilesync_document);
        _chain_end (chain);
      }
      break;
    }
}

static void
_chain_answer_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Chain *chain = user_data;
  Run *run = g_task_get_task_data (chain->task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  body = accord_http_send_limited_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      ErrorRank rank = _rank_of (error);

      if (chain->kind == CHAIN_FOLLOW_UP)
        _chain_end (chain);
      else
        _chain_fail (chain, rank, g_steal_pointer (&error));
      return;
    }

  status = soup_message_get_status (chain->message);

  if (chain->kind == CHAIN_FOLLOW_UP && !SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      _chain_end (chain);
      return;
    }

  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      g_autoptr(GUri) next = accord_http_get_redirect (chain->message);

      if (next == NULL)
        _chain_fail (chain, RANK_TRANSPORT,
                     g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                  _("%s redirects without saying where to"), chain->url));
      else
        _chain_follow (chain, g_uri_to_string (next));
      return;
    }

  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      _mark_answered (chain);
      if (!chain->with_password)
        {
          run->password_wanted = TRUE;
          _chain_end (chain);
          return;
        }

      run->sign_in_refused = TRUE;
      _chain_fail (chain, RANK_SIGN_IN,
                   g_error_new (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                _("The sign-in was refused by %s: check the address and the "
                                  "password"),
                                g_uri_get_host (soup_message_get_uri (chain->message))));
      return;
    }

  if (status == SOUP_STATUS_NOT_FOUND || status == SOUP_STATUS_METHOD_NOT_ALLOWED ||
      status == SOUP_STATUS_GONE)
    {
      _chain_end (chain);
      return;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      _chain_fail (chain, RANK_TRANSPORT,
                   g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, _("%s answered %u %s"),
                                chain->url, status,
                                soup_message_get_reason_phrase (chain->message)));
      return;
    }

  _chain_read (chain, body);
}

/* Without user information, fragment or default port: how the URL is shown, and
 * compared. */
static char *
_clean_url (GUri *uri)
{
  g_autoptr(GUri) clean = NULL;
  int port = g_uri_get_port (uri);

  clean = g_uri_build (g_uri_get_flags (uri), g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                       port == 443 ? -1 : port, g_uri_get_path (uri), g_uri_get_query (uri), NULL);
  return g_uri_to_string (clean);
}

/* What makes two requests the same question; host names and addresses ignore case. */
static char *
_request_key (gboolean    mobilesync,
              const char *url,
              const char *address)
{
  g_autofree char *key = g_strdup_printf ("%s %s %s", mobilesync ? "mobilesync" : "outlook",
                                          url, address);

  return g_ascii_strdown (key, -1);
}

static void
_chain_ask (Chain *chain)
{
  AccordLookupAutodiscover *self = g_task_get_source_object (chain->task);
  Run *run = g_task_get_task_data (chain->task);
  g_autoptr(GUri) uri = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;
  g_autofree char *key = NULL;
  SoupMessageHeaders *headers;
  const char *host;
  char *request;

  uri = g_uri_parse (chain->url, G_URI_FLAGS_ENCODED | G_URI_FLAGS_SCHEME_NORMALIZE, NULL);
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (host == NULL || *host == '\0' || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0)
    {
      /* Nothing is ever sent to Autodiscover over plain HTTP: anyone on the way could
       * read the address and the password, and write the answer. */
      _chain_fail (chain, RANK_ANSWER,
                   g_error_new (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                _("Exchange Autodiscover sent Accord to “%s”, which is not an "
                                  "encrypted (https) address; it was not followed"),
                                chain->url));
      return;
    }

  url = _clean_url (uri);
  g_free (chain->url);
  chain->url = g_strdup (url);
  key = _request_key (chain->mobilesync, url, chain->address);

  for (guint i = 0; i < chain->visited->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (chain->visited, i), key))
        {
          _chain_fail (chain, RANK_ANSWER,
                       g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                    _("The Exchange Autodiscover redirects for %s go round in "
                                      "a circle, back to %s"),
                                    chain->address, url));
          return;
        }
    }

  if (chain->hops > MAX_HOPS)
    {
      _chain_fail (chain, RANK_ANSWER,
                   g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                _("Exchange Autodiscover redirected Accord more than %u times; "
                                  "it stopped at %s"),
                                MAX_HOPS, url));
      return;
    }

  /* Another way reached the same question first. */
  if (g_hash_table_contains (run->asked, key))
    {
      _chain_end (chain);
      return;
    }

  chain->with_password = self->password != NULL && !run->sign_in_refused;
  if (chain->with_password &&
      !accord_domain_may_receive_credentials (self->domain, host,
                                              (const char * const *) self->allowed_domains))
    {
      _ask_before_sending_password (self, host);
      _chain_end (chain);
      return;
    }

  g_ptr_array_add (chain->visited, g_strdup (key));
  g_hash_table_add (run->asked, g_steal_pointer (&key));

  message = soup_message_new_from_uri (SOUP_METHOD_POST, uri);
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  /* The password goes exactly where the rule above allowed, never through a SoupAuth
   * that a challenge could send elsewhere or again. */
  soup_message_disable_feature (message, SOUP_TYPE_AUTH_MANAGER);
  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Accept", "text/xml");
  if (chain->with_password)
    accord_http_set_basic_auth (message, self->address, self->password);

  request = accord_autodiscover_build_request (chain->address, chain->mobilesync);
  body = g_bytes_new_take (request, strlen (request));
  soup_message_set_request_body_from_bytes (message, "text/xml", body);

  g_set_object (&chain->message, message);
  accord_http_send_limited_async (self->session, message, ACCORD_AUTODISCOVER_MAX_SIZE,
                                  run->cancellable, _chain_answer_cb, chain);
}

/* --- single requests ----------------------------------------------------------------- */

static Request *
_request_new (GTask       *task,
              const char  *url,
              const char  *accept)
{
  Request *request = g_new0 (Request, 1);

  request->task = _hold (task);
  request->message = soup_message_new (SOUP_METHOD_GET, url);
  g_assert (request->message != NULL);
  soup_message_add_flags (request->message, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_disable_feature (request->message, SOUP_TYPE_AUTH_MANAGER);
  soup_message_headers_replace (soup_message_get_request_headers (request->message),
                                "Accept", accept);

  return request;
}

static void
_request_end (Request *request)
{
  GTask *task = request->task;

  g_clear_object (&request->message);
  g_free (request);
  _release (task);
}

static void
_probe_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Request *request = user_data;
  Run *run = g_task_get_task_data (request->task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GUri) next = NULL;

  body = accord_http_send_limited_finish (SOUP_SESSION (object), result, NULL);
  if (body != NULL)
    next = accord_http_get_redirect (request->message);

  /* Anyone on the way could have written this redirect: it is followed only to an
   * encrypted address, and the password goes there only under the usual rule. */
  if (next != NULL && g_str_equal (g_uri_get_scheme (next), "https"))
    {
      run->probe_url = g_uri_to_string (next);
      if (run->fallbacks_open)
        _start_fallback (request->task, run->probe_url, 1);
    }

  _request_end (request);
}

static void
_srv_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  GList *targets;

  targets = g_resolver_lookup_service_finish (G_RESOLVER (object), result, NULL);

  /* Sorted by priority and weight; the first that offers the service is used. A target
   * of "." (not offered) arrives as an empty name and port 0. */
  for (GList *l = targets; l != NULL; l = l->next)
    {
      g_autofree char *hostname = g_strdup (g_srv_target_get_hostname (l->data));
      guint16 port = g_srv_target_get_port (l->data);
      gsize len = hostname != NULL ? strlen (hostname) : 0;

      if (len > 0 && hostname[len - 1] == '.')
        hostname[--len] = '\0';
      if (len == 0 || port == 0)
        continue;

      if (port == 443)
        run->srv_url = g_strconcat ("https://", hostname, AUTODISCOVER_PATH, NULL);
      else
        run->srv_url = g_strdup_printf ("https://%s:%u" AUTODISCOVER_PATH, hostname, port);
      break;
    }
  g_resolver_free_targets (targets);

  if (run->srv_url != NULL && run->fallbacks_open)
    _start_fallback (task, run->srv_url, 0);

  _release (task);
}

static void
_microsoft_365_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  static const AccordServiceKind services[] = {
    ACCORD_SERVICE_MAIL_IN, ACCORD_SERVICE_CONTACTS, ACCORD_SERVICE_CALENDAR,
  };
  Request *request = user_data;
  Run *run = g_task_get_task_data (request->task);
  g_autoptr(AccordCandidate) candidate = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_uri_to_string (soup_message_get_uri (request->message));
  const char *data;
  gsize length;
  guint status;

  body = accord_http_send_limited_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      ErrorRank rank = _rank_of (error);

      _record_error (run, rank, g_steal_pointer (&error));
      _request_end (request);
      return;
    }

  status = soup_message_get_status (request->message);
  if (status != SOUP_STATUS_OK)
    {
      _record_error (run, RANK_TRANSPORT,
                     g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, _("%s answered %u %s"), url,
                                  status, soup_message_get_reason_phrase (request->message)));
      _request_end (request);
      return;
    }

  data = g_bytes_get_data (body, &length);
  candidate = accord_autodiscover_parse_v2_json (data != NULL ? data : "", length,
                                                 request->protocol, &error);
  if (candidate == NULL)
    {
      _record_error (run, RANK_ANSWER, g_steal_pointer (&error));
      _request_end (request);
      return;
    }

  /* Exchange endpoints serve contacts and calendars too. The settings come from
   * Microsoft because the domain's MX says so, not from the domain itself. */
  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    {
      AccordCandidate *copy = accord_candidate_copy (candidate);

      copy->service = services[i];
      copy->flags |= ACCORD_CANDIDATE_FLAG_DNS_DERIVED;
      g_free (copy->source_detail);
      copy->source_detail = g_strdup (url);
      _add_candidate (request->task, copy);
    }

  _request_end (request);
}

static void
_ask_microsoft_365 (GTask          *task,
                    AccordProtocol  protocol)
{
  AccordLookupAutodiscover *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autofree char *escaped = g_uri_escape_string (self->address, NULL, FALSE);
  g_autofree char *url = NULL;
  Request *request;

  url = g_strdup_printf (MICROSOFT_365_V2_URL "?Email=%s&Protocol=%s", escaped,
                         protocol == ACCORD_PROTOCOL_EAS ? "ActiveSync" : "Ews");
  request = _request_new (task, url, "application/json");
  request->protocol = protocol;
  accord_http_send_limited_async (self->session, request->message, ACCORD_AUTODISCOVER_MAX_SIZE,
                                  run->cancellable, _microsoft_365_cb, request);
}

static gboolean
_is_microsoft_365_mx (const char *host)
{
  g_autofree char *lower = g_ascii_strdown (host, -1);
  gsize len = strlen (lower);

  if (len > 0 && lower[len - 1] == '.')
    lower[len - 1] = '\0';

  return g_str_has_suffix (lower, MICROSOFT_365_MX_SUFFIX);
}

static void
_mx_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  GTask *task = user_data;
  GList *records;

  records = g_resolver_lookup_records_finish (G_RESOLVER (object), result, NULL);
  for (GList *l = records; l != NULL; l = l->next)
    {
      const char *host = NULL;
      guint16 preference;

      g_variant_get (l->data, "(q&s)", &preference, &host);
      if (_is_microsoft_365_mx (host))
        {
          _ask_microsoft_365 (task, ACCORD_PROTOCOL_EAS);
          _ask_microsoft_365 (task, ACCORD_PROTOCOL_EWS);
          break;
        }
    }
  g_list_free_full (records, (GDestroyNotify) g_variant_unref);

  _release (task);
}

/* --- the lookup ---------------------------------------------------------------------- */

static void
accord_lookup_autodiscover_run_async (AccordLookup        *lookup,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  AccordLookupAutodiscover *self = ACCORD_LOOKUP_AUTODISCOVER (lookup);
  g_autoptr(GTask) task = NULL;
  g_autofree char *url = NULL;
  Request *probe;
  Run *run;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_lookup_autodiscover_run_async);
  /* _finish() decides what a cancelled run returns. */
  g_task_set_check_cancellable (task, FALSE);

  run = g_new0 (Run, 1);
  run->cancellable = g_cancellable_new ();
  run->fallback_cancellable = g_cancellable_new ();
  run->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_candidate_unref);
  run->asked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  if (cancellable != NULL)
    {
      run->outer = g_object_ref (cancellable);
      run->outer_id = g_cancellable_connect (cancellable, G_CALLBACK (_cancel_cb),
                                             g_object_ref (run->cancellable), g_object_unref);
    }
  run->fallback_id = g_cancellable_connect (run->cancellable, G_CALLBACK (_cancel_cb),
                                            g_object_ref (run->fallback_cancellable),
                                            g_object_unref);

  /* Held while everything starts, so that a way which ends at once cannot finish the
   * run before the others have begun. */
  _hold (task);

  url = g_strconcat ("https://", self->domain, AUTODISCOVER_PATH, NULL);
  _chain_ask (_chain_new (task, CHAIN_DIRECT, FALSE, url, self->address, NULL));
  g_free (url);
  url = g_strconcat ("https://autodiscover.", self->domain, AUTODISCOVER_PATH, NULL);
  _chain_ask (_chain_new (task, CHAIN_DIRECT, FALSE, url, self->address, NULL));

  /* Neither the address nor the password goes over plain HTTP: this GET only asks
   * where to go. */
  g_free (url);
  url = g_strconcat ("http://autodiscover.", self->domain, AUTODISCOVER_PATH, NULL);
  probe = _request_new (task, url, "text/xml");
  accord_http_send_limited_async (self->session, probe->message, PROBE_MAX_SIZE,
                                  run->fallback_cancellable, _probe_cb, probe);

  g_resolver_lookup_service_async (self->resolver, "autodiscover", "tcp", self->domain,
                                   run->fallback_cancellable, _srv_cb, _hold (task));
  g_resolver_lookup_records_async (self->resolver, self->domain, G_RESOLVER_RECORD_MX,
                                   run->cancellable, _mx_cb, _hold (task));

  _release (task);
}

static GPtrArray *
accord_lookup_autodiscover_run_finish (AccordLookup  *lookup,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
accord_lookup_autodiscover_finalize (GObject *object)
{
  AccordLookupAutodiscover *self = (AccordLookupAutodiscover *)object;

  g_clear_pointer (&self->domain, g_free);
  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->password, g_free);
  g_clear_pointer (&self->allowed_domains, g_strfreev);
  g_clear_object (&self->session);
  g_clear_object (&self->resolver);

  G_OBJECT_CLASS (accord_lookup_autodiscover_parent_class)->finalize (object);
}

static void
accord_lookup_autodiscover_class_init (AccordLookupAutodiscoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AccordLookupClass *lookup_class = ACCORD_LOOKUP_CLASS (klass);

  object_class->finalize = accord_lookup_autodiscover_finalize;
  lookup_class->run_async = accord_lookup_autodiscover_run_async;
  lookup_class->run_finish = accord_lookup_autodiscover_run_finish;
}

static void
accord_lookup_autodiscover_init (AccordLookupAutodiscover *self)
{
}

/**
 * accord_lookup_autodiscover_new:
 * @domain: the address's domain, in ASCII (punycode) form
 * @address: the whole address: what Autodiscover is asked about, and the user name
 *   for Basic authentication
 * @password: (nullable): the password; without one, nothing is authenticated
 * @allowed_domains: (nullable) (array zero-terminated=1): other registrable domains
 *   the person agreed to send the password to
 * @session: the session to ask with; its TLS database decides what is trusted
 * @resolver: the resolver for SRV and MX records
 */
AccordLookup *
accord_lookup_autodiscover_new (const char         *domain,
                                const char         *address,
                                const char         *password,
                                const char * const *allowed_domains,
                                SoupSession        *session,
                                GResolver          *resolver)
{
  AccordLookupAutodiscover *self;
  g_autofree char *target = NULL;

  g_return_val_if_fail (domain != NULL, NULL);
  g_return_val_if_fail (address != NULL && g_utf8_validate (address, -1, NULL), NULL);
  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (G_IS_RESOLVER (resolver), NULL);

  target = g_strdup_printf ("autodiscover.%s, %s", domain, domain);
  self = g_object_new (ACCORD_TYPE_LOOKUP_AUTODISCOVER,
                       "source", ACCORD_SOURCE_AUTODISCOVER,
                       "target", target,
                       NULL);
  self->domain = g_ascii_strdown (domain, -1);
  self->address = g_strdup (address);
  self->password = g_strdup (password);
  self->allowed_domains = g_strdupv ((char **) allowed_domains);
  self->session = g_object_ref (session);
  self->resolver = g_object_ref (resolver);

  return ACCORD_LOOKUP (self);
}
