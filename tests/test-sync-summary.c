/* test-sync-summary.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "accord-core.h"
#include "accord-sync-summary.h"

#define MATRIX_RESOURCE_PATH "/io/github/accordsync/Accord/core/protocols.json"

static char *
_describe (AccordServiceKind service,
           AccordProtocol    protocol,
           AccordProtocol    mail_in)
{
  char *sentence = accord_sync_summary_describe (accord_protocol_matrix_get_default (),
                                                 service, protocol, mail_in);

  g_test_message ("%s / %s: %s", accord_service_kind_to_string (service),
                  accord_protocol_to_string (protocol), sentence);
  return sentence;
}

static void
_assert_contains (const char *haystack,
                  const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("“%s” does not contain “%s”", haystack, needle);
}

static void
_assert_lacks (const char *haystack,
               const char *needle)
{
  if (strstr (haystack, needle) != NULL)
    g_error ("“%s” contains “%s”", haystack, needle);
}

/* Whatever the input, a summary reads as finished sentences: a capital first, a full
 * stop last, no placeholder or doubled space left behind. */
static void
_assert_well_formed (const char *sentence)
{
  g_assert_nonnull (sentence);
  g_assert_true (g_utf8_validate (sentence, -1, NULL));
  g_assert_true (g_unichar_isupper (g_utf8_get_char (sentence)));
  g_assert_true (g_str_has_suffix (sentence, "."));
  _assert_lacks (sentence, "%");
  _assert_lacks (sentence, "  ");
  _assert_lacks (sentence, "..");
  _assert_lacks (sentence, "(null)");
}

static void
test_summary_pop3_loses (void)
{
  g_autofree char *pop3 = _describe (ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_POP3,
                                     ACCORD_PROTOCOL_POP3);
  g_autofree char *imap = _describe (ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP,
                                     ACCORD_PROTOCOL_IMAP);

  _assert_well_formed (pop3);
  _assert_well_formed (imap);
  g_assert_cmpstr (pop3, !=, imap);

  /* What POP3 does, then what is lost with it. */
  g_assert_true (g_str_has_prefix (pop3, "POP3 fetches the Inbox"));
  _assert_contains (pop3, "With POP3, ");
  _assert_contains (pop3, "mail you delete or file here stays in other devices’ Inboxes");
  _assert_contains (pop3, "read marks and flags stay on this computer");
  _assert_contains (pop3, "only the Inbox is here");

  /* IMAP keeps what POP3 loses; it only lacks push outside the Inbox. */
  _assert_contains (imap, "keeps all folders");
  _assert_contains (imap, "syncs read marks and flags");
  _assert_lacks (imap, "stays in other devices’ Inboxes");
  _assert_contains (imap, "With IMAP, only the Inbox gets new mail at once");
}

static void
test_summary_complete (void)
{
  g_autofree char *jmap = _describe (ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_JMAP,
                                     ACCORD_PROTOCOL_JMAP);
  g_autofree char *carddav = _describe (ACCORD_SERVICE_CONTACTS, ACCORD_PROTOCOL_CARDDAV,
                                        ACCORD_PROTOCOL_IMAP);
  g_autofree char *caldav = _describe (ACCORD_SERVICE_CALENDAR, ACCORD_PROTOCOL_CALDAV,
                                       ACCORD_PROTOCOL_IMAP);

  /* Nothing lost, nothing said about losses. */
  _assert_well_formed (jmap);
  _assert_lacks (jmap, "With JMAP");
  _assert_contains (jmap, "brings new items at once");
  g_assert_cmpstr (carddav, ==, "CardDAV syncs contacts.");
  g_assert_cmpstr (caldav, ==, "CalDAV syncs calendars and syncs tasks.");
}

static void
test_summary_partial (void)
{
  g_autofree char *contacts = _describe (ACCORD_SERVICE_CONTACTS, ACCORD_PROTOCOL_JMAP,
                                         ACCORD_PROTOCOL_JMAP);
  g_autofree char *calendar = _describe (ACCORD_SERVICE_CALENDAR, ACCORD_PROTOCOL_JMAP,
                                         ACCORD_PROTOCOL_JMAP);

  /* A partial cell says itself what is missing. */
  g_assert_cmpstr (contacts, ==, "With JMAP, contacts sync only if your server offers JMAP for Contacts.");
  g_assert_cmpstr (calendar, ==, "With JMAP, calendars sync only if your server offers JMAP for "
                                 "Calendars; tasks stay on this computer.");
}

static void
test_summary_no_server (void)
{
  g_autofree char *contacts = _describe (ACCORD_SERVICE_CONTACTS, ACCORD_PROTOCOL_LOCAL,
                                         ACCORD_PROTOCOL_POP3);
  g_autofree char *calendar = _describe (ACCORD_SERVICE_CALENDAR, ACCORD_PROTOCOL_LOCAL,
                                         ACCORD_PROTOCOL_POP3);
  g_autofree char *mail_in = _describe (ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_LOCAL,
                                        ACCORD_PROTOCOL_LOCAL);
  g_autofree char *mail_out = _describe (ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_LOCAL,
                                         ACCORD_PROTOCOL_IMAP);

  g_assert_cmpstr (contacts, ==, "Without a server, contacts stay on this computer.");
  g_assert_cmpstr (calendar, ==, "Without a server, calendars stay on this computer.");
  g_assert_cmpstr (mail_in, ==, "Without a server, new mail does not reach this computer.");
  g_assert_cmpstr (mail_out, ==, "Without a server, mail cannot be sent.");
}

static void
test_summary_unusable (void)
{
  g_autofree char *ews = _describe (ACCORD_SERVICE_CONTACTS, ACCORD_PROTOCOL_EWS,
                                    ACCORD_PROTOCOL_EWS);
  g_autofree char *smtp = _describe (ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_SMTP,
                                     ACCORD_PROTOCOL_SMTP);
  g_autofree char *carddav = _describe (ACCORD_SERVICE_CALENDAR, ACCORD_PROTOCOL_CARDDAV,
                                        ACCORD_PROTOCOL_IMAP);

  /* Exchange Web Services would sync contacts, but Accord cannot use it. */
  g_assert_cmpstr (ews, ==, "Accord cannot use Exchange Web Services yet, so contacts stay on "
                            "this computer.");
  g_assert_cmpstr (smtp, ==, "SMTP cannot be used for incoming mail, so new mail does not reach "
                             "this computer.");
  g_assert_cmpstr (carddav, ==, "CardDAV cannot be used for calendars, so calendars stay on this "
                                "computer.");
}

static void
test_summary_sent_items (void)
{
  g_autofree char *with_imap = _describe (ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP,
                                          ACCORD_PROTOCOL_IMAP);
  g_autofree char *with_pop3 = _describe (ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP,
                                          ACCORD_PROTOCOL_POP3);
  g_autofree char *alone = _describe (ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP,
                                      ACCORD_PROTOCOL_LOCAL);
  g_autofree char *jmap = _describe (ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_JMAP,
                                     ACCORD_PROTOCOL_JMAP);

  /* SMTP keeps no copy: the protocol that receives mail decides. */
  g_assert_cmpstr (with_imap, ==, "SMTP sends mail. IMAP saves sent mail on the server.");
  g_assert_cmpstr (with_pop3, ==, "SMTP sends mail. With POP3, mail you send is not saved on the "
                                  "server, so your other devices do not show it.");
  g_assert_cmpstr (alone, ==, "SMTP sends mail. With SMTP, mail you send is not saved on the "
                              "server, so your other devices do not show it.");
  g_assert_cmpstr (jmap, ==, "JMAP sends mail and saves sent mail on the server.");
}

/* Every combination reads as finished sentences. */
static void
test_summary_all_combinations (void)
{
  for (AccordServiceKind service = 0; service < ACCORD_N_SERVICES; service++)
    {
      g_assert_nonnull (accord_sync_summary_get_service_title (service));

      for (AccordProtocol protocol = 0; protocol <= ACCORD_PROTOCOL_LOCAL; protocol++)
        {
          for (AccordProtocol mail_in = 0; mail_in <= ACCORD_PROTOCOL_LOCAL; mail_in++)
            {
              g_autofree char *sentence = accord_sync_summary_describe (accord_protocol_matrix_get_default (),
                                                                        service, protocol, mail_in);

              _assert_well_formed (sentence);
            }
        }
    }
}

static AccordCandidate *
_candidate (AccordServiceKind service,
            AccordProtocol    protocol,
            const char       *host)
{
  AccordCandidate *candidate = accord_candidate_new (service, protocol, ACCORD_SOURCE_AUTOCONFIG);

  candidate->host = g_strdup (host);
  candidate->port = accord_protocol_get_default_port (protocol, ACCORD_SECURITY_TLS);
  candidate->security = ACCORD_SECURITY_TLS;
  return candidate;
}

static void
test_summary_decision (void)
{
  AccordProtocolMatrix *matrix = accord_protocol_matrix_get_default ();
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func ((GDestroyNotify)accord_candidate_unref);
  g_autoptr(AccordDecision) decision = NULL;
  g_auto(GStrv) sentences = NULL;

  g_ptr_array_add (candidates, _candidate (ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_POP3,
                                           "pop.example.com"));
  g_ptr_array_add (candidates, _candidate (ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP,
                                           "smtp.example.com"));
  decision = accord_decision_new (matrix, candidates);

  g_assert_cmpint (accord_sync_summary_get_choice (decision, ACCORD_SERVICE_MAIL_IN), ==,
                   ACCORD_PROTOCOL_POP3);
  g_assert_cmpint (accord_sync_summary_get_choice (decision, ACCORD_SERVICE_CONTACTS), ==,
                   ACCORD_PROTOCOL_LOCAL);

  sentences = accord_sync_summary_describe_decision (matrix, decision);
  g_assert_cmpuint (g_strv_length (sentences), ==, ACCORD_N_SERVICES);
  _assert_contains (sentences[ACCORD_SERVICE_MAIL_IN], "stays in other devices’ Inboxes");
  _assert_contains (sentences[ACCORD_SERVICE_MAIL_OUT], "With POP3, mail you send is not saved");
  g_assert_cmpstr (sentences[ACCORD_SERVICE_CONTACTS], ==,
                   "Without a server, contacts stay on this computer.");
  g_assert_cmpstr (sentences[ACCORD_SERVICE_CALENDAR], ==,
                   "Without a server, calendars stay on this computer.");
}

/* The loss wording is optional in the matrix: without it, the sentences still say
 * what syncs and still read as sentences. */
static void
test_summary_without_losses (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(AccordProtocolMatrix) matrix = NULL;
  g_autoptr(GList) columns = NULL;
  g_autoptr(GList) rows = NULL;
  g_autofree char *json = NULL;
  JsonObject *root;

  g_assert_nonnull (accord_protocol_matrix_get_default ());
  bytes = g_resources_lookup_data (MATRIX_RESOURCE_PATH, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_assert_no_error (error);
  json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);

  root = json_node_get_object (json_parser_get_root (parser));
  columns = json_object_get_values (json_object_get_object_member (root, "capabilities"));
  for (const GList *l = columns; l != NULL; l = l->next)
    json_object_remove_member (json_node_get_object (l->data), "loss");
  rows = json_object_get_values (json_object_get_object_member (root, "protocols"));
  for (const GList *l = rows; l != NULL; l = l->next)
    {
      JsonObject *cells = json_object_get_object_member (json_node_get_object (l->data), "capabilities");
      g_autoptr(GList) values = json_object_get_values (cells);

      for (const GList *c = values; c != NULL; c = c->next)
        json_object_remove_member (json_node_get_object (c->data), "loss");
    }

  json_generator_set_root (generator, json_parser_get_root (parser));
  json = json_generator_to_data (generator, NULL);
  matrix = accord_protocol_matrix_new_from_data (json, &error);
  g_assert_no_error (error);

  for (AccordServiceKind service = 0; service < ACCORD_N_SERVICES; service++)
    {
      for (AccordProtocol protocol = 0; protocol <= ACCORD_PROTOCOL_LOCAL; protocol++)
        {
          g_autofree char *sentence = accord_sync_summary_describe (matrix, service, protocol,
                                                                    ACCORD_PROTOCOL_POP3);

          g_test_message ("%s", sentence);
          _assert_well_formed (sentence);
          _assert_lacks (sentence, "With ");
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync-summary/pop3-loses", test_summary_pop3_loses);
  g_test_add_func ("/sync-summary/complete", test_summary_complete);
  g_test_add_func ("/sync-summary/partial", test_summary_partial);
  g_test_add_func ("/sync-summary/no-server", test_summary_no_server);
  g_test_add_func ("/sync-summary/unusable", test_summary_unusable);
  g_test_add_func ("/sync-summary/sent-items", test_summary_sent_items);
  g_test_add_func ("/sync-summary/all-combinations", test_summary_all_combinations);
  g_test_add_func ("/sync-summary/decision", test_summary_decision);
  g_test_add_func ("/sync-summary/without-losses", test_summary_without_losses);

  return g_test_run ();
}
