/* accord-lookup-mx.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "accord-domain.h"
#include "accord-lookup-autoconfig.h"
#include "accord-lookup-mx.h"

/**
 * AccordLookupMx:
 *
 * Settings by way of the mail exchanger. Many domains have their mail handled by a
 * hosting company that publishes settings for its own domain only: the MX record of
 * "example.org" names "mx1.mail.hoster.net", and "hoster.net" has autoconfig or an
 * entry in the ISP database. This lookup reads the MX record, takes the most
 * preferred host's registrable domain (public-suffix aware, so "hoster.co.uk" and not
 * "co.uk") and the name one level below it, and asks the provider's HTTPS autoconfig
 * and the ISP database for each. What it finds is flagged as DNS-derived: the person
 * confirms that the hosting company is theirs.
 */
struct _AccordLookupMx
{
  AccordLookup  parent_instance;

  char         *domain;
  char         *address;
  char         *ispdb_url;
  SoupSession  *session;
  GResolver    *resolver;
};

G_DEFINE_FINAL_TYPE (AccordLookupMx, accord_lookup_mx, ACCORD_TYPE_LOOKUP)

typedef struct
{
  GPtrArray *children;   /* AccordLookup: one per URL asked */
  guint      pending;
} Query;

static void
query_free (Query *query)
{
  g_clear_pointer (&query->children, g_ptr_array_unref);
  g_free (query);
}

/* The most preferred mail exchanger that is a real host, or NULL. */
static char *
_best_exchanger (GList *records)
{
  const char *best = NULL;
  guint16 best_preference = G_MAXUINT16;

  for (GList *l = records; l != NULL; l = l->next)
    {
      GVariant *record = l->data;
      const char *host;
      guint16 preference;

      g_variant_get (record, "(q&s)", &preference, &host);
      /* A null MX ("." or empty) says the domain takes no mail at all. */
      if (host == NULL || host[0] == '\0' || g_str_equal (host, "."))
        continue;
      if (best == NULL || preference < best_preference)
        {
          best = host;
          best_preference = preference;
        }
    }

  return best != NULL ? g_ascii_strdown (best, -1) : NULL;
}

static void
_child_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Query *query = g_task_get_task_data (task);
  GPtrArray *candidates;

  accord_lookup_run_finish (ACCORD_LOOKUP (object), result, NULL);
  if (--query->pending > 0)
    return;

  if (g_task_return_error_if_cancelled (task))
    return;

  candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) accord_candidate_unref);
  for (guint i = 0; i < query->children->len; i++)
    {
      GPtrArray *found = accord_lookup_get_candidates (g_ptr_array_index (query->children, i));

      for (guint j = 0; j < found->len; j++)
        {
          AccordCandidate *candidate = accord_candidate_copy (g_ptr_array_index (found, j));

          candidate->source = ACCORD_SOURCE_MX;
          candidate->flags |= ACCORD_CANDIDATE_FLAG_DNS_DERIVED;
          g_ptr_array_add (candidates, candidate);
        }
    }

  g_task_return_pointer (task, candidates, (GDestroyNotify) g_ptr_array_unref);
}

static void
_add_child (GTask      *task,
            const char *url)
{
  AccordLookupMx *self = g_task_get_source_object (task);
  Query *query = g_task_get_task_data (task);
  AccordLookup *child;

  child = accord_lookup_autoconfig_new_url (ACCORD_SOURCE_MX, url, self->address, self->session);
  accord_lookup_set_timeout_ms (child, accord_lookup_get_timeout_ms (ACCORD_LOOKUP (self)));
  g_ptr_array_add (query->children, child);
}

static void
_mx_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccordLookupMx *self = g_task_get_source_object (task);
  Query *query = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *exchanger = NULL;
  g_autofree char *registrable = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *detail = NULL;
  const char *domains[2] = { NULL, NULL };
  GList *records;

  records = g_resolver_lookup_records_finish (G_RESOLVER (object), result, &error);
  if (records == NULL)
    {
      if (g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND))
        g_task_return_pointer (task,
                               g_ptr_array_new_with_free_func ((GDestroyNotify) accord_candidate_unref),
                               (GDestroyNotify) g_ptr_array_unref);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  exchanger = _best_exchanger (records);
  g_list_free_full (records, (GDestroyNotify) g_variant_unref);

  if (exchanger != NULL)
    {
      registrable = accord_domain_get_registrable (exchanger);
      parent = accord_domain_get_parent (exchanger);
    }

  /* Only the hosting company's domains: the address's own were asked already. */
  if (registrable != NULL && !accord_domain_same_registrable (registrable, self->domain))
    {
      domains[0] = registrable;
      if (parent != NULL && !g_str_equal (parent, registrable))
        domains[1] = parent;
    }

  if (domains[0] == NULL)
    {
      g_task_return_pointer (task,
                             g_ptr_array_new_with_free_func ((GDestroyNotify) accord_candidate_unref),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  if (domains[1] != NULL)
    detail = g_strdup_printf (_("Mail for %s goes to %s; asked %s and %s"),
                              self->domain, exchanger, domains[0], domains[1]);
  else
    detail = g_strdup_printf (_("Mail for %s goes to %s; asked %s"),
                              self->domain, exchanger, domains[0]);
  accord_lookup_set_detail (ACCORD_LOOKUP (self), detail);

  escaped = g_uri_escape_string (self->address, NULL, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (domains) && domains[i] != NULL; i++)
    {
      g_autofree char *autoconfig = NULL;
      g_autofree char *ispdb = NULL;

      autoconfig = g_strdup_printf ("https://autoconfig.%s/mail/config-v1.1.xml?emailaddress=%s",
                                    domains[i], escaped);
      ispdb = g_strconcat (self->ispdb_url, g_str_has_suffix (self->ispdb_url, "/") ? "" : "/",
                           domains[i], NULL);
      _add_child (task, autoconfig);
      _add_child (task, ispdb);
    }

  query->pending = query->children->len;
  for (guint i = 0; i < query->children->len; i++)
    accord_lookup_run_async (g_ptr_array_index (query->children, i), g_task_get_cancellable (task),
                             _child_done_cb, g_object_ref (task));
}

static void
accord_lookup_mx_run_async (AccordLookup        *lookup,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  AccordLookupMx *self = ACCORD_LOOKUP_MX (lookup);
  g_autoptr(GTask) task = NULL;
  Query *query;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, accord_lookup_mx_run_async);

  query = g_new0 (Query, 1);
  query->children = g_ptr_array_new_with_free_func (g_object_unref);
  g_task_set_task_data (task, query, (GDestroyNotify) query_free);

  g_resolver_lookup_records_async (self->resolver, self->domain, G_RESOLVER_RECORD_MX,
                                   cancellable, _mx_cb, g_steal_pointer (&task));
}

static GPtrArray *
accord_lookup_mx_run_finish (AccordLookup  *lookup,
                             GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
accord_lookup_mx_finalize (GObject *object)
{
  AccordLookupMx *self = (AccordLookupMx *)object;

  g_clear_pointer (&self->domain, g_free);
  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->ispdb_url, g_free);
  g_clear_object (&self->session);
  g_clear_object (&self->resolver);

  G_OBJECT_CLASS (accord_lookup_mx_parent_class)->finalize (object);
}

static void
accord_lookup_mx_class_init (AccordLookupMxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AccordLookupClass *lookup_class = ACCORD_LOOKUP_CLASS (klass);

  object_class->finalize = accord_lookup_mx_finalize;
  lookup_class->run_async = accord_lookup_mx_run_async;
  lookup_class->run_finish = accord_lookup_mx_run_finish;
}

static void
accord_lookup_mx_init (AccordLookupMx *self)
{
}

/**
 * accord_lookup_mx_new:
 * @domain: the address's domain, in ASCII (punycode) form
 * @address: the address, given to the hosting company's autoconfig
 * @ispdb_url: the ISP database's base URL
 */
AccordLookup *
accord_lookup_mx_new (const char  *domain,
                      const char  *address,
                      const char  *ispdb_url,
                      SoupSession *session,
                      GResolver   *resolver)
{
  AccordLookupMx *self;
  g_autofree char *target = NULL;

  g_return_val_if_fail (domain != NULL, NULL);
  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (ispdb_url != NULL, NULL);
  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (G_IS_RESOLVER (resolver), NULL);

  /* Translators: %s is a domain; MX is the DNS record that names a domain's mail server */
  target = g_strdup_printf (_("MX of %s"), domain);
  self = g_object_new (ACCORD_TYPE_LOOKUP_MX,
                       "source", ACCORD_SOURCE_MX,
                       "target", target,
                       NULL);
  self->domain = g_strdup (domain);
  self->address = g_strdup (address);
  self->ispdb_url = g_strdup (ispdb_url);
  self->session = g_object_ref (session);
  self->resolver = g_object_ref (resolver);

  return ACCORD_LOOKUP (self);
}
