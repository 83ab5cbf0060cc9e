/* accord-wizard-confirm-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "accord-core.h"

G_BEGIN_DECLS

#define ACCORD_TYPE_WIZARD_CONFIRM_PAGE (accord_wizard_confirm_page_get_type ())

G_DECLARE_FINAL_TYPE (AccordWizardConfirmPage, accord_wizard_confirm_page, ACCORD, WIZARD_CONFIRM_PAGE, GtkWidget)

void accord_wizard_confirm_page_set_confirmations (AccordWizardConfirmPage *self,
                                                   GPtrArray               *confirmations);

G_END_DECLS
