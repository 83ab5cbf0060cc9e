/* test-domain.c
 *
 * Registrable domains and the rule for where discovery may send a password.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "accord-domain.h"

static void
test_registrable (void)
{
  static const struct {
    const char *host;
    const char *registrable;
  } cases[] = {
    { "imap.example.com", "example.com" },
    { "IMAP.Example.COM.", "example.com" },
    { "example.com", "example.com" },
    { "mail.example.co.uk", "example.co.uk" },
    { "co.uk", NULL },
    { "com", NULL },
    { "eu.mx.hoster.test", "hoster.test" },
    { "bücher.test", "xn--bcher-kva.test" },
    { "alice.github.io", "alice.github.io" },
    { "192.0.2.1", NULL },
    { "", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *registrable = accord_domain_get_registrable (cases[i].host);

      g_assert_cmpstr (registrable, ==, cases[i].registrable);
    }
}

static void
test_parent (void)
{
  g_autofree char *a = accord_domain_get_parent ("mx1.eu.hoster.test");
  g_autofree char *b = accord_domain_get_parent ("eu.hoster.test");
  g_autofree char *c = accord_domain_get_parent ("hoster.test");
  g_autofree char *d = accord_domain_get_parent ("example.co.uk");

  g_assert_cmpstr (a, ==, "eu.hoster.test");
  g_assert_cmpstr (b, ==, "hoster.test");
  g_assert_null (c);
  g_assert_null (d);
}

static void
test_credentials (void)
{
  const char *allowed[] = { "Outlook.com", NULL };

  g_assert_true (accord_domain_may_receive_credentials ("example.com", "autodiscover.example.com", NULL));
  g_assert_true (accord_domain_may_receive_credentials ("example.com", "example.com", NULL));
  /* Same suffix is not the same owner. */
  g_assert_false (accord_domain_may_receive_credentials ("example.co.uk", "evil.co.uk", NULL));
  g_assert_false (accord_domain_may_receive_credentials ("example.com", "example.com.evil.test", NULL));
  g_assert_false (accord_domain_may_receive_credentials ("example.com", "outlook.office365.com", NULL));
  g_assert_false (accord_domain_may_receive_credentials ("example.com", "192.0.2.1", NULL));
  /* A domain the person named covers its hosts, and only its own. */
  g_assert_true (accord_domain_may_receive_credentials ("example.com", "autodiscover.outlook.com", allowed));
  g_assert_false (accord_domain_may_receive_credentials ("example.com", "outlook.office365.com", allowed));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/domain/registrable", test_registrable);
  g_test_add_func ("/domain/parent", test_parent);
  g_test_add_func ("/domain/credentials", test_credentials);

  return g_test_run ();
}
