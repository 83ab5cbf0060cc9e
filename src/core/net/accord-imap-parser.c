/* accord-imap-parser.c - IMAP responses from bytes (RFC 3501 §7, §9), and the records
 * they fill
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-imap-parser.h"

G_DEFINE_QUARK (accord-imap-error-quark, accord_imap_error)

/* Room for one maximal line and large reads behind it. */
#define BUFFER_SIZE (256 * 1024)
/* A literal at least this long, with nothing else buffered, is read into place. */
#define DIRECT_READ_MIN (32 * 1024)
/* What one response may hold besides its literals' data. */
#define MAX_RESPONSE_TEXT (1024 * 1024)
#define MAX_LITERALS 1024
/* Literals other than the message itself (names, headers) get this much beyond it. */
#define LITERAL_SLACK (1024 * 1024)
#define MAX_DEPTH 64

/* --- values ------------------------------------------------------------------------- */

static void
_value_free (AccordImapValue *value)
{
  if (value == NULL)
    return;

  if (value->bytes == NULL)
    g_free (value->str);
  g_clear_pointer (&value->bytes, g_bytes_unref);
  g_clear_pointer (&value->list, g_ptr_array_unref);
  g_free (value);
}

static GPtrArray *
_value_array_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) _value_free);
}

/**
 * accord_imap_value_is_atom:
 *
 * Returns: whether @value is the atom @name, compared without regard to case
 */
gboolean
accord_imap_value_is_atom (const AccordImapValue *value,
                           const char            *name)
{
  return value != NULL && value->type == ACCORD_IMAP_VALUE_ATOM &&
         g_ascii_strcasecmp (value->str, name) == 0;
}

/**
 * accord_imap_value_get_number:
 *
 * Returns: whether @value is a number (an atom of up to 20 digits that fits 64 bits)
 */
gboolean
accord_imap_value_get_number (const AccordImapValue *value,
                              guint64               *number)
{
  guint64 n = 0;

  if (value == NULL || value->type != ACCORD_IMAP_VALUE_ATOM || value->len == 0 ||
      value->len > 20)
    return FALSE;

  for (gsize i = 0; i < value->len; i++)
    {
      guint digit;

      if (!g_ascii_isdigit (value->str[i]))
        return FALSE;
      digit = value->str[i] - '0';
      if (n > (G_MAXUINT64 - digit) / 10)
        return FALSE;
      n = n * 10 + digit;
    }

  *number = n;
  return TRUE;
}

/**
 * accord_imap_value_get_string:
 *
 * Returns: (nullable): the text of an atom or string (an "astring"), %NULL for NIL and
 *   lists
 */
const char *
accord_imap_value_get_string (const AccordImapValue *value)
{
  if (value == NULL ||
      (value->type != ACCORD_IMAP_VALUE_ATOM && value->type != ACCORD_IMAP_VALUE_STRING))
    return NULL;

  return value->str;
}

/**
 * accord_imap_value_dup_bytes:
 *
 * Returns: (transfer full) (nullable): a string's data, without copying a literal's
 */
GBytes *
accord_imap_value_dup_bytes (const AccordImapValue *value)
{
  if (value == NULL || value->type != ACCORD_IMAP_VALUE_STRING)
    return NULL;
  if (value->bytes != NULL)
    return g_bytes_ref (value->bytes);

  return g_bytes_new (value->str, value->len);
}

/* --- responses ---------------------------------------------------------------------- */

void
accord_imap_response_free (AccordImapResponse *response)
{
  if (response == NULL)
    return;

  g_free (response->tag);
  g_free (response->name);
  g_free (response->code);
  g_clear_pointer (&response->code_args, g_ptr_array_unref);
  g_free (response->text);
  g_clear_pointer (&response->args, g_ptr_array_unref);
  g_free (response);
}

/**
 * accord_imap_response_code_number:
 * @index: which of the code's arguments
 *
 * Returns: whether @response has the code @code with a number at @index, as in
 *   "[UIDVALIDITY 3857529045]" or "[APPENDUID 38505 3955]"
 */
gboolean
accord_imap_response_code_number (const AccordImapResponse *response,
                                  const char               *code,
                                  guint                     index,
                                  guint64                  *number)
{
  g_return_val_if_fail (response != NULL, FALSE);

  if (response->code == NULL || !g_str_equal (response->code, code) ||
      response->code_args == NULL || index >= response->code_args->len)
    return FALSE;

  return accord_imap_value_get_number (g_ptr_array_index (response->code_args, index),
                                       number);
}

/* --- tokenizing ---------------------------------------------------------------------- */

typedef struct
{
  const char *text;
  gsize       len;
  gsize       pos;
  GPtrArray  *literals;      /* GBytes, or NULL where none may appear */
  GArray     *offsets;       /* gsize: the text position right after each "{n}" */
  guint       next_literal;
} Cursor;

/* Some of the offending line, for the person who reports the problem. */
static char *
_excerpt (const char *text,
          gsize       len)
{
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < len && i < 80; i++)
    g_string_append_c (out, g_ascii_isprint (text[i]) ? text[i] : '?');
  if (len > 80)
    g_string_append (out, "…");

  return g_string_free (out, FALSE);
}

static gboolean
_malformed (Cursor  *c,
            GError **error)
{
  g_autofree char *excerpt = _excerpt (c->text, c->len);

  g_set_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_PROTOCOL,
               _("The server sent an answer that does not follow the IMAP protocol: “%s”."),
               excerpt);
  return FALSE;
}

static char
_peek (Cursor *c)
{
  return c->pos < c->len ? c->text[c->pos] : '\0';
}

static void
_skip_spaces (Cursor *c)
{
  while (c->pos < c->len && c->text[c->pos] == ' ')
    c->pos++;
}

static AccordImapValue *_read_value (Cursor *c, guint depth, GError **error);

static AccordImapValue *
_read_list (Cursor  *c,
            guint    depth,
            GError **error)
{
  g_autoptr(GPtrArray) items = _value_array_new ();
  AccordImapValue *value;

  if (depth >= MAX_DEPTH)
    {
      _malformed (c, error);
      return NULL;
    }

  c->pos++;
  for (;;)
    {
      AccordImapValue *item;

      _skip_spaces (c);
      if (_peek (c) == ')')
        {
          c->pos++;
          break;
        }
      if (c->pos >= c->len)
        {
          _malformed (c, error);
          return NULL;
        }
      item = _read_value (c, depth + 1, error);
      if (item == NULL)
        return NULL;
      g_ptr_array_add (items, item);
    }

  value = g_new0 (AccordImapValue, 1);
  value->type = ACCORD_IMAP_VALUE_LIST;
  value->list = g_steal_pointer (&items);
  return value;
}

static AccordImapValue *
_read_quoted (Cursor  *c,
              GError **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  AccordImapValue *value;

  c->pos++;
  for (;;)
    {
      char ch;

      if (c->pos >= c->len)
        {
          _malformed (c, error);
          return NULL;
        }
      ch = c->text[c->pos++];
      if (ch == '"')
        break;
      if (ch == '\\')
        {
          if (c->pos >= c->len)
            {
              _malformed (c, error);
              return NULL;
            }
          ch = c->text[c->pos++];
        }
      g_string_append_c (out, ch);
    }

  value = g_new0 (AccordImapValue, 1);
  value->type = ACCORD_IMAP_VALUE_STRING;
  value->len = out->len;
  value->str = g_string_free (g_steal_pointer (&out), FALSE);
  return value;
}

/* "{n}", "{n+}", "{n-}" or "~{n}" at the end of a line: the next literal. */
static AccordImapValue *
_read_literal (Cursor  *c,
               GError **error)
{
  guint64 n = 0;
  gsize digits = 0;
  GBytes *bytes;
  AccordImapValue *value;

  if (_peek (c) == '~')
    c->pos++;
  if (_peek (c) != '{')
    {
      _malformed (c, error);
      return NULL;
    }
  c->pos++;
  while (g_ascii_isdigit (_peek (c)) && digits < 20)
    {
      n = n * 10 + (c->text[c->pos++] - '0');
      digits++;
    }
  if (_peek (c) == '+' || _peek (c) == '-')
    c->pos++;
  if (digits == 0 || _peek (c) != '}')
    {
      _malformed (c, error);
      return NULL;
    }
  c->pos++;

  if (c->literals == NULL || c->next_literal >= c->literals->len ||
      g_array_index (c->offsets, gsize, c->next_literal) != c->pos)
    {
      _malformed (c, error);
      return NULL;
    }

  bytes = g_ptr_array_index (c->literals, c->next_literal);
  c->next_literal++;
  if (g_bytes_get_size (bytes) != n)
    {
      _malformed (c, error);
      return NULL;
    }

  value = g_new0 (AccordImapValue, 1);
  value->type = ACCORD_IMAP_VALUE_STRING;
  value->bytes = g_bytes_ref (bytes);
  value->str = (char *) g_bytes_get_data (bytes, &value->len);
  return value;
}

static AccordImapValue *
_read_atom (Cursor  *c,
            GError **error)
{
  gsize start = c->pos;
  AccordImapValue *value;

  while (c->pos < c->len)
    {
      char ch = c->text[c->pos];

      if (ch == ' ' || ch == '(' || ch == ')')
        break;
      if ((guchar) ch < 0x20 || ch == 0x7f)
        {
          _malformed (c, error);
          return NULL;
        }
      if (ch == '[')
        {
          /* A section such as BODY[HEADER.FIELDS (DATE FROM)] is part of the atom. */
          const char *close = memchr (c->text + c->pos, ']', c->len - c->pos);

          if (close == NULL)
            {
              _malformed (c, error);
              return NULL;
            }
          c->pos = close - c->text + 1;
          continue;
        }
      c->pos++;
    }

  if (c->pos == start)
    {
      _malformed (c, error);
      return NULL;
    }

  value = g_new0 (AccordImapValue, 1);
  value->len = c->pos - start;
  value->str = g_strndup (c->text + start, value->len);
  value->type = g_ascii_strcasecmp (value->str, "NIL") == 0 ? ACCORD_IMAP_VALUE_NIL
                                                           : ACCORD_IMAP_VALUE_ATOM;
  return value;
}

static AccordImapValue *
_read_value (Cursor  *c,
             guint    depth,
             GError **error)
{
  switch (_peek (c))
    {
    case '(':
      return _read_list (c, depth, error);
    case '"':
      return _read_quoted (c, error);
    case '{':
      return _read_literal (c, error);
    case '~':
      if (c->pos + 1 < c->len && c->text[c->pos + 1] == '{')
        return _read_literal (c, error);
      return _read_atom (c, error);
    case ')':
    case '\0':
      _malformed (c, error);
      return NULL;
    default:
      return _read_atom (c, error);
    }
}

static GPtrArray *
_read_values (Cursor  *c,
              GError **error)
{
  g_autoptr(GPtrArray) values = _value_array_new ();

  for (;;)
    {
      AccordImapValue *value;

      _skip_spaces (c);
      if (c->pos >= c->len)
        break;
      value = _read_value (c, 0, error);
      if (value == NULL)
        return NULL;
      g_ptr_array_add (values, value);
    }

  return g_steal_pointer (&values);
}

/* Up to the next space; NULL if there is nothing. */
static char *
_read_word (Cursor *c)
{
  gsize start = c->pos;

  while (c->pos < c->len && c->text[c->pos] != ' ')
    c->pos++;
  if (c->pos == start)
    return NULL;

  return g_strndup (c->text + start, c->pos - start);
}

static AccordImapStatus
_status_from_name (const char *name)
{
  if (g_str_equal (name, "OK"))
    return ACCORD_IMAP_STATUS_OK;
  if (g_str_equal (name, "NO"))
    return ACCORD_IMAP_STATUS_NO;
  if (g_str_equal (name, "BAD"))
    return ACCORD_IMAP_STATUS_BAD;
  if (g_str_equal (name, "PREAUTH"))
    return ACCORD_IMAP_STATUS_PREAUTH;
  if (g_str_equal (name, "BYE"))
    return ACCORD_IMAP_STATUS_BYE;

  return ACCORD_IMAP_STATUS_NONE;
}

/* "[CODE args] text" or "text" after a status. A code without its "]" is text. */
static void
_read_status_text (Cursor             *c,
                   AccordImapResponse *response)
{
  _skip_spaces (c);

  if (_peek (c) == '[')
    {
      gsize open = c->pos + 1;
      gsize close = open;
      gboolean quoted = FALSE;
      guint nesting = 0;

      for (; close < c->len; close++)
        {
          char ch = c->text[close];

          if (quoted)
            {
              if (ch == '\\')
                close++;
              else if (ch == '"')
                quoted = FALSE;
            }
          else if (ch == '"')
            quoted = TRUE;
          else if (ch == '[')
            nesting++;
          else if (ch == ']' && nesting-- == 0)
            break;
        }

      if (close < c->len)
        {
          Cursor args = { NULL, };
          gsize name_end = open;

          while (name_end < close && c->text[name_end] != ' ')
            name_end++;
          response->code = g_ascii_strup (c->text + open, name_end - open);

          args.text = c->text + name_end;
          args.len = close - name_end;
          response->code_args = _read_values (&args, NULL);
          if (response->code_args == NULL)
            response->code_args = _value_array_new ();

          c->pos = close + 1;
          _skip_spaces (c);
        }
    }

  response->text = g_strndup (c->text + c->pos, c->len - c->pos);
}

static AccordImapResponse *
_parse_response (Cursor  *c,
                 GError **error)
{
  g_autoptr(AccordImapResponse) response = g_new0 (AccordImapResponse, 1);
  g_autofree char *word = NULL;

  if (_peek (c) == '+')
    {
      response->kind = ACCORD_IMAP_RESPONSE_CONTINUATION;
      c->pos++;
      if (_peek (c) == ' ')
        c->pos++;
      response->text = g_strndup (c->text + c->pos, c->len - c->pos);
      return g_steal_pointer (&response);
    }

  word = _read_word (c);
  if (word == NULL || _peek (c) != ' ')
    {
      _malformed (c, error);
      return NULL;
    }
  c->pos++;

  if (g_str_equal (word, "*"))
    {
      response->kind = ACCORD_IMAP_RESPONSE_UNTAGGED;
    }
  else
    {
      response->kind = ACCORD_IMAP_RESPONSE_TAGGED;
      response->tag = g_steal_pointer (&word);
    }

  g_clear_pointer (&word, g_free);
  word = _read_word (c);
  if (word == NULL)
    {
      _malformed (c, error);
      return NULL;
    }

  if (response->kind == ACCORD_IMAP_RESPONSE_UNTAGGED && g_ascii_isdigit (word[0]))
    {
      AccordImapValue number = { ACCORD_IMAP_VALUE_ATOM, word, strlen (word), NULL, NULL };
      guint64 n;

      if (!accord_imap_value_get_number (&number, &n) || n > G_MAXUINT32)
        {
          _malformed (c, error);
          return NULL;
        }
      response->has_number = TRUE;
      response->number = (guint32) n;

      _skip_spaces (c);
      g_clear_pointer (&word, g_free);
      word = _read_word (c);
      if (word == NULL)
        {
          _malformed (c, error);
          return NULL;
        }
    }

  response->name = g_ascii_strup (word, -1);
  response->status = _status_from_name (response->name);

  if (response->kind == ACCORD_IMAP_RESPONSE_TAGGED &&
      response->status != ACCORD_IMAP_STATUS_OK && response->status != ACCORD_IMAP_STATUS_NO &&
      response->status != ACCORD_IMAP_STATUS_BAD)
    {
      _malformed (c, error);
      return NULL;
    }

  if (response->status != ACCORD_IMAP_STATUS_NONE && !response->has_number)
    {
      _read_status_text (c, response);
    }
  else
    {
      g_autoptr(GError) local_error = NULL;

      response->args = _read_values (c, &local_error);
      if (response->args == NULL)
        {
          /* A response Accord does not use may be of a form it cannot read. */
          const char *known[] = { "FETCH", "LIST", "LSUB", "STATUS", "SEARCH", "FLAGS",
                                  "CAPABILITY", "ENABLED", "VANISHED", "EXISTS", "EXPUNGE",
                                  "RECENT", NULL };

          if (g_strv_contains (known, response->name))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
        }
    }

  return g_steal_pointer (&response);
}

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
        Cursor cursor = { parser->text->str, parser->text->len, 0, parser->literals,
                          parser->offsets, 0 };
        GError *local_error = NULL;
        AccordImapResponse *response = _parse_response (&cursor, &local_error);

        _reset_response (parser);
        if (response == NULL)
          return _fail (parser, local_error, error);

        return response;
      }
    }
}

/* --- messages ----------------------------------------------------------------------- */

AccordImapMessage *
accord_imap_message_new (void)
{
  return g_new0 (AccordImapMessage, 1);
}

AccordImapMessage *
accord_imap_message_copy (const AccordImapMessage *message)
{
  AccordImapMessage *copy;

  g_return_val_if_fail (message != NULL, NULL);

  copy = g_memdup2 (message, sizeof *message);
  copy->flags = g_strdupv (message->flags);
  if (message->body != NULL)
    copy->body = g_bytes_ref (message->body);

  return copy;
}

void
accord_imap_message_free (AccordImapMessage *message)
{
  if (message == NULL)
    return;

  g_strfreev (message->flags);
  g_clear_pointer (&message->body, g_bytes_unref);
  g_free (message);
}

G_DEFINE_BOXED_TYPE (AccordImapMessage, accord_imap_message,
                     accord_imap_message_copy, accord_imap_message_free)

static gboolean
_strv_contains_nocase (const char * const *strv,
                       const char         *item)
{
  if (strv == NULL)
    return FALSE;

  for (; *strv != NULL; strv++)
    if (g_ascii_strcasecmp (*strv, item) == 0)
      return TRUE;

  return FALSE;
}

/**
 * accord_imap_message_has_flag:
 *
 * Returns: whether @message carries @flag ("\\Seen", a keyword), compared without
 *   regard to case
 */
gboolean
accord_imap_message_has_flag (const AccordImapMessage *message,
                              const char              *flag)
{
  g_return_val_if_fail (message != NULL, FALSE);
  g_return_val_if_fail (flag != NULL, FALSE);

  return _strv_contains_nocase ((const char * const *) message->flags, flag);
}

/* Atoms of a list as a string array, or NULL if @value is not a list of atoms. */
static GStrv
_atom_list (const AccordImapValue *value)
{
  g_autoptr(GStrvBuilder) builder = NULL;

  if (value == NULL || value->type != ACCORD_IMAP_VALUE_LIST)
    return NULL;

  builder = g_strv_builder_new ();
  for (guint i = 0; i < value->list->len; i++)
    {
      const AccordImapValue *item = g_ptr_array_index (value->list, i);

      if (item->type != ACCORD_IMAP_VALUE_ATOM)
        return NULL;
      g_strv_builder_add (builder, item->str);
    }

  return g_strv_builder_end (builder);
}

static gboolean
_fetch_malformed (const AccordImapResponse  *response,
                  GError                   **error)
{
  g_set_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_PROTOCOL,
               _("The server sent message data that does not follow the IMAP protocol "
                 "(message %u)."),
               response->number);
  return FALSE;
}

/**
 * accord_imap_message_new_from_fetch:
 * @has_body: (out) (optional): whether the response carried the message itself
 *
 * Reads "* n FETCH (UID … FLAGS (…) MODSEQ (…) INTERNALDATE "…" RFC822.SIZE … BODY[]
 * …)"; items Accord does not use are skipped. A literal body is shared, not copied.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL if @response is not a
 *   FETCH response that follows the protocol
 */
AccordImapMessage *
accord_imap_message_new_from_fetch (const AccordImapResponse  *response,
                                    gboolean                  *has_body,
                                    GError                   **error)
{
  g_autoptr(AccordImapMessage) message = NULL;
  const AccordImapValue *items;

  g_return_val_if_fail (response != NULL, NULL);

  if (has_body != NULL)
    *has_body = FALSE;

  if (!response->has_number || g_strcmp0 (response->name, "FETCH") != 0 ||
      response->args == NULL || response->args->len < 1)
    {
      _fetch_malformed (response, error);
      return NULL;
    }

  items = g_ptr_array_index (response->args, 0);
  if (items->type != ACCORD_IMAP_VALUE_LIST || items->list->len % 2 != 0)
    {
      _fetch_malformed (response, error);
      return NULL;
    }

  message = accord_imap_message_new ();
  message->seqnum = response->number;

  for (guint i = 0; i < items->list->len; i += 2)
    {
      const AccordImapValue *name = g_ptr_array_index (items->list, i);
      const AccordImapValue *value = g_ptr_array_index (items->list, i + 1);
      guint64 number;

      if (name->type != ACCORD_IMAP_VALUE_ATOM)
        {
          _fetch_malformed (response, error);
          return NULL;
        }

      if (accord_imap_value_is_atom (name, "UID"))
        {
          if (!accord_imap_value_get_number (value, &number) || number == 0 ||
              number > G_MAXUINT32)
            {
              _fetch_malformed (response, error);
              return NULL;
            }
          message->uid = (guint32) number;
        }
      else if (accord_imap_value_is_atom (name, "FLAGS"))
        {
          g_strfreev (message->flags);
          message->flags = _atom_list (value);
          if (message->flags == NULL)
            {
              _fetch_malformed (response, error);
              return NULL;
            }
        }
      else if (accord_imap_value_is_atom (name, "MODSEQ"))
        {
          if (value->type != ACCORD_IMAP_VALUE_LIST || value->list->len != 1 ||
              !accord_imap_value_get_number (g_ptr_array_index (value->list, 0),
                                             &message->modseq))
            {
              _fetch_malformed (response, error);
              return NULL;
            }
        }
      else if (accord_imap_value_is_atom (name, "INTERNALDATE"))
        {
          if (value->type != ACCORD_IMAP_VALUE_STRING ||
              !accord_imap_parse_date_time (value->str, &message->internaldate))
            {
              _fetch_malformed (response, error);
              return NULL;
            }
        }
      else if (accord_imap_value_is_atom (name, "RFC822.SIZE"))
        {
          if (!accord_imap_value_get_number (value, &number) || number > G_MAXUINT32)
            {
              _fetch_malformed (response, error);
              return NULL;
            }
          message->size = (guint32) number;
        }
      else if (g_ascii_strncasecmp (name->str, "BODY[]", 6) == 0 ||
               g_ascii_strncasecmp (name->str, "BINARY[]", 8) == 0 ||
               accord_imap_value_is_atom (name, "RFC822"))
        {
          if (value->type == ACCORD_IMAP_VALUE_NIL)
            continue;
          if (value->type != ACCORD_IMAP_VALUE_STRING)
            {
              _fetch_malformed (response, error);
              return NULL;
            }
          g_clear_pointer (&message->body, g_bytes_unref);
          message->body = accord_imap_value_dup_bytes (value);
          if (message->size == 0)
            message->size = (guint32) MIN (g_bytes_get_size (message->body), G_MAXUINT32);
          if (has_body != NULL)
            *has_body = TRUE;
        }
    }

  return g_steal_pointer (&message);
}

/* --- folders ------------------------------------------------------------------------ */

AccordImapFolder *
accord_imap_folder_copy (const AccordImapFolder *folder)
{
  AccordImapFolder *copy;

  g_return_val_if_fail (folder != NULL, NULL);

  copy = g_memdup2 (folder, sizeof *folder);
  copy->name = g_strdup (folder->name);
  copy->raw_name = g_strdup (folder->raw_name);
  copy->attributes = g_strdupv (folder->attributes);

  return copy;
}

void
accord_imap_folder_free (AccordImapFolder *folder)
{
  if (folder == NULL)
    return;

  g_free (folder->name);
  g_free (folder->raw_name);
  g_strfreev (folder->attributes);
  g_free (folder);
}

G_DEFINE_BOXED_TYPE (AccordImapFolder, accord_imap_folder,
                     accord_imap_folder_copy, accord_imap_folder_free)

/**
 * accord_imap_folder_has_attribute:
 *
 * Returns: whether the server listed @folder with @attribute ("\\Noselect",
 *   "\\Trash" …), compared without regard to case
 */
gboolean
accord_imap_folder_has_attribute (const AccordImapFolder *folder,
                                  const char             *attribute)
{
  g_return_val_if_fail (folder != NULL, FALSE);
  g_return_val_if_fail (attribute != NULL, FALSE);

  return _strv_contains_nocase ((const char * const *) folder->attributes, attribute);
}

/**
 * accord_imap_folder_new_from_list:
 *
 * Reads "* LIST (attributes) delimiter name …".
 *
 * Returns: (transfer full) (nullable): the folder, or %NULL if @response is not a LIST
 *   response that follows the protocol
 */
AccordImapFolder *
accord_imap_folder_new_from_list (const AccordImapResponse  *response,
                                  GError                   **error)
{
  g_autoptr(AccordImapFolder) folder = g_new0 (AccordImapFolder, 1);
  const AccordImapValue *attributes;
  const AccordImapValue *delimiter;
  const char *name;

  g_return_val_if_fail (response != NULL, NULL);

  if (response->args == NULL || response->args->len < 3)
    goto malformed;

  attributes = g_ptr_array_index (response->args, 0);
  delimiter = g_ptr_array_index (response->args, 1);
  name = accord_imap_value_get_string (g_ptr_array_index (response->args, 2));

  folder->attributes = _atom_list (attributes);
  if (folder->attributes == NULL || name == NULL ||
      (delimiter->type != ACCORD_IMAP_VALUE_NIL &&
       (delimiter->type != ACCORD_IMAP_VALUE_STRING || delimiter->len != 1)))
    goto malformed;

  folder->delimiter = delimiter->type == ACCORD_IMAP_VALUE_NIL ? '\0' : delimiter->str[0];
  folder->raw_name = g_strdup (name);
  folder->name = accord_imap_utf7_decode (name);
  if (folder->name == NULL)
    folder->name = g_utf8_make_valid (name, -1);

  return g_steal_pointer (&folder);

malformed:
  g_set_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_PROTOCOL,
               _("The server sent a folder list that does not follow the IMAP protocol."));
  return NULL;
}

static gboolean
_mailbox_names_equal (const char *a,
                      const char *b)
{
  if (g_ascii_strcasecmp (a, "INBOX") == 0)
    return g_ascii_strcasecmp (b, "INBOX") == 0;

  return g_str_equal (a, b);
}

/**
 * accord_imap_folder_take_status:
 *
 * Fills @folder's status fields from "* STATUS name (MESSAGES n UIDNEXT n …)".
 *
 * Returns: whether @response is the status of @folder
 */
gboolean
accord_imap_folder_take_status (AccordImapFolder         *folder,
                                const AccordImapResponse *response)
{
  const AccordImapValue *items;
  const char *name;

  g_return_val_if_fail (folder != NULL, FALSE);
  g_return_val_if_fail (response != NULL, FALSE);

  if (g_strcmp0 (response->name, "STATUS") != 0 || response->args == NULL ||
      response->args->len < 2)
    return FALSE;

  name = accord_imap_value_get_string (g_ptr_array_index (response->args, 0));
  items = g_ptr_array_index (response->args, 1);
  if (name == NULL || !_mailbox_names_equal (name, folder->raw_name) ||
      items->type != ACCORD_IMAP_VALUE_LIST || items->list->len % 2 != 0)
    return FALSE;

  for (guint i = 0; i < items->list->len; i += 2)
    {
      const AccordImapValue *item = g_ptr_array_index (items->list, i);
      guint64 number;

      if (!accord_imap_value_get_number (g_ptr_array_index (items->list, i + 1), &number))
        continue;

      if (accord_imap_value_is_atom (item, "MESSAGES"))
        folder->messages = (guint32) MIN (number, G_MAXUINT32);
      else if (accord_imap_value_is_atom (item, "UIDVALIDITY"))
        folder->uidvalidity = (guint32) MIN (number, G_MAXUINT32);
      else if (accord_imap_value_is_atom (item, "UIDNEXT"))
        folder->uidnext = (guint32) MIN (number, G_MAXUINT32);
      else if (accord_imap_value_is_atom (item, "UNSEEN"))
        folder->unseen = (guint32) MIN (number, G_MAXUINT32);
      else if (accord_imap_value_is_atom (item, "HIGHESTMODSEQ"))
        folder->highestmodseq = number;
    }

  folder->has_status = TRUE;
  return TRUE;
}

/* --- mailboxes ---------------------------------------------------------------------- */

AccordImapMailbox *
accord_imap_mailbox_new (void)
{
  AccordImapMailbox *mailbox = g_new0 (AccordImapMailbox, 1);

  mailbox->vanished = g_array_new (FALSE, FALSE, sizeof (guint32));
  mailbox->changed = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_imap_message_free);

  return mailbox;
}

AccordImapMailbox *
accord_imap_mailbox_copy (const AccordImapMailbox *mailbox)
{
  AccordImapMailbox *copy;

  g_return_val_if_fail (mailbox != NULL, NULL);

  copy = g_memdup2 (mailbox, sizeof *mailbox);
  copy->vanished = g_array_copy (mailbox->vanished);
  copy->changed = g_ptr_array_copy (mailbox->changed, (GCopyFunc) accord_imap_message_copy,
                                    NULL);
  g_ptr_array_set_free_func (copy->changed, (GDestroyNotify) accord_imap_message_free);
  copy->flags = g_strdupv (mailbox->flags);
  copy->permanent_flags = g_strdupv (mailbox->permanent_flags);

  return copy;
}

void
accord_imap_mailbox_free (AccordImapMailbox *mailbox)
{
  if (mailbox == NULL)
    return;

  g_clear_pointer (&mailbox->vanished, g_array_unref);
  g_clear_pointer (&mailbox->changed, g_ptr_array_unref);
  g_strfreev (mailbox->flags);
  g_strfreev (mailbox->permanent_flags);
  g_free (mailbox);
}

G_DEFINE_BOXED_TYPE (AccordImapMailbox, accord_imap_mailbox,
                     accord_imap_mailbox_copy, accord_imap_mailbox_free)

/* --- sets --------------------------------------------------------------------------- */

static gboolean
_parse_set_number (const char  *text,
                   gsize        len,
                   guint32     *out)
{
  guint64 n = 0;

  if (len == 1 && text[0] == '*')
    {
      *out = G_MAXUINT32;
      return TRUE;
    }
  if (len == 0 || len > 10)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      n = n * 10 + (text[i] - '0');
    }
  if (n == 0 || n > G_MAXUINT32)
    return FALSE;

  *out = (guint32) n;
  return TRUE;
}

static gint
_compare_ranges (gconstpointer a,
                 gconstpointer b)
{
  const AccordImapUidRange *ra = a;
  const AccordImapUidRange *rb = b;

  return ra->first < rb->first ? -1 : ra->first > rb->first;
}

/**
 * accord_imap_uid_set_parse_ranges:
 * @set: a sequence set such as "1:4,7,9:*"
 *
 * Returns: (transfer full) (element-type AccordImapUidRange) (nullable): the set's
 *   ranges, sorted and merged; %NULL if @set is not a sequence set
 */
GArray *
accord_imap_uid_set_parse_ranges (const char  *set,
                                  GError     **error)
{
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (AccordImapUidRange));
  g_autoptr(GArray) merged = g_array_new (FALSE, FALSE, sizeof (AccordImapUidRange));
  const char *p = set;

  g_return_val_if_fail (set != NULL, NULL);

  for (;;)
    {
      const char *comma = strchr (p, ',');
      gsize len = comma != NULL ? (gsize) (comma - p) : strlen (p);
      const char *colon = memchr (p, ':', len);
      AccordImapUidRange range;

      if (colon == NULL)
        {
          if (!_parse_set_number (p, len, &range.first))
            goto invalid;
          range.last = range.first;
        }
      else
        {
          if (!_parse_set_number (p, colon - p, &range.first) ||
              !_parse_set_number (colon + 1, len - (colon - p) - 1, &range.last))
            goto invalid;
          if (range.first > range.last)
            {
              guint32 swap = range.first;

              range.first = range.last;
              range.last = swap;
            }
        }
      g_array_append_val (ranges, range);

      if (comma == NULL)
        break;
      p = comma + 1;
    }

  g_array_sort (ranges, _compare_ranges);
  for (guint i = 0; i < ranges->len; i++)
    {
      AccordImapUidRange *range = &g_array_index (ranges, AccordImapUidRange, i);
      AccordImapUidRange *last = merged->len > 0
        ? &g_array_index (merged, AccordImapUidRange, merged->len - 1) : NULL;

      if (last != NULL && (last->last == G_MAXUINT32 || range->first <= last->last + 1))
        last->last = MAX (last->last, range->last);
      else
        g_array_append_val (merged, *range);
    }

  return g_steal_pointer (&merged);

invalid:
  g_set_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_PROTOCOL,
               _("“%s” is not a set of message numbers."), set);
  return NULL;
}

/**
 * accord_imap_uid_ranges_contain:
 * @ranges: (element-type AccordImapUidRange): from accord_imap_uid_set_parse_ranges()
 */
gboolean
accord_imap_uid_ranges_contain (GArray  *ranges,
                                guint32  uid)
{
  guint lo = 0;
  guint hi;

  g_return_val_if_fail (ranges != NULL, FALSE);

  hi = ranges->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const AccordImapUidRange *range = &g_array_index (ranges, AccordImapUidRange, mid);

      if (uid < range->first)
        hi = mid;
      else if (uid > range->last)
        lo = mid + 1;
      else
        return TRUE;
    }

  return FALSE;
}

/**
 * accord_imap_uid_set_expand:
 * @max_count: the most numbers accepted, against sets such as "1:4294967295"
 *
 * Returns: (transfer full) (element-type guint32) (nullable): the numbers of @set in
 *   ascending order, each once; %NULL if @set is not a set of numbers without "*" or
 *   holds more than @max_count
 */
GArray *
accord_imap_uid_set_expand (const char  *set,
                            guint        max_count,
                            GError     **error)
{
  g_autoptr(GArray) ranges = NULL;
  g_autoptr(GArray) uids = NULL;
  guint64 count = 0;

  g_return_val_if_fail (set != NULL, NULL);

  if (strchr (set, '*') != NULL)
    {
      g_set_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_PROTOCOL,
                   _("“%s” is not a set of message numbers."), set);
      return NULL;
    }

  ranges = accord_imap_uid_set_parse_ranges (set, error);
  if (ranges == NULL)
    return NULL;

  for (guint i = 0; i < ranges->len; i++)
    {
      const AccordImapUidRange *range = &g_array_index (ranges, AccordImapUidRange, i);

      count += (guint64) range->last - range->first + 1;
    }
  if (count > max_count)
    {
      g_set_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_LIMIT,
                   _("The server sent a set of %" G_GUINT64_FORMAT " message numbers; "
                     "Accord accepts up to %u."),
                   count, max_count);
      return NULL;
    }

  uids = g_array_sized_new (FALSE, FALSE, sizeof (guint32), (guint) count);
  for (guint i = 0; i < ranges->len; i++)
    {
      const AccordImapUidRange *range = &g_array_index (ranges, AccordImapUidRange, i);

      for (guint64 uid = range->first; uid <= range->last; uid++)
        {
          guint32 value = (guint32) uid;

          g_array_append_val (uids, value);
        }
    }

  return g_steal_pointer (&uids);
}

static gint
_compare_uids (gconstpointer a,
               gconstpointer b)
{
  guint32 ua = *(const guint32 *) a;
  guint32 ub = *(const guint32 *) b;

  return ua < ub ? -1 : ua > ub;
}

/**
 * accord_imap_uid_set_from_array:
 * @uids: (array length=n_uids): in any order, non-zero
 *
 * Returns: (transfer full): the shortest set of @uids, e.g. "1:3,7"; "" if there are
 *   none
 */
char *
accord_imap_uid_set_from_array (const guint32 *uids,
                                guint          n_uids)
{
  g_autofree guint32 *sorted = NULL;
  GString *out = g_string_new (NULL);
  guint i = 0;

  g_return_val_if_fail (uids != NULL || n_uids == 0, NULL);

  if (n_uids == 0)
    return g_string_free (out, FALSE);

  sorted = g_memdup2 (uids, n_uids * sizeof (guint32));
  qsort (sorted, n_uids, sizeof (guint32), _compare_uids);

  while (i < n_uids)
    {
      guint32 first = sorted[i];
      guint32 last = first;

      while (i < n_uids && (sorted[i] == last || sorted[i] == last + 1))
        last = sorted[i++];

      if (out->len > 0)
        g_string_append_c (out, ',');
      if (first == last)
        g_string_append_printf (out, "%u", first);
      else
        g_string_append_printf (out, "%u:%u", first, last);
    }

  return g_string_free (out, FALSE);
}

/**
 * accord_imap_uid_set_split:
 * @max_len: how long each part may be at most; an item longer than that is a part of
 *   its own
 *
 * Cuts a long set at its commas, for servers that limit the length of a command line.
 *
 * Returns: (transfer full): the parts, together the same set as @set
 */
GStrv
accord_imap_uid_set_split (const char *set,
                           gsize       max_len)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *p = set;

  g_return_val_if_fail (set != NULL, NULL);
  g_return_val_if_fail (max_len > 0, NULL);

  while (strlen (p) > max_len)
    {
      const char *cut = p + max_len;
      g_autofree char *part = NULL;

      while (cut > p && *cut != ',')
        cut--;
      if (cut == p)
        {
          cut = strchr (p + max_len, ',');
          if (cut == NULL)
            break;
        }

      part = g_strndup (p, cut - p);
      g_strv_builder_add (builder, part);
      p = cut + 1;
    }
  g_strv_builder_add (builder, p);

  return g_strv_builder_end (builder);
}

/* --- modified UTF-7 (RFC 3501 §5.1.3) ------------------------------------------------ */

static const char mutf7_alphabet[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/**
 * accord_imap_utf7_encode:
 *
 * Returns: (transfer full) (nullable): @utf8 as a mailbox name on the wire; %NULL if
 *   @utf8 is not valid UTF-8
 */
char *
accord_imap_utf7_encode (const char *utf8)
{
  GString *out;
  gboolean in_run = FALSE;
  guint32 bits = 0;
  guint n_bits = 0;

  g_return_val_if_fail (utf8 != NULL, NULL);

  if (!g_utf8_validate (utf8, -1, NULL))
    return NULL;

  out = g_string_sized_new (strlen (utf8) + 8);
  for (const char *p = utf8; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);

      if (ch >= 0x20 && ch <= 0x7e)
        {
          if (in_run)
            {
              if (n_bits > 0)
                g_string_append_c (out, mutf7_alphabet[(bits << (6 - n_bits)) & 0x3f]);
              g_string_append_c (out, '-');
              in_run = FALSE;
              bits = n_bits = 0;
            }
          if (ch == '&')
            g_string_append (out, "&-");
          else
            g_string_append_c (out, (char) ch);
        }
      else
        {
          gunichar2 units[2];
          guint n_units = 1;

          if (ch >= 0x10000)
            {
              units[0] = 0xd800 + ((ch - 0x10000) >> 10);
              units[1] = 0xdc00 + ((ch - 0x10000) & 0x3ff);
              n_units = 2;
            }
          else
            units[0] = (gunichar2) ch;

          if (!in_run)
            {
              g_string_append_c (out, '&');
              in_run = TRUE;
            }
          for (guint i = 0; i < n_units; i++)
            {
              bits = (bits << 16) | units[i];
              n_bits += 16;
              while (n_bits >= 6)
                {
                  n_bits -= 6;
                  g_string_append_c (out, mutf7_alphabet[(bits >> n_bits) & 0x3f]);
                }
              bits &= (1u << n_bits) - 1;
            }
        }
    }

  if (in_run)
    {
      if (n_bits > 0)
        g_string_append_c (out, mutf7_alphabet[(bits << (6 - n_bits)) & 0x3f]);
      g_string_append_c (out, '-');
    }

  return g_string_free (out, FALSE);
}

static gint
_mutf7_value (char ch)
{
  const char *at;

  if (ch == '\0')
    return -1;
  at = strchr (mutf7_alphabet, ch);

  return at != NULL ? (gint) (at - mutf7_alphabet) : -1;
}

/**
 * accord_imap_utf7_decode:
 *
 * Returns: (transfer full) (nullable): the UTF-8 form of a mailbox name as it is on the
 *   wire; %NULL if @mutf7 is not valid modified UTF-7
 */
char *
accord_imap_utf7_decode (const char *mutf7)
{
  g_autoptr(GString) out = NULL;
  const char *p = mutf7;

  g_return_val_if_fail (mutf7 != NULL, NULL);

  out = g_string_sized_new (strlen (mutf7));
  while (*p != '\0')
    {
      g_autoptr(GArray) units = NULL;
      g_autofree char *decoded = NULL;
      guint32 bits = 0;
      guint n_bits = 0;

      if ((guchar) *p < 0x20 || (guchar) *p > 0x7e)
        return NULL;
      if (*p != '&')
        {
          g_string_append_c (out, *p++);
          continue;
        }

      p++;
      if (*p == '-')
        {
          g_string_append_c (out, '&');
          p++;
          continue;
        }

      units = g_array_new (FALSE, FALSE, sizeof (gunichar2));
      for (; *p != '-'; p++)
        {
          gint value = _mutf7_value (*p);

          if (value < 0)
            return NULL;
          bits = (bits << 6) | (guint32) value;
          n_bits += 6;
          if (n_bits >= 16)
            {
              gunichar2 unit;

              n_bits -= 16;
              unit = (gunichar2) ((bits >> n_bits) & 0xffff);
              bits &= (1u << n_bits) - 1;
              /* What needs no encoding must not be encoded. */
              if (unit >= 0x20 && unit <= 0x7e)
                return NULL;
              g_array_append_val (units, unit);
            }
        }
      p++;

      /* Only zero padding of less than a base64 digit may be left over. */
      if (units->len == 0 || n_bits >= 6 || bits != 0)
        return NULL;

      decoded = g_utf16_to_utf8 ((const gunichar2 *) units->data, units->len,
                                 NULL, NULL, NULL);
      if (decoded == NULL)
        return NULL;
      g_string_append (out, decoded);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* --- dates -------------------------------------------------------------------------- */

static const char * const months[] = {
  "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

static gboolean
_read_digits (const char **p,
              guint        min,
              guint        max,
              gint        *out)
{
  guint count = 0;
  gint n = 0;

  while (count < max && g_ascii_isdigit ((*p)[count]))
    {
      n = n * 10 + ((*p)[count] - '0');
      count++;
    }
  if (count < min)
    return FALSE;

  *p += count;
  *out = n;
  return TRUE;
}

/**
 * accord_imap_parse_date_time:
 * @text: an INTERNALDATE such as "17-Jul-1996 02:44:25 -0700" (the day may be padded
 *   with a space)
 *
 * Returns: whether @text is such a date; @unix_time is then set
 */
gboolean
accord_imap_parse_date_time (const char *text,
                             gint64     *unix_time)
{
  g_autoptr(GDateTime) utc = NULL;
  const char *p = text;
  gint day, month = -1, year, hour, minute, second, zone_hours, zone_minutes;
  gint sign;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (unix_time != NULL, FALSE);

  while (*p == ' ')
    p++;
  if (!_read_digits (&p, 1, 2, &day) || *p++ != '-')
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (months); i++)
    if (g_ascii_strncasecmp (p, months[i], 3) == 0)
      month = i + 1;
  if (month < 0)
    return FALSE;
  p += 3;
  if (*p++ != '-' || !_read_digits (&p, 4, 4, &year) || *p++ != ' ' ||
      !_read_digits (&p, 2, 2, &hour) || *p++ != ':' ||
      !_read_digits (&p, 2, 2, &minute) || *p++ != ':' ||
      !_read_digits (&p, 2, 2, &second) || *p++ != ' ')
    return FALSE;
  if (*p != '+' && *p != '-')
    return FALSE;
  sign = *p++ == '-' ? -1 : 1;
  if (!_read_digits (&p, 2, 2, &zone_hours) || !_read_digits (&p, 2, 2, &zone_minutes) ||
      *p != '\0' || zone_minutes > 59)
    return FALSE;

  utc = g_date_time_new_utc (year, month, day, hour, minute, second);
  if (utc == NULL)
    return FALSE;

  *unix_time = g_date_time_to_unix (utc) - sign * (zone_hours * 3600 + zone_minutes * 60);
  return TRUE;
}

/**
 * accord_imap_format_date_time:
 *
 * Returns: (transfer full): @unix_time as an IMAP date-time in UTC, without quotes:
 *   "17-Jul-1996 09:44:25 +0000"
 */
char *
accord_imap_format_date_time (gint64 unix_time)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);

  g_return_val_if_fail (utc != NULL, NULL);

  /* Not g_date_time_format (): month names must not follow the locale. */
  return g_strdup_printf ("%02d-%s-%04d %02d:%02d:%02d +0000",
                          g_date_time_get_day_of_month (utc),
                          months[g_date_time_get_month (utc) - 1],
                          g_date_time_get_year (utc),
                          g_date_time_get_hour (utc),
                          g_date_time_get_minute (utc),
                          g_date_time_get_second (utc));
}
