/* accord-imap-records.c - the records IMAP responses fill: messages (FETCH), folders
 * (LIST, STATUS) and the selected mailbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-imap-parser.h"

/* --- messages ----------------------------------------------------------------------- */

AccordImapMessage *
accord_imap_message_new (void)
{
  return g_new0 (AccordImapMessage, 1);
}

AccordImapMessage *
accord_imap_message_copy (const AccordImapMessage *message)
{
  AccordImapMessage *copy;

  g_return_val_if_fail (message != NULL, NULL);

  copy = g_memdup2 (message, sizeof *message);
  copy->flags = g_strdupv (message->flags);
  if (message->body != NULL)
    copy->body = g_bytes_ref (message->body);

  return copy;
}

void
accord_imap_message_free (AccordImapMessage *message)
{
  if (message == NULL)
    return;

  g_strfreev (message->flags);
  g_clear_pointer (&message->body, g_bytes_unref);
  g_free (message);
}

G_DEFINE_BOXED_TYPE (AccordImapMessage, accord_imap_message,
                     accord_imap_message_copy, accord_imap_message_free)

static gboolean
_strv_contains_nocase (const char * const *strv,
                       const char         *item)
{
  if (strv == NULL)
    return FALSE;

  for (; *strv != NULL; strv++)
    if (g_ascii_strcasecmp (*strv, item) == 0)
      return TRUE;

  return FALSE;
}

/**
 * accord_imap_message_has_flag:
 *
 * Returns: whether @message carries @flag ("\\Seen", a keyword), compared without
 *   regard to case
 */
gboolean
accord_imap_message_has_flag (const AccordImapMessage *message,
                              const char              *flag)
{
  g_return_val_if_fail (message != NULL, FALSE);
  g_return_val_if_fail (flag != NULL, FALSE);

  return _strv_contains_nocase ((const char * const *) message->flags, flag);
}

/* Atoms of a list as a string array, or NULL if @value is not a list of atoms. */
static GStrv
_atom_list (const AccordImapValue *value)
{
  g_autoptr(GStrvBuilder) builder = NULL;

  if (value == NULL || value->type != ACCORD_IMAP_VALUE_LIST)
    return NULL;

  builder = g_strv_builder_new ();
  for (guint i = 0; i < value->list->len; i++)
    {
      const AccordImapValue *item = g_ptr_array_index (value->list, i);

      if (item->type != ACCORD_IMAP_VALUE_ATOM)
        return NULL;
      g_strv_builder_add (builder, item->str);
    }

  return g_strv_builder_end (builder);
}

static gboolean
_fetch_malformed (const AccordImapResponse  *response,
                  GError                   **error)
{
  g_set_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_PROTOCOL,
               _("The server sent message data that does not follow the IMAP protocol "
                 "(message %u)."),
               response->number);
  return FALSE;
}

/**
 * accord_imap_message_new_from_fetch:
 * @has_body: (out) (optional): whether the response carried the message itself
 *
 * Reads "* n FETCH (UID … FLAGS (…) MODSEQ (…) INTERNALDATE "…" RFC822.SIZE … BODY[]
 * …)"; items Accord does not use are skipped. A literal body is shared, not copied.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL if @response is not a
 *   FETCH response that follows the protocol
 */
AccordImapMessage *
accord_imap_message_new_from_fetch (const AccordImapResponse  *response,
                                    gboolean                  *has_body,
                                    GError                   **error)
{
  g_autoptr(AccordImapMessage) message = NULL;
  const AccordImapValue *items;

  g_return_val_if_fail (response != NULL, NULL);

  if (has_body != NULL)
    *has_body = FALSE;

  if (!response->has_number || g_strcmp0 (response->name, "FETCH") != 0 ||
      response->args == NULL || response->args->len < 1)
    {
      _fetch_malformed (response, error);
      return NULL;
    }

  items = g_ptr_array_index (response->args, 0);
  if (items->type != ACCORD_IMAP_VALUE_LIST || items->list->len % 2 != 0)
    {
      _fetch_malformed (response, error);
      return NULL;
    }

  message = accord_imap_message_new ();
  message->seqnum = response->number;

  for (guint i = 0; i < items->list->len; i += 2)
    {
      const AccordImapValue *name = g_ptr_array_index (items->list, i);
      const AccordImapValue *value = g_ptr_array_index (items->list, i + 1);
      guint64 number;

      if (name->type != ACCORD_IMAP_VALUE_ATOM)
        {
          _fetch_malformed (response, error);
          return NULL;
        }

      if (accord_imap_value_is_atom (name, "UID"))
        {
          if (!accord_imap_value_get_number (value, &number) || number == 0 ||
              number > G_MAXUINT32)
            {
              _fetch_malformed (response, error);
              return NULL;
            }
          message->uid = (guint32) number;
        }
      else if (accord_imap_value_is_atom (name, "FLAGS"))
        {
          g_strfreev (message->flags);
          message->flags = _atom_list (value);
          if (message->flags == NULL)
            {
              _fetch_malformed (response, error);
              return NULL;
            }
        }
      else if (accord_imap_value_is_atom (name, "MODSEQ"))
        {
          if (value->type != ACCORD_IMAP_VALUE_LIST || value->list->len != 1 ||
              !accord_imap_value_get_number (g_ptr_array_index (value->list, 0),
                                             &message->modseq))
            {
              _fetch_malformed (response, error);
              return NULL;
            }
        }
      else if (accord_imap_value_is_atom (name, "INTERNALDATE"))
        {
          if (value->type != ACCORD_IMAP_VALUE_STRING ||
              !accord_imap_parse_date_time (value->str, &message->internaldate))
            {
              _fetch_malformed (response, error);
              return NULL;
            }
        }
      else if (accord_imap_value_is_atom (name, "RFC822.SIZE"))
        {
          if (!accord_imap_value_get_number (value, &number) || number > G_MAXUINT32)
            {
              _fetch_malformed (response, error);
              return NULL;
            }
          message->size = (guint32) number;
        }
      else if (g_ascii_strncasecmp (name->str, "BODY[]", 6) == 0 ||
               g_ascii_strncasecmp (name->str, "BINARY[]", 8) == 0 ||
               accord_imap_value_is_atom (name, "RFC822"))
        {
          if (value->type == ACCORD_IMAP_VALUE_NIL)
            continue;
          if (value->type != ACCORD_IMAP_VALUE_STRING)
            {
              _fetch_malformed (response, error);
              return NULL;
            }
          g_clear_pointer (&message->body, g_bytes_unref);
          message->body = accord_imap_value_dup_bytes (value);
          if (message->size == 0)
            message->size = (guint32) MIN (g_bytes_get_size (message->body), G_MAXUINT32);
          if (has_body != NULL)
            *has_body = TRUE;
        }
    }

  return g_steal_pointer (&message);
}

/* --- folders ------------------------------------------------------------------------ */

AccordImapFolder *
accord_imap_folder_copy (const AccordImapFolder *folder)
{
  AccordImapFolder *copy;

  g_return_val_if_fail (folder != NULL, NULL);

  copy = g_memdup2 (folder, sizeof *folder);
  copy->name = g_strdup (folder->name);
  copy->raw_name = g_strdup (folder->raw_name);
  copy->attributes = g_strdupv (folder->attributes);

  return copy;
}

void
accord_imap_folder_free (AccordImapFolder *folder)
{
  if (folder == NULL)
    return;

  g_free (folder->name);
  g_free (folder->raw_name);
  g_strfreev (folder->attributes);
  g_free (folder);
}

G_DEFINE_BOXED_TYPE (AccordImapFolder, accord_imap_folder,
                     accord_imap_folder_copy, accord_imap_folder_free)

/**
 * accord_imap_folder_has_attribute:
 *
 * Returns: whether the server listed @folder with @attribute ("\\Noselect",
 *   "\\Trash" …), compared without regard to case
 */
gboolean
accord_imap_folder_has_attribute (const AccordImapFolder *folder,
                                  const char             *attribute)
{
  g_return_val_if_fail (folder != NULL, FALSE);
  g_return_val_if_fail (attribute != NULL, FALSE);

  return _strv_contains_nocase ((const char * const *) folder->attributes, attribute);
}

/**
 * accord_imap_folder_new_from_list:
 *
 * Reads "* LIST (attributes) delimiter name …".
 *
 * Returns: (transfer full) (nullable): the folder, or %NULL if @response is not a LIST
 *   response that follows the protocol
 */
AccordImapFolder *
accord_imap_folder_new_from_list (const AccordImapResponse  *response,
                                  GError                   **error)
{
  g_autoptr(AccordImapFolder) folder = g_new0 (AccordImapFolder, 1);
  const AccordImapValue *attributes;
  const AccordImapValue *delimiter;
  const char *name;

  g_return_val_if_fail (response != NULL, NULL);

  if (response->args == NULL || response->args->len < 3)
    goto malformed;

  attributes = g_ptr_array_index (response->args, 0);
  delimiter = g_ptr_array_index (response->args, 1);
  name = accord_imap_value_get_string (g_ptr_array_index (response->args, 2));

  folder->attributes = _atom_list (attributes);
  if (folder->attributes == NULL || name == NULL ||
      (delimiter->type != ACCORD_IMAP_VALUE_NIL &&
       (delimiter->type != ACCORD_IMAP_VALUE_STRING || delimiter->len != 1)))
    goto malformed;

  folder->delimiter = delimiter->type == ACCORD_IMAP_VALUE_NIL ? '\0' : delimiter->str[0];
  folder->raw_name = g_strdup (name);
  folder->name = accord_imap_utf7_decode (name);
  if (folder->name == NULL)
    folder->name = g_utf8_make_valid (name, -1);

  return g_steal_pointer (&folder);

malformed:
  g_set_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_PROTOCOL,
               _("The server sent a folder list that does not follow the IMAP protocol."));
  return NULL;
}

static gboolean
_mailbox_names_equal (const char *a,
                      const char *b)
{
  if (g_ascii_strcasecmp (a, "INBOX") == 0)
    return g_ascii_strcasecmp (b, "INBOX") == 0;

  return g_str_equal (a, b);
}

/**
 * accord_imap_folder_take_status:
 *
 * Fills @folder's status fields from "* STATUS name (MESSAGES n UIDNEXT n …)".
 *
 * Returns: whether @response is the status of @folder
 */
gboolean
accord_imap_folder_take_status (AccordImapFolder         *folder,
                                const AccordImapResponse *response)
{
  const AccordImapValue *items;
  const char *name;

  g_return_val_if_fail (folder != NULL, FALSE);
  g_return_val_if_fail (response != NULL, FALSE);

  if (g_strcmp0 (response->name, "STATUS") != 0 || response->args == NULL ||
      response->args->len < 2)
    return FALSE;

  name = accord_imap_value_get_string (g_ptr_array_index (response->args, 0));
  items = g_ptr_array_index (response->args, 1);
  if (name == NULL || !_mailbox_names_equal (name, folder->raw_name) ||
      items->type != ACCORD_IMAP_VALUE_LIST || items->list->len % 2 != 0)
    return FALSE;

  for (guint i = 0; i < items->list->len; i += 2)
    {
      const AccordImapValue *item = g_ptr_array_index (items->list, i);
      guint64 number;

      if (!accord_imap_value_get_number (g_ptr_array_index (items->list, i + 1), &number))
        continue;

      if (accord_imap_value_is_atom (item, "MESSAGES"))
        folder->messages = (guint32) MIN (number, G_MAXUINT32);
      else if (accord_imap_value_is_atom (item, "UIDVALIDITY"))
        folder->uidvalidity = (guint32) MIN (number, G_MAXUINT32);
      else if (accord_imap_value_is_atom (item, "UIDNEXT"))
        folder->uidnext = (guint32) MIN (number, G_MAXUINT32);
      else if (accord_imap_value_is_atom (item, "UNSEEN"))
        folder->unseen = (guint32) MIN (number, G_MAXUINT32);
      else if (accord_imap_value_is_atom (item, "HIGHESTMODSEQ"))
        folder->highestmodseq = number;
    }

  folder->has_status = TRUE;
  return TRUE;
}

/* --- mailboxes ---------------------------------------------------------------------- */

AccordImapMailbox *
accord_imap_mailbox_new (void)
{
  AccordImapMailbox *mailbox = g_new0 (AccordImapMailbox, 1);

  mailbox->vanished = g_array_new (FALSE, FALSE, sizeof (guint32));
  mailbox->changed = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_imap_message_free);

  return mailbox;
}

AccordImapMailbox *
accord_imap_mailbox_copy (const AccordImapMailbox *mailbox)
{
  AccordImapMailbox *copy;

  g_return_val_if_fail (mailbox != NULL, NULL);

  copy = g_memdup2 (mailbox, sizeof *mailbox);
  copy->vanished = g_array_copy (mailbox->vanished);
  copy->changed = g_ptr_array_copy (mailbox->changed, (GCopyFunc) accord_imap_message_copy,
                                    NULL);
  g_ptr_array_set_free_func (copy->changed, (GDestroyNotify) accord_imap_message_free);
  copy->flags = g_strdupv (mailbox->flags);
  copy->permanent_flags = g_strdupv (mailbox->permanent_flags);

  return copy;
}

void
accord_imap_mailbox_free (AccordImapMailbox *mailbox)
{
  if (mailbox == NULL)
    return;

  g_clear_pointer (&mailbox->vanished, g_array_unref);
  g_clear_pointer (&mailbox->changed, g_ptr_array_unref);
  g_strfreev (mailbox->flags);
  g_strfreev (mailbox->permanent_flags);
  g_free (mailbox);
}

G_DEFINE_BOXED_TYPE (AccordImapMailbox, accord_imap_mailbox,
                     accord_imap_mailbox_copy, accord_imap_mailbox_free)
