/* accord-secrets.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "accord-secrets.h"

/**
 * AccordSecrets:
 *
 * Passwords and tokens in the Secret Service (GNOME Keyring, KWallet …), one item per
 * account and service. This is the only place Accord keeps them: never in an account
 * file, never in a log line.
 */
struct _AccordSecrets
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (AccordSecrets, accord_secrets, G_TYPE_OBJECT)

#define ATTRIBUTE_ACCOUNT "account-id"
#define ATTRIBUTE_SERVICE "service"

static const SecretSchema *
_get_schema (void)
{
  /* SECRET_SCHEMA_NONE, not DONT_MATCH_NAME: items are found by attributes, and a
   * lookup by account id alone must match every service of that account. */
  static const SecretSchema schema = {
    APP_ID ".Secret", SECRET_SCHEMA_NONE,
    {
      { ATTRIBUTE_ACCOUNT, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { ATTRIBUTE_SERVICE, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static void
accord_secrets_class_init (AccordSecretsClass *klass)
{
}

static void
accord_secrets_init (AccordSecrets *self)
{
}

AccordSecrets *
accord_secrets_new (void)
{
  return g_object_new (ACCORD_TYPE_SECRETS, NULL);
}

/* libsecret's D-Bus errors name the bus, not the problem; say what a person can do. */
static GError *
_explain_error (GError *error)
{
  GError *explained;

  if ((error->domain != G_DBUS_ERROR && error->domain != G_IO_ERROR) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;

  explained = g_error_new (error->domain, error->code,
                           _("The password could not be reached in the keyring: %s. "
                             "Make sure a keyring service such as GNOME Keyring is running "
                             "and unlocked."),
                           error->message);
  g_error_free (error);
  return explained;
}

static void
_store_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, _explain_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * accord_secrets_store_async:
 * @label: what keyring managers such as Seahorse show, e.g. "Accord: alice@example.com (mail in)"
 *
 * Stores @secret for one service of an account, replacing what was there.
 */
void
accord_secrets_store_async (AccordSecrets       *self,
                            const char          *account_id,
                            AccordServiceKind    service,
                            const char          *label,
                            const char          *secret,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_SECRETS (self));
  g_return_if_fail (account_id != NULL);
  g_return_if_fail (service < ACCORD_N_SERVICES);
  g_return_if_fail (label != NULL);
  g_return_if_fail (secret != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_secrets_store_async);

  secret_password_store (_get_schema (), SECRET_COLLECTION_DEFAULT, label, secret,
                         cancellable, _store_cb, g_steal_pointer (&task),
                         ATTRIBUTE_ACCOUNT, account_id,
                         ATTRIBUTE_SERVICE, accord_service_kind_to_string (service),
                         NULL);
}

gboolean
accord_secrets_store_finish (AccordSecrets  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (ACCORD_IS_SECRETS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
_lookup_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *secret;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, _explain_error (error));
  else
    g_task_return_pointer (task, secret, (GDestroyNotify) secret_password_free);
}

/**
 * accord_secrets_lookup_async:
 *
 * Looks up the secret of one service. Finishes with %NULL and no error when there is none.
 */
void
accord_secrets_lookup_async (AccordSecrets       *self,
                             const char          *account_id,
                             AccordServiceKind    service,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_SECRETS (self));
  g_return_if_fail (account_id != NULL);
  g_return_if_fail (service < ACCORD_N_SERVICES);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_secrets_lookup_async);

  secret_password_lookup (_get_schema (), cancellable, _lookup_cb, g_steal_pointer (&task),
                          ATTRIBUTE_ACCOUNT, account_id,
                          ATTRIBUTE_SERVICE, accord_service_kind_to_string (service),
                          NULL);
}

/**
 * accord_secrets_lookup_finish:
 *
 * Returns: (transfer full) (nullable): the secret, to be freed with
 *   secret_password_free(), which clears it from memory first
 */
char *
accord_secrets_lookup_finish (AccordSecrets  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (ACCORD_IS_SECRETS (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
_clear_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* FALSE without an error only means there was nothing to clear. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, _explain_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

void
accord_secrets_clear_async (AccordSecrets       *self,
                            const char          *account_id,
                            AccordServiceKind    service,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_SECRETS (self));
  g_return_if_fail (account_id != NULL);
  g_return_if_fail (service < ACCORD_N_SERVICES);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_secrets_clear_async);

  secret_password_clear (_get_schema (), cancellable, _clear_cb, g_steal_pointer (&task),
                         ATTRIBUTE_ACCOUNT, account_id,
                         ATTRIBUTE_SERVICE, accord_service_kind_to_string (service),
                         NULL);
}

gboolean
accord_secrets_clear_finish (AccordSecrets  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (ACCORD_IS_SECRETS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * accord_secrets_clear_account_async:
 *
 * Removes every secret of the account, whatever the service.
 */
void
accord_secrets_clear_account_async (AccordSecrets       *self,
                                    const char          *account_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ACCORD_IS_SECRETS (self));
  g_return_if_fail (account_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_secrets_clear_account_async);

  secret_password_clear (_get_schema (), cancellable, _clear_cb, g_steal_pointer (&task),
                         ATTRIBUTE_ACCOUNT, account_id,
                         NULL);
}

gboolean
accord_secrets_clear_account_finish (AccordSecrets  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  g_return_val_if_fail (ACCORD_IS_SECRETS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
