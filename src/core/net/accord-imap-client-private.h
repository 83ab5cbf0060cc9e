/* accord-imap-client-private.h - what the IMAP client's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "accord-imap-client.h"
#include "accord-imap-connection.h"

G_BEGIN_DECLS

/* Sets longer than this are sent in several commands: servers limit the length of a
 * command line (Dovecot to 64 KiB, others to 8 KiB). */
#define MAX_SET_LENGTH 4000

struct _AccordImapClient
{
  GObject               parent_instance;

  AccordImapConnection *conn;
  AccordSecurity        security;
  GStrv                 capabilities;   /* upper case; NULL until known */
  GHashTable           *enabled;        /* upper case */
  gboolean              authenticated;
  GStrv                 expected;   /* after login, as remembered; until it is done */
  char                 *selected;
  guint64               selected_modseq;
  guint32               selected_uidvalidity;   /* as read, ahead of the SELECT's end */
  /* SEARCH answers carry no tag: one search at a time, the others wait here. */
  gboolean              searching;
  GQueue                searches;       /* QueuedSearch */
};

/* What an operation collects while its responses come in. */
typedef struct
{
  char                  *folder;       /* UTF-8 */
  char                  *to;           /* UTF-8: rename, move */
  GError                *error;        /* the first failure of a part or a response */
  guint                  pending;      /* commands in progress */

  GPtrArray             *messages;     /* AccordImapMessage */
  GArray                *uids;         /* guint32: vanished, modified, search results */
  GArray                *clip;         /* AccordImapUidRange: what reported UIDs may be */
  GPtrArray             *folders;      /* AccordImapFolder */
  AccordImapMailbox     *mailbox;

  AccordImapMessageFunc  on_message;
  gpointer               message_data;

  guint32                uidvalidity;  /* APPENDUID, COPYUID */
  guint32                uid;
  GArray                *source_uids;
  GArray                *dest_uids;

  GStrv                  parts;        /* move without MOVE: the set in pieces */
  guint                  part;
  guint                  step;

  gboolean               idling;
  gboolean               stopping;
  gboolean               done_sent;
  gboolean               changed;
  GSource               *stop_source;
  GSource               *idle_timer;
} Op;

/* accord-imap-client.c */
GTask *_accord_imap_client_task_new (AccordImapClient    *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data,
                                     gpointer             source_tag);
Op *_accord_imap_client_op (GTask *task);
void _accord_imap_client_op_take_error (Op     *op,
                                        GError *error);
GStrv _accord_imap_client_value_strings (const AccordImapValue *value);
void _accord_imap_client_add_enabled (AccordImapClient *self,
                                      const char       *extension);
AccordImapRequest *_accord_imap_client_request (AccordImapClient *self,
                                                const char       *text);
void _accord_imap_client_send (AccordImapClient           *self,
                               GTask                      *task,
                               AccordImapRequest          *request,
                               AccordImapUntaggedFunc      on_untagged,
                               GAsyncReadyCallback         done);
void _accord_imap_client_send_set (AccordImapClient       *self,
                                   GTask                  *task,
                                   const char             *before,
                                   const char             *uid_set,
                                   const char             *after,
                                   AccordImapUntaggedFunc  on_untagged,
                                   GAsyncReadyCallback     done);
GError *_accord_imap_client_refusal (AccordImapClient         *self,
                                     const AccordImapResponse *response,
                                     AccordImapError           no_code,
                                     const char               *context);
AccordImapResponse *_accord_imap_client_command_done (GObject      *object,
                                                      GAsyncResult *result,
                                                      GTask        *task,
                                                      const char   *context);
gboolean _accord_imap_client_op_finished (GTask *task);
AccordImapMessage *_accord_imap_client_take_fetch (Op                       *op,
                                                   const AccordImapResponse *response);
void _accord_imap_client_simple_cb (GObject      *object,
                                    GAsyncResult *result,
                                    gpointer      user_data);
gboolean _accord_imap_client_is_uid_set (const char *set);
gboolean _accord_imap_client_add_uid_set (GArray      *uids,
                                          const char  *set,
                                          GArray      *clip,
                                          GError     **error);
GArray *_accord_imap_client_expand_in_order (const char  *set,
                                             GError     **error);
void _accord_imap_client_take_vanished (Op                       *op,
                                        const AccordImapResponse *response);

G_END_DECLS
