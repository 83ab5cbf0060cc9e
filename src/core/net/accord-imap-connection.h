/* accord-imap-connection.h - the wire under AccordImapClient: socket, TLS, tagged
 * commands and the responses that belong to them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Private to the IMAP client; not installed.
 */

#pragma once

#include <gio/gio.h>

#include "accord-imap-parser.h"

G_BEGIN_DECLS

/* --- requests ----------------------------------------------------------------------- */

typedef enum
{
  ACCORD_IMAP_LITERAL_SYNC,   /* "{n}", then wait for "+" */
  ACCORD_IMAP_LITERAL_PLUS,   /* LITERAL+: "{n+}" of any size */
  ACCORD_IMAP_LITERAL_MINUS,  /* LITERAL-: "{n+}" up to 4096 bytes */
} AccordImapLiteralMode;

typedef struct _AccordImapRequest AccordImapRequest;

AccordImapRequest *accord_imap_request_new             (AccordImapLiteralMode  mode,
                                                        const char            *text);
void               accord_imap_request_free            (AccordImapRequest     *request);
void               accord_imap_request_add             (AccordImapRequest     *request,
                                                        const char            *text);
void               accord_imap_request_add_printf      (AccordImapRequest     *request,
                                                        const char            *format,
                                                        ...) G_GNUC_PRINTF (2, 3);
void               accord_imap_request_add_string      (AccordImapRequest     *request,
                                                        const char            *string);
void               accord_imap_request_add_mailbox     (AccordImapRequest     *request,
                                                        const char            *utf8_name);
void               accord_imap_request_add_literal     (AccordImapRequest     *request,
                                                        GBytes                *data,
                                                        gboolean               binary);
void               accord_imap_request_add_response    (AccordImapRequest     *request,
                                                        const char            *line);
void               accord_imap_request_hide            (AccordImapRequest     *request);
const char        *accord_imap_request_get_log         (AccordImapRequest     *request);
GPtrArray         *accord_imap_request_finish          (AccordImapRequest     *request,
                                                        GArray               **sync);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordImapRequest, accord_imap_request_free)

/* --- the connection ----------------------------------------------------------------- */

typedef enum
{
  ACCORD_IMAP_COMMAND_NONE = 0,
  /* Reading stops after the tagged answer: STARTTLS. */
  ACCORD_IMAP_COMMAND_STOP_READING = 1 << 0,
  /* The command stays open after its lines, for accord_imap_connection_continue(), and
   * the server may stay silent meanwhile: IDLE. */
  ACCORD_IMAP_COMMAND_OPEN = 1 << 1,
} AccordImapCommandFlags;

/* An untagged response while the command is the oldest one in progress; @response is
 * freed after the call. */
typedef void (*AccordImapUntaggedFunc)    (AccordImapResponse *response,
                                           gpointer            user_data);
/* A "+" the command did not announce with a literal (SASL, IDLE). */
typedef void (*AccordImapContinuationFunc) (AccordImapResponse *response,
                                            gpointer            user_data);

#define ACCORD_TYPE_IMAP_CONNECTION (accord_imap_connection_get_type ())

G_DECLARE_FINAL_TYPE (AccordImapConnection, accord_imap_connection,
                      ACCORD, IMAP_CONNECTION, GObject)

void                  accord_imap_connection_connect_async    (const char             *host,
                                                               guint16                 port,
                                                               gboolean                implicit_tls,
                                                               const char             *pinned,
                                                               GTlsDatabase           *database,
                                                               guint                   timeout,
                                                               GCancellable           *cancellable,
                                                               GAsyncReadyCallback     callback,
                                                               gpointer                user_data);
AccordImapConnection *accord_imap_connection_connect_finish   (GAsyncResult           *result,
                                                               GError                **error);

const char           *accord_imap_connection_get_host         (AccordImapConnection   *self);
guint16               accord_imap_connection_get_port         (AccordImapConnection   *self);
guint                 accord_imap_connection_get_timeout      (AccordImapConnection   *self);
void                  accord_imap_connection_set_timeout      (AccordImapConnection   *self,
                                                               guint                   seconds);
gboolean              accord_imap_connection_is_open          (AccordImapConnection   *self);
gboolean              accord_imap_connection_is_tls           (AccordImapConnection   *self);
GTlsCertificate      *accord_imap_connection_get_peer_certificate
                                                              (AccordImapConnection   *self);
gboolean              accord_imap_connection_get_certificate_pinned
                                                              (AccordImapConnection   *self);
const AccordImapResponse *
                      accord_imap_connection_get_greeting     (AccordImapConnection   *self);
void                  accord_imap_connection_set_untagged_func
                                                              (AccordImapConnection   *self,
                                                               AccordImapUntaggedFunc  func,
                                                               gpointer                user_data);

void accord_imap_connection_send_async (AccordImapConnection       *self,
                                        AccordImapRequest          *request,
                                        AccordImapCommandFlags      flags,
                                        AccordImapUntaggedFunc      on_untagged,
                                        AccordImapContinuationFunc  on_continuation,
                                        gpointer                    func_data,
                                        GCancellable               *cancellable,
                                        GAsyncReadyCallback         callback,
                                        gpointer                    user_data);

AccordImapResponse   *accord_imap_connection_send_finish      (AccordImapConnection   *self,
                                                               GAsyncResult           *result,
                                                               GError                **error);
void                  accord_imap_connection_continue         (AccordImapConnection   *self,
                                                               const char             *line,
                                                               gboolean                last);

void                  accord_imap_connection_starttls_async   (AccordImapConnection   *self,
                                                               GCancellable           *cancellable,
                                                               GAsyncReadyCallback     callback,
                                                               gpointer                user_data);
gboolean              accord_imap_connection_starttls_finish  (AccordImapConnection   *self,
                                                               GAsyncResult           *result,
                                                               GError                **error);

void                  accord_imap_connection_close            (AccordImapConnection   *self,
                                                               GError                 *reason);

G_END_DECLS
