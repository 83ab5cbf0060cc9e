/* accord-confirmation.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "accord-confirmation.h"
#include "accord-core-enums.h"

G_DEFINE_BOXED_TYPE (AccordConfirmation, accord_confirmation,
                     accord_confirmation_ref, accord_confirmation_unref)

AccordConfirmation *
accord_confirmation_new (AccordConfirmationKind  kind,
                         const char             *subject,
                         const char             *detail,
                         const char             *fingerprint)
{
  AccordConfirmation *self = g_rc_box_new0 (AccordConfirmation);

  g_return_val_if_fail (subject != NULL, NULL);
  g_return_val_if_fail (detail != NULL, NULL);

  self->kind = kind;
  self->subject = g_strdup (subject);
  self->detail = g_strdup (detail);
  self->fingerprint = g_strdup (fingerprint);

  return self;
}

AccordConfirmation *
accord_confirmation_ref (AccordConfirmation *self)
{
  return g_rc_box_acquire (self);
}

static void
_clear (AccordConfirmation *self)
{
  g_free (self->subject);
  g_free (self->detail);
  g_free (self->fingerprint);
}

void
accord_confirmation_unref (AccordConfirmation *self)
{
  g_rc_box_release_full (self, (GDestroyNotify) _clear);
}

/* The same question, however many sources led to it. */
gboolean
accord_confirmation_equal (const AccordConfirmation *a,
                           const AccordConfirmation *b)
{
  return a->kind == b->kind &&
         g_strcmp0 (a->subject, b->subject) == 0 &&
         g_strcmp0 (a->fingerprint, b->fingerprint) == 0;
}

void
accord_confirmation_to_json (const AccordConfirmation *self,
                             JsonBuilder              *builder)
{
  g_autoptr(GEnumClass) kinds = g_type_class_ref (ACCORD_TYPE_CONFIRMATION_KIND);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, g_enum_get_value (kinds, self->kind)->value_nick);
  json_builder_set_member_name (builder, "subject");
  json_builder_add_string_value (builder, self->subject);
  json_builder_set_member_name (builder, "detail");
  json_builder_add_string_value (builder, self->detail);
  if (self->fingerprint != NULL)
    {
      json_builder_set_member_name (builder, "fingerprint");
      json_builder_add_string_value (builder, self->fingerprint);
    }
  json_builder_end_object (builder);
}
