/* accord-lookup-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "accord-lookup-row.h"

/**
 * AccordLookupRow:
 *
 * One row of the setup assistant's progress: a lookup (or a step such as checking
 * the servers) with its live state. While it runs, a spinner; then an icon and a word
 * with the time it took, so the state never depends on colour alone.
 */
struct _AccordLookupRow
{
  AdwActionRow  parent_instance;

  AccordLookup *lookup;   /* nullable: a step of its own */
  GtkSpinner   *spinner;
  GtkImage     *icon;
  GtkLabel     *state_label;
  char         *state;
};

G_DEFINE_FINAL_TYPE (AccordLookupRow, accord_lookup_row, ADW_TYPE_ACTION_ROW)

static const char *
_title_for (AccordLookup *lookup)
{
  const char *target = accord_lookup_get_target (lookup);

  switch (accord_lookup_get_source (lookup))
    {
    case ACCORD_SOURCE_LOCAL:
      return _("Settings saved on this computer");
    case ACCORD_SOURCE_AUTOCONFIG:
      return _("Your provider’s published settings");
    case ACCORD_SOURCE_ISPDB:
      return _("Database of mail providers");
    case ACCORD_SOURCE_MX:
      return _("The company that handles your mail");
    case ACCORD_SOURCE_SRV:
      return _("Mail servers announced in DNS");
    case ACCORD_SOURCE_DAV:
      return strstr (target, "card") != NULL ? _("Contacts server (CardDAV)")
                                             : _("Calendar server (CalDAV)");
    case ACCORD_SOURCE_JMAP:
      return _("JMAP server");
    case ACCORD_SOURCE_AUTODISCOVER:
      return _("Microsoft Exchange");
    case ACCORD_SOURCE_HTTP_AUTOCONFIG:
      return _("Unencrypted published settings");
    case ACCORD_SOURCE_GUESS:
    default:
      return _("Trying the usual server names");
    }
}

static void
_show_done (AccordLookupRow *self,
            const char      *icon_name,
            const char      *state)
{
  gtk_spinner_stop (self->spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  gtk_image_set_from_icon_name (self->icon, icon_name);
  gtk_widget_set_visible (GTK_WIDGET (self->icon), TRUE);
  gtk_label_set_label (self->state_label, state);

  g_free (self->state);
  self->state = g_strdup (state);
}

static char *
_with_time (const char *word,
            guint       ms)
{
  if (ms >= 10000)
    /* Translators: a lookup's outcome and how long it took, e.g. "Found · 12 s" */
    return g_strdup_printf (_("%s · %u s"), word, ms / 1000);

  /* Translators: a lookup's outcome and how long it took, e.g. "Found · 84 ms" */
  return g_strdup_printf (_("%s · %u ms"), word, ms);
}

static void
on_outcome_changed_cb (AccordLookupRow *self)
{
  AccordLookup *lookup = self->lookup;
  guint ms = accord_lookup_get_elapsed_ms (lookup);
  g_autofree char *state = NULL;
  const char *detail = accord_lookup_get_detail (lookup);

  switch (accord_lookup_get_outcome (lookup))
    {
    case ACCORD_LOOKUP_PENDING:
    case ACCORD_LOOKUP_RUNNING:
      return;
    case ACCORD_LOOKUP_FOUND:
      state = _with_time (_("Found"), ms);
      _show_done (self, "object-select-symbolic", state);
      break;
    case ACCORD_LOOKUP_NONE:
      state = _with_time (_("Nothing there"), ms);
      _show_done (self, "action-unavailable-symbolic", state);
      break;
    case ACCORD_LOOKUP_ERROR:
      state = _with_time (_("Failed"), ms);
      _show_done (self, "dialog-warning-symbolic", state);
      break;
    case ACCORD_LOOKUP_TIMEOUT:
      state = _with_time (_("No answer"), ms);
      _show_done (self, "alarm-symbolic", state);
      break;
    case ACCORD_LOOKUP_SKIPPED:
    default:
      _show_done (self, "media-playback-stop-symbolic", _("Not needed"));
      break;
    }

  if (detail != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self), detail);
}

static void
accord_lookup_row_dispose (GObject *object)
{
  AccordLookupRow *self = ACCORD_LOOKUP_ROW (object);

  g_clear_object (&self->lookup);

  G_OBJECT_CLASS (accord_lookup_row_parent_class)->dispose (object);
}

static void
accord_lookup_row_finalize (GObject *object)
{
  AccordLookupRow *self = ACCORD_LOOKUP_ROW (object);

  g_clear_pointer (&self->state, g_free);

  G_OBJECT_CLASS (accord_lookup_row_parent_class)->finalize (object);
}

static void
accord_lookup_row_class_init (AccordLookupRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = accord_lookup_row_dispose;
  object_class->finalize = accord_lookup_row_finalize;
}

static void
accord_lookup_row_init (AccordLookupRow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  self->spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_spinner_start (self->spinner);
  self->icon = GTK_IMAGE (gtk_image_new ());
  gtk_widget_set_visible (GTK_WIDGET (self->icon), FALSE);
  self->state_label = GTK_LABEL (gtk_label_new (_("Looking…")));
  gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "numeric");
  self->state = g_strdup (_("Looking…"));

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->spinner));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->icon));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->state_label));
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), box);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self), 2);
}

/**
 * accord_lookup_row_new:
 * @lookup: a lookup of the discovery; the row follows its outcome
 */
GtkWidget *
accord_lookup_row_new (AccordLookup *lookup)
{
  AccordLookupRow *self;

  g_return_val_if_fail (ACCORD_IS_LOOKUP (lookup), NULL);

  self = g_object_new (ACCORD_TYPE_LOOKUP_ROW,
                       "title", _title_for (lookup),
                       "subtitle", accord_lookup_get_target (lookup),
                       "use-markup", FALSE,
                       NULL);
  self->lookup = g_object_ref (lookup);
  g_signal_connect_object (lookup, "notify::outcome",
                           G_CALLBACK (on_outcome_changed_cb), self, G_CONNECT_SWAPPED);
  on_outcome_changed_cb (self);

  return GTK_WIDGET (self);
}

/**
 * accord_lookup_row_new_step:
 *
 * A row for a step that is not a lookup, such as checking the servers found; it
 * spins until accord_lookup_row_set_done().
 */
GtkWidget *
accord_lookup_row_new_step (const char *title,
                            const char *subtitle)
{
  return g_object_new (ACCORD_TYPE_LOOKUP_ROW,
                       "title", title,
                       "subtitle", subtitle,
                       "use-markup", FALSE,
                       NULL);
}

/**
 * accord_lookup_row_set_done:
 * @state: a word or two, e.g. "Done"
 */
void
accord_lookup_row_set_done (AccordLookupRow *self,
                            gboolean         success,
                            const char      *state)
{
  g_return_if_fail (ACCORD_IS_LOOKUP_ROW (self));

  _show_done (self, success ? "object-select-symbolic" : "dialog-warning-symbolic", state);
}

/**
 * accord_lookup_row_get_lookup:
 *
 * Returns: (transfer none) (nullable): the lookup, or %NULL for a step
 */
AccordLookup *
accord_lookup_row_get_lookup (AccordLookupRow *self)
{
  g_return_val_if_fail (ACCORD_IS_LOOKUP_ROW (self), NULL);

  return self->lookup;
}

/**
 * accord_lookup_row_get_state:
 *
 * Returns: the words shown for the row's state, e.g. "Found · 84 ms"
 */
const char *
accord_lookup_row_get_state (AccordLookupRow *self)
{
  g_return_val_if_fail (ACCORD_IS_LOOKUP_ROW (self), NULL);

  return self->state;
}
