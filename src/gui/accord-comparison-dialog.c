/* accord-comparison-dialog.c
 *
 * "What Syncs": the comparison view with every protocol, in a window of its own.
 * Given an account's decision, it also highlights what that account uses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "accord-comparison-dialog.h"

struct _AccordComparisonDialog
{
  AdwWindow             parent_instance;

  AccordComparisonView *view;
};

G_DEFINE_FINAL_TYPE (AccordComparisonDialog, accord_comparison_dialog, ADW_TYPE_WINDOW)

static void
accord_comparison_dialog_class_init (AccordComparisonDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
accord_comparison_dialog_init (AccordComparisonDialog *self)
{
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *intro;

  gtk_window_set_title (GTK_WINDOW (self), _("What Syncs"));
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 1080, 760);

  gtk_box_append (GTK_BOX (content), adw_header_bar_new ());

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_box_append (GTK_BOX (content), scroller);

  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 1100);
  adw_clamp_set_tightening_threshold (ADW_CLAMP (clamp), 900);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), clamp);

  gtk_widget_set_margin_top (page, 18);
  gtk_widget_set_margin_bottom (page, 24);
  gtk_widget_set_margin_start (page, 12);
  gtk_widget_set_margin_end (page, 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), page);

  intro = gtk_label_new (_("Accord connects to your provider with one of these protocols. "
                           "Each keeps different things the same on this computer and on "
                           "your other devices; Accord picks the one that keeps the most."));
  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_label_set_xalign (GTK_LABEL (intro), 0);
  gtk_box_append (GTK_BOX (page), intro);

  self->view = ACCORD_COMPARISON_VIEW (accord_comparison_view_new ());
  gtk_box_append (GTK_BOX (page), GTK_WIDGET (self->view));

  adw_window_set_content (ADW_WINDOW (self), content);
}

/**
 * accord_comparison_dialog_new:
 * @parent: (nullable): the window the dialog belongs to
 *
 * Returns: (transfer none): a modal window that compares every protocol; present it
 *   with gtk_window_present()
 */
AccordComparisonDialog *
accord_comparison_dialog_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (ACCORD_TYPE_COMPARISON_DIALOG,
                       "transient-for", parent,
                       NULL);
}

/**
 * accord_comparison_dialog_set_decision:
 * @decision: (nullable): an account's decision, or %NULL to highlight nothing
 *
 * Highlights the protocols @decision chose and says what they sync.
 */
void
accord_comparison_dialog_set_decision (AccordComparisonDialog *self,
                                       AccordDecision         *decision)
{
  g_return_if_fail (ACCORD_IS_COMPARISON_DIALOG (self));
  g_return_if_fail (decision == NULL || ACCORD_IS_DECISION (decision));

  accord_comparison_view_set_decision (self->view, decision);
}

/**
 * accord_comparison_dialog_get_view:
 *
 * Returns: (transfer none): the view the dialog shows
 */
AccordComparisonView *
accord_comparison_dialog_get_view (AccordComparisonDialog *self)
{
  g_return_val_if_fail (ACCORD_IS_COMPARISON_DIALOG (self), NULL);

  return self->view;
}
