/* accord-imap-parser-private.h - between the grammar and the framing of IMAP responses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "accord-imap-parser.h"

G_BEGIN_DECLS

AccordImapResponse *_accord_imap_parse_response (const char  *text,
                                                 gsize        len,
                                                 GPtrArray   *literals,
                                                 GArray      *offsets,
                                                 GError     **error);

G_END_DECLS
