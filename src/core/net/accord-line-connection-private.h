/* accord-line-connection-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "accord-line-connection.h"

G_BEGIN_DECLS

typedef enum
{
  OP_CONNECT,
  OP_READ,
  OP_WRITE,
  OP_HANDSHAKE,
  OP_CLOSE,
} Operation;

/* The I/O runs with its own cancellable, which the caller's cancellable and a timer
 * both cancel; afterwards the timed_out flag tells the two apart. */
typedef struct
{
  GCancellable *cancellable;
  GCancellable *outer;
  gulong        outer_handler;
  GSource      *timer;
  gboolean      timed_out;
} Deadline;

Deadline *_accord_deadline_new                   (GCancellable *outer,
                                                  guint         seconds);
void      _accord_deadline_free                  (Deadline     *deadline);
void      _accord_deadline_extend                (Deadline     *deadline,
                                                  guint         seconds);
GError   *_accord_line_connection_explain_error  (const char   *host,
                                                  guint16       port,
                                                  guint         timeout,
                                                  Deadline     *deadline,
                                                  Operation     op,
                                                  GError       *error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Deadline, _accord_deadline_free)

G_END_DECLS
