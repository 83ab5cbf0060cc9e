/* accord-autodiscover-xml.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "accord-candidate.h"

G_BEGIN_DECLS

/* Larger responses are refused unread; real ones are a few kilobytes. */
#define ACCORD_AUTODISCOVER_MAX_SIZE (1024 * 1024)

#define ACCORD_AUTODISCOVER_ERROR (accord_autodiscover_error_quark ())

typedef enum
{
  ACCORD_AUTODISCOVER_ERROR_TOO_LARGE,      /* over ACCORD_AUTODISCOVER_MAX_SIZE */
  ACCORD_AUTODISCOVER_ERROR_MALFORMED,      /* not well-formed XML or JSON */
  ACCORD_AUTODISCOVER_ERROR_UNSAFE,         /* declares or references XML entities */
  ACCORD_AUTODISCOVER_ERROR_WRONG_DOCUMENT, /* well-formed, but not an Autodiscover response */
  ACCORD_AUTODISCOVER_ERROR_NO_SERVERS,     /* settings, but none Accord can use */
  ACCORD_AUTODISCOVER_ERROR_SERVER,         /* a v2 JSON answer that reports an error */
} AccordAutodiscoverError;

GQuark accord_autodiscover_error_quark (void);

/**
 * AccordAutodiscoverKind:
 *
 * What an Autodiscover response asks of the client.
 */
typedef enum
{
  ACCORD_AUTODISCOVER_SETTINGS,         /* candidates are set */
  ACCORD_AUTODISCOVER_REDIRECT_ADDRESS, /* ask again for the redirect target address */
  ACCORD_AUTODISCOVER_REDIRECT_URL,     /* ask the redirect target URL, same address */
  ACCORD_AUTODISCOVER_ERROR_RESPONSE,   /* the server answered with an <Error> */
} AccordAutodiscoverKind;

#define ACCORD_TYPE_AUTODISCOVER_RESPONSE (accord_autodiscover_response_get_type ())

/**
 * AccordAutodiscoverResponse:
 *
 * An Exchange Autodiscover POX response (MS-OXDSCLI), in the Outlook or the
 * mobilesync schema, as the servers it names (#AccordCandidate, source
 * %ACCORD_SOURCE_AUTODISCOVER), a redirect to follow, or the server's error.
 */
typedef struct _AccordAutodiscoverResponse AccordAutodiscoverResponse;

GType                       accord_autodiscover_response_get_type (void) G_GNUC_CONST;
AccordAutodiscoverResponse *accord_autodiscover_xml_parse         (const char  *data,
                                                                   gsize        length,
                                                                   const char  *source_detail,
                                                                   GError     **error);
AccordAutodiscoverResponse *accord_autodiscover_response_ref (AccordAutodiscoverResponse *self);
void accord_autodiscover_response_unref (AccordAutodiscoverResponse *self);

AccordAutodiscoverKind accord_autodiscover_response_get_kind (AccordAutodiscoverResponse *self);
const char *accord_autodiscover_response_get_redirect (AccordAutodiscoverResponse *self);
const char *accord_autodiscover_response_get_error_code (AccordAutodiscoverResponse *self);
const char *accord_autodiscover_response_get_error_message (AccordAutodiscoverResponse *self);
const char *accord_autodiscover_response_get_display_name (AccordAutodiscoverResponse *self);
GPtrArray *accord_autodiscover_response_get_candidates (AccordAutodiscoverResponse *self);

char            *accord_autodiscover_build_request (const char      *address,
                                                    gboolean         mobilesync);
AccordCandidate *accord_autodiscover_parse_v2_json (const char      *data,
                                                    gsize            length,
                                                    AccordProtocol   protocol,
                                                    GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordAutodiscoverResponse, accord_autodiscover_response_unref)

G_END_DECLS
