/* accord-sync-worker.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "accord-sync-worker.h"

/* Keeps the result of an async call in the GAsyncResult* that @user_data points to. */
void
_accord_sync_store_result_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Runs the thread-default main context until *@slot is set. */
GAsyncResult *
_accord_sync_await (GAsyncResult **slot)
{
  GMainContext *context = g_main_context_get_thread_default ();

  while (*slot == NULL)
    g_main_context_iteration (context, TRUE);

  return *slot;
}
