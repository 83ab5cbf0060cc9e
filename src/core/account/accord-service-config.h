/* accord-service-config.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "accord-account-types.h"

G_BEGIN_DECLS

#define ACCORD_TYPE_SERVICE_CONFIG (accord_service_config_get_type ())

/**
 * AccordServiceConfig:
 *
 * How one service of an account is reached and synced. A plain reference-counted
 * record: the account owns one per configured service and hands out references.
 * Never holds a secret.
 */
typedef struct _AccordServiceConfig
{
  AccordProtocol    protocol;
  char             *host;
  guint16           port;
  AccordSecurity    security;
  char             *url;
  char             *username;
  AccordAuthMethod  auth;
  /* SHA-256 of a certificate the person accepted although it failed verification,
   * as lowercase colon-separated hex; NULL when the certificate verifies. */
  char             *pinned_certificate;

  /* Sync settings */
  gboolean          sync_enabled;
  guint             sync_interval_minutes; /* 0: follow the app-wide interval */
  /* POP3: "leave" (NULL), "delete-after-days" (after @keep_days) or
   * "delete-when-deleted-here": what becomes of the server's copy */
  char             *keep_on_server;
  guint             keep_days;
  /* Mail out: the server files what it sends in Sent itself (Gmail does) */
  gboolean          server_files_sent;

  /*< private >*/
  gatomicrefcount   ref_count;
} AccordServiceConfig;

GType                accord_service_config_get_type   (void) G_GNUC_CONST;
AccordServiceConfig *accord_service_config_new        (AccordProtocol              protocol);
AccordServiceConfig *accord_service_config_ref        (AccordServiceConfig        *self);
void                 accord_service_config_unref      (AccordServiceConfig        *self);
AccordServiceConfig *accord_service_config_copy       (const AccordServiceConfig  *self);
gboolean             accord_service_config_equal      (const AccordServiceConfig  *a,
                                                       const AccordServiceConfig  *b);
gboolean             accord_service_config_keep_on_server_is_valid (const char    *keep_on_server);
JsonNode            *accord_service_config_to_json    (const AccordServiceConfig  *self);
AccordServiceConfig *accord_service_config_new_from_json (JsonNode                *node,
                                                          GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordServiceConfig, accord_service_config_unref)

G_END_DECLS
