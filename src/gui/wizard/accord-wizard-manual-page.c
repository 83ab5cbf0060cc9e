/* accord-wizard-manual-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "accord-wizard-manual-page.h"

/**
 * AccordWizardManualPage:
 *
 * The setup assistant's manual path: hosts, ports, security and user names for mail
 * in and out, typed by the person. The assistant probes the servers and signs in with
 * the same checks as discovery before it saves (the `wizard.check-manual` action, the
 * assistant's Check and Add button). What went wrong shows at the top of the page.
 * The port follows the protocol and security until the person changes it.
 */
struct _AccordWizardManualPage
{
  GtkWidget      parent_instance;

  AdwEntryRow   *address_row;
  AdwEntryRow   *password_row;
  AdwComboRow   *in_protocol_row;
  AdwEntryRow   *in_host_row;
  AdwComboRow   *in_security_row;
  GtkSpinButton *in_port_button;
  AdwEntryRow   *in_username_row;
  AdwEntryRow   *out_host_row;
  AdwComboRow   *out_security_row;
  GtkSpinButton *out_port_button;
  AdwEntryRow   *out_username_row;
  AdwPreferencesPage *page;
  AdwPreferencesGroup *message_group;
  GtkLabel      *message_label;
  AdwPreferencesGroup *busy_group;
  GtkSpinner    *spinner;
};

G_DEFINE_FINAL_TYPE (AccordWizardManualPage, accord_wizard_manual_page, GTK_TYPE_WIDGET)

/* The security combo rows list these, in this order. */
static const AccordSecurity securities[] = {
  ACCORD_SECURITY_TLS, ACCORD_SECURITY_STARTTLS, ACCORD_SECURITY_NONE,
};

static AccordProtocol
_in_protocol (AccordWizardManualPage *self)
{
  return adw_combo_row_get_selected (self->in_protocol_row) == 1 ? ACCORD_PROTOCOL_POP3
                                                                  : ACCORD_PROTOCOL_IMAP;
}

static AccordSecurity
_security (AdwComboRow *row)
{
  guint selected = adw_combo_row_get_selected (row);

  return selected < G_N_ELEMENTS (securities) ? securities[selected] : ACCORD_SECURITY_TLS;
}

static void
on_in_changed_cb (AccordWizardManualPage *self)
{
  gtk_spin_button_set_value (self->in_port_button,
                             accord_protocol_get_default_port (_in_protocol (self),
                                                               _security (self->in_security_row)));
}

static void
on_out_changed_cb (AccordWizardManualPage *self)
{
  gtk_spin_button_set_value (self->out_port_button,
                             accord_protocol_get_default_port (ACCORD_PROTOCOL_SMTP,
                                                               _security (self->out_security_row)));
}

static void
_set_if_empty (AdwEntryRow *row,
               const char  *text)
{
  const char *current = gtk_editable_get_text (GTK_EDITABLE (row));

  if (current == NULL || *current == '\0')
    gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
accord_wizard_manual_page_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), ACCORD_TYPE_WIZARD_MANUAL_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (accord_wizard_manual_page_parent_class)->dispose (object);
}

static void
accord_wizard_manual_page_class_init (AccordWizardManualPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = accord_wizard_manual_page_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/accordsync/Accord/wizard/accord-wizard-manual-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AccordWizardManualPage, address_row);
  gtk_widget_class_bind_template_child (widget_class, AccordWizardManualPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, AccordWizardManualPage, in_protocol_row);
  gtk_widget_class_bind_template_child (widget_class, AccordWizardManualPage, in_host_row);
  gtk_widget_class_bind_template_child (widget_class, AccordWizardManualPage, in_security_row);
  gtk_widget_class_bind_template_child (widget_class, AccordWizardManualPage, in_port_button);
  gtk_widget_class_bind_template_child (widget_class, AccordWizardManualPage, in_username_row);
  gtk_widget_class_bind_template_child (widget_class, AccordWizardManualPage, out_host_row);
  gtk_widget_class_bind_template_child (widget_class, AccordWizardManualPage, out_security_row);
  gtk_widget_class_bind_template_child (widget_class, AccordWizardManualPage, out_port_button);
  gtk_widget_class_bind_template_child (widget_class, AccordWizardManualPage, out_username_row);
  gtk_widget_class_bind_template_child (widget_class, AccordWizardManualPage, page);
  gtk_widget_class_bind_template_child (widget_class, AccordWizardManualPage, message_group);
  gtk_widget_class_bind_template_child (widget_class, AccordWizardManualPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, AccordWizardManualPage, busy_group);
  gtk_widget_class_bind_template_child (widget_class, AccordWizardManualPage, spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_in_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_out_changed_cb);
}

static void
accord_wizard_manual_page_init (AccordWizardManualPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * accord_wizard_manual_page_prefill:
 * @address: what the person typed on the first page
 * @password: (nullable): likewise
 *
 * Fills in the address and password, and the usual names for what is still empty:
 * `imap.<domain>`, `smtp.<domain>` and the address as the user name.
 */
void
accord_wizard_manual_page_prefill (AccordWizardManualPage *self,
                                   const char             *address,
                                   const char             *password)
{
  const char *at;

  g_return_if_fail (ACCORD_IS_WIZARD_MANUAL_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->address_row), address ? address : "");
  if (password != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);

  at = address ? strrchr (address, '@') : NULL;
  if (at != NULL && at[1] != '\0')
    {
      g_autofree char *in_host = g_strconcat ("imap.", at + 1, NULL);
      g_autofree char *out_host = g_strconcat ("smtp.", at + 1, NULL);

      _set_if_empty (self->in_host_row, in_host);
      _set_if_empty (self->out_host_row, out_host);
      _set_if_empty (self->in_username_row, address);
      _set_if_empty (self->out_username_row, address);
    }

  gtk_widget_grab_focus (GTK_WIDGET (self->in_host_row));
}

const char *
accord_wizard_manual_page_get_address (AccordWizardManualPage *self)
{
  g_return_val_if_fail (ACCORD_IS_WIZARD_MANUAL_PAGE (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->address_row));
}

const char *
accord_wizard_manual_page_get_password (AccordWizardManualPage *self)
{
  const char *password;

  g_return_val_if_fail (ACCORD_IS_WIZARD_MANUAL_PAGE (self), NULL);

  password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  return password != NULL && *password != '\0' ? password : NULL;
}

static AccordCandidate *
_candidate (AccordServiceKind  service,
            AccordProtocol     protocol,
            AdwEntryRow       *host_row,
            GtkSpinButton     *port_button,
            AccordSecurity     security,
            AdwEntryRow       *username_row,
            GError           **error)
{
  g_autoptr(AccordCandidate) candidate = NULL;
  g_autofree char *host = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (host_row))));
  g_autofree char *ascii = NULL;
  const char *username = gtk_editable_get_text (GTK_EDITABLE (username_row));

  if (*host != '\0')
    ascii = g_hostname_to_ascii (host);
  if (ascii == NULL || strpbrk (ascii, " /:@") != NULL || strchr (ascii, '.') == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a server name, such as imap.example.com"), host);
      return NULL;
    }

  candidate = accord_candidate_new (service, protocol, ACCORD_SOURCE_LOCAL);
  candidate->host = g_ascii_strdown (ascii, -1);
  candidate->port = (guint16) gtk_spin_button_get_value_as_int (port_button);
  candidate->security = security;
  candidate->username = username != NULL && *username != '\0' ? g_strdup (username) : NULL;
  candidate->source_detail = g_strdup (_("typed in"));

  return g_steal_pointer (&candidate);
}

/**
 * accord_wizard_manual_page_get_candidates:
 *
 * Returns: (transfer full) (element-type AccordCandidate): the incoming and outgoing
 *   server as typed, or %NULL with @error set to a sentence about what is wrong
 */
GPtrArray *
accord_wizard_manual_page_get_candidates (AccordWizardManualPage  *self,
                                          GError                 **error)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_candidate_unref);
  AccordCandidate *candidate;

  g_return_val_if_fail (ACCORD_IS_WIZARD_MANUAL_PAGE (self), NULL);

  candidate = _candidate (ACCORD_SERVICE_MAIL_IN, _in_protocol (self), self->in_host_row,
                          self->in_port_button, _security (self->in_security_row),
                          self->in_username_row, error);
  if (candidate == NULL)
    return NULL;
  g_ptr_array_add (candidates, candidate);

  /* Outgoing mail is optional: an account may only read. */
  if (*gtk_editable_get_text (GTK_EDITABLE (self->out_host_row)) != '\0')
    {
      candidate = _candidate (ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP, self->out_host_row,
                              self->out_port_button, _security (self->out_security_row),
                              self->out_username_row, error);
      if (candidate == NULL)
        return NULL;
      g_ptr_array_add (candidates, candidate);
    }

  return g_steal_pointer (&candidates);
}

void
accord_wizard_manual_page_set_busy (AccordWizardManualPage *self,
                                    gboolean                busy)
{
  g_return_if_fail (ACCORD_IS_WIZARD_MANUAL_PAGE (self));

  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->busy_group), busy);
  if (busy)
    gtk_widget_set_visible (GTK_WIDGET (self->message_group), FALSE);
}

/**
 * accord_wizard_manual_page_set_message:
 * @message: (nullable): why the last check failed, or %NULL
 */
void
accord_wizard_manual_page_set_message (AccordWizardManualPage *self,
                                       const char             *message)
{
  GtkScrolledWindow *scrolled;

  g_return_if_fail (ACCORD_IS_WIZARD_MANUAL_PAGE (self));

  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_group), message != NULL);

  /* The message is at the top: show it. */
  scrolled = GTK_SCROLLED_WINDOW (gtk_widget_get_first_child (GTK_WIDGET (self->page)));
  if (message != NULL && GTK_IS_SCROLLED_WINDOW (scrolled))
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (scrolled), 0);
}
