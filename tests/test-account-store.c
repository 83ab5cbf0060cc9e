/* test-account-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "accord-core.h"
#include "accord-test-utils.h"

typedef struct
{
  char               *dir;
  AccordAccountStore *store;
  guint               added;
  guint               changed;
  guint               removed;
  guint               items_changed;
} Fixture;

static void
_on_added (AccordAccountStore *store, AccordAccount *account, Fixture *f)
{
  f->added++;
}

static void
_on_changed (AccordAccountStore *store, AccordAccount *account, Fixture *f)
{
  f->changed++;
}

static void
_on_removed (AccordAccountStore *store, AccordAccount *account, Fixture *f)
{
  f->removed++;
}

static void
_on_items_changed (GListModel *model, guint position, guint removed, guint added, Fixture *f)
{
  f->items_changed++;
}

static void
_load (AccordAccountStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  accord_account_store_load_async (store, NULL, accord_test_result_cb, &result);
  accord_account_store_load_finish (store, accord_test_wait_result (&result), &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = accord_test_make_tmp_dir ();
  f->store = accord_account_store_new (f->dir);
  g_signal_connect (f->store, "account-added", G_CALLBACK (_on_added), f);
  g_signal_connect (f->store, "account-changed", G_CALLBACK (_on_changed), f);
  g_signal_connect (f->store, "account-removed", G_CALLBACK (_on_removed), f);
  g_signal_connect (f->store, "items-changed", G_CALLBACK (_on_items_changed), f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  accord_test_rm_rf (f->dir);
  g_free (f->dir);
}

static AccordAccount *
_new_account (AccordAccountStore *store,
              const char         *address,
              const char         *name)
{
  g_autofree char *id = accord_account_store_generate_id (store, address);
  AccordAccount *account = accord_account_new (id, address);
  g_autoptr(AccordServiceConfig) in = accord_service_config_new (ACCORD_PROTOCOL_IMAP);

  in->host = g_strdup ("imap.example.com");
  in->port = 993;
  accord_account_set_service (account, ACCORD_SERVICE_MAIL_IN, in);
  accord_account_set_display_name (account, name);
  return account;
}

static gboolean
_add (AccordAccountStore  *store,
      AccordAccount       *account,
      GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  accord_account_store_add_async (store, account, NULL, accord_test_result_cb, &result);
  return accord_account_store_add_finish (store, accord_test_wait_result (&result), error);
}

static gboolean
_remove (AccordAccountStore  *store,
         const char          *id,
         GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  accord_account_store_remove_async (store, id, NULL, accord_test_result_cb, &result);
  return accord_account_store_remove_finish (store, accord_test_wait_result (&result), error);
}

static guint
_count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  if (d == NULL)
    return 0;
  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
test_store_empty (Fixture *f, gconstpointer data)
{
  g_autofree char *missing = g_build_filename (f->dir, "does", "not", "exist", NULL);
  g_autoptr(AccordAccountStore) store = accord_account_store_new (missing);

  _load (f->store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 0);

  /* A folder that does not exist yet is no accounts, not an error. */
  _load (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_assert_cmpuint (g_strv_length ((char **) accord_account_store_get_problems (store)), ==, 0);
}

static void
test_store_add_update_remove (Fixture *f, gconstpointer data)
{
  g_autoptr(AccordAccount) zed = _new_account (f->store, "zed@example.com", "Zed");
  g_autoptr(AccordAccount) amy = NULL;
  g_autoptr(AccordAccount) edited = NULL;
  g_autoptr(AccordAccount) first = NULL;
  g_autoptr(AccordAccountStore) other = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  GStatBuf st;

  _load (f->store);

  _add (f->store, zed, &error);
  g_assert_no_error (error);
  amy = _new_account (f->store, "amy@example.com", "amy");
  _add (f->store, amy, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (f->added, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 2);

  /* Sorted by name, whatever the case */
  first = g_list_model_get_item (G_LIST_MODEL (f->store), 0);
  g_assert_cmpstr (accord_account_get_id (first), ==, "amy-example-com");

  path = g_build_filename (f->dir, "zed-example-com.json", NULL);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  /* Only the two account files: no temporary file left behind */
  g_assert_cmpuint (_count_files (f->dir), ==, 2);

  edited = accord_account_copy (zed);
  accord_account_set_display_name (edited, "Zed at Work");
  accord_account_store_update_async (f->store, edited, NULL, accord_test_result_cb, &result);
  accord_account_store_update_finish (f->store, accord_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->changed, ==, 1);
  g_assert_cmpstr (accord_account_get_display_name (accord_account_store_lookup (f->store, "zed-example-com")),
                   ==, "Zed at Work");

  /* A second store sees exactly what the first wrote. */
  other = accord_account_store_new (f->dir);
  _load (other);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (other)), ==, 2);
  g_assert_true (accord_account_equal (accord_account_store_lookup (other, "zed-example-com"),
                                       edited));

  _remove (f->store, "zed-example-com", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->removed, ==, 1);
  g_assert_null (accord_account_store_lookup (f->store, "zed-example-com"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (_count_files (f->dir), ==, 1);

  _remove (f->store, "zed-example-com", &error);
  g_assert_error (error, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_NOT_FOUND);
}

static void
test_store_duplicate_id (Fixture *f, gconstpointer data)
{
  g_autoptr(AccordAccount) a = _new_account (f->store, "sam@example.com", NULL);
  g_autoptr(AccordAccount) b = accord_account_new ("sam-example-com", "sam@example.com");
  g_autoptr(AccordAccount) c = NULL;
  g_autoptr(GError) error = NULL;

  _load (f->store);
  _add (f->store, a, &error);
  g_assert_no_error (error);

  _add (f->store, b, &error);
  g_assert_error (error, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_EXISTS);
  g_clear_error (&error);

  /* The same address twice gets a second id rather than replacing the first. */
  c = _new_account (f->store, "sam@example.com", NULL);
  g_assert_cmpstr (accord_account_get_id (c), ==, "sam-example-com-2");
  _add (f->store, c, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 2);
}

static void
test_store_ordered_writes (Fixture *f, gconstpointer data)
{
  g_autoptr(AccordAccount) account = _new_account (f->store, "kim@example.com", "Kim 0");
  g_autoptr(AccordAccountStore) other = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *results[20] = { NULL, };

  _load (f->store);
  _add (f->store, account, &error);
  g_assert_no_error (error);

  /* Twenty quick edits without waiting: the last one asked for is the one on disk. */
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr(AccordAccount) edit = accord_account_copy (account);
      g_autofree char *name = g_strdup_printf ("Kim %u", i + 1);

      accord_account_set_display_name (edit, name);
      accord_account_store_update_async (f->store, edit, NULL, accord_test_result_cb, &results[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      accord_account_store_update_finish (f->store, accord_test_wait_result (&results[i]), &error);
      g_assert_no_error (error);
      g_clear_object (&results[i]);
    }

  other = accord_account_store_new (f->dir);
  _load (other);
  g_assert_cmpstr (accord_account_get_display_name (accord_account_store_lookup (other, "kim-example-com")),
                   ==, "Kim 20");
}

static void
_write (const char *dir,
        const char *name,
        const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
test_store_corrupt_files (Fixture *f, gconstpointer data)
{
  static const struct {
    const char *name;
    const char *contents;
  } bad[] = {
    { "alice-example-com.json", "{ \"version\": 1, \"id\": \"alice-example-com\", " },
    { "future.json", "{\"version\": 99, \"id\": \"future\", \"address\": \"f@example.com\"}" },
    { "wrong-id.json", "{\"version\": 1, \"id\": \"other\", \"address\": \"o@example.com\"}" },
    { "Not An Id.json", "{}" },
    { "binary.json", "\x89PNG\r\n\x1a\n\xff\xfe" },
  };
  g_autoptr(AccordAccount) alice = NULL;
  g_autoptr(AccordAccount) good = NULL;
  g_autoptr(GError) error = NULL;
  const char * const *problems;
  g_autofree char *big = NULL;
  g_autofree char *future = g_build_filename (f->dir, "future.json", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    _write (f->dir, bad[i].name, bad[i].contents);
  big = g_strnfill (1024 * 1024, ' ');
  _write (f->dir, "huge.json", big);
  _write (f->dir, "good.json",
          "{\"version\": 1, \"id\": \"good\", \"address\": \"good@example.com\"}");
  _write (f->dir, "README", "not an account");

  _load (f->store);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 1);
  g_assert_nonnull (accord_account_store_lookup (f->store, "good"));

  problems = accord_account_store_get_problems (f->store);
  g_assert_cmpuint (g_strv_length ((char **) problems), ==, G_N_ELEMENTS (bad) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gboolean named = FALSE;

      for (guint j = 0; problems[j] != NULL; j++)
        named |= strstr (problems[j], bad[i].name) != NULL;
      g_assert_true (named);
    }

  /* Adding an account whose natural id is taken by a broken file picks another id. */
  alice = _new_account (f->store, "alice@example.com", "Alice");
  g_assert_cmpstr (accord_account_get_id (alice), !=, "alice-example-com");
  _add (f->store, alice, &error);
  g_assert_no_error (error);

  /* Never overwritten, never deleted */
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = g_build_filename (f->dir, bad[i].name, NULL);
      g_autofree char *contents = accord_test_read_file (path);

      g_assert_cmpstr (contents, ==, bad[i].contents);
    }

  /* And it cannot be removed through the store either. */
  _remove (f->store, "future", &error);
  g_assert_error (error, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_NOT_FOUND);
  g_assert_true (g_file_test (future, G_FILE_TEST_EXISTS));
}

static void
test_store_unwritable (Fixture *f, gconstpointer data)
{
  g_autofree char *blocker = g_build_filename (f->dir, "file", NULL);
  g_autofree char *below = g_build_filename (blocker, "accounts", NULL);
  g_autoptr(AccordAccountStore) store = accord_account_store_new (below);
  g_autoptr(AccordAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  /* The store's folder cannot be made, because a file stands in its way. */
  _write (f->dir, "file", "x");
  _load (store);
  account = _new_account (store, "pat@example.com", NULL);
  _add (store, account, &error);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, below));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);

  /* The failed addition did not keep its id. */
  g_clear_object (&account);
  account = _new_account (store, "pat@example.com", NULL);
  g_assert_cmpstr (accord_account_get_id (account), ==, "pat-example-com");
}

static void
test_store_default_directory (void)
{
  g_autoptr(AccordAccountStore) store = accord_account_store_new (NULL);
  g_autofree char *expected = g_build_filename (g_get_user_config_dir (), "accord", "accounts", NULL);

  g_assert_cmpstr (accord_account_store_get_directory (store), ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/account-store/empty", test_store_empty);
  ADD ("/account-store/add-update-remove", test_store_add_update_remove);
  ADD ("/account-store/duplicate-id", test_store_duplicate_id);
  ADD ("/account-store/ordered-writes", test_store_ordered_writes);
  ADD ("/account-store/corrupt-files", test_store_corrupt_files);
  ADD ("/account-store/unwritable", test_store_unwritable);
  g_test_add_func ("/account-store/default-directory", test_store_default_directory);

#undef ADD

  return g_test_run ();
}
