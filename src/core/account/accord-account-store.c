/* accord-account-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "accord-account-error.h"
#include "accord-account-store.h"
#include "util/accord-file-utils.h"

/* An account file is a few hundred bytes; anything near this is not one. */
#define MAX_ACCOUNT_FILE_SIZE (256 * 1024)

/**
 * AccordAccountStore:
 *
 * The accounts, one JSON file each in a folder ($XDG_CONFIG_HOME/accord/accounts by
 * default), as a #GListModel of #AccordAccount sorted by name.
 *
 * Disk work runs on one worker thread, in the order it was asked for, so two quick
 * updates of one account land in that order. The list and the signals change on the
 * main context once the disk has the change.
 *
 * A file that cannot be read is reported by accord_account_store_get_problems() and left
 * exactly as it is: its id stays taken, so no new account is written over it.
 */
struct _AccordAccountStore
{
  GObject      parent_instance;

  char        *directory;
  GPtrArray   *accounts;   /* AccordAccount, sorted */
  GHashTable  *taken_ids;  /* id → NULL: loaded, broken on disk, or being added */
  GStrv        problems;
  GThreadPool *io_pool;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AccordAccountStore, accord_account_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_DIRECTORY,
  N_PROPS
};

enum {
  ACCOUNT_ADDED,
  ACCOUNT_CHANGED,
  ACCOUNT_REMOVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef enum
{
  OP_LOAD,
  OP_WRITE,
  OP_REMOVE,
} OpKind;

typedef struct
{
  OpKind         kind;
  char          *path;
  char          *id;
  char          *contents;   /* OP_WRITE */
  AccordAccount *account;    /* OP_WRITE */
  gboolean       is_new;     /* OP_WRITE: add rather than update */

  /* OP_LOAD results */
  GPtrArray     *loaded;
  GPtrArray     *problem_ids;
  GPtrArray     *problems;

  GError        *error;
} Op;

static void
op_free (Op *op)
{
  g_free (op->path);
  g_free (op->id);
  g_free (op->contents);
  g_clear_object (&op->account);
  g_clear_pointer (&op->loaded, g_ptr_array_unref);
  g_clear_pointer (&op->problem_ids, g_ptr_array_unref);
  g_clear_pointer (&op->problems, g_ptr_array_unref);
  g_clear_error (&op->error);
  g_free (op);
}

static int
_compare_accounts (gconstpointer a,
                   gconstpointer b)
{
  AccordAccount *account_a = *(AccordAccount **) a;
  AccordAccount *account_b = *(AccordAccount **) b;
  g_autofree char *key_a = g_utf8_casefold (accord_account_get_display_name (account_a), -1);
  g_autofree char *key_b = g_utf8_casefold (accord_account_get_display_name (account_b), -1);
  int cmp = g_utf8_collate (key_a, key_b);

  if (cmp != 0)
    return cmp;

  return g_strcmp0 (accord_account_get_id (account_a), accord_account_get_id (account_b));
}

static char *
_account_path (AccordAccountStore *self,
               const char         *id)
{
  g_autofree char *basename = g_strconcat (id, ".json", NULL);

  return g_build_filename (self->directory, basename, NULL);
}

static void
_load_directory (const char *directory,
                 Op         *op)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;

  op->loaded = g_ptr_array_new_with_free_func (g_object_unref);
  op->problem_ids = g_ptr_array_new_with_free_func (g_free);
  op->problems = g_ptr_array_new_with_free_func (g_free);

  dir = g_dir_open (directory, 0, &error);
  if (dir == NULL)
    {
      /* No folder yet simply means no accounts yet. */
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_ptr_array_add (op->problems, g_strdup (error->message));
      return;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *id = NULL;
      g_autofree char *contents = NULL;
      g_autoptr(JsonParser) parser = NULL;
      g_autoptr(AccordAccount) account = NULL;
      g_autoptr(GError) local_error = NULL;
      gsize length;

      if (name[0] == '.' || !g_str_has_suffix (name, ".json"))
        continue;

      path = g_build_filename (directory, name, NULL);
      id = g_strndup (name, strlen (name) - strlen (".json"));

      if (!accord_account_id_is_valid (id))
        {
          g_ptr_array_add (op->problems,
                           g_strdup_printf (_("%s: the file name is not an account id"), path));
          continue;
        }

      /* Whatever happens next, this id belongs to that file. */
      g_ptr_array_add (op->problem_ids, g_strdup (id));

      if (!accord_file_read_limited (path, MAX_ACCOUNT_FILE_SIZE, &contents, &length,
                                     &local_error))
        {
          g_ptr_array_add (op->problems, g_strdup_printf ("%s: %s", path, local_error->message));
          continue;
        }

      parser = json_parser_new_immutable ();
      if (!json_parser_load_from_data (parser, contents, length, &local_error))
        {
          g_ptr_array_add (op->problems, g_strdup_printf ("%s: %s", path, local_error->message));
          continue;
        }

      account = accord_account_new_from_json (json_parser_get_root (parser), &local_error);
      if (account == NULL)
        {
          g_ptr_array_add (op->problems, g_strdup_printf ("%s: %s", path, local_error->message));
          continue;
        }

      if (g_strcmp0 (accord_account_get_id (account), id) != 0)
        {
          g_ptr_array_add (op->problems,
                           g_strdup_printf (_("%s: the file holds account “%s”, not “%s”"),
                                            path, accord_account_get_id (account), id));
          continue;
        }

      g_ptr_array_remove_index (op->problem_ids, op->problem_ids->len - 1);
      g_ptr_array_add (op->loaded, g_steal_pointer (&account));
    }

  g_ptr_array_sort (op->problems, (GCompareFunc) g_strcmp0);
}

/* Hands the finished operation back to the task's main context, which also drops the
 * last reference there: the store is then never finalized on the worker thread. */
static gboolean
_complete_io (gpointer data)
{
  g_autoptr(GTask) task = data;
  Op *op = g_task_get_task_data (task);

  if (op->error != NULL)
    g_task_return_error (task, g_steal_pointer (&op->error));
  else
    g_task_return_boolean (task, TRUE);

  return G_SOURCE_REMOVE;
}

static void
_io_worker (gpointer data,
            gpointer user_data)
{
  GTask *task = data;
  AccordAccountStore *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);

  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &op->error))
    goto out;

  switch (op->kind)
    {
    case OP_LOAD:
      _load_directory (self->directory, op);
      break;

    case OP_WRITE:
      if (g_mkdir_with_parents (self->directory, 0700) != 0)
        {
          int saved_errno = errno;

          g_set_error (&op->error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not create folder “%s”: %s"),
                       self->directory, g_strerror (saved_errno));
          break;
        }

      accord_file_write_atomic (op->path, op->contents, strlen (op->contents), 0600,
                                &op->error);
      break;

    case OP_REMOVE:
      accord_file_unlink_durable (op->path, &op->error);
      break;

    default:
      g_assert_not_reached ();
    }

out:
  g_main_context_invoke (g_task_get_context (task), _complete_io, task);
}

static void
_queue_io (AccordAccountStore *self,
           GTask              *task)
{
  Op *op = g_task_get_task_data (task);

  g_object_ref (task);
  if (!g_thread_pool_push (self->io_pool, task, &op->error))
    _complete_io (task);
}

static guint
_insert_sorted (AccordAccountStore *self,
                AccordAccount      *account)
{
  guint position = 0;

  while (position < self->accounts->len &&
         _compare_accounts (&g_ptr_array_index (self->accounts, position), &account) < 0)
    position++;

  g_ptr_array_insert (self->accounts, position, g_object_ref (account));
  return position;
}

static gboolean
_find (AccordAccountStore *self,
       const char         *id,
       guint              *position)
{
  for (guint i = 0; i < self->accounts->len; i++)
    {
      AccordAccount *account = g_ptr_array_index (self->accounts, i);

      if (g_strcmp0 (accord_account_get_id (account), id) == 0)
        {
          *position = i;
          return TRUE;
        }
    }

  return FALSE;
}

static void
accord_account_store_finalize (GObject *object)
{
  AccordAccountStore *self = (AccordAccountStore *)object;

  /* Every queued operation holds a reference, so the queue is empty by now. */
  g_thread_pool_free (self->io_pool, FALSE, TRUE);
  g_clear_pointer (&self->directory, g_free);
  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  g_clear_pointer (&self->taken_ids, g_hash_table_unref);
  g_clear_pointer (&self->problems, g_strfreev);

  G_OBJECT_CLASS (accord_account_store_parent_class)->finalize (object);
}

static void
accord_account_store_constructed (GObject *object)
{
  AccordAccountStore *self = (AccordAccountStore *)object;

  G_OBJECT_CLASS (accord_account_store_parent_class)->constructed (object);

  if (self->directory == NULL)
    self->directory = g_build_filename (g_get_user_config_dir (), "accord", "accounts", NULL);
}

static void
accord_account_store_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  AccordAccountStore *self = ACCORD_ACCOUNT_STORE (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_value_set_string (value, self->directory);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
accord_account_store_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  AccordAccountStore *self = ACCORD_ACCOUNT_STORE (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      self->directory = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
accord_account_store_class_init (AccordAccountStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = accord_account_store_finalize;
  object_class->constructed = accord_account_store_constructed;
  object_class->get_property = accord_account_store_get_property;
  object_class->set_property = accord_account_store_set_property;

  properties[PROP_DIRECTORY] =
    g_param_spec_string ("directory", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ACCOUNT_ADDED] =
    g_signal_new ("account-added",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, ACCORD_TYPE_ACCOUNT);

  signals[ACCOUNT_CHANGED] =
    g_signal_new ("account-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, ACCORD_TYPE_ACCOUNT);

  signals[ACCOUNT_REMOVED] =
    g_signal_new ("account-removed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, ACCORD_TYPE_ACCOUNT);
}

static void
accord_account_store_init (AccordAccountStore *self)
{
  self->accounts = g_ptr_array_new_with_free_func (g_object_unref);
  self->taken_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->problems = g_new0 (char *, 1);
  self->io_pool = g_thread_pool_new (_io_worker, self, 1, FALSE, NULL);
}

static GType
accord_account_store_get_item_type (GListModel *model)
{
  return ACCORD_TYPE_ACCOUNT;
}

static guint
accord_account_store_get_n_items (GListModel *model)
{
  return ACCORD_ACCOUNT_STORE (model)->accounts->len;
}

static gpointer
accord_account_store_get_item (GListModel *model,
                               guint       position)
{
  AccordAccountStore *self = ACCORD_ACCOUNT_STORE (model);

  if (position >= self->accounts->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->accounts, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = accord_account_store_get_item_type;
  iface->get_n_items = accord_account_store_get_n_items;
  iface->get_item = accord_account_store_get_item;
}

/**
 * accord_account_store_new:
 * @directory: (nullable): the folder of account files, or %NULL for the default
 *
 * Returns: (transfer full): an empty store; call accord_account_store_load_async()
 */
AccordAccountStore *
accord_account_store_new (const char *directory)
{
  return g_object_new (ACCORD_TYPE_ACCOUNT_STORE,
                       "directory", directory,
                       NULL);
}

const char *
accord_account_store_get_directory (AccordAccountStore *self)
{
  g_return_val_if_fail (ACCORD_IS_ACCOUNT_STORE (self), NULL);

  return self->directory;
}

/**
 * accord_account_store_lookup:
 *
 * Returns: (transfer none) (nullable): the account with @id
 */
AccordAccount *
accord_account_store_lookup (AccordAccountStore *self,
                             const char         *id)
{
  guint position;

  g_return_val_if_fail (ACCORD_IS_ACCOUNT_STORE (self), NULL);

  if (id == NULL || !_find (self, id, &position))
    return NULL;

  return g_ptr_array_index (self->accounts, position);
}

/**
 * accord_account_store_generate_id:
 *
 * Returns: (transfer full): an id made from @address that no account, pending addition
 *   or unreadable account file uses
 */
char *
accord_account_store_generate_id (AccordAccountStore *self,
                                  const char         *address)
{
  g_autofree char *base = NULL;
  char *id;

  g_return_val_if_fail (ACCORD_IS_ACCOUNT_STORE (self), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  base = accord_account_id_from_address (address);
  if (!g_hash_table_contains (self->taken_ids, base))
    return g_steal_pointer (&base);

  for (guint n = 2; ; n++)
    {
      id = g_strdup_printf ("%s-%u", base, n);
      if (!g_hash_table_contains (self->taken_ids, id))
        return id;
      g_free (id);
    }
}

/**
 * accord_account_store_get_problems:
 *
 * Returns: (transfer none): one line per account file that the last load had to skip,
 *   naming the file and the reason
 */
const char * const *
accord_account_store_get_problems (AccordAccountStore *self)
{
  g_return_val_if_fail (ACCORD_IS_ACCOUNT_STORE (self), NULL);

  return (const char * const *) self->problems;
}

static void
_load_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  AccordAccountStore *self = ACCORD_ACCOUNT_STORE (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  Op *op = g_task_get_task_data (G_TASK (result));
  guint removed;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_hash_table_remove_all (self->taken_ids);
  for (guint i = 0; i < op->problem_ids->len; i++)
    g_hash_table_add (self->taken_ids, g_strdup (g_ptr_array_index (op->problem_ids, i)));
  for (guint i = 0; i < op->loaded->len; i++)
    g_hash_table_add (self->taken_ids,
                      g_strdup (accord_account_get_id (g_ptr_array_index (op->loaded, i))));

  g_ptr_array_add (op->problems, NULL);
  g_strfreev (self->problems);
  self->problems = (GStrv) g_ptr_array_steal (op->problems, NULL);

  removed = self->accounts->len;
  g_ptr_array_set_size (self->accounts, 0);
  g_ptr_array_extend_and_steal (self->accounts, g_steal_pointer (&op->loaded));
  g_ptr_array_sort (self->accounts, _compare_accounts);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->accounts->len);

  g_task_return_boolean (task, TRUE);
}

/**
 * accord_account_store_load_async:
 *
 * (Re)reads every account file. Unreadable files do not fail the load; they are listed
 * by accord_account_store_get_problems() afterwards.
 */
void
accord_account_store_load_async (AccordAccountStore  *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) io_task = NULL;
  Op *op;

  g_return_if_fail (ACCORD_IS_ACCOUNT_STORE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_account_store_load_async);

  op = g_new0 (Op, 1);
  op->kind = OP_LOAD;
  io_task = g_task_new (self, cancellable, _load_cb, g_steal_pointer (&task));
  g_task_set_task_data (io_task, op, (GDestroyNotify) op_free);
  _queue_io (self, io_task);
}

gboolean
accord_account_store_load_finish (AccordAccountStore  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  g_return_val_if_fail (ACCORD_IS_ACCOUNT_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
_write_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  AccordAccountStore *self = ACCORD_ACCOUNT_STORE (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  Op *op = g_task_get_task_data (G_TASK (result));
  guint position;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (op->is_new)
        g_hash_table_remove (self->taken_ids, op->id);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (op->is_new)
    {
      position = _insert_sorted (self, op->account);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
      g_signal_emit (self, signals[ACCOUNT_ADDED], 0, op->account);
    }
  else
    {
      /* Removed in the meantime: the file was written after the removal was asked
       * for, so finish the removal the person wanted. */
      if (!_find (self, op->id, &position))
        {
          g_autoptr(GError) unlink_error = NULL;

          if (!accord_file_unlink_durable (op->path, &unlink_error))
            g_warning ("%s", unlink_error->message);
          g_task_return_new_error (task, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_NOT_FOUND,
                                   _("The account “%s” was removed"), op->id);
          return;
        }

      g_ptr_array_remove_index (self->accounts, position);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
      position = _insert_sorted (self, op->account);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
      g_signal_emit (self, signals[ACCOUNT_CHANGED], 0, op->account);
    }

  g_task_return_boolean (task, TRUE);
}

static void
_write_account (AccordAccountStore  *self,
                AccordAccount       *account,
                gboolean             is_new,
                gpointer             source_tag,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) io_task = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *id = accord_account_get_id (account);
  Op *op;
  guint position;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  if (is_new && g_hash_table_contains (self->taken_ids, id))
    {
      g_task_return_new_error (task, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_EXISTS,
                               _("An account with the id “%s” exists already"), id);
      return;
    }

  if (!is_new && !_find (self, id, &position))
    {
      g_task_return_new_error (task, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_NOT_FOUND,
                               _("There is no account “%s”"), id);
      return;
    }

  if (is_new)
    g_hash_table_add (self->taken_ids, g_strdup (id));

  node = accord_account_to_json (account);

  op = g_new0 (Op, 1);
  op->kind = OP_WRITE;
  op->is_new = is_new;
  op->id = g_strdup (id);
  op->path = _account_path (self, id);
  op->contents = json_to_string (node, TRUE);
  /* The store keeps its own copy, so later edits of @account by the caller do not
   * change what the store reports as saved. */
  op->account = accord_account_copy (account);

  io_task = g_task_new (self, cancellable, _write_cb, g_steal_pointer (&task));
  g_task_set_task_data (io_task, op, (GDestroyNotify) op_free);
  _queue_io (self, io_task);
}

/**
 * accord_account_store_add_async:
 * @account: an account whose id no other account has, see
 *   accord_account_store_generate_id()
 *
 * Writes a new account file, then adds the account to the list.
 */
void
accord_account_store_add_async (AccordAccountStore  *self,
                                AccordAccount       *account,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (ACCORD_IS_ACCOUNT_STORE (self));
  g_return_if_fail (ACCORD_IS_ACCOUNT (account));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  _write_account (self, account, TRUE, accord_account_store_add_async,
                  cancellable, callback, user_data);
}

gboolean
accord_account_store_add_finish (AccordAccountStore  *self,
                                 GAsyncResult        *result,
                                 GError             **error)
{
  g_return_val_if_fail (ACCORD_IS_ACCOUNT_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * accord_account_store_update_async:
 * @account: the new state of an account the store has
 *
 * Rewrites the account's file, then replaces the account in the list with a copy of
 * @account.
 */
void
accord_account_store_update_async (AccordAccountStore  *self,
                                   AccordAccount       *account,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (ACCORD_IS_ACCOUNT_STORE (self));
  g_return_if_fail (ACCORD_IS_ACCOUNT (account));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  _write_account (self, account, FALSE, accord_account_store_update_async,
                  cancellable, callback, user_data);
}

gboolean
accord_account_store_update_finish (AccordAccountStore  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (ACCORD_IS_ACCOUNT_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
_remove_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  AccordAccountStore *self = ACCORD_ACCOUNT_STORE (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AccordAccount) account = NULL;
  Op *op = g_task_get_task_data (G_TASK (result));
  guint position;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_hash_table_remove (self->taken_ids, op->id);
  if (_find (self, op->id, &position))
    {
      account = g_object_ref (g_ptr_array_index (self->accounts, position));
      g_ptr_array_remove_index (self->accounts, position);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
      g_signal_emit (self, signals[ACCOUNT_REMOVED], 0, account);
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * accord_account_store_remove_async:
 *
 * Removes the account's file, then the account from the list. Secrets are the
 * caller's to clear, see accord_secrets_clear_account_async().
 */
void
accord_account_store_remove_async (AccordAccountStore  *self,
                                   const char          *id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) io_task = NULL;
  guint position;
  Op *op;

  g_return_if_fail (ACCORD_IS_ACCOUNT_STORE (self));
  g_return_if_fail (id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_account_store_remove_async);

  /* Only accounts the store loaded: a file it could not read is never deleted. */
  if (!_find (self, id, &position))
    {
      g_task_return_new_error (task, ACCORD_ACCOUNT_ERROR, ACCORD_ACCOUNT_ERROR_NOT_FOUND,
                               _("There is no account “%s”"), id);
      return;
    }

  op = g_new0 (Op, 1);
  op->kind = OP_REMOVE;
  op->id = g_strdup (id);
  op->path = _account_path (self, id);

  io_task = g_task_new (self, cancellable, _remove_cb, g_steal_pointer (&task));
  g_task_set_task_data (io_task, op, (GDestroyNotify) op_free);
  _queue_io (self, io_task);
}

gboolean
accord_account_store_remove_finish (AccordAccountStore  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (ACCORD_IS_ACCOUNT_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
