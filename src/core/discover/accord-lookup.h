/* accord-lookup.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "accord-candidate.h"
#include "accord-confirmation.h"

G_BEGIN_DECLS

typedef enum
{
  ACCORD_LOOKUP_PENDING, /*< nick=pending >*/
  ACCORD_LOOKUP_RUNNING, /*< nick=running >*/
  ACCORD_LOOKUP_FOUND,   /*< nick=found >*/
  ACCORD_LOOKUP_NONE,    /*< nick=none >*/
  ACCORD_LOOKUP_ERROR,   /*< nick=error >*/
  ACCORD_LOOKUP_TIMEOUT, /*< nick=timeout >*/
  ACCORD_LOOKUP_SKIPPED, /*< nick=skipped >*/
} AccordLookupOutcome;

#define ACCORD_TYPE_LOOKUP (accord_lookup_get_type ())

G_DECLARE_DERIVABLE_TYPE (AccordLookup, accord_lookup, ACCORD, LOOKUP, GObject)

/**
 * AccordLookupClass:
 * @run_async: find candidates; finish with a #GPtrArray of #AccordCandidate (empty
 *   when the source had nothing) or an error
 *
 * One source of account settings. The discovery engine runs many at once, each with
 * its own timeout, and shows their progress.
 */
struct _AccordLookupClass
{
  GObjectClass parent_class;

  void       (*run_async)  (AccordLookup         *self,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data);
  GPtrArray *(*run_finish) (AccordLookup         *self,
                            GAsyncResult         *result,
                            GError              **error);
};

AccordSourceKind     accord_lookup_get_source      (AccordLookup         *self);
const char          *accord_lookup_get_target      (AccordLookup         *self);
AccordLookupOutcome  accord_lookup_get_outcome     (AccordLookup         *self);
const char          *accord_lookup_get_detail      (AccordLookup         *self);
guint                accord_lookup_get_elapsed_ms  (AccordLookup         *self);
guint                accord_lookup_get_timeout_ms  (AccordLookup         *self);
void                 accord_lookup_set_timeout_ms  (AccordLookup         *self,
                                                    guint                 timeout_ms);
GPtrArray           *accord_lookup_get_candidates  (AccordLookup         *self);
void                 accord_lookup_set_detail      (AccordLookup         *self,
                                                    const char           *detail);
GPtrArray           *accord_lookup_get_confirmations (AccordLookup       *self);
void                 accord_lookup_add_confirmation  (AccordLookup       *self,
                                                      AccordConfirmation *confirmation);
void                 accord_lookup_skip            (AccordLookup         *self,
                                                    const char           *reason);

void                 accord_lookup_run_async       (AccordLookup         *self,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean             accord_lookup_run_finish      (AccordLookup         *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

const char          *accord_lookup_outcome_to_string (AccordLookupOutcome outcome);

G_END_DECLS
