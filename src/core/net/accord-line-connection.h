/* accord-line-connection.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* No line of a mail protocol is anywhere near this long; a server that sends one is
 * broken or hostile. */
#define ACCORD_LINE_MAX_LENGTH (64 * 1024)

#define ACCORD_TYPE_LINE_CONNECTION (accord_line_connection_get_type ())

G_DECLARE_FINAL_TYPE (AccordLineConnection, accord_line_connection,
                      ACCORD, LINE_CONNECTION, GObject)

void                  accord_line_connection_connect_async   (const char            *host,
                                                              guint16                port,
                                                              guint                  timeout,
                                                              GCancellable          *cancellable,
                                                              GAsyncReadyCallback    callback,
                                                              gpointer               user_data);
AccordLineConnection *accord_line_connection_connect_finish  (GAsyncResult          *result,
                                                              GError               **error);

const char           *accord_line_connection_get_host        (AccordLineConnection  *self);
guint16               accord_line_connection_get_port        (AccordLineConnection  *self);
guint                 accord_line_connection_get_timeout     (AccordLineConnection  *self);
gboolean              accord_line_connection_is_tls          (AccordLineConnection  *self);
char                 *accord_line_connection_dup_local_address_literal
                                                             (AccordLineConnection  *self);

void                  accord_line_connection_read_line_async (AccordLineConnection  *self,
                                                              GCancellable          *cancellable,
                                                              GAsyncReadyCallback    callback,
                                                              gpointer               user_data);
char                 *accord_line_connection_read_line_finish
                                                             (AccordLineConnection  *self,
                                                              GAsyncResult          *result,
                                                              GError               **error);
void                  accord_line_connection_read_dotted_async
                                                             (AccordLineConnection  *self,
                                                              gsize                  max_size,
                                                              GCancellable          *cancellable,
                                                              GAsyncReadyCallback    callback,
                                                              gpointer               user_data);
GByteArray           *accord_line_connection_read_dotted_finish
                                                             (AccordLineConnection  *self,
                                                              GAsyncResult          *result,
                                                              GError               **error);
void                  accord_line_connection_write_line_async
                                                             (AccordLineConnection  *self,
                                                              const char            *line,
                                                              const char            *log_as,
                                                              GCancellable          *cancellable,
                                                              GAsyncReadyCallback    callback,
                                                              gpointer               user_data);
void                  accord_line_connection_write_data_async
                                                             (AccordLineConnection  *self,
                                                              const guint8          *data,
                                                              gsize                  len,
                                                              const char            *log_as,
                                                              GCancellable          *cancellable,
                                                              GAsyncReadyCallback    callback,
                                                              gpointer               user_data);
gboolean              accord_line_connection_write_line_finish
                                                             (AccordLineConnection  *self,
                                                              GAsyncResult          *result,
                                                              GError               **error);
gboolean              accord_line_connection_write_data_finish
                                                             (AccordLineConnection  *self,
                                                              GAsyncResult          *result,
                                                              GError               **error);

void                  accord_line_connection_start_tls_async (AccordLineConnection  *self,
                                                              GTlsDatabase          *database,
                                                              const char            *pinned,
                                                              GCancellable          *cancellable,
                                                              GAsyncReadyCallback    callback,
                                                              gpointer               user_data);
gboolean              accord_line_connection_start_tls_finish
                                                             (AccordLineConnection  *self,
                                                              GAsyncResult          *result,
                                                              GError               **error);
GTlsCertificate      *accord_line_connection_get_peer_certificate
                                                             (AccordLineConnection  *self);
GTlsCertificateFlags  accord_line_connection_get_peer_certificate_errors
                                                             (AccordLineConnection  *self);
gboolean              accord_line_connection_get_certificate_pinned
                                                             (AccordLineConnection  *self);

void                  accord_line_connection_close_async     (AccordLineConnection  *self,
                                                              GCancellable          *cancellable,
                                                              GAsyncReadyCallback    callback,
                                                              gpointer               user_data);
gboolean              accord_line_connection_close_finish    (AccordLineConnection  *self,
                                                              GAsyncResult          *result,
                                                              GError               **error);

G_END_DECLS
