/* accord-smtp-envelope.c - where a message goes: the envelope read from
 * its RFC 5322 header
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-smtp-client.h"
#include "accord-smtp-envelope.h"

/* --- the envelope of a message (RFC 5322 3.4, 3.6.3) -------------------------------- */

typedef enum
{
  TOKEN_ATOM,
  TOKEN_QUOTED,
  TOKEN_LITERAL,
  TOKEN_SPECIAL,
  TOKEN_END,
} TokenKind;

typedef struct
{
  TokenKind  kind;
  char       special;
  char      *text;
} Token;

typedef struct
{
  GArray     *tokens;
  guint       pos;
  const char *reason;   /* why the field cannot be read, once it cannot */
} AddressParser;

static void
_token_clear (Token *token)
{
  g_free (token->text);
}

static gboolean
_is_atext (guchar c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'*+-/=?^_`{|}~", c) != NULL) ||
         c >= 0x80;
}

static void
_push_token (GArray    *tokens,
             TokenKind  kind,
             char       special,
             char      *text)
{
  Token token = { kind, special, text };

  g_array_append_val (tokens, token);
}

/* Splits a field's value into words, quoted strings, domain literals and specials,
 * dropping comments and white space, folding included. */
static gboolean
_tokenize (const char  *value,
           gsize        len,
           GArray      *tokens,
           const char **reason)
{
  const guchar *p = (const guchar *) value;
  const guchar *end = p + len;

  while (p < end)
    {
      guchar c = *p;

      if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
        {
          p++;
        }
      else if (c == '(')
        {
          guint depth = 0;

          /* Comments nest; quoted pairs escape parentheses. */
          for (; p < end; p++)
            {
              if (*p == '\\' && p + 1 < end)
                p++;
              else if (*p == '(')
                depth++;
              else if (*p == ')' && --depth == 0)
                break;
            }
          if (p >= end)
            {
              *reason = _("a comment is not closed");
              return FALSE;
            }
          p++;
        }
      else if (c == '"')
        {
          GString *text = g_string_new (NULL);

          for (p++; p < end && *p != '"'; p++)
            {
              if (*p == '\r' || *p == '\n')
                continue;
              if (*p == '\\' && p + 1 < end)
                p++;
              g_string_append_c (text, *p);
            }
          if (p >= end)
            {
              g_string_free (text, TRUE);
              *reason = _("a quoted string is not closed");
              return FALSE;
            }
          p++;
          _push_token (tokens, TOKEN_QUOTED, 0, g_string_free (text, FALSE));
        }
      else if (c == '[')
        {
          const guchar *start = p;

          for (p++; p < end && *p != ']' && *p != '['; p++)
            if (*p == '\\' && p + 1 < end)
              p++;
          if (p >= end || *p != ']')
            {
              *reason = _("a domain literal is not closed");
              return FALSE;
            }
          p++;
          _push_token (tokens, TOKEN_LITERAL, 0, g_strndup ((const char *) start, p - start));
        }
      else if (c < 0x20 || c == 0x7f)
        {
          *reason = _("it contains a control character");
          return FALSE;
        }
      else if (strchr ("<>@,:;.", c) != NULL)
        {
          _push_token (tokens, TOKEN_SPECIAL, (char) c, NULL);
          p++;
        }
      else if (_is_atext (c))
        {
          const guchar *start = p;

          while (p < end && _is_atext (*p))
            p++;
          _push_token (tokens, TOKEN_ATOM, 0, g_strndup ((const char *) start, p - start));
        }
      else
        {
          /* ) ] \ outside of what they belong to */
          *reason = _("it contains a stray “)”, “]” or “\\”");
          return FALSE;
        }
    }

  _push_token (tokens, TOKEN_END, 0, NULL);

  return TRUE;
}

static Token *
_peek (AddressParser *parser)
{
  return &g_array_index (parser->tokens, Token, parser->pos);
}

static gboolean
_peek_special (AddressParser *parser,
               char           special)
{
  Token *token = _peek (parser);

  return token->kind == TOKEN_SPECIAL && token->special == special;
}

static gboolean
_peek_word_or_dot (AddressParser *parser)
{
  Token *token = _peek (parser);

  return token->kind == TOKEN_ATOM || token->kind == TOKEN_QUOTED ||
         (token->kind == TOKEN_SPECIAL && token->special == '.');
}

static gboolean
_fail (AddressParser *parser,
       const char    *reason)
{
  parser->reason = reason;
  return FALSE;
}

/* A local part SMTP can carry bare: atext and dots. Several dots in a row, or one at
 * either end, are not RFC 5322's, but some providers hand out such addresses, and
 * their servers expect them unquoted. */
static gboolean
_is_dot_string (const char *local)
{
  if (*local == '\0')
    return FALSE;

  for (const guchar *p = (const guchar *) local; *p != '\0'; p++)
    if (*p != '.' && !_is_atext (*p))
      return FALSE;

  return TRUE;
}

/* local-part "@" domain (with obs-local-part: words and dots). */
static gboolean
_parse_addr_spec (AddressParser *parser,
                  GPtrArray     *out)
{
  g_autoptr(GString) local = g_string_new (NULL);
  g_autoptr(GString) domain = g_string_new (NULL);
  g_autoptr(GString) address = g_string_new (NULL);
  gboolean after_word = FALSE;
  gboolean has_word = FALSE;

  /* Words must be separated by dots: "john smith@example.test" is no address. */
  while (_peek_word_or_dot (parser))
    {
      Token *token = _peek (parser);

      if (token->kind == TOKEN_SPECIAL)
        {
          g_string_append_c (local, '.');
          after_word = FALSE;
        }
      else if (after_word)
        {
          break;
        }
      else
        {
          g_string_append (local, token->text);
          has_word = after_word = TRUE;
        }
      parser->pos++;
    }
  if (!has_word)
    return _fail (parser, _("an address has no part before the “@”"));
  if (!_peek_special (parser, '@'))
    return _fail (parser, _("an address has no “@” and domain"));
  parser->pos++;

  if (_peek (parser)->kind == TOKEN_LITERAL)
    {
      g_string_append (domain, _peek (parser)->text);
      parser->pos++;
    }
  else
    {
      after_word = FALSE;
      for (;;)
        {
          Token *token = _peek (parser);

          if (token->kind == TOKEN_ATOM && !after_word)
            {
              g_string_append (domain, token->text);
              after_word = TRUE;
            }
          else if (token->kind == TOKEN_SPECIAL && token->special == '.' && after_word)
            {
              g_string_append_c (domain, '.');
              after_word = FALSE;
            }
          else
            {
              break;
            }
          parser->pos++;
        }
      if (domain->len == 0)
        return _fail (parser, _("an address has no domain after the “@”"));
      if (!after_word)
        return _fail (parser, _("the domain of an address ends with a dot"));
    }

  if (_is_dot_string (local->str))
    {
      g_string_append (address, local->str);
    }
  else
    {
      g_string_append_c (address, '"');
      for (const char *p = local->str; *p != '\0'; p++)
        {
          if (*p == '"' || *p == '\\')
            g_string_append_c (address, '\\');
          g_string_append_c (address, *p);
        }
      g_string_append_c (address, '"');
    }
  g_string_append_c (address, '@');
  g_string_append (address, domain->str);

  for (const guchar *p = (const guchar *) address->str; *p != '\0'; p++)
    if (*p < 0x20 || *p == 0x7f)
      return _fail (parser, _("an address contains a control character"));
  if (!g_utf8_validate (address->str, address->len, NULL))
    return _fail (parser, _("an address is not valid UTF-8"));

  g_ptr_array_add (out, g_string_free (g_steal_pointer (&address), FALSE));

  return TRUE;
}

/* [display-name] "<" [obs-route] addr-spec ">", or a bare addr-spec. */
static gboolean
_parse_mailbox (AddressParser *parser,
                GPtrArray     *out)
{
  guint start = parser->pos;

  while (_peek_word_or_dot (parser))
    parser->pos++;

  if (_peek_special (parser, '@'))
    {
      parser->pos = start;
      return _parse_addr_spec (parser, out);
    }
  if (!_peek_special (parser, '<'))
    return _fail (parser, _("an entry is not an address"));

  parser->pos++;
  if (_peek_special (parser, '@'))
    {
      /* obs-route: "@relay,@relay:" before the address, which means nothing now. */
      while (!_peek_special (parser, ':'))
        {
          if (_peek (parser)->kind == TOKEN_END || _peek_special (parser, '>'))
            return _fail (parser, _("an address has a source route that is not closed"));
          parser->pos++;
        }
      parser->pos++;
    }
  if (_peek_special (parser, '>'))
    return _fail (parser, _("an address between “<” and “>” is empty"));
  if (!_parse_addr_spec (parser, out))
    return FALSE;
  if (!_peek_special (parser, '>'))
    return _fail (parser, _("an address lacks its closing “>”"));
  parser->pos++;

  return TRUE;
}

/* mailbox, or display-name ":" [mailbox-list] ";" */
static gboolean
_parse_address (AddressParser *parser,
                GPtrArray     *out)
{
  guint start = parser->pos;

  while (_peek_word_or_dot (parser))
    parser->pos++;

  if (!_peek_special (parser, ':'))
    {
      parser->pos = start;
      return _parse_mailbox (parser, out);
    }

  parser->pos++;
  for (;;)
    {
      /* A group without its ";" at the very end is common enough to let pass. */
      if (_peek (parser)->kind == TOKEN_END)
        return TRUE;
      if (_peek_special (parser, ';'))
        {
          parser->pos++;
          return TRUE;
        }
      if (_peek_special (parser, ','))
        {
          parser->pos++;
          continue;
        }
      if (!_parse_mailbox (parser, out))
        return FALSE;
      if (_peek_special (parser, ':'))
        return _fail (parser, _("a group contains another group"));
      if (!_peek_special (parser, ',') && !_peek_special (parser, ';') &&
          _peek (parser)->kind != TOKEN_END)
        return _fail (parser, _("two addresses are not separated by a comma"));
    }
}

/* Appends the addresses of an address-list field to @out; NULL and a reason if the
 * field cannot be read. */
static const char *
_parse_address_list (const char *value,
                     gsize       len,
                     GPtrArray  *out)
{
  AddressParser parser = { NULL, 0, NULL };
  g_autoptr(GArray) tokens = g_array_new (FALSE, FALSE, sizeof (Token));

  g_array_set_clear_func (tokens, (GDestroyNotify) _token_clear);
  parser.tokens = tokens;

  if (!_tokenize (value, len, tokens, &parser.reason))
    return parser.reason;

  while (_peek (&parser)->kind != TOKEN_END)
    {
      if (_peek_special (&parser, ','))
        {
          parser.pos++;
          continue;
        }
      if (!_parse_address (&parser, out))
        return parser.reason;
      if (!_peek_special (&parser, ',') && _peek (&parser)->kind != TOKEN_END)
        return _("two addresses are not separated by a comma");
    }

  return NULL;
}

typedef struct
{
  gsize start;        /* of the field's first line */
  gsize end;          /* after the line end of its last line */
  gsize name_len;
  gsize value_start;  /* after the colon */
  gsize value_end;    /* before the last line end */
} HeaderField;

/* Splits the header into fields (RFC 5322 2.2); lines end with CRLF or LF. */
static gboolean
_split_header (const char  *data,
               gsize        len,
               GArray      *fields,
               GError     **error)
{
  gsize pos = 0;
  guint line_number = 0;

  while (pos < len)
    {
      const char *newline = memchr (data + pos, '\n', len - pos);
      gsize next = newline != NULL ? (gsize) (newline - data) + 1 : len;
      gsize content_end = newline != NULL ? (gsize) (newline - data) : len;

      line_number++;
      if (content_end > pos && data[content_end - 1] == '\r')
        content_end--;

      if (content_end == pos)
        break;

      if (memchr (data + pos, '\0', content_end - pos) != NULL)
        {
          g_set_error (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE,
                       _("Line %u of the message's header contains a NUL byte."),
                       line_number);
          return FALSE;
        }

      if (data[pos] == ' ' || data[pos] == '\t')
        {
          HeaderField *field;

          if (fields->len == 0)
            {
              g_set_error (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE,
                           _("The message's header starts with a continuation line."));
              return FALSE;
            }
          field = &g_array_index (fields, HeaderField, fields->len - 1);
          field->end = next;
          field->value_end = content_end;
        }
      else
        {
          const char *colon = memchr (data + pos, ':', content_end - pos);
          HeaderField field = { pos, next, 0, 0, content_end };
          gsize name_len;

          if (colon == NULL)
            {
              g_set_error (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE,
                           _("Line %u of the message's header is not a header field."),
                           line_number);
              return FALSE;
            }

          /* obs-optional: white space before the colon */
          name_len = colon - (data + pos);
          while (name_len > 0 && (data[pos + name_len - 1] == ' ' ||
                                  data[pos + name_len - 1] == '\t'))
            name_len--;
          for (gsize i = 0; i < name_len; i++)
            if ((guchar) data[pos + i] < 33 || (guchar) data[pos + i] > 126)
              name_len = 0;
          if (name_len == 0)
            {
              g_set_error (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE,
                           _("Line %u of the message's header is not a header field."),
                           line_number);
              return FALSE;
            }

          field.name_len = name_len;
          field.value_start = colon + 1 - data;
          g_array_append_val (fields, field);
        }

      pos = next;
    }

  return TRUE;
}

static gboolean
_field_is (const char        *data,
           const HeaderField *field,
           const char        *name)
{
  return field->name_len == strlen (name) &&
         g_ascii_strncasecmp (data + field->start, name, field->name_len) == 0;
}

/* Reads the addresses of @field into @out; the error names the field. */
static gboolean
_read_field_addresses (const char         *data,
                       const HeaderField  *field,
                       GPtrArray          *out,
                       GError            **error)
{
  const char *reason = _parse_address_list (data + field->value_start,
                                            field->value_end - field->value_start, out);

  if (reason != NULL)
    {
      g_autofree char *name = g_strndup (data + field->start, field->name_len);

      /* Translators: the first %s is a header field's name (To, Cc, From), the second
       * one of the reasons, such as "a quoted string is not closed" */
      g_set_error (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE,
                   _("The %s field of the message cannot be read: %s."), name, reason);
      return FALSE;
    }

  return TRUE;
}

/* The key under which two spellings of one address are the same. Local parts may be
 * case sensitive, but no server in use treats them so, and one message should not
 * reach one mailbox twice. */
static char *
_address_key (const char *address)
{
  return g_ascii_strdown (address, -1);
}

/**
 * accord_smtp_envelope_from_message:
 * @message: a message in RFC 5322 form, with CRLF or LF line ends
 * @from: (out) (optional): the envelope sender: the Sender field's address, or else
 *   the first of the From field
 * @recipients: (out) (optional): the envelope recipients: every address of the To, Cc
 *   and Bcc fields, groups included, each once (compared without regard to ASCII case)
 * @to_send: (out) (optional): @message without its Bcc fields, byte for byte otherwise
 *
 * Works out where a message goes from its header, as a mail client does on sending.
 * Addresses come out as SMTP wants them: no display names or comments, a local part
 * quoted only where it must be.
 *
 * Returns: %FALSE with %ACCORD_SMTP_ERROR_INVALID_MESSAGE if the header cannot be
 *   read, it has no sender, or it names no recipient
 */
gboolean
accord_smtp_envelope_from_message (GBytes   *message,
                                   char    **from,
                                   GStrv    *recipients,
                                   GBytes  **to_send,
                                   GError  **error)
{
  g_autoptr(GArray) fields = g_array_new (FALSE, FALSE, sizeof (HeaderField));
  g_autoptr(GPtrArray) senders = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) addresses = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) unique = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const HeaderField *sender_field = NULL;
  const HeaderField *from_field = NULL;
  gboolean has_bcc = FALSE;
  const char *data;
  gsize len;

  g_return_val_if_fail (message != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = g_bytes_get_data (message, &len);
  if (!_split_header (data, len, fields, error))
    return FALSE;

  for (guint i = 0; i < fields->len; i++)
    {
      const HeaderField *field = &g_array_index (fields, HeaderField, i);

      if (_field_is (data, field, "Sender") && sender_field == NULL)
        sender_field = field;
      else if (_field_is (data, field, "From") && from_field == NULL)
        from_field = field;
      else if (_field_is (data, field, "To") || _field_is (data, field, "Cc") ||
               _field_is (data, field, "Bcc"))
        {
          if (!_read_field_addresses (data, field, addresses, error))
            return FALSE;
          has_bcc |= _field_is (data, field, "Bcc");
        }
    }

  if (sender_field == NULL)
    sender_field = from_field;
  if (sender_field == NULL)
    {
      g_set_error (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE,
                   _("The message has no From field, so it has no sender."));
      return FALSE;
    }
  if (!_read_field_addresses (data, sender_field, senders, error))
    return FALSE;
  if (senders->len == 0)
    {
      g_autofree char *name = g_strndup (data + sender_field->start, sender_field->name_len);

      g_set_error (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE,
                   _("The %s field of the message names no address."), name);
      return FALSE;
    }

  for (guint i = 0; i < addresses->len; i++)
    {
      char *address = g_ptr_array_index (addresses, i);

      if (g_hash_table_add (seen, _address_key (address)))
        g_ptr_array_add (unique, g_strdup (address));
    }
  if (unique->len == 0)
    {
      g_set_error (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE,
                   _("The message has no recipients: its To, Cc and Bcc fields name no "
                     "address."));
      return FALSE;
    }

  if (from != NULL)
    *from = g_strdup (g_ptr_array_index (senders, 0));

  if (recipients != NULL)
    {
      g_ptr_array_add (unique, NULL);
      *recipients = (GStrv) g_ptr_array_steal (unique, NULL);
    }
  else
    {
      g_ptr_array_set_free_func (unique, g_free);
    }

  if (to_send != NULL && !has_bcc)
    {
      *to_send = g_bytes_ref (message);
    }
  else if (to_send != NULL)
    {
      GByteArray *copy = g_byte_array_sized_new (len);
      gsize pos = 0;

      for (guint i = 0; i < fields->len; i++)
        {
          const HeaderField *field = &g_array_index (fields, HeaderField, i);

          if (!_field_is (data, field, "Bcc"))
            continue;
          g_byte_array_append (copy, (const guint8 *) data + pos, field->start - pos);
          pos = field->end;
        }
      g_byte_array_append (copy, (const guint8 *) data + pos, len - pos);
      *to_send = g_byte_array_free_to_bytes (copy);
    }

  return TRUE;
}
