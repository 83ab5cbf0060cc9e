/* accord-outbox.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "accord-maildir.h"
#include "accord-outbox.h"
#include "accord-smtp-client.h"
#include "accord-sync-worker.h"

/**
 * AccordOutbox:
 *
 * An account's outgoing mail: messages wait in the Maildir folder "Outbox", each with
 * a row in the sync state's outbox table that says how far it got, and are sent
 * through the account's mail-out (SMTP) server. A sent message moves to the folder the
 * server keeps sent mail in (marked \Sent, as the IMAP sync last found it; "Sent"
 * until then), from where the IMAP sync uploads it.
 *
 * Sending runs on a worker thread with a main context of its own, as the sync engines
 * do. A message is never sent twice without the person's say, whatever is killed when:
 *
 * - the row goes to SENDING (committed) before the message is handed to the server;
 *   after a success the file moves to "Sent" and then the row becomes SENT;
 * - a row found in SENDING whose file is still in the Outbox was cut short somewhere
 *   between the two: the server may have taken the message. It is marked failed, and
 *   a decision asks the person whether to send it again;
 * - a row in SENDING whose file has left the Outbox was sent (only a success moves it);
 *   a SENT row whose file is still in the Outbox gets its move finished;
 * - a file in the Outbox without a row (a crash while queueing, or a message another
 *   program put there) is queued; a queued row whose file is gone was withdrawn.
 *
 * One run per account at a time (a file lock next to the sync state): a second run
 * would take the first one's SENDING rows for a crash's.
 */
struct _AccordOutbox
{
  GObject            parent_instance;

  AccordAccount     *account;
  char              *password;
  char              *maildir_root;
  char              *state_path;
  GTlsDatabase      *database;
  gboolean           file_sent;
  AccordOutboxStats  stats;

  /* On the worker thread only */
  AccordSmtpClient  *client;
  AccordMaildir     *maildir;
  AccordSyncState   *state;
  char              *sent_folder;
  int                lock_fd;
};

G_DEFINE_FINAL_TYPE (AccordOutbox, accord_outbox, G_TYPE_OBJECT)

/* Per line; the server may take a while to accept a large message. */
#define TIMEOUT_SECONDS 120
#define MAX_SUBJECT_CHARS 120

/* The Subject field, unfolded and shortened, to name the message to the person. */
static char *
_subject (GBytes *message)
{
  gsize length;
  const char *data = g_bytes_get_data (message, &length);
  const char *end = data + length;
  g_autoptr(GString) subject = NULL;
  g_autofree char *valid = NULL;

  for (const char *line = data; line < end; )
    {
      const char *eol = memchr (line, '\n', end - line);
      gsize len = (eol ? eol : end) - line;

      if (len > 0 && line[len - 1] == '\r')
        len--;
      if (len == 0)
        break;
      if (subject != NULL)
        {
          if (line[0] != ' ' && line[0] != '\t')
            break;
          g_string_append_len (subject, line, len);
        }
      else if (len >= 8 && g_ascii_strncasecmp (line, "Subject:", 8) == 0)
        subject = g_string_new_len (line + 8, len - 8);
      line = eol ? eol + 1 : end;
    }

  if (subject == NULL)
    return g_strdup (_("(no subject)"));

  valid = g_utf8_make_valid (g_strstrip (subject->str), -1);
  g_strdelimit (valid, "\t", ' ');
  if (g_utf8_strlen (valid, -1) > MAX_SUBJECT_CHARS)
    {
      g_autofree char *cut = g_utf8_substring (valid, 0, MAX_SUBJECT_CHARS);

      return g_strconcat (cut, "…", NULL);
    }

  return g_steal_pointer (&valid);
}

/* Out of the Outbox, into Sent or away, as the server files sent mail or not. */
static gboolean
_file_sent (AccordOutbox  *self,
            const char    *key,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GPtrArray) changes =
    g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_change_free);
  AccordMaildirChange *change = accord_maildir_change_new (key, NULL);
  gboolean ok;

  g_ptr_array_add (changes, change);
  if (self->file_sent)
    ok = accord_maildir_move_messages (self->maildir, ACCORD_OUTBOX_FOLDER, changes,
                                       self->sent_folder, cancellable, error);
  else
    ok = accord_maildir_remove_messages (self->maildir, ACCORD_OUTBOX_FOLDER, changes,
                                         cancellable, error);
  if (!ok)
    return FALSE;

  /* Gone already is as good as moved. */
  if (change->error != NULL &&
      !g_error_matches (change->error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&change->error));
      return FALSE;
    }

  return TRUE;
}

/* A message cut short while it was being sent: the person decides. @cause is what
 * cut it short, if known. */
static gboolean
_ask_about (AccordOutbox                *self,
            const AccordStateOutboxItem *item,
            const char                  *cause,
            GError                     **error)
{
  g_autoptr(GBytes) message = accord_maildir_read_message (self->maildir, ACCORD_OUTBOX_FOLDER,
                                                           item->key, NULL, NULL);
  g_autofree char *subject = message != NULL ? _subject (message) : g_strdup (_("(unreadable)"));
  g_autofree char *detail =
    g_strdup_printf (_("“%s” may have been sent already: sending it was cut short. Send it "
                       "again? (Outbox message %s)"), subject, item->key);
  g_autofree char *reason =
    cause != NULL
      ? g_strdup_printf (_("Sending was cut short (%s); the message may have gone out."), cause)
      : g_strdup (_("Sending was cut short; the message may have gone out."));
  gint64 id;
  gboolean ok;

  if (!accord_sync_state_begin (self->state, error))
    return FALSE;
  ok = accord_sync_state_outbox_update (self->state, item->key, ACCORD_STATE_OUTBOX_FAILED,
                                        item->attempts, reason, error);
  id = ok ? accord_sync_state_add_decision (self->state, ACCORD_OUTBOX_DECISION_MAYBE_SENT, 0, detail, error)
          : 0;
  ok = id != 0 && accord_sync_state_set_decision_payload (self->state, id, item->key, error);
  if (!accord_sync_state_commit_or_rollback (self->state, ok, error))
    return FALSE;

  self->stats.undecided++;
  return TRUE;
}

/* Brings the table and the folder into line after whatever happened since the last
 * run. */
static gboolean
_reconcile (AccordOutbox  *self,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) waiting = g_hash_table_new (g_str_hash, g_str_equal);

  files = accord_maildir_scan (self->maildir, ACCORD_OUTBOX_FOLDER, ACCORD_MAILDIR_SCAN_NONE,
                               cancellable, error);
  if (files == NULL)
    return FALSE;
  rows = accord_sync_state_outbox_list (self->state, error);
  if (rows == NULL)
    return FALSE;

  for (guint i = 0; i < files->len; i++)
    g_hash_table_add (waiting, ((AccordMaildirMessage *) g_ptr_array_index (files, i))->key);

  for (guint i = 0; i < rows->len; i++)
    {
      AccordStateOutboxItem *item = g_ptr_array_index (rows, i);
      gboolean present = g_hash_table_remove (waiting, item->key);
      gboolean ok = TRUE;

      switch (item->status)
        {
        case ACCORD_STATE_OUTBOX_QUEUED:
        case ACCORD_STATE_OUTBOX_FAILED:
          /* Withdrawn by the person. */
          if (!present)
            ok = accord_sync_state_outbox_remove (self->state, item->key, error);
          break;

        case ACCORD_STATE_OUTBOX_SENDING:
          if (present)
            ok = _ask_about (self, item, NULL, error);
          else
            ok = accord_sync_state_outbox_update (self->state, item->key, ACCORD_STATE_OUTBOX_SENT,
                                                  item->attempts, NULL, error);
          break;

        case ACCORD_STATE_OUTBOX_SENT:
          if (present)
            ok = _file_sent (self, item->key, cancellable, error);
          break;

        default:
          g_assert_not_reached ();
        }

      if (!ok)
        return FALSE;
    }

  /* Left here by a crash while queueing, or by another program: to be sent. */
  if (g_hash_table_size (waiting) > 0)
    {
      GHashTableIter iter;
      gpointer key;
      gboolean ok = TRUE;

      if (!accord_sync_state_begin (self->state, error))
        return FALSE;
      g_hash_table_iter_init (&iter, waiting);
      while (ok && g_hash_table_iter_next (&iter, &key, NULL))
        ok = accord_sync_state_outbox_add (self->state, key, error);
      if (!accord_sync_state_commit_or_rollback (self->state, ok, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
_connect (AccordOutbox  *self,
          GCancellable  *cancellable,
          GError       **error)
{
  AccordServiceConfig *config = accord_account_get_service (self->account, ACCORD_SERVICE_MAIL_OUT);
  AWAIT_INIT (connected);
  AWAIT_INIT (logged_in);

  if (config == NULL || config->protocol != ACCORD_PROTOCOL_SMTP || config->host == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("The account %s has no SMTP server to send mail through."),
                   accord_account_get_id (self->account));
      return FALSE;
    }
  if (config->auth != ACCORD_AUTH_NONE && self->password == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("No password to send mail as %s."),
                   accord_account_get_address (self->account));
      return FALSE;
    }

  accord_smtp_client_connect_async (config->host, config->port, config->security,
                                    config->pinned_certificate, self->database, TIMEOUT_SECONDS,
                                    cancellable, _accord_sync_store_result_cb, &connected);
  self->client = accord_smtp_client_connect_finish (_accord_sync_await (&connected), error);
  if (self->client == NULL)
    return FALSE;

  if (config->auth == ACCORD_AUTH_NONE)
    return TRUE;

  accord_smtp_client_login_async (self->client,
                                  config->username ? config->username
                                                   : accord_account_get_address (self->account),
                                  self->password, cancellable, _accord_sync_store_result_cb, &logged_in);
  return accord_smtp_client_login_finish (self->client, _accord_sync_await (&logged_in), error);
}

/* Errors after which the connection still takes the next message. */
static gboolean
_concerns_message_only (const GError *error)
{
  return g_error_matches (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_TEMPORARY) ||
         g_error_matches (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_PERMANENT) ||
         g_error_matches (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_TOO_LARGE) ||
         g_error_matches (error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_INVALID_MESSAGE);
}

/* A message that could not go out now stays queued, with why. */
static void
_defer (AccordOutbox *self,
        const char   *key,
        const char   *reason)
{
  g_autoptr(AccordStateOutboxItem) item = accord_sync_state_outbox_lookup (self->state, key, NULL);

  if (item == NULL)
    return;
  accord_sync_state_outbox_update (self->state, key, ACCORD_STATE_OUTBOX_QUEUED,
                                   item->attempts + 1, reason, NULL);
  self->stats.deferred++;
}

static gboolean
_send_one (AccordOutbox  *self,
           const char    *key,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GBytes) to_send = NULL;
  g_autoptr(AccordStateOutboxItem) item = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *from = NULL;
  g_auto(GStrv) recipients = NULL;
  AWAIT_INIT (sent);
  gboolean ok;

  message = accord_maildir_read_message (self->maildir, ACCORD_OUTBOX_FOLDER, key, cancellable,
                                         &local_error);
  if (message == NULL)
    {
      /* Withdrawn since the run began. */
      if (g_error_matches (local_error, ACCORD_MAILDIR_ERROR, ACCORD_MAILDIR_ERROR_NOT_FOUND))
        return accord_sync_state_outbox_remove (self->state, key, error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* Claimed in one transaction, so that it is handed over once. */
  if (!accord_sync_state_begin (self->state, error))
    return FALSE;
  item = accord_sync_state_outbox_lookup (self->state, key, error);
  if (item == NULL || item->status != ACCORD_STATE_OUTBOX_QUEUED)
    {
      accord_sync_state_rollback (self->state);
      return item != NULL;
    }
  item->attempts++;

  if (!accord_smtp_envelope_from_message (message, &from, &recipients, &to_send, &local_error))
    {
      ok = accord_sync_state_outbox_update (self->state, key, ACCORD_STATE_OUTBOX_FAILED,
                                            item->attempts, local_error->message, error);
      if (!accord_sync_state_commit_or_rollback (self->state, ok, error))
        return FALSE;
      self->stats.failed++;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  ok = accord_sync_state_outbox_update (self->state, key, ACCORD_STATE_OUTBOX_SENDING,
                                        item->attempts, NULL, error);
  if (!accord_sync_state_commit_or_rollback (self->state, ok, error))
    return FALSE;

  accord_smtp_client_send_async (self->client, from, (const char * const *) recipients, to_send,
                                 cancellable, _accord_sync_store_result_cb, &sent);
  if (!accord_smtp_client_send_finish (self->client, _accord_sync_await (&sent), &local_error))
    {
      if (accord_smtp_error_is_permanent (local_error))
        {
          accord_sync_state_outbox_update (self->state, key, ACCORD_STATE_OUTBOX_FAILED,
                                           item->attempts, local_error->message, NULL);
          self->stats.failed++;
        }
      else if (g_error_matches (local_error, ACCORD_SMTP_ERROR, ACCORD_SMTP_ERROR_TEMPORARY))
        {
          accord_sync_state_outbox_update (self->state, key, ACCORD_STATE_OUTBOX_QUEUED,
                                           item->attempts, local_error->message, NULL);
          self->stats.deferred++;
        }
      /* The connection broke, or the run was cancelled, perhaps after the message went
       * out: as after a crash, the person decides. */
      else
        _ask_about (self, item, local_error->message, NULL);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* Sent: whatever fails now, it must not be sent again. A file that could not be
   * moved is moved by the next run, which finds it SENT. */
  self->stats.sent++;
  ok = _file_sent (self, key, cancellable, &local_error);
  if (!accord_sync_state_outbox_update (self->state, key, ACCORD_STATE_OUTBOX_SENT,
                                        item->attempts, NULL, error))
    return FALSE;
  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

/* The person's answers about messages that may have gone out: yes sends the message
 * again (now, with the others queued), no takes it for sent and files it. */
static gboolean
_settle_answers (AccordOutbox  *self,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GPtrArray) decisions = accord_sync_state_list_decisions (self->state, error);

  if (decisions == NULL)
    return FALSE;

  for (guint i = 0; i < decisions->len; i++)
    {
      AccordStateDecision *decision = g_ptr_array_index (decisions, i);
      g_autoptr(AccordStateOutboxItem) item = NULL;
      gboolean yes;
      gboolean ok;

      if (!g_str_equal (decision->kind, ACCORD_OUTBOX_DECISION_MAYBE_SENT) ||
          decision->answer == NULL || decision->payload == NULL)
        continue;
      yes = g_str_equal (decision->answer, "yes");
      item = accord_sync_state_outbox_lookup (self->state, decision->payload, NULL);

      /* The file first: a kill after it leaves the question, answered again alike. */
      if (item != NULL && !yes && !_file_sent (self, item->key, cancellable, error))
        return FALSE;
      if (!accord_sync_state_begin (self->state, error))
        return FALSE;
      ok = item == NULL ||
           accord_sync_state_outbox_update (self->state, item->key,
                                            yes ? ACCORD_STATE_OUTBOX_QUEUED : ACCORD_STATE_OUTBOX_SENT,
                                            item->attempts, NULL, error);
      ok = ok && accord_sync_state_remove_decision (self->state, decision->id, error);
      if (!accord_sync_state_commit_or_rollback (self->state, ok, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
_send_all (AccordOutbox  *self,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) queued = g_ptr_array_new ();
  g_autoptr(GError) first_error = NULL;
  g_autoptr(GError) broken = NULL;
  guint i;

  self->maildir = accord_maildir_new (self->maildir_root);
  if (!accord_maildir_ensure_folder (self->maildir, ACCORD_OUTBOX_FOLDER, cancellable, error))
    return FALSE;
  self->state = accord_sync_state_open (self->state_path, cancellable, error);
  if (self->state == NULL)
    return FALSE;
  /* The server's folder for sent mail, as the IMAP sync found it (\Sent), else "Sent". */
  g_free (self->sent_folder);
  self->sent_folder = accord_sync_state_get_server_value (self->state, ACCORD_SYNC_STATE_SENT_FOLDER);
  if (self->sent_folder == NULL)
    self->sent_folder = g_strdup (ACCORD_OUTBOX_SENT_FOLDER);
  if ((self->file_sent &&
       !accord_maildir_ensure_folder (self->maildir, self->sent_folder, cancellable, error)) ||
      (self->lock_fd = _accord_sync_lock (self->state_path, ".outbox-lock", cancellable, error)) < 0 ||
      !_settle_answers (self, cancellable, error) ||
      !_reconcile (self, cancellable, error))
    return FALSE;

  rows = accord_sync_state_outbox_list (self->state, error);
  if (rows == NULL)
    return FALSE;
  for (i = 0; i < rows->len; i++)
    {
      AccordStateOutboxItem *item = g_ptr_array_index (rows, i);

      if (item->status == ACCORD_STATE_OUTBOX_QUEUED)
        g_ptr_array_add (queued, item->key);
    }
  if (queued->len == 0)
    return TRUE;

  if (!_connect (self, cancellable, &first_error))
    {
      for (i = 0; i < queued->len; i++)
        _defer (self, g_ptr_array_index (queued, i), first_error->message);
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }

  for (i = 0; i < queued->len; i++)
    {
      g_autoptr(GError) one_error = NULL;

      if (_send_one (self, g_ptr_array_index (queued, i), cancellable, &one_error))
        continue;

      if (first_error == NULL)
        first_error = g_error_copy (one_error);
      /* The connection is gone: the rest wait for the next run. */
      if (!_concerns_message_only (one_error))
        {
          broken = g_steal_pointer (&one_error);
          break;
        }
    }
  for (i++; broken != NULL && i < queued->len; i++)
    _defer (self, g_ptr_array_index (queued, i), broken->message);

  if (first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }

  return TRUE;
}

static void
_send_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  AccordOutbox *self = source_object;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_main_context_push_thread_default (context);
  self->lock_fd = -1;
  ok = _send_all (self, cancellable, &error);
  if (self->client != NULL)
    {
      AWAIT_INIT (quit);

      /* Fails harmlessly on a connection that is gone already. */
      accord_smtp_client_quit_async (self->client, NULL, _accord_sync_store_result_cb, &quit);
      accord_smtp_client_quit_finish (self->client, _accord_sync_await (&quit), NULL);
    }
  g_clear_object (&self->client);
  if (self->state != NULL)
    accord_sync_state_close (self->state);
  g_clear_object (&self->state);
  g_clear_object (&self->maildir);
  g_clear_pointer (&self->sent_folder, g_free);
  if (self->lock_fd >= 0)
    close (self->lock_fd);
  self->lock_fd = -1;
  /* Let what the client left behind finish on this context before it goes. */
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
accord_outbox_finalize (GObject *object)
{
  AccordOutbox *self = (AccordOutbox *)object;

  g_clear_object (&self->account);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_clear_pointer (&self->password, g_free);
  g_clear_pointer (&self->maildir_root, g_free);
  g_clear_pointer (&self->state_path, g_free);
  g_clear_object (&self->database);

  G_OBJECT_CLASS (accord_outbox_parent_class)->finalize (object);
}

static void
accord_outbox_class_init (AccordOutboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = accord_outbox_finalize;
}

static void
accord_outbox_init (AccordOutbox *self)
{
  self->file_sent = TRUE;
  self->lock_fd = -1;
}

/**
 * accord_outbox_new:
 * @account: the account whose mail-out service sends
 * @password: (nullable): the password for that service; %NULL if it needs none, or to
 *   queue only
 */
AccordOutbox *
accord_outbox_new (AccordAccount *account,
                   const char    *password)
{
  AccordServiceConfig *out;
  AccordOutbox *self;

  g_return_val_if_fail (ACCORD_IS_ACCOUNT (account), NULL);

  self = g_object_new (ACCORD_TYPE_OUTBOX, NULL);
  self->account = g_object_ref (account);
  self->password = g_strdup (password);
  self->maildir_root = accord_maildir_default_root (accord_account_get_id (account));
  self->state_path = accord_sync_state_default_path (accord_account_get_id (account));
  /* Filed here unless the account says the server files sent mail itself. */
  out = accord_account_get_service (account, ACCORD_SERVICE_MAIL_OUT);
  self->file_sent = out == NULL || !out->server_files_sent;

  return self;
}

/**
 * accord_outbox_set_paths:
 *
 * Where the mail and the sync state are, instead of `$XDG_DATA_HOME/accord/<account>/`.
 */
void
accord_outbox_set_paths (AccordOutbox *self,
                         const char   *maildir_root,
                         const char   *state_path)
{
  g_return_if_fail (ACCORD_IS_OUTBOX (self));
  g_return_if_fail (maildir_root != NULL && state_path != NULL);

  g_free (self->maildir_root);
  self->maildir_root = g_strdup (maildir_root);
  g_free (self->state_path);
  self->state_path = g_strdup (state_path);
}

/**
 * accord_outbox_set_tls_database:
 * @database: (nullable): the certificate authorities to trust; %NULL for the system's
 */
void
accord_outbox_set_tls_database (AccordOutbox *self,
                                GTlsDatabase *database)
{
  g_return_if_fail (ACCORD_IS_OUTBOX (self));

  g_set_object (&self->database, database);
}

/**
 * accord_outbox_set_file_sent:
 * @file_sent: %TRUE to move a sent message into the server's Sent folder here, from
 *   where the IMAP sync uploads it; %FALSE to remove it from the Outbox
 *
 * Some servers (Gmail among them) file every message they send in their Sent folder
 * themselves; a copy filed here as well would show up there twice. The default comes
 * from the account (#AccordServiceConfig.server_files_sent of its mail-out service);
 * this overrides it.
 */
void
accord_outbox_set_file_sent (AccordOutbox *self,
                             gboolean      file_sent)
{
  g_return_if_fail (ACCORD_IS_OUTBOX (self));

  self->file_sent = !!file_sent;
}

/**
 * accord_outbox_queue:
 * @message: the message in RFC 5322 form; Bcc fields are sent to but not sent
 *
 * Puts @message into the Outbox, durably, to be sent by the next
 * accord_outbox_send_async(). Blocking: it writes and flushes the file and the sync
 * state.
 *
 * Returns: (transfer full): the message's key in the Outbox, or %NULL with @error set;
 *   a message that names no sender or no recipient is not queued
 *   (%ACCORD_SMTP_ERROR_INVALID_MESSAGE)
 */
char *
accord_outbox_queue (AccordOutbox  *self,
                     GBytes        *message,
                     GError       **error)
{
  g_autoptr(AccordMaildir) maildir = NULL;
  g_autoptr(AccordSyncState) state = NULL;
  g_autoptr(GPtrArray) deliveries =
    g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_delivery_free);
  AccordMaildirDelivery *delivery;
  gboolean ok;

  g_return_val_if_fail (ACCORD_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (message != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!accord_smtp_envelope_from_message (message, NULL, NULL, NULL, error))
    return NULL;

  maildir = accord_maildir_new (self->maildir_root);
  if (!accord_maildir_ensure_folder (maildir, ACCORD_OUTBOX_FOLDER, NULL, error))
    return NULL;
  state = accord_sync_state_open (self->state_path, NULL, error);
  if (state == NULL)
    return NULL;

  /* Seen: it is the person's own message, in the Outbox and later in Sent. */
  delivery = accord_maildir_delivery_new (message, "S", 0, NULL);
  g_ptr_array_add (deliveries, delivery);
  if (!accord_maildir_deliver (maildir, ACCORD_OUTBOX_FOLDER, deliveries, NULL, error))
    {
      accord_sync_state_close (state);
      return NULL;
    }

  ok = accord_sync_state_outbox_add (state, delivery->key, error);
  accord_sync_state_close (state);
  if (!ok)
    {
      g_autoptr(GPtrArray) changes =
        g_ptr_array_new_with_free_func ((GDestroyNotify) accord_maildir_change_free);

      /* Not queued means not sent: without its row the file would be picked up. */
      g_ptr_array_add (changes, accord_maildir_change_new (delivery->filename, NULL));
      accord_maildir_remove_messages (maildir, ACCORD_OUTBOX_FOLDER, changes, NULL, NULL);
      return NULL;
    }

  return g_strdup (delivery->key);
}

/**
 * accord_outbox_lookup:
 *
 * How far the message @key got. Blocking.
 *
 * Returns: (transfer full): its outbox entry, or %NULL with @error set
 *   (%ACCORD_SYNC_STATE_ERROR_NOT_FOUND once it is withdrawn)
 */
AccordStateOutboxItem *
accord_outbox_lookup (AccordOutbox  *self,
                      const char    *key,
                      GError       **error)
{
  g_autoptr(AccordSyncState) state = NULL;
  AccordStateOutboxItem *item;

  g_return_val_if_fail (ACCORD_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  state = accord_sync_state_open (self->state_path, NULL, error);
  if (state == NULL)
    return NULL;
  item = accord_sync_state_outbox_lookup (state, key, error);
  accord_sync_state_close (state);

  return item;
}

/**
 * accord_outbox_send_async:
 *
 * Sends every queued message through the account's SMTP server, on a worker thread.
 * The result is an error when a message could not be sent (the first such error);
 * accord_outbox_get_stats() and accord_outbox_lookup() tell which.
 */
void
accord_outbox_send_async (AccordOutbox        *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_OUTBOX (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  memset (&self->stats, 0, sizeof self->stats);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_outbox_send_async);
  g_task_run_in_thread (task, _send_in_thread);
}

gboolean
accord_outbox_send_finish (AccordOutbox  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (ACCORD_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * accord_outbox_get_stats:
 *
 * Returns: what the last run did
 */
const AccordOutboxStats *
accord_outbox_get_stats (AccordOutbox *self)
{
  g_return_val_if_fail (ACCORD_IS_OUTBOX (self), NULL);

  return &self->stats;
}
