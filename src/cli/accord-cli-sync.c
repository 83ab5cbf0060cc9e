/* accord-cli-sync.c
 *
 * `accordctl sync [ACCOUNT] [--once]` and `accordctl status [--json]`.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "accord-cli.h"
#include "accord-imap-sync.h"
#include "accord-maildir.h"
#include "accord-outbox.h"
#include "accord-pop3-sync.h"
#include "accord-sync-state.h"

/* The longest a timer on the main loop waited past its time while a sync ran: what a
 * window on that loop would feel as a stall. */
typedef struct
{
  gint64 due;
  gint64 worst;
} StallProbe;

#define STALL_PERIOD_US 1000

static gboolean
_stall_cb (gpointer user_data)
{
  StallProbe *probe = user_data;
  gint64 now = g_get_monotonic_time ();

  if (probe->due != 0 && now - probe->due > probe->worst)
    probe->worst = now - probe->due;
  probe->due = now + STALL_PERIOD_US;
  return G_SOURCE_CONTINUE;
}

static gboolean
_wake_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static char *_password (AccordAccount *account, GError **error);

/* Between syncs: IMAP IDLE on the first account's Inbox, so new mail syncs at once;
 * at most five minutes, and a plain wait where the server has no IDLE. */
static void
_wait_for_mail (AccordAccountStore *store,
                const char         *only,
                const char         *given_password)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (store));
  gboolean wake = FALSE;

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(AccordAccount) account = g_list_model_get_item (G_LIST_MODEL (store), i);
      AccordServiceConfig *in = accord_account_get_service (account, ACCORD_SERVICE_MAIL_IN);
      g_autoptr(AccordImapSync) sync = NULL;
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *password = NULL;

      if (in == NULL || in->protocol != ACCORD_PROTOCOL_IMAP ||
          (only != NULL && g_strcmp0 (only, accord_account_get_id (account)) != 0))
        continue;

      password = given_password ? g_strdup (given_password) : _password (account, NULL);
      if (password == NULL)
        continue;

      sync = accord_imap_sync_new (account, password);
      accord_imap_sync_wait_async (sync, 5 * 60, NULL, _accord_cli_store_result_cb, &result);
      _accord_cli_wait (&result);
      if (accord_imap_sync_wait_finish (sync, result, &error) || error == NULL)
        return;
      break;
    }

  g_timeout_add_seconds (5 * 60, _wake_cb, &wake);
  while (!wake)
    g_main_context_iteration (NULL, TRUE);
}

static char *
_password (AccordAccount *account,
           GError       **error)
{
  g_autoptr(AccordSecrets) secrets = accord_secrets_new ();
  g_autoptr(GAsyncResult) result = NULL;
  char *password;

  accord_secrets_lookup_async (secrets, accord_account_get_id (account), ACCORD_SERVICE_MAIL_IN,
                               NULL, _accord_cli_store_result_cb, &result);
  _accord_cli_wait (&result);
  password = accord_secrets_lookup_finish (secrets, result, error);
  if (password == NULL && error != NULL && *error == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 _("No password for %s in the keyring; add the account again with "
                   "--password-stdin"), accord_account_get_id (account));

  return password;
}

static gboolean
_sync_pop3 (AccordAccount *account,
            const char    *password,
            gboolean       verbose,
            GError       **error)
{
  g_autoptr(AccordPop3Sync) sync = accord_pop3_sync_new (account, password);
  g_autoptr(GAsyncResult) result = NULL;
  const AccordPop3SyncStats *stats;
  gboolean ok;

  if (verbose)
    printf (_("Fetching mail for %s…\n"), accord_account_get_id (account));

  accord_pop3_sync_run_async (sync, NULL, _accord_cli_store_result_cb, &result);
  _accord_cli_wait (&result);
  ok = accord_pop3_sync_run_finish (sync, result, error);

  stats = accord_pop3_sync_get_stats (sync);
  if (verbose)
    printf (_("  %u new here, %u deleted on the server\n"), stats->fetched, stats->deleted_on_server);
  if (stats->held_deletions > 0)
    fprintf (stderr, _("accordctl: %u deletions wait for your decision: see “accordctl status”\n"),
             stats->held_deletions);

  return ok;
}

static gboolean
_sync_account (AccordAccount *account,
               const char    *given_password,
               gboolean       verbose,
               GError       **error)
{
  AccordServiceConfig *in = accord_account_get_service (account, ACCORD_SERVICE_MAIL_IN);
  g_autoptr(AccordImapSync) sync = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *password = NULL;
  const AccordImapSyncStats *stats;
  gboolean ok;

  if (in == NULL)
    return TRUE;

  if (in->protocol != ACCORD_PROTOCOL_IMAP && in->protocol != ACCORD_PROTOCOL_POP3)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("%s receives mail with %s, which accordctl cannot sync yet"),
                   accord_account_get_id (account), accord_protocol_get_label (in->protocol));
      return FALSE;
    }

  password = given_password != NULL ? g_strdup (given_password) : _password (account, error);
  if (password == NULL)
    return FALSE;

  if (in->protocol == ACCORD_PROTOCOL_POP3)
    return _sync_pop3 (account, password, verbose, error);

  if (verbose)
    printf (_("Syncing %s…\n"), accord_account_get_id (account));

  sync = accord_imap_sync_new (account, password);
  accord_imap_sync_run_async (sync, NULL, _accord_cli_store_result_cb, &result);
  _accord_cli_wait (&result);
  ok = accord_imap_sync_run_finish (sync, result, error);

  stats = accord_imap_sync_get_stats (sync);
  if (verbose)
    printf (_("  %u folders: %u new here, %u sent to the server, %u deleted here, %u deleted "
              "on the server, %u flag changes\n"),
            stats->folders, stats->fetched, stats->uploaded, stats->deleted_here,
            stats->deleted_there, stats->flags_changed);
  if (stats->held_deletions > 0)
    fprintf (stderr, _("accordctl: %u deletions wait for your decision: see “accordctl status”\n"),
             stats->held_deletions);

  return ok;
}

int
_accord_cli_sync (int    argc,
                  char **argv)
{
  g_autoptr(AccordAccountStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new ("[ACCOUNT]");
  gboolean once = FALSE;
  gboolean measure_stall = FALSE;
  gboolean password_stdin = FALSE;
  char *password = NULL;
  gboolean verbose = isatty (STDOUT_FILENO);
  GOptionEntry entries[] = {
    { "once", 0, 0, G_OPTION_ARG_NONE, &once, N_("Sync once, then stop"), NULL },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("Read the password from standard input instead of the keyring"), NULL },
    { "measure-stall", 0, 0, G_OPTION_ARG_NONE, &measure_stall,
      N_("Print the longest main-loop stall during the sync"), NULL },
    { NULL }
  };
  StallProbe probe = { 0, 0 };
  guint stall_id = 0;
  guint n_items;
  int status = ACCORD_CLI_EXIT_OK;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return _accord_cli_usage_error ("%s", error->message);
  if (argc > 2)
    return _accord_cli_usage_error (_("“sync” takes at most one account"));

  store = _accord_cli_load_store (&error);
  if (store == NULL)
    return _accord_cli_failed ("%s", error->message);

  if (argc == 2 && accord_account_store_lookup (store, argv[1]) == NULL)
    return _accord_cli_failed (_("No account “%s”"), argv[1]);

  if (password_stdin)
    {
      if (argc != 2)
        return _accord_cli_usage_error (_("--password-stdin needs the account"));
      password = _accord_cli_read_password (&error);
      if (password == NULL)
        return _accord_cli_failed ("%s", error->message);
    }

  if (measure_stall)
    stall_id = g_timeout_add_full (G_PRIORITY_DEFAULT, STALL_PERIOD_US / 1000, _stall_cb, &probe, NULL);

  do
    {
      n_items = g_list_model_get_n_items (G_LIST_MODEL (store));
      for (guint i = 0; i < n_items; i++)
        {
          g_autoptr(AccordAccount) account = g_list_model_get_item (G_LIST_MODEL (store), i);
          g_autoptr(GError) sync_error = NULL;

          if (argc == 2 && g_strcmp0 (accord_account_get_id (account), argv[1]) != 0)
            continue;

          if (!_sync_account (account, password, verbose, &sync_error))
            {
              fprintf (stderr, "accordctl: %s: %s\n", accord_account_get_id (account),
                       sync_error->message);
              status = ACCORD_CLI_EXIT_FAILED;
            }
        }

      if (!once)
        _wait_for_mail (store, argc == 2 ? argv[1] : NULL, password);
    }
  while (!once);

  _accord_cli_free_password (password);

  if (stall_id != 0)
    {
      g_source_remove (stall_id);
      fprintf (stderr, "main-loop stall: %.1f ms\n", probe.worst / 1000.0);
    }

  return status;
}

static void
_folder_to_json (JsonBuilder             *builder,
                 AccordSyncState         *state,
                 const AccordStateFolder *folder)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, folder->name);
  json_builder_set_member_name (builder, "last_sync");
  if (folder->last_sync > 0)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (folder->last_sync);
      g_autofree char *text = g_date_time_format_iso8601 (when);

      json_builder_add_string_value (builder, text);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "messages");
  json_builder_add_int_value (builder, accord_sync_state_count_messages (state, folder->id, NULL));
  json_builder_set_member_name (builder, "error");
  if (folder->last_error != NULL)
    json_builder_add_string_value (builder, folder->last_error);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

/* Questions an answer settles, as opposed to notices; and what each answer does. */
static const char *
_what_answer_does (const char *kind,
                   gboolean    yes)
{
  if (g_str_equal (kind, "delete-here") || g_str_equal (kind, "delete-there"))
    return yes ? _("Done at the next sync: the messages will be deleted.")
               : _("Done at the next sync: the messages will be brought back.");
  if (g_str_equal (kind, ACCORD_POP3_DECISION_MASS_DELETE))
    return yes ? _("Done at the next sync: the messages will be deleted on the server.")
               : _("Done at the next sync: the messages stay on the server.");
  if (g_str_equal (kind, ACCORD_OUTBOX_DECISION_MAYBE_SENT))
    return yes ? _("Done at the next send: the message will be sent again.")
               : _("Done at the next send: the message is taken for sent and filed.");
  return NULL;
}

int
_accord_cli_status (int    argc,
                    char **argv)
{
  g_autoptr(AccordAccountStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON array"), NULL },
    { NULL }
  };
  guint n_items;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return _accord_cli_usage_error ("%s", error->message);
  if (argc != 1)
    return _accord_cli_usage_error (_("“status” takes no arguments"));

  store = _accord_cli_load_store (&error);
  if (store == NULL)
    return _accord_cli_failed ("%s", error->message);

  json_builder_begin_array (builder);
  n_items = g_list_model_get_n_items (G_LIST_MODEL (store));
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(AccordAccount) account = g_list_model_get_item (G_LIST_MODEL (store), i);
      g_autofree char *path = accord_sync_state_default_path (accord_account_get_id (account));
      g_autoptr(AccordSyncState) state = NULL;
      g_autoptr(GPtrArray) folders = NULL;
      g_autoptr(GPtrArray) decisions = NULL;
      g_autoptr(GError) state_error = NULL;

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        state = accord_sync_state_open (path, NULL, &state_error);
      if (state != NULL)
        {
          folders = accord_sync_state_list_folders (state, &state_error);
          decisions = accord_sync_state_list_decisions (state, &state_error);
        }

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "account");
      json_builder_add_string_value (builder, accord_account_get_id (account));
      json_builder_set_member_name (builder, "synced");
      json_builder_add_boolean_value (builder, state != NULL);
      json_builder_set_member_name (builder, "error");
      if (state_error != NULL)
        json_builder_add_string_value (builder, state_error->message);
      else
        json_builder_add_null_value (builder);

      json_builder_set_member_name (builder, "folders");
      json_builder_begin_array (builder);
      for (guint j = 0; folders != NULL && j < folders->len; j++)
        _folder_to_json (builder, state, g_ptr_array_index (folders, j));
      json_builder_end_array (builder);

      json_builder_set_member_name (builder, "outbox");
      json_builder_begin_array (builder);
      if (state != NULL)
        {
          g_autoptr(GPtrArray) items = accord_sync_state_outbox_list (state, NULL);

          for (guint j = 0; items != NULL && j < items->len; j++)
            {
              AccordStateOutboxItem *item = g_ptr_array_index (items, j);
              static const char *states[] = { "queued", "sending", "sent", "failed" };

              if (item->status == ACCORD_STATE_OUTBOX_SENT)
                continue;
              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "message");
              json_builder_add_string_value (builder, item->key);
              json_builder_set_member_name (builder, "state");
              json_builder_add_string_value (builder, item->status < G_N_ELEMENTS (states)
                                                      ? states[item->status] : "unknown");
              json_builder_set_member_name (builder, "attempts");
              json_builder_add_int_value (builder, item->attempts);
              json_builder_set_member_name (builder, "error");
              if (item->last_error != NULL)
                json_builder_add_string_value (builder, item->last_error);
              else
                json_builder_add_null_value (builder);
              json_builder_end_object (builder);
            }
        }
      json_builder_end_array (builder);

      json_builder_set_member_name (builder, "decisions");
      json_builder_begin_array (builder);
      for (guint j = 0; decisions != NULL && j < decisions->len; j++)
        {
          AccordStateDecision *decision = g_ptr_array_index (decisions, j);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_int_value (builder, decision->id);
          json_builder_set_member_name (builder, "kind");
          json_builder_add_string_value (builder, decision->kind);
          json_builder_set_member_name (builder, "detail");
          json_builder_add_string_value (builder, decision->detail);
          json_builder_set_member_name (builder, "answer");
          if (decision->answer != NULL)
            json_builder_add_string_value (builder, decision->answer);
          else
            json_builder_add_null_value (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  if (json)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (builder);

      _accord_cli_print_json (root);
    }
  else
    {
      g_autoptr(JsonNode) root = json_builder_get_root (builder);
      JsonArray *accounts = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (accounts); i++)
        {
          JsonObject *entry = json_array_get_object_element (accounts, i);
          JsonArray *folders = json_object_get_array_member (entry, "folders");
          JsonArray *decisions = json_object_get_array_member (entry, "decisions");
          JsonArray *outbox = json_object_get_array_member (entry, "outbox");

          printf ("%s%s\n", json_object_get_string_member (entry, "account"),
                  json_object_get_boolean_member (entry, "synced") ? "" : _("  (never synced)"));
          for (guint j = 0; j < json_array_get_length (folders); j++)
            {
              JsonObject *folder = json_array_get_object_element (folders, j);

              printf ("  %-24s %6" G_GINT64_FORMAT "  %s%s%s\n",
                      json_object_get_string_member (folder, "name"),
                      json_object_get_int_member (folder, "messages"),
                      json_object_get_string_member_with_default (folder, "last_sync", _("never")),
                      json_object_get_null_member (folder, "error") ? "" : "  ",
                      json_object_get_string_member_with_default (folder, "error", ""));
            }
          for (guint j = 0; j < json_array_get_length (outbox); j++)
            {
              JsonObject *item = json_array_get_object_element (outbox, j);

              printf ("  %s %s %s\n", _("Outbox:"), json_object_get_string_member (item, "state"),
                      json_object_get_string_member_with_default (item, "error", ""));
            }
          for (guint j = 0; j < json_array_get_length (decisions); j++)
            {
              JsonObject *decision = json_array_get_object_element (decisions, j);
              const char *answer = json_object_get_string_member_with_default (decision, "answer", NULL);

              if (answer == NULL &&
                  _what_answer_does (json_object_get_string_member (decision, "kind"), TRUE) == NULL)
                printf (_("  Note: %s\n"), json_object_get_string_member (decision, "detail"));
              else if (answer == NULL)
                /* TRANSLATORS: the question, then the command that answers it */
                printf (_("  Waiting for you: %s\n    accordctl decide %s %" G_GINT64_FORMAT " yes|no\n"),
                        json_object_get_string_member (decision, "detail"),
                        json_object_get_string_member (entry, "account"),
                        json_object_get_int_member (decision, "id"));
              else
                printf (_("  Answered “%s”, done at the next sync: %s\n"), answer,
                        json_object_get_string_member (decision, "detail"));
            }
        }
    }

  return ACCORD_CLI_EXIT_OK;
}

int
_accord_cli_decide (int    argc,
                    char **argv)
{
  g_autoptr(AccordAccountStore) store = NULL;
  AccordAccount *account;
  g_autoptr(AccordSyncState) state = NULL;
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (_("ACCOUNT QUESTION yes|no"));
  g_autofree char *path = NULL;
  AccordStateDecision *decision = NULL;
  gboolean yes;
  gint64 id;
  char *end;

  g_option_context_set_summary (context, _("Answers a question a sync asked, such as whether to "
                                           "delete many messages at once. Yes carries the "
                                           "deletions out, no brings the messages back from the "
                                           "other side; either at the next sync."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return _accord_cli_usage_error ("%s", error->message);
  if (argc != 4)
    return _accord_cli_usage_error (_("“decide” takes an account, a question and yes or no"));

  id = g_ascii_strtoll (argv[2], &end, 10);
  if (*argv[2] == '\0' || *end != '\0' || id <= 0)
    return _accord_cli_usage_error (_("“%s” is not a question number; see “accordctl status”"), argv[2]);
  if (g_ascii_strcasecmp (argv[3], "yes") == 0)
    yes = TRUE;
  else if (g_ascii_strcasecmp (argv[3], "no") == 0)
    yes = FALSE;
  else
    return _accord_cli_usage_error (_("Answer “yes” or “no”, not “%s”"), argv[3]);

  store = _accord_cli_load_store (&error);
  if (store == NULL)
    return _accord_cli_failed ("%s", error->message);
  account = accord_account_store_lookup (store, argv[1]);
  if (account == NULL)
    return _accord_cli_failed (_("There is no account “%s”"), argv[1]);

  path = accord_sync_state_default_path (accord_account_get_id (account));
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return _accord_cli_failed (_("The account “%s” has not been synced, and has no questions"), argv[1]);
  state = accord_sync_state_open (path, NULL, &error);
  decisions = state ? accord_sync_state_list_decisions (state, &error) : NULL;
  if (decisions == NULL)
    return _accord_cli_failed ("%s", error->message);
  for (guint i = 0; i < decisions->len; i++)
    if (((AccordStateDecision *) g_ptr_array_index (decisions, i))->id == id)
      decision = g_ptr_array_index (decisions, i);
  if (decision == NULL)
    return _accord_cli_failed (_("The account “%s” has no question %" G_GINT64_FORMAT "; see “accordctl status”"),
                               argv[1], id);

  if (_what_answer_does (decision->kind, yes) == NULL)
    return _accord_cli_failed (_("Question %" G_GINT64_FORMAT " of “%s” is a notice, with nothing to "
                                 "answer: %s"),
                               id, argv[1], decision->detail);
  if (!accord_sync_state_answer_decision (state, id, yes, &error))
    return _accord_cli_failed ("%s", error->message);

  printf ("%s\n", _what_answer_does (decision->kind, yes));
  return ACCORD_CLI_EXIT_OK;
}
