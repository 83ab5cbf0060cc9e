/* test-maildir.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <glib/gstdio.h>

#include "accord-maildir.h"
#include "accord-sync-plan.h"
#include "accord-test-utils.h"

/* Messages of the crash test check themselves: the header gives the body's length and
 * the body is a pattern derived from the sequence number. */
#define CRASH_ROUNDS 60

typedef struct
{
  char          *dir;
  char          *root;
  AccordMaildir *maildir;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = accord_test_make_tmp_dir ();
  f->root = g_build_filename (f->dir, "account", "mail", NULL);
  f->maildir = accord_maildir_new (f->root);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->maildir);
  accord_test_rm_rf (f->dir);
  g_free (f->root);
  g_free (f->dir);
}

static void
_ensure (Fixture    *f,
         const char *folder)
{
  g_autoptr(GError) error = NULL;

  accord_maildir_ensure_folder (f->maildir, folder, NULL, &error);
  g_assert_no_error (error);
}

static GBytes *
_message_bytes (guint sequence,
                gsize body_length)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "X-Accord-Test: %u %" G_GSIZE_FORMAT "\r\n\r\n",
                          sequence, body_length);
  for (gsize i = 0; i < body_length; i++)
    g_string_append_c (text, (char) ('a' + (sequence + i) % 26));

  return g_string_free_to_bytes (text);
}

static gboolean
_message_is_complete (const char *contents,
                      gsize       length)
{
  guint sequence;
  gsize body_length;
  const char *body;

  if (sscanf (contents, "X-Accord-Test: %u %" G_GSIZE_FORMAT, &sequence, &body_length) != 2)
    return FALSE;

  body = strstr (contents, "\r\n\r\n");
  if (body == NULL)
    return FALSE;
  body += 4;

  if ((gsize) (contents + length - body) != body_length)
    return FALSE;

  for (gsize i = 0; i < body_length; i++)
    if (body[i] != (char) ('a' + (sequence + i) % 26))
      return FALSE;

  return TRUE;
}

/* Delivers one message and returns its delivery (filename, key). */
static AccordMaildirDelivery *
_deliver (Fixture    *f,
          const char *folder,
          const char *text,
          const char *flags,
          guint32     uid)
{
  g_autoptr(GPtrArray) deliveries = g_ptr_array_new_with_free_func (NULL);
  g_autoptr(GBytes) data = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;
  AccordMaildirDelivery *delivery = accord_maildir_delivery_new (data, flags, uid, NULL);

  g_ptr_array_add (deliveries, delivery);
  accord_maildir_deliver (f->maildir, folder, deliveries, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (delivery->filename);
  return delivery;
}

static GPtrArray *
_changes (const char *name,
          const char *flags)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_change_free);

  g_ptr_array_add (changes, accord_maildir_change_new (name, flags));
  return changes;
}

static char *
_path (Fixture    *f,
       const char *folder,
       const char *subdir,
       const char *filename)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder_path = accord_maildir_get_folder_path (f->maildir, folder, &error);

  g_assert_no_error (error);
  return g_build_filename (folder_path, subdir, filename, NULL);
}

static GPtrArray *
_scan (Fixture                *f,
       const char             *folder,
       AccordMaildirScanFlags  flags)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *messages = accord_maildir_scan (f->maildir, folder, flags, NULL, &error);

  g_assert_no_error (error);
  return messages;
}

static AccordMaildirMessage *
_find (GPtrArray  *messages,
       const char *key)
{
  for (guint i = 0; i < messages->len; i++)
    {
      AccordMaildirMessage *message = g_ptr_array_index (messages, i);

      if (g_str_equal (message->key, key))
        return message;
    }

  return NULL;
}

/* Flags */

static void
test_flags_normalize (void)
{
  g_autofree char *sorted = accord_maildir_flags_normalize ("TSRPFD");
  g_autofree char *deduped = accord_maildir_flags_normalize ("SSa,F!S");
  g_autofree char *empty = accord_maildir_flags_normalize (NULL);

  g_assert_cmpstr (sorted, ==, "DFPRST");
  g_assert_cmpstr (deduped, ==, "FSa");
  g_assert_cmpstr (empty, ==, "");
}

/* The engines' flag conversions (accord-sync-plan.h), in Maildir letters. */
static char *
_letters_from_imap (const char * const *imap)
{
  char letters[8];

  accord_mail_flags_to_letters (accord_mail_flags_from_imap (imap), letters);
  return g_strdup (letters);
}

static GStrv
_imap_from_letters (const char *letters)
{
  return accord_mail_flags_to_imap (accord_mail_flags_from_letters (letters));
}

static char *
_merge_letters (const char *base,
                const char *local,
                const char *remote)
{
  char letters[8];

  accord_mail_flags_to_letters (accord_mail_flags_merge (accord_mail_flags_from_letters (base),
                                                         accord_mail_flags_from_letters (local),
                                                         accord_mail_flags_from_letters (remote)),
                                letters);
  return g_strdup (letters);
}

static void
test_flags_imap (void)
{
  const struct { const char *letter; const char *imap; } pairs[] = {
    { "D", "\\Draft" }, { "F", "\\Flagged" }, { "P", "$Forwarded" },
    { "R", "\\Answered" }, { "S", "\\Seen" }, { "T", "\\Deleted" },
  };
  const char *all_imap[] = { "\\Seen", "\\answered", "$Junk", "\\Recent", "\\FLAGGED",
                             "$forwarded", "\\Draft", "\\Deleted", NULL };
  g_autofree char *all = _letters_from_imap (all_imap);
  g_auto(GStrv) back = _imap_from_letters (all);
  g_autofree char *again = _letters_from_imap ((const char * const *) back);
  g_auto(GStrv) none = _imap_from_letters ("ab");

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      const char *imap[] = { pairs[i].imap, NULL };
      g_autofree char *letter = _letters_from_imap (imap);
      g_auto(GStrv) names = _imap_from_letters (pairs[i].letter);

      g_assert_cmpstr (letter, ==, pairs[i].letter);
      g_assert_cmpuint (g_strv_length (names), ==, 1);
      g_assert_cmpstr (names[0], ==, pairs[i].imap);
    }

  /* Case-insensitive; \Recent and keywords without a letter are left out. */
  g_assert_cmpstr (all, ==, "DFPRST");
  g_assert_cmpuint (g_strv_length (back), ==, 6);
  g_assert_cmpstr (again, ==, all);
  g_assert_cmpuint (g_strv_length (none), ==, 0);
}

static void
test_flags_merge (void)
{
  const struct { const char *base, *local, *remote, *merged; } cases[] = {
    { "", "", "", "" },
    { "", "S", "", "S" },          /* set here */
    { "", "", "S", "S" },          /* set there */
    { "S", "", "S", "" },          /* cleared here */
    { "S", "S", "", "" },          /* cleared there */
    { "S", "", "", "" },           /* cleared on both */
    { "", "F", "S", "FS" },        /* both set different flags */
    { "FS", "S", "FRS", "RS" },    /* here clears F, there adds R */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *merged = _merge_letters (cases[i].base, cases[i].local, cases[i].remote);

      g_assert_cmpstr (merged, ==, cases[i].merged);
    }
}

static void
test_filename_parse (void)
{
  g_autoptr(AccordMaildirMessage) ours =
    accord_maildir_message_new_from_filename ("1700000000.M1P2Q3R4.host,S=1234,U=42:2,SF", FALSE);
  g_autoptr(AccordMaildirMessage) fresh =
    accord_maildir_message_new_from_filename ("1700000000.M1P2Q3R4.host,S=99", TRUE);
  g_autoptr(AccordMaildirMessage) other =
    accord_maildir_message_new_from_filename ("1700000000.12345_1.mutt,W=120:2,RS", FALSE);
  g_autoptr(AccordMaildirMessage) bad =
    accord_maildir_message_new_from_filename ("123.x.h,S=12x,U=99999999999:2,S", FALSE);
  g_autoptr(AccordMaildirMessage) copy = NULL;

  g_assert_cmpstr (ours->key, ==, "1700000000.M1P2Q3R4.host");
  g_assert_cmpstr (ours->flags, ==, "FS");
  g_assert_cmpint (ours->size, ==, 1234);
  g_assert_cmpuint (ours->uid, ==, 42);
  g_assert_false (ours->is_new);
  g_assert_cmpint (ours->mtime, ==, -1);

  g_assert_cmpstr (fresh->key, ==, "1700000000.M1P2Q3R4.host");
  g_assert_cmpstr (fresh->flags, ==, "");
  g_assert_cmpint (fresh->size, ==, 99);
  g_assert_true (fresh->is_new);

  g_assert_cmpstr (other->key, ==, "1700000000.12345_1.mutt");
  g_assert_cmpstr (other->flags, ==, "RS");
  g_assert_cmpint (other->size, ==, -1);
  g_assert_cmpuint (other->uid, ==, 0);

  g_assert_cmpint (bad->size, ==, -1);
  g_assert_cmpuint (bad->uid, ==, 0);

  g_assert_null (accord_maildir_message_new_from_filename (".hidden", FALSE));
  g_assert_null (accord_maildir_message_new_from_filename (":2,S", FALSE));
  g_assert_null (accord_maildir_message_new_from_filename ("a/b", FALSE));

  copy = accord_maildir_message_copy (ours);
  g_assert_cmpstr (copy->filename, ==, ours->filename);
  g_assert_true (copy->filename != ours->filename);
}

/* Layout and folder names */

static void
test_layout (Fixture       *f,
             gconstpointer  data)
{
  const char *folders[] = { "INBOX", "Sent", "Work/Projects", "Work/Projects/2024" };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) listed = NULL;
  g_autofree char *default_root = accord_maildir_default_root ("alice");

  g_assert_true (g_str_has_suffix (default_root, "/accord/alice/mail"));
  g_assert_cmpstr (accord_maildir_get_root (f->maildir), ==, f->root);

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      _ensure (f, folders[i]);
      _ensure (f, folders[i]);   /* twice is fine */
    }

  /* A plain tree: root/INBOX, root/Work/Projects, each with cur/ new/ tmp/. */
  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    for (guint j = 0; j < 3; j++)
      {
        const char *sub[] = { "cur", "new", "tmp" };
        g_autofree char *path = g_build_filename (f->root, folders[i], sub[j], NULL);

        g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));
      }

  /* "Work" is only a parent, no folder. */
  {
    g_autofree char *work_cur = g_build_filename (f->root, "Work", "cur", NULL);

    g_assert_false (g_file_test (work_cur, G_FILE_TEST_EXISTS));
  }

  listed = accord_maildir_list_folders (f->maildir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (listed), ==, 4);
  g_assert_cmpstr (listed[0], ==, "INBOX");
  g_assert_cmpstr (listed[1], ==, "Sent");
  g_assert_cmpstr (listed[2], ==, "Work/Projects");
  g_assert_cmpstr (listed[3], ==, "Work/Projects/2024");
}

static void
test_folder_names (Fixture       *f,
                   gconstpointer  data)
{
  const struct { const char *name; const char *on_disk; } names[] = {
    { "Entwürfe", "Entwürfe" },
    { "Отправленные", "Отправленные" },
    { "日本語/下書き", "日本語/下書き" },
    { ".hidden", "%2Ehidden" },
    { "..", "%2E." },
    { ".", "%2E" },
    { "cur", "%63ur" },
    { "INBOX/new", "INBOX/%6Eew" },
    { "tmp/x", "%74mp/x" },
    { "100%", "100%25" },
    { "%2E", "%252E" },
    { "tab\there", "tab%09here" },
    { "line\nbreak", "line%0Abreak" },
    { "a.b", "a.b" },
    { "~", "~" },
  };
  const char *invalid[] = { "", "/INBOX", "INBOX/", "a//b", "/", "\xff\xfe" };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) listed = NULL;
  g_autofree char *foreign = g_build_filename (f->root, "%41", "cur", NULL);
  g_autofree char *long_name = g_strnfill (300, 'x');

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = accord_maildir_get_folder_path (f->maildir, names[i].name, &error);
      g_autofree char *expected = g_build_filename (f->root, names[i].on_disk, NULL);
      g_autofree char *cur = NULL;

      g_assert_no_error (error);
      g_assert_cmpstr (path, ==, expected);
      _ensure (f, names[i].name);
      cur = g_build_filename (path, "cur", NULL);
      g_assert_true (g_file_test (cur, G_FILE_TEST_IS_DIR));
    }

  /* Nothing escaped the root. */
  {
    g_autofree char *outside = g_build_filename (f->dir, "account", "cur", NULL);

    g_assert_false (g_file_test (outside, G_FILE_TEST_EXISTS));
  }

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autofree char *path = accord_maildir_get_folder_path (f->maildir, invalid[i], &error);

      g_assert_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_INVALID_NAME);
      g_assert_null (path);
      g_clear_error (&error);
      g_assert_false (accord_maildir_ensure_folder (f->maildir, invalid[i], NULL, &error));
      g_assert_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_INVALID_NAME);
      g_clear_error (&error);
    }

  g_assert_false (accord_maildir_ensure_folder (f->maildir, long_name, NULL, &error));
  g_assert_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_INVALID_NAME);
  g_clear_error (&error);

  /* Another tool's directory whose name Accord would write differently ("A"): left out,
   * since no folder name reaches it. */
  g_assert_cmpint (g_mkdir_with_parents (foreign, 0700), ==, 0);

  listed = accord_maildir_list_folders (f->maildir, NULL, &error);
  g_assert_no_error (error);
  /* Parents made on the way (INBOX, tmp, 日本語) are no folders. */
  g_assert_cmpuint (g_strv_length (listed), ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_true (g_strv_contains ((const char * const *) listed, names[i].name));
  g_assert_false (g_strv_contains ((const char * const *) listed, "A"));
}

/* Messages */

static void
test_deliver_scan (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) deliveries =
    g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_delivery_free);
  g_autoptr(GBytes) seen = g_bytes_new_static ("Subject: seen\r\n\r\nhello\r\n", 24);
  g_autoptr(GBytes) unseen = g_bytes_new_static ("Subject: new\r\n\r\n", 16);
  g_autoptr(GBytes) keyed = g_bytes_new_static ("Subject: keyed\r\n\r\n", 18);
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) stated = NULL;
  g_autoptr(GRegex) pattern = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *chosen_key = accord_maildir_generate_key (f->maildir);
  g_autofree char *tmp_path = NULL;
  g_autoptr(GDir) tmp_dir = NULL;
  AccordMaildirDelivery *d0, *d1, *d2;
  AccordMaildirMessage *m;

  _ensure (f, "INBOX");

  g_ptr_array_add (deliveries, accord_maildir_delivery_new (seen, "SF", 42, NULL));
  g_ptr_array_add (deliveries, accord_maildir_delivery_new (unseen, NULL, 0, NULL));
  g_ptr_array_add (deliveries, accord_maildir_delivery_new (keyed, "S", 0, chosen_key));
  accord_maildir_deliver (f->maildir, "INBOX", deliveries, NULL, &error);
  g_assert_no_error (error);

  d0 = g_ptr_array_index (deliveries, 0);
  d1 = g_ptr_array_index (deliveries, 1);
  d2 = g_ptr_array_index (deliveries, 2);

  pattern = g_regex_new ("^[0-9]+\\.M[0-9]{6}P[0-9]+Q[0-9]+R[0-9a-f]{16}\\.[^/:,]+"
                         ",S=24,U=42:2,FS$", 0, 0, &error);
  g_assert_no_error (error);
  g_assert_true (g_regex_match (pattern, d0->filename, 0, NULL));
  g_assert_true (g_str_has_prefix (d0->filename, d0->key));
  g_assert_false (d0->is_new);

  /* Without flags to new/, without the info part. */
  g_assert_true (d1->is_new);
  g_assert_null (strchr (d1->filename, ':'));
  g_assert_true (g_str_has_suffix (d1->filename, ",S=16"));

  g_assert_cmpstr (d2->key, ==, chosen_key);
  g_assert_true (g_str_has_prefix (d2->filename, chosen_key));
  g_assert_true (g_str_has_suffix (d2->filename, ",S=18:2,S"));

  /* Keys differ, and nothing is left in tmp/. */
  g_assert_cmpstr (d0->key, !=, d1->key);
  tmp_path = _path (f, "INBOX", "tmp", NULL);
  tmp_dir = g_dir_open (tmp_path, 0, &error);
  g_assert_no_error (error);
  g_assert_null (g_dir_read_name (tmp_dir));

  /* The files hold exactly the bytes. */
  for (guint i = 0; i < deliveries->len; i++)
    {
      AccordMaildirDelivery *d = g_ptr_array_index (deliveries, i);
      g_autoptr(GBytes) read_back = accord_maildir_read_message (f->maildir, "INBOX",
                                                                 d->filename, NULL, &error);

      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (read_back, d->data));
    }

  messages = _scan (f, "INBOX", ACCORD_MAILDIR_SCAN_NONE);
  g_assert_cmpuint (messages->len, ==, 3);

  m = _find (messages, d0->key);
  g_assert_nonnull (m);
  g_assert_cmpstr (m->filename, ==, d0->filename);
  g_assert_cmpstr (m->flags, ==, "FS");
  g_assert_cmpuint (m->uid, ==, 42);
  g_assert_cmpint (m->size, ==, 24);
  g_assert_cmpint (m->mtime, ==, -1);
  g_assert_false (m->is_new);

  m = _find (messages, d1->key);
  g_assert_nonnull (m);
  g_assert_true (m->is_new);
  g_assert_cmpstr (m->flags, ==, "");
  g_assert_cmpint (m->size, ==, 16);

  /* A file another client delivered, without ,S=: stat() fills in the size. */
  {
    g_autofree char *path = _path (f, "INBOX", "cur", "1700000000.1_1.elsewhere:2,RS");

    g_assert_true (g_file_set_contents (path, "12345", 5, NULL));
  }

  stated = _scan (f, "INBOX", ACCORD_MAILDIR_SCAN_STAT);
  g_assert_cmpuint (stated->len, ==, 4);
  m = _find (stated, "1700000000.1_1.elsewhere");
  g_assert_nonnull (m);
  g_assert_cmpint (m->size, ==, 5);
  g_assert_cmpint (m->mtime, >, 0);
  g_assert_cmpstr (m->flags, ==, "RS");
  m = _find (stated, d0->key);
  g_assert_cmpint (m->size, ==, 24);

  /* A scan of a missing folder says so. */
  g_assert_null (accord_maildir_scan (f->maildir, "Nowhere", 0, NULL, &error));
  g_assert_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NO_FOLDER);
  g_clear_error (&error);

  /* Delivering into a missing folder does not create it. */
  g_assert_false (accord_maildir_deliver (f->maildir, "Nowhere", deliveries, NULL, &error));
  g_assert_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NO_FOLDER);
  g_clear_error (&error);

  /* Delivering under a key that exists is refused, never written over. */
  {
    g_autoptr(GPtrArray) again =
      g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_delivery_free);
    g_autoptr(GPtrArray) after = NULL;

    g_ptr_array_add (again, accord_maildir_delivery_new (seen, "S", 0, chosen_key));
    g_assert_false (accord_maildir_deliver (f->maildir, "INBOX", again, NULL, &error));
    g_assert_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_EXISTS);
    g_clear_error (&error);
    g_assert_null (((AccordMaildirDelivery *) g_ptr_array_index (again, 0))->filename);

    g_ptr_array_set_size (again, 0);
    g_ptr_array_add (again, accord_maildir_delivery_new (seen, "S", 0, "bad/key"));
    g_assert_false (accord_maildir_deliver (f->maildir, "INBOX", again, NULL, &error));
    g_assert_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_INVALID_NAME);
    g_clear_error (&error);

    after = _scan (f, "INBOX", ACCORD_MAILDIR_SCAN_STAT);
    g_assert_cmpuint (after->len, ==, 4);
    m = _find (after, chosen_key);
    g_assert_cmpint (m->size, ==, 18);
  }
}

static void
test_set_flags (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(AccordMaildirDelivery) fresh = NULL;
  g_autoptr(AccordMaildirDelivery) seen = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_path = NULL;
  g_autofree char *new_path = NULL;
  g_autofree char *renamed = NULL;
  AccordMaildirChange *change;

  _ensure (f, "INBOX");
  fresh = _deliver (f, "INBOX", "Subject: a\r\n\r\n", NULL, 5);
  seen = _deliver (f, "INBOX", "Subject: b\r\n\r\n", "S", 6);

  /* new/ → cur/ with the flags; the key and attributes stay. */
  changes = _changes (fresh->filename, "S");
  accord_maildir_set_flags (f->maildir, "INBOX", changes, NULL, &error);
  g_assert_no_error (error);
  change = g_ptr_array_index (changes, 0);
  g_assert_no_error (change->error);
  g_assert_true (g_str_has_prefix (change->filename, fresh->key));
  g_assert_true (g_str_has_suffix (change->filename, ",S=14,U=5:2,S"));
  old_path = _path (f, "INBOX", "new", fresh->filename);
  new_path = _path (f, "INBOX", "cur", change->filename);
  g_assert_false (g_file_test (old_path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (new_path, G_FILE_TEST_EXISTS));
  g_clear_pointer (&changes, g_ptr_array_unref);

  /* Another client renamed it since (added F and a keyword letter): found by key,
   * the keyword kept. The name given may also be the bare key. */
  renamed = g_strconcat (seen->key, ",S=14,U=6:2,FSa", NULL);
  {
    g_autofree char *from = _path (f, "INBOX", "cur", seen->filename);
    g_autofree char *to = _path (f, "INBOX", "cur", renamed);

    g_assert_cmpint (g_rename (from, to), ==, 0);
  }

  changes = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_change_free);
  g_ptr_array_add (changes, accord_maildir_change_new (seen->filename, "RS"));
  g_ptr_array_add (changes, accord_maildir_change_new (fresh->key, ""));
  g_ptr_array_add (changes, accord_maildir_change_new ("1.gone.host:2,S", "S"));
  accord_maildir_set_flags (f->maildir, "INBOX", changes, NULL, &error);
  g_assert_no_error (error);

  change = g_ptr_array_index (changes, 0);
  g_assert_no_error (change->error);
  g_assert_true (g_str_has_suffix (change->filename, ":2,RSa"));

  change = g_ptr_array_index (changes, 1);
  g_assert_no_error (change->error);
  g_assert_true (g_str_has_suffix (change->filename, ":2,"));

  change = g_ptr_array_index (changes, 2);
  g_assert_error (change->error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NOT_FOUND);
  g_assert_null (change->filename);

  messages = _scan (f, "INBOX", ACCORD_MAILDIR_SCAN_NONE);
  g_assert_cmpuint (messages->len, ==, 2);
  g_assert_cmpstr (_find (messages, seen->key)->flags, ==, "RSa");
  g_assert_cmpstr (_find (messages, fresh->key)->flags, ==, "");
  g_assert_false (_find (messages, fresh->key)->is_new);
}

static void
test_move_remove (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(AccordMaildirDelivery) one = NULL;
  g_autoptr(AccordMaildirDelivery) two = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) inbox = NULL;
  g_autoptr(GPtrArray) archive = NULL;
  g_autoptr(GError) error = NULL;
  AccordMaildirChange *change;

  _ensure (f, "INBOX");
  _ensure (f, "Archive");
  one = _deliver (f, "INBOX", "Subject: one\r\n\r\n", "S", 1);
  two = _deliver (f, "INBOX", "Subject: two\r\n\r\n", NULL, 2);

  changes = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_change_free);
  g_ptr_array_add (changes, accord_maildir_change_new (one->filename, NULL));
  g_ptr_array_add (changes, accord_maildir_change_new (two->key, NULL));
  accord_maildir_move_messages (f->maildir, "INBOX", changes, "Archive", NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < changes->len; i++)
    {
      change = g_ptr_array_index (changes, i);
      g_assert_no_error (change->error);
      g_assert_nonnull (change->filename);
    }

  inbox = _scan (f, "INBOX", 0);
  archive = _scan (f, "Archive", 0);
  g_assert_cmpuint (inbox->len, ==, 0);
  g_assert_cmpuint (archive->len, ==, 2);
  g_assert_false (_find (archive, one->key)->is_new);
  g_assert_true (_find (archive, two->key)->is_new);

  /* Moving again from INBOX: they are gone from there. */
  accord_maildir_move_messages (f->maildir, "INBOX", changes, "Archive", NULL, &error);
  g_assert_no_error (error);
  change = g_ptr_array_index (changes, 0);
  g_assert_error (change->error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NOT_FOUND);

  g_assert_false (accord_maildir_move_messages (f->maildir, "Archive", changes, "Nowhere",
                                                NULL, &error));
  g_assert_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NO_FOLDER);
  g_clear_error (&error);

  /* Remove both; removing again reports each as gone, and the call still succeeds. */
  accord_maildir_remove_messages (f->maildir, "Archive", changes, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < changes->len; i++)
    g_assert_no_error (((AccordMaildirChange *) g_ptr_array_index (changes, i))->error);
  g_clear_pointer (&archive, g_ptr_array_unref);
  archive = _scan (f, "Archive", 0);
  g_assert_cmpuint (archive->len, ==, 0);

  g_assert_true (accord_maildir_remove_messages (f->maildir, "Archive", changes, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < changes->len; i++)
    g_assert_error (((AccordMaildirChange *) g_ptr_array_index (changes, i))->error,
                    ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NOT_FOUND);
}

static void
test_vanished (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(AccordMaildirDelivery) gone = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  AccordMaildirMessage *m;

  _ensure (f, "INBOX");
  _ensure (f, "Trash");
  gone = _deliver (f, "INBOX", "Subject: gone\r\n\r\n", "S", 0);

  messages = _scan (f, "INBOX", 0);
  m = g_ptr_array_index (messages, 0);
  path = _path (f, "INBOX", "cur", m->filename);
  g_assert_cmpint (g_unlink (path), ==, 0);

  bytes = accord_maildir_read_message (f->maildir, "INBOX", m->filename, NULL, &error);
  g_assert_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NOT_FOUND);
  g_assert_null (bytes);
  g_clear_error (&error);

  bytes = accord_maildir_read_message (f->maildir, "INBOX", m->key, NULL, &error);
  g_assert_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Names that would leave the folder are never followed. */
  bytes = accord_maildir_read_message (f->maildir, "INBOX", "../../../etc/passwd", NULL, &error);
  g_assert_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NOT_FOUND);
  g_clear_error (&error);
  bytes = accord_maildir_read_message (f->maildir, "INBOX", "..", NULL, &error);
  g_assert_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NOT_FOUND);
  g_clear_error (&error);

  changes = _changes (m->filename, "RS");
  g_assert_true (accord_maildir_set_flags (f->maildir, "INBOX", changes, NULL, &error));
  g_assert_no_error (error);
  g_assert_error (((AccordMaildirChange *) g_ptr_array_index (changes, 0))->error,
                  ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NOT_FOUND);

  g_assert_true (accord_maildir_move_messages (f->maildir, "INBOX", changes, "Trash", NULL,
                                               &error));
  g_assert_no_error (error);
  g_assert_error (((AccordMaildirChange *) g_ptr_array_index (changes, 0))->error,
                  ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NOT_FOUND);

  g_assert_true (accord_maildir_remove_messages (f->maildir, "INBOX", changes, NULL, &error));
  g_assert_no_error (error);
  g_assert_error (((AccordMaildirChange *) g_ptr_array_index (changes, 0))->error,
                  ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NOT_FOUND);

  /* The whole folder vanished. */
  {
    g_autofree char *folder_path = accord_maildir_get_folder_path (f->maildir, "INBOX", NULL);
    g_autoptr(GPtrArray) none = NULL;

    accord_test_rm_rf (folder_path);
    none = accord_maildir_scan (f->maildir, "INBOX", 0, NULL, &error);
    g_assert_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NO_FOLDER);
    g_assert_null (none);
    g_clear_error (&error);

    bytes = accord_maildir_read_message (f->maildir, "INBOX", m->key, NULL, &error);
    g_assert_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NO_FOLDER);
    g_clear_error (&error);
  }
}

/* Folders */

static void
test_folder_ops (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(AccordMaildirDelivery) kept = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) listed = NULL;

  _ensure (f, "Work");
  _ensure (f, "Work/Projects");
  _ensure (f, "Sent");
  kept = _deliver (f, "Work/Projects", "Subject: p\r\n\r\n", "S", 3);

  /* A rename takes the folders below along, as IMAP RENAME does. */
  accord_maildir_rename_folder (f->maildir, "Work", "Archive/Work 2023", NULL, &error);
  g_assert_no_error (error);
  listed = accord_maildir_list_folders (f->maildir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (listed), ==, 3);
  g_assert_cmpstr (listed[0], ==, "Archive/Work 2023");
  g_assert_cmpstr (listed[1], ==, "Archive/Work 2023/Projects");
  g_assert_cmpstr (listed[2], ==, "Sent");
  messages = _scan (f, "Archive/Work 2023/Projects", 0);
  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_cmpstr (((AccordMaildirMessage *) g_ptr_array_index (messages, 0))->key, ==,
                   kept->key);

  g_assert_false (accord_maildir_rename_folder (f->maildir, "Sent", "Archive/Work 2023", NULL,
                                                &error));
  g_assert_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_EXISTS);
  g_clear_error (&error);

  g_assert_false (accord_maildir_rename_folder (f->maildir, "Work", "Elsewhere", NULL, &error));
  g_assert_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NO_FOLDER);
  g_clear_error (&error);

  g_assert_false (accord_maildir_rename_folder (f->maildir, "Sent", "Sent/Inside", NULL,
                                                &error));
  g_assert_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_INVALID_NAME);
  g_clear_error (&error);

  /* Not while it holds a message. */
  g_assert_false (accord_maildir_remove_folder (f->maildir, "Archive/Work 2023/Projects", NULL,
                                                &error));
  g_assert_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NOT_EMPTY);
  g_clear_error (&error);

  /* A folder with a folder below: the parent stops being a folder, the child stays. */
  accord_maildir_remove_folder (f->maildir, "Archive/Work 2023", NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&listed, g_strfreev);
  listed = accord_maildir_list_folders (f->maildir, NULL, &error);
  g_assert_cmpuint (g_strv_length (listed), ==, 2);
  g_assert_cmpstr (listed[0], ==, "Archive/Work 2023/Projects");

  /* An empty folder goes, with leftovers in tmp/. */
  {
    g_autofree char *leftover = _path (f, "Sent", "tmp", "123.half");
    g_autofree char *sent = accord_maildir_get_folder_path (f->maildir, "Sent", NULL);

    g_assert_true (g_file_set_contents (leftover, "half", -1, NULL));
    accord_maildir_remove_folder (f->maildir, "Sent", NULL, &error);
    g_assert_no_error (error);
    g_assert_false (g_file_test (sent, G_FILE_TEST_EXISTS));
  }

  g_assert_false (accord_maildir_remove_folder (f->maildir, "Sent", NULL, &error));
  g_assert_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NO_FOLDER);
}

static void
test_tmp_cleanup (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *old = NULL;
  g_autofree char *recent = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  struct timeval times[2];

  _ensure (f, "INBOX");
  old = _path (f, "INBOX", "tmp", "1600000000.M1P1Q1R1.host");
  recent = _path (f, "INBOX", "tmp", "1700000000.M1P1Q1R1.host");
  g_assert_true (g_file_set_contents (old, "half a mess", -1, NULL));
  g_assert_true (g_file_set_contents (recent, "being written", -1, NULL));

  /* 37 hours old, beyond the maildir rule's 36. */
  times[0].tv_sec = times[1].tv_sec = g_get_real_time () / G_USEC_PER_SEC - 37 * 3600;
  times[0].tv_usec = times[1].tv_usec = 0;
  g_assert_cmpint (utimes (old, times), ==, 0);

  messages = _scan (f, "INBOX", 0);
  g_assert_cmpuint (messages->len, ==, 0);
  g_assert_false (g_file_test (old, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (recent, G_FILE_TEST_EXISTS));
}

/* Two threads delivering into one folder never collide. */

#define THREAD_MESSAGES 400

static gpointer
_deliver_thread (gpointer data)
{
  Fixture *f = data;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < THREAD_MESSAGES; )
    {
      g_autoptr(GPtrArray) batch =
        g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_delivery_free);
      guint n = 1 + i % 7;

      for (guint j = 0; j < n && i < THREAD_MESSAGES; j++, i++)
        {
          g_autoptr(GBytes) bytes = _message_bytes (i, 50 + i);

          g_ptr_array_add (batch, accord_maildir_delivery_new (bytes, i % 2 ? "S" : NULL, 0,
                                                               NULL));
        }

      if (!accord_maildir_deliver (f->maildir, "INBOX", batch, NULL, &error))
        return g_strdup (error->message);
    }

  return NULL;
}

static void
test_concurrent (Fixture       *f,
                 gconstpointer  data)
{
  GThread *threads[2];
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);

  _ensure (f, "INBOX");

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("deliver", _deliver_thread, f);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_autofree char *failure = g_thread_join (threads[i]);

      g_assert_null (failure);
    }

  messages = _scan (f, "INBOX", 0);
  g_assert_cmpuint (messages->len, ==, THREAD_MESSAGES * G_N_ELEMENTS (threads));
  for (guint i = 0; i < messages->len; i++)
    {
      AccordMaildirMessage *m = g_ptr_array_index (messages, i);
      g_autofree char *path = _path (f, "INBOX", m->is_new ? "new" : "cur", m->filename);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (g_hash_table_add (keys, m->key));
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_assert_true (_message_is_complete (contents, length));
      g_assert_cmpint (m->size, ==, (gint64) length);
    }
}

/* The _async variants, as the sync engine uses them from the main loop. */

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GPtrArray) deliveries =
    g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_delivery_free);
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GBytes) bytes = _message_bytes (1, 100);
  g_autoptr(GBytes) read_back = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) listed = NULL;
  GAsyncResult *result = NULL;
  AccordMaildirDelivery *delivery;

#define WAIT(call) G_STMT_START { \
    g_clear_object (&result); \
    call; \
    accord_test_wait_result (&result); \
  } G_STMT_END

  WAIT (accord_maildir_ensure_folder_async (f->maildir, "INBOX", NULL, accord_test_result_cb,
                                            &result));
  g_assert_true (accord_maildir_ensure_folder_finish (f->maildir, result, &error));
  g_assert_no_error (error);
  WAIT (accord_maildir_ensure_folder_async (f->maildir, "Old", NULL, accord_test_result_cb,
                                            &result));
  g_assert_true (accord_maildir_ensure_folder_finish (f->maildir, result, &error));

  g_ptr_array_add (deliveries, accord_maildir_delivery_new (bytes, NULL, 9, NULL));
  WAIT (accord_maildir_deliver_async (f->maildir, "INBOX", deliveries, NULL,
                                      accord_test_result_cb, &result));
  g_assert_true (accord_maildir_deliver_finish (f->maildir, result, &error));
  g_assert_no_error (error);
  delivery = g_ptr_array_index (deliveries, 0);
  g_assert_nonnull (delivery->filename);

  WAIT (accord_maildir_scan_async (f->maildir, "INBOX", ACCORD_MAILDIR_SCAN_STAT, NULL,
                                   accord_test_result_cb, &result));
  messages = accord_maildir_scan_finish (f->maildir, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_cmpint (((AccordMaildirMessage *) g_ptr_array_index (messages, 0))->mtime, >, 0);

  changes = _changes (delivery->filename, "S");
  WAIT (accord_maildir_set_flags_async (f->maildir, "INBOX", changes, NULL,
                                        accord_test_result_cb, &result));
  g_assert_true (accord_maildir_set_flags_finish (f->maildir, result, &error));
  g_assert_true (g_str_has_suffix (((AccordMaildirChange *) changes->pdata[0])->filename,
                                   ":2,S"));

  WAIT (accord_maildir_read_message_async (f->maildir, "INBOX", delivery->key, NULL,
                                           accord_test_result_cb, &result));
  read_back = accord_maildir_read_message_finish (f->maildir, result, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (read_back, bytes));

  WAIT (accord_maildir_move_messages_async (f->maildir, "INBOX", changes, "Old", NULL,
                                            accord_test_result_cb, &result));
  g_assert_true (accord_maildir_move_messages_finish (f->maildir, result, &error));
  g_assert_no_error (((AccordMaildirChange *) changes->pdata[0])->error);

  WAIT (accord_maildir_remove_messages_async (f->maildir, "Old", changes, NULL,
                                              accord_test_result_cb, &result));
  g_assert_true (accord_maildir_remove_messages_finish (f->maildir, result, &error));
  g_assert_no_error (((AccordMaildirChange *) changes->pdata[0])->error);

  WAIT (accord_maildir_rename_folder_async (f->maildir, "Old", "Older", NULL,
                                            accord_test_result_cb, &result));
  g_assert_true (accord_maildir_rename_folder_finish (f->maildir, result, &error));

  WAIT (accord_maildir_remove_folder_async (f->maildir, "Older", NULL,
                                            accord_test_result_cb, &result));
  g_assert_true (accord_maildir_remove_folder_finish (f->maildir, result, &error));

  WAIT (accord_maildir_list_folders_async (f->maildir, NULL, accord_test_result_cb, &result));
  listed = accord_maildir_list_folders_finish (f->maildir, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (listed), ==, 1);
  g_assert_cmpstr (listed[0], ==, "INBOX");

  /* Errors come back through _finish. */
  WAIT (accord_maildir_scan_async (f->maildir, "Older", 0, NULL, accord_test_result_cb,
                                   &result));
  g_assert_null (accord_maildir_scan_finish (f->maildir, result, &error));
  g_assert_error (error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NO_FOLDER);
  g_clear_error (&error);

  /* Cancelled before it ran. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();

    g_cancellable_cancel (cancellable);
    WAIT (accord_maildir_deliver_async (f->maildir, "INBOX", deliveries, cancellable,
                                        accord_test_result_cb, &result));
    g_assert_false (accord_maildir_deliver_finish (f->maildir, result, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
  }

  g_clear_object (&result);
#undef WAIT
}

/* Crashes: a child delivers in a loop and is killed at random moments. After every
 * kill, cur/ and new/ hold only complete messages, each once, and every message the
 * child reported delivered is there. */

static const char *self_exe = "/proc/self/exe";

static int
_crash_child (const char *root,
              guint32     seed)
{
  g_autoptr(AccordMaildir) maildir = accord_maildir_new (root);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GError) error = NULL;

  for (guint sequence = seed * 1000; ; )
    {
      g_autoptr(GPtrArray) batch =
        g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_delivery_free);
      guint n = g_rand_int_range (rand, 1, 6);

      for (guint i = 0; i < n; i++, sequence++)
        {
          g_autoptr(GBytes) bytes = _message_bytes (sequence,
                                                    g_rand_int_range (rand, 0, 100000));
          const char *flags = g_rand_boolean (rand) ? "S" : NULL;

          g_ptr_array_add (batch, accord_maildir_delivery_new (bytes, flags, sequence, NULL));
        }

      if (!accord_maildir_deliver (maildir, "INBOX", batch, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }

      for (guint i = 0; i < batch->len; i++)
        printf ("%s\n", ((AccordMaildirDelivery *) g_ptr_array_index (batch, i))->key);
      fflush (stdout);
    }

  return 0;
}

/* Files already checked (the child never renames one) are in @checked. */
static void
_check_folder_complete (Fixture    *f,
                        GHashTable *reported,
                        GHashTable *checked)
{
  g_autoptr(GPtrArray) messages = _scan (f, "INBOX", ACCORD_MAILDIR_SCAN_STAT);
  g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; i < messages->len; i++)
    {
      AccordMaildirMessage *m = g_ptr_array_index (messages, i);
      g_autofree char *path = _path (f, "INBOX", m->is_new ? "new" : "cur", m->filename);
      g_autoptr(AccordMaildirMessage) named =
        accord_maildir_message_new_from_filename (m->filename, m->is_new);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (g_hash_table_add (present, m->key));
      if (g_hash_table_contains (checked, m->filename))
        continue;
      g_hash_table_add (checked, g_strdup (m->filename));
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      if (!_message_is_complete (contents, length))
        g_error ("%s is not a complete message (%" G_GSIZE_FORMAT " bytes)", path, length);
      g_assert_cmpint (named->size, ==, (gint64) length);
    }

  g_hash_table_iter_init (&iter, reported);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (present, key))
      g_error ("%s was reported delivered but is missing", (char *) key);
}

static void
test_crash (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GHashTable) reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) checked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint killed_mid_run = 0;

  _ensure (f, "INBOX");

  for (guint round = 0; round < CRASH_ROUNDS; round++)
    {
      g_autoptr(GSubprocess) child = NULL;
      g_autoptr(GBytes) output = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *seed = g_strdup_printf ("%u", round + 1);
      g_auto(GStrv) lines = NULL;
      const char *text;
      gsize length;

      child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                self_exe, "--crash-child", f->root, seed, NULL);
      g_assert_no_error (error);

      /* Long enough for the child to start and deliver a few, short enough to catch it
       * at any step of a delivery. */
      g_usleep (g_test_rand_int_range (5000, 80000));
      g_subprocess_force_exit (child);
      g_subprocess_communicate (child, NULL, NULL, &output, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_signaled (child));
      killed_mid_run++;

      /* Only lines the child finished writing count as reported. */
      text = g_bytes_get_data (output, &length);
      lines = g_strsplit (length > 0 ? text : "", "\n", -1);
      for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
        g_hash_table_add (reported, g_strdup (lines[i]));

      _check_folder_complete (f, reported, checked);
    }

  /* Evidence that kills landed inside deliveries: half-done files in tmp/, and files
   * linked whose delivery the child never got to report. */
  {
    g_autofree char *tmp = _path (f, "INBOX", "tmp", NULL);
    g_autoptr(GDir) dir = g_dir_open (tmp, 0, NULL);
    guint leftovers = 0;

    while (dir != NULL && g_dir_read_name (dir) != NULL)
      leftovers++;

    g_test_message ("%u kills: %u messages reported delivered, %u more in the folder, "
                    "%u left in tmp/", killed_mid_run, g_hash_table_size (reported),
                    g_hash_table_size (checked) - g_hash_table_size (reported), leftovers);
  }
  g_assert_cmpuint (g_hash_table_size (reported), >, 0);
}

/* Many messages: delivered in batches as the sync engine would, then scanned. Prints
 * the time taken; asserts none. ACCORD_TEST_BULK_MESSAGES overrides the count. */
static void
test_bulk (Fixture       *f,
           gconstpointer  data)
{
  const char *env = g_getenv ("ACCORD_TEST_BULK_MESSAGES");
  guint total = env != NULL ? (guint) g_ascii_strtoull (env, NULL, 10) : 1000;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *text = NULL;
  gint64 start;
  gint64 delivered;

  _ensure (f, "INBOX");
  text = g_strnfill (5 * 1024, 'x');
  body = g_bytes_new (text, strlen (text));

  start = g_get_monotonic_time ();
  for (guint i = 0; i < total; i += 500)
    {
      g_autoptr(GPtrArray) batch =
        g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_delivery_free);

      for (guint j = i; j < MIN (total, i + 500); j++)
        g_ptr_array_add (batch, accord_maildir_delivery_new (body, "S", j + 1, NULL));

      accord_maildir_deliver (f->maildir, "INBOX", batch, NULL, &error);
      g_assert_no_error (error);
    }
  delivered = g_get_monotonic_time ();

  messages = _scan (f, "INBOX", 0);
  g_assert_cmpuint (messages->len, ==, total);

  g_test_message ("delivered %u messages of 5 KB in %.2f s, scanned them in %.1f ms",
                  total, (delivered - start) / 1e6,
                  (g_get_monotonic_time () - delivered) / 1e3);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 4 && g_str_equal (argv[1], "--crash-child"))
    return _crash_child (argv[2], (guint32) g_ascii_strtoull (argv[3], NULL, 10));

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/maildir/flags/normalize", test_flags_normalize);
  g_test_add_func ("/maildir/flags/imap", test_flags_imap);
  g_test_add_func ("/maildir/flags/merge", test_flags_merge);
  g_test_add_func ("/maildir/filename/parse", test_filename_parse);
  g_test_add ("/maildir/layout", Fixture, NULL, fixture_set_up, test_layout, fixture_tear_down);
  g_test_add ("/maildir/folder/names", Fixture, NULL, fixture_set_up, test_folder_names,
              fixture_tear_down);
  g_test_add ("/maildir/folder/ops", Fixture, NULL, fixture_set_up, test_folder_ops,
              fixture_tear_down);
  g_test_add ("/maildir/message/deliver-scan", Fixture, NULL, fixture_set_up,
              test_deliver_scan, fixture_tear_down);
  g_test_add ("/maildir/message/set-flags", Fixture, NULL, fixture_set_up, test_set_flags,
              fixture_tear_down);
  g_test_add ("/maildir/message/move-remove", Fixture, NULL, fixture_set_up, test_move_remove,
              fixture_tear_down);
  g_test_add ("/maildir/message/vanished", Fixture, NULL, fixture_set_up, test_vanished,
              fixture_tear_down);
  g_test_add ("/maildir/tmp-cleanup", Fixture, NULL, fixture_set_up, test_tmp_cleanup,
              fixture_tear_down);
  g_test_add ("/maildir/concurrent", Fixture, NULL, fixture_set_up, test_concurrent,
              fixture_tear_down);
  g_test_add ("/maildir/async", Fixture, NULL, fixture_set_up, test_async, fixture_tear_down);
  g_test_add ("/maildir/crash", Fixture, NULL, fixture_set_up, test_crash, fixture_tear_down);
  g_test_add ("/maildir/bulk", Fixture, NULL, fixture_set_up, test_bulk, fixture_tear_down);

  return g_test_run ();
}
