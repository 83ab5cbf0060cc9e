/* accord-smtp-client.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "accord-account-types.h"
#include "accord-probe-error.h"
#include "accord-smtp-envelope.h"

G_BEGIN_DECLS

#define ACCORD_SMTP_ERROR (accord_smtp_error_quark ())

/**
 * AccordSmtpError:
 * @ACCORD_SMTP_ERROR_AUTH: the server refused the user name or password (535)
 * @ACCORD_SMTP_ERROR_LOGIN: logging in failed for another reason: no way to log in
 *   that Accord supports, no encryption, or the server's trouble (454, 534, …)
 * @ACCORD_SMTP_ERROR_TEMPORARY: the server refused the message for now (4xx); sending
 *   it again later may work
 * @ACCORD_SMTP_ERROR_PERMANENT: the server refused the message, its sender or a
 *   recipient (5xx); sending it again as it is will fail again
 * @ACCORD_SMTP_ERROR_TOO_LARGE: the message is larger than the server accepts
 * @ACCORD_SMTP_ERROR_INVALID_MESSAGE: the message cannot be sent as it is: its header
 *   cannot be read, it names no recipient, or it holds what SMTP cannot carry
 * @ACCORD_SMTP_ERROR_CLOSED: the connection was closed, by QUIT, by the server, or
 *   after an earlier error, which the message names
 *
 * Errors that come from a server's reply carry its code:
 * accord_smtp_error_get_reply_code(). What goes wrong with the connection itself
 * (connecting, timeouts, certificates, STARTTLS, replies that break the protocol) is
 * reported in the %ACCORD_PROBE_ERROR domain, as #AccordLineConnection reports it, and
 * closes the connection. Cancellation is %G_IO_ERROR_CANCELLED.
 */
typedef enum
{
  ACCORD_SMTP_ERROR_AUTH,            /*< nick=auth >*/
  ACCORD_SMTP_ERROR_LOGIN,           /*< nick=login >*/
  ACCORD_SMTP_ERROR_TEMPORARY,       /*< nick=temporary >*/
  ACCORD_SMTP_ERROR_PERMANENT,       /*< nick=permanent >*/
  ACCORD_SMTP_ERROR_TOO_LARGE,       /*< nick=too-large >*/
  ACCORD_SMTP_ERROR_INVALID_MESSAGE, /*< nick=invalid-message >*/
  ACCORD_SMTP_ERROR_CLOSED,          /*< nick=closed >*/
} AccordSmtpError;

GQuark      accord_smtp_error_quark              (void);
guint       accord_smtp_error_get_reply_code     (const GError *error);
const char *accord_smtp_error_get_enhanced_code  (const GError *error);
gboolean    accord_smtp_error_is_permanent       (const GError *error);

#define ACCORD_TYPE_SMTP_CLIENT (accord_smtp_client_get_type ())

G_DECLARE_FINAL_TYPE (AccordSmtpClient, accord_smtp_client, ACCORD, SMTP_CLIENT, GObject)

void                accord_smtp_client_connect_async        (const char                *host,
                                                             guint16                    port,
                                                             AccordSecurity             security,
                                                             const char                *pinned,
                                                             GTlsDatabase              *database,
                                                             guint                      timeout,
                                                             GCancellable              *cancellable,
                                                             GAsyncReadyCallback        callback,
                                                             gpointer                   user_data);
AccordSmtpClient   *accord_smtp_client_connect_finish       (GAsyncResult              *result,
                                                             GError                   **error);

const char         *accord_smtp_client_get_host             (AccordSmtpClient          *self);
guint16             accord_smtp_client_get_port             (AccordSmtpClient          *self);
const char         *accord_smtp_client_get_greeting         (AccordSmtpClient          *self);
gboolean            accord_smtp_client_has_extension        (AccordSmtpClient          *self,
                                                             const char                *keyword);
const char * const *accord_smtp_client_get_auth_mechanisms  (AccordSmtpClient          *self);
guint64             accord_smtp_client_get_size_limit       (AccordSmtpClient          *self);
gboolean            accord_smtp_client_is_logged_in         (AccordSmtpClient          *self);

void                accord_smtp_client_ehlo_async           (AccordSmtpClient          *self,
                                                             const char                *name,
                                                             GCancellable              *cancellable,
                                                             GAsyncReadyCallback        callback,
                                                             gpointer                   user_data);
gboolean            accord_smtp_client_ehlo_finish          (AccordSmtpClient          *self,
                                                             GAsyncResult              *result,
                                                             GError                   **error);

void                accord_smtp_client_login_async          (AccordSmtpClient          *self,
                                                             const char                *username,
                                                             const char                *password,
                                                             GCancellable              *cancellable,
                                                             GAsyncReadyCallback        callback,
                                                             gpointer                   user_data);
gboolean            accord_smtp_client_login_finish         (AccordSmtpClient          *self,
                                                             GAsyncResult              *result,
                                                             GError                   **error);

void                accord_smtp_client_send_async           (AccordSmtpClient          *self,
                                                             const char                *from,
                                                             const char * const        *recipients,
                                                             GBytes                    *message,
                                                             GCancellable              *cancellable,
                                                             GAsyncReadyCallback        callback,
                                                             gpointer                   user_data);
gboolean            accord_smtp_client_send_finish          (AccordSmtpClient          *self,
                                                             GAsyncResult              *result,
                                                             GError                   **error);

void                accord_smtp_client_quit_async           (AccordSmtpClient          *self,
                                                             GCancellable              *cancellable,
                                                             GAsyncReadyCallback        callback,
                                                             gpointer                   user_data);
gboolean            accord_smtp_client_quit_finish          (AccordSmtpClient          *self,
                                                             GAsyncResult              *result,
                                                             GError                   **error);

G_END_DECLS
