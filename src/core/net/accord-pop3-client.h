/* accord-pop3-client.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "accord-account-types.h"
#include "accord-probe-error.h"

G_BEGIN_DECLS

#define ACCORD_POP3_ERROR (accord_pop3_error_quark ())

/**
 * AccordPop3Error:
 * @ACCORD_POP3_ERROR_AUTH: the server refused the user name or password
 * @ACCORD_POP3_ERROR_LOGIN: logging in failed for another reason: no way to log in that
 *   Accord supports, no encryption, or the server is busy or locked ([IN-USE],
 *   [LOGIN-DELAY], [SYS/TEMP])
 * @ACCORD_POP3_ERROR_REFUSED: the server answered -ERR to a command, e.g. RETR of a
 *   message that is gone; the connection is still usable
 * @ACCORD_POP3_ERROR_TOO_LARGE: a message is larger than the client's maximum, or a
 *   listing larger than 16 MiB; the connection is closed, since the rest of it was not read
 * @ACCORD_POP3_ERROR_CLOSED: the connection was closed, by QUIT or after an earlier
 *   error, which the message names
 *
 * What goes wrong with the connection itself (connecting, timeouts, certificates,
 * STLS, answers that break the protocol) is reported in the %ACCORD_PROBE_ERROR domain,
 * as #AccordLineConnection reports it, and closes the connection. Cancellation is
 * %G_IO_ERROR_CANCELLED; cancelling a command that is on its way closes the connection.
 */
typedef enum
{
  ACCORD_POP3_ERROR_AUTH,      /*< nick=auth >*/
  ACCORD_POP3_ERROR_LOGIN,     /*< nick=login >*/
  ACCORD_POP3_ERROR_REFUSED,   /*< nick=refused >*/
  ACCORD_POP3_ERROR_TOO_LARGE, /*< nick=too-large >*/
  ACCORD_POP3_ERROR_CLOSED,    /*< nick=closed >*/
} AccordPop3Error;

GQuark accord_pop3_error_quark (void);

#define ACCORD_POP3_DEFAULT_MAX_MESSAGE_SIZE (100 * 1024 * 1024)

/**
 * AccordPop3Uidl:
 * @number: the message's number in this session, from 1
 * @uidl: its unique id, printable ASCII; the same in every session. Some servers give
 *   two messages the same id: the caller must not assume they are unique.
 */
typedef struct
{
  guint  number;
  char  *uidl;
} AccordPop3Uidl;

void accord_pop3_uidl_free (AccordPop3Uidl *uidl);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordPop3Uidl, accord_pop3_uidl_free)

/**
 * AccordPop3Size:
 * @number: the message's number in this session, from 1
 * @size: its size in bytes, as sent by RETR (with CRLF line ends)
 */
typedef struct
{
  guint   number;
  guint64 size;
} AccordPop3Size;

#define ACCORD_TYPE_POP3_CLIENT (accord_pop3_client_get_type ())

G_DECLARE_FINAL_TYPE (AccordPop3Client, accord_pop3_client, ACCORD, POP3_CLIENT, GObject)

void                 accord_pop3_client_connect_async         (const char           *host,
                                                               guint16               port,
                                                               AccordSecurity        security,
                                                               const char           *pinned,
                                                               GTlsDatabase         *database,
                                                               guint                 timeout,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
AccordPop3Client    *accord_pop3_client_connect_finish        (GAsyncResult         *result,
                                                               GError              **error);

const char          *accord_pop3_client_get_host              (AccordPop3Client     *self);
guint16              accord_pop3_client_get_port              (AccordPop3Client     *self);
const char          *accord_pop3_client_get_greeting          (AccordPop3Client     *self);
const char * const  *accord_pop3_client_get_capabilities      (AccordPop3Client     *self);
gboolean             accord_pop3_client_has_capability        (AccordPop3Client     *self,
                                                               const char           *name);
gboolean             accord_pop3_client_has_sasl_mechanism    (AccordPop3Client     *self,
                                                               const char           *mechanism);
gboolean             accord_pop3_client_is_logged_in          (AccordPop3Client     *self);
guint64              accord_pop3_client_get_max_message_size  (AccordPop3Client     *self);
void                 accord_pop3_client_set_max_message_size  (AccordPop3Client     *self,
                                                               guint64               size);

void                 accord_pop3_client_capabilities_async    (AccordPop3Client     *self,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
gboolean             accord_pop3_client_capabilities_finish   (AccordPop3Client     *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);

void                 accord_pop3_client_login_async           (AccordPop3Client     *self,
                                                               const char           *username,
                                                               const char           *password,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
gboolean             accord_pop3_client_login_finish          (AccordPop3Client     *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);

void                 accord_pop3_client_stat_async            (AccordPop3Client     *self,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
gboolean             accord_pop3_client_stat_finish           (AccordPop3Client     *self,
                                                               GAsyncResult         *result,
                                                               guint                *count,
                                                               guint64              *size,
                                                               GError              **error);

void                 accord_pop3_client_uidl_async            (AccordPop3Client     *self,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
GPtrArray           *accord_pop3_client_uidl_finish           (AccordPop3Client     *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);

void                 accord_pop3_client_list_async            (AccordPop3Client     *self,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
GArray              *accord_pop3_client_list_finish           (AccordPop3Client     *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);

void                 accord_pop3_client_retr_async            (AccordPop3Client     *self,
                                                               guint                 number,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
GBytes              *accord_pop3_client_retr_finish           (AccordPop3Client     *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);

void                 accord_pop3_client_dele_async            (AccordPop3Client     *self,
                                                               guint                 number,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
gboolean             accord_pop3_client_dele_finish           (AccordPop3Client     *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);

void                 accord_pop3_client_rset_async            (AccordPop3Client     *self,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
gboolean             accord_pop3_client_rset_finish           (AccordPop3Client     *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);

void                 accord_pop3_client_noop_async            (AccordPop3Client     *self,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
gboolean             accord_pop3_client_noop_finish           (AccordPop3Client     *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);

void                 accord_pop3_client_quit_async            (AccordPop3Client     *self,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
gboolean             accord_pop3_client_quit_finish           (AccordPop3Client     *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);

G_END_DECLS
