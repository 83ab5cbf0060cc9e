/* accord-smtp-client-private.h - what the SMTP client's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "accord-line-connection.h"
#include "accord-smtp-client.h"

G_BEGIN_DECLS

typedef struct _SmtpCommand SmtpCommand;

/* Turns a complete reply into the next step of the operation. */
typedef void (*SmtpHandler) (AccordSmtpClient *self,
                             GTask            *task,
                             SmtpCommand      *cmd);

struct _SmtpCommand
{
  GTask       *task;
  SmtpHandler  handler;
  char        *line;      /* NULL: nothing to send, only a reply to read (greeting) */
  char        *log_as;
  gboolean     pipeline;  /* may go out before the reply to the one before */
  gboolean     written;

  guint        code;
  GPtrArray   *lines;     /* the text of each line of the reply */
  gsize        size;
};

typedef void (*SmtpOpStart) (AccordSmtpClient *self,
                             GTask            *task);

struct _AccordSmtpClient
{
  GObject               parent_instance;

  AccordLineConnection *conn;
  char                 *host;
  guint16               port;
  AccordSecurity        security;
  GTlsDatabase         *database;
  char                 *pin;

  char                 *greeting;
  char                 *ehlo_name;
  char                **extensions;   /* upper case keywords */
  char                **mechanisms;   /* upper case */
  guint64               size_limit;
  gboolean              logged_in;

  GQueue                ops;          /* SmtpOp waiting for the one that runs */
  GTask                *current_op;

  GQueue                pending;      /* SmtpCommand, not sent yet */
  GQueue                sent;         /* SmtpCommand, sent or being sent, unanswered */
  SmtpCommand          *writing;
  gboolean              reading;
  gboolean              write_pending;
  gboolean              conn_closed;
  GError               *closed;       /* why nothing more can be sent */
};

/* accord-smtp-error.c */
char    *_accord_smtp_reply_text       (SmtpCommand       *cmd);
GError  *_accord_smtp_reply_error      (SmtpCommand       *cmd,
                                        gint               code,
                                        const char        *format,
                                        ...) G_GNUC_PRINTF (3, 4);

/* accord-smtp-client-dialogue.c */
void     _accord_smtp_command_free     (SmtpCommand       *cmd);
void     _accord_smtp_send             (AccordSmtpClient  *self,
                                        GTask             *task,
                                        const char        *line,
                                        const char        *log_as,
                                        gboolean           pipeline,
                                        SmtpHandler        handler);
void     _accord_smtp_op_queue         (AccordSmtpClient  *self,
                                        GTask             *task,
                                        SmtpOpStart        start);
void     _accord_smtp_task_return      (AccordSmtpClient  *self,
                                        GTask             *task,
                                        GError            *error);
void     _accord_smtp_close_connection (AccordSmtpClient  *self);
void     _accord_smtp_close_with_error (AccordSmtpClient  *self,
                                        GTask             *task,
                                        GError            *error);
GError  *_accord_smtp_protocol_error   (AccordSmtpClient  *self,
                                        const char        *line);

/* accord-smtp-client.c */
void     _accord_smtp_take_ehlo        (AccordSmtpClient  *self,
                                        SmtpCommand       *cmd);
void     _accord_smtp_send_ehlo        (AccordSmtpClient  *self,
                                        GTask             *task,
                                        SmtpHandler        handler);

G_END_DECLS
