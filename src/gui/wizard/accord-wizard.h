/* accord-wizard.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "accord-core.h"

G_BEGIN_DECLS

#define ACCORD_TYPE_WIZARD (accord_wizard_get_type ())

G_DECLARE_FINAL_TYPE (AccordWizard, accord_wizard, ACCORD, WIZARD, AdwWindow)

AccordWizard    *accord_wizard_new            (GtkWindow          *parent,
                                               AccordAccountStore *store,
                                               AccordSecrets      *secrets);
const char      *accord_wizard_get_page       (AccordWizard       *self);
AccordDiscovery *accord_wizard_get_discovery  (AccordWizard       *self);
GtkWidget       *accord_wizard_get_page_widget (AccordWizard      *self,
                                               const char         *name);

G_END_DECLS
