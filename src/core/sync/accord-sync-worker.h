/* accord-sync-worker.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The sync engines run on worker threads, each with a main context of its own
 * pushed as thread-default; there an async call is started with
 * _accord_sync_store_result_cb and &slot, and _accord_sync_await (&slot) iterates
 * that context until its result is in. Straight-line code, nothing blocked on the
 * caller's loop. */

void          _accord_sync_store_result_cb (GObject       *object,
                                            GAsyncResult  *result,
                                            gpointer       user_data);
GAsyncResult *_accord_sync_await           (GAsyncResult **slot);
int           _accord_sync_lock            (const char     *state_path,
                                            const char     *suffix,
                                            GCancellable   *cancellable,
                                            GError        **error);

#define AWAIT_INIT(name) g_autoptr(GAsyncResult) name = NULL

G_END_DECLS
