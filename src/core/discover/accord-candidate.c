/* accord-candidate.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib-object.h>

#include "accord-candidate.h"
#include "accord-core-enums.h"

G_DEFINE_BOXED_TYPE (AccordCandidate, accord_candidate,
                     accord_candidate_ref, accord_candidate_unref)

AccordCandidate *
accord_candidate_new (AccordServiceKind service,
                      AccordProtocol    protocol,
                      AccordSourceKind  source)
{
  AccordCandidate *self = g_new0 (AccordCandidate, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->service = service;
  self->protocol = protocol;
  self->source = source;
  self->security = ACCORD_SECURITY_TLS;
  self->auth = ACCORD_AUTH_PASSWORD;

  return self;
}

AccordCandidate *
accord_candidate_ref (AccordCandidate *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
accord_candidate_unref (AccordCandidate *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->host);
  g_free (self->url);
  g_free (self->username);
  g_free (self->source_detail);
  g_free (self);
}

AccordCandidate *
accord_candidate_copy (const AccordCandidate *self)
{
  AccordCandidate *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = accord_candidate_new (self->service, self->protocol, self->source);
  copy->host = g_strdup (self->host);
  copy->port = self->port;
  copy->security = self->security;
  copy->url = g_strdup (self->url);
  copy->username = g_strdup (self->username);
  copy->auth = self->auth;
  copy->source_detail = g_strdup (self->source_detail);
  copy->flags = self->flags;

  return copy;
}

/* Two sources naming the same server are one candidate, found twice. */
gboolean
accord_candidate_same_endpoint (const AccordCandidate *a,
                                const AccordCandidate *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return a->service == b->service &&
         a->protocol == b->protocol &&
         g_ascii_strcasecmp (a->host ? a->host : "", b->host ? b->host : "") == 0 &&
         a->port == b->port &&
         a->security == b->security &&
         g_strcmp0 (a->url, b->url) == 0;
}

const char *
accord_source_kind_to_string (AccordSourceKind kind)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (ACCORD_TYPE_SOURCE_KIND);
  GEnumValue *value = g_enum_get_value (klass, kind);

  return value != NULL ? value->value_nick : NULL;
}

static void
_add_string (JsonBuilder *builder,
             const char  *name,
             const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * accord_candidate_to_json:
 *
 * Adds the candidate as one object to @builder, in the shape of `accordctl discover
 * --json`'s services.
 */
void
accord_candidate_to_json (const AccordCandidate *self,
                          JsonBuilder           *builder)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (JSON_IS_BUILDER (builder));

  json_builder_begin_object (builder);
  _add_string (builder, "protocol", accord_protocol_to_string (self->protocol));
  _add_string (builder, "host", self->host);
  json_builder_set_member_name (builder, "port");
  if (self->port != 0)
    json_builder_add_int_value (builder, self->port);
  else
    json_builder_add_null_value (builder);
  _add_string (builder, "security", accord_security_to_string (self->security));
  _add_string (builder, "username", self->username);
  _add_string (builder, "auth", accord_auth_method_to_string (self->auth));
  _add_string (builder, "url", self->url);
  _add_string (builder, "source", accord_source_kind_to_string (self->source));
  _add_string (builder, "source_detail", self->source_detail);
  json_builder_end_object (builder);
}

/**
 * accord_candidate_to_service_config:
 * @username: (nullable): the user name to sign in with when the candidate has none,
 *   usually the address
 *
 * Returns: (transfer full): how an account reaches this service, ready to be saved
 */
AccordServiceConfig *
accord_candidate_to_service_config (const AccordCandidate *self,
                                    const char            *username)
{
  AccordServiceConfig *config;

  g_return_val_if_fail (self != NULL, NULL);

  config = accord_service_config_new (self->protocol);
  config->host = g_strdup (self->host);
  config->port = self->port;
  config->security = self->security;
  config->url = g_strdup (self->url);
  config->username = g_strdup (self->username != NULL ? self->username : username);
  config->auth = self->auth;

  return config;
}
