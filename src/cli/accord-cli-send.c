/* accord-cli-send.c
 *
 * `accordctl send FILE --account ID [--password-stdin]`: queues a message in the
 * account's Outbox and sends it at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "accord-cli.h"
#include "accord-outbox.h"

/* Larger than what mail servers take (typically 25 to 50 MiB once encoded). */
#define MAX_MESSAGE_SIZE (50 * 1024 * 1024)

static GBytes *
_read_message (const char  *path,
               GError     **error)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not open “%s”: %s"), path, g_strerror (saved_errno));
      return NULL;
    }

  for (;;)
    {
      guint8 buffer[64 * 1024];
      gssize n = read (fd, buffer, sizeof buffer);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not read “%s”: %s"), path, g_strerror (saved_errno));
          return NULL;
        }
      if (n == 0)
        break;
      if (data->len + n > MAX_MESSAGE_SIZE)
        {
          g_autofree char *limit = g_format_size (MAX_MESSAGE_SIZE);

          close (fd);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                       _("“%s” is larger than %s, more than mail servers accept"), path, limit);
          return NULL;
        }
      g_byte_array_append (data, buffer, n);
    }

  close (fd);
  if (data->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("“%s” is empty"), path);
      return NULL;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

/* The password kept for sending, or else the one for receiving: most accounts have
 * one password for both. */
static char *
_keyring_password (AccordAccount  *account,
                   GError        **error)
{
  g_autoptr(AccordSecrets) secrets = accord_secrets_new ();
  const AccordServiceKind kinds[] = { ACCORD_SERVICE_MAIL_OUT, ACCORD_SERVICE_MAIL_IN };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      char *password;

      accord_secrets_lookup_async (secrets, accord_account_get_id (account), kinds[i], NULL,
                                   _accord_cli_store_result_cb, &result);
      _accord_cli_wait (&result);
      password = accord_secrets_lookup_finish (secrets, result, error);
      if (password != NULL)
        return password;
      if (error != NULL && *error != NULL)
        return NULL;
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               _("No password for %s in the keyring; give it with --password-stdin"),
               accord_account_get_id (account));
  return NULL;
}

int
_accord_cli_send (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE"));
  g_autoptr(AccordAccountStore) store = NULL;
  g_autoptr(AccordOutbox) outbox = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(AccordStateOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) send_error = NULL;
  g_autofree char *account_id = NULL;
  g_autofree char *key = NULL;
  AccordAccount *account;
  AccordServiceConfig *out;
  gboolean password_stdin = FALSE;
  gboolean sent;
  char *password = NULL;
  GOptionEntry entries[] = {
    { "account", 0, 0, G_OPTION_ARG_STRING, &account_id, N_("The account to send from"),
      N_("ID") },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("Read the password from standard input instead of the keyring"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Queues the message in FILE (RFC 5322, as a mail "
                                           "client writes it) in the account’s Outbox and "
                                           "sends it. Bcc fields are sent to, not sent."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return _accord_cli_usage_error ("%s", error->message);
  if (argc != 2)
    return _accord_cli_usage_error (_("“send” takes one file"));
  if (account_id == NULL)
    return _accord_cli_usage_error (_("--account is required"));

  store = _accord_cli_load_store (&error);
  if (store == NULL)
    return _accord_cli_failed ("%s", error->message);
  account = accord_account_store_lookup (store, account_id);
  if (account == NULL)
    return _accord_cli_failed (_("There is no account “%s”"), account_id);
  out = accord_account_get_service (account, ACCORD_SERVICE_MAIL_OUT);
  if (out == NULL || out->protocol != ACCORD_PROTOCOL_SMTP)
    return _accord_cli_failed (_("The account %s has no SMTP server to send mail through"),
                               account_id);

  message = _read_message (argv[1], &error);
  if (message == NULL)
    return _accord_cli_failed ("%s", error->message);

  if (password_stdin)
    password = _accord_cli_read_password (&error);
  else if (out->auth != ACCORD_AUTH_NONE)
    password = _keyring_password (account, &error);
  if (error != NULL)
    return _accord_cli_failed ("%s", error->message);

  outbox = accord_outbox_new (account, password);
  _accord_cli_free_password (g_steal_pointer (&password));

  key = accord_outbox_queue (outbox, message, &error);
  if (key == NULL)
    return _accord_cli_failed (_("The message was not queued: %s"), error->message);

  accord_outbox_send_async (outbox, NULL, _accord_cli_store_result_cb, &result);
  _accord_cli_wait (&result);
  sent = accord_outbox_send_finish (outbox, result, &send_error);

  /* The run sends everything queued; what counts here is this message. */
  item = accord_outbox_lookup (outbox, key, &error);
  if (item == NULL)
    return _accord_cli_failed ("%s", error->message);

  switch (item->status)
    {
    case ACCORD_STATE_OUTBOX_SENT:
      if (!sent)
        fprintf (stderr, _("accordctl: warning: another queued message was not sent: %s\n"),
                 send_error->message);
      return ACCORD_CLI_EXIT_OK;

    case ACCORD_STATE_OUTBOX_QUEUED:
      return _accord_cli_failed (_("Not sent for now; the message stays in the Outbox: %s"),
                                 item->last_error ? item->last_error
                                                  : send_error ? send_error->message : "");

    case ACCORD_STATE_OUTBOX_FAILED:
    case ACCORD_STATE_OUTBOX_SENDING:
    default:
      return _accord_cli_failed (_("Not sent: %s"),
                                 item->last_error ? item->last_error
                                                  : send_error ? send_error->message : "");
    }
}
