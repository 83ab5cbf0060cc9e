/* accord-lookup-autoconfig.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "accord-autoconfig.h"
#include "accord-http.h"
#include "accord-lookup-autoconfig.h"

/* A configuration file is a few kilobytes; a larger answer is refused unread. */
#define MAX_BODY_SIZE (1024 * 1024)
#define MAX_REDIRECTS 5

/**
 * AccordLookupAutoconfig:
 *
 * Reads a Thunderbird-style configuration document: from a local override file, a
 * provider's autoconfig host, the ISP database, or plain HTTP. Redirects are followed
 * by hand, so an HTTPS lookup never continues over plain HTTP.
 */
struct _AccordLookupAutoconfig
{
  AccordLookup  parent_instance;

  AccordAutoconfig *config;  /* once read */
  char         *address;
  char         *path;      /* a local file, or NULL */
  SoupSession  *session;
};

G_DEFINE_FINAL_TYPE (AccordLookupAutoconfig, accord_lookup_autoconfig, ACCORD_TYPE_LOOKUP)

typedef struct
{
  char         *url;
  guint         redirects;
  SoupMessage  *message;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_free (fetch->url);
  g_clear_object (&fetch->message);
  g_free (fetch);
}

static void _send (GTask *task);

static GPtrArray *
_parse (AccordLookupAutoconfig  *self,
        const char              *data,
        gsize                    length,
        const char              *detail,
        GError                 **error)
{
  AccordLookup *lookup = ACCORD_LOOKUP (self);
  g_autoptr(AccordAutoconfig) config = NULL;
  GPtrArray *candidates;

  config = accord_autoconfig_parse (data, length, self->address,
                                    accord_lookup_get_source (lookup), detail, error);
  if (config == NULL)
    return NULL;

  g_clear_pointer (&self->config, accord_autoconfig_unref);
  self->config = accord_autoconfig_ref (config);

  candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_candidate_unref);
  g_ptr_array_extend (candidates, accord_autoconfig_get_candidates (config),
                      (GCopyFunc) accord_candidate_ref, NULL);

  if (accord_lookup_get_source (lookup) == ACCORD_SOURCE_HTTP_AUTOCONFIG)
    for (guint i = 0; i < candidates->len; i++)
      ((AccordCandidate *) g_ptr_array_index (candidates, i))->flags |=
        ACCORD_CANDIDATE_FLAG_INSECURE_SOURCE;

  return candidates;
}

static void
_send_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordLookupAutoconfig *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  SoupMessage *message = fetch->message;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *candidates;
  guint status;

  body = accord_http_send_limited_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  status = soup_message_get_status (message);

  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      g_autoptr(GUri) next = accord_http_get_redirect (message);

      if (next == NULL || ++fetch->redirects > MAX_REDIRECTS)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                                   _("Too many or broken redirects from %s"), fetch->url);
          return;
        }

      /* Never from HTTPS down to plain HTTP: that would let anyone on the path answer. */
      if (g_str_equal (g_uri_get_scheme (soup_message_get_uri (message)), "https") &&
          !g_str_equal (g_uri_get_scheme (next), "https"))
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                   _("%s redirects to an unencrypted address; ignored"),
                                   fetch->url);
          return;
        }

      g_free (fetch->url);
      fetch->url = g_uri_to_string (next);
      _send (g_steal_pointer (&task));
      return;
    }

  if (status == SOUP_STATUS_NOT_FOUND || status == SOUP_STATUS_GONE)
    {
      g_task_return_pointer (task,
                             g_ptr_array_new_with_free_func ((GDestroyNotify) accord_candidate_unref),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("%s answered %u %s"), fetch->url, status,
                               soup_message_get_reason_phrase (message));
      return;
    }

  candidates = _parse (self, g_bytes_get_data (body, NULL), g_bytes_get_size (body), fetch->url,
                       &error);
  if (candidates == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, candidates, (GDestroyNotify) g_ptr_array_unref);
}

static void
_send (GTask *task)
{
  AccordLookupAutoconfig *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = NULL;

  message = soup_message_new (SOUP_METHOD_GET, fetch->url);
  if (message == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("“%s” is not a valid address"), fetch->url);
      g_object_unref (task);
      return;
    }

  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_append (soup_message_get_request_headers (message),
                               "Accept", "application/xml, text/xml");
  g_set_object (&fetch->message, message);
  accord_http_send_limited_async (self->session, message, MAX_BODY_SIZE,
                                  g_task_get_cancellable (task), _send_cb, task);
}

static void
accord_lookup_autoconfig_run_async (AccordLookup        *lookup,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  AccordLookupAutoconfig *self = ACCORD_LOOKUP_AUTOCONFIG (lookup);
  g_autoptr(GTask) task = NULL;
  Fetch *fetch;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_lookup_autoconfig_run_async);

  if (self->path != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;
      GPtrArray *candidates;
      gsize length;

      /* A small local file, read at once: the main loop can afford it. */
      if (!g_file_test (self->path, G_FILE_TEST_EXISTS))
        {
          g_task_return_pointer (task,
                                 g_ptr_array_new_with_free_func ((GDestroyNotify) accord_candidate_unref),
                                 (GDestroyNotify) g_ptr_array_unref);
          return;
        }

      if (!g_file_get_contents (self->path, &contents, &length, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      candidates = _parse (self, contents, length, self->path, &error);
      if (candidates == NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task, candidates, (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  fetch = g_new0 (Fetch, 1);
  fetch->url = g_strdup (accord_lookup_get_target (lookup));
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);
  _send (g_steal_pointer (&task));
}

static GPtrArray *
accord_lookup_autoconfig_run_finish (AccordLookup  *lookup,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
accord_lookup_autoconfig_finalize (GObject *object)
{
  AccordLookupAutoconfig *self = (AccordLookupAutoconfig *)object;

  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_object (&self->session);
  g_clear_pointer (&self->config, accord_autoconfig_unref);

  G_OBJECT_CLASS (accord_lookup_autoconfig_parent_class)->finalize (object);
}

static void
accord_lookup_autoconfig_class_init (AccordLookupAutoconfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AccordLookupClass *lookup_class = ACCORD_LOOKUP_CLASS (klass);

  object_class->finalize = accord_lookup_autoconfig_finalize;
  lookup_class->run_async = accord_lookup_autoconfig_run_async;
  lookup_class->run_finish = accord_lookup_autoconfig_run_finish;
}

static void
accord_lookup_autoconfig_init (AccordLookupAutoconfig *self)
{
}

/**
 * accord_lookup_autoconfig_new_url:
 * @url: the full URL, query included
 * @session: the session to fetch with; its TLS database decides what is trusted
 */
AccordLookup *
accord_lookup_autoconfig_new_url (AccordSourceKind  source,
                                  const char       *url,
                                  const char       *address,
                                  SoupSession      *session)
{
  AccordLookupAutoconfig *self;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);

  self = g_object_new (ACCORD_TYPE_LOOKUP_AUTOCONFIG,
                       "source", source,
                       "target", url,
                       NULL);
  self->address = g_strdup (address);
  self->session = g_object_ref (session);

  return ACCORD_LOOKUP (self);
}

AccordLookup *
accord_lookup_autoconfig_new_file (AccordSourceKind  source,
                                   const char       *path,
                                   const char       *address)
{
  AccordLookupAutoconfig *self;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (address != NULL, NULL);

  self = g_object_new (ACCORD_TYPE_LOOKUP_AUTOCONFIG,
                       "source", source,
                       "target", path,
                       NULL);
  self->address = g_strdup (address);
  self->path = g_strdup (path);

  return ACCORD_LOOKUP (self);
}

/**
 * accord_lookup_autoconfig_get_config:
 *
 * Returns: (transfer none) (nullable): the provider's document, once read: its name,
 *   help pages and the steps to take before a mail client may connect
 */
AccordAutoconfig *
accord_lookup_autoconfig_get_config (AccordLookupAutoconfig *self)
{
  g_return_val_if_fail (ACCORD_IS_LOOKUP_AUTOCONFIG (self), NULL);

  return self->config;
}
