/* accord-lookup-srv.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "accord-lookup-srv.h"

/**
 * AccordLookupSrv:
 *
 * Mail services from DNS SRV records (RFC 6186, with RFC 8314's implicit TLS names).
 * All six names are asked at once; within a name, records come sorted by priority and
 * weight, which is the order the candidates keep. A target of "." means the service is
 * not offered.
 */
struct _AccordLookupSrv
{
  AccordLookup  parent_instance;

  char         *domain;
  GResolver    *resolver;
};

G_DEFINE_FINAL_TYPE (AccordLookupSrv, accord_lookup_srv, ACCORD_TYPE_LOOKUP)

static const struct {
  const char        *service;
  AccordServiceKind  kind;
  AccordProtocol     protocol;
  AccordSecurity     security;
} srv_names[] = {
  { "imaps", ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP, ACCORD_SECURITY_TLS },
  { "imap", ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_IMAP, ACCORD_SECURITY_STARTTLS },
  { "pop3s", ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_POP3, ACCORD_SECURITY_TLS },
  { "pop3", ACCORD_SERVICE_MAIL_IN, ACCORD_PROTOCOL_POP3, ACCORD_SECURITY_STARTTLS },
  { "submissions", ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP, ACCORD_SECURITY_TLS },
  { "submission", ACCORD_SERVICE_MAIL_OUT, ACCORD_PROTOCOL_SMTP, ACCORD_SECURITY_STARTTLS },
};

typedef struct
{
  GList *targets[G_N_ELEMENTS (srv_names)];
  guint  pending;
} Query;

static void
query_free (Query *query)
{
  for (guint i = 0; i < G_N_ELEMENTS (srv_names); i++)
    g_resolver_free_targets (query->targets[i]);
  g_free (query);
}

typedef struct
{
  GTask *task;
  guint  index;
} Answer;

static void
_finish (GTask *task)
{
  AccordLookupSrv *self = g_task_get_source_object (task);
  Query *query = g_task_get_task_data (task);
  GPtrArray *candidates;

  if (g_task_return_error_if_cancelled (task))
    return;

  candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_candidate_unref);

  for (guint i = 0; i < G_N_ELEMENTS (srv_names); i++)
    for (GList *l = query->targets[i]; l != NULL; l = l->next)
      {
        const char *hostname = g_srv_target_get_hostname (l->data);
        AccordCandidate *candidate;

        if (hostname == NULL || hostname[0] == '\0' || g_str_equal (hostname, "."))
          continue;

        candidate = accord_candidate_new (srv_names[i].kind, srv_names[i].protocol,
                                          ACCORD_SOURCE_SRV);
        candidate->host = g_strdup (hostname);
        candidate->port = g_srv_target_get_port (l->data);
        candidate->security = srv_names[i].security;
        candidate->source_detail = g_strdup_printf ("_%s._tcp.%s", srv_names[i].service,
                                                    self->domain);
        g_ptr_array_add (candidates, candidate);
      }

  g_task_return_pointer (task, candidates, (GDestroyNotify) g_ptr_array_unref);
}

static void
_lookup_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Answer *answer = user_data;
  g_autoptr(GTask) task = answer->task;
  Query *query = g_task_get_task_data (task);

  /* A name without records is simply a service the provider does not announce. */
  query->targets[answer->index] =
    g_resolver_lookup_service_finish (G_RESOLVER (object), result, NULL);
  g_free (answer);

  if (--query->pending == 0)
    _finish (task);
}

static void
accord_lookup_srv_run_async (AccordLookup        *lookup,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  AccordLookupSrv *self = ACCORD_LOOKUP_SRV (lookup);
  g_autoptr(GTask) task = NULL;
  Query *query;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_lookup_srv_run_async);

  query = g_new0 (Query, 1);
  query->pending = G_N_ELEMENTS (srv_names);
  g_task_set_task_data (task, query, (GDestroyNotify) query_free);

  for (guint i = 0; i < G_N_ELEMENTS (srv_names); i++)
    {
      Answer *answer = g_new0 (Answer, 1);

      answer->task = g_object_ref (task);
      answer->index = i;
      g_resolver_lookup_service_async (self->resolver, srv_names[i].service, "tcp",
                                       self->domain, cancellable, _lookup_cb, answer);
    }
}

static GPtrArray *
accord_lookup_srv_run_finish (AccordLookup  *lookup,
                              GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
accord_lookup_srv_finalize (GObject *object)
{
  AccordLookupSrv *self = (AccordLookupSrv *)object;

  g_clear_pointer (&self->domain, g_free);
  g_clear_object (&self->resolver);

  G_OBJECT_CLASS (accord_lookup_srv_parent_class)->finalize (object);
}

static void
accord_lookup_srv_class_init (AccordLookupSrvClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AccordLookupClass *lookup_class = ACCORD_LOOKUP_CLASS (klass);

  object_class->finalize = accord_lookup_srv_finalize;
  lookup_class->run_async = accord_lookup_srv_run_async;
  lookup_class->run_finish = accord_lookup_srv_run_finish;
}

static void
accord_lookup_srv_init (AccordLookupSrv *self)
{
}

/**
 * accord_lookup_srv_new:
 * @domain: the address's domain, in ASCII (punycode) form
 */
AccordLookup *
accord_lookup_srv_new (const char *domain,
                       GResolver  *resolver)
{
  AccordLookupSrv *self;
  g_autofree char *target = NULL;

  g_return_val_if_fail (domain != NULL, NULL);
  g_return_val_if_fail (G_IS_RESOLVER (resolver), NULL);

  target = g_strdup_printf ("_imaps._tcp.%s …", domain);
  self = g_object_new (ACCORD_TYPE_LOOKUP_SRV,
                       "source", ACCORD_SOURCE_SRV,
                       "target", target,
                       NULL);
  self->domain = g_strdup (domain);
  self->resolver = g_object_ref (resolver);

  return ACCORD_LOOKUP (self);
}
