/* test-decision.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "accord-core.h"
#include "accord-decision.h"
#include "accord-protocol-matrix.h"

static AccordCandidate *
_candidate (AccordServiceKind service,
            AccordProtocol    protocol,
            const char       *host,
            guint16           port,
            AccordSecurity    security,
            AccordSourceKind  source)
{
  AccordCandidate *candidate = accord_candidate_new (service, protocol, source);

  candidate->security = security;
  if (host != NULL && g_str_has_prefix (host, "https://"))
    {
      candidate->url = g_strdup (host);
    }
  else
    {
      candidate->host = g_strdup (host);
      candidate->port = port;
    }
  candidate->username = g_strdup ("alice@example.com");
  candidate->source_detail = g_strdup ("https://autoconfig.example.com/mail/config-v1.1.xml");

  return candidate;
}

static GPtrArray *
_candidates (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify)accord_candidate_unref);
}

static AccordDecision *
_decide (GPtrArray *candidates)
{
  return accord_decision_new (accord_protocol_matrix_get_default (), candidates);
}

static AccordCandidate *
_imap (void)
{
  return _candidate (ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP, "imap.example.com", 993,
                     ACCORD_SECURITY_TLS, ACCORD_SOURCE_AUTOCONFIG);
}

static AccordCandidate *
_pop3 (void)
{
  return _candidate (ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_POP3, "pop.example.com", 995,
                     ACCORD_SECURITY_TLS, ACCORD_SOURCE_AUTOCONFIG);
}

static void
_assert_contains (const char *haystack,
                  const char *needle)
{
  if (haystack == NULL || strstr (haystack, needle) == NULL)
    g_error ("“%s” does not contain “%s”", haystack ? haystack : "(null)", needle);
}

static void
test_decision_imap_over_pop3 (void)
{
  for (guint order = 0; order < 2; order++)
    {
      g_autoptr(GPtrArray) candidates = _candidates ();
      g_autoptr(AccordDecision) decision = NULL;
      AccordCandidate *choice;
      GPtrArray *alternatives;
      const char *reason;

      g_ptr_array_add (candidates, order == 0 ? _imap () : _pop3 ());
      g_ptr_array_add (candidates, order == 0 ? _pop3 () : _imap ());
      decision = _decide (candidates);

      choice = accord_decision_get_choice (decision, ACCORD_SERVICE_MAIL_IN);
      g_assert_nonnull (choice);
      g_assert_cmpint (choice->protocol, ==, ACCORD_PROTOCOL_IMAP);

      alternatives = accord_decision_get_alternatives (decision, ACCORD_SERVICE_MAIL_IN);
      g_assert_cmpuint (alternatives->len, ==, 1);
      g_assert_cmpint (((AccordCandidate *)g_ptr_array_index (alternatives, 0))->protocol, ==,
                       ACCORD_PROTOCOL_POP3);

      reason = accord_decision_get_reason (decision, ACCORD_SERVICE_MAIL_IN);
      g_test_message ("%s", reason);
      _assert_contains (reason, "IMAP rather than POP3");
      /* Built from what IMAP does and POP3 does not, in the matrix's words. */
      _assert_contains (reason, accord_protocol_matrix_get_capability_gain (
                          accord_protocol_matrix_get_default (), ACCORD_CAPABILITY_ALL_FOLDERS));
      _assert_contains (reason, accord_protocol_matrix_get_capability_gain (
                          accord_protocol_matrix_get_default (), ACCORD_CAPABILITY_DELETIONS));
      _assert_contains (reason, accord_protocol_matrix_get_capability_gain (
                          accord_protocol_matrix_get_default (), ACCORD_CAPABILITY_READ_STATE));
      _assert_contains (reason, "TLS");
    }
}

static void
test_decision_tls_over_starttls (void)
{
  g_autoptr(GPtrArray) candidates = _candidates ();
  g_autoptr(GPtrArray) only_starttls = _candidates ();
  g_autoptr(AccordDecision) decision = NULL;
  g_autoptr(AccordDecision) starttls_decision = NULL;
  AccordCandidate *choice;
  const char *reason;

  g_ptr_array_add (candidates, _candidate (ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP,
                                           "imap.example.com", 143, ACCORD_SECURITY_STARTTLS,
                                           ACCORD_SOURCE_LOCAL));
  g_ptr_array_add (candidates, _candidate (ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP,
                                           "imap.example.com", 993, ACCORD_SECURITY_TLS,
                                           ACCORD_SOURCE_GUESS));
  decision = _decide (candidates);
  choice = accord_decision_get_choice (decision, ACCORD_SERVICE_MAIL_IN);
  g_assert_cmpint (choice->security, ==, ACCORD_SECURITY_TLS);
  g_assert_cmpuint (choice->port, ==, 993);
  g_assert_cmpuint (accord_decision_get_alternatives (decision, ACCORD_SERVICE_MAIL_IN)->len, ==, 1);

  /* No other protocol: the reason says where the settings came from and how safe the
   * connection is. */
  reason = accord_decision_get_reason (decision, ACCORD_SERVICE_MAIL_IN);
  g_test_message ("%s", reason);
  _assert_contains (reason, "IMAP");
  _assert_contains (reason, "encrypted from the start (TLS)");

  g_ptr_array_add (only_starttls, _candidate (ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP,
                                              "imap.example.com", 143, ACCORD_SECURITY_STARTTLS,
                                              ACCORD_SOURCE_AUTOCONFIG));
  starttls_decision = _decide (only_starttls);
  reason = accord_decision_get_reason (starttls_decision, ACCORD_SERVICE_MAIL_IN);
  g_test_message ("%s", reason);
  _assert_contains (reason, "as your provider recommends");
  _assert_contains (reason, "encrypted right after connecting (STARTTLS)");
}

static void
test_decision_submission_ports (void)
{
  for (guint order = 0; order < 2; order++)
    {
      g_autoptr(GPtrArray) candidates = _candidates ();
      g_autoptr(AccordDecision) decision = NULL;
      AccordCandidate *implicit = _candidate (ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP,
                                              "smtp.example.com", 465, ACCORD_SECURITY_TLS,
                                              ACCORD_SOURCE_ISPDB);
      AccordCandidate *submission = _candidate (ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP,
                                                "smtp.example.com", 587, ACCORD_SECURITY_STARTTLS,
                                                ACCORD_SOURCE_AUTOCONFIG);
      AccordCandidate *choice;

      g_ptr_array_add (candidates, order == 0 ? submission : implicit);
      g_ptr_array_add (candidates, order == 0 ? implicit : submission);
      decision = _decide (candidates);

      choice = accord_decision_get_choice (decision, ACCORD_SERVICE_MAIL_OUT);
      g_assert_cmpuint (choice->port, ==, 465);
      g_assert_cmpuint (((AccordCandidate *)g_ptr_array_index (
                           accord_decision_get_alternatives (decision, ACCORD_SERVICE_MAIL_OUT),
                           0))->port, ==, 587);
      _assert_contains (accord_decision_get_reason (decision, ACCORD_SERVICE_MAIL_OUT), "SMTP");
    }
}

static void
test_decision_protocol_order (void)
{
  static const AccordProtocol expected[] = {
    ACCORD_PROTOCOL_JMAP, ACCORD_PROTOCOL_EAS, ACCORD_PROTOCOL_IMAP, ACCORD_PROTOCOL_POP3,
  };
  g_autoptr(GPtrArray) candidates = _candidates ();
  g_autoptr(AccordDecision) decision = NULL;
  GPtrArray *alternatives;
  const char *reason;

  /* Least wanted first, from the most trusted source, so only the matrix can sort them. */
  g_ptr_array_add (candidates, _candidate (ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_POP3,
                                           "pop.example.com", 995, ACCORD_SECURITY_TLS,
                                           ACCORD_SOURCE_LOCAL));
  g_ptr_array_add (candidates, _candidate (ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP,
                                           "imap.example.com", 993, ACCORD_SECURITY_TLS,
                                           ACCORD_SOURCE_AUTOCONFIG));
  g_ptr_array_add (candidates, _candidate (ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_EAS,
                                           "https://eas.example.com/Microsoft-Server-ActiveSync",
                                           0, ACCORD_SECURITY_TLS, ACCORD_SOURCE_AUTODISCOVER));
  g_ptr_array_add (candidates, _candidate (ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_JMAP,
                                           "https://api.example.com/jmap/session", 0,
                                           ACCORD_SECURITY_TLS, ACCORD_SOURCE_SRV));
  decision = _decide (candidates);

  g_assert_cmpint (accord_decision_get_choice (decision, ACCORD_SERVICE_MAIL_IN)->protocol, ==,
                   expected[0]);
  alternatives = accord_decision_get_alternatives (decision, ACCORD_SERVICE_MAIL_IN);
  g_assert_cmpuint (alternatives->len, ==, G_N_ELEMENTS (expected) - 1);
  for (guint i = 1; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpint (((AccordCandidate *)g_ptr_array_index (alternatives, i - 1))->protocol, ==,
                     expected[i]);

  reason = accord_decision_get_reason (decision, ACCORD_SERVICE_MAIL_IN);
  g_test_message ("%s", reason);
  _assert_contains (reason, "JMAP rather than Exchange ActiveSync");

  /* Without JMAP, Exchange ActiveSync; it brings mail at once, IMAP only for one folder. */
  g_ptr_array_remove_index (candidates, 3);
  g_clear_object (&decision);
  decision = _decide (candidates);
  g_assert_cmpint (accord_decision_get_choice (decision, ACCORD_SERVICE_MAIL_IN)->protocol, ==,
                   ACCORD_PROTOCOL_EAS);
  reason = accord_decision_get_reason (decision, ACCORD_SERVICE_MAIL_IN);
  g_test_message ("%s", reason);
  _assert_contains (reason, "Exchange ActiveSync rather than IMAP");
  _assert_contains (reason, accord_protocol_matrix_get_capability_gain (
                      accord_protocol_matrix_get_default (), ACCORD_CAPABILITY_PUSH));
}

static void
test_decision_unimplemented (void)
{
  g_autoptr(GPtrArray) candidates = _candidates ();
  g_autoptr(GPtrArray) only_ews = _candidates ();
  g_autoptr(AccordDecision) decision = NULL;
  g_autoptr(AccordDecision) ews_decision = NULL;
  GPtrArray *alternatives;
  const char *reason;

  /* EWS syncs more than IMAP, but Accord cannot use it. */
  g_ptr_array_add (candidates, _candidate (ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_EWS,
                                           "https://mail.example.com/EWS/Exchange.asmx", 0,
                                           ACCORD_SECURITY_TLS, ACCORD_SOURCE_LOCAL));
  g_ptr_array_add (candidates, _candidate (ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP,
                                           "imap.example.com", 143, ACCORD_SECURITY_STARTTLS,
                                           ACCORD_SOURCE_GUESS));
  decision = _decide (candidates);

  g_assert_cmpint (accord_decision_get_choice (decision, ACCORD_SERVICE_MAIL_IN)->protocol, ==,
                   ACCORD_PROTOCOL_IMAP);
  alternatives = accord_decision_get_alternatives (decision, ACCORD_SERVICE_MAIL_IN);
  g_assert_cmpuint (alternatives->len, ==, 1);
  g_assert_cmpint (((AccordCandidate *)g_ptr_array_index (alternatives, 0))->protocol, ==,
                   ACCORD_PROTOCOL_EWS);
  reason = accord_decision_get_reason (decision, ACCORD_SERVICE_MAIL_IN);
  g_test_message ("%s", reason);
  _assert_contains (reason, "IMAP rather than Exchange Web Services");
  _assert_contains (reason, "cannot use");
  _assert_contains (reason, "STARTTLS");

  /* Alone, it is kept as an alternative and nothing is chosen. */
  g_ptr_array_add (only_ews, _candidate (ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_EWS,
                                         "https://mail.example.com/EWS/Exchange.asmx", 0,
                                         ACCORD_SECURITY_TLS, ACCORD_SOURCE_AUTODISCOVER));
  g_ptr_array_add (only_ews, _candidate (ACCORD_SERVICE_CONTACTS, ACCORD_PROTOCOL_EWS,
                                         "https://mail.example.com/EWS/Exchange.asmx", 0,
                                         ACCORD_SECURITY_TLS, ACCORD_SOURCE_AUTODISCOVER));
  ews_decision = _decide (only_ews);
  g_assert_null (accord_decision_get_choice (ews_decision, ACCORD_SERVICE_MAIL_IN));
  g_assert_cmpuint (accord_decision_get_alternatives (ews_decision, ACCORD_SERVICE_MAIL_IN)->len,
                    ==, 1);
  g_assert_false (accord_decision_proposes_local (ews_decision, ACCORD_SERVICE_MAIL_IN));
  _assert_contains (accord_decision_get_reason (ews_decision, ACCORD_SERVICE_MAIL_IN),
                    "Exchange Web Services");
  g_assert_null (accord_decision_get_choice (ews_decision, ACCORD_SERVICE_CONTACTS));
  g_assert_true (accord_decision_proposes_local (ews_decision, ACCORD_SERVICE_CONTACTS));
  _assert_contains (accord_decision_get_reason (ews_decision, ACCORD_SERVICE_CONTACTS),
                    "Exchange Web Services");
  _assert_contains (accord_decision_get_reason (ews_decision, ACCORD_SERVICE_CONTACTS),
                    "on this computer");
}

static void
test_decision_duplicates (void)
{
  g_autoptr(GPtrArray) candidates = _candidates ();
  g_autoptr(AccordDecision) decision = NULL;
  AccordCandidate *guessed = _candidate (ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP,
                                         "imap.example.com", 993, ACCORD_SECURITY_TLS,
                                         ACCORD_SOURCE_GUESS);
  AccordCandidate *published = _candidate (ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP,
                                           "IMAP.Example.com", 993, ACCORD_SECURITY_TLS,
                                           ACCORD_SOURCE_ISPDB);
  AccordCandidate *again = _candidate (ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP,
                                       "imap.example.com", 993, ACCORD_SECURITY_TLS,
                                       ACCORD_SOURCE_SRV);
  AccordCandidate *choice;

  g_ptr_array_add (candidates, guessed);
  g_ptr_array_add (candidates, published);
  g_ptr_array_add (candidates, again);
  g_ptr_array_add (candidates, _pop3 ());
  decision = _decide (candidates);

  choice = accord_decision_get_choice (decision, ACCORD_SERVICE_MAIL_IN);
  g_assert_true (choice == published);
  g_assert_cmpint (choice->source, ==, ACCORD_SOURCE_ISPDB);
  g_assert_cmpuint (accord_decision_get_alternatives (decision, ACCORD_SERVICE_MAIL_IN)->len, ==, 1);
}

static void
test_decision_insecure_source (void)
{
  g_autoptr(GPtrArray) candidates = _candidates ();
  g_autoptr(GPtrArray) alone = _candidates ();
  g_autoptr(AccordDecision) decision = NULL;
  g_autoptr(AccordDecision) alone_decision = NULL;
  AccordCandidate *insecure = _candidate (ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP,
                                          "imap.example.com", 993, ACCORD_SECURITY_TLS,
                                          ACCORD_SOURCE_HTTP_AUTOCONFIG);
  AccordCandidate *guessed = _candidate (ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP,
                                         "mail.example.com", 143, ACCORD_SECURITY_STARTTLS,
                                         ACCORD_SOURCE_GUESS);
  GPtrArray *alternatives;

  insecure->flags |= ACCORD_CANDIDATE_FLAG_INSECURE_SOURCE;
  g_ptr_array_add (candidates, accord_candidate_ref (insecure));
  g_ptr_array_add (candidates, guessed);
  g_ptr_array_add (candidates, _pop3 ());
  decision = _decide (candidates);

  /* Better security does not lift it over the others of its protocol… */
  g_assert_true (accord_decision_get_choice (decision, ACCORD_SERVICE_MAIL_IN) == guessed);
  alternatives = accord_decision_get_alternatives (decision, ACCORD_SERVICE_MAIL_IN);
  g_assert_cmpuint (alternatives->len, ==, 2);
  /* … while a better protocol still ranks before a worse one. */
  g_assert_true (g_ptr_array_index (alternatives, 0) == insecure);
  g_assert_cmpint (((AccordCandidate *)g_ptr_array_index (alternatives, 1))->protocol, ==,
                   ACCORD_PROTOCOL_POP3);

  g_ptr_array_add (alone, insecure);
  alone_decision = _decide (alone);
  g_assert_true (accord_decision_get_choice (alone_decision, ACCORD_SERVICE_MAIL_IN) == insecure);
  _assert_contains (accord_decision_get_reason (alone_decision, ACCORD_SERVICE_MAIL_IN),
                    "unencrypted connection");
}

static void
test_decision_no_contacts (void)
{
  g_autoptr(GPtrArray) candidates = _candidates ();
  g_autoptr(AccordDecision) decision = NULL;

  g_ptr_array_add (candidates, _imap ());
  g_ptr_array_add (candidates, _candidate (ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP,
                                           "smtp.example.com", 465, ACCORD_SECURITY_TLS,
                                           ACCORD_SOURCE_AUTOCONFIG));
  decision = _decide (candidates);

  for (AccordServiceKind s = ACCORD_SERVICE_CONTACTS; s <= ACCORD_SERVICE_CALENDAR; s++)
    {
      const char *reason = accord_decision_get_reason (decision, s);

      g_test_message ("%s", reason);
      g_assert_null (accord_decision_get_choice (decision, s));
      g_assert_true (accord_decision_proposes_local (decision, s));
      g_assert_cmpuint (accord_decision_get_alternatives (decision, s)->len, ==, 0);
      _assert_contains (reason, s == ACCORD_SERVICE_CONTACTS ? "no contacts" : "no calendar");
      _assert_contains (reason, "on this computer");
      _assert_contains (reason, "pair");
    }

  for (AccordServiceKind s = ACCORD_SERVICE_MAIL_IN; s <= ACCORD_SERVICE_MAIL_OUT; s++)
    {
      g_assert_nonnull (accord_decision_get_choice (decision, s));
      g_assert_false (accord_decision_proposes_local (decision, s));
    }
}

static void
test_decision_dav (void)
{
  g_autoptr(GPtrArray) candidates = _candidates ();
  g_autoptr(AccordDecision) decision = NULL;
  const char *reason;

  /* Exchange ActiveSync found first; the open standards sync as much and come first. */
  g_ptr_array_add (candidates, _candidate (ACCORD_SERVICE_CONTACTS, ACCORD_PROTOCOL_EAS,
                                           "https://eas.example.com/Microsoft-Server-ActiveSync",
                                           0, ACCORD_SECURITY_TLS, ACCORD_SOURCE_LOCAL));
  g_ptr_array_add (candidates, _candidate (ACCORD_SERVICE_CALENDAR, ACCORD_PROTOCOL_EAS,
                                           "https://eas.example.com/Microsoft-Server-ActiveSync",
                                           0, ACCORD_SECURITY_TLS, ACCORD_SOURCE_LOCAL));
  g_ptr_array_add (candidates, _candidate (ACCORD_SERVICE_CONTACTS, ACCORD_PROTOCOL_JMAP,
                                           "https://api.example.com/jmap/session", 0,
                                           ACCORD_SECURITY_TLS, ACCORD_SOURCE_SRV));
  g_ptr_array_add (candidates, _candidate (ACCORD_SERVICE_CONTACTS, ACCORD_PROTOCOL_CARDDAV,
                                           "https://dav.example.com/", 0,
                                           ACCORD_SECURITY_TLS, ACCORD_SOURCE_SRV));
  g_ptr_array_add (candidates, _candidate (ACCORD_SERVICE_CALENDAR, ACCORD_PROTOCOL_CALDAV,
                                           "https://dav.example.com/", 0,
                                           ACCORD_SECURITY_TLS, ACCORD_SOURCE_SRV));
  decision = _decide (candidates);

  g_assert_cmpint (accord_decision_get_choice (decision, ACCORD_SERVICE_CONTACTS)->protocol, ==,
                   ACCORD_PROTOCOL_CARDDAV);
  g_assert_cmpint (accord_decision_get_choice (decision, ACCORD_SERVICE_CALENDAR)->protocol, ==,
                   ACCORD_PROTOCOL_CALDAV);
  g_assert_cmpint (((AccordCandidate *)g_ptr_array_index (
                      accord_decision_get_alternatives (decision, ACCORD_SERVICE_CONTACTS),
                      1))->protocol, ==, ACCORD_PROTOCOL_JMAP);

  reason = accord_decision_get_reason (decision, ACCORD_SERVICE_CALENDAR);
  g_test_message ("%s", reason);
  _assert_contains (reason, "CalDAV rather than Exchange ActiveSync");
  g_assert_false (accord_decision_proposes_local (decision, ACCORD_SERVICE_CALENDAR));
}

static void
test_decision_reasons (void)
{
  g_autoptr(GPtrArray) candidates = _candidates ();
  g_autoptr(GPtrArray) empty = _candidates ();
  g_autoptr(AccordDecision) decision = NULL;
  g_autoptr(AccordDecision) nothing = NULL;

  g_ptr_array_add (candidates, _pop3 ());
  g_ptr_array_add (candidates, _imap ());
  g_ptr_array_add (candidates, _candidate (ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP,
                                           "smtp.example.com", 587, ACCORD_SECURITY_STARTTLS,
                                           ACCORD_SOURCE_MX));
  g_ptr_array_add (candidates, _candidate (ACCORD_SERVICE_CONTACTS, ACCORD_PROTOCOL_CARDDAV,
                                           "https://dav.example.com/", 0, ACCORD_SECURITY_TLS,
                                           ACCORD_SOURCE_GUESS));
  g_ptr_array_add (candidates, _candidate (ACCORD_SERVICE_CALENDAR, ACCORD_PROTOCOL_CALDAV,
                                           "https://dav.example.com/", 0, ACCORD_SECURITY_TLS,
                                           ACCORD_SOURCE_ISPDB));
  decision = _decide (candidates);
  nothing = _decide (empty);

  for (AccordServiceKind s = 0; s < ACCORD_N_SERVICES; s++)
    {
      const char *reason = accord_decision_get_reason (decision, s);
      AccordCandidate *choice = accord_decision_get_choice (decision, s);

      g_test_message ("%s: %s", accord_service_kind_to_string (s), reason);
      g_assert_nonnull (choice);
      g_assert_cmpstr (reason, !=, "");
      _assert_contains (reason, accord_protocol_get_label (choice->protocol));

      reason = accord_decision_get_reason (nothing, s);
      g_test_message ("nothing, %s: %s", accord_service_kind_to_string (s), reason);
      g_assert_nonnull (reason);
      g_assert_cmpstr (reason, !=, "");
      g_assert_null (accord_decision_get_choice (nothing, s));
    }
}

static void
test_decision_json (void)
{
  g_autoptr(GPtrArray) candidates = _candidates ();
  g_autoptr(AccordDecision) decision = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  static const char * const fields[] = {
    "protocol", "host", "port", "security", "username", "auth", "url", "source",
    "source_detail",
  };
  JsonObject *object;
  JsonObject *services;
  JsonObject *mail_in;
  JsonObject *alternatives;
  JsonObject *unavailable;
  JsonArray *mail_in_alternatives;

  g_ptr_array_add (candidates, _pop3 ());
  g_ptr_array_add (candidates, _imap ());
  g_ptr_array_add (candidates, _candidate (ACCORD_SERVICE_CALENDAR, ACCORD_PROTOCOL_CALDAV,
                                           "https://dav.example.com/", 0, ACCORD_SECURITY_TLS,
                                           ACCORD_SOURCE_SRV));
  decision = _decide (candidates);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "address");
  json_builder_add_string_value (builder, "alice@example.com");
  accord_decision_to_json (decision, builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_test_message ("%s", text);

  object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (object, "address"), ==, "alice@example.com");

  services = json_object_get_object_member (object, "services");
  g_assert_cmpuint (json_object_get_size (services), ==, ACCORD_N_SERVICES);
  mail_in = json_object_get_object_member (services, "mail-in");
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_assert_true (json_object_has_member (mail_in, fields[i]));
  g_assert_cmpstr (json_object_get_string_member (mail_in, "protocol"), ==, "imap");
  g_assert_cmpstr (json_object_get_string_member (mail_in, "host"), ==, "imap.example.com");
  g_assert_cmpint (json_object_get_int_member (mail_in, "port"), ==, 993);
  g_assert_cmpstr (json_object_get_string_member (mail_in, "security"), ==, "tls");
  g_assert_cmpstr (json_object_get_string_member (mail_in, "source"), ==, "autoconfig");
  _assert_contains (json_object_get_string_member (mail_in, "reason"), "IMAP rather than POP3");
  g_assert_true (json_object_get_null_member (services, "mail-out"));
  g_assert_true (json_object_get_null_member (services, "contacts"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (services, "calendar"),
                                                  "url"), ==, "https://dav.example.com/");
  g_assert_true (json_object_get_null_member (json_object_get_object_member (services, "calendar"),
                                              "port"));

  alternatives = json_object_get_object_member (object, "alternatives");
  g_assert_cmpuint (json_object_get_size (alternatives), ==, ACCORD_N_SERVICES);
  mail_in_alternatives = json_object_get_array_member (alternatives, "mail-in");
  g_assert_cmpuint (json_array_get_length (mail_in_alternatives), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (mail_in_alternatives, 0),
                                                  "protocol"), ==, "pop3");
  g_assert_false (json_object_has_member (json_array_get_object_element (mail_in_alternatives, 0),
                                          "reason"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (alternatives, "contacts")),
                    ==, 0);

  unavailable = json_object_get_object_member (object, "unavailable");
  g_assert_cmpuint (json_object_get_size (unavailable), ==, 2);
  g_assert_false (json_object_has_member (unavailable, "mail-in"));
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (unavailable, "contacts"),
                                                 "local"));
  g_assert_false (json_object_get_boolean_member (json_object_get_object_member (unavailable, "mail-out"),
                                                  "local"));
  _assert_contains (json_object_get_string_member (json_object_get_object_member (unavailable, "contacts"),
                                                   "reason"), "contacts");
}

static void
test_decision_other_matrix (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(AccordProtocolMatrix) matrix = NULL;
  g_autoptr(AccordDecision) decision = NULL;
  g_autoptr(GPtrArray) candidates = _candidates ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  JsonObject *pop3;

  /* The decision follows the matrix it is given, not a list of protocols of its own:
   * a POP3 that did everything would win over IMAP. */
  g_assert_nonnull (accord_protocol_matrix_get_default ());
  bytes = g_resources_lookup_data ("/io/github/accordsync/Accord/core/protocols.json",
                                   G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_assert_no_error (error);
  json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                              &error);
  g_assert_no_error (error);
  pop3 = json_object_get_object_member (
    json_object_get_object_member (
      json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                     "protocols"), "pop3"), "capabilities");
  for (guint i = 0; i < ACCORD_N_CAPABILITIES; i++)
    json_object_set_string_member (json_object_get_object_member (pop3, accord_capability_to_string (i)),
                                   "support", "yes");
  json_generator_set_root (generator, json_parser_get_root (parser));
  json = json_generator_to_data (generator, NULL);
  matrix = accord_protocol_matrix_new_from_data (json, &error);
  g_assert_no_error (error);

  g_ptr_array_add (candidates, _imap ());
  g_ptr_array_add (candidates, _pop3 ());
  decision = accord_decision_new (matrix, candidates);
  g_assert_cmpint (accord_decision_get_choice (decision, ACCORD_SERVICE_MAIL_IN)->protocol, ==,
                   ACCORD_PROTOCOL_POP3);
  _assert_contains (accord_decision_get_reason (decision, ACCORD_SERVICE_MAIL_IN),
                    "POP3 rather than IMAP");
}

static void
test_decision_reachable (void)
{
  g_autoptr(GPtrArray) candidates = _candidates ();
  g_autoptr(AccordDecision) decision = NULL;
  AccordCandidate *imap = _imap ();
  AccordCandidate *pop3 = _pop3 ();
  const char *reason;

  /* IMAP syncs more, but its server did not answer: POP3, and the reason says why. */
  imap->flags |= ACCORD_CANDIDATE_FLAG_UNREACHABLE;
  g_ptr_array_add (candidates, imap);
  g_ptr_array_add (candidates, pop3);
  decision = _decide (candidates);
  g_assert_true (accord_decision_get_choice (decision, ACCORD_SERVICE_MAIL_IN) == pop3);
  reason = accord_decision_get_reason (decision, ACCORD_SERVICE_MAIL_IN);
  g_test_message ("%s", reason);
  _assert_contains (reason, imap->host);

  /* An untrusted certificate ranks between the two. */
  imap->flags = ACCORD_CANDIDATE_FLAG_UNTRUSTED_CERTIFICATE;
  pop3->flags = ACCORD_CANDIDATE_FLAG_UNREACHABLE;
  g_clear_object (&decision);
  decision = _decide (candidates);
  g_assert_true (accord_decision_get_choice (decision, ACCORD_SERVICE_MAIL_IN) == imap);

  pop3->flags = 0;
  g_clear_object (&decision);
  decision = _decide (candidates);
  g_assert_true (accord_decision_get_choice (decision, ACCORD_SERVICE_MAIL_IN) == pop3);
  _assert_contains (accord_decision_get_reason (decision, ACCORD_SERVICE_MAIL_IN), "certificate");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/decision/imap-over-pop3", test_decision_imap_over_pop3);
  g_test_add_func ("/decision/tls-over-starttls", test_decision_tls_over_starttls);
  g_test_add_func ("/decision/submission-ports", test_decision_submission_ports);
  g_test_add_func ("/decision/protocol-order", test_decision_protocol_order);
  g_test_add_func ("/decision/unimplemented", test_decision_unimplemented);
  g_test_add_func ("/decision/duplicates", test_decision_duplicates);
  g_test_add_func ("/decision/insecure-source", test_decision_insecure_source);
  g_test_add_func ("/decision/no-contacts", test_decision_no_contacts);
  g_test_add_func ("/decision/dav", test_decision_dav);
  g_test_add_func ("/decision/reasons", test_decision_reasons);
  g_test_add_func ("/decision/json", test_decision_json);
  g_test_add_func ("/decision/other-matrix", test_decision_other_matrix);
  g_test_add_func ("/decision/reachable", test_decision_reachable);

  return g_test_run ();
}
