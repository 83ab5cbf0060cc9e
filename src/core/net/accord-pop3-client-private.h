/* accord-pop3-client-private.h - what the POP3 client's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "accord-line-connection.h"
#include "accord-pop3-client.h"

G_BEGIN_DECLS

typedef enum
{
  CMD_MULTILINE = 1 << 0,  /* after +OK, data lines up to "." */
  CMD_PIPELINE  = 1 << 1,  /* may go out before the answer to the one before */
  CMD_SASL      = 1 << 2,  /* a "+ " continuation is an answer too */
  CMD_LOGIN     = 1 << 3,  /* part of the login, which nothing else interrupts */
  CMD_MESSAGE   = 1 << 4,  /* the data is a message: up to the most Accord downloads */
} CommandFlags;

typedef struct _Pop3Command Pop3Command;

/* Turns a complete answer into the task's result, or sends the next command. */
typedef void (*Pop3Handler) (AccordPop3Client *self,
                             GTask            *task,
                             Pop3Command      *cmd);

struct _Pop3Command
{
  GTask        *task;
  Pop3Handler   handler;
  char         *line;     /* NULL: nothing to send, only an answer to read (greeting) */
  char         *log_as;
  CommandFlags  flags;
  gboolean      written;

  char         *status;   /* +OK, -ERR or continuation line */
  GByteArray   *data;     /* multi-line answers: unstuffed, CRLF line ends */
};

struct _AccordPop3Client
{
  GObject               parent_instance;

  AccordLineConnection *conn;
  char                 *host;
  guint16               port;
  AccordSecurity        security;
  GTlsDatabase         *database;
  char                 *pin;

  char                 *greeting;
  char                **capabilities;  /* upper case: the first word of each CAPA line */
  char                **mechanisms;    /* upper case: the SASL capability's words */
  gboolean              have_capa;     /* the server knows CAPA */
  gboolean              logged_in;
  gboolean              logging_in;
  guint64               max_message_size;

  GQueue                pending;       /* Pop3Command, not sent yet */
  GQueue                sent;          /* Pop3Command, sent or being sent, unanswered */
  Pop3Command          *writing;
  gboolean              reading;
  gboolean              write_pending;
  gboolean              conn_closed;
  GError               *closed;        /* why nothing more can be sent */
};

/* accord-pop3-client-dialogue.c */
gboolean     _accord_pop3_is_ok             (const char           *status);
gboolean     _accord_pop3_is_err            (const char           *status);
const char  *_accord_pop3_text              (const char           *status);
GTask       *_accord_pop3_task_new          (AccordPop3Client     *self,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data,
                                             gpointer              source_tag);
void         _accord_pop3_send              (AccordPop3Client     *self,
                                             GTask                *task,
                                             const char           *line,
                                             const char           *log_as,
                                             CommandFlags          flags,
                                             Pop3Handler           handler);
gboolean     _accord_pop3_foreach_line      (Pop3Command          *cmd,
                                             gboolean            (*func) (const char *line,
                                                                          gpointer    user_data),
                                             gpointer              user_data);
void         _accord_pop3_close_queue       (AccordPop3Client     *self,
                                             GError               *reason);
GError      *_accord_pop3_protocol_error    (AccordPop3Client     *self,
                                             const char           *line);
GError      *_accord_pop3_refused           (AccordPop3Client     *self,
                                             Pop3Command          *cmd);

/* accord-pop3-client.c */
void         _accord_pop3_take_capabilities (AccordPop3Client     *self,
                                             Pop3Command          *cmd);

G_END_DECLS
