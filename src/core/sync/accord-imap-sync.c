/* accord-imap-sync.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "accord-imap-sync-private.h"

/**
 * AccordImapSync:
 *
 * One two-way sync of an IMAP account with its Maildir, folder by folder.
 *
 * The run happens on a worker thread with a main context of its own, so neither
 * the network nor the fsync()s of the Maildir ever hold up the caller's main loop;
 * the IMAP client is as asynchronous there as anywhere, and the code reads top to
 * bottom. What the server, the files and the last sync say goes to #AccordSyncPlan,
 * which decides; this file carries the plan out in an order that never loses or
 * doubles a message, whatever is killed when:
 *
 * - downloads are journalled (an intent with their UIDs) before they start, written
 *   tmp → fsync → rename → fsync of the folder, and recorded with the intent removed
 *   in one transaction; a file that exists without its record is matched to its UID
 *   by the intent after a crash, never uploaded again;
 * - uploads are journalled with the file's key and Message-ID before APPEND; after a
 *   crash the server is searched for the Message-ID before anything is sent again;
 * - the folder's cursor (UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ) moves only in the last
 *   transaction of a folder that went through completely, and not at all while
 *   deletions are held back, so that the server reports them again.
 */

G_DEFINE_FINAL_TYPE (AccordImapSync, accord_imap_sync, G_TYPE_OBJECT)


/* Whether @value, from "<" to ">", is a Message-ID that can go into a search: printable
 * ASCII, neither quote nor backslash. */
static gboolean
_is_plain_message_id (const char *value,
                      gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if ((guchar) value[i] < 0x21 || (guchar) value[i] > 0x7e || value[i] == '"' || value[i] == '\\')
      return FALSE;
  return TRUE;
}

/* The Message-ID field's value, unfolded (RFC 5322 §2.2.3), or NULL when the header
 * has none. */
static GString *
_message_id_field (GBytes *message)
{
  gsize length;
  const char *data = g_bytes_get_data (message, &length);
  const char *end = data + length;
  GString *value = NULL;

  for (const char *line = data; line < end; )
    {
      const char *eol = memchr (line, '\n', end - line);
      gsize len = (eol ? eol : end) - line;
      gboolean folded = len > 0 && (line[0] == ' ' || line[0] == '\t');

      if (len > 0 && line[len - 1] == '\r')
        len--;
      if (len == 0)
        break;
      if (value != NULL && !folded)
        break;
      if (value != NULL)
        g_string_append_len (value, line, len);
      else if (len >= 11 && g_ascii_strncasecmp (line, "Message-ID:", 11) == 0)
        value = g_string_new_len (line + 11, len - 11);
      if (value != NULL && value->len > 998)
        break;
      line = eol ? eol + 1 : end;
    }

  return value;
}

/* Whether the message's header has a Message-ID field, readable or not. */
gboolean
_accord_imap_sync_has_message_id_field (GBytes *message)
{
  GString *value = _message_id_field (message);

  if (value == NULL)
    return FALSE;
  g_string_free (value, TRUE);
  return TRUE;
}

/* The Message-ID of a message, from its header, or NULL: also when it holds what
 * could not go into a search (control characters, quotes, 8-bit bytes). */
char *
_accord_imap_sync_message_id (GBytes *message)
{
  g_autoptr(GString) value = _message_id_field (message);
  const char *open;
  const char *close;

  if (value == NULL || value->len > 998)
    return NULL;
  open = strchr (value->str, '<');
  close = open ? strchr (open, '>') : NULL;
  if (open == NULL || close == NULL || !_is_plain_message_id (open, close - open + 1))
    return NULL;

  return g_strndup (open, close - open + 1);
}

/* The whole account */

char *
_accord_imap_sync_local_name (const AccordImapFolder *folder)
{
  g_autofree char *name = g_strdup (folder->name);

  if (g_ascii_strcasecmp (name, "INBOX") == 0)
    return g_strdup ("INBOX");

  /* One separator on disk, whatever the server's. */
  if (folder->delimiter != '\0' && folder->delimiter != '/')
    g_strdelimit (name, (char[]) { folder->delimiter, '\0' }, '/');

  return g_steal_pointer (&name);
}

static gboolean
_open (AccordImapSync  *self,
       GCancellable    *cancellable,
       GError         **error)
{
  AccordServiceConfig *config = accord_account_get_service (self->account, ACCORD_SERVICE_MAIL_IN);
  AWAIT_INIT (connected);

  accord_imap_client_connect_async (config->host, config->port, config->security,
                                    config->pinned_certificate, self->database,
                                    ACCORD_IMAP_DEFAULT_TIMEOUT, cancellable, _accord_sync_store_result_cb,
                                    &connected);
  self->client = accord_imap_client_connect_finish (_accord_sync_await (&connected), error);
  return self->client != NULL;
}

static void
_login_async (AccordImapSync *self,
              GCancellable   *cancellable,
              GAsyncResult  **result)
{
  AccordServiceConfig *config = accord_account_get_service (self->account, ACCORD_SERVICE_MAIL_IN);

  accord_imap_client_login_async (self->client,
                                  config->username ? config->username
                                                   : accord_account_get_address (self->account),
                                  self->password, cancellable, _accord_sync_store_result_cb, result);
}

static gboolean
_login_finish (AccordImapSync  *self,
               GAsyncResult   **result,
               GError         **error)
{
  if (!accord_imap_client_login_finish (self->client, _accord_sync_await (result), error))
    return FALSE;

  self->uidplus = accord_imap_client_has_capability (self->client, "UIDPLUS");
  self->condstore = accord_imap_client_has_capability (self->client, "CONDSTORE");
  return TRUE;
}

/* Connects and logs in, for IDLE. */
static gboolean
_connect (AccordImapSync  *self,
          GCancellable    *cancellable,
          GError         **error)
{
  AWAIT_INIT (logged_in);

  if (!_open (self, cancellable, error))
    return FALSE;
  _login_async (self, cancellable, &logged_in);
  return _login_finish (self, &logged_in, error);
}

/* The session for a sync: log in, enable QRESYNC, list the folders with their status.
 * Where the last sync found QRESYNC and LIST-STATUS, all three go out at once (an
 * IMAP server takes commands behind LOGIN), and the files are looked over while the
 * answers travel: a sync with nothing to do is then the connection and one round
 * trip. */
typedef struct
{
  GAsyncResult *logged_in;
  GAsyncResult *enabled;
  GAsyncResult *listed;
  gboolean      login_sent;
  gboolean      enable_sent;
  gboolean      list_sent;
  gboolean      expected;     /* ENABLE and LIST went out on remembered capabilities */
} Session;

static void
_session_clear (Session *session)
{
  /* Whatever was sent is answered, or failed with the connection, before it goes. */
  if (session->login_sent)
    _accord_sync_await (&session->logged_in);
  if (session->enable_sent)
    _accord_sync_await (&session->enabled);
  if (session->list_sent)
    _accord_sync_await (&session->listed);
  g_clear_object (&session->logged_in);
  g_clear_object (&session->enabled);
  g_clear_object (&session->listed);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Session, _session_clear)

static void
_session_send_rest (AccordImapSync *self,
                    Session        *session,
                    GCancellable   *cancellable)
{
  const char *qresync[] = { "QRESYNC", NULL };

  if (accord_imap_client_has_capability (self->client, "QRESYNC"))
    {
      accord_imap_client_enable_async (self->client, qresync, cancellable, _accord_sync_store_result_cb,
                                       &session->enabled);
      session->enable_sent = TRUE;
    }
  accord_imap_client_list_async (self->client, cancellable, _accord_sync_store_result_cb,
                                 &session->listed);
  session->list_sent = TRUE;
}

static void
_session_begin (AccordImapSync *self,
                Session        *session,
                GCancellable   *cancellable)
{
  g_autofree char *remembered = accord_sync_state_get_server_value (self->state, ACCORD_SYNC_STATE_CAPABILITIES);
  g_auto(GStrv) expected = remembered ? g_strsplit (remembered, " ", -1) : NULL;

  _login_async (self, cancellable, &session->logged_in);
  session->login_sent = TRUE;
  if (expected != NULL &&
      g_strv_contains ((const char * const *) expected, "ENABLE") &&
      g_strv_contains ((const char * const *) expected, "QRESYNC") &&
      g_strv_contains ((const char * const *) expected, "LIST-STATUS"))
    {
      accord_imap_client_expect_capabilities (self->client, (const char * const *) expected);
      _session_send_rest (self, session, cancellable);
      session->expected = TRUE;
    }
}

static GPtrArray *
_session_finish (AccordImapSync  *self,
                 Session         *session,
                 GCancellable    *cancellable,
                 GError         **error)
{
  g_auto(GStrv) capabilities = NULL;
  g_autofree char *joined = NULL;
  g_autoptr(GError) local_error = NULL;
  GPtrArray *folders;

  if (!_login_finish (self, &session->logged_in, error))
    return NULL;

  capabilities = accord_imap_client_dup_capabilities (self->client);
  joined = g_strjoinv (" ", capabilities);
  if (!accord_sync_state_set_server_value (self->state, ACCORD_SYNC_STATE_CAPABILITIES, joined, &local_error))
    g_debug ("%s", local_error->message);
  g_clear_error (&local_error);

  if (!session->list_sent)
    _session_send_rest (self, session, cancellable);

  /* A server that refuses ENABLE is synced without QRESYNC. */
  if (session->enable_sent &&
      !accord_imap_client_enable_finish (self->client, _accord_sync_await (&session->enabled), &local_error))
    g_debug ("ENABLE QRESYNC: %s", local_error->message);
  g_clear_error (&local_error);
  self->qresync = accord_imap_client_is_enabled (self->client, "QRESYNC");

  folders = accord_imap_client_list_finish (self->client, _accord_sync_await (&session->listed), &local_error);
  if (folders == NULL && session->expected &&
      g_error_matches (local_error, ACCORD_IMAP_ERROR, ACCORD_IMAP_ERROR_BAD))
    {
      /* Asked with an extension the server no longer has: again, as it is now. */
      g_clear_object (&session->listed);
      g_clear_error (&local_error);
      accord_imap_client_list_async (self->client, cancellable, _accord_sync_store_result_cb,
                                     &session->listed);
      folders = accord_imap_client_list_finish (self->client, _accord_sync_await (&session->listed),
                                                &local_error);
    }
  if (folders == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return folders;
}

gboolean
_accord_imap_sync_is_selectable (const AccordImapFolder *folder)
{
  return !accord_imap_folder_has_attribute (folder, "\\Noselect") &&
         !accord_imap_folder_has_attribute (folder, "\\NonExistent");
}

/* Where the outbox files sent mail: the folder the server marks \Sent (RFC 6154). */
static void
_remember_sent_folder (AccordImapSync *self,
                       GPtrArray      *folders)
{
  for (guint i = 0; i < folders->len; i++)
    {
      AccordImapFolder *folder = g_ptr_array_index (folders, i);
      g_autofree char *name = NULL;
      g_autoptr(GError) error = NULL;

      if (!accord_imap_folder_has_attribute (folder, "\\Sent") || !_accord_imap_sync_is_selectable (folder))
        continue;
      name = _accord_imap_sync_local_name (folder);
      if (!accord_sync_state_set_server_value (self->state, ACCORD_SYNC_STATE_SENT_FOLDER, name, &error))
        g_debug ("%s", error->message);
      return;
    }
}

/* A folder that fails is reported, and the others still sync; a cut connection or a
 * cancellation ends the run (FALSE, with @error set). */
static gboolean
_folder_failed (AccordImapSync     *self,
                AccordImapSyncRun  *run,
                GError            **folder_error,
                GError            **first_error,
                GError            **error)
{
  self->stats.folders_failed++;
  run->failed = TRUE;
  if (g_error_matches (*folder_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      !accord_imap_client_is_connected (self->client))
    {
      g_propagate_error (error, g_steal_pointer (folder_error));
      return FALSE;
    }
  g_warning ("%s: %s", run->name, (*folder_error)->message);
  if (*first_error == NULL)
    *first_error = g_steal_pointer (folder_error);
  return TRUE;
}

static gboolean
_sync (AccordImapSync  *self,
       GCancellable    *cancellable,
       GError         **error)
{
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GArray) runs = NULL;
  g_autoptr(GError) first_error = NULL;
  g_auto(Session) session = { NULL, };

  self->maildir = accord_maildir_new (self->maildir_root);
  self->state = accord_sync_state_open (self->state_path, cancellable, error);
  if (self->state == NULL || !_open (self, cancellable, error))
    return FALSE;

  _session_begin (self, &session, cancellable);
  /* The files are looked over while the server answers. */
  while (g_main_context_iteration (g_main_context_get_thread_default (), FALSE))
    ;
  if (!_accord_imap_sync_check_here (self, cancellable, error))
    return FALSE;
  folders = _session_finish (self, &session, cancellable, error);
  if (folders == NULL)
    return FALSE;

  _remember_sent_folder (self, folders);
  /* A message moved here leaves a folder that is not as it was: when every folder is,
   * there is nothing to look for. */
  if (!_accord_imap_sync_reconcile_folders (self, &folders, cancellable, error) ||
      (!self->all_quiet_here && !_accord_imap_sync_apply_local_moves (self, folders, cancellable, error)))
    return FALSE;

  runs = g_array_new (FALSE, TRUE, sizeof (AccordImapSyncRun));
  g_array_set_clear_func (runs, (GDestroyNotify) _accord_imap_sync_run_clear);
  for (guint i = 0; i < folders->len; i++)
    {
      AccordImapFolder *folder = g_ptr_array_index (folders, i);
      AccordImapSyncRun run = { self, folder, NULL, };

      if (!_accord_imap_sync_is_selectable (folder))
        continue;
      run.name = _accord_imap_sync_local_name (folder);
      g_array_append_val (runs, run);
    }

  /* First what each folder needs, from the folder list and the files; then the folders
   * changed on the server only are opened at once; then each folder in its turn. */
  for (guint i = 0; i < runs->len; i++)
    {
      AccordImapSyncRun *run = &g_array_index (runs, AccordImapSyncRun, i);
      g_autoptr(GError) folder_error = NULL;

      self->stats.folders++;
      if (!_accord_imap_sync_prepare (self, run, cancellable, &folder_error) &&
          !_folder_failed (self, run, &folder_error, &first_error, error))
        return FALSE;
    }
  for (guint i = 0; i < runs->len; i++)
    {
      AccordImapSyncRun *run = &g_array_index (runs, AccordImapSyncRun, i);

      g_autoptr(GError) folder_error = NULL;

      if (run->kind != ACCORD_IMAP_SYNC_RUN_AHEAD)
        continue;
      if (!_accord_imap_sync_open_ahead (self, run, cancellable, &folder_error))
        {
          if (!_folder_failed (self, run, &folder_error, &first_error, error))
            return FALSE;
          continue;
        }
      self->stats.opened_ahead++;
    }
  for (guint i = 0; i < runs->len; i++)
    {
      AccordImapSyncRun *run = &g_array_index (runs, AccordImapSyncRun, i);
      g_autoptr(GError) folder_error = NULL;
      gboolean ok;

      if (run->kind == ACCORD_IMAP_SYNC_RUN_SKIP || run->failed)
        continue;
      ok = _accord_imap_sync_folder (self, run, cancellable, &folder_error);
      if (ok && run->redo)
        {
          self->stats.synced_again++;
          ok = _accord_imap_sync_folder (self, run, cancellable, &folder_error);
        }
      if (!ok && !_folder_failed (self, run, &folder_error, &first_error, error))
        return FALSE;
    }

  if (first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }

  return TRUE;
}

static void
_run_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  AccordImapSync *self = source_object;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_main_context_push_thread_default (context);
  ok = _sync (self, cancellable, &error);
  /* LOGOUT is said, not waited for: its answer tells nothing worth a round trip. */
  if (self->client != NULL && accord_imap_client_is_connected (self->client))
    accord_imap_client_logout_async (self->client, NULL, NULL, NULL);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_clear_object (&self->client);
  g_clear_pointer (&self->checked_here, g_hash_table_unref);
  if (self->state != NULL)
    accord_sync_state_close (self->state);
  g_clear_object (&self->state);
  g_clear_object (&self->maildir);
  /* Let what the client left behind finish on this context before it goes. */
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

/* Push: waiting for the Inbox to change */

static gboolean
_stop_idle_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static gpointer
_sync_thread (gpointer data)
{
  g_autoptr(GTask) task = data;

  setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 10);
  _run_in_thread (task, g_task_get_source_object (task), NULL, g_task_get_cancellable (task));
  return NULL;
}

static void
_wait_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  AccordImapSync *self = source_object;
  guint seconds = GPOINTER_TO_UINT (task_data);
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) stop = g_cancellable_new ();
  g_autoptr(GAsyncResult) selected = NULL;
  g_autoptr(GAsyncResult) idled = NULL;
  g_autoptr(GAsyncResult) notified = NULL;
  g_autoptr(AccordImapMailbox) mailbox = NULL;
  g_autoptr(GSource) timer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) notify_error = NULL;
  gboolean notified_sent = FALSE;
  gboolean reported = FALSE;
  gboolean changed = FALSE;
  gulong cancelled_id = 0;

  g_main_context_push_thread_default (context);

  if (!_connect (self, cancellable, &error))
    goto out;

  accord_imap_client_select_async (self->client, "INBOX", NULL, TRUE, cancellable,
                                   _accord_sync_store_result_cb, &selected);
  mailbox = accord_imap_client_select_finish (self->client, _accord_sync_await (&selected), &error);
  if (mailbox == NULL)
    goto out;

  /* With NOTIFY, a change in any folder ends the wait, not only in the Inbox. IDLE
   * goes right behind it, so that no report falls between the two. */
  notified_sent = accord_imap_client_has_capability (self->client, "NOTIFY");
  if (notified_sent)
    accord_imap_client_notify_async (self->client, cancellable, _accord_sync_store_result_cb, &notified);

  /* The wait ends at a change, after @seconds, or when the caller cancels. */
  timer = g_timeout_source_new_seconds (seconds);
  g_source_set_callback (timer, _stop_idle_cb, stop, NULL);
  g_source_attach (timer, context);
  if (cancellable != NULL)
    cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (g_cancellable_cancel), stop, NULL);

  accord_imap_client_idle_async (self->client, stop, _accord_sync_store_result_cb, &idled);
  if (notified_sent &&
      !accord_imap_client_notify_finish (self->client, _accord_sync_await (&notified), &reported,
                                         &notify_error))
    g_debug ("NOTIFY: %s", notify_error->message);
  /* A change reported while NOTIFY was on its way: no need to wait. */
  if (reported)
    g_cancellable_cancel (stop);
  accord_imap_client_idle_finish (self->client, _accord_sync_await (&idled), &changed, &error);
  changed |= reported;

  if (cancelled_id != 0)
    g_cancellable_disconnect (cancellable, cancelled_id);
  g_source_destroy (timer);

out:
  g_clear_object (&self->client);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, changed);
}

/**
 * accord_imap_sync_wait_async:
 * @seconds: the longest wait
 *
 * Waits with IMAP IDLE for the Inbox to change (any folder, where the server offers
 * NOTIFY), for at most @seconds; finishing returns whether it changed, so a background
 * service syncs when mail arrives rather than on a timer. Fails with %ACCORD_IMAP_ERROR_UNSUPPORTED on a server without IDLE.
 */
void
accord_imap_sync_wait_async (AccordImapSync      *self,
                             guint                seconds,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_IMAP_SYNC (self));
  g_return_if_fail (seconds > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_imap_sync_wait_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (seconds), NULL);
  g_task_run_in_thread (task, _wait_in_thread);
}

/**
 * accord_imap_sync_wait_finish:
 *
 * Returns: whether the Inbox changed; %FALSE with @error unset after the time ran out
 */
gboolean
accord_imap_sync_wait_finish (AccordImapSync  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_SYNC (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
accord_imap_sync_finalize (GObject *object)
{
  AccordImapSync *self = (AccordImapSync *)object;

  g_clear_object (&self->account);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_clear_pointer (&self->password, g_free);
  g_clear_pointer (&self->maildir_root, g_free);
  g_clear_pointer (&self->state_path, g_free);
  g_clear_object (&self->database);

  G_OBJECT_CLASS (accord_imap_sync_parent_class)->finalize (object);
}

static void
accord_imap_sync_class_init (AccordImapSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = accord_imap_sync_finalize;
}

static void
accord_imap_sync_init (AccordImapSync *self)
{
}

/**
 * accord_imap_sync_new:
 * @account: an account whose incoming mail is IMAP
 * @password: the password for it
 */
AccordImapSync *
accord_imap_sync_new (AccordAccount *account,
                      const char    *password)
{
  AccordImapSync *self;
  AccordServiceConfig *config;

  g_return_val_if_fail (ACCORD_IS_ACCOUNT (account), NULL);

  config = accord_account_get_service (account, ACCORD_SERVICE_MAIL_IN);
  g_return_val_if_fail (config != NULL && config->protocol == ACCORD_PROTOCOL_IMAP, NULL);

  self = g_object_new (ACCORD_TYPE_IMAP_SYNC, NULL);
  self->account = g_object_ref (account);
  self->password = g_strdup (password);
  self->maildir_root = accord_maildir_default_root (accord_account_get_id (account));
  self->state_path = accord_sync_state_default_path (accord_account_get_id (account));

  return self;
}

/**
 * accord_imap_sync_set_paths:
 *
 * Where the mail and the sync state go, instead of
 * `$XDG_DATA_HOME/accord/<account>/`.
 */
void
accord_imap_sync_set_paths (AccordImapSync *self,
                            const char     *maildir_root,
                            const char     *state_path)
{
  g_return_if_fail (ACCORD_IS_IMAP_SYNC (self));

  g_free (self->maildir_root);
  self->maildir_root = g_strdup (maildir_root);
  g_free (self->state_path);
  self->state_path = g_strdup (state_path);
}

void
accord_imap_sync_set_tls_database (AccordImapSync *self,
                                   GTlsDatabase   *database)
{
  g_return_if_fail (ACCORD_IS_IMAP_SYNC (self));

  g_set_object (&self->database, database);
}

/**
 * accord_imap_sync_set_deletion_threshold:
 * @threshold: deletions at once in a folder beyond which the person is asked; 0 for
 *   the default, the larger of 50 and a quarter of the folder
 */
void
accord_imap_sync_set_deletion_threshold (AccordImapSync *self,
                                         guint           threshold)
{
  g_return_if_fail (ACCORD_IS_IMAP_SYNC (self));

  self->threshold = threshold;
}

/**
 * accord_imap_sync_run_async:
 *
 * Syncs every folder once, both ways, on a worker thread.
 */
void
accord_imap_sync_run_async (AccordImapSync      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_IMAP_SYNC (self));

  memset (&self->stats, 0, sizeof self->stats);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_imap_sync_run_async);
  /* A thread of its own, below the app's priority: a sync is background work, and a
   * window's main loop must get the CPU first. */
  g_thread_unref (g_thread_new ("accord-sync", _sync_thread, g_steal_pointer (&task)));
}

gboolean
accord_imap_sync_run_finish (AccordImapSync  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_SYNC (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * accord_imap_sync_get_stats:
 *
 * Returns: what the last run did
 */
const AccordImapSyncStats *
accord_imap_sync_get_stats (AccordImapSync *self)
{
  g_return_val_if_fail (ACCORD_IS_IMAP_SYNC (self), NULL);

  return &self->stats;
}
