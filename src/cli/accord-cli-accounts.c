/* accord-cli-accounts.c
 *
 * `accordctl accounts …`: list, show, add and remove accounts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>
#include <stdio.h>
#include <unistd.h>

#include "accord-cli.h"
#include "accord-core.h"

/* Parses the options of one verb; returns FALSE with a usage message printed. */
static gboolean
_parse_options (const char    *parameter,
                GOptionEntry  *entries,
                int           *argc,
                char        ***argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameter);
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_help_enabled (context, TRUE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      _accord_cli_usage_error ("%s", error->message);
      return FALSE;
    }

  return TRUE;
}

static void
_print_service (const char          *label,
                AccordServiceConfig *config)
{
  g_autoptr(GString) line = g_string_new (NULL);

  g_string_append_printf (line, "  %-10s ", label);
  if (config == NULL)
    {
      g_string_append (line, C_("service", "none"));
      printf ("%s\n", line->str);
      return;
    }

  g_string_append (line, accord_protocol_get_label (config->protocol));
  if (config->host != NULL)
    g_string_append_printf (line, "  %s:%u", config->host, config->port);
  if (config->url != NULL)
    g_string_append_printf (line, "  %s", config->url);
  g_string_append_printf (line, "  %s", accord_security_to_string (config->security));
  if (config->username != NULL)
    g_string_append_printf (line, "  %s %s", _("user"), config->username);
  if (config->pinned_certificate != NULL)
    g_string_append_printf (line, "  %s %s", _("pinned certificate"), config->pinned_certificate);
  if (g_strcmp0 (config->keep_on_server, "delete-after-days") == 0)
    g_string_append_printf (line, g_dngettext (GETTEXT_PACKAGE, "  deleted on the server after %u day",
                                               "  deleted on the server after %u days", config->keep_days),
                            config->keep_days);
  else if (g_strcmp0 (config->keep_on_server, "delete-when-deleted-here") == 0)
    g_string_append_printf (line, "  %s", _("deleted on the server when deleted here"));
  if (config->server_files_sent)
    g_string_append_printf (line, "  %s", _("the server files sent mail"));
  if (!config->sync_enabled)
    g_string_append_printf (line, "  (%s)", _("sync off"));

  printf ("%s\n", line->str);
}

static int
_accounts_list (int    argc,
                char **argv)
{
  g_autoptr(AccordAccountStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array"), NULL },
    { NULL }
  };
  guint n_items;

  if (!_parse_options (NULL, entries, &argc, &argv))
    return ACCORD_CLI_EXIT_USAGE;
  if (argc > 1)
    return _accord_cli_usage_error (_("“accounts list” takes no arguments"));

  store = _accord_cli_load_store (&error);
  if (store == NULL)
    return _accord_cli_failed ("%s", error->message);

  n_items = g_list_model_get_n_items (G_LIST_MODEL (store));

  if (json)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < n_items; i++)
        {
          g_autoptr(AccordAccount) account = g_list_model_get_item (G_LIST_MODEL (store), i);

          json_array_add_element (array, accord_account_to_json (account));
        }

      json_node_set_array (node, array);
      _accord_cli_print_json (node);
      return ACCORD_CLI_EXIT_OK;
    }

  if (n_items == 0)
    {
      printf ("%s\n", _("No accounts. Add one with “accordctl accounts add --address ADDRESS”."));
      return ACCORD_CLI_EXIT_OK;
    }

  printf ("%-28s %-24s %-32s %s\n", _("ID"), _("NAME"), _("ADDRESS"), _("PROTOCOLS"));
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(AccordAccount) account = g_list_model_get_item (G_LIST_MODEL (store), i);
      g_autofree char *protocols = accord_account_dup_protocols_summary (account);

      printf ("%-28s %-24s %-32s %s\n",
              accord_account_get_id (account),
              accord_account_get_display_name (account),
              accord_account_get_address (account),
              protocols);
    }

  return ACCORD_CLI_EXIT_OK;
}

static int
_accounts_show (int    argc,
                char **argv)
{
  g_autoptr(AccordAccountStore) store = NULL;
  g_autoptr(GError) error = NULL;
  AccordAccount *account;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON object"), NULL },
    { NULL }
  };

  if (!_parse_options ("ID", entries, &argc, &argv))
    return ACCORD_CLI_EXIT_USAGE;
  if (argc != 2)
    return _accord_cli_usage_error (_("“accounts show” takes one account id"));

  store = _accord_cli_load_store (&error);
  if (store == NULL)
    return _accord_cli_failed ("%s", error->message);

  account = accord_account_store_lookup (store, argv[1]);
  if (account == NULL)
    return _accord_cli_failed (_("There is no account “%s”"), argv[1]);

  if (json)
    {
      g_autoptr(JsonNode) node = accord_account_to_json (account);

      _accord_cli_print_json (node);
      return ACCORD_CLI_EXIT_OK;
    }

  printf ("%s\n", accord_account_get_id (account));
  printf ("  %-10s %s\n", _("Name:"), accord_account_get_display_name (account));
  printf ("  %-10s %s\n", _("Address:"), accord_account_get_address (account));
  if (accord_account_get_provider_name (account) != NULL)
    printf ("  %-10s %s\n", _("Provider:"), accord_account_get_provider_name (account));
  _print_service (_("Mail in:"), accord_account_get_service (account, ACCORD_SERVICE_MAIL_IN));
  _print_service (_("Mail out:"), accord_account_get_service (account, ACCORD_SERVICE_MAIL_OUT));
  _print_service (_("Contacts:"), accord_account_get_service (account, ACCORD_SERVICE_CONTACTS));
  _print_service (_("Calendar:"), accord_account_get_service (account, ACCORD_SERVICE_CALENDAR));

  return ACCORD_CLI_EXIT_OK;
}

/* "host", "host:port", "[v6]" or "[v6]:port"; port 0 means "the default". */
static gboolean
_parse_host_port (const char  *text,
                  char       **host,
                  guint16     *port)
{
  g_autofree char *h = NULL;
  const char *port_text = NULL;

  if (text == NULL || text[0] == '\0')
    return FALSE;

  if (text[0] == '[')
    {
      const char *end = strchr (text, ']');

      if (end == NULL || end == text + 1)
        return FALSE;
      h = g_strndup (text + 1, end - text - 1);
      if (end[1] == ':')
        port_text = end + 2;
      else if (end[1] != '\0')
        return FALSE;
    }
  else
    {
      const char *colon = strchr (text, ':');

      if (colon != NULL && strchr (colon + 1, ':') != NULL)
        return FALSE; /* a bare IPv6 address needs brackets */
      h = colon != NULL ? g_strndup (text, colon - text) : g_strdup (text);
      if (colon != NULL)
        port_text = colon + 1;
    }

  if (h[0] == '\0')
    return FALSE;
  for (const char *p = h; *p != '\0'; p++)
    if (g_ascii_isspace (*p) || *p == '/' || *p == '@')
      return FALSE;

  *port = 0;
  if (port_text != NULL)
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (port_text, 10, 1, G_MAXUINT16, &value, NULL))
        return FALSE;
      *port = (guint16) value;
    }

  *host = g_steal_pointer (&h);
  return TRUE;
}

static gboolean
_is_starttls_port (AccordProtocol protocol,
                   guint16        port)
{
  return port != 0 && port == accord_protocol_get_default_port (protocol, ACCORD_SECURITY_STARTTLS);
}

static AccordServiceConfig *
_make_service (AccordProtocol  protocol,
               const char     *host,
               guint16         port,
               const char     *security,
               const char     *username)
{
  AccordServiceConfig *config = accord_service_config_new (protocol);

  config->host = g_strdup (host);
  config->username = g_strdup (username);

  /* Without --security: implicit TLS, unless the port is the protocol's STARTTLS port.
   * Plain text is never chosen for the person. */
  if (security != NULL)
    accord_security_from_string (security, &config->security);
  else if (_is_starttls_port (protocol, port))
    config->security = ACCORD_SECURITY_STARTTLS;
  else
    config->security = ACCORD_SECURITY_TLS;

  config->port = port != 0 ? port : accord_protocol_get_default_port (protocol, config->security);
  return config;
}

static gboolean
_address_is_valid (const char *address)
{
  const char *at = strrchr (address, '@');

  return at != NULL && at != address && at[1] != '\0' && strchr (at + 1, '.') != NULL &&
         strpbrk (address, " \t\r\n<>") == NULL && g_utf8_validate (address, -1, NULL);
}

/* "ab:cd:…", 32 pairs, in either case. */
static gboolean
_is_fingerprint (const char *text)
{
  if (strlen (text) != 32 * 3 - 1)
    return FALSE;

  for (guint i = 0; text[i] != '\0'; i++)
    if (i % 3 == 2 ? text[i] != ':' : !g_ascii_isxdigit (text[i]))
      return FALSE;

  return TRUE;
}

static int
_accounts_add (int    argc,
               char **argv)
{
  g_autoptr(AccordAccountStore) store = NULL;
  g_autoptr(AccordSecrets) secrets = NULL;
  g_autoptr(AccordAccount) account = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  g_autofree char *name = NULL;
  g_autofree char *username = NULL;
  g_autofree char *imap = NULL;
  g_autofree char *pop3 = NULL;
  g_autofree char *smtp = NULL;
  g_autofree char *security = NULL;
  g_autofree char *pinned = NULL;
  g_autofree char *keep = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GPtrArray) in_out = g_ptr_array_new ();
  gboolean password_stdin = FALSE;
  gboolean server_files_sent = FALSE;
  int keep_days = 0;
  char *password = NULL;
  AccordSecurity security_value;
  GOptionEntry entries[] = {
    { "address", 0, 0, G_OPTION_ARG_STRING, &address, N_("The email address"), N_("ADDRESS") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("A name for the account"), N_("NAME") },
    { "username", 0, 0, G_OPTION_ARG_STRING, &username,
      N_("The user name to sign in with (default: the address)"), N_("USER") },
    { "imap", 0, 0, G_OPTION_ARG_STRING, &imap, N_("Fetch mail with IMAP"), N_("HOST[:PORT]") },
    { "pop3", 0, 0, G_OPTION_ARG_STRING, &pop3, N_("Fetch mail with POP3"), N_("HOST[:PORT]") },
    { "smtp", 0, 0, G_OPTION_ARG_STRING, &smtp, N_("Send mail with SMTP"), N_("HOST[:PORT]") },
    { "security", 0, 0, G_OPTION_ARG_STRING, &security,
      N_("tls, starttls or none (default: tls, or starttls on ports 143, 110 and 587)"),
      "tls|starttls|none" },
    { "pinned-certificate", 0, 0, G_OPTION_ARG_STRING, &pinned,
      N_("Trust the server certificate with this SHA-256 fingerprint, although it fails "
         "verification"), N_("FINGERPRINT") },
    { "keep-on-server", 0, 0, G_OPTION_ARG_STRING, &keep,
      N_("With --pop3, what becomes of the server's copy (default: leave)"),
      "leave|delete-after-days|delete-when-deleted-here" },
    { "keep-days", 0, 0, G_OPTION_ARG_INT, &keep_days,
      N_("With --keep-on-server delete-after-days, how many days (default: 14)"), N_("DAYS") },
    { "server-files-sent", 0, 0, G_OPTION_ARG_NONE, &server_files_sent,
      N_("With --smtp, the server files sent mail in Sent itself: do not file a copy"), NULL },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("Read the password from standard input and keep it in the keyring"), NULL },
    { NULL }
  };
  struct {
    const char *text;
    AccordProtocol protocol;
    AccordServiceKind kind;
  } services[] = {
    { NULL, ACCORD_PROTOCOL_IMAP, ACCORD_SERVICE_MAIL_IN },
    { NULL, ACCORD_PROTOCOL_POP3, ACCORD_SERVICE_MAIL_IN },
    { NULL, ACCORD_PROTOCOL_SMTP, ACCORD_SERVICE_MAIL_OUT },
  };

  if (!_parse_options (NULL, entries, &argc, &argv))
    return ACCORD_CLI_EXIT_USAGE;
  if (argc > 1)
    return _accord_cli_usage_error (_("Unexpected argument “%s”"), argv[1]);
  if (address == NULL)
    return _accord_cli_usage_error (_("--address is required"));
  if (!_address_is_valid (address))
    return _accord_cli_usage_error (_("“%s” is not an email address"), address);
  if (imap != NULL && pop3 != NULL)
    return _accord_cli_usage_error (_("Choose either --imap or --pop3 to fetch mail, not both"));
  if (security != NULL && !accord_security_from_string (security, &security_value))
    return _accord_cli_usage_error (_("--security must be tls, starttls or none"));

  if (keep != NULL && (pop3 == NULL || !accord_service_config_keep_on_server_is_valid (keep)))
    return _accord_cli_usage_error (_("--keep-on-server goes with --pop3, and is leave, "
                                      "delete-after-days or delete-when-deleted-here"));
  if (keep_days < 0 || keep_days > 3650 ||
      (keep_days != 0 && g_strcmp0 (keep, "delete-after-days") != 0))
    return _accord_cli_usage_error (_("--keep-days goes with --keep-on-server delete-after-days, "
                                      "and is a number of days up to 3650"));
  if (server_files_sent && smtp == NULL)
    return _accord_cli_usage_error (_("--server-files-sent goes with --smtp"));

  if (pinned != NULL && !_is_fingerprint (pinned))
    return _accord_cli_usage_error (_("--pinned-certificate takes a SHA-256 fingerprint: 32 "
                                      "pairs of hex digits separated by colons"));

  if (security != NULL && security_value == ACCORD_SECURITY_NONE)
    fprintf (stderr, "%s\n",
             _("accordctl: warning: with --security none the password and all mail travel "
               "unencrypted; anyone on the network path can read them."));

  services[0].text = imap;
  services[1].text = pop3;
  services[2].text = smtp;

  store = _accord_cli_load_store (&error);
  if (store == NULL)
    return _accord_cli_failed ("%s", error->message);

  id = accord_account_store_generate_id (store, address);
  account = accord_account_new (id, address);
  accord_account_set_display_name (account, name);

  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    {
      g_autoptr(AccordServiceConfig) config = NULL;
      g_autofree char *host = NULL;
      guint16 port;

      if (services[i].text == NULL)
        continue;

      if (!_parse_host_port (services[i].text, &host, &port))
        return _accord_cli_usage_error (_("“%s” is not HOST or HOST:PORT"), services[i].text);

      config = _make_service (services[i].protocol, host, port, security,
                              username != NULL ? username : address);
      if (pinned != NULL)
        config->pinned_certificate = g_ascii_strdown (pinned, -1);
      if (services[i].protocol == ACCORD_PROTOCOL_POP3 && keep != NULL && !g_str_equal (keep, "leave"))
        {
          config->keep_on_server = g_strdup (keep);
          config->keep_days = g_str_equal (keep, "delete-after-days") && keep_days == 0 ? 14 : (guint) keep_days;
        }
      if (services[i].protocol == ACCORD_PROTOCOL_SMTP)
        config->server_files_sent = server_files_sent;
      accord_account_set_service (account, services[i].kind, config);
      g_ptr_array_add (in_out, config);
    }

  if (password_stdin)
    {
      if (in_out->len == 0)
        return _accord_cli_usage_error (_("--password-stdin needs --imap, --pop3 or --smtp"));

      password = _accord_cli_read_password (&error);
      if (password == NULL)
        return _accord_cli_failed ("%s", error->message);
    }

  secrets = accord_secrets_new ();
  accord_account_save_async (store, secrets, account, password, NULL, _accord_cli_store_result_cb, &result);
  _accord_cli_free_password (g_steal_pointer (&password));
  _accord_cli_wait (&result);
  if (!accord_account_save_finish (store, result, &error))
    return _accord_cli_failed ("%s", error->message);

  printf ("%s\n", id);
  return ACCORD_CLI_EXIT_OK;
}

static int
_accounts_remove (int    argc,
                  char **argv)
{
  g_autoptr(AccordAccountStore) store = NULL;
  g_autoptr(AccordSecrets) secrets = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) secrets_result = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { NULL }
  };

  if (!_parse_options ("ID", entries, &argc, &argv))
    return ACCORD_CLI_EXIT_USAGE;
  if (argc != 2)
    return _accord_cli_usage_error (_("“accounts remove” takes one account id"));

  store = _accord_cli_load_store (&error);
  if (store == NULL)
    return _accord_cli_failed ("%s", error->message);

  if (accord_account_store_lookup (store, argv[1]) == NULL)
    return _accord_cli_failed (_("There is no account “%s”"), argv[1]);

  accord_account_store_remove_async (store, argv[1], NULL, _accord_cli_store_result_cb, &result);
  _accord_cli_wait (&result);
  if (!accord_account_store_remove_finish (store, result, &error))
    return _accord_cli_failed ("%s", error->message);

  /* The account is gone, so its passwords are of no use to anyone: a keyring that
   * cannot be reached is reported, but does not undo the removal. */
  secrets = accord_secrets_new ();
  accord_secrets_clear_account_async (secrets, argv[1], NULL, _accord_cli_store_result_cb, &secrets_result);
  _accord_cli_wait (&secrets_result);
  if (!accord_secrets_clear_account_finish (secrets, secrets_result, &error))
    return _accord_cli_failed (_("The account was removed, but its password was not: %s"),
                               error->message);

  return ACCORD_CLI_EXIT_OK;
}

int
_accord_cli_accounts (int    argc,
                      char **argv)
{
  static const struct {
    const char *name;
    int (*run) (int, char **);
  } verbs[] = {
    { "list", _accounts_list },
    { "show", _accounts_show },
    { "add", _accounts_add },
    { "remove", _accounts_remove },
  };

  if (argc < 2)
    return _accord_cli_usage_error (_("“accounts” needs a verb: list, show, add or remove"));

  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (g_str_equal (argv[1], verbs[i].name))
      return verbs[i].run (argc - 1, argv + 1);

  return _accord_cli_usage_error (_("Unknown verb “accounts %s”"), argv[1]);
}
