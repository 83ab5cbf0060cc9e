/* accord-cli.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "accord-core.h"

G_BEGIN_DECLS

/* accordctl's exit codes; scripts rely on them, so they never change meaning. */
typedef enum
{
  ACCORD_CLI_EXIT_OK = 0,
  ACCORD_CLI_EXIT_FAILED = 1,
  ACCORD_CLI_EXIT_USAGE = 2,
} AccordCliExit;

int  accord_cli_run              (int            argc,
                                  char         **argv);

/* Shared by the verbs' files */
int  _accord_cli_usage_error     (const char    *format,
                                  ...) G_GNUC_PRINTF (1, 2);
int  _accord_cli_failed          (const char    *format,
                                  ...) G_GNUC_PRINTF (1, 2);
void _accord_cli_wait            (GAsyncResult **result);
void _accord_cli_store_result_cb (GObject       *object,
                                  GAsyncResult  *result,
                                  gpointer       user_data);
AccordAccountStore *_accord_cli_load_store (GError **error);
void _accord_cli_print_json      (JsonNode      *node);
char *_accord_cli_read_password  (GError       **error);
void _accord_cli_free_password   (char          *password);
int  _accord_cli_accounts        (int            argc,
                                  char         **argv);
int  _accord_cli_discover        (int            argc,
                                  char         **argv);
int  _accord_cli_send            (int            argc,
                                  char         **argv);
int  _accord_cli_sync            (int            argc,
                                  char         **argv);
int  _accord_cli_decide          (int            argc,
                                  char         **argv);
int  _accord_cli_status          (int            argc,
                                  char         **argv);

G_END_DECLS
