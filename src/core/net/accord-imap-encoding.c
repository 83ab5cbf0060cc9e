/* accord-imap-encoding.c - the textual forms IMAP gives numbers, names and dates:
 * UID sets, modified UTF-7 folder names (RFC 3501 §5.1.3) and date-times
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-imap-parser.h"

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
 * accord_imap_mailbox_encode:
 * @utf8_name: a folder name as people read it
 *
 * Returns: (transfer full): the name as it goes in a command: modified UTF-7, and
 *   "INBOX" for the INBOX in any case (it must not be encoded otherwise)
 */
char *
accord_imap_mailbox_encode (const char *utf8_name)
{
  char *wire;

  g_return_val_if_fail (utf8_name != NULL, NULL);

  if (g_ascii_strcasecmp (utf8_name, "INBOX") == 0)
    return g_strdup ("INBOX");
  wire = accord_imap_utf7_encode (utf8_name);
  return wire != NULL ? wire : g_utf8_make_valid (utf8_name, -1);
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
