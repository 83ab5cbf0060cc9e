/* accord-lookup-guess.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "accord-lookup-guess.h"

/**
 * AccordLookupGuess:
 *
 * The last resort, run only when every other source failed: the usual host names
 * (imap., mail., pop3., pop., smtp., the domain itself) on the standard ports. Only
 * names that exist in DNS become candidates; probing then tells which really serve.
 */
struct _AccordLookupGuess
{
  AccordLookup  parent_instance;

  char         *domain;
  GResolver    *resolver;
};

G_DEFINE_FINAL_TYPE (AccordLookupGuess, accord_lookup_guess, ACCORD_TYPE_LOOKUP)

static const char *prefixes[] = { "imap.", "mail.", "pop3.", "pop.", "smtp.", "" };

static const struct {
  const char        *prefix;
  AccordServiceKind  kind;
  AccordProtocol     protocol;
  AccordSecurity     security;
} guesses[] = {
  { "imap.", ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP, ACCORD_SECURITY_TLS },
  { "imap.", ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP, ACCORD_SECURITY_STARTTLS },
  { "mail.", ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP, ACCORD_SECURITY_TLS },
  { "mail.", ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP, ACCORD_SECURITY_STARTTLS },
  { "", ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP, ACCORD_SECURITY_TLS },
  { "pop3.", ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_POP3, ACCORD_SECURITY_TLS },
  { "pop.", ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_POP3, ACCORD_SECURITY_TLS },
  { "mail.", ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_POP3, ACCORD_SECURITY_TLS },
  { "smtp.", ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP, ACCORD_SECURITY_TLS },
  { "smtp.", ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP, ACCORD_SECURITY_STARTTLS },
  { "mail.", ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP, ACCORD_SECURITY_TLS },
  { "mail.", ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP, ACCORD_SECURITY_STARTTLS },
  { "", ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP, ACCORD_SECURITY_TLS },
};

typedef struct
{
  gboolean exists[G_N_ELEMENTS (prefixes)];
  guint    pending;
} Query;

typedef struct
{
  GTask *task;
  guint  index;
} Answer;

static void
_finish (GTask *task)
{
  AccordLookupGuess *self = g_task_get_source_object (task);
  Query *query = g_task_get_task_data (task);
  GPtrArray *candidates;

  if (g_task_return_error_if_cancelled (task))
    return;

  candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_candidate_unref);

  for (guint i = 0; i < G_N_ELEMENTS (guesses); i++)
    for (guint p = 0; p < G_N_ELEMENTS (prefixes); p++)
      {
        AccordCandidate *candidate;

        if (!g_str_equal (prefixes[p], guesses[i].prefix) || !query->exists[p])
          continue;

        candidate = accord_candidate_new (guesses[i].kind, guesses[i].protocol,
                                          ACCORD_SOURCE_GUESS);
        candidate->host = g_strconcat (guesses[i].prefix, self->domain, NULL);
        candidate->security = guesses[i].security;
        candidate->port = accord_protocol_get_default_port (guesses[i].protocol,
                                                            guesses[i].security);
        candidate->source_detail = g_strdup (candidate->host);
        g_ptr_array_add (candidates, candidate);
      }

  g_task_return_pointer (task, candidates, (GDestroyNotify) g_ptr_array_unref);
}

static void
_resolve_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Answer *answer = user_data;
  g_autoptr(GTask) task = answer->task;
  Query *query = g_task_get_task_data (task);
  GList *addresses;

  addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (object), result, NULL);
  query->exists[answer->index] = addresses != NULL;
  g_resolver_free_addresses (addresses);
  g_free (answer);

  if (--query->pending == 0)
    _finish (task);
}

static void
accord_lookup_guess_run_async (AccordLookup        *lookup,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  AccordLookupGuess *self = ACCORD_LOOKUP_GUESS (lookup);
  g_autoptr(GTask) task = NULL;
  Query *query;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_lookup_guess_run_async);

  query = g_new0 (Query, 1);
  query->pending = G_N_ELEMENTS (prefixes);
  g_task_set_task_data (task, query, g_free);

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      g_autofree char *host = g_strconcat (prefixes[i], self->domain, NULL);
      Answer *answer = g_new0 (Answer, 1);

      answer->task = g_object_ref (task);
      answer->index = i;
      g_resolver_lookup_by_name_async (self->resolver, host, cancellable, _resolve_cb, answer);
    }
}

static GPtrArray *
accord_lookup_guess_run_finish (AccordLookup  *lookup,
                                GAsyncResult  *result,
                                GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
accord_lookup_guess_finalize (GObject *object)
{
  AccordLookupGuess *self = (AccordLookupGuess *)object;

  g_clear_pointer (&self->domain, g_free);
  g_clear_object (&self->resolver);

  G_OBJECT_CLASS (accord_lookup_guess_parent_class)->finalize (object);
}

static void
accord_lookup_guess_class_init (AccordLookupGuessClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AccordLookupClass *lookup_class = ACCORD_LOOKUP_CLASS (klass);

  object_class->finalize = accord_lookup_guess_finalize;
  lookup_class->run_async = accord_lookup_guess_run_async;
  lookup_class->run_finish = accord_lookup_guess_run_finish;
}

static void
accord_lookup_guess_init (AccordLookupGuess *self)
{
}

AccordLookup *
accord_lookup_guess_new (const char *domain,
                         GResolver  *resolver)
{
  AccordLookupGuess *self;
  g_autofree char *target = NULL;

  g_return_val_if_fail (domain != NULL, NULL);
  g_return_val_if_fail (G_IS_RESOLVER (resolver), NULL);

  target = g_strdup_printf ("imap.%s, smtp.%s …", domain, domain);
  self = g_object_new (ACCORD_TYPE_LOOKUP_GUESS,
                       "source", ACCORD_SOURCE_GUESS,
                       "target", target,
                       NULL);
  self->domain = g_strdup (domain);
  self->resolver = g_object_ref (resolver);

  return ACCORD_LOOKUP (self);
}
