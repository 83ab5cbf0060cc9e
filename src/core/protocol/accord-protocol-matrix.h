/* accord-protocol-matrix.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "accord-account-types.h"

G_BEGIN_DECLS

#define ACCORD_PROTOCOL_MATRIX_ERROR (accord_protocol_matrix_error_quark ())

typedef enum
{
  ACCORD_PROTOCOL_MATRIX_ERROR_INVALID, /* the matrix data is malformed or incomplete */
} AccordProtocolMatrixError;

/**
 * AccordCapability:
 *
 * One column of the matrix: something a person expects to be synced. The nicks are
 * the column ids of `data/protocols.json`.
 */
typedef enum
{
  ACCORD_CAPABILITY_INBOX,        /*< nick=inbox >*/
  ACCORD_CAPABILITY_ALL_FOLDERS,  /*< nick=all-folders >*/
  ACCORD_CAPABILITY_SENT_ITEMS,   /*< nick=sent-items >*/
  ACCORD_CAPABILITY_DELETIONS,    /*< nick=deletions >*/
  ACCORD_CAPABILITY_READ_STATE,   /*< nick=read-state >*/
  ACCORD_CAPABILITY_PUSH,         /*< nick=push >*/
  ACCORD_CAPABILITY_CONTACTS,     /*< nick=contacts >*/
  ACCORD_CAPABILITY_CALENDAR,     /*< nick=calendar >*/
  ACCORD_CAPABILITY_TASKS,        /*< nick=tasks >*/
  ACCORD_CAPABILITY_NOTES,        /*< nick=notes >*/
  ACCORD_CAPABILITY_SEND,         /*< nick=send >*/
  ACCORD_CAPABILITY_OFFLINE_COPY, /*< nick=offline-copy >*/
} AccordCapability;

#define ACCORD_N_CAPABILITIES (ACCORD_CAPABILITY_OFFLINE_COPY + 1)

/**
 * AccordSupport:
 *
 * How far a protocol provides a capability. The values are the points each level
 * adds to a score.
 */
typedef enum
{
  ACCORD_SUPPORT_NO,      /*< nick=no >*/
  ACCORD_SUPPORT_PARTIAL, /*< nick=partial >*/
  ACCORD_SUPPORT_YES,     /*< nick=yes >*/
} AccordSupport;

#define ACCORD_TYPE_PROTOCOL_MATRIX (accord_protocol_matrix_get_type ())

G_DECLARE_FINAL_TYPE (AccordProtocolMatrix, accord_protocol_matrix, ACCORD, PROTOCOL_MATRIX, GObject)

GQuark                  accord_protocol_matrix_error_quark (void);

const char             *accord_capability_to_string        (AccordCapability   capability);
gboolean                accord_capability_from_string      (const char        *str,
                                                            AccordCapability  *capability);
const char             *accord_support_to_string           (AccordSupport      support);
const AccordCapability *accord_capabilities_for_service    (AccordServiceKind  service,
                                                            guint             *n_capabilities);

AccordProtocolMatrix   *accord_protocol_matrix_get_default (void);
AccordProtocolMatrix   *accord_protocol_matrix_new_from_data (const char      *json,
                                                              GError         **error);

const char             *accord_protocol_matrix_get_capability_label       (AccordProtocolMatrix *self,
                                                                           AccordCapability      capability);
const char             *accord_protocol_matrix_get_capability_description (AccordProtocolMatrix *self,
                                                                           AccordCapability      capability);
const char             *accord_protocol_matrix_get_capability_gain        (AccordProtocolMatrix *self,
                                                                           AccordCapability      capability);
const char             *accord_protocol_matrix_get_capability_loss        (AccordProtocolMatrix *self,
                                                                           AccordCapability      capability);

AccordSupport           accord_protocol_matrix_get_support    (AccordProtocolMatrix *self,
                                                               AccordProtocol        protocol,
                                                               AccordCapability      capability,
                                                               const char          **note);
const char             *accord_protocol_matrix_get_loss       (AccordProtocolMatrix *self,
                                                               AccordProtocol        protocol,
                                                               AccordCapability      capability);
gboolean                accord_protocol_matrix_is_implemented (AccordProtocolMatrix *self,
                                                               AccordProtocol        protocol);
const char             *accord_protocol_matrix_get_label      (AccordProtocolMatrix *self,
                                                               AccordProtocol        protocol);
const char             *accord_protocol_matrix_get_summary    (AccordProtocolMatrix *self,
                                                               AccordProtocol        protocol);
guint                   accord_protocol_matrix_get_preference (AccordProtocolMatrix *self,
                                                               AccordProtocol        protocol);
guint                   accord_protocol_matrix_score          (AccordProtocolMatrix *self,
                                                               AccordProtocol        protocol,
                                                               AccordServiceKind     service);

/* Rows by id, for the comparison view: they include protocols Accord has no
 * AccordProtocol for, such as "mapi". */
const char * const     *accord_protocol_matrix_get_row_ids        (AccordProtocolMatrix *self);
AccordSupport           accord_protocol_matrix_get_row_support    (AccordProtocolMatrix *self,
                                                                   const char           *row_id,
                                                                   AccordCapability      capability,
                                                                   const char          **note);
gboolean                accord_protocol_matrix_row_is_implemented (AccordProtocolMatrix *self,
                                                                   const char           *row_id);
const char             *accord_protocol_matrix_get_row_label      (AccordProtocolMatrix *self,
                                                                   const char           *row_id);
const char             *accord_protocol_matrix_get_row_summary    (AccordProtocolMatrix *self,
                                                                   const char           *row_id);

G_END_DECLS
