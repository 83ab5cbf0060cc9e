/* accord-lookup.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "accord-core-enums.h"
#include "accord-lookup.h"

typedef struct
{
  AccordSourceKind     source;
  char                *target;
  AccordLookupOutcome  outcome;
  char                *detail;
  gint64               started;
  guint                elapsed_ms;
  guint                timeout_ms;
  GPtrArray           *candidates;
  GPtrArray           *confirmations;
} AccordLookupPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (AccordLookup, accord_lookup, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SOURCE,
  PROP_TARGET,
  PROP_OUTCOME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
accord_lookup_finalize (GObject *object)
{
  AccordLookup *self = (AccordLookup *)object;
  AccordLookupPrivate *priv = accord_lookup_get_instance_private (self);

  g_clear_pointer (&priv->target, g_free);
  g_clear_pointer (&priv->detail, g_free);
  g_clear_pointer (&priv->candidates, g_ptr_array_unref);
  g_clear_pointer (&priv->confirmations, g_ptr_array_unref);

  G_OBJECT_CLASS (accord_lookup_parent_class)->finalize (object);
}

static void
accord_lookup_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AccordLookup *self = ACCORD_LOOKUP (object);
  AccordLookupPrivate *priv = accord_lookup_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_SOURCE:
      g_value_set_enum (value, priv->source);
      break;

    case PROP_TARGET:
      g_value_set_string (value, priv->target);
      break;

    case PROP_OUTCOME:
      g_value_set_enum (value, priv->outcome);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
accord_lookup_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AccordLookup *self = ACCORD_LOOKUP (object);
  AccordLookupPrivate *priv = accord_lookup_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_SOURCE:
      priv->source = g_value_get_enum (value);
      break;

    case PROP_TARGET:
      priv->target = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
accord_lookup_class_init (AccordLookupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = accord_lookup_finalize;
  object_class->get_property = accord_lookup_get_property;
  object_class->set_property = accord_lookup_set_property;

  properties[PROP_SOURCE] =
    g_param_spec_enum ("source", NULL, NULL,
                       ACCORD_TYPE_SOURCE_KIND, ACCORD_SOURCE_GUESS,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TARGET] =
    g_param_spec_string ("target", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /* Notified on every change, so a page can show each lookup's live state. */
  properties[PROP_OUTCOME] =
    g_param_spec_enum ("outcome", NULL, NULL,
                       ACCORD_TYPE_LOOKUP_OUTCOME, ACCORD_LOOKUP_PENDING,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
accord_lookup_init (AccordLookup *self)
{
  AccordLookupPrivate *priv = accord_lookup_get_instance_private (self);

  priv->timeout_ms = 10000;
  priv->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_candidate_unref);
  priv->confirmations = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_confirmation_unref);
}

static void
_set_outcome (AccordLookup        *self,
              AccordLookupOutcome  outcome,
              const char          *detail)
{
  AccordLookupPrivate *priv = accord_lookup_get_instance_private (self);

  if (priv->started != 0)
    priv->elapsed_ms = (guint) ((g_get_monotonic_time () - priv->started) / 1000);

  if (detail != NULL)
    {
      g_free (priv->detail);
      priv->detail = g_strdup (detail);
    }

  priv->outcome = outcome;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTCOME]);
}

AccordSourceKind
accord_lookup_get_source (AccordLookup *self)
{
  AccordLookupPrivate *priv = accord_lookup_get_instance_private (self);

  g_return_val_if_fail (ACCORD_IS_LOOKUP (self), ACCORD_SOURCE_GUESS);

  return priv->source;
}

const char *
accord_lookup_get_target (AccordLookup *self)
{
  AccordLookupPrivate *priv = accord_lookup_get_instance_private (self);

  g_return_val_if_fail (ACCORD_IS_LOOKUP (self), NULL);

  return priv->target;
}

AccordLookupOutcome
accord_lookup_get_outcome (AccordLookup *self)
{
  AccordLookupPrivate *priv = accord_lookup_get_instance_private (self);

  g_return_val_if_fail (ACCORD_IS_LOOKUP (self), ACCORD_LOOKUP_ERROR);

  return priv->outcome;
}

const char *
accord_lookup_get_detail (AccordLookup *self)
{
  AccordLookupPrivate *priv = accord_lookup_get_instance_private (self);

  g_return_val_if_fail (ACCORD_IS_LOOKUP (self), NULL);

  return priv->detail;
}

guint
accord_lookup_get_elapsed_ms (AccordLookup *self)
{
  AccordLookupPrivate *priv = accord_lookup_get_instance_private (self);

  g_return_val_if_fail (ACCORD_IS_LOOKUP (self), 0);

  if (priv->outcome == ACCORD_LOOKUP_RUNNING)
    return (guint) ((g_get_monotonic_time () - priv->started) / 1000);

  return priv->elapsed_ms;
}

guint
accord_lookup_get_timeout_ms (AccordLookup *self)
{
  AccordLookupPrivate *priv = accord_lookup_get_instance_private (self);

  g_return_val_if_fail (ACCORD_IS_LOOKUP (self), 0);

  return priv->timeout_ms;
}

void
accord_lookup_set_timeout_ms (AccordLookup *self,
                              guint         timeout_ms)
{
  AccordLookupPrivate *priv = accord_lookup_get_instance_private (self);

  g_return_if_fail (ACCORD_IS_LOOKUP (self));

  priv->timeout_ms = timeout_ms;
}

/**
 * accord_lookup_get_candidates:
 *
 * Returns: (transfer none) (element-type AccordCandidate): what the lookup found
 */
GPtrArray *
accord_lookup_get_candidates (AccordLookup *self)
{
  AccordLookupPrivate *priv = accord_lookup_get_instance_private (self);

  g_return_val_if_fail (ACCORD_IS_LOOKUP (self), NULL);

  return priv->candidates;
}

/**
 * accord_lookup_set_detail:
 * @detail: one sentence about what the lookup did, e.g. which domain it asked
 *
 * For subclasses, while they run: the detail shown next to the outcome. An error
 * replaces it with the error's message.
 */
void
accord_lookup_set_detail (AccordLookup *self,
                          const char   *detail)
{
  AccordLookupPrivate *priv = accord_lookup_get_instance_private (self);

  g_return_if_fail (ACCORD_IS_LOOKUP (self));

  g_free (priv->detail);
  priv->detail = g_strdup (detail);
}

/**
 * accord_lookup_add_confirmation:
 * @confirmation: what the person must agree to before this source's lead is followed
 *
 * For subclasses, while they run: a question the lookup could not answer on the
 * person's behalf, such as a redirect that would send the password to another
 * domain. The same question is kept once.
 */
void
accord_lookup_add_confirmation (AccordLookup       *self,
                                AccordConfirmation *confirmation)
{
  AccordLookupPrivate *priv = accord_lookup_get_instance_private (self);

  g_return_if_fail (ACCORD_IS_LOOKUP (self));
  g_return_if_fail (confirmation != NULL);

  for (guint i = 0; i < priv->confirmations->len; i++)
    if (accord_confirmation_equal (g_ptr_array_index (priv->confirmations, i), confirmation))
      return;

  g_ptr_array_add (priv->confirmations, accord_confirmation_ref (confirmation));
}

/**
 * accord_lookup_get_confirmations:
 *
 * Returns: (transfer none) (element-type AccordConfirmation): the questions this
 *   lookup left for the person
 */
GPtrArray *
accord_lookup_get_confirmations (AccordLookup *self)
{
  AccordLookupPrivate *priv = accord_lookup_get_instance_private (self);

  g_return_val_if_fail (ACCORD_IS_LOOKUP (self), NULL);

  return priv->confirmations;
}

/**
 * accord_lookup_skip:
 *
 * Marks a lookup that will not run, such as guessing once a real source answered.
 */
void
accord_lookup_skip (AccordLookup *self,
                    const char   *reason)
{
  AccordLookupPrivate *priv = accord_lookup_get_instance_private (self);

  g_return_if_fail (ACCORD_IS_LOOKUP (self));
  g_return_if_fail (priv->outcome == ACCORD_LOOKUP_PENDING);

  _set_outcome (self, ACCORD_LOOKUP_SKIPPED, reason);
}

typedef struct
{
  GCancellable *cancellable;   /* cancelled by the caller or by the timeout */
  gulong        cancelled_id;
  GSource      *timeout;
  gboolean      timed_out;
} RunData;

static void
run_data_free (RunData *data)
{
  if (data->timeout != NULL)
    {
      g_source_destroy (data->timeout);
      g_source_unref (data->timeout);
    }
  g_clear_object (&data->cancellable);
  g_free (data);
}

static gboolean
_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  RunData *data = g_task_get_task_data (task);

  data->timed_out = TRUE;
  g_cancellable_cancel (data->cancellable);
  return G_SOURCE_REMOVE;
}

/* No such host, or nothing listening: the source does not exist for this domain,
 * which is an answer, not a failure. Most domains have no autoconfig host. */
static gboolean
_is_nothing_there (const GError *error)
{
  return g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
_run_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  AccordLookup *self = ACCORD_LOOKUP (object);
  AccordLookupPrivate *priv = accord_lookup_get_instance_private (self);
  g_autoptr(GTask) task = user_data;
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *outer = g_task_get_cancellable (task);

  candidates = ACCORD_LOOKUP_GET_CLASS (self)->run_finish (self, result, &error);

  if (outer != NULL && data->cancelled_id != 0)
    g_cancellable_disconnect (outer, data->cancelled_id);
  data->cancelled_id = 0;

  if (candidates == NULL)
    {
      if (data->timed_out)
        {
          g_autofree char *detail = g_strdup_printf (_("No answer within %u s"),
                                                     priv->timeout_ms / 1000);

          _set_outcome (self, ACCORD_LOOKUP_TIMEOUT, detail);
        }
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _set_outcome (self, ACCORD_LOOKUP_SKIPPED, _("Stopped: no longer needed"));
      else if (_is_nothing_there (error))
        _set_outcome (self, ACCORD_LOOKUP_NONE, error->message);
      else
        _set_outcome (self, ACCORD_LOOKUP_ERROR, error->message);

      /* A source that fails is an outcome, not a failure of the discovery. */
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_ptr_array_extend (priv->candidates, candidates, (GCopyFunc) accord_candidate_ref, NULL);
  _set_outcome (self,
                candidates->len > 0 ? ACCORD_LOOKUP_FOUND : ACCORD_LOOKUP_NONE,
                NULL);
  g_task_return_boolean (task, TRUE);
}

static void
_outer_cancelled_cb (GCancellable *outer,
                     GCancellable *inner)
{
  g_cancellable_cancel (inner);
}

/**
 * accord_lookup_run_async:
 *
 * Runs the lookup once, within its timeout. The outcome, detail, time and candidates
 * are then on the object; finishing fails only for misuse.
 */
void
accord_lookup_run_async (AccordLookup        *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  AccordLookupPrivate *priv = accord_lookup_get_instance_private (self);
  g_autoptr(GTask) task = NULL;
  RunData *data;

  g_return_if_fail (ACCORD_IS_LOOKUP (self));
  g_return_if_fail (priv->outcome == ACCORD_LOOKUP_PENDING);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_lookup_run_async);

  data = g_new0 (RunData, 1);
  data->cancellable = g_cancellable_new ();
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);

  if (cancellable != NULL)
    data->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (_outer_cancelled_cb),
                                                g_object_ref (data->cancellable),
                                                g_object_unref);

  data->timeout = g_timeout_source_new (priv->timeout_ms);
  g_source_set_callback (data->timeout, _timeout_cb, task, NULL);
  g_source_attach (data->timeout, g_main_context_get_thread_default ());

  priv->started = g_get_monotonic_time ();
  _set_outcome (self, ACCORD_LOOKUP_RUNNING, NULL);

  ACCORD_LOOKUP_GET_CLASS (self)->run_async (self, data->cancellable, _run_cb,
                                             g_steal_pointer (&task));
}

gboolean
accord_lookup_run_finish (AccordLookup  *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (ACCORD_IS_LOOKUP (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

const char *
accord_lookup_outcome_to_string (AccordLookupOutcome outcome)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (ACCORD_TYPE_LOOKUP_OUTCOME);
  GEnumValue *value = g_enum_get_value (klass, outcome);

  return value != NULL ? value->value_nick : NULL;
}
