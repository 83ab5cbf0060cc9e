/* accord-discovery.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "accord-discovery.h"
#include "accord-domain.h"
#include "accord-lookup-autoconfig.h"
#include "accord-lookup-autodiscover.h"
#include "accord-lookup-guess.h"
#include "accord-lookup-dav.h"
#include "accord-lookup-jmap.h"
#include "accord-lookup-mx.h"
#include "accord-lookup-srv.h"
#include "accord-verification.h"

/**
 * AccordDiscovery:
 *
 * From an address to every way its account can be reached. All lookups that send no
 * credentials start at once, each with its own timeout. Once one has found
 * something, the discovery waits a little longer (the grace period) only for sources
 * more trusted than the best answer so far, then stops the rest. Plain-HTTP autoconfig
 * counts only when no HTTPS source answered, and guessing runs only when every lookup
 * failed.
 */
struct _AccordDiscovery
{
  GObject       parent_instance;

  char         *address;
  char         *local_part;
  char         *domain;       /* ASCII (punycode) form */
  char         *ispdb_url;
  char         *password;
  GStrv         allowed_domains;
  GHashTable   *pins;         /* host → accepted certificate fingerprint */
  GStrv         local_dirs;
  gboolean      verify;
  guint         lookup_timeout_ms;
  guint         grace_ms;
  guint         hard_stop_ms;

  SoupSession  *session;
  GResolver    *resolver;
  GPtrArray    *lookups;
  GPtrArray    *candidates;
  GPtrArray    *warnings;     /* char*: one sentence each */
  GPtrArray    *confirmations; /* AccordConfirmation */
  AccordVerification *verification;
  AccordDecision *decision;

  GTask        *task;
  GCancellable *lookups_cancellable;
  guint         pending;
  guint         grace_id;
  guint         hard_stop_id;
  gboolean      guessing;
};

G_DEFINE_FINAL_TYPE (AccordDiscovery, accord_discovery, G_TYPE_OBJECT)

enum {
  LOOKUP_ADDED,
  VERIFYING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
_warning_free (AccordDiscoveryWarning *warning)
{
  g_free (warning->code);
  g_free (warning->message);
  g_free (warning);
}

static void
_add_warning (AccordDiscovery *self,
              const char      *code,
              char            *message)
{
  AccordDiscoveryWarning *warning = g_new0 (AccordDiscoveryWarning, 1);

  warning->code = g_strdup (code);
  warning->message = message;
  g_ptr_array_add (self->warnings, warning);
}

static void
accord_discovery_dispose (GObject *object)
{
  AccordDiscovery *self = (AccordDiscovery *)object;

  g_clear_handle_id (&self->grace_id, g_source_remove);
  g_clear_handle_id (&self->hard_stop_id, g_source_remove);
  if (self->lookups_cancellable != NULL)
    g_cancellable_cancel (self->lookups_cancellable);
  g_clear_object (&self->lookups_cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->resolver);

  G_OBJECT_CLASS (accord_discovery_parent_class)->dispose (object);
}

static void
accord_discovery_finalize (GObject *object)
{
  AccordDiscovery *self = (AccordDiscovery *)object;

  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->local_part, g_free);
  g_clear_pointer (&self->domain, g_free);
  g_clear_pointer (&self->ispdb_url, g_free);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_clear_pointer (&self->password, g_free);
  g_clear_pointer (&self->allowed_domains, g_strfreev);
  g_clear_pointer (&self->pins, g_hash_table_unref);
  g_clear_pointer (&self->local_dirs, g_strfreev);
  g_clear_pointer (&self->confirmations, g_ptr_array_unref);
  g_clear_object (&self->verification);
  g_clear_object (&self->decision);
  g_clear_pointer (&self->lookups, g_ptr_array_unref);
  g_clear_pointer (&self->candidates, g_ptr_array_unref);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);

  G_OBJECT_CLASS (accord_discovery_parent_class)->finalize (object);
}

static void
accord_discovery_class_init (AccordDiscoveryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = accord_discovery_dispose;
  object_class->finalize = accord_discovery_finalize;

  /**
   * AccordDiscovery::lookup-added:
   *
   * A lookup joined the discovery; its "outcome" property tells how it goes.
   */
  signals[LOOKUP_ADDED] =
    g_signal_new ("lookup-added",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, ACCORD_TYPE_LOOKUP);

  /**
   * AccordDiscovery::verifying:
   *
   * The lookups are over; the servers found are being probed and signed in to.
   */
  signals[VERIFYING] =
    g_signal_new ("verifying",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
accord_discovery_init (AccordDiscovery *self)
{
  self->ispdb_url = g_strdup (ACCORD_DEFAULT_ISPDB_URL);
  self->lookup_timeout_ms = 15000;
  self->grace_ms = 3000;
  self->hard_stop_ms = 20000;
  self->lookups = g_ptr_array_new_with_free_func (g_object_unref);
  self->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_candidate_unref);
  self->warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) _warning_free);
  self->confirmations = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_confirmation_unref);
  self->verify = TRUE;
  self->pins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->resolver = g_resolver_get_default ();
}

/**
 * accord_discovery_new:
 * @address: an email address; an internationalized domain is looked up in its ASCII
 *   (punycode) form
 *
 * Returns: (transfer full) (nullable): a discovery, or %NULL when @address is not an
 *   address
 */
AccordDiscovery *
accord_discovery_new (const char *address)
{
  g_autoptr(AccordDiscovery) self = NULL;
  g_autofree char *domain = NULL;
  const char *at;

  g_return_val_if_fail (address != NULL, NULL);

  at = strrchr (address, '@');
  if (at == NULL || at == address || at[1] == '\0' || !g_utf8_validate (address, -1, NULL))
    return NULL;

  domain = g_hostname_to_ascii (at + 1);
  if (domain == NULL || strchr (domain, '.') == NULL || strchr (domain, '/') != NULL)
    return NULL;

  self = g_object_new (ACCORD_TYPE_DISCOVERY, NULL);
  self->address = g_strdup (address);
  self->local_part = g_strndup (address, at - address);
  self->domain = g_ascii_strdown (domain, -1);
  self->local_dirs = g_new0 (char *, 1);

  return g_steal_pointer (&self);
}

const char *
accord_discovery_get_address (AccordDiscovery *self)
{
  g_return_val_if_fail (ACCORD_IS_DISCOVERY (self), NULL);

  return self->address;
}

const char *
accord_discovery_get_domain (AccordDiscovery *self)
{
  g_return_val_if_fail (ACCORD_IS_DISCOVERY (self), NULL);

  return self->domain;
}

/**
 * accord_discovery_set_ispdb_url:
 * @url: the ISP database's base URL; the domain is appended
 */
void
accord_discovery_set_ispdb_url (AccordDiscovery *self,
                                const char      *url)
{
  g_return_if_fail (ACCORD_IS_DISCOVERY (self));
  g_return_if_fail (url != NULL);

  g_free (self->ispdb_url);
  self->ispdb_url = g_strdup (url);
}

/* The ISP database's address: for scripts the environment, else the app's setting
 * when its schema is installed, else the default. */
static char *
_configured_ispdb_url (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (g_getenv ("ACCORD_ISPDB_URL") != NULL)
    return g_strdup (g_getenv ("ACCORD_ISPDB_URL"));

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL)
    {
      g_autoptr(GSettings) settings = g_settings_new_full (schema, NULL, NULL);

      return g_settings_get_string (settings, "ispdb-url");
    }

  return g_strdup (ACCORD_DEFAULT_ISPDB_URL);
}

/**
 * accord_discovery_use_configured_sources:
 *
 * Uses the sources a person configured: the ISP database from `ACCORD_ISPDB_URL`, else
 * the `ispdb-url` setting, and override files in `$XDG_CONFIG_HOME/accord/isp/`, then
 * in the system's data folder.
 */
void
accord_discovery_use_configured_sources (AccordDiscovery *self)
{
  g_autofree char *ispdb_url = _configured_ispdb_url ();
  g_autofree char *user_dir = g_build_filename (g_get_user_config_dir (), "accord", "isp", NULL);
  g_autofree char *system_dir = g_build_filename (DATADIR, "accord", "isp", NULL);
  const char *dirs[] = { user_dir, system_dir, NULL };

  g_return_if_fail (ACCORD_IS_DISCOVERY (self));

  accord_discovery_set_ispdb_url (self, ispdb_url);
  accord_discovery_set_local_dirs (self, dirs);
}

/**
 * accord_discovery_set_local_dirs:
 * @dirs: folders with override files named `<domain>.xml`, most important first
 */
void
accord_discovery_set_local_dirs (AccordDiscovery    *self,
                                 const char * const *dirs)
{
  g_return_if_fail (ACCORD_IS_DISCOVERY (self));

  g_strfreev (self->local_dirs);
  self->local_dirs = g_strdupv ((char **) dirs);
  if (self->local_dirs == NULL)
    self->local_dirs = g_new0 (char *, 1);
}

/**
 * accord_discovery_set_password:
 * @password: (nullable): the account's password, or %NULL to look up without one
 *
 * With a password, lookups that need one (Exchange Autodiscover, CalDAV and CardDAV
 * principals, JMAP sessions) send it to the address's own domain, and the chosen mail
 * servers are signed in to.
 */
void
accord_discovery_set_password (AccordDiscovery *self,
                               const char      *password)
{
  g_return_if_fail (ACCORD_IS_DISCOVERY (self));

  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  self->password = g_strdup (password);
}

gboolean
accord_discovery_get_has_password (AccordDiscovery *self)
{
  g_return_val_if_fail (ACCORD_IS_DISCOVERY (self), FALSE);

  return self->password != NULL;
}

/**
 * accord_discovery_set_allowed_domains:
 * @domains: (nullable) (array zero-terminated=1): other domains the person agreed to
 *   send the password to, when a server redirects there
 */
void
accord_discovery_set_allowed_domains (AccordDiscovery    *self,
                                      const char * const *domains)
{
  g_return_if_fail (ACCORD_IS_DISCOVERY (self));

  g_strfreev (self->allowed_domains);
  self->allowed_domains = g_strdupv ((char **) domains);
}

/**
 * accord_discovery_set_pinned_certificate:
 * @host: a server's host name
 * @fingerprint: the SHA-256 fingerprint of its certificate, which the person accepted
 *   although it failed verification
 */
void
accord_discovery_set_pinned_certificate (AccordDiscovery *self,
                                         const char      *host,
                                         const char      *fingerprint)
{
  g_return_if_fail (ACCORD_IS_DISCOVERY (self));
  g_return_if_fail (host != NULL && fingerprint != NULL);

  g_hash_table_replace (self->pins, g_ascii_strdown (host, -1), g_strdup (fingerprint));
}

/**
 * accord_discovery_set_verify:
 * @verify: whether to probe the mail servers found (on by default)
 */
void
accord_discovery_set_verify (AccordDiscovery *self,
                             gboolean         verify)
{
  g_return_if_fail (ACCORD_IS_DISCOVERY (self));

  self->verify = !!verify;
}

void
accord_discovery_set_timings (AccordDiscovery *self,
                              guint            lookup_timeout_ms,
                              guint            grace_ms,
                              guint            hard_stop_ms)
{
  g_return_if_fail (ACCORD_IS_DISCOVERY (self));

  self->lookup_timeout_ms = lookup_timeout_ms;
  self->grace_ms = grace_ms;
  self->hard_stop_ms = hard_stop_ms;
}

/**
 * accord_discovery_get_lookups:
 *
 * Returns: (transfer none) (element-type AccordLookup): every lookup, in the order
 *   they started
 */
GPtrArray *
accord_discovery_get_lookups (AccordDiscovery *self)
{
  g_return_val_if_fail (ACCORD_IS_DISCOVERY (self), NULL);

  return self->lookups;
}

/**
 * accord_discovery_get_candidates:
 *
 * Returns: (transfer none) (element-type AccordCandidate): what was found, most
 *   trusted source first
 */
GPtrArray *
accord_discovery_get_candidates (AccordDiscovery *self)
{
  g_return_val_if_fail (ACCORD_IS_DISCOVERY (self), NULL);

  return self->candidates;
}

/**
 * accord_discovery_get_warnings:
 *
 * Returns: (transfer none) (element-type AccordDiscoveryWarning): what a person should
 *   know, such as a source that was only reachable without encryption
 */
GPtrArray *
accord_discovery_get_warnings (AccordDiscovery *self)
{
  g_return_val_if_fail (ACCORD_IS_DISCOVERY (self), NULL);

  return self->warnings;
}

/**
 * accord_discovery_get_confirmations:
 *
 * Returns: (transfer none) (element-type AccordConfirmation): what the person must say
 *   yes to before the decided settings are used: redirects to other domains, settings
 *   from the mail exchanger's domain or from plain HTTP, untrusted certificates
 */
GPtrArray *
accord_discovery_get_confirmations (AccordDiscovery *self)
{
  g_return_val_if_fail (ACCORD_IS_DISCOVERY (self), NULL);

  return self->confirmations;
}

/**
 * accord_discovery_get_provider:
 *
 * Returns: (transfer none) (nullable): the provider's own description (autoconfig or
 *   the ISP database) from the most trusted source that had one: its name, help pages
 *   and the steps to take in its web settings before a mail client may connect
 */
AccordAutoconfig *
accord_discovery_get_provider (AccordDiscovery *self)
{
  AccordAutoconfig *best = NULL;
  AccordSourceKind best_source = ACCORD_SOURCE_GUESS;

  g_return_val_if_fail (ACCORD_IS_DISCOVERY (self), NULL);

  for (guint i = 0; i < self->lookups->len; i++)
    {
      AccordLookup *lookup = g_ptr_array_index (self->lookups, i);
      AccordAutoconfig *config;

      if (!ACCORD_IS_LOOKUP_AUTOCONFIG (lookup) ||
          accord_lookup_get_source (lookup) == ACCORD_SOURCE_HTTP_AUTOCONFIG)
        continue;

      config = accord_lookup_autoconfig_get_config (ACCORD_LOOKUP_AUTOCONFIG (lookup));
      if (config != NULL && (best == NULL || accord_lookup_get_source (lookup) < best_source))
        {
          best = config;
          best_source = accord_lookup_get_source (lookup);
        }
    }

  return best;
}

/**
 * accord_discovery_get_decision:
 *
 * Returns: (transfer none) (nullable): the decision, once the discovery finished
 */
AccordDecision *
accord_discovery_get_decision (AccordDiscovery *self)
{
  g_return_val_if_fail (ACCORD_IS_DISCOVERY (self), NULL);

  return self->decision;
}

/**
 * accord_discovery_get_verification:
 *
 * Returns: (transfer none) (nullable): the probes and sign-ins, once the discovery
 *   finished, unless verifying was turned off
 */
AccordVerification *
accord_discovery_get_verification (AccordDiscovery *self)
{
  g_return_val_if_fail (ACCORD_IS_DISCOVERY (self), NULL);

  return self->verification;
}

static void _lookup_done_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
_start_lookup (AccordDiscovery *self,
               AccordLookup    *lookup)
{
  g_ptr_array_add (self->lookups, lookup);
  accord_lookup_set_timeout_ms (lookup, self->lookup_timeout_ms);
  g_signal_emit (self, signals[LOOKUP_ADDED], 0, lookup);

  self->pending++;
  accord_lookup_run_async (lookup, self->lookups_cancellable, _lookup_done_cb,
                           g_object_ref (self));
}

static gboolean
_has_mail_in (GPtrArray *candidates)
{
  for (guint i = 0; i < candidates->len; i++)
    if (((AccordCandidate *) g_ptr_array_index (candidates, i))->service == ACCORD_SERVICE_MAIL_IN)
      return TRUE;

  return FALSE;
}

static void
_add_confirmation (AccordDiscovery    *self,
                   AccordConfirmation *confirmation)
{
  for (guint i = 0; i < self->confirmations->len; i++)
    if (accord_confirmation_equal (g_ptr_array_index (self->confirmations, i), confirmation))
      return;

  g_ptr_array_add (self->confirmations, accord_confirmation_ref (confirmation));
}

/* The registrable domain a redirected candidate was read from. */
static char *
_redirect_domain (const AccordCandidate *candidate)
{
  g_autoptr(GUri) uri = NULL;

  if (candidate->source_detail != NULL)
    uri = g_uri_parse (candidate->source_detail, G_URI_FLAGS_NONE, NULL);
  if (uri != NULL && g_uri_get_host (uri) != NULL)
    return accord_domain_get_registrable (g_uri_get_host (uri));

  return accord_domain_get_registrable (candidate->host ? candidate->host : candidate->url);
}

/* Whether the person already agreed to @registrable. */
static gboolean
_is_allowed (AccordDiscovery *self,
             const char      *registrable)
{
  for (guint i = 0; self->allowed_domains != NULL && self->allowed_domains[i] != NULL; i++)
    if (accord_domain_same_registrable (self->allowed_domains[i], registrable))
      return TRUE;

  return FALSE;
}

/* The questions the chosen settings raise by where they came from. */
static void
_confirm_choices (AccordDiscovery *self)
{
  for (AccordServiceKind s = 0; s < ACCORD_N_SERVICES; s++)
    {
      AccordCandidate *choice = accord_decision_get_choice (self->decision, s);
      g_autoptr(AccordConfirmation) confirmation = NULL;
      g_autofree char *registrable = NULL;
      g_autofree char *detail = NULL;

      if (choice == NULL)
        continue;

      if (choice->flags & ACCORD_CANDIDATE_FLAG_INSECURE_SOURCE)
        {
          detail = g_strdup_printf (_("The settings came over an unencrypted connection from "
                                      "%s; anyone on the way could have changed them"),
                                    choice->source_detail);
          confirmation = accord_confirmation_new (ACCORD_CONFIRMATION_INSECURE,
                                                  choice->source_detail, detail, NULL);
        }
      else if (choice->flags & ACCORD_CANDIDATE_FLAG_DNS_DERIVED)
        {
          const char *host = choice->host ? choice->host : choice->source_detail;

          registrable = accord_domain_get_registrable (host);
          detail = g_strdup_printf (_("Mail for %s is handled by %s; the settings are that "
                                      "company’s"),
                                    self->domain, registrable ? registrable : host);
          confirmation = accord_confirmation_new (ACCORD_CONFIRMATION_DNS_DERIVED,
                                                  registrable ? registrable : host, detail, NULL);
        }
      else if ((choice->flags & ACCORD_CANDIDATE_FLAG_REDIRECTED) &&
               (registrable = _redirect_domain (choice)) != NULL &&
               !_is_allowed (self, registrable))
        {
          detail = g_strdup_printf (_("Your provider sent Accord to %s, another domain, for "
                                      "these settings"), registrable);
          confirmation = accord_confirmation_new (ACCORD_CONFIRMATION_REDIRECT, registrable,
                                                  detail, NULL);
        }

      if (confirmation != NULL)
        _add_confirmation (self, confirmation);
    }
}

static void
_finish (AccordDiscovery *self,
         GTask           *task)
{
  g_autoptr(GTask) owned = task;

  _confirm_choices (self);
  g_task_return_boolean (owned, TRUE);
}

static void
_verified_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  AccordVerification *verification = ACCORD_VERIFICATION (object);
  g_autoptr(GTask) task = user_data;
  AccordDiscovery *self = g_task_get_source_object (task);
  GPtrArray *questions;
  g_autoptr(GError) error = NULL;

  if (!accord_verification_run_finish (verification, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self->decision = g_object_ref (accord_verification_get_decision (verification));
  for (AccordServiceKind s = 0; s < ACCORD_N_SERVICES; s++)
    {
      AccordCandidate *choice = accord_decision_get_choice (self->decision, s);

      if (choice != NULL && (choice->flags & ACCORD_CANDIDATE_FLAG_UNREACHABLE))
        /* Translators: %s is a server's host name */
        _add_warning (self, "unreachable",
                      g_strdup_printf (_("%s did not answer; check the settings with your "
                                         "provider, or try again later"), choice->host));
    }
  questions = accord_verification_get_confirmations (verification);
  for (guint i = 0; i < questions->len; i++)
    _add_confirmation (self, g_ptr_array_index (questions, i));

  _finish (self, g_steal_pointer (&task));
}

/* Collects the candidates in trust order, applies the plain-HTTP rule, then probes. */
static void
_complete (AccordDiscovery *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);
  GCancellable *cancellable;
  GHashTableIter iter;
  const char *host, *fingerprint;
  gboolean have_secure = FALSE;

  g_clear_handle_id (&self->grace_id, g_source_remove);
  g_clear_handle_id (&self->hard_stop_id, g_source_remove);

  if (g_task_return_error_if_cancelled (task))
    return;

  for (guint i = 0; i < self->lookups->len; i++)
    {
      AccordLookup *lookup = g_ptr_array_index (self->lookups, i);

      if (accord_lookup_get_source (lookup) != ACCORD_SOURCE_HTTP_AUTOCONFIG &&
          accord_lookup_get_source (lookup) != ACCORD_SOURCE_GUESS &&
          accord_lookup_get_candidates (lookup)->len > 0)
        have_secure = TRUE;
    }

  for (AccordSourceKind source = ACCORD_SOURCE_LOCAL; source <= ACCORD_SOURCE_GUESS; source++)
    for (guint i = 0; i < self->lookups->len; i++)
      {
        AccordLookup *lookup = g_ptr_array_index (self->lookups, i);
        GPtrArray *found = accord_lookup_get_candidates (lookup);

        if (accord_lookup_get_source (lookup) != source || found->len == 0)
          continue;

        if (source == ACCORD_SOURCE_HTTP_AUTOCONFIG)
          {
            if (have_secure)
              continue;
            _add_warning (self, "insecure-source",
                          g_strdup_printf (_("The settings for %s came over an unencrypted "
                                             "connection (%s); check them before you use them"),
                                           self->domain, accord_lookup_get_target (lookup)));
          }

        g_ptr_array_extend (self->candidates, found, (GCopyFunc) accord_candidate_ref, NULL);
      }

  for (guint i = 0; i < self->lookups->len; i++)
    {
      GPtrArray *questions = accord_lookup_get_confirmations (g_ptr_array_index (self->lookups, i));

      for (guint j = 0; j < questions->len; j++)
        _add_confirmation (self, g_ptr_array_index (questions, j));
    }

  if (!self->verify)
    {
      self->decision = accord_decision_new (accord_protocol_matrix_get_default (), self->candidates);
      _finish (self, g_steal_pointer (&task));
      return;
    }

  g_signal_emit (self, signals[VERIFYING], 0);
  cancellable = g_task_get_cancellable (task);
  self->verification = accord_verification_new (self->address, self->password);
  g_hash_table_iter_init (&iter, self->pins);
  while (g_hash_table_iter_next (&iter, (gpointer *) &host, (gpointer *) &fingerprint))
    accord_verification_set_pinned_certificate (self->verification, host, fingerprint);
  accord_verification_run_async (self->verification, self->candidates,
                                 accord_protocol_matrix_get_default (),
                                 cancellable, _verified_cb, g_steal_pointer (&task));
}

static gboolean
_grace_over_cb (gpointer user_data)
{
  AccordDiscovery *self = user_data;

  self->grace_id = 0;
  /* The rest is no longer needed: their outcome says so, and the result is ready. */
  g_cancellable_cancel (self->lookups_cancellable);
  return G_SOURCE_REMOVE;
}

static gboolean
_hard_stop_cb (gpointer user_data)
{
  AccordDiscovery *self = user_data;

  self->hard_stop_id = 0;
  g_cancellable_cancel (self->lookups_cancellable);
  return G_SOURCE_REMOVE;
}

/* Lookups that find other services or protocols than the mail settings of the
 * sources before them: they are worth the grace period whatever was found first. */
static gboolean
_is_complementary (AccordSourceKind source)
{
  return source == ACCORD_SOURCE_DAV ||
         source == ACCORD_SOURCE_JMAP ||
         source == ACCORD_SOURCE_AUTODISCOVER;
}

/* Whether some lookup more trusted than @source, or a complementary one, is still
 * running. */
static gboolean
_waiting_for_more_trusted (AccordDiscovery  *self,
                           AccordSourceKind  source)
{
  for (guint i = 0; i < self->lookups->len; i++)
    {
      AccordLookup *lookup = g_ptr_array_index (self->lookups, i);
      AccordSourceKind other = accord_lookup_get_source (lookup);

      if ((other < source || _is_complementary (other)) &&
          accord_lookup_get_outcome (lookup) == ACCORD_LOOKUP_RUNNING)
        return TRUE;
    }

  return FALSE;
}

static void
_lookup_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(AccordDiscovery) self = user_data;
  AccordLookup *lookup = ACCORD_LOOKUP (object);
  AccordSourceKind best = ACCORD_SOURCE_GUESS + 1;

  accord_lookup_run_finish (lookup, result, NULL);
  self->pending--;

  if (self->task == NULL)
    return;

  for (guint i = 0; i < self->lookups->len; i++)
    {
      AccordLookup *other = g_ptr_array_index (self->lookups, i);

      /* The clock starts with the first way to read mail; contacts alone do not count. */
      if (accord_lookup_get_outcome (other) == ACCORD_LOOKUP_FOUND &&
          accord_lookup_get_source (other) != ACCORD_SOURCE_HTTP_AUTOCONFIG &&
          _has_mail_in (accord_lookup_get_candidates (other)))
        best = MIN (best, accord_lookup_get_source (other));
    }

  if (self->pending > 0)
    {
      if (best <= ACCORD_SOURCE_GUESS && !_waiting_for_more_trusted (self, best))
        g_cancellable_cancel (self->lookups_cancellable);
      else if (best <= ACCORD_SOURCE_GUESS && self->grace_id == 0)
        self->grace_id = g_timeout_add (self->grace_ms, _grace_over_cb, self);
      return;
    }

  if (!self->guessing)
    {
      g_autoptr(GPtrArray) found = g_ptr_array_new ();

      for (guint i = 0; i < self->lookups->len; i++)
        g_ptr_array_extend (found,
                            accord_lookup_get_candidates (g_ptr_array_index (self->lookups, i)),
                            NULL, NULL);

      if (!_has_mail_in (found))
        {
          self->guessing = TRUE;
          g_clear_object (&self->lookups_cancellable);
          self->lookups_cancellable = g_cancellable_new ();
          _start_lookup (self, accord_lookup_guess_new (self->domain, self->resolver));
          return;
        }
    }

  _complete (self);
}

static void
_outer_cancelled_cb (GCancellable *outer,
                     GCancellable *lookups)
{
  g_cancellable_cancel (lookups);
}

static char *
_ascii_address (AccordDiscovery *self)
{
  return g_strconcat (self->local_part, "@", self->domain, NULL);
}

/**
 * accord_discovery_run_async:
 *
 * Runs every lookup. The discovery can run once.
 */
void
accord_discovery_run_async (AccordDiscovery     *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autofree char *address = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *url = NULL;
  g_autofree char *file = NULL;

  g_return_if_fail (ACCORD_IS_DISCOVERY (self));
  g_return_if_fail (self->task == NULL && self->lookups->len == 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, accord_discovery_run_async);

  self->lookups_cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (_outer_cancelled_cb),
                           g_object_ref (self->lookups_cancellable), g_object_unref);

  self->session = soup_session_new_with_options ("timeout", self->lookup_timeout_ms / 1000 + 1,
                                                 "max-conns-per-host", 4,
                                                 NULL);
  soup_session_set_user_agent (self->session, "Accord/" PACKAGE_VERSION);

  address = _ascii_address (self);
  escaped = g_uri_escape_string (address, NULL, FALSE);
  file = g_strconcat (self->domain, ".xml", NULL);

  for (guint i = 0; self->local_dirs[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (self->local_dirs[i], file, NULL);

      _start_lookup (self, accord_lookup_autoconfig_new_file (ACCORD_SOURCE_LOCAL, path, address));
    }

  g_free (url);
  url = g_strdup_printf ("https://autoconfig.%s/mail/config-v1.1.xml?emailaddress=%s",
                         self->domain, escaped);
  _start_lookup (self, accord_lookup_autoconfig_new_url (ACCORD_SOURCE_AUTOCONFIG, url, address,
                                                         self->session));

  g_free (url);
  url = g_strdup_printf ("https://%s/.well-known/autoconfig/mail/config-v1.1.xml", self->domain);
  _start_lookup (self, accord_lookup_autoconfig_new_url (ACCORD_SOURCE_AUTOCONFIG, url, address,
                                                         self->session));

  g_free (url);
  url = g_strconcat (self->ispdb_url, g_str_has_suffix (self->ispdb_url, "/") ? "" : "/",
                     self->domain, NULL);
  _start_lookup (self, accord_lookup_autoconfig_new_url (ACCORD_SOURCE_ISPDB, url, address,
                                                         self->session));

  _start_lookup (self, accord_lookup_mx_new (self->domain, address, self->ispdb_url,
                                             self->session, self->resolver));
  _start_lookup (self, accord_lookup_srv_new (self->domain, self->resolver));
  _start_lookup (self, accord_lookup_dav_new (ACCORD_SERVICE_CONTACTS, self->domain, address,
                                              self->password,
                                              (const char * const *) self->allowed_domains,
                                              self->session, self->resolver));
  _start_lookup (self, accord_lookup_dav_new (ACCORD_SERVICE_CALENDAR, self->domain, address,
                                              self->password,
                                              (const char * const *) self->allowed_domains,
                                              self->session, self->resolver));
  _start_lookup (self, accord_lookup_jmap_new (self->domain, address, self->password,
                                               (const char * const *) self->allowed_domains,
                                               self->session, self->resolver));

  _start_lookup (self, accord_lookup_autodiscover_new (self->domain, address, self->password,
                                                       (const char * const *) self->allowed_domains,
                                                       self->session, self->resolver));

  /* Without the address: a plain-HTTP answer is anyone's to give, and the address is
   * nobody's business on the way. */
  g_free (url);
  url = g_strdup_printf ("http://autoconfig.%s/mail/config-v1.1.xml", self->domain);
  _start_lookup (self, accord_lookup_autoconfig_new_url (ACCORD_SOURCE_HTTP_AUTOCONFIG, url,
                                                         address, self->session));

  self->hard_stop_id = g_timeout_add (self->hard_stop_ms, _hard_stop_cb, self);
}

gboolean
accord_discovery_run_finish (AccordDiscovery  *self,
                             GAsyncResult     *result,
                             GError          **error)
{
  g_return_val_if_fail (ACCORD_IS_DISCOVERY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
