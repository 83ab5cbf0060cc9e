/* accord-smtp-error.c - the SMTP error domain, and the errors a server's reply makes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "accord-smtp-client-private.h"

/* How much of a server's reply goes into an error message. */
#define MAX_REPLY_EXCERPT 400

/* --- errors ------------------------------------------------------------------------- */

typedef struct
{
  guint  reply_code;
  char  *enhanced_code;
} AccordSmtpErrorPrivate;

static void
accord_smtp_error_private_init (AccordSmtpErrorPrivate *priv)
{
  priv->reply_code = 0;
  priv->enhanced_code = NULL;
}

static void
accord_smtp_error_private_copy (const AccordSmtpErrorPrivate *src,
                                AccordSmtpErrorPrivate       *dest)
{
  dest->reply_code = src->reply_code;
  dest->enhanced_code = g_strdup (src->enhanced_code);
}

static void
accord_smtp_error_private_clear (AccordSmtpErrorPrivate *priv)
{
  g_clear_pointer (&priv->enhanced_code, g_free);
}

G_DEFINE_EXTENDED_ERROR (AccordSmtpError, accord_smtp_error)

/**
 * accord_smtp_error_get_reply_code:
 *
 * Returns: the code of the server's reply that caused @error (e.g. 550), or 0 if it
 *   did not come from a reply
 */
guint
accord_smtp_error_get_reply_code (const GError *error)
{
  g_return_val_if_fail (error != NULL, 0);

  if (error->domain != ACCORD_SMTP_ERROR)
    return 0;

  return accord_smtp_error_get_private (error)->reply_code;
}

/**
 * accord_smtp_error_get_enhanced_code:
 *
 * Returns: (nullable): the enhanced status code of that reply (RFC 3463, e.g. "5.1.1"),
 *   if it had one
 */
const char *
accord_smtp_error_get_enhanced_code (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != ACCORD_SMTP_ERROR)
    return NULL;

  return accord_smtp_error_get_private (error)->enhanced_code;
}

/**
 * accord_smtp_error_is_permanent:
 *
 * Returns: %TRUE if sending the same message again will fail again, so an outbox
 *   should stop retrying it and ask the person; %FALSE for errors that may pass
 *   (temporary refusals, the network, timeouts) or that concern the account rather
 *   than the message (logging in, certificates)
 */
gboolean
accord_smtp_error_is_permanent (const GError *error)
{
  g_return_val_if_fail (error != NULL, FALSE);

  return g_error_matches (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_PERMANENT) ||
         g_error_matches (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_TOO_LARGE) ||
         g_error_matches (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE);
}

/* --- replies ------------------------------------------------------------------------ */

/* The reply as one line, "550 5.1.1 text", fit to show. */
char *
_accord_smtp_reply_text (SmtpCommand *cmd)
{
  GString *joined = g_string_new (NULL);
  g_autofree char *valid = NULL;
  GString *out = g_string_new (NULL);
  guint n = 0;

  g_string_append_printf (joined, "%03u", cmd->code);
  for (guint i = 0; i < cmd->lines->len; i++)
    {
      const char *text = g_ptr_array_index (cmd->lines, i);

      if (*text == '\0')
        continue;
      g_string_append_c (joined, ' ');
      g_string_append (joined, text);
    }

  valid = g_utf8_make_valid (joined->str, joined->len);
  g_string_free (joined, TRUE);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (n == MAX_REPLY_EXCERPT)
        {
          g_string_append (out, "…");
          break;
        }
      if (g_unichar_iscntrl (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

/* "5.1.1" at the start of the reply (RFC 3463), if its class matches the code's. */
static char *
_smtp_enhanced_code (SmtpCommand *cmd)
{
  const char *text;
  const char *p;

  if (cmd->lines->len == 0)
    return NULL;

  text = g_ptr_array_index (cmd->lines, 0);
  if (text[0] != '0' + (char) (cmd->code / 100) || text[1] != '.')
    return NULL;

  /* subject "." detail, each of one to three digits */
  p = text + 2;
  for (guint part = 0; part < 2; part++)
    {
      const char *digits = p;

      while (g_ascii_isdigit (*p))
        p++;
      if (p == digits || p - digits > 3)
        return NULL;
      if (part == 0)
        {
          if (*p != '.')
            return NULL;
          p++;
        }
    }
  if (*p != '\0' && *p != ' ')
    return NULL;

  return g_strndup (text, p - text);
}

/* An error about @cmd's reply, which it carries; a @code below 0 follows the reply:
 * temporary for 4xx, permanent for 5xx. */
GError *
_accord_smtp_reply_error (SmtpCommand *cmd,
                          gint         code,
                          const char  *format,
                          ...)
{
  g_autofree char *message = NULL;
  g_autofree char *enhanced = _smtp_enhanced_code (cmd);
  AccordSmtpErrorPrivate *priv;
  GError *error;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (code < 0)
    {
      /* Not the message's fault: the account has to log in (RFC 4954 6). */
      if (cmd->code == 530)
        code = ACCORD_SMTP_ERROR_LOGIN;
      else if (g_strcmp0 (enhanced, "5.3.4") == 0)
        code = ACCORD_SMTP_ERROR_TOO_LARGE;
      else if (cmd->code / 100 == 4)
        code = ACCORD_SMTP_ERROR_TEMPORARY;
      else
        code = ACCORD_SMTP_ERROR_PERMANENT;
    }

  error = g_error_new_literal (ACCORD_SMTP_ERROR, code, message);
  priv = accord_smtp_error_get_private (error);
  priv->reply_code = cmd->code;
  priv->enhanced_code = g_steal_pointer (&enhanced);

  return error;
}
