/* test-harness.c - checks the test servers of tests/servers/
 *
 * Run under tests/servers/accord-test-servers --dovecot --radicale -- ...
 * It only uses GLib and GIO: if these checks fail, the harness is broken,
 * not Accord.  Each test skips when the servers it needs were not started.
 */

#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

#define TIMEOUT_SECONDS 10

/* --- environment ------------------------------------------------------------ */

static gboolean
require_env (const char * const *names)
{
  for (; *names != NULL; names++)
    {
      if (g_getenv (*names) == NULL)
        {
          g_autofree char *msg = g_strdup_printf ("%s is not set: run this under "
                                                  "tests/servers/accord-test-servers "
                                                  "--dovecot --radicale -- COMMAND",
                                                  *names);
          g_test_skip (msg);
          return FALSE;
        }
    }

  return TRUE;
}

#define REQUIRE_ENV(...) \
  G_STMT_START { \
    const char * const names_[] = { __VA_ARGS__, NULL }; \
    if (!require_env (names_)) \
      return; \
  } G_STMT_END

static guint16
env_port (const char *name)
{
  const char *value = g_getenv (name);
  guint64 port = 0;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (value);
  g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT16, &port, &error);
  g_assert_no_error (error);

  return (guint16) port;
}

/* --- a line-based connection ----------------------------------------------------- */

typedef struct
{
  GIOStream *base;        /* the TCP connection */
  GIOStream *tls;         /* NULL until TLS is up */
  GDataInputStream *in;   /* reads from tls, or else base */
} Conn;

static void
conn_free (Conn *conn)
{
  g_clear_object (&conn->in);
  g_clear_object (&conn->tls);
  g_clear_object (&conn->base);
  g_free (conn);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Conn, conn_free)

static GIOStream *
conn_stream (Conn *conn)
{
  return conn->tls != NULL ? conn->tls : conn->base;
}

static void
conn_reset_input (Conn *conn)
{
  g_clear_object (&conn->in);
  conn->in = g_data_input_stream_new (g_io_stream_get_input_stream (conn_stream (conn)));
  g_data_input_stream_set_newline_type (conn->in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (conn->in), FALSE);
}

static Conn *
conn_connect (const char *host,
              guint16     port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  Conn *conn = g_new0 (Conn, 1);

  g_socket_client_set_timeout (client, TIMEOUT_SECONDS);
  g_socket_client_set_enable_proxy (client, FALSE);
  conn->base = G_IO_STREAM (g_socket_client_connect_to_host (client, host, port, NULL, &error));
  g_assert_no_error (error);
  conn_reset_input (conn);

  return conn;
}

static Conn *
conn_new (const char *port_var)
{
  return conn_connect (g_getenv ("ACCORD_TEST_HOST"), env_port (port_var));
}

/* Performs the TLS handshake, verifying the server as @identity against
 * @database (the system's trust store if NULL).  No accept-certificate
 * handler: an untrusted certificate makes the handshake fail.
 */
static gboolean
conn_start_tls (Conn          *conn,
                const char    *identity,
                GTlsDatabase  *database,
                GError       **error)
{
  g_autoptr(GSocketConnectable) server = NULL;
  g_autoptr(GIOStream) tls = NULL;

  g_assert_null (conn->tls);
  /* Nothing may arrive before the handshake (no STARTTLS injection). */
  g_assert_cmpuint (g_buffered_input_stream_get_available (G_BUFFERED_INPUT_STREAM (conn->in)), ==, 0);

  server = g_network_address_new (identity, 0);
  tls = g_tls_client_connection_new (conn->base, server, error);
  if (tls == NULL)
    return FALSE;
  if (database != NULL)
    g_tls_connection_set_database (G_TLS_CONNECTION (tls), database);
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, error))
    return FALSE;

  conn->tls = g_steal_pointer (&tls);
  conn_reset_input (conn);

  return TRUE;
}

static GTlsDatabase *
test_ca_database (void)
{
  g_autoptr(GError) error = NULL;
  GTlsDatabase *database;

  database = g_tls_file_database_new (g_getenv ("ACCORD_TEST_CA_FILE"), &error);
  g_assert_no_error (error);

  return database;
}

static void
conn_start_tls_trusted (Conn       *conn,
                        const char *identity)
{
  g_autoptr(GTlsDatabase) database = test_ca_database ();
  g_autoptr(GError) error = NULL;

  conn_start_tls (conn, identity, database, &error);
  g_assert_no_error (error);
}

/* Connects to an implicit-TLS port, trusting the test CA. */
static Conn *
conn_new_tls (const char *port_var)
{
  Conn *conn = conn_new (port_var);

  conn_start_tls_trusted (conn, g_getenv ("ACCORD_TEST_HOST"));

  return conn;
}

static void
conn_write (Conn       *conn,
            const char *data)
{
  GOutputStream *out = g_io_stream_get_output_stream (conn_stream (conn));
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (out, data, strlen (data), NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
conn_write_line (Conn       *conn,
                 const char *line)
{
  g_autofree char *data = g_strconcat (line, "\r\n", NULL);

  conn_write (conn, data);
}

static char *
conn_read_line (Conn *conn)
{
  g_autoptr(GError) error = NULL;
  char *line;

  line = g_data_input_stream_read_line (conn->in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);   /* EOF */

  return line;
}

/* --- IMAP ------------------------------------------------------------------------ */

/* Sends "@tag @command" and returns the tagged reply ("@tag OK ...").
 * Untagged replies are appended to @untagged if it is not NULL.
 */
static char *
imap_command (Conn       *conn,
              const char *tag,
              const char *command,
              GString    *untagged)
{
  g_autofree char *line = g_strdup_printf ("%s %s", tag, command);
  g_autofree char *prefix = g_strconcat (tag, " ", NULL);

  conn_write_line (conn, line);
  for (;;)
    {
      char *reply = conn_read_line (conn);

      if (g_str_has_prefix (reply, prefix))
        return reply;
      if (untagged != NULL)
        g_string_append_printf (untagged, "%s\n", reply);
      g_free (reply);
    }
}

static void
imap_read_greeting (Conn *conn)
{
  g_autofree char *greeting = conn_read_line (conn);

  g_assert_true (g_str_has_prefix (greeting, "* OK"));
}

static char *
imap_login_command (const char *user,
                    const char *password)
{
  /* The test users' names and passwords need no quoting. */
  return g_strdup_printf ("LOGIN %s %s", user, password);
}

static void
test_imaps_login (void)
{
  g_autoptr(Conn) conn = NULL;
  g_autoptr(GString) untagged = g_string_new (NULL);
  g_autofree char *login = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *selected = NULL;
  g_autoptr(GRegex) exists = NULL;
  g_autoptr(GMatchInfo) match = NULL;

  REQUIRE_ENV ("ACCORD_TEST_HOST", "ACCORD_TEST_CA_FILE", "ACCORD_TEST_IMAPS_PORT",
               "ACCORD_TEST_USER", "ACCORD_TEST_PASSWORD");

  conn = conn_new_tls ("ACCORD_TEST_IMAPS_PORT");
  imap_read_greeting (conn);

  login = imap_login_command (g_getenv ("ACCORD_TEST_USER"), g_getenv ("ACCORD_TEST_PASSWORD"));
  reply = imap_command (conn, "a", login, NULL);
  g_assert_true (g_str_has_prefix (reply, "a OK"));

  /* The harness seeds the first user's INBOX. */
  selected = imap_command (conn, "b", "SELECT INBOX", untagged);
  g_assert_true (g_str_has_prefix (selected, "b OK"));
  exists = g_regex_new ("^\\* ([0-9]+) EXISTS$", G_REGEX_MULTILINE, 0, NULL);
  g_assert_true (g_regex_match (exists, untagged->str, 0, &match));
  {
    g_autofree char *count = g_match_info_fetch (match, 1);
    g_assert_cmpint (atoi (count), >=, 1);
  }
}

static void
test_imap_starttls (void)
{
  g_autoptr(Conn) conn = NULL;
  g_autoptr(GString) caps = g_string_new (NULL);
  g_autofree char *login = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *early = NULL;
  g_autofree char *starttls = NULL;

  REQUIRE_ENV ("ACCORD_TEST_HOST", "ACCORD_TEST_CA_FILE", "ACCORD_TEST_IMAP_PORT",
               "ACCORD_TEST_USER", "ACCORD_TEST_PASSWORD");

  conn = conn_new ("ACCORD_TEST_IMAP_PORT");
  imap_read_greeting (conn);
  login = imap_login_command (g_getenv ("ACCORD_TEST_USER"), g_getenv ("ACCORD_TEST_PASSWORD"));

  reply = imap_command (conn, "a", "CAPABILITY", caps);
  g_assert_true (g_str_has_prefix (reply, "a OK"));
  g_assert_nonnull (strstr (caps->str, " STARTTLS"));
  g_assert_nonnull (strstr (caps->str, " LOGINDISABLED"));

  /* Like a real server, no login before STARTTLS. */
  early = imap_command (conn, "b", login, NULL);
  g_assert_true (g_str_has_prefix (early, "b NO"));

  starttls = imap_command (conn, "c", "STARTTLS", NULL);
  g_assert_true (g_str_has_prefix (starttls, "c OK"));
  /* The certificate is valid for localhost as well as 127.0.0.1. */
  conn_start_tls_trusted (conn, "localhost");

  g_clear_pointer (&reply, g_free);
  reply = imap_command (conn, "d", login, NULL);
  g_assert_true (g_str_has_prefix (reply, "d OK"));
}

static void
test_imaps_untrusted (void)
{
  g_autoptr(Conn) conn = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_ENV ("ACCORD_TEST_HOST", "ACCORD_TEST_IMAPS_PORT");

  /* The system trust store must not know the test CA. */
  conn = conn_new ("ACCORD_TEST_IMAPS_PORT");
  g_assert_false (conn_start_tls (conn, g_getenv ("ACCORD_TEST_HOST"), NULL, &error));
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
}

static void
test_imaps_wrong_identity (void)
{
  g_autoptr(Conn) conn = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_ENV ("ACCORD_TEST_HOST", "ACCORD_TEST_CA_FILE", "ACCORD_TEST_IMAPS_PORT");

  /* Trusted CA, but a name the certificate is not for. */
  database = test_ca_database ();
  conn = conn_new ("ACCORD_TEST_IMAPS_PORT");
  g_assert_false (conn_start_tls (conn, "mail.example.test", database, &error));
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
}

static void
test_imaps_wrong_password (void)
{
  g_autoptr(Conn) conn = NULL;
  g_autofree char *login = NULL;
  g_autofree char *reply = NULL;

  REQUIRE_ENV ("ACCORD_TEST_HOST", "ACCORD_TEST_CA_FILE", "ACCORD_TEST_IMAPS_PORT",
               "ACCORD_TEST_USER");

  conn = conn_new_tls ("ACCORD_TEST_IMAPS_PORT");
  imap_read_greeting (conn);

  login = imap_login_command (g_getenv ("ACCORD_TEST_USER"), "not-the-password");
  reply = imap_command (conn, "a", login, NULL);
  g_assert_true (g_str_has_prefix (reply, "a NO"));
}

static void
test_imaps_second_user (void)
{
  g_autoptr(Conn) conn = NULL;
  g_autofree char *login = NULL;
  g_autofree char *reply = NULL;

  REQUIRE_ENV ("ACCORD_TEST_HOST", "ACCORD_TEST_CA_FILE", "ACCORD_TEST_IMAPS_PORT",
               "ACCORD_TEST_USER2", "ACCORD_TEST_PASSWORD2");

  conn = conn_new_tls ("ACCORD_TEST_IMAPS_PORT");
  imap_read_greeting (conn);

  login = imap_login_command (g_getenv ("ACCORD_TEST_USER2"), g_getenv ("ACCORD_TEST_PASSWORD2"));
  reply = imap_command (conn, "a", login, NULL);
  g_assert_true (g_str_has_prefix (reply, "a OK"));
}

/* --- POP3 ------------------------------------------------------------------------ */

static void
pop3_expect_ok (Conn       *conn,
                const char *command)
{
  g_autofree char *reply = NULL;

  if (command != NULL)
    conn_write_line (conn, command);
  reply = conn_read_line (conn);
  g_assert_true (g_str_has_prefix (reply, "+OK"));
}

static void
test_pop3_stls (void)
{
  g_autoptr(Conn) conn = NULL;
  g_autofree char *user = NULL;
  g_autofree char *pass = NULL;
  g_autofree char *stat_reply = NULL;

  REQUIRE_ENV ("ACCORD_TEST_HOST", "ACCORD_TEST_CA_FILE", "ACCORD_TEST_POP3_PORT",
               "ACCORD_TEST_USER", "ACCORD_TEST_PASSWORD");

  user = g_strdup_printf ("USER %s", g_getenv ("ACCORD_TEST_USER"));
  pass = g_strdup_printf ("PASS %s", g_getenv ("ACCORD_TEST_PASSWORD"));

  conn = conn_new ("ACCORD_TEST_POP3_PORT");
  pop3_expect_ok (conn, NULL);
  pop3_expect_ok (conn, "STLS");
  conn_start_tls_trusted (conn, g_getenv ("ACCORD_TEST_HOST"));
  pop3_expect_ok (conn, user);
  pop3_expect_ok (conn, pass);

  conn_write_line (conn, "STAT");
  stat_reply = conn_read_line (conn);
  g_assert_true (g_str_has_prefix (stat_reply, "+OK "));
  g_assert_cmpint (atoi (stat_reply + 4), >=, 1);

  pop3_expect_ok (conn, "QUIT");
}

static void
test_pop3s_login (void)
{
  g_autoptr(Conn) conn = NULL;
  g_autofree char *user = NULL;
  g_autofree char *pass = NULL;

  REQUIRE_ENV ("ACCORD_TEST_HOST", "ACCORD_TEST_CA_FILE", "ACCORD_TEST_POP3S_PORT",
               "ACCORD_TEST_USER", "ACCORD_TEST_PASSWORD");

  user = g_strdup_printf ("USER %s", g_getenv ("ACCORD_TEST_USER"));
  pass = g_strdup_printf ("PASS %s", g_getenv ("ACCORD_TEST_PASSWORD"));

  conn = conn_new_tls ("ACCORD_TEST_POP3S_PORT");
  pop3_expect_ok (conn, NULL);
  pop3_expect_ok (conn, user);
  pop3_expect_ok (conn, pass);
  pop3_expect_ok (conn, "QUIT");
}

/* --- submission ------------------------------------------------------------------ */

/* Reads a (multi-line) SMTP reply, returns its code; the lines' text
 * goes to @text if not NULL.
 */
static int
smtp_reply (Conn    *conn,
            GString *text)
{
  for (;;)
    {
      g_autofree char *line = conn_read_line (conn);

      g_assert_cmpuint (strlen (line), >=, 3);
      if (text != NULL)
        g_string_append_printf (text, "%s\n", line + MIN (strlen (line), 4));
      if (line[3] != '-')
        return atoi (line);
    }
}

static void
smtp_expect (Conn       *conn,
             const char *command,
             int         code)
{
  if (command != NULL)
    conn_write_line (conn, command);
  g_assert_cmpint (smtp_reply (conn, NULL), ==, code);
}

static char *
smtp_auth_plain (const char *user,
                 const char *password)
{
  g_autofree char *raw = g_strdup_printf ("%c%s%c%s", 0, user, 0, password);
  g_autofree char *encoded = g_base64_encode ((const guchar *) raw,
                                              2 + strlen (user) + strlen (password));

  return g_strdup_printf ("AUTH PLAIN %s", encoded);
}

static gboolean
sink_has_message (const char *dir,
                  const char *needle)
{
  g_autoptr(GDir) d = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;

  d = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *contents = NULL;

      if (!g_str_has_suffix (name, ".eml"))
        continue;
      path = g_build_filename (dir, name, NULL);
      g_file_get_contents (path, &contents, NULL, &error);
      g_assert_no_error (error);
      if (strstr (contents, needle) != NULL)
        return TRUE;
    }

  return FALSE;
}

static void
test_submission_relay (void)
{
  g_autoptr(Conn) conn = NULL;
  g_autoptr(GString) ehlo = g_string_new (NULL);
  g_autofree char *auth = NULL;
  g_autofree char *mail_from = NULL;
  g_autofree char *rcpt_to = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *subject = NULL;
  g_autofree char *message = NULL;

  REQUIRE_ENV ("ACCORD_TEST_HOST", "ACCORD_TEST_CA_FILE", "ACCORD_TEST_SUBMISSION_PORT",
               "ACCORD_TEST_USER", "ACCORD_TEST_PASSWORD", "ACCORD_TEST_EMAIL",
               "ACCORD_TEST_EMAIL2", "ACCORD_TEST_SMTP_SINK_DIR");

  auth = smtp_auth_plain (g_getenv ("ACCORD_TEST_USER"), g_getenv ("ACCORD_TEST_PASSWORD"));
  mail_from = g_strdup_printf ("MAIL FROM:<%s>", g_getenv ("ACCORD_TEST_EMAIL"));
  rcpt_to = g_strdup_printf ("RCPT TO:<%s>", g_getenv ("ACCORD_TEST_EMAIL2"));
  subject = g_strdup_printf ("harness %s", uuid);
  message = g_strdup_printf ("From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\n\r\n"
                             "..a line starting with a dot\r\n.\r\n",
                             g_getenv ("ACCORD_TEST_EMAIL"), g_getenv ("ACCORD_TEST_EMAIL2"),
                             subject);

  conn = conn_new ("ACCORD_TEST_SUBMISSION_PORT");
  smtp_expect (conn, NULL, 220);
  conn_write_line (conn, "EHLO harness.test");
  g_assert_cmpint (smtp_reply (conn, ehlo), ==, 250);
  g_assert_nonnull (strstr (ehlo->str, "STARTTLS\n"));
  /* No authentication before STARTTLS (Dovecot says 523 5.7.10). */
  conn_write_line (conn, auth);
  g_assert_cmpint (smtp_reply (conn, NULL) / 100, ==, 5);

  smtp_expect (conn, "STARTTLS", 220);
  conn_start_tls_trusted (conn, g_getenv ("ACCORD_TEST_HOST"));
  g_string_truncate (ehlo, 0);
  conn_write_line (conn, "EHLO harness.test");
  g_assert_cmpint (smtp_reply (conn, ehlo), ==, 250);
  g_assert_nonnull (strstr (ehlo->str, "AUTH PLAIN"));

  smtp_expect (conn, auth, 235);
  smtp_expect (conn, mail_from, 250);
  smtp_expect (conn, rcpt_to, 250);
  smtp_expect (conn, "DATA", 354);
  conn_write (conn, message);
  g_assert_cmpint (smtp_reply (conn, NULL), ==, 250);
  smtp_expect (conn, "QUIT", 221);

  /* Dovecot answers 250 only after the sink has stored the message, which
   * it keeps as sent (dot-unstuffed).
   */
  g_assert_true (sink_has_message (g_getenv ("ACCORD_TEST_SMTP_SINK_DIR"), subject));
  g_assert_true (sink_has_message (g_getenv ("ACCORD_TEST_SMTP_SINK_DIR"),
                                   "\r\n.a line starting with a dot\r\n"));
}

static void
test_submissions_login (void)
{
  g_autoptr(Conn) conn = NULL;
  g_autofree char *auth = NULL;

  REQUIRE_ENV ("ACCORD_TEST_HOST", "ACCORD_TEST_CA_FILE", "ACCORD_TEST_SUBMISSIONS_PORT",
               "ACCORD_TEST_USER", "ACCORD_TEST_PASSWORD");

  auth = smtp_auth_plain (g_getenv ("ACCORD_TEST_USER"), g_getenv ("ACCORD_TEST_PASSWORD"));

  conn = conn_new_tls ("ACCORD_TEST_SUBMISSIONS_PORT");
  smtp_expect (conn, NULL, 220);
  smtp_expect (conn, "EHLO harness.test", 250);
  smtp_expect (conn, auth, 235);
  smtp_expect (conn, "QUIT", 221);
}

/* --- Radicale -------------------------------------------------------------------- */

static int
dav_propfind (const char *user,
              const char *password)
{
  g_autoptr(GUri) base = NULL;
  g_autoptr(Conn) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) request = g_string_new (NULL);
  g_autofree char *status = NULL;
  const char *body =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<propfind xmlns=\"DAV:\"><prop><current-user-principal/></prop></propfind>\n";

  base = g_uri_parse (g_getenv ("ACCORD_TEST_DAV_URL"), G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_uri_get_scheme (base), ==, "http");

  conn = conn_connect (g_uri_get_host (base), g_uri_get_port (base));

  g_string_append_printf (request,
                          "PROPFIND /%s/ HTTP/1.1\r\n"
                          "Host: %s:%d\r\n"
                          "Depth: 0\r\n"
                          "Content-Type: application/xml; charset=utf-8\r\n"
                          "Content-Length: %zu\r\n"
                          "Connection: close\r\n",
                          g_getenv ("ACCORD_TEST_USER"),
                          g_uri_get_host (base), g_uri_get_port (base),
                          strlen (body));
  if (user != NULL)
    {
      g_autofree char *credentials = g_strdup_printf ("%s:%s", user, password);
      g_autofree char *encoded = g_base64_encode ((const guchar *) credentials,
                                                  strlen (credentials));

      g_string_append_printf (request, "Authorization: Basic %s\r\n", encoded);
    }
  g_string_append_printf (request, "\r\n%s", body);
  conn_write (conn, request->str);

  /* Radicale's server (Python's wsgiref) answers with HTTP/1.0. */
  status = conn_read_line (conn);
  g_assert_true (g_str_has_prefix (status, "HTTP/1."));
  g_assert_nonnull (strchr (status, ' '));

  return atoi (strchr (status, ' ') + 1);
}

static void
test_dav_propfind (void)
{
  REQUIRE_ENV ("ACCORD_TEST_DAV_URL", "ACCORD_TEST_USER", "ACCORD_TEST_PASSWORD");

  g_assert_cmpint (dav_propfind (g_getenv ("ACCORD_TEST_USER"),
                                 g_getenv ("ACCORD_TEST_PASSWORD")), ==, 207);
}

static void
test_dav_unauthorized (void)
{
  REQUIRE_ENV ("ACCORD_TEST_DAV_URL", "ACCORD_TEST_USER", "ACCORD_TEST_PASSWORD",
               "ACCORD_TEST_USER2", "ACCORD_TEST_PASSWORD2");

  g_assert_cmpint (dav_propfind (NULL, NULL), ==, 401);
  g_assert_cmpint (dav_propfind (g_getenv ("ACCORD_TEST_USER"), "not-the-password"), ==, 401);
  /* owner_only: the second user may not read the first user's collections. */
  g_assert_cmpint (dav_propfind (g_getenv ("ACCORD_TEST_USER2"),
                                 g_getenv ("ACCORD_TEST_PASSWORD2")), ==, 403);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/harness/imaps/login", test_imaps_login);
  g_test_add_func ("/harness/imaps/untrusted", test_imaps_untrusted);
  g_test_add_func ("/harness/imaps/wrong-identity", test_imaps_wrong_identity);
  g_test_add_func ("/harness/imaps/wrong-password", test_imaps_wrong_password);
  g_test_add_func ("/harness/imaps/second-user", test_imaps_second_user);
  g_test_add_func ("/harness/imap/starttls", test_imap_starttls);
  g_test_add_func ("/harness/pop3/stls", test_pop3_stls);
  g_test_add_func ("/harness/pop3s/login", test_pop3s_login);
  g_test_add_func ("/harness/submission/starttls-relay", test_submission_relay);
  g_test_add_func ("/harness/submissions/login", test_submissions_login);
  g_test_add_func ("/harness/dav/propfind", test_dav_propfind);
  g_test_add_func ("/harness/dav/unauthorized", test_dav_unauthorized);

  return g_test_run ();
}
