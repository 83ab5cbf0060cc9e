/* accord-gui-test-utils.c
 *
 * What the GUI tests share: waiting on the main loop, finding widgets, and saving a
 * widget as a PNG under ACCORD_SCREENSHOT_DIR with a check that it is not blank.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "accord-gui-test-utils.h"

void
accord_gui_test_wait_for (gboolean (*condition) (gpointer),
           gpointer   data)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
_timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
_is_true (gpointer data)
{
  return *(gboolean *) data;
}

/* Lets GTK lay out and paint: a few hundred milliseconds of main loop. */
void
accord_gui_test_settle (void)
{
  gboolean done = FALSE;

  g_timeout_add (400, _timeout_cb, &done);
  accord_gui_test_wait_for (_is_true, &done);
}

/* Renders @widget as it is on screen and checks the picture has real content: a
 * blank or failed render has one or two colours, a page has hundreds. */
void
accord_gui_test_save_png (GtkWidget  *widget,
                          const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GHashTable) colours = g_hash_table_new (NULL, NULL);
  g_autofree char *path = NULL;
  g_autofree guchar *pixels = NULL;
  const char *dir = g_getenv ("ACCORD_SCREENSHOT_DIR");
  GskRenderer *renderer;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gsize stride;

  g_assert_cmpint (width, >, 100);
  g_assert_cmpint (height, >, 100);

  /* A widget waiting for a new layout paints nothing: a page that is still changing
   * (rows arriving) gets a few more turns of the main loop. */
  for (guint attempt = 0; node == NULL && attempt < 100; attempt++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      if (attempt > 0)
        {
          gboolean done = FALSE;

          g_timeout_add (20, _timeout_cb, &done);
          accord_gui_test_wait_for (_is_true, &done);
        }
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (dir == NULL)
    dir = g_get_tmp_dir ();
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s", path);

  stride = (gsize) width * 4;
  pixels = g_malloc (stride * height);
  gdk_texture_download (texture, pixels, stride);
  for (gsize i = 0; i < stride * height; i += 4 * 7)
    {
      guint32 pixel;

      memcpy (&pixel, pixels + i, sizeof pixel);
      g_hash_table_add (colours, GUINT_TO_POINTER (pixel));
    }

  g_assert_cmpuint (g_hash_table_size (colours), >, 50);
}

GtkWidget *
accord_gui_test_find_by_type (GtkWidget *widget,
               GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = accord_gui_test_find_by_type (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

void
accord_gui_test_collect_by_type (GtkWidget *widget,
                  GType      type,
                  GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    accord_gui_test_collect_by_type (child, type, found);
}

/* The first widget under @widget (itself included) whose buildable id, as set in a
 * template, is @buildable_id. */
GtkWidget *
accord_gui_test_find_by_name (GtkWidget  *widget,
                              const char *buildable_id)
{
  if (g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)), buildable_id) == 0 ||
      g_strcmp0 (gtk_widget_get_name (widget), buildable_id) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = accord_gui_test_find_by_name (child, buildable_id);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The first label under @widget whose text contains @text. */
GtkWidget *
accord_gui_test_find_by_label (GtkWidget  *widget,
                               const char *text)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = accord_gui_test_find_by_label (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}
