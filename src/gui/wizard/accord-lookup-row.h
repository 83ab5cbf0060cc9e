/* accord-lookup-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "accord-core.h"

G_BEGIN_DECLS

#define ACCORD_TYPE_LOOKUP_ROW (accord_lookup_row_get_type ())

G_DECLARE_FINAL_TYPE (AccordLookupRow, accord_lookup_row, ACCORD, LOOKUP_ROW, AdwActionRow)

GtkWidget    *accord_lookup_row_new        (AccordLookup    *lookup);
GtkWidget    *accord_lookup_row_new_step   (const char      *title,
                                            const char      *subtitle);
void          accord_lookup_row_set_done   (AccordLookupRow *self,
                                            gboolean         success,
                                            const char      *state);
AccordLookup *accord_lookup_row_get_lookup (AccordLookupRow *self);
const char   *accord_lookup_row_get_state  (AccordLookupRow *self);

G_END_DECLS
