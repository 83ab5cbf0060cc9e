/* accord-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "accord-core.h"

G_BEGIN_DECLS

#define ACCORD_TYPE_WINDOW (accord_window_get_type ())

G_DECLARE_FINAL_TYPE (AccordWindow, accord_window, ACCORD, WINDOW, AdwApplicationWindow)

AccordWindow *accord_window_new                (gpointer            application,
                                                AccordAccountStore *store);
const char   *accord_window_get_visible_page   (AccordWindow       *self);

G_END_DECLS
