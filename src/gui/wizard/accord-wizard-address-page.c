/* accord-wizard-address-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "accord-wizard-address-page.h"

/**
 * AccordWizardAddressPage:
 *
 * The first page of the setup assistant: the address and the password. Its Next
 * button (the `wizard.next` action) is enabled by the assistant once the address is
 * one; Enter in the address moves to the password, Enter in the password goes on.
 */
struct _AccordWizardAddressPage
{
  GtkWidget    parent_instance;

  AdwEntryRow *address_row;
  AdwEntryRow *password_row;
  GtkLabel    *message_label;
  GtkButton   *next_button;
};

G_DEFINE_FINAL_TYPE (AccordWizardAddressPage, accord_wizard_address_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_COMPLETE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* An address Accord can look up: something@domain.tld, with no spaces. */
static gboolean
_is_address (const char *text)
{
  const char *at = strrchr (text, '@');

  return at != NULL && at != text && at[1] != '\0' && strchr (at + 1, '.') != NULL &&
         at[strlen (at) - 1] != '.' && strpbrk (text, " \t\r\n<>,;") == NULL;
}

static void
on_changed_cb (AccordWizardAddressPage *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
}

static void
on_address_activated_cb (AccordWizardAddressPage *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

static void
on_password_activated_cb (AccordWizardAddressPage *self)
{
  if (accord_wizard_address_page_is_complete (self))
    gtk_widget_activate (GTK_WIDGET (self->next_button));
}

static void
accord_wizard_address_page_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), ACCORD_TYPE_WIZARD_ADDRESS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (accord_wizard_address_page_parent_class)->dispose (object);
}

static void
accord_wizard_address_page_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  AccordWizardAddressPage *self = ACCORD_WIZARD_ADDRESS_PAGE (object);

  switch (prop_id)
    {
    case PROP_COMPLETE:
      g_value_set_boolean (value, accord_wizard_address_page_is_complete (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
accord_wizard_address_page_class_init (AccordWizardAddressPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = accord_wizard_address_page_dispose;
  object_class->get_property = accord_wizard_address_page_get_property;

  /* Whether the address is one: the assistant enables Next from it. */
  properties[PROP_COMPLETE] =
    g_param_spec_boolean ("complete", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/accordsync/Accord/wizard/accord-wizard-address-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AccordWizardAddressPage, address_row);
  gtk_widget_class_bind_template_child (widget_class, AccordWizardAddressPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, AccordWizardAddressPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, AccordWizardAddressPage, next_button);
  gtk_widget_class_bind_template_callback (widget_class, on_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_address_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_password_activated_cb);
}

static void
accord_wizard_address_page_init (AccordWizardAddressPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

const char *
accord_wizard_address_page_get_address (AccordWizardAddressPage *self)
{
  g_return_val_if_fail (ACCORD_IS_WIZARD_ADDRESS_PAGE (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->address_row));
}

/**
 * accord_wizard_address_page_get_password:
 *
 * Returns: (nullable): the password, or %NULL when none was typed
 */
const char *
accord_wizard_address_page_get_password (AccordWizardAddressPage *self)
{
  const char *password;

  g_return_val_if_fail (ACCORD_IS_WIZARD_ADDRESS_PAGE (self), NULL);

  password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  return password != NULL && *password != '\0' ? password : NULL;
}

gboolean
accord_wizard_address_page_is_complete (AccordWizardAddressPage *self)
{
  g_return_val_if_fail (ACCORD_IS_WIZARD_ADDRESS_PAGE (self), FALSE);

  return _is_address (accord_wizard_address_page_get_address (self));
}

/**
 * accord_wizard_address_page_set_message:
 * @message: (nullable): a sentence to show under the fields, such as why the last
 *   attempt failed, or %NULL to hide it
 */
void
accord_wizard_address_page_set_message (AccordWizardAddressPage *self,
                                        const char              *message)
{
  g_return_if_fail (ACCORD_IS_WIZARD_ADDRESS_PAGE (self));

  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

void
accord_wizard_address_page_focus (AccordWizardAddressPage *self)
{
  g_return_if_fail (ACCORD_IS_WIZARD_ADDRESS_PAGE (self));

  if (accord_wizard_address_page_is_complete (self))
    gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->address_row));
}
