/* accord-autoconfig.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "accord-candidate.h"

G_BEGIN_DECLS

/* Larger documents are refused unread; real provider files are a few kilobytes. */
#define ACCORD_AUTOCONFIG_MAX_SIZE (1024 * 1024)

#define ACCORD_AUTOCONFIG_ERROR (accord_autoconfig_error_quark ())

typedef enum
{
  ACCORD_AUTOCONFIG_ERROR_TOO_LARGE,       /* over ACCORD_AUTOCONFIG_MAX_SIZE */
  ACCORD_AUTOCONFIG_ERROR_MALFORMED,       /* not well-formed XML */
  ACCORD_AUTOCONFIG_ERROR_UNSAFE,          /* declares or references entities */
  ACCORD_AUTOCONFIG_ERROR_WRONG_DOCUMENT,  /* well-formed, but not a clientConfig */
  ACCORD_AUTOCONFIG_ERROR_NO_SERVERS,      /* no incoming mail server Accord can use */
  ACCORD_AUTOCONFIG_ERROR_INVALID_ADDRESS, /* the address has no local part or domain */
} AccordAutoconfigError;

GQuark accord_autoconfig_error_quark (void);

/**
 * AccordAutoconfigLink:
 * @url: where the link leads
 * @text: (nullable): what the provider says about it, in its default language
 *
 * A page of the provider's help (`<documentation>`), or a step the person has to take
 * in the provider's web settings before a mail client may connect (`<enable>`).
 */
typedef struct
{
  char *url;
  char *text;
} AccordAutoconfigLink;

void accord_autoconfig_link_free (AccordAutoconfigLink *link);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordAutoconfigLink, accord_autoconfig_link_free)

#define ACCORD_TYPE_AUTOCONFIG (accord_autoconfig_get_type ())

/**
 * AccordAutoconfig:
 *
 * A provider's Thunderbird-style configuration file (`config-v1.1.xml`), read for
 * one address: placeholders are resolved and every server it names that Accord can
 * use is an #AccordCandidate, in the file's order, which is the provider's preference.
 */
typedef struct _AccordAutoconfig AccordAutoconfig;

GType              accord_autoconfig_get_type          (void) G_GNUC_CONST;
AccordAutoconfig  *accord_autoconfig_parse             (const char       *data,
                                                        gsize             length,
                                                        const char       *address,
                                                        AccordSourceKind  source,
                                                        const char       *source_detail,
                                                        GError          **error);
AccordAutoconfig  *accord_autoconfig_ref               (AccordAutoconfig *self);
void               accord_autoconfig_unref             (AccordAutoconfig *self);

const char        *accord_autoconfig_get_provider_id   (AccordAutoconfig *self);
const char        *accord_autoconfig_get_display_name  (AccordAutoconfig *self);
const char        *accord_autoconfig_get_short_name    (AccordAutoconfig *self);
const char * const *accord_autoconfig_get_domains      (AccordAutoconfig *self);
GPtrArray         *accord_autoconfig_get_candidates    (AccordAutoconfig *self);
GPtrArray         *accord_autoconfig_get_documentation (AccordAutoconfig *self);
GPtrArray         *accord_autoconfig_get_enable_steps  (AccordAutoconfig *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordAutoconfig, accord_autoconfig_unref)

G_END_DECLS
