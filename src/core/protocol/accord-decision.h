/* accord-decision.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "accord-account-types.h"
#include "accord-candidate.h"
#include "accord-protocol-matrix.h"

G_BEGIN_DECLS

#define ACCORD_TYPE_DECISION (accord_decision_get_type ())

G_DECLARE_FINAL_TYPE (AccordDecision, accord_decision, ACCORD, DECISION, GObject)

AccordDecision  *accord_decision_new              (AccordProtocolMatrix *matrix,
                                                   GPtrArray            *candidates);
AccordCandidate *accord_decision_get_choice       (AccordDecision       *self,
                                                   AccordServiceKind     service);
const char      *accord_decision_get_reason       (AccordDecision       *self,
                                                   AccordServiceKind     service);
GPtrArray       *accord_decision_get_alternatives (AccordDecision       *self,
                                                   AccordServiceKind     service);
gboolean         accord_decision_proposes_local   (AccordDecision       *self,
                                                   AccordServiceKind     service);
void             accord_decision_to_json          (AccordDecision       *self,
                                                   JsonBuilder          *builder);

G_END_DECLS
