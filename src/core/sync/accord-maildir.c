/* accord-maildir.c - the account's maildir tree: the object and its folders
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accord-maildir-private.h"
#include "util/accord-file-utils.h"

/**
 * AccordMaildir:
 *
 * One account's mail: a tree of maildirs under a root
 * ($XDG_DATA_HOME/accord/<account>/mail by default).
 *
 * Folders are a plain directory tree, as mbsync's "SubFolders Verbatim": INBOX is
 * root/INBOX, "Work/Projects" is root/Work/Projects, each with cur/ new/ tmp/. Mutt,
 * neomutt, aerc and notmuch read it as it is; unlike Maildir++ (.Work.Projects) a name
 * needs no second meaning for '.', and non-ASCII names stay as readable UTF-8 directory
 * names. A folder name is UTF-8 with '/' between levels; inside a level, control
 * characters, '%', a leading '.' and the names cur, new and tmp are written as %XX, so
 * every name maps to exactly one directory and back.
 *
 * Files are named <time>.M<usec>P<pid>Q<counter>R<random>.<host>,S=<size>[,U=<uid>]:2,<flags>.
 * The key, the part before the first ',' or ':', is the message's identity: flag changes,
 * moves and a mail reader's new/ → cur/ keep it. A message without flags is delivered
 * to new/ (mail readers show it as new, as after mbsync or fetchmail); any other to cur/.
 *
 * Durability: a message is written to tmp/, fsync()ed, linked into cur/ or new/ (a link
 * never replaces an existing file), unlinked from tmp/; the destination directory is
 * fsync()ed once per call, after every message of the call is linked, and the call
 * returns only then. So everything a call reports done is on disk before the caller
 * records it in the state database, and a crash at any point leaves each message either
 * complete in cur/ or new/, or only in tmp/ (removed by a later scan after 36 hours),
 * never half-written where a reader looks. Flag changes (rename), removals (unlink) and
 * moves (rename) likewise flush their directories once per call.
 *
 * A crash between a delivery and the caller's database commit leaves a file the
 * database does not know. To recognise it rather than take it for a new local message,
 * a download carries its UID (",U=", trustworthy while UIDVALIDITY is unchanged), and a
 * caller that journals its writes generates the key first
 * (accord_maildir_generate_key()) and records it before delivering; delivering under
 * that key again is refused while the file is there.
 *
 * The blocking functions can be called from any thread; the _async ones run them on one
 * worker thread per object, in order.
 */

G_DEFINE_FINAL_TYPE (AccordMaildir, accord_maildir, G_TYPE_OBJECT)

G_DEFINE_QUARK (accord-maildir-error-quark, accord_maildir_error)

enum {
  PROP_0,
  PROP_ROOT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Longest directory entry name on Linux file systems. */
#define MAX_NAME_LENGTH 255

static int key_counter;

/* errno's text follows the message, so the person learns both what failed and why.
 * @format is marked with N_() and translated here: a gettext call among the arguments
 * could change errno before it is read. */
gboolean
_accord_maildir_errno_error (GError     **error,
                             int          saved_errno,
                             const char  *format,
                             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (_(format), args);
  va_end (args);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "%s: %s", message, g_strerror (saved_errno));
  return FALSE;
}

int
_accord_maildir_open_dir (const char  *path,
                          GError     **error)
{
  int fd = g_open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0)
    _accord_maildir_errno_error (error, errno, N_("Could not open folder “%s”"), path);

  return fd;
}

gboolean
_accord_maildir_fsync_dir_fd (int          fd,
                              const char  *path,
                              GError     **error)
{
  if (fsync (fd) != 0)
    return _accord_maildir_errno_error (error, errno, N_("Could not flush folder “%s”"), path);

  return TRUE;
}

static gboolean
_is_dir (const char *path)
{
  GStatBuf st;

  return g_lstat (path, &st) == 0 && S_ISDIR (st.st_mode);
}

static gboolean
_is_maildir (const char *path)
{
  g_autofree char *cur = g_build_filename (path, "cur", NULL);

  return _is_dir (cur);
}

gboolean
_accord_maildir_invalid_name (GError     **error,
                              const char  *folder)
{
  g_autofree char *shown = g_strescape (folder != NULL ? folder : "", NULL);

  g_set_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_INVALID_NAME,
               _("“%s” is not a valid folder name"), shown);
  return FALSE;
}

static char *
_folder_path (AccordMaildir  *self,
              const char     *folder,
              GError        **error)
{
  g_auto(GStrv) components = NULL;
  g_autoptr(GString) path = NULL;

  if (folder == NULL || folder[0] == '\0' || !g_utf8_validate (folder, -1, NULL))
    {
      _accord_maildir_invalid_name (error, folder);
      return NULL;
    }

  path = g_string_new (self->root);
  components = g_strsplit (folder, "/", -1);
  for (guint i = 0; components[i] != NULL; i++)
    {
      g_autofree char *escaped = NULL;

      if (components[i][0] == '\0')
        {
          _accord_maildir_invalid_name (error, folder);
          return NULL;
        }

      escaped = _accord_maildir_escape_component (components[i]);
      if (strlen (escaped) > MAX_NAME_LENGTH)
        {
          _accord_maildir_invalid_name (error, folder);
          return NULL;
        }

      g_string_append_c (path, G_DIR_SEPARATOR);
      g_string_append (path, escaped);
    }

  return g_string_free (g_steal_pointer (&path), FALSE);
}

static gboolean
_no_folder (GError     **error,
            const char  *folder)
{
  g_set_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NO_FOLDER,
               _("There is no folder “%s”"), folder);
  return FALSE;
}

/* The folder's path, which must be a maildir. */
char *
_accord_maildir_existing_folder_path (AccordMaildir  *self,
                                      const char     *folder,
                                      GError        **error)
{
  g_autofree char *path = _folder_path (self, folder, error);

  if (path == NULL)
    return NULL;

  if (!_is_maildir (path))
    {
      _no_folder (error, folder);
      return NULL;
    }

  return g_steal_pointer (&path);
}

/* GObject */

static char *
_sanitize_host (const char *host)
{
  GString *out = g_string_new (NULL);

  /* The Maildir specification's escapes, plus ',' which starts an attribute. */
  for (const char *p = host; *p != '\0'; p++)
    {
      if (*p == '/' || *p == ':' || *p == ',' || (guchar) *p < 0x20 || *p == 0x7f)
        g_string_append_printf (out, "\\%03o", (guchar) *p);
      else
        g_string_append_c (out, *p);
    }

  if (out->len == 0)
    g_string_append (out, "localhost");

  return g_string_free (out, FALSE);
}

static void
accord_maildir_finalize (GObject *object)
{
  AccordMaildir *self = (AccordMaildir *)object;

  /* Every queued operation holds a reference, so the queue is empty by now. */
  g_thread_pool_free (self->io_pool, FALSE, TRUE);
  g_clear_pointer (&self->root, g_free);
  g_clear_pointer (&self->host, g_free);

  G_OBJECT_CLASS (accord_maildir_parent_class)->finalize (object);
}

static void
accord_maildir_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AccordMaildir *self = ACCORD_MAILDIR (object);

  switch (prop_id)
    {
    case PROP_ROOT:
      g_value_set_string (value, self->root);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
accord_maildir_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  AccordMaildir *self = ACCORD_MAILDIR (object);

  switch (prop_id)
    {
    case PROP_ROOT:
      self->root = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
accord_maildir_class_init (AccordMaildirClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = accord_maildir_finalize;
  object_class->get_property = accord_maildir_get_property;
  object_class->set_property = accord_maildir_set_property;

  properties[PROP_ROOT] =
    g_param_spec_string ("root", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
accord_maildir_init (AccordMaildir *self)
{
  self->host = _sanitize_host (g_get_host_name ());
  self->io_pool = g_thread_pool_new (_accord_maildir_io_worker, self, 1, FALSE, NULL);
}

/**
 * accord_maildir_default_root:
 *
 * Returns: (transfer full): where the mail of account @account_id lives
 */
char *
accord_maildir_default_root (const char *account_id)
{
  g_return_val_if_fail (account_id != NULL, NULL);

  return g_build_filename (g_get_user_data_dir (), "accord", account_id, "mail", NULL);
}

/**
 * accord_maildir_new:
 * @root: the folder that holds the account's maildirs; created when a folder is
 *
 * Returns: (transfer full): the account's mail
 */
AccordMaildir *
accord_maildir_new (const char *root)
{
  g_return_val_if_fail (root != NULL, NULL);

  return g_object_new (ACCORD_TYPE_MAILDIR,
                       "root", root,
                       NULL);
}

const char *
accord_maildir_get_root (AccordMaildir *self)
{
  g_return_val_if_fail (ACCORD_IS_MAILDIR (self), NULL);

  return self->root;
}

/**
 * accord_maildir_get_folder_path:
 *
 * Returns: (transfer full) (nullable): the directory of @folder, whether it exists or
 *   not; %NULL with %ACCORD_MAILDIR_ERROR_INVALID_NAME for an unusable name
 */
char *
accord_maildir_get_folder_path (AccordMaildir  *self,
                                const char     *folder,
                                GError        **error)
{
  g_return_val_if_fail (ACCORD_IS_MAILDIR (self), NULL);

  return _folder_path (self, folder, error);
}

/**
 * accord_maildir_generate_key:
 *
 * A key no other delivery, in this or another process or on another host, uses.
 *
 * Returns: (transfer full): a fresh message key
 */
char *
accord_maildir_generate_key (AccordMaildir *self)
{
  gint64 now;
  guint counter;

  g_return_val_if_fail (ACCORD_IS_MAILDIR (self), NULL);

  now = g_get_real_time ();
  counter = (guint) g_atomic_int_add (&key_counter, 1);

  return g_strdup_printf ("%" G_GINT64_FORMAT ".M%06dP%dQ%uR%08x%08x.%s",
                          now / G_USEC_PER_SEC, (int) (now % G_USEC_PER_SEC),
                          (int) getpid (), counter, g_random_int (), g_random_int (),
                          self->host);
}

/* Folders */

static gboolean
_make_dir (const char  *path,
           gboolean    *created,
           GError     **error)
{
  int saved_errno;

  *created = FALSE;

  if (g_mkdir (path, 0700) == 0)
    {
      *created = TRUE;
      return TRUE;
    }

  saved_errno = errno;
  if (saved_errno == EEXIST && _is_dir (path))
    return TRUE;

  return _accord_maildir_errno_error (error, saved_errno == EEXIST ? ENOTDIR : saved_errno,
                                      N_("Could not create folder “%s”"), path);
}

/* Creates the directories of @path that are missing, below @base (which must exist),
 * and flushes the parent of each new one. */
static gboolean
_make_dirs_below (const char  *base,
                  const char  *path,
                  GError     **error)
{
  g_auto(GStrv) components = NULL;
  g_autoptr(GString) current = g_string_new (base);

  g_assert (g_str_has_prefix (path, base) && path[strlen (base)] == G_DIR_SEPARATOR);

  components = g_strsplit (path + strlen (base) + 1, G_DIR_SEPARATOR_S, -1);
  for (guint i = 0; components[i] != NULL; i++)
    {
      g_autofree char *parent = g_strdup (current->str);
      gboolean created;

      g_string_append_c (current, G_DIR_SEPARATOR);
      g_string_append (current, components[i]);

      if (!_make_dir (current->str, &created, error))
        return FALSE;
      if (created && !accord_file_fsync_dir (parent, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
_ensure_root (AccordMaildir  *self,
              GError        **error)
{
  g_autofree char *parent = NULL;

  if (_is_dir (self->root))
    return TRUE;

  if (g_mkdir_with_parents (self->root, 0700) != 0)
    return _accord_maildir_errno_error (error, errno, N_("Could not create folder “%s”"),
                                        self->root);

  parent = g_path_get_dirname (self->root);
  return accord_file_fsync_dir (parent, error);
}

gboolean
accord_maildir_ensure_folder (AccordMaildir  *self,
                              const char     *folder,
                              GCancellable   *cancellable,
                              GError        **error)
{
  g_autofree char *path = NULL;
  gboolean any_created = FALSE;

  g_return_val_if_fail (ACCORD_IS_MAILDIR (self), FALSE);

  if ((path = _folder_path (self, folder, error)) == NULL)
    return FALSE;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (!_ensure_root (self, error) || !_make_dirs_below (self->root, path, error))
    return FALSE;

  /* cur/ last: its presence is what makes the directory a folder. */
  for (int i = G_N_ELEMENTS (_accord_maildir_subdirs) - 1; i >= 0; i--)
    {
      g_autofree char *sub = g_build_filename (path, _accord_maildir_subdirs[i], NULL);
      gboolean created;

      if (!_make_dir (sub, &created, error))
        return FALSE;
      any_created |= created;
    }

  return !any_created || accord_file_fsync_dir (path, error);
}

static void
_list_folders_below (const char *path,
                     const char *prefix,
                     GPtrArray  *names)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *entry;

  if (dir == NULL)
    return;

  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = NULL;
      g_autofree char *component = NULL;
      g_autofree char *name = NULL;

      if (entry[0] == '.' || _accord_maildir_is_reserved (entry))
        continue;

      child = g_build_filename (path, entry, NULL);
      if (!_is_dir (child))
        continue;

      component = _accord_maildir_unescape_component (entry);
      if (component == NULL)
        {
          g_debug ("Skipping folder “%s”: not a name Accord writes", child);
          continue;
        }

      name = prefix != NULL ? g_strconcat (prefix, "/", component, NULL) : g_strdup (component);
      if (_is_maildir (child))
        g_ptr_array_add (names, g_strdup (name));

      _list_folders_below (child, name, names);
    }
}

static int
_compare_strings (gconstpointer a,
                  gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

/**
 * accord_maildir_list_folders:
 *
 * Returns: (transfer full): the folder names, sorted; directories whose names Accord
 *   would not write (another tool's) are left out
 */
GStrv
accord_maildir_list_folders (AccordMaildir  *self,
                             GCancellable   *cancellable,
                             GError        **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (ACCORD_IS_MAILDIR (self), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  _list_folders_below (self->root, NULL, names);
  g_ptr_array_sort (names, _compare_strings);
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/**
 * accord_maildir_rename_folder:
 *
 * Renames @folder and the folders below it, as IMAP RENAME does.
 */
gboolean
accord_maildir_rename_folder (AccordMaildir  *self,
                              const char     *folder,
                              const char     *new_folder,
                              GCancellable   *cancellable,
                              GError        **error)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *from_parent = NULL;
  g_autofree char *to_parent = NULL;
  g_autofree char *inside = NULL;
  GStatBuf st;

  g_return_val_if_fail (ACCORD_IS_MAILDIR (self), FALSE);

  if ((from = _accord_maildir_existing_folder_path (self, folder, error)) == NULL ||
      (to = _folder_path (self, new_folder, error)) == NULL)
    return FALSE;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  inside = g_strconcat (folder, "/", NULL);
  if (g_str_equal (folder, new_folder) || g_str_has_prefix (new_folder, inside))
    return _accord_maildir_invalid_name (error, new_folder);

  if (g_lstat (to, &st) == 0)
    {
      g_set_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_EXISTS,
                   _("A folder “%s” exists already"), new_folder);
      return FALSE;
    }

  from_parent = g_path_get_dirname (from);
  to_parent = g_path_get_dirname (to);
  if (!g_str_equal (to_parent, self->root) && !_make_dirs_below (self->root, to_parent, error))
    return FALSE;

  if (g_rename (from, to) != 0)
    return _accord_maildir_errno_error (error, errno, N_("Could not rename folder “%s”"), folder);

  if (!accord_file_fsync_dir (to_parent, error))
    return FALSE;

  return g_str_equal (from_parent, to_parent) || accord_file_fsync_dir (from_parent, error);
}

/* Removes what no message is: hidden files in cur/ and new/, everything in tmp/. */
static gboolean
_empty_subdir (const char  *path,
               gboolean     only_hidden,
               GError     **error)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *entry;

  if (dir == NULL)
    return TRUE;

  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = NULL;

      if (only_hidden && entry[0] != '.')
        {
          g_set_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NOT_EMPTY,
                       _("The folder “%s” still holds messages"), path);
          return FALSE;
        }

      child = g_build_filename (path, entry, NULL);
      if (g_unlink (child) != 0 && errno != ENOENT)
        return _accord_maildir_errno_error (error, errno, N_("Could not remove “%s”"), child);
    }

  return TRUE;
}

/**
 * accord_maildir_remove_folder:
 *
 * Removes @folder if it holds no message (%ACCORD_MAILDIR_ERROR_NOT_EMPTY otherwise).
 * Folders below it stay; the directory itself then stays as their parent.
 */
gboolean
accord_maildir_remove_folder (AccordMaildir  *self,
                              const char     *folder,
                              GCancellable   *cancellable,
                              GError        **error)
{
  g_autofree char *path = NULL;
  g_autofree char *parent = NULL;

  g_return_val_if_fail (ACCORD_IS_MAILDIR (self), FALSE);

  if ((path = _accord_maildir_existing_folder_path (self, folder, error)) == NULL)
    return FALSE;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* Check both before removing anything. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GDir) dir = NULL;
      g_autofree char *sub = g_build_filename (path, _accord_maildir_subdirs[i], NULL);
      const char *entry;

      if ((dir = g_dir_open (sub, 0, NULL)) == NULL)
        continue;

      while ((entry = g_dir_read_name (dir)) != NULL)
        if (entry[0] != '.')
          {
            g_set_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NOT_EMPTY,
                         _("The folder “%s” still holds messages"), folder);
            return FALSE;
          }
    }

  /* tmp/ and new/ first, cur/ last: a half-removed folder is no folder. */
  for (int i = G_N_ELEMENTS (_accord_maildir_subdirs) - 1; i >= 0; i--)
    {
      g_autofree char *sub = g_build_filename (path, _accord_maildir_subdirs[i], NULL);

      if (!_empty_subdir (sub, i != 2, error))
        return FALSE;
      if (g_rmdir (sub) != 0 && errno != ENOENT)
        return _accord_maildir_errno_error (error, errno, N_("Could not remove “%s”"), sub);
    }

  parent = g_path_get_dirname (path);
  if (g_rmdir (path) != 0)
    {
      /* Other folders, or another tool's files: the directory stays, not a folder. */
      if (errno != ENOTEMPTY && errno != EEXIST)
        return _accord_maildir_errno_error (error, errno, N_("Could not remove “%s”"), path);
      if (!accord_file_fsync_dir (path, error))
        return FALSE;
    }

  return accord_file_fsync_dir (parent, error);
}
