/* accord-account-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "accord-core.h"

G_BEGIN_DECLS

#define ACCORD_TYPE_ACCOUNT_ROW (accord_account_row_get_type ())

G_DECLARE_FINAL_TYPE (AccordAccountRow, accord_account_row, ACCORD, ACCOUNT_ROW, AdwActionRow)

GtkWidget     *accord_account_row_new         (AccordAccount    *account);
AccordAccount *accord_account_row_get_account (AccordAccountRow *self);

G_END_DECLS
