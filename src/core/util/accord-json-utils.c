/* accord-json-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "accord-json-utils.h"

/**
 * accord_json_nesting_within:
 * @data: JSON text from a server
 * @max_depth: how deep arrays and objects may nest
 *
 * A check to run before json-glib sees untrusted text: its parser recurses once per
 * level, so a body of a hundred thousand brackets would exhaust the stack. Strings
 * are skipped, with their escapes; anything else malformed is left to the parser.
 *
 * Returns: whether @data nests arrays and objects at most @max_depth deep
 */
gboolean
accord_json_nesting_within (const char *data,
                            gsize       length,
                            guint       max_depth)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }

  return TRUE;
}
