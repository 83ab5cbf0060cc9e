/* test-account.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "accord-core.h"

static AccordAccount *
_make_full_account (void)
{
  AccordAccount *account = accord_account_new ("alice-example-com", "alice@example.com");
  g_autoptr(AccordServiceConfig) in = accord_service_config_new (ACCORD_PROTOCOL_IMAP);
  g_autoptr(AccordServiceConfig) out = accord_service_config_new (ACCORD_PROTOCOL_SMTP);
  g_autoptr(AccordServiceConfig) contacts = accord_service_config_new (ACCORD_PROTOCOL_CARDDAV);

  accord_account_set_display_name (account, "Alice – Work");
  accord_account_set_provider_name (account, "Example Mail");

  in->host = g_strdup ("imap.example.com");
  in->port = 993;
  in->username = g_strdup ("alice");
  in->pinned_certificate = g_strdup ("ab:cd:ef");
  in->sync_interval_minutes = 5;
  in->keep_on_server = g_strdup ("delete-after-days");
  in->keep_days = 30;
  accord_account_set_service (account, ACCORD_SERVICE_MAIL_IN, in);

  out->host = g_strdup ("smtp.example.com");
  out->port = 587;
  out->security = ACCORD_SECURITY_STARTTLS;
  out->username = g_strdup ("alice");
  out->server_files_sent = TRUE;
  accord_account_set_service (account, ACCORD_SERVICE_MAIL_OUT, out);

  contacts->url = g_strdup ("https://dav.example.com/alice/contacts/");
  contacts->auth = ACCORD_AUTH_OAUTH2;
  contacts->sync_enabled = FALSE;
  accord_account_set_service (account, ACCORD_SERVICE_CONTACTS, contacts);

  return account;
}

static JsonNode *
_parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
test_account_round_trip (void)
{
  g_autoptr(AccordAccount) account = _make_full_account ();
  g_autoptr(AccordAccount) loaded = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) reparsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  AccordServiceConfig *in;

  node = accord_account_to_json (account);
  text = json_to_string (node, TRUE);
  reparsed = _parse (text);

  loaded = accord_account_new_from_json (reparsed, &error);
  g_assert_no_error (error);
  g_assert_true (accord_account_equal (account, loaded));

  g_assert_cmpstr (accord_account_get_display_name (loaded), ==, "Alice – Work");
  g_assert_cmpstr (accord_account_get_provider_name (loaded), ==, "Example Mail");
  in = accord_account_get_service (loaded, ACCORD_SERVICE_MAIL_IN);
  g_assert_nonnull (in);
  g_assert_cmpint (in->protocol, ==, ACCORD_PROTOCOL_IMAP);
  g_assert_cmpint (in->port, ==, 993);
  g_assert_cmpstr (in->pinned_certificate, ==, "ab:cd:ef");
  g_assert_cmpuint (in->sync_interval_minutes, ==, 5);
  g_assert_cmpstr (in->keep_on_server, ==, "delete-after-days");
  g_assert_cmpuint (in->keep_days, ==, 30);
  g_assert_true (accord_account_get_service (loaded, ACCORD_SERVICE_MAIL_OUT)->server_files_sent);
  g_assert_cmpint (accord_account_get_service (loaded, ACCORD_SERVICE_CONTACTS)->auth, ==,
                   ACCORD_AUTH_OAUTH2);
  g_assert_false (accord_account_get_service (loaded, ACCORD_SERVICE_CONTACTS)->sync_enabled);
  g_assert_null (accord_account_get_service (loaded, ACCORD_SERVICE_CALENDAR));
}

static void
test_account_version_field (void)
{
  g_autoptr(AccordAccount) account = _make_full_account ();
  g_autoptr(JsonNode) node = accord_account_to_json (account);
  JsonObject *object = json_node_get_object (node);

  g_assert_true (json_object_has_member (object, "version"));
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==,
                   ACCORD_ACCOUNT_FORMAT_VERSION);
}

static void
test_account_too_new (void)
{
  g_autoptr(AccordAccount) account = _make_full_account ();
  g_autoptr(JsonNode) node = accord_account_to_json (account);
  g_autoptr(AccordAccount) loaded = NULL;
  g_autoptr(GError) error = NULL;

  json_object_set_int_member (json_node_get_object (node), "version",
                              ACCORD_ACCOUNT_FORMAT_VERSION + 1);
  loaded = accord_account_new_from_json (node, &error);
  g_assert_null (loaded);
  g_assert_error (error, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "newer"));
}

static void
test_account_invalid (void)
{
  static const char *cases[] = {
    "[]",
    "{}",
    "{\"version\": \"1\", \"id\": \"a\", \"address\": \"a@b.c\"}",
    "{\"version\": 0, \"id\": \"a\", \"address\": \"a@b.c\"}",
    "{\"version\": 1, \"id\": \"../etc\", \"address\": \"a@b.c\"}",
    "{\"version\": 1, \"id\": \"Upper\", \"address\": \"a@b.c\"}",
    "{\"version\": 1, \"id\": \"a\"}",
    "{\"version\": 1, \"id\": \"a\", \"address\": \"a@b.c\", \"services\": []}",
    "{\"version\": 1, \"id\": \"a\", \"address\": \"a@b.c\", \"services\": {\"mail-in\": {\"protocol\": \"gopher\"}}}",
    "{\"version\": 1, \"id\": \"a\", \"address\": \"a@b.c\", \"services\": {\"mail-in\": {\"protocol\": \"imap\", \"port\": 70000}}}",
    "{\"version\": 1, \"id\": \"a\", \"address\": \"a@b.c\", \"services\": {\"mail-in\": {\"protocol\": \"imap\", \"port\": \"993\"}}}",
    "{\"version\": 1, \"id\": \"a\", \"address\": \"a@b.c\", \"services\": {\"mail-in\": {\"protocol\": \"imap\", \"security\": \"maybe\"}}}",
    "{\"version\": 1, \"id\": \"a\", \"address\": \"a@b.c\", \"services\": {\"mail-in\": {\"protocol\": \"imap\", \"sync\": {\"enabled\": 1}}}}",
    "{\"version\": 1, \"id\": \"a\", \"address\": \"a@b.c\", \"services\": {\"mail-in\": {\"protocol\": \"pop3\", \"sync\": {\"keep_on_server\": \"shred\"}}}}",
    "{\"version\": 1, \"id\": \"a\", \"address\": \"a@b.c\", \"services\": {\"mail-in\": {\"protocol\": \"pop3\", \"sync\": {\"keep_days\": -1}}}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = _parse (cases[i]);
      g_autoptr(AccordAccount) account = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u: %s", i, cases[i]);
      account = accord_account_new_from_json (node, &error);
      g_assert_null (account);
      g_assert_error (error, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_INVALID);
    }
}

static void
test_account_ids (void)
{
  static const struct {
    const char *address;
    const char *id;
  } cases[] = {
    { "Alice@Example.com", "alice-example-com" },
    { "bob.smith+tag@mail.example.org", "bob-smith-tag-mail-example-org" },
    { "Jürgen@bücher.de", "jurgen-bucher-de" },
    { "@@@", "account" },
    { "---x---", "x" },
  };
  g_autofree char *long_id = NULL;
  g_autoptr(GString) long_address = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *id = accord_account_id_from_address (cases[i].address);

      g_assert_cmpstr (id, ==, cases[i].id);
      g_assert_true (accord_account_id_is_valid (id));
    }

  for (guint i = 0; i < 50; i++)
    g_string_append (long_address, "abcdef");
  g_string_append (long_address, "@example.com");
  long_id = accord_account_id_from_address (long_address->str);
  g_assert_true (accord_account_id_is_valid (long_id));

  g_assert_false (accord_account_id_is_valid (""));
  g_assert_false (accord_account_id_is_valid ("a/b"));
  g_assert_false (accord_account_id_is_valid (".."));
  g_assert_false (accord_account_id_is_valid ("-a"));
}

static void
test_account_protocols_summary (void)
{
  g_autoptr(AccordAccount) account = _make_full_account ();
  g_autoptr(AccordAccount) empty = accord_account_new ("x", "x@example.com");
  g_autofree char *summary = accord_account_dup_protocols_summary (account);
  g_autofree char *none = accord_account_dup_protocols_summary (empty);

  g_assert_cmpstr (summary, ==, "IMAP, SMTP, CardDAV");
  g_assert_cmpstr (none, ==, "");
  g_assert_cmpstr (accord_account_get_display_name (empty), ==, "x@example.com");
}

static void
test_account_no_secret_fields (void)
{
  g_autoptr(AccordAccount) account = _make_full_account ();
  g_autoptr(JsonNode) node = accord_account_to_json (account);
  g_autofree char *text = json_to_string (node, FALSE);

  /* The account format has no place for a secret: the keyring holds them. */
  g_assert_null (strstr (text, "\"password\":"));
  g_assert_null (strstr (text, "secret"));
  g_assert_null (strstr (text, "token"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/account/round-trip", test_account_round_trip);
  g_test_add_func ("/account/version-field", test_account_version_field);
  g_test_add_func ("/account/too-new", test_account_too_new);
  g_test_add_func ("/account/invalid", test_account_invalid);
  g_test_add_func ("/account/ids", test_account_ids);
  g_test_add_func ("/account/protocols-summary", test_account_protocols_summary);
  g_test_add_func ("/account/no-secret-fields", test_account_no_secret_fields);

  return g_test_run ();
}
