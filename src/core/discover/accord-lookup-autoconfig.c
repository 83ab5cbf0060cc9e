/* accord-lookup-autoconfig.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "accord-autoconfig.h"
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

  char         *address;
  char         *path;      /* a local file, or NULL */
  SoupSession  *session;
};

G_DEFINE_FINAL_TYPE (AccordLookupAutoconfig, accord_lookup_autoconfig, ACCORD_TYPE_LOOKUP)

typedef struct
{
  char         *url;
  guint         redirects;
  GByteArray   *body;
  GInputStream *stream;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_free (fetch->url);
  g_clear_pointer (&fetch->body, g_byte_array_unref);
  g_clear_object (&fetch->stream);
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
_read_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordLookupAutoconfig *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  GPtrArray *candidates;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_bytes_get_size (chunk) > 0)
    {
      if (fetch->body->len + g_bytes_get_size (chunk) > MAX_BODY_SIZE)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                                   _("The answer is larger than %u KiB, so it is not a "
                                     "configuration file"),
                                   MAX_BODY_SIZE / 1024);
          return;
        }

      cancellable = g_task_get_cancellable (task);
      g_byte_array_append (fetch->body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
      g_input_stream_read_bytes_async (fetch->stream, 16384, G_PRIORITY_DEFAULT,
                                       cancellable, _read_cb, g_steal_pointer (&task));
      return;
    }

  candidates = _parse (self, (const char *) fetch->body->data, fetch->body->len, fetch->url,
                       &error);
  if (candidates == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, candidates, (GDestroyNotify) g_ptr_array_unref);
}

static void
_send_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  GCancellable *cancellable;
  guint status;

  stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  status = soup_message_get_status (message);

  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      const char *location = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                           "Location");
      g_autoptr(GUri) next = NULL;

      if (location != NULL)
        next = g_uri_parse_relative (soup_message_get_uri (message), location,
                                     G_URI_FLAGS_ENCODED, NULL);

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

  if (soup_message_headers_get_content_length (soup_message_get_response_headers (message)) >
      MAX_BODY_SIZE)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                               _("The answer is larger than %u KiB, so it is not a "
                                 "configuration file"),
                               MAX_BODY_SIZE / 1024);
      return;
    }

  fetch->stream = g_steal_pointer (&stream);
  fetch->body = g_byte_array_new ();
  cancellable = g_task_get_cancellable (task);
  g_input_stream_read_bytes_async (fetch->stream, 16384, G_PRIORITY_DEFAULT,
                                   cancellable, _read_cb, g_steal_pointer (&task));
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
  soup_session_send_async (self->session, message, G_PRIORITY_DEFAULT,
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
