/* accord-wizard-confirm-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "accord-wizard-confirm-page.h"

/**
 * AccordWizardConfirmPage:
 *
 * What the setup assistant will not decide for the person: a redirect that would send
 * the password to another domain, a certificate that failed verification, settings
 * that came over plain HTTP or from the company that handles the domain's mail. Each
 * shows the domain or host in large type, and a certificate its fingerprint. The
 * assistant's buttons accept all of them or go back; nothing is sent or saved before.
 */
struct _AccordWizardConfirmPage
{
  GtkWidget  parent_instance;

  GtkBox    *groups_box;
};

G_DEFINE_FINAL_TYPE (AccordWizardConfirmPage, accord_wizard_confirm_page, GTK_TYPE_WIDGET)

static void
accord_wizard_confirm_page_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (accord_wizard_confirm_page_parent_class)->dispose (object);
}

static void
accord_wizard_confirm_page_class_init (AccordWizardConfirmPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = accord_wizard_confirm_page_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
accord_wizard_confirm_page_init (AccordWizardConfirmPage *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);
  GtkWidget *title = gtk_label_new (_("Before You Go On"));
  GtkWidget *intro = gtk_label_new (_("Accord found your settings, but some of it needs your "
                                      "word. Nothing has been sent or saved yet."));

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 560);
  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  gtk_widget_add_css_class (title, "title-2");
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_label_set_justify (GTK_LABEL (intro), GTK_JUSTIFY_CENTER);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), intro);

  self->groups_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 24));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->groups_box));

  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_widget_set_parent (scrolled, GTK_WIDGET (self));
}

static const char *
_question_for (AccordConfirmationKind kind)
{
  switch (kind)
    {
    case ACCORD_CONFIRMATION_REDIRECT:
      return _("Send your password to another domain?");
    case ACCORD_CONFIRMATION_CERTIFICATE:
      return _("Trust a server whose identity could not be verified?");
    case ACCORD_CONFIRMATION_INSECURE:
      return _("Use settings that came over an unencrypted connection?");
    case ACCORD_CONFIRMATION_DNS_DERIVED:
    default:
      return _("Use the settings of the company that handles your mail?");
    }
}

static const char *
_advice_for (AccordConfirmationKind kind)
{
  switch (kind)
    {
    case ACCORD_CONFIRMATION_REDIRECT:
      return _("Your provider’s server pointed Accord to this domain. Go on only if you know "
               "that it runs your mail, for example a hosting company you use.");
    case ACCORD_CONFIRMATION_CERTIFICATE:
      return _("Someone could be pretending to be this server. Go on only if your provider "
               "tells you this fingerprint, or the server is your own.");
    case ACCORD_CONFIRMATION_INSECURE:
      return _("Anyone on the way could have changed them. Check the server names with your "
               "provider before you go on.");
    case ACCORD_CONFIRMATION_DNS_DERIVED:
    default:
      return _("Your domain’s mail is delivered to this company, so its settings are probably "
               "yours too. Go on if you use this company.");
    }
}

static GtkWidget *
_label (const char *text,
        const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

static GtkWidget *
_confirmation_group (AccordConfirmation *confirmation)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *subject = _label (confirmation->subject, "title-1");

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group),
                                   _question_for (confirmation->kind));
  gtk_label_set_selectable (GTK_LABEL (subject), TRUE);
  gtk_box_append (GTK_BOX (box), subject);
  gtk_box_append (GTK_BOX (box), _label (confirmation->detail, NULL));

  if (confirmation->fingerprint != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("SHA-256 fingerprint: %s"),
                                               confirmation->fingerprint);
      GtkWidget *fingerprint = _label (text, "monospace");

      gtk_label_set_selectable (GTK_LABEL (fingerprint), TRUE);
      gtk_box_append (GTK_BOX (box), fingerprint);
    }

  gtk_box_append (GTK_BOX (box), _label (_advice_for (confirmation->kind), "dim-label"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), box);

  return group;
}

/**
 * accord_wizard_confirm_page_set_confirmations:
 * @confirmations: (element-type AccordConfirmation): the questions, in order
 */
void
accord_wizard_confirm_page_set_confirmations (AccordWizardConfirmPage *self,
                                              GPtrArray               *confirmations)
{
  GtkWidget *child;

  g_return_if_fail (ACCORD_IS_WIZARD_CONFIRM_PAGE (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->groups_box))) != NULL)
    gtk_box_remove (self->groups_box, child);

  for (guint i = 0; i < confirmations->len; i++)
    gtk_box_append (self->groups_box, _confirmation_group (g_ptr_array_index (confirmations, i)));
}
