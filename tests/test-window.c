/* test-window.c
 *
 * Opens the main window under Xvfb in both of its states, saves a PNG of each under
 * the build folder (ACCORD_SCREENSHOT_DIR) and checks they are not blank.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "accord-account-row.h"
#include "accord-application.h"
#include "accord-comparison-dialog.h"
#include "accord-gui-test-utils.h"
#include "accord-test-utils.h"
#include "accord-window.h"

static AccordApplication *app;

typedef struct
{
  AccordWindow *window;
  const char   *page;
} PageWait;

static gboolean
_page_is (gpointer data)
{
  PageWait *wait = data;

  return g_strcmp0 (accord_window_get_visible_page (wait->window), wait->page) == 0;
}

static void
_add_account (AccordAccountStore *store,
              const char         *address,
              const char         *name,
              AccordProtocol      in_protocol,
              const char         *in_host,
              gboolean            with_dav)
{
  g_autofree char *id = accord_account_store_generate_id (store, address);
  g_autoptr(AccordAccount) account = accord_account_new (id, address);
  g_autoptr(AccordServiceConfig) in = accord_service_config_new (in_protocol);
  g_autoptr(AccordServiceConfig) out = accord_service_config_new (ACCORD_PROTOCOL_SMTP);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  accord_account_set_display_name (account, name);
  in->host = g_strdup (in_host);
  in->port = accord_protocol_get_default_port (in_protocol, ACCORD_SECURITY_TLS);
  accord_account_set_service (account, ACCORD_SERVICE_MAIL_IN, in);
  out->host = g_strdup ("smtp.example.com");
  out->port = 465;
  accord_account_set_service (account, ACCORD_SERVICE_MAIL_OUT, out);

  if (with_dav)
    {
      g_autoptr(AccordServiceConfig) contacts = accord_service_config_new (ACCORD_PROTOCOL_CARDDAV);
      g_autoptr(AccordServiceConfig) calendar = accord_service_config_new (ACCORD_PROTOCOL_CALDAV);

      contacts->url = g_strdup ("https://dav.example.com/contacts/");
      calendar->url = g_strdup ("https://dav.example.com/calendars/");
      accord_account_set_service (account, ACCORD_SERVICE_CONTACTS, contacts);
      accord_account_set_service (account, ACCORD_SERVICE_CALENDAR, calendar);
    }

  accord_account_store_add_async (store, account, NULL, accord_test_result_cb, &result);
  accord_account_store_add_finish (store, accord_test_wait_result (&result), &error);
  g_assert_no_error (error);
}

static AccordComparisonDialog *
_find_comparison_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ACCORD_IS_COMPARISON_DIALOG (window))
        return ACCORD_COMPARISON_DIALOG (window);
    }

  g_assert_not_reached ();
}

static void
test_window_states (void)
{
  AccordComparisonDialog *dialog;
  AccordProtocol protocol;
  GtkWidget *button;
  AccordAccountStore *store = accord_application_get_account_store (app);
  AccordWindow *window;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  PageWait wait;

  window = accord_window_new (app, store);
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_window_present (GTK_WINDOW (window));

  wait.window = window;
  wait.page = "empty";
  accord_gui_test_wait_for (_page_is, &wait);
  accord_gui_test_settle ();
  accord_gui_test_save_png (GTK_WIDGET (window), "window-empty.png");

  /* The invitation is a real button, reachable from the keyboard */
  g_assert_true (gtk_widget_is_visible (accord_gui_test_find_by_type (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE)));

  _add_account (store, "alice@example.com", "Alice Example", ACCORD_PROTOCOL_IMAP,
                "imap.example.com", TRUE);
  _add_account (store, "bob@example.org", NULL, ACCORD_PROTOCOL_POP3, "pop.example.org", FALSE);
  _add_account (store, "carol@work.example.net", "Work", ACCORD_PROTOCOL_IMAP,
                "mail.work.example.net", FALSE);

  wait.page = "accounts";
  accord_gui_test_wait_for (_page_is, &wait);
  accord_gui_test_settle ();

  accord_gui_test_collect_by_type (GTK_WIDGET (window), ACCORD_TYPE_ACCOUNT_ROW, rows);
  g_assert_cmpuint (rows->len, ==, 3);
  /* Sorted by the name shown, whatever its case */
  g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 0)), ==, "Alice Example");
  g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 1)), ==, "bob@example.org");
  g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 2)), ==, "Work");
  g_assert_cmpstr (adw_action_row_get_subtitle (g_ptr_array_index (rows, 2)), ==,
                   "carol@work.example.net");
  g_assert_true (gtk_widget_get_mapped (g_ptr_array_index (rows, 0)));

  accord_gui_test_save_png (GTK_WIDGET (window), "window-accounts.png");

  /* "What syncs?" from the main menu shows every protocol, none chosen; from an
   * account's row, that account's protocols. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.what-syncs", "s", ""));
  accord_gui_test_settle ();
  dialog = _find_comparison_dialog ();
  g_assert_false (accord_comparison_view_get_choice (accord_comparison_dialog_get_view (dialog),
                                                     ACCORD_SERVICE_MAIL_IN, &protocol));
  gtk_window_destroy (GTK_WINDOW (dialog));

  button = accord_gui_test_find_by_name (g_ptr_array_index (rows, 1), "what_syncs_button");
  g_assert_nonnull (button);
  gtk_widget_activate (button);
  accord_gui_test_settle ();
  dialog = _find_comparison_dialog ();
  g_assert_true (accord_comparison_view_get_choice (accord_comparison_dialog_get_view (dialog),
                                                    ACCORD_SERVICE_MAIL_IN, &protocol));
  g_assert_cmpint (protocol, ==, ACCORD_PROTOCOL_POP3);
  accord_gui_test_save_png (GTK_WIDGET (dialog), "window-what-syncs-account.png");
  gtk_window_destroy (GTK_WINDOW (dialog));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config = NULL;
  int status;

  /* The application's store reads $XDG_CONFIG_HOME: point it at a fresh folder. */
  config = accord_test_make_tmp_dir ();
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  /* A screenshot taken mid-transition shows two pages at once. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  app = accord_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/window/states", test_window_states);

  status = g_test_run ();

  g_clear_object (&app);
  accord_test_rm_rf (config);
  return status;
}
