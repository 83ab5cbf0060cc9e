/* accord-confirmation.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * AccordConfirmationKind:
 * @ACCORD_CONFIRMATION_REDIRECT: a server sent Accord to another registrable domain,
 *   and the password would go there
 * @ACCORD_CONFIRMATION_CERTIFICATE: a server's certificate failed verification
 * @ACCORD_CONFIRMATION_INSECURE: the settings came over an unencrypted connection
 * @ACCORD_CONFIRMATION_DNS_DERIVED: the settings belong to the domain of the mail
 *   exchanger (MX), not to the address's own domain
 *
 * What a person must say yes to before Accord goes on.
 */
typedef enum
{
  ACCORD_CONFIRMATION_REDIRECT,    /*< nick=redirect >*/
  ACCORD_CONFIRMATION_CERTIFICATE, /*< nick=certificate >*/
  ACCORD_CONFIRMATION_INSECURE,    /*< nick=insecure >*/
  ACCORD_CONFIRMATION_DNS_DERIVED, /*< nick=dns-derived >*/
} AccordConfirmationKind;

#define ACCORD_TYPE_CONFIRMATION (accord_confirmation_get_type ())

/**
 * AccordConfirmation:
 * @kind: what is to be confirmed
 * @subject: the domain (redirect, dns-derived), host (certificate) or URL (insecure)
 *   the question is about, to be shown prominently
 * @detail: one sentence for a person
 * @fingerprint: (nullable): for a certificate, its SHA-256 fingerprint as colon-separated
 *   hex pairs
 *
 * An immutable record, shared by reference (#GRcBox).
 */
typedef struct
{
  AccordConfirmationKind  kind;
  char                   *subject;
  char                   *detail;
  char                   *fingerprint;
} AccordConfirmation;

GType               accord_confirmation_get_type (void) G_GNUC_CONST;
AccordConfirmation *accord_confirmation_new      (AccordConfirmationKind    kind,
                                                  const char               *subject,
                                                  const char               *detail,
                                                  const char               *fingerprint);
AccordConfirmation *accord_confirmation_ref      (AccordConfirmation       *self);
void                accord_confirmation_unref    (AccordConfirmation       *self);
gboolean            accord_confirmation_equal    (const AccordConfirmation *a,
                                                  const AccordConfirmation *b);
void                accord_confirmation_to_json  (const AccordConfirmation *self,
                                                  JsonBuilder              *builder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordConfirmation, accord_confirmation_unref)

G_END_DECLS
