/* accord-account-store.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "accord-account.h"

G_BEGIN_DECLS

#define ACCORD_TYPE_ACCOUNT_STORE (accord_account_store_get_type ())

G_DECLARE_FINAL_TYPE (AccordAccountStore, accord_account_store, ACCORD, ACCOUNT_STORE, GObject)

AccordAccountStore *accord_account_store_new            (const char           *directory);
const char         *accord_account_store_get_directory  (AccordAccountStore   *self);
AccordAccount      *accord_account_store_lookup         (AccordAccountStore   *self,
                                                         const char           *id);
char               *accord_account_store_generate_id    (AccordAccountStore   *self,
                                                         const char           *address);
const char * const *accord_account_store_get_problems   (AccordAccountStore   *self);

void                accord_account_store_load_async     (AccordAccountStore   *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean            accord_account_store_load_finish    (AccordAccountStore   *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
void                accord_account_store_add_async      (AccordAccountStore   *self,
                                                         AccordAccount        *account,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean            accord_account_store_add_finish     (AccordAccountStore   *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
void                accord_account_store_update_async   (AccordAccountStore   *self,
                                                         AccordAccount        *account,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean            accord_account_store_update_finish  (AccordAccountStore   *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
void                accord_account_store_remove_async   (AccordAccountStore   *self,
                                                         const char           *id,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean            accord_account_store_remove_finish  (AccordAccountStore   *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

G_END_DECLS
