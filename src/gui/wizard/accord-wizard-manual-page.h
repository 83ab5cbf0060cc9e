/* accord-wizard-manual-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "accord-core.h"

G_BEGIN_DECLS

#define ACCORD_TYPE_WIZARD_MANUAL_PAGE (accord_wizard_manual_page_get_type ())

G_DECLARE_FINAL_TYPE (AccordWizardManualPage, accord_wizard_manual_page, ACCORD, WIZARD_MANUAL_PAGE, GtkWidget)

void        accord_wizard_manual_page_prefill        (AccordWizardManualPage *self,
                                                      const char             *address,
                                                      const char             *password);
const char *accord_wizard_manual_page_get_address    (AccordWizardManualPage *self);
const char *accord_wizard_manual_page_get_password   (AccordWizardManualPage *self);
GPtrArray  *accord_wizard_manual_page_get_candidates (AccordWizardManualPage *self,
                                                      GError                **error);
void        accord_wizard_manual_page_set_busy       (AccordWizardManualPage *self,
                                                      gboolean                busy);
void        accord_wizard_manual_page_set_message    (AccordWizardManualPage *self,
                                                      const char             *message);

G_END_DECLS
