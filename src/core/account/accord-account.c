/* accord-account.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "accord-account.h"
#include "accord-account-error.h"

/* Ids name files and folders, so they are kept to a safe alphabet and length. */
#define MAX_ID_LENGTH 64

struct _AccordAccount
{
  GObject              parent_instance;

  char                *id;
  char                *address;
  char                *display_name;
  char                *provider_name;
  AccordServiceConfig *services[ACCORD_N_SERVICES];
};

G_DEFINE_FINAL_TYPE (AccordAccount, accord_account, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_ADDRESS,
  PROP_DISPLAY_NAME,
  PROP_PROVIDER_NAME,
  N_PROPS
};

enum {
  SERVICES_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_QUARK (accord-account-error-quark, accord_account_error)

static void
accord_account_finalize (GObject *object)
{
  AccordAccount *self = (AccordAccount *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->provider_name, g_free);
  for (guint i = 0; i < ACCORD_N_SERVICES; i++)
    g_clear_pointer (&self->services[i], accord_service_config_unref);

  G_OBJECT_CLASS (accord_account_parent_class)->finalize (object);
}

static void
accord_account_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AccordAccount *self = ACCORD_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;

    case PROP_DISPLAY_NAME:
      g_value_set_string (value, accord_account_get_display_name (self));
      break;

    case PROP_PROVIDER_NAME:
      g_value_set_string (value, self->provider_name);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
accord_account_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  AccordAccount *self = ACCORD_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;

    case PROP_ADDRESS:
      accord_account_set_address (self, g_value_get_string (value));
      break;

    case PROP_DISPLAY_NAME:
      accord_account_set_display_name (self, g_value_get_string (value));
      break;

    case PROP_PROVIDER_NAME:
      accord_account_set_provider_name (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
accord_account_class_init (AccordAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = accord_account_finalize;
  object_class->get_property = accord_account_get_property;
  object_class->set_property = accord_account_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* Falls back to the address, so a label bound to it is never empty. */
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_PROVIDER_NAME] =
    g_param_spec_string ("provider-name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AccordAccount::services-changed:
   *
   * Emitted when a service was set, replaced or removed.
   */
  signals[SERVICES_CHANGED] =
    g_signal_new ("services-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
accord_account_init (AccordAccount *self)
{
}

/**
 * accord_account_new:
 * @id: a valid account id, see accord_account_id_is_valid()
 * @address: the email address
 *
 * Returns: (transfer full): a new account without services
 */
AccordAccount *
accord_account_new (const char *id,
                    const char *address)
{
  g_return_val_if_fail (accord_account_id_is_valid (id), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  return g_object_new (ACCORD_TYPE_ACCOUNT,
                       "id", id,
                       "address", address,
                       NULL);
}

const char *
accord_account_get_id (AccordAccount *self)
{
  g_return_val_if_fail (ACCORD_IS_ACCOUNT (self), NULL);

  return self->id;
}

const char *
accord_account_get_address (AccordAccount *self)
{
  g_return_val_if_fail (ACCORD_IS_ACCOUNT (self), NULL);

  return self->address;
}

static gboolean
_set_string (char       **field,
             const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

void
accord_account_set_address (AccordAccount *self,
                            const char    *address)
{
  g_return_if_fail (ACCORD_IS_ACCOUNT (self));

  if (_set_string (&self->address, address))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADDRESS]);
      if (self->display_name == NULL)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
    }
}

const char *
accord_account_get_display_name (AccordAccount *self)
{
  g_return_val_if_fail (ACCORD_IS_ACCOUNT (self), NULL);

  return self->display_name != NULL ? self->display_name : self->address;
}

void
accord_account_set_display_name (AccordAccount *self,
                                 const char    *display_name)
{
  g_return_if_fail (ACCORD_IS_ACCOUNT (self));

  if (display_name != NULL && display_name[0] == '\0')
    display_name = NULL;

  if (_set_string (&self->display_name, display_name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

const char *
accord_account_get_provider_name (AccordAccount *self)
{
  g_return_val_if_fail (ACCORD_IS_ACCOUNT (self), NULL);

  return self->provider_name;
}

void
accord_account_set_provider_name (AccordAccount *self,
                                  const char    *provider_name)
{
  g_return_if_fail (ACCORD_IS_ACCOUNT (self));

  if (_set_string (&self->provider_name, provider_name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROVIDER_NAME]);
}

/**
 * accord_account_get_service:
 *
 * Returns: (transfer none) (nullable): the configuration of @kind, or %NULL when the
 *   account does not have that service
 */
AccordServiceConfig *
accord_account_get_service (AccordAccount     *self,
                            AccordServiceKind  kind)
{
  g_return_val_if_fail (ACCORD_IS_ACCOUNT (self), NULL);
  g_return_val_if_fail (kind < ACCORD_N_SERVICES, NULL);

  return self->services[kind];
}

/**
 * accord_account_set_service:
 * @config: (nullable): the configuration, or %NULL to remove the service
 */
void
accord_account_set_service (AccordAccount       *self,
                            AccordServiceKind    kind,
                            AccordServiceConfig *config)
{
  g_return_if_fail (ACCORD_IS_ACCOUNT (self));
  g_return_if_fail (kind < ACCORD_N_SERVICES);

  if (accord_service_config_equal (self->services[kind], config))
    return;

  g_clear_pointer (&self->services[kind], accord_service_config_unref);
  if (config != NULL)
    self->services[kind] = accord_service_config_ref (config);

  g_signal_emit (self, signals[SERVICES_CHANGED], 0);
}

/**
 * accord_account_dup_protocols_summary:
 *
 * Returns: (transfer full): the protocols in use, such as "IMAP, SMTP, CardDAV", each
 *   named once, or an empty string
 */
char *
accord_account_dup_protocols_summary (AccordAccount *self)
{
  g_autoptr(GString) str = g_string_new (NULL);
  guint seen = 0;

  g_return_val_if_fail (ACCORD_IS_ACCOUNT (self), NULL);

  for (guint i = 0; i < ACCORD_N_SERVICES; i++)
    {
      AccordServiceConfig *config = self->services[i];

      if (config == NULL || (seen & (1u << config->protocol)) != 0)
        continue;

      seen |= 1u << config->protocol;
      if (str->len > 0)
        g_string_append (str, ", ");
      g_string_append (str, accord_protocol_get_label (config->protocol));
    }

  return g_string_free (g_steal_pointer (&str), FALSE);
}

gboolean
accord_account_id_is_valid (const char *id)
{
  gsize len;

  if (id == NULL)
    return FALSE;

  len = strlen (id);
  if (len == 0 || len > MAX_ID_LENGTH || id[0] == '-')
    return FALSE;

  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-')
      return FALSE;

  return TRUE;
}

/**
 * accord_account_id_from_address:
 *
 * Makes a readable id from an address: lower-case letters and digits, other characters
 * folded to single dashes ("Alice@Example.com" becomes "alice-example-com").
 *
 * Returns: (transfer full): a valid id
 */
char *
accord_account_id_from_address (const char *address)
{
  g_autoptr(GString) id = g_string_new (NULL);
  g_autofree char *ascii = NULL;

  g_return_val_if_fail (address != NULL, NULL);

  ascii = g_str_to_ascii (address, "C");
  for (const char *p = ascii; *p != '\0' && id->len < MAX_ID_LENGTH - 8; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (id, g_ascii_tolower (*p));
      else if (id->len > 0 && id->str[id->len - 1] != '-')
        g_string_append_c (id, '-');
    }

  while (id->len > 0 && id->str[id->len - 1] == '-')
    g_string_truncate (id, id->len - 1);

  if (id->len == 0)
    g_string_append (id, "account");

  return g_string_free (g_steal_pointer (&id), FALSE);
}

JsonNode *
accord_account_to_json (AccordAccount *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (ACCORD_IS_ACCOUNT (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, ACCORD_ACCOUNT_FORMAT_VERSION);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, self->id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, accord_account_get_display_name (self));
  json_builder_set_member_name (builder, "address");
  json_builder_add_string_value (builder, self->address);
  json_builder_set_member_name (builder, "provider");
  if (self->provider_name != NULL)
    json_builder_add_string_value (builder, self->provider_name);
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "services");
  json_builder_begin_object (builder);
  for (guint i = 0; i < ACCORD_N_SERVICES; i++)
    {
      json_builder_set_member_name (builder, accord_service_kind_to_string (i));
      if (self->services[i] != NULL)
        json_builder_add_value (builder, accord_service_config_to_json (self->services[i]));
      else
        json_builder_add_null_value (builder);
    }
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Brings an object written by an older Accord up to ACCORD_ACCOUNT_FORMAT_VERSION, one
 * version at a time. Version 1 is the first layout, so there is no step yet. */
static gboolean
_accord_account_migrate (JsonObject  *object,
                         gint64       version,
                         GError     **error)
{
  if (version > ACCORD_ACCOUNT_FORMAT_VERSION)
    {
      g_set_error (error, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_TOO_NEW,
                   _("The account was saved by a newer version of Accord (format %" G_GINT64_FORMAT
                     "); update Accord to use it"),
                   version);
      return FALSE;
    }

  if (version < 1)
    {
      g_set_error (error, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_INVALID,
                   _("Unknown account format %" G_GINT64_FORMAT), version);
      return FALSE;
    }

  return TRUE;
}

static const char *
_get_string_member (JsonObject *object,
                    const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/**
 * accord_account_new_from_json:
 *
 * Reads an account written by accord_account_to_json(), by this or an older version.
 *
 * Returns: (transfer full) (nullable): the account, or %NULL with @error set
 */
AccordAccount *
accord_account_new_from_json (JsonNode  *node,
                              GError   **error)
{
  g_autoptr(AccordAccount) self = NULL;
  JsonObject *object;
  JsonNode *version;
  JsonNode *services;
  const char *id;
  const char *address;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_INVALID,
                           _("An account must be a JSON object"));
      return NULL;
    }

  object = json_node_get_object (node);

  version = json_object_get_member (object, "version");
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version) ||
      json_node_get_value_type (version) != G_TYPE_INT64)
    {
      g_set_error_literal (error, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_INVALID,
                           _("The account has no format version"));
      return NULL;
    }

  if (!_accord_account_migrate (object, json_node_get_int (version), error))
    return NULL;

  id = _get_string_member (object, "id");
  if (!accord_account_id_is_valid (id))
    {
      g_set_error_literal (error, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_INVALID,
                           _("The account id is missing or not valid"));
      return NULL;
    }

  address = _get_string_member (object, "address");
  if (address == NULL || address[0] == '\0')
    {
      g_set_error_literal (error, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_INVALID,
                           _("The account has no address"));
      return NULL;
    }

  self = accord_account_new (id, address);
  if (g_strcmp0 (_get_string_member (object, "name"), address) != 0)
    accord_account_set_display_name (self, _get_string_member (object, "name"));
  accord_account_set_provider_name (self, _get_string_member (object, "provider"));

  services = json_object_get_member (object, "services");
  if (services != NULL && !JSON_NODE_HOLDS_NULL (services))
    {
      JsonObject *services_object;

      if (!JSON_NODE_HOLDS_OBJECT (services))
        {
          g_set_error_literal (error, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_INVALID,
                               _("“services” must be an object"));
          return NULL;
        }

      services_object = json_node_get_object (services);
      for (guint i = 0; i < ACCORD_N_SERVICES; i++)
        {
          const char *name = accord_service_kind_to_string (i);
          JsonNode *service = json_object_get_member (services_object, name);
          g_autoptr(AccordServiceConfig) config = NULL;
          g_autoptr(GError) local_error = NULL;

          if (service == NULL || JSON_NODE_HOLDS_NULL (service))
            continue;

          config = accord_service_config_new_from_json (service, &local_error);
          if (config == NULL)
            {
              g_set_error (error, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_INVALID,
                           _("Service “%s”: %s"), name, local_error->message);
              return NULL;
            }

          self->services[i] = g_steal_pointer (&config);
        }
    }

  return g_steal_pointer (&self);
}

/**
 * accord_account_copy:
 *
 * Returns: (transfer full): an independent copy, for editing without touching the
 *   account that others hold
 */
AccordAccount *
accord_account_copy (AccordAccount *self)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  AccordAccount *copy;

  g_return_val_if_fail (ACCORD_IS_ACCOUNT (self), NULL);

  node = accord_account_to_json (self);
  copy = accord_account_new_from_json (node, &error);
  g_assert_no_error (error);

  return copy;
}

gboolean
accord_account_equal (AccordAccount *a,
                      AccordAccount *b)
{
  g_return_val_if_fail (ACCORD_IS_ACCOUNT (a), FALSE);
  g_return_val_if_fail (ACCORD_IS_ACCOUNT (b), FALSE);

  if (g_strcmp0 (a->id, b->id) != 0 ||
      g_strcmp0 (a->address, b->address) != 0 ||
      g_strcmp0 (a->display_name, b->display_name) != 0 ||
      g_strcmp0 (a->provider_name, b->provider_name) != 0)
    return FALSE;

  for (guint i = 0; i < ACCORD_N_SERVICES; i++)
    if (!accord_service_config_equal (a->services[i], b->services[i]))
      return FALSE;

  return TRUE;
}
