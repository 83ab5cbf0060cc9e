/* accord-verification.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-core-enums.h"
#include "accord-verification.h"

/**
 * AccordVerification:
 *
 * What discovery found, checked against the servers themselves. Every mail server
 * named by a candidate (IMAP, POP3, SMTP) is probed once, all at once and without a
 * password: TLS or STARTTLS as the candidate says, with the certificate verified.
 * A server that does not answer ranks below those that do; one whose certificate
 * fails verification is kept for the person to decide, with its fingerprint.
 *
 * With a password, the chosen incoming and outgoing servers are then signed in to,
 * one after the other: with the user name the source gave, or else the address and
 * then its local part. The first clear "wrong password" ends all signing in, so a
 * mistyped password costs one or two failed attempts, never a lockout. No password
 * is ever sent to a server whose certificate was not verified.
 */
struct _AccordVerification
{
  GObject           parent_instance;

  char             *address;
  char             *password;
  guint             timeout;
  GTlsDatabase     *tls_database;
  GHashTable       *pins;           /* host → accepted certificate fingerprint */

  GPtrArray        *candidates;     /* AccordCandidate, our own copies */
  GArray           *checks;         /* AccordCheck */
  GPtrArray        *confirmations;  /* AccordConfirmation */
  AccordDecision   *decision;

  AccordProbeLogin  login[ACCORD_N_SERVICES];
  char             *login_message[ACCORD_N_SERVICES];
  char             *good_username;
  gboolean          refused;

  GTask            *task;
  guint             pending;
};

G_DEFINE_FINAL_TYPE (AccordVerification, accord_verification, G_TYPE_OBJECT)

static void
_check_clear (AccordCheck *check)
{
  g_clear_pointer (&check->candidate, accord_candidate_unref);
  g_clear_pointer (&check->result, accord_probe_result_unref);
  g_clear_error (&check->error);
}

static void
accord_verification_finalize (GObject *object)
{
  AccordVerification *self = (AccordVerification *)object;

  g_clear_pointer (&self->address, g_free);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_clear_pointer (&self->password, g_free);
  g_clear_object (&self->tls_database);
  g_clear_pointer (&self->pins, g_hash_table_unref);
  g_clear_pointer (&self->candidates, g_ptr_array_unref);
  g_clear_pointer (&self->checks, g_array_unref);
  g_clear_pointer (&self->confirmations, g_ptr_array_unref);
  g_clear_object (&self->decision);
  for (guint i = 0; i < ACCORD_N_SERVICES; i++)
    g_clear_pointer (&self->login_message[i], g_free);
  g_clear_pointer (&self->good_username, g_free);

  G_OBJECT_CLASS (accord_verification_parent_class)->finalize (object);
}

static void
accord_verification_class_init (AccordVerificationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = accord_verification_finalize;
}

static void
accord_verification_init (AccordVerification *self)
{
  self->timeout = ACCORD_PROBE_DEFAULT_TIMEOUT;
  self->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_candidate_unref);
  self->checks = g_array_new (FALSE, TRUE, sizeof (AccordCheck));
  g_array_set_clear_func (self->checks, (GDestroyNotify) _check_clear);
  self->confirmations = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_confirmation_unref);
  self->pins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * accord_verification_new:
 * @address: the account's address
 * @password: (nullable): the password to sign in with, or %NULL to probe only
 */
AccordVerification *
accord_verification_new (const char *address,
                         const char *password)
{
  AccordVerification *self;

  g_return_val_if_fail (address != NULL && strchr (address, '@') != NULL, NULL);

  self = g_object_new (ACCORD_TYPE_VERIFICATION, NULL);
  self->address = g_strdup (address);
  self->password = g_strdup (password);

  return self;
}

/**
 * accord_verification_set_timeout:
 * @seconds: how long each probe and each sign-in may take
 */
void
accord_verification_set_timeout (AccordVerification *self,
                                 guint               seconds)
{
  g_return_if_fail (ACCORD_IS_VERIFICATION (self));
  g_return_if_fail (seconds > 0);

  self->timeout = seconds;
}

void
accord_verification_set_tls_database (AccordVerification *self,
                                      GTlsDatabase       *database)
{
  g_return_if_fail (ACCORD_IS_VERIFICATION (self));

  g_set_object (&self->tls_database, database);
}

/**
 * accord_verification_set_pinned_certificate:
 * @host: a server's host name
 * @fingerprint: the SHA-256 fingerprint of a certificate the person accepted for it
 *
 * That certificate is then trusted for @host although it fails verification, and
 * signing in goes ahead.
 */
void
accord_verification_set_pinned_certificate (AccordVerification *self,
                                            const char         *host,
                                            const char         *fingerprint)
{
  g_return_if_fail (ACCORD_IS_VERIFICATION (self));
  g_return_if_fail (host != NULL && fingerprint != NULL);

  g_hash_table_replace (self->pins, g_ascii_strdown (host, -1), g_strdup (fingerprint));
}

static gboolean
_is_probed (const AccordCandidate *candidate)
{
  return candidate->host != NULL &&
         (candidate->protocol == ACCORD_PROTOCOL_IMAP ||
          candidate->protocol == ACCORD_PROTOCOL_POP3 ||
          candidate->protocol == ACCORD_PROTOCOL_SMTP);
}

/* One server, whichever service or source named it. */
static gboolean
_same_server (const AccordCandidate *a,
              const AccordCandidate *b)
{
  return a->protocol == b->protocol &&
         g_ascii_strcasecmp (a->host, b->host) == 0 &&
         a->port == b->port &&
         a->security == b->security;
}

static AccordCheck *
_find_check (AccordVerification    *self,
             const AccordCandidate *candidate)
{
  for (guint i = 0; i < self->checks->len; i++)
    {
      AccordCheck *check = &g_array_index (self->checks, AccordCheck, i);

      if (_same_server (check->candidate, candidate))
        return check;
    }

  return NULL;
}

static AccordProbe *
_new_probe (AccordVerification *self,
            const char         *host)
{
  AccordProbe *probe = accord_probe_new ();
  g_autofree char *key = g_ascii_strdown (host, -1);

  accord_probe_set_timeout (probe, self->timeout);
  if (self->tls_database != NULL)
    accord_probe_set_tls_database (probe, self->tls_database);
  if (g_hash_table_contains (self->pins, key))
    accord_probe_set_pinned_certificate (probe, g_hash_table_lookup (self->pins, key));

  return probe;
}

/* Signing in */

static void
_finish (AccordVerification *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (g_task_return_error_if_cancelled (task))
    return;

  g_task_return_boolean (task, TRUE);
}

static void
_set_login (AccordVerification *self,
            AccordServiceKind   service,
            AccordProbeLogin    login,
            const char         *message)
{
  self->login[service] = login;
  g_free (self->login_message[service]);
  self->login_message[service] = g_strdup (message);
}

/* The user names to try for @candidate, in order. */
static GPtrArray *
_usernames_for (AccordVerification    *self,
                const AccordCandidate *candidate)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *at = strrchr (self->address, '@');
  const char *tries[3];

  if (candidate->username != NULL)
    {
      g_ptr_array_add (names, g_strdup (candidate->username));
      return names;
    }

  tries[0] = self->good_username;
  tries[1] = self->address;
  tries[2] = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (tries); i++)
    if (tries[i] != NULL && !g_ptr_array_find_with_equal_func (names, tries[i], g_str_equal, NULL))
      g_ptr_array_add (names, g_strdup (tries[i]));

  if (at != NULL && at != self->address)
    {
      g_autofree char *local = g_strndup (self->address, at - self->address);

      if (!g_ptr_array_find_with_equal_func (names, local, g_str_equal, NULL))
        g_ptr_array_add (names, g_steal_pointer (&local));
    }

  return names;
}

typedef struct
{
  AccordVerification *self;
  AccordServiceKind   service;
  AccordCandidate    *candidate;
  GPtrArray          *usernames;
  guint               next;
} Login;

static void
login_free (Login *login)
{
  g_clear_object (&login->self);
  g_clear_pointer (&login->candidate, accord_candidate_unref);
  g_clear_pointer (&login->usernames, g_ptr_array_unref);
  g_free (login);
}

static void _login_service (AccordVerification *self, AccordServiceKind service);
static void _login_try (Login *login);

static void
_login_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(AccordProbe) probe = ACCORD_PROBE (object);
  Login *login = user_data;
  AccordVerification *self = login->self;
  const char *username = g_ptr_array_index (login->usernames, login->next - 1);
  g_autoptr(AccordProbeResult) outcome = NULL;
  g_autoptr(GError) error = NULL;

  outcome = accord_probe_run_finish (probe, result, &error);

  if (g_task_return_error_if_cancelled (self->task))
    {
      g_clear_object (&self->task);
      login_free (login);
      return;
    }

  if (outcome == NULL)
    {
      _set_login (self, login->service, ACCORD_PROBE_LOGIN_FAILED, error->message);
    }
  else if (outcome->login == ACCORD_PROBE_LOGIN_AUTH_FAILED &&
           login->next < login->usernames->len)
    {
      _login_try (login);
      return;
    }
  else
    {
      _set_login (self, login->service, outcome->login, outcome->login_message);
      if (outcome->login == ACCORD_PROBE_LOGIN_OK)
        {
          /* The source gave no user name: the one that worked is the account's. */
          g_free (login->candidate->username);
          login->candidate->username = g_strdup (username);
          g_free (self->good_username);
          self->good_username = g_strdup (username);
        }
      else if (outcome->login == ACCORD_PROBE_LOGIN_AUTH_FAILED)
        self->refused = TRUE;
    }

  {
    AccordServiceKind next_service = login->service + 1;

    login_free (login);
    _login_service (self, next_service);
  }
}

static void
_login_try (Login *login)
{
  AccordVerification *self = login->self;
  AccordCandidate *candidate = login->candidate;
  const char *username = g_ptr_array_index (login->usernames, login->next++);

  accord_probe_run_async (_new_probe (self, candidate->host), candidate->protocol, candidate->host,
                          candidate->port, candidate->security, username, self->password,
                          g_task_get_cancellable (self->task), _login_cb, login);
}

/* Signs in to the chosen server of @service, then of the services after it. */
static void
_login_service (AccordVerification *self,
                AccordServiceKind   service)
{
  for (; service <= ACCORD_SERVICE_MAIL_OUT; service++)
    {
      AccordCandidate *choice = accord_decision_get_choice (self->decision, service);
      Login *login;

      if (choice == NULL || !_is_probed (choice))
        continue;

      if (self->refused)
        {
          _set_login (self, service, ACCORD_PROBE_LOGIN_NOT_TRIED,
                      _("Not tried: the password was already refused"));
          continue;
        }

      if (choice->flags & ACCORD_CANDIDATE_FLAG_UNTRUSTED_CERTIFICATE)
        {
          _set_login (self, service, ACCORD_PROBE_LOGIN_NOT_TRIED,
                      _("Not tried: the server’s certificate is not trusted yet"));
          continue;
        }

      if (choice->flags & ACCORD_CANDIDATE_FLAG_UNREACHABLE)
        {
          _set_login (self, service, ACCORD_PROBE_LOGIN_NOT_TRIED,
                      _("Not tried: the server did not answer"));
          continue;
        }

      login = g_new0 (Login, 1);
      login->self = g_object_ref (self);
      login->service = service;
      login->candidate = accord_candidate_ref (choice);
      login->usernames = _usernames_for (self, choice);
      _login_try (login);
      return;
    }

  _finish (self);
}

/* Probing */

static void
_probes_done (AccordVerification *self,
              AccordProtocolMatrix *matrix)
{
  for (guint i = 0; i < self->candidates->len; i++)
    {
      AccordCandidate *candidate = g_ptr_array_index (self->candidates, i);
      AccordCheck *check;

      if (!_is_probed (candidate) || (check = _find_check (self, candidate)) == NULL)
        continue;

      if (g_error_matches (check->error, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_CERTIFICATE))
        candidate->flags |= ACCORD_CANDIDATE_FLAG_UNTRUSTED_CERTIFICATE;
      else if (check->error != NULL)
        candidate->flags |= ACCORD_CANDIDATE_FLAG_UNREACHABLE;
    }

  self->decision = accord_decision_new (matrix, self->candidates);

  /* Only the chosen servers' certificates are the person's business. */
  for (AccordServiceKind s = 0; s < ACCORD_N_SERVICES; s++)
    {
      AccordCandidate *choice = accord_decision_get_choice (self->decision, s);
      g_autofree char *detail = NULL;
      AccordCheck *check;

      if (choice == NULL || !(choice->flags & ACCORD_CANDIDATE_FLAG_UNTRUSTED_CERTIFICATE))
        continue;

      check = _find_check (self, choice);
      /* Translators: %s is a server's host name, e.g. "imap.example.com" */
      detail = g_strdup_printf (_("The certificate of %s could not be verified. Accept it "
                                  "only if your provider confirms its fingerprint."),
                                choice->host);
      g_ptr_array_add (self->confirmations,
                       accord_confirmation_new (ACCORD_CONFIRMATION_CERTIFICATE, choice->host,
                                                detail,
                                                check->result ? check->result->certificate_fingerprint
                                                              : NULL));
    }

  if (self->password == NULL)
    {
      _finish (self);
      return;
    }

  _login_service (self, ACCORD_SERVICE_MAIL_IN);
}

typedef struct
{
  AccordVerification   *self;
  AccordProtocolMatrix *matrix;
  guint                 index;
} Probing;

static void
_probe_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(AccordProbe) probe = ACCORD_PROBE (object);
  Probing *probing = user_data;
  g_autoptr(AccordVerification) self = probing->self;
  g_autoptr(AccordProtocolMatrix) matrix = probing->matrix;
  AccordCheck *check = &g_array_index (self->checks, AccordCheck, probing->index);

  g_free (probing);

  check->result = accord_probe_run_finish (probe, result, &check->error);
  if (check->result == NULL)
    check->result = accord_probe_run_get_partial_result (probe, result);

  if (--self->pending > 0)
    return;

  if (g_task_return_error_if_cancelled (self->task))
    {
      g_clear_object (&self->task);
      return;
    }

  _probes_done (self, matrix);
}

/**
 * accord_verification_run_async:
 * @candidates: (element-type AccordCandidate): what discovery found
 * @matrix: the protocol matrix the decision uses
 *
 * Probes the servers, decides, and signs in when there is a password. Runs once.
 * Failures of servers are results, not errors: finishing fails only when cancelled.
 */
void
accord_verification_run_async (AccordVerification   *self,
                               GPtrArray            *candidates,
                               AccordProtocolMatrix *matrix,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data)
{
  g_return_if_fail (ACCORD_IS_VERIFICATION (self));
  g_return_if_fail (candidates != NULL);
  g_return_if_fail (ACCORD_IS_PROTOCOL_MATRIX (matrix));
  g_return_if_fail (self->task == NULL && self->decision == NULL);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, accord_verification_run_async);

  for (guint i = 0; i < candidates->len; i++)
    {
      AccordCandidate *candidate = accord_candidate_copy (g_ptr_array_index (candidates, i));

      g_ptr_array_add (self->candidates, candidate);
      if (_is_probed (candidate) && _find_check (self, candidate) == NULL)
        {
          AccordCheck check = { accord_candidate_ref (candidate), NULL, NULL };

          g_array_append_val (self->checks, check);
        }
    }

  if (self->checks->len == 0)
    {
      _probes_done (self, matrix);
      return;
    }

  self->pending = self->checks->len;
  for (guint i = 0; i < self->checks->len; i++)
    {
      AccordCheck *check = &g_array_index (self->checks, AccordCheck, i);
      Probing *probing = g_new0 (Probing, 1);

      probing->self = g_object_ref (self);
      probing->matrix = g_object_ref (matrix);
      probing->index = i;
      accord_probe_run_async (_new_probe (self, check->candidate->host), check->candidate->protocol, check->candidate->host,
                              check->candidate->port, check->candidate->security, NULL, NULL,
                              cancellable, _probe_cb, probing);
    }
}

gboolean
accord_verification_run_finish (AccordVerification  *self,
                                GAsyncResult        *result,
                                GError             **error)
{
  g_return_val_if_fail (ACCORD_IS_VERIFICATION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * accord_verification_get_candidates:
 *
 * Returns: (transfer none) (element-type AccordCandidate): the candidates, flagged
 *   with what probing found and with the user names that worked
 */
GPtrArray *
accord_verification_get_candidates (AccordVerification *self)
{
  g_return_val_if_fail (ACCORD_IS_VERIFICATION (self), NULL);

  return self->candidates;
}

/**
 * accord_verification_get_decision:
 *
 * Returns: (transfer none) (nullable): the decision over the probed candidates,
 *   once the run finished
 */
AccordDecision *
accord_verification_get_decision (AccordVerification *self)
{
  g_return_val_if_fail (ACCORD_IS_VERIFICATION (self), NULL);

  return self->decision;
}

/**
 * accord_verification_get_confirmations:
 *
 * Returns: (transfer none) (element-type AccordConfirmation): certificates of chosen
 *   servers that the person must accept or refuse
 */
GPtrArray *
accord_verification_get_confirmations (AccordVerification *self)
{
  g_return_val_if_fail (ACCORD_IS_VERIFICATION (self), NULL);

  return self->confirmations;
}

guint
accord_verification_get_n_checks (AccordVerification *self)
{
  g_return_val_if_fail (ACCORD_IS_VERIFICATION (self), 0);

  return self->checks->len;
}

const AccordCheck *
accord_verification_get_check (AccordVerification *self,
                               guint               index)
{
  g_return_val_if_fail (ACCORD_IS_VERIFICATION (self), NULL);
  g_return_val_if_fail (index < self->checks->len, NULL);

  return &g_array_index (self->checks, AccordCheck, index);
}

/**
 * accord_verification_get_login:
 * @message: (out) (optional) (transfer none): the server's or Accord's words about it
 *
 * Returns: how signing in to the chosen server of @service went
 */
AccordProbeLogin
accord_verification_get_login (AccordVerification  *self,
                               AccordServiceKind    service,
                               const char         **message)
{
  g_return_val_if_fail (ACCORD_IS_VERIFICATION (self), ACCORD_PROBE_LOGIN_NOT_TRIED);
  g_return_val_if_fail (service < ACCORD_N_SERVICES, ACCORD_PROBE_LOGIN_NOT_TRIED);

  if (message != NULL)
    *message = self->login_message[service];

  return self->login[service];
}

static void
_add_string (JsonBuilder *builder,
             const char  *name,
             const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
_add_strv (JsonBuilder        *builder,
           const char         *name,
           const char * const *values)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

/**
 * accord_verification_checks_to_json:
 *
 * Adds a "probes" member (one object per server probed) and, with a password, a
 * "logins" member (one object per service signed in to, or not).
 */
void
accord_verification_checks_to_json (AccordVerification *self,
                                    JsonBuilder        *builder)
{
  g_autoptr(GEnumClass) errors = g_type_class_ref (ACCORD_TYPE_PROBE_ERROR);

  g_return_if_fail (ACCORD_IS_VERIFICATION (self));

  json_builder_set_member_name (builder, "probes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->checks->len; i++)
    {
      const AccordCheck *check = &g_array_index (self->checks, AccordCheck, i);
      const char *outcome = "ok";

      if (check->error != NULL && check->error->domain == ACCORD_PROBE_ERROR &&
          g_enum_get_value (errors, check->error->code) != NULL)
        outcome = g_enum_get_value (errors, check->error->code)->value_nick;
      else if (check->error != NULL)
        outcome = "error";

      json_builder_begin_object (builder);
      _add_string (builder, "protocol", accord_protocol_to_string (check->candidate->protocol));
      _add_string (builder, "host", check->candidate->host);
      json_builder_set_member_name (builder, "port");
      json_builder_add_int_value (builder, check->candidate->port);
      _add_string (builder, "security", accord_security_to_string (check->candidate->security));
      _add_string (builder, "outcome", outcome);
      _add_string (builder, "message", check->error ? check->error->message : NULL);
      _add_string (builder, "fingerprint",
                   check->result ? check->result->certificate_fingerprint : NULL);
      _add_strv (builder, "auth_mechanisms",
                 check->result ? (const char * const *) check->result->auth_mechanisms : NULL);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  if (self->password == NULL || self->decision == NULL)
    return;

  json_builder_set_member_name (builder, "logins");
  json_builder_begin_object (builder);
  for (AccordServiceKind s = ACCORD_SERVICE_MAIL_IN; s <= ACCORD_SERVICE_MAIL_OUT; s++)
    {
      AccordCandidate *choice = accord_decision_get_choice (self->decision, s);

      if (choice == NULL || !_is_probed (choice))
        continue;

      json_builder_set_member_name (builder, accord_service_kind_to_string (s));
      json_builder_begin_object (builder);
      _add_string (builder, "outcome", accord_probe_login_to_string (self->login[s]));
      _add_string (builder, "username",
                   self->login[s] == ACCORD_PROBE_LOGIN_OK ? choice->username : NULL);
      _add_string (builder, "message", self->login_message[s]);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
}
