/* accord-wizard-result-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "accord-core.h"

G_BEGIN_DECLS

#define ACCORD_TYPE_WIZARD_RESULT_PAGE (accord_wizard_result_page_get_type ())

G_DECLARE_FINAL_TYPE (AccordWizardResultPage, accord_wizard_result_page, ACCORD, WIZARD_RESULT_PAGE, GtkWidget)

void             accord_wizard_result_page_set_discovery   (AccordWizardResultPage *self,
                                                            AccordDiscovery        *discovery);
AccordCandidate *accord_wizard_result_page_get_choice      (AccordWizardResultPage *self,
                                                            AccordServiceKind       service);
gboolean         accord_wizard_result_page_select          (AccordWizardResultPage *self,
                                                            AccordServiceKind       service,
                                                            AccordProtocol          protocol);
gboolean         accord_wizard_result_page_get_password_refused (AccordWizardResultPage *self);
GtkWidget       *accord_wizard_result_page_get_comparison  (AccordWizardResultPage *self);

G_END_DECLS
