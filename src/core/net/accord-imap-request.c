/* accord-imap-request.c - an IMAP command being put together, cut into what can be
 * written at once and what waits for the server's "+"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "accord-imap-connection.h"

/* RFC 7888: LITERAL- allows non-synchronizing literals up to this size. */
#define LITERAL_MINUS_MAX 4096

/**
 * AccordImapRequest:
 *
 * A command without its tag, cut into the pieces that are written at once: lines up to
 * and including a literal's announcement, the literal's data (which may have to wait for
 * the server's "+"), and the rest.
 */
struct _AccordImapRequest
{
  AccordImapLiteralMode  mode;
  GString               *line;       /* the piece being built */
  GPtrArray             *chunks;     /* GBytes */
  GArray                *sync;       /* gboolean per chunk: waits for a "+" first */
  gboolean               next_sync;
  GString               *log;
  gboolean               hidden;
};

/**
 * accord_imap_request_new:
 * @mode: how literals may be sent, from the server's capabilities
 * @text: the start of the command ("SELECT ", "UID FETCH 1:4 (FLAGS)"), 7-bit text
 */
AccordImapRequest *
accord_imap_request_new (AccordImapLiteralMode  mode,
                         const char            *text)
{
  AccordImapRequest *request = g_new0 (AccordImapRequest, 1);

  request->mode = mode;
  request->line = g_string_new (text);
  request->chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  request->sync = g_array_new (FALSE, FALSE, sizeof (gboolean));
  request->log = g_string_new (text);

  return request;
}

void
accord_imap_request_free (AccordImapRequest *request)
{
  if (request == NULL)
    return;

  /* A line may carry a password. */
  memset (request->line->str, 0, request->line->len);
  g_string_free (request->line, TRUE);
  g_ptr_array_unref (request->chunks);
  g_array_unref (request->sync);
  g_string_free (request->log, TRUE);
  g_free (request);
}

void
accord_imap_request_add (AccordImapRequest *request,
                         const char        *text)
{
  g_return_if_fail (request != NULL);
  g_return_if_fail (strpbrk (text, "\r\n") == NULL);

  g_string_append (request->line, text);
  if (!request->hidden)
    g_string_append (request->log, text);
}

void
accord_imap_request_add_printf (AccordImapRequest *request,
                                const char        *format,
                                ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  accord_imap_request_add (request, text);
}

/* Ends the current piece; the one after it waits for a "+" if @sync_next. */
static void
_request_push_line (AccordImapRequest *request,
                    gboolean           sync_next)
{
  GBytes *bytes = g_bytes_new (request->line->str, request->line->len);

  memset (request->line->str, 0, request->line->len);
  g_string_truncate (request->line, 0);

  g_ptr_array_add (request->chunks, bytes);
  g_array_append_val (request->sync, request->next_sync);
  request->next_sync = sync_next;
}

static void
_request_push_bytes (AccordImapRequest *request,
                     GBytes            *data)
{
  g_ptr_array_add (request->chunks, g_bytes_ref (data));
  g_array_append_val (request->sync, request->next_sync);
  request->next_sync = FALSE;
}

/**
 * accord_imap_request_add_literal:
 * @binary: whether @data may hold NUL bytes, sent as a BINARY literal8 ("~{n}")
 *
 * Adds @data as a literal, non-synchronizing where the mode allows it.
 */
void
accord_imap_request_add_literal (AccordImapRequest *request,
                                 GBytes            *data,
                                 gboolean           binary)
{
  gsize size;
  gboolean non_sync;

  g_return_if_fail (request != NULL);
  g_return_if_fail (data != NULL);

  size = g_bytes_get_size (data);
  non_sync = request->mode == ACCORD_IMAP_LITERAL_PLUS ||
             (request->mode == ACCORD_IMAP_LITERAL_MINUS && size <= LITERAL_MINUS_MAX);

  g_string_append_printf (request->line, "%s{%" G_GSIZE_FORMAT "%s}\r\n",
                          binary ? "~" : "", size, non_sync ? "+" : "");
  if (!request->hidden)
    g_string_append_printf (request->log, "%s{%" G_GSIZE_FORMAT "%s}...",
                            binary ? "~" : "", size, non_sync ? "+" : "");
  _request_push_line (request, !non_sync);
  _request_push_bytes (request, data);
}

/* Whether @string can go in a quoted string: 7-bit, no CR, LF or NUL. */
static gboolean
_quotable (const char *string)
{
  for (const char *p = string; *p != '\0'; p++)
    if ((guchar) *p >= 0x80 || *p == '\r' || *p == '\n')
      return FALSE;

  return TRUE;
}

/**
 * accord_imap_request_add_string:
 *
 * Adds @string as a quoted string, or as a literal when it has 8-bit bytes, CR or LF.
 */
void
accord_imap_request_add_string (AccordImapRequest *request,
                                const char        *string)
{
  g_return_if_fail (request != NULL);
  g_return_if_fail (string != NULL);

  if (_quotable (string))
    {
      g_string_append_c (request->line, '"');
      for (const char *p = string; *p != '\0'; p++)
        {
          if (*p == '"' || *p == '\\')
            g_string_append_c (request->line, '\\');
          g_string_append_c (request->line, *p);
        }
      g_string_append_c (request->line, '"');
      if (!request->hidden)
        g_string_append_printf (request->log, "\"%s\"", string);
    }
  else
    {
      g_autoptr(GBytes) data = g_bytes_new (string, strlen (string));

      accord_imap_request_add_literal (request, data, FALSE);
    }
}

/**
 * accord_imap_request_add_mailbox:
 * @utf8_name: a folder name as people see it
 *
 * Adds the name in modified UTF-7 (RFC 3501 §5.1.3), quoted.
 */
void
accord_imap_request_add_mailbox (AccordImapRequest *request,
                                 const char        *utf8_name)
{
  g_autofree char *wire = NULL;

  g_return_if_fail (request != NULL);
  g_return_if_fail (utf8_name != NULL);

  wire = accord_imap_mailbox_encode (utf8_name);
  accord_imap_request_add_string (request, wire);
}

/**
 * accord_imap_request_add_response:
 * @line: a line the client sends after the server's next "+" (SASL)
 */
void
accord_imap_request_add_response (AccordImapRequest *request,
                                  const char        *line)
{
  g_return_if_fail (request != NULL);
  g_return_if_fail (strpbrk (line, "\r\n") == NULL);

  g_string_append (request->line, "\r\n");
  _request_push_line (request, TRUE);
  g_string_append (request->line, line);
}

/**
 * accord_imap_request_hide:
 *
 * Keeps what is added from now on out of the debug log: it carries a secret.
 */
void
accord_imap_request_hide (AccordImapRequest *request)
{
  g_return_if_fail (request != NULL);

  if (!request->hidden)
    g_string_append (request->log, "...");
  request->hidden = TRUE;
}

const char *
accord_imap_request_get_log (AccordImapRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return request->log->str;
}

/**
 * accord_imap_request_finish:
 * @sync: (out) (transfer none): per piece, whether it waits for the server's "+"
 *
 * Ends the request: the last line gets its CRLF.
 *
 * Returns: (transfer none) (element-type GBytes): the pieces to write, in order
 */
GPtrArray *
accord_imap_request_finish (AccordImapRequest  *request,
                            GArray            **sync)
{
  g_return_val_if_fail (request != NULL, NULL);

  g_string_append (request->line, "\r\n");
  _request_push_line (request, FALSE);
  *sync = request->sync;
  return request->chunks;
}
