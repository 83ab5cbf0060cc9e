/* accord-wizard-address-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ACCORD_TYPE_WIZARD_ADDRESS_PAGE (accord_wizard_address_page_get_type ())

G_DECLARE_FINAL_TYPE (AccordWizardAddressPage, accord_wizard_address_page, ACCORD, WIZARD_ADDRESS_PAGE, GtkWidget)

const char *accord_wizard_address_page_get_address  (AccordWizardAddressPage *self);
const char *accord_wizard_address_page_get_password (AccordWizardAddressPage *self);
gboolean    accord_wizard_address_page_is_complete  (AccordWizardAddressPage *self);
void        accord_wizard_address_page_set_message  (AccordWizardAddressPage *self,
                                                     const char              *message);
void        accord_wizard_address_page_focus        (AccordWizardAddressPage *self);

G_END_DECLS
