/* accord-decision.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "accord-decision.h"

/* A reason lists at most this many things the chosen protocol does better; more would
 * be read by nobody. */
#define MAX_GAINS 4

typedef struct
{
  AccordCandidate *candidate;
  guint            position;    /* in the input, so equals keep the order they came in */
  gboolean         implemented;
  guint            score;
  guint            preference;
} Ranked;

/* What made one candidate rank before another, from the most important on. */
typedef enum
{
  RANKED_BY_USABLE,
  RANKED_BY_REACHABLE,
  RANKED_BY_SCORE,
  RANKED_BY_PREFERENCE,
  RANKED_BY_INSECURE_SOURCE,
  RANKED_BY_SECURITY,
  RANKED_BY_SOURCE,
  RANKED_BY_POSITION,
} RankedBy;

typedef struct
{
  AccordCandidate *choice;       /* nullable */
  GPtrArray       *alternatives; /* AccordCandidate*, best first */
  char            *reason;
  gboolean         proposes_local;
} ServiceDecision;

struct _AccordDecision
{
  GObject          parent_instance;

  ServiceDecision  services[ACCORD_N_SERVICES];
};

G_DEFINE_FINAL_TYPE (AccordDecision, accord_decision, G_TYPE_OBJECT)

static void
accord_decision_finalize (GObject *object)
{
  AccordDecision *self = (AccordDecision *)object;

  for (guint i = 0; i < ACCORD_N_SERVICES; i++)
    {
      g_clear_pointer (&self->services[i].choice, accord_candidate_unref);
      g_clear_pointer (&self->services[i].alternatives, g_ptr_array_unref);
      g_clear_pointer (&self->services[i].reason, g_free);
    }

  G_OBJECT_CLASS (accord_decision_parent_class)->finalize (object);
}

static void
accord_decision_class_init (AccordDecisionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = accord_decision_finalize;
}

static void
accord_decision_init (AccordDecision *self)
{
  for (guint i = 0; i < ACCORD_N_SERVICES; i++)
    self->services[i].alternatives =
      g_ptr_array_new_with_free_func ((GDestroyNotify)accord_candidate_unref);
}

static void
_ranked_clear (gpointer data)
{
  Ranked *ranked = data;

  g_clear_pointer (&ranked->candidate, accord_candidate_unref);
}

/* A protocol Accord cannot sync with, or one that cannot serve the service at all, is
 * never chosen, however well it would do. */
static gboolean
_ranked_is_usable (const Ranked *ranked)
{
  return ranked->implemented && ranked->score > 0;
}

/* A server that answered beats one whose certificate needs the person's word, which
 * beats one that did not answer at all. Candidates that were not probed count as
 * answering. */
static guint
_ranked_reachability (const Ranked *ranked)
{
  if (ranked->candidate->flags & ACCORD_CANDIDATE_FLAG_UNREACHABLE)
    return 0;
  if (ranked->candidate->flags & ACCORD_CANDIDATE_FLAG_UNTRUSTED_CERTIFICATE)
    return 1;
  return 2;
}

static gboolean
_ranked_is_insecure (const Ranked *ranked)
{
  return (ranked->candidate->flags & ACCORD_CANDIDATE_FLAG_INSECURE_SOURCE) != 0;
}

/* Returns <0 when @a ranks before @b, and in @by what decided it. */
static int
_ranked_compare_by (const Ranked *a,
                    const Ranked *b,
                    RankedBy     *by)
{
#define DECIDE(what, a_first_if)                       \
  G_STMT_START {                                       \
    *by = (what);                                      \
    return (a_first_if) ? -1 : 1;                      \
  } G_STMT_END

  if (_ranked_is_usable (a) != _ranked_is_usable (b))
    DECIDE (RANKED_BY_USABLE, _ranked_is_usable (a));
  if (_ranked_reachability (a) != _ranked_reachability (b))
    DECIDE (RANKED_BY_REACHABLE, _ranked_reachability (a) > _ranked_reachability (b));
  if (a->score != b->score)
    DECIDE (RANKED_BY_SCORE, a->score > b->score);
  if (a->preference != b->preference)
    DECIDE (RANKED_BY_PREFERENCE, a->preference < b->preference);
  if (_ranked_is_insecure (a) != _ranked_is_insecure (b))
    DECIDE (RANKED_BY_INSECURE_SOURCE, !_ranked_is_insecure (a));
  /* TLS before STARTTLS before none, which is also how SMTP on 465 wins over 587. */
  if (a->candidate->security != b->candidate->security)
    DECIDE (RANKED_BY_SECURITY, a->candidate->security < b->candidate->security);
  if (a->candidate->source != b->candidate->source)
    DECIDE (RANKED_BY_SOURCE, a->candidate->source < b->candidate->source);

  *by = RANKED_BY_POSITION;
  if (a->position == b->position)
    return 0;
  return a->position < b->position ? -1 : 1;

#undef DECIDE
}

static int
_ranked_compare (gconstpointer a,
                 gconstpointer b)
{
  RankedBy by;

  return _ranked_compare_by (a, b, &by);
}

/* Adds @candidate to @ranked unless the same server is there already; of two sources
 * that name one server, the more trusted one is kept. */
static void
_add_candidate (GArray               *ranked,
                AccordProtocolMatrix *matrix,
                AccordCandidate      *candidate,
                guint                 position)
{
  Ranked entry = { 0 };

  for (guint i = 0; i < ranked->len; i++)
    {
      Ranked *existing = &g_array_index (ranked, Ranked, i);

      if (!accord_candidate_same_endpoint (existing->candidate, candidate))
        continue;

      if (candidate->source < existing->candidate->source)
        {
          accord_candidate_unref (existing->candidate);
          existing->candidate = accord_candidate_ref (candidate);
        }
      return;
    }

  entry.candidate = accord_candidate_ref (candidate);
  entry.position = position;
  entry.implemented = accord_protocol_matrix_is_implemented (matrix, candidate->protocol);
  entry.score = accord_protocol_matrix_score (matrix, candidate->protocol, candidate->service);
  entry.preference = accord_protocol_matrix_get_preference (matrix, candidate->protocol);
  g_array_append_val (ranked, entry);
}

/* Reasons */

typedef struct
{
  AccordCapability capability;
  AccordSupport    other_support;
} Gain;

/* What the chosen protocol fully does for @service that @other does not, in column
 * order; when there are too many, the ones @other does in part are left out first. */
static GArray *
_collect_gains (AccordProtocolMatrix *matrix,
                AccordServiceKind     service,
                AccordProtocol        chosen,
                AccordProtocol        other)
{
  GArray *gains = g_array_new (FALSE, FALSE, sizeof (Gain));
  const AccordCapability *capabilities;
  guint n_capabilities;

  capabilities = accord_capabilities_for_service (service, &n_capabilities);

  for (AccordCapability c = 0; c < ACCORD_N_CAPABILITIES; c++)
    {
      Gain gain = { c, accord_protocol_matrix_get_support (matrix, other, c, NULL) };
      gboolean relevant = FALSE;

      for (guint i = 0; i < n_capabilities; i++)
        relevant |= capabilities[i] == c;

      if (relevant &&
          accord_protocol_matrix_get_support (matrix, chosen, c, NULL) == ACCORD_SUPPORT_YES &&
          gain.other_support != ACCORD_SUPPORT_YES)
        g_array_append_val (gains, gain);
    }

  while (gains->len > MAX_GAINS)
    {
      guint drop = gains->len - 1;

      for (guint i = gains->len; i > 0; i--)
        {
          if (g_array_index (gains, Gain, i - 1).other_support == ACCORD_SUPPORT_PARTIAL)
            {
              drop = i - 1;
              break;
            }
        }
      g_array_remove_index (gains, drop);
    }

  return gains;
}

static char *
_join_gains (AccordProtocolMatrix *matrix,
             GArray               *gains)
{
  g_autofree char *joined = NULL;

  g_assert (gains->len > 0);

  joined = g_strdup (accord_protocol_matrix_get_capability_gain (matrix,
                                                                 g_array_index (gains, Gain, 0).capability));

  for (guint i = 1; i < gains->len; i++)
    {
      const char *gain = accord_protocol_matrix_get_capability_gain (matrix,
                                                                     g_array_index (gains, Gain, i).capability);
      char *next;

      if (i == gains->len - 1)
        /* Translators: joins the last item to a list of things a protocol does,
         * e.g. "keeps all folders, saves sent mail on the server and syncs read marks and flags" */
        next = g_strdup_printf (_("%s and %s"), joined, gain);
      else
        /* Translators: joins an item to a list of things a protocol does */
        next = g_strdup_printf (_("%s, %s"), joined, gain);

      g_free (joined);
      joined = next;
    }

  return g_steal_pointer (&joined);
}

/* Why @chosen rather than @other, a candidate of another protocol that ranked below. */
static char *
_explain_over (AccordProtocolMatrix *matrix,
               const Ranked         *chosen,
               const Ranked         *other)
{
  AccordServiceKind service = chosen->candidate->service;
  const char *chosen_label = accord_protocol_matrix_get_label (matrix, chosen->candidate->protocol);
  const char *other_label = accord_protocol_matrix_get_label (matrix, other->candidate->protocol);
  g_autoptr(GArray) gains = NULL;
  RankedBy by;

  if (!other->implemented)
    /* Translators: the first %s is the protocol Accord chose, the second the one it was
     * preferred to, e.g. "IMAP rather than Exchange Web Services: …" */
    return g_strdup_printf (_("%1$s rather than %2$s: Accord cannot use %2$s yet."),
                            chosen_label, other_label);

  _ranked_compare_by (chosen, other, &by);
  if (by == RANKED_BY_REACHABLE && _ranked_reachability (other) == 0)
    /* Translators: the first %s is the protocol Accord chose, the second the one it was
     * preferred to, the third the server that did not answer */
    return g_strdup_printf (_("%1$s rather than %2$s: the %2$s server %3$s did not answer."),
                            chosen_label, other_label,
                            other->candidate->host ? other->candidate->host : other->candidate->url);
  if (by == RANKED_BY_REACHABLE)
    return g_strdup_printf (_("%1$s rather than %2$s: the certificate of the %2$s server %3$s "
                              "could not be verified."),
                            chosen_label, other_label,
                            other->candidate->host ? other->candidate->host : other->candidate->url);

  gains = _collect_gains (matrix, service, chosen->candidate->protocol, other->candidate->protocol);
  if (gains->len > 0)
    {
      g_autofree char *joined = _join_gains (matrix, gains);

      /* Translators: the first %s is the protocol Accord chose, the second the one it was
       * preferred to, the third a list of what the first does better, e.g.
       * "IMAP rather than POP3: keeps all folders and syncs read marks and flags." */
      return g_strdup_printf (_("%1$s rather than %2$s: %3$s."),
                              chosen_label, other_label, joined);
    }

  _ranked_compare_by (chosen, other, &by);
  switch (by)
    {
    case RANKED_BY_SECURITY:
      return g_strdup_printf (_("%1$s rather than %2$s: both sync as much here, and %1$s "
                                "offers the safer connection."),
                              chosen_label, other_label);
    case RANKED_BY_PREFERENCE:
      return g_strdup_printf (_("%1$s rather than %2$s: both sync as much here, and Accord "
                                "prefers %1$s."),
                              chosen_label, other_label);
    case RANKED_BY_INSECURE_SOURCE:
    case RANKED_BY_SOURCE:
      return g_strdup_printf (_("%1$s rather than %2$s: both sync as much here, and the "
                                "settings for %1$s come from a more trusted place."),
                              chosen_label, other_label);
    case RANKED_BY_USABLE:
    case RANKED_BY_SCORE:
    case RANKED_BY_POSITION:
    case RANKED_BY_REACHABLE:
    default:
      return g_strdup_printf (_("%1$s rather than %2$s: both sync as much here."),
                              chosen_label, other_label);
    }
}

/* Why @chosen when no other protocol was on offer: where its settings came from. */
static char *
_explain_alone (AccordProtocolMatrix *matrix,
                const Ranked         *chosen)
{
  const char *label = accord_protocol_matrix_get_label (matrix, chosen->candidate->protocol);

  switch (chosen->candidate->source)
    {
    case ACCORD_SOURCE_LOCAL:
      /* Translators: %s is a protocol, e.g. "IMAP" */
      return g_strdup_printf (_("%s, as set up on this computer."), label);
    case ACCORD_SOURCE_ISPDB:
      return g_strdup_printf (_("%s, as listed for your provider in the database of mail "
                                "providers."), label);
    case ACCORD_SOURCE_MX:
      return g_strdup_printf (_("%s, as the company that handles your mail recommends."), label);
    case ACCORD_SOURCE_GUESS:
      return g_strdup_printf (_("%s, found by trying the usual server names."), label);
    case ACCORD_SOURCE_AUTOCONFIG:
    case ACCORD_SOURCE_SRV:
    case ACCORD_SOURCE_AUTODISCOVER:
    case ACCORD_SOURCE_HTTP_AUTOCONFIG:
    default:
      return g_strdup_printf (_("%s, as your provider recommends."), label);
    }
}

static const char *
_explain_security (AccordSecurity security)
{
  switch (security)
    {
    case ACCORD_SECURITY_TLS:
      return _("The connection is encrypted from the start (TLS).");
    case ACCORD_SECURITY_STARTTLS:
      return _("The connection is encrypted right after connecting (STARTTLS).");
    case ACCORD_SECURITY_NONE:
    default:
      return _("The connection is not encrypted.");
    }
}

static char *
_explain_choice (AccordProtocolMatrix *matrix,
                 GArray               *ranked)
{
  const Ranked *chosen = &g_array_index (ranked, Ranked, 0);
  g_autoptr(GString) reason = g_string_new (NULL);
  g_autofree char *why = NULL;

  for (guint i = 1; i < ranked->len && why == NULL; i++)
    {
      const Ranked *other = &g_array_index (ranked, Ranked, i);

      if (other->candidate->protocol != chosen->candidate->protocol)
        why = _explain_over (matrix, chosen, other);
    }

  if (why == NULL)
    why = _explain_alone (matrix, chosen);

  g_string_append (reason, why);
  g_string_append_c (reason, ' ');
  g_string_append (reason, _explain_security (chosen->candidate->security));

  if (_ranked_is_insecure (chosen))
    {
      g_string_append_c (reason, ' ');
      g_string_append (reason, _("These settings arrived over an unencrypted connection; "
                                 "check them before you go on."));
    }

  return g_string_free (g_steal_pointer (&reason), FALSE);
}

/* Why nothing was chosen. @ranked holds only candidates that cannot be used. */
static char *
_explain_nothing (AccordProtocolMatrix *matrix,
                  AccordServiceKind     service,
                  GArray               *ranked)
{
  const Ranked *best = ranked->len > 0 ? &g_array_index (ranked, Ranked, 0) : NULL;
  const char *label = NULL;

  /* Offered, but over a protocol Accord does not have yet. */
  if (best != NULL && !best->implemented && best->score > 0)
    label = accord_protocol_matrix_get_label (matrix, best->candidate->protocol);

  switch (service)
    {
    case ACCORD_SERVICE_MAIL_IN:
      if (label != NULL)
        /* Translators: %s is a protocol, e.g. "Exchange Web Services" */
        return g_strdup_printf (_("Your provider offers incoming mail only over %s, which "
                                  "Accord cannot use yet."), label);
      return g_strdup (_("Accord found no way to receive mail for this address."));

    case ACCORD_SERVICE_MAIL_OUT:
      if (label != NULL)
        return g_strdup_printf (_("Your provider offers sending only over %s, which Accord "
                                  "cannot use yet."), label);
      return g_strdup (_("Accord found no way to send mail for this address."));

    case ACCORD_SERVICE_CONTACTS:
      if (label != NULL)
        return g_strdup_printf (_("Your provider offers contacts only over %s, which Accord "
                                  "cannot use yet; Accord can keep contacts on this computer "
                                  "and pair them with another account."), label);
      return g_strdup (_("Your provider offers no contacts service; Accord can keep contacts "
                         "on this computer and pair them with another account."));

    case ACCORD_SERVICE_CALENDAR:
    default:
      if (label != NULL)
        return g_strdup_printf (_("Your provider offers calendars only over %s, which Accord "
                                  "cannot use yet; Accord can keep calendars on this computer "
                                  "and pair them with another account."), label);
      return g_strdup (_("Your provider offers no calendar service; Accord can keep calendars "
                         "on this computer and pair them with another account."));
    }
}

static void
_decide_service (AccordDecision       *self,
                 AccordProtocolMatrix *matrix,
                 AccordServiceKind     service,
                 GArray               *ranked)
{
  ServiceDecision *decision = &self->services[service];
  guint first_alternative = 0;

  g_array_sort (ranked, _ranked_compare);

  if (ranked->len > 0 && _ranked_is_usable (&g_array_index (ranked, Ranked, 0)))
    {
      decision->choice = accord_candidate_ref (g_array_index (ranked, Ranked, 0).candidate);
      decision->reason = _explain_choice (matrix, ranked);
      first_alternative = 1;
    }
  else
    {
      decision->reason = _explain_nothing (matrix, service, ranked);
      /* Mail cannot live on this computer alone; contacts and calendars can. */
      decision->proposes_local = service == ACCORD_SERVICE_CONTACTS ||
                                 service == ACCORD_SERVICE_CALENDAR;
    }

  for (guint i = first_alternative; i < ranked->len; i++)
    g_ptr_array_add (decision->alternatives,
                     accord_candidate_ref (g_array_index (ranked, Ranked, i).candidate));
}

/**
 * accord_decision_new:
 * @matrix: the capability matrix to rank by
 * @candidates: (element-type AccordCandidate): what discovery found, in the order it
 *   found it
 *
 * Chooses one candidate per service and ranks the others as alternatives. Candidates
 * rank by, in order: whether Accord can use the protocol for the service; the
 * protocol's score for the service in @matrix; the matrix's preference among
 * protocols that score the same; whether the settings came over an insecure
 * connection (those go last); TLS before STARTTLS before none; the trust of the
 * source; and the order of @candidates. Candidates that name the same server are
 * merged, keeping the one from the most trusted source.
 *
 * A protocol Accord cannot use is never chosen: then there is no choice, and for
 * contacts and calendars a collection on this computer is proposed instead.
 *
 * Returns: (transfer full): the decision
 */
AccordDecision *
accord_decision_new (AccordProtocolMatrix *matrix,
                     GPtrArray            *candidates)
{
  g_autoptr(AccordDecision) self = NULL;
  GArray *ranked[ACCORD_N_SERVICES];

  g_return_val_if_fail (ACCORD_IS_PROTOCOL_MATRIX (matrix), NULL);
  g_return_val_if_fail (candidates != NULL, NULL);

  self = g_object_new (ACCORD_TYPE_DECISION, NULL);

  for (guint s = 0; s < ACCORD_N_SERVICES; s++)
    {
      ranked[s] = g_array_new (FALSE, FALSE, sizeof (Ranked));
      g_array_set_clear_func (ranked[s], _ranked_clear);
    }

  for (guint i = 0; i < candidates->len; i++)
    {
      AccordCandidate *candidate = g_ptr_array_index (candidates, i);

      if (candidate == NULL || candidate->service >= ACCORD_N_SERVICES)
        {
          g_critical ("Candidate %u has no valid service; it is left out", i);
          continue;
        }

      _add_candidate (ranked[candidate->service], matrix, candidate, i);
    }

  for (guint s = 0; s < ACCORD_N_SERVICES; s++)
    {
      _decide_service (self, matrix, s, ranked[s]);
      g_array_unref (ranked[s]);
    }

  return g_steal_pointer (&self);
}

/**
 * accord_decision_get_choice:
 *
 * Returns: (transfer none) (nullable): the candidate chosen for @service, or %NULL
 *   when there is none Accord can use
 */
AccordCandidate *
accord_decision_get_choice (AccordDecision    *self,
                            AccordServiceKind  service)
{
  g_return_val_if_fail (ACCORD_IS_DECISION (self), NULL);
  g_return_val_if_fail (service < ACCORD_N_SERVICES, NULL);

  return self->services[service].choice;
}

/**
 * accord_decision_get_reason:
 *
 * Returns: (transfer none): why @service was decided as it was, for people to read;
 *   never empty
 */
const char *
accord_decision_get_reason (AccordDecision    *self,
                            AccordServiceKind  service)
{
  g_return_val_if_fail (ACCORD_IS_DECISION (self), NULL);
  g_return_val_if_fail (service < ACCORD_N_SERVICES, NULL);

  return self->services[service].reason;
}

/**
 * accord_decision_get_alternatives:
 *
 * Returns: (transfer none) (element-type AccordCandidate): the other candidates for
 *   @service, best first, without the choice and without duplicates
 */
GPtrArray *
accord_decision_get_alternatives (AccordDecision    *self,
                                  AccordServiceKind  service)
{
  g_return_val_if_fail (ACCORD_IS_DECISION (self), NULL);
  g_return_val_if_fail (service < ACCORD_N_SERVICES, NULL);

  return self->services[service].alternatives;
}

/**
 * accord_decision_proposes_local:
 *
 * Returns: whether Accord proposes a collection on this computer for @service, because
 *   the provider offers nothing Accord can use for it
 */
gboolean
accord_decision_proposes_local (AccordDecision    *self,
                                AccordServiceKind  service)
{
  g_return_val_if_fail (ACCORD_IS_DECISION (self), FALSE);
  g_return_val_if_fail (service < ACCORD_N_SERVICES, FALSE);

  return self->services[service].proposes_local;
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

/* The fields of accord_candidate_to_json(), and the reason when there is one. */
static void
_candidate_to_json (const AccordCandidate *candidate,
                    const char            *reason,
                    JsonBuilder           *builder)
{
  json_builder_begin_object (builder);
  _add_string (builder, "protocol", accord_protocol_to_string (candidate->protocol));
  _add_string (builder, "host", candidate->host);
  json_builder_set_member_name (builder, "port");
  if (candidate->port != 0)
    json_builder_add_int_value (builder, candidate->port);
  else
    json_builder_add_null_value (builder);
  _add_string (builder, "security", accord_security_to_string (candidate->security));
  _add_string (builder, "username", candidate->username);
  _add_string (builder, "auth", accord_auth_method_to_string (candidate->auth));
  _add_string (builder, "url", candidate->url);
  _add_string (builder, "source", accord_source_kind_to_string (candidate->source));
  _add_string (builder, "source_detail", candidate->source_detail);
  if (reason != NULL)
    _add_string (builder, "reason", reason);
  json_builder_end_object (builder);
}

/**
 * accord_decision_to_json:
 * @builder: a builder inside an object
 *
 * Adds three members to the object @builder is building: "services", with the choice
 * and its "reason" for each service, or null; "alternatives", with the ranked
 * alternatives of each service; and "unavailable", with the "reason" and whether a
 * local collection is proposed ("local") for each service without a choice.
 */
void
accord_decision_to_json (AccordDecision *self,
                         JsonBuilder    *builder)
{
  g_return_if_fail (ACCORD_IS_DECISION (self));
  g_return_if_fail (JSON_IS_BUILDER (builder));

  json_builder_set_member_name (builder, "services");
  json_builder_begin_object (builder);
  for (guint s = 0; s < ACCORD_N_SERVICES; s++)
    {
      const ServiceDecision *decision = &self->services[s];

      json_builder_set_member_name (builder, accord_service_kind_to_string (s));
      if (decision->choice != NULL)
        _candidate_to_json (decision->choice, decision->reason, builder);
      else
        json_builder_add_null_value (builder);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "alternatives");
  json_builder_begin_object (builder);
  for (guint s = 0; s < ACCORD_N_SERVICES; s++)
    {
      const ServiceDecision *decision = &self->services[s];

      json_builder_set_member_name (builder, accord_service_kind_to_string (s));
      json_builder_begin_array (builder);
      for (guint i = 0; i < decision->alternatives->len; i++)
        _candidate_to_json (g_ptr_array_index (decision->alternatives, i), NULL, builder);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "unavailable");
  json_builder_begin_object (builder);
  for (guint s = 0; s < ACCORD_N_SERVICES; s++)
    {
      const ServiceDecision *decision = &self->services[s];

      if (decision->choice != NULL)
        continue;

      json_builder_set_member_name (builder, accord_service_kind_to_string (s));
      json_builder_begin_object (builder);
      _add_string (builder, "reason", decision->reason);
      json_builder_set_member_name (builder, "local");
      json_builder_add_boolean_value (builder, decision->proposes_local);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
}
