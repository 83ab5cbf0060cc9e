/* accord-tls-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "accord-tls-utils.h"

/**
 * accord_certificate_get_fingerprint:
 *
 * Returns: (transfer full): the SHA-256 digest of the certificate's DER encoding as
 *   lowercase hex pairs separated by colons ("ab:01:…"), the form people compare with
 *   what their provider publishes and the form pins are stored in
 */
char *
accord_certificate_get_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GChecksum) checksum = NULL;
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  GString *out;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  g_return_val_if_fail (der != NULL, NULL);

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, der->data, der->len);
  g_checksum_get_digest (checksum, digest, &digest_len);

  out = g_string_sized_new (digest_len * 3);
  for (gsize i = 0; i < digest_len; i++)
    g_string_append_printf (out, i == 0 ? "%02x" : ":%02x", digest[i]);

  return g_string_free (out, FALSE);
}

/**
 * accord_fingerprint_normalize:
 *
 * Accepts a fingerprint the way people paste it: any case, with colons, spaces or
 * nothing between the pairs.
 *
 * Returns: (transfer full) (nullable): the canonical form, or %NULL if @fingerprint is
 *   not a SHA-256 fingerprint
 */
char *
accord_fingerprint_normalize (const char *fingerprint)
{
  g_autoptr(GString) hex = g_string_new (NULL);
  GString *out;

  g_return_val_if_fail (fingerprint != NULL, NULL);

  for (const char *p = fingerprint; *p != '\0'; p++)
    {
      if (g_ascii_isxdigit (*p))
        g_string_append_c (hex, g_ascii_tolower (*p));
      else if (*p != ':' && *p != ' ' && *p != '-')
        return NULL;
    }

  if (hex->len != 64)
    return NULL;

  out = g_string_sized_new (96);
  for (gsize i = 0; i < hex->len; i += 2)
    {
      if (i > 0)
        g_string_append_c (out, ':');
      g_string_append_len (out, hex->str + i, 2);
    }

  return g_string_free (out, FALSE);
}

gboolean
accord_fingerprint_equal (const char *a,
                          const char *b)
{
  g_autofree char *norm_a = NULL;
  g_autofree char *norm_b = NULL;

  if (a == NULL || b == NULL)
    return FALSE;

  norm_a = accord_fingerprint_normalize (a);
  norm_b = accord_fingerprint_normalize (b);

  return norm_a != NULL && norm_b != NULL && g_str_equal (norm_a, norm_b);
}

/**
 * accord_certificate_describe_errors:
 * @host: the host the certificate was presented for
 *
 * Returns: (transfer full): one sentence per problem verification found, for the
 *   person who decides whether to trust the certificate anyway
 */
char *
accord_certificate_describe_errors (GTlsCertificateFlags  errors,
                                    const char           *host)
{
  GString *out = g_string_new (NULL);

#define ADD_SENTENCE(sentence) \
  G_STMT_START { \
    if (out->len > 0) \
      g_string_append_c (out, ' '); \
    g_string_append (out, sentence); \
  } G_STMT_END

  if (errors & G_TLS_CERTIFICATE_UNKNOWN_CA)
    ADD_SENTENCE (_("It is not signed by an authority this computer trusts."));
  if (errors & G_TLS_CERTIFICATE_BAD_IDENTITY)
    {
      g_autofree char *sentence = g_strdup_printf (_("It was issued for another host than %s."),
                                                   host);
      ADD_SENTENCE (sentence);
    }
  if (errors & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    ADD_SENTENCE (_("It is not valid yet; check this computer’s clock."));
  if (errors & G_TLS_CERTIFICATE_EXPIRED)
    ADD_SENTENCE (_("It has expired."));
  if (errors & G_TLS_CERTIFICATE_REVOKED)
    ADD_SENTENCE (_("It has been revoked."));
  if (errors & G_TLS_CERTIFICATE_INSECURE)
    ADD_SENTENCE (_("It uses an algorithm that is no longer considered secure."));
  if ((errors & G_TLS_CERTIFICATE_GENERIC_ERROR) || out->len == 0)
    ADD_SENTENCE (_("It could not be verified."));

#undef ADD_SENTENCE

  return g_string_free (out, FALSE);
}

/**
 * accord_tls_client_connection_new:
 * @database: (nullable): the authorities to trust; %NULL for the system's
 * @pin: (nullable): the fingerprint of a certificate accepted whatever the
 *   authorities say
 *
 * The client side of a TLS connection over @base.
 *
 * With a pin and no @database, the connection is made without the system's list of
 * authorities: the pinned certificate is what is expected, and parsing the whole list
 * (GnuTLS keeps some 140 certificates decoded, several megabytes) is left until a
 * certificate other than the pinned one turns up, which
 * accord_tls_accept_certificate() then checks against the list as usual.
 *
 * Returns: (transfer full): the connection, or %NULL with @error set
 */
GIOStream *
accord_tls_client_connection_new (GIOStream           *base,
                                  GSocketConnectable  *identity,
                                  GTlsDatabase        *database,
                                  const char          *pin,
                                  GError             **error)
{
  GTlsBackend *backend = g_tls_backend_get_default ();

  g_return_val_if_fail (G_IS_IO_STREAM (base), NULL);

  if (database == NULL && pin == NULL)
    return g_tls_client_connection_new (base, identity, error);

  /* Set at construction: the default list is loaded as soon as the connection is
   * initialised without one. */
  return g_initable_new (g_tls_backend_get_client_connection_type (backend), NULL, error,
                         "base-io-stream", base,
                         "server-identity", identity,
                         "database", database,
                         NULL);
}

/**
 * accord_tls_accept_certificate:
 * @tls: a connection from accord_tls_client_connection_new(), in its
 *   #GTlsConnection::accept-certificate handler
 * @database: (nullable): the database it was made with
 * @pin: (nullable): the pin it was made with
 * @host: @port: the server, for the log
 * @errors: (inout): what verification found; on return, what is left against the
 *   certificate
 * @pinned: (out): whether it is the pinned certificate
 *
 * Whether to accept a certificate that verification did not: it is the pinned one,
 * or, on a connection made without the system's authorities, the system's authorities
 * vouch for it after all.
 */
gboolean
accord_tls_accept_certificate (GTlsConnection       *tls,
                               GTlsCertificate      *certificate,
                               GTlsDatabase         *database,
                               const char           *pin,
                               const char           *host,
                               guint16               port,
                               GTlsCertificateFlags *errors,
                               gboolean             *pinned)
{
  g_autofree char *fingerprint = accord_certificate_get_fingerprint (certificate);
  gboolean accepted = FALSE;

  *pinned = pin != NULL && accord_fingerprint_equal (fingerprint, pin);
  if (*pinned)
    accepted = TRUE;
  else if (pin != NULL && database == NULL)
    {
      /* Not the pinned certificate, on a connection that had no authorities to check
       * it with: check it as any other. */
      g_autoptr(GTlsDatabase) system = g_tls_backend_get_default_database (g_tls_backend_get_default ());
      g_autoptr(GError) error = NULL;
      GSocketConnectable *identity = NULL;

      if (G_IS_TLS_CLIENT_CONNECTION (tls))
        identity = g_tls_client_connection_get_server_identity (G_TLS_CLIENT_CONNECTION (tls));
      *errors = g_tls_database_verify_chain (system, certificate, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER,
                                             identity, NULL, G_TLS_DATABASE_VERIFY_NONE, NULL, &error);
      if (error != NULL)
        *errors |= G_TLS_CERTIFICATE_GENERIC_ERROR;
      accepted = *errors == 0;
    }

  g_debug ("%s:%u: certificate %s failed verification (flags 0x%x), %s", host, port, fingerprint,
           *errors, *pinned ? "accepted: it is pinned" : accepted ? "accepted: an authority vouches for it"
                                                                  : "refused");
  return accepted;
}

/**
 * accord_certificate_describe_refusal:
 * @errors: what verification found against @certificate
 *
 * Returns: (transfer full): the sentence for a certificate refused: its problems and
 *   its fingerprint, for the person to check
 */
char *
accord_certificate_describe_refusal (GTlsCertificate      *certificate,
                                     GTlsCertificateFlags  errors,
                                     const char           *host,
                                     guint16               port)
{
  g_autofree char *fingerprint = accord_certificate_get_fingerprint (certificate);
  g_autofree char *problems = accord_certificate_describe_errors (errors, host);

  return g_strdup_printf (_("The certificate of %s:%u is not trusted. %s Its SHA-256 fingerprint "
                            "is %s."),
                          host, port, problems, fingerprint);
}
