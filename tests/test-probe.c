/* test-probe.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under tests/servers/accord-test-servers --dovecot; the tests that need Dovecot
 * skip without it. Misbehaving servers are played by small servers in this file.
 */

#include "config.h"

#include <string.h>

#include "accord-probe.h"
#include "accord-tls-utils.h"
#include "accord-test-utils.h"

/* --- environment ------------------------------------------------------------------ */

static gboolean
_require_env (const char * const *names)
{
  for (; *names != NULL; names++)
    {
      if (g_getenv (*names) == NULL)
        {
          g_autofree char *msg = g_strdup_printf ("%s is not set: run this under "
                                                  "tests/servers/accord-test-servers "
                                                  "--dovecot -- COMMAND", *names);
          g_test_skip (msg);
          return FALSE;
        }
    }

  return TRUE;
}

#define REQUIRE_ENV(...) \
  G_STMT_START { \
    const char * const names_[] = { "ACCORD_TEST_HOST", "ACCORD_TEST_CA_FILE", \
                                     "ACCORD_TEST_USER", "ACCORD_TEST_PASSWORD", \
                                     __VA_ARGS__, NULL }; \
    if (!_require_env (names_)) \
      return; \
  } G_STMT_END

static const char *
_host (void)
{
  return g_getenv ("ACCORD_TEST_HOST");
}

static const char *
_user (void)
{
  return g_getenv ("ACCORD_TEST_USER");
}

static const char *
_password (void)
{
  return g_getenv ("ACCORD_TEST_PASSWORD");
}

static AccordProbe *
_trusting_probe (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  AccordProbe *probe = accord_probe_new ();

  database = g_tls_file_database_new (g_getenv ("ACCORD_TEST_CA_FILE"), &error);
  g_assert_no_error (error);
  accord_probe_set_tls_database (probe, database);

  return probe;
}

/* Runs one probe to the end; @partial, if not NULL, receives what it learnt anyway. */
static AccordProbeResult *
_run (AccordProbe         *probe,
      AccordProtocol       protocol,
      const char          *host,
      guint16              port,
      AccordSecurity       security,
      const char          *password,
      GCancellable        *cancellable,
      AccordProbeResult  **partial,
      GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  AccordProbeResult *probe_result;

  accord_probe_run_async (probe, protocol, host, port, security, _user (), password,
                          cancellable, accord_test_result_cb, &result);
  probe_result = accord_probe_run_finish (probe, accord_test_wait_result (&result), error);
  if (*error != NULL)
    g_test_message ("%s", (*error)->message);
  else if (probe_result->login_message != NULL)
    g_test_message ("login: %s", probe_result->login_message);
  if (partial != NULL)
    *partial = accord_probe_run_get_partial_result (probe, result);

  return probe_result;
}

static void
_assert_fingerprint (const char *fingerprint)
{
  g_autofree char *normalized = NULL;

  g_assert_nonnull (fingerprint);
  g_assert_cmpuint (strlen (fingerprint), ==, 32 * 3 - 1);
  normalized = accord_fingerprint_normalize (fingerprint);
  g_assert_cmpstr (normalized, ==, fingerprint);
}

static void
_assert_trusted_tls (AccordProbeResult *result)
{
  g_assert_nonnull (result->certificate);
  _assert_fingerprint (result->certificate_fingerprint);
  g_assert_cmpuint (result->certificate_errors, ==, 0);
  g_assert_false (result->certificate_pinned);
}

/* --- Dovecot: each endpoint ---------------------------------------------------------- */

typedef struct
{
  const char     *port_var;
  AccordProtocol  protocol;
  AccordSecurity  security;
  const char     *capability;   /* one the endpoint must announce */
} Endpoint;

static const Endpoint endpoints[] = {
  { "ACCORD_TEST_IMAPS_PORT",       ACCORD_PROTOCOL_IMAP, ACCORD_SECURITY_TLS,      "IDLE" },
  { "ACCORD_TEST_IMAP_PORT",        ACCORD_PROTOCOL_IMAP, ACCORD_SECURITY_STARTTLS, "IDLE" },
  { "ACCORD_TEST_POP3S_PORT",       ACCORD_PROTOCOL_POP3, ACCORD_SECURITY_TLS,      "UIDL" },
  { "ACCORD_TEST_POP3_PORT",        ACCORD_PROTOCOL_POP3, ACCORD_SECURITY_STARTTLS, "UIDL" },
  { "ACCORD_TEST_SUBMISSIONS_PORT", ACCORD_PROTOCOL_SMTP, ACCORD_SECURITY_TLS,      "PIPELINING" },
  { "ACCORD_TEST_SUBMISSION_PORT",  ACCORD_PROTOCOL_SMTP, ACCORD_SECURITY_STARTTLS, "PIPELINING" },
};

static void
test_endpoint_login (gconstpointer data)
{
  const Endpoint *endpoint = data;
  g_autoptr(AccordProbe) probe = NULL;
  g_autoptr(AccordProbeResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  REQUIRE_ENV (endpoint->port_var);

  port = accord_test_env_port (endpoint->port_var);
  probe = _trusting_probe ();
  result = _run (probe, endpoint->protocol, _host (), port, endpoint->security,
                 _password (), NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (result->protocol, ==, endpoint->protocol);
  g_assert_cmpstr (result->host, ==, _host ());
  g_assert_cmpuint (result->port, ==, port);
  g_assert_cmpint (result->security, ==, endpoint->security);
  g_assert_nonnull (result->greeting);
  g_assert_nonnull (result->capabilities[0]);
  g_assert_true (accord_probe_result_has_capability (result, endpoint->capability));
  g_assert_true (accord_probe_result_has_auth_mechanism (result, "PLAIN"));
  _assert_trusted_tls (result);
  g_assert_cmpint (result->login, ==, ACCORD_PROBE_LOGIN_OK);

  /* What the server said before TLS does not count. */
  g_assert_false (accord_probe_result_has_capability (result, "LOGINDISABLED"));
  g_assert_false (accord_probe_result_has_capability (result, "STARTTLS"));
  g_assert_false (accord_probe_result_has_capability (result, "STLS"));

  switch (endpoint->protocol)
    {
    case ACCORD_PROTOCOL_IMAP:
      g_assert_true (accord_probe_result_has_capability (result, "IMAP4rev1"));
      /* Dovecot announces these only after login. */
      g_assert_true (accord_probe_result_has_capability (result, "CONDSTORE"));
      g_assert_true (accord_probe_result_has_capability (result, "QRESYNC"));
      g_assert_true (accord_probe_result_has_capability (result, "MOVE"));
      g_assert_true (accord_probe_result_has_capability (result, "UIDPLUS"));
      break;
    case ACCORD_PROTOCOL_POP3:
      g_assert_true (accord_probe_result_has_capability (result, "USER"));
      g_assert_true (accord_probe_result_has_capability (result, "SASL"));
      break;
    case ACCORD_PROTOCOL_SMTP:
      g_assert_true (accord_probe_result_has_capability (result, "AUTH"));
      g_assert_true (accord_probe_result_has_capability (result, "8BITMIME"));
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
test_endpoint_wrong_password (gconstpointer data)
{
  const Endpoint *endpoint = data;
  g_autoptr(AccordProbe) probe = NULL;
  g_autoptr(AccordProbeResult) result = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_ENV (endpoint->port_var);

  probe = _trusting_probe ();
  result = _run (probe, endpoint->protocol, _host (), accord_test_env_port (endpoint->port_var),
                 endpoint->security, "not-the-password", NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (result->login, ==, ACCORD_PROBE_LOGIN_AUTH_FAILED);
  g_assert_nonnull (result->login_message);
  _assert_fingerprint (result->certificate_fingerprint);
}

static void
test_endpoint_no_password (gconstpointer data)
{
  const Endpoint *endpoint = data;
  g_autoptr(AccordProbe) probe = NULL;
  g_autoptr(AccordProbeResult) result = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_ENV (endpoint->port_var);

  probe = _trusting_probe ();
  result = _run (probe, endpoint->protocol, _host (), accord_test_env_port (endpoint->port_var),
                 endpoint->security, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (result->login, ==, ACCORD_PROBE_LOGIN_NOT_TRIED);
  g_assert_true (accord_probe_result_has_auth_mechanism (result, "PLAIN"));
  _assert_trusted_tls (result);
}

/* --- Dovecot: certificates ----------------------------------------------------------- */

static char *
_trusted_fingerprint (void)
{
  g_autoptr(AccordProbe) probe = _trusting_probe ();
  g_autoptr(AccordProbeResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = _run (probe, ACCORD_PROTOCOL_IMAP, _host (), accord_test_env_port ("ACCORD_TEST_IMAPS_PORT"),
                 ACCORD_SECURITY_TLS, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  return g_strdup (result->certificate_fingerprint);
}

static void
_assert_certificate_refused (AccordProbe    *probe,
                             AccordProtocol  protocol,
                             const char     *port_var,
                             AccordSecurity  security,
                             const char     *fingerprint)
{
  g_autoptr(AccordProbeResult) result = NULL;
  g_autoptr(AccordProbeResult) partial = NULL;
  g_autoptr(GError) error = NULL;

  result = _run (probe, protocol, _host (), accord_test_env_port (port_var), security, _password (),
                 NULL, &partial, &error);
  g_assert_error (error, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_CERTIFICATE);
  g_assert_null (result);

  /* The person decides on the certificate by its fingerprint. */
  g_assert_nonnull (strstr (error->message, fingerprint));
  g_assert_nonnull (partial);
  g_assert_cmpstr (partial->certificate_fingerprint, ==, fingerprint);
  g_assert_nonnull (partial->certificate);
  g_assert_true (partial->certificate_errors & G_TLS_CERTIFICATE_UNKNOWN_CA);
  g_assert_false (partial->certificate_pinned);
  g_assert_cmpint (partial->login, ==, ACCORD_PROBE_LOGIN_NOT_TRIED);
}

static void
test_certificate_untrusted (void)
{
  g_autoptr(AccordProbe) probe = NULL;
  g_autofree char *fingerprint = NULL;

  REQUIRE_ENV ("ACCORD_TEST_IMAPS_PORT", "ACCORD_TEST_IMAP_PORT",
               "ACCORD_TEST_SUBMISSION_PORT");

  fingerprint = _trusted_fingerprint ();

  /* The system's authorities, which do not include the test CA. */
  probe = accord_probe_new ();
  _assert_certificate_refused (probe, ACCORD_PROTOCOL_IMAP, "ACCORD_TEST_IMAPS_PORT",
                               ACCORD_SECURITY_TLS, fingerprint);
  _assert_certificate_refused (probe, ACCORD_PROTOCOL_IMAP, "ACCORD_TEST_IMAP_PORT",
                               ACCORD_SECURITY_STARTTLS, fingerprint);
  _assert_certificate_refused (probe, ACCORD_PROTOCOL_SMTP, "ACCORD_TEST_SUBMISSION_PORT",
                               ACCORD_SECURITY_STARTTLS, fingerprint);
}

static void
test_certificate_pinned (void)
{
  g_autoptr(AccordProbe) probe = NULL;
  g_autoptr(AccordProbeResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *shouted = NULL;

  REQUIRE_ENV ("ACCORD_TEST_IMAPS_PORT", "ACCORD_TEST_SUBMISSION_PORT");

  fingerprint = _trusted_fingerprint ();

  probe = accord_probe_new ();
  accord_probe_set_pinned_certificate (probe, fingerprint);
  g_assert_cmpstr (accord_probe_get_pinned_certificate (probe), ==, fingerprint);

  result = _run (probe, ACCORD_PROTOCOL_IMAP, _host (), accord_test_env_port ("ACCORD_TEST_IMAPS_PORT"),
                 ACCORD_SECURITY_TLS, _password (), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result->certificate_fingerprint, ==, fingerprint);
  g_assert_true (result->certificate_pinned);
  g_assert_true (result->certificate_errors & G_TLS_CERTIFICATE_UNKNOWN_CA);
  g_assert_cmpint (result->login, ==, ACCORD_PROBE_LOGIN_OK);
  g_clear_pointer (&result, accord_probe_result_unref);

  /* Pins are compared however they were written. */
  shouted = g_ascii_strup (fingerprint, -1);
  accord_probe_set_pinned_certificate (probe, shouted);
  result = _run (probe, ACCORD_PROTOCOL_SMTP, _host (),
                 accord_test_env_port ("ACCORD_TEST_SUBMISSION_PORT"), ACCORD_SECURITY_STARTTLS,
                 _password (), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (result->certificate_pinned);
  g_assert_cmpint (result->login, ==, ACCORD_PROBE_LOGIN_OK);
}

static void
test_certificate_pin_does_not_linger (void)
{
  g_autoptr(AccordProbe) pinned = NULL;
  g_autoptr(AccordProbe) unpinned = NULL;
  g_autoptr(AccordProbeResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;

  REQUIRE_ENV ("ACCORD_TEST_IMAPS_PORT");

  fingerprint = _trusted_fingerprint ();

  pinned = accord_probe_new ();
  accord_probe_set_pinned_certificate (pinned, fingerprint);
  result = _run (pinned, ACCORD_PROTOCOL_IMAP, _host (), accord_test_env_port ("ACCORD_TEST_IMAPS_PORT"),
                 ACCORD_SECURITY_TLS, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  /* A resumed TLS session must not carry the acceptance over to a probe without it. */
  unpinned = accord_probe_new ();
  _assert_certificate_refused (unpinned, ACCORD_PROTOCOL_IMAP, "ACCORD_TEST_IMAPS_PORT",
                               ACCORD_SECURITY_TLS, fingerprint);
}

static void
test_certificate_wrong_pin (void)
{
  g_autoptr(AccordProbe) probe = NULL;
  g_autofree char *fingerprint = NULL;

  REQUIRE_ENV ("ACCORD_TEST_IMAPS_PORT");

  fingerprint = _trusted_fingerprint ();

  probe = accord_probe_new ();
  accord_probe_set_pinned_certificate (probe, "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:"
                                              "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff");
  _assert_certificate_refused (probe, ACCORD_PROTOCOL_IMAP, "ACCORD_TEST_IMAPS_PORT",
                               ACCORD_SECURITY_TLS, fingerprint);
}

/* --- Dovecot: the wrong kind of port ------------------------------------------------- */

static void
test_starttls_on_implicit_port (void)
{
  g_autoptr(AccordProbe) probe = NULL;
  g_autoptr(AccordProbeResult) result = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_ENV ("ACCORD_TEST_IMAPS_PORT");

  /* The server waits for a TLS hello, the probe for a greeting: no plaintext login. */
  probe = _trusting_probe ();
  accord_probe_set_timeout (probe, 1);
  result = _run (probe, ACCORD_PROTOCOL_IMAP, _host (), accord_test_env_port ("ACCORD_TEST_IMAPS_PORT"),
                 ACCORD_SECURITY_STARTTLS, _password (), NULL, NULL, &error);
  g_assert_error (error, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_TIMEOUT);
  g_assert_null (result);
}

static void
test_tls_on_starttls_port (void)
{
  g_autoptr(AccordProbe) probe = NULL;
  g_autoptr(AccordProbeResult) result = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_ENV ("ACCORD_TEST_POP3_PORT");

  probe = _trusting_probe ();
  accord_probe_set_timeout (probe, 2);
  result = _run (probe, ACCORD_PROTOCOL_POP3, _host (), accord_test_env_port ("ACCORD_TEST_POP3_PORT"),
                 ACCORD_SECURITY_TLS, _password (), NULL, NULL, &error);
  g_assert_nonnull (error);
  g_assert_true (error->domain == ACCORD_PROBE_ERROR);
  g_assert_null (result);
}

static void
test_plain_sends_no_password (void)
{
  g_autoptr(AccordProbe) probe = NULL;
  g_autoptr(AccordProbeResult) result = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_ENV ("ACCORD_TEST_IMAP_PORT");

  probe = _trusting_probe ();
  result = _run (probe, ACCORD_PROTOCOL_IMAP, _host (), accord_test_env_port ("ACCORD_TEST_IMAP_PORT"),
                 ACCORD_SECURITY_NONE, _password (), NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (result->security, ==, ACCORD_SECURITY_NONE);
  g_assert_true (accord_probe_result_has_capability (result, "STARTTLS"));
  g_assert_true (accord_probe_result_has_capability (result, "LOGINDISABLED"));
  g_assert_null (result->certificate_fingerprint);
  g_assert_null (result->certificate);
  g_assert_cmpint (result->login, ==, ACCORD_PROBE_LOGIN_NOT_TRIED);
  g_assert_nonnull (result->login_message);
}

/* --- servers that misbehave ---------------------------------------------------------- */

typedef char *(*FakeAnswer) (const char *line);

typedef struct
{
  GSocketService *service;
  guint16         port;
  const char     *greeting;
  gsize           greeting_len;
  gboolean        endless;   /* after the greeting, send it again and again */
  FakeAnswer      answer;
  GMutex          lock;
  GString        *received;
} FakeServer;

static gboolean
_on_fake_run_cb (GThreadedSocketService *service,
                 GSocketConnection      *connection,
                 GObject                *source_object,
                 gpointer                user_data)
{
  FakeServer *server = user_data;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr(GDataInputStream) in = NULL;

  if (server->greeting != NULL)
    {
      do
        {
          if (!g_output_stream_write_all (out, server->greeting, server->greeting_len,
                                          NULL, NULL, NULL))
            return TRUE;
        }
      while (server->endless);
    }

  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);

  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, NULL);
      g_autofree char *reply = NULL;

      if (line == NULL)
        return TRUE;

      g_mutex_lock (&server->lock);
      g_string_append_printf (server->received, "%s\n", line);
      g_mutex_unlock (&server->lock);

      if (server->answer != NULL)
        reply = server->answer (line);
      if (reply != NULL &&
          !g_output_stream_write_all (out, reply, strlen (reply), NULL, NULL, NULL))
        return TRUE;
    }
}

static FakeServer *
_fake_server_new (const char *greeting,
                  FakeAnswer  answer)
{
  FakeServer *server = g_new0 (FakeServer, 1);
  g_autoptr(GError) error = NULL;

  g_mutex_init (&server->lock);
  server->received = g_string_new (NULL);
  server->greeting = greeting;
  server->greeting_len = greeting != NULL ? strlen (greeting) : 0;
  server->answer = answer;
  server->service = g_threaded_socket_service_new (4);
  server->port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (server->service),
                                                      NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (server->service, "run", G_CALLBACK (_on_fake_run_cb), server);
  g_socket_service_start (server->service);

  return server;
}

static char *
_fake_server_dup_received (FakeServer *server)
{
  char *received;

  g_mutex_lock (&server->lock);
  received = g_strdup (server->received->str);
  g_mutex_unlock (&server->lock);

  return received;
}

/* The threads end when the probe has hung up; the server stays allocated for them. */
static void
_fake_server_stop (FakeServer *server)
{
  g_socket_service_stop (server->service);
  g_socket_listener_close (G_SOCKET_LISTENER (server->service));
}

static char *
_imap_tag (const char *line)
{
  const char *space = strchr (line, ' ');

  return g_strndup (line, space != NULL ? space - line : 0);
}

static char *
_answer_imap_without_starttls (const char *line)
{
  g_autofree char *tag = _imap_tag (line);

  if (strstr (line, " CAPABILITY") != NULL)
    return g_strdup_printf ("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n%s OK done\r\n", tag);
  if (strstr (line, " LOGOUT") != NULL)
    return g_strdup_printf ("* BYE\r\n%s OK done\r\n", tag);

  return g_strdup_printf ("%s OK whatever you say\r\n", tag);
}

static char *
_answer_pop3_without_starttls (const char *line)
{
  if (g_str_equal (line, "CAPA"))
    return g_strdup ("+OK\r\nUSER\r\nSASL PLAIN\r\nUIDL\r\n.\r\n");

  return g_strdup ("+OK whatever you say\r\n");
}

static char *
_answer_smtp_without_starttls (const char *line)
{
  if (g_str_has_prefix (line, "EHLO"))
    return g_strdup ("250-fake.test\r\n250-PIPELINING\r\n250 AUTH PLAIN LOGIN\r\n");
  if (g_str_equal (line, "QUIT"))
    return g_strdup ("221 bye\r\n");

  return g_strdup ("235 whatever you say\r\n");
}

static void
_assert_no_starttls (AccordProtocol  protocol,
                     const char     *greeting,
                     FakeAnswer      answer,
                     const char     *capability)
{
  FakeServer *server = _fake_server_new (greeting, answer);
  g_autoptr(AccordProbe) probe = accord_probe_new ();
  g_autoptr(AccordProbeResult) result = NULL;
  g_autoptr(AccordProbeResult) partial = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *received = NULL;

  result = _run (probe, protocol, "127.0.0.1", server->port, ACCORD_SECURITY_STARTTLS,
                 "secret-password", NULL, &partial, &error);
  g_assert_error (error, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_NO_STARTTLS);
  g_assert_nonnull (strstr (error->message, "STARTTLS"));
  g_assert_null (result);

  g_assert_true (accord_probe_result_has_capability (partial, capability));
  g_assert_cmpint (partial->login, ==, ACCORD_PROBE_LOGIN_NOT_TRIED);
  g_assert_null (partial->certificate_fingerprint);

  /* Nothing about the login went out in the clear. */
  received = _fake_server_dup_received (server);
  g_assert_null (strstr (received, "LOGIN"));
  g_assert_null (strstr (received, "AUTH"));
  g_assert_null (strstr (received, "USER"));
  g_assert_null (strstr (received, "PASS"));

  _fake_server_stop (server);
}

static void
test_no_starttls (void)
{
  _assert_no_starttls (ACCORD_PROTOCOL_IMAP, "* OK IMAP4rev1 ready\r\n",
                       _answer_imap_without_starttls, "IMAP4REV1");
  _assert_no_starttls (ACCORD_PROTOCOL_POP3, "+OK POP3 ready\r\n",
                       _answer_pop3_without_starttls, "UIDL");
  _assert_no_starttls (ACCORD_PROTOCOL_SMTP, "220 fake.test ESMTP\r\n",
                       _answer_smtp_without_starttls, "PIPELINING");
}

static char *
_answer_imap_injecting (const char *line)
{
  g_autofree char *tag = _imap_tag (line);

  if (strstr (line, " CAPABILITY") != NULL)
    return g_strdup_printf ("* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN\r\n%s OK done\r\n",
                            tag);
  if (strstr (line, " STARTTLS") != NULL)
    return g_strdup_printf ("%s OK Begin TLS\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] "
                            "injected\r\n", tag);

  return g_strdup_printf ("%s OK whatever you say\r\n", tag);
}

static void
test_starttls_injection (void)
{
  FakeServer *server = _fake_server_new ("* OK IMAP4rev1 ready\r\n", _answer_imap_injecting);
  g_autoptr(AccordProbe) probe = accord_probe_new ();
  g_autoptr(AccordProbeResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *received = NULL;

  /* What follows the answer to STARTTLS in the clear must not be believed. */
  accord_probe_set_timeout (probe, 2);
  result = _run (probe, ACCORD_PROTOCOL_IMAP, "127.0.0.1", server->port,
                 ACCORD_SECURITY_STARTTLS, "secret-password", NULL, NULL, &error);
  g_assert_nonnull (error);
  g_assert_true (error->domain == ACCORD_PROBE_ERROR);
  g_assert_null (result);

  received = _fake_server_dup_received (server);
  g_assert_null (strstr (received, "AUTHENTICATE"));
  g_assert_null (strstr (received, "LOGIN"));

  _fake_server_stop (server);
}

static void
test_silent_server (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(AccordProbe) probe = accord_probe_new ();
  g_autoptr(AccordProbeResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  /* The kernel completes the connection; nobody ever answers it. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);

  accord_probe_set_timeout (probe, 1);
  for (AccordSecurity security = ACCORD_SECURITY_TLS; security <= ACCORD_SECURITY_NONE;
       security++)
    {
      result = _run (probe, ACCORD_PROTOCOL_IMAP, "127.0.0.1", port, security,
                     "secret-password", NULL, NULL, &error);
      g_assert_error (error, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_TIMEOUT);
      g_assert_null (result);
      g_clear_error (&error);
    }
}

static void
_assert_protocol_error (AccordProtocol  protocol,
                        const char     *greeting,
                        gssize          greeting_len,
                        gboolean        endless)
{
  FakeServer *server = _fake_server_new (greeting, NULL);
  g_autoptr(AccordProbe) probe = accord_probe_new ();
  g_autoptr(AccordProbeResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (greeting_len >= 0)
    server->greeting_len = greeting_len;
  server->endless = endless;
  accord_probe_set_timeout (probe, 5);
  result = _run (probe, protocol, "127.0.0.1", server->port, ACCORD_SECURITY_STARTTLS,
                 "secret-password", NULL, NULL, &error);
  g_assert_error (error, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_assert_null (result);

  _fake_server_stop (server);
}

static void
test_garbage_greeting (void)
{
  const char binary[] = "* OK \0\1\2\r\n";

  _assert_protocol_error (ACCORD_PROTOCOL_IMAP, "HTTP/1.1 400 Bad Request\r\n\r\n", -1, FALSE);
  _assert_protocol_error (ACCORD_PROTOCOL_POP3, "SSH-2.0-OpenSSH_9.2\r\n", -1, FALSE);
  _assert_protocol_error (ACCORD_PROTOCOL_SMTP, "hello there\r\n", -1, FALSE);
  _assert_protocol_error (ACCORD_PROTOCOL_IMAP, binary, sizeof binary - 1, FALSE);
}

static void
test_endless_answers (void)
{
  g_autofree char *long_line = g_strnfill (70 * 1024, 'x');

  /* One line without end, and lines without end. */
  _assert_protocol_error (ACCORD_PROTOCOL_IMAP, long_line, -1, TRUE);
  _assert_protocol_error (ACCORD_PROTOCOL_SMTP, "220-still greeting\r\n", -1, TRUE);
}

static gboolean
_cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(AccordProbe) probe = accord_probe_new ();
  g_autoptr(GError) error = NULL;
  guint16 port;

  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);

  /* Waiting for the greeting, in the TLS handshake, and before anything happened. */
  for (AccordSecurity security = ACCORD_SECURITY_TLS; security <= ACCORD_SECURITY_STARTTLS;
       security++)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(AccordProbeResult) result = NULL;

      g_timeout_add (100, _cancel_cb, cancellable);
      result = _run (probe, ACCORD_PROTOCOL_IMAP, "127.0.0.1", port, security,
                     "secret-password", cancellable, NULL, &error);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_null (result);
      g_clear_error (&error);
    }

  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(AccordProbeResult) result = NULL;

    g_cancellable_cancel (cancellable);
    result = _run (probe, ACCORD_PROTOCOL_SMTP, "127.0.0.1", port, ACCORD_SECURITY_TLS,
                   NULL, cancellable, NULL, &error);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_null (result);
  }
}

static void
test_cancel_dovecot (void)
{
  g_autoptr(AccordProbe) probe = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(AccordProbeResult) result = NULL;
  g_autoptr(GAsyncResult) async_result = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_ENV ("ACCORD_TEST_SUBMISSION_PORT");

  /* Cancelled while the conversation is under way, at whatever step it has reached. */
  probe = _trusting_probe ();
  accord_probe_run_async (probe, ACCORD_PROTOCOL_SMTP, _host (),
                          accord_test_env_port ("ACCORD_TEST_SUBMISSION_PORT"), ACCORD_SECURITY_STARTTLS,
                          _user (), _password (), cancellable,
                          accord_test_result_cb, &async_result);
  for (guint i = 0; i < 3; i++)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);

  result = accord_probe_run_finish (probe, accord_test_wait_result (&async_result), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
}

/* --- helpers ------------------------------------------------------------------------- */

static void
test_fingerprint_normalize (void)
{
  const char *canonical = "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:"
                          "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89";
  g_autofree char *a = accord_fingerprint_normalize ("ABCDEF0123456789ABCDEF0123456789"
                                                     "ABCDEF0123456789ABCDEF0123456789");
  g_autofree char *b = accord_fingerprint_normalize (canonical);

  g_assert_cmpstr (a, ==, canonical);
  g_assert_cmpstr (b, ==, canonical);
  g_assert_null (accord_fingerprint_normalize ("ab:cd"));
  g_assert_null (accord_fingerprint_normalize ("not a fingerprint at all, not at all!!"));
  g_assert_true (accord_fingerprint_equal (a, "AB CD EF 01 23 45 67 89 AB CD EF 01 23 45 67 89 "
                                              "AB CD EF 01 23 45 67 89 AB CD EF 01 23 45 67 89"));
  g_assert_false (accord_fingerprint_equal (a, NULL));
}

static void
test_describe_errors (void)
{
  g_autofree char *unknown = accord_certificate_describe_errors (G_TLS_CERTIFICATE_UNKNOWN_CA,
                                                                 "mail.example.test");
  g_autofree char *both = accord_certificate_describe_errors (G_TLS_CERTIFICATE_BAD_IDENTITY |
                                                              G_TLS_CERTIFICATE_EXPIRED,
                                                              "mail.example.test");

  g_assert_nonnull (strstr (unknown, "authority"));
  g_assert_nonnull (strstr (both, "mail.example.test"));
  g_assert_nonnull (strstr (both, "expired"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (endpoints); i++)
    {
      const Endpoint *endpoint = &endpoints[i];
      g_autofree char *base = g_strdup_printf ("/probe/%s/%s",
                                               accord_protocol_to_string (endpoint->protocol),
                                               accord_security_to_string (endpoint->security));
      g_autofree char *login = g_strconcat (base, "/login", NULL);
      g_autofree char *wrong = g_strconcat (base, "/wrong-password", NULL);
      g_autofree char *none = g_strconcat (base, "/no-password", NULL);

      g_test_add_data_func (login, endpoint, test_endpoint_login);
      g_test_add_data_func (wrong, endpoint, test_endpoint_wrong_password);
      g_test_add_data_func (none, endpoint, test_endpoint_no_password);
    }

  g_test_add_func ("/probe/certificate/untrusted", test_certificate_untrusted);
  g_test_add_func ("/probe/certificate/pinned", test_certificate_pinned);
  g_test_add_func ("/probe/certificate/pin-does-not-linger", test_certificate_pin_does_not_linger);
  g_test_add_func ("/probe/certificate/wrong-pin", test_certificate_wrong_pin);
  g_test_add_func ("/probe/certificate/fingerprint-normalize", test_fingerprint_normalize);
  g_test_add_func ("/probe/certificate/describe-errors", test_describe_errors);
  g_test_add_func ("/probe/security/starttls-on-implicit-port", test_starttls_on_implicit_port);
  g_test_add_func ("/probe/security/tls-on-starttls-port", test_tls_on_starttls_port);
  g_test_add_func ("/probe/security/plain-sends-no-password", test_plain_sends_no_password);
  g_test_add_func ("/probe/security/no-starttls", test_no_starttls);
  g_test_add_func ("/probe/security/starttls-injection", test_starttls_injection);
  g_test_add_func ("/probe/server/silent", test_silent_server);
  g_test_add_func ("/probe/server/garbage-greeting", test_garbage_greeting);
  g_test_add_func ("/probe/server/endless-answers", test_endless_answers);
  g_test_add_func ("/probe/cancel/waiting", test_cancel);
  g_test_add_func ("/probe/cancel/dovecot", test_cancel_dovecot);

  return g_test_run ();
}
