/* accord-service-config.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "accord-account-error.h"
#include "accord-service-config.h"

G_DEFINE_BOXED_TYPE (AccordServiceConfig, accord_service_config,
                     accord_service_config_ref, accord_service_config_unref)

AccordServiceConfig *
accord_service_config_new (AccordProtocol protocol)
{
  AccordServiceConfig *self = g_new0 (AccordServiceConfig, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->protocol = protocol;
  self->security = ACCORD_SECURITY_TLS;
  self->auth = ACCORD_AUTH_PASSWORD;
  self->sync_enabled = TRUE;

  return self;
}

AccordServiceConfig *
accord_service_config_ref (AccordServiceConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
accord_service_config_unref (AccordServiceConfig *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->host);
  g_free (self->url);
  g_free (self->username);
  g_free (self->pinned_certificate);
  g_free (self->keep_on_server);
  g_free (self);
}

AccordServiceConfig *
accord_service_config_copy (const AccordServiceConfig *self)
{
  AccordServiceConfig *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = accord_service_config_new (self->protocol);
  copy->host = g_strdup (self->host);
  copy->port = self->port;
  copy->security = self->security;
  copy->url = g_strdup (self->url);
  copy->username = g_strdup (self->username);
  copy->auth = self->auth;
  copy->pinned_certificate = g_strdup (self->pinned_certificate);
  copy->sync_enabled = self->sync_enabled;
  copy->sync_interval_minutes = self->sync_interval_minutes;
  copy->keep_on_server = g_strdup (self->keep_on_server);
  copy->keep_days = self->keep_days;
  copy->server_files_sent = self->server_files_sent;

  return copy;
}

gboolean
accord_service_config_equal (const AccordServiceConfig *a,
                             const AccordServiceConfig *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  return a->protocol == b->protocol &&
         g_strcmp0 (a->host, b->host) == 0 &&
         a->port == b->port &&
         a->security == b->security &&
         g_strcmp0 (a->url, b->url) == 0 &&
         g_strcmp0 (a->username, b->username) == 0 &&
         a->auth == b->auth &&
         g_strcmp0 (a->pinned_certificate, b->pinned_certificate) == 0 &&
         a->sync_enabled == b->sync_enabled &&
         a->sync_interval_minutes == b->sync_interval_minutes &&
         g_strcmp0 (a->keep_on_server, b->keep_on_server) == 0 &&
         a->keep_days == b->keep_days &&
         a->server_files_sent == b->server_files_sent;
}

static void
_add_nullable_string (JsonBuilder *builder,
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
 * accord_service_config_keep_on_server_is_valid:
 * @keep_on_server: (nullable): a value for #AccordServiceConfig.keep_on_server
 *
 * Returns: whether it is one of "leave", "delete-after-days",
 *   "delete-when-deleted-here", or %NULL (leave)
 */
gboolean
accord_service_config_keep_on_server_is_valid (const char *keep_on_server)
{
  static const char * const choices[] = { "leave", "delete-after-days", "delete-when-deleted-here", NULL };

  return keep_on_server == NULL || g_strv_contains (choices, keep_on_server);
}

JsonNode *
accord_service_config_to_json (const AccordServiceConfig *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "protocol");
  json_builder_add_string_value (builder, accord_protocol_to_string (self->protocol));
  _add_nullable_string (builder, "host", self->host);
  json_builder_set_member_name (builder, "port");
  json_builder_add_int_value (builder, self->port);
  json_builder_set_member_name (builder, "security");
  json_builder_add_string_value (builder, accord_security_to_string (self->security));
  _add_nullable_string (builder, "url", self->url);
  _add_nullable_string (builder, "username", self->username);
  json_builder_set_member_name (builder, "auth");
  json_builder_add_string_value (builder, accord_auth_method_to_string (self->auth));
  _add_nullable_string (builder, "pinned_certificate", self->pinned_certificate);
  json_builder_set_member_name (builder, "sync");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "enabled");
  json_builder_add_boolean_value (builder, self->sync_enabled);
  json_builder_set_member_name (builder, "interval_minutes");
  json_builder_add_int_value (builder, self->sync_interval_minutes);
  if (self->keep_on_server != NULL)
    {
      json_builder_set_member_name (builder, "keep_on_server");
      json_builder_add_string_value (builder, self->keep_on_server);
      json_builder_set_member_name (builder, "keep_days");
      json_builder_add_int_value (builder, self->keep_days);
    }
  if (self->server_files_sent)
    {
      json_builder_set_member_name (builder, "server_files_sent");
      json_builder_add_boolean_value (builder, TRUE);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Reads an optional string member; a member of the wrong type is an error, because
 * silently dropping it would lose what the file said. */
static gboolean
_read_string (JsonObject  *object,
              const char  *name,
              char       **out,
              GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_INVALID,
                   _("“%s” must be a string"), name);
      return FALSE;
    }

  g_free (*out);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
_read_int (JsonObject  *object,
           const char  *name,
           gint64       min,
           gint64       max,
           gint64      *out,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < min || json_node_get_int (node) > max)
    {
      g_set_error (error, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_INVALID,
                   _("“%s” must be a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT),
                   name, min, max);
      return FALSE;
    }

  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
_read_boolean (JsonObject  *object,
               const char  *name,
               gboolean    *out,
               GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_set_error (error, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_INVALID,
                   _("“%s” must be true or false"), name);
      return FALSE;
    }

  *out = json_node_get_boolean (node);
  return TRUE;
}

AccordServiceConfig *
accord_service_config_new_from_json (JsonNode  *node,
                                     GError   **error)
{
  g_autoptr(AccordServiceConfig) self = NULL;
  g_autofree char *protocol = NULL;
  g_autofree char *security = NULL;
  g_autofree char *auth = NULL;
  JsonObject *object;
  JsonNode *sync;
  gint64 port = 0;
  gint64 interval = 0;
  gint64 days = 0;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_INVALID,
                           _("A service must be an object"));
      return NULL;
    }

  object = json_node_get_object (node);

  if (!_read_string (object, "protocol", &protocol, error))
    return NULL;

  self = accord_service_config_new (ACCORD_PROTOCOL_IMAP);
  if (!accord_protocol_from_string (protocol, &self->protocol))
    {
      g_set_error (error, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_INVALID,
                   _("Unknown protocol “%s”"), protocol ? protocol : "");
      return NULL;
    }

  if (!_read_string (object, "host", &self->host, error) ||
      !_read_int (object, "port", 0, G_MAXUINT16, &port, error) ||
      !_read_string (object, "security", &security, error) ||
      !_read_string (object, "url", &self->url, error) ||
      !_read_string (object, "username", &self->username, error) ||
      !_read_string (object, "auth", &auth, error) ||
      !_read_string (object, "pinned_certificate", &self->pinned_certificate, error))
    return NULL;

  self->port = (guint16) port;

  if (security != NULL && !accord_security_from_string (security, &self->security))
    {
      g_set_error (error, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_INVALID,
                   _("Unknown security “%s”"), security);
      return NULL;
    }

  if (auth != NULL && !accord_auth_method_from_string (auth, &self->auth))
    {
      g_set_error (error, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_INVALID,
                   _("Unknown sign-in method “%s”"), auth);
      return NULL;
    }

  sync = json_object_get_member (object, "sync");
  if (sync != NULL && !JSON_NODE_HOLDS_NULL (sync))
    {
      JsonObject *sync_object;

      if (!JSON_NODE_HOLDS_OBJECT (sync))
        {
          g_set_error_literal (error, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_INVALID,
                               _("“sync” must be an object"));
          return NULL;
        }

      sync_object = json_node_get_object (sync);
      if (!_read_boolean (sync_object, "enabled", &self->sync_enabled, error) ||
          !_read_int (sync_object, "interval_minutes", 0, 7 * 24 * 60, &interval, error) ||
          !_read_string (sync_object, "keep_on_server", &self->keep_on_server, error) ||
          !_read_int (sync_object, "keep_days", 0, 3650, &days, error) ||
          !_read_boolean (sync_object, "server_files_sent", &self->server_files_sent, error))
        return NULL;

      if (!accord_service_config_keep_on_server_is_valid (self->keep_on_server))
        {
          g_set_error (error, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_INVALID,
                       _("Unknown choice “%s” for the server’s copy"), self->keep_on_server);
          return NULL;
        }
      self->sync_interval_minutes = (guint) interval;
      self->keep_days = (guint) days;
    }

  return g_steal_pointer (&self);
}
