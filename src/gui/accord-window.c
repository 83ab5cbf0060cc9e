/* accord-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "accord-account-row.h"
#include "accord-comparison-dialog.h"
#include "accord-window.h"
#include "accord-wizard.h"

struct _AccordWindow
{
  AdwApplicationWindow  parent_instance;

  AccordAccountStore   *store;
  AccordSecrets        *secrets;
  GSettings            *settings;
  GCancellable         *cancellable;

  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  GtkListBox           *accounts_list;
};

G_DEFINE_FINAL_TYPE (AccordWindow, accord_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
_update_page (AccordWindow *self)
{
  guint n_accounts = g_list_model_get_n_items (G_LIST_MODEL (self->store));

  gtk_stack_set_visible_child_name (self->stack, n_accounts > 0 ? "accounts" : "empty");
}

static void
on_store_items_changed_cb (AccordWindow *self,
                           guint         position,
                           guint         removed,
                           guint         added,
                           GListModel   *model)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "loading") != 0)
    _update_page (self);
}

static GtkWidget *
_create_account_row (gpointer item,
                     gpointer user_data)
{
  return accord_account_row_new (ACCORD_ACCOUNT (item));
}

static void
_report_problems (AccordWindow *self)
{
  const char * const *problems = accord_account_store_get_problems (self->store);
  guint n_problems = g_strv_length ((char **) problems);
  g_autoptr(AdwToast) toast = NULL;
  g_autofree char *title = NULL;

  if (n_problems == 0)
    return;

  for (guint i = 0; i < n_problems; i++)
    g_message ("Skipped account file %s", problems[i]);

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "An account file could not be read and was left untouched",
                                        "%u account files could not be read and were left untouched",
                                        n_problems),
                           n_problems);
  toast = adw_toast_new (title);
  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, g_steal_pointer (&toast));
}

static void
_load_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(AccordWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!accord_account_store_load_finish (ACCORD_ACCOUNT_STORE (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
    }

  _update_page (self);
  _report_problems (self);
}

static void
on_account_added_cb (AccordWizard  *wizard,
                     AccordAccount *account,
                     AccordWindow  *self)
{
  g_autofree char *title = NULL;

  /* Translators: %s is an email address */
  title = g_strdup_printf (_("%s was added"), accord_account_get_address (account));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

static void
accord_window_add_account (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  AccordWindow *self = ACCORD_WINDOW (widget);
  AccordWizard *wizard;

  if (self->secrets == NULL)
    self->secrets = accord_secrets_new ();

  wizard = accord_wizard_new (GTK_WINDOW (self), self->store, self->secrets);
  g_signal_connect_object (wizard, "account-added", G_CALLBACK (on_account_added_cb), self, 0);
  gtk_window_present (GTK_WINDOW (wizard));
}

/* The comparison of what each protocol syncs; for an account (its id as the
 * parameter), with its protocols highlighted. */
static void
accord_window_what_syncs (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  AccordWindow *self = ACCORD_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  AccordComparisonDialog *dialog = accord_comparison_dialog_new (GTK_WINDOW (self));
  AccordAccount *account = *id != '\0' ? accord_account_store_lookup (self->store, id) : NULL;

  if (account != NULL)
    {
      AccordComparisonView *view = accord_comparison_dialog_get_view (dialog);

      gtk_window_set_title (GTK_WINDOW (dialog), accord_account_get_display_name (account));
      for (AccordServiceKind s = 0; s < ACCORD_N_SERVICES; s++)
        {
          AccordServiceConfig *config = accord_account_get_service (account, s);

          accord_comparison_view_set_choice (view, s, config ? config->protocol
                                                             : ACCORD_PROTOCOL_LOCAL);
        }
    }

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
_set_store (AccordWindow       *self,
            AccordAccountStore *store)
{
  g_assert (self->store == NULL);

  self->store = g_object_ref (store);
  gtk_list_box_bind_model (self->accounts_list, G_LIST_MODEL (store),
                           _create_account_row, NULL, NULL);
  g_signal_connect_object (store, "items-changed",
                           G_CALLBACK (on_store_items_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
accord_window_constructed (GObject *object)
{
  AccordWindow *self = (AccordWindow *)object;

  G_OBJECT_CLASS (accord_window_parent_class)->constructed (object);

  g_return_if_fail (self->store != NULL);

  accord_account_store_load_async (self->store, self->cancellable, _load_cb,
                                   g_object_ref (self));
}

static gboolean
accord_window_close_request (GtkWindow *window)
{
  AccordWindow *self = ACCORD_WINDOW (window);

  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized",
                              gtk_window_is_maximized (window));
    }

  return GTK_WINDOW_CLASS (accord_window_parent_class)->close_request (window);
}

static void
accord_window_dispose (GObject *object)
{
  AccordWindow *self = (AccordWindow *)object;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), ACCORD_TYPE_WINDOW);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  g_clear_object (&self->secrets);

  G_OBJECT_CLASS (accord_window_parent_class)->dispose (object);
}

static void
accord_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AccordWindow *self = ACCORD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
accord_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AccordWindow *self = ACCORD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      _set_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
accord_window_class_init (AccordWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = accord_window_constructed;
  object_class->dispose = accord_window_dispose;
  object_class->get_property = accord_window_get_property;
  object_class->set_property = accord_window_set_property;
  window_class->close_request = accord_window_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         ACCORD_TYPE_ACCOUNT_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/accordsync/Accord/accord-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AccordWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AccordWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, AccordWindow, accounts_list);

  gtk_widget_class_install_action (widget_class, "win.add-account", NULL,
                                   accord_window_add_account);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.add-account", NULL);
  gtk_widget_class_install_action (widget_class, "win.what-syncs", "s",
                                   accord_window_what_syncs);
}

/* Window state is a nicety: without the installed schema (running from a build
 * folder), the window opens at its default size rather than not at all. */
static GSettings *
_create_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    return NULL;

  return g_settings_new_full (schema, NULL, NULL);
}

static void
accord_window_init (AccordWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = _create_settings ();
  if (self->settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }
}

/**
 * accord_window_new:
 * @application: (nullable): the #GtkApplication
 * @store: the accounts to show; the window loads them
 */
AccordWindow *
accord_window_new (gpointer            application,
                   AccordAccountStore *store)
{
  g_return_val_if_fail (!application || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (ACCORD_IS_ACCOUNT_STORE (store), NULL);

  return g_object_new (ACCORD_TYPE_WINDOW,
                       "application", application,
                       "store", store,
                       NULL);
}

/**
 * accord_window_get_visible_page:
 *
 * Returns: "loading", "empty" or "accounts"
 */
const char *
accord_window_get_visible_page (AccordWindow *self)
{
  g_return_val_if_fail (ACCORD_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}
