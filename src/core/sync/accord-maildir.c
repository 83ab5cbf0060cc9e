/* accord-maildir.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* sync_file_range() */
#define _GNU_SOURCE

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accord-maildir.h"

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
struct _AccordMaildir
{
  GObject      parent_instance;

  char        *root;
  char        *host;
  GThreadPool *io_pool;
};

G_DEFINE_FINAL_TYPE (AccordMaildir, accord_maildir, G_TYPE_OBJECT)

G_DEFINE_QUARK (accord-maildir-error-quark, accord_maildir_error)

enum {
  PROP_0,
  PROP_ROOT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Files kept open while a batch is written, so their data goes to disk together. */
#define DELIVERY_CHUNK 128

/* Longest directory entry name on Linux file systems. */
#define MAX_NAME_LENGTH 255

static const char * const subdirs[] = { "cur", "new", "tmp" };

static const struct
{
  char        letter;
  const char *imap;
} flag_names[] = {
  { 'D', "\\Draft" },
  { 'F', "\\Flagged" },
  { 'P', "$Forwarded" },
  { 'R', "\\Answered" },
  { 'S', "\\Seen" },
  { 'T', "\\Deleted" },
};

static int key_counter;

static gboolean _errno_error (GError     **error,
                              int          saved_errno,
                              const char  *format,
                              ...) G_GNUC_PRINTF (3, 4);

/* errno's text follows the message, so the person learns both what failed and why.
 * @format is marked with N_() and translated here: a gettext call among the arguments
 * could change errno before it is read. */
static gboolean
_errno_error (GError     **error,
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

static int
_open_dir (const char  *path,
           GError     **error)
{
  int fd = g_open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0)
    _errno_error (error, errno, N_("Could not open folder “%s”"), path);

  return fd;
}

static gboolean
_fsync_dir_fd (int          fd,
               const char  *path,
               GError     **error)
{
  if (fsync (fd) != 0)
    return _errno_error (error, errno, N_("Could not flush folder “%s”"), path);

  return TRUE;
}

static gboolean
_fsync_dir (const char  *path,
            GError     **error)
{
  int fd = _open_dir (path, error);
  gboolean ok;

  if (fd < 0)
    return FALSE;

  ok = _fsync_dir_fd (fd, path, error);
  close (fd);
  return ok;
}

static void
_close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
  *fd = -1;
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

/* Flags */

/**
 * accord_maildir_flags_normalize:
 *
 * Returns: (transfer full): the letters of @flags, each once, in ASCII order as the
 *   Maildir specification asks; anything but ASCII letters is dropped
 */
char *
accord_maildir_flags_normalize (const char *flags)
{
  gboolean present[128] = { FALSE, };
  GString *out = g_string_sized_new (8);

  for (const char *p = flags; p != NULL && *p != '\0'; p++)
    if (g_ascii_isalpha (*p))
      present[(guchar) *p] = TRUE;

  for (int c = 'A'; c <= 'z'; c++)
    if (present[c])
      g_string_append_c (out, (char) c);

  return g_string_free (out, FALSE);
}

/**
 * accord_maildir_flags_from_imap:
 * @imap_flags: (nullable): IMAP flags such as "\Seen"
 *
 * Returns: (transfer full): the Maildir letters of the flags that have one
 */
char *
accord_maildir_flags_from_imap (const char * const *imap_flags)
{
  g_autoptr(GString) letters = g_string_new (NULL);

  for (guint i = 0; imap_flags != NULL && imap_flags[i] != NULL; i++)
    for (guint j = 0; j < G_N_ELEMENTS (flag_names); j++)
      if (g_ascii_strcasecmp (imap_flags[i], flag_names[j].imap) == 0)
        g_string_append_c (letters, flag_names[j].letter);

  return accord_maildir_flags_normalize (letters->str);
}

/**
 * accord_maildir_flags_to_imap:
 *
 * Returns: (transfer full): the IMAP flags of the letters in @flags that have one
 */
GStrv
accord_maildir_flags_to_imap (const char *flags)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint j = 0; j < G_N_ELEMENTS (flag_names); j++)
    if (flags != NULL && strchr (flags, flag_names[j].letter) != NULL)
      g_strv_builder_add (builder, flag_names[j].imap);

  return g_strv_builder_end (builder);
}

/**
 * accord_maildir_flags_merge:
 *
 * Three-way merge of flag letters: each flag that one side changed since @base takes
 * that side's value; when both changed it, both changed it the same way.
 *
 * Returns: (transfer full): the merged letters, normalized
 */
char *
accord_maildir_flags_merge (const char *base,
                            const char *local,
                            const char *remote)
{
  GString *out = g_string_new (NULL);
  g_autofree char *all = g_strconcat (base ? base : "", local ? local : "",
                                      remote ? remote : "", NULL);
  g_autofree char *letters = accord_maildir_flags_normalize (all);

  for (const char *p = letters; *p != '\0'; p++)
    {
      gboolean in_base = base != NULL && strchr (base, *p) != NULL;
      gboolean in_local = local != NULL && strchr (local, *p) != NULL;
      gboolean in_remote = remote != NULL && strchr (remote, *p) != NULL;

      if (in_local != in_base ? in_local : in_remote)
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

/* File names */

/* The key runs to the first ',' (Maildir++ attributes) or ':' (the info part). */
static gsize
_key_length (const char *filename)
{
  return strcspn (filename, ",:");
}

static gboolean
_key_is_valid (const char *key)
{
  if (key == NULL || key[0] == '\0' || key[0] == '.' || strlen (key) > 200)
    return FALSE;

  for (const char *p = key; *p != '\0'; p++)
    if (*p == '/' || *p == ',' || *p == ':' || (guchar) *p < 0x20 || *p == 0x7f)
      return FALSE;

  return TRUE;
}

/* Digits only, no sign, no blanks: a name is not a place for leniency. */
static gboolean
_parse_number (const char *start,
               const char *end,
               guint64     max,
               guint64    *value)
{
  guint64 result = 0;

  if (start == end || end - start > 20)
    return FALSE;

  for (const char *p = start; p < end; p++)
    {
      if (!g_ascii_isdigit (*p) || result > (max - (guint64) (*p - '0')) / 10)
        return FALSE;
      result = result * 10 + (guint64) (*p - '0');
    }

  *value = result;
  return TRUE;
}

/* The Maildir++ attributes of @filename (",S=…,U=…"), to keep when it is renamed. */
static char *
_attributes (const char *filename)
{
  gsize start = _key_length (filename);
  const char *info = strchr (filename, ':');
  gsize end = info != NULL ? (gsize) (info - filename) : strlen (filename);

  return g_strndup (filename + start, end > start ? end - start : 0);
}

static char *
_file_name (const char *key,
            const char *attributes,
            const char *flags,
            gboolean    in_cur)
{
  if (!in_cur)
    return g_strconcat (key, attributes, NULL);

  return g_strconcat (key, attributes, ":2,", flags, NULL);
}

/**
 * accord_maildir_message_new_from_filename:
 * @filename: a file name in a maildir's cur/ or new/
 * @is_new: whether it is in new/
 *
 * Returns: (transfer full) (nullable): the message the name describes, or %NULL if
 *   the name cannot be a message (hidden, empty key)
 */
AccordMaildirMessage *
accord_maildir_message_new_from_filename (const char *filename,
                                          gboolean    is_new)
{
  AccordMaildirMessage *message;
  gsize key_length;
  const char *info;
  const char *p;

  g_return_val_if_fail (filename != NULL, NULL);

  key_length = _key_length (filename);
  if (key_length == 0 || filename[0] == '.' || strchr (filename, '/') != NULL)
    return NULL;

  message = g_new0 (AccordMaildirMessage, 1);
  message->key = g_strndup (filename, key_length);
  message->filename = g_strdup (filename);
  message->is_new = is_new;
  message->size = -1;
  message->mtime = -1;

  info = strchr (filename, ':');
  for (p = filename + key_length; *p == ','; )
    {
      const char *end = p + 1 + strcspn (p + 1, ",:");
      guint64 value;

      if ((p[1] == 'S' || p[1] == 'U') && p[2] == '=' &&
          _parse_number (p + 3, end, p[1] == 'U' ? G_MAXUINT32 : G_MAXINT64, &value))
        {
          if (p[1] == 'S')
            message->size = (gint64) value;
          else
            message->uid = (guint32) value;
        }
      p = end;
    }

  if (info != NULL && g_str_has_prefix (info, ":2,"))
    message->flags = accord_maildir_flags_normalize (info + 3);
  else
    message->flags = g_strdup ("");

  return message;
}

AccordMaildirMessage *
accord_maildir_message_copy (const AccordMaildirMessage *message)
{
  AccordMaildirMessage *copy;

  g_return_val_if_fail (message != NULL, NULL);

  copy = g_memdup2 (message, sizeof *message);
  copy->key = g_strdup (message->key);
  copy->filename = g_strdup (message->filename);
  copy->flags = g_strdup (message->flags);
  return copy;
}

void
accord_maildir_message_free (AccordMaildirMessage *message)
{
  if (message == NULL)
    return;

  g_free (message->key);
  g_free (message->filename);
  g_free (message->flags);
  g_free (message);
}

/**
 * accord_maildir_delivery_new:
 * @data: the message
 * @flags: (nullable): Maildir flag letters
 * @uid: the IMAP UID, or 0
 * @key: (nullable): the key to deliver under, or %NULL for a fresh one
 */
AccordMaildirDelivery *
accord_maildir_delivery_new (GBytes     *data,
                             const char *flags,
                             guint32     uid,
                             const char *key)
{
  AccordMaildirDelivery *delivery;

  g_return_val_if_fail (data != NULL, NULL);

  delivery = g_new0 (AccordMaildirDelivery, 1);
  delivery->data = g_bytes_ref (data);
  delivery->flags = g_strdup (flags);
  delivery->uid = uid;
  delivery->key = g_strdup (key);
  return delivery;
}

void
accord_maildir_delivery_free (AccordMaildirDelivery *delivery)
{
  if (delivery == NULL)
    return;

  g_clear_pointer (&delivery->data, g_bytes_unref);
  g_free (delivery->flags);
  g_free (delivery->key);
  g_free (delivery->filename);
  g_free (delivery);
}

/**
 * accord_maildir_change_new:
 * @name: a file name as last seen, or a key
 * @flags: (nullable): new flag letters, for accord_maildir_set_flags()
 */
AccordMaildirChange *
accord_maildir_change_new (const char *name,
                           const char *flags)
{
  AccordMaildirChange *change;

  g_return_val_if_fail (name != NULL, NULL);

  change = g_new0 (AccordMaildirChange, 1);
  change->name = g_strdup (name);
  change->flags = g_strdup (flags);
  return change;
}

void
accord_maildir_change_free (AccordMaildirChange *change)
{
  if (change == NULL)
    return;

  g_free (change->name);
  g_free (change->flags);
  g_free (change->filename);
  g_clear_error (&change->error);
  g_free (change);
}

static void
_change_reset (AccordMaildirChange *change)
{
  g_clear_pointer (&change->filename, g_free);
  g_clear_error (&change->error);
}

/* Folder names */

static gboolean
_is_reserved (const char *component)
{
  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    if (g_str_equal (component, subdirs[i]))
      return TRUE;

  return FALSE;
}

static char *
_escape_component (const char *component)
{
  GString *out = g_string_sized_new (strlen (component));
  gboolean reserved = _is_reserved (component);

  for (const char *p = component; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c < 0x20 || c == 0x7f || c == '%' || (p == component && (c == '.' || reserved)))
        g_string_append_printf (out, "%%%02X", c);
      else
        g_string_append_c (out, (char) c);
    }

  return g_string_free (out, FALSE);
}

/* Returns NULL for a directory name that no folder name escapes to: Accord could not
 * address it, so it is not listed. */
static char *
_unescape_component (const char *escaped)
{
  g_autoptr(GString) out = g_string_sized_new (strlen (escaped));
  g_autofree char *again = NULL;

  for (const char *p = escaped; *p != '\0'; p++)
    {
      if (p[0] == '%' && g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]))
        {
          g_string_append_c (out, (char) (g_ascii_xdigit_value (p[1]) * 16 +
                                          g_ascii_xdigit_value (p[2])));
          p += 2;
        }
      else
        g_string_append_c (out, *p);
    }

  if (out->len == 0 || memchr (out->str, '\0', out->len) != NULL ||
      !g_utf8_validate (out->str, out->len, NULL))
    return NULL;

  again = _escape_component (out->str);
  if (!g_str_equal (again, escaped))
    return NULL;

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
_invalid_name (GError     **error,
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
      _invalid_name (error, folder);
      return NULL;
    }

  path = g_string_new (self->root);
  components = g_strsplit (folder, "/", -1);
  for (guint i = 0; components[i] != NULL; i++)
    {
      g_autofree char *escaped = NULL;

      if (components[i][0] == '\0')
        {
          _invalid_name (error, folder);
          return NULL;
        }

      escaped = _escape_component (components[i]);
      if (strlen (escaped) > MAX_NAME_LENGTH)
        {
          _invalid_name (error, folder);
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
static char *
_existing_folder_path (AccordMaildir  *self,
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

static void _io_worker (gpointer data,
                        gpointer user_data);

static void
accord_maildir_init (AccordMaildir *self)
{
  self->host = _sanitize_host (g_get_host_name ());
  self->io_pool = g_thread_pool_new (_io_worker, self, 1, FALSE, NULL);
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

  return _errno_error (error, saved_errno == EEXIST ? ENOTDIR : saved_errno,
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
      if (created && !_fsync_dir (parent, error))
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
    return _errno_error (error, errno, N_("Could not create folder “%s”"), self->root);

  parent = g_path_get_dirname (self->root);
  return _fsync_dir (parent, error);
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
  for (int i = G_N_ELEMENTS (subdirs) - 1; i >= 0; i--)
    {
      g_autofree char *sub = g_build_filename (path, subdirs[i], NULL);
      gboolean created;

      if (!_make_dir (sub, &created, error))
        return FALSE;
      any_created |= created;
    }

  return !any_created || _fsync_dir (path, error);
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

      if (entry[0] == '.' || _is_reserved (entry))
        continue;

      child = g_build_filename (path, entry, NULL);
      if (!_is_dir (child))
        continue;

      component = _unescape_component (entry);
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

  if ((from = _existing_folder_path (self, folder, error)) == NULL ||
      (to = _folder_path (self, new_folder, error)) == NULL)
    return FALSE;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  inside = g_strconcat (folder, "/", NULL);
  if (g_str_equal (folder, new_folder) || g_str_has_prefix (new_folder, inside))
    return _invalid_name (error, new_folder);

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
    return _errno_error (error, errno, N_("Could not rename folder “%s”"), folder);

  if (!_fsync_dir (to_parent, error))
    return FALSE;

  return g_str_equal (from_parent, to_parent) || _fsync_dir (from_parent, error);
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
        return _errno_error (error, errno, N_("Could not remove “%s”"), child);
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

  if ((path = _existing_folder_path (self, folder, error)) == NULL)
    return FALSE;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* Check both before removing anything. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GDir) dir = NULL;
      g_autofree char *sub = g_build_filename (path, subdirs[i], NULL);
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
  for (int i = G_N_ELEMENTS (subdirs) - 1; i >= 0; i--)
    {
      g_autofree char *sub = g_build_filename (path, subdirs[i], NULL);

      if (!_empty_subdir (sub, i != 2, error))
        return FALSE;
      if (g_rmdir (sub) != 0 && errno != ENOENT)
        return _errno_error (error, errno, N_("Could not remove “%s”"), sub);
    }

  parent = g_path_get_dirname (path);
  if (g_rmdir (path) != 0)
    {
      /* Other folders, or another tool's files: the directory stays, not a folder. */
      if (errno != ENOTEMPTY && errno != EEXIST)
        return _errno_error (error, errno, N_("Could not remove “%s”"), path);
      if (!_fsync_dir (path, error))
        return FALSE;
    }

  return _fsync_dir (parent, error);
}

/* A folder's directories, open */

typedef struct
{
  int   tmp_fd;
  int   cur_fd;
  int   new_fd;
  char *path;
  char *tmp_path;
  char *cur_path;
  char *new_path;
} FolderFds;

static void
_folder_fds_clear (FolderFds *fds)
{
  _close_fd (&fds->tmp_fd);
  _close_fd (&fds->cur_fd);
  _close_fd (&fds->new_fd);
  g_clear_pointer (&fds->path, g_free);
  g_clear_pointer (&fds->tmp_path, g_free);
  g_clear_pointer (&fds->cur_path, g_free);
  g_clear_pointer (&fds->new_path, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FolderFds, _folder_fds_clear)

static gboolean
_folder_fds_open (FolderFds   *fds,
                  const char  *path,
                  gboolean     with_tmp,
                  GError     **error)
{
  fds->tmp_fd = fds->cur_fd = fds->new_fd = -1;
  fds->path = g_strdup (path);
  fds->tmp_path = g_build_filename (path, "tmp", NULL);
  fds->cur_path = g_build_filename (path, "cur", NULL);
  fds->new_path = g_build_filename (path, "new", NULL);

  if (with_tmp && (fds->tmp_fd = _open_dir (fds->tmp_path, error)) < 0)
    return FALSE;

  return (fds->cur_fd = _open_dir (fds->cur_path, error)) >= 0 &&
         (fds->new_fd = _open_dir (fds->new_path, error)) >= 0;
}

/* Where each message is */

typedef struct
{
  gboolean  is_new;
  char     *filename;
} Location;

static void
_location_clear (Location *location)
{
  g_clear_pointer (&location->filename, g_free);
}

static void
_location_free (Location *location)
{
  _location_clear (location);
  g_free (location);
}

/* Key → Location of every message of the folder, built when a call first needs it. */
static GHashTable *
_index_folder (FolderFds *fds)
{
  GHashTable *index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) _location_free);

  for (guint i = 0; i < 2; i++)
    {
      DIR *dir = opendir (i == 0 ? fds->cur_path : fds->new_path);
      struct dirent *entry;

      if (dir == NULL)
        continue;

      while ((entry = readdir (dir)) != NULL)
        {
          Location *location;
          gsize key_length = _key_length (entry->d_name);
          char *key;

          if (entry->d_name[0] == '.' || key_length == 0)
            continue;

          key = g_strndup (entry->d_name, key_length);
          if (g_hash_table_contains (index, key))
            {
              g_free (key);
              continue;
            }

          location = g_new0 (Location, 1);
          location->is_new = i == 1;
          location->filename = g_strdup (entry->d_name);
          g_hash_table_insert (index, key, location);
        }

      closedir (dir);
    }

  return index;
}

/* Delivery */

static gboolean
_write_all (int          fd,
            const char  *data,
            gsize        length)
{
  while (length > 0)
    {
      gssize written = write (fd, data, length);

      if (written < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }

      data += written;
      length -= written;
    }

  return TRUE;
}

typedef struct
{
  AccordMaildirDelivery *delivery;
  char                  *tmp_name;
  int                    fd;
} Pending;

static void
_pending_discard (Pending   *pending,
                  FolderFds *fds)
{
  if (pending->fd >= 0)
    close (pending->fd);
  pending->fd = -1;
  if (pending->tmp_name != NULL)
    unlinkat (fds->tmp_fd, pending->tmp_name, 0);
  g_clear_pointer (&pending->tmp_name, g_free);
}

/* Step one for a message: its bytes in tmp/, on their way to disk. */
static gboolean
_write_tmp (AccordMaildir          *self,
            FolderFds              *fds,
            GHashTable             *present,
            AccordMaildirDelivery  *delivery,
            Pending                *pending,
            GError                **error)
{
  gconstpointer data;
  gsize length;

  pending->delivery = delivery;
  pending->tmp_name = NULL;
  pending->fd = -1;

  if (delivery->key == NULL)
    delivery->key = accord_maildir_generate_key (self);
  else if (!_key_is_valid (delivery->key))
    {
      g_autofree char *shown = g_strescape (delivery->key, NULL);

      g_set_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_INVALID_NAME,
                   _("“%s” is not a valid message key"), shown);
      return FALSE;
    }
  else if (g_hash_table_contains (present, delivery->key))
    {
      g_set_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_EXISTS,
                   _("A message “%s” exists already in “%s”"), delivery->key, fds->path);
      return FALSE;
    }

  pending->tmp_name = g_strdup (delivery->key);
  pending->fd = openat (fds->tmp_fd, pending->tmp_name,
                        O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (pending->fd < 0)
    {
      int saved_errno = errno;

      g_clear_pointer (&pending->tmp_name, g_free);
      return _errno_error (error, saved_errno, N_("Could not create a message in “%s”"),
                           fds->tmp_path);
    }

  data = g_bytes_get_data (delivery->data, &length);
  if (!_write_all (pending->fd, data, length))
    return _errno_error (error, errno, N_("Could not write a message in “%s”"), fds->tmp_path);

  /* Start the write-back now, so the fsync() of step two finds the data on its way and
   * the file system can commit several files in one journal transaction. */
  sync_file_range (pending->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
  return TRUE;
}

/* Step two: the data on disk. The first fsync() of a chunk commits the file system's
 * journal for all of them; the others then only wait for their data. */
static gboolean
_flush (FolderFds  *fds,
        Pending    *pending,
        GError    **error)
{
  int fd = pending->fd;

  pending->fd = -1;
  if (fsync (fd) != 0)
    {
      int saved_errno = errno;

      close (fd);
      return _errno_error (error, saved_errno, N_("Could not write a message in “%s”"),
                           fds->tmp_path);
    }

  if (close (fd) != 0)
    return _errno_error (error, errno, N_("Could not write a message in “%s”"), fds->tmp_path);

  return TRUE;
}

/* Step three, once the whole chunk is on disk (a link between two fsync()s would make
 * each of them commit the journal): the message visible in cur/ or new/. */
static gboolean
_publish (FolderFds              *fds,
          Pending                *pending,
          gboolean               *used_cur,
          gboolean               *used_new,
          GError                **error)
{
  AccordMaildirDelivery *delivery = pending->delivery;
  g_autofree char *flags = accord_maildir_flags_normalize (delivery->flags);
  g_autofree char *attributes = NULL;
  g_autofree char *final_name = NULL;
  gboolean in_cur = flags[0] != '\0';
  int dest_fd = in_cur ? fds->cur_fd : fds->new_fd;
  const char *dest_path = in_cur ? fds->cur_path : fds->new_path;

  g_assert (pending->fd < 0);

  if (delivery->uid != 0)
    attributes = g_strdup_printf (",S=%" G_GSIZE_FORMAT ",U=%u",
                                  g_bytes_get_size (delivery->data), delivery->uid);
  else
    attributes = g_strdup_printf (",S=%" G_GSIZE_FORMAT, g_bytes_get_size (delivery->data));
  final_name = _file_name (delivery->key, attributes, flags, in_cur);

  /* A link, unlike rename(), never replaces a file that is there already. */
  if (linkat (fds->tmp_fd, pending->tmp_name, dest_fd, final_name, 0) == 0)
    unlinkat (fds->tmp_fd, pending->tmp_name, 0);
  else if (errno == EEXIST)
    {
      g_set_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_EXISTS,
                   _("A message “%s” exists already in “%s”"), final_name, dest_path);
      return FALSE;
    }
  else if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS && errno != EMLINK)
    return _errno_error (error, errno, N_("Could not deliver a message to “%s”"), dest_path);
  /* A file system without hard links: the unique key is the guard against clobbering. */
  else if (renameat (fds->tmp_fd, pending->tmp_name, dest_fd, final_name) != 0)
    return _errno_error (error, errno, N_("Could not deliver a message to “%s”"), dest_path);

  g_clear_pointer (&pending->tmp_name, g_free);
  delivery->filename = g_steal_pointer (&final_name);
  delivery->is_new = !in_cur;
  *used_cur |= in_cur;
  *used_new |= !in_cur;
  return TRUE;
}

/**
 * accord_maildir_deliver:
 * @deliveries: (element-type AccordMaildirDelivery): the messages
 *
 * Stores the messages in @folder (which must exist). When it returns %TRUE every
 * message is durable and has its key and filename set. On an error, the messages
 * before the failing one may have been delivered: those with a filename are durable,
 * the others are not in the folder.
 */
gboolean
accord_maildir_deliver (AccordMaildir  *self,
                        const char     *folder,
                        GPtrArray      *deliveries,
                        GCancellable   *cancellable,
                        GError        **error)
{
  g_autofree char *path = NULL;
  g_auto(FolderFds) fds = { -1, -1, -1, NULL, NULL, NULL, NULL };
  g_autoptr(GError) local_error = NULL;
  gboolean used_cur = FALSE;
  gboolean used_new = FALSE;
  gboolean need_index = FALSE;
  g_autoptr(GHashTable) present = NULL;
  GError **flush_error;
  gboolean flushed;

  g_return_val_if_fail (ACCORD_IS_MAILDIR (self), FALSE);
  g_return_val_if_fail (deliveries != NULL, FALSE);

  if ((path = _existing_folder_path (self, folder, error)) == NULL ||
      !_folder_fds_open (&fds, path, TRUE, error))
    return FALSE;

  for (guint i = 0; i < deliveries->len; i++)
    {
      AccordMaildirDelivery *delivery = g_ptr_array_index (deliveries, i);

      g_clear_pointer (&delivery->filename, g_free);
      need_index |= delivery->key != NULL;
    }

  /* A key chosen by the caller may have been delivered before a crash, perhaps with
   * other flags since: one message must not end up in two files. */
  if (need_index)
    present = _index_folder (&fds);
  else
    present = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint start = 0; start < deliveries->len && local_error == NULL; start += DELIVERY_CHUNK)
    {
      Pending pending[DELIVERY_CHUNK];
      guint n = MIN (DELIVERY_CHUNK, deliveries->len - start);
      guint written = 0;

      if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
        break;

      for (; written < n; written++)
        if (!_write_tmp (self, &fds, present, g_ptr_array_index (deliveries, start + written),
                         &pending[written], &local_error))
          {
            _pending_discard (&pending[written], &fds);
            break;
          }

      for (guint i = 0; i < written; i++)
        if (local_error != NULL || !_flush (&fds, &pending[i], &local_error))
          _pending_discard (&pending[i], &fds);

      for (guint i = 0; i < written; i++)
        if (local_error != NULL ||
            !_publish (&fds, &pending[i], &used_cur, &used_new, &local_error))
          _pending_discard (&pending[i], &fds);
    }

  /* Whatever happened, what is linked must be durable before anyone records it. */
  flush_error = local_error != NULL ? NULL : &local_error;
  flushed = (!used_cur || _fsync_dir_fd (fds.cur_fd, fds.cur_path, flush_error)) &&
            (!used_new || _fsync_dir_fd (fds.new_fd, fds.new_path, flush_error));
  if (!flushed)
    {
      /* Nothing is known to be durable: the caller must take none as delivered. */
      for (guint i = 0; i < deliveries->len; i++)
        {
          AccordMaildirDelivery *delivery = g_ptr_array_index (deliveries, i);

          g_clear_pointer (&delivery->filename, g_free);
        }
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

/* Scanning */

static void
_clean_tmp (const char *tmp_path)
{
  DIR *dir = opendir (tmp_path);
  gint64 limit = g_get_real_time () / G_USEC_PER_SEC -
                 ACCORD_MAILDIR_TMP_MAX_AGE / G_USEC_PER_SEC;
  struct dirent *entry;

  if (dir == NULL)
    return;

  while ((entry = readdir (dir)) != NULL)
    {
      struct stat st;

      if (entry->d_name[0] == '.' && (entry->d_name[1] == '\0' ||
                                      (entry->d_name[1] == '.' && entry->d_name[2] == '\0')))
        continue;

      if (fstatat (dirfd (dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
          !S_ISDIR (st.st_mode) && st.st_mtime < limit)
        {
          g_debug ("Removing stale “%s/%s”", tmp_path, entry->d_name);
          unlinkat (dirfd (dir), entry->d_name, 0);
        }
    }

  closedir (dir);
}

static gboolean
_scan_subdir (const char              *path,
              gboolean                 is_new,
              AccordMaildirScanFlags   flags,
              GPtrArray               *messages,
              GCancellable            *cancellable,
              GError                 **error)
{
  DIR *dir = opendir (path);
  struct dirent *entry;
  guint count = 0;

  if (dir == NULL)
    return _errno_error (error, errno, N_("Could not read folder “%s”"), path);

  while ((entry = readdir (dir)) != NULL)
    {
      AccordMaildirMessage *message;

      if (entry->d_name[0] == '.' || entry->d_type == DT_DIR)
        continue;

      if (++count % 1024 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          closedir (dir);
          return FALSE;
        }

      if ((message = accord_maildir_message_new_from_filename (entry->d_name, is_new)) == NULL)
        continue;

      if (flags & ACCORD_MAILDIR_SCAN_STAT)
        {
          struct stat st;

          /* Gone since readdir(): another client removed or renamed it. */
          if (fstatat (dirfd (dir), entry->d_name, &st, 0) != 0 || !S_ISREG (st.st_mode))
            {
              accord_maildir_message_free (message);
              continue;
            }

          message->size = st.st_size;
          message->mtime = st.st_mtime;
        }

      g_ptr_array_add (messages, message);
    }

  closedir (dir);
  return TRUE;
}

/**
 * accord_maildir_scan:
 *
 * Lists the messages in @folder's cur/ and new/ from the file names alone (unless
 * @flags asks for stat()), in no particular order. Removes files left in tmp/ for more
 * than 36 hours.
 *
 * Returns: (transfer full) (element-type AccordMaildirMessage): the messages
 */
GPtrArray *
accord_maildir_scan (AccordMaildir           *self,
                     const char              *folder,
                     AccordMaildirScanFlags   flags,
                     GCancellable            *cancellable,
                     GError                 **error)
{
  g_autofree char *path = NULL;
  g_autofree char *cur = NULL;
  g_autofree char *new = NULL;
  g_autofree char *tmp = NULL;
  g_autoptr(GPtrArray) messages = NULL;

  g_return_val_if_fail (ACCORD_IS_MAILDIR (self), NULL);

  if ((path = _existing_folder_path (self, folder, error)) == NULL)
    return NULL;

  cur = g_build_filename (path, "cur", NULL);
  new = g_build_filename (path, "new", NULL);
  tmp = g_build_filename (path, "tmp", NULL);
  messages = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_message_free);

  if (!_scan_subdir (cur, FALSE, flags, messages, cancellable, error) ||
      !_scan_subdir (new, TRUE, flags, messages, cancellable, error))
    return NULL;

  _clean_tmp (tmp);
  return g_steal_pointer (&messages);
}

/* Finding a message that may have been renamed since it was seen */

static gboolean
_exists_at (int         dir_fd,
            const char *name)
{
  struct stat st;

  return fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR (st.st_mode);
}

static gboolean
_not_found (GError     **error,
            const char  *name,
            const char  *folder)
{
  g_set_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NOT_FOUND,
               _("The message “%s” is no longer in folder “%s”"), name, folder);
  return FALSE;
}

static gboolean
_locate (FolderFds    *fds,
         const char   *folder,
         const char   *name,
         GHashTable  **index,
         Location     *location,
         GError      **error)
{
  Location *found;
  g_autofree char *key = NULL;

  location->filename = NULL;

  if (name[0] == '\0' || name[0] == '.' || strchr (name, '/') != NULL ||
      _key_length (name) == 0)
    return _not_found (error, name, folder);

  if (_exists_at (fds->cur_fd, name))
    {
      location->is_new = FALSE;
      location->filename = g_strdup (name);
      return TRUE;
    }

  if (_exists_at (fds->new_fd, name))
    {
      location->is_new = TRUE;
      location->filename = g_strdup (name);
      return TRUE;
    }

  if (*index == NULL)
    *index = _index_folder (fds);

  key = g_strndup (name, _key_length (name));
  found = g_hash_table_lookup (*index, key);
  if (found == NULL || !_exists_at (found->is_new ? fds->new_fd : fds->cur_fd, found->filename))
    return _not_found (error, name, folder);

  location->is_new = found->is_new;
  location->filename = g_strdup (found->filename);
  return TRUE;
}

/* Runs @apply on each change's message, finding it again (once) if it moved in the
 * meantime. An error of @apply other than NOT_FOUND stops the batch. */
typedef gboolean (*ApplyFunc) (FolderFds            *fds,
                               Location             *location,
                               AccordMaildirChange  *change,
                               gpointer              data,
                               GError              **error);

static gboolean
_apply_changes (FolderFds     *fds,
                const char    *folder,
                GPtrArray     *changes,
                ApplyFunc      apply,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GHashTable) index = NULL;

  for (guint i = 0; i < changes->len; i++)
    _change_reset (g_ptr_array_index (changes, i));

  for (guint i = 0; i < changes->len; i++)
    {
      AccordMaildirChange *change = g_ptr_array_index (changes, i);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      for (guint attempt = 0; attempt < 2; attempt++)
        {
          Location location = { FALSE, NULL };
          g_autoptr(GError) local_error = NULL;
          gboolean ok;

          if (!_locate (fds, folder, change->name, &index, &location, &change->error))
            break;

          ok = apply (fds, &location, change, data, &local_error);
          _location_clear (&location);
          if (ok)
            break;

          if (!g_error_matches (local_error, ACCORD_MAILDIR_ERROR,
                                ACCORD_MAILDIR_ERROR_NOT_FOUND))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }

          /* Renamed between finding and changing it: look again, afresh. */
          g_clear_pointer (&index, g_hash_table_unref);
          if (attempt == 1)
            change->error = g_steal_pointer (&local_error);
        }
    }

  return TRUE;
}

typedef struct
{
  const char *folder;
  gboolean    used_cur;
  gboolean    used_new;
  FolderFds  *to;
} ApplyState;

static gboolean
_finish_changes (FolderFds   *fds,
                 ApplyState  *state,
                 gboolean     ok,
                 GError     **error)
{
  if (state->used_cur && !_fsync_dir_fd (fds->cur_fd, fds->cur_path, ok ? error : NULL))
    ok = FALSE;
  if (state->used_new && !_fsync_dir_fd (fds->new_fd, fds->new_path, ok ? error : NULL))
    ok = FALSE;
  return ok;
}

static gboolean
_apply_set_flags (FolderFds            *fds,
                  Location             *location,
                  AccordMaildirChange  *change,
                  gpointer              data,
                  GError              **error)
{
  ApplyState *state = data;
  g_autoptr(AccordMaildirMessage) current = NULL;
  g_autofree char *keywords = NULL;
  g_autofree char *wanted = NULL;
  g_autofree char *flags = NULL;
  g_autofree char *attributes = NULL;
  g_autofree char *key = NULL;
  g_autofree char *new_name = NULL;
  int from_fd = location->is_new ? fds->new_fd : fds->cur_fd;

  current = accord_maildir_message_new_from_filename (location->filename, location->is_new);
  g_assert (current != NULL);

  /* Lowercase letters are other tools' keywords, with no meaning for us: keep them. */
  keywords = g_strdup (current->flags);
  for (char *p = keywords; *p != '\0'; p++)
    if (!g_ascii_islower (*p))
      *p = ' ';
  wanted = g_strconcat (change->flags ? change->flags : "", keywords, NULL);
  flags = accord_maildir_flags_normalize (wanted);

  key = g_strndup (location->filename, _key_length (location->filename));
  attributes = _attributes (location->filename);
  new_name = _file_name (key, attributes, flags, TRUE);

  if (!location->is_new && g_str_equal (new_name, location->filename))
    {
      change->filename = g_steal_pointer (&new_name);
      return TRUE;
    }

  if (renameat (from_fd, location->filename, fds->cur_fd, new_name) != 0)
    {
      if (errno == ENOENT)
        return _not_found (error, change->name, state->folder);
      return _errno_error (error, errno, N_("Could not rename “%s”"), location->filename);
    }

  state->used_cur = TRUE;
  state->used_new |= location->is_new;
  change->filename = g_steal_pointer (&new_name);
  return TRUE;
}

/**
 * accord_maildir_set_flags:
 * @changes: (element-type AccordMaildirChange): the messages and their new flags
 *
 * Gives each message the flags of its change (moving it from new/ to cur/), keeping
 * other tools' lowercase keyword letters. A message that is gone gets its change's
 * error set and does not fail the call; %FALSE means a disk error, after which the
 * folder must be scanned again.
 */
gboolean
accord_maildir_set_flags (AccordMaildir  *self,
                          const char     *folder,
                          GPtrArray      *changes,
                          GCancellable   *cancellable,
                          GError        **error)
{
  g_autofree char *path = NULL;
  g_auto(FolderFds) fds = { -1, -1, -1, NULL, NULL, NULL, NULL };
  ApplyState state = { folder, FALSE, FALSE, NULL };
  gboolean ok;

  g_return_val_if_fail (ACCORD_IS_MAILDIR (self), FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);

  if ((path = _existing_folder_path (self, folder, error)) == NULL ||
      !_folder_fds_open (&fds, path, FALSE, error))
    return FALSE;

  ok = _apply_changes (&fds, folder, changes, _apply_set_flags, &state, cancellable, error);
  return _finish_changes (&fds, &state, ok, error);
}

static gboolean
_apply_remove (FolderFds            *fds,
               Location             *location,
               AccordMaildirChange  *change,
               gpointer              data,
               GError              **error)
{
  ApplyState *state = data;

  if (unlinkat (location->is_new ? fds->new_fd : fds->cur_fd, location->filename, 0) != 0)
    {
      if (errno == ENOENT)
        return _not_found (error, change->name, state->folder);
      return _errno_error (error, errno, N_("Could not remove “%s”"), location->filename);
    }

  state->used_cur |= !location->is_new;
  state->used_new |= location->is_new;
  return TRUE;
}

/**
 * accord_maildir_remove_messages:
 * @changes: (element-type AccordMaildirChange): the messages
 *
 * Removes the messages. One that is gone already gets its change's error set
 * (%ACCORD_MAILDIR_ERROR_NOT_FOUND) and does not fail the call.
 */
gboolean
accord_maildir_remove_messages (AccordMaildir  *self,
                                const char     *folder,
                                GPtrArray      *changes,
                                GCancellable   *cancellable,
                                GError        **error)
{
  g_autofree char *path = NULL;
  g_auto(FolderFds) fds = { -1, -1, -1, NULL, NULL, NULL, NULL };
  ApplyState state = { folder, FALSE, FALSE, NULL };
  gboolean ok;

  g_return_val_if_fail (ACCORD_IS_MAILDIR (self), FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);

  if ((path = _existing_folder_path (self, folder, error)) == NULL ||
      !_folder_fds_open (&fds, path, FALSE, error))
    return FALSE;

  ok = _apply_changes (&fds, folder, changes, _apply_remove, &state, cancellable, error);
  return _finish_changes (&fds, &state, ok, error);
}

typedef struct
{
  ApplyState  base;
  gboolean    to_cur;
  gboolean    to_new;
} MoveState;

static gboolean
_apply_move (FolderFds            *fds,
             Location             *location,
             AccordMaildirChange  *change,
             gpointer              data,
             GError              **error)
{
  MoveState *state = data;
  int from_fd = location->is_new ? fds->new_fd : fds->cur_fd;
  int to_fd = location->is_new ? state->base.to->new_fd : state->base.to->cur_fd;

  if (_exists_at (to_fd, location->filename))
    {
      change->error = g_error_new (ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_EXISTS,
                                   _("A message “%s” exists already in “%s”"),
                                   location->filename, state->base.to->path);
      return TRUE;
    }

  /* rename() is atomic: after a crash the message is in one folder, never both. */
  if (renameat (from_fd, location->filename, to_fd, location->filename) != 0)
    {
      if (errno == ENOENT)
        return _not_found (error, change->name, state->base.folder);
      return _errno_error (error, errno, N_("Could not move “%s”"), location->filename);
    }

  state->base.used_cur |= !location->is_new;
  state->base.used_new |= location->is_new;
  state->to_cur |= !location->is_new;
  state->to_new |= location->is_new;
  change->filename = g_strdup (location->filename);
  return TRUE;
}

/**
 * accord_maildir_move_messages:
 * @changes: (element-type AccordMaildirChange): the messages
 * @to_folder: an existing folder
 *
 * Moves the messages to @to_folder under the same names. One that is gone gets its
 * change's error set (%ACCORD_MAILDIR_ERROR_NOT_FOUND) and does not fail the call.
 */
gboolean
accord_maildir_move_messages (AccordMaildir  *self,
                              const char     *folder,
                              GPtrArray      *changes,
                              const char     *to_folder,
                              GCancellable   *cancellable,
                              GError        **error)
{
  g_autofree char *path = NULL;
  g_autofree char *to_path = NULL;
  g_auto(FolderFds) fds = { -1, -1, -1, NULL, NULL, NULL, NULL };
  g_auto(FolderFds) to_fds = { -1, -1, -1, NULL, NULL, NULL, NULL };
  MoveState state = { { folder, FALSE, FALSE, &to_fds }, FALSE, FALSE };
  gboolean ok;

  g_return_val_if_fail (ACCORD_IS_MAILDIR (self), FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);

  if ((path = _existing_folder_path (self, folder, error)) == NULL ||
      (to_path = _existing_folder_path (self, to_folder, error)) == NULL ||
      !_folder_fds_open (&fds, path, FALSE, error) ||
      !_folder_fds_open (&to_fds, to_path, FALSE, error))
    return FALSE;

  if (g_str_equal (path, to_path))
    return _invalid_name (error, to_folder);

  ok = _apply_changes (&fds, folder, changes, _apply_move, &state, cancellable, error);

  /* The new place first: then the message is never durable in neither folder. */
  if (state.to_cur && !_fsync_dir_fd (to_fds.cur_fd, to_fds.cur_path, ok ? error : NULL))
    ok = FALSE;
  if (state.to_new && !_fsync_dir_fd (to_fds.new_fd, to_fds.new_path, ok ? error : NULL))
    ok = FALSE;
  return _finish_changes (&fds, &state.base, ok, error);
}

/**
 * accord_maildir_read_message:
 * @name: the message's file name as last seen, or its key
 *
 * Returns: (transfer full): the message's bytes
 */
GBytes *
accord_maildir_read_message (AccordMaildir  *self,
                             const char     *folder,
                             const char     *name,
                             GCancellable   *cancellable,
                             GError        **error)
{
  g_autofree char *path = NULL;
  g_auto(FolderFds) fds = { -1, -1, -1, NULL, NULL, NULL, NULL };
  g_autoptr(GHashTable) index = NULL;

  g_return_val_if_fail (ACCORD_IS_MAILDIR (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if ((path = _existing_folder_path (self, folder, error)) == NULL ||
      !_folder_fds_open (&fds, path, FALSE, error))
    return NULL;

  for (guint attempt = 0; attempt < 2; attempt++)
    {
      Location location = { FALSE, NULL };
      g_autofree char *file = NULL;
      g_autoptr(GError) local_error = NULL;
      char *contents;
      gsize length;

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !_locate (&fds, folder, name, &index, &location, error))
        return NULL;

      file = g_build_filename (location.is_new ? fds.new_path : fds.cur_path,
                               location.filename, NULL);
      _location_clear (&location);

      if (g_file_get_contents (file, &contents, &length, &local_error))
        return g_bytes_new_take (contents, length);

      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_set_error_literal (error, G_IO_ERROR,
                               g_io_error_from_file_error (local_error->code),
                               local_error->message);
          return NULL;
        }

      g_clear_pointer (&index, g_hash_table_unref);
    }

  _not_found (error, name, folder);
  return NULL;
}

/* The worker thread */

typedef enum
{
  OP_ENSURE_FOLDER,
  OP_LIST_FOLDERS,
  OP_RENAME_FOLDER,
  OP_REMOVE_FOLDER,
  OP_DELIVER,
  OP_SCAN,
  OP_SET_FLAGS,
  OP_REMOVE_MESSAGES,
  OP_MOVE_MESSAGES,
  OP_READ_MESSAGE,
} OpKind;

typedef struct
{
  OpKind                  kind;
  char                   *folder;
  char                   *other;   /* the new name, the target folder, the message */
  GPtrArray              *items;
  AccordMaildirScanFlags  scan_flags;

  gpointer                result;
  GDestroyNotify          result_free;
  GError                 *error;
} Op;

static void
_op_free (Op *op)
{
  g_free (op->folder);
  g_free (op->other);
  g_clear_pointer (&op->items, g_ptr_array_unref);
  if (op->result != NULL && op->result_free != NULL)
    op->result_free (op->result);
  g_clear_error (&op->error);
  g_free (op);
}

/* Hands the result back on the task's main context, which also drops the worker's
 * reference there: the object is then never finalized on its own worker thread. */
static gboolean
_complete_io (gpointer data)
{
  g_autoptr(GTask) task = data;
  Op *op = g_task_get_task_data (task);

  if (op->error != NULL)
    g_task_return_error (task, g_steal_pointer (&op->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&op->result), op->result_free);

  return G_SOURCE_REMOVE;
}

static void
_io_worker (gpointer data,
            gpointer user_data)
{
  GTask *task = data;
  AccordMaildir *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  Op *op = g_task_get_task_data (task);
  gboolean ok = FALSE;

  switch (op->kind)
    {
    case OP_ENSURE_FOLDER:
      ok = accord_maildir_ensure_folder (self, op->folder, cancellable, &op->error);
      break;

    case OP_LIST_FOLDERS:
      op->result = accord_maildir_list_folders (self, cancellable, &op->error);
      op->result_free = (GDestroyNotify) g_strfreev;
      break;

    case OP_RENAME_FOLDER:
      ok = accord_maildir_rename_folder (self, op->folder, op->other, cancellable, &op->error);
      break;

    case OP_REMOVE_FOLDER:
      ok = accord_maildir_remove_folder (self, op->folder, cancellable, &op->error);
      break;

    case OP_DELIVER:
      ok = accord_maildir_deliver (self, op->folder, op->items, cancellable, &op->error);
      break;

    case OP_SCAN:
      op->result = accord_maildir_scan (self, op->folder, op->scan_flags, cancellable,
                                        &op->error);
      op->result_free = (GDestroyNotify) g_ptr_array_unref;
      break;

    case OP_SET_FLAGS:
      ok = accord_maildir_set_flags (self, op->folder, op->items, cancellable, &op->error);
      break;

    case OP_REMOVE_MESSAGES:
      ok = accord_maildir_remove_messages (self, op->folder, op->items, cancellable,
                                           &op->error);
      break;

    case OP_MOVE_MESSAGES:
      ok = accord_maildir_move_messages (self, op->folder, op->items, op->other,
                                         cancellable, &op->error);
      break;

    case OP_READ_MESSAGE:
      op->result = accord_maildir_read_message (self, op->folder, op->other, cancellable,
                                                &op->error);
      op->result_free = (GDestroyNotify) g_bytes_unref;
      break;

    default:
      g_assert_not_reached ();
    }

  /* Operations without a result answer with a non-NULL pointer on success. */
  if (ok)
    op->result = GINT_TO_POINTER (TRUE);

  g_main_context_invoke (g_task_get_context (task), _complete_io, task);
}

static Op *
_op_new (OpKind      kind,
         const char *folder,
         const char *other,
         GPtrArray  *items)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->folder = g_strdup (folder);
  op->other = g_strdup (other);
  op->items = items != NULL ? g_ptr_array_ref (items) : NULL;
  return op;
}

static void
_queue (AccordMaildir       *self,
        Op                  *op,
        gpointer             source_tag,
        GCancellable        *cancellable,
        GAsyncReadyCallback  callback,
        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) _op_free);

  if (!g_thread_pool_push (self->io_pool, g_object_ref (task), &op->error))
    _complete_io (task);
}

static gpointer
_finish (AccordMaildir  *self,
         GAsyncResult   *result,
         gpointer        source_tag,
         GError        **error)
{
  g_return_val_if_fail (ACCORD_IS_MAILDIR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
accord_maildir_ensure_folder_async (AccordMaildir       *self,
                                    const char          *folder,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (ACCORD_IS_MAILDIR (self));

  _queue (self, _op_new (OP_ENSURE_FOLDER, folder, NULL, NULL),
          accord_maildir_ensure_folder_async, cancellable, callback, user_data);
}

gboolean
accord_maildir_ensure_folder_finish (AccordMaildir  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  return _finish (self, result, accord_maildir_ensure_folder_async, error) != NULL;
}

void
accord_maildir_list_folders_async (AccordMaildir       *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (ACCORD_IS_MAILDIR (self));

  _queue (self, _op_new (OP_LIST_FOLDERS, NULL, NULL, NULL),
          accord_maildir_list_folders_async, cancellable, callback, user_data);
}

/**
 * accord_maildir_list_folders_finish:
 *
 * Returns: (transfer full): the folder names, sorted
 */
GStrv
accord_maildir_list_folders_finish (AccordMaildir  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  return _finish (self, result, accord_maildir_list_folders_async, error);
}

void
accord_maildir_rename_folder_async (AccordMaildir       *self,
                                    const char          *folder,
                                    const char          *new_folder,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (ACCORD_IS_MAILDIR (self));

  _queue (self, _op_new (OP_RENAME_FOLDER, folder, new_folder, NULL),
          accord_maildir_rename_folder_async, cancellable, callback, user_data);
}

gboolean
accord_maildir_rename_folder_finish (AccordMaildir  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  return _finish (self, result, accord_maildir_rename_folder_async, error) != NULL;
}

void
accord_maildir_remove_folder_async (AccordMaildir       *self,
                                    const char          *folder,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (ACCORD_IS_MAILDIR (self));

  _queue (self, _op_new (OP_REMOVE_FOLDER, folder, NULL, NULL),
          accord_maildir_remove_folder_async, cancellable, callback, user_data);
}

gboolean
accord_maildir_remove_folder_finish (AccordMaildir  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  return _finish (self, result, accord_maildir_remove_folder_async, error) != NULL;
}

void
accord_maildir_deliver_async (AccordMaildir       *self,
                              const char          *folder,
                              GPtrArray           *deliveries,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (ACCORD_IS_MAILDIR (self));
  g_return_if_fail (deliveries != NULL);

  _queue (self, _op_new (OP_DELIVER, folder, NULL, deliveries),
          accord_maildir_deliver_async, cancellable, callback, user_data);
}

gboolean
accord_maildir_deliver_finish (AccordMaildir  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  return _finish (self, result, accord_maildir_deliver_async, error) != NULL;
}

void
accord_maildir_scan_async (AccordMaildir           *self,
                           const char              *folder,
                           AccordMaildirScanFlags   flags,
                           GCancellable            *cancellable,
                           GAsyncReadyCallback      callback,
                           gpointer                 user_data)
{
  Op *op;

  g_return_if_fail (ACCORD_IS_MAILDIR (self));

  op = _op_new (OP_SCAN, folder, NULL, NULL);
  op->scan_flags = flags;
  _queue (self, op, accord_maildir_scan_async, cancellable, callback, user_data);
}

/**
 * accord_maildir_scan_finish:
 *
 * Returns: (transfer full) (element-type AccordMaildirMessage): the messages
 */
GPtrArray *
accord_maildir_scan_finish (AccordMaildir  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  return _finish (self, result, accord_maildir_scan_async, error);
}

void
accord_maildir_set_flags_async (AccordMaildir       *self,
                                const char          *folder,
                                GPtrArray           *changes,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (ACCORD_IS_MAILDIR (self));
  g_return_if_fail (changes != NULL);

  _queue (self, _op_new (OP_SET_FLAGS, folder, NULL, changes),
          accord_maildir_set_flags_async, cancellable, callback, user_data);
}

gboolean
accord_maildir_set_flags_finish (AccordMaildir  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  return _finish (self, result, accord_maildir_set_flags_async, error) != NULL;
}

void
accord_maildir_remove_messages_async (AccordMaildir       *self,
                                      const char          *folder,
                                      GPtrArray           *changes,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (ACCORD_IS_MAILDIR (self));
  g_return_if_fail (changes != NULL);

  _queue (self, _op_new (OP_REMOVE_MESSAGES, folder, NULL, changes),
          accord_maildir_remove_messages_async, cancellable, callback, user_data);
}

gboolean
accord_maildir_remove_messages_finish (AccordMaildir  *self,
                                       GAsyncResult   *result,
                                       GError        **error)
{
  return _finish (self, result, accord_maildir_remove_messages_async, error) != NULL;
}

void
accord_maildir_move_messages_async (AccordMaildir       *self,
                                    const char          *folder,
                                    GPtrArray           *changes,
                                    const char          *to_folder,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (ACCORD_IS_MAILDIR (self));
  g_return_if_fail (changes != NULL);

  _queue (self, _op_new (OP_MOVE_MESSAGES, folder, to_folder, changes),
          accord_maildir_move_messages_async, cancellable, callback, user_data);
}

gboolean
accord_maildir_move_messages_finish (AccordMaildir  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  return _finish (self, result, accord_maildir_move_messages_async, error) != NULL;
}

void
accord_maildir_read_message_async (AccordMaildir       *self,
                                   const char          *folder,
                                   const char          *name,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (ACCORD_IS_MAILDIR (self));
  g_return_if_fail (name != NULL);

  _queue (self, _op_new (OP_READ_MESSAGE, folder, name, NULL),
          accord_maildir_read_message_async, cancellable, callback, user_data);
}

/**
 * accord_maildir_read_message_finish:
 *
 * Returns: (transfer full): the message's bytes
 */
GBytes *
accord_maildir_read_message_finish (AccordMaildir  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  return _finish (self, result, accord_maildir_read_message_async, error);
}
