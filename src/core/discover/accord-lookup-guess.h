/* accord-lookup-guess.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "accord-lookup.h"

G_BEGIN_DECLS

#define ACCORD_TYPE_LOOKUP_GUESS (accord_lookup_guess_get_type ())

G_DECLARE_FINAL_TYPE (AccordLookupGuess, accord_lookup_guess, ACCORD, LOOKUP_GUESS, AccordLookup)

AccordLookup *accord_lookup_guess_new (const char *domain,
                                       GResolver  *resolver);

G_END_DECLS
