/* accord-verification.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "accord-candidate.h"
#include "accord-confirmation.h"
#include "accord-decision.h"
#include "accord-probe.h"

G_BEGIN_DECLS

#define ACCORD_TYPE_VERIFICATION (accord_verification_get_type ())

G_DECLARE_FINAL_TYPE (AccordVerification, accord_verification, ACCORD, VERIFICATION, GObject)

/**
 * AccordCheck:
 * @candidate: the server that was probed (the first candidate that named it)
 * @result: (nullable): what the probe learnt, also when it failed part-way
 * @error: (nullable): why the probe failed
 *
 * One server probed by a verification.
 */
typedef struct
{
  AccordCandidate   *candidate;
  AccordProbeResult *result;
  GError            *error;
} AccordCheck;

AccordVerification *accord_verification_new               (const char           *address,
                                                           const char           *password);
void                accord_verification_set_timeout       (AccordVerification   *self,
                                                           guint                 seconds);
void                accord_verification_set_tls_database  (AccordVerification   *self,
                                                           GTlsDatabase         *database);
void                accord_verification_set_pinned_certificate (AccordVerification *self,
                                                                const char         *host,
                                                                const char         *fingerprint);
void                accord_verification_run_async         (AccordVerification   *self,
                                                           GPtrArray            *candidates,
                                                           AccordProtocolMatrix *matrix,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean            accord_verification_run_finish        (AccordVerification   *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);
GPtrArray          *accord_verification_get_candidates    (AccordVerification   *self);
AccordDecision     *accord_verification_get_decision      (AccordVerification   *self);
GPtrArray          *accord_verification_get_confirmations (AccordVerification   *self);
guint               accord_verification_get_n_checks      (AccordVerification   *self);
const AccordCheck  *accord_verification_get_check         (AccordVerification   *self,
                                                           guint                 index);
AccordProbeLogin    accord_verification_get_login         (AccordVerification   *self,
                                                           AccordServiceKind     service,
                                                           const char          **message);
void                accord_verification_checks_to_json    (AccordVerification   *self,
                                                           JsonBuilder          *builder);

G_END_DECLS
