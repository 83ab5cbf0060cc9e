/* accord-core.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "account/accord-account-error.h"
#include "account/accord-account-types.h"
#include "account/accord-account.h"
#include "account/accord-account-save.h"
#include "account/accord-account-store.h"
#include "account/accord-secrets.h"
#include "account/accord-service-config.h"
#include "discover/accord-candidate.h"
#include "discover/accord-discovery.h"
#include "discover/accord-lookup.h"
#include "protocol/accord-decision.h"
#include "protocol/accord-protocol-matrix.h"
#include "accord-core-enums.h"
