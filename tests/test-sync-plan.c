/* test-sync-plan.c
 *
 * The rules of a folder's sync, without a server: new, deleted and changed messages
 * on either side, three-way flag merges, partial listings and the deletion guard.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "accord-sync-plan.h"

#define S ACCORD_MAIL_FLAG_SEEN
#define F ACCORD_MAIL_FLAG_FLAGGED
#define R ACCORD_MAIL_FLAG_ANSWERED

static const AccordSyncAction *
_find (AccordSyncPlan       *plan,
       AccordSyncActionKind  kind,
       guint32               uid,
       const char           *key)
{
  for (guint i = 0; i < plan->actions->len; i++)
    {
      const AccordSyncAction *action = &g_array_index (plan->actions, AccordSyncAction, i);

      if (action->kind == kind && action->uid == uid && g_strcmp0 (action->key, key) == 0)
        return action;
    }

  return NULL;
}

static void
test_merge (void)
{
  /* Each side's change survives; unchanged flags keep the base. */
  g_assert_cmpint (accord_mail_flags_merge (0, S, 0), ==, S);
  g_assert_cmpint (accord_mail_flags_merge (0, 0, F), ==, F);
  g_assert_cmpint (accord_mail_flags_merge (0, S, F), ==, S | F);
  g_assert_cmpint (accord_mail_flags_merge (S | F, S, F), ==, 0);
  g_assert_cmpint (accord_mail_flags_merge (S, S | R, 0), ==, R);
  /* The same change on both sides is one change. */
  g_assert_cmpint (accord_mail_flags_merge (0, S, S), ==, S);
  g_assert_cmpint (accord_mail_flags_merge (S, S, S), ==, S);
}

static void
test_first_sync (void)
{
  AccordRemoteEntry remote[] = { { 1, S }, { 2, 0 } };
  AccordLocalEntry local[] = { { "k-local", F } };
  AccordSyncPlanOptions options = { TRUE, NULL, 0, 0, ACCORD_SYNC_HELD_ASK, ACCORD_SYNC_HELD_ASK, 0, 0 };
  g_autoptr(AccordSyncPlan) plan = NULL;

  plan = accord_sync_plan_new (remote, 2, local, 1, NULL, 0, &options);
  g_assert_cmpuint (plan->actions->len, ==, 3);
  g_assert_nonnull (_find (plan, ACCORD_SYNC_ACTION_FETCH, 1, NULL));
  g_assert_cmpint (_find (plan, ACCORD_SYNC_ACTION_FETCH, 1, NULL)->flags, ==, S);
  g_assert_nonnull (_find (plan, ACCORD_SYNC_ACTION_FETCH, 2, NULL));
  g_assert_nonnull (_find (plan, ACCORD_SYNC_ACTION_UPLOAD, 0, "k-local"));
  /* Uploads come before downloads, downloads in UID order. */
  g_assert_cmpint (g_array_index (plan->actions, AccordSyncAction, 0).kind, ==,
                   ACCORD_SYNC_ACTION_UPLOAD);
  g_assert_cmpuint (g_array_index (plan->actions, AccordSyncAction, 1).uid, ==, 1);
}

static void
test_no_op (void)
{
  AccordRemoteEntry remote[] = { { 1, S }, { 2, 0 } };
  AccordLocalEntry local[] = { { "a", S }, { "b", 0 } };
  AccordSyncedEntry synced[] = { { 1, "a", S }, { 2, "b", 0 } };
  AccordSyncPlanOptions options = { TRUE, NULL, 0, 0, ACCORD_SYNC_HELD_ASK, ACCORD_SYNC_HELD_ASK, 0, 0 };
  g_autoptr(AccordSyncPlan) plan = accord_sync_plan_new (remote, 2, local, 2, synced, 2, &options);

  g_assert_cmpuint (plan->actions->len, ==, 0);
}

static void
test_changes_both_ways (void)
{
  /* 1: seen here, flagged there. 2: deleted there. 3: deleted here. 4: gone from
   * both. 5: answered there. */
  AccordRemoteEntry remote[] = { { 1, F }, { 3, 0 }, { 5, R } };
  AccordLocalEntry local[] = { { "a", S }, { "b", 0 }, { "e", 0 } };
  AccordSyncedEntry synced[] = { { 1, "a", 0 }, { 2, "b", 0 }, { 3, "c", 0 }, { 4, "d", 0 },
                                 { 5, "e", 0 } };
  AccordSyncPlanOptions options = { TRUE, NULL, 0, 0, ACCORD_SYNC_HELD_ASK, ACCORD_SYNC_HELD_ASK, 0, 0 };
  g_autoptr(AccordSyncPlan) plan = accord_sync_plan_new (remote, 3, local, 3, synced, 5, &options);
  const AccordSyncAction *action;

  g_assert_cmpuint (plan->actions->len, ==, 5);
  action = _find (plan, ACCORD_SYNC_ACTION_SET_FLAGS, 1, "a");
  g_assert_nonnull (action);
  g_assert_cmpint (action->flags, ==, S | F);
  g_assert_cmpint (action->local_flags, ==, S);
  g_assert_cmpint (action->remote_flags, ==, F);
  g_assert_nonnull (_find (plan, ACCORD_SYNC_ACTION_DELETE_LOCAL, 2, "b"));
  g_assert_nonnull (_find (plan, ACCORD_SYNC_ACTION_DELETE_REMOTE, 3, "c"));
  g_assert_nonnull (_find (plan, ACCORD_SYNC_ACTION_FORGET, 4, "d"));
  g_assert_cmpint (_find (plan, ACCORD_SYNC_ACTION_SET_FLAGS, 5, "e")->flags, ==, R);
}

static void
test_delta_listing (void)
{
  /* CONDSTORE: only 2 changed, 3 vanished; 1 and 4 were not listed at all. */
  AccordRemoteEntry remote[] = { { 2, S }, { 9, 0 } };
  guint32 vanished[] = { 3 };
  AccordLocalEntry local[] = { { "a", 0 }, { "b", 0 }, { "c", 0 }, { "d", 0 } };
  AccordSyncedEntry synced[] = { { 1, "a", 0 }, { 2, "b", 0 }, { 3, "c", 0 }, { 4, "d", 0 } };
  AccordSyncPlanOptions options = { FALSE, vanished, 1, 0, ACCORD_SYNC_HELD_ASK, ACCORD_SYNC_HELD_ASK, 0, 0 };
  g_autoptr(AccordSyncPlan) plan = accord_sync_plan_new (remote, 2, local, 4, synced, 4, &options);

  g_assert_cmpuint (plan->actions->len, ==, 3);
  g_assert_cmpint (_find (plan, ACCORD_SYNC_ACTION_SET_FLAGS, 2, "b")->flags, ==, S);
  g_assert_nonnull (_find (plan, ACCORD_SYNC_ACTION_DELETE_LOCAL, 3, "c"));
  g_assert_nonnull (_find (plan, ACCORD_SYNC_ACTION_FETCH, 9, NULL));
}

static void
test_partial_listing_deletes_nothing (void)
{
  /* A listing that failed half-way lists only some messages: nothing is inferred. */
  AccordRemoteEntry remote[] = { { 1, 0 } };
  AccordLocalEntry local[] = { { "a", 0 }, { "b", 0 } };
  AccordSyncedEntry synced[] = { { 1, "a", 0 }, { 2, "b", 0 } };
  AccordSyncPlanOptions options = { FALSE, NULL, 0, 0, ACCORD_SYNC_HELD_ASK, ACCORD_SYNC_HELD_ASK, 0, 0 };
  g_autoptr(AccordSyncPlan) plan = accord_sync_plan_new (remote, 1, local, 2, synced, 2, &options);

  g_assert_cmpuint (plan->actions->len, ==, 0);
}

static guint
_count (AccordSyncPlan       *plan,
        AccordSyncActionKind  kind)
{
  guint n = 0;

  for (guint i = 0; i < plan->actions->len; i++)
    n += g_array_index (plan->actions, AccordSyncAction, i).kind == kind;
  return n;
}

static void
test_deletion_guard (void)
{
  g_autoptr(GArray) local = g_array_new (FALSE, FALSE, sizeof (AccordLocalEntry));
  g_autoptr(GArray) synced = g_array_new (FALSE, FALSE, sizeof (AccordSyncedEntry));
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  AccordSyncPlanOptions options = { TRUE, NULL, 0, 100, ACCORD_SYNC_HELD_ASK, ACCORD_SYNC_HELD_ASK, 0, 0 };
  g_autoptr(AccordSyncPlan) plan = NULL;
  AccordRemoteEntry remote[] = { { 1, 0 } };

  /* The server lost 500 of 501 messages at once: held, not applied. */
  for (guint32 uid = 1; uid <= 501; uid++)
    {
      char *key = g_strdup_printf ("k%u", uid);
      AccordLocalEntry here = { key, 0 };
      AccordSyncedEntry entry = { uid, key, 0 };

      g_ptr_array_add (keys, key);
      g_array_append_val (local, here);
      g_array_append_val (synced, entry);
    }

  plan = accord_sync_plan_new (remote, 1, (AccordLocalEntry *) local->data, local->len,
                               (AccordSyncedEntry *) synced->data, synced->len, &options);
  g_assert_cmpuint (plan->actions->len, ==, 0);
  g_assert_cmpuint (plan->held_local_deletes, ==, 500);
  g_assert_cmpuint (plan->held_remote_deletes, ==, 0);
  g_clear_pointer (&plan, accord_sync_plan_free);

  /* The person said yes to 400: 500 is another question. */
  options.held_here = ACCORD_SYNC_HELD_DELETE;
  options.held_here_asked = 400;
  plan = accord_sync_plan_new (remote, 1, (AccordLocalEntry *) local->data, local->len,
                               (AccordSyncedEntry *) synced->data, synced->len, &options);
  g_assert_cmpuint (plan->held_local_deletes, ==, 500);
  g_assert_cmpuint (_count (plan, ACCORD_SYNC_ACTION_DELETE_LOCAL), ==, 0);
  g_clear_pointer (&plan, accord_sync_plan_free);

  /* Yes to 500: deleted here. */
  options.held_here_asked = 500;
  plan = accord_sync_plan_new (remote, 1, (AccordLocalEntry *) local->data, local->len,
                               (AccordSyncedEntry *) synced->data, synced->len, &options);
  g_assert_cmpuint (plan->held_local_deletes, ==, 0);
  g_assert_cmpuint (_count (plan, ACCORD_SYNC_ACTION_DELETE_LOCAL), ==, 500);
  g_clear_pointer (&plan, accord_sync_plan_free);

  /* No: each is forgotten as the server's and uploaded again. */
  options.held_here = ACCORD_SYNC_HELD_RESTORE;
  plan = accord_sync_plan_new (remote, 1, (AccordLocalEntry *) local->data, local->len,
                               (AccordSyncedEntry *) synced->data, synced->len, &options);
  g_assert_cmpuint (plan->held_local_deletes, ==, 0);
  g_assert_cmpuint (_count (plan, ACCORD_SYNC_ACTION_DELETE_LOCAL), ==, 0);
  g_assert_cmpuint (_count (plan, ACCORD_SYNC_ACTION_FORGET), ==, 500);
  g_assert_cmpuint (_count (plan, ACCORD_SYNC_ACTION_UPLOAD), ==, 500);
  /* Forgotten before uploaded, so the new UID is recorded on a clean slate. */
  g_assert_cmpint (g_array_index (plan->actions, AccordSyncAction, 0).kind, ==, ACCORD_SYNC_ACTION_FORGET);
  g_clear_pointer (&plan, accord_sync_plan_free);

  /* No stays no when the number has dropped under the threshold since. */
  options.deletion_threshold = 1000;
  plan = accord_sync_plan_new (remote, 1, (AccordLocalEntry *) local->data, local->len,
                               (AccordSyncedEntry *) synced->data, synced->len, &options);
  g_assert_cmpuint (_count (plan, ACCORD_SYNC_ACTION_DELETE_LOCAL), ==, 0);
  g_assert_cmpuint (_count (plan, ACCORD_SYNC_ACTION_UPLOAD), ==, 500);
  g_clear_pointer (&plan, accord_sync_plan_free);
  options.deletion_threshold = 100;
  options.held_here = ACCORD_SYNC_HELD_ASK;
  options.held_here_asked = 0;

  /* 500 of 501 deleted here, no: downloaded again, not deleted there. */
  options.held_there = ACCORD_SYNC_HELD_RESTORE;
  {
    g_autoptr(GArray) everything = g_array_new (FALSE, FALSE, sizeof (AccordRemoteEntry));

    for (guint32 uid = 1; uid <= 501; uid++)
      {
        AccordRemoteEntry there = { uid, 0 };

        g_array_append_val (everything, there);
      }
    plan = accord_sync_plan_new ((AccordRemoteEntry *) everything->data, everything->len,
                                 (AccordLocalEntry *) local->data, 1,
                                 (AccordSyncedEntry *) synced->data, synced->len, &options);
    g_assert_cmpuint (plan->held_remote_deletes, ==, 0);
    g_assert_cmpuint (_count (plan, ACCORD_SYNC_ACTION_DELETE_REMOTE), ==, 0);
    g_assert_cmpuint (_count (plan, ACCORD_SYNC_ACTION_FETCH), ==, 500);
    g_clear_pointer (&plan, accord_sync_plan_free);
  }
  options.held_there = ACCORD_SYNC_HELD_ASK;

  /* Below the threshold, deletions go ahead. */
  g_array_set_size (local, 10);
  g_array_set_size (synced, 10);
  plan = accord_sync_plan_new (remote, 1, (AccordLocalEntry *) local->data, local->len,
                               (AccordSyncedEntry *) synced->data, synced->len, &options);
  g_assert_cmpuint (plan->actions->len, ==, 9);
  g_assert_cmpuint (plan->held_local_deletes, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync-plan/merge", test_merge);
  g_test_add_func ("/sync-plan/first-sync", test_first_sync);
  g_test_add_func ("/sync-plan/no-op", test_no_op);
  g_test_add_func ("/sync-plan/changes-both-ways", test_changes_both_ways);
  g_test_add_func ("/sync-plan/delta-listing", test_delta_listing);
  g_test_add_func ("/sync-plan/partial-listing", test_partial_listing_deletes_nothing);
  g_test_add_func ("/sync-plan/deletion-guard", test_deletion_guard);

  return g_test_run ();
}
