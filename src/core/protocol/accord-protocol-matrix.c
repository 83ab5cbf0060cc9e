/* accord-protocol-matrix.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "accord-core-enums.h"
#include "accord-core-resources.h"
#include "accord-protocol-matrix.h"

#define MATRIX_RESOURCE_PATH "/io/github/accordsync/Accord/core/protocols.json"
#define MATRIX_FORMAT_VERSION 1

/* Rows the matrix shows although Accord has no AccordProtocol for them: they exist so
 * people can compare what they are used to with what Accord offers. */
static const char * const matrix_only_rows[] = { "mapi" };

typedef struct
{
  AccordSupport  support;
  char          *note;
  char          *loss; /* nullable: the column's loss applies */
} Cell;

typedef struct
{
  char     *id;
  char     *label;
  char     *summary;
  gboolean  implemented;
  guint     preference;
  Cell      cells[ACCORD_N_CAPABILITIES];
} Row;

typedef struct
{
  char *label;
  char *description;
  char *gain;
  char *loss; /* nullable */
} Column;

struct _AccordProtocolMatrix
{
  GObject     parent_instance;

  Column      columns[ACCORD_N_CAPABILITIES];
  GPtrArray  *rows;    /* Row*, in file order */
  GStrv       row_ids; /* the ids of rows, same order */
};

G_DEFINE_FINAL_TYPE (AccordProtocolMatrix, accord_protocol_matrix, G_TYPE_OBJECT)

G_DEFINE_QUARK (accord-protocol-matrix-error-quark, accord_protocol_matrix_error)

/* The capabilities that make up each service's score. The first one defines the
 * service: a protocol without it cannot serve it at all. */
static const AccordCapability mail_in_capabilities[] = {
  ACCORD_CAPABILITY_INBOX,
  ACCORD_CAPABILITY_ALL_FOLDERS,
  ACCORD_CAPABILITY_SENT_ITEMS,
  ACCORD_CAPABILITY_DELETIONS,
  ACCORD_CAPABILITY_READ_STATE,
  ACCORD_CAPABILITY_PUSH,
  ACCORD_CAPABILITY_OFFLINE_COPY,
};
static const AccordCapability mail_out_capabilities[] = { ACCORD_CAPABILITY_SEND };
static const AccordCapability contacts_capabilities[] = { ACCORD_CAPABILITY_CONTACTS };
static const AccordCapability calendar_capabilities[] = {
  ACCORD_CAPABILITY_CALENDAR,
  ACCORD_CAPABILITY_TASKS,
};

static void
_row_free (Row *row)
{
  g_free (row->id);
  g_free (row->label);
  g_free (row->summary);
  for (guint i = 0; i < ACCORD_N_CAPABILITIES; i++)
    {
      g_free (row->cells[i].note);
      g_free (row->cells[i].loss);
    }
  g_free (row);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Row, _row_free)

static void
accord_protocol_matrix_finalize (GObject *object)
{
  AccordProtocolMatrix *self = (AccordProtocolMatrix *)object;

  for (guint i = 0; i < ACCORD_N_CAPABILITIES; i++)
    {
      g_clear_pointer (&self->columns[i].label, g_free);
      g_clear_pointer (&self->columns[i].description, g_free);
      g_clear_pointer (&self->columns[i].gain, g_free);
      g_clear_pointer (&self->columns[i].loss, g_free);
    }
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->row_ids, g_strfreev);

  G_OBJECT_CLASS (accord_protocol_matrix_parent_class)->finalize (object);
}

static void
accord_protocol_matrix_class_init (AccordProtocolMatrixClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = accord_protocol_matrix_finalize;
}

static void
accord_protocol_matrix_init (AccordProtocolMatrix *self)
{
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify)_row_free);
}

const char *
accord_capability_to_string (AccordCapability capability)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (ACCORD_TYPE_CAPABILITY);
  GEnumValue *value = g_enum_get_value (klass, capability);

  return value != NULL ? value->value_nick : NULL;
}

gboolean
accord_capability_from_string (const char       *str,
                               AccordCapability *capability)
{
  g_autoptr(GEnumClass) klass = NULL;
  GEnumValue *value;

  g_return_val_if_fail (capability != NULL, FALSE);

  if (str == NULL)
    return FALSE;

  klass = g_type_class_ref (ACCORD_TYPE_CAPABILITY);
  value = g_enum_get_value_by_nick (klass, str);
  if (value == NULL)
    return FALSE;

  *capability = value->value;
  return TRUE;
}

const char *
accord_support_to_string (AccordSupport support)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (ACCORD_TYPE_SUPPORT);
  GEnumValue *value = g_enum_get_value (klass, support);

  return value != NULL ? value->value_nick : NULL;
}

static gboolean
_support_from_string (const char    *str,
                      AccordSupport *support)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (ACCORD_TYPE_SUPPORT);
  GEnumValue *value = g_enum_get_value_by_nick (klass, str);

  if (value == NULL)
    return FALSE;

  *support = value->value;
  return TRUE;
}

/**
 * accord_capabilities_for_service:
 * @n_capabilities: (out): the number of capabilities returned
 *
 * Returns: (array length=n_capabilities) (transfer none): the capabilities that
 *   count towards @service's score; the first one defines the service.
 */
const AccordCapability *
accord_capabilities_for_service (AccordServiceKind  service,
                                 guint             *n_capabilities)
{
  g_return_val_if_fail (n_capabilities != NULL, NULL);

  switch (service)
    {
    case ACCORD_SERVICE_MAIL_IN:
      *n_capabilities = G_N_ELEMENTS (mail_in_capabilities);
      return mail_in_capabilities;
    case ACCORD_SERVICE_MAIL_OUT:
      *n_capabilities = G_N_ELEMENTS (mail_out_capabilities);
      return mail_out_capabilities;
    case ACCORD_SERVICE_CONTACTS:
      *n_capabilities = G_N_ELEMENTS (contacts_capabilities);
      return contacts_capabilities;
    case ACCORD_SERVICE_CALENDAR:
      *n_capabilities = G_N_ELEMENTS (calendar_capabilities);
      return calendar_capabilities;
    default:
      *n_capabilities = 0;
      g_return_val_if_reached (NULL);
    }
}

/* Loading. The file is ours and built in, so anything unexpected in it is a mistake
 * to report, not to work around: a typo in a column id must not silently turn into
 * "no". */

static gboolean
_fail (GError     **error,
       const char  *format,
       ...) G_GNUC_PRINTF (2, 3);

static gboolean
_fail (GError     **error,
       const char  *format,
       ...)
{
  va_list args;

  if (error == NULL)
    return FALSE;

  g_assert (*error == NULL);

  va_start (args, format);
  *error = g_error_new_valist (ACCORD_PROTOCOL_MATRIX_ERROR, ACCORD_PROTOCOL_MATRIX_ERROR_INVALID,
                               format, args);
  va_end (args);

  return FALSE;
}

static JsonObject *
_get_object (JsonObject  *parent,
             const char  *name,
             const char  *where,
             GError     **error)
{
  JsonNode *node = json_object_get_member (parent, name);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      _fail (error, _("%s: “%s” must be an object"), where, name);
      return NULL;
    }

  return json_node_get_object (node);
}

static gboolean
_get_string (JsonObject  *parent,
             const char  *name,
             const char  *where,
             char       **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (parent, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING ||
      *json_node_get_string (node) == '\0')
    return _fail (error, _("%s: “%s” must be a non-empty string"), where, name);

  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

/* Like _get_string(), for a member that may be left out. */
static gboolean
_get_optional_string (JsonObject  *parent,
                      const char  *name,
                      const char  *where,
                      char       **out,
                      GError     **error)
{
  if (!json_object_has_member (parent, name))
    return TRUE;

  return _get_string (parent, name, where, out, error);
}

static gboolean
_only_members (JsonObject          *object,
               const char          *where,
               const char * const  *allowed,
               GError             **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      if (!g_strv_contains (allowed, l->data))
        return _fail (error, _("%s: unknown member “%s”"), where, (const char *)l->data);
    }

  return TRUE;
}

static gboolean
_load_columns (AccordProtocolMatrix  *self,
               JsonObject            *capabilities,
               GError               **error)
{
  static const char * const allowed[] = { "label", "description", "gain", "loss", NULL };
  g_autoptr(GList) members = json_object_get_members (capabilities);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      AccordCapability capability;

      if (!accord_capability_from_string (l->data, &capability))
        return _fail (error, _("Unknown capability “%s”"), (const char *)l->data);
    }

  for (guint i = 0; i < ACCORD_N_CAPABILITIES; i++)
    {
      const char *id = accord_capability_to_string (i);
      g_autofree char *where = g_strdup_printf ("capabilities.%s", id);
      Column *column = &self->columns[i];
      JsonObject *object;

      if (!json_object_has_member (capabilities, id))
        return _fail (error, _("Capability “%s” is not described"), id);

      if (!(object = _get_object (capabilities, id, "capabilities", error)) ||
          !_only_members (object, where, allowed, error) ||
          !_get_string (object, "label", where, &column->label, error) ||
          !_get_string (object, "description", where, &column->description, error) ||
          !_get_string (object, "gain", where, &column->gain, error) ||
          !_get_optional_string (object, "loss", where, &column->loss, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
_is_known_row (const char *id)
{
  AccordProtocol protocol;

  for (guint i = 0; i < G_N_ELEMENTS (matrix_only_rows); i++)
    {
      if (g_str_equal (id, matrix_only_rows[i]))
        return TRUE;
    }

  return accord_protocol_from_string (id, &protocol) && protocol != ACCORD_PROTOCOL_LOCAL;
}

static Row *
_load_row (const char  *id,
           JsonObject  *object,
           GError     **error)
{
  static const char * const allowed[] = {
    "label", "implemented", "preference", "summary", "capabilities", NULL
  };
  g_autoptr(GList) members = NULL;
  g_autofree char *where = g_strdup_printf ("protocols.%s", id);
  g_autoptr(Row) row = g_new0 (Row, 1);
  JsonObject *cells;
  JsonNode *node;

  row->id = g_strdup (id);

  if (!_only_members (object, where, allowed, error) ||
      !_get_string (object, "label", where, &row->label, error) ||
      !_get_string (object, "summary", where, &row->summary, error))
    return NULL;

  node = json_object_get_member (object, "implemented");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      _fail (error, _("%s: “implemented” must be true or false"), where);
      return NULL;
    }
  row->implemented = json_node_get_boolean (node);

  node = json_object_get_member (object, "preference");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < 0 || json_node_get_int (node) > 100)
    {
      _fail (error, _("%s: “preference” must be a whole number from 0 to 100"), where);
      return NULL;
    }
  row->preference = (guint) json_node_get_int (node);

  if (!(cells = _get_object (object, "capabilities", where, error)))
    return NULL;

  members = json_object_get_members (cells);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      AccordCapability capability;

      if (!accord_capability_from_string (l->data, &capability))
        {
          _fail (error, _("%s: unknown capability “%s”"), where, (const char *)l->data);
          return NULL;
        }
    }

  for (guint i = 0; i < ACCORD_N_CAPABILITIES; i++)
    {
      static const char * const cell_allowed[] = { "support", "note", "loss", NULL };
      const char *column_id = accord_capability_to_string (i);
      g_autofree char *cell_where = g_strdup_printf ("%s.%s", where, column_id);
      g_autofree char *support = NULL;
      JsonObject *cell;

      if (!json_object_has_member (cells, column_id))
        {
          _fail (error, _("Protocol “%s” has no “%s” column"), id, column_id);
          return NULL;
        }

      if (!(cell = _get_object (cells, column_id, where, error)) ||
          !_only_members (cell, cell_where, cell_allowed, error) ||
          !_get_string (cell, "support", cell_where, &support, error) ||
          !_get_string (cell, "note", cell_where, &row->cells[i].note, error) ||
          !_get_optional_string (cell, "loss", cell_where, &row->cells[i].loss, error))
        return NULL;

      if (!_support_from_string (support, &row->cells[i].support))
        {
          _fail (error, _("%s: unknown support “%s”; use yes, partial or no"),
                 cell_where, support);
          return NULL;
        }
    }

  return g_steal_pointer (&row);
}

static gboolean
_load (AccordProtocolMatrix  *self,
       const char            *json,
       GError               **error)
{
  static const char * const allowed[] = { "version", "capabilities", "protocols", NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GList) members = NULL;
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  g_autoptr(GEnumClass) protocol_class = NULL;
  JsonObject *root;
  JsonObject *capabilities;
  JsonObject *protocols;
  JsonNode *version;

  if (!json_parser_load_from_data (parser, json, -1, &local_error))
    return _fail (error, _("The protocol matrix is not valid JSON: %s"), local_error->message);

  if (json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return _fail (error, _("The protocol matrix must be an object"));

  root = json_node_get_object (json_parser_get_root (parser));
  if (!_only_members (root, "matrix", allowed, error))
    return FALSE;

  version = json_object_get_member (root, "version");
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version) ||
      json_node_get_value_type (version) != G_TYPE_INT64 ||
      json_node_get_int (version) != MATRIX_FORMAT_VERSION)
    return _fail (error, _("The protocol matrix must have version %d"), MATRIX_FORMAT_VERSION);

  if (!(capabilities = _get_object (root, "capabilities", "matrix", error)) ||
      !_load_columns (self, capabilities, error) ||
      !(protocols = _get_object (root, "protocols", "matrix", error)))
    return FALSE;

  members = json_object_get_members (protocols);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *id = l->data;
      JsonObject *object;
      Row *row;

      if (!_is_known_row (id))
        return _fail (error, _("Unknown protocol “%s”"), id);

      if (!(object = _get_object (protocols, id, "protocols", error)) ||
          !(row = _load_row (id, object, error)))
        return FALSE;

      g_ptr_array_add (self->rows, row);
      g_strv_builder_add (ids, id);
    }

  for (guint i = 0; i < G_N_ELEMENTS (matrix_only_rows); i++)
    {
      if (!json_object_has_member (protocols, matrix_only_rows[i]))
        return _fail (error, _("Protocol “%s” has no row"), matrix_only_rows[i]);
    }

  protocol_class = g_type_class_ref (ACCORD_TYPE_PROTOCOL);
  for (guint i = 0; i < protocol_class->n_values; i++)
    {
      const char *id = protocol_class->values[i].value_nick;

      if (protocol_class->values[i].value != ACCORD_PROTOCOL_LOCAL &&
          !json_object_has_member (protocols, id))
        return _fail (error, _("Protocol “%s” has no row"), id);
    }

  self->row_ids = g_strv_builder_end (ids);

  return TRUE;
}

/**
 * accord_protocol_matrix_new_from_data:
 * @json: the matrix in the format of `data/protocols.json`
 *
 * Loads and checks a matrix: every protocol needs a row, every row every column, and
 * every value must be one the format knows.
 *
 * Returns: (transfer full): the matrix, or %NULL with @error set
 */
AccordProtocolMatrix *
accord_protocol_matrix_new_from_data (const char  *json,
                                      GError     **error)
{
  g_autoptr(AccordProtocolMatrix) self = NULL;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (ACCORD_TYPE_PROTOCOL_MATRIX, NULL);
  if (!_load (self, json, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * accord_protocol_matrix_get_default:
 *
 * The matrix built into Accord. Looked up in the core's own resource rather than the
 * global ones, because a static library's resource constructor is dropped by the
 * linker when nothing else in its object file is used.
 *
 * Returns: (transfer none): the shared matrix
 */
AccordProtocolMatrix *
accord_protocol_matrix_get_default (void)
{
  static AccordProtocolMatrix *matrix;

  if (g_once_init_enter (&matrix))
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *json = NULL;
      AccordProtocolMatrix *loaded;

      bytes = g_resource_lookup_data (accord_core_get_resource (), MATRIX_RESOURCE_PATH,
                                      G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
      if (bytes == NULL)
        g_error ("The built-in protocol matrix is missing: %s", error->message);

      json = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      loaded = accord_protocol_matrix_new_from_data (json, &error);
      if (loaded == NULL)
        g_error ("The built-in protocol matrix is invalid: %s", error->message);

      g_once_init_leave (&matrix, loaded);
    }

  return matrix;
}

/* Lookups */

static const Row *
_find_row (AccordProtocolMatrix *self,
           const char           *id)
{
  if (id == NULL)
    return NULL;

  for (guint i = 0; i < self->rows->len; i++)
    {
      const Row *row = g_ptr_array_index (self->rows, i);

      if (g_str_equal (row->id, id))
        return row;
    }

  return NULL;
}

/* ACCORD_PROTOCOL_LOCAL has no row: it syncs nothing with a server. */
static const Row *
_find_protocol_row (AccordProtocolMatrix *self,
                    AccordProtocol        protocol)
{
  if (protocol == ACCORD_PROTOCOL_LOCAL)
    return NULL;

  return _find_row (self, accord_protocol_to_string (protocol));
}

/* The file is English; translations come from the package's catalogue, whose template
 * takes the strings from data/protocols.json. */
static const char *
_translate (const char *str)
{
  return str != NULL ? g_dgettext (GETTEXT_PACKAGE, str) : NULL;
}

const char *
accord_protocol_matrix_get_capability_label (AccordProtocolMatrix *self,
                                             AccordCapability      capability)
{
  g_return_val_if_fail (ACCORD_IS_PROTOCOL_MATRIX (self), NULL);
  g_return_val_if_fail (capability < ACCORD_N_CAPABILITIES, NULL);

  return _translate (self->columns[capability].label);
}

const char *
accord_protocol_matrix_get_capability_description (AccordProtocolMatrix *self,
                                                   AccordCapability      capability)
{
  g_return_val_if_fail (ACCORD_IS_PROTOCOL_MATRIX (self), NULL);
  g_return_val_if_fail (capability < ACCORD_N_CAPABILITIES, NULL);

  return _translate (self->columns[capability].description);
}

/**
 * accord_protocol_matrix_get_capability_gain:
 *
 * Returns: what a protocol that has @capability does, as a short phrase without a
 *   subject ("keeps all folders"), for sentences that explain a choice
 */
const char *
accord_protocol_matrix_get_capability_gain (AccordProtocolMatrix *self,
                                            AccordCapability      capability)
{
  g_return_val_if_fail (ACCORD_IS_PROTOCOL_MATRIX (self), NULL);
  g_return_val_if_fail (capability < ACCORD_N_CAPABILITIES, NULL);

  return _translate (self->columns[capability].gain);
}

/**
 * accord_protocol_matrix_get_capability_loss:
 *
 * Returns: (nullable): what is lost without @capability, as a clause that completes
 *   "With POP3, …" ("read marks and flags stay on this computer"); %NULL when the
 *   matrix does not say
 */
const char *
accord_protocol_matrix_get_capability_loss (AccordProtocolMatrix *self,
                                            AccordCapability      capability)
{
  g_return_val_if_fail (ACCORD_IS_PROTOCOL_MATRIX (self), NULL);
  g_return_val_if_fail (capability < ACCORD_N_CAPABILITIES, NULL);

  return _translate (self->columns[capability].loss);
}

static AccordSupport
_row_support (const Row         *row,
              AccordCapability   capability,
              const char       **note)
{
  if (row == NULL)
    {
      if (note != NULL)
        *note = NULL;
      return ACCORD_SUPPORT_NO;
    }

  if (note != NULL)
    *note = _translate (row->cells[capability].note);
  return row->cells[capability].support;
}

/**
 * accord_protocol_matrix_get_support:
 * @note: (out) (optional) (transfer none): a sentence that explains the support
 *
 * Returns: how far @protocol provides @capability; %ACCORD_SUPPORT_NO for
 *   %ACCORD_PROTOCOL_LOCAL, which has no row
 */
AccordSupport
accord_protocol_matrix_get_support (AccordProtocolMatrix  *self,
                                    AccordProtocol         protocol,
                                    AccordCapability       capability,
                                    const char           **note)
{
  g_return_val_if_fail (ACCORD_IS_PROTOCOL_MATRIX (self), ACCORD_SUPPORT_NO);
  g_return_val_if_fail (capability < ACCORD_N_CAPABILITIES, ACCORD_SUPPORT_NO);

  return _row_support (_find_protocol_row (self, protocol), capability, note);
}

/**
 * accord_protocol_matrix_get_loss:
 *
 * What a person loses because @protocol does not fully provide @capability. A cell
 * that provides it in part says itself what is missing; otherwise the column's loss
 * applies. %ACCORD_PROTOCOL_LOCAL, which syncs nothing, loses every capability.
 *
 * Returns: (nullable): a clause that completes "With POP3, …", or %NULL when
 *   @protocol fully provides @capability or the matrix does not say
 */
const char *
accord_protocol_matrix_get_loss (AccordProtocolMatrix *self,
                                 AccordProtocol        protocol,
                                 AccordCapability      capability)
{
  const Row *row;

  g_return_val_if_fail (ACCORD_IS_PROTOCOL_MATRIX (self), NULL);
  g_return_val_if_fail (capability < ACCORD_N_CAPABILITIES, NULL);

  row = _find_protocol_row (self, protocol);
  if (row != NULL && row->cells[capability].support == ACCORD_SUPPORT_YES)
    return NULL;
  if (row != NULL && row->cells[capability].loss != NULL)
    return _translate (row->cells[capability].loss);

  return _translate (self->columns[capability].loss);
}

/**
 * accord_protocol_matrix_is_implemented:
 *
 * Returns: whether Accord can sync with @protocol
 */
gboolean
accord_protocol_matrix_is_implemented (AccordProtocolMatrix *self,
                                       AccordProtocol        protocol)
{
  const Row *row;

  g_return_val_if_fail (ACCORD_IS_PROTOCOL_MATRIX (self), FALSE);

  row = _find_protocol_row (self, protocol);
  return row != NULL && row->implemented;
}

/* Protocol names are not translated. */
const char *
accord_protocol_matrix_get_label (AccordProtocolMatrix *self,
                                  AccordProtocol        protocol)
{
  const Row *row;

  g_return_val_if_fail (ACCORD_IS_PROTOCOL_MATRIX (self), NULL);

  row = _find_protocol_row (self, protocol);
  return row != NULL ? row->label : accord_protocol_get_label (protocol);
}

const char *
accord_protocol_matrix_get_summary (AccordProtocolMatrix *self,
                                    AccordProtocol        protocol)
{
  const Row *row;

  g_return_val_if_fail (ACCORD_IS_PROTOCOL_MATRIX (self), NULL);

  row = _find_protocol_row (self, protocol);
  return row != NULL ? _translate (row->summary) : NULL;
}

/**
 * accord_protocol_matrix_get_preference:
 *
 * Returns: the order among protocols that score the same for a service, lowest
 *   first; G_MAXUINT for a protocol without a row
 */
guint
accord_protocol_matrix_get_preference (AccordProtocolMatrix *self,
                                       AccordProtocol        protocol)
{
  const Row *row;

  g_return_val_if_fail (ACCORD_IS_PROTOCOL_MATRIX (self), G_MAXUINT);

  row = _find_protocol_row (self, protocol);
  return row != NULL ? row->preference : G_MAXUINT;
}

/**
 * accord_protocol_matrix_score:
 *
 * How much of @service @protocol syncs: the sum, over the service's capabilities (see
 * accord_capabilities_for_service()), of 2 for yes, 1 for partial and 0 for no. A
 * protocol without the capability that defines the service scores 0, so a calendar
 * protocol's deletions never make it a way to receive mail.
 *
 * Returns: the score, from 0 to twice the number of the service's capabilities
 */
guint
accord_protocol_matrix_score (AccordProtocolMatrix *self,
                              AccordProtocol        protocol,
                              AccordServiceKind     service)
{
  const AccordCapability *capabilities;
  const Row *row;
  guint n_capabilities;
  guint score = 0;

  g_return_val_if_fail (ACCORD_IS_PROTOCOL_MATRIX (self), 0);
  g_return_val_if_fail (service < ACCORD_N_SERVICES, 0);

  row = _find_protocol_row (self, protocol);
  capabilities = accord_capabilities_for_service (service, &n_capabilities);
  if (row == NULL || row->cells[capabilities[0]].support == ACCORD_SUPPORT_NO)
    return 0;

  for (guint i = 0; i < n_capabilities; i++)
    score += row->cells[capabilities[i]].support;

  return score;
}

/**
 * accord_protocol_matrix_get_row_ids:
 *
 * Returns: (transfer none): the ids of all rows, in the order the matrix lists them
 */
const char * const *
accord_protocol_matrix_get_row_ids (AccordProtocolMatrix *self)
{
  g_return_val_if_fail (ACCORD_IS_PROTOCOL_MATRIX (self), NULL);

  return (const char * const *)self->row_ids;
}

AccordSupport
accord_protocol_matrix_get_row_support (AccordProtocolMatrix  *self,
                                        const char            *row_id,
                                        AccordCapability       capability,
                                        const char           **note)
{
  const Row *row;

  g_return_val_if_fail (ACCORD_IS_PROTOCOL_MATRIX (self), ACCORD_SUPPORT_NO);
  g_return_val_if_fail (capability < ACCORD_N_CAPABILITIES, ACCORD_SUPPORT_NO);

  row = _find_row (self, row_id);
  g_return_val_if_fail (row != NULL, ACCORD_SUPPORT_NO);

  return _row_support (row, capability, note);
}

gboolean
accord_protocol_matrix_row_is_implemented (AccordProtocolMatrix *self,
                                           const char           *row_id)
{
  const Row *row;

  g_return_val_if_fail (ACCORD_IS_PROTOCOL_MATRIX (self), FALSE);

  row = _find_row (self, row_id);
  g_return_val_if_fail (row != NULL, FALSE);

  return row->implemented;
}

const char *
accord_protocol_matrix_get_row_label (AccordProtocolMatrix *self,
                                      const char           *row_id)
{
  const Row *row;

  g_return_val_if_fail (ACCORD_IS_PROTOCOL_MATRIX (self), NULL);

  row = _find_row (self, row_id);
  g_return_val_if_fail (row != NULL, NULL);

  return row->label;
}

const char *
accord_protocol_matrix_get_row_summary (AccordProtocolMatrix *self,
                                        const char           *row_id)
{
  const Row *row;

  g_return_val_if_fail (ACCORD_IS_PROTOCOL_MATRIX (self), NULL);

  row = _find_row (self, row_id);
  g_return_val_if_fail (row != NULL, NULL);

  return _translate (row->summary);
}
