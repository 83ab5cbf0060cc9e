/* accord-json-utils.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean accord_json_nesting_within (const char *data,
                                     gsize       length,
                                     guint       max_depth);

G_END_DECLS
