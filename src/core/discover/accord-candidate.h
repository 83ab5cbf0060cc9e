/* accord-candidate.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "accord-account-types.h"
#include "accord-service-config.h"

G_BEGIN_DECLS

/**
 * AccordSourceKind:
 *
 * Where a candidate came from, most trusted first.
 */
typedef enum
{
  ACCORD_SOURCE_LOCAL,           /*< nick=local >*/
  ACCORD_SOURCE_AUTOCONFIG,      /*< nick=autoconfig >*/
  ACCORD_SOURCE_ISPDB,           /*< nick=ispdb >*/
  ACCORD_SOURCE_MX,              /*< nick=mx >*/
  ACCORD_SOURCE_SRV,             /*< nick=srv >*/
  ACCORD_SOURCE_DAV,             /*< nick=dav >*/
  ACCORD_SOURCE_JMAP,            /*< nick=jmap >*/
  ACCORD_SOURCE_AUTODISCOVER,    /*< nick=autodiscover >*/
  ACCORD_SOURCE_HTTP_AUTOCONFIG, /*< nick=http-autoconfig >*/
  ACCORD_SOURCE_GUESS,           /*< nick=guess >*/
} AccordSourceKind;

typedef enum /*< flags >*/
{
  ACCORD_CANDIDATE_FLAG_NONE            = 0,
  /* Found through the MX host's domain, not the address's own: the person confirms. */
  ACCORD_CANDIDATE_FLAG_DNS_DERIVED     = 1 << 0,
  /* Came over plain HTTP: anyone on the path could have written it. */
  ACCORD_CANDIDATE_FLAG_INSECURE_SOURCE = 1 << 1,
  /* Reached through a redirect to another registrable domain. */
  ACCORD_CANDIDATE_FLAG_REDIRECTED      = 1 << 2,
  /* Probed, and the server could not be reached or did not speak the protocol. */
  ACCORD_CANDIDATE_FLAG_UNREACHABLE     = 1 << 3,
  /* Probed, and the server's certificate failed verification: the person decides. */
  ACCORD_CANDIDATE_FLAG_UNTRUSTED_CERTIFICATE = 1 << 4,
} AccordCandidateFlags;

#define ACCORD_TYPE_CANDIDATE (accord_candidate_get_type ())

/**
 * AccordCandidate:
 *
 * One way to reach one service of an account, as a lookup source described it.
 * A reference-counted record; discovery collects many, the decision picks one per
 * service and keeps the rest as alternatives.
 */
typedef struct _AccordCandidate
{
  AccordServiceKind     service;
  AccordProtocol        protocol;
  char                 *host;      /* NULL for URL-based protocols */
  guint16               port;
  AccordSecurity        security;
  char                 *url;       /* JMAP session, DAV context/collection, EAS/EWS endpoint */
  char                 *username;  /* with placeholders resolved; NULL when the source gave none */
  AccordAuthMethod      auth;
  AccordSourceKind      source;
  char                 *source_detail; /* the URL or DNS name the candidate was read from */
  AccordCandidateFlags  flags;

  /*< private >*/
  gatomicrefcount       ref_count;
} AccordCandidate;

GType            accord_candidate_get_type  (void) G_GNUC_CONST;
AccordCandidate *accord_candidate_new       (AccordServiceKind      service,
                                             AccordProtocol         protocol,
                                             AccordSourceKind       source);
AccordCandidate *accord_candidate_ref       (AccordCandidate       *self);
void             accord_candidate_unref     (AccordCandidate       *self);
AccordCandidate *accord_candidate_copy      (const AccordCandidate *self);
gboolean         accord_candidate_same_endpoint (const AccordCandidate *a,
                                                 const AccordCandidate *b);
void             accord_candidate_to_json   (const AccordCandidate *self,
                                             JsonBuilder           *builder);
AccordServiceConfig *accord_candidate_to_service_config (const AccordCandidate *self,
                                                         const char            *username);

const char      *accord_source_kind_to_string (AccordSourceKind     kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordCandidate, accord_candidate_unref)

G_END_DECLS
