/* accord-sync-plan.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * AccordMailFlags:
 *
 * The flags a Maildir file name can hold, as IMAP system flags and the one common
 * keyword for forwarding.
 */
typedef enum /*< flags >*/
{
  ACCORD_MAIL_FLAG_NONE      = 0,
  ACCORD_MAIL_FLAG_SEEN      = 1 << 0, /* \Seen, Maildir S */
  ACCORD_MAIL_FLAG_ANSWERED  = 1 << 1, /* \Answered, R */
  ACCORD_MAIL_FLAG_FLAGGED   = 1 << 2, /* \Flagged, F */
  ACCORD_MAIL_FLAG_DELETED   = 1 << 3, /* \Deleted, T */
  ACCORD_MAIL_FLAG_DRAFT     = 1 << 4, /* \Draft, D */
  ACCORD_MAIL_FLAG_FORWARDED = 1 << 5, /* $Forwarded, P */
} AccordMailFlags;

AccordMailFlags accord_mail_flags_merge        (AccordMailFlags  base,
                                                AccordMailFlags  local,
                                                AccordMailFlags  remote);
AccordMailFlags accord_mail_flags_from_letters (const char      *letters);
void            accord_mail_flags_to_letters   (AccordMailFlags  flags,
                                                char             letters[8]);
AccordMailFlags accord_mail_flags_from_imap    (const char * const *imap_flags);
GStrv           accord_mail_flags_to_imap      (AccordMailFlags  flags);

/* One message as each side and the last sync know it. */
typedef struct
{
  guint32         uid;
  AccordMailFlags flags;
} AccordRemoteEntry;

typedef struct
{
  const char     *key;
  AccordMailFlags flags;
} AccordLocalEntry;

typedef struct
{
  guint32         uid;
  const char     *key;
  AccordMailFlags flags;   /* as last synced: the base of the three-way merge */
} AccordSyncedEntry;

typedef enum
{
  ACCORD_SYNC_ACTION_FETCH,          /* uid: new on the server; download it */
  ACCORD_SYNC_ACTION_UPLOAD,         /* key: new here; append it */
  ACCORD_SYNC_ACTION_DELETE_LOCAL,   /* key (uid): gone from the server */
  ACCORD_SYNC_ACTION_DELETE_REMOTE,  /* uid (key): gone here */
  ACCORD_SYNC_ACTION_FORGET,         /* uid, key: gone on both sides */
  ACCORD_SYNC_ACTION_SET_FLAGS,      /* uid, key: flags = the merged flags */
} AccordSyncActionKind;

typedef struct
{
  AccordSyncActionKind kind;
  guint32              uid;
  const char          *key;         /* borrowed from the input */
  AccordMailFlags      flags;       /* SET_FLAGS: the merged flags; FETCH: the server's */
  AccordMailFlags      local_flags; /* SET_FLAGS: what the file has now */
  AccordMailFlags      remote_flags;/* SET_FLAGS: what the server has now */
} AccordSyncAction;

/**
 * AccordSyncHeld:
 * @ACCORD_SYNC_HELD_ASK: more deletions than the threshold are held back, to ask
 * @ACCORD_SYNC_HELD_DELETE: the person said yes: they are carried out, as long as they
 *   are no more than were asked about
 * @ACCORD_SYNC_HELD_RESTORE: the person said no: what is gone on one side is brought
 *   back from the other (uploaded again, or downloaded again)
 */
typedef enum
{
  ACCORD_SYNC_HELD_ASK,
  ACCORD_SYNC_HELD_DELETE,
  ACCORD_SYNC_HELD_RESTORE,
} AccordSyncHeld;

typedef struct
{
  /* A complete listing of the server's UIDs: only then may a UID missing from it be
   * taken for deleted. A delta listing (CONDSTORE) names deletions in @vanished. */
  gboolean        remote_complete;
  const guint32  *vanished;
  guint           n_vanished;
  /* Deleting more than this many messages on either side at once needs the person's
   * yes; 0 means no limit. */
  guint           deletion_threshold;
  /* The person's answer about deletions held back before, here and on the server;
   * a yes covers as many deletions as were asked about, no more. */
  AccordSyncHeld  held_here;
  AccordSyncHeld  held_there;
  guint           held_here_asked;
  guint           held_there_asked;
} AccordSyncPlanOptions;

typedef struct
{
  GArray *actions;            /* AccordSyncAction, in the order to carry them out */
  guint   held_local_deletes;  /* deletions here held back by the threshold */
  guint   held_remote_deletes; /* deletions on the server held back */
} AccordSyncPlan;

AccordSyncPlan *accord_sync_plan_new  (const AccordRemoteEntry     *remote,
                                       guint                        n_remote,
                                       const AccordLocalEntry      *local,
                                       guint                        n_local,
                                       const AccordSyncedEntry     *synced,
                                       guint                        n_synced,
                                       const AccordSyncPlanOptions *options);
void            accord_sync_plan_free (AccordSyncPlan              *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordSyncPlan, accord_sync_plan_free)

G_END_DECLS
