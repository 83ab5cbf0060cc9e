/* accord-account-save.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-account-save.h"

/* Saving a new account is two writes that must agree: the password goes to the
 * keyring first, for every service that signs in with it, and then the account to the
 * store. An account saved without the password it needs would fail later in a way
 * that is harder to understand; so if either write fails, the passwords already
 * written are removed again and nothing is left behind. */

typedef struct
{
  AccordSecrets     *secrets;
  AccordAccount     *account;
  char              *password;
  AccordServiceKind  next;
  GError            *error;   /* the first failure, kept while cleaning up */
} Save;

static void
save_free (Save *save)
{
  g_clear_object (&save->secrets);
  g_clear_object (&save->account);
  if (save->password != NULL)
    memset (save->password, 0, strlen (save->password));
  g_clear_pointer (&save->password, g_free);
  g_clear_error (&save->error);
  g_free (save);
}

static const char *
_service_label (AccordServiceKind service)
{
  switch (service)
    {
    case ACCORD_SERVICE_MAIL_IN:
      return _("mail in");
    case ACCORD_SERVICE_MAIL_OUT:
      return _("mail out");
    case ACCORD_SERVICE_CONTACTS:
      return _("contacts");
    case ACCORD_SERVICE_CALENDAR:
    default:
      return _("calendar");
    }
}

static void _store_next (GTask *task);

static void
_cleared_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Save *save = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* The first failure is the one to report; a failed clean-up only adds a warning. */
  if (!accord_secrets_clear_account_finish (ACCORD_SECRETS (object), result, &error))
    g_warning ("Could not remove the passwords of %s again: %s",
               accord_account_get_id (save->account), error->message);

  g_task_return_error (task, g_steal_pointer (&save->error));
}

static void
_fail (GTask  *task,
       GError *error)
{
  Save *save = g_task_get_task_data (task);

  save->error = error;
  /* Not cancellable: whatever happened, the keyring must not keep a stray password. */
  accord_secrets_clear_account_async (save->secrets, accord_account_get_id (save->account),
                                      NULL, _cleared_cb, task);
}

static void
_added_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!accord_account_store_add_finish (ACCORD_ACCOUNT_STORE (object), result, &error))
    {
      _fail (g_steal_pointer (&task), error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
_stored_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!accord_secrets_store_finish (ACCORD_SECRETS (object), result, &error))
    {
      _fail (task, error);
      return;
    }

  _store_next (task);
}

static gboolean
_needs_password (AccordServiceConfig *config)
{
  return config != NULL && config->auth == ACCORD_AUTH_PASSWORD;
}

/* Stores the password for the next service that needs it; then adds the account. */
static void
_store_next (GTask *task)
{
  AccordAccountStore *store = g_task_get_source_object (task);
  Save *save = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  for (; save->password != NULL && save->next < ACCORD_N_SERVICES; save->next++)
    {
      AccordServiceKind service = save->next;
      g_autofree char *label = NULL;

      if (!_needs_password (accord_account_get_service (save->account, service)))
        continue;

      /* Translators: the keyring label of a password: the address, then the service */
      label = g_strdup_printf (_("Accord: %s (%s)"), accord_account_get_address (save->account),
                               _service_label (service));
      save->next++;
      accord_secrets_store_async (save->secrets, accord_account_get_id (save->account), service,
                                  label, save->password, cancellable, _stored_cb, task);
      return;
    }

  accord_account_store_add_async (store, save->account, cancellable, _added_cb, task);
}

/**
 * accord_account_save_async:
 * @account: a new account, with its services
 * @password: (nullable): its password, stored for every service that signs in with one
 *
 * Saves a new account: the password to the keyring, then the account to @store. On
 * failure nothing of it is left behind.
 */
void
accord_account_save_async (AccordAccountStore  *store,
                           AccordSecrets       *secrets,
                           AccordAccount       *account,
                           const char          *password,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;
  Save *save;

  g_return_if_fail (ACCORD_IS_ACCOUNT_STORE (store));
  g_return_if_fail (ACCORD_IS_SECRETS (secrets));
  g_return_if_fail (ACCORD_IS_ACCOUNT (account));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_account_save_async);

  save = g_new0 (Save, 1);
  save->secrets = g_object_ref (secrets);
  save->account = g_object_ref (account);
  save->password = g_strdup (password);
  g_task_set_task_data (task, save, (GDestroyNotify) save_free);

  _store_next (task);
}

gboolean
accord_account_save_finish (AccordAccountStore  *store,
                            GAsyncResult        *result,
                            GError             **error)
{
  g_return_val_if_fail (ACCORD_IS_ACCOUNT_STORE (store), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
