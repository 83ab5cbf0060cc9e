/* accord-maildir-private.h - what the Maildir module's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "accord-maildir.h"

G_BEGIN_DECLS

struct _AccordMaildir
{
  GObject      parent_instance;

  char        *root;
  char        *host;
  GThreadPool *io_pool;
};

/* "cur", "new", "tmp" */
extern const char * const _accord_maildir_subdirs[3];

/* A folder's directories, open */
typedef struct
{
  int   tmp_fd;
  int   cur_fd;
  int   new_fd;
  char *path;
  char *tmp_path;
  char *cur_path;
  char *new_path;
} FolderFds;

/* Nothing open: the cleanup closes only what was opened. */
#define FOLDER_FDS_INIT { -1, -1, -1, NULL, NULL, NULL, NULL }

void        _accord_maildir_folder_fds_clear     (FolderFds            *fds);
gboolean    _accord_maildir_folder_fds_open      (FolderFds            *fds,
                                                  const char           *path,
                                                  gboolean              with_tmp,
                                                  GError              **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FolderFds, _accord_maildir_folder_fds_clear)

GHashTable *_accord_maildir_index_folder         (FolderFds            *fds);

/* accord-maildir.c: the disk and the folder tree */
gboolean    _accord_maildir_errno_error          (GError              **error,
                                                  int                   saved_errno,
                                                  const char           *format,
                                                  ...) G_GNUC_PRINTF (3, 4);
int         _accord_maildir_open_dir             (const char           *path,
                                                  GError              **error);
gboolean    _accord_maildir_fsync_dir_fd         (int                   fd,
                                                  const char           *path,
                                                  GError              **error);
gboolean    _accord_maildir_invalid_name         (GError              **error,
                                                  const char           *folder);
char       *_accord_maildir_existing_folder_path (AccordMaildir        *self,
                                                  const char           *folder,
                                                  GError              **error);

/* accord-maildir-names.c */
gsize       _accord_maildir_key_length           (const char           *filename);
gboolean    _accord_maildir_key_is_valid         (const char           *key);
char       *_accord_maildir_attributes           (const char           *filename);
char       *_accord_maildir_file_name            (const char           *key,
                                                  const char           *attributes,
                                                  const char           *flags,
                                                  gboolean              in_cur);
void        _accord_maildir_change_reset         (AccordMaildirChange  *change);
gboolean    _accord_maildir_is_reserved          (const char           *component);
char       *_accord_maildir_escape_component     (const char           *component);
char       *_accord_maildir_unescape_component   (const char           *escaped);

/* accord-maildir-async.c */
void        _accord_maildir_io_worker            (gpointer              data,
                                                  gpointer              user_data);

G_END_DECLS
