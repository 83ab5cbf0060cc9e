/* accord-test-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "accord-test-utils.h"

void
accord_test_result_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

/* Runs the default main context until an accord_test_result_cb() has stored a result;
 * a test that waits far too long fails rather than hangs. */
GAsyncResult *
accord_test_wait_result (GAsyncResult **result)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (*result == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  return *result;
}

char *
accord_test_make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *path = g_dir_make_tmp ("accord-test-XXXXXX", &error);

  g_assert_no_error (error);
  return path;
}

void
accord_test_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          accord_test_rm_rf (child);
        else
          g_unlink (child);
      }

  g_rmdir (path);
}

char *
accord_test_read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

/* Whether any regular file below @root holds @needle, byte for byte. */
gboolean
accord_test_tree_contains (const char *root,
                           const char *needle)
{
  g_autoptr(GDir) dir = g_dir_open (root, 0, NULL);
  const char *name;

  if (dir == NULL)
    return FALSE;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (root, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        continue;

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        {
          if (accord_test_tree_contains (child, needle))
            return TRUE;
          continue;
        }

      if (g_file_get_contents (child, &contents, &length, NULL) &&
          g_strstr_len (contents, length, needle) != NULL)
        {
          g_test_message ("%s contains the secret", child);
          return TRUE;
        }
    }

  return FALSE;
}

static gboolean
_same_file (const char *a,
            const char *b)
{
  GStatBuf sa, sb;

  if (a == NULL || b == NULL || *a == '\0' || *b == '\0')
    return FALSE;
  if (g_stat (a, &sa) != 0 || g_stat (b, &sb) != 0)
    return FALSE;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/**
 * accord_test_enter_world:
 * @argv: the test program's own arguments, as main() got them (before g_test_init())
 * @spec: the world's spec file
 *
 * Unless this process already runs in the world of @spec, runs @argv again inside one
 * (tests/servers/accord-test-world); the exit status and TAP output are then the inner
 * run's. Files are compared, not names: the wrapper resolves the spec's directory.
 * Returns only when already in the world.
 */
void
accord_test_enter_world (char       **argv,
                         const char  *spec)
{
  g_autofree char *script = NULL;
  g_autoptr(GPtrArray) args = NULL;

  if (g_getenv ("ACCORD_WORLD_DIR") != NULL && _same_file (g_getenv ("ACCORD_WORLD_SPEC"), spec))
    return;

  script = g_test_build_filename (G_TEST_DIST, "servers", "accord-test-world", NULL);
  args = g_ptr_array_new ();
  g_ptr_array_add (args, script);
  g_ptr_array_add (args, (char *) "--spec");
  g_ptr_array_add (args, (char *) spec);
  g_ptr_array_add (args, (char *) "--");
  for (; *argv != NULL; argv++)
    g_ptr_array_add (args, *argv);
  g_ptr_array_add (args, NULL);

  execv (script, (char **) args->pdata);
  g_printerr ("cannot run %s: %s\n", script, g_strerror (errno));
  exit (125);
}

/* The port a test harness variable names. */
guint16
accord_test_env_port (const char *name)
{
  guint64 port = 0;
  g_autoptr(GError) error = NULL;

  g_ascii_string_to_unsigned (g_getenv (name), 10, 1, G_MAXUINT16, &port, &error);
  g_assert_no_error (error);

  return (guint16) port;
}

/* The SHA-256 fingerprint of the harness's server certificate, worked out here rather
 * than with the code under test, so that it checks that code. */
char *
accord_test_server_fingerprint (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GByteArray) der = NULL;
  g_autofree char *hex = NULL;
  g_autofree char *path = NULL;
  GString *out = g_string_new (NULL);

  g_assert_nonnull (g_getenv ("ACCORD_TEST_SERVERS_DIR"));
  path = g_build_filename (g_getenv ("ACCORD_TEST_SERVERS_DIR"), "tls", "server.pem", NULL);
  certificate = g_tls_certificate_new_from_file (path, &error);
  g_assert_no_error (error);
  g_object_get (certificate, "certificate", &der, NULL);
  hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  for (guint i = 0; hex[i] != '\0'; i += 2)
    g_string_append_printf (out, "%s%c%c", i > 0 ? ":" : "", hex[i], hex[i + 1]);

  return g_string_free (out, FALSE);
}
