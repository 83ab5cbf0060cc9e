/* accord-file-utils.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean accord_file_write_atomic (const char  *path,
                                   const char  *contents,
                                   gsize        length,
                                   int          mode,
                                   GError     **error);
gboolean accord_file_write_all     (int          fd,
                                   const char  *contents,
                                   gsize        length);
gboolean accord_file_fsync_dir     (const char  *dir,
                                   GError     **error);
gboolean accord_file_unlink_durable (const char  *path,
                                     GError     **error);
gboolean accord_file_read_limited  (const char  *path,
                                    gsize        max_length,
                                    char       **contents,
                                    gsize       *length,
                                    GError     **error);

G_END_DECLS
