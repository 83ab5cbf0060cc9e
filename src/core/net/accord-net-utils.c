/* accord-net-utils.c - small helpers the protocol clients and the probe share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "accord-net-utils.h"

void
_accord_net_wipe_free (char *secret)
{
  if (secret == NULL)
    return;

  memset (secret, 0, strlen (secret));
  g_free (secret);
}

/* Case-insensitive, as the keywords of all three protocols are. */
gboolean
_accord_net_has_prefix (const char *line,
                        const char *prefix)
{
  return g_ascii_strncasecmp (line, prefix, strlen (prefix)) == 0;
}

/**
 * _accord_net_excerpt:
 *
 * Returns: (transfer full): @text as it may appear in a message to a person: valid
 *   UTF-8, no control characters, at most 120 characters
 */
char *
_accord_net_excerpt (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_new (NULL);
  const char *p;
  guint n = 0;

  for (p = valid; *p != '\0' && n < 120; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }
  if (*p != '\0')
    g_string_append (out, "…");

  return g_string_free (out, FALSE);
}

/**
 * _accord_net_sasl_plain:
 *
 * Returns: (transfer full): the base64 of the SASL PLAIN message (RFC 4616), with no
 *   authorization identity; free it with _accord_net_wipe_free()
 */
char *
_accord_net_sasl_plain (const char *username,
                        const char *password)
{
  gsize ulen = strlen (username);
  gsize plen = strlen (password);
  gsize len = 1 + ulen + 1 + plen;
  guint8 *raw = g_malloc (len);
  char *encoded;

  raw[0] = '\0';
  memcpy (raw + 1, username, ulen);
  raw[1 + ulen] = '\0';
  memcpy (raw + 2 + ulen, password, plen);

  encoded = g_base64_encode (raw, len);
  memset (raw, 0, len);
  g_free (raw);

  return encoded;
}
