/* test-smtp-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under tests/servers/accord-test-servers --dovecot; the tests that need Dovecot
 * skip without it. Misbehaving servers are played by small servers in this file, and
 * the envelope parser needs no server at all.
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "accord-smtp-client.h"
#include "accord-test-utils.h"

#define TIMEOUT 10

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

#define REQUIRE_DOVECOT() \
  G_STMT_START { \
    const char * const names_[] = { "ACCORD_TEST_HOST", "ACCORD_TEST_CA_FILE", \
                                     "ACCORD_TEST_USER", "ACCORD_TEST_PASSWORD", \
                                     "ACCORD_TEST_EMAIL", "ACCORD_TEST_SUBMISSION_PORT", \
                                     "ACCORD_TEST_SUBMISSIONS_PORT", \
                                     "ACCORD_TEST_SMTP_SINK_DIR", NULL }; \
    if (!_require_env (names_)) \
      return; \
  } G_STMT_END

/* --- running the client ------------------------------------------------------------- */

static AccordSmtpClient *
_connect_to (const char      *host,
             guint16          port,
             AccordSecurity   security,
             GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  AccordSmtpClient *client;

  if (g_getenv ("ACCORD_TEST_CA_FILE") != NULL)
    {
      database = g_tls_file_database_new (g_getenv ("ACCORD_TEST_CA_FILE"), error);
      g_assert_no_error (*error);
    }

  accord_smtp_client_connect_async (host, port, security, NULL, database, TIMEOUT, NULL,
                                    accord_test_result_cb, &result);
  client = accord_smtp_client_connect_finish (accord_test_wait_result (&result), error);
  if (client == NULL)
    g_test_message ("connect: %s", (*error)->message);

  return client;
}

static AccordSmtpClient *
_connect (const char      *port_var,
          AccordSecurity   security,
          GError         **error)
{
  return _connect_to (g_getenv ("ACCORD_TEST_HOST"), accord_test_env_port (port_var), security, error);
}

static gboolean
_login (AccordSmtpClient  *client,
        const char        *password,
        GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  gboolean ok;

  accord_smtp_client_login_async (client, g_getenv ("ACCORD_TEST_USER"), password, NULL,
                                  accord_test_result_cb, &result);
  ok = accord_smtp_client_login_finish (client, accord_test_wait_result (&result), error);
  if (!ok)
    g_test_message ("login: %s", (*error)->message);

  return ok;
}

static AccordSmtpClient *
_connect_and_login (void)
{
  g_autoptr(GError) error = NULL;
  AccordSmtpClient *client;

  client = _connect ("ACCORD_TEST_SUBMISSIONS_PORT", ACCORD_SECURITY_TLS, &error);
  g_assert_no_error (error);
  _login (client, g_getenv ("ACCORD_TEST_PASSWORD"), &error);
  g_assert_no_error (error);

  return client;
}

static gboolean
_send (AccordSmtpClient    *client,
       const char          *from,
       const char * const  *recipients,
       const char          *message,
       GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (message, strlen (message));
  gboolean ok;

  accord_smtp_client_send_async (client, from, recipients, bytes, NULL,
                                 accord_test_result_cb, &result);
  ok = accord_smtp_client_send_finish (client, accord_test_wait_result (&result), error);
  if (!ok)
    g_test_message ("send: %s", (*error)->message);

  return ok;
}

static void
_quit (AccordSmtpClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  accord_smtp_client_quit_async (client, NULL, accord_test_result_cb, &result);
  accord_smtp_client_quit_finish (client, accord_test_wait_result (&result), &error);
  g_assert_no_error (error);
}

static char *
_unique_id (const char *tag)
{
  static guint counter;

  return g_strdup_printf ("<%s-%u-%" G_GINT64_FORMAT "@example.test>", tag, ++counter,
                          g_get_real_time ());
}

/* --- what arrived at the sink ------------------------------------------------------- */

/* The base path ("DIR/N") of the message in the sink that contains @needle; with
 * @wait, waits a little for it, since the relay may still be writing. NULL if none
 * arrived. */
static char *
_sink_find (const char *needle,
            gboolean    wait)
{
  const char *dir = g_getenv ("ACCORD_TEST_SMTP_SINK_DIR");
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  do
    {
      g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
      const char *name;

      while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
        {
          g_autofree char *path = NULL;
          g_autofree char *contents = NULL;

          if (!g_str_has_suffix (name, ".eml") || name[0] == '.')
            continue;
          path = g_build_filename (dir, name, NULL);
          if (g_file_get_contents (path, &contents, NULL, NULL) &&
              strstr (contents, needle) != NULL)
            return g_strndup (path, strlen (path) - strlen (".eml"));
        }
      if (wait)
        g_usleep (20 * 1000);
    }
  while (wait && g_get_monotonic_time () < deadline);

  return NULL;
}

static char *
_sink_message (const char *base)
{
  g_autofree char *path = g_strconcat (base, ".eml", NULL);

  return accord_test_read_file (path);
}

static JsonObject *
_sink_envelope (const char *base)
{
  g_autofree char *path = g_strconcat (base, ".json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static gboolean
_envelope_has_recipient (JsonObject *envelope,
                         const char *address)
{
  JsonArray *rcpt = json_object_get_array_member (envelope, "rcpt_to");

  for (guint i = 0; i < json_array_get_length (rcpt); i++)
    if (g_strcmp0 (json_array_get_string_element (rcpt, i), address) == 0)
      return TRUE;

  return FALSE;
}

/* The body of a message as it arrived: what follows the first empty line. */
static const char *
_body (const char *message)
{
  const char *blank = strstr (message, "\r\n\r\n");

  g_assert_nonnull (blank);
  return blank + 4;
}

/* --- connecting and logging in ------------------------------------------------------ */

static void
test_connect_tls (void)
{
  g_autoptr(AccordSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_DOVECOT ();

  client = _connect ("ACCORD_TEST_SUBMISSIONS_PORT", ACCORD_SECURITY_TLS, &error);
  g_assert_no_error (error);
  g_assert_nonnull (accord_smtp_client_get_greeting (client));
  g_assert_true (accord_smtp_client_has_extension (client, "PIPELINING"));
  g_assert_true (accord_smtp_client_has_extension (client, "8bitmime"));
  g_assert_true (accord_smtp_client_has_extension (client, "ENHANCEDSTATUSCODES"));
  g_assert_true (g_strv_contains (accord_smtp_client_get_auth_mechanisms (client), "PLAIN"));
  g_assert_false (accord_smtp_client_is_logged_in (client));

  _login (client, g_getenv ("ACCORD_TEST_PASSWORD"), &error);
  g_assert_no_error (error);
  g_assert_true (accord_smtp_client_is_logged_in (client));
  /* Dovecot tells its limit only to users who logged in. */
  g_assert_cmpuint (accord_smtp_client_get_size_limit (client), >, 0);

  _quit (client);
}

static void
test_connect_starttls (void)
{
  g_autoptr(AccordSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_DOVECOT ();

  client = _connect ("ACCORD_TEST_SUBMISSION_PORT", ACCORD_SECURITY_STARTTLS, &error);
  g_assert_no_error (error);
  /* What the server said before TLS does not count. */
  g_assert_false (accord_smtp_client_has_extension (client, "STARTTLS"));
  g_assert_true (g_strv_contains (accord_smtp_client_get_auth_mechanisms (client), "PLAIN"));

  _login (client, g_getenv ("ACCORD_TEST_PASSWORD"), &error);
  g_assert_no_error (error);
  _quit (client);
}

static void
test_connect_plain_refuses_password (void)
{
  g_autoptr(AccordSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_DOVECOT ();

  client = _connect ("ACCORD_TEST_SUBMISSION_PORT", ACCORD_SECURITY_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (accord_smtp_client_has_extension (client, "STARTTLS"));

  g_assert_false (_login (client, g_getenv ("ACCORD_TEST_PASSWORD"), &error));
  g_assert_error (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_LOGIN);
  g_assert_false (accord_smtp_error_is_permanent (error));
}

static void
test_connect_untrusted (void)
{
  g_autoptr(AccordSmtpClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_DOVECOT ();

  /* The system's authorities, which do not include the test CA. */
  accord_smtp_client_connect_async (g_getenv ("ACCORD_TEST_HOST"),
                                    accord_test_env_port ("ACCORD_TEST_SUBMISSION_PORT"),
                                    ACCORD_SECURITY_STARTTLS, NULL, NULL, TIMEOUT, NULL,
                                    accord_test_result_cb, &result);
  client = accord_smtp_client_connect_finish (accord_test_wait_result (&result), &error);
  g_assert_error (error, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_CERTIFICATE);
  g_assert_null (client);
}

static void
test_login_wrong_password (void)
{
  g_autoptr(AccordSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_DOVECOT ();

  client = _connect ("ACCORD_TEST_SUBMISSIONS_PORT", ACCORD_SECURITY_TLS, &error);
  g_assert_no_error (error);

  g_assert_false (_login (client, "not-the-password", &error));
  g_assert_error (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_AUTH);
  g_assert_cmpuint (accord_smtp_error_get_reply_code (error), ==, 535);
  g_assert_null (strstr (error->message, "not-the-password"));
  g_assert_false (accord_smtp_error_is_permanent (error));
  g_clear_error (&error);

  _login (client, g_getenv ("ACCORD_TEST_PASSWORD"), &error);
  g_assert_no_error (error);
  _quit (client);
}

/* --- sending ------------------------------------------------------------------------ */

static void
test_send_bcc (void)
{
  g_autoptr(AccordSmtpClient) client = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GBytes) to_send = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) envelope = NULL;
  g_auto(GStrv) recipients = NULL;
  g_autofree char *from = NULL;
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;
  g_autofree char *base = NULL;
  g_autofree char *arrived = NULL;
  g_autofree char *header = NULL;

  REQUIRE_DOVECOT ();

  id = _unique_id ("bcc");
  text = g_strdup_printf ("From: Alice <%s>\r\n"
                          "To: Bob <bob@example.test>\r\n"
                          "Cc: \"Carol, the boss\" <carol@example.test>\r\n"
                          "Bcc: Dave <dave@example.test>,\r\n"
                          "  Bob <BOB@EXAMPLE.TEST>\r\n"
                          "Subject: Three recipients, one unseen\r\n"
                          "Message-ID: %s\r\n"
                          "\r\n"
                          "Bcc: this line is in the body and stays.\r\n",
                          g_getenv ("ACCORD_TEST_EMAIL"), id);
  message = g_bytes_new (text, strlen (text));

  accord_smtp_envelope_from_message (message, &from, &recipients, &to_send, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (from, ==, g_getenv ("ACCORD_TEST_EMAIL"));
  g_assert_cmpuint (g_strv_length (recipients), ==, 3);

  client = _connect_and_login ();
  accord_smtp_client_send_async (client, from, (const char * const *) recipients, to_send,
                                 NULL, accord_test_result_cb, &result);
  accord_smtp_client_send_finish (client, accord_test_wait_result (&result), &error);
  g_assert_no_error (error);
  _quit (client);

  base = _sink_find (id, TRUE);
  g_assert_nonnull (base);
  envelope = _sink_envelope (base);
  g_assert_cmpstr (json_object_get_string_member (envelope, "mail_from"), ==,
                   g_getenv ("ACCORD_TEST_EMAIL"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (envelope, "rcpt_to")),
                    ==, 3);
  g_assert_true (_envelope_has_recipient (envelope, "bob@example.test"));
  g_assert_true (_envelope_has_recipient (envelope, "carol@example.test"));
  g_assert_true (_envelope_has_recipient (envelope, "dave@example.test"));

  arrived = _sink_message (base);
  g_assert_cmpstr (_body (arrived), ==, "Bcc: this line is in the body and stays.\r\n");
  header = g_strndup (arrived, _body (arrived) - arrived);
  g_assert_null (strstr (header, "\nBcc:"));
  g_assert_null (strstr (header, "dave@"));
  g_assert_nonnull (strstr (header, "\r\nTo: Bob <bob@example.test>\r\n"));
  g_test_message ("arrived: %s", header);
}

static void
test_send_dot_stuffing (void)
{
  g_autoptr(AccordSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;
  g_autofree char *base = NULL;
  g_autofree char *arrived = NULL;
  const char * const recipients[] = { "bob@example.test", NULL };

  REQUIRE_DOVECOT ();

  id = _unique_id ("dots");
  /* Bare LF line ends, lines of dots, 8-bit text, and no line end at the very end. */
  text = g_strdup_printf ("From: %s\n"
                          "To: bob@example.test\n"
                          "Subject: Dots\n"
                          "Message-ID: %s\n"
                          "Content-Type: text/plain; charset=utf-8\n"
                          "Content-Transfer-Encoding: 8bit\n"
                          "\n"
                          ".\n"
                          "..\n"
                          ".\r\n"
                          ".leading dot\r\n"
                          "\n"
                          "Grüße\n"
                          ".",
                          g_getenv ("ACCORD_TEST_EMAIL"), id);

  client = _connect_and_login ();
  _send (client, g_getenv ("ACCORD_TEST_EMAIL"), recipients, text, &error);
  g_assert_no_error (error);
  _quit (client);

  base = _sink_find (id, TRUE);
  g_assert_nonnull (base);
  arrived = _sink_message (base);
  g_assert_cmpstr (_body (arrived), ==,
                   ".\r\n"
                   "..\r\n"
                   ".\r\n"
                   ".leading dot\r\n"
                   "\r\n"
                   "Grüße\r\n"
                   ".\r\n");
}

/* A message of a megabyte goes out in pieces, its dot lines stuffed wherever the
 * pieces are cut, and arrives whole. */
static void
test_send_large (void)
{
  g_autoptr(AccordSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *id = _unique_id ("large");
  g_autofree char *base = NULL;
  g_autofree char *arrived = NULL;
  const char * const recipients[] = { "bob@example.test", NULL };

  REQUIRE_DOVECOT ();

  g_string_append_printf (text, "From: %s\r\nTo: bob@example.test\r\nSubject: Large\r\n"
                                "Message-ID: %s\r\n\r\n", g_getenv ("ACCORD_TEST_EMAIL"), id);
  for (guint i = 0; body->len < 1024 * 1024; i++)
    g_string_append_printf (body, i % 7 == 0 ? ".line %u, dotted, of a long message\r\n"
                                             : "line %u of a long message, to make it long\r\n", i);
  g_string_append (text, body->str);

  client = _connect_and_login ();
  _send (client, g_getenv ("ACCORD_TEST_EMAIL"), recipients, text->str, &error);
  g_assert_no_error (error);
  _quit (client);

  base = _sink_find (id, TRUE);
  g_assert_nonnull (base);
  arrived = _sink_message (base);
  g_assert_cmpstr (_body (arrived), ==, body->str);
}

static void
test_send_refused_recipient (void)
{
  g_autoptr(AccordSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *refused_id = NULL;
  g_autofree char *refused_text = NULL;
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;
  g_autofree char *base = NULL;
  const char * const refused[] = { "bob@example.test", "bob@", NULL };
  const char * const valid[] = { "bob@example.test", NULL };

  REQUIRE_DOVECOT ();

  refused_id = _unique_id ("refused");
  refused_text = g_strdup_printf ("Subject: never\r\nMessage-ID: %s\r\n\r\nNo.\r\n",
                                  refused_id);
  id = _unique_id ("after-refusal");
  text = g_strdup_printf ("Subject: after\r\nMessage-ID: %s\r\n\r\nYes.\r\n", id);

  client = _connect_and_login ();
  g_assert_false (_send (client, g_getenv ("ACCORD_TEST_EMAIL"), refused, refused_text,
                         &error));
  g_assert_error (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_PERMANENT);
  g_assert_true (accord_smtp_error_is_permanent (error));
  g_assert_cmpuint (accord_smtp_error_get_reply_code (error) / 100, ==, 5);
  g_assert_nonnull (accord_smtp_error_get_enhanced_code (error));
  g_assert_nonnull (strstr (error->message, "bob@:"));
  g_clear_error (&error);

  /* The transaction was reset: the next message goes out alone. */
  _send (client, g_getenv ("ACCORD_TEST_EMAIL"), valid, text, &error);
  g_assert_no_error (error);
  _quit (client);

  base = _sink_find (id, TRUE);
  g_assert_nonnull (base);
  /* It would have arrived before the message after it. */
  g_assert_null (_sink_find (refused_id, FALSE));
}

static void
test_send_without_login (void)
{
  g_autoptr(AccordSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  const char * const recipients[] = { "bob@example.test", NULL };

  REQUIRE_DOVECOT ();

  client = _connect ("ACCORD_TEST_SUBMISSIONS_PORT", ACCORD_SECURITY_TLS, &error);
  g_assert_no_error (error);

  /* The account's trouble, not the message's: the outbox keeps it. */
  g_assert_false (_send (client, g_getenv ("ACCORD_TEST_EMAIL"), recipients,
                         "Subject: x\r\n\r\nx\r\n", &error));
  g_assert_error (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_LOGIN);
  g_assert_cmpuint (accord_smtp_error_get_reply_code (error), ==, 530);
  g_assert_false (accord_smtp_error_is_permanent (error));
  g_clear_error (&error);

  _login (client, g_getenv ("ACCORD_TEST_PASSWORD"), &error);
  g_assert_no_error (error);
  g_assert_true (_send (client, g_getenv ("ACCORD_TEST_EMAIL"), recipients,
                        "Subject: x\r\n\r\nx\r\n", &error));
  g_assert_no_error (error);
  _quit (client);
}

/* --- servers that misbehave ---------------------------------------------------------- */

typedef struct
{
  const char *command;  /* a prefix of the line; "." for the end of the data */
  const char *answer;
} FakeRule;

typedef struct
{
  GSocketService *service;
  guint16         port;
  const FakeRule *rules;
  GMutex          lock;
  GString        *received;
} FakeServer;

static const char *
_fake_answer (FakeServer *server,
              const char *line)
{
  for (const FakeRule *rule = server->rules; rule->command != NULL; rule++)
    if (g_ascii_strncasecmp (line, rule->command, strlen (rule->command)) == 0)
      return rule->answer;

  if (g_str_has_prefix (line, "EHLO"))
    return "250-fake.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n";
  if (g_str_has_prefix (line, "DATA"))
    return "354 go on\r\n";
  if (g_str_has_prefix (line, "QUIT"))
    return "221 bye\r\n";

  return "250 2.0.0 fine\r\n";
}

static gboolean
_on_fake_run_cb (GThreadedSocketService *service,
                 GSocketConnection      *connection,
                 GObject                *source_object,
                 gpointer                user_data)
{
  FakeServer *server = user_data;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr(GDataInputStream) in = NULL;
  const char greeting[] = "220 fake.test ESMTP\r\n";
  gboolean in_data = FALSE;

  if (!g_output_stream_write_all (out, greeting, strlen (greeting), NULL, NULL, NULL))
    return TRUE;

  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);

  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, NULL);
      const char *answer;

      if (line == NULL)
        return TRUE;

      g_mutex_lock (&server->lock);
      g_string_append_printf (server->received, "%s\n", line);
      g_mutex_unlock (&server->lock);

      if (in_data && strcmp (line, ".") != 0)
        continue;

      answer = _fake_answer (server, line);
      in_data = g_str_has_prefix (line, "DATA") && g_str_has_prefix (answer, "354");
      if (!g_output_stream_write_all (out, answer, strlen (answer), NULL, NULL, NULL))
        return TRUE;
      if (g_str_has_prefix (answer, "421"))
        return TRUE;
    }
}

static FakeServer *
_fake_server_new (const FakeRule *rules)
{
  FakeServer *server = g_new0 (FakeServer, 1);
  g_autoptr(GError) error = NULL;

  g_mutex_init (&server->lock);
  server->received = g_string_new (NULL);
  server->rules = rules;
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

/* The threads end when the client has hung up; the server stays allocated for them. */
static void
_fake_server_stop (FakeServer *server)
{
  g_socket_service_stop (server->service);
  g_socket_listener_close (G_SOCKET_LISTENER (server->service));
}

static AccordSmtpClient *
_fake_connect (FakeServer *server)
{
  g_autoptr(GError) error = NULL;
  AccordSmtpClient *client;

  client = _connect_to ("127.0.0.1", server->port, ACCORD_SECURITY_NONE, &error);
  g_assert_no_error (error);

  return client;
}

static const char * const fake_recipients[] = { "bob@example.test", "carol@example.test",
                                                NULL };

static void
test_fake_no_starttls (void)
{
  static const FakeRule rules[] = { { NULL, NULL } };
  FakeServer *server = _fake_server_new (rules);
  g_autoptr(AccordSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  client = _connect_to ("127.0.0.1", server->port, ACCORD_SECURITY_STARTTLS, &error);
  g_assert_error (error, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_NO_STARTTLS);
  g_assert_null (client);

  _fake_server_stop (server);
}

static void
test_fake_starttls_refused (void)
{
  static const FakeRule rules[] = {
    { "EHLO", "250-fake.test\r\n250 STARTTLS\r\n" },
    { "STARTTLS", "454 4.7.0 TLS not available\r\n" },
    { NULL, NULL }
  };
  FakeServer *server = _fake_server_new (rules);
  g_autoptr(AccordSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  client = _connect_to ("127.0.0.1", server->port, ACCORD_SECURITY_STARTTLS, &error);
  g_assert_error (error, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_NO_STARTTLS);
  g_assert_nonnull (strstr (error->message, "TLS not available"));
  g_assert_null (client);

  _fake_server_stop (server);
}

static void
test_fake_smtputf8 (void)
{
  static const FakeRule rules[] = {
    { "EHLO", "250-fake.test\r\n250-SIZE 1000\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n" },
    { NULL, NULL }
  };
  FakeServer *server = _fake_server_new (rules);
  g_autoptr(AccordSmtpClient) client = _fake_connect (server);
  g_autoptr(GError) error = NULL;
  g_autofree char *received = NULL;
  const char * const unicode[] = { "jürgen@bücher.example", NULL };

  g_assert_true (_send (client, "ßenderin@example.test", unicode, "Subject: Grüße\r\n\r\n",
                        &error));
  g_assert_no_error (error);
  _quit (client);

  /* Not pipelined: the server does not announce PIPELINING. */
  received = _fake_server_dup_received (server);
  g_assert_nonnull (strstr (received, "MAIL FROM:<ßenderin@example.test> SIZE=20 "
                                      "BODY=8BITMIME SMTPUTF8\n"
                                      "RCPT TO:<jürgen@bücher.example>\n"
                                      "DATA\n"));

  _fake_server_stop (server);
}

static void
test_fake_too_large (void)
{
  static const FakeRule rules[] = {
    { "EHLO", "250-fake.test\r\n250-SIZE 100\r\n250 PIPELINING\r\n" },
    { NULL, NULL }
  };
  FakeServer *server = _fake_server_new (rules);
  g_autoptr(AccordSmtpClient) client = _fake_connect (server);
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_strnfill (200, 'x');
  g_autofree char *received = NULL;

  g_assert_cmpuint (accord_smtp_client_get_size_limit (client), ==, 100);
  g_assert_false (_send (client, "alice@example.test", fake_recipients, big, &error));
  g_assert_error (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_TOO_LARGE);
  g_assert_true (accord_smtp_error_is_permanent (error));
  _quit (client);

  received = _fake_server_dup_received (server);
  g_assert_null (strstr (received, "MAIL FROM"));

  _fake_server_stop (server);
}

static void
test_fake_temporary_recipient (void)
{
  static const FakeRule rules[] = {
    { "RCPT TO:<carol@", "450-4.2.1 Carol's mailbox is busy,\r\n450 4.2.1 try later\r\n" },
    { NULL, NULL }
  };
  FakeServer *server = _fake_server_new (rules);
  g_autoptr(AccordSmtpClient) client = _fake_connect (server);
  g_autoptr(GError) error = NULL;
  g_autofree char *received = NULL;

  g_assert_false (_send (client, "alice@example.test", fake_recipients,
                         "Subject: x\r\n\r\nhi\r\n", &error));
  g_assert_error (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_TEMPORARY);
  g_assert_false (accord_smtp_error_is_permanent (error));
  g_assert_cmpuint (accord_smtp_error_get_reply_code (error), ==, 450);
  g_assert_cmpstr (accord_smtp_error_get_enhanced_code (error), ==, "4.2.1");
  g_assert_nonnull (strstr (error->message, "carol@example.test"));
  g_assert_nonnull (strstr (error->message, "450 4.2.1 Carol's mailbox is busy, 4.2.1 try "
                                            "later"));
  _quit (client);

  /* Nothing went to Bob either: the transaction was reset before DATA. */
  received = _fake_server_dup_received (server);
  g_assert_nonnull (strstr (received, "RSET\n"));
  g_assert_null (strstr (received, "DATA"));

  _fake_server_stop (server);
}

static void
test_fake_final_refusal (void)
{
  static const FakeRule rules[] = {
    { ".", "554 5.7.1 Looks like spam\r\n" },
    { NULL, NULL }
  };
  FakeServer *server = _fake_server_new (rules);
  g_autoptr(AccordSmtpClient) client = _fake_connect (server);
  g_autoptr(GError) error = NULL;
  g_autofree char *received = NULL;

  g_assert_false (_send (client, "alice@example.test", fake_recipients,
                         "Subject: Grüße\r\n\r\n.hidden\r\n..\r\n", &error));
  g_assert_error (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_PERMANENT);
  g_assert_cmpuint (accord_smtp_error_get_reply_code (error), ==, 554);
  g_assert_cmpstr (accord_smtp_error_get_enhanced_code (error), ==, "5.7.1");
  g_assert_nonnull (strstr (error->message, "554 5.7.1 Looks like spam"));
  _quit (client);

  received = _fake_server_dup_received (server);
  /* 8-bit text asks for 8BITMIME; no SMTPUTF8, which the server lacks. */
  g_assert_nonnull (strstr (received, "MAIL FROM:<alice@example.test> BODY=8BITMIME\n"));
  g_assert_nonnull (strstr (received, "RCPT TO:<bob@example.test>\n"
                                      "RCPT TO:<carol@example.test>\n"
                                      "DATA\n"
                                      "Subject: Grüße\n\n..hidden\n...\n.\n"));

  _fake_server_stop (server);
}

static void
test_fake_closing (void)
{
  static const FakeRule rules[] = {
    { "MAIL", "421 4.3.2 Shutting down\r\n" },
    { NULL, NULL }
  };
  FakeServer *server = _fake_server_new (rules);
  g_autoptr(AccordSmtpClient) client = _fake_connect (server);
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GBytes) message = g_bytes_new_static ("Subject: x\r\n\r\nx\r\n", 17);
  g_autoptr(GError) error = NULL;

  /* Two at once: the second waits for the first, then finds the connection gone. */
  accord_smtp_client_send_async (client, "alice@example.test", fake_recipients, message,
                                 NULL, accord_test_result_cb, &first);
  accord_smtp_client_send_async (client, "alice@example.test", fake_recipients, message,
                                 NULL, accord_test_result_cb, &second);

  accord_smtp_client_send_finish (client, accord_test_wait_result (&first), &error);
  g_assert_error (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_TEMPORARY);
  g_assert_cmpuint (accord_smtp_error_get_reply_code (error), ==, 421);
  g_clear_error (&error);

  accord_smtp_client_send_finish (client, accord_test_wait_result (&second), &error);
  g_assert_error (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_CLOSED);
  g_assert_false (accord_smtp_error_is_permanent (error));

  _fake_server_stop (server);
}

static void
test_fake_utf8_addresses (void)
{
  static const FakeRule rules[] = { { NULL, NULL } };
  FakeServer *server = _fake_server_new (rules);
  g_autoptr(AccordSmtpClient) client = _fake_connect (server);
  g_autoptr(GError) error = NULL;
  const char * const unicode[] = { "jürgen@example.test", NULL };
  const char * const injected[] = { "bob@example.test> NOTIFY=NEVER", NULL };
  const char * const control[] = { "bob@example.test\r\nDATA", NULL };
  const char * const none[] = { NULL };
  g_autofree char *received = NULL;

  g_assert_false (_send (client, "alice@example.test", unicode, "x\r\n", &error));
  g_assert_error (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE);
  g_clear_error (&error);

  g_assert_false (_send (client, "alice@example.test", injected, "x\r\n", &error));
  g_assert_error (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE);
  g_clear_error (&error);

  g_assert_false (_send (client, "alice@example.test", control, "x\r\n", &error));
  g_assert_error (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE);
  g_clear_error (&error);

  g_assert_false (_send (client, "alice@example.test", none, "x\r\n", &error));
  g_assert_error (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE);
  g_clear_error (&error);

  /* The session is still good. */
  g_assert_true (_send (client, "", fake_recipients, "x\r\n", &error));
  g_assert_no_error (error);
  _quit (client);

  /* None of the refused addresses reached the wire: one transaction went, the last. */
  received = _fake_server_dup_received (server);
  g_assert_null (strstr (received, "NOTIFY"));
  g_assert_null (strstr (received, "jürgen"));
  g_assert_null (strstr (received, "\nDATA\nDATA"));
  g_assert_nonnull (strstr (received, "MAIL FROM:"));
  g_assert_null (strstr (strstr (received, "MAIL FROM:") + 1, "MAIL FROM:"));
  g_assert_nonnull (strstr (received, "\nDATA\n"));
  g_assert_null (strstr (strstr (received, "\nDATA\n") + 1, "\nDATA\n"));

  _fake_server_stop (server);
}

/* --- the envelope parser ------------------------------------------------------------ */

typedef struct
{
  GError  *error;
  char    *from;
  GStrv    recipients;
  GBytes  *to_send;
} Envelope;

static void
_envelope_clear (Envelope *envelope)
{
  g_clear_error (&envelope->error);
  g_clear_pointer (&envelope->from, g_free);
  g_clear_pointer (&envelope->recipients, g_strfreev);
  g_clear_pointer (&envelope->to_send, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Envelope, _envelope_clear)

static gboolean
_envelope (const char *message,
           gsize       len,
           Envelope   *envelope)
{
  g_autoptr(GBytes) bytes = g_bytes_new (message, len);
  gboolean ok;

  ok = accord_smtp_envelope_from_message (bytes, &envelope->from, &envelope->recipients,
                                          &envelope->to_send, &envelope->error);
  if (!ok)
    {
      g_assert_null (envelope->from);
      g_assert_null (envelope->recipients);
      g_assert_null (envelope->to_send);
      g_assert_error (envelope->error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE);
      g_test_message ("%s", envelope->error->message);
    }
  else
    {
      g_assert_no_error (envelope->error);
    }

  return ok;
}

static void
_assert_recipients (Envelope           *envelope,
                    const char * const *expected)
{
  g_autofree char *got = g_strjoinv (" | ", envelope->recipients);
  g_autofree char *want = g_strjoinv (" | ", (char **) expected);

  g_assert_cmpstr (got, ==, want);
}

static void
test_envelope_addresses (void)
{
  g_auto(Envelope) envelope = { 0 };
  const char message[] =
    "Return-Path: <bounces@example.test>\r\n"
    "from: \"Alice (work)\" <alice@example.test> (Alice's comment)\r\n"
    "TO: bob@example.test, \"Smith, John\" <john.smith@example.test>,\r\n"
    "\t=?utf-8?q?J=C3=BCrgen?= <juergen@EXAMPLE.test>, (just a comment) ,\r\n"
    "  Team: ann@example.test, <@relay.test,@other.test:ben@example.test>;,\r\n"
    "  undisclosed-recipients:;\r\n"
    "Cc: \"odd local\"@example.test, \"quoted\\\"one\"@example.test,\r\n"
    " \"plain\"@example.test, user@[192.0.2.1], a..b@docomo.example\r\n"
    "Cc: (second Cc) Bob <BOB@example.TEST>, jürgen@bücher.example\r\n"
    "Subject: To: nobody@example.test\r\n"
    "\r\n"
    "To: body@example.test\r\n";
  const char * const expected[] = {
    "bob@example.test", "john.smith@example.test", "juergen@EXAMPLE.test",
    "ann@example.test", "ben@example.test", "\"odd local\"@example.test",
    "\"quoted\\\"one\"@example.test", "plain@example.test", "user@[192.0.2.1]",
    "a..b@docomo.example", "jürgen@bücher.example", NULL
  };

  g_assert_true (_envelope (message, sizeof message - 1, &envelope));
  g_assert_cmpstr (envelope.from, ==, "alice@example.test");
  _assert_recipients (&envelope, expected);
  /* Without Bcc the message is sent as it is. */
  g_assert_cmpmem (g_bytes_get_data (envelope.to_send, NULL),
                   g_bytes_get_size (envelope.to_send), message, sizeof message - 1);
}

static void
test_envelope_sender (void)
{
  g_auto(Envelope) envelope = { 0 };
  const char message[] =
    "From: Alice <alice@example.test>, Bob <bob@example.test>\n"
    "Sender: Secretary <secretary@example.test>\n"
    "To: carol@example.test\n"
    "\n";

  /* LF line ends, and Sender before From. */
  g_assert_true (_envelope (message, sizeof message - 1, &envelope));
  g_assert_cmpstr (envelope.from, ==, "secretary@example.test");
}

static void
test_envelope_bcc_removed (void)
{
  g_auto(Envelope) envelope = { 0 };
  g_auto(Envelope) lf = { 0 };
  const char message[] =
    "BCC: first@example.test\r\n"
    "From: alice@example.test\r\n"
    "To: bob@example.test\r\n"
    "bcc: second@example.test,\r\n"
    " third@example.test\r\n"
    "Subject: hidden\r\n"
    "Bcc:\r\n"
    "\r\n"
    "Bcc: body@example.test\r\n";
  const char expected_message[] =
    "From: alice@example.test\r\n"
    "To: bob@example.test\r\n"
    "Subject: hidden\r\n"
    "\r\n"
    "Bcc: body@example.test\r\n";
  const char * const expected[] = {
    "first@example.test", "bob@example.test", "second@example.test", "third@example.test",
    NULL
  };
  const char header_only[] = "From: a@example.test\nTo: b@example.test\nBcc: c@example.test";
  const char header_only_sent[] = "From: a@example.test\nTo: b@example.test\n";

  g_assert_true (_envelope (message, sizeof message - 1, &envelope));
  _assert_recipients (&envelope, expected);
  g_assert_cmpmem (g_bytes_get_data (envelope.to_send, NULL),
                   g_bytes_get_size (envelope.to_send),
                   expected_message, sizeof expected_message - 1);

  /* A message that is all header, ending in Bcc without a line end. */
  g_assert_true (_envelope (header_only, sizeof header_only - 1, &lf));
  g_assert_cmpuint (g_strv_length (lf.recipients), ==, 2);
  g_assert_cmpmem (g_bytes_get_data (lf.to_send, NULL), g_bytes_get_size (lf.to_send),
                   header_only_sent, sizeof header_only_sent - 1);
}

static void
test_envelope_invalid (void)
{
  static const char * const invalid[] = {
    /* no sender, no recipient */
    "To: bob@example.test\r\n\r\nbody\r\n",
    "From: alice@example.test\r\nSubject: x\r\n\r\n",
    "From: alice@example.test\r\nTo: undisclosed-recipients:;\r\n\r\n",
    "From: (nobody)\r\nTo: bob@example.test\r\n\r\n",
    /* a header that is not one */
    " folded: first\r\nFrom: a@example.test\r\nTo: b@example.test\r\n\r\n",
    "From a@example.test Mon Jan 1 00:00:00 2024\r\nTo: b@example.test\r\n\r\n",
    "From: a@example.test\r\nNo colon here\r\nTo: b@example.test\r\n\r\n",
    "From: a@example.test\r\n: empty name\r\nTo: b@example.test\r\n\r\n",
    "From: a@example.test\r\nTo: b@example.test\r\nX-Bad\x01Name: x\r\n\r\n",
    /* addresses that cannot be read */
    "From: a@example.test\r\nTo: \"unterminated@example.test\r\n\r\n",
    "From: a@example.test\r\nTo: b@example.test (unterminated\r\n\r\n",
    "From: a@example.test\r\nTo: b@example.test)\r\n\r\n",
    "From: a@example.test\r\nTo: Bob <b@example.test\r\n\r\n",
    "From: a@example.test\r\nTo: Bob <>\r\n\r\n",
    "From: a@example.test\r\nTo: John Smith\r\n\r\n",
    "From: a@example.test\r\nTo: postmaster\r\n\r\n",
    "From: a@example.test\r\nTo: b@example.test c@example.test\r\n\r\n",
    "From: a@example.test\r\nTo: b@\r\n\r\n",
    "From: a@example.test\r\nTo: @example.test\r\n\r\n",
    "From: a@example.test\r\nTo: b@[192.0.2.1\r\n\r\n",
    "From: a@example.test\r\nTo: b@\"quoted.domain\"\r\n\r\n",
    "From: a@example.test\r\nTo: G: H: b@example.test;;\r\n\r\n",
    "From: a@example.test\r\nTo: <@relay.test b@example.test>\r\n\r\n",
    "From: a@example.test\r\nTo: \"a\\\rb\"@example.test\r\n\r\n",
    "From: a@example.test\r\nTo: b\x01@example.test\r\n\r\n",
    "From: a@example.test\r\nTo: \xff\xfe@example.test\r\n\r\n",
    "From: a@example.test\r\nTo: b@example.test\\\r\n\r\n",
    "From: \"unterminated\r\nTo: b@example.test\r\n\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_auto(Envelope) envelope = { 0 };

      g_test_message ("case %u", i);
      g_assert_false (_envelope (invalid[i], strlen (invalid[i]), &envelope));
    }
}

static void
test_envelope_field_named (void)
{
  g_auto(Envelope) envelope = { 0 };
  const char message[] = "From: a@example.test\r\nCc: \"open\r\n\r\n";

  g_assert_false (_envelope (message, sizeof message - 1, &envelope));
  g_assert_nonnull (strstr (envelope.error->message, "Cc"));
  g_assert_nonnull (strstr (envelope.error->message, "quoted string"));
}

static void
test_envelope_hostile (void)
{
  g_auto(Envelope) nul = { 0 };
  g_auto(Envelope) nested = { 0 };
  g_auto(Envelope) deep_ok = { 0 };
  g_auto(Envelope) many = { 0 };
  g_auto(Envelope) empty = { 0 };
  g_auto(Envelope) commas = { 0 };
  const char with_nul[] = "From: a@example.test\r\nTo: b@exa\0mple.test\r\n\r\n";
  g_autoptr(GString) text = g_string_new ("From: a@example.test\r\nTo: b@example.test ");
  g_autoptr(GString) balanced = g_string_new ("From: a@example.test\r\nTo: b@example.test ");
  g_autoptr(GString) big = g_string_new ("From: a@example.test\r\nTo: ");
  const char only_commas[] = "From: a@example.test\r\nTo: ,, ,b@example.test,,\r\n\r\n";

  g_assert_false (_envelope (with_nul, sizeof with_nul - 1, &nul));

  /* Comments nested a hundred thousand deep, once unclosed, once closed. */
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (text, '(');
  g_string_append (text, "\r\n\r\n");
  g_assert_false (_envelope (text->str, text->len, &nested));

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (balanced, '(');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (balanced, ')');
  g_string_append (balanced, "\r\n\r\n");
  g_assert_true (_envelope (balanced->str, balanced->len, &deep_ok));

  /* Fifty thousand recipients, many of them twice, folded over as many lines. */
  for (guint i = 0; i < 50000; i++)
    g_string_append_printf (big, "User %u <user%u@example.test>,\r\n ", i, i % 20000);
  g_string_append (big, "last@example.test\r\n\r\n");
  g_assert_true (_envelope (big->str, big->len, &many));
  g_assert_cmpuint (g_strv_length (many.recipients), ==, 20001);

  g_assert_false (_envelope ("", 0, &empty));

  g_assert_true (_envelope (only_commas, sizeof only_commas - 1, &commas));
  g_assert_cmpuint (g_strv_length (commas.recipients), ==, 1);
}

/* Every prefix of a message, and every byte of it changed, must parse or fail cleanly. */
static void
test_envelope_mangled (void)
{
  const char message[] =
    "From: \"A (x)\" <a@example.test>\r\n"
    "To: G: b@example.test, \"c d\"@[192.0.2.1];, <@r.test:e@example.test> (c(d)e)\r\n"
    "Bcc: f@example.test\r\n"
    "\r\n"
    "body\r\n";
  const char replacements[] = "\"()<>[]@,;:\\.\r\n\t \x80";

  for (gsize len = 0; len <= sizeof message - 1; len++)
    {
      g_auto(Envelope) envelope = { 0 };

      _envelope (message, len, &envelope);
    }

  for (gsize i = 0; i < sizeof message - 1; i++)
    for (gsize j = 0; j < sizeof replacements - 1; j++)
      {
        g_auto(Envelope) envelope = { 0 };
        char copy[sizeof message];

        memcpy (copy, message, sizeof message);
        copy[i] = replacements[j];
        if (_envelope (copy, sizeof message - 1, &envelope))
          {
            g_assert_nonnull (envelope.from);
            g_assert_nonnull (envelope.recipients[0]);
            for (guint k = 0; envelope.recipients[k] != NULL; k++)
              for (const char *p = envelope.recipients[k]; *p != '\0'; p++)
                g_assert_cmpint ((guchar) *p, >=, 0x20);
          }
      }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/smtp-client/connect/tls", test_connect_tls);
  g_test_add_func ("/smtp-client/connect/starttls", test_connect_starttls);
  g_test_add_func ("/smtp-client/connect/plain-refuses-password",
                   test_connect_plain_refuses_password);
  g_test_add_func ("/smtp-client/connect/untrusted", test_connect_untrusted);
  g_test_add_func ("/smtp-client/login/wrong-password", test_login_wrong_password);
  g_test_add_func ("/smtp-client/send/bcc", test_send_bcc);
  g_test_add_func ("/smtp-client/send/dot-stuffing", test_send_dot_stuffing);
  g_test_add_func ("/smtp-client/send/large", test_send_large);
  g_test_add_func ("/smtp-client/send/refused-recipient", test_send_refused_recipient);
  g_test_add_func ("/smtp-client/send/without-login", test_send_without_login);
  g_test_add_func ("/smtp-client/fake/no-starttls", test_fake_no_starttls);
  g_test_add_func ("/smtp-client/fake/starttls-refused", test_fake_starttls_refused);
  g_test_add_func ("/smtp-client/fake/smtputf8", test_fake_smtputf8);
  g_test_add_func ("/smtp-client/fake/too-large", test_fake_too_large);
  g_test_add_func ("/smtp-client/fake/temporary-recipient", test_fake_temporary_recipient);
  g_test_add_func ("/smtp-client/fake/final-refusal", test_fake_final_refusal);
  g_test_add_func ("/smtp-client/fake/closing", test_fake_closing);
  g_test_add_func ("/smtp-client/fake/bad-addresses", test_fake_utf8_addresses);
  g_test_add_func ("/smtp-client/envelope/addresses", test_envelope_addresses);
  g_test_add_func ("/smtp-client/envelope/sender", test_envelope_sender);
  g_test_add_func ("/smtp-client/envelope/bcc-removed", test_envelope_bcc_removed);
  g_test_add_func ("/smtp-client/envelope/invalid", test_envelope_invalid);
  g_test_add_func ("/smtp-client/envelope/field-named", test_envelope_field_named);
  g_test_add_func ("/smtp-client/envelope/hostile", test_envelope_hostile);
  g_test_add_func ("/smtp-client/envelope/mangled", test_envelope_mangled);

  return g_test_run ();
}
