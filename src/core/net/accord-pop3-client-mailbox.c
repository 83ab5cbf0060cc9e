/* accord-pop3-client-mailbox.c - the commands on a POP3 mailbox: STAT, UIDL,
 * LIST, RETR, DELE, RSET, NOOP
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-pop3-client-private.h"

/* RFC 1939 allows 70 characters; some servers use a few more. */
#define MAX_UIDL_LENGTH 512

void
accord_pop3_uidl_free (AccordPop3Uidl *uidl)
{
  if (uidl == NULL)
    return;

  g_free (uidl->uidl);
  g_free (uidl);
}

/* --- the mailbox -------------------------------------------------------------------- */

static gboolean
_parse_number (const char *text,
               guint64     max,
               guint64    *out)
{
  return text != NULL && g_ascii_isdigit (*text) &&
         g_ascii_string_to_unsigned (text, 10, 0, max, out, NULL);
}

typedef struct
{
  guint64 count;
  guint64 size;
} StatData;

static void
_stat_cb (AccordPop3Client *self,
          GTask            *task,
          Pop3Command      *cmd)
{
  g_auto(GStrv) words = NULL;
  StatData *counts;

  if (!_accord_pop3_is_ok (cmd->status))
    {
      g_task_return_error (task, _accord_pop3_refused (self, cmd));
      return;
    }

  counts = g_new0 (StatData, 1);
  words = g_strsplit (_accord_pop3_text (cmd->status), " ", 3);
  if (g_strv_length (words) < 2 ||
      !_parse_number (words[0], G_MAXUINT, &counts->count) ||
      !_parse_number (words[1], G_MAXUINT64, &counts->size))
    {
      g_free (counts);
      g_task_return_error (task, _accord_pop3_protocol_error (self, cmd->status));
      return;
    }

  g_task_return_pointer (task, counts, g_free);
}

void
accord_pop3_client_stat_async (AccordPop3Client    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_POP3_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = _accord_pop3_task_new (self, cancellable, callback, user_data,
                                accord_pop3_client_stat_async);
  _accord_pop3_send (self, task, "STAT", NULL, CMD_PIPELINE, _stat_cb);
}

/**
 * accord_pop3_client_stat_finish:
 * @count: (out) (optional): the number of messages
 * @size: (out) (optional): their total size in bytes
 */
gboolean
accord_pop3_client_stat_finish (AccordPop3Client  *self,
                                GAsyncResult      *result,
                                guint             *count,
                                guint64           *size,
                                GError           **error)
{
  g_autofree StatData *counts = NULL;

  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  counts = g_task_propagate_pointer (G_TASK (result), error);
  if (counts == NULL)
    return FALSE;

  if (count != NULL)
    *count = (guint) counts->count;
  if (size != NULL)
    *size = counts->size;

  return TRUE;
}

/* "NUMBER REST" of UIDL and LIST listings. */
static gboolean
_split_listing_line (const char  *line,
                     guint       *number,
                     const char **rest)
{
  const char *space = strchr (line, ' ');
  g_autofree char *digits = NULL;
  guint64 value;

  if (space == NULL)
    return FALSE;

  digits = g_strndup (line, space - line);
  if (!_parse_number (digits, G_MAXUINT, &value) || value == 0)
    return FALSE;

  *number = (guint) value;
  *rest = space + 1;

  return TRUE;
}

static gboolean
_uidl_line (const char *line,
            gpointer    user_data)
{
  GPtrArray *uidls = user_data;
  AccordPop3Uidl *uidl;
  const char *rest;
  guint number;
  gsize len;

  if (!_split_listing_line (line, &number, &rest))
    return FALSE;

  len = strcspn (rest, " ");
  if (len == 0 || len > MAX_UIDL_LENGTH)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (rest[i] < 0x21 || rest[i] > 0x7e)
      return FALSE;

  uidl = g_new0 (AccordPop3Uidl, 1);
  uidl->number = number;
  uidl->uidl = g_strndup (rest, len);
  g_ptr_array_add (uidls, uidl);

  return TRUE;
}

static gboolean
_list_line (const char *line,
            gpointer    user_data)
{
  GArray *sizes = user_data;
  g_autofree char *digits = NULL;
  AccordPop3Size size;
  const char *rest;

  if (!_split_listing_line (line, &size.number, &rest))
    return FALSE;

  digits = g_strndup (rest, strcspn (rest, " "));
  if (!_parse_number (digits, G_MAXUINT64, &size.size))
    return FALSE;

  g_array_append_val (sizes, size);

  return TRUE;
}

static void
_uidl_cb (AccordPop3Client *self,
          GTask            *task,
          Pop3Command      *cmd)
{
  g_autoptr(GPtrArray) uidls = NULL;

  if (!_accord_pop3_is_ok (cmd->status))
    {
      g_task_return_error (task, _accord_pop3_refused (self, cmd));
      return;
    }

  uidls = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_pop3_uidl_free);
  if (!_accord_pop3_foreach_line (cmd, _uidl_line, uidls))
    {
      g_task_return_new_error (task, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_PROTOCOL,
                               _("%s:%u sent a list of message ids (UIDL) that breaks the "
                                 "POP3 protocol."),
                               self->host, self->port);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&uidls), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * accord_pop3_client_uidl_async:
 *
 * Lists the unique id of every message not marked for deletion (UIDL).
 */
void
accord_pop3_client_uidl_async (AccordPop3Client    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_POP3_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = _accord_pop3_task_new (self, cancellable, callback, user_data,
                                accord_pop3_client_uidl_async);
  _accord_pop3_send (self, task, "UIDL", NULL, CMD_MULTILINE | CMD_PIPELINE, _uidl_cb);
}

/**
 * accord_pop3_client_uidl_finish:
 *
 * Returns: (transfer container) (element-type AccordPop3Uidl): the ids, in the
 *   server's order
 */
GPtrArray *
accord_pop3_client_uidl_finish (AccordPop3Client  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
_list_cb (AccordPop3Client *self,
          GTask            *task,
          Pop3Command      *cmd)
{
  g_autoptr(GArray) sizes = NULL;

  if (!_accord_pop3_is_ok (cmd->status))
    {
      g_task_return_error (task, _accord_pop3_refused (self, cmd));
      return;
    }

  sizes = g_array_new (FALSE, FALSE, sizeof (AccordPop3Size));
  if (!_accord_pop3_foreach_line (cmd, _list_line, sizes))
    {
      g_task_return_new_error (task, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_PROTOCOL,
                               _("%s:%u sent a list of message sizes (LIST) that breaks the "
                                 "POP3 protocol."),
                               self->host, self->port);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&sizes), (GDestroyNotify) g_array_unref);
}

/**
 * accord_pop3_client_list_async:
 *
 * Lists the size of every message not marked for deletion (LIST).
 */
void
accord_pop3_client_list_async (AccordPop3Client    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_POP3_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = _accord_pop3_task_new (self, cancellable, callback, user_data,
                                accord_pop3_client_list_async);
  _accord_pop3_send (self, task, "LIST", NULL, CMD_MULTILINE | CMD_PIPELINE, _list_cb);
}

/**
 * accord_pop3_client_list_finish:
 *
 * Returns: (transfer full) (element-type AccordPop3Size): the sizes, in the server's
 *   order
 */
GArray *
accord_pop3_client_list_finish (AccordPop3Client  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
_retr_cb (AccordPop3Client *self,
          GTask            *task,
          Pop3Command      *cmd)
{
  if (!_accord_pop3_is_ok (cmd->status))
    {
      g_task_return_error (task, _accord_pop3_refused (self, cmd));
      return;
    }

  g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&cmd->data)),
                         (GDestroyNotify) g_bytes_unref);
}

/**
 * accord_pop3_client_retr_async:
 * @number: the message's number in this session
 *
 * Downloads a message. Several may be asked for at once: with PIPELINING they are
 * requested without waiting for each other.
 */
void
accord_pop3_client_retr_async (AccordPop3Client    *self,
                               guint                number,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *line = NULL;

  g_return_if_fail (ACCORD_IS_POP3_CLIENT (self));
  g_return_if_fail (number > 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = _accord_pop3_task_new (self, cancellable, callback, user_data,
                                accord_pop3_client_retr_async);
  line = g_strdup_printf ("RETR %u", number);
  _accord_pop3_send (self, task, line, NULL, CMD_MULTILINE | CMD_PIPELINE | CMD_MESSAGE, _retr_cb);
}

/**
 * accord_pop3_client_retr_finish:
 *
 * Returns: (transfer full): the message as the server keeps it: dot-unstuffed, with
 *   CRLF line ends and without the line that ends the answer
 */
GBytes *
accord_pop3_client_retr_finish (AccordPop3Client  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
_ok_cb (AccordPop3Client *self,
        GTask            *task,
        Pop3Command      *cmd)
{
  if (!_accord_pop3_is_ok (cmd->status))
    g_task_return_error (task, _accord_pop3_refused (self, cmd));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * accord_pop3_client_dele_async:
 *
 * Marks a message for deletion; the server deletes it once QUIT succeeds.
 */
void
accord_pop3_client_dele_async (AccordPop3Client    *self,
                               guint                number,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *line = NULL;

  g_return_if_fail (ACCORD_IS_POP3_CLIENT (self));
  g_return_if_fail (number > 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = _accord_pop3_task_new (self, cancellable, callback, user_data,
                                accord_pop3_client_dele_async);
  line = g_strdup_printf ("DELE %u", number);
  _accord_pop3_send (self, task, line, NULL, CMD_PIPELINE, _ok_cb);
}

gboolean
accord_pop3_client_dele_finish (AccordPop3Client  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * accord_pop3_client_rset_async:
 *
 * Unmarks every message marked for deletion in this session.
 */
void
accord_pop3_client_rset_async (AccordPop3Client    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_POP3_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = _accord_pop3_task_new (self, cancellable, callback, user_data,
                                accord_pop3_client_rset_async);
  _accord_pop3_send (self, task, "RSET", NULL, CMD_PIPELINE, _ok_cb);
}

gboolean
accord_pop3_client_rset_finish (AccordPop3Client  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
accord_pop3_client_noop_async (AccordPop3Client    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_POP3_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = _accord_pop3_task_new (self, cancellable, callback, user_data,
                                accord_pop3_client_noop_async);
  _accord_pop3_send (self, task, "NOOP", NULL, CMD_PIPELINE, _ok_cb);
}

gboolean
accord_pop3_client_noop_finish (AccordPop3Client  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (ACCORD_IS_POP3_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
