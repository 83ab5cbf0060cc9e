/* accord-probe-private.h - what the probe's protocol dialogues share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "accord-line-connection.h"
#include "accord-probe.h"

G_BEGIN_DECLS

typedef enum
{
  PROBE_RESPONSE_LINE,        /* one line: IMAP greeting, POP3 status */
  PROBE_RESPONSE_IMAP,        /* untagged lines up to the tagged line or a continuation */
  PROBE_RESPONSE_POP3_MULTI,  /* a status line and, after +OK, lines up to "." */
  PROBE_RESPONSE_SMTP,        /* "ddd-text" lines up to "ddd text" */
} ProbeResponseKind;

typedef void (*ProbeStep) (GTask *task);

/* The state of one run, the task data of its GTask. */
typedef struct
{
  AccordProbeResult    *result;
  AccordLineConnection *conn;
  GTlsDatabase         *database;
  char                 *pin;
  guint                 timeout;
  char                 *username;
  char                 *password;

  /* the response being read */
  ProbeResponseKind     kind;
  ProbeStep             next;
  char                 *status;   /* IMAP: tagged line or continuation; POP3: status line;
                                   * SMTP: last line */
  GPtrArray            *lines;    /* IMAP: untagged lines; POP3: data lines, unstuffed;
                                   * SMTP: the text of every line */
  guint                 code;     /* SMTP reply code */
  gsize                 size;
  gboolean              greeting;
  gboolean              closing;  /* logging out: errors no longer matter */

  /* the protocol dialogue */
  char                  tag[16];
  guint                 tag_counter;
  gboolean              have_capabilities;
  gboolean              login_attempted;
  gboolean              logged_in;
  gboolean              preauth;
} ProbeOp;

void      _accord_probe_read             (GTask             *task,
                                          ProbeResponseKind  kind,
                                          ProbeStep          next);
void      _accord_probe_send             (GTask             *task,
                                          const char        *command,
                                          const char        *log_as,
                                          ProbeResponseKind  kind,
                                          ProbeStep          next);
void      _accord_probe_start_tls        (GTask             *task,
                                          ProbeStep          next);
void      _accord_probe_fail             (GTask             *task,
                                          GError            *error);
void      _accord_probe_fail_unexpected  (GTask             *task,
                                          const char        *answer);
void      _accord_probe_fail_no_starttls (GTask             *task,
                                          const char        *refusal);
void      _accord_probe_fail_refused     (GTask             *task,
                                          const char        *answer);
void      _accord_probe_quit             (GTask             *task,
                                          const char        *command,
                                          ProbeResponseKind  kind);
void      _accord_probe_done             (GTask             *task);

gboolean  _accord_probe_may_send_password (GTask            *task);
void      _accord_probe_set_login        (ProbeOp           *op,
                                          AccordProbeLogin   login,
                                          const char        *message);
void      _accord_probe_set_capabilities (ProbeOp           *op,
                                          GPtrArray         *capabilities,
                                          GPtrArray         *mechanisms);

void      _accord_probe_imap_start       (GTask             *task);
void      _accord_probe_pop3_start       (GTask             *task);
void      _accord_probe_smtp_start       (GTask             *task);

G_END_DECLS
