/* accord-comparison-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "accord-account-types.h"
#include "accord-decision.h"

G_BEGIN_DECLS

#define ACCORD_TYPE_COMPARISON_VIEW (accord_comparison_view_get_type ())

G_DECLARE_FINAL_TYPE (AccordComparisonView, accord_comparison_view, ACCORD, COMPARISON_VIEW, GtkWidget)

GtkWidget  *accord_comparison_view_new           (void);
void        accord_comparison_view_set_protocols (AccordComparisonView *self,
                                                  const AccordProtocol *protocols,
                                                  guint                 n_protocols);
void        accord_comparison_view_set_choice    (AccordComparisonView *self,
                                                  AccordServiceKind     service,
                                                  AccordProtocol        protocol);
void        accord_comparison_view_unset_choice  (AccordComparisonView *self,
                                                  AccordServiceKind     service);
gboolean    accord_comparison_view_get_choice    (AccordComparisonView *self,
                                                  AccordServiceKind     service,
                                                  AccordProtocol       *protocol);
void        accord_comparison_view_set_decision  (AccordComparisonView *self,
                                                  AccordDecision       *decision);
const char *accord_comparison_view_get_summary   (AccordComparisonView *self,
                                                  AccordServiceKind     service);

G_END_DECLS
