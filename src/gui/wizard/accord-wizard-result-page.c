/* accord-wizard-result-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "accord-comparison-view.h"
#include "accord-sync-summary.h"
#include "accord-wizard-result-page.h"

/**
 * AccordWizardResultPage:
 *
 * What the setup assistant decided: for each service the protocol, server and
 * security with the reason, and the alternatives in a combo row; choosing one
 * updates the comparison view below at once. Where signing in failed, what most
 * likely helps, with the provider's own help pages.
 */
struct _AccordWizardResultPage
{
  GtkWidget           parent_instance;

  AdwPreferencesPage *page;
  AdwPreferencesGroup *status_group;
  AdwPreferencesGroup *services_group;
  AdwPreferencesGroup *help_group;
  AdwPreferencesGroup *comparison_group;
  AccordComparisonView *comparison;

  GPtrArray          *rows;                       /* widgets to remove on the next set */
  GPtrArray          *options[ACCORD_N_SERVICES]; /* AccordCandidate: the choice, then the alternatives */
  AdwComboRow        *combos[ACCORD_N_SERVICES];
  AccordDecision     *decision;
  gboolean            password_refused;
};

G_DEFINE_FINAL_TYPE (AccordWizardResultPage, accord_wizard_result_page, GTK_TYPE_WIDGET)

enum {
  CHOICE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
_security_words (AccordSecurity security)
{
  switch (security)
    {
    case ACCORD_SECURITY_TLS:
      return _("encrypted");
    case ACCORD_SECURITY_STARTTLS:
      return _("encrypted (STARTTLS)");
    case ACCORD_SECURITY_NONE:
    default:
      return _("not encrypted");
    }
}

/* "IMAP · imap.example.com, encrypted" */
static char *
_describe (const AccordCandidate *candidate)
{
  const char *label = accord_protocol_get_label (candidate->protocol);
  g_autoptr(GUri) uri = NULL;
  const char *host = candidate->host;

  if (host == NULL && candidate->url != NULL)
    {
      uri = g_uri_parse (candidate->url, G_URI_FLAGS_NONE, NULL);
      host = uri != NULL ? g_uri_get_host (uri) : candidate->url;
    }

  /* Translators: protocol · server, security; e.g. "IMAP · imap.example.com, encrypted" */
  return g_strdup_printf (_("%s · %s, %s"), label, host ? host : "",
                          _security_words (candidate->security));
}

static void
_update_subtitle (AccordWizardResultPage *self,
                  AccordServiceKind       service)
{
  guint selected = adw_combo_row_get_selected (self->combos[service]);
  g_autofree char *where = NULL;
  g_autofree char *subtitle = NULL;
  AccordCandidate *candidate;
  const char *text;

  if (selected == GTK_INVALID_LIST_POSITION || selected >= self->options[service]->len)
    return;

  candidate = g_ptr_array_index (self->options[service], selected);
  if (selected == 0)
    text = accord_decision_get_reason (self->decision, service);
  else
    text = accord_protocol_matrix_get_summary (accord_protocol_matrix_get_default (),
                                               candidate->protocol);
  where = _describe (candidate);
  subtitle = g_strdup_printf ("%s\n%s", where, text ? text : "");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->combos[service]), subtitle);

  accord_comparison_view_set_choice (self->comparison, service, candidate->protocol);
}

/* The row shows the protocol; its list, the protocol with server and security. */
static void
_setup_item_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  wrap)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (GPOINTER_TO_INT (wrap))
    {
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
    }
  gtk_list_item_set_child (item, label);
}

static void
_bind_item_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  full)
{
  const char *text = gtk_string_object_get_string (gtk_list_item_get_item (item));
  const char *separator = strstr (text, " · ");
  g_autofree char *protocol = NULL;

  if (!GPOINTER_TO_INT (full) && separator != NULL)
    protocol = g_strndup (text, separator - text);
  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), protocol ? protocol : text);
}

static GtkListItemFactory *
_new_factory (gboolean full)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (_setup_item_cb), GINT_TO_POINTER (full));
  g_signal_connect (factory, "bind", G_CALLBACK (_bind_item_cb), GINT_TO_POINTER (full));
  return factory;
}

static void
on_selected_cb (AdwComboRow            *combo,
                GParamSpec             *pspec,
                AccordWizardResultPage *self)
{
  for (AccordServiceKind s = 0; s < ACCORD_N_SERVICES; s++)
    if (self->combos[s] == combo)
      {
        _update_subtitle (self, s);
        g_signal_emit (self, signals[CHOICE_CHANGED], 0, s);
      }
}

static void
_clear (AccordWizardResultPage *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      if (group != NULL)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->rows, 0);

  for (guint s = 0; s < ACCORD_N_SERVICES; s++)
    {
      g_ptr_array_set_size (self->options[s], 0);
      self->combos[s] = NULL;
    }

  g_clear_object (&self->decision);
  self->password_refused = FALSE;
}

static void
_add_row (AccordWizardResultPage *self,
          AdwPreferencesGroup    *group,
          GtkWidget              *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);
}

static void
_open_link_cb (AdwActionRow *row,
               gpointer      user_data)
{
  const char *url = g_object_get_data (G_OBJECT (row), "url");

  gtk_show_uri (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (row))), url, GDK_CURRENT_TIME);
}

static void
_add_link (AccordWizardResultPage *self,
           const char             *title,
           const char             *url)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), url);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("adw-external-link-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "url", g_strdup (url), g_free);
  g_signal_connect (row, "activated", G_CALLBACK (_open_link_cb), NULL);
  _add_row (self, self->help_group, row);
}

/* The provider's help pages and the steps it asks for, and a hint when the password
 * was refused. */
static void
_show_help (AccordWizardResultPage *self,
            AccordDiscovery        *discovery)
{
  AccordAutoconfig *provider = accord_discovery_get_provider (discovery);
  GPtrArray *enable = provider ? accord_autoconfig_get_enable_steps (provider) : NULL;
  GPtrArray *docs = provider ? accord_autoconfig_get_documentation (provider) : NULL;
  gboolean any = FALSE;

  if (enable != NULL)
    for (guint i = 0; i < enable->len; i++)
      {
        AccordAutoconfigLink *link = g_ptr_array_index (enable, i);

        _add_link (self, link->text ? link->text : _("Turn on access for mail apps first"),
                   link->url);
        any = TRUE;
      }

  if (docs != NULL)
    for (guint i = 0; i < docs->len; i++)
      {
        AccordAutoconfigLink *link = g_ptr_array_index (docs, i);

        _add_link (self, link->text ? link->text : _("Your provider’s help"), link->url);
        any = TRUE;
      }

  if (any)
    adw_preferences_group_set_description (self->help_group,
                                           enable != NULL && enable->len > 0
                                           ? _("Your provider asks you to do this in its web "
                                               "settings before a mail app can connect.")
                                           : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->help_group), any);
}

static void
_show_sign_in (AccordWizardResultPage *self,
               AccordDiscovery        *discovery)
{
  AccordVerification *verification = accord_discovery_get_verification (discovery);
  AccordAutoconfig *provider = accord_discovery_get_provider (discovery);
  GPtrArray *enable = provider ? accord_autoconfig_get_enable_steps (provider) : NULL;
  GtkWidget *row;
  const char *message = NULL;
  const char *hint;
  AccordProbeLogin login;

  gtk_widget_set_visible (GTK_WIDGET (self->status_group), FALSE);
  if (verification == NULL || !accord_discovery_get_has_password (discovery))
    return;

  login = accord_verification_get_login (verification, ACCORD_SERVICE_MAIL_IN, &message);
  if (login != ACCORD_PROBE_LOGIN_AUTH_FAILED && login != ACCORD_PROBE_LOGIN_FAILED)
    return;

  self->password_refused = login == ACCORD_PROBE_LOGIN_AUTH_FAILED;
  if (enable != NULL && enable->len > 0)
    hint = _("Most likely, access for mail apps is still turned off: turn it on with the "
             "steps below, then go back and try again.");
  else if (self->password_refused)
    hint = _("Check the password. If your account uses two-step verification, your provider "
             "probably wants an app password for Accord instead: see its help below.");
  else
    hint = _("The server did not let Accord sign in. Go back to try again, or set the "
             "account up manually.");

  adw_preferences_group_set_title (self->status_group,
                                   self->password_refused ? _("The Password Was Refused")
                                                          : _("Could Not Sign In"));
  adw_preferences_group_set_description (self->status_group, hint);
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("What the server said"));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), message ? message : "");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("dialog-warning-symbolic"));
  _add_row (self, self->status_group, row);
  gtk_widget_set_visible (GTK_WIDGET (self->status_group), TRUE);
}

static void
_show_service (AccordWizardResultPage *self,
               AccordServiceKind       service)
{
  AccordCandidate *choice = accord_decision_get_choice (self->decision, service);
  GPtrArray *alternatives = accord_decision_get_alternatives (self->decision, service);
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  g_autoptr(GtkListItemFactory) shown = _new_factory (FALSE);
  g_autoptr(GtkListItemFactory) listed = _new_factory (TRUE);
  GtkWidget *row;

  if (choice == NULL)
    {
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), accord_sync_summary_get_service_title (service));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   service >= ACCORD_SERVICE_CONTACTS
                                   ? _("Your provider offers no server for this: it stays "
                                       "on this computer.")
                                   : _("No server was found for this."));
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      _add_row (self, self->services_group, row);
      if (service >= ACCORD_SERVICE_CONTACTS)
        accord_comparison_view_set_choice (self->comparison, service, ACCORD_PROTOCOL_LOCAL);
      else
        accord_comparison_view_unset_choice (self->comparison, service);
      return;
    }

  g_ptr_array_add (self->options[service], accord_candidate_ref (choice));
  g_ptr_array_extend (self->options[service], alternatives, (GCopyFunc) accord_candidate_ref, NULL);
  for (guint i = 0; i < self->options[service]->len; i++)
    {
      g_autofree char *text = _describe (g_ptr_array_index (self->options[service], i));

      gtk_string_list_append (model, text);
    }

  row = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), accord_sync_summary_get_service_title (service));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  adw_combo_row_set_factory (ADW_COMBO_ROW (row), shown);
  adw_combo_row_set_list_factory (ADW_COMBO_ROW (row), listed);
  self->combos[service] = ADW_COMBO_ROW (row);
  _add_row (self, self->services_group, row);
  _update_subtitle (self, service);
  g_signal_connect (row, "notify::selected", G_CALLBACK (on_selected_cb), self);
}

/* The comparison shows the protocols this account could use, and no others. */
static void
_show_protocols (AccordWizardResultPage *self)
{
  g_autoptr(GArray) protocols = g_array_new (FALSE, FALSE, sizeof (AccordProtocol));

  for (guint s = 0; s < ACCORD_N_SERVICES; s++)
    for (guint i = 0; i < self->options[s]->len; i++)
      {
        AccordProtocol protocol = ((AccordCandidate *) g_ptr_array_index (self->options[s], i))->protocol;
        gboolean seen = FALSE;

        for (guint j = 0; j < protocols->len; j++)
          seen |= g_array_index (protocols, AccordProtocol, j) == protocol;
        if (!seen)
          g_array_append_val (protocols, protocol);
      }

  accord_comparison_view_set_protocols (self->comparison, (AccordProtocol *) protocols->data,
                                        protocols->len);
}

static void
accord_wizard_result_page_dispose (GObject *object)
{
  AccordWizardResultPage *self = ACCORD_WIZARD_RESULT_PAGE (object);
  GtkWidget *child;

  g_clear_object (&self->decision);
  gtk_widget_dispose_template (GTK_WIDGET (object), ACCORD_TYPE_WIZARD_RESULT_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (accord_wizard_result_page_parent_class)->dispose (object);
}

static void
accord_wizard_result_page_finalize (GObject *object)
{
  AccordWizardResultPage *self = ACCORD_WIZARD_RESULT_PAGE (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  for (guint s = 0; s < ACCORD_N_SERVICES; s++)
    g_clear_pointer (&self->options[s], g_ptr_array_unref);

  G_OBJECT_CLASS (accord_wizard_result_page_parent_class)->finalize (object);
}

static void
accord_wizard_result_page_class_init (AccordWizardResultPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = accord_wizard_result_page_dispose;
  object_class->finalize = accord_wizard_result_page_finalize;

  /**
   * AccordWizardResultPage::choice-changed:
   * @service: the service whose choice the person changed
   */
  signals[CHOICE_CHANGED] =
    g_signal_new ("choice-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/accordsync/Accord/wizard/accord-wizard-result-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AccordWizardResultPage, page);
  gtk_widget_class_bind_template_child (widget_class, AccordWizardResultPage, status_group);
  gtk_widget_class_bind_template_child (widget_class, AccordWizardResultPage, services_group);
  gtk_widget_class_bind_template_child (widget_class, AccordWizardResultPage, help_group);
  gtk_widget_class_bind_template_child (widget_class, AccordWizardResultPage, comparison_group);
}

static void
accord_wizard_result_page_init (AccordWizardResultPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new ();
  for (guint s = 0; s < ACCORD_N_SERVICES; s++)
    self->options[s] = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_candidate_unref);

  self->comparison = ACCORD_COMPARISON_VIEW (accord_comparison_view_new ());
  adw_preferences_group_add (self->comparison_group, GTK_WIDGET (self->comparison));
}

/**
 * accord_wizard_result_page_set_discovery:
 * @discovery: a finished discovery
 */
void
accord_wizard_result_page_set_discovery (AccordWizardResultPage *self,
                                         AccordDiscovery        *discovery)
{
  g_return_if_fail (ACCORD_IS_WIZARD_RESULT_PAGE (self));
  g_return_if_fail (ACCORD_IS_DISCOVERY (discovery));

  _clear (self);
  self->decision = g_object_ref (accord_discovery_get_decision (discovery));

  _show_sign_in (self, discovery);
  for (AccordServiceKind s = 0; s < ACCORD_N_SERVICES; s++)
    _show_service (self, s);
  _show_help (self, discovery);
  _show_protocols (self);

  /* Back at the top: a new result starts with its first line. */
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (
                              GTK_SCROLLED_WINDOW (gtk_widget_get_first_child (GTK_WIDGET (self->page)))),
                            0);
}

/**
 * accord_wizard_result_page_get_choice:
 *
 * Returns: (transfer none) (nullable): what the person chose for @service, or %NULL
 *   when nothing was found for it
 */
AccordCandidate *
accord_wizard_result_page_get_choice (AccordWizardResultPage *self,
                                      AccordServiceKind       service)
{
  guint selected;

  g_return_val_if_fail (ACCORD_IS_WIZARD_RESULT_PAGE (self), NULL);
  g_return_val_if_fail (service < ACCORD_N_SERVICES, NULL);

  if (self->combos[service] == NULL)
    return NULL;

  selected = adw_combo_row_get_selected (self->combos[service]);
  if (selected >= self->options[service]->len)
    return NULL;

  return g_ptr_array_index (self->options[service], selected);
}

/**
 * accord_wizard_result_page_select:
 *
 * Chooses the first option of @service that uses @protocol, as the person would.
 *
 * Returns: whether there was one
 */
gboolean
accord_wizard_result_page_select (AccordWizardResultPage *self,
                                  AccordServiceKind       service,
                                  AccordProtocol          protocol)
{
  g_return_val_if_fail (ACCORD_IS_WIZARD_RESULT_PAGE (self), FALSE);

  if (self->combos[service] == NULL)
    return FALSE;

  for (guint i = 0; i < self->options[service]->len; i++)
    if (((AccordCandidate *) g_ptr_array_index (self->options[service], i))->protocol == protocol)
      {
        adw_combo_row_set_selected (self->combos[service], i);
        return TRUE;
      }

  return FALSE;
}

gboolean
accord_wizard_result_page_get_password_refused (AccordWizardResultPage *self)
{
  g_return_val_if_fail (ACCORD_IS_WIZARD_RESULT_PAGE (self), FALSE);

  return self->password_refused;
}

/**
 * accord_wizard_result_page_get_comparison:
 *
 * Returns: (transfer none): the comparison view under the choices
 */
GtkWidget *
accord_wizard_result_page_get_comparison (AccordWizardResultPage *self)
{
  g_return_val_if_fail (ACCORD_IS_WIZARD_RESULT_PAGE (self), NULL);

  return GTK_WIDGET (self->comparison);
}
