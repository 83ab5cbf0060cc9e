/* accord-http.c
 *
 * One HTTP exchange whose answer is read whole but never beyond a limit: discovery
 * reads documents of a few kilobytes from servers it does not trust, and a server
 * that sends gigabytes must cost nothing but a refusal.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-http.h"

#define CHUNK_SIZE 16384

typedef struct
{
  SoupMessage  *message;
  GInputStream *stream;
  GByteArray   *body;
  gsize         max_size;
} Exchange;

static void
exchange_free (Exchange *exchange)
{
  g_clear_object (&exchange->message);
  g_clear_object (&exchange->stream);
  g_clear_pointer (&exchange->body, g_byte_array_unref);
  g_free (exchange);
}

static void
_too_large (GTask *task)
{
  Exchange *exchange = g_task_get_task_data (task);

  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                           _("The answer from %s is larger than %u KiB; it was not read"),
                           g_uri_get_host (soup_message_get_uri (exchange->message)),
                           (guint) (exchange->max_size / 1024));
}

static void
_read_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Exchange *exchange = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_bytes_get_size (chunk) == 0)
    {
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&exchange->body)),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }

  if (exchange->body->len + g_bytes_get_size (chunk) > exchange->max_size)
    {
      _too_large (task);
      return;
    }

  g_byte_array_append (exchange->body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  cancellable = g_task_get_cancellable (task);
  g_input_stream_read_bytes_async (exchange->stream, CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   cancellable, _read_cb, g_steal_pointer (&task));
}

static void
_send_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Exchange *exchange = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  exchange->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (exchange->stream == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (soup_message_headers_get_content_length (soup_message_get_response_headers (exchange->message)) >
      (goffset) exchange->max_size)
    {
      _too_large (task);
      return;
    }

  exchange->body = g_byte_array_new ();
  cancellable = g_task_get_cancellable (task);
  g_input_stream_read_bytes_async (exchange->stream, CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   cancellable, _read_cb, g_steal_pointer (&task));
}

/**
 * accord_http_send_limited_async:
 * @message: a request, with its method, headers, body and flags set by the caller
 *   (e.g. %SOUP_MESSAGE_NO_REDIRECT to see redirects)
 * @max_size: the most the body may hold; a larger answer fails with
 *   %G_IO_ERROR_MESSAGE_TOO_LARGE, whatever its status
 *
 * Sends @message and reads its whole answer. The status and headers are on @message
 * afterwards.
 */
void
accord_http_send_limited_async (SoupSession         *session,
                                SoupMessage         *message,
                                gsize                max_size,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Exchange *exchange;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (SOUP_IS_MESSAGE (message));

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_http_send_limited_async);

  exchange = g_new0 (Exchange, 1);
  exchange->message = g_object_ref (message);
  exchange->max_size = max_size;
  g_task_set_task_data (task, exchange, (GDestroyNotify) exchange_free);

  soup_session_send_async (session, message, G_PRIORITY_DEFAULT, cancellable,
                           _send_cb, g_steal_pointer (&task));
}

/**
 * accord_http_send_limited_finish:
 *
 * Returns: (transfer full): the body of the answer, or %NULL with @error set when the
 *   exchange failed or the answer was too large
 */
GBytes *
accord_http_send_limited_finish (SoupSession   *session,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, session), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * accord_http_get_redirect:
 *
 * Returns: (transfer full) (nullable): where a redirect answer points, resolved
 *   against the request's URI; %NULL when @message is not a redirect or its
 *   Location is missing or broken
 */
GUri *
accord_http_get_redirect (SoupMessage *message)
{
  const char *location;

  g_return_val_if_fail (SOUP_IS_MESSAGE (message), NULL);

  if (!SOUP_STATUS_IS_REDIRECTION (soup_message_get_status (message)))
    return NULL;

  location = soup_message_headers_get_one (soup_message_get_response_headers (message), "Location");
  if (location == NULL)
    return NULL;

  return g_uri_parse_relative (soup_message_get_uri (message), location, G_URI_FLAGS_ENCODED, NULL);
}

/**
 * accord_http_set_basic_auth:
 *
 * Signs @message in with Basic authentication, and only @message: libsoup's own
 * authentication is turned off for it, so that no challenge can send the password
 * again or elsewhere. The copies made on the way are wiped.
 */
void
accord_http_set_basic_auth (SoupMessage *message,
                            const char  *user,
                            const char  *password)
{
  g_autofree char *pair = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *value = NULL;

  g_return_if_fail (SOUP_IS_MESSAGE (message));
  g_return_if_fail (user != NULL && password != NULL);

  pair = g_strconcat (user, ":", password, NULL);
  encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  value = g_strconcat ("Basic ", encoded, NULL);
  soup_message_disable_feature (message, SOUP_TYPE_AUTH_MANAGER);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", value);
  memset (pair, 0, strlen (pair));
  memset (encoded, 0, strlen (encoded));
  memset (value, 0, strlen (value));
}
