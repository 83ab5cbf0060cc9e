/* accord-test-utils.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void          accord_test_result_cb     (GObject       *object,
                                         GAsyncResult  *result,
                                         gpointer       user_data);
GAsyncResult *accord_test_wait_result   (GAsyncResult **result);
char         *accord_test_make_tmp_dir  (void);
void          accord_test_rm_rf         (const char    *path);
char         *accord_test_read_file     (const char    *path);
guint16       accord_test_env_port      (const char    *name);
char         *accord_test_server_fingerprint (void);
gboolean      accord_test_tree_contains (const char    *root,
                                         const char    *needle);
void          accord_test_enter_world   (char         **argv,
                                         const char    *spec);

G_END_DECLS
