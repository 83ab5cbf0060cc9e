/* accord-maildir.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ACCORD_MAILDIR_ERROR (accord_maildir_error_quark ())

/* Disk failures (no space, permission …) are reported in the G_IO_ERROR domain. */
typedef enum
{
  ACCORD_MAILDIR_ERROR_NOT_FOUND,    /* the message's file is gone: removed by another client */
  ACCORD_MAILDIR_ERROR_NO_FOLDER,    /* the folder does not exist */
  ACCORD_MAILDIR_ERROR_EXISTS,       /* a folder or message of that name exists already */
  ACCORD_MAILDIR_ERROR_NOT_EMPTY,    /* the folder still holds messages */
  ACCORD_MAILDIR_ERROR_INVALID_NAME, /* not a usable folder name or message key */
} AccordMaildirError;

GQuark accord_maildir_error_quark (void);

/* Maildir++ leftovers in tmp/ older than this are removed by a scan. */
#define ACCORD_MAILDIR_TMP_MAX_AGE (36 * G_TIME_SPAN_HOUR)

/**
 * AccordMaildirMessage:
 * @key: the message's identity in its folder: the unique part of the file name,
 *   before the first ',' or ':'; it survives flag changes and moves
 * @filename: the file name, in cur/ or new/
 * @flags: the Maildir flag letters, sorted ("" for a message in new/)
 * @uid: the IMAP UID recorded in the name (",U="), 0 if none; a hint for recovery,
 *   valid only for the UIDVALIDITY the message was delivered under
 * @is_new: the file is in new/ (not yet seen by any mail reader)
 * @size: the size in bytes, from ",S=" in the name or from stat(); -1 if unknown
 * @mtime: the modification time (Unix seconds) if the scan asked for stat(), else -1
 */
typedef struct
{
  char     *key;
  char     *filename;
  char     *flags;
  guint32   uid;
  gboolean  is_new;
  gint64    size;
  gint64    mtime;
} AccordMaildirMessage;

AccordMaildirMessage *accord_maildir_message_new_from_filename (const char *filename,
                                                                gboolean    is_new);
AccordMaildirMessage *accord_maildir_message_copy (const AccordMaildirMessage *message);
void                  accord_maildir_message_free (AccordMaildirMessage       *message);

/**
 * AccordMaildirDelivery:
 * @data: the message, as it goes to disk
 * @flags: (nullable): Maildir flag letters; without any the message goes to new/
 * @uid: the IMAP UID to record in the name, or 0
 * @key: (nullable): in: the key to use (from accord_maildir_generate_key()), or %NULL
 *   for a fresh one; a key the folder has already fails the call with
 *   %ACCORD_MAILDIR_ERROR_EXISTS; out: the key used
 * @filename: out: the file name once the message is durable in the folder
 * @is_new: out: the file is in new/
 *
 * One message for accord_maildir_deliver().
 */
typedef struct
{
  GBytes   *data;
  char     *flags;
  guint32   uid;
  char     *key;
  char     *filename;
  gboolean  is_new;
} AccordMaildirDelivery;

AccordMaildirDelivery *accord_maildir_delivery_new  (GBytes                *data,
                                                     const char            *flags,
                                                     guint32                uid,
                                                     const char            *key);
void                   accord_maildir_delivery_free (AccordMaildirDelivery *delivery);

/**
 * AccordMaildirChange:
 * @name: the message's file name as last seen, or just its key; a message renamed
 *   since by another client (flags changed, moved from new/ to cur/) is found by its key
 * @flags: (nullable): the new flag letters, for accord_maildir_set_flags()
 * @filename: out: the file name after the change (set_flags, move)
 * @error: out: why this message was not changed, typically
 *   %ACCORD_MAILDIR_ERROR_NOT_FOUND; the other messages are changed all the same
 *
 * One message for accord_maildir_set_flags(), accord_maildir_remove_messages() and
 * accord_maildir_move_messages().
 */
typedef struct
{
  char   *name;
  char   *flags;
  char   *filename;
  GError *error;
} AccordMaildirChange;

AccordMaildirChange *accord_maildir_change_new  (const char          *name,
                                                 const char          *flags);
void                 accord_maildir_change_free (AccordMaildirChange *change);

typedef enum
{
  ACCORD_MAILDIR_SCAN_NONE = 0,
  ACCORD_MAILDIR_SCAN_STAT = 1 << 0, /* fill in size and mtime with one stat() per file */
} AccordMaildirScanFlags;

/* Flag letters, each once and in order; their IMAP names are the sync plan's
 * (accord_mail_flags_from_letters() and the rest, accord-sync-plan.h). */
char  *accord_maildir_flags_normalize (const char         *flags);

#define ACCORD_TYPE_MAILDIR (accord_maildir_get_type ())

G_DECLARE_FINAL_TYPE (AccordMaildir, accord_maildir, ACCORD, MAILDIR, GObject)

char          *accord_maildir_default_root     (const char     *account_id);
AccordMaildir *accord_maildir_new              (const char     *root);
const char    *accord_maildir_get_root         (AccordMaildir  *self);
char          *accord_maildir_get_folder_path  (AccordMaildir  *self,
                                                const char     *folder,
                                                GError        **error);
char          *accord_maildir_generate_key     (AccordMaildir  *self);

/* Blocking: for worker threads and tests. Each may be called from any thread. */
gboolean   accord_maildir_ensure_folder   (AccordMaildir           *self,
                                           const char              *folder,
                                           GCancellable            *cancellable,
                                           GError                 **error);
GStrv      accord_maildir_list_folders    (AccordMaildir           *self,
                                           GCancellable            *cancellable,
                                           GError                 **error);
gboolean   accord_maildir_rename_folder   (AccordMaildir           *self,
                                           const char              *folder,
                                           const char              *new_folder,
                                           GCancellable            *cancellable,
                                           GError                 **error);
gboolean   accord_maildir_remove_folder   (AccordMaildir           *self,
                                           const char              *folder,
                                           GCancellable            *cancellable,
                                           GError                 **error);
gboolean   accord_maildir_deliver         (AccordMaildir           *self,
                                           const char              *folder,
                                           GPtrArray               *deliveries,
                                           GCancellable            *cancellable,
                                           GError                 **error);
GPtrArray *accord_maildir_scan            (AccordMaildir           *self,
                                           const char              *folder,
                                           AccordMaildirScanFlags   flags,
                                           GCancellable            *cancellable,
                                           GError                 **error);
gboolean   accord_maildir_set_flags       (AccordMaildir           *self,
                                           const char              *folder,
                                           GPtrArray               *changes,
                                           GCancellable            *cancellable,
                                           GError                 **error);
gboolean   accord_maildir_remove_messages (AccordMaildir           *self,
                                           const char              *folder,
                                           GPtrArray               *changes,
                                           GCancellable            *cancellable,
                                           GError                 **error);
gboolean   accord_maildir_move_messages   (AccordMaildir           *self,
                                           const char              *folder,
                                           GPtrArray               *changes,
                                           const char              *to_folder,
                                           GCancellable            *cancellable,
                                           GError                 **error);
GBytes    *accord_maildir_read_message    (AccordMaildir           *self,
                                           const char              *folder,
                                           const char              *name,
                                           GCancellable            *cancellable,
                                           GError                 **error);

/* The same on the object's worker thread, one operation at a time in the order asked;
 * the callback runs on the calling thread's main context. The deliveries and changes
 * arrays are filled in place: leave them alone until the callback. */
void       accord_maildir_ensure_folder_async   (AccordMaildir           *self,
                                                 const char              *folder,
                                                 GCancellable            *cancellable,
                                                 GAsyncReadyCallback      callback,
                                                 gpointer                 user_data);
gboolean   accord_maildir_ensure_folder_finish  (AccordMaildir           *self,
                                                 GAsyncResult            *result,
                                                 GError                 **error);
void       accord_maildir_list_folders_async    (AccordMaildir           *self,
                                                 GCancellable            *cancellable,
                                                 GAsyncReadyCallback      callback,
                                                 gpointer                 user_data);
GStrv      accord_maildir_list_folders_finish   (AccordMaildir           *self,
                                                 GAsyncResult            *result,
                                                 GError                 **error);
void       accord_maildir_rename_folder_async   (AccordMaildir           *self,
                                                 const char              *folder,
                                                 const char              *new_folder,
                                                 GCancellable            *cancellable,
                                                 GAsyncReadyCallback      callback,
                                                 gpointer                 user_data);
gboolean   accord_maildir_rename_folder_finish  (AccordMaildir           *self,
                                                 GAsyncResult            *result,
                                                 GError                 **error);
void       accord_maildir_remove_folder_async   (AccordMaildir           *self,
                                                 const char              *folder,
                                                 GCancellable            *cancellable,
                                                 GAsyncReadyCallback      callback,
                                                 gpointer                 user_data);
gboolean   accord_maildir_remove_folder_finish  (AccordMaildir           *self,
                                                 GAsyncResult            *result,
                                                 GError                 **error);
void       accord_maildir_deliver_async         (AccordMaildir           *self,
                                                 const char              *folder,
                                                 GPtrArray               *deliveries,
                                                 GCancellable            *cancellable,
                                                 GAsyncReadyCallback      callback,
                                                 gpointer                 user_data);
gboolean   accord_maildir_deliver_finish        (AccordMaildir           *self,
                                                 GAsyncResult            *result,
                                                 GError                 **error);
void       accord_maildir_scan_async            (AccordMaildir           *self,
                                                 const char              *folder,
                                                 AccordMaildirScanFlags   flags,
                                                 GCancellable            *cancellable,
                                                 GAsyncReadyCallback      callback,
                                                 gpointer                 user_data);
GPtrArray *accord_maildir_scan_finish           (AccordMaildir           *self,
                                                 GAsyncResult            *result,
                                                 GError                 **error);
void       accord_maildir_set_flags_async       (AccordMaildir           *self,
                                                 const char              *folder,
                                                 GPtrArray               *changes,
                                                 GCancellable            *cancellable,
                                                 GAsyncReadyCallback      callback,
                                                 gpointer                 user_data);
gboolean   accord_maildir_set_flags_finish      (AccordMaildir           *self,
                                                 GAsyncResult            *result,
                                                 GError                 **error);
void       accord_maildir_remove_messages_async (AccordMaildir           *self,
                                                 const char              *folder,
                                                 GPtrArray               *changes,
                                                 GCancellable            *cancellable,
                                                 GAsyncReadyCallback      callback,
                                                 gpointer                 user_data);
gboolean   accord_maildir_remove_messages_finish (AccordMaildir          *self,
                                                  GAsyncResult           *result,
                                                  GError                **error);
void       accord_maildir_move_messages_async   (AccordMaildir           *self,
                                                 const char              *folder,
                                                 GPtrArray               *changes,
                                                 const char              *to_folder,
                                                 GCancellable            *cancellable,
                                                 GAsyncReadyCallback      callback,
                                                 gpointer                 user_data);
gboolean   accord_maildir_move_messages_finish  (AccordMaildir           *self,
                                                 GAsyncResult            *result,
                                                 GError                 **error);
void       accord_maildir_read_message_async    (AccordMaildir           *self,
                                                 const char              *folder,
                                                 const char              *name,
                                                 GCancellable            *cancellable,
                                                 GAsyncReadyCallback      callback,
                                                 gpointer                 user_data);
GBytes    *accord_maildir_read_message_finish   (AccordMaildir           *self,
                                                 GAsyncResult            *result,
                                                 GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordMaildirMessage, accord_maildir_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordMaildirDelivery, accord_maildir_delivery_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordMaildirChange, accord_maildir_change_free)

G_END_DECLS
