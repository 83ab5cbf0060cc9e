/* accord-imap-parser.c - the grammar of IMAP responses (RFC 3501 §7, §9); cutting
 * them out of the bytes read is in accord-imap-framing.c, the records they fill in
 * accord-imap-records.c, the encodings of sets, names and dates in
 * accord-imap-encoding.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-imap-parser.h"
#include "accord-imap-parser-private.h"
#include "accord-net-utils.h"

G_DEFINE_QUARK (accord-imap-error-quark, accord_imap_error)

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

static gboolean
_malformed (Cursor  *c,
            GError **error)
{
  g_autofree char *line = NULL;
  g_autofree char *excerpt = NULL;

  /* Some of the offending line, for the person who reports the problem; many callers
   * only try a reading and want no error. */
  if (error == NULL)
    return FALSE;
  line = g_strndup (c->text, c->len);
  excerpt = _accord_net_excerpt (line);
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

/* One whole response: @text with the literals' data in @literals, each "{n}" followed
 * at the offset @offsets names. */
AccordImapResponse *
_accord_imap_parse_response (const char  *text,
                             gsize        len,
                             GPtrArray   *literals,
                             GArray      *offsets,
                             GError     **error)
{
  Cursor cursor = { text, len, 0, literals, offsets, 0 };

  return _parse_response (&cursor, error);
}

