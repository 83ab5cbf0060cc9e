/* accord-secrets.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "accord-account-types.h"

G_BEGIN_DECLS

#define ACCORD_TYPE_SECRETS (accord_secrets_get_type ())

G_DECLARE_FINAL_TYPE (AccordSecrets, accord_secrets, ACCORD, SECRETS, GObject)

AccordSecrets *accord_secrets_new                  (void);

void           accord_secrets_store_async          (AccordSecrets        *self,
                                                    const char           *account_id,
                                                    AccordServiceKind     service,
                                                    const char           *label,
                                                    const char           *secret,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean       accord_secrets_store_finish         (AccordSecrets        *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
void           accord_secrets_lookup_async         (AccordSecrets        *self,
                                                    const char           *account_id,
                                                    AccordServiceKind     service,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
char          *accord_secrets_lookup_finish        (AccordSecrets        *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
void           accord_secrets_clear_async          (AccordSecrets        *self,
                                                    const char           *account_id,
                                                    AccordServiceKind     service,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean       accord_secrets_clear_finish         (AccordSecrets        *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
void           accord_secrets_clear_account_async  (AccordSecrets        *self,
                                                    const char           *account_id,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean       accord_secrets_clear_account_finish (AccordSecrets        *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

G_END_DECLS
