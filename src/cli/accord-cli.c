/* accord-cli.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "accord-cli.h"

static void
_print_help (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: accordctl COMMAND [ARGUMENTS…]"));
  fprintf (out, "%s\n", _("Commands:"));
  fprintf (out, "  accounts list [--json]\n");
  fprintf (out, "  accounts show ID [--json]\n");
  fprintf (out, "  accounts add --address ADDRESS [--name NAME] [--username USER]\n"
                "               [--imap HOST[:PORT] | --pop3 HOST[:PORT]] [--smtp HOST[:PORT]]\n"
                "               [--security tls|starttls|none] [--pinned-certificate FP]\n"
                "               [--keep-on-server leave|delete-after-days|delete-when-deleted-here]\n"
                "               [--keep-days DAYS] [--server-files-sent] [--password-stdin]\n");
  fprintf (out, "  accounts remove ID\n");
  fprintf (out, "  discover ADDRESS [--password-stdin] [--allow-redirect-to DOMAIN] [--json]\n");
  fprintf (out, "  send FILE --account ID [--password-stdin]\n");
  fprintf (out, "  sync [ACCOUNT] [--once] [--password-stdin]\n");
  fprintf (out, "  status [--json]\n");
  fprintf (out, "  decide ACCOUNT QUESTION yes|no\n");
  fprintf (out, "  version\n\n");
  fprintf (out, "%s\n", _("Exit status: 0 done, 1 the operation failed, 2 the command was wrong,"));
  fprintf (out, "%s\n", _("3 discover found no way to receive mail."));
}

int
_accord_cli_usage_error (const char *format,
                         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "accordctl: %s\n", message);
  fprintf (stderr, "%s\n", _("Try “accordctl --help”."));
  return ACCORD_CLI_EXIT_USAGE;
}

int
_accord_cli_failed (const char *format,
                    ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* One line, so scripts can show it as it is. */
  g_strdelimit (message, "\n", ' ');
  fprintf (stderr, "accordctl: %s\n", message);
  return ACCORD_CLI_EXIT_FAILED;
}

/* The core is asynchronous; a command runs the main context until its result is in. */
void
_accord_cli_wait (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

void
_accord_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
}

int
accord_cli_run (int    argc,
                char **argv)
{
  const char *command;

  if (argc < 2)
    {
      _print_help (stderr);
      return ACCORD_CLI_EXIT_USAGE;
    }

  command = argv[1];

  if (g_str_equal (command, "--help") || g_str_equal (command, "-h") ||
      g_str_equal (command, "help"))
    {
      _print_help (stdout);
      return ACCORD_CLI_EXIT_OK;
    }

  if (g_str_equal (command, "version") || g_str_equal (command, "--version"))
    {
      printf ("accordctl %s\n", PACKAGE_VERSION);
      return ACCORD_CLI_EXIT_OK;
    }

  if (g_str_equal (command, "accounts"))
    return _accord_cli_accounts (argc - 1, argv + 1);

  if (g_str_equal (command, "discover"))
    return _accord_cli_discover (argc - 1, argv + 1);

  if (g_str_equal (command, "send"))
    return _accord_cli_send (argc - 1, argv + 1);

  if (g_str_equal (command, "sync"))
    return _accord_cli_sync (argc - 1, argv + 1);

  if (g_str_equal (command, "status"))
    return _accord_cli_status (argc - 1, argv + 1);

  if (g_str_equal (command, "decide"))
    return _accord_cli_decide (argc - 1, argv + 1);

  return _accord_cli_usage_error (_("Unknown command “%s”"), command);
}

/* Longer than any password a person types; more is not a password. */
#define MAX_PASSWORD_LENGTH 4096

/* The whole of standard input, less one final line break. */
char *
_accord_cli_read_password (GError **error)
{
  g_autoptr(GString) password = g_string_new (NULL);
  char buffer[256];
  gssize n;

  while ((n = read (STDIN_FILENO, buffer, sizeof buffer)) != 0)
    {
      if (n < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("Could not read the password from standard input"));
          return NULL;
        }
      if (password->len + n > MAX_PASSWORD_LENGTH)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("The password on standard input is too long"));
          return NULL;
        }
      g_string_append_len (password, buffer, n);
    }

  explicit_bzero (buffer, sizeof buffer);

  /* One trailing line break is how `echo` and here-strings end the password. */
  if (password->len > 0 && password->str[password->len - 1] == '\n')
    g_string_truncate (password, password->len - 1);
  if (password->len > 0 && password->str[password->len - 1] == '\r')
    g_string_truncate (password, password->len - 1);

  if (password->len == 0 || memchr (password->str, '\0', password->len) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("No usable password on standard input"));
      return NULL;
    }

  return g_string_free (g_steal_pointer (&password), FALSE);
}

void
_accord_cli_free_password (char *password)
{
  if (password != NULL)
    explicit_bzero (password, strlen (password));
  g_free (password);
}

/* Keeps the result of an async call for _accord_cli_wait(). */
void
_accord_cli_store_result_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The account store, loaded; files that could not be read are named on stderr. */
AccordAccountStore *
_accord_cli_load_store (GError **error)
{
  g_autoptr(AccordAccountStore) store = accord_account_store_new (NULL);
  g_autoptr(GAsyncResult) result = NULL;
  const char * const *problems;

  accord_account_store_load_async (store, NULL, _accord_cli_store_result_cb, &result);
  _accord_cli_wait (&result);
  if (!accord_account_store_load_finish (store, result, error))
    return NULL;

  problems = accord_account_store_get_problems (store);
  for (guint i = 0; problems[i] != NULL; i++)
    fprintf (stderr, _("accordctl: warning: skipped %s\n"), problems[i]);

  return g_steal_pointer (&store);
}

