/* test-imap-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under tests/servers/accord-test-servers --dovecot; the tests that need Dovecot
 * skip without it. Tests that change mail use Bob's account or folders of their own;
 * Alice's INBOX keeps its one seeded message. Misbehaving servers are played by a small
 * scripted server in this file.
 */

#include "config.h"

#include <string.h>
#include <unistd.h>


#include "accord-imap-client.h"
#include "accord-imap-parser.h"
#include "accord-tls-utils.h"
#include "accord-test-utils.h"

/* --- environment ------------------------------------------------------------------ */

static gboolean
_require_env (void)
{
  const char * const names[] = { "ACCORD_TEST_HOST", "ACCORD_TEST_CA_FILE",
                                 "ACCORD_TEST_USER", "ACCORD_TEST_PASSWORD",
                                 "ACCORD_TEST_USER2", "ACCORD_TEST_PASSWORD2",
                                 "ACCORD_TEST_IMAP_PORT", "ACCORD_TEST_IMAPS_PORT", NULL };

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_getenv (names[i]) == NULL)
        {
          g_autofree char *msg = g_strdup_printf ("%s is not set: run this under "
                                                  "tests/servers/accord-test-servers "
                                                  "--dovecot -- COMMAND", names[i]);
          g_test_skip (msg);
          return FALSE;
        }
    }

  return TRUE;
}

#define REQUIRE_ENV() \
  G_STMT_START { \
    if (!_require_env ()) \
      return; \
  } G_STMT_END

static GTlsDatabase *
_database (void)
{
  g_autoptr(GError) error = NULL;
  GTlsDatabase *database = g_tls_file_database_new (g_getenv ("ACCORD_TEST_CA_FILE"), &error);

  g_assert_no_error (error);
  return database;
}

/* A unique folder name, so that tests do not see each other's mail. */
static char *
_folder_name (const char *base)
{
  static guint counter;

  return g_strdup_printf ("%s-%d-%u", base, (int) getpid (), ++counter);
}

/* --- running operations ------------------------------------------------------------- */

/* Runs CALL, which ends with "accord_test_result_cb, &result", and waits for it. */
#define RUN(result, call) \
  G_STMT_START { \
    g_clear_object (&(result)); \
    call; \
    accord_test_wait_result (&(result)); \
  } G_STMT_END

static AccordImapClient *
_connect_full (AccordSecurity  security,
               const char     *port_env,
               const char     *pinned,
               GTlsDatabase   *database,
               GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  RUN (result, accord_imap_client_connect_async (g_getenv ("ACCORD_TEST_HOST"),
                                                 accord_test_env_port (port_env), security, pinned,
                                                 database, 10, NULL,
                                                 accord_test_result_cb, &result));
  return accord_imap_client_connect_finish (result, error);
}

static gboolean
_login (AccordImapClient  *client,
        const char        *user,
        const char        *password,
        GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  RUN (result, accord_imap_client_login_async (client, user, password, NULL,
                                               accord_test_result_cb, &result));
  return accord_imap_client_login_finish (client, result, error);
}

/* A client logged in as Alice (@bob FALSE) or Bob, over TLS. */
static AccordImapClient *
_connect (gboolean bob)
{
  g_autoptr(GTlsDatabase) database = _database ();
  g_autoptr(AccordImapClient) client = NULL;
  g_autoptr(GError) error = NULL;

  client = _connect_full (ACCORD_SECURITY_TLS, "ACCORD_TEST_IMAPS_PORT", NULL, database,
                          &error);
  g_assert_no_error (error);
  _login (client,
          g_getenv (bob ? "ACCORD_TEST_USER2" : "ACCORD_TEST_USER"),
          g_getenv (bob ? "ACCORD_TEST_PASSWORD2" : "ACCORD_TEST_PASSWORD"),
          &error);
  g_assert_no_error (error);

  return g_steal_pointer (&client);
}

static void
_enable_qresync (AccordImapClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char * const extensions[] = { "QRESYNC", NULL };

  RUN (result, accord_imap_client_enable_async (client, extensions, NULL,
                                                accord_test_result_cb, &result));
  accord_imap_client_enable_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_true (accord_imap_client_is_enabled (client, "QRESYNC"));
  g_assert_true (accord_imap_client_is_enabled (client, "condstore"));
}

static void
_create (AccordImapClient *client,
         const char       *folder)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  RUN (result, accord_imap_client_create_async (client, folder, NULL,
                                                accord_test_result_cb, &result));
  accord_imap_client_create_finish (client, result, &error);
  g_assert_no_error (error);
}

static AccordImapMailbox *
_select (AccordImapClient        *client,
         const char              *folder,
         const AccordImapQresync *qresync)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  AccordImapMailbox *mailbox;

  RUN (result, accord_imap_client_select_async (client, folder, qresync, FALSE, NULL,
                                                accord_test_result_cb, &result));
  mailbox = accord_imap_client_select_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (mailbox);
  g_assert_cmpstr (accord_imap_client_get_selected (client), ==, folder);

  return mailbox;
}

static guint32
_append (AccordImapClient   *client,
         const char         *folder,
         const char * const *flags,
         gint64              date,
         GBytes             *message,
         guint32            *uidvalidity)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint32 uid;

  RUN (result, accord_imap_client_append_async (client, folder, flags, date, message, NULL,
                                                accord_test_result_cb, &result));
  uid = accord_imap_client_append_finish (client, result, uidvalidity, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uid, >, 0);

  return uid;
}

static GBytes *
_make_message (guint n,
               gsize body_size)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text,
                          "From: Bob <bob@example.test>\r\n"
                          "To: Alice <alice@example.test>\r\n"
                          "Subject: Test message %u\r\n"
                          "Message-ID: <test-%u-%d@example.test>\r\n"
                          "Date: Mon, 1 Jan 2024 12:00:00 +0000\r\n"
                          "\r\n",
                          n, n, (int) getpid ());
  while (text->len < body_size)
    g_string_append_printf (text, "Line %" G_GSIZE_FORMAT " of message %u, to fill it up "
                            "to its size.\r\n", text->len, n);

  return g_string_free_to_bytes (text);
}

static GPtrArray *
_fetch_flags (AccordImapClient  *client,
              const char        *uid_set,
              guint64            changed_since,
              gboolean           vanished,
              GArray           **vanished_uids)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *messages;

  RUN (result, accord_imap_client_fetch_flags_async (client, uid_set, changed_since,
                                                     vanished, NULL,
                                                     accord_test_result_cb, &result));
  messages = accord_imap_client_fetch_flags_finish (client, result, vanished_uids, &error);
  g_assert_no_error (error);
  g_assert_nonnull (messages);

  return messages;
}

static AccordImapMessage *
_find_message (GPtrArray *messages,
               guint32    uid)
{
  for (guint i = 0; i < messages->len; i++)
    {
      AccordImapMessage *message = g_ptr_array_index (messages, i);

      if (message->uid == uid)
        return message;
    }

  return NULL;
}

static gboolean
_array_has_uid (GArray  *uids,
                guint32  uid)
{
  for (guint i = 0; uids != NULL && i < uids->len; i++)
    if (g_array_index (uids, guint32, i) == uid)
      return TRUE;

  return FALSE;
}

static void
_store (AccordImapClient   *client,
        const char         *uid_set,
        gboolean            add,
        const char * const *flags,
        guint64             unchanged_since,
        GArray            **modified,
        GPtrArray         **changed)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  RUN (result, accord_imap_client_store_flags_async (client, uid_set, add, flags,
                                                     unchanged_since, NULL,
                                                     accord_test_result_cb, &result));
  accord_imap_client_store_flags_finish_full (client, result, modified, changed, &error);
  g_assert_no_error (error);
}

static void
_expunge (AccordImapClient *client,
          const char       *uid_set)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  RUN (result, accord_imap_client_expunge_async (client, uid_set, NULL,
                                                 accord_test_result_cb, &result));
  accord_imap_client_expunge_finish (client, result, &error);
  g_assert_no_error (error);
}

static void
_logout (AccordImapClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  RUN (result, accord_imap_client_logout_async (client, NULL, accord_test_result_cb,
                                                &result));
  accord_imap_client_logout_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_false (accord_imap_client_is_connected (client));
}

/* --- connecting and logging in ------------------------------------------------------ */

static void
test_connect_tls (void)
{
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(AccordImapClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) capabilities = NULL;
  const char * const expected[] = { "CONDSTORE", "QRESYNC", "UIDPLUS", "MOVE", "LITERAL+",
                                    "IDLE", "ENABLE", "SPECIAL-USE", "LIST-STATUS", NULL };

  REQUIRE_ENV ();

  database = _database ();
  client = _connect_full (ACCORD_SECURITY_TLS, "ACCORD_TEST_IMAPS_PORT", NULL, database,
                          &error);
  g_assert_no_error (error);
  g_assert_true (accord_imap_client_is_tls (client));
  g_assert_true (accord_imap_client_is_connected (client));
  g_assert_false (accord_imap_client_get_certificate_pinned (client));
  g_assert_nonnull (accord_imap_client_get_peer_certificate (client));
  g_assert_nonnull (accord_imap_client_get_greeting (client));
  g_assert_cmpstr (accord_imap_client_get_host (client), ==, g_getenv ("ACCORD_TEST_HOST"));
  g_assert_cmpuint (accord_imap_client_get_port (client), ==,
                    accord_test_env_port ("ACCORD_TEST_IMAPS_PORT"));
  g_assert_cmpuint (accord_imap_client_get_timeout (client), ==, 10);
  accord_imap_client_set_timeout (client, 0);
  g_assert_cmpuint (accord_imap_client_get_timeout (client), ==, ACCORD_IMAP_DEFAULT_TIMEOUT);

  g_assert_true (accord_imap_client_has_capability (client, "IMAP4rev1"));
  g_assert_true (accord_imap_client_has_capability (client, "auth=plain"));
  g_assert_false (accord_imap_client_has_capability (client, "LOGINDISABLED"));

  _login (client, g_getenv ("ACCORD_TEST_USER"), g_getenv ("ACCORD_TEST_PASSWORD"), &error);
  g_assert_no_error (error);

  /* After login the server tells what it can do for this user. */
  capabilities = accord_imap_client_dup_capabilities (client);
  for (guint i = 0; expected[i] != NULL; i++)
    {
      g_assert_true (g_strv_contains ((const char * const *) capabilities, expected[i]));
      g_assert_true (accord_imap_client_has_capability (client, expected[i]));
    }
  g_assert_false (accord_imap_client_is_enabled (client, "QRESYNC"));
  _enable_qresync (client);

  _logout (client);
}

static void
test_connect_starttls (void)
{
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(AccordImapClient) client = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_ENV ();

  database = _database ();
  client = _connect_full (ACCORD_SECURITY_STARTTLS, "ACCORD_TEST_IMAP_PORT", NULL, database,
                          &error);
  g_assert_no_error (error);
  g_assert_true (accord_imap_client_is_tls (client));
  /* What the server said in plain text was forgotten and asked for again. */
  g_assert_true (accord_imap_client_has_capability (client, "AUTH=PLAIN"));
  g_assert_false (accord_imap_client_has_capability (client, "LOGINDISABLED"));
  g_assert_false (accord_imap_client_has_capability (client, "STARTTLS"));

  _login (client, g_getenv ("ACCORD_TEST_USER"), g_getenv ("ACCORD_TEST_PASSWORD"), &error);
  g_assert_no_error (error);
  _logout (client);
}

static void
test_connect_plain (void)
{
  g_autoptr(AccordImapClient) client = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_ENV ();

  /* The STARTTLS port without STARTTLS: no password may be sent. */
  client = _connect_full (ACCORD_SECURITY_NONE, "ACCORD_TEST_IMAP_PORT", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (accord_imap_client_is_tls (client));
  g_assert_true (accord_imap_client_has_capability (client, "LOGINDISABLED"));
  g_assert_true (accord_imap_client_has_capability (client, "STARTTLS"));

  _login (client, g_getenv ("ACCORD_TEST_USER"), g_getenv ("ACCORD_TEST_PASSWORD"), &error);
  g_assert_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_AUTH);
  g_assert_true (accord_imap_client_is_connected (client));
  _logout (client);
}

static void
test_connect_certificate (void)
{
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(AccordImapClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  GTlsCertificate *certificate;

  REQUIRE_ENV ();

  database = _database ();
  client = _connect_full (ACCORD_SECURITY_TLS, "ACCORD_TEST_IMAPS_PORT", NULL, database,
                          &error);
  g_assert_no_error (error);
  certificate = accord_imap_client_get_peer_certificate (client);
  fingerprint = accord_certificate_get_fingerprint (certificate);
  g_clear_object (&client);

  /* The system does not trust the test CA. */
  client = _connect_full (ACCORD_SECURITY_TLS, "ACCORD_TEST_IMAPS_PORT", NULL, NULL, &error);
  g_assert_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, fingerprint));
  g_assert_null (client);
  g_clear_error (&error);

  /* Another pin does not help. */
  client = _connect_full (ACCORD_SECURITY_STARTTLS, "ACCORD_TEST_IMAP_PORT",
                          "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:"
                          "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff", NULL, &error);
  g_assert_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_CERTIFICATE);
  /* Checked against the system's authorities all the same, which do not know it. */
  g_assert_nonnull (strstr (error->message, fingerprint));
  g_assert_nonnull (strstr (error->message, "not signed by an authority"));
  g_clear_error (&error);

  /* Its own pin does, with STARTTLS too. */
  client = _connect_full (ACCORD_SECURITY_STARTTLS, "ACCORD_TEST_IMAP_PORT", fingerprint,
                          NULL, &error);
  g_assert_no_error (error);
  g_assert_true (accord_imap_client_get_certificate_pinned (client));
  _login (client, g_getenv ("ACCORD_TEST_USER"), g_getenv ("ACCORD_TEST_PASSWORD"), &error);
  g_assert_no_error (error);
  _logout (client);
}

/* Capabilities expected from the last session count until the login is done, and
 * never for how to log in. */
static void
test_expected_capabilities (void)
{
  g_autoptr(AccordImapClient) client = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) error = NULL;
  const char *expected[] = { "X-LAST-TIME", "AUTH=X-NEVER", "LITERAL-", NULL };

  REQUIRE_ENV ();

  database = _database ();
  client = _connect_full (ACCORD_SECURITY_TLS, "ACCORD_TEST_IMAPS_PORT", NULL, database, &error);
  g_assert_no_error (error);
  accord_imap_client_expect_capabilities (client, expected);
  g_assert_true (accord_imap_client_has_capability (client, "X-LAST-TIME"));
  g_assert_false (accord_imap_client_has_capability (client, "AUTH=X-NEVER"));
  g_assert_false (accord_imap_client_has_capability (client, "LITERAL-"));
  _login (client, g_getenv ("ACCORD_TEST_USER"), g_getenv ("ACCORD_TEST_PASSWORD"), &error);
  g_assert_no_error (error);
  g_assert_false (accord_imap_client_has_capability (client, "X-LAST-TIME"));
  g_assert_true (accord_imap_client_has_capability (client, "IMAP4REV1"));
  _logout (client);
}

static void
test_connect_refused (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(AccordImapClient) client = NULL;
  guint16 port;

  /* A port nobody listens on: take one, then give it back. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);

  RUN (result, accord_imap_client_connect_async ("127.0.0.1", port, ACCORD_SECURITY_TLS, NULL,
                                                 NULL, 5, NULL, accord_test_result_cb,
                                                 &result));
  client = accord_imap_client_connect_finish (result, &error);
  g_assert_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_CONNECT);
  g_assert_null (client);
}

static void
test_login_wrong_password (void)
{
  g_autoptr(AccordImapClient) client = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_ENV ();

  database = _database ();
  client = _connect_full (ACCORD_SECURITY_TLS, "ACCORD_TEST_IMAPS_PORT", NULL, database,
                          &error);
  g_assert_no_error (error);

  _login (client, g_getenv ("ACCORD_TEST_USER"), "wrong \"password\" \\ ü", &error);
  g_assert_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_AUTH);
  g_clear_error (&error);

  /* The connection can be used further. */
  g_assert_true (accord_imap_client_is_connected (client));
  _login (client, g_getenv ("ACCORD_TEST_USER"), g_getenv ("ACCORD_TEST_PASSWORD"), &error);
  g_assert_no_error (error);
  _logout (client);
}

/* --- folders ------------------------------------------------------------------------ */

static AccordImapFolder *
_find_folder (GPtrArray  *folders,
              const char *name)
{
  for (guint i = 0; i < folders->len; i++)
    {
      AccordImapFolder *folder = g_ptr_array_index (folders, i);

      if (g_strcmp0 (folder->name, name) == 0)
        return folder;
    }

  return NULL;
}

static GPtrArray *
_list (AccordImapClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *folders;

  RUN (result, accord_imap_client_list_async (client, NULL, accord_test_result_cb, &result));
  folders = accord_imap_client_list_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (folders);

  return folders;
}

static void
test_folders (void)
{
  g_autoptr(AccordImapClient) client = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AccordImapFolder) status = NULL;
  g_autofree char *base = _folder_name ("Folders");
  g_autofree char *drafts = g_strconcat (base, " Entwürfe & Co", NULL);
  g_autofree char *renamed = g_strconcat (base, " Ablage \"1\" \\ 日本", NULL);
  g_autofree char *wire = NULL;
  AccordImapFolder *folder;

  REQUIRE_ENV ();

  client = _connect (TRUE);
  _create (client, drafts);

  folders = _list (client);
  folder = _find_folder (folders, "INBOX");
  g_assert_nonnull (folder);
  folder = _find_folder (folders, "Sent");
  g_assert_nonnull (folder);
  g_assert_true (accord_imap_folder_has_attribute (folder, "\\Sent"));
  folder = _find_folder (folders, drafts);
  g_assert_nonnull (folder);
  wire = g_strconcat (base, " Entw&APw-rfe &- Co", NULL);
  g_assert_cmpstr (folder->raw_name, ==, wire);
  g_assert_cmpint (folder->delimiter, !=, '\0');
  /* The harness's Dovecot has LIST-STATUS (checked by connect/tls). */
  g_assert_true (folder->has_status);
  g_assert_cmpuint (folder->messages, ==, 0);
  g_assert_cmpuint (folder->uidvalidity, >, 0);
  g_clear_pointer (&folders, g_ptr_array_unref);

  RUN (result, accord_imap_client_status_async (client, drafts, NULL, accord_test_result_cb,
                                                &result));
  status = accord_imap_client_status_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_true (status->has_status);
  g_assert_cmpstr (status->name, ==, drafts);
  g_assert_cmpuint (status->messages, ==, 0);
  g_assert_cmpuint (status->uidnext, ==, 1);
  g_assert_cmpuint (status->uidvalidity, >, 0);

  /* Creating it again fails, and the connection goes on. */
  RUN (result, accord_imap_client_create_async (client, drafts, NULL, accord_test_result_cb,
                                                &result));
  g_assert_false (accord_imap_client_create_finish (client, result, &error));
  g_assert_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_NO);
  g_clear_error (&error);

  RUN (result, accord_imap_client_rename_async (client, drafts, renamed, NULL,
                                                accord_test_result_cb, &result));
  accord_imap_client_rename_finish (client, result, &error);
  g_assert_no_error (error);

  folders = _list (client);
  g_assert_null (_find_folder (folders, drafts));
  g_assert_nonnull (_find_folder (folders, renamed));
  g_clear_pointer (&folders, g_ptr_array_unref);

  RUN (result, accord_imap_client_delete_async (client, renamed, NULL, accord_test_result_cb,
                                                &result));
  accord_imap_client_delete_finish (client, result, &error);
  g_assert_no_error (error);

  RUN (result, accord_imap_client_delete_async (client, renamed, NULL, accord_test_result_cb,
                                                &result));
  g_assert_false (accord_imap_client_delete_finish (client, result, &error));
  g_assert_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_NO);
  g_clear_error (&error);

  /* Selecting a folder that does not exist fails and leaves none selected. */
  RUN (result, accord_imap_client_select_async (client, renamed, NULL, FALSE, NULL,
                                                accord_test_result_cb, &result));
  g_assert_null (accord_imap_client_select_finish (client, result, &error));
  g_assert_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_NO);
  g_assert_null (accord_imap_client_get_selected (client));

  folders = _list (client);
  g_assert_null (_find_folder (folders, renamed));
  _logout (client);
}

/* --- messages ----------------------------------------------------------------------- */

typedef struct
{
  guint      pending;
  guint32   *uids;
  guint32    uidvalidity;
  GError    *error;
} Appending;

typedef struct
{
  Appending *appending;
  guint      index;
} AppendCall;

static void
_append_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AppendCall *call = user_data;
  Appending *appending = call->appending;
  GError *error = NULL;

  appending->uids[call->index] =
    accord_imap_client_append_finish (ACCORD_IMAP_CLIENT (object), result,
                                      &appending->uidvalidity, &error);
  if (error != NULL && appending->error == NULL)
    appending->error = error;
  else
    g_clear_error (&error);
  appending->pending--;
  g_free (call);
}

/* Appends @messages all at once (pipelined); returns their UIDs. */
static guint32 *
_append_all (AccordImapClient   *client,
             const char         *folder,
             GPtrArray          *messages,
             const char * const *flags,
             gint64              date)
{
  Appending appending = { 0, };
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  appending.uids = g_new0 (guint32, messages->len);
  for (guint i = 0; i < messages->len; i++)
    {
      AppendCall *call = g_new0 (AppendCall, 1);

      call->appending = &appending;
      call->index = i;
      appending.pending++;
      accord_imap_client_append_async (client, folder, flags, date,
                                       g_ptr_array_index (messages, i), NULL,
                                       _append_done_cb, call);
    }

  while (appending.pending > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_no_error (appending.error);

  return appending.uids;
}

typedef struct
{
  GHashTable *bodies;    /* uid → GBytes */
  GPtrArray  *messages;  /* AccordImapMessage without body */
  guint       count;
  gsize       bytes;
  gboolean    keep;
  GCancellable *cancel_after_first;
} Fetched;

static void
_on_message_cb (AccordImapMessage *message,
                gpointer           user_data)
{
  Fetched *fetched = user_data;
  AccordImapMessage *copy;

  g_assert_nonnull (message->body);
  g_assert_cmpuint (message->uid, >, 0);
  fetched->count++;
  fetched->bytes += g_bytes_get_size (message->body);

  if (fetched->cancel_after_first != NULL)
    g_cancellable_cancel (fetched->cancel_after_first);
  if (!fetched->keep)
    return;

  g_hash_table_insert (fetched->bodies, GUINT_TO_POINTER (message->uid),
                       g_bytes_ref (message->body));
  copy = accord_imap_message_copy (message);
  g_clear_pointer (&copy->body, g_bytes_unref);
  g_ptr_array_add (fetched->messages, copy);
}

static void
_fetched_clear (Fetched *fetched)
{
  g_clear_pointer (&fetched->bodies, g_hash_table_unref);
  g_clear_pointer (&fetched->messages, g_ptr_array_unref);
}

static gboolean
_fetch_bodies (AccordImapClient  *client,
               const char        *uid_set,
               Fetched           *fetched,
               GCancellable      *cancellable,
               GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  if (fetched->keep)
    {
      fetched->bodies = g_hash_table_new_full (NULL, NULL, NULL,
                                               (GDestroyNotify) g_bytes_unref);
      fetched->messages =
        g_ptr_array_new_with_free_func ((GDestroyNotify) accord_imap_message_free);
    }

  RUN (result, accord_imap_client_fetch_bodies_async (client, uid_set, _on_message_cb, fetched,
                                                      cancellable, accord_test_result_cb,
                                                      &result));
  return accord_imap_client_fetch_bodies_finish (client, result, error);
}

static void
test_append (void)
{
  g_autoptr(AccordImapClient) client = NULL;
  g_autoptr(AccordImapMailbox) mailbox = NULL;
  g_autoptr(GBytes) message = _make_message (1, 1000);
  g_autofree char *folder = _folder_name ("Append");
  g_autoptr(GError) error = NULL;
  const char * const flags[] = { "\\Seen", "\\Flagged", "$Label1", NULL };
  Fetched fetched = { .keep = TRUE };
  AccordImapMessage *fetched_message;
  guint32 uidvalidity = 0;
  guint32 uid;
  gint64 date = 1700000000;

  REQUIRE_ENV ();

  client = _connect (TRUE);
  _create (client, folder);
  uid = _append (client, folder, flags, date, message, &uidvalidity);
  g_assert_cmpuint (uid, ==, 1);
  g_assert_cmpuint (uidvalidity, >, 0);
  uid = _append (client, folder, NULL, 0, message, NULL);
  g_assert_cmpuint (uid, ==, 2);

  mailbox = _select (client, folder, NULL);
  g_assert_cmpuint (mailbox->exists, ==, 2);
  g_assert_cmpuint (mailbox->uidvalidity, ==, uidvalidity);
  g_assert_cmpuint (mailbox->uidnext, ==, 3);
  g_assert_cmpuint (mailbox->highestmodseq, >, 0);
  g_assert_false (mailbox->read_only);
  g_assert_nonnull (mailbox->flags);
  g_assert_true (g_strv_contains ((const char * const *) mailbox->flags, "$Label1"));
  g_assert_true (g_strv_contains ((const char * const *) mailbox->permanent_flags, "\\*"));

  _fetch_bodies (client, "1", &fetched, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fetched.count, ==, 1);
  g_assert_true (g_bytes_equal (g_hash_table_lookup (fetched.bodies, GUINT_TO_POINTER (1)),
                                message));
  fetched_message = g_ptr_array_index (fetched.messages, 0);
  g_assert_cmpuint (fetched_message->uid, ==, 1);
  g_assert_cmpint (fetched_message->internaldate, ==, date);
  g_assert_cmpuint (fetched_message->size, ==, g_bytes_get_size (message));
  g_assert_true (accord_imap_message_has_flag (fetched_message, "\\seen"));
  g_assert_true (accord_imap_message_has_flag (fetched_message, "\\Flagged"));
  g_assert_true (accord_imap_message_has_flag (fetched_message, "$Label1"));
  _fetched_clear (&fetched);

  _logout (client);
}

static void
test_fetch_bodies (void)
{
  g_autoptr(AccordImapClient) client = NULL;
  g_autoptr(AccordImapMailbox) mailbox = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autofree char *folder = _folder_name ("Bodies");
  g_autofree guint32 *uids = NULL;
  g_autoptr(GError) error = NULL;
  const char * const flags[] = { "\\Seen", NULL };
  Fetched fetched = { .keep = TRUE };
  guint n = 300;

  REQUIRE_ENV ();

  client = _connect (TRUE);
  _create (client, folder);

  for (guint i = 0; i < n - 2; i++)
    g_ptr_array_add (messages, _make_message (i, 200 + (i * 7919) % 30000));
  {
    /* 8-bit text, a NUL, a lone CR, and no line end at the end. */
    static const char binary[] = "From: b@example.test\r\nSubject: bin\r\n\r\n"
                                 "Gr\xc3\xbc\xc3\x9f" "e \xff\xfe\x80 NUL:\0:\r end";

    g_ptr_array_add (messages, g_bytes_new_static (binary, sizeof binary - 1));
  }
  g_ptr_array_add (messages, _make_message (n, 2 * 1024 * 1024));

  uids = _append_all (client, folder, messages, flags, 1600000000);

  {
    /* The message went as a BINARY literal, NUL and all; but BODY[] must not carry a NUL
     * (RFC 3501 §4.3), so Dovecot sends 0x80 in its place. */
    gsize size;
    guint8 *expected = g_bytes_unref_to_data (g_ptr_array_steal_index (messages, n - 2), &size);

    *(guint8 *) memchr (expected, '\0', size) = 0x80;
    g_ptr_array_insert (messages, n - 2, g_bytes_new_take (expected, size));
  }
  mailbox = _select (client, folder, NULL);
  g_assert_cmpuint (mailbox->exists, ==, n);

  _fetch_bodies (client, "1:*", &fetched, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fetched.count, ==, n);
  for (guint i = 0; i < n; i++)
    {
      GBytes *body = g_hash_table_lookup (fetched.bodies, GUINT_TO_POINTER (uids[i]));
      AccordImapMessage *message = _find_message (fetched.messages, uids[i]);

      g_assert_nonnull (body);
      g_assert_nonnull (message);
      if (!g_bytes_equal (body, g_ptr_array_index (messages, i)))
        g_error ("message %u (UID %u, %" G_GSIZE_FORMAT " bytes) came back as %" G_GSIZE_FORMAT
                 " different bytes", i, uids[i],
                 g_bytes_get_size (g_ptr_array_index (messages, i)), g_bytes_get_size (body));
      g_assert_cmpint (message->internaldate, ==, 1600000000);
      g_assert_true (accord_imap_message_has_flag (message, "\\Seen"));
    }
  _fetched_clear (&fetched);

  _logout (client);
}

/* Five messages in a new folder of Bob's, selected on a client with QRESYNC. */
static AccordImapClient *
_client_with_five (char              **folder,
                   AccordImapMailbox **mailbox)
{
  g_autoptr(AccordImapClient) client = _connect (TRUE);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autofree guint32 *uids = NULL;

  _enable_qresync (client);
  *folder = _folder_name ("Five");
  _create (client, *folder);
  for (guint i = 0; i < 5; i++)
    g_ptr_array_add (messages, _make_message (i, 500));
  uids = _append_all (client, *folder, messages, NULL, 0);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpuint (uids[i], ==, i + 1);

  *mailbox = _select (client, *folder, NULL);
  g_assert_cmpuint ((*mailbox)->exists, ==, 5);

  return g_steal_pointer (&client);
}

static void
test_select_qresync (void)
{
  g_autoptr(AccordImapClient) client = NULL;
  g_autoptr(AccordImapClient) other = NULL;
  g_autoptr(AccordImapMailbox) before = NULL;
  g_autoptr(AccordImapMailbox) after = NULL;
  g_autoptr(AccordImapMailbox) inbox = NULL;
  g_autoptr(AccordImapMailbox) plain = NULL;
  g_autoptr(GBytes) message = _make_message (6, 500);
  g_autofree char *folder = NULL;
  const char * const flagged[] = { "\\Flagged", NULL };
  const char * const deleted[] = { "\\Deleted", NULL };
  AccordImapQresync qresync;
  AccordImapMessage *changed;
  guint32 new_uid;

  REQUIRE_ENV ();

  client = _client_with_five (&folder, &before);
  g_assert_cmpuint (before->highestmodseq, >, 0);
  g_assert_cmpuint (before->vanished->len, ==, 0);
  g_assert_cmpuint (before->changed->len, ==, 0);

  /* Someone else flags 2, removes 3 and adds a message. */
  other = _connect (TRUE);
  g_clear_pointer (&plain, accord_imap_mailbox_free);
  plain = _select (other, folder, NULL);
  /* Without QRESYNC enabled the folder is opened with CONDSTORE. */
  g_assert_cmpuint (plain->highestmodseq, ==, before->highestmodseq);
  g_assert_true (accord_imap_client_is_enabled (other, "CONDSTORE"));
  _store (other, "2", TRUE, flagged, 0, NULL, NULL);
  _store (other, "3", TRUE, deleted, 0, NULL, NULL);
  _expunge (other, "3");
  new_uid = _append (other, folder, NULL, 0, message, NULL);
  g_assert_cmpuint (new_uid, ==, 6);
  _logout (other);

  inbox = _select (client, "INBOX", NULL);
  qresync.uidvalidity = before->uidvalidity;
  qresync.modseq = before->highestmodseq;
  qresync.known_uids = NULL;
  after = _select (client, folder, &qresync);
  g_assert_cmpuint (after->exists, ==, 5);
  g_assert_cmpuint (after->uidnext, ==, 7);
  g_assert_cmpuint (after->highestmodseq, >, before->highestmodseq);

  g_assert_cmpuint (after->vanished->len, ==, 1);
  g_assert_cmpuint (g_array_index (after->vanished, guint32, 0), ==, 3);

  g_assert_cmpuint (after->changed->len, ==, 2);
  changed = _find_message (after->changed, 2);
  g_assert_nonnull (changed);
  g_assert_true (accord_imap_message_has_flag (changed, "\\Flagged"));
  g_assert_cmpuint (changed->modseq, >, before->highestmodseq);
  changed = _find_message (after->changed, new_uid);
  g_assert_nonnull (changed);
  g_assert_false (accord_imap_message_has_flag (changed, "\\Flagged"));
  g_clear_pointer (&after, accord_imap_mailbox_free);

  /* With the UIDs known, the server reports only about them: what is new shows in
   * UIDNEXT. */
  qresync.known_uids = "1:2,4:5";
  after = _select (client, folder, &qresync);
  g_assert_cmpuint (after->vanished->len, ==, 0);
  g_assert_cmpuint (after->changed->len, ==, 1);
  g_assert_nonnull (_find_message (after->changed, 2));
  g_clear_pointer (&after, accord_imap_mailbox_free);

  qresync.known_uids = "1:5";
  after = _select (client, folder, &qresync);
  g_assert_cmpuint (after->vanished->len, ==, 1);
  g_assert_cmpuint (after->changed->len, ==, 1);

  _logout (client);
}

static void
test_fetch_flags (void)
{
  g_autoptr(AccordImapClient) client = NULL;
  g_autoptr(AccordImapMailbox) mailbox = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GArray) vanished = NULL;
  g_autoptr(GArray) modified = NULL;
  g_autoptr(GPtrArray) changed = NULL;
  g_autofree char *folder = NULL;
  const char * const seen[] = { "\\Seen", "$Important", NULL };
  const char * const deleted[] = { "\\Deleted", NULL };
  AccordImapMessage *message;
  guint64 modseq;

  REQUIRE_ENV ();

  client = _client_with_five (&folder, &mailbox);
  modseq = mailbox->highestmodseq;

  messages = _fetch_flags (client, "1:*", 0, FALSE, &vanished);
  g_assert_cmpuint (messages->len, ==, 5);
  g_assert_cmpuint (vanished->len, ==, 0);
  for (guint i = 0; i < messages->len; i++)
    {
      message = g_ptr_array_index (messages, i);
      g_assert_cmpuint (message->uid, ==, i + 1);
      g_assert_nonnull (message->flags);
      g_assert_cmpuint (message->modseq, >, 0);
      g_assert_null (message->body);
    }
  g_clear_pointer (&messages, g_ptr_array_unref);
  g_clear_pointer (&vanished, g_array_unref);

  /* Store: the new mod-sequence comes back. */
  _store (client, "1,4", TRUE, seen, 0, &modified, &changed);
  g_assert_cmpuint (modified->len, ==, 0);
  g_assert_cmpuint (changed->len, ==, 2);
  message = _find_message (changed, 4);
  g_assert_nonnull (message);
  g_assert_cmpuint (message->modseq, >, modseq);
  g_clear_pointer (&modified, g_array_unref);
  g_clear_pointer (&changed, g_ptr_array_unref);

  /* Only what changed since. */
  messages = _fetch_flags (client, "1:*", modseq, TRUE, &vanished);
  g_assert_cmpuint (messages->len, ==, 2);
  message = _find_message (messages, 1);
  g_assert_true (accord_imap_message_has_flag (message, "\\Seen"));
  g_assert_true (accord_imap_message_has_flag (message, "$Important"));
  g_assert_nonnull (_find_message (messages, 4));
  g_assert_cmpuint (vanished->len, ==, 0);
  g_clear_pointer (&messages, g_ptr_array_unref);
  g_clear_pointer (&vanished, g_array_unref);

  /* Remove a flag; a store conditional on an old mod-sequence leaves 4 alone. */
  _store (client, "1", FALSE, seen, 0, NULL, NULL);
  _store (client, "2,4", TRUE, deleted, modseq, &modified, &changed);
  g_assert_cmpuint (modified->len, ==, 1);
  g_assert_cmpuint (g_array_index (modified, guint32, 0), ==, 4);
  g_assert_nonnull (_find_message (changed, 2));
  g_assert_null (_find_message (changed, 4));

  messages = _fetch_flags (client, "1:4", 0, FALSE, NULL);
  g_assert_cmpuint (messages->len, ==, 4);
  g_assert_false (accord_imap_message_has_flag (_find_message (messages, 1), "\\Seen"));
  g_assert_true (accord_imap_message_has_flag (_find_message (messages, 2), "\\Deleted"));
  g_assert_false (accord_imap_message_has_flag (_find_message (messages, 4), "\\Deleted"));
  g_clear_pointer (&messages, g_ptr_array_unref);

  /* UID EXPUNGE removes only what it names, though 5 has \Deleted too. */
  _store (client, "5", TRUE, deleted, 0, NULL, NULL);
  _expunge (client, "2");
  messages = _fetch_flags (client, "1:*", modseq, TRUE, &vanished);
  g_assert_null (_find_message (messages, 2));
  g_assert_nonnull (_find_message (messages, 5));
  g_assert_true (_array_has_uid (vanished, 2));
  g_assert_cmpuint (vanished->len, ==, 1);
  g_clear_pointer (&messages, g_ptr_array_unref);
  g_clear_pointer (&vanished, g_array_unref);

  /* Plain EXPUNGE takes the rest. */
  _expunge (client, NULL);
  messages = _fetch_flags (client, "1:*", 0, FALSE, NULL);
  g_assert_cmpuint (messages->len, ==, 3);
  g_assert_null (_find_message (messages, 5));

  _logout (client);
}

static void
test_move_search (void)
{
  g_autoptr(AccordImapClient) client = NULL;
  g_autoptr(AccordImapMailbox) mailbox = NULL;
  g_autoptr(AccordImapMailbox) target_mailbox = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GArray) source = NULL;
  g_autoptr(GArray) dest = NULL;
  g_autoptr(GArray) found = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *target = _folder_name ("Target");
  g_autofree char *criteria = NULL;
  guint32 uidvalidity = 0;

  REQUIRE_ENV ();

  client = _client_with_five (&folder, &mailbox);
  _create (client, target);

  RUN (result, accord_imap_client_move_async (client, "2,4:5", target, NULL,
                                              accord_test_result_cb, &result));
  accord_imap_client_move_finish_full (client, result, &uidvalidity, &source, &dest, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uidvalidity, >, 0);
  g_assert_cmpuint (source->len, ==, 3);
  g_assert_cmpuint (dest->len, ==, 3);
  g_assert_cmpuint (g_array_index (source, guint32, 0), ==, 2);
  g_assert_cmpuint (g_array_index (source, guint32, 2), ==, 5);
  g_assert_cmpuint (g_array_index (dest, guint32, 0), ==, 1);
  g_assert_cmpuint (g_array_index (dest, guint32, 2), ==, 3);

  messages = _fetch_flags (client, "1:*", 0, FALSE, NULL);
  g_assert_cmpuint (messages->len, ==, 2);

  /* Message 4 was "Test message 3"; find it where it went. */
  target_mailbox = _select (client, target, NULL);
  g_assert_cmpuint (target_mailbox->exists, ==, 3);
  g_assert_cmpuint (target_mailbox->uidvalidity, ==, uidvalidity);
  criteria = g_strdup_printf ("HEADER Message-ID \"<test-3-%d@example.test>\"", (int) getpid ());
  RUN (result, accord_imap_client_search_async (client, criteria, NULL, accord_test_result_cb,
                                                &result));
  found = accord_imap_client_search_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpuint (g_array_index (found, guint32, 0), ==, 2);
  g_clear_pointer (&found, g_array_unref);

  /* Searches started together each get their own answer, never the other's. */
  {
    GAsyncResult *results[3] = { NULL, NULL, NULL };
    const int numbers[3] = { 1, 3, 4 };

    for (guint i = 0; i < G_N_ELEMENTS (results); i++)
      {
        g_autofree char *by_id = g_strdup_printf ("HEADER Message-ID \"<test-%d-%d@example.test>\"",
                                                  numbers[i], (int) getpid ());

        accord_imap_client_search_async (client, by_id, NULL, accord_test_result_cb, &results[i]);
      }
    for (guint i = 0; i < G_N_ELEMENTS (results); i++)
      {
        g_autoptr(GArray) own = NULL;

        own = accord_imap_client_search_finish (client, accord_test_wait_result (&results[i]), &error);
        g_clear_object (&results[i]);
        g_assert_no_error (error);
        g_assert_cmpuint (own->len, ==, 1);
        g_assert_cmpuint (g_array_index (own, guint32, 0), ==, i + 1);
      }
  }

  /* A move to nowhere fails and leaves the messages. */
  RUN (result, accord_imap_client_move_async (client, "1", "No such folder", NULL,
                                              accord_test_result_cb, &result));
  g_assert_false (accord_imap_client_move_finish (client, result, &error));
  g_assert_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_NO);
  g_clear_error (&error);

  _logout (client);
}

static void
test_search_seed (void)
{
  g_autoptr(AccordImapClient) client = NULL;
  g_autoptr(AccordImapMailbox) inbox = NULL;
  g_autoptr(GArray) found = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Fetched fetched = { .keep = TRUE };
  GBytes *body;

  REQUIRE_ENV ();

  client = _connect (FALSE);
  inbox = _select (client, "INBOX", NULL);
  g_assert_cmpuint (inbox->exists, >=, 1);

  RUN (result, accord_imap_client_search_async (client,
                                                "HEADER Message-ID \"<seed-1@example.test>\"",
                                                NULL, accord_test_result_cb, &result));
  found = accord_imap_client_search_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);

  _fetch_bodies (client, "1:*", &fetched, NULL, &error);
  g_assert_no_error (error);
  body = g_hash_table_lookup (fetched.bodies,
                              GUINT_TO_POINTER (g_array_index (found, guint32, 0)));
  g_assert_nonnull (body);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                  "Subject: Welcome to Accord"));
  /* BODY.PEEK[] leaves \Seen alone. */
  g_assert_false (accord_imap_message_has_flag (g_ptr_array_index (fetched.messages, 0),
                                                "\\Seen"));
  _fetched_clear (&fetched);

  RUN (result, accord_imap_client_search_async (client, "NOT A SEARCH KEY", NULL,
                                                accord_test_result_cb, &result));
  g_assert_null (accord_imap_client_search_finish (client, result, &error));
  g_assert_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_BAD);
  g_assert_true (accord_imap_client_is_connected (client));

  _logout (client);
}

/* A folder of Bob's with @n messages of about @size bytes, selected. */
static AccordImapClient *
_client_with_many (guint  n,
                   gsize  size,
                   char **folder)
{
  g_autoptr(AccordImapClient) client = _connect (TRUE);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(AccordImapMailbox) mailbox = NULL;
  g_autofree guint32 *uids = NULL;

  *folder = _folder_name ("Many");
  _create (client, *folder);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (messages, _make_message (i, size));
  uids = _append_all (client, *folder, messages, NULL, 0);
  mailbox = _select (client, *folder, NULL);
  g_assert_cmpuint (mailbox->exists, ==, n);

  return g_steal_pointer (&client);
}

static void
test_fetch_timing (void)
{
  g_autoptr(AccordImapClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;
  Fetched fetched = { .keep = FALSE };
  gint64 start;
  double seconds;

  REQUIRE_ENV ();

  client = _client_with_many (2000, 5000, &folder);

  start = g_get_monotonic_time ();
  _fetch_bodies (client, "1:*", &fetched, NULL, &error);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_assert_no_error (error);
  g_assert_cmpuint (fetched.count, ==, 2000);

  g_test_message ("Fetched %u messages (%.1f MB) in %.3f s: %.0f messages/s",
                  fetched.count, fetched.bytes / 1e6, seconds, fetched.count / seconds);
  _logout (client);
}

static void
_noop_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GError **error = user_data;

  g_assert_false (accord_imap_client_noop_finish (ACCORD_IMAP_CLIENT (object), result, error));
}

static void
test_cancel (void)
{
  g_autoptr(AccordImapClient) client = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) noop_error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *folder = NULL;
  Fetched fetched = { .keep = FALSE };

  REQUIRE_ENV ();

  client = _client_with_many (200, 20000, &folder);

  /* Cancelled from inside the first message's callback, with a command queued behind. */
  fetched.cancel_after_first = cancellable;
  accord_imap_client_fetch_bodies_async (client, "1:*", _on_message_cb, &fetched, cancellable,
                                         accord_test_result_cb, &result);
  accord_imap_client_noop_async (client, NULL, _noop_cb, &noop_error);
  accord_test_wait_result (&result);
  g_assert_false (accord_imap_client_fetch_bodies_finish (client, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (fetched.count, >=, 1);
  g_assert_cmpuint (fetched.count, <, 200);
  g_assert_false (accord_imap_client_is_connected (client));

  while (noop_error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (noop_error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_CLOSED);

  RUN (result, accord_imap_client_noop_async (client, NULL, accord_test_result_cb, &result));
  g_assert_false (accord_imap_client_noop_finish (client, result, &error));
  g_assert_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_CLOSED);
  g_clear_error (&error);

  /* Logging out of a closed connection is no error. */
  _logout (client);

  /* Already cancelled: nothing is sent, and the connection stays. */
  g_clear_object (&client);
  client = _connect (TRUE);
  RUN (result, accord_imap_client_noop_async (client, cancellable, accord_test_result_cb,
                                              &result));
  g_assert_false (accord_imap_client_noop_finish (client, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (accord_imap_client_is_connected (client));
  _logout (client);
}

static gboolean
_cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);

  return G_SOURCE_REMOVE;
}

static void
test_idle (void)
{
  g_autoptr(AccordImapClient) client = NULL;
  g_autoptr(AccordImapClient) other = NULL;
  g_autoptr(AccordImapMailbox) mailbox = NULL;
  g_autoptr(GCancellable) stop = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = _make_message (1, 300);
  g_autofree char *folder = _folder_name ("Idle");
  gboolean changed = TRUE;

  REQUIRE_ENV ();

  client = _connect (TRUE);
  accord_imap_client_set_timeout (client, 2);
  _create (client, folder);
  mailbox = _select (client, folder, NULL);

  /* Stopped: no change. The server stays silent longer than the timeout meanwhile. */
  g_timeout_add (2500, _cancel_cb, stop);
  RUN (result, accord_imap_client_idle_async (client, stop, accord_test_result_cb, &result));
  accord_imap_client_idle_finish (client, result, &changed, &error);
  g_assert_no_error (error);
  g_assert_false (changed);
  g_assert_true (accord_imap_client_is_connected (client));

  /* Someone adds a message: IDLE ends by itself. */
  g_clear_object (&stop);
  stop = g_cancellable_new ();
  g_clear_object (&result);
  accord_imap_client_idle_async (client, stop, accord_test_result_cb, &result);
  other = _connect (TRUE);
  _append (other, folder, NULL, 0, message, NULL);
  accord_test_wait_result (&result);
  accord_imap_client_idle_finish (client, result, &changed, &error);
  g_assert_no_error (error);
  g_assert_true (changed);

  /* The connection goes on after IDLE. */
  RUN (result, accord_imap_client_noop_async (client, NULL, accord_test_result_cb, &result));
  accord_imap_client_noop_finish (client, result, &error);
  g_assert_no_error (error);

  _logout (other);
  _logout (client);
}

/* --- a scripted server ------------------------------------------------------------- */

typedef enum
{
  STEP_LITERAL = 1 << 0,  /* the command ends in a synchronizing literal: check that
                           * nothing follows it before "+", then take the literal */
  STEP_CLOSE   = 1 << 1,  /* close the connection after the reply */
} StepFlags;

typedef struct
{
  const char *expect;     /* what the client sends after its tag; NULL: nothing */
  const char *reply;      /* lines to send after it, "$" for its tag; NULL: nothing */
  StepFlags   flags;
} Step;

typedef struct
{
  GSocketListener *listener;
  guint16          port;
  const char      *greeting;
  const Step      *steps;
  GThread         *thread;
  GString         *received;
} FakeServer;

static void
_fake_write (GOutputStream *out,
             const char    *text,
             const char    *tag)
{
  g_autoptr(GString) line = g_string_new (text);
  g_autoptr(GError) error = NULL;

  if (tag != NULL)
    g_string_replace (line, "$", tag, 0);
  g_string_append (line, "\r\n");
  g_output_stream_write_all (out, line->str, line->len, NULL, NULL, &error);
}

static gpointer
_fake_server_thread (gpointer user_data)
{
  FakeServer *fake = user_data;
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(GError) error = NULL;
  GOutputStream *out;

  conn = g_socket_listener_accept (fake->listener, NULL, NULL, &error);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (conn)));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));

  _fake_write (out, fake->greeting, NULL);

  for (const Step *step = fake->steps; step->expect != NULL || step->reply != NULL; step++)
    {
      g_autofree char *line = NULL;
      g_autofree char *tag = NULL;

      if (step->expect != NULL)
        {
          const char *space;

          line = g_data_input_stream_read_line (in, NULL, NULL, NULL);
          if (line == NULL)
            break;
          g_string_append_printf (fake->received, "%s\n", line);
          space = strchr (line, ' ');
          g_assert_nonnull (space);
          tag = g_strndup (line, space - line);
          if (!g_str_has_prefix (space + 1, step->expect))
            g_error ("The scripted server expected “%s”, got “%s”", step->expect, line);
        }

      if (step->flags & STEP_LITERAL)
        {
          const char *open = strrchr (line, '{');
          guint64 size = g_ascii_strtoull (open + 1, NULL, 10);
          g_autofree char *data = g_malloc (size + 1);
          g_autofree char *rest = NULL;
          gsize got = 0;

          /* Nothing may come before the server's "+". */
          g_usleep (200 * 1000);
          g_assert_cmpuint (g_buffered_input_stream_get_available (G_BUFFERED_INPUT_STREAM (in)),
                            ==, 0);
          g_assert_false (g_socket_condition_check (g_socket_connection_get_socket (conn),
                                                    G_IO_IN) & G_IO_IN);
          _fake_write (out, "+ Ready for the literal", NULL);

          g_input_stream_read_all (G_INPUT_STREAM (in), data, size, &got, NULL, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (got, ==, size);
          g_string_append_len (fake->received, data, size);
          rest = g_data_input_stream_read_line (in, NULL, NULL, NULL);
          g_string_append_printf (fake->received, "%s\n", rest);
        }

      if (step->reply != NULL)
        _fake_write (out, step->reply, tag);
      if (step->flags & STEP_CLOSE)
        return NULL;
    }

  /* Until the client goes. */
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, NULL);

      if (line == NULL)
        break;
      g_string_append_printf (fake->received, "%s\n", line);
    }

  return NULL;
}

static FakeServer *
_fake_server_start (const char *greeting,
                    const Step *steps)
{
  FakeServer *fake = g_new0 (FakeServer, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  fake->listener = g_socket_listener_new ();
  g_socket_listener_add_address (fake->listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  fake->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  fake->greeting = greeting;
  fake->steps = steps;
  fake->received = g_string_new (NULL);
  fake->thread = g_thread_new ("fake-imap-server", _fake_server_thread, fake);

  return fake;
}

/* Waits for the script to end (the client must have closed the connection). */
static char *
_fake_server_finish (FakeServer *fake)
{
  char *received;

  g_thread_join (fake->thread);
  g_socket_listener_close (fake->listener);
  g_object_unref (fake->listener);
  received = g_string_free (fake->received, FALSE);
  g_free (fake);

  return received;
}

static AccordImapClient *
_fake_connect_full (FakeServer      *fake,
                    AccordSecurity   security,
                    guint            timeout,
                    GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  RUN (result, accord_imap_client_connect_async ("127.0.0.1", fake->port, security,
                                                 NULL, NULL, timeout, NULL,
                                                 accord_test_result_cb, &result));
  return accord_imap_client_connect_finish (result, error);
}

static AccordImapClient *
_fake_connect (FakeServer  *fake,
               guint        timeout,
               GError     **error)
{
  return _fake_connect_full (fake, ACCORD_SECURITY_NONE, timeout, error);
}

static void
test_fake_sync_literal (void)
{
  static const Step steps[] = {
    { "LOGIN \"user\" {7}", "$ OK [CAPABILITY IMAP4rev1 UIDPLUS] Logged in", STEP_LITERAL },
    { "APPEND \"Entw&APw-rfe\" (\\Seen) \"14-Nov-2023 22:13:20 +0000\" {14}",
      "$ OK [APPENDUID 7 42] Stored", STEP_LITERAL },
    { "NOOP", "$ OK Nothing", 0 },
    { NULL, NULL, 0 },
  };
  FakeServer *fake = _fake_server_start ("* OK [CAPABILITY IMAP4rev1] Fake ready", steps);
  g_autoptr(AccordImapClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) noop_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = g_bytes_new_static ("Subject: x\r\n\r\n", 14);
  g_autofree char *received = NULL;
  const char * const flags[] = { "\\Seen", NULL };
  guint32 uidvalidity = 0;
  guint32 uid;

  client = _fake_connect (fake, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (accord_imap_client_get_greeting (client), ==, "Fake ready");

  /* LOGIN with an 8-bit password goes as a literal, which waits for "+". */
  _login (client, "user", "pässwd", &error);
  g_assert_no_error (error);
  g_assert_true (accord_imap_client_has_capability (client, "UIDPLUS"));

  /* The NOOP issued right after APPEND waits behind the literal. */
  accord_imap_client_append_async (client, "Entwürfe", flags, 1700000000, message, NULL,
                                   accord_test_result_cb, &result);
  accord_imap_client_noop_async (client, NULL, accord_test_result_cb, &noop_result);
  accord_test_wait_result (&result);
  uid = accord_imap_client_append_finish (client, result, &uidvalidity, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uid, ==, 42);
  g_assert_cmpuint (uidvalidity, ==, 7);
  accord_test_wait_result (&noop_result);
  accord_imap_client_noop_finish (client, noop_result, &error);
  g_assert_no_error (error);

  g_clear_object (&result);
  g_clear_object (&noop_result);
  g_clear_object (&client);
  received = _fake_server_finish (fake);
  g_assert_nonnull (strstr (received, "pässwd\n"));
  g_assert_nonnull (strstr (received, "Subject: x\r\n\r\n\nA3 NOOP\n"));
}

static void
test_fake_timeout (void)
{
  static const Step steps[] = {
    { "NOOP", NULL, 0 },
    { NULL, NULL, 0 },
  };
  FakeServer *fake = _fake_server_start ("* OK [CAPABILITY IMAP4rev1] Fake ready", steps);
  g_autoptr(AccordImapClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *received = NULL;
  gint64 start;

  client = _fake_connect (fake, 1, &error);
  g_assert_no_error (error);
  g_assert_true (accord_imap_client_is_connected (client));

  /* The server stays silent: after the timeout every command fails, and the connection
   * is closed. */
  start = g_get_monotonic_time ();
  accord_imap_client_noop_async (client, NULL, accord_test_result_cb, &result);
  accord_imap_client_noop_async (client, NULL, accord_test_result_cb, &second);
  accord_test_wait_result (&result);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC);
  g_assert_false (accord_imap_client_noop_finish (client, result, &error));
  g_assert_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_TIMEOUT);
  g_clear_error (&error);
  accord_test_wait_result (&second);
  g_assert_false (accord_imap_client_noop_finish (client, second, &error));
  g_assert_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_TIMEOUT);
  g_clear_error (&error);
  g_assert_false (accord_imap_client_is_connected (client));

  RUN (result, accord_imap_client_noop_async (client, NULL, accord_test_result_cb, &result));
  g_assert_false (accord_imap_client_noop_finish (client, result, &error));
  g_assert_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_CLOSED);

  g_clear_object (&result);
  g_clear_object (&second);
  g_clear_object (&client);
  received = _fake_server_finish (fake);
  g_assert_cmpstr (received, ==, "A1 NOOP\nA2 NOOP\n");
}

static void
test_fake_bye (void)
{
  static const Step steps[] = {
    { "NOOP", "* BYE Server shutting down", STEP_CLOSE },
    { NULL, NULL, 0 },
  };
  FakeServer *fake = _fake_server_start ("* OK [CAPABILITY IMAP4rev1] Fake ready", steps);
  g_autoptr(AccordImapClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *received = NULL;

  client = _fake_connect (fake, 10, &error);
  g_assert_no_error (error);

  RUN (result, accord_imap_client_noop_async (client, NULL, accord_test_result_cb, &result));
  g_assert_false (accord_imap_client_noop_finish (client, result, &error));
  g_assert_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_CLOSED);
  g_assert_nonnull (strstr (error->message, "Server shutting down"));
  g_assert_false (accord_imap_client_is_connected (client));

  g_clear_object (&result);
  g_clear_object (&client);
  received = _fake_server_finish (fake);
}

/* The server answers NOOP with @reply; the NOOP must fail with @code. */
static void
_fake_noop_fails (const char *reply,
                  GQuark      domain,
                  gint        code)
{
  const Step steps[] = {
    { "NOOP", reply, 0 },
    { NULL, NULL, 0 },
  };
  FakeServer *fake = _fake_server_start ("* OK [CAPABILITY IMAP4rev1] Fake ready", steps);
  g_autoptr(AccordImapClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *received = NULL;

  client = _fake_connect (fake, 10, &error);
  g_assert_no_error (error);

  RUN (result, accord_imap_client_noop_async (client, NULL, accord_test_result_cb, &result));
  g_assert_false (accord_imap_client_noop_finish (client, result, &error));
  g_assert_error (error, domain, code);
  if (domain == ACCORD_IMAP_ERROR && code != ACCORD_IMAP_ERROR_NO &&
      code != ACCORD_IMAP_ERROR_BAD)
    g_assert_false (accord_imap_client_is_connected (client));
  else
    g_assert_true (accord_imap_client_is_connected (client));

  g_clear_object (&result);
  g_clear_object (&client);
  received = _fake_server_finish (fake);
}

static void
test_fake_hostile (void)
{
  _fake_noop_fails ("$ NO [UNAVAILABLE] Try later", ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_NO);
  _fake_noop_fails ("$ BAD What?", ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_BAD);
  _fake_noop_fails ("* 1 FETCH (UID 5 FLAGS (\\Seen)", ACCORD_IMAP_ERROR,
                    ACCORD_IMAP_ERROR_PROTOCOL);
  _fake_noop_fails ("* 1 FETCH (UID 5 BODY[] {99999999999999}", ACCORD_IMAP_ERROR,
                    ACCORD_IMAP_ERROR_LIMIT);
  _fake_noop_fails ("* 1 FETCH (UID 5 BODY[] {999999999999999999999999}", ACCORD_IMAP_ERROR,
                    ACCORD_IMAP_ERROR_LIMIT);
  _fake_noop_fails ("A99 OK Not yours", ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_PROTOCOL);
  _fake_noop_fails ("+ Go on", ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_PROTOCOL);
  _fake_noop_fails ("$ MAYBE", ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_PROTOCOL);
  _fake_noop_fails ("* 99999999999 EXISTS", ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_PROTOCOL);
}

static void
_fake_connect_fails (const char     *greeting,
                     const Step     *steps,
                     AccordSecurity  security,
                     gint            code)
{
  FakeServer *fake = _fake_server_start (greeting, steps);
  g_autoptr(AccordImapClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *received = NULL;

  client = _fake_connect_full (fake, security, 10, &error);
  g_assert_error (error, ACCORD_IMAP_ERROR, code);
  g_assert_null (client);
  received = _fake_server_finish (fake);
}

static void
test_fake_greeting (void)
{
  static const Step none[] = {
    { NULL, NULL, 0 },
  };
  static const Step refuse_starttls[] = {
    { "STARTTLS", "$ NO Not today", 0 },
    { NULL, NULL, 0 },
  };
  static const Step no_capability[] = {
    { "CAPABILITY", "* CAPABILITY IMAP4rev1 LOGINDISABLED\r\n$ OK Done", 0 },
    { NULL, NULL, 0 },
  };

  _fake_connect_fails ("* BYE Too many connections", none, ACCORD_SECURITY_NONE,
                       ACCORD_IMAP_ERROR_CONNECT);
  _fake_connect_fails ("SSH-2.0-OpenSSH_9.2", none, ACCORD_SECURITY_NONE,
                       ACCORD_IMAP_ERROR_PROTOCOL);
  _fake_connect_fails ("+OK POP3 server ready", none, ACCORD_SECURITY_NONE,
                       ACCORD_IMAP_ERROR_PROTOCOL);
  /* STARTTLS is never skipped: not offered, or refused. */
  _fake_connect_fails ("* OK Fake ready", no_capability, ACCORD_SECURITY_STARTTLS,
                       ACCORD_IMAP_ERROR_NO_STARTTLS);
  _fake_connect_fails ("* OK [CAPABILITY IMAP4rev1 STARTTLS] Fake ready", refuse_starttls,
                       ACCORD_SECURITY_STARTTLS, ACCORD_IMAP_ERROR_NO_STARTTLS);
  /* Whatever the server says, it is no IMAP server if it is no TLS server. */
  _fake_connect_fails ("* OK Fake ready", none, ACCORD_SECURITY_TLS,
                       ACCORD_IMAP_ERROR_CONNECT);
}

static void
test_fake_move_without_move (void)
{
  static const Step steps[] = {
    { "UID COPY 4:5 \"Trash\"", "$ OK [COPYUID 9 4:5 1:2] Copied", 0 },
    { "UID STORE 4:5 +FLAGS.SILENT (\\Deleted)", "$ OK Stored", 0 },
    { "UID EXPUNGE 4:5", "* 3 EXPUNGE\r\n* 3 EXPUNGE\r\n$ OK Expunged", 0 },
    { "UID COPY 7 \"Nowhere\"", "$ NO [TRYCREATE] No such folder", 0 },
    { "NOOP", "$ OK Nothing", 0 },
    { NULL, NULL, 0 },
  };
  FakeServer *fake = _fake_server_start ("* OK [CAPABILITY IMAP4rev1 UIDPLUS] Fake ready",
                                         steps);
  g_autoptr(AccordImapClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) source = NULL;
  g_autoptr(GArray) dest = NULL;
  g_autofree char *received = NULL;
  guint32 uidvalidity = 0;

  client = _fake_connect (fake, 10, &error);
  g_assert_no_error (error);

  RUN (result, accord_imap_client_move_async (client, "4:5", "Trash", NULL,
                                              accord_test_result_cb, &result));
  accord_imap_client_move_finish_full (client, result, &uidvalidity, &source, &dest, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uidvalidity, ==, 9);
  g_assert_cmpuint (source->len, ==, 2);
  g_assert_cmpuint (g_array_index (source, guint32, 1), ==, 5);
  g_assert_cmpuint (g_array_index (dest, guint32, 1), ==, 2);

  /* Nothing is marked \Deleted when the copy failed. */
  RUN (result, accord_imap_client_move_async (client, "7", "Nowhere", NULL,
                                              accord_test_result_cb, &result));
  g_assert_false (accord_imap_client_move_finish (client, result, &error));
  g_assert_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_NO);
  RUN (result, accord_imap_client_noop_async (client, NULL, accord_test_result_cb, &result));
  g_clear_error (&error);
  accord_imap_client_noop_finish (client, result, &error);
  g_assert_no_error (error);

  g_clear_object (&result);
  g_clear_object (&client);
  received = _fake_server_finish (fake);
  g_assert_nonnull (strstr (received, "A4 UID COPY 7 \"Nowhere\"\nA5 NOOP\n"));
}

/* --- the parser --------------------------------------------------------------------- */

/* Feeds @data in pieces of @step bytes; returns the responses, or fails with @error. */
static GPtrArray *
_parse (const char  *data,
        gsize        len,
        gsize        step,
        GError     **error)
{
  g_autoptr(AccordImapParser) parser = accord_imap_parser_new (1024 * 1024);
  g_autoptr(GPtrArray) responses =
    g_ptr_array_new_with_free_func ((GDestroyNotify) accord_imap_response_free);
  gsize done = 0;

  while (done < len)
    {
      AccordImapResponse *response;

      done += accord_imap_parser_feed (parser, (const guint8 *) data + done,
                                       MIN (step, len - done));
      while ((response = accord_imap_parser_next (parser, error)) != NULL)
        g_ptr_array_add (responses, response);
      if (error != NULL && *error != NULL)
        return NULL;
    }

  return g_steal_pointer (&responses);
}

static void
test_parser_responses (void)
{
  static const char data[] =
    "* OK [CAPABILITY IMAP4rev1 LITERAL+] Hello\r\n"
    "* 3 FETCH (UID 7 FLAGS (\\Seen $Junk) MODSEQ (12) BODY[] {5}\r\nab\0cd"
    " INTERNALDATE \"17-Jul-1996 02:44:25 -0700\")\r\n"
    "* LIST (\\HasNoChildren \\Drafts) \"/\" {18}\r\nEntw&APw-rfe &- Co\r\n"
    "+ idling\r\n"
    "A1 OK [APPENDUID 38505 3955] Done\r\n";
  gsize steps[] = { 1, 2, 7, 64, sizeof data };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) responses = _parse (data, sizeof data - 1, steps[i], &error);
      g_autoptr(AccordImapMessage) message = NULL;
      g_autoptr(AccordImapFolder) folder = NULL;
      AccordImapResponse *response;
      guint64 number = 0;
      gboolean has_body = FALSE;

      g_assert_no_error (error);
      g_assert_cmpuint (responses->len, ==, 5);

      response = g_ptr_array_index (responses, 0);
      g_assert_cmpstr (response->code, ==, "CAPABILITY");
      g_assert_cmpstr (response->text, ==, "Hello");

      message = accord_imap_message_new_from_fetch (g_ptr_array_index (responses, 1),
                                                    &has_body, &error);
      g_assert_no_error (error);
      g_assert_true (has_body);
      g_assert_cmpuint (message->seqnum, ==, 3);
      g_assert_cmpuint (message->uid, ==, 7);
      g_assert_cmpuint (message->modseq, ==, 12);
      g_assert_cmpint (message->internaldate, ==, 837596665);
      g_assert_true (accord_imap_message_has_flag (message, "$junk"));
      g_assert_cmpmem (g_bytes_get_data (message->body, NULL), g_bytes_get_size (message->body),
                       "ab\0cd", 5);

      folder = accord_imap_folder_new_from_list (g_ptr_array_index (responses, 2), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (folder->name, ==, "Entwürfe & Co");
      g_assert_cmpint (folder->delimiter, ==, '/');
      g_assert_true (accord_imap_folder_has_attribute (folder, "\\drafts"));

      response = g_ptr_array_index (responses, 3);
      g_assert_cmpint (response->kind, ==, ACCORD_IMAP_RESPONSE_CONTINUATION);
      g_assert_cmpstr (response->text, ==, "idling");

      response = g_ptr_array_index (responses, 4);
      g_assert_cmpstr (response->tag, ==, "A1");
      g_assert_cmpint (response->status, ==, ACCORD_IMAP_STATUS_OK);
      g_assert_true (accord_imap_response_code_number (response, "APPENDUID", 1, &number));
      g_assert_cmpuint (number, ==, 3955);
    }
}

static void
_assert_parse_fails (const char *data,
                     gsize       len,
                     gint        code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) responses = _parse (data, len, 4096, &error);

  g_assert_error (error, ACCORD_IMAP_ERROR, code);
  g_assert_null (responses);
}

static void
test_parser_hostile (void)
{
  g_autoptr(GString) long_line = g_string_new ("* OK ");
  g_autoptr(GString) deep = g_string_new ("* 1 FETCH ");
  g_autoptr(AccordImapParser) parser = accord_imap_parser_new (0);
  g_autoptr(GError) error = NULL;
  static const char nul[] = "* OK a\0b\r\n";

  while (long_line->len <= ACCORD_IMAP_MAX_LINE + 10)
    g_string_append (long_line, "aaaaaaaaaaaaaaaa");
  _assert_parse_fails (long_line->str, long_line->len, ACCORD_IMAP_ERROR_LIMIT);

  for (guint i = 0; i < 100; i++)
    g_string_append_c (deep, '(');
  for (guint i = 0; i < 100; i++)
    g_string_append_c (deep, ')');
  g_string_append (deep, "\r\n");
  _assert_parse_fails (deep->str, deep->len, ACCORD_IMAP_ERROR_PROTOCOL);

  _assert_parse_fails (nul, sizeof nul - 1, ACCORD_IMAP_ERROR_PROTOCOL);
  _assert_parse_fails ("* 1 FETCH (BODY[] {2000000}\r\n", 29, ACCORD_IMAP_ERROR_LIMIT);
  _assert_parse_fails ("* LIST (\\Noselect) \"/\" \"unterminated\r\n", 38,
                       ACCORD_IMAP_ERROR_PROTOCOL);
  _assert_parse_fails ("* 1 FETCH (UID 1))\r\n", 20, ACCORD_IMAP_ERROR_PROTOCOL);
  _assert_parse_fails ("A1 PREAUTH hello\r\n", 18, ACCORD_IMAP_ERROR_PROTOCOL);
  _assert_parse_fails ("*\r\n", 3, ACCORD_IMAP_ERROR_PROTOCOL);

  /* An error is final. */
  accord_imap_parser_feed (parser, (const guint8 *) "\0\r\n* OK fine\r\n", 14);
  g_assert_null (accord_imap_parser_next (parser, &error));
  g_assert_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_null (accord_imap_parser_next (parser, &error));
  g_assert_error (error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_PROTOCOL);
}

static void
test_parser_names (void)
{
  const char * const names[] = { "Entwürfe & Co", "INBOX", "日本語/下書き", "a&b", "😀 Smile",
                                 "~peter/mail/台北/日本語", "" };
  g_autofree char *encoded = accord_imap_utf7_encode ("Entwürfe & Co");
  g_autofree char *decoded = NULL;

  g_assert_cmpstr (encoded, ==, "Entw&APw-rfe &- Co");
  g_clear_pointer (&encoded, g_free);
  encoded = accord_imap_utf7_encode ("~peter/mail/台北/日本語");
  g_assert_cmpstr (encoded, ==, "~peter/mail/&U,BTFw-/&ZeVnLIqe-");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_clear_pointer (&encoded, g_free);
      g_clear_pointer (&decoded, g_free);
      encoded = accord_imap_utf7_encode (names[i]);
      g_assert_nonnull (encoded);
      for (const char *p = encoded; *p != '\0'; p++)
        g_assert_true (*p >= 0x20 && *p <= 0x7e);
      decoded = accord_imap_utf7_decode (encoded);
      g_assert_cmpstr (decoded, ==, names[i]);
    }

  /* Not modified UTF-7: unterminated, needlessly encoded ASCII, 8-bit, bad base64. */
  g_assert_null (accord_imap_utf7_decode ("&APw"));
  g_assert_null (accord_imap_utf7_decode ("&AGE-"));
  g_assert_null (accord_imap_utf7_decode ("Entw\xc3\xbcrfe"));
  g_assert_null (accord_imap_utf7_decode ("&A/w-"));
  g_assert_null (accord_imap_utf7_decode ("&2D0-"));
  g_assert_null (accord_imap_utf7_encode ("\xff"));
}

/* --- main --------------------------------------------------------------------------- */

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/imap-client/connect/tls", test_connect_tls);
  g_test_add_func ("/imap-client/connect/starttls", test_connect_starttls);
  g_test_add_func ("/imap-client/connect/plain", test_connect_plain);
  g_test_add_func ("/imap-client/connect/certificate", test_connect_certificate);
  g_test_add_func ("/imap-client/connect/refused", test_connect_refused);
  g_test_add_func ("/imap-client/login/wrong-password", test_login_wrong_password);
  g_test_add_func ("/imap-client/login/expected-capabilities", test_expected_capabilities);
  g_test_add_func ("/imap-client/folders", test_folders);
  g_test_add_func ("/imap-client/append", test_append);
  g_test_add_func ("/imap-client/fetch-bodies", test_fetch_bodies);
  g_test_add_func ("/imap-client/select/qresync", test_select_qresync);
  g_test_add_func ("/imap-client/fetch-flags", test_fetch_flags);
  g_test_add_func ("/imap-client/move-search", test_move_search);
  g_test_add_func ("/imap-client/search-seed", test_search_seed);
  g_test_add_func ("/imap-client/fetch-timing", test_fetch_timing);
  g_test_add_func ("/imap-client/cancel", test_cancel);
  g_test_add_func ("/imap-client/idle", test_idle);
  g_test_add_func ("/imap-client/fake/sync-literal", test_fake_sync_literal);
  g_test_add_func ("/imap-client/fake/timeout", test_fake_timeout);
  g_test_add_func ("/imap-client/fake/bye", test_fake_bye);
  g_test_add_func ("/imap-client/fake/hostile", test_fake_hostile);
  g_test_add_func ("/imap-client/fake/greeting", test_fake_greeting);
  g_test_add_func ("/imap-client/fake/move-without-move", test_fake_move_without_move);
  g_test_add_func ("/imap-client/parser/responses", test_parser_responses);
  g_test_add_func ("/imap-client/parser/hostile", test_parser_hostile);
  g_test_add_func ("/imap-client/parser/names", test_parser_names);

  return g_test_run ();
}
