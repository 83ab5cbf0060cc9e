/* accord-imap-parser.h - IMAP responses from bytes, and the records they fill
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* --- errors ------------------------------------------------------------------------- */

#define ACCORD_IMAP_ERROR (accord_imap_error_quark ())

/**
 * AccordImapError:
 * @ACCORD_IMAP_ERROR_CONNECT: the server could not be reached, or the connection could
 *   not be secured
 * @ACCORD_IMAP_ERROR_CERTIFICATE: the server's certificate failed verification and does
 *   not match the pinned fingerprint
 * @ACCORD_IMAP_ERROR_NO_STARTTLS: STARTTLS was asked for, but the server does not offer
 *   it or refused it
 * @ACCORD_IMAP_ERROR_AUTH: the server did not accept the user name or password
 * @ACCORD_IMAP_ERROR_NO: the server answered NO: it could not do what was asked
 * @ACCORD_IMAP_ERROR_BAD: the server answered BAD: it did not understand the command
 * @ACCORD_IMAP_ERROR_PROTOCOL: the server's answer does not follow the protocol
 * @ACCORD_IMAP_ERROR_LIMIT: the server sent more than Accord accepts (a message larger
 *   than the limit, a line longer than %ACCORD_IMAP_MAX_LINE)
 * @ACCORD_IMAP_ERROR_CLOSED: the connection is closed, or was lost
 * @ACCORD_IMAP_ERROR_TIMEOUT: the server did not answer in time; the connection is closed
 * @ACCORD_IMAP_ERROR_UNSUPPORTED: the server lacks the extension the operation needs
 *
 * After CONNECT, CERTIFICATE, NO_STARTTLS, PROTOCOL, LIMIT, CLOSED and TIMEOUT the
 * connection is gone; after AUTH, NO, BAD and UNSUPPORTED it can be used further.
 * Cancellation is reported as %G_IO_ERROR_CANCELLED.
 */
typedef enum
{
  ACCORD_IMAP_ERROR_CONNECT,
  ACCORD_IMAP_ERROR_CERTIFICATE,
  ACCORD_IMAP_ERROR_NO_STARTTLS,
  ACCORD_IMAP_ERROR_AUTH,
  ACCORD_IMAP_ERROR_NO,
  ACCORD_IMAP_ERROR_BAD,
  ACCORD_IMAP_ERROR_PROTOCOL,
  ACCORD_IMAP_ERROR_LIMIT,
  ACCORD_IMAP_ERROR_CLOSED,
  ACCORD_IMAP_ERROR_TIMEOUT,
  ACCORD_IMAP_ERROR_UNSUPPORTED,
} AccordImapError;

GQuark accord_imap_error_quark (void);

/* No line of IMAP outside a literal is anywhere near this long. */
#define ACCORD_IMAP_MAX_LINE (64 * 1024)
/* The largest message (literal) accepted by default. */
#define ACCORD_IMAP_MAX_LITERAL (100 * 1024 * 1024)

/* --- values and responses ----------------------------------------------------------- */

typedef enum
{
  ACCORD_IMAP_VALUE_ATOM,    /* also numbers, flags, "BODY[]<0>" */
  ACCORD_IMAP_VALUE_STRING,  /* quoted (unescaped) or literal */
  ACCORD_IMAP_VALUE_NIL,
  ACCORD_IMAP_VALUE_LIST,
} AccordImapValueType;

typedef struct _AccordImapValue AccordImapValue;

/**
 * AccordImapValue:
 * @str: an atom's or string's text, always NUL-terminated; a literal may hold NUL
 *   bytes itself, so its length is @len
 * @bytes: a literal's data (@str points into it), or %NULL
 * @list: a list's items (#AccordImapValue)
 */
struct _AccordImapValue
{
  AccordImapValueType  type;
  char                *str;
  gsize                len;
  GBytes              *bytes;
  GPtrArray           *list;
};

gboolean    accord_imap_value_is_atom    (const AccordImapValue *value,
                                          const char            *name);
gboolean    accord_imap_value_get_number (const AccordImapValue *value,
                                          guint64               *number);
const char *accord_imap_value_get_string (const AccordImapValue *value);
GBytes     *accord_imap_value_dup_bytes  (const AccordImapValue *value);

typedef enum
{
  ACCORD_IMAP_RESPONSE_CONTINUATION,  /* "+ text" */
  ACCORD_IMAP_RESPONSE_UNTAGGED,      /* "* …" */
  ACCORD_IMAP_RESPONSE_TAGGED,        /* "A1 OK …" */
} AccordImapResponseKind;

typedef enum
{
  ACCORD_IMAP_STATUS_NONE,  /* a data response, or a continuation */
  ACCORD_IMAP_STATUS_OK,
  ACCORD_IMAP_STATUS_NO,
  ACCORD_IMAP_STATUS_BAD,
  ACCORD_IMAP_STATUS_PREAUTH,
  ACCORD_IMAP_STATUS_BYE,
} AccordImapStatus;

/**
 * AccordImapResponse:
 * @tag: a tagged response's tag
 * @number: the number of "* 12 EXISTS", "* 3 FETCH …" when @has_number
 * @name: upper case: the status (OK, NO, BAD, PREAUTH, BYE) or the data's name (FETCH,
 *   EXISTS, LIST, CAPABILITY …); %NULL for a continuation
 * @code: a status response's code in upper case (UIDVALIDITY, APPENDUID …), or %NULL
 * @code_args: the code's arguments (#AccordImapValue), empty if it has none
 * @text: a status response's or continuation's human-readable text
 * @args: a data response's values after its name (#AccordImapValue); %NULL when the
 *   response is of a kind Accord does not know and could not be read
 */
typedef struct
{
  AccordImapResponseKind  kind;
  char                   *tag;
  gboolean                has_number;
  guint32                 number;
  char                   *name;
  AccordImapStatus        status;
  char                   *code;
  GPtrArray              *code_args;
  char                   *text;
  GPtrArray              *args;
} AccordImapResponse;

void     accord_imap_response_free        (AccordImapResponse *response);
gboolean accord_imap_response_code_number (const AccordImapResponse *response,
                                           const char               *code,
                                           guint                     index,
                                           guint64                  *number);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordImapResponse, accord_imap_response_free)

/* --- reading responses from bytes --------------------------------------------------- */

typedef struct _AccordImapParser AccordImapParser;

AccordImapParser   *accord_imap_parser_new          (gsize              max_literal);
void                accord_imap_parser_free         (AccordImapParser  *parser);
guint8             *accord_imap_parser_get_buffer   (AccordImapParser  *parser,
                                                     gsize             *size);
void                accord_imap_parser_commit       (AccordImapParser  *parser,
                                                     gsize              count);
gsize               accord_imap_parser_feed         (AccordImapParser  *parser,
                                                     const guint8      *data,
                                                     gsize              len);
AccordImapResponse *accord_imap_parser_next         (AccordImapParser  *parser,
                                                     GError           **error);
gboolean            accord_imap_parser_has_input    (AccordImapParser  *parser);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordImapParser, accord_imap_parser_free)

/* --- records ------------------------------------------------------------------------ */

/**
 * AccordImapMessage:
 * @uid: 0 if the server did not say
 * @seqnum: the message sequence number the server sent it under
 * @modseq: 0 without CONDSTORE
 * @flags: (nullable): %NULL if the server did not send flags
 * @internaldate: seconds since the epoch, 0 if not sent
 * @size: RFC822.SIZE, or the body's size when the body was fetched; 0 if neither
 * @body: (nullable): the message exactly as the server sent it (BODY[])
 */
typedef struct
{
  guint32  uid;
  guint32  seqnum;
  guint64  modseq;
  GStrv    flags;
  gint64   internaldate;
  guint32  size;
  GBytes  *body;
} AccordImapMessage;

/**
 * AccordImapFolder:
 * @name: the name in UTF-8, decoded from modified UTF-7 (the raw name if it was not
 *   valid modified UTF-7)
 * @raw_name: the name as the server sent it, for commands
 * @delimiter: the hierarchy delimiter, '\0' if there is none
 * @attributes: as the server sent them ("\\Noselect", "\\Sent" …)
 * @has_status: whether the server sent the fields below along with LIST (LIST-STATUS)
 * @highestmodseq: 0 when the server has no CONDSTORE or the folder has no mod-sequences
 */
typedef struct
{
  char     *name;
  char     *raw_name;
  char      delimiter;
  GStrv     attributes;

  gboolean  has_status;
  guint32   messages;
  guint32   uidvalidity;
  guint32   uidnext;
  guint32   unseen;
  guint64   highestmodseq;
} AccordImapFolder;

/**
 * AccordImapMailbox:
 * @highestmodseq: 0 when the server has no CONDSTORE or the mailbox no mod-sequences
 * @vanished: guint32 UIDs the server reported as expunged (VANISHED (EARLIER), with
 *   QRESYNC)
 * @changed: #AccordImapMessage the server sent while selecting (with QRESYNC)
 * @read_only: the server opened the mailbox read-only
 * @flags: (nullable): the flags the mailbox knows
 * @permanent_flags: (nullable): the flags that can be stored; "\\*" means any keyword
 */
typedef struct
{
  guint32    uidvalidity;
  guint32    uidnext;
  guint32    exists;
  guint64    highestmodseq;
  GArray    *vanished;
  GPtrArray *changed;

  gboolean   read_only;
  GStrv      flags;
  GStrv      permanent_flags;
} AccordImapMailbox;

#define ACCORD_TYPE_IMAP_MESSAGE (accord_imap_message_get_type ())
#define ACCORD_TYPE_IMAP_FOLDER  (accord_imap_folder_get_type ())
#define ACCORD_TYPE_IMAP_MAILBOX (accord_imap_mailbox_get_type ())

GType              accord_imap_message_get_type       (void) G_GNUC_CONST;
AccordImapMessage *accord_imap_message_new            (void);
AccordImapMessage *accord_imap_message_copy           (const AccordImapMessage *message);
void               accord_imap_message_free           (AccordImapMessage       *message);
gboolean           accord_imap_message_has_flag       (const AccordImapMessage *message,
                                                       const char              *flag);
AccordImapMessage *accord_imap_message_new_from_fetch (const AccordImapResponse *response,
                                                       gboolean                 *has_body,
                                                       GError                  **error);

GType              accord_imap_folder_get_type        (void) G_GNUC_CONST;
AccordImapFolder  *accord_imap_folder_copy            (const AccordImapFolder  *folder);
void               accord_imap_folder_free            (AccordImapFolder        *folder);
gboolean           accord_imap_folder_has_attribute   (const AccordImapFolder  *folder,
                                                       const char              *attribute);
AccordImapFolder  *accord_imap_folder_new_from_list   (const AccordImapResponse *response,
                                                       GError                  **error);
gboolean           accord_imap_folder_take_status     (AccordImapFolder        *folder,
                                                       const AccordImapResponse *response);

GType              accord_imap_mailbox_get_type       (void) G_GNUC_CONST;
AccordImapMailbox *accord_imap_mailbox_new            (void);
AccordImapMailbox *accord_imap_mailbox_copy           (const AccordImapMailbox *mailbox);
void               accord_imap_mailbox_free           (AccordImapMailbox       *mailbox);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordImapMessage, accord_imap_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordImapFolder, accord_imap_folder_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccordImapMailbox, accord_imap_mailbox_free)

/* --- sets, names, dates ------------------------------------------------------------- */

typedef struct
{
  guint32 first;
  guint32 last;   /* G_MAXUINT32 for "*" */
} AccordImapUidRange;

GArray   *accord_imap_uid_set_parse_ranges (const char          *set,
                                            GError             **error);
gboolean  accord_imap_uid_ranges_contain   (GArray              *ranges,
                                            guint32              uid);
char     *accord_imap_uid_set_from_array   (const guint32       *uids,
                                            guint                n_uids);
GStrv     accord_imap_uid_set_split        (const char          *set,
                                            gsize                max_len);

char     *accord_imap_utf7_encode          (const char          *utf8);
char     *accord_imap_utf7_decode          (const char          *mutf7);
char     *accord_imap_mailbox_encode       (const char          *utf8_name);

gboolean  accord_imap_parse_date_time      (const char          *text,
                                            gint64              *unix_time);
char     *accord_imap_format_date_time     (gint64               unix_time);

G_END_DECLS
