/* accord-comparison-view.c
 *
 * The "what syncs" table: one row per protocol, one column per thing a person expects
 * to be synced, every cell from the protocol matrix. Under it, for each service with a
 * choice, a sentence from accord-sync-summary says what that choice syncs and loses.
 *
 * The protocol names stay in place while the cells scroll sideways, so the table can
 * be read at phone width. The table is a single tab stop: the arrow keys move between
 * its cells, and each cell reads out what it shows and why.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "accord-comparison-view.h"
#include "accord-protocol-matrix.h"
#include "accord-sync-summary.h"

#define DETAILS_KEY "accord-comparison-details"

/* Notes are left out: no part of an account is about notes, so no choice turns on them. */
static const AccordCapability columns[] = {
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

#define N_COLUMNS G_N_ELEMENTS (columns)

static const char * const service_icons[ACCORD_N_SERVICES] = {
  [ACCORD_SERVICE_MAIL_IN] = "mail-unread-symbolic",
  [ACCORD_SERVICE_MAIL_OUT] = "mail-send-symbolic",
  [ACCORD_SERVICE_CONTACTS] = "x-office-address-book-symbolic",
  [ACCORD_SERVICE_CALENDAR] = "x-office-calendar-symbolic",
};

static const char style[] =
  "comparisonview .comparison-corner,"
  "comparisonview .comparison-header { padding: 10px 8px 8px 8px; }"
  "comparisonview .comparison-name,"
  "comparisonview .comparison-cell { border-top: 1px solid alpha(currentColor, 0.12); }"
  "comparisonview .comparison-name { padding: 8px 12px; }"
  "comparisonview .comparison-cell { padding: 8px; }"
  "comparisonview .comparison-name.chosen,"
  "comparisonview .comparison-cell.chosen { background-color: alpha(@accent_bg_color, 0.18); }"
  "comparisonview .comparison-focusable {"
  "  outline: 0 solid transparent; outline-offset: -3px; border-radius: 0;"
  "}"
  "comparisonview .comparison-focusable:focus-visible {"
  "  outline: 2px solid alpha(@accent_color, 0.6);"
  "}";

typedef struct
{
  char         *id;
  GtkWidget    *name;
  GtkWidget    *choice_label; /* which services chose this row; hidden when none */
  GtkWidget    *cells[N_COLUMNS];
} Row;

typedef struct
{
  gboolean       set;
  AccordProtocol protocol;
} Choice;

struct _AccordComparisonView
{
  GtkWidget             parent_instance;

  AccordProtocolMatrix *matrix;
  GPtrArray            *rows; /* Row*, in display order */
  Choice                choices[ACCORD_N_SERVICES];
  char                 *summaries[ACCORD_N_SERVICES];
  GtkWidget            *tab_stop; /* where Tab enters the table; NULL: the first row's name */

  GtkWidget            *table;
  GtkWidget            *scroller;
  guint                 scrollbar_source;
  GtkWidget            *headers[N_COLUMNS];
  GtkWidget            *names;
  GtkWidget            *cells;
  GtkWidget            *details;
  GtkWidget            *summary_box;
  GtkWidget            *summary_list;
};

G_DEFINE_FINAL_TYPE (AccordComparisonView, accord_comparison_view, GTK_TYPE_WIDGET)

static void
_row_free (Row *row)
{
  g_free (row->id);
  g_free (row);
}

static void
_ensure_style (GdkDisplay *display)
{
  g_autoptr(GtkCssProvider) provider = NULL;

  if (display == NULL || g_object_get_data (G_OBJECT (display), "accord-comparison-style"))
    return;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider, style, -1);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data_full (G_OBJECT (display), "accord-comparison-style",
                          g_steal_pointer (&provider), g_object_unref);
}

static const char *
_support_text (AccordSupport support)
{
  switch (support)
    {
    case ACCORD_SUPPORT_YES:
      /* Translators: a cell of the "what syncs" table: the protocol does this */
      return _("Yes");
    case ACCORD_SUPPORT_PARTIAL:
      /* Translators: a cell of the "what syncs" table: the protocol does this in part */
      return _("Partly");
    case ACCORD_SUPPORT_NO:
    default:
      /* Translators: a cell of the "what syncs" table: the protocol does not do this */
      return _("No");
    }
}

/* The word in the middle of a cell's sentence, "IMAP, Push: partly. …" */
static const char *
_support_spoken (AccordSupport support)
{
  switch (support)
    {
    case ACCORD_SUPPORT_YES:
      /* Translators: completes "IMAP, Inbox: …" when a cell is read out */
      return _("yes");
    case ACCORD_SUPPORT_PARTIAL:
      /* Translators: completes "IMAP, Push: …" when a cell is read out */
      return _("partly");
    case ACCORD_SUPPORT_NO:
    default:
      /* Translators: completes "IMAP, Contacts: …" when a cell is read out */
      return _("no");
    }
}

static const char *
_support_icon (AccordSupport support)
{
  switch (support)
    {
    case ACCORD_SUPPORT_YES:
      return "object-select-symbolic";
    case ACCORD_SUPPORT_PARTIAL:
      return "dialog-warning-symbolic";
    case ACCORD_SUPPORT_NO:
    default:
      return "window-close-symbolic";
    }
}

/* Colour only repeats what the icon and the word say. */
static const char *
_support_style (AccordSupport support)
{
  switch (support)
    {
    case ACCORD_SUPPORT_YES:
      return "success";
    case ACCORD_SUPPORT_PARTIAL:
      return "warning";
    case ACCORD_SUPPORT_NO:
    default:
      return "dim-label";
    }
}

/* Breaks @text into lines of at most @max_chars where it has spaces. The table's
 * headers and names are broken here rather than by GTK, so their height does not
 * depend on their width: the names and the cells sit in two grids, and only
 * width-independent heights keep their rows level. */
static char *
_break_lines (const char *text,
              guint       max_chars)
{
  g_auto(GStrv) words = g_strsplit (text, " ", -1);
  g_autoptr(GString) broken = g_string_new (NULL);
  guint line_chars = 0;

  for (guint i = 0; words[i] != NULL; i++)
    {
      guint word_chars = g_utf8_strlen (words[i], -1);

      if (i > 0 && line_chars + 1 + word_chars > max_chars)
        {
          g_string_append_c (broken, '\n');
          line_chars = 0;
        }
      else if (i > 0)
        {
          g_string_append_c (broken, ' ');
          line_chars++;
        }

      g_string_append (broken, words[i]);
      line_chars += word_chars;
    }

  return g_string_free (g_steal_pointer (&broken), FALSE);
}

static void
_set_broken_text (GtkWidget  *label,
                  const char *text,
                  guint       max_chars)
{
  g_autofree char *broken = _break_lines (text, max_chars);

  gtk_label_set_text (GTK_LABEL (label), broken);
}

/* What a cell says to a screen reader and in the line under the table. */
static void
_set_details (GtkWidget  *widget,
              const char *details)
{
  g_object_set_data_full (G_OBJECT (widget), DETAILS_KEY, g_strdup (details), g_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, details,
                                  -1);
}

static void
_show_details (AccordComparisonView *self,
               GtkWidget            *widget)
{
  const char *details = g_object_get_data (G_OBJECT (widget), DETAILS_KEY);

  if (details != NULL)
    gtk_label_set_text (GTK_LABEL (self->details), details);
}

static void
on_cell_focus_enter_cb (GtkEventControllerFocus *controller,
                        AccordComparisonView    *self)
{
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));

  self->tab_stop = widget;
  _show_details (self, widget);
}

static void
on_cell_pressed_cb (GtkGestureClick *gesture,
                    int              n_press,
                    double           x,
                    double           y,
                    gpointer         user_data)
{
  gtk_widget_grab_focus (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture)));
}

/* Every cell, header and row name is a place the arrow keys reach, that a click
 * selects, and whose details show under the table. */
static GtkWidget *
_focusable_box (AccordComparisonView *self,
                GtkOrientation        orientation,
                const char           *css_class,
                const char           *name)
{
  GtkWidget *box = gtk_box_new (orientation, 6);
  GtkEventController *focus = gtk_event_controller_focus_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_widget_set_name (box, name);
  gtk_widget_add_css_class (box, css_class);
  gtk_widget_add_css_class (box, "comparison-focusable");
  gtk_widget_set_focusable (box, TRUE);

  g_signal_connect (focus, "enter", G_CALLBACK (on_cell_focus_enter_cb), self);
  gtk_widget_add_controller (box, focus);
  g_signal_connect (click, "pressed", G_CALLBACK (on_cell_pressed_cb), NULL);
  gtk_widget_add_controller (box, GTK_EVENT_CONTROLLER (click));

  return box;
}

static GtkWidget *
_make_header (AccordComparisonView *self,
              AccordCapability      capability)
{
  const char *label = accord_protocol_matrix_get_capability_label (self->matrix, capability);
  const char *description =
    accord_protocol_matrix_get_capability_description (self->matrix, capability);
  g_autofree char *name = g_strdup_printf ("column:%s", accord_capability_to_string (capability));
  g_autofree char *details = NULL;
  GtkWidget *box = _focusable_box (self, GTK_ORIENTATION_VERTICAL, "comparison-header", name);
  GtkWidget *text = gtk_label_new (NULL);

  _set_broken_text (text, label, 10);
  gtk_label_set_justify (GTK_LABEL (text), GTK_JUSTIFY_CENTER);
  gtk_widget_set_valign (text, GTK_ALIGN_END);
  gtk_widget_set_vexpand (text, TRUE);
  gtk_widget_add_css_class (text, "caption-heading");
  gtk_box_append (GTK_BOX (box), text);

  gtk_widget_set_tooltip_text (box, description);
  /* Translators: a column header read out, e.g. "All folders: Every folder on the server, …" */
  details = g_strdup_printf (_("%1$s: %2$s"), label, description);
  _set_details (box, details);

  return box;
}

static GtkWidget *
_make_cell (AccordComparisonView *self,
            Row                  *row,
            AccordCapability      capability)
{
  const char *note = NULL;
  AccordSupport support =
    accord_protocol_matrix_get_row_support (self->matrix, row->id, capability, &note);
  g_autofree char *name =
    g_strdup_printf ("cell:%s:%s", row->id, accord_capability_to_string (capability));
  g_autofree char *details = NULL;
  GtkWidget *cell = _focusable_box (self, GTK_ORIENTATION_HORIZONTAL, "comparison-cell", name);
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *icon = gtk_image_new_from_icon_name (_support_icon (support));
  GtkWidget *text = gtk_label_new (_support_text (support));

  gtk_widget_add_css_class (cell, accord_support_to_string (support));
  gtk_widget_add_css_class (icon, _support_style (support));
  if (support == ACCORD_SUPPORT_NO)
    gtk_widget_add_css_class (text, "dim-label");
  gtk_widget_add_css_class (text, "caption");

  /* The icon is decoration: the word next to it says the same. */
  gtk_accessible_update_state (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);

  gtk_widget_set_halign (content, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (content, TRUE);
  gtk_box_append (GTK_BOX (content), icon);
  gtk_box_append (GTK_BOX (content), text);
  gtk_box_append (GTK_BOX (cell), content);

  gtk_widget_set_tooltip_text (cell, note);
  /* Translators: a cell read out: the protocol, the column, yes/partly/no and the
   * note, e.g. "IMAP, All folders: yes. Every folder is synced, including the ones you create." */
  details = g_strdup_printf (_("%1$s, %2$s: %3$s. %4$s"),
                             accord_protocol_matrix_get_row_label (self->matrix, row->id),
                             accord_protocol_matrix_get_capability_label (self->matrix, capability),
                             _support_spoken (support),
                             note);
  _set_details (cell, details);

  return cell;
}

/* The services that chose @row, as "Incoming mail, Outgoing mail"; NULL for none. */
static char *
_dup_chosen_for (AccordComparisonView *self,
                 const Row            *row)
{
  g_autoptr(GString) services = NULL;

  for (AccordServiceKind s = 0; s < ACCORD_N_SERVICES; s++)
    {
      const Choice *choice = &self->choices[s];

      if (!choice->set || choice->protocol == ACCORD_PROTOCOL_LOCAL ||
          g_strcmp0 (accord_protocol_to_string (choice->protocol), row->id) != 0)
        continue;

      if (services == NULL)
        services = g_string_new (accord_sync_summary_get_service_title (s));
      else
        {
          /* Translators: separates the services a protocol was chosen for */
          g_string_append (services, _(", "));
          g_string_append (services, accord_sync_summary_get_service_title (s));
        }
    }

  return services != NULL ? g_string_free (g_steal_pointer (&services), FALSE) : NULL;
}

static void
_update_row_choice (AccordComparisonView *self,
                    Row                  *row)
{
  g_autofree char *chosen_for = _dup_chosen_for (self, row);
  g_autofree char *caption = NULL;
  g_autoptr(GString) details = NULL;

  details = g_string_new (accord_protocol_matrix_get_row_label (self->matrix, row->id));
  if (chosen_for != NULL)
    {
      /* Translators: under a protocol's name in the table; %s lists services, e.g.
       * "Chosen for Incoming mail, Contacts" */
      caption = g_strdup_printf (_("Chosen for %s"), chosen_for);
      g_string_append_printf (details, ", %s", caption);
      _set_broken_text (row->choice_label, caption, 18);
    }
  gtk_widget_set_visible (row->choice_label, chosen_for != NULL);

  g_string_append (details, ". ");
  g_string_append (details, accord_protocol_matrix_get_row_summary (self->matrix, row->id));
  if (!accord_protocol_matrix_row_is_implemented (self->matrix, row->id))
    {
      g_string_append_c (details, ' ');
      g_string_append (details, _("Accord cannot use it yet."));
    }
  _set_details (row->name, details->str);
  if (self->tab_stop == row->name && gtk_widget_has_focus (row->name))
    _show_details (self, row->name);

  if (chosen_for != NULL)
    gtk_widget_add_css_class (row->name, "chosen");
  else
    gtk_widget_remove_css_class (row->name, "chosen");

  for (guint i = 0; i < N_COLUMNS; i++)
    {
      if (chosen_for != NULL)
        gtk_widget_add_css_class (row->cells[i], "chosen");
      else
        gtk_widget_remove_css_class (row->cells[i], "chosen");
    }
}

static GtkWidget *
_make_name (AccordComparisonView *self,
            Row                  *row)
{
  g_autofree char *name = g_strdup_printf ("row:%s", row->id);
  GtkWidget *box = _focusable_box (self, GTK_ORIENTATION_VERTICAL, "comparison-name", name);
  GtkWidget *label = gtk_label_new (NULL);

  _set_broken_text (label, accord_protocol_matrix_get_row_label (self->matrix, row->id), 12);
  gtk_widget_set_valign (box, GTK_ALIGN_FILL);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_vexpand (label, TRUE);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (box), label);

  if (!accord_protocol_matrix_row_is_implemented (self->matrix, row->id))
    {
      /* Translators: under a protocol's name in the table */
      GtkWidget *missing = gtk_label_new (NULL);

      _set_broken_text (missing, _("Not in Accord yet"), 18);
      gtk_label_set_xalign (GTK_LABEL (missing), 0);
      gtk_widget_add_css_class (missing, "caption");
      gtk_widget_add_css_class (missing, "dim-label");
      gtk_box_append (GTK_BOX (box), missing);
    }

  row->choice_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (row->choice_label), 0);
  gtk_widget_add_css_class (row->choice_label, "caption-heading");
  gtk_widget_add_css_class (row->choice_label, "accent");
  gtk_widget_set_visible (row->choice_label, FALSE);
  gtk_box_append (GTK_BOX (box), row->choice_label);

  gtk_widget_set_tooltip_text (box, accord_protocol_matrix_get_row_summary (self->matrix, row->id));

  return box;
}

static void
_clear_grid (GtkWidget *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (grid)) != NULL)
    gtk_grid_remove (GTK_GRID (grid), child);
}

/* The names and the cells sit in two grids, so the names stay while the cells scroll;
 * a size group per row keeps the two at the same height. */
static void
_rebuild (AccordComparisonView *self,
          const char * const   *ids)
{
  g_autoptr(GtkSizeGroup) header_heights = gtk_size_group_new (GTK_SIZE_GROUP_VERTICAL);
  GtkWidget *corner;

  self->tab_stop = NULL;
  g_ptr_array_set_size (self->rows, 0);
  memset (self->headers, 0, sizeof self->headers);
  _clear_grid (self->names);
  _clear_grid (self->cells);

  /* Translators: the header above the protocol names in the "what syncs" table */
  corner = gtk_label_new (_("Protocol"));
  gtk_widget_add_css_class (corner, "caption-heading");
  gtk_widget_add_css_class (corner, "comparison-corner");
  gtk_widget_add_css_class (corner, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (corner), 0);
  gtk_widget_set_valign (corner, GTK_ALIGN_END);
  gtk_grid_attach (GTK_GRID (self->names), corner, 0, 0, 1, 1);
  gtk_size_group_add_widget (header_heights, corner);

  for (guint c = 0; c < N_COLUMNS; c++)
    {
      GtkWidget *header = _make_header (self, columns[c]);

      self->headers[c] = header;
      gtk_grid_attach (GTK_GRID (self->cells), header, c, 0, 1, 1);
      gtk_size_group_add_widget (header_heights, header);
    }

  for (guint r = 0; ids[r] != NULL; r++)
    {
      g_autoptr(GtkSizeGroup) heights = gtk_size_group_new (GTK_SIZE_GROUP_VERTICAL);
      Row *row = g_new0 (Row, 1);

      row->id = g_strdup (ids[r]);
      g_ptr_array_add (self->rows, row);

      row->name = _make_name (self, row);
      gtk_grid_attach (GTK_GRID (self->names), row->name, 0, r + 1, 1, 1);
      gtk_size_group_add_widget (heights, row->name);

      for (guint c = 0; c < N_COLUMNS; c++)
        {
          row->cells[c] = _make_cell (self, row, columns[c]);
          gtk_grid_attach (GTK_GRID (self->cells), row->cells[c], c, r + 1, 1, 1);
          gtk_size_group_add_widget (heights, row->cells[c]);
        }

      _update_row_choice (self, row);
    }
}

/* The sentence is the point of the row, so it is body text, not a dim subtitle. */
static GtkWidget *
_make_summary_row (AccordServiceKind  service,
                   const char        *sentence)
{
  const char *title = accord_sync_summary_get_service_title (service);
  g_autofree char *name = g_strdup_printf ("summary:%s", accord_service_kind_to_string (service));
  g_autofree char *spoken = NULL;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon = gtk_image_new_from_icon_name (service_icons[service]);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *heading = gtk_label_new (title);
  GtkWidget *body = gtk_label_new (sentence);

  gtk_widget_set_name (row, name);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  /* Translators: a part of the account and what it syncs, read out, e.g.
   * "Contacts: Without a server, contacts stay on this computer." */
  spoken = g_strdup_printf (_("%1$s: %2$s"), title, sentence);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, spoken, -1);

  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_widget_set_margin_top (icon, 2);
  gtk_accessible_update_state (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  gtk_box_append (GTK_BOX (box), icon);

  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (box), text);

  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_label_set_wrap (GTK_LABEL (heading), TRUE);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (text), heading);

  gtk_widget_set_name (body, "summary-sentence");
  gtk_label_set_xalign (GTK_LABEL (body), 0);
  gtk_label_set_wrap (GTK_LABEL (body), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (body), PANGO_WRAP_WORD_CHAR);
  gtk_box_append (GTK_BOX (text), body);

  return row;
}

/* Rows are rebuilt rather than hidden, so the boxed list rounds the right corners. */
static void
_update_summaries (AccordComparisonView *self)
{
  AccordProtocol mail_in = ACCORD_PROTOCOL_LOCAL;
  gboolean any = FALSE;
  GtkWidget *child;

  if (self->choices[ACCORD_SERVICE_MAIL_IN].set)
    mail_in = self->choices[ACCORD_SERVICE_MAIL_IN].protocol;

  while ((child = gtk_widget_get_first_child (self->summary_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->summary_list), child);

  for (AccordServiceKind s = 0; s < ACCORD_N_SERVICES; s++)
    {
      g_clear_pointer (&self->summaries[s], g_free);
      if (!self->choices[s].set)
        continue;

      self->summaries[s] = accord_sync_summary_describe (self->matrix, s, self->choices[s].protocol,
                                                         mail_in);
      gtk_list_box_append (GTK_LIST_BOX (self->summary_list),
                           _make_summary_row (s, self->summaries[s]));
      any = TRUE;
    }

  gtk_widget_set_visible (self->summary_box, any);
}

static void
_update_choices (AccordComparisonView *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    _update_row_choice (self, g_ptr_array_index (self->rows, i));

  _update_summaries (self);
}

/* Scrollbar */

/* The scrollbar is there exactly when the columns do not fit. GTK only makes room for
 * a scrollbar that is always shown, so the policy follows the columns' width; it is
 * set from an idle, as the adjustment changes while the table is allocated. */
static gboolean
on_update_scrollbar_cb (gpointer user_data)
{
  AccordComparisonView *self = user_data;
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW (self->scroller);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_hadjustment (scroller);
  gboolean overflows =
    gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment);

  self->scrollbar_source = 0;
  gtk_scrolled_window_set_policy (scroller,
                                  overflows ? GTK_POLICY_ALWAYS : GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_NEVER);

  return G_SOURCE_REMOVE;
}

static void
on_hadjustment_changed_cb (AccordComparisonView *self)
{
  if (self->scrollbar_source == 0)
    self->scrollbar_source = g_idle_add (on_update_scrollbar_cb, self);
}

/* Keyboard */

/* Row -1 is the headers, column -1 the protocol names; the corner is no stop. */
static GtkWidget *
_widget_at (AccordComparisonView *self,
            int                   row,
            int                   column)
{
  const Row *r;

  if (column < -1 || column >= (int)N_COLUMNS || row < -1 || row >= (int)self->rows->len)
    return NULL;
  if (row == -1)
    return column >= 0 ? self->headers[column] : NULL;

  r = g_ptr_array_index (self->rows, row);
  return column == -1 ? r->name : r->cells[column];
}

static gboolean
_find_position (AccordComparisonView *self,
                GtkWidget            *widget,
                int                  *row,
                int                  *column)
{
  for (int r = -1; r < (int)self->rows->len; r++)
    {
      for (int c = -1; c < (int)N_COLUMNS; c++)
        {
          if (widget != NULL && _widget_at (self, r, c) == widget)
            {
              *row = r;
              *column = c;
              return TRUE;
            }
        }
    }

  return FALSE;
}

/* The arrows move by one cell; at the table's edge they stay, as in a spreadsheet. */
static gboolean
_move_in_table (AccordComparisonView *self,
                GtkDirectionType      direction)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  gboolean rtl = gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL;
  GtkWidget *target;
  int row;
  int column;

  if (root == NULL || !_find_position (self, gtk_root_get_focus (root), &row, &column))
    return FALSE;

  switch (direction)
    {
    case GTK_DIR_UP:
      row--;
      break;
    case GTK_DIR_DOWN:
      row++;
      break;
    case GTK_DIR_LEFT:
      column += rtl ? 1 : -1;
      break;
    case GTK_DIR_RIGHT:
      column += rtl ? -1 : 1;
      break;
    case GTK_DIR_TAB_FORWARD:
    case GTK_DIR_TAB_BACKWARD:
    default:
      g_assert_not_reached ();
    }

  target = _widget_at (self, row, column);
  if (target == NULL)
    gtk_widget_error_bell (GTK_WIDGET (self));
  else
    gtk_widget_grab_focus (target);

  return TRUE;
}

static gboolean
_focus_table (AccordComparisonView *self)
{
  GtkWidget *target = self->tab_stop;

  if (target == NULL || !gtk_widget_is_visible (target))
    target = self->rows->len > 0 ? ((Row *)g_ptr_array_index (self->rows, 0))->name : NULL;

  return target != NULL && gtk_widget_grab_focus (target);
}

static gboolean
_focus_summaries (AccordComparisonView *self,
                  GtkDirectionType      direction)
{
  return gtk_widget_get_visible (self->summary_box) &&
         gtk_widget_child_focus (self->summary_list, direction);
}

/* The table is one tab stop, like a list: Tab enters it at the cell last visited and
 * leaves it at once; the arrow keys move inside. */
static gboolean
accord_comparison_view_focus (GtkWidget        *widget,
                              GtkDirectionType  direction)
{
  AccordComparisonView *self = ACCORD_COMPARISON_VIEW (widget);
  GtkWidget *focus_child = gtk_widget_get_focus_child (widget);

  if (direction != GTK_DIR_TAB_FORWARD && direction != GTK_DIR_TAB_BACKWARD)
    {
      if (focus_child == self->table && _move_in_table (self, direction))
        return TRUE;
      return GTK_WIDGET_CLASS (accord_comparison_view_parent_class)->focus (widget, direction);
    }

  if (focus_child == NULL)
    {
      if (direction == GTK_DIR_TAB_BACKWARD && _focus_summaries (self, direction))
        return TRUE;
      return _focus_table (self);
    }

  if (focus_child == self->table)
    return direction == GTK_DIR_TAB_FORWARD && _focus_summaries (self, direction);

  if (gtk_widget_child_focus (focus_child, direction))
    return TRUE;
  return direction == GTK_DIR_TAB_BACKWARD && _focus_table (self);
}

static void
accord_comparison_view_dispose (GObject *object)
{
  AccordComparisonView *self = (AccordComparisonView *)object;
  GtkWidget *child;

  self->tab_stop = NULL;
  g_clear_handle_id (&self->scrollbar_source, g_source_remove);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  self->table = self->scroller = self->names = self->cells = self->details = NULL;
  memset (self->headers, 0, sizeof self->headers);
  self->summary_box = self->summary_list = NULL;

  if (self->rows != NULL)
    g_ptr_array_set_size (self->rows, 0);

  G_OBJECT_CLASS (accord_comparison_view_parent_class)->dispose (object);
}

static void
accord_comparison_view_finalize (GObject *object)
{
  AccordComparisonView *self = (AccordComparisonView *)object;

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  for (guint i = 0; i < ACCORD_N_SERVICES; i++)
    g_clear_pointer (&self->summaries[i], g_free);

  G_OBJECT_CLASS (accord_comparison_view_parent_class)->finalize (object);
}

static void
accord_comparison_view_class_init (AccordComparisonViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = accord_comparison_view_dispose;
  object_class->finalize = accord_comparison_view_finalize;

  widget_class->focus = accord_comparison_view_focus;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "comparisonview");
}

static void
accord_comparison_view_init (AccordComparisonView *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  GtkAdjustment *hadjustment;
  GtkWidget *viewport;
  GtkWidget *summary_title;

  self->matrix = accord_protocol_matrix_get_default ();
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify)_row_free);

  _ensure_style (gtk_widget_get_display (GTK_WIDGET (self)));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 12);

  self->table = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (self->table, "card");
  gtk_widget_set_overflow (self->table, GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_parent (self->table, GTK_WIDGET (self));

  /* Kept to its rows' height when the cells' scrollbar makes the table taller. */
  self->names = gtk_grid_new ();
  gtk_widget_set_valign (self->names, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (self->table), self->names);
  gtk_box_append (GTK_BOX (self->table), gtk_separator_new (GTK_ORIENTATION_VERTICAL));

  self->cells = gtk_grid_new ();
  viewport = gtk_viewport_new (NULL, NULL);
  gtk_viewport_set_scroll_to_focus (GTK_VIEWPORT (viewport), TRUE);
  gtk_viewport_set_child (GTK_VIEWPORT (viewport), self->cells);
  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller),
                                  GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (self->scroller), TRUE);
  /* A scrollbar that shows only on hover hides that there are more columns. */
  gtk_scrolled_window_set_overlay_scrolling (GTK_SCROLLED_WINDOW (self->scroller), FALSE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), viewport);
  gtk_widget_set_hexpand (self->scroller, TRUE);
  /* The cells take the focus; the scroller follows it. */
  gtk_widget_set_focusable (self->scroller, FALSE);
  gtk_box_append (GTK_BOX (self->table), self->scroller);

  hadjustment = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (self->scroller));
  g_signal_connect_object (hadjustment, "changed", G_CALLBACK (on_hadjustment_changed_cb), self,
                           G_CONNECT_SWAPPED);

  /* Translators: under the "what syncs" table until a cell is selected */
  self->details = gtk_label_new (_("Select a cell to read more about it."));
  gtk_label_set_wrap (GTK_LABEL (self->details), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->details), 0);
  gtk_widget_add_css_class (self->details, "dim-label");
  gtk_widget_set_parent (self->details, GTK_WIDGET (self));
  /* Screen readers hear each cell's details as it is focused. */
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->details),
                               GTK_ACCESSIBLE_STATE_HIDDEN, TRUE,
                               -1);

  self->summary_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (self->summary_box, 12);
  gtk_widget_set_parent (self->summary_box, GTK_WIDGET (self));

  /* Translators: the heading above one sentence per part of the account */
  summary_title = gtk_label_new (_("What Your Setup Syncs"));
  gtk_label_set_xalign (GTK_LABEL (summary_title), 0);
  gtk_label_set_wrap (GTK_LABEL (summary_title), TRUE);
  gtk_widget_add_css_class (summary_title, "heading");
  gtk_box_append (GTK_BOX (self->summary_box), summary_title);

  self->summary_list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->summary_list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->summary_list, "boxed-list");
  gtk_box_append (GTK_BOX (self->summary_box), self->summary_list);

  _rebuild (self, accord_protocol_matrix_get_row_ids (self->matrix));
  _update_summaries (self);
}

/**
 * accord_comparison_view_new:
 *
 * Returns: (transfer floating): a table of every protocol in the matrix, without a
 *   choice
 */
GtkWidget *
accord_comparison_view_new (void)
{
  return g_object_new (ACCORD_TYPE_COMPARISON_VIEW, NULL);
}

/**
 * accord_comparison_view_set_protocols:
 * @protocols: (array length=n_protocols) (nullable): the rows to show, in order
 * @n_protocols: the number of @protocols; 0 shows every row of the matrix
 *
 * Limits the table to @protocols, e.g. the ones a provider offers.
 * %ACCORD_PROTOCOL_LOCAL has no row and is skipped. Choices are kept.
 */
void
accord_comparison_view_set_protocols (AccordComparisonView *self,
                                      const AccordProtocol *protocols,
                                      guint                 n_protocols)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) ids = NULL;

  g_return_if_fail (ACCORD_IS_COMPARISON_VIEW (self));
  g_return_if_fail (protocols != NULL || n_protocols == 0);

  if (n_protocols == 0)
    {
      _rebuild (self, accord_protocol_matrix_get_row_ids (self->matrix));
      return;
    }

  builder = g_strv_builder_new ();
  for (guint i = 0; i < n_protocols; i++)
    {
      g_return_if_fail (protocols[i] <= ACCORD_PROTOCOL_LOCAL);

      if (protocols[i] != ACCORD_PROTOCOL_LOCAL)
        g_strv_builder_add (builder, accord_protocol_to_string (protocols[i]));
    }
  ids = g_strv_builder_end (builder);

  _rebuild (self, (const char * const *)ids);
}

/**
 * accord_comparison_view_set_choice:
 * @protocol: what @service uses; %ACCORD_PROTOCOL_LOCAL for no server, which
 *   highlights no row but still says what stays on this computer
 *
 * Highlights @protocol's row and shows, at once, the sentence that says what it syncs
 * for @service.
 */
void
accord_comparison_view_set_choice (AccordComparisonView *self,
                                   AccordServiceKind     service,
                                   AccordProtocol        protocol)
{
  g_return_if_fail (ACCORD_IS_COMPARISON_VIEW (self));
  g_return_if_fail (service < ACCORD_N_SERVICES);
  g_return_if_fail (protocol <= ACCORD_PROTOCOL_LOCAL);

  self->choices[service].set = TRUE;
  self->choices[service].protocol = protocol;
  _update_choices (self);
}

/**
 * accord_comparison_view_unset_choice:
 *
 * Forgets the choice for @service: no highlight, no sentence.
 */
void
accord_comparison_view_unset_choice (AccordComparisonView *self,
                                     AccordServiceKind     service)
{
  g_return_if_fail (ACCORD_IS_COMPARISON_VIEW (self));
  g_return_if_fail (service < ACCORD_N_SERVICES);

  self->choices[service].set = FALSE;
  _update_choices (self);
}

/**
 * accord_comparison_view_get_choice:
 * @protocol: (out) (optional): the protocol chosen for @service
 *
 * Returns: whether @service has a choice
 */
gboolean
accord_comparison_view_get_choice (AccordComparisonView *self,
                                   AccordServiceKind     service,
                                   AccordProtocol       *protocol)
{
  g_return_val_if_fail (ACCORD_IS_COMPARISON_VIEW (self), FALSE);
  g_return_val_if_fail (service < ACCORD_N_SERVICES, FALSE);

  if (protocol != NULL && self->choices[service].set)
    *protocol = self->choices[service].protocol;

  return self->choices[service].set;
}

/**
 * accord_comparison_view_set_decision:
 * @decision: (nullable): the decision to show, or %NULL to forget every choice
 *
 * Sets a choice for all four services from @decision; a service it found no server
 * for keeps its data on this computer, and the view says so.
 */
void
accord_comparison_view_set_decision (AccordComparisonView *self,
                                     AccordDecision       *decision)
{
  g_return_if_fail (ACCORD_IS_COMPARISON_VIEW (self));
  g_return_if_fail (decision == NULL || ACCORD_IS_DECISION (decision));

  for (AccordServiceKind s = 0; s < ACCORD_N_SERVICES; s++)
    {
      self->choices[s].set = decision != NULL;
      if (decision != NULL)
        self->choices[s].protocol = accord_sync_summary_get_choice (decision, s);
    }

  _update_choices (self);
}

/**
 * accord_comparison_view_get_summary:
 *
 * Returns: (nullable): the sentence the view shows for @service, or %NULL when
 *   @service has no choice
 */
const char *
accord_comparison_view_get_summary (AccordComparisonView *self,
                                    AccordServiceKind     service)
{
  g_return_val_if_fail (ACCORD_IS_COMPARISON_VIEW (self), NULL);
  g_return_val_if_fail (service < ACCORD_N_SERVICES, NULL);

  return self->summaries[service];
}
