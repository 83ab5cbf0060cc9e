/* test-pop3-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under tests/servers/accord-test-servers --dovecot; the tests that need Dovecot
 * skip without it. Misbehaving servers are played by small servers in this file.
 */

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "accord-pop3-client.h"
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
                                     "ACCORD_TEST_POP3_PORT", "ACCORD_TEST_POP3S_PORT", \
                                     "ACCORD_TEST_MAILDIR_ROOT", NULL }; \
    if (!_require_env (names_)) \
      return; \
  } G_STMT_END

static GTlsDatabase *
_test_database (void)
{
  g_autoptr(GError) error = NULL;
  GTlsDatabase *database = g_tls_file_database_new (g_getenv ("ACCORD_TEST_CA_FILE"), &error);

  g_assert_no_error (error);
  return database;
}

/* --- running the client ------------------------------------------------------------- */

static AccordPop3Client *
_connect_to (const char      *host,
             guint16          port,
             AccordSecurity   security,
             GTlsDatabase    *database,
             const char      *pinned,
             GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  AccordPop3Client *client;

  accord_pop3_client_connect_async (host, port, security, pinned, database, TIMEOUT, NULL,
                                    accord_test_result_cb, &result);
  client = accord_pop3_client_connect_finish (accord_test_wait_result (&result), error);
  if (client == NULL)
    g_test_message ("connect: %s", (*error)->message);

  return client;
}

static AccordPop3Client *
_connect (const char      *port_var,
          AccordSecurity   security,
          GError         **error)
{
  g_autoptr(GTlsDatabase) database = _test_database ();

  return _connect_to (g_getenv ("ACCORD_TEST_HOST"), accord_test_env_port (port_var), security,
                      database, NULL, error);
}

static gboolean
_login (AccordPop3Client  *client,
        const char        *password,
        GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  gboolean ok;

  accord_pop3_client_login_async (client, g_getenv ("ACCORD_TEST_USER"), password, NULL,
                                  accord_test_result_cb, &result);
  ok = accord_pop3_client_login_finish (client, accord_test_wait_result (&result), error);
  if (!ok)
    g_test_message ("login: %s", (*error)->message);

  return ok;
}

static AccordPop3Client *
_connect_and_login (void)
{
  g_autoptr(GError) error = NULL;
  AccordPop3Client *client;

  client = _connect ("ACCORD_TEST_POP3S_PORT", ACCORD_SECURITY_TLS, &error);
  g_assert_no_error (error);
  _login (client, g_getenv ("ACCORD_TEST_PASSWORD"), &error);
  g_assert_no_error (error);

  return client;
}

static GPtrArray *
_uidl (AccordPop3Client *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *uidls;

  accord_pop3_client_uidl_async (client, NULL, accord_test_result_cb, &result);
  uidls = accord_pop3_client_uidl_finish (client, accord_test_wait_result (&result), &error);
  g_assert_no_error (error);

  return uidls;
}

static GArray *
_list (AccordPop3Client *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GArray *sizes;

  accord_pop3_client_list_async (client, NULL, accord_test_result_cb, &result);
  sizes = accord_pop3_client_list_finish (client, accord_test_wait_result (&result), &error);
  g_assert_no_error (error);

  return sizes;
}

static GBytes *
_retr (AccordPop3Client  *client,
       guint              number,
       GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  accord_pop3_client_retr_async (client, number, NULL, accord_test_result_cb, &result);
  return accord_pop3_client_retr_finish (client, accord_test_wait_result (&result), error);
}

static void
_dele (AccordPop3Client *client,
       guint             number)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  accord_pop3_client_dele_async (client, number, NULL, accord_test_result_cb, &result);
  accord_pop3_client_dele_finish (client, accord_test_wait_result (&result), &error);
  g_assert_no_error (error);
}

static void
_rset (AccordPop3Client *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  accord_pop3_client_rset_async (client, NULL, accord_test_result_cb, &result);
  accord_pop3_client_rset_finish (client, accord_test_wait_result (&result), &error);
  g_assert_no_error (error);
}

static gboolean
_noop (AccordPop3Client  *client,
       GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  accord_pop3_client_noop_async (client, NULL, accord_test_result_cb, &result);
  return accord_pop3_client_noop_finish (client, accord_test_wait_result (&result), error);
}

static void
_quit (AccordPop3Client *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  accord_pop3_client_quit_async (client, NULL, accord_test_result_cb, &result);
  accord_pop3_client_quit_finish (client, accord_test_wait_result (&result), &error);
  g_assert_no_error (error);
}

/* --- seeding Alice's maildir -------------------------------------------------------- */

static char *
_maildir (void)
{
  return g_build_filename (g_getenv ("ACCORD_TEST_MAILDIR_ROOT"),
                           g_getenv ("ACCORD_TEST_USER"), NULL);
}

/* Puts @message into Alice's INBOX as Dovecot would; returns the file's base name. */
static char *
_seed (const char *message,
       gsize       len)
{
  static guint counter;
  g_autofree char *maildir = _maildir ();
  g_autofree char *name = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *dest = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  name = g_strdup_printf ("%" G_GINT64_FORMAT ".M%uP%d.accord-test",
                          g_get_real_time () / G_USEC_PER_SEC, ++counter, (int) getpid ());
  tmp = g_build_filename (maildir, "tmp", name, NULL);
  dest = g_build_filename (maildir, "new", name, NULL);

  g_file_set_contents (tmp, message, len, &error);
  g_assert_no_error (error);
  /* Dovecot reads the maildir as its owner, nobody when the tests run as root. */
  g_assert_cmpint (g_stat (maildir, &st), ==, 0);
  if (getuid () == 0)
    g_assert_cmpint (chown (tmp, st.st_uid, st.st_gid), ==, 0);
  g_assert_cmpint (g_rename (tmp, dest), ==, 0);

  return g_steal_pointer (&name);
}

/* Whether the message seeded as @name is still in new/ or cur/. */
static gboolean
_seeded_exists (const char *name)
{
  g_autofree char *maildir = _maildir ();
  const char * const subdirs[] = { "new", "cur" };

  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *path = g_build_filename (maildir, subdirs[i], NULL);
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *entry;

      while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
        if (g_str_has_prefix (entry, name))
          return TRUE;
    }

  return FALSE;
}

/* The number of the message that contains @needle; 0 if none does. */
static guint
_find (AccordPop3Client *client,
       const char       *needle)
{
  g_autoptr(GArray) sizes = _list (client);
  guint found = 0;

  for (guint i = 0; i < sizes->len; i++)
    {
      guint number = g_array_index (sizes, AccordPop3Size, i).number;
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) message = _retr (client, number, &error);
      gsize len;
      const char *data;

      g_assert_no_error (error);
      data = g_bytes_get_data (message, &len);
      if (g_strstr_len (data, len, needle) != NULL)
        {
          g_assert_cmpuint (found, ==, 0);
          found = number;
        }
    }

  return found;
}

static char *
_unique_message (const char *tag,
                 char      **message_id)
{
  static guint counter;
  g_autofree char *id = g_strdup_printf ("<%s-%u-%" G_GINT64_FORMAT "@example.test>", tag,
                                         ++counter, g_get_real_time ());
  char *message = g_strdup_printf ("From: Bob <bob@example.test>\r\n"
                                   "To: Alice <alice@example.test>\r\n"
                                   "Subject: %s\r\n"
                                   "Message-ID: %s\r\n"
                                   "\r\n"
                                   "Hello.\r\n",
                                   tag, id);

  *message_id = g_steal_pointer (&id);
  return message;
}

/* --- connecting and logging in ------------------------------------------------------ */

static void
_assert_logged_in_session (AccordPop3Client *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint count = 0;
  guint64 size = 0;

  g_assert_true (accord_pop3_client_is_logged_in (client));
  g_assert_true (accord_pop3_client_has_capability (client, "UIDL"));
  g_assert_true (accord_pop3_client_has_capability (client, "PIPELINING"));

  accord_pop3_client_stat_async (client, NULL, accord_test_result_cb, &result);
  accord_pop3_client_stat_finish (client, accord_test_wait_result (&result), &count, &size,
                                  &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count, >=, 1);
  g_assert_cmpuint (size, >, 0);

  _quit (client);
}

static void
test_connect_tls (void)
{
  g_autoptr(AccordPop3Client) client = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_DOVECOT ();

  client = _connect ("ACCORD_TEST_POP3S_PORT", ACCORD_SECURITY_TLS, &error);
  g_assert_no_error (error);
  g_assert_nonnull (accord_pop3_client_get_greeting (client));
  g_assert_true (accord_pop3_client_has_capability (client, "USER"));
  g_assert_true (accord_pop3_client_has_sasl_mechanism (client, "PLAIN"));
  g_assert_false (accord_pop3_client_is_logged_in (client));

  _login (client, g_getenv ("ACCORD_TEST_PASSWORD"), &error);
  g_assert_no_error (error);
  _assert_logged_in_session (client);
}

static void
test_connect_stls (void)
{
  g_autoptr(AccordPop3Client) client = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_DOVECOT ();

  client = _connect ("ACCORD_TEST_POP3_PORT", ACCORD_SECURITY_STARTTLS, &error);
  g_assert_no_error (error);
  /* What the server said before TLS does not count. */
  g_assert_false (accord_pop3_client_has_capability (client, "STLS"));
  g_assert_true (accord_pop3_client_has_sasl_mechanism (client, "PLAIN"));

  _login (client, g_getenv ("ACCORD_TEST_PASSWORD"), &error);
  g_assert_no_error (error);
  _assert_logged_in_session (client);
}

static void
test_connect_plain_refuses_password (void)
{
  g_autoptr(AccordPop3Client) client = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_DOVECOT ();

  client = _connect ("ACCORD_TEST_POP3_PORT", ACCORD_SECURITY_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (accord_pop3_client_has_capability (client, "STLS"));

  g_assert_false (_login (client, g_getenv ("ACCORD_TEST_PASSWORD"), &error));
  g_assert_error (error, ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_LOGIN);
}

static void
test_connect_untrusted (void)
{
  g_autoptr(AccordPop3Client) client = NULL;
  g_autoptr(AccordPop3Client) pinned_client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  const char *start;

  REQUIRE_DOVECOT ();

  /* The system's authorities, which do not include the test CA. */
  client = _connect_to (g_getenv ("ACCORD_TEST_HOST"), accord_test_env_port ("ACCORD_TEST_POP3S_PORT"),
                        ACCORD_SECURITY_TLS, NULL, NULL, &error);
  g_assert_error (error, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_CERTIFICATE);
  g_assert_null (client);

  /* The person accepts the certificate by the fingerprint the message shows. */
  start = strstr (error->message, "fingerprint is ");
  g_assert_nonnull (start);
  fingerprint = g_strndup (start + strlen ("fingerprint is "), 32 * 3 - 1);
  g_clear_error (&error);

  pinned_client = _connect_to (g_getenv ("ACCORD_TEST_HOST"),
                               accord_test_env_port ("ACCORD_TEST_POP3_PORT"),
                               ACCORD_SECURITY_STARTTLS, NULL, fingerprint, &error);
  g_assert_no_error (error);
  _login (pinned_client, g_getenv ("ACCORD_TEST_PASSWORD"), &error);
  g_assert_no_error (error);
}

static void
test_login_wrong_password (void)
{
  g_autoptr(AccordPop3Client) client = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_DOVECOT ();

  client = _connect ("ACCORD_TEST_POP3S_PORT", ACCORD_SECURITY_TLS, &error);
  g_assert_no_error (error);

  g_assert_false (_login (client, "not-the-password", &error));
  g_assert_error (error, ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_AUTH);
  g_assert_false (accord_pop3_client_is_logged_in (client));
  /* The password must not show up in the message. */
  g_assert_null (strstr (error->message, "not-the-password"));
  g_clear_error (&error);

  /* The session goes on: a second attempt may succeed. */
  _login (client, g_getenv ("ACCORD_TEST_PASSWORD"), &error);
  g_assert_no_error (error);
}

/* --- the mailbox -------------------------------------------------------------------- */

/* Lines starting with dots, one that is only a dot, 8-bit bytes, a CR on its own. */
static const char tricky_message[] =
  "From: Bob <bob@example.test>\r\n"
  "To: Alice <alice@example.test>\r\n"
  "Subject: Dots and bytes\r\n"
  "Message-ID: <tricky@example.test>\r\n"
  "Content-Type: text/plain; charset=iso-8859-1\r\n"
  "Content-Transfer-Encoding: 8bit\r\n"
  "\r\n"
  ".\r\n"
  "..\r\n"
  ".leading dot\r\n"
  "..two leading dots\r\n"
  "Gr\xfc\xdf" "e, \xe9t\xe9 \xff\x80\x7f\r\n"
  "a carriage\rreturn alone\r\n"
  " \r\n"
  "\r\n"
  ".\r\n"
  "last line\r\n";

static void
test_retr_byte_exact (void)
{
  g_autoptr(AccordPop3Client) client = NULL;
  g_autoptr(GPtrArray) uidls = NULL;
  g_autoptr(GArray) sizes = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GBytes) expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  guint number;

  REQUIRE_DOVECOT ();

  name = _seed (tricky_message, sizeof tricky_message - 1);
  client = _connect_and_login ();

  number = _find (client, "<tricky@example.test>");
  g_assert_cmpuint (number, >, 0);

  message = _retr (client, number, &error);
  g_assert_no_error (error);
  expected = g_bytes_new_static (tricky_message, sizeof tricky_message - 1);
  g_assert_true (g_bytes_equal (message, expected));

  sizes = _list (client);
  uidls = _uidl (client);
  g_assert_cmpuint (sizes->len, ==, uidls->len);
  for (guint i = 0; i < sizes->len; i++)
    {
      AccordPop3Size *size = &g_array_index (sizes, AccordPop3Size, i);
      AccordPop3Uidl *uidl = g_ptr_array_index (uidls, i);

      g_assert_cmpuint (size->number, ==, uidl->number);
      g_assert_cmpuint (strlen (uidl->uidl), >, 0);
      if (size->number == number)
        g_assert_cmpuint (size->size, ==, sizeof tricky_message - 1);
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (((AccordPop3Uidl *) g_ptr_array_index (uidls, j))->uidl, !=,
                         uidl->uidl);
    }

  _quit (client);
  g_assert_true (_seeded_exists (name));
}

/* A message is data, not protocol text: a line of 200 KiB, a NUL byte and a line
 * that starts with a dot come down as they are. */
static void
test_retr_long_lines_and_nul (void)
{
  g_autoptr(AccordPop3Client) client = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new ("From: a@example.test\r\nTo: b@example.test\r\n"
                                          "Message-ID: <long-lines@example.test>\r\n"
                                          "Subject: long lines\r\n\r\n");
  g_autofree char *name = NULL;
  guint number;

  REQUIRE_DOVECOT ();

  for (guint i = 0; i < 200 * 1024; i++)
    g_string_append_c (text, (char) ('a' + i % 26));
  g_string_append (text, "\r\nbefore");
  g_string_append_len (text, "\0", 1);
  g_string_append (text, "after\r\n.starts with a dot\r\nend\r\n");

  name = _seed (text->str, text->len);
  client = _connect_and_login ();
  number = _find (client, "<long-lines@example.test>");
  g_assert_cmpuint (number, >, 0);

  message = _retr (client, number, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (message, NULL), g_bytes_get_size (message), text->str, text->len);
  _quit (client);
}

static void
test_retr_pipelined (void)
{
  g_autoptr(AccordPop3Client) client = NULL;
  g_autoptr(GArray) sizes = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autofree GAsyncResult **pending = NULL;
  guint n_seeded = 5;

  REQUIRE_DOVECOT ();

  for (guint i = 0; i < n_seeded; i++)
    {
      g_autofree char *id = NULL;
      g_autofree char *message = _unique_message ("pipelined", &id);

      g_free (_seed (message, strlen (message)));
    }

  client = _connect_and_login ();
  sizes = _list (client);
  g_assert_cmpuint (sizes->len, >=, n_seeded);

  /* Ask for every message at once, and a NOOP in the middle. */
  pending = g_new0 (GAsyncResult *, sizes->len + 1);
  for (guint i = 0; i < sizes->len; i++)
    {
      accord_pop3_client_retr_async (client, g_array_index (sizes, AccordPop3Size, i).number,
                                     NULL, accord_test_result_cb, &pending[i]);
      if (i == 1)
        accord_pop3_client_noop_async (client, NULL, accord_test_result_cb,
                                       &pending[sizes->len]);
    }

  for (guint i = 0; i < sizes->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) message = NULL;

      message = accord_pop3_client_retr_finish (client, accord_test_wait_result (&pending[i]),
                                                &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_bytes_get_size (message), ==,
                        g_array_index (sizes, AccordPop3Size, i).size);
      g_clear_object (&pending[i]);
    }
  {
    g_autoptr(GError) error = NULL;

    accord_pop3_client_noop_finish (client, accord_test_wait_result (&pending[sizes->len]),
                                    &error);
    g_assert_no_error (error);
    g_clear_object (&pending[sizes->len]);
  }

  _quit (client);
}

static void
test_dele_quit_removes (void)
{
  g_autoptr(AccordPop3Client) client = NULL;
  g_autoptr(AccordPop3Client) again = NULL;
  g_autofree char *id = NULL;
  g_autofree char *message = _unique_message ("dele", &id);
  g_autofree char *name = NULL;
  guint number;

  REQUIRE_DOVECOT ();

  name = _seed (message, strlen (message));
  client = _connect_and_login ();
  number = _find (client, id);
  g_assert_cmpuint (number, >, 0);

  _dele (client, number);
  _quit (client);
  g_assert_false (_seeded_exists (name));

  again = _connect_and_login ();
  g_assert_cmpuint (_find (again, id), ==, 0);
  _quit (again);
}

static void
test_dele_rset_keeps (void)
{
  g_autoptr(AccordPop3Client) client = NULL;
  g_autoptr(AccordPop3Client) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *message = _unique_message ("rset", &id);
  g_autofree char *name = NULL;
  g_autoptr(GBytes) gone = NULL;
  guint number;

  REQUIRE_DOVECOT ();

  name = _seed (message, strlen (message));
  client = _connect_and_login ();
  number = _find (client, id);
  g_assert_cmpuint (number, >, 0);

  _dele (client, number);
  /* A message marked for deletion cannot be read; the session goes on. */
  gone = _retr (client, number, &error);
  g_assert_error (error, ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_REFUSED);
  g_assert_null (gone);
  g_clear_error (&error);

  _rset (client);
  _quit (client);
  g_assert_true (_seeded_exists (name));

  again = _connect_and_login ();
  g_assert_cmpuint (_find (again, id), ==, number);
  _quit (again);
}

static void
test_dele_without_quit_keeps (void)
{
  g_autoptr(AccordPop3Client) client = NULL;
  g_autoptr(AccordPop3Client) again = NULL;
  g_autofree char *id = NULL;
  g_autofree char *message = _unique_message ("no-quit", &id);
  g_autofree char *name = NULL;
  guint number;

  REQUIRE_DOVECOT ();

  name = _seed (message, strlen (message));
  client = _connect_and_login ();
  number = _find (client, id);
  _dele (client, number);
  /* Dropped without QUIT, as when the sync is interrupted. */
  g_clear_object (&client);

  again = _connect_and_login ();
  g_assert_cmpuint (_find (again, id), >, 0);
  _quit (again);
  g_assert_true (_seeded_exists (name));
}

static void
test_retr_missing (void)
{
  g_autoptr(AccordPop3Client) client = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_DOVECOT ();

  client = _connect_and_login ();
  message = _retr (client, 99999, &error);
  g_assert_error (error, ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_REFUSED);
  g_assert_null (message);
  g_clear_error (&error);

  g_assert_true (_noop (client, &error));
  g_assert_no_error (error);
  _quit (client);
}

static void
test_retr_too_large (void)
{
  g_autoptr(AccordPop3Client) client = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_DOVECOT ();

  client = _connect_and_login ();
  accord_pop3_client_set_max_message_size (client, 100);
  message = _retr (client, 1, &error);
  g_assert_error (error, ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_TOO_LARGE);
  g_assert_null (message);
  g_clear_error (&error);

  /* The rest of the message was not read: the connection cannot go on. */
  g_assert_false (_noop (client, &error));
  g_assert_error (error, ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_CLOSED);
  g_clear_error (&error);
  g_clear_object (&client);

  /* A message exactly as large as the limit comes down. */
  {
    static const char text[] = "From: a@example.test\r\nMessage-ID: <exact-fit@example.test>\r\n"
                               "\r\nAs large as allowed.\r\n";
    g_autofree char *name = _seed (text, sizeof text - 1);
    g_autoptr(GBytes) exact = NULL;
    guint number;

    client = _connect_and_login ();
    number = _find (client, "<exact-fit@example.test>");
    accord_pop3_client_set_max_message_size (client, sizeof text - 1);
    exact = _retr (client, number, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_bytes_get_size (exact), ==, sizeof text - 1);
    _quit (client);
  }
}

static void
test_cancel (void)
{
  g_autoptr(AccordPop3Client) client = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_DOVECOT ();

  client = _connect_and_login ();
  g_cancellable_cancel (cancellable);
  accord_pop3_client_retr_async (client, 1, cancellable, accord_test_result_cb, &result);
  message = accord_pop3_client_retr_finish (client, accord_test_wait_result (&result), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (message);
  g_clear_error (&error);

  /* Cancelled before it was sent: the session goes on. */
  g_assert_true (_noop (client, &error));
  g_assert_no_error (error);
  _quit (client);
}

static void
test_cancel_on_the_way (void)
{
  g_autoptr(AccordPop3Client) client = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_DOVECOT ();

  client = _connect_and_login ();
  accord_pop3_client_retr_async (client, 1, cancellable, accord_test_result_cb, &result);
  g_cancellable_cancel (cancellable);
  message = accord_pop3_client_retr_finish (client, accord_test_wait_result (&result), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (message);
  g_clear_error (&error);

  /* The command may have reached the server: the session cannot go on. */
  g_assert_false (_noop (client, &error));
  g_assert_error (error, ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_CLOSED);
}

/* --- servers that misbehave ---------------------------------------------------------- */

typedef struct
{
  const char *command;  /* a prefix of the line */
  const char *answer;
} FakeRule;

typedef struct
{
  GSocketService *service;
  guint16         port;
  const FakeRule *rules;
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
  const char greeting[] = "+OK fake POP3 server\r\n";

  if (!g_output_stream_write_all (out, greeting, strlen (greeting), NULL, NULL, NULL))
    return TRUE;

  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);

  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, NULL);
      const char *answer = "-ERR unknown command\r\n";

      if (line == NULL)
        return TRUE;

      for (const FakeRule *rule = server->rules; rule->command != NULL; rule++)
        if (g_str_has_prefix (line, rule->command))
          {
            answer = rule->answer;
            break;
          }

      if (!g_output_stream_write_all (out, answer, strlen (answer), NULL, NULL, NULL))
        return TRUE;
    }
}

static FakeServer *
_fake_server_new (const FakeRule *rules)
{
  FakeServer *server = g_new0 (FakeServer, 1);
  g_autoptr(GError) error = NULL;

  server->rules = rules;
  server->service = g_threaded_socket_service_new (4);
  server->port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (server->service),
                                                      NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (server->service, "run", G_CALLBACK (_on_fake_run_cb), server);
  g_socket_service_start (server->service);

  return server;
}

/* The threads end when the client has hung up; the server stays allocated for them. */
static void
_fake_server_stop (FakeServer *server)
{
  g_socket_service_stop (server->service);
  g_socket_listener_close (G_SOCKET_LISTENER (server->service));
}

static void
test_fake_no_stls (void)
{
  static const FakeRule rules[] = {
    { "CAPA", "+OK\r\nUSER\r\nUIDL\r\n.\r\n" },
    { "STLS", "+OK go ahead\r\n" },
    { NULL, NULL }
  };
  FakeServer *server = _fake_server_new (rules);
  g_autoptr(AccordPop3Client) client = NULL;
  g_autoptr(GError) error = NULL;

  client = _connect_to ("127.0.0.1", server->port, ACCORD_SECURITY_STARTTLS, NULL, NULL,
                        &error);
  g_assert_error (error, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_NO_STARTTLS);
  g_assert_null (client);

  _fake_server_stop (server);
}

static void
test_fake_stls_refused (void)
{
  static const FakeRule rules[] = {
    { "CAPA", "+OK\r\nSTLS\r\nUSER\r\n.\r\n" },
    { "STLS", "-ERR not today\r\n" },
    { NULL, NULL }
  };
  FakeServer *server = _fake_server_new (rules);
  g_autoptr(AccordPop3Client) client = NULL;
  g_autoptr(GError) error = NULL;

  client = _connect_to ("127.0.0.1", server->port, ACCORD_SECURITY_STARTTLS, NULL, NULL,
                        &error);
  g_assert_error (error, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_NO_STARTTLS);
  g_assert_nonnull (strstr (error->message, "not today"));
  g_assert_null (client);

  _fake_server_stop (server);
}

static void
test_fake_bad_listings (void)
{
  static const FakeRule rules[] = {
    { "CAPA", "-ERR what is CAPA\r\n" },
    { "UIDL", "+OK\r\n1 abc\r\n2 tab\there\r\n.\r\n" },
    { "LIST", "+OK\r\n1 100\r\nx 200\r\n.\r\n" },
    { "STAT", "+OK lots\r\n" },
    { "RETR 1", "+OK\r\n..stuffed\r\n.\r\n" },
    { "RETR 2", "* OK this is IMAP\r\n" },
    { NULL, NULL }
  };
  FakeServer *server = _fake_server_new (rules);
  g_autoptr(AccordPop3Client) client = NULL;
  g_autoptr(GAsyncResult) uidl_result = NULL;
  g_autoptr(GAsyncResult) list_result = NULL;
  g_autoptr(GAsyncResult) stat_result = NULL;
  g_autoptr(GPtrArray) uidls = NULL;
  g_autoptr(GArray) sizes = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GError) error = NULL;

  client = _connect_to ("127.0.0.1", server->port, ACCORD_SECURITY_NONE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (accord_pop3_client_get_capabilities (client)[0]);

  accord_pop3_client_uidl_async (client, NULL, accord_test_result_cb, &uidl_result);
  accord_pop3_client_list_async (client, NULL, accord_test_result_cb, &list_result);
  accord_pop3_client_stat_async (client, NULL, accord_test_result_cb, &stat_result);

  uidls = accord_pop3_client_uidl_finish (client, accord_test_wait_result (&uidl_result),
                                          &error);
  g_assert_error (error, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_PROTOCOL);
  g_clear_error (&error);
  sizes = accord_pop3_client_list_finish (client, accord_test_wait_result (&list_result),
                                          &error);
  g_assert_error (error, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_PROTOCOL);
  g_clear_error (&error);
  accord_pop3_client_stat_finish (client, accord_test_wait_result (&stat_result), NULL, NULL,
                                  &error);
  g_assert_error (error, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_PROTOCOL);
  g_clear_error (&error);

  /* Listings that break the protocol leave the session in step. */
  message = _retr (client, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (message, NULL), g_bytes_get_size (message),
                   ".stuffed\r\n", 10);
  g_clear_pointer (&message, g_bytes_unref);

  /* An answer that is not POP3 ends it. */
  message = _retr (client, 2, &error);
  g_assert_error (error, ACCORD_PROBE_ERROR, ACCORD_PROBE_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_false (_noop (client, &error));
  g_assert_error (error, ACCORD_POP3_ERROR, ACCORD_POP3_ERROR_CLOSED);

  _fake_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pop3-client/connect/tls", test_connect_tls);
  g_test_add_func ("/pop3-client/connect/stls", test_connect_stls);
  g_test_add_func ("/pop3-client/connect/plain-refuses-password",
                   test_connect_plain_refuses_password);
  g_test_add_func ("/pop3-client/connect/untrusted", test_connect_untrusted);
  g_test_add_func ("/pop3-client/login/wrong-password", test_login_wrong_password);
  g_test_add_func ("/pop3-client/retr/byte-exact", test_retr_byte_exact);
  g_test_add_func ("/pop3-client/retr/pipelined", test_retr_pipelined);
  g_test_add_func ("/pop3-client/retr/long-lines-and-nul", test_retr_long_lines_and_nul);
  g_test_add_func ("/pop3-client/retr/missing", test_retr_missing);
  g_test_add_func ("/pop3-client/retr/too-large", test_retr_too_large);
  g_test_add_func ("/pop3-client/retr/cancel", test_cancel);
  g_test_add_func ("/pop3-client/retr/cancel-on-the-way", test_cancel_on_the_way);
  g_test_add_func ("/pop3-client/dele/quit-removes", test_dele_quit_removes);
  g_test_add_func ("/pop3-client/dele/rset-keeps", test_dele_rset_keeps);
  g_test_add_func ("/pop3-client/dele/without-quit-keeps", test_dele_without_quit_keeps);
  g_test_add_func ("/pop3-client/fake/no-stls", test_fake_no_stls);
  g_test_add_func ("/pop3-client/fake/stls-refused", test_fake_stls_refused);
  g_test_add_func ("/pop3-client/fake/bad-listings", test_fake_bad_listings);

  return g_test_run ();
}
