/* accord-sync-summary.c
 *
 * Plain sentences that say what a chosen setup syncs and what it loses, one per
 * service, worded from the protocol matrix: the gain of every capability the protocol
 * fully provides, and the loss of every one it does not. Nothing here knows a
 * protocol by name, so a change to data/protocols.json changes the sentences.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "accord-sync-summary.h"

/**
 * accord_sync_summary_get_service_title:
 *
 * Returns: (transfer none): the name of @service as a heading, e.g. "Incoming mail"
 */
const char *
accord_sync_summary_get_service_title (AccordServiceKind service)
{
  switch (service)
    {
    case ACCORD_SERVICE_MAIL_IN:
      return _("Incoming mail");
    case ACCORD_SERVICE_MAIL_OUT:
      return _("Outgoing mail");
    case ACCORD_SERVICE_CONTACTS:
      return _("Contacts");
    case ACCORD_SERVICE_CALENDAR:
      return _("Calendar");
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * accord_sync_summary_get_choice:
 *
 * Returns: the protocol @decision chose for @service, or %ACCORD_PROTOCOL_LOCAL when
 *   it chose none: the service then has no server
 */
AccordProtocol
accord_sync_summary_get_choice (AccordDecision    *decision,
                                AccordServiceKind  service)
{
  AccordCandidate *choice;

  g_return_val_if_fail (ACCORD_IS_DECISION (decision), ACCORD_PROTOCOL_LOCAL);
  g_return_val_if_fail (service < ACCORD_N_SERVICES, ACCORD_PROTOCOL_LOCAL);

  choice = accord_decision_get_choice (decision, service);
  return choice != NULL ? choice->protocol : ACCORD_PROTOCOL_LOCAL;
}

/* "a", "a and b", "a, b and c": for the gains, short phrases without commas. */
static char *
_join_phrases (GPtrArray *phrases)
{
  g_autofree char *joined = NULL;

  g_assert (phrases->len > 0);

  joined = g_strdup (g_ptr_array_index (phrases, 0));
  for (guint i = 1; i < phrases->len; i++)
    {
      const char *phrase = g_ptr_array_index (phrases, i);
      char *next;

      if (i == phrases->len - 1)
        /* Translators: joins the last item to a list of things a protocol does,
         * e.g. "keeps all folders, saves sent mail on the server and syncs read marks and flags" */
        next = g_strdup_printf (_("%s and %s"), joined, phrase);
      else
        /* Translators: joins an item to a list of things a protocol does */
        next = g_strdup_printf (_("%s, %s"), joined, phrase);

      g_free (joined);
      joined = next;
    }

  return g_steal_pointer (&joined);
}

/* "a; b; c": for the losses, clauses that may hold commas of their own. */
static char *
_join_clauses (GPtrArray *clauses)
{
  g_autofree char *joined = NULL;

  g_assert (clauses->len > 0);

  joined = g_strdup (g_ptr_array_index (clauses, 0));
  for (guint i = 1; i < clauses->len; i++)
    {
      char *next;

      /* Translators: joins two things a person loses with a protocol, e.g.
       * "read marks and flags stay on this computer; new items wait for the next check" */
      next = g_strdup_printf (_("%s; %s"), joined, (const char *)g_ptr_array_index (clauses, i));
      g_free (joined);
      joined = next;
    }

  return g_steal_pointer (&joined);
}

static void
_append_sentence (GString *text,
                  char    *sentence)
{
  g_autofree char *owned = sentence;

  if (text->len > 0)
    g_string_append_c (text, ' ');
  g_string_append (text, owned);
}

/* "POP3 fetches the Inbox." */
static char *
_gains_sentence (const char *label,
                 GPtrArray  *gains)
{
  g_autofree char *joined = _join_phrases (gains);

  /* Translators: %1$s is a protocol, %2$s a list of what it does, e.g.
   * "POP3 fetches the Inbox and keeps a full copy on this computer." */
  return g_strdup_printf (_("%1$s %2$s."), label, joined);
}

/* "With POP3, read marks and flags stay on this computer." */
static char *
_losses_sentence (const char *label,
                  GPtrArray  *losses)
{
  g_autofree char *joined = _join_clauses (losses);

  /* Translators: %1$s is a protocol, %2$s what a person loses with it, e.g.
   * "With POP3, read marks and flags stay on this computer; new items wait for the next check." */
  return g_strdup_printf (_("With %1$s, %2$s."), label, joined);
}

static gboolean
_can_receive (AccordProtocolMatrix *matrix,
              AccordProtocol        protocol)
{
  return accord_protocol_matrix_is_implemented (matrix, protocol) &&
         accord_protocol_matrix_score (matrix, protocol, ACCORD_SERVICE_MAIL_IN) > 0;
}

/* Whether sent mail reaches the server is up to the protocol that receives mail,
 * unless the one that sends saves it itself, as JMAP and ActiveSync do. */
static void
_describe_sent_items (AccordProtocolMatrix *matrix,
                      AccordProtocol        protocol,
                      AccordProtocol        mail_in,
                      GPtrArray            *gains,
                      GPtrArray            *losses,
                      GString              *after)
{
  const AccordCapability sent = ACCORD_CAPABILITY_SENT_ITEMS;
  g_autoptr(GPtrArray) elsewhere = NULL;
  const char *loss;

  if (accord_protocol_matrix_get_support (matrix, protocol, sent, NULL) == ACCORD_SUPPORT_YES)
    {
      g_ptr_array_add (gains, (gpointer)accord_protocol_matrix_get_capability_gain (matrix, sent));
      return;
    }

  if (!_can_receive (matrix, mail_in))
    {
      if ((loss = accord_protocol_matrix_get_loss (matrix, protocol, sent)) != NULL)
        g_ptr_array_add (losses, (gpointer)loss);
      return;
    }

  elsewhere = g_ptr_array_new ();
  if (accord_protocol_matrix_get_support (matrix, mail_in, sent, NULL) == ACCORD_SUPPORT_YES)
    {
      g_ptr_array_add (elsewhere,
                       (gpointer)accord_protocol_matrix_get_capability_gain (matrix, sent));
      _append_sentence (after, _gains_sentence (accord_protocol_matrix_get_label (matrix, mail_in),
                                                elsewhere));
    }
  else if ((loss = accord_protocol_matrix_get_loss (matrix, mail_in, sent)) != NULL)
    {
      g_ptr_array_add (elsewhere, (gpointer)loss);
      _append_sentence (after, _losses_sentence (accord_protocol_matrix_get_label (matrix, mail_in),
                                                 elsewhere));
    }
}

static char *
_describe_usable (AccordProtocolMatrix *matrix,
                  AccordServiceKind     service,
                  AccordProtocol        protocol,
                  AccordProtocol        mail_in)
{
  const char *label = accord_protocol_matrix_get_label (matrix, protocol);
  g_autoptr(GPtrArray) gains = g_ptr_array_new ();
  g_autoptr(GPtrArray) losses = g_ptr_array_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) after = g_string_new (NULL);
  const AccordCapability *capabilities;
  guint n_capabilities;

  capabilities = accord_capabilities_for_service (service, &n_capabilities);
  for (guint i = 0; i < n_capabilities; i++)
    {
      AccordCapability capability = capabilities[i];
      AccordSupport support = accord_protocol_matrix_get_support (matrix, protocol, capability, NULL);
      const char *loss;

      if (support == ACCORD_SUPPORT_YES)
        g_ptr_array_add (gains,
                         (gpointer)accord_protocol_matrix_get_capability_gain (matrix, capability));
      else if ((loss = accord_protocol_matrix_get_loss (matrix, protocol, capability)) != NULL)
        g_ptr_array_add (losses, (gpointer)loss);
    }

  if (service == ACCORD_SERVICE_MAIL_OUT)
    _describe_sent_items (matrix, protocol, mail_in, gains, losses, after);

  if (gains->len > 0)
    _append_sentence (text, _gains_sentence (label, gains));
  if (losses->len > 0)
    _append_sentence (text, _losses_sentence (label, losses));
  if (after->len > 0)
    _append_sentence (text, g_strdup (after->str));

  /* Only when the matrix words neither gains nor losses for this service. */
  if (text->len == 0)
    g_string_append (text, accord_protocol_matrix_get_summary (matrix, protocol));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* A protocol that cannot serve @service at all, such as SMTP for incoming mail. */
static char *
_describe_unusable (AccordServiceKind  service,
                    const char        *label,
                    const char        *loss)
{
  if (loss == NULL)
    /* Translators: %s is a protocol that cannot serve this part of an account */
    return g_strdup_printf (_("%s cannot be used for this."), label);

  switch (service)
    {
    case ACCORD_SERVICE_MAIL_IN:
      /* Translators: %1$s is a protocol, %2$s what stays behind, e.g. "SMTP cannot be
       * used for incoming mail, so new mail does not reach this computer." */
      return g_strdup_printf (_("%1$s cannot be used for incoming mail, so %2$s."), label, loss);
    case ACCORD_SERVICE_MAIL_OUT:
      /* Translators: %1$s is a protocol, %2$s what stays behind, e.g.
       * "POP3 cannot be used for outgoing mail, so mail cannot be sent." */
      return g_strdup_printf (_("%1$s cannot be used for outgoing mail, so %2$s."), label, loss);
    case ACCORD_SERVICE_CONTACTS:
      /* Translators: %1$s is a protocol, %2$s what stays behind, e.g.
       * "CalDAV cannot be used for contacts, so contacts stay on this computer." */
      return g_strdup_printf (_("%1$s cannot be used for contacts, so %2$s."), label, loss);
    case ACCORD_SERVICE_CALENDAR:
    default:
      /* Translators: %1$s is a protocol, %2$s what stays behind, e.g.
       * "CardDAV cannot be used for calendars, so calendars stay on this computer." */
      return g_strdup_printf (_("%1$s cannot be used for calendars, so %2$s."), label, loss);
    }
}

/**
 * accord_sync_summary_describe:
 * @matrix: the matrix whose wording to use
 * @service: the service to describe
 * @protocol: what @service uses; %ACCORD_PROTOCOL_LOCAL when it has no server, so
 *   its data stays on this computer
 * @mail_in: what incoming mail uses, or %ACCORD_PROTOCOL_LOCAL: whether the mail
 *   @service %ACCORD_SERVICE_MAIL_OUT sends is saved on the server depends on it
 *
 * Says in plain words what @service syncs with @protocol and what is lost where
 * @protocol provides a capability only in part or not at all, e.g. "POP3 fetches the
 * Inbox and keeps a full copy on this computer. With POP3, only the Inbox is here, not
 * your other folders; …". A service without a server, with a protocol Accord cannot
 * use, or with one that cannot serve it gets one sentence that says what stays behind.
 *
 * The sentences do not name the service; accord_sync_summary_get_service_title() does,
 * for a heading.
 *
 * Returns: (transfer full): one or a few sentences
 */
char *
accord_sync_summary_describe (AccordProtocolMatrix *matrix,
                              AccordServiceKind     service,
                              AccordProtocol        protocol,
                              AccordProtocol        mail_in)
{
  const AccordCapability *capabilities;
  const char *label;
  const char *loss;
  guint n_capabilities;

  g_return_val_if_fail (ACCORD_IS_PROTOCOL_MATRIX (matrix), NULL);
  g_return_val_if_fail (service < ACCORD_N_SERVICES, NULL);
  g_return_val_if_fail (protocol <= ACCORD_PROTOCOL_LOCAL, NULL);
  g_return_val_if_fail (mail_in <= ACCORD_PROTOCOL_LOCAL, NULL);

  /* With no server, or none that works, what the service is for stays behind, whatever
   * the protocol would do: the service's first capability defines it. */
  capabilities = accord_capabilities_for_service (service, &n_capabilities);
  loss = accord_protocol_matrix_get_capability_loss (matrix, capabilities[0]);
  label = accord_protocol_matrix_get_label (matrix, protocol);

  if (protocol == ACCORD_PROTOCOL_LOCAL)
    {
      if (loss == NULL)
        return g_strdup (_("Nothing is synced: no server is set up."));
      /* Translators: %s is what stays behind, e.g.
       * "Without a server, contacts stay on this computer." */
      return g_strdup_printf (_("Without a server, %s."), loss);
    }

  if (!accord_protocol_matrix_is_implemented (matrix, protocol))
    {
      if (loss == NULL)
        /* Translators: %s is a protocol */
        return g_strdup_printf (_("Accord cannot use %s yet."), label);
      /* Translators: %1$s is a protocol, %2$s what stays behind, e.g.
       * "Accord cannot use Exchange Web Services yet, so contacts stay on this computer." */
      return g_strdup_printf (_("Accord cannot use %1$s yet, so %2$s."), label, loss);
    }

  if (accord_protocol_matrix_score (matrix, protocol, service) == 0)
    return _describe_unusable (service, label, loss);

  return _describe_usable (matrix, service, protocol, mail_in);
}

/**
 * accord_sync_summary_describe_decision:
 *
 * Describes every service as @decision set it up; a service it found no server for
 * keeps its data on this computer.
 *
 * Returns: (transfer full): %ACCORD_N_SERVICES sentences, indexed by #AccordServiceKind
 */
GStrv
accord_sync_summary_describe_decision (AccordProtocolMatrix *matrix,
                                       AccordDecision       *decision)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  AccordProtocol mail_in;

  g_return_val_if_fail (ACCORD_IS_PROTOCOL_MATRIX (matrix), NULL);
  g_return_val_if_fail (ACCORD_IS_DECISION (decision), NULL);

  mail_in = accord_sync_summary_get_choice (decision, ACCORD_SERVICE_MAIL_IN);
  for (AccordServiceKind service = 0; service < ACCORD_N_SERVICES; service++)
    {
      g_autofree char *sentence = NULL;

      sentence = accord_sync_summary_describe (matrix, service,
                                               accord_sync_summary_get_choice (decision, service),
                                               mail_in);
      g_strv_builder_add (builder, sentence);
    }

  return g_strv_builder_end (builder);
}
