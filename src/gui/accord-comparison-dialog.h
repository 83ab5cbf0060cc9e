/* accord-comparison-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "accord-comparison-view.h"
#include "accord-decision.h"

G_BEGIN_DECLS

#define ACCORD_TYPE_COMPARISON_DIALOG (accord_comparison_dialog_get_type ())

G_DECLARE_FINAL_TYPE (AccordComparisonDialog, accord_comparison_dialog, ACCORD, COMPARISON_DIALOG, AdwWindow)

AccordComparisonDialog *accord_comparison_dialog_new          (GtkWindow              *parent);
void                    accord_comparison_dialog_set_decision (AccordComparisonDialog *self,
                                                               AccordDecision         *decision);
AccordComparisonView   *accord_comparison_dialog_get_view     (AccordComparisonDialog *self);

G_END_DECLS
