/* accord-account-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "accord-account-row.h"

/**
 * AccordAccountRow:
 *
 * A row of the account list: the account's name and address, and one small tag per
 * protocol in use, so the list says at a glance how each account syncs.
 */
struct _AccordAccountRow
{
  AdwActionRow   parent_instance;

  AccordAccount *account;

  GtkBox        *protocols_box;
  GtkButton     *what_syncs_button;
};

G_DEFINE_FINAL_TYPE (AccordAccountRow, accord_account_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
_service_label (AccordServiceKind kind)
{
  switch (kind)
    {
    case ACCORD_SERVICE_MAIL_IN: return _("Receives mail");
    case ACCORD_SERVICE_MAIL_OUT: return _("Sends mail");
    case ACCORD_SERVICE_CONTACTS: return _("Contacts");
    case ACCORD_SERVICE_CALENDAR: return _("Calendar");
    default: g_return_val_if_reached (NULL);
    }
}

static void
_update_protocols (AccordAccountRow *self)
{
  GtkWidget *child;
  g_autofree char *summary = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->protocols_box))) != NULL)
    gtk_box_remove (self->protocols_box, child);

  for (guint i = 0; i < ACCORD_N_SERVICES; i++)
    {
      AccordServiceConfig *config = accord_account_get_service (self->account, i);
      g_autofree char *tooltip = NULL;
      GtkWidget *tag;

      if (config == NULL)
        continue;

      tag = gtk_label_new (accord_protocol_get_label (config->protocol));
      gtk_widget_add_css_class (tag, "protocol-tag");
      gtk_widget_add_css_class (tag, "caption-heading");
      /* Translators: a tooltip such as "Receives mail: IMAP, imap.example.com" */
      tooltip = g_strdup_printf (_("%s: %s, %s"), _service_label (i),
                                 accord_protocol_get_label (config->protocol),
                                 config->host ? config->host : config->url ? config->url : "");
      gtk_widget_set_tooltip_text (tag, tooltip);
      gtk_box_append (self->protocols_box, tag);
    }

  summary = accord_account_dup_protocols_summary (self->account);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->protocols_box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, summary,
                                  -1);
}

/* The address goes under the name, unless the name is the address already. */
static void
_update_labels (AccordAccountRow *self)
{
  const char *name = accord_account_get_display_name (self->account);
  const char *address = accord_account_get_address (self->account);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self),
                               g_strcmp0 (name, address) != 0 ? address : NULL);
}

static void
_set_account (AccordAccountRow *self,
              AccordAccount    *account)
{
  g_assert (self->account == NULL);

  self->account = g_object_ref (account);
  g_signal_connect_object (account, "notify::display-name",
                           G_CALLBACK (_update_labels), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (account, "notify::address",
                           G_CALLBACK (_update_labels), self, G_CONNECT_SWAPPED);
  _update_labels (self);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->what_syncs_button), "s",
                                    accord_account_get_id (account));
  g_signal_connect_object (account, "services-changed",
                           G_CALLBACK (_update_protocols), self, G_CONNECT_SWAPPED);
  _update_protocols (self);
}

static void
accord_account_row_dispose (GObject *object)
{
  AccordAccountRow *self = (AccordAccountRow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), ACCORD_TYPE_ACCOUNT_ROW);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (accord_account_row_parent_class)->dispose (object);
}

static void
accord_account_row_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AccordAccountRow *self = ACCORD_ACCOUNT_ROW (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
accord_account_row_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  AccordAccountRow *self = ACCORD_ACCOUNT_ROW (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      _set_account (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
accord_account_row_class_init (AccordAccountRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = accord_account_row_dispose;
  object_class->get_property = accord_account_row_get_property;
  object_class->set_property = accord_account_row_set_property;

  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL,
                         ACCORD_TYPE_ACCOUNT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/accordsync/Accord/accord-account-row.ui");
  gtk_widget_class_bind_template_child (widget_class, AccordAccountRow, protocols_box);
  gtk_widget_class_bind_template_child (widget_class, AccordAccountRow, what_syncs_button);
}

static void
accord_account_row_init (AccordAccountRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
accord_account_row_new (AccordAccount *account)
{
  g_return_val_if_fail (ACCORD_IS_ACCOUNT (account), NULL);

  return g_object_new (ACCORD_TYPE_ACCOUNT_ROW,
                       "account", account,
                       NULL);
}

/**
 * accord_account_row_get_account:
 *
 * Returns: (transfer none): the account the row shows
 */
AccordAccount *
accord_account_row_get_account (AccordAccountRow *self)
{
  g_return_val_if_fail (ACCORD_IS_ACCOUNT_ROW (self), NULL);

  return self->account;
}
