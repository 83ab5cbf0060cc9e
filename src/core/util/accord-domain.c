/* accord-domain.c
 *
 * Registrable domains ("example.co.uk" for "imap.mail.example.co.uk"), from the
 * Public Suffix List through libpsl. Discovery uses them to decide whether a
 * redirect leaves the provider, and which domain an MX host belongs to.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <libpsl.h>

#include "accord-domain.h"

/* The newest list on the system (the publicsuffix package), else libpsl's own. */
static const psl_ctx_t *
_get_psl (void)
{
  static psl_ctx_t *psl;

  if (g_once_init_enter (&psl))
    {
      psl_ctx_t *loaded = psl_latest (NULL);

      if (loaded == NULL)
        loaded = (psl_ctx_t *) psl_builtin ();
      g_once_init_leave (&psl, loaded);
    }

  return psl;
}

static char *
_ascii_lower (const char *hostname)
{
  g_autofree char *ascii = NULL;
  gsize len;

  if (hostname == NULL || *hostname == '\0' || g_hostname_is_ip_address (hostname))
    return NULL;

  ascii = g_hostname_to_ascii (hostname);
  if (ascii == NULL)
    return NULL;

  len = strlen (ascii);
  if (len > 0 && ascii[len - 1] == '.')
    ascii[len - 1] = '\0';

  return g_ascii_strdown (ascii, -1);
}

/**
 * accord_domain_get_registrable:
 * @hostname: a host name, Unicode or ASCII, with or without a final dot
 *
 * Returns: (transfer full) (nullable): the registrable domain of @hostname, in
 *   lower-case ASCII, or %NULL for an address, a public suffix or a name that is
 *   not a host name
 */
char *
accord_domain_get_registrable (const char *hostname)
{
  g_autofree char *ascii = _ascii_lower (hostname);
  const char *registrable;

  if (ascii == NULL)
    return NULL;

  registrable = psl_registrable_domain (_get_psl (), ascii);
  return registrable != NULL ? g_strdup (registrable) : NULL;
}

/**
 * accord_domain_same_registrable:
 *
 * Returns: whether @a and @b belong to one registrable domain; %FALSE when either
 *   has none
 */
gboolean
accord_domain_same_registrable (const char *a,
                                const char *b)
{
  g_autofree char *ra = accord_domain_get_registrable (a);
  g_autofree char *rb = accord_domain_get_registrable (b);

  return ra != NULL && rb != NULL && g_str_equal (ra, rb);
}

/**
 * accord_domain_get_parent:
 * @hostname: a host name
 *
 * The name one level above @hostname, when that is still below its registrable
 * domain or is the registrable domain itself: "eu.mx.example.com" gives
 * "mx.example.com", "mx.example.com" gives "example.com", "example.com" gives %NULL.
 *
 * Returns: (transfer full) (nullable): the parent name, in lower-case ASCII
 */
char *
accord_domain_get_parent (const char *hostname)
{
  g_autofree char *ascii = _ascii_lower (hostname);
  g_autofree char *registrable = NULL;
  const char *dot;

  if (ascii == NULL)
    return NULL;

  registrable = accord_domain_get_registrable (ascii);
  if (registrable == NULL || g_str_equal (registrable, ascii))
    return NULL;

  dot = strchr (ascii, '.');
  return dot != NULL ? g_strdup (dot + 1) : NULL;
}

/**
 * accord_domain_may_receive_credentials:
 * @address_domain: the domain of the account's address
 * @hostname: the host a request would go to
 * @allowed: (nullable) (array zero-terminated=1): other domains the person agreed to
 *   (`accordctl discover --allow-redirect-to`, or a yes in the wizard)
 *
 * The rule for every request that carries a password during discovery: it may go
 * to the address's own registrable domain, or to one the person named. Anything
 * else is a question for the person (an #AccordConfirmation of kind redirect), never
 * a request.
 *
 * Returns: whether a request with credentials may go to @hostname
 */
gboolean
accord_domain_may_receive_credentials (const char         *address_domain,
                                       const char         *hostname,
                                       const char * const *allowed)
{
  g_autofree char *registrable = accord_domain_get_registrable (hostname);

  if (registrable == NULL)
    return FALSE;

  if (accord_domain_same_registrable (address_domain, hostname))
    return TRUE;

  for (guint i = 0; allowed != NULL && allowed[i] != NULL; i++)
    {
      g_autofree char *other = accord_domain_get_registrable (allowed[i]);

      if (other != NULL && g_str_equal (other, registrable))
        return TRUE;
    }

  return FALSE;
}
