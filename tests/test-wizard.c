/* test-wizard.c
 *
 * The setup assistant, driven like a person would, in a private world
 * (tests/data/wizard/wizard.spec: real DNS, HTTPS with a test CA, Dovecot) and a
 * private session with a keyring, under Xvfb. Each page is saved as a PNG, in light
 * and dark style, under ACCORD_SCREENSHOT_DIR.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "accord-gui-test-utils.h"
#include "accord-lookup-row.h"
#include "accord-test-utils.h"
#include "accord-wizard.h"
#include "accord-wizard-result-page.h"

#define PASSWORD "alice-secret-1"

typedef struct
{
  char               *dir;
  AccordAccountStore *store;
  AccordSecrets      *secrets;
  AccordWizard       *wizard;
  AccordAccount      *added;
  gboolean            closed;
} Fixture;

static void
on_account_added_cb (AccordWizard  *wizard,
                     AccordAccount *account,
                     Fixture       *fixture)
{
  g_set_object (&fixture->added, account);
}

static void
on_destroy_cb (GtkWidget *widget,
               Fixture   *fixture)
{
  fixture->closed = TRUE;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = accord_test_make_tmp_dir ();
  fixture->store = accord_account_store_new (fixture->dir);
  accord_account_store_load_async (fixture->store, NULL, accord_test_result_cb, &result);
  accord_account_store_load_finish (fixture->store, accord_test_wait_result (&result), &error);
  g_assert_no_error (error);
  fixture->secrets = accord_secrets_new ();

  fixture->wizard = accord_wizard_new (NULL, fixture->store, fixture->secrets);
  g_signal_connect (fixture->wizard, "account-added", G_CALLBACK (on_account_added_cb), fixture);
  g_signal_connect (fixture->wizard, "destroy", G_CALLBACK (on_destroy_cb), fixture);
  gtk_window_set_default_size (GTK_WINDOW (fixture->wizard), 600, 760);
  gtk_window_present (GTK_WINDOW (fixture->wizard));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (!fixture->closed)
    gtk_window_destroy (GTK_WINDOW (fixture->wizard));
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  g_clear_object (&fixture->added);
  g_clear_object (&fixture->secrets);
  g_clear_object (&fixture->store);
  accord_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

typedef struct
{
  Fixture    *fixture;
  const char *page;
} PageWait;

static gboolean
_page_is (gpointer data)
{
  PageWait *wait = data;

  return g_strcmp0 (accord_wizard_get_page (wait->fixture->wizard), wait->page) == 0;
}

static void
_wait_page (Fixture    *fixture,
            const char *page)
{
  PageWait wait = { fixture, page };

  accord_gui_test_wait_for (_page_is, &wait);
  accord_gui_test_settle ();
}

static gboolean
_is_added (gpointer data)
{
  return ((Fixture *) data)->added != NULL;
}

static GtkWidget *
_find (Fixture    *fixture,
       const char *page,
       const char *id)
{
  GtkWidget *widget = accord_gui_test_find_by_name (
    accord_wizard_get_page_widget (fixture->wizard, page), id);

  g_assert_nonnull (widget);
  return widget;
}

static GtkWidget *
_find_in_wizard (Fixture    *fixture,
                 const char *id)
{
  GtkWidget *widget = accord_gui_test_find_by_name (GTK_WIDGET (fixture->wizard), id);

  g_assert_nonnull (widget);
  return widget;
}

static void
_type (Fixture    *fixture,
       const char *page,
       const char *id,
       const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (_find (fixture, page, id)), text);
}

static void
_activate (Fixture    *fixture,
           const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->wizard), action, NULL));
}

/* Both styles: light, then dark, then back. */
static void
_save_pngs (Fixture    *fixture,
            const char *name)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_autofree char *light = g_strdup_printf ("wizard-%s-light.png", name);
  g_autofree char *dark = g_strdup_printf ("wizard-%s-dark.png", name);

  accord_gui_test_settle ();
  accord_gui_test_save_png (GTK_WIDGET (fixture->wizard), light);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  accord_gui_test_settle ();
  accord_gui_test_save_png (GTK_WIDGET (fixture->wizard), dark);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  accord_gui_test_settle ();
}

static void
_start (Fixture    *fixture,
        const char *address,
        const char *password)
{
  _type (fixture, "address", "address_row", address);
  if (password != NULL)
    _type (fixture, "address", "password_row", password);
  _activate (fixture, "wizard.next");
}

/* Whether a request with an Authorization header reached @host in this world. */
static gboolean
_authorization_reached (const char *host)
{
  g_autofree char *log = accord_test_read_file (g_getenv ("ACCORD_WORLD_REQUESTS_LOG"));
  g_auto(GStrv) lines = g_strsplit (log, "\n", -1);
  g_autofree char *needle = g_strdup_printf ("\"host\": \"%s\"", host);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], needle) != NULL && strstr (lines[i], "\"authorization\": null") == NULL)
      return TRUE;

  return FALSE;
}

static char *
_stored_secret (Fixture           *fixture,
                AccordAccount     *account,
                AccordServiceKind  service)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;

  accord_secrets_lookup_async (fixture->secrets, accord_account_get_id (account), service, NULL,
                               accord_test_result_cb, &result);
  secret = accord_secrets_lookup_finish (fixture->secrets, accord_test_wait_result (&result), &error);
  g_assert_no_error (error);
  return secret;
}

static AccordAccount *
_only_account (Fixture *fixture)
{
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, 1);
  return g_list_model_get_item (G_LIST_MODEL (fixture->store), 0);
}

static void
test_discover_and_save (Fixture       *fixture,
                        gconstpointer  data)
{
  AccordWizardResultPage *result_page;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(AccordAccount) account = NULL;
  g_autofree char *secret = NULL;
  AccordServiceConfig *in, *out;
  AccordCandidate *choice;

  accord_gui_test_settle ();
  /* Next waits for an address: not one yet, and it cannot be pressed or activated. */
  _type (fixture, "address", "address_row", "alice@example");
  accord_gui_test_settle ();
  g_assert_false (gtk_widget_is_sensitive (_find (fixture, "address", "next_button")));
  gtk_widget_activate_action (GTK_WIDGET (fixture->wizard), "wizard.next", NULL);
  accord_gui_test_settle ();
  g_assert_cmpstr (accord_wizard_get_page (fixture->wizard), ==, "address");
  _type (fixture, "address", "address_row", "alice@example.test");
  g_assert_true (gtk_widget_is_sensitive (_find (fixture, "address", "next_button")));
  _type (fixture, "address", "password_row", PASSWORD);
  accord_gui_test_settle ();
  _save_pngs (fixture, "address");

  _activate (fixture, "wizard.next");
  g_assert_cmpstr (accord_wizard_get_page (fixture->wizard), ==, "progress");
  accord_gui_test_collect_by_type (GTK_WIDGET (fixture->wizard), ACCORD_TYPE_LOOKUP_ROW, rows);
  g_assert_cmpuint (rows->len, >=, 8);

  _wait_page (fixture, "result");
  _save_pngs (fixture, "result");

  result_page = ACCORD_WIZARD_RESULT_PAGE (accord_wizard_get_page_widget (fixture->wizard, "result"));
  choice = accord_wizard_result_page_get_choice (result_page, ACCORD_SERVICE_MAIL_IN);
  g_assert_nonnull (choice);
  g_assert_cmpint (choice->protocol, ==, ACCORD_PROTOCOL_IMAP);
  g_assert_cmpstr (choice->host, ==, "imap.example.test");
  g_assert_false (accord_wizard_result_page_get_password_refused (result_page));

  /* Choosing the alternative is a click away; then back to the recommended one. */
  g_assert_true (accord_wizard_result_page_select (result_page, ACCORD_SERVICE_MAIL_IN,
                                                   ACCORD_PROTOCOL_POP3));
  accord_gui_test_settle ();
  g_assert_cmpint (accord_wizard_result_page_get_choice (result_page, ACCORD_SERVICE_MAIL_IN)->protocol, ==,
                   ACCORD_PROTOCOL_POP3);
  _save_pngs (fixture, "result-pop3");
  g_assert_true (accord_wizard_result_page_select (result_page, ACCORD_SERVICE_MAIL_IN,
                                                   ACCORD_PROTOCOL_IMAP));
  g_assert_cmpint (accord_wizard_result_page_get_choice (result_page, ACCORD_SERVICE_MAIL_IN)->protocol, ==,
                   ACCORD_PROTOCOL_IMAP);

  _activate (fixture, "wizard.save");
  accord_gui_test_wait_for (_is_added, fixture);
  accord_gui_test_settle ();
  g_assert_true (fixture->closed);

  account = _only_account (fixture);
  g_assert_cmpstr (accord_account_get_address (account), ==, "alice@example.test");
  g_assert_cmpstr (accord_account_get_provider_name (account), ==, "Example Mail");
  in = accord_account_get_service (account, ACCORD_SERVICE_MAIL_IN);
  g_assert_cmpint (in->protocol, ==, ACCORD_PROTOCOL_IMAP);
  g_assert_cmpstr (in->host, ==, "imap.example.test");
  g_assert_cmpint (in->port, ==, 993);
  g_assert_cmpstr (in->username, ==, "alice");
  g_assert_null (in->pinned_certificate);
  out = accord_account_get_service (account, ACCORD_SERVICE_MAIL_OUT);
  g_assert_cmpint (out->protocol, ==, ACCORD_PROTOCOL_SMTP);
  g_assert_cmpstr (out->host, ==, "smtp.example.test");

  secret = _stored_secret (fixture, account, ACCORD_SERVICE_MAIL_IN);
  g_assert_cmpstr (secret, ==, PASSWORD);
}

static gboolean
_some_row_done_and_some_running (gpointer data)
{
  Fixture *fixture = data;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  gboolean done = FALSE, running = FALSE;

  accord_gui_test_collect_by_type (GTK_WIDGET (fixture->wizard), ACCORD_TYPE_LOOKUP_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      AccordLookup *lookup = accord_lookup_row_get_lookup (g_ptr_array_index (rows, i));

      if (lookup == NULL)
        continue;
      if (accord_lookup_get_outcome (lookup) == ACCORD_LOOKUP_RUNNING)
        running = TRUE;
      else if (accord_lookup_get_outcome (lookup) == ACCORD_LOOKUP_FOUND)
        done = TRUE;
    }

  return done && running;
}

static void
test_progress_and_cancel (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  gboolean found_shown = FALSE;

  /* slow.test's autoconfig host never answers: the page shows work in progress. */
  _start (fixture, "alice@slow.test", PASSWORD);
  accord_gui_test_wait_for (_some_row_done_and_some_running, fixture);
  _save_pngs (fixture, "progress");

  accord_gui_test_collect_by_type (GTK_WIDGET (fixture->wizard), ACCORD_TYPE_LOOKUP_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    found_shown |= g_str_has_prefix (accord_lookup_row_get_state (g_ptr_array_index (rows, i)),
                                     "Found");
  g_assert_true (found_shown);

  /* Cancel stops everything at once, and the address is still there to fix. */
  g_assert_cmpstr (accord_wizard_get_page (fixture->wizard), ==, "progress");
  g_assert_true (gtk_widget_get_visible (_find_in_wizard (fixture, "cancel_button")));
  gtk_widget_activate (_find_in_wizard (fixture, "cancel_button"));
  _wait_page (fixture, "address");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (_find (fixture, "address", "address_row"))),
                   ==, "alice@slow.test");
  accord_gui_test_settle ();
  g_assert_cmpstr (accord_wizard_get_page (fixture->wizard), ==, "address");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, 0);
}

static void
test_redirect (Fixture       *fixture,
               gconstpointer  data)
{
  _start (fixture, "alice@redir.test", PASSWORD);
  _wait_page (fixture, "confirm");
  _save_pngs (fixture, "confirm-redirect");

  /* Asked, and nothing sent there or saved before the answer. */
  g_assert_nonnull (accord_gui_test_find_by_label (GTK_WIDGET (fixture->wizard), "evil.test"));
  g_assert_false (_authorization_reached ("evil.test"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, 0);

  _activate (fixture, "wizard.accept");
  _wait_page (fixture, "result");
  g_assert_true (_authorization_reached ("evil.test"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, 0);
}

static void
test_certificate (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(AccordAccount) account = NULL;
  AccordServiceConfig *in;

  _start (fixture, "alice@cert.test", PASSWORD);
  _wait_page (fixture, "confirm");
  _save_pngs (fixture, "confirm-certificate");
  g_assert_nonnull (accord_gui_test_find_by_label (GTK_WIDGET (fixture->wizard), "imap.cert.test"));
  g_assert_nonnull (accord_gui_test_find_by_label (GTK_WIDGET (fixture->wizard), "SHA-256"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, 0);

  /* Accepting pins the certificate: the sign-in goes ahead and the account keeps it. */
  _activate (fixture, "wizard.accept");
  _wait_page (fixture, "result");
  _activate (fixture, "wizard.save");
  accord_gui_test_wait_for (_is_added, fixture);

  account = _only_account (fixture);
  in = accord_account_get_service (account, ACCORD_SERVICE_MAIL_IN);
  g_assert_cmpstr (in->host, ==, "imap.cert.test");
  g_assert_nonnull (in->pinned_certificate);
  g_assert_cmpuint (strlen (in->pinned_certificate), ==, 32 * 3 - 1);
}

static void
test_insecure (Fixture       *fixture,
               gconstpointer  data)
{
  _start (fixture, "alice@http.test", NULL);
  _wait_page (fixture, "confirm");
  _save_pngs (fixture, "confirm-insecure");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, 0);

  _activate (fixture, "wizard.accept");
  _wait_page (fixture, "result");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, 0);
}

static gboolean
_manual_has_message (gpointer data)
{
  Fixture *fixture = data;
  GtkWidget *label = _find (fixture, "manual", "message_label");

  return gtk_widget_get_visible (label);
}

static void
test_manual (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(AccordAccount) account = NULL;
  GtkWidget *label;

  _type (fixture, "address", "address_row", "alice@example.test");
  _activate (fixture, "wizard.manual");
  _wait_page (fixture, "manual");
  /* The usual names are filled in; the user name is Dovecot's. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (_find (fixture, "manual", "in_host_row"))),
                   ==, "imap.example.test");
  _type (fixture, "manual", "in_username_row", "alice");
  _type (fixture, "manual", "out_username_row", "alice");
  _type (fixture, "manual", "password_row", "not-the-password");
  _save_pngs (fixture, "manual");

  _activate (fixture, "wizard.check-manual");
  accord_gui_test_wait_for (_manual_has_message, fixture);
  accord_gui_test_settle ();
  _save_pngs (fixture, "manual-refused");
  label = _find (fixture, "manual", "message_label");
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (label)), "refused"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->store)), ==, 0);

  _type (fixture, "manual", "password_row", PASSWORD);
  _activate (fixture, "wizard.check-manual");
  accord_gui_test_wait_for (_is_added, fixture);

  account = _only_account (fixture);
  g_assert_cmpstr (accord_account_get_service (account, ACCORD_SERVICE_MAIL_IN)->username, ==, "alice");
}

/* The keyboard alone, with real key presses (xdotool, through the X server). */
static void
_xdotool (const char *first,
          ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  va_list ap;

  g_ptr_array_add (args, (char *) "xdotool");
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  /* The events wait in the X server until the main loop reads them, after. */
  process = g_subprocess_newv ((const char * const *) args->pdata, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);
  accord_gui_test_settle ();
}

static void
test_keyboard (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(AccordAccount) account = NULL;

  if (g_find_program_in_path ("xdotool") == NULL)
    {
      g_test_skip ("Needs xdotool (Debian package xdotool)");
      return;
    }

  accord_gui_test_settle ();
  gtk_window_set_title (GTK_WINDOW (fixture->wizard), "Accord keyboard test");
  accord_gui_test_settle ();
  _xdotool ("search", "--sync", "--name", "Accord keyboard test", "windowfocus", "--sync", NULL);

  /* The address has the focus when the assistant opens. */
  _xdotool ("type", "--delay", "20", "bob@example.test", NULL);
  _xdotool ("key", "Tab", NULL);
  _xdotool ("type", "--delay", "20", "bob-secret-2", NULL);
  _xdotool ("key", "Return", NULL);
  _wait_page (fixture, "result");

  /* Add Account is the default: Enter saves. */
  _xdotool ("key", "Return", NULL);
  accord_gui_test_wait_for (_is_added, fixture);

  account = _only_account (fixture);
  g_assert_cmpstr (accord_account_get_address (account), ==, "bob@example.test");
  g_assert_cmpstr (accord_account_get_service (account, ACCORD_SERVICE_MAIL_IN)->username, ==, "bob");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *config = NULL;

  config = accord_test_make_tmp_dir ();
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  /* What the application's resource base path does for its windows. */
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    "/io/github/accordsync/Accord/icons");

  if (g_getenv ("ACCORD_WORLD_DIR") == NULL)
    {
      g_printerr ("test-wizard runs inside its world: meson test wizard\n");
      return 77;
    }

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/wizard/discover-and-save", test_discover_and_save);
  ADD ("/wizard/progress-and-cancel", test_progress_and_cancel);
  ADD ("/wizard/confirm/redirect", test_redirect);
  ADD ("/wizard/confirm/certificate", test_certificate);
  ADD ("/wizard/confirm/insecure", test_insecure);
  ADD ("/wizard/manual", test_manual);
  ADD ("/wizard/keyboard", test_keyboard);
#undef ADD

  return g_test_run ();
}
