/* accord-account.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "accord-account-types.h"
#include "accord-service-config.h"

G_BEGIN_DECLS

/* The layout of an account file. Raise it when the layout changes, and add the step
 * that brings the previous layout forward to _accord_account_migrate(). */
#define ACCORD_ACCOUNT_FORMAT_VERSION 1

#define ACCORD_TYPE_ACCOUNT (accord_account_get_type ())

G_DECLARE_FINAL_TYPE (AccordAccount, accord_account, ACCORD, ACCOUNT, GObject)

AccordAccount       *accord_account_new                (const char           *id,
                                                        const char           *address);
AccordAccount       *accord_account_new_from_json      (JsonNode             *node,
                                                        GError              **error);
JsonNode            *accord_account_to_json            (AccordAccount        *self);
AccordAccount       *accord_account_copy               (AccordAccount        *self);
gboolean             accord_account_equal              (AccordAccount        *a,
                                                        AccordAccount        *b);

const char          *accord_account_get_id             (AccordAccount        *self);
const char          *accord_account_get_address        (AccordAccount        *self);
void                 accord_account_set_address        (AccordAccount        *self,
                                                        const char           *address);
const char          *accord_account_get_display_name   (AccordAccount        *self);
void                 accord_account_set_display_name   (AccordAccount        *self,
                                                        const char           *display_name);
const char          *accord_account_get_provider_name  (AccordAccount        *self);
void                 accord_account_set_provider_name  (AccordAccount        *self,
                                                        const char           *provider_name);
AccordServiceConfig *accord_account_get_service        (AccordAccount        *self,
                                                        AccordServiceKind     kind);
void                 accord_account_set_service        (AccordAccount        *self,
                                                        AccordServiceKind     kind,
                                                        AccordServiceConfig  *config);
char                *accord_account_dup_protocols_summary (AccordAccount     *self);

gboolean             accord_account_id_is_valid        (const char           *id);
char                *accord_account_id_from_address    (const char           *address);

G_END_DECLS
