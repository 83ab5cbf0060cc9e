/* accord-account-error.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ACCORD_ACCOUNT_ERROR (accord_account_error_quark ())

typedef enum
{
  ACCORD_ACCOUNT_ERROR_INVALID,      /* the account data is malformed */
  ACCORD_ACCOUNT_ERROR_TOO_NEW,      /* written by a newer Accord */
  ACCORD_ACCOUNT_ERROR_NOT_FOUND,    /* no account with that id */
  ACCORD_ACCOUNT_ERROR_EXISTS,       /* an account with that id exists already */
  ACCORD_ACCOUNT_ERROR_NO_SECRET_SERVICE,
} AccordAccountError;

GQuark accord_account_error_quark (void);

G_END_DECLS
