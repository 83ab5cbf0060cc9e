/* accord-imap-framing.c - AccordImapParser: cutting IMAP responses, literals
 * included, out of the bytes read, within limits; the grammar that reads each one is
 * in accord-imap-parser.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-imap-parser.h"
#include "accord-imap-parser-private.h"

/* Room for one maximal line and large reads behind it. */
#define BUFFER_SIZE (256 * 1024)
/* A literal at least this long, with nothing else buffered, is read into place. */
#define DIRECT_READ_MIN (32 * 1024)
/* What one response may hold besides its literals' data. */
#define MAX_RESPONSE_TEXT (1024 * 1024)
#define MAX_LITERALS 1024
/* Literals other than the message itself (names, headers) get this much beyond it. */
#define LITERAL_SLACK (1024 * 1024)

/* --- framing ------------------------------------------------------------------------ */

/**
 * AccordImapParser:
 *
 * Cuts a stream of bytes into IMAP responses: lines, and the literals ("{n}" at the end
 * of a line, then n bytes) that continue them. Memory is bounded: a line may be at most
 * %ACCORD_IMAP_MAX_LINE long, a literal at most the limit given to
 * accord_imap_parser_new(), and only one response is held at a time.
 *
 * The reader asks accord_imap_parser_get_buffer() where to put what it reads next (a
 * large literal is read straight into its place), tells accord_imap_parser_commit()
 * how much came, and takes responses with accord_imap_parser_next() until it returns
 * %NULL. An error is final: the stream cannot be trusted after it.
 */
struct _AccordImapParser
{
  gsize      max_literal;

  guint8    *buf;
  gsize      start;          /* the first byte not yet taken */
  gsize      end;            /* one past the last byte read */
  gsize      scan;           /* where the search for the line's end goes on */
  gboolean   direct;         /* the last buffer handed out was the literal's */

  GString   *text;           /* the response so far, without literals and line ends */
  GPtrArray *literals;       /* GBytes */
  GArray    *offsets;        /* gsize: where in text each literal belongs */
  gsize      literal_total;

  guint8    *literal;        /* the literal being read */
  gsize      literal_len;
  gsize      literal_have;

  GError    *error;
};

/**
 * accord_imap_parser_new:
 * @max_literal: the largest literal accepted; 0 for %ACCORD_IMAP_MAX_LITERAL
 */
AccordImapParser *
accord_imap_parser_new (gsize max_literal)
{
  AccordImapParser *parser = g_new0 (AccordImapParser, 1);

  parser->max_literal = max_literal > 0 ? max_literal : ACCORD_IMAP_MAX_LITERAL;
  parser->buf = g_malloc (BUFFER_SIZE);
  parser->text = g_string_new (NULL);
  parser->literals = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  parser->offsets = g_array_new (FALSE, FALSE, sizeof (gsize));

  return parser;
}

void
accord_imap_parser_free (AccordImapParser *parser)
{
  if (parser == NULL)
    return;

  g_free (parser->buf);
  g_string_free (parser->text, TRUE);
  g_ptr_array_unref (parser->literals);
  g_array_unref (parser->offsets);
  g_free (parser->literal);
  g_clear_error (&parser->error);
  g_free (parser);
}

/**
 * accord_imap_parser_get_buffer:
 * @size: (out): how many bytes fit
 *
 * Returns: where the next bytes read from the server go; @size is 0 after an error
 */
guint8 *
accord_imap_parser_get_buffer (AccordImapParser *parser,
                               gsize            *size)
{
  g_return_val_if_fail (parser != NULL, NULL);
  g_return_val_if_fail (size != NULL, NULL);

  parser->direct = FALSE;

  if (parser->error != NULL)
    {
      *size = 0;
      return parser->buf;
    }

  if (parser->literal != NULL && parser->start == parser->end &&
      parser->literal_len - parser->literal_have >= DIRECT_READ_MIN)
    {
      parser->direct = TRUE;
      *size = parser->literal_len - parser->literal_have;
      return parser->literal + parser->literal_have;
    }

  if (parser->start == parser->end)
    {
      parser->start = parser->end = parser->scan = 0;
    }
  else if (BUFFER_SIZE - parser->end < BUFFER_SIZE / 4)
    {
      memmove (parser->buf, parser->buf + parser->start, parser->end - parser->start);
      parser->end -= parser->start;
      parser->scan -= parser->start;
      parser->start = 0;
    }

  *size = BUFFER_SIZE - parser->end;
  return parser->buf + parser->end;
}

/**
 * accord_imap_parser_commit:
 * @count: how many bytes were put where accord_imap_parser_get_buffer() said
 */
void
accord_imap_parser_commit (AccordImapParser *parser,
                           gsize             count)
{
  g_return_if_fail (parser != NULL);

  if (parser->direct)
    {
      g_return_if_fail (count <= parser->literal_len - parser->literal_have);
      parser->literal_have += count;
    }
  else
    {
      g_return_if_fail (count <= BUFFER_SIZE - parser->end);
      parser->end += count;
    }
  parser->direct = FALSE;
}

/**
 * accord_imap_parser_feed:
 *
 * Copies in what fits of @data, for callers that read elsewhere (and tests). Take
 * responses out with accord_imap_parser_next() when not all of it fit.
 *
 * Returns: how many bytes of @data were taken
 */
gsize
accord_imap_parser_feed (AccordImapParser *parser,
                         const guint8     *data,
                         gsize             len)
{
  gsize taken = 0;

  g_return_val_if_fail (parser != NULL, 0);

  while (taken < len)
    {
      gsize size;
      guint8 *buf = accord_imap_parser_get_buffer (parser, &size);

      if (size == 0)
        break;
      size = MIN (size, len - taken);
      memcpy (buf, data + taken, size);
      accord_imap_parser_commit (parser, size);
      taken += size;
    }

  return taken;
}

/**
 * accord_imap_parser_has_input:
 *
 * Returns: whether bytes are buffered that no response has taken yet, or a response
 *   has begun and not ended
 */
gboolean
accord_imap_parser_has_input (AccordImapParser *parser)
{
  g_return_val_if_fail (parser != NULL, FALSE);

  return parser->start != parser->end || parser->literal != NULL || parser->text->len > 0;
}

static AccordImapResponse *
_fail (AccordImapParser  *parser,
       GError            *error,
       GError           **out)
{
  parser->error = error;
  g_propagate_error (out, g_error_copy (error));
  return NULL;
}

static void
_reset_response (AccordImapParser *parser)
{
  g_string_truncate (parser->text, 0);
  g_ptr_array_set_size (parser->literals, 0);
  g_array_set_size (parser->offsets, 0);
  parser->literal_total = 0;
}

/* Whether @line ends with "{n}", "{n+}", "{n-}" or "~{n}"; @size is then n, or
 * G_MAXUINT64 if the number is absurdly long. */
static gboolean
_literal_announced (const char *line,
                    gsize       len,
                    guint64    *size)
{
  gsize i;
  gsize last_digit;
  guint64 n = 0;

  if (len < 3 || line[len - 1] != '}')
    return FALSE;

  i = len - 2;
  if (line[i] == '+' || line[i] == '-')
    i--;
  last_digit = i;
  while (i > 0 && g_ascii_isdigit (line[i]))
    i--;
  if (i == last_digit || line[i] != '{')
    return FALSE;

  if (last_digit - i > 19)
    {
      *size = G_MAXUINT64;
      return TRUE;
    }
  for (gsize j = i + 1; j <= last_digit; j++)
    n = n * 10 + (line[j] - '0');

  *size = n;
  return TRUE;
}

/**
 * accord_imap_parser_next:
 *
 * Returns: (transfer full) (nullable): the next complete response, or %NULL when more
 *   bytes are needed or on @error (%ACCORD_IMAP_ERROR_PROTOCOL or
 *   %ACCORD_IMAP_ERROR_LIMIT)
 */
AccordImapResponse *
accord_imap_parser_next (AccordImapParser  *parser,
                         GError           **error)
{
  g_return_val_if_fail (parser != NULL, NULL);

  if (parser->error != NULL)
    {
      g_propagate_error (error, g_error_copy (parser->error));
      return NULL;
    }

  for (;;)
    {
      const guint8 *line;
      const guint8 *newline;
      gsize len;
      guint64 announced;

      if (parser->literal != NULL)
        {
          gsize take = MIN (parser->end - parser->start,
                            parser->literal_len - parser->literal_have);

          memcpy (parser->literal + parser->literal_have, parser->buf + parser->start, take);
          parser->start += take;
          parser->scan = parser->start;
          parser->literal_have += take;
          if (parser->literal_have < parser->literal_len)
            return NULL;

          g_ptr_array_add (parser->literals,
                           g_bytes_new_take (g_steal_pointer (&parser->literal),
                                             parser->literal_len));
          parser->literal_len = parser->literal_have = 0;
        }

      newline = memchr (parser->buf + parser->scan, '\n', parser->end - parser->scan);
      if (newline == NULL)
        {
          parser->scan = parser->end;
          if (parser->end - parser->start > ACCORD_IMAP_MAX_LINE)
            return _fail (parser,
                          g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_LIMIT,
                                       _("The server sent a line longer than %u KiB."),
                                       ACCORD_IMAP_MAX_LINE / 1024),
                          error);
          return NULL;
        }

      line = parser->buf + parser->start;
      len = newline - line;
      parser->start += len + 1;
      parser->scan = parser->start;
      if (len > 0 && line[len - 1] == '\r')
        len--;

      if (len > ACCORD_IMAP_MAX_LINE)
        return _fail (parser,
                      g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_LIMIT,
                                   _("The server sent a line longer than %u KiB."),
                                   ACCORD_IMAP_MAX_LINE / 1024),
                      error);
      if (memchr (line, '\0', len) != NULL)
        return _fail (parser,
                      g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_PROTOCOL,
                                   _("The server sent binary data where text was "
                                     "expected.")),
                      error);
      if (parser->text->len + len > MAX_RESPONSE_TEXT)
        return _fail (parser,
                      g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_LIMIT,
                                   _("The server sent an answer longer than %u KiB, not "
                                     "counting messages."),
                                   MAX_RESPONSE_TEXT / 1024),
                      error);

      g_string_append_len (parser->text, (const char *) line, len);

      if (_literal_announced ((const char *) line, len, &announced))
        {
          gsize offset = parser->text->len;

          if (announced > parser->max_literal ||
              parser->literal_total + announced > parser->max_literal + LITERAL_SLACK)
            {
              g_autofree char *limit = g_format_size (parser->max_literal);
              g_autofree char *size = announced == G_MAXUINT64
                                      ? g_strdup ("?") : g_format_size (announced);

              return _fail (parser,
                            g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_LIMIT,
                                         _("The server sent a message of %s; Accord "
                                           "accepts messages of up to %s."),
                                         size, limit),
                            error);
            }
          if (parser->literals->len >= MAX_LITERALS)
            return _fail (parser,
                          g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_LIMIT,
                                       _("The server sent an answer made of more than %u "
                                         "parts."),
                                       MAX_LITERALS),
                          error);

          parser->literal = g_try_malloc (announced + 1);
          if (parser->literal == NULL)
            return _fail (parser,
                          g_error_new (ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_LIMIT,
                                       _("There is not enough memory for a message of "
                                         "%" G_GUINT64_FORMAT " bytes."),
                                       announced),
                          error);
          /* So that a literal's text is a C string, as quoted strings are. */
          parser->literal[announced] = '\0';
          parser->literal_len = announced;
          parser->literal_have = 0;
          parser->literal_total += announced;
          g_array_append_val (parser->offsets, offset);
          continue;
        }

      {
        GError *local_error = NULL;
        AccordImapResponse *response = _accord_imap_parse_response (parser->text->str, parser->text->len,
                                                                    parser->literals, parser->offsets,
                                                                    &local_error);

        _reset_response (parser);
        if (response == NULL)
          return _fail (parser, local_error, error);

        return response;
      }
    }
}
