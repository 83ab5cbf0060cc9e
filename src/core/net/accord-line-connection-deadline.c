/* accord-line-connection-deadline.c - deadlines of a line connection's operations, and
 * what its errors mean to a person
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "accord-line-connection-private.h"
#include "accord-probe-error.h"

static void
_on_outer_cancelled_cb (GCancellable *outer,
                        gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static gboolean
_on_deadline_cb (gpointer user_data)
{
  Deadline *deadline = user_data;

  deadline->timed_out = TRUE;
  g_clear_pointer (&deadline->timer, g_source_unref);
  g_cancellable_cancel (deadline->cancellable);

  return G_SOURCE_REMOVE;
}

static void
_deadline_arm (Deadline *deadline,
               guint     seconds)
{
  deadline->timer = g_timeout_source_new (seconds * 1000);
  g_source_set_static_name (deadline->timer, "[accord] line connection deadline");
  g_source_set_callback (deadline->timer, _on_deadline_cb, deadline, NULL);
  g_source_attach (deadline->timer, g_main_context_get_thread_default ());
}

Deadline *
_accord_deadline_new (GCancellable *outer,
                      guint         seconds)
{
  Deadline *deadline = g_new0 (Deadline, 1);

  deadline->cancellable = g_cancellable_new ();
  if (outer != NULL)
    {
      deadline->outer = g_object_ref (outer);
      deadline->outer_handler = g_cancellable_connect (outer,
                                                       G_CALLBACK (_on_outer_cancelled_cb),
                                                       g_object_ref (deadline->cancellable),
                                                       g_object_unref);
    }

  _deadline_arm (deadline, seconds);

  return deadline;
}

/* Gives the operation @seconds more from now, as long as data keeps coming. */
void
_accord_deadline_extend (Deadline *deadline,
                         guint     seconds)
{
  if (deadline->timer == NULL)
    return;

  g_source_destroy (deadline->timer);
  g_source_unref (deadline->timer);
  _deadline_arm (deadline, seconds);
}

void
_accord_deadline_free (Deadline *deadline)
{
  if (deadline->timer != NULL)
    {
      g_source_destroy (deadline->timer);
      g_source_unref (deadline->timer);
    }
  if (deadline->outer != NULL)
    g_cancellable_disconnect (deadline->outer, deadline->outer_handler);
  g_clear_object (&deadline->outer);
  g_clear_object (&deadline->cancellable);
  g_free (deadline);
}

/* Turns what GIO reported into a sentence about this server; takes @error. */
GError *
_accord_line_connection_explain_error (const char *host,
                                       guint16     port,
                                       guint       timeout,
                                       Deadline   *deadline,
                                       Operation   op,
                                       GError     *error)
{
  GError *explained = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (deadline == NULL || !deadline->timed_out ||
          g_cancellable_is_cancelled (deadline->outer))
        return error;
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) &&
           error->domain == ACCORD_PROBE_ERROR)
    {
      return error;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      switch (op)
        {
        case OP_CONNECT:
          explained = g_error_new (ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_TIMEOUT,
                                   g_dngettext (GETTEXT_PACKAGE,
                                                "Could not connect to %s:%u within %u second. "
                                                "Check the host name, the port and your "
                                                "network connection.",
                                                "Could not connect to %s:%u within %u seconds. "
                                                "Check the host name, the port and your "
                                                "network connection.",
                                                timeout),
                                   host, port, timeout);
          break;
        case OP_HANDSHAKE:
          explained = g_error_new (ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_TIMEOUT,
                                   g_dngettext (GETTEXT_PACKAGE,
                                                "%s:%u did not complete the TLS handshake "
                                                "within %u second.",
                                                "%s:%u did not complete the TLS handshake "
                                                "within %u seconds.",
                                                timeout),
                                   host, port, timeout);
          break;
        case OP_READ:
        case OP_WRITE:
        case OP_CLOSE:
        default:
          explained = g_error_new (ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_TIMEOUT,
                                   g_dngettext (GETTEXT_PACKAGE,
                                                "%s:%u did not answer within %u second.",
                                                "%s:%u did not answer within %u seconds.",
                                                timeout),
                                   host, port, timeout);
          break;
        }
    }
  else if (op == OP_CONNECT)
    {
      if (error->domain == G_RESOLVER_ERROR)
        explained = g_error_new (ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_CONNECT,
                                 _("The host name %s could not be found. Check its spelling "
                                   "and your network connection."),
                                 host);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
        explained = g_error_new (ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_CONNECT,
                                 _("%s:%u refused the connection. Check the host name and "
                                   "the port."),
                                 host, port);
      else
        explained = g_error_new (ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_CONNECT,
                                 _("Could not connect to %s:%u: %s. Check your network "
                                   "connection."),
                                 host, port, error->message);
    }
  else if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_NOT_TLS))
    {
      explained = g_error_new (ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_PROTOCOL,
                               _("%s:%u does not answer with TLS. If this port expects "
                                 "STARTTLS, choose STARTTLS instead."),
                               host, port);
    }
  else if (op == OP_HANDSHAKE)
    {
      explained = g_error_new (ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_CONNECT,
                               _("A secure connection to %s:%u could not be established: %s"),
                               host, port, error->message);
    }
  else
    {
      explained = g_error_new (ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_CONNECT,
                               _("The connection to %s:%u was lost: %s"),
                               host, port, error->message);
    }

  g_error_free (error);
  return explained;
}
