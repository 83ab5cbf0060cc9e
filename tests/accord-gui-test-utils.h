/* accord-gui-test-utils.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void       accord_gui_test_wait_for        (gboolean   (*condition) (gpointer),
                                            gpointer     data);
void       accord_gui_test_settle          (void);
void       accord_gui_test_save_png        (GtkWidget   *widget,
                                            const char  *name);
GtkWidget *accord_gui_test_find_by_type    (GtkWidget   *widget,
                                            GType        type);
void       accord_gui_test_collect_by_type (GtkWidget   *widget,
                                            GType        type,
                                            GPtrArray   *found);
GtkWidget *accord_gui_test_find_by_name    (GtkWidget   *widget,
                                            const char  *buildable_id);
GtkWidget *accord_gui_test_find_by_label   (GtkWidget   *widget,
                                            const char  *text);

G_END_DECLS
