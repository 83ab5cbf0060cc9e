/* accord-sync-summary.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "accord-account-types.h"
#include "accord-decision.h"
#include "accord-protocol-matrix.h"

G_BEGIN_DECLS

const char     *accord_sync_summary_get_service_title (AccordServiceKind     service);
AccordProtocol  accord_sync_summary_get_choice        (AccordDecision       *decision,
                                                       AccordServiceKind     service);
char           *accord_sync_summary_describe          (AccordProtocolMatrix *matrix,
                                                       AccordServiceKind     service,
                                                       AccordProtocol        protocol,
                                                       AccordProtocol        mail_in);
GStrv           accord_sync_summary_describe_decision (AccordProtocolMatrix *matrix,
                                                       AccordDecision       *decision);

G_END_DECLS
