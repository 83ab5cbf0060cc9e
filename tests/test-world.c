/* test-world.c - checks tests/servers/accord-test-world
 *
 * Runs inside the world that tests/data/world/basic.spec describes: when it
 * is started anywhere else (by hand, or by meson in a world without that
 * spec), it runs itself again under
 *   tests/servers/accord-test-world --spec tests/data/world/basic.spec -- ...
 * It uses GLib, GIO and libsoup only, with their default resolver and TLS
 * database, as Accord does: if these checks fail, the world is broken, not
 * Accord.
 */

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accord-test-utils.h"

#define SPEC_NAME "basic.spec"
#define TIMEOUT_SECONDS 10

static char *
data_file (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "world", name, NULL);
}

/* --- helpers ------------------------------------------------------------------------ */

static SoupSession *
new_session (guint timeout)
{
  /* No TLS database or resolver is set: the defaults must do. */
  return soup_session_new_with_options ("timeout", timeout,
                                        "idle-timeout", timeout,
                                        NULL);
}

static GBytes *
fetch (SoupSession *session, const char *method, const char *uri,
       const char *auth, guint *status, GError **error)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  GBytes *body;

  g_assert_nonnull (msg);
  if (auth != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
                                  "Authorization", auth);
  body = soup_session_send_and_read (session, msg, NULL, error);
  *status = soup_message_get_status (msg);
  return body;
}

static char *
read_data_file (const char *name)
{
  g_autofree char *path = data_file (name);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static void
assert_body_is_file (GBytes *body, const char *name)
{
  g_autofree char *expected = read_data_file (name);
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);

  g_assert_cmpmem (data, len, expected, strlen (expected));
}

/* The lines of requests.log that contain every one of the given
 * substrings (each line is a JSON object as Python's json.dumps writes it:
 * "key": value, separated by ", "). */
static GPtrArray *
requests_matching (const char *first, ...)
{
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *needles = g_ptr_array_new ();
  const char *s;
  va_list ap;

  va_start (ap, first);
  for (s = first; s != NULL; s = va_arg (ap, const char *))
    g_ptr_array_add (needles, (gpointer) s);
  va_end (ap);

  g_file_get_contents (g_getenv ("ACCORD_WORLD_REQUESTS_LOG"), &log, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (log, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gboolean all = lines[i][0] != '\0';

      for (guint j = 0; all && j < needles->len; j++)
        all = strstr (lines[i], needles->pdata[j]) != NULL;
      if (all)
        g_ptr_array_add (found, g_strdup (lines[i]));
    }
  g_ptr_array_unref (needles);
  return found;
}

/* --- DNS ------------------------------------------------------------------------- */

static void
test_resolve_hosts (void)
{
  GResolver *resolver = g_resolver_get_default ();
  g_autoptr(GError) error = NULL;
  GList *addrs;
  g_autofree char *first = NULL;

  addrs = g_resolver_lookup_by_name (resolver, "autoconfig.example.test", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (addrs), ==, 1);
  first = g_inet_address_to_string (addrs->data);
  /* The first host of the spec gets the first address. */
  g_assert_cmpstr (first, ==, "127.0.1.1");
  g_resolver_free_addresses (addrs);

  /* IPv4 only: getaddrinfo() with AI_ADDRCONFIG, as GLib asks, finds
   * nothing unless some interface other than loopback has an IPv4 address. */
  addrs = g_resolver_lookup_by_name_with_flags (resolver, "autoconfig.example.test",
                                                G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY,
                                                NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (addrs), ==, 1);
  g_resolver_free_addresses (addrs);

  /* Through DNS too (the CNAME is not in /etc/hosts). */
  addrs = g_resolver_lookup_by_name (resolver, "mail.example.test", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_inet_address_get_is_loopback (addrs->data));
  g_resolver_free_addresses (addrs);

  g_object_unref (resolver);
}

static void
test_resolve_outside (void)
{
  GResolver *resolver = g_resolver_get_default ();
  g_autoptr(GError) error = NULL;
  GList *addrs;

  /* Names outside the world do not exist, and no query leaves it. */
  addrs = g_resolver_lookup_by_name (resolver, "www.gnome.org", NULL, &error);
  g_assert_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND);
  g_assert_null (addrs);
  g_clear_error (&error);

  addrs = g_resolver_lookup_by_name (resolver, "imap.other.test", NULL, &error);
  g_assert_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND);
  g_object_unref (resolver);
}

static void
test_srv (void)
{
  GResolver *resolver = g_resolver_get_default ();
  g_autoptr(GError) error = NULL;
  GList *targets;
  GSrvTarget *t;

  targets = g_resolver_lookup_service (resolver, "imaps", "tcp", "example.test", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (targets), ==, 1);
  t = targets->data;
  g_assert_cmpstr (g_srv_target_get_hostname (t), ==, "imap.example.test");
  g_assert_cmpuint (g_srv_target_get_port (t), ==, 993);
  g_assert_cmpuint (g_srv_target_get_priority (t), ==, 0);
  g_assert_cmpuint (g_srv_target_get_weight (t), ==, 1);
  g_list_free_full (targets, (GDestroyNotify) g_srv_target_free);

  /* "Not offered" (RFC 2782 target "."): GLib 2.74 hands it out as an
   * empty host name with port 0; discovery must treat it as absent. */
  targets = g_resolver_lookup_service (resolver, "submission", "tcp", "example.test", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (targets), ==, 1);
  t = targets->data;
  g_assert_cmpstr (g_srv_target_get_hostname (t), ==, "");
  g_assert_cmpuint (g_srv_target_get_port (t), ==, 0);
  g_list_free_full (targets, (GDestroyNotify) g_srv_target_free);

  targets = g_resolver_lookup_service (resolver, "pop3s", "tcp", "example.test", NULL, &error);
  g_assert_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND);
  g_assert_null (targets);
  g_object_unref (resolver);
}

static void
test_mx_txt (void)
{
  GResolver *resolver = g_resolver_get_default ();
  g_autoptr(GError) error = NULL;
  GList *records, *l;
  gboolean seen10 = FALSE, seen20 = FALSE, seen_spf = FALSE;

  records = g_resolver_lookup_records (resolver, "example.test", G_RESOLVER_RECORD_MX, NULL, &error);
  g_assert_no_error (error);
  for (l = records; l != NULL; l = l->next)
    {
      guint16 pref;
      const char *host;

      g_variant_get (l->data, "(q&s)", &pref, &host);
      if (pref == 10 && g_str_equal (host, "mx.mailhost.test"))
        seen10 = TRUE;
      else if (pref == 20 && g_str_equal (host, "backup.mailhost.test"))
        seen20 = TRUE;
      else
        g_assert_not_reached ();
    }
  g_assert_true (seen10 && seen20);
  g_list_free_full (records, (GDestroyNotify) g_variant_unref);

  records = g_resolver_lookup_records (resolver, "_caldavs._tcp.example.test",
                                       G_RESOLVER_RECORD_TXT, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (records), ==, 1);
  {
    g_autofree const char **strings = NULL;

    g_variant_get (records->data, "(^a&s)", &strings);
    g_assert_cmpstr (strings[0], ==, "path=/dav/");
    g_assert_null (strings[1]);
  }
  g_list_free_full (records, (GDestroyNotify) g_variant_unref);

  records = g_resolver_lookup_records (resolver, "example.test", G_RESOLVER_RECORD_TXT, NULL, &error);
  g_assert_no_error (error);
  for (l = records; l != NULL; l = l->next)
    {
      g_autofree const char **strings = NULL;

      g_variant_get (l->data, "(^a&s)", &strings);
      if (g_strv_contains (strings, "v=spf1 -all"))
        seen_spf = TRUE;
    }
  g_assert_true (seen_spf);
  g_list_free_full (records, (GDestroyNotify) g_variant_unref);

  /* A name that exists, without records of the type. */
  records = g_resolver_lookup_records (resolver, "autoconfig.example.test",
                                       G_RESOLVER_RECORD_MX, NULL, &error);
  g_assert_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND);
  g_assert_null (records);
  g_object_unref (resolver);
}

static void
test_idn (void)
{
  GResolver *resolver = g_resolver_get_default ();
  g_autoptr(SoupSession) session = new_session (TIMEOUT_SECONDS);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  GList *addrs;
  guint status = 0;

  addrs = g_resolver_lookup_by_name (resolver, "bücher.test", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_inet_address_get_is_loopback (addrs->data));
  g_resolver_free_addresses (addrs);
  addrs = g_resolver_lookup_by_name (resolver, "xn--bcher-kva.test", NULL, &error);
  g_assert_no_error (error);
  g_resolver_free_addresses (addrs);

  body = fetch (session, "GET", "https://xn--bcher-kva.test/mail/config-v1.1.xml",
                NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  assert_body_is_file (body, "config-v1.1.xml");
  g_clear_pointer (&body, g_bytes_unref);

  /* The same with the U-label in the URI. */
  body = fetch (session, "GET", "https://bücher.test/mail/config-v1.1.xml",
                NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);

  seen = requests_matching ("\"host\": \"xn--bcher-kva.test\"", "\"scheme\": \"https\"", NULL);
  g_assert_cmpuint (seen->len, ==, 2);
  g_object_unref (resolver);
}

/* --- HTTPS and HTTP ---------------------------------------------------------------- */

static void
test_soup_https (void)
{
  g_autoptr(SoupSession) session = new_session (TIMEOUT_SECONDS);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  guint status = 0;

  body = fetch (session, "GET",
                "https://autoconfig.example.test/mail/config-v1.1.xml?emailaddress=alice%40example.test",
                NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  assert_body_is_file (body, "config-v1.1.xml");

  seen = requests_matching ("\"scheme\": \"https\"", "\"host\": \"autoconfig.example.test\"",
                            "\"path\": \"/mail/config-v1.1.xml\"",
                            "\"query\": \"emailaddress=alice%40example.test\"",
                            "\"sni\": \"autoconfig.example.test\"",
                            "\"authorization\": null", NULL);
  g_assert_cmpuint (seen->len, ==, 1);
  g_clear_pointer (&seen, g_ptr_array_unref);
  g_clear_pointer (&body, g_bytes_unref);

  /* A status rule, HTTPS only. */
  body = fetch (session, "GET", "https://autoconfig.example.test/broken.xml", NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 500);
  g_clear_pointer (&body, g_bytes_unref);
  body = fetch (session, "GET", "https://autoconfig.example.test/nothing-here", NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 404);
}

static void
test_gio_tls (void)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) response = g_byte_array_new ();
  const char *request = "GET /mail/config-v1.1.xml HTTP/1.0\r\n"
                        "Host: autoconfig.example.test\r\n\r\n";
  GInputStream *in;
  guint8 buf[4096];
  gssize n;

  g_socket_client_set_tls (client, TRUE);
  g_socket_client_set_timeout (client, TIMEOUT_SECONDS);
  conn = g_socket_client_connect_to_host (client, "autoconfig.example.test", 443, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                             request, strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);
  in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  while ((n = g_input_stream_read (in, buf, sizeof buf, NULL, &error)) > 0)
    g_byte_array_append (response, buf, n);
  g_assert_no_error (error);
  g_byte_array_append (response, (const guint8 *) "", 1);
  g_assert_true (g_str_has_prefix ((char *) response->data, "HTTP/1.1 200 "));
  g_assert_nonnull (strstr ((char *) response->data, "<clientConfig version=\"1.1\">"));
}

static void
test_untrusted_without_world_ca (void)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) system_only = NULL;
  g_autofree char *system_cas = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GSocketConnectable) identity = g_network_address_new ("autoconfig.example.test", 443);

  /* The world's certificate is trusted only through the world's CA: a
   * database with the system's CAs alone rejects it. */
  system_cas = g_build_filename (g_getenv ("ACCORD_WORLD_DIR"), "tls", "system.crt", NULL);
  system_only = g_tls_file_database_new (system_cas, &error);
  g_assert_no_error (error);
  g_socket_client_set_timeout (client, TIMEOUT_SECONDS);
  conn = g_socket_client_connect_to_host (client, "autoconfig.example.test", 443, NULL, &error);
  g_assert_no_error (error);
  tls = g_tls_client_connection_new (G_IO_STREAM (conn), identity, &error);
  g_assert_no_error (error);
  g_tls_connection_set_database (G_TLS_CONNECTION (tls), system_only);
  g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
}

static void
test_plain_http (void)
{
  g_autoptr(SoupSession) session = new_session (TIMEOUT_SECONDS);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  guint status = 0;

  body = fetch (session, "GET", "http://plain.example.test/mail/config-v1.1.xml",
                NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  assert_body_is_file (body, "config-v1.1.xml");
  g_clear_pointer (&body, g_bytes_unref);
  seen = requests_matching ("\"scheme\": \"http\"", "\"host\": \"plain.example.test\"", NULL);
  g_assert_cmpuint (seen->len, ==, 1);

  /* "no-https": nothing listens on its port 443. */
  body = fetch (session, "GET", "https://plain.example.test/mail/config-v1.1.xml",
                NULL, &status, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_null (body);
}

static void
test_redirect (void)
{
  g_autoptr(SoupSession) session = new_session (TIMEOUT_SECONDS);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  guint status = 0;

  /* Followed by libsoup... */
  body = fetch (session, "GET", "https://autoconfig.example.test/old/config-v1.1.xml",
                NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  assert_body_is_file (body, "config-v1.1.xml");
  g_clear_pointer (&body, g_bytes_unref);

  /* ... or seen as it is. */
  msg = soup_message_new ("GET", "http://evil.test/steal");
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 302);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location"),
                   ==, "https://autoconfig.example.test/mail/config-v1.1.xml");

  seen = requests_matching ("\"path\": \"/old/config-v1.1.xml\"", "\"status\": 301", NULL);
  g_assert_cmpuint (seen->len, ==, 1);
}

static void
test_hang (void)
{
  g_autoptr(SoupSession) session = new_session (1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  guint status = 0;

  body = fetch (session, "GET", "https://slow.example.test/mail/config-v1.1.xml",
                NULL, &status, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_null (body);

  /* The request did arrive. */
  seen = requests_matching ("\"host\": \"slow.example.test\"", "\"status\": null", NULL);
  g_assert_cmpuint (seen->len, >=, 1);
}

static void
test_huge (void)
{
  g_autoptr(SoupSession) session = new_session (TIMEOUT_SECONDS);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", "https://autoconfig.example.test/huge.xml");
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GError) error = NULL;
  static guint8 buf[65536];
  guint64 total = 0;
  gssize n;

  in = soup_session_send (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpint (soup_message_headers_get_content_length (soup_message_get_response_headers (msg)),
                   ==, 10000000);
  while ((n = g_input_stream_read (in, buf, sizeof buf, NULL, &error)) > 0)
    total += n;
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 10000000);
}

static void
test_basic_auth_and_post (void)
{
  g_autoptr(SoupSession) session = new_session (TIMEOUT_SECONDS);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *wrong = NULL;
  const char *xml = "<Autodiscover><Request><EMailAddress>alice@example.test</EMailAddress>"
                    "</Request></Autodiscover>";
  const char *uri = "https://autodiscover.example.test/autodiscover/autodiscover.xml";
  guint status = 0;

  auth = g_strconcat ("Basic ", "YWxpY2VAZXhhbXBsZS50ZXN0OmFsaWNlLXNlY3JldC0x", NULL);
  wrong = g_strconcat ("Basic ", "YWxpY2VAZXhhbXBsZS50ZXN0Ondyb25n", NULL);

  body = fetch (session, "GET", uri, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 401);
  g_clear_pointer (&body, g_bytes_unref);
  body = fetch (session, "GET", uri, wrong, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 401);
  g_clear_pointer (&body, g_bytes_unref);

  msg = soup_message_new ("POST", uri);
  request = g_bytes_new_static (xml, strlen (xml));
  soup_message_set_request_body_from_bytes (msg, "text/xml", request);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  assert_body_is_file (body, "autodiscover.xml");

  {
    g_autofree char *needle = g_strdup_printf ("\"authorization\": \"%s\"", auth);

    seen = requests_matching ("\"method\": \"POST\"", "\"host\": \"autodiscover.example.test\"",
                              needle, "<EMailAddress>alice@example.test</EMailAddress>",
                              "\"status\": 200", NULL);
    g_assert_cmpuint (seen->len, ==, 1);
    g_clear_pointer (&seen, g_ptr_array_unref);
  }
  seen = requests_matching ("\"host\": \"autodiscover.example.test\"", "\"authorization\": null",
                            "\"status\": 401", NULL);
  g_assert_cmpuint (seen->len, ==, 1);
  g_clear_pointer (&seen, g_ptr_array_unref);

  /* The kind of assertion discovery tests make: no credentials went to
   * evil.test, and none over plain HTTP. */
  seen = requests_matching ("\"host\": \"evil.test\"", NULL);
  g_assert_cmpuint (seen->len, >=, 1);
  for (guint i = 0; i < seen->len; i++)
    g_assert_nonnull (strstr (seen->pdata[i], "\"authorization\": null"));
  g_clear_pointer (&seen, g_ptr_array_unref);
  seen = requests_matching ("\"scheme\": \"http\"", "\"authorization\": \"", NULL);
  g_assert_cmpuint (seen->len, ==, 0);
}

static void
test_no_real_network (void)
{
  g_autoptr(SoupSession) session = new_session (TIMEOUT_SECONDS);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  guint status = 0;

  /* A host the world does not have: no such name. */
  body = fetch (session, "GET", "https://www.example.com/", NULL, &status, &error);
  g_assert_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND);
  g_assert_null (body);
  g_clear_error (&error);

  /* And no route out of the world, even by address (a TEST-NET address
   * other than that of the world's placeholder interface). */
  g_socket_client_set_timeout (client, TIMEOUT_SECONDS);
  conn = g_socket_client_connect_to_host (client, "203.0.113.1", 443, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE);
  g_assert_null (conn);
}

/* --- Dovecot on the standard ports ------------------------------------------------------ */

static char *
read_line (GDataInputStream *in)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line (in, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (line);
  return line;
}

static void
send_line (GIOStream *stream, const char *line)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (g_io_stream_get_output_stream (stream), line, strlen (line),
                             NULL, NULL, &error);
  g_assert_no_error (error);
}

static GDataInputStream *
line_reader (GIOStream *stream)
{
  GDataInputStream *in = g_data_input_stream_new (g_io_stream_get_input_stream (stream));

  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (in), FALSE);
  return in;
}

static void
test_dovecot_implicit_tls (void)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *greeting = NULL;
  g_autofree char *reply = NULL;

  g_socket_client_set_tls (client, TRUE);
  g_socket_client_set_timeout (client, TIMEOUT_SECONDS);
  conn = g_socket_client_connect_to_host (client, "imap.example.test", 993, NULL, &error);
  g_assert_no_error (error);
  in = line_reader (G_IO_STREAM (conn));
  greeting = read_line (in);
  g_assert_true (g_str_has_prefix (greeting, "* OK "));
  send_line (G_IO_STREAM (conn), "a LOGIN alice alice-secret-1\r\n");
  do
    {
      g_free (reply);
      reply = read_line (in);
    }
  while (!g_str_has_prefix (reply, "a "));
  g_assert_true (g_str_has_prefix (reply, "a OK"));

  /* Submission over implicit TLS as well. */
  g_clear_object (&in);
  g_clear_object (&conn);
  g_clear_pointer (&greeting, g_free);
  conn = g_socket_client_connect_to_host (client, "imap.example.test", 465, NULL, &error);
  g_assert_no_error (error);
  in = line_reader (G_IO_STREAM (conn));
  greeting = read_line (in);
  g_assert_true (g_str_has_prefix (greeting, "220 "));
}

static void
test_dovecot_starttls (void)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnectable) identity = g_network_address_new ("imap.example.test", 143);
  g_autofree char *line = NULL;
  gboolean logindisabled = FALSE;

  g_socket_client_set_timeout (client, TIMEOUT_SECONDS);
  conn = g_socket_client_connect_to_host (client, "imap.example.test", 143, NULL, &error);
  g_assert_no_error (error);
  in = line_reader (G_IO_STREAM (conn));
  line = read_line (in);
  g_assert_true (g_str_has_prefix (line, "* OK "));
  logindisabled = strstr (line, "LOGINDISABLED") != NULL;
  send_line (G_IO_STREAM (conn), "a STARTTLS\r\n");
  do
    {
      g_free (line);
      line = read_line (in);
    }
  while (!g_str_has_prefix (line, "a "));
  g_assert_true (g_str_has_prefix (line, "a OK"));
  g_assert_true (logindisabled);
  g_clear_object (&in);

  /* The default database verifies the world's certificate for the name. */
  tls = g_tls_client_connection_new (G_IO_STREAM (conn), identity, &error);
  g_assert_no_error (error);
  g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error);
  g_assert_no_error (error);
  in = line_reader (tls);
  send_line (tls, "b CAPABILITY\r\n");
  g_clear_pointer (&line, g_free);
  line = read_line (in);
  g_assert_true (g_str_has_prefix (line, "* CAPABILITY "));
  g_assert_null (strstr (line, "LOGINDISABLED"));
  g_assert_nonnull (strstr (line, "AUTH=PLAIN"));
}

static void
test_dovecot_submission_starttls (void)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnectable) identity = g_network_address_new ("imap.example.test", 587);
  g_autofree char *line = NULL;

  g_socket_client_set_timeout (client, TIMEOUT_SECONDS);
  conn = g_socket_client_connect_to_host (client, "imap.example.test", 587, NULL, &error);
  g_assert_no_error (error);
  in = line_reader (G_IO_STREAM (conn));
  line = read_line (in);
  g_assert_true (g_str_has_prefix (line, "220 "));
  send_line (G_IO_STREAM (conn), "EHLO client.example.test\r\n");
  do
    {
      g_free (line);
      line = read_line (in);
    }
  while (!g_str_has_prefix (line, "250 "));
  send_line (G_IO_STREAM (conn), "STARTTLS\r\n");
  g_free (line);
  line = read_line (in);
  g_assert_true (g_str_has_prefix (line, "220 "));
  g_clear_object (&in);

  tls = g_tls_client_connection_new (G_IO_STREAM (conn), identity, &error);
  g_assert_no_error (error);
  g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error);
  g_assert_no_error (error);
  in = line_reader (tls);
  send_line (tls, "EHLO client.example.test\r\n");
  do
    {
      g_free (line);
      line = read_line (in);
    }
  while (!g_str_has_prefix (line, "250 "));
}

int
main (int argc, char **argv)
{
  g_autofree char *spec = NULL;
  char **saved_argv = g_strdupv (argv);

  g_test_init (&argc, &argv, NULL);

  spec = data_file (SPEC_NAME);
  accord_test_enter_world (saved_argv, spec);
  g_strfreev (saved_argv);

  g_test_add_func ("/world/dns/hosts", test_resolve_hosts);
  g_test_add_func ("/world/dns/outside", test_resolve_outside);
  g_test_add_func ("/world/dns/srv", test_srv);
  g_test_add_func ("/world/dns/mx-txt", test_mx_txt);
  g_test_add_func ("/world/dns/idn", test_idn);
  g_test_add_func ("/world/http/soup-https", test_soup_https);
  g_test_add_func ("/world/http/gio-tls", test_gio_tls);
  g_test_add_func ("/world/http/untrusted-without-world-ca", test_untrusted_without_world_ca);
  g_test_add_func ("/world/http/plain", test_plain_http);
  g_test_add_func ("/world/http/redirect", test_redirect);
  g_test_add_func ("/world/http/hang", test_hang);
  g_test_add_func ("/world/http/huge", test_huge);
  g_test_add_func ("/world/http/basic-auth-and-post", test_basic_auth_and_post);
  g_test_add_func ("/world/http/no-real-network", test_no_real_network);
  g_test_add_func ("/world/dovecot/implicit-tls", test_dovecot_implicit_tls);
  g_test_add_func ("/world/dovecot/starttls", test_dovecot_starttls);
  g_test_add_func ("/world/dovecot/submission-starttls", test_dovecot_submission_starttls);

  return g_test_run ();
}
