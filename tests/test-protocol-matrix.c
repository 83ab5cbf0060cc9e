/* test-protocol-matrix.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "accord-core.h"
#include "accord-protocol-matrix.h"

#define MATRIX_RESOURCE_PATH "/io/github/accordsync/Accord/core/protocols.json"

static const char * const all_rows[] = {
  "pop3", "imap", "jmap", "smtp", "eas", "ews", "mapi", "caldav", "carddav",
};

static char *
_dup_builtin_json (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  /* Asking for the default first registers the core's resource. */
  g_assert_nonnull (accord_protocol_matrix_get_default ());
  bytes = g_resources_lookup_data (MATRIX_RESOURCE_PATH, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_assert_no_error (error);

  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static void
test_matrix_resource (void)
{
  AccordProtocolMatrix *matrix = accord_protocol_matrix_get_default ();
  g_autofree char *builtin = _dup_builtin_json ();
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "protocols.json", NULL);
  g_autofree char *on_disk = NULL;
  g_autoptr(GError) error = NULL;
  const char * const *ids;

  g_assert_true (ACCORD_IS_PROTOCOL_MATRIX (matrix));
  g_assert_true (matrix == accord_protocol_matrix_get_default ());

  /* The built-in copy is the file in data/, not a stale one. */
  g_file_get_contents (path, &on_disk, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (builtin, ==, on_disk);

  ids = accord_protocol_matrix_get_row_ids (matrix);
  g_assert_cmpuint (g_strv_length ((GStrv)ids), ==, G_N_ELEMENTS (all_rows));
  for (guint i = 0; i < G_N_ELEMENTS (all_rows); i++)
    g_assert_true (g_strv_contains (ids, all_rows[i]));
}

static void
test_matrix_complete (void)
{
  AccordProtocolMatrix *matrix = accord_protocol_matrix_get_default ();

  for (AccordCapability c = 0; c < ACCORD_N_CAPABILITIES; c++)
    {
      g_assert_cmpstr (accord_protocol_matrix_get_capability_label (matrix, c), !=, "");
      g_assert_cmpstr (accord_protocol_matrix_get_capability_description (matrix, c), !=, "");
      g_assert_cmpstr (accord_protocol_matrix_get_capability_gain (matrix, c), !=, "");
    }

  g_assert_cmpstr (accord_protocol_matrix_get_capability_label (matrix, ACCORD_CAPABILITY_INBOX),
                   ==, "Inbox");
  g_assert_cmpstr (accord_protocol_matrix_get_capability_label (matrix, ACCORD_CAPABILITY_READ_STATE),
                   ==, "Read & flags");

  for (guint i = 0; i < G_N_ELEMENTS (all_rows); i++)
    {
      const char *id = all_rows[i];

      g_test_message ("row %s", id);
      g_assert_cmpstr (accord_protocol_matrix_get_row_label (matrix, id), !=, "");
      g_assert_cmpstr (accord_protocol_matrix_get_row_summary (matrix, id), !=, "");

      for (AccordCapability c = 0; c < ACCORD_N_CAPABILITIES; c++)
        {
          const char *note = NULL;
          AccordSupport support = accord_protocol_matrix_get_row_support (matrix, id, c, &note);

          g_assert_cmpint (support, >=, ACCORD_SUPPORT_NO);
          g_assert_cmpint (support, <=, ACCORD_SUPPORT_YES);
          g_assert_nonnull (note);
          g_assert_cmpstr (note, !=, "");
        }
    }

  /* Every AccordProtocol but local has a row, reachable by its enum value. */
  for (AccordProtocol p = ACCORD_PROTOCOL_IMAP; p < ACCORD_PROTOCOL_LOCAL; p++)
    {
      g_assert_nonnull (accord_protocol_matrix_get_summary (matrix, p));
      g_assert_cmpstr (accord_protocol_matrix_get_label (matrix, p), ==,
                       accord_protocol_get_label (p));
    }
  g_assert_null (accord_protocol_matrix_get_summary (matrix, ACCORD_PROTOCOL_LOCAL));
  g_assert_false (accord_protocol_matrix_is_implemented (matrix, ACCORD_PROTOCOL_LOCAL));
}

static void
test_matrix_implemented (void)
{
  AccordProtocolMatrix *matrix = accord_protocol_matrix_get_default ();
  static const char * const implemented[] = {
    "imap", "pop3", "smtp", "jmap", "eas", "caldav", "carddav",
  };

  for (guint i = 0; i < G_N_ELEMENTS (implemented); i++)
    g_assert_true (accord_protocol_matrix_row_is_implemented (matrix, implemented[i]));

  g_assert_false (accord_protocol_matrix_row_is_implemented (matrix, "ews"));
  g_assert_false (accord_protocol_matrix_row_is_implemented (matrix, "mapi"));
  g_assert_false (accord_protocol_matrix_is_implemented (matrix, ACCORD_PROTOCOL_EWS));
  g_assert_true (accord_protocol_matrix_is_implemented (matrix, ACCORD_PROTOCOL_IMAP));
}

static void
test_matrix_facts (void)
{
  static const struct {
    AccordProtocol   protocol;
    AccordCapability capability;
    AccordSupport    support;
  } facts[] = {
    { ACCORD_PROTOCOL_POP3, ACCORD_CAPABILITY_INBOX, ACCORD_SUPPORT_YES },
    { ACCORD_PROTOCOL_POP3, ACCORD_CAPABILITY_ALL_FOLDERS, ACCORD_SUPPORT_NO },
    { ACCORD_PROTOCOL_POP3, ACCORD_CAPABILITY_DELETIONS, ACCORD_SUPPORT_PARTIAL },
    { ACCORD_PROTOCOL_POP3, ACCORD_CAPABILITY_READ_STATE, ACCORD_SUPPORT_NO },
    { ACCORD_PROTOCOL_POP3, ACCORD_CAPABILITY_PUSH, ACCORD_SUPPORT_NO },
    { ACCORD_PROTOCOL_POP3, ACCORD_CAPABILITY_OFFLINE_COPY, ACCORD_SUPPORT_YES },
    { ACCORD_PROTOCOL_IMAP, ACCORD_CAPABILITY_ALL_FOLDERS, ACCORD_SUPPORT_YES },
    { ACCORD_PROTOCOL_IMAP, ACCORD_CAPABILITY_PUSH, ACCORD_SUPPORT_PARTIAL },
    { ACCORD_PROTOCOL_IMAP, ACCORD_CAPABILITY_CONTACTS, ACCORD_SUPPORT_NO },
    { ACCORD_PROTOCOL_IMAP, ACCORD_CAPABILITY_CALENDAR, ACCORD_SUPPORT_NO },
    { ACCORD_PROTOCOL_JMAP, ACCORD_CAPABILITY_PUSH, ACCORD_SUPPORT_YES },
    { ACCORD_PROTOCOL_JMAP, ACCORD_CAPABILITY_SEND, ACCORD_SUPPORT_YES },
    { ACCORD_PROTOCOL_JMAP, ACCORD_CAPABILITY_CONTACTS, ACCORD_SUPPORT_PARTIAL },
    { ACCORD_PROTOCOL_JMAP, ACCORD_CAPABILITY_CALENDAR, ACCORD_SUPPORT_PARTIAL },
    { ACCORD_PROTOCOL_EAS, ACCORD_CAPABILITY_ALL_FOLDERS, ACCORD_SUPPORT_YES },
    { ACCORD_PROTOCOL_EAS, ACCORD_CAPABILITY_CONTACTS, ACCORD_SUPPORT_YES },
    { ACCORD_PROTOCOL_EAS, ACCORD_CAPABILITY_CALENDAR, ACCORD_SUPPORT_YES },
    { ACCORD_PROTOCOL_EAS, ACCORD_CAPABILITY_TASKS, ACCORD_SUPPORT_YES },
    { ACCORD_PROTOCOL_EAS, ACCORD_CAPABILITY_NOTES, ACCORD_SUPPORT_PARTIAL },
    { ACCORD_PROTOCOL_EAS, ACCORD_CAPABILITY_PUSH, ACCORD_SUPPORT_YES },
    { ACCORD_PROTOCOL_EAS, ACCORD_CAPABILITY_SEND, ACCORD_SUPPORT_YES },
    { ACCORD_PROTOCOL_EWS, ACCORD_CAPABILITY_CALENDAR, ACCORD_SUPPORT_YES },
    { ACCORD_PROTOCOL_SMTP, ACCORD_CAPABILITY_SEND, ACCORD_SUPPORT_YES },
    { ACCORD_PROTOCOL_SMTP, ACCORD_CAPABILITY_INBOX, ACCORD_SUPPORT_NO },
    { ACCORD_PROTOCOL_CALDAV, ACCORD_CAPABILITY_CALENDAR, ACCORD_SUPPORT_YES },
    { ACCORD_PROTOCOL_CALDAV, ACCORD_CAPABILITY_TASKS, ACCORD_SUPPORT_YES },
    { ACCORD_PROTOCOL_CALDAV, ACCORD_CAPABILITY_CONTACTS, ACCORD_SUPPORT_NO },
    { ACCORD_PROTOCOL_CARDDAV, ACCORD_CAPABILITY_CONTACTS, ACCORD_SUPPORT_YES },
    { ACCORD_PROTOCOL_CARDDAV, ACCORD_CAPABILITY_CALENDAR, ACCORD_SUPPORT_NO },
  };
  AccordProtocolMatrix *matrix = accord_protocol_matrix_get_default ();

  for (guint i = 0; i < G_N_ELEMENTS (facts); i++)
    {
      const char *note = NULL;

      g_test_message ("%s / %s", accord_protocol_to_string (facts[i].protocol),
                      accord_capability_to_string (facts[i].capability));
      g_assert_cmpint (accord_protocol_matrix_get_support (matrix, facts[i].protocol,
                                                           facts[i].capability, &note),
                       ==, facts[i].support);
      g_assert_nonnull (note);
    }

  /* Matrix-only rows answer by id. */
  g_assert_cmpint (accord_protocol_matrix_get_row_support (matrix, "mapi", ACCORD_CAPABILITY_NOTES,
                                                           NULL),
                   ==, ACCORD_SUPPORT_YES);
}

static char *_mutate (const char *path,
                      const char *replacement);

static void
test_matrix_losses (void)
{
  AccordProtocolMatrix *matrix = accord_protocol_matrix_get_default ();

  /* Every column says what is lost without it, so a sentence never falls back to a
   * note; a cell that is partial says what of it is missing. */
  for (AccordCapability c = 0; c < ACCORD_N_CAPABILITIES; c++)
    {
      const char *loss = accord_protocol_matrix_get_capability_loss (matrix, c);

      g_assert_nonnull (loss);
      g_assert_cmpstr (loss, !=, "");
    }

  for (AccordProtocol p = ACCORD_PROTOCOL_IMAP; p < ACCORD_PROTOCOL_LOCAL; p++)
    {
      for (AccordCapability c = 0; c < ACCORD_N_CAPABILITIES; c++)
        {
          AccordSupport support = accord_protocol_matrix_get_support (matrix, p, c, NULL);
          const char *loss = accord_protocol_matrix_get_loss (matrix, p, c);

          g_test_message ("%s / %s", accord_protocol_to_string (p), accord_capability_to_string (c));
          if (support == ACCORD_SUPPORT_YES)
            g_assert_null (loss);
          else if (support == ACCORD_SUPPORT_NO)
            g_assert_cmpstr (loss, ==, accord_protocol_matrix_get_capability_loss (matrix, c));
          else
            g_assert_cmpstr (loss, !=, accord_protocol_matrix_get_capability_loss (matrix, c));
        }
    }

  g_assert_cmpstr (accord_protocol_matrix_get_loss (matrix, ACCORD_PROTOCOL_POP3,
                                                    ACCORD_CAPABILITY_DELETIONS),
                   ==, "mail you delete or file here stays in other devices’ Inboxes");
  g_assert_cmpstr (accord_protocol_matrix_get_loss (matrix, ACCORD_PROTOCOL_POP3,
                                                    ACCORD_CAPABILITY_READ_STATE),
                   ==, "read marks and flags stay on this computer");
  /* Local syncs nothing, so it loses everything. */
  g_assert_cmpstr (accord_protocol_matrix_get_loss (matrix, ACCORD_PROTOCOL_LOCAL,
                                                    ACCORD_CAPABILITY_CONTACTS),
                   ==, "contacts stay on this computer");
}

static void
test_matrix_losses_optional (void)
{
  g_autoptr(AccordProtocolMatrix) matrix = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = _mutate ("capabilities.read-state.loss", NULL);
  g_autofree char *without_cell = NULL;

  matrix = accord_protocol_matrix_new_from_data (json, &error);
  g_assert_no_error (error);
  g_assert_null (accord_protocol_matrix_get_capability_loss (matrix, ACCORD_CAPABILITY_READ_STATE));
  g_assert_null (accord_protocol_matrix_get_loss (matrix, ACCORD_PROTOCOL_POP3,
                                                  ACCORD_CAPABILITY_READ_STATE));
  g_clear_object (&matrix);

  /* Without its own loss, a partial cell takes the column's. */
  without_cell = _mutate ("protocols.pop3.capabilities.deletions.loss", NULL);
  matrix = accord_protocol_matrix_new_from_data (without_cell, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (accord_protocol_matrix_get_loss (matrix, ACCORD_PROTOCOL_POP3,
                                                    ACCORD_CAPABILITY_DELETIONS),
                   ==, accord_protocol_matrix_get_capability_loss (matrix, ACCORD_CAPABILITY_DELETIONS));
}

static void
test_matrix_scores (void)
{
  AccordProtocolMatrix *matrix = accord_protocol_matrix_get_default ();
  guint imap = accord_protocol_matrix_score (matrix, ACCORD_PROTOCOL_IMAP, ACCORD_SERVICE_MAIL_IN);
  guint pop3 = accord_protocol_matrix_score (matrix, ACCORD_PROTOCOL_POP3, ACCORD_SERVICE_MAIL_IN);
  guint jmap = accord_protocol_matrix_score (matrix, ACCORD_PROTOCOL_JMAP, ACCORD_SERVICE_MAIL_IN);
  guint eas = accord_protocol_matrix_score (matrix, ACCORD_PROTOCOL_EAS, ACCORD_SERVICE_MAIL_IN);
  guint n_capabilities;

  g_assert_cmpuint (imap, >, pop3);
  g_assert_cmpuint (eas, >=, imap);
  g_assert_cmpuint (jmap, >, imap);
  g_assert_cmpuint (pop3, >, 0);

  /* The highest score is 2 per capability. */
  accord_capabilities_for_service (ACCORD_SERVICE_MAIL_IN, &n_capabilities);
  g_assert_cmpuint (n_capabilities, ==, 7);
  g_assert_cmpuint (jmap, <=, 2 * n_capabilities);

  /* SMTP only sends. */
  g_assert_cmpuint (accord_protocol_matrix_score (matrix, ACCORD_PROTOCOL_SMTP, ACCORD_SERVICE_MAIL_OUT),
                    ==, 2);
  g_assert_cmpuint (accord_protocol_matrix_score (matrix, ACCORD_PROTOCOL_SMTP, ACCORD_SERVICE_MAIL_IN),
                    ==, 0);
  g_assert_cmpuint (accord_protocol_matrix_score (matrix, ACCORD_PROTOCOL_SMTP, ACCORD_SERVICE_CONTACTS),
                    ==, 0);
  g_assert_cmpuint (accord_protocol_matrix_score (matrix, ACCORD_PROTOCOL_SMTP, ACCORD_SERVICE_CALENDAR),
                    ==, 0);
  g_assert_cmpuint (accord_protocol_matrix_score (matrix, ACCORD_PROTOCOL_IMAP, ACCORD_SERVICE_MAIL_OUT),
                    ==, 0);
  g_assert_cmpuint (accord_protocol_matrix_score (matrix, ACCORD_PROTOCOL_POP3, ACCORD_SERVICE_MAIL_OUT),
                    ==, 0);

  /* A protocol without the defining capability scores nothing, whatever else it has:
   * CalDAV syncs deletions, but receives no mail. */
  g_assert_cmpuint (accord_protocol_matrix_score (matrix, ACCORD_PROTOCOL_CALDAV, ACCORD_SERVICE_MAIL_IN),
                    ==, 0);
  g_assert_cmpuint (accord_protocol_matrix_score (matrix, ACCORD_PROTOCOL_CALDAV, ACCORD_SERVICE_CALENDAR),
                    ==, 4);
  g_assert_cmpuint (accord_protocol_matrix_score (matrix, ACCORD_PROTOCOL_CARDDAV, ACCORD_SERVICE_CONTACTS),
                    ==, 2);
  g_assert_cmpuint (accord_protocol_matrix_score (matrix, ACCORD_PROTOCOL_JMAP, ACCORD_SERVICE_CONTACTS),
                    ==, 1);
  g_assert_cmpuint (accord_protocol_matrix_score (matrix, ACCORD_PROTOCOL_LOCAL, ACCORD_SERVICE_CONTACTS),
                    ==, 0);
}

static void
test_matrix_enums (void)
{
  guint n_capabilities = 0;
  const AccordCapability *capabilities;

  for (AccordCapability c = 0; c < ACCORD_N_CAPABILITIES; c++)
    {
      AccordCapability parsed;

      g_assert_true (accord_capability_from_string (accord_capability_to_string (c), &parsed));
      g_assert_cmpint (parsed, ==, c);
    }
  g_assert_cmpstr (accord_capability_to_string (ACCORD_CAPABILITY_OFFLINE_COPY), ==, "offline-copy");
  g_assert_false (accord_capability_from_string ("offline_copy", &(AccordCapability) { 0 }));
  g_assert_cmpstr (accord_support_to_string (ACCORD_SUPPORT_PARTIAL), ==, "partial");
  g_assert_true (G_TYPE_IS_ENUM (ACCORD_TYPE_CAPABILITY));
  g_assert_true (G_TYPE_IS_ENUM (ACCORD_TYPE_SUPPORT));

  capabilities = accord_capabilities_for_service (ACCORD_SERVICE_MAIL_OUT, &n_capabilities);
  g_assert_cmpuint (n_capabilities, ==, 1);
  g_assert_cmpint (capabilities[0], ==, ACCORD_CAPABILITY_SEND);
  capabilities = accord_capabilities_for_service (ACCORD_SERVICE_CALENDAR, &n_capabilities);
  g_assert_cmpuint (n_capabilities, ==, 2);
  g_assert_cmpint (capabilities[0], ==, ACCORD_CAPABILITY_CALENDAR);
  g_assert_cmpint (capabilities[1], ==, ACCORD_CAPABILITY_TASKS);
}

static void
test_matrix_from_data (void)
{
  g_autofree char *json = _dup_builtin_json ();
  g_autoptr(AccordProtocolMatrix) matrix = NULL;
  g_autoptr(GError) error = NULL;

  matrix = accord_protocol_matrix_new_from_data (json, &error);
  g_assert_no_error (error);
  g_assert_true (matrix != accord_protocol_matrix_get_default ());
  g_assert_cmpuint (accord_protocol_matrix_score (matrix, ACCORD_PROTOCOL_IMAP, ACCORD_SERVICE_MAIL_IN),
                    ==,
                    accord_protocol_matrix_score (accord_protocol_matrix_get_default (),
                                                  ACCORD_PROTOCOL_IMAP, ACCORD_SERVICE_MAIL_IN));
}

/* Changes one thing in the built-in matrix; @path is "a.b.c", and @replacement is
 * JSON, or NULL to remove the member. */
static char *
_mutate (const char *path,
         const char *replacement)
{
  g_autofree char *json = _dup_builtin_json ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  guint n_parts = g_strv_length (parts);
  JsonObject *object;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));

  for (guint i = 0; i + 1 < n_parts; i++)
    object = json_object_get_object_member (object, parts[i]);

  if (replacement == NULL)
    {
      g_assert_true (json_object_has_member (object, parts[n_parts - 1]));
      json_object_remove_member (object, parts[n_parts - 1]);
    }
  else
    {
      g_autoptr(JsonParser) value = json_parser_new ();

      json_parser_load_from_data (value, replacement, -1, &error);
      g_assert_no_error (error);
      json_object_set_member (object, parts[n_parts - 1],
                              json_node_copy (json_parser_get_root (value)));
    }

  json_generator_set_root (generator, json_parser_get_root (parser));
  return json_generator_to_data (generator, NULL);
}

static void
test_matrix_invalid (void)
{
  static const struct {
    const char *path;
    const char *replacement;
    const char *message_part;
  } cases[] = {
    { "protocols.imap.capabilities.push", NULL, "push" },
    { "protocols.pop3.capabilities.inbox.support", "\"maybe\"", "maybe" },
    { "protocols.pop3.capabilities.inbox.support", "\"Yes\"", "Yes" },
    { "protocols.pop3.capabilities.inbox.support", "2", "support" },
    { "protocols.pop3.capabilities.inbox.note", "\"\"", "note" },
    { "protocols.pop3.capabilities.inbox.note", NULL, "note" },
    { "protocols.pop3.capabilities.inbox.extra", "1", "extra" },
    { "protocols.pop3.capabilities.inbox", "\"yes\"", "inbox" },
    { "protocols.pop3.capabilities.inboxes", "{\"support\": \"yes\", \"note\": \"x\"}", "inboxes" },
    { "protocols.pop3.implemented", "\"true\"", "implemented" },
    { "protocols.pop3.implemented", NULL, "implemented" },
    { "protocols.pop3.preference", "-1", "preference" },
    { "protocols.pop3.summary", NULL, "summary" },
    { "protocols.pop3.label", "null", "label" },
    { "protocols.imap", NULL, "imap" },
    { "protocols.mapi", NULL, "mapi" },
    { "protocols.local", "{}", "local" },
    { "protocols.gopher", "{}", "gopher" },
    { "protocols", "[]", "protocols" },
    { "capabilities.notes", NULL, "notes" },
    { "capabilities.notes.gain", NULL, "gain" },
    { "capabilities.notes.loss", "\"\"", "loss" },
    { "protocols.pop3.capabilities.deletions.loss", "3", "loss" },
    { "capabilities.smell", "{\"label\": \"a\", \"description\": \"b\", \"gain\": \"c\"}", "smell" },
    { "version", "2", "version" },
    { "version", NULL, "version" },
    { "comment", "\"hello\"", "comment" },
  };
  static const char * const not_json[] = { "", "{", "not json", "[]", "null", "\"protocols\"" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = _mutate (cases[i].path, cases[i].replacement);
      g_autoptr(AccordProtocolMatrix) matrix = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u: %s = %s", i, cases[i].path,
                      cases[i].replacement ? cases[i].replacement : "(removed)");
      matrix = accord_protocol_matrix_new_from_data (json, &error);
      g_assert_null (matrix);
      g_assert_error (error, ACCORD_PROTOCOL_MATRIX_ERROR, ACCORD_PROTOCOL_MATRIX_ERROR_INVALID);
      g_test_message ("  %s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].message_part));
    }

  for (guint i = 0; i < G_N_ELEMENTS (not_json); i++)
    {
      g_autoptr(AccordProtocolMatrix) matrix = NULL;
      g_autoptr(GError) error = NULL;

      matrix = accord_protocol_matrix_new_from_data (not_json[i], &error);
      g_assert_null (matrix);
      g_assert_error (error, ACCORD_PROTOCOL_MATRIX_ERROR, ACCORD_PROTOCOL_MATRIX_ERROR_INVALID);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol-matrix/resource", test_matrix_resource);
  g_test_add_func ("/protocol-matrix/complete", test_matrix_complete);
  g_test_add_func ("/protocol-matrix/implemented", test_matrix_implemented);
  g_test_add_func ("/protocol-matrix/facts", test_matrix_facts);
  g_test_add_func ("/protocol-matrix/losses", test_matrix_losses);
  g_test_add_func ("/protocol-matrix/losses-optional", test_matrix_losses_optional);
  g_test_add_func ("/protocol-matrix/scores", test_matrix_scores);
  g_test_add_func ("/protocol-matrix/enums", test_matrix_enums);
  g_test_add_func ("/protocol-matrix/from-data", test_matrix_from_data);
  g_test_add_func ("/protocol-matrix/invalid", test_matrix_invalid);

  return g_test_run ();
}
