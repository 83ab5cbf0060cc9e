/* accord-cli-discover.c
 *
 * `accordctl discover ADDRESS`: find how an account can be reached, and decide.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "accord-cli.h"
#include "accord-core.h"
#include "accord-decision.h"
#include "accord-discovery.h"
#include "accord-protocol-matrix.h"

#define EXIT_NOTHING_FOUND 3

static void
_add_lookups (JsonBuilder     *builder,
              AccordDiscovery *discovery)
{
  GPtrArray *lookups = accord_discovery_get_lookups (discovery);

  json_builder_set_member_name (builder, "lookups");
  json_builder_begin_array (builder);
  for (guint i = 0; i < lookups->len; i++)
    {
      AccordLookup *lookup = g_ptr_array_index (lookups, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "source");
      json_builder_add_string_value (builder,
                                     accord_source_kind_to_string (accord_lookup_get_source (lookup)));
      json_builder_set_member_name (builder, "target");
      json_builder_add_string_value (builder, accord_lookup_get_target (lookup));
      json_builder_set_member_name (builder, "outcome");
      json_builder_add_string_value (builder,
                                     accord_lookup_outcome_to_string (accord_lookup_get_outcome (lookup)));
      json_builder_set_member_name (builder, "ms");
      json_builder_add_int_value (builder, accord_lookup_get_elapsed_ms (lookup));
      json_builder_set_member_name (builder, "detail");
      if (accord_lookup_get_detail (lookup) != NULL)
        json_builder_add_string_value (builder, accord_lookup_get_detail (lookup));
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
_add_warnings_and_confirmations (JsonBuilder     *builder,
                                 AccordDiscovery *discovery)
{
  GPtrArray *warnings = accord_discovery_get_warnings (discovery);
  GPtrArray *confirmations = accord_discovery_get_confirmations (discovery);

  json_builder_set_member_name (builder, "warnings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < warnings->len; i++)
    {
      AccordDiscoveryWarning *warning = g_ptr_array_index (warnings, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, warning->code);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, warning->message);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  /* What the person must say yes to before the chosen settings are used. */
  json_builder_set_member_name (builder, "needs_confirmation");
  json_builder_begin_array (builder);
  for (guint i = 0; i < confirmations->len; i++)
    accord_confirmation_to_json (g_ptr_array_index (confirmations, i), builder);
  json_builder_end_array (builder);
}

static const char *
_login_label (AccordProbeLogin login)
{
  switch (login)
    {
    case ACCORD_PROBE_LOGIN_OK:
      return _("signed in");
    case ACCORD_PROBE_LOGIN_AUTH_FAILED:
      return _("password refused");
    case ACCORD_PROBE_LOGIN_FAILED:
      return _("could not sign in");
    case ACCORD_PROBE_LOGIN_NOT_TRIED:
    default:
      return _("not tried");
    }
}

static void
_print_human (AccordDiscovery *discovery,
              AccordDecision  *decision)
{
  static const char *service_labels[] = {
    N_("Mail in"), N_("Mail out"), N_("Contacts"), N_("Calendar"),
  };
  GPtrArray *lookups = accord_discovery_get_lookups (discovery);
  GPtrArray *warnings = accord_discovery_get_warnings (discovery);
  GPtrArray *confirmations = accord_discovery_get_confirmations (discovery);
  AccordVerification *verification = accord_discovery_get_verification (discovery);

  printf ("%s\n", accord_discovery_get_address (discovery));
  for (guint s = 0; s < ACCORD_N_SERVICES; s++)
    {
      AccordCandidate *choice = accord_decision_get_choice (decision, s);

      if (choice == NULL)
        {
          printf ("  %-10s %s\n", _(service_labels[s]), C_("service", "none found"));
          continue;
        }

      if (choice->host != NULL)
        printf ("  %-10s %s %s:%u %s\n", _(service_labels[s]),
                accord_protocol_get_label (choice->protocol), choice->host, choice->port,
                accord_security_to_string (choice->security));
      else
        printf ("  %-10s %s %s\n", _(service_labels[s]),
                accord_protocol_get_label (choice->protocol), choice->url ? choice->url : "");
      if (accord_decision_get_reason (decision, s) != NULL)
        printf ("  %-10s %s\n", "", accord_decision_get_reason (decision, s));
    }

  printf ("\n%s\n", _("Lookups:"));
  for (guint i = 0; i < lookups->len; i++)
    {
      AccordLookup *lookup = g_ptr_array_index (lookups, i);

      printf ("  %-16s %-8s %5u ms  %s%s%s\n",
              accord_source_kind_to_string (accord_lookup_get_source (lookup)),
              accord_lookup_outcome_to_string (accord_lookup_get_outcome (lookup)),
              accord_lookup_get_elapsed_ms (lookup),
              accord_lookup_get_target (lookup),
              accord_lookup_get_detail (lookup) ? " — " : "",
              accord_lookup_get_detail (lookup) ? accord_lookup_get_detail (lookup) : "");
    }

  if (verification != NULL && accord_discovery_get_has_password (discovery))
    {
      printf ("\n%s\n", _("Sign-in:"));
      for (AccordServiceKind s = ACCORD_SERVICE_MAIL_IN; s <= ACCORD_SERVICE_MAIL_OUT; s++)
        {
          AccordCandidate *choice = accord_decision_get_choice (decision, s);
          const char *message = NULL;
          AccordProbeLogin login;

          if (choice == NULL || choice->host == NULL)
            continue;

          login = accord_verification_get_login (verification, s, &message);
          printf ("  %-10s %s%s%s\n", _(service_labels[s]), _login_label (login),
                  message ? " — " : "", message ? message : "");
        }
    }

  if (confirmations->len > 0)
    printf ("\n%s\n", _("Needs your confirmation:"));
  for (guint i = 0; i < confirmations->len; i++)
    {
      AccordConfirmation *confirmation = g_ptr_array_index (confirmations, i);

      printf ("  %s\n", confirmation->detail);
      if (confirmation->fingerprint != NULL)
        printf ("    SHA-256 %s\n", confirmation->fingerprint);
    }

  for (guint i = 0; i < warnings->len; i++)
    fprintf (stderr, _("accordctl: warning: %s\n"),
             ((AccordDiscoveryWarning *) g_ptr_array_index (warnings, i))->message);
}

int
_accord_cli_discover (int    argc,
                      char **argv)
{
  g_autoptr(AccordDiscovery) discovery = NULL;
  AccordDecision *decision;
  AccordVerification *verification;
  char *password = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) allowed = NULL;
  gboolean password_stdin = FALSE;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("Read the password from standard input, to verify the sign-in"), NULL },
    { "allow-redirect-to", 0, 0, G_OPTION_ARG_STRING_ARRAY, &allowed,
      N_("Allow sending the password to this other domain"), N_("DOMAIN") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("ADDRESS");

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return _accord_cli_usage_error ("%s", error->message);
  if (argc != 2)
    return _accord_cli_usage_error (_("“discover” takes one address"));

  discovery = accord_discovery_new (argv[1]);
  if (discovery == NULL)
    return _accord_cli_usage_error (_("“%s” is not an email address"), argv[1]);

  accord_discovery_use_configured_sources (discovery);
  accord_discovery_set_allowed_domains (discovery, (const char * const *) allowed);

  if (password_stdin)
    {
      password = _accord_cli_read_password (&error);
      if (password == NULL)
        return _accord_cli_failed ("%s", error->message);
      accord_discovery_set_password (discovery, password);
      _accord_cli_free_password (password);
    }

  accord_discovery_run_async (discovery, NULL, _accord_cli_store_result_cb, &result);
  _accord_cli_wait (&result);
  if (!accord_discovery_run_finish (discovery, result, &error))
    return _accord_cli_failed ("%s", error->message);

  decision = accord_discovery_get_decision (discovery);
  verification = accord_discovery_get_verification (discovery);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "address");
      json_builder_add_string_value (builder, accord_discovery_get_address (discovery));
      accord_decision_to_json (decision, builder);
      _add_lookups (builder, discovery);
      _add_warnings_and_confirmations (builder, discovery);
      if (verification != NULL)
        accord_verification_checks_to_json (verification, builder);
      json_builder_end_object (builder);

      root = json_builder_get_root (builder);
      _accord_cli_print_json (root);
    }
  else
    _print_human (discovery, decision);

  if (accord_decision_get_choice (decision, ACCORD_SERVICE_MAIL_IN) == NULL)
    return EXIT_NOTHING_FOUND;

  /* Asked to verify the password, and it was refused: the one thing asked failed. */
  if (password_stdin && verification != NULL &&
      accord_verification_get_login (verification, ACCORD_SERVICE_MAIL_IN, NULL) ==
      ACCORD_PROBE_LOGIN_AUTH_FAILED)
    {
      g_printerr (_("accordctl: the server refused the password for %s\n"), argv[1]);
      return ACCORD_CLI_EXIT_FAILED;
    }

  return ACCORD_CLI_EXIT_OK;
}
