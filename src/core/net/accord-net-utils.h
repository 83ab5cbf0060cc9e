/* accord-net-utils.h - small helpers the protocol clients and the probe share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *_accord_net_excerpt    (const char *text);
char     *_accord_net_sasl_plain (const char *username,
                                  const char *password);
gboolean  _accord_net_has_prefix (const char *line,
                                  const char *prefix);
void      _accord_net_wipe_free  (char       *secret);

G_END_DECLS
