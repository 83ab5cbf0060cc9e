/* accord-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "accord-application.h"
#include "accord-window.h"

struct _AccordApplication
{
  AdwApplication      parent_instance;

  AccordAccountStore *account_store;
};

G_DEFINE_FINAL_TYPE (AccordApplication, accord_application, ADW_TYPE_APPLICATION)

static void
accord_application_activate (GApplication *app)
{
  AccordApplication *self = ACCORD_APPLICATION (app);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    window = GTK_WINDOW (accord_window_new (self, self->account_store));

  gtk_window_present (window);
}

static void
accord_application_startup (GApplication *app)
{
  AccordApplication *self = ACCORD_APPLICATION (app);

  G_APPLICATION_CLASS (accord_application_parent_class)->startup (app);

  self->account_store = accord_account_store_new (NULL);
}

static void
accord_application_finalize (GObject *object)
{
  AccordApplication *self = (AccordApplication *)object;

  g_clear_object (&self->account_store);

  G_OBJECT_CLASS (accord_application_parent_class)->finalize (object);
}

static void
accord_application_class_init (AccordApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = accord_application_finalize;
  app_class->activate = accord_application_activate;
  app_class->startup = accord_application_startup;
}

static void
accord_application_about_action (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  AccordApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  static const char *developers[] = { "The Accord developers", NULL };

  adw_show_about_window (window,
                         "application-name", _("Accord"),
                         "application-icon", APP_ID,
                         "developer-name", _("The Accord developers"),
                         "version", PACKAGE_VERSION,
                         "website", "https://github.com/accordsync/accord",
                         "issue-url", "https://github.com/accordsync/accord/issues",
                         "developers", developers,
                         "copyright", "© 2026 The Accord developers",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* Translators: put your names here, one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
accord_application_quit_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "quit", accord_application_quit_action },
  { "about", accord_application_about_action },
};

static void
accord_application_init (AccordApplication *self)
{
  static const char *quit_accels[] = { "<primary>q", NULL };

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
}

AccordApplication *
accord_application_new (void)
{
  return g_object_new (ACCORD_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/accordsync/Accord",
                       NULL);
}

/**
 * accord_application_get_account_store:
 *
 * Returns: (transfer none): the accounts
 */
AccordAccountStore *
accord_application_get_account_store (AccordApplication *self)
{
  g_return_val_if_fail (ACCORD_IS_APPLICATION (self), NULL);

  return self->account_store;
}
