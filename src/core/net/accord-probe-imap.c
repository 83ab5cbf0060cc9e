/* accord-probe-imap.c - the probe's IMAP dialogue (RFC 3501, 9051)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "accord-net-utils.h"
#include "accord-probe-private.h"

/* The IMAP state of a run lives in ProbeOp; these say what is left to do. */
#define STARTTLS_PENDING(op) \
  ((op)->result->security == ACCORD_SECURITY_STARTTLS && \
   !accord_line_connection_is_tls ((op)->conn))

typedef struct
{
  char *status;  /* OK, NO, BAD, PREAUTH, BYE, upper case */
  char *code;    /* what was between [ and ], or NULL */
  char *text;
} ImapStatus;

static void
_imap_status_clear (ImapStatus *status)
{
  g_clear_pointer (&status->status, g_free);
  g_clear_pointer (&status->code, g_free);
  g_clear_pointer (&status->text, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ImapStatus, _imap_status_clear)

/* Parses "OK [CODE args] text", as it follows a tag or "* ". */
static gboolean
_imap_parse_status (const char *rest,
                    ImapStatus *status)
{
  const char *space = strchr (rest, ' ');
  const char *text;

  status->status = g_ascii_strup (rest, space != NULL ? space - rest : -1);
  if (!g_str_equal (status->status, "OK") && !g_str_equal (status->status, "NO") &&
      !g_str_equal (status->status, "BAD") && !g_str_equal (status->status, "PREAUTH") &&
      !g_str_equal (status->status, "BYE"))
    return FALSE;

  text = space != NULL ? space + 1 : "";
  if (text[0] == '[')
    {
      const char *end = strchr (text, ']');

      if (end == NULL)
        return FALSE;
      status->code = g_strndup (text + 1, end - text - 1);
      text = end + 1;
      while (*text == ' ')
        text++;
    }
  status->text = g_strdup (text);

  return TRUE;
}

static gboolean
_imap_code_is (const char *code,
               const char *name)
{
  gsize len = strlen (name);

  return code != NULL && g_ascii_strncasecmp (code, name, len) == 0 &&
         (code[len] == '\0' || code[len] == ' ');
}

/* Takes a space-separated capability list; AUTH=X items are mechanisms too. */
static void
_imap_take_capabilities (ProbeOp    *op,
                         const char *list)
{
  g_auto(GStrv) tokens = g_strsplit (list, " ", -1);
  g_autoptr(GPtrArray) capabilities = g_ptr_array_new ();
  g_autoptr(GPtrArray) mechanisms = g_ptr_array_new ();

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      if (*tokens[i] == '\0')
        continue;
      g_ptr_array_add (capabilities, tokens[i]);
      if (_accord_net_has_prefix (tokens[i], "AUTH="))
        g_ptr_array_add (mechanisms, tokens[i] + strlen ("AUTH="));
    }

  /* After login the list carries no AUTH= items; the mechanisms stay those offered. */
  _accord_probe_set_capabilities (op, capabilities, op->logged_in ? NULL : mechanisms);
}

static void
_imap_command (GTask      *task,
               const char *command,
               const char *log_as,
               ProbeStep   next)
{
  ProbeOp *op = g_task_get_task_data (task);
  g_autofree char *line = NULL;
  g_autofree char *logged = NULL;

  g_snprintf (op->tag, sizeof op->tag, "A%u", ++op->tag_counter);
  line = g_strdup_printf ("%s %s", op->tag, command);
  if (log_as != NULL)
    logged = g_strdup_printf ("%s %s", op->tag, log_as);

  _accord_probe_send (task, line, logged, PROBE_RESPONSE_IMAP, next);
  memset (line, 0, strlen (line));
}

/* The tagged line's status; an unexpected continuation ends the run. */
static gboolean
_imap_tagged_status (GTask      *task,
                     ImapStatus *status)
{
  ProbeOp *op = g_task_get_task_data (task);

  if (op->status[0] == '+' ||
      !_imap_parse_status (op->status + strlen (op->tag) + 1, status))
    {
      _accord_probe_fail_unexpected (task, op->status);
      return FALSE;
    }

  return TRUE;
}

static void _imap_advance (GTask *task);
static void _imap_login (GTask *task);

static void
_imap_capability_cb (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);
  g_auto(ImapStatus) status = { NULL, };
  g_autoptr(GString) list = g_string_new (NULL);

  if (!_imap_tagged_status (task, &status))
    return;

  if (!g_str_equal (status.status, "OK"))
    {
      _accord_probe_fail_unexpected (task, op->status);
      return;
    }

  for (guint i = 0; i < op->lines->len; i++)
    {
      const char *line = g_ptr_array_index (op->lines, i);

      if (_accord_net_has_prefix (line, "* CAPABILITY "))
        g_string_append_printf (list, " %s", line + strlen ("* CAPABILITY "));
    }
  if (_imap_code_is (status.code, "CAPABILITY"))
    g_string_append_printf (list, " %s", status.code + strlen ("CAPABILITY"));

  _imap_take_capabilities (op, list->str);
  _imap_advance (task);
}

static void
_imap_starttls_cb (GTask *task)
{
  g_auto(ImapStatus) status = { NULL, };

  if (!_imap_tagged_status (task, &status))
    return;

  if (!g_str_equal (status.status, "OK"))
    {
      _accord_probe_fail_no_starttls (task, status.text);
      return;
    }

  _accord_probe_start_tls (task, _imap_advance);
}

/* NO to LOGIN or AUTHENTICATE means wrong credentials, unless a response code (RFC
 * 5530) says the trouble is elsewhere. */
static AccordProbeLogin
_imap_classify_no (const char *code)
{
  const char *not_credentials[] = {
    "UNAVAILABLE", "SERVERBUG", "CONTACTADMIN", "PRIVACYREQUIRED", "LIMIT", "INUSE",
    "EXPIRED", NULL
  };

  for (guint i = 0; not_credentials[i] != NULL; i++)
    if (_imap_code_is (code, not_credentials[i]))
      return ACCORD_PROBE_LOGIN_FAILED;

  return ACCORD_PROBE_LOGIN_AUTH_FAILED;
}

static void
_imap_login_cb (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);
  g_auto(ImapStatus) status = { NULL, };

  if (op->status[0] == '+')
    {
      /* A challenge where PLAIN has none: cancel the exchange (RFC 3501 6.2.2). */
      _accord_probe_set_login (op, ACCORD_PROBE_LOGIN_FAILED,
                               _("The server asked for more than a user name and password."));
      op->logged_in = FALSE;
      _accord_probe_send (task, "*", NULL, PROBE_RESPONSE_IMAP, _imap_advance);
      return;
    }

  if (!_imap_tagged_status (task, &status))
    return;

  if (g_str_equal (status.status, "OK"))
    {
      op->logged_in = TRUE;
      _accord_probe_set_login (op, ACCORD_PROBE_LOGIN_OK, status.text);
      /* Servers announce more once logged in; take that list when it comes along. */
      if (_imap_code_is (status.code, "CAPABILITY"))
        _imap_take_capabilities (op, status.code + strlen ("CAPABILITY"));
      else
        op->have_capabilities = FALSE;
    }
  else if (g_str_equal (status.status, "NO"))
    {
      _accord_probe_set_login (op, _imap_classify_no (status.code), status.text);
    }
  else
    {
      _accord_probe_set_login (op, ACCORD_PROBE_LOGIN_FAILED, status.text);
    }

  _imap_advance (task);
}

static void
_imap_authenticate_continue_cb (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);
  char *payload;

  if (op->status[0] != '+')
    {
      _imap_login_cb (task);
      return;
    }

  payload = _accord_net_sasl_plain (op->username, op->password);
  _accord_probe_send (task, payload, "<credentials>", PROBE_RESPONSE_IMAP, _imap_login_cb);
  _accord_net_wipe_free (payload);
}

/* A quoted string (RFC 3501 4.3); @s has no line breaks. */
static char *
_imap_quote (const char *s)
{
  GString *out = g_string_new ("\"");

  for (; *s != '\0'; s++)
    {
      if (*s == '\\' || *s == '"')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *s);
    }
  g_string_append_c (out, '"');

  return g_string_free (out, FALSE);
}

static void
_imap_login (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);

  op->login_attempted = TRUE;

  if (!_accord_probe_may_send_password (task))
    {
      _imap_advance (task);
      return;
    }

  if (accord_probe_result_has_auth_mechanism (op->result, "PLAIN"))
    {
      if (accord_probe_result_has_capability (op->result, "SASL-IR"))
        {
          char *payload = _accord_net_sasl_plain (op->username, op->password);
          char *command = g_strconcat ("AUTHENTICATE PLAIN ", payload, NULL);

          _imap_command (task, command, "AUTHENTICATE PLAIN <credentials>", _imap_login_cb);
          _accord_net_wipe_free (command);
          _accord_net_wipe_free (payload);
        }
      else
        {
          _imap_command (task, "AUTHENTICATE PLAIN", NULL, _imap_authenticate_continue_cb);
        }
      return;
    }

  if (accord_probe_result_has_capability (op->result, "LOGINDISABLED"))
    {
      _accord_probe_set_login (op, ACCORD_PROBE_LOGIN_FAILED,
                               _("The server does not allow logging in with a password."));
      _imap_advance (task);
      return;
    }

  {
    g_autofree char *user = _imap_quote (op->username);
    char *password = _imap_quote (op->password);
    char *command;

    command = g_strdup_printf ("LOGIN %s %s", user, password);
    _imap_command (task, command, "LOGIN <credentials>", _imap_login_cb);
    _accord_net_wipe_free (command);
    _accord_net_wipe_free (password);
  }
}

/* Decides the next step from what is known so far. */
static void
_imap_advance (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);

  if (op->preauth && STARTTLS_PENDING (op))
    {
      _accord_probe_fail_no_starttls (task, NULL);
      return;
    }

  if (!op->have_capabilities)
    {
      _imap_command (task, "CAPABILITY", NULL, _imap_capability_cb);
      return;
    }

  if (STARTTLS_PENDING (op))
    {
      if (!accord_probe_result_has_capability (op->result, "STARTTLS"))
        _accord_probe_fail_no_starttls (task, NULL);
      else
        _imap_command (task, "STARTTLS", NULL, _imap_starttls_cb);
      return;
    }

  if (!op->login_attempted && !op->preauth)
    {
      _imap_login (task);
      return;
    }

  g_snprintf (op->tag, sizeof op->tag, "A%u", ++op->tag_counter);
  {
    g_autofree char *logout = g_strdup_printf ("%s LOGOUT", op->tag);

    _accord_probe_quit (task, logout, PROBE_RESPONSE_IMAP);
  }
}

static void
_imap_greeting_cb (GTask *task)
{
  ProbeOp *op = g_task_get_task_data (task);
  g_auto(ImapStatus) status = { NULL, };

  if (!g_str_has_prefix (op->status, "* ") || !_imap_parse_status (op->status + 2, &status))
    {
      _accord_probe_fail_unexpected (task, op->status);
      return;
    }

  if (g_str_equal (status.status, "BYE"))
    {
      _accord_probe_fail_refused (task, status.text);
      return;
    }
  if (!g_str_equal (status.status, "OK") && !g_str_equal (status.status, "PREAUTH"))
    {
      _accord_probe_fail_unexpected (task, op->status);
      return;
    }

  g_free (op->result->greeting);
  op->result->greeting = _accord_net_excerpt (status.text);

  if (g_str_equal (status.status, "PREAUTH"))
    {
      op->preauth = TRUE;
      _accord_probe_set_login (op, ACCORD_PROBE_LOGIN_NOT_TRIED,
                               _("The server let Accord in without asking for a password."));
    }

  if (_imap_code_is (status.code, "CAPABILITY"))
    _imap_take_capabilities (op, status.code + strlen ("CAPABILITY"));

  _imap_advance (task);
}

void
_accord_probe_imap_start (GTask *task)
{
  _accord_probe_read (task, PROBE_RESPONSE_LINE, _imap_greeting_cb);
}
