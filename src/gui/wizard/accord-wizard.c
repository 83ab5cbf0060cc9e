/* accord-wizard.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "accord-lookup-row.h"
#include "accord-wizard.h"
#include "accord-wizard-address-page.h"
#include "accord-wizard-confirm-page.h"
#include "accord-wizard-manual-page.h"
#include "accord-wizard-result-page.h"

/**
 * AccordWizard:
 *
 * The setup assistant: from an address and a password to a saved account.
 *
 * 1. address: the address and password;
 * 2. progress: every lookup of the discovery as a row with its live state, then the
 *    check of the servers found; Cancel or Back stops it at any moment;
 * 3. confirm: what the person must agree to (another domain, an untrusted certificate,
 *    settings from plain HTTP or from the mail exchanger's company); agreeing to a
 *    redirect or a certificate runs the discovery again with that permission;
 * 4. result: per service the choice with its reason and the alternatives, the
 *    comparison of what syncs, and the provider's help; Add Account saves the account
 *    to the store and the password to the keyring.
 *
 * The manual page edits servers by hand and goes through the same checks.
 */
struct _AccordWizard
{
  AdwWindow                parent_instance;

  AccordAccountStore      *store;
  AccordSecrets           *secrets;
  GCancellable            *cancellable;

  AccordDiscovery         *discovery;
  AccordVerification      *manual_verification;
  GPtrArray               *allowed_domains;  /* char*, agreed redirects */
  GHashTable              *pins;             /* host → accepted certificate fingerprint */
  GPtrArray               *accepted;         /* AccordConfirmation, agreed to */
  GPtrArray               *pending;          /* AccordConfirmation, being asked */
  gboolean                 confirming_manual;
  char                    *address;
  char                    *password;

  AdwToastOverlay         *toast_overlay;
  AdwWindowTitle          *window_title;
  GtkButton               *cancel_button;
  GtkButton               *back_button;
  GtkButton               *forward_button;
  GtkStack                *stack;
  AccordWizardAddressPage *address_page;
  GtkLabel                *progress_title;
  GtkListBox              *lookup_list;
  AccordWizardConfirmPage *confirm_page;
  AccordWizardResultPage  *result_page;
  AccordWizardManualPage  *manual_page;
  AccordLookupRow         *verify_row;
};

G_DEFINE_FINAL_TYPE (AccordWizard, accord_wizard, ADW_TYPE_WINDOW)

enum {
  ACCOUNT_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
_set_secret (char       **slot,
             const char  *value)
{
  if (*slot != NULL)
    memset (*slot, 0, strlen (*slot));
  g_free (*slot);
  *slot = g_strdup (value);
}

/* Shows @page with the header bar's buttons it needs. */
static void
_show_page (AccordWizard *self,
            const char   *page)
{
  gboolean first = g_str_equal (page, "address");
  gboolean working = g_str_equal (page, "progress");
  const char *forward = NULL;
  const char *action = NULL;

  gtk_stack_set_visible_child_name (self->stack, page);
  /* While Accord works, Cancel says what the button does: stop, and go back. */
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), !first && !working);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), first || working);

  if (g_str_equal (page, "confirm"))
    {
      forward = _("_Trust and Continue");
      action = "wizard.accept";
    }
  else if (g_str_equal (page, "result"))
    {
      forward = _("_Add Account");
      action = "wizard.save";
    }
  else if (g_str_equal (page, "manual"))
    {
      forward = _("_Check and Add");
      action = "wizard.check-manual";
    }

  gtk_widget_set_visible (GTK_WIDGET (self->forward_button), forward != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->forward_button), TRUE);
  if (forward != NULL)
    {
      gtk_button_set_label (self->forward_button, forward);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->forward_button), action);
      gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->forward_button));
      gtk_widget_grab_focus (GTK_WIDGET (self->forward_button));
    }
  else
    gtk_window_set_default_widget (GTK_WINDOW (self), NULL);

  if (first)
    accord_wizard_address_page_focus (self->address_page);

  adw_window_title_set_subtitle (self->window_title,
                                 first || self->address == NULL ? NULL : self->address);
}

static void
_stop (AccordWizard *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

static void
_toast (AccordWizard *self,
        const char   *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

/* Discovery */

static void
on_lookup_added_cb (AccordWizard    *self,
                    AccordLookup    *lookup,
                    AccordDiscovery *discovery)
{
  gtk_list_box_append (self->lookup_list, accord_lookup_row_new (lookup));
}

static void
on_verifying_cb (AccordWizard    *self,
                 AccordDiscovery *discovery)
{
  self->verify_row = ACCORD_LOOKUP_ROW (accord_lookup_row_new_step (
    _("Checking the servers found"),
    self->password != NULL ? _("Connecting securely, and signing in once") : _("Connecting securely")));
  gtk_list_box_append (self->lookup_list, GTK_WIDGET (self->verify_row));
}

static gboolean
_was_accepted (AccordWizard       *self,
               AccordConfirmation *confirmation)
{
  for (guint i = 0; i < self->accepted->len; i++)
    if (accord_confirmation_equal (g_ptr_array_index (self->accepted, i), confirmation))
      return TRUE;

  return FALSE;
}

static void
_ask (AccordWizard *self,
      GPtrArray    *confirmations)
{
  g_ptr_array_set_size (self->pending, 0);
  for (guint i = 0; i < confirmations->len; i++)
    {
      AccordConfirmation *confirmation = g_ptr_array_index (confirmations, i);

      if (!_was_accepted (self, confirmation))
        g_ptr_array_add (self->pending, accord_confirmation_ref (confirmation));
    }
}

static void
_discovered_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  AccordDiscovery *discovery = ACCORD_DISCOVERY (object);
  g_autoptr(AccordWizard) self = user_data;
  g_autoptr(GError) error = NULL;
  AccordDecision *decision;

  if (!accord_discovery_run_finish (discovery, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          accord_wizard_address_page_set_message (self->address_page, error->message);
          _show_page (self, "address");
        }
      return;
    }

  if (discovery != self->discovery)
    return;

  if (self->verify_row != NULL)
    accord_lookup_row_set_done (self->verify_row, TRUE, _("Done"));

  decision = accord_discovery_get_decision (discovery);
  if (accord_decision_get_choice (decision, ACCORD_SERVICE_MAIL_IN) == NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("Accord could not find the settings for %s. Check the address for "
                           "typing mistakes, or set the account up manually with the settings "
                           "from your provider."),
                         accord_discovery_get_domain (discovery));

      accord_wizard_address_page_set_message (self->address_page, message);
      _show_page (self, "address");
      return;
    }

  _ask (self, accord_discovery_get_confirmations (discovery));
  if (self->pending->len > 0)
    {
      self->confirming_manual = FALSE;
      accord_wizard_confirm_page_set_confirmations (self->confirm_page, self->pending);
      _show_page (self, "confirm");
      return;
    }

  accord_wizard_result_page_set_discovery (self->result_page, discovery);
  _show_page (self, "result");
  gtk_widget_set_sensitive (GTK_WIDGET (self->forward_button),
                            !accord_wizard_result_page_get_password_refused (self->result_page));
}

static void
_start_discovery (AccordWizard *self)
{
  GHashTableIter iter;
  const char *host, *fingerprint;
  GtkWidget *child;
  g_autofree char *title = NULL;

  _stop (self);
  g_clear_object (&self->discovery);
  self->verify_row = NULL;

  self->discovery = accord_discovery_new (self->address);
  if (self->discovery == NULL)
    {
      accord_wizard_address_page_set_message (self->address_page,
                                              _("This is not an email address Accord can look "
                                                "up. Check it for typing mistakes."));
      _show_page (self, "address");
      return;
    }

  accord_discovery_use_configured_sources (self->discovery);
  accord_discovery_set_password (self->discovery, self->password);
  g_ptr_array_add (self->allowed_domains, NULL);
  accord_discovery_set_allowed_domains (self->discovery,
                                        (const char * const *) self->allowed_domains->pdata);
  g_ptr_array_remove_index (self->allowed_domains, self->allowed_domains->len - 1);
  g_hash_table_iter_init (&iter, self->pins);
  while (g_hash_table_iter_next (&iter, (gpointer *) &host, (gpointer *) &fingerprint))
    accord_discovery_set_pinned_certificate (self->discovery, host, fingerprint);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->lookup_list))) != NULL)
    gtk_list_box_remove (self->lookup_list, child);

  /* Translators: %s is an email address */
  title = g_strdup_printf (_("Looking for the settings of %s"), self->address);
  gtk_label_set_label (self->progress_title, title);

  g_signal_connect_object (self->discovery, "lookup-added",
                           G_CALLBACK (on_lookup_added_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->discovery, "verifying",
                           G_CALLBACK (on_verifying_cb), self, G_CONNECT_SWAPPED);

  _show_page (self, "progress");
  accord_discovery_run_async (self->discovery, self->cancellable, _discovered_cb,
                              g_object_ref (self));
}

static void
accord_wizard_next (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AccordWizard *self = ACCORD_WIZARD (widget);

  if (!accord_wizard_address_page_is_complete (self->address_page))
    return;

  /* A new address starts over: nothing agreed for another one carries over. */
  if (g_strcmp0 (self->address, accord_wizard_address_page_get_address (self->address_page)) != 0)
    {
      g_ptr_array_set_size (self->allowed_domains, 0);
      g_hash_table_remove_all (self->pins);
      g_ptr_array_set_size (self->accepted, 0);
    }

  g_free (self->address);
  self->address = g_strstrip (g_strdup (accord_wizard_address_page_get_address (self->address_page)));
  _set_secret (&self->password, accord_wizard_address_page_get_password (self->address_page));
  accord_wizard_address_page_set_message (self->address_page, NULL);
  _start_discovery (self);
}

/* Confirmations */

static void _check_manual (AccordWizard *self);

static void
accord_wizard_accept (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  AccordWizard *self = ACCORD_WIZARD (widget);
  gboolean ask_again = FALSE;

  for (guint i = 0; i < self->pending->len; i++)
    {
      AccordConfirmation *confirmation = g_ptr_array_index (self->pending, i);

      g_ptr_array_add (self->accepted, accord_confirmation_ref (confirmation));
      if (confirmation->kind == ACCORD_CONFIRMATION_REDIRECT)
        {
          g_ptr_array_add (self->allowed_domains, g_strdup (confirmation->subject));
          ask_again = TRUE;
        }
      else if (confirmation->kind == ACCORD_CONFIRMATION_CERTIFICATE &&
               confirmation->fingerprint != NULL)
        {
          g_hash_table_replace (self->pins, g_ascii_strdown (confirmation->subject, -1),
                                g_strdup (confirmation->fingerprint));
          ask_again = TRUE;
        }
    }
  g_ptr_array_set_size (self->pending, 0);

  if (self->confirming_manual)
    {
      _check_manual (self);
      return;
    }

  /* A redirect or a certificate changes what can be asked and signed in to. */
  if (ask_again)
    {
      _start_discovery (self);
      return;
    }

  accord_wizard_result_page_set_discovery (self->result_page, self->discovery);
  _show_page (self, "result");
}

/* Saving */

static AccordAccount *
_new_account (AccordWizard     *self,
              AccordCandidate **choices,
              const char       *provider_name)
{
  g_autofree char *id = accord_account_store_generate_id (self->store, self->address);
  AccordAccount *account = accord_account_new (id, self->address);

  if (provider_name != NULL)
    accord_account_set_provider_name (account, provider_name);

  for (AccordServiceKind s = 0; s < ACCORD_N_SERVICES; s++)
    {
      g_autoptr(AccordServiceConfig) config = NULL;
      g_autofree char *host = NULL;

      if (choices[s] == NULL)
        continue;

      config = accord_candidate_to_service_config (choices[s], self->address);
      if (config->host != NULL)
        {
          host = g_ascii_strdown (config->host, -1);
          config->pinned_certificate = g_strdup (g_hash_table_lookup (self->pins, host));
        }
      accord_account_set_service (account, s, config);
    }

  return account;
}

static void
_saved_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(AccordAccount) account = user_data;
  AccordWizard *self = g_object_get_data (G_OBJECT (account), "wizard");
  g_autoptr(GError) error = NULL;

  if (!accord_account_save_finish (ACCORD_ACCOUNT_STORE (object), result, &error))
    {
      if (self != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text = g_strdup_printf (_("The account could not be saved: %s"),
                                                   error->message);

          _toast (self, text);
          gtk_widget_set_sensitive (GTK_WIDGET (self->forward_button), TRUE);
          accord_wizard_manual_page_set_busy (self->manual_page, FALSE);
        }
      g_clear_object (&self);
      return;
    }

  if (self != NULL)
    {
      g_signal_emit (self, signals[ACCOUNT_ADDED], 0, account);
      gtk_window_destroy (GTK_WINDOW (self));
      g_object_unref (self);
    }
}

static void
_save (AccordWizard  *self,
       AccordAccount *account)
{
  /* The wizard stays alive until the save is over, so its result is shown. */
  g_object_set_data (G_OBJECT (account), "wizard", g_object_ref (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->forward_button), FALSE);
  accord_account_save_async (self->store, self->secrets, account, self->password,
                             self->cancellable, _saved_cb, account);
}

static void
accord_wizard_save (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AccordWizard *self = ACCORD_WIZARD (widget);
  AccordAutoconfig *provider = accord_discovery_get_provider (self->discovery);
  AccordCandidate *choices[ACCORD_N_SERVICES];

  for (AccordServiceKind s = 0; s < ACCORD_N_SERVICES; s++)
    choices[s] = accord_wizard_result_page_get_choice (self->result_page, s);

  _save (self, _new_account (self, choices,
                             provider ? accord_autoconfig_get_display_name (provider) : NULL));
}

/* The manual path */

static void
accord_wizard_manual (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  AccordWizard *self = ACCORD_WIZARD (widget);

  _stop (self);
  _show_page (self, "manual");
  accord_wizard_manual_page_prefill (self->manual_page,
                                     accord_wizard_address_page_get_address (self->address_page),
                                     accord_wizard_address_page_get_password (self->address_page));
  accord_wizard_manual_page_set_message (self->manual_page, NULL);
}

static char *
_manual_problem (AccordWizard *self)
{
  AccordVerification *verification = self->manual_verification;

  for (guint i = 0; i < accord_verification_get_n_checks (verification); i++)
    {
      const AccordCheck *check = accord_verification_get_check (verification, i);

      if (check->error != NULL &&
          !g_error_matches (check->error, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_CERTIFICATE))
        /* Translators: the first %s is a server, the second what went wrong */
        return g_strdup_printf (_("Accord could not use %s: %s"), check->candidate->host,
                                check->error->message);
    }

  for (AccordServiceKind s = ACCORD_SERVICE_MAIL_IN; s <= ACCORD_SERVICE_MAIL_OUT; s++)
    {
      const char *message = NULL;
      AccordProbeLogin login = accord_verification_get_login (verification, s, &message);

      if (login == ACCORD_PROBE_LOGIN_AUTH_FAILED)
        return g_strdup_printf (_("The server refused the user name or password (it said: "
                                  "“%s”). Check them, or ask your provider whether you need "
                                  "an app password."),
                                message ? message : "");
      if (login == ACCORD_PROBE_LOGIN_FAILED)
        return g_strdup_printf (_("Signing in failed: %s"), message ? message : "");
    }

  return NULL;
}

static void
_manual_checked_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  AccordVerification *verification = ACCORD_VERIFICATION (object);
  g_autoptr(AccordWizard) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;
  AccordCandidate *choices[ACCORD_N_SERVICES] = { NULL, };
  AccordDecision *decision;

  if (!accord_verification_run_finish (verification, result, &error) ||
      verification != self->manual_verification)
    return;

  accord_wizard_manual_page_set_busy (self->manual_page, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->forward_button), TRUE);

  _ask (self, accord_verification_get_confirmations (verification));
  if (self->pending->len > 0)
    {
      self->confirming_manual = TRUE;
      accord_wizard_confirm_page_set_confirmations (self->confirm_page, self->pending);
      _show_page (self, "confirm");
      return;
    }

  problem = _manual_problem (self);
  if (problem != NULL)
    {
      accord_wizard_manual_page_set_message (self->manual_page, problem);
      return;
    }

  decision = accord_verification_get_decision (verification);
  for (AccordServiceKind s = ACCORD_SERVICE_MAIL_IN; s <= ACCORD_SERVICE_MAIL_OUT; s++)
    choices[s] = accord_decision_get_choice (decision, s);

  accord_wizard_manual_page_set_busy (self->manual_page, TRUE);
  _save (self, _new_account (self, choices, NULL));
}

static void
_check_manual (AccordWizard *self)
{
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GError) error = NULL;
  const char *address = accord_wizard_manual_page_get_address (self->manual_page);
  const char *password = accord_wizard_manual_page_get_password (self->manual_page);
  GHashTableIter iter;
  const char *host, *fingerprint;

  _show_page (self, "manual");
  if (address == NULL || strchr (address, '@') == NULL)
    {
      accord_wizard_manual_page_set_message (self->manual_page,
                                             _("Type the email address of the account."));
      return;
    }
  if (password == NULL)
    {
      accord_wizard_manual_page_set_message (self->manual_page,
                                             _("Type the password, so Accord can check that "
                                               "signing in works."));
      return;
    }

  candidates = accord_wizard_manual_page_get_candidates (self->manual_page, &error);
  if (candidates == NULL)
    {
      accord_wizard_manual_page_set_message (self->manual_page, error->message);
      return;
    }

  g_free (self->address);
  self->address = g_strstrip (g_strdup (address));
  _set_secret (&self->password, password);

  _stop (self);
  g_clear_object (&self->manual_verification);
  self->manual_verification = accord_verification_new (self->address, self->password);
  g_hash_table_iter_init (&iter, self->pins);
  while (g_hash_table_iter_next (&iter, (gpointer *) &host, (gpointer *) &fingerprint))
    accord_verification_set_pinned_certificate (self->manual_verification, host, fingerprint);

  accord_wizard_manual_page_set_message (self->manual_page, NULL);
  accord_wizard_manual_page_set_busy (self->manual_page, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->forward_button), FALSE);
  accord_verification_run_async (self->manual_verification, candidates,
                                 accord_protocol_matrix_get_default (), self->cancellable,
                                 _manual_checked_cb, g_object_ref (self));
}

static void
accord_wizard_check_manual (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  _check_manual (ACCORD_WIZARD (widget));
}

/* Navigation */

static void
accord_wizard_back (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AccordWizard *self = ACCORD_WIZARD (widget);

  _stop (self);
  accord_wizard_manual_page_set_busy (self->manual_page, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->forward_button), TRUE);

  if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "confirm") &&
      self->confirming_manual)
    _show_page (self, "manual");
  else
    _show_page (self, "address");
}

static void
accord_wizard_cancel (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  AccordWizard *self = ACCORD_WIZARD (widget);

  /* Escape on a later page goes back one step; on the first, it closes. */
  if (!g_str_equal (gtk_stack_get_visible_child_name (self->stack), "address"))
    {
      accord_wizard_back (widget, NULL, NULL);
      return;
    }

  _stop (self);
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_address_complete_cb (AccordWizard *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.next",
                                 accord_wizard_address_page_is_complete (self->address_page));
}

static void
on_choice_changed_cb (AccordWizard *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->forward_button),
                            !accord_wizard_result_page_get_password_refused (self->result_page));
}

static void
accord_wizard_dispose (GObject *object)
{
  AccordWizard *self = ACCORD_WIZARD (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->discovery);
  g_clear_object (&self->manual_verification);
  g_clear_object (&self->store);
  g_clear_object (&self->secrets);
  gtk_widget_dispose_template (GTK_WIDGET (self), ACCORD_TYPE_WIZARD);

  G_OBJECT_CLASS (accord_wizard_parent_class)->dispose (object);
}

static void
accord_wizard_finalize (GObject *object)
{
  AccordWizard *self = ACCORD_WIZARD (object);

  g_clear_pointer (&self->allowed_domains, g_ptr_array_unref);
  g_clear_pointer (&self->pins, g_hash_table_unref);
  g_clear_pointer (&self->accepted, g_ptr_array_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->address, g_free);
  _set_secret (&self->password, NULL);

  G_OBJECT_CLASS (accord_wizard_parent_class)->finalize (object);
}

static void
accord_wizard_class_init (AccordWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = accord_wizard_dispose;
  object_class->finalize = accord_wizard_finalize;

  /**
   * AccordWizard::account-added:
   * @account: the account, as saved
   */
  signals[ACCOUNT_ADDED] =
    g_signal_new ("account-added",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, ACCORD_TYPE_ACCOUNT);

  g_type_ensure (ACCORD_TYPE_WIZARD_ADDRESS_PAGE);
  g_type_ensure (ACCORD_TYPE_WIZARD_CONFIRM_PAGE);
  g_type_ensure (ACCORD_TYPE_WIZARD_RESULT_PAGE);
  g_type_ensure (ACCORD_TYPE_WIZARD_MANUAL_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/accordsync/Accord/wizard/accord-wizard.ui");
  gtk_widget_class_bind_template_child (widget_class, AccordWizard, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AccordWizard, window_title);
  gtk_widget_class_bind_template_child (widget_class, AccordWizard, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, AccordWizard, back_button);
  gtk_widget_class_bind_template_child (widget_class, AccordWizard, forward_button);
  gtk_widget_class_bind_template_child (widget_class, AccordWizard, stack);
  gtk_widget_class_bind_template_child (widget_class, AccordWizard, address_page);
  gtk_widget_class_bind_template_child (widget_class, AccordWizard, progress_title);
  gtk_widget_class_bind_template_child (widget_class, AccordWizard, lookup_list);
  gtk_widget_class_bind_template_child (widget_class, AccordWizard, confirm_page);
  gtk_widget_class_bind_template_child (widget_class, AccordWizard, result_page);
  gtk_widget_class_bind_template_child (widget_class, AccordWizard, manual_page);
  gtk_widget_class_bind_template_callback (widget_class, on_address_complete_cb);

  gtk_widget_class_install_action (widget_class, "wizard.next", NULL, accord_wizard_next);
  gtk_widget_class_install_action (widget_class, "wizard.accept", NULL, accord_wizard_accept);
  gtk_widget_class_install_action (widget_class, "wizard.save", NULL, accord_wizard_save);
  gtk_widget_class_install_action (widget_class, "wizard.manual", NULL, accord_wizard_manual);
  gtk_widget_class_install_action (widget_class, "wizard.check-manual", NULL,
                                   accord_wizard_check_manual);
  gtk_widget_class_install_action (widget_class, "wizard.back", NULL, accord_wizard_back);
  gtk_widget_class_install_action (widget_class, "wizard.cancel", NULL, accord_wizard_cancel);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "wizard.cancel", NULL);
}

static void
accord_wizard_init (AccordWizard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->allowed_domains = g_ptr_array_new_with_free_func (g_free);
  self->pins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->accepted = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_confirmation_unref);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_confirmation_unref);

  g_signal_connect_object (self->result_page, "choice-changed",
                           G_CALLBACK (on_choice_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.next", FALSE);
  _show_page (self, "address");
}

/**
 * accord_wizard_new:
 * @parent: (nullable): the window the assistant belongs to
 * @store: where the new account goes
 * @secrets: where its password goes
 */
AccordWizard *
accord_wizard_new (GtkWindow          *parent,
                   AccordAccountStore *store,
                   AccordSecrets      *secrets)
{
  AccordWizard *self;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (ACCORD_IS_ACCOUNT_STORE (store), NULL);
  g_return_val_if_fail (ACCORD_IS_SECRETS (secrets), NULL);

  self = g_object_new (ACCORD_TYPE_WIZARD,
                       "transient-for", parent,
                       NULL);
  self->store = g_object_ref (store);
  self->secrets = g_object_ref (secrets);

  return self;
}

/**
 * accord_wizard_get_page:
 *
 * Returns: "address", "progress", "confirm", "result" or "manual"
 */
const char *
accord_wizard_get_page (AccordWizard *self)
{
  g_return_val_if_fail (ACCORD_IS_WIZARD (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * accord_wizard_get_discovery:
 *
 * Returns: (transfer none) (nullable): the current discovery
 */
AccordDiscovery *
accord_wizard_get_discovery (AccordWizard *self)
{
  g_return_val_if_fail (ACCORD_IS_WIZARD (self), NULL);

  return self->discovery;
}

/**
 * accord_wizard_get_page_widget:
 *
 * Returns: (transfer none): the widget of page @name
 */
GtkWidget *
accord_wizard_get_page_widget (AccordWizard *self,
                               const char   *name)
{
  g_return_val_if_fail (ACCORD_IS_WIZARD (self), NULL);

  return gtk_stack_get_child_by_name (self->stack, name);
}
