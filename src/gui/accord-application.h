/* accord-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "accord-core.h"

G_BEGIN_DECLS

#define ACCORD_TYPE_APPLICATION (accord_application_get_type ())

G_DECLARE_FINAL_TYPE (AccordApplication, accord_application, ACCORD, APPLICATION, AdwApplication)

AccordApplication  *accord_application_new               (void);
AccordAccountStore *accord_application_get_account_store (AccordApplication *self);

G_END_DECLS
