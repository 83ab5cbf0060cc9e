/* accord-smtp-client-send.c - sending a message: the envelope, DATA
 * and the message itself, a line at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-net-utils.h"
#include "accord-smtp-client-private.h"

/* --- sending ------------------------------------------------------------------------ */

typedef struct
{
  char        *from;
  char       **recipients;
  guint        n_recipients;
  GBytes      *message;
  gsize        offset;         /* of the next byte to write */
  gboolean     line_start;     /* the next byte starts a line */

  SmtpCommand *mail_reply;     /* copies of what was refused */
  guint        n_replies;
  guint        n_refused;
  guint        refused_index;  /* the recipient whose refusal the error names */
  guint        refused_code;
  GPtrArray   *refused_lines;
  GError      *error;          /* to report once the transaction is reset */
} SendData;

static void
_send_data_free (SendData *data)
{
  g_free (data->from);
  g_strfreev (data->recipients);
  g_clear_pointer (&data->message, g_bytes_unref);
  g_clear_pointer (&data->mail_reply, _accord_smtp_command_free);
  g_clear_pointer (&data->refused_lines, g_ptr_array_unref);
  g_clear_error (&data->error);
  g_free (data);
}

/* What may go between < and > of MAIL FROM and RCPT TO: the server judges the syntax,
 * but nothing may break the command line. */
static gboolean
_address_is_sendable (const char *address,
                      gboolean   *non_ascii)
{
  for (const guchar *p = (const guchar *) address; *p != '\0'; p++)
    {
      if (*p < 0x20 || *p == 0x7f || *p == '<' || *p == '>')
        return FALSE;
      if (*p >= 0x80)
        *non_ascii = TRUE;
    }

  return g_utf8_validate (address, -1, NULL);
}

typedef struct
{
  gsize    size;        /* on the wire, with CRLF line ends, before dot-stuffing */
  gboolean eight_bit;
  gboolean eight_bit_header;
  gboolean nul;
} MessageScan;

static void
_scan_message (GBytes      *message,
               MessageScan *scan)
{
  gsize len;
  const guchar *data = g_bytes_get_data (message, &len);
  gboolean in_header = TRUE;
  gboolean line_empty = TRUE;

  memset (scan, 0, sizeof *scan);

  for (gsize i = 0; i < len; i++)
    {
      guchar c = data[i];

      if (c == '\r' || c == '\n')
        {
          /* CRLF, a bare CR and a bare LF each end a line, sent as CRLF. */
          if (c == '\r' && i + 1 < len && data[i + 1] == '\n')
            i++;
          scan->size += 2;
          if (line_empty)
            in_header = FALSE;
          line_empty = TRUE;
          continue;
        }

      scan->size++;
      line_empty = FALSE;
      if (c == '\0')
        scan->nul = TRUE;
      if (c >= 0x80)
        {
          scan->eight_bit = TRUE;
          if (in_header)
            scan->eight_bit_header = TRUE;
        }
    }

  if (!line_empty)
    scan->size += 2;
}

static void
_send_reset_cb (AccordSmtpClient *self,
                GTask            *task,
                SmtpCommand      *cmd)
{
  SendData *data = g_task_get_task_data (task);

  _accord_smtp_task_return (self, task, g_steal_pointer (&data->error));
}

/* Fails the send with @error, after RSET if the connection is still there. */
static void
_send_abort (AccordSmtpClient *self,
             GTask            *task,
             GError           *error)
{
  SendData *data = g_task_get_task_data (task);

  if (self->closed != NULL)
    {
      _accord_smtp_task_return (self, task, error);
      return;
    }

  g_clear_error (&data->error);
  data->error = error;
  _accord_smtp_send (self, task, "RSET", NULL, FALSE, _send_reset_cb);
}

static void
_send_done_cb (AccordSmtpClient *self,
               GTask            *task,
               SmtpCommand      *cmd)
{
  g_autofree char *text = NULL;

  if (cmd->code == 250)
    {
      _accord_smtp_task_return (self, task, NULL);
      return;
    }

  text = _accord_smtp_reply_text (cmd);
  /* Translators: %s is the server's reply, such as "554 5.7.1 Looks like spam" */
  _accord_smtp_task_return (self, task,
                            _accord_smtp_reply_error (cmd, -1,
                                                      _("The server did not accept the "
                                                        "message: %s"),
                                                      text));
}

/* Pieces of the message written at once. */
#define CHUNK_SIZE (256 * 1024)

static void _send_next_chunk (AccordSmtpClient *self,
                              GTask            *task);

static void
_send_chunk_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordSmtpClient *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->write_pending = FALSE;
  if (!accord_line_connection_write_data_finish (self->conn, result, &error))
    {
      if (self->closed == NULL)
        {
          _accord_smtp_close_with_error (self, task, error);
          return;
        }
      g_error_free (error);
      _accord_smtp_close_connection (self);
      return;
    }

  _send_next_chunk (self, task);
}

/* Writes the message a piece at a time, in SMTP's form: each line end (CRLF, bare LF
 * or bare CR) goes out as CRLF, a line that starts with a dot gets another
 * (RFC 5321 §4.5.2), and the last line is ended; any other byte goes as it is. Then
 * the dot that ends the data. */
static void
_send_next_chunk (AccordSmtpClient *self,
                  GTask            *task)
{
  SendData *data = g_task_get_task_data (task);
  gsize len;
  const char *message = g_bytes_get_data (data->message, &len);
  g_autoptr(GByteArray) out = NULL;

  if (data->offset >= len)
    {
      _accord_smtp_send (self, task, ".", NULL, FALSE, _send_done_cb);
      return;
    }

  out = g_byte_array_sized_new (CHUNK_SIZE + 8);
  while (data->offset < len && out->len < CHUNK_SIZE)
    {
      char c = message[data->offset++];

      if (c == '\r' || c == '\n')
        {
          if (c == '\r' && data->offset < len && message[data->offset] == '\n')
            data->offset++;
          g_byte_array_append (out, (const guint8 *) "\r\n", 2);
          data->line_start = TRUE;
          continue;
        }
      if (data->line_start && c == '.')
        g_byte_array_append (out, (const guint8 *) ".", 1);
      g_byte_array_append (out, (const guint8 *) &c, 1);
      data->line_start = FALSE;
    }
  if (data->offset >= len && !data->line_start)
    g_byte_array_append (out, (const guint8 *) "\r\n", 2);

  self->write_pending = TRUE;
  accord_line_connection_write_data_async (self->conn, out->data, out->len, "<part of the message>",
                                           g_task_get_cancellable (task),
                                           _send_chunk_cb, g_object_ref (task));
}

static void
_send_data_cb (AccordSmtpClient *self,
               GTask            *task,
               SmtpCommand      *cmd)
{
  g_autofree char *text = NULL;

  if (cmd->code == 354)
    {
      ((SendData *) g_task_get_task_data (task))->line_start = TRUE;
      _send_next_chunk (self, task);
      return;
    }

  text = _accord_smtp_reply_text (cmd);
  if (cmd->code / 100 == 4 || cmd->code / 100 == 5)
    _send_abort (self, task,
                 _accord_smtp_reply_error (cmd, -1, _("The server refused to take the message: %s"),
                                           text));
  else
    _accord_smtp_close_with_error (self, task, _accord_smtp_protocol_error (self, text));
}

static void
_send_envelope_cb (AccordSmtpClient *self,
                   GTask            *task,
                   SmtpCommand      *cmd)
{
  SendData *data = g_task_get_task_data (task);
  guint index = data->n_replies++;
  g_autofree char *text = NULL;

  /* MAIL FROM, then one RCPT TO per recipient; a refused recipient is kept if it is
   * the first, or the first permanent one, which decides the error. */
  if (index == 0)
    {
      if (cmd->code != 250)
        {
          data->mail_reply = g_new0 (SmtpCommand, 1);
          data->mail_reply->code = cmd->code;
          data->mail_reply->lines = g_ptr_array_ref (cmd->lines);
        }
    }
  else if (cmd->code != 250 && cmd->code != 251)
    {
      data->n_refused++;
      if (data->refused_lines == NULL ||
          (data->refused_code / 100 != 5 && cmd->code / 100 == 5))
        {
          g_clear_pointer (&data->refused_lines, g_ptr_array_unref);
          data->refused_lines = g_ptr_array_ref (cmd->lines);
          data->refused_code = cmd->code;
          data->refused_index = index - 1;
        }
    }

  if (data->n_replies < 1 + data->n_recipients)
    return;

  if (data->mail_reply != NULL)
    {
      text = _accord_smtp_reply_text (data->mail_reply);
      _send_abort (self, task,
                   _accord_smtp_reply_error (data->mail_reply, -1,
                                             _("The server refused the sender address %s: %s"),
                                             data->from, text));
      return;
    }

  if (data->n_refused > 0)
    {
      SmtpCommand refused = { .code = data->refused_code, .lines = data->refused_lines };
      const char *recipient = data->recipients[data->refused_index];

      text = _accord_smtp_reply_text (&refused);
      /* Translators: the first %s is an email address, the second the server's reply,
       * such as "550 5.1.1 No such user" */
      if (data->n_refused == 1)
        _send_abort (self, task,
                     _accord_smtp_reply_error (&refused, -1,
                                               _("The server refused the recipient %s: %s"),
                                               recipient, text));
      else
        _send_abort (self, task,
                     _accord_smtp_reply_error (&refused, -1,
                                               g_dngettext (GETTEXT_PACKAGE,
                                                            "The server refused %u of the "
                                                            "recipients, among them %s: %s",
                                                            "The server refused %u of the "
                                                            "recipients, among them %s: %s",
                                                            data->n_refused),
                                               data->n_refused, recipient, text));
      return;
    }

  _accord_smtp_send (self, task, "DATA", NULL, FALSE, _send_data_cb);
}

static void
_send_start (AccordSmtpClient *self,
             GTask            *task)
{
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GString) mail = g_string_new (NULL);
  gboolean non_ascii = FALSE;
  MessageScan scan;

  if (data->recipients[0] == NULL)
    {
      _accord_smtp_task_return (self, task,
                                g_error_new (ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE,
                                             _("The message has no recipients.")));
      return;
    }

  if (!_address_is_sendable (data->from, &non_ascii))
    {
      g_autofree char *excerpt = _accord_net_excerpt (data->from);

      _accord_smtp_task_return (self, task,
                                g_error_new (ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE,
                                             _("The sender address “%s” cannot be sent to the "
                                               "server."),
                                             excerpt));
      return;
    }
  for (guint i = 0; data->recipients[i] != NULL; i++)
    if (*data->recipients[i] == '\0' || !_address_is_sendable (data->recipients[i], &non_ascii))
      {
        g_autofree char *excerpt = _accord_net_excerpt (data->recipients[i]);

        _accord_smtp_task_return (self, task,
                                  g_error_new (ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE,
                                               _("The recipient address “%s” cannot be sent to the "
                                                 "server."),
                                               excerpt));
        return;
      }

  if (non_ascii && !accord_smtp_client_has_extension (self, "SMTPUTF8"))
    {
      _accord_smtp_task_return (self, task,
                                g_error_new (ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE,
                                             _("%s:%u cannot send mail to or from addresses with "
                                               "characters beyond ASCII (it lacks SMTPUTF8)."),
                                             self->host, self->port));
      return;
    }

  _scan_message (data->message, &scan);
  if (scan.nul)
    {
      _accord_smtp_task_return (self, task,
                                g_error_new (ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE,
                                             _("The message contains NUL bytes, which SMTP cannot "
                                               "carry.")));
      return;
    }
  if (self->size_limit > 0 && scan.size > self->size_limit)
    {
      g_autofree char *size = g_format_size (scan.size);
      g_autofree char *limit = g_format_size (self->size_limit);

      _accord_smtp_task_return (self, task,
                                g_error_new (ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_TOO_LARGE,
                                             _("The message is %s, but %s:%u accepts at most %s."),
                                             size, self->host, self->port, limit));
      return;
    }

  g_string_append_printf (mail, "MAIL FROM:<%s>", data->from);
  if (accord_smtp_client_has_extension (self, "SIZE"))
    g_string_append_printf (mail, " SIZE=%" G_GSIZE_FORMAT, scan.size);
  /* Without 8BITMIME the message goes as it is: most servers take it, and nothing
   * better can be done here. */
  if (scan.eight_bit && accord_smtp_client_has_extension (self, "8BITMIME"))
    g_string_append (mail, " BODY=8BITMIME");
  if ((non_ascii || scan.eight_bit_header) &&
      accord_smtp_client_has_extension (self, "SMTPUTF8"))
    g_string_append (mail, " SMTPUTF8");

  _accord_smtp_send (self, task, mail->str, NULL, TRUE, _send_envelope_cb);
  for (guint i = 0; data->recipients[i] != NULL; i++)
    {
      g_autofree char *rcpt = g_strdup_printf ("RCPT TO:<%s>", data->recipients[i]);

      _accord_smtp_send (self, task, rcpt, NULL, TRUE, _send_envelope_cb);
    }
}

/**
 * accord_smtp_client_send_async:
 * @from: the envelope sender (MAIL FROM), without angle brackets; "" for none
 * @recipients: the envelope recipients (RCPT TO), without angle brackets
 * @message: the message as it is to arrive; bare LF and bare CR line ends go out as
 *   CRLF, and lines starting with a dot are stuffed
 *
 * Sends one message. It goes to every recipient or to none: when the server refuses
 * the sender or a recipient, the transaction is reset and nothing is sent.
 *
 * Refusals fail with %ACCORD_SMTP_ERROR_TEMPORARY (4xx) or
 * %ACCORD_SMTP_ERROR_PERMANENT (5xx) and carry the reply code; a message larger than
 * the server's SIZE fails with %ACCORD_SMTP_ERROR_TOO_LARGE before anything is sent.
 * If the connection breaks after the message went out but before the server confirmed
 * it, the server may still deliver it.
 */
void
accord_smtp_client_send_async (AccordSmtpClient    *self,
                               const char          *from,
                               const char * const  *recipients,
                               GBytes              *message,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SendData *data;

  g_return_if_fail (ACCORD_IS_SMTP_CLIENT (self));
  g_return_if_fail (from != NULL);
  g_return_if_fail (recipients != NULL);
  g_return_if_fail (message != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_smtp_client_send_async);

  data = g_new0 (SendData, 1);
  data->from = g_strdup (from);
  data->recipients = g_strdupv ((char **) recipients);
  data->n_recipients = g_strv_length (data->recipients);
  data->message = g_bytes_ref (message);
  g_task_set_task_data (task, data, (GDestroyNotify) _send_data_free);

  _accord_smtp_op_queue (self, task, _send_start);
}

gboolean
accord_smtp_client_send_finish (AccordSmtpClient  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_SMTP_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
