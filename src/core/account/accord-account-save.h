/* accord-account-save.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "accord-account-store.h"
#include "accord-secrets.h"

G_BEGIN_DECLS

void     accord_account_save_async  (AccordAccountStore   *store,
                                     AccordSecrets        *secrets,
                                     AccordAccount        *account,
                                     const char           *password,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
gboolean accord_account_save_finish (AccordAccountStore   *store,
                                     GAsyncResult         *result,
                                     GError              **error);

G_END_DECLS
