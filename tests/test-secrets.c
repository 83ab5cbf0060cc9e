/* test-secrets.c
 *
 * Runs against a real gnome-keyring in a private D-Bus session
 * (tests/servers/session-wrapper).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsecret/secret.h>

#include "accord-core.h"
#include "accord-test-utils.h"

static void
_store (AccordSecrets     *secrets,
        const char        *id,
        AccordServiceKind  service,
        const char        *secret)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  accord_secrets_store_async (secrets, id, service, "Accord test", secret, NULL,
                              accord_test_result_cb, &result);
  accord_secrets_store_finish (secrets, accord_test_wait_result (&result), &error);
  g_assert_no_error (error);
}

static char *
_lookup (AccordSecrets     *secrets,
         const char        *id,
         AccordServiceKind  service)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;

  accord_secrets_lookup_async (secrets, id, service, NULL, accord_test_result_cb, &result);
  secret = accord_secrets_lookup_finish (secrets, accord_test_wait_result (&result), &error);
  g_assert_no_error (error);
  return secret;
}

static gboolean
_have_keyring (void)
{
  if (g_getenv ("ACCORD_SESSION_DIR") == NULL)
    {
      g_test_skip ("Needs a private keyring: run under tests/servers/session-wrapper");
      return FALSE;
    }
  return TRUE;
}

static void
test_secrets_store_lookup (void)
{
  g_autoptr(AccordSecrets) secrets = accord_secrets_new ();
  g_autofree char *in = NULL;
  g_autofree char *out = NULL;
  g_autofree char *replaced = NULL;
  g_autofree char *other = NULL;

  if (!_have_keyring ())
    return;

  _store (secrets, "acct-one", ACCORD_SERVICE_MAIL_IN, "in-secret-ü");
  _store (secrets, "acct-one", ACCORD_SERVICE_MAIL_OUT, "out-secret");

  in = _lookup (secrets, "acct-one", ACCORD_SERVICE_MAIL_IN);
  out = _lookup (secrets, "acct-one", ACCORD_SERVICE_MAIL_OUT);
  g_assert_cmpstr (in, ==, "in-secret-ü");
  g_assert_cmpstr (out, ==, "out-secret");

  /* Storing again replaces; it never adds a second item. */
  _store (secrets, "acct-one", ACCORD_SERVICE_MAIL_IN, "new-in-secret");
  replaced = _lookup (secrets, "acct-one", ACCORD_SERVICE_MAIL_IN);
  g_assert_cmpstr (replaced, ==, "new-in-secret");

  other = _lookup (secrets, "acct-unknown", ACCORD_SERVICE_MAIL_IN);
  g_assert_null (other);
}

static void
test_secrets_clear (void)
{
  g_autoptr(AccordSecrets) secrets = accord_secrets_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *in = NULL;
  g_autofree char *out = NULL;
  g_autofree char *neighbour = NULL;

  if (!_have_keyring ())
    return;

  _store (secrets, "acct-two", ACCORD_SERVICE_MAIL_IN, "a");
  _store (secrets, "acct-two", ACCORD_SERVICE_MAIL_OUT, "b");
  _store (secrets, "acct-three", ACCORD_SERVICE_MAIL_IN, "c");

  accord_secrets_clear_async (secrets, "acct-two", ACCORD_SERVICE_MAIL_OUT, NULL,
                              accord_test_result_cb, &result);
  accord_secrets_clear_finish (secrets, accord_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  out = _lookup (secrets, "acct-two", ACCORD_SERVICE_MAIL_OUT);
  g_assert_null (out);
  in = _lookup (secrets, "acct-two", ACCORD_SERVICE_MAIL_IN);
  g_assert_cmpstr (in, ==, "a");
  g_clear_pointer (&in, g_free);

  /* Clearing an account removes every service's secret, and nobody else's. */
  _store (secrets, "acct-two", ACCORD_SERVICE_CALENDAR, "d");
  accord_secrets_clear_account_async (secrets, "acct-two", NULL, accord_test_result_cb, &result);
  accord_secrets_clear_account_finish (secrets, accord_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  for (guint i = 0; i < ACCORD_N_SERVICES; i++)
    {
      g_autofree char *left = _lookup (secrets, "acct-two", i);

      g_assert_null (left);
    }

  neighbour = _lookup (secrets, "acct-three", ACCORD_SERVICE_MAIL_IN);
  g_assert_cmpstr (neighbour, ==, "c");

  /* Clearing what is not there is not an error. */
  accord_secrets_clear_account_async (secrets, "acct-two", NULL, accord_test_result_cb, &result);
  accord_secrets_clear_account_finish (secrets, accord_test_wait_result (&result), &error);
  g_assert_no_error (error);
}

static void
test_secrets_cancelled (void)
{
  g_autoptr(AccordSecrets) secrets = accord_secrets_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;

  if (!_have_keyring ())
    return;

  g_cancellable_cancel (cancellable);
  accord_secrets_lookup_async (secrets, "acct-one", ACCORD_SERVICE_MAIL_IN, cancellable,
                               accord_test_result_cb, &result);
  secret = accord_secrets_lookup_finish (secrets, accord_test_wait_result (&result), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (secret);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/secrets/store-lookup", test_secrets_store_lookup);
  g_test_add_func ("/secrets/clear", test_secrets_clear);
  g_test_add_func ("/secrets/cancelled", test_secrets_cancelled);

  return g_test_run ();
}
