/* accord-maildir-names.c - Maildir names: flag letters, message file
 * names and their records, folder name escaping
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "accord-maildir-private.h"

const char * const _accord_maildir_subdirs[] = { "cur", "new", "tmp" };

/* Flags */

/**
 * accord_maildir_flags_normalize:
 *
 * Returns: (transfer full): the letters of @flags, each once, in ASCII order as the
 *   Maildir specification asks; anything but ASCII letters is dropped
 */
char *
accord_maildir_flags_normalize (const char *flags)
{
  gboolean present[128] = { FALSE, };
  char out[2 * 26 + 1];
  guint n = 0;
  gboolean ordered = TRUE;

  /* Most names are in order already: "FRS", "S", "". */
  for (const char *p = flags; ordered && p != NULL && *p != '\0'; p++)
    ordered = g_ascii_isalpha (*p) && (p == flags || p[-1] < *p);
  if (ordered)
    return g_strdup (flags != NULL ? flags : "");

  for (const char *p = flags; p != NULL && *p != '\0'; p++)
    if (g_ascii_isalpha (*p))
      present[(guchar) *p] = TRUE;

  for (int c = 'A'; c <= 'z'; c++)
    if (present[c])
      out[n++] = (char) c;
  out[n] = '\0';

  /* Exactly as long as it is: one of these per file of a folder is kept at a time. */
  return g_strdup (out);
}

/* File names */

/* The key runs to the first ',' (Maildir++ attributes) or ':' (the info part). */
gsize
_accord_maildir_key_length (const char *filename)
{
  return strcspn (filename, ",:");
}

gboolean
_accord_maildir_key_is_valid (const char *key)
{
  if (key == NULL || key[0] == '\0' || key[0] == '.' || strlen (key) > 200)
    return FALSE;

  for (const char *p = key; *p != '\0'; p++)
    if (*p == '/' || *p == ',' || *p == ':' || (guchar) *p < 0x20 || *p == 0x7f)
      return FALSE;

  return TRUE;
}

/* Digits only, no sign, no blanks: a name is not a place for leniency. */
static gboolean
_parse_number (const char *start,
               const char *end,
               guint64     max,
               guint64    *value)
{
  guint64 result = 0;

  if (start == end || end - start > 20)
    return FALSE;

  for (const char *p = start; p < end; p++)
    {
      if (!g_ascii_isdigit (*p) || result > (max - (guint64) (*p - '0')) / 10)
        return FALSE;
      result = result * 10 + (guint64) (*p - '0');
    }

  *value = result;
  return TRUE;
}

/* The Maildir++ attributes of @filename (",S=…,U=…"), to keep when it is renamed. */
char *
_accord_maildir_attributes (const char *filename)
{
  gsize start = _accord_maildir_key_length (filename);
  const char *info = strchr (filename, ':');
  gsize end = info != NULL ? (gsize) (info - filename) : strlen (filename);

  return g_strndup (filename + start, end > start ? end - start : 0);
}

char *
_accord_maildir_file_name (const char *key,
                           const char *attributes,
                           const char *flags,
                           gboolean    in_cur)
{
  if (!in_cur)
    return g_strconcat (key, attributes, NULL);

  return g_strconcat (key, attributes, ":2,", flags, NULL);
}

/**
 * accord_maildir_message_new_from_filename:
 * @filename: a file name in a maildir's cur/ or new/
 * @is_new: whether it is in new/
 *
 * Returns: (transfer full) (nullable): the message the name describes, or %NULL if
 *   the name cannot be a message (hidden, empty key)
 */
AccordMaildirMessage *
accord_maildir_message_new_from_filename (const char *filename,
                                          gboolean    is_new)
{
  AccordMaildirMessage *message;
  gsize key_length;
  const char *info;
  const char *p;

  g_return_val_if_fail (filename != NULL, NULL);

  key_length = _accord_maildir_key_length (filename);
  if (key_length == 0 || filename[0] == '.' || strchr (filename, '/') != NULL)
    return NULL;

  message = g_new0 (AccordMaildirMessage, 1);
  message->key = g_strndup (filename, key_length);
  message->filename = g_strdup (filename);
  message->is_new = is_new;
  message->size = -1;
  message->mtime = -1;

  info = strchr (filename, ':');
  for (p = filename + key_length; *p == ','; )
    {
      const char *end = p + 1 + strcspn (p + 1, ",:");
      guint64 value;

      if ((p[1] == 'S' || p[1] == 'U') && p[2] == '=' &&
          _parse_number (p + 3, end, p[1] == 'U' ? G_MAXUINT32 : G_MAXINT64, &value))
        {
          if (p[1] == 'S')
            message->size = (gint64) value;
          else
            message->uid = (guint32) value;
        }
      p = end;
    }

  if (info != NULL && g_str_has_prefix (info, ":2,"))
    message->flags = accord_maildir_flags_normalize (info + 3);
  else
    message->flags = g_strdup ("");

  return message;
}

AccordMaildirMessage *
accord_maildir_message_copy (const AccordMaildirMessage *message)
{
  AccordMaildirMessage *copy;

  g_return_val_if_fail (message != NULL, NULL);

  copy = g_memdup2 (message, sizeof *message);
  copy->key = g_strdup (message->key);
  copy->filename = g_strdup (message->filename);
  copy->flags = g_strdup (message->flags);
  return copy;
}

void
accord_maildir_message_free (AccordMaildirMessage *message)
{
  if (message == NULL)
    return;

  g_free (message->key);
  g_free (message->filename);
  g_free (message->flags);
  g_free (message);
}

/**
 * accord_maildir_delivery_new:
 * @data: the message
 * @flags: (nullable): Maildir flag letters
 * @uid: the IMAP UID, or 0
 * @key: (nullable): the key to deliver under, or %NULL for a fresh one
 */
AccordMaildirDelivery *
accord_maildir_delivery_new (GBytes     *data,
                             const char *flags,
                             guint32     uid,
                             const char *key)
{
  AccordMaildirDelivery *delivery;

  g_return_val_if_fail (data != NULL, NULL);

  delivery = g_new0 (AccordMaildirDelivery, 1);
  delivery->data = g_bytes_ref (data);
  delivery->flags = g_strdup (flags);
  delivery->uid = uid;
  delivery->key = g_strdup (key);
  return delivery;
}

void
accord_maildir_delivery_free (AccordMaildirDelivery *delivery)
{
  if (delivery == NULL)
    return;

  g_clear_pointer (&delivery->data, g_bytes_unref);
  g_free (delivery->flags);
  g_free (delivery->key);
  g_free (delivery->filename);
  g_free (delivery);
}

/**
 * accord_maildir_change_new:
 * @name: a file name as last seen, or a key
 * @flags: (nullable): new flag letters, for accord_maildir_set_flags()
 */
AccordMaildirChange *
accord_maildir_change_new (const char *name,
                           const char *flags)
{
  AccordMaildirChange *change;

  g_return_val_if_fail (name != NULL, NULL);

  change = g_new0 (AccordMaildirChange, 1);
  change->name = g_strdup (name);
  change->flags = g_strdup (flags);
  return change;
}

void
accord_maildir_change_free (AccordMaildirChange *change)
{
  if (change == NULL)
    return;

  g_free (change->name);
  g_free (change->flags);
  g_free (change->filename);
  g_clear_error (&change->error);
  g_free (change);
}

void
_accord_maildir_change_reset (AccordMaildirChange *change)
{
  g_clear_pointer (&change->filename, g_free);
  g_clear_error (&change->error);
}

/* Folder names */

gboolean
_accord_maildir_is_reserved (const char *component)
{
  for (guint i = 0; i < G_N_ELEMENTS (_accord_maildir_subdirs); i++)
    if (g_str_equal (component, _accord_maildir_subdirs[i]))
      return TRUE;

  return FALSE;
}

char *
_accord_maildir_escape_component (const char *component)
{
  GString *out = g_string_sized_new (strlen (component));
  gboolean reserved = _accord_maildir_is_reserved (component);

  for (const char *p = component; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c < 0x20 || c == 0x7f || c == '%' || (p == component && (c == '.' || reserved)))
        g_string_append_printf (out, "%%%02X", c);
      else
        g_string_append_c (out, (char) c);
    }

  return g_string_free (out, FALSE);
}

/* Returns NULL for a directory name that no folder name escapes to: Accord could not
 * address it, so it is not listed. */
char *
_accord_maildir_unescape_component (const char *escaped)
{
  g_autoptr(GString) out = g_string_sized_new (strlen (escaped));
  g_autofree char *again = NULL;

  for (const char *p = escaped; *p != '\0'; p++)
    {
      if (p[0] == '%' && g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]))
        {
          g_string_append_c (out, (char) (g_ascii_xdigit_value (p[1]) * 16 +
                                          g_ascii_xdigit_value (p[2])));
          p += 2;
        }
      else
        g_string_append_c (out, *p);
    }

  if (out->len == 0 || memchr (out->str, '\0', out->len) != NULL ||
      !g_utf8_validate (out->str, out->len, NULL))
    return NULL;

  again = _accord_maildir_escape_component (out->str);
  if (!g_str_equal (again, escaped))
    return NULL;

  return g_string_free (g_steal_pointer (&out), FALSE);
}
