/* accord-http.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

void    accord_http_send_limited_async  (SoupSession          *session,
                                         SoupMessage          *message,
                                         gsize                 max_size,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
GBytes *accord_http_send_limited_finish (SoupSession          *session,
                                         GAsyncResult         *result,
                                         GError              **error);
GUri   *accord_http_get_redirect        (SoupMessage          *message);
void    accord_http_set_basic_auth      (SoupMessage          *message,
                                         const char           *user,
                                         const char           *password);

G_END_DECLS
