/* test-comparison.c
 *
 * The "what syncs" table under Xvfb: every cell says yes, partly or no in words and to
 * a screen reader, a choice highlights its row and changes the sentence under the
 * table at once, and the dialog closes with Escape. Saves comparison-light.png,
 * comparison-dark.png and comparison-narrow.png under ACCORD_SCREENSHOT_DIR.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "accord-comparison-dialog.h"
#include "accord-comparison-view.h"
#include "accord-core.h"
#include "accord-gui-test-utils.h"
#include "accord-sync-summary.h"

static const AccordCapability shown_columns[] = {
  ACCORD_CAPABILITY_INBOX,
  ACCORD_CAPABILITY_ALL_FOLDERS,
  ACCORD_CAPABILITY_SENT_ITEMS,
  ACCORD_CAPABILITY_DELETIONS,
  ACCORD_CAPABILITY_READ_STATE,
  ACCORD_CAPABILITY_PUSH,
  ACCORD_CAPABILITY_CONTACTS,
  ACCORD_CAPABILITY_CALENDAR,
  ACCORD_CAPABILITY_TASKS,
  ACCORD_CAPABILITY_SEND,
  ACCORD_CAPABILITY_OFFLINE_COPY,
};

static GtkWidget *
_find (GtkWidget  *root,
       const char *format,
       ...) G_GNUC_PRINTF (2, 3);

static GtkWidget *
_find (GtkWidget  *root,
       const char *format,
       ...)
{
  g_autofree char *name = NULL;
  va_list args;

  va_start (args, format);
  name = g_strdup_vprintf (format, args);
  va_end (args);

  return accord_gui_test_find_by_name (root, name);
}

static GtkWidget *
_cell (GtkWidget        *root,
       const char       *row_id,
       AccordCapability  capability)
{
  return _find (root, "cell:%s:%s", row_id, accord_capability_to_string (capability));
}

static GtkWindow *
_window_with (GtkWidget *child,
              int        width)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), child);
  gtk_window_set_child (GTK_WINDOW (window), scroller);
  gtk_window_set_default_size (GTK_WINDOW (window), width, 900);
  gtk_window_present (GTK_WINDOW (window));
  accord_gui_test_settle ();

  return GTK_WINDOW (window);
}

static void
on_after_paint_cb (GdkFrameClock *clock,
                   gboolean      *painted)
{
  *painted = TRUE;
}

static gboolean
_is_true (gpointer data)
{
  return *(gboolean *)data;
}

/* Saves @window as it is painted: waits for a frame, so the picture is never taken
 * between a change and the paint that shows it. */
static void
_save_png (GtkWindow  *window,
           const char *name)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  gboolean painted = FALSE;
  gulong handler;

  accord_gui_test_settle ();
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb), &painted);
  gtk_widget_queue_draw (GTK_WIDGET (window));
  accord_gui_test_wait_for (_is_true, &painted);
  g_signal_handler_disconnect (clock, handler);

  accord_gui_test_save_png (GTK_WIDGET (window), name);
}

static gboolean
_row_is_chosen (GtkWidget  *view,
                const char *row_id)
{
  gboolean all = gtk_widget_has_css_class (_find (view, "row:%s", row_id), "chosen");
  gboolean any = all;

  for (guint c = 0; c < G_N_ELEMENTS (shown_columns); c++)
    {
      gboolean chosen = gtk_widget_has_css_class (_cell (view, row_id, shown_columns[c]), "chosen");

      all &= chosen;
      any |= chosen;
    }

  /* A row is highlighted as a whole or not at all. */
  g_assert_true (all == any);
  return all;
}

static void
test_comparison_cells (void)
{
  AccordProtocolMatrix *matrix = accord_protocol_matrix_get_default ();
  const char * const *ids = accord_protocol_matrix_get_row_ids (matrix);
  GtkWidget *view = accord_comparison_view_new ();
  GtkWindow *window = _window_with (view, 900);
  static const AccordProtocol subset[] = { ACCORD_PROTOCOL_IMAP, ACCORD_PROTOCOL_POP3 };
  guint n_cells = 0;

  for (guint r = 0; ids[r] != NULL; r++)
    {
      GtkWidget *name = _find (view, "row:%s", ids[r]);

      g_assert_nonnull (name);
      g_assert_true (gtk_widget_get_focusable (name));
      g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (name),
                                                       GTK_ACCESSIBLE_PROPERTY_LABEL));

      for (guint c = 0; c < G_N_ELEMENTS (shown_columns); c++)
        {
          GtkWidget *cell = _cell (view, ids[r], shown_columns[c]);
          const char *note = NULL;
          AccordSupport support = accord_protocol_matrix_get_row_support (matrix, ids[r],
                                                                           shown_columns[c], &note);
          GtkWidget *label;
          const char *text;

          g_assert_nonnull (cell);
          g_assert_true (gtk_widget_get_focusable (cell));

          /* Words and an icon, never colour alone. */
          label = accord_gui_test_find_by_type (cell, GTK_TYPE_LABEL);
          g_assert_nonnull (label);
          text = gtk_label_get_text (GTK_LABEL (label));
          g_assert_cmpstr (text, ==, support == ACCORD_SUPPORT_YES ? "Yes" :
                                     support == ACCORD_SUPPORT_PARTIAL ? "Partly" : "No");
          g_assert_nonnull (accord_gui_test_find_by_type (cell, GTK_TYPE_IMAGE));
          g_assert_true (gtk_widget_has_css_class (cell, accord_support_to_string (support)));

          g_assert_cmpstr (gtk_widget_get_tooltip_text (cell), ==, note);
          g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (cell),
                                                           GTK_ACCESSIBLE_PROPERTY_LABEL));
          n_cells++;
        }

      /* Notes are not a column. */
      g_assert_null (_cell (view, ids[r], ACCORD_CAPABILITY_NOTES));
    }
  g_assert_cmpuint (n_cells, ==, g_strv_length ((GStrv)ids) * G_N_ELEMENTS (shown_columns));

  gtk_test_accessible_assert_property (_cell (view, "imap", ACCORD_CAPABILITY_ALL_FOLDERS),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "IMAP, All folders: yes. Every folder is synced, including "
                                       "the ones you create.");
  gtk_test_accessible_assert_property (_cell (view, "pop3", ACCORD_CAPABILITY_DELETIONS),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "POP3, Deletions everywhere: partly. Deleting here removes "
                                       "mail from the server only when “delete from server” is on; "
                                       "deletions elsewhere never reach this computer.");

  for (guint c = 0; c < G_N_ELEMENTS (shown_columns); c++)
    {
      GtkWidget *header = _find (view, "column:%s", accord_capability_to_string (shown_columns[c]));
      GtkWidget *label = accord_gui_test_find_by_type (header, GTK_TYPE_LABEL);
      g_autofree char *text = g_strdup (gtk_label_get_text (GTK_LABEL (label)));

      /* Long labels are broken into lines. */
      g_assert_cmpstr (g_strdelimit (text, "\n", ' '), ==,
                       accord_protocol_matrix_get_capability_label (matrix, shown_columns[c]));
      g_assert_cmpstr (gtk_widget_get_tooltip_text (header), ==,
                       accord_protocol_matrix_get_capability_description (matrix, shown_columns[c]));
    }

  /* A subset shows only its rows, in its order. */
  accord_comparison_view_set_protocols (ACCORD_COMPARISON_VIEW (view), subset, G_N_ELEMENTS (subset));
  g_assert_nonnull (_find (view, "row:imap"));
  g_assert_nonnull (_find (view, "row:pop3"));
  g_assert_null (_find (view, "row:jmap"));
  g_assert_null (_find (view, "row:mapi"));
  accord_comparison_view_set_protocols (ACCORD_COMPARISON_VIEW (view), NULL, 0);
  g_assert_nonnull (_find (view, "row:mapi"));

  gtk_window_destroy (window);
}

static const char *
_sentence_shown (GtkWidget *summary_row)
{
  GtkWidget *label = accord_gui_test_find_by_name (summary_row, "summary-sentence");

  g_assert_nonnull (label);
  g_assert_true (gtk_widget_is_drawable (label));
  return gtk_label_get_text (GTK_LABEL (label));
}

static void
test_comparison_choice (void)
{
  AccordProtocolMatrix *matrix = accord_protocol_matrix_get_default ();
  GtkWidget *widget = accord_comparison_view_new ();
  AccordComparisonView *view = ACCORD_COMPARISON_VIEW (widget);
  GtkWindow *window = _window_with (widget, 900);
  g_autofree char *pop3_sentence = NULL;
  g_autofree char *imap_sentence = NULL;
  g_autofree char *jmap_label = NULL;
  GtkWidget *summary;
  AccordProtocol protocol;

  g_assert_null (accord_comparison_view_get_summary (view, ACCORD_SERVICE_MAIL_IN));
  g_assert_null (_find (widget, "summary:mail-in"));
  g_assert_false (_row_is_chosen (widget, "pop3"));

  /* Everything below happens without the main loop running: at once. */
  accord_comparison_view_set_choice (view, ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_POP3);
  g_assert_true (accord_comparison_view_get_choice (view, ACCORD_SERVICE_MAIL_IN, &protocol));
  g_assert_cmpint (protocol, ==, ACCORD_PROTOCOL_POP3);
  g_assert_true (_row_is_chosen (widget, "pop3"));
  g_assert_false (_row_is_chosen (widget, "imap"));

  pop3_sentence = g_strdup (accord_comparison_view_get_summary (view, ACCORD_SERVICE_MAIL_IN));
  g_assert_nonnull (strstr (pop3_sentence, "With POP3, "));
  g_assert_nonnull (strstr (pop3_sentence, "stays in other devices’ Inboxes"));
  summary = _find (widget, "summary:mail-in");
  g_assert_nonnull (summary);
  g_assert_cmpstr (_sentence_shown (summary), ==, pop3_sentence);

  accord_comparison_view_set_choice (view, ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP);
  g_assert_true (_row_is_chosen (widget, "imap"));
  g_assert_false (_row_is_chosen (widget, "pop3"));
  imap_sentence = g_strdup (accord_comparison_view_get_summary (view, ACCORD_SERVICE_MAIL_IN));
  g_assert_cmpstr (imap_sentence, !=, pop3_sentence);
  g_assert_null (strstr (imap_sentence, "stays in other devices’ Inboxes"));
  g_assert_cmpstr (_sentence_shown (_find (widget, "summary:mail-in")), ==, imap_sentence);

  /* Sending depends on what receives: IMAP keeps sent mail on the server. */
  accord_comparison_view_set_choice (view, ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP);
  g_assert_true (_row_is_chosen (widget, "smtp"));
  g_assert_cmpstr (accord_comparison_view_get_summary (view, ACCORD_SERVICE_MAIL_OUT), ==,
                   "SMTP sends mail. IMAP saves sent mail on the server.");

  /* No server: no row, but a sentence. */
  accord_comparison_view_set_choice (view, ACCORD_SERVICE_CONTACTS, ACCORD_PROTOCOL_LOCAL);
  g_assert_cmpstr (accord_comparison_view_get_summary (view, ACCORD_SERVICE_CONTACTS), ==,
                   "Without a server, contacts stay on this computer.");

  /* One protocol for several services: one highlight that names them. */
  accord_comparison_view_set_choice (view, ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_JMAP);
  accord_comparison_view_set_choice (view, ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_JMAP);
  g_assert_true (_row_is_chosen (widget, "jmap"));
  g_assert_false (_row_is_chosen (widget, "smtp"));
  jmap_label = g_strconcat ("JMAP, Chosen for Incoming mail, Outgoing mail. ",
                            accord_protocol_matrix_get_row_summary (matrix, "jmap"), NULL);
  gtk_test_accessible_assert_property (_find (widget, "row:jmap"), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       jmap_label);

  accord_comparison_view_unset_choice (view, ACCORD_SERVICE_MAIL_IN);
  accord_comparison_view_unset_choice (view, ACCORD_SERVICE_MAIL_OUT);
  accord_comparison_view_unset_choice (view, ACCORD_SERVICE_CONTACTS);
  g_assert_false (accord_comparison_view_get_choice (view, ACCORD_SERVICE_MAIL_IN, NULL));
  g_assert_null (accord_comparison_view_get_summary (view, ACCORD_SERVICE_MAIL_IN));
  g_assert_null (_find (widget, "summary:mail-in"));
  g_assert_false (_row_is_chosen (widget, "jmap"));

  gtk_window_destroy (window);
}

static gboolean
_focus_is_cell (GtkWindow *window)
{
  GtkWidget *focus = gtk_window_get_focus (window);

  return focus != NULL && gtk_widget_get_name (focus) != NULL &&
         g_str_has_prefix (gtk_widget_get_name (focus), "cell:");
}

static void
test_comparison_keyboard (void)
{
  GtkWidget *widget = accord_comparison_view_new ();
  GtkWindow *window = _window_with (widget, 360);
  GtkWidget *details = NULL;
  GtkWidget *focus;

  accord_comparison_view_set_choice (ACCORD_COMPARISON_VIEW (widget), ACCORD_SERVICE_MAIL_IN,
                                     ACCORD_PROTOCOL_POP3);

  /* Tab enters the table at its first row... */
  gtk_window_set_focus (window, NULL);
  gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD);
  g_assert_true (gtk_window_get_focus (window) == _find (widget, "row:pop3"));

  /* ...the arrows move inside it, and what they reach is explained under it... */
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_RIGHT));
  focus = gtk_window_get_focus (window);
  g_assert_true (_focus_is_cell (window));
  for (GtkWidget *w = gtk_widget_get_first_child (widget); w != NULL; w = gtk_widget_get_next_sibling (w))
    {
      if (GTK_IS_LABEL (w))
        details = w;
    }
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (details)), "POP3, "));

  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_DOWN));
  g_assert_true (_focus_is_cell (window));
  g_assert_true (g_str_has_prefix (gtk_widget_get_name (gtk_window_get_focus (window)), "cell:imap:"));

  /* ...and Tab leaves it in one step, for the sentences under it. */
  gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD);
  g_assert_false (_focus_is_cell (window));
  g_assert_true (gtk_widget_is_ancestor (gtk_window_get_focus (window), _find (widget, "summary:mail-in")) ||
                 gtk_window_get_focus (window) == _find (widget, "summary:mail-in"));

  /* Back into the table where it was left. */
  gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_BACKWARD);
  g_assert_true (_focus_is_cell (window));
  g_assert_true (gtk_window_get_focus (window) != focus);
  g_assert_true (g_str_has_prefix (gtk_widget_get_name (gtk_window_get_focus (window)), "cell:imap:"));

  gtk_window_destroy (window);
}

/* What a key press on Escape does: the window's shortcut for it. A test cannot put a
 * key event in GTK 4's queue, so it runs the shortcut that the event would trigger. */
static void
_press_escape (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  guint n_controllers = g_list_model_get_n_items (controllers);

  for (guint i = 0; i < n_controllers; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);
      guint n_shortcuts;

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      n_shortcuts = g_list_model_get_n_items (G_LIST_MODEL (controller));
      for (guint j = 0; j < n_shortcuts; j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == GDK_KEY_Escape &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == 0)
            {
              g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                           GTK_SHORTCUT_ACTION_EXCLUSIVE, widget,
                                                           gtk_shortcut_get_arguments (shortcut)));
              return;
            }
        }
    }

  g_error ("%s has no shortcut for Escape", G_OBJECT_TYPE_NAME (widget));
}

static gboolean
_is_null (gpointer data)
{
  return *(gpointer *)data == NULL;
}

static AccordDecision *
_pop3_decision (void)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func ((GDestroyNotify)accord_candidate_unref);
  AccordCandidate *candidate;

  candidate = accord_candidate_new (ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_POP3, ACCORD_SOURCE_ISPDB);
  candidate->host = g_strdup ("pop.example.com");
  candidate->port = 995;
  g_ptr_array_add (candidates, candidate);
  candidate = accord_candidate_new (ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP, ACCORD_SOURCE_ISPDB);
  candidate->host = g_strdup ("smtp.example.com");
  candidate->port = 465;
  g_ptr_array_add (candidates, candidate);
  candidate = accord_candidate_new (ACCORD_SERVICE_CALENDAR, ACCORD_PROTOCOL_CALDAV, ACCORD_SOURCE_DAV);
  candidate->url = g_strdup ("https://dav.example.com/calendars/");
  g_ptr_array_add (candidates, candidate);

  return accord_decision_new (accord_protocol_matrix_get_default (), candidates);
}

/* Opens the dialog over @parent with @decision, saves it as @png and closes it with
 * Escape. */
static void
_show_dialog (GtkWindow      *parent,
              AccordDecision *decision,
              int             width,
              int             height,
              const char     *png)
{
  AccordComparisonDialog *dialog = accord_comparison_dialog_new (parent);
  gpointer weak = dialog;
  AccordComparisonView *view;

  g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == parent);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "What Syncs");
  g_assert_nonnull (accord_gui_test_find_by_type (GTK_WIDGET (dialog), ADW_TYPE_HEADER_BAR));

  view = accord_comparison_dialog_get_view (dialog);
  accord_comparison_dialog_set_decision (dialog, decision);
  /* Every protocol is there, and the decision's choices for all four services. */
  g_assert_nonnull (_find (GTK_WIDGET (view), "row:mapi"));
  g_assert_true (_row_is_chosen (GTK_WIDGET (view), "pop3"));
  g_assert_true (_row_is_chosen (GTK_WIDGET (view), "caldav"));
  for (AccordServiceKind s = 0; s < ACCORD_N_SERVICES; s++)
    g_assert_nonnull (accord_comparison_view_get_summary (view, s));
  g_assert_cmpstr (accord_comparison_view_get_summary (view, ACCORD_SERVICE_CONTACTS), ==,
                   "Without a server, contacts stay on this computer.");

  gtk_window_set_default_size (GTK_WINDOW (dialog), width, height);
  gtk_window_present (GTK_WINDOW (dialog));
  accord_gui_test_settle ();
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (view)));
  if (width <= 360)
    g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (dialog)), <=, 360);
  _save_png (GTK_WINDOW (dialog), png);

  _press_escape (GTK_WIDGET (dialog));
  accord_gui_test_wait_for (_is_null, &weak);
}

static void
test_comparison_dialog (void)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  g_autoptr(AccordDecision) decision = _pop3_decision ();
  GtkWidget *parent = adw_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (parent), 400, 300);
  gtk_window_present (GTK_WINDOW (parent));

  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  _show_dialog (GTK_WINDOW (parent), decision, 1080, 1080, "comparison-light.png");

  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_DARK);
  _show_dialog (GTK_WINDOW (parent), decision, 1080, 1080, "comparison-dark.png");

  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  _show_dialog (GTK_WINDOW (parent), decision, 360, 1000, "comparison-narrow.png");

  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_destroy (GTK_WINDOW (parent));
}

int
main (int   argc,
      char *argv[])
{
  /* The session turns accessibility off; the test backend keeps what the widgets tell
   * screen readers, so the test can read it back. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* A screenshot taken mid-transition shows two states at once. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/comparison/cells", test_comparison_cells);
  g_test_add_func ("/comparison/choice", test_comparison_choice);
  g_test_add_func ("/comparison/keyboard", test_comparison_keyboard);
  g_test_add_func ("/comparison/dialog", test_comparison_dialog);

  return g_test_run ();
}
