/* accord-sync-plan.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "accord-sync-plan.h"

/* What to do for one folder, worked out from three lists alone: the server's
 * messages (all of them, or those changed since the last sync), the files here, and
 * the state of the last sync, which is the base of every comparison. Nothing here
 * touches the network or the disk, so every rule can be checked on its own.
 *
 * The rules:
 * - a UID the last sync did not know is new on the server: fetch it; a file the last
 *   sync did not know is new here: upload it;
 * - a message gone from one side is deleted on the other; gone from both, forgotten;
 *   a UID counts as gone from the server only when a complete listing lacks it or the
 *   server said so (VANISHED): a failed or partial listing never deletes anything;
 * - flags merge three ways, flag by flag: whichever side changed a flag since the last
 *   sync wins, so flags changed on both sides both survive;
 * - more deletions at once than the threshold, on either side, are held back for the
 *   person to confirm. */

/**
 * accord_mail_flags_merge:
 * @base: the flags as last synced
 *
 * Returns: for each flag, the side's value that changed since @base, else @base's
 */
AccordMailFlags
accord_mail_flags_merge (AccordMailFlags base,
                         AccordMailFlags local,
                         AccordMailFlags remote)
{
  AccordMailFlags changed = (local ^ base) | (remote ^ base);

  /* A flag changed on one side takes that side's value; changed on both, both agree
   * (a flag has two values), so flipping the base gives it either way. */
  return base ^ changed;
}

/* Maildir letters and IMAP names, in the letters' alphabetical order. */
static const struct {
  char             letter;
  const char      *imap;
  AccordMailFlags  flag;
} flag_names[] = {
  { 'D', "\\Draft", ACCORD_MAIL_FLAG_DRAFT },
  { 'F', "\\Flagged", ACCORD_MAIL_FLAG_FLAGGED },
  { 'P', "$Forwarded", ACCORD_MAIL_FLAG_FORWARDED },
  { 'R', "\\Answered", ACCORD_MAIL_FLAG_ANSWERED },
  { 'S', "\\Seen", ACCORD_MAIL_FLAG_SEEN },
  { 'T', "\\Deleted", ACCORD_MAIL_FLAG_DELETED },
};

AccordMailFlags
accord_mail_flags_from_letters (const char *letters)
{
  AccordMailFlags flags = 0;

  for (guint i = 0; i < G_N_ELEMENTS (flag_names); i++)
    if (letters != NULL && strchr (letters, flag_names[i].letter) != NULL)
      flags |= flag_names[i].flag;

  return flags;
}

/**
 * accord_mail_flags_to_letters:
 * @letters: (out caller-allocates): filled with the Maildir letters, sorted
 */
void
accord_mail_flags_to_letters (AccordMailFlags flags,
                              char            letters[8])
{
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (flag_names); i++)
    if (flags & flag_names[i].flag)
      letters[n++] = flag_names[i].letter;
  letters[n] = '\0';
}

AccordMailFlags
accord_mail_flags_from_imap (const char * const *imap_flags)
{
  AccordMailFlags flags = 0;

  for (guint i = 0; imap_flags != NULL && imap_flags[i] != NULL; i++)
    for (guint j = 0; j < G_N_ELEMENTS (flag_names); j++)
      if (g_ascii_strcasecmp (imap_flags[i], flag_names[j].imap) == 0)
        flags |= flag_names[j].flag;

  return flags;
}

/**
 * accord_mail_flags_to_imap:
 *
 * Returns: (transfer full): the IMAP names of @flags
 */
GStrv
accord_mail_flags_to_imap (AccordMailFlags flags)
{
  GStrv names = g_new0 (char *, G_N_ELEMENTS (flag_names) + 1);
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (flag_names); i++)
    if (flags & flag_names[i].flag)
      names[n++] = g_strdup (flag_names[i].imap);

  return names;
}

static void
_add (AccordSyncPlan       *self,
      AccordSyncActionKind  kind,
      guint32               uid,
      const char           *key,
      AccordMailFlags       flags)
{
  AccordSyncAction action = { kind, uid, key, flags, 0, 0 };

  g_array_append_val (self->actions, action);
}

static guint
_kind_rank (AccordSyncActionKind kind)
{
  switch (kind)
    {
    case ACCORD_SYNC_ACTION_SET_FLAGS:     return 0;
    case ACCORD_SYNC_ACTION_FORGET:        return 1;
    case ACCORD_SYNC_ACTION_DELETE_LOCAL:  return 2;
    case ACCORD_SYNC_ACTION_DELETE_REMOTE: return 3;
    case ACCORD_SYNC_ACTION_UPLOAD:        return 4;
    case ACCORD_SYNC_ACTION_FETCH:
    default:                               return 5;
    }
}

static int
_compare_ranked (gconstpointer a,
                 gconstpointer b)
{
  const AccordSyncAction *x = a;
  const AccordSyncAction *y = b;
  guint rx = _kind_rank (x->kind);
  guint ry = _kind_rank (y->kind);

  /* Cheap local work first, then uploads, then downloads in UID order, which is how
   * a server returns them fastest. */
  if (rx != ry)
    return (rx > ry) - (rx < ry);
  return (x->uid > y->uid) - (x->uid < y->uid);
}

/* Holds back the deletions of @kind when there are more than the threshold, unless the
 * person answered: yes carries them out, no turns them into restoring the message from
 * the other side. */
static guint
_hold_deletions (AccordSyncPlan       *self,
                 AccordSyncActionKind  kind,
                 guint                 threshold,
                 AccordSyncHeld        answer,
                 guint                 asked)
{
  guint count = 0;

  for (guint i = 0; i < self->actions->len; i++)
    count += g_array_index (self->actions, AccordSyncAction, i).kind == kind;

  /* No is no, whatever the number has become since. */
  if (answer != ACCORD_SYNC_HELD_RESTORE &&
      (threshold == 0 || count <= threshold || (answer == ACCORD_SYNC_HELD_DELETE && count <= asked)))
    return 0;
  if (answer == ACCORD_SYNC_HELD_DELETE)
    answer = ACCORD_SYNC_HELD_ASK;

  for (guint i = self->actions->len; i > 0; i--)
    {
      AccordSyncAction *action = &g_array_index (self->actions, AccordSyncAction, i - 1);

      if (action->kind != kind)
        continue;
      if (answer == ACCORD_SYNC_HELD_ASK)
        g_array_remove_index (self->actions, i - 1);
      else if (kind == ACCORD_SYNC_ACTION_DELETE_REMOTE)
        {
          /* Deleted here, kept there: download it again (recorded anew by its UID). */
          action->kind = ACCORD_SYNC_ACTION_FETCH;
          action->key = NULL;
        }
      else
        {
          /* Deleted there, kept here: forget the old UID and upload the file again. */
          AccordSyncAction upload = { ACCORD_SYNC_ACTION_UPLOAD, 0, action->key, action->flags, 0, 0 };

          action->kind = ACCORD_SYNC_ACTION_FORGET;
          g_array_append_val (self->actions, upload);
        }
    }

  return answer == ACCORD_SYNC_HELD_ASK ? count : 0;
}

/**
 * accord_sync_plan_new:
 * @remote: (array length=n_remote): the server's messages: all of them when
 *   @options says the listing is complete, else those changed or new
 * @local: (array length=n_local): every file here
 * @synced: (array length=n_synced): the messages as last synced
 *
 * Returns: (transfer full): the actions; their keys point into the inputs, which must
 *   outlive the plan
 */
AccordSyncPlan *
accord_sync_plan_new (const AccordRemoteEntry     *remote,
                      guint                        n_remote,
                      const AccordLocalEntry      *local,
                      guint                        n_local,
                      const AccordSyncedEntry     *synced,
                      guint                        n_synced,
                      const AccordSyncPlanOptions *options)
{
  AccordSyncPlan *self = g_new0 (AccordSyncPlan, 1);
  g_autoptr(GHashTable) remote_by_uid = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) local_by_key = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) synced_uids = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) synced_keys = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) vanished = g_hash_table_new (NULL, NULL);

  g_return_val_if_fail (options != NULL, NULL);

  self->actions = g_array_new (FALSE, FALSE, sizeof (AccordSyncAction));

  for (guint i = 0; i < n_remote; i++)
    g_hash_table_insert (remote_by_uid, GUINT_TO_POINTER (remote[i].uid), (gpointer) &remote[i]);
  for (guint i = 0; i < n_local; i++)
    g_hash_table_insert (local_by_key, (gpointer) local[i].key, (gpointer) &local[i]);
  for (guint i = 0; i < options->n_vanished; i++)
    g_hash_table_add (vanished, GUINT_TO_POINTER (options->vanished[i]));

  for (guint i = 0; i < n_synced; i++)
    {
      const AccordSyncedEntry *entry = &synced[i];
      const AccordRemoteEntry *there = g_hash_table_lookup (remote_by_uid, GUINT_TO_POINTER (entry->uid));
      const AccordLocalEntry *here = g_hash_table_lookup (local_by_key, entry->key);
      gboolean remote_gone;
      AccordMailFlags remote_flags;
      AccordMailFlags merged;

      g_hash_table_add (synced_uids, GUINT_TO_POINTER (entry->uid));
      g_hash_table_add (synced_keys, (gpointer) entry->key);

      remote_gone = g_hash_table_contains (vanished, GUINT_TO_POINTER (entry->uid)) ||
                    (options->remote_complete && there == NULL);
      /* Not in a delta listing: unchanged since the last sync. */
      remote_flags = there != NULL ? there->flags : entry->flags;

      if (remote_gone && here == NULL)
        _add (self, ACCORD_SYNC_ACTION_FORGET, entry->uid, entry->key, 0);
      else if (remote_gone)
        _add (self, ACCORD_SYNC_ACTION_DELETE_LOCAL, entry->uid, entry->key, here->flags);
      else if (here == NULL)
        _add (self, ACCORD_SYNC_ACTION_DELETE_REMOTE, entry->uid, entry->key, remote_flags);
      else if ((merged = accord_mail_flags_merge (entry->flags, here->flags, remote_flags)) !=
               entry->flags || merged != here->flags || merged != remote_flags)
        {
          AccordSyncAction action = { ACCORD_SYNC_ACTION_SET_FLAGS, entry->uid, entry->key,
                                      merged, here->flags, remote_flags };

          g_array_append_val (self->actions, action);
        }
    }

  for (guint i = 0; i < n_remote; i++)
    if (!g_hash_table_contains (synced_uids, GUINT_TO_POINTER (remote[i].uid)) &&
        !g_hash_table_contains (vanished, GUINT_TO_POINTER (remote[i].uid)))
      _add (self, ACCORD_SYNC_ACTION_FETCH, remote[i].uid, NULL, remote[i].flags);

  for (guint i = 0; i < n_local; i++)
    if (!g_hash_table_contains (synced_keys, local[i].key))
      _add (self, ACCORD_SYNC_ACTION_UPLOAD, 0, local[i].key, local[i].flags);

  self->held_local_deletes = _hold_deletions (self, ACCORD_SYNC_ACTION_DELETE_LOCAL,
                                              options->deletion_threshold, options->held_here,
                                              options->held_here_asked);
  self->held_remote_deletes = _hold_deletions (self, ACCORD_SYNC_ACTION_DELETE_REMOTE,
                                               options->deletion_threshold, options->held_there,
                                               options->held_there_asked);

  g_array_sort (self->actions, _compare_ranked);

  return self;
}

void
accord_sync_plan_free (AccordSyncPlan *self)
{
  if (self == NULL)
    return;

  g_array_unref (self->actions);
  g_free (self);
}
