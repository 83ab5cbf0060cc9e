/* accord-smtp-envelope.h - where a message goes, from its header
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Fails in the ACCORD_SMTP_ERROR domain of accord-smtp-client.h. */
gboolean accord_smtp_envelope_from_message (GBytes   *message,
                                            char    **from,
                                            GStrv    *recipients,
                                            GBytes  **to_send,
                                            GError  **error);

G_END_DECLS
