/* Generated from data/protocols.json by build-aux/protocol-strings; do not edit.
 * Only for xgettext: the protocol matrix translates these at run time. */

/* Translators: the name of a column of the "what syncs" table (inbox) */
N_("Inbox");
/* Translators: what the "inbox" column means, one sentence */
N_("New mail that arrives in your Inbox reaches this computer.");
/* Translators: completes "IMAP rather than POP3: …", what a protocol does (inbox) */
N_("fetches the Inbox");
/* Translators: completes "With POP3, …", what is lost without "inbox"; a clause, lower case */
N_("new mail does not reach this computer");
/* Translators: the name of a column of the "what syncs" table (all-folders) */
N_("All folders");
/* Translators: what the "all-folders" column means, one sentence */
N_("Every folder on the server, not only the Inbox, is here and kept in step.");
/* Translators: completes "IMAP rather than POP3: …", what a protocol does (all-folders) */
N_("keeps all folders");
/* Translators: completes "With POP3, …", what is lost without "all-folders"; a clause, lower case */
N_("only the Inbox is here, not your other folders");
/* Translators: the name of a column of the "what syncs" table (sent-items) */
N_("Sent items on server");
/* Translators: what the "sent-items" column means, one sentence */
N_("Mail you send is stored on the server, so your other devices show it too.");
/* Translators: completes "IMAP rather than POP3: …", what a protocol does (sent-items) */
N_("saves sent mail on the server");
/* Translators: completes "With POP3, …", what is lost without "sent-items"; a clause, lower case */
N_("mail you send is not saved on the server, so your other devices do not show it");
/* Translators: the name of a column of the "what syncs" table (deletions) */
N_("Deletions everywhere");
/* Translators: what the "deletions" column means, one sentence */
N_("Deleting or moving something on one device does the same on the others.");
/* Translators: completes "IMAP rather than POP3: …", what a protocol does (deletions) */
N_("applies deletions on every device");
/* Translators: completes "With POP3, …", what is lost without "deletions"; a clause, lower case */
N_("what you delete or move here stays as it was on your other devices");
/* Translators: the name of a column of the "what syncs" table (read-state) */
N_("Read & flags");
/* Translators: what the "read-state" column means, one sentence */
N_("Read marks and flags set on one device show on the others.");
/* Translators: completes "IMAP rather than POP3: …", what a protocol does (read-state) */
N_("syncs read marks and flags");
/* Translators: completes "With POP3, …", what is lost without "read-state"; a clause, lower case */
N_("read marks and flags stay on this computer");
/* Translators: the name of a column of the "what syncs" table (push) */
N_("Push");
/* Translators: what the "push" column means, one sentence */
N_("New items arrive as soon as the server has them, without waiting for the next check.");
/* Translators: completes "IMAP rather than POP3: …", what a protocol does (push) */
N_("brings new items at once");
/* Translators: completes "With POP3, …", what is lost without "push"; a clause, lower case */
N_("new items wait for the next check");
/* Translators: the name of a column of the "what syncs" table (contacts) */
N_("Contacts");
/* Translators: what the "contacts" column means, one sentence */
N_("Address book entries are synced with the server both ways.");
/* Translators: completes "IMAP rather than POP3: …", what a protocol does (contacts) */
N_("syncs contacts");
/* Translators: completes "With POP3, …", what is lost without "contacts"; a clause, lower case */
N_("contacts stay on this computer");
/* Translators: the name of a column of the "what syncs" table (calendar) */
N_("Calendar");
/* Translators: what the "calendar" column means, one sentence */
N_("Events are synced with the server both ways.");
/* Translators: completes "IMAP rather than POP3: …", what a protocol does (calendar) */
N_("syncs calendars");
/* Translators: completes "With POP3, …", what is lost without "calendar"; a clause, lower case */
N_("calendars stay on this computer");
/* Translators: the name of a column of the "what syncs" table (tasks) */
N_("Tasks");
/* Translators: what the "tasks" column means, one sentence */
N_("To-do items are synced with the server both ways.");
/* Translators: completes "IMAP rather than POP3: …", what a protocol does (tasks) */
N_("syncs tasks");
/* Translators: completes "With POP3, …", what is lost without "tasks"; a clause, lower case */
N_("tasks stay on this computer");
/* Translators: the name of a column of the "what syncs" table (notes) */
N_("Notes");
/* Translators: what the "notes" column means, one sentence */
N_("Notes are synced with the server both ways.");
/* Translators: completes "IMAP rather than POP3: …", what a protocol does (notes) */
N_("syncs notes");
/* Translators: completes "With POP3, …", what is lost without "notes"; a clause, lower case */
N_("notes stay on this computer");
/* Translators: the name of a column of the "what syncs" table (send) */
N_("Send mail");
/* Translators: what the "send" column means, one sentence */
N_("Mail can be sent through the server.");
/* Translators: completes "IMAP rather than POP3: …", what a protocol does (send) */
N_("sends mail");
/* Translators: completes "With POP3, …", what is lost without "send"; a clause, lower case */
N_("mail cannot be sent");
/* Translators: the name of a column of the "what syncs" table (offline-copy) */
N_("Offline copy");
/* Translators: what the "offline-copy" column means, one sentence */
N_("A full copy is kept on this computer, so you can read it without a connection.");
/* Translators: completes "IMAP rather than POP3: …", what a protocol does (offline-copy) */
N_("keeps a full copy on this computer");
/* Translators: completes "With POP3, …", what is lost without "offline-copy"; a clause, lower case */
N_("nothing is kept here to read without a connection");
/* Translators: the name of a protocol (pop3) */
N_("POP3");
/* Translators: what pop3 does, one sentence */
N_("Downloads new mail from the Inbox to this computer; nothing you do here goes back to the server.");
/* Translators: how pop3 does "inbox" */
N_("New mail in the Inbox is downloaded.");
/* Translators: how pop3 does "all-folders" */
N_("Only the Inbox can be reached; other folders on the server stay out of sight.");
/* Translators: how pop3 does "sent-items" */
N_("Sent mail stays on this computer only.");
/* Translators: how pop3 does "deletions" */
N_("Deleting here removes mail from the server only when “delete from server” is on; deletions elsewhere never reach this computer.");
/* Translators: completes "With POP3, …", what is missing of "deletions"; a clause, lower case */
N_("mail you delete or file here stays in other devices’ Inboxes");
/* Translators: how pop3 does "read-state" */
N_("Read marks and flags stay on this computer.");
/* Translators: how pop3 does "push" */
N_("New mail arrives only when Accord checks.");
/* Translators: how pop3 does "contacts" */
N_("POP3 carries mail only.");
/* Translators: how pop3 does "calendar" */
N_("POP3 carries mail only.");
/* Translators: how pop3 does "tasks" */
N_("POP3 carries mail only.");
/* Translators: how pop3 does "notes" */
N_("POP3 carries mail only.");
/* Translators: how pop3 does "send" */
N_("Sending needs SMTP.");
/* Translators: how pop3 does "offline-copy" */
N_("Every downloaded message is kept on this computer.");
/* Translators: the name of a protocol (imap) */
N_("IMAP");
/* Translators: what imap does, one sentence */
N_("Keeps all your mail folders on the server and the same on every device; contacts and calendars are not included.");
/* Translators: how imap does "inbox" */
N_("The Inbox is synced both ways.");
/* Translators: how imap does "all-folders" */
N_("Every folder is synced, including the ones you create.");
/* Translators: how imap does "sent-items" */
N_("A copy of sent mail is saved in the Sent folder on the server.");
/* Translators: how imap does "deletions" */
N_("Deleting or moving a message shows on every device.");
/* Translators: how imap does "read-state" */
N_("Read marks and flags are synced both ways.");
/* Translators: how imap does "push" */
N_("New mail in one folder, usually the Inbox, arrives at once; other folders are checked on a schedule.");
/* Translators: completes "With IMAP, …", what is missing of "push"; a clause, lower case */
N_("only the Inbox gets new mail at once, not your other folders");
/* Translators: how imap does "contacts" */
N_("IMAP carries mail only.");
/* Translators: how imap does "calendar" */
N_("IMAP carries mail only.");
/* Translators: how imap does "tasks" */
N_("IMAP carries mail only.");
/* Translators: how imap does "notes" */
N_("IMAP carries mail only.");
/* Translators: how imap does "send" */
N_("Sending needs SMTP.");
/* Translators: how imap does "offline-copy" */
N_("Accord keeps a full copy of every folder on this computer.");
/* Translators: the name of a protocol (jmap) */
N_("JMAP");
/* Translators: what jmap does, one sentence */
N_("A modern protocol that syncs mail quickly and shows changes at once; some servers also sync contacts and calendars with it.");
/* Translators: how jmap does "inbox" */
N_("The Inbox is synced both ways.");
/* Translators: how jmap does "all-folders" */
N_("Every mailbox is synced, including the ones you create.");
/* Translators: how jmap does "sent-items" */
N_("Sent mail is stored in the Sent mailbox on the server.");
/* Translators: how jmap does "deletions" */
N_("Deleting or moving a message shows on every device.");
/* Translators: how jmap does "read-state" */
N_("Read marks, flags and keywords are synced both ways.");
/* Translators: how jmap does "push" */
N_("The server reports every change as it happens, for all mailboxes.");
/* Translators: how jmap does "contacts" */
N_("JMAP for Contacts is a newer standard; only some servers offer it.");
/* Translators: completes "With JMAP, …", what is missing of "contacts"; a clause, lower case */
N_("contacts sync only if your server offers JMAP for Contacts");
/* Translators: how jmap does "calendar" */
N_("JMAP for Calendars is a newer standard; only some servers offer it.");
/* Translators: completes "With JMAP, …", what is missing of "calendar"; a clause, lower case */
N_("calendars sync only if your server offers JMAP for Calendars");
/* Translators: how jmap does "tasks" */
N_("JMAP for Tasks is still a draft that servers do not offer.");
/* Translators: how jmap does "notes" */
N_("JMAP has no standard for notes.");
/* Translators: how jmap does "send" */
N_("Mail is sent over the same connection, with no separate SMTP set-up.");
/* Translators: how jmap does "offline-copy" */
N_("Accord keeps a full copy of every mailbox on this computer.");
/* Translators: the name of a protocol (smtp) */
N_("SMTP");
/* Translators: what smtp does, one sentence */
N_("Sends mail and receives nothing, so it always goes together with IMAP, POP3 or another protocol.");
/* Translators: how smtp does "inbox" */
N_("SMTP only sends mail.");
/* Translators: how smtp does "all-folders" */
N_("SMTP only sends mail.");
/* Translators: how smtp does "sent-items" */
N_("SMTP keeps no copy; the protocol that receives mail saves it to Sent.");
/* Translators: how smtp does "deletions" */
N_("SMTP only sends mail.");
/* Translators: how smtp does "read-state" */
N_("SMTP only sends mail.");
/* Translators: how smtp does "push" */
N_("SMTP only sends mail.");
/* Translators: how smtp does "contacts" */
N_("SMTP only sends mail.");
/* Translators: how smtp does "calendar" */
N_("SMTP only sends mail.");
/* Translators: how smtp does "tasks" */
N_("SMTP only sends mail.");
/* Translators: how smtp does "notes" */
N_("SMTP only sends mail.");
/* Translators: how smtp does "send" */
N_("Mail is handed to your provider’s server, which delivers it.");
/* Translators: how smtp does "offline-copy" */
N_("SMTP only sends mail.");
/* Translators: the name of a protocol (eas) */
N_("Exchange ActiveSync");
/* Translators: what eas does, one sentence */
N_("The protocol phones use with Microsoft Exchange: mail, contacts, calendars and tasks over one connection, with new items arriving at once.");
/* Translators: how eas does "inbox" */
N_("The Inbox is synced both ways.");
/* Translators: how eas does "all-folders" */
N_("Every mail folder is synced.");
/* Translators: how eas does "sent-items" */
N_("Sent mail is saved on the server.");
/* Translators: how eas does "deletions" */
N_("Deleting or moving an item shows on every device.");
/* Translators: how eas does "read-state" */
N_("Read marks and follow-up flags are synced both ways.");
/* Translators: how eas does "push" */
N_("The server answers as soon as anything changes (Direct Push).");
/* Translators: how eas does "contacts" */
N_("Contacts are synced both ways.");
/* Translators: how eas does "calendar" */
N_("Events are synced both ways.");
/* Translators: how eas does "tasks" */
N_("Tasks are synced both ways.");
/* Translators: how eas does "notes" */
N_("Notes sync only with servers that speak protocol version 14 or later.");
/* Translators: completes "With Exchange ActiveSync, …", what is missing of "notes"; a clause, lower case */
N_("notes sync only with newer Exchange servers");
/* Translators: how eas does "send" */
N_("Mail is sent over the same connection, with no separate SMTP set-up.");
/* Translators: how eas does "offline-copy" */
N_("The server can limit how far back mail and events are kept on a device.");
/* Translators: completes "With Exchange ActiveSync, …", what is missing of "offline-copy"; a clause, lower case */
N_("the server may limit how much older mail and events are kept here");
/* Translators: the name of a protocol (ews) */
N_("Exchange Web Services");
/* Translators: what ews does, one sentence */
N_("The protocol desktop apps use with Microsoft Exchange: mail, contacts, calendars, tasks and notes over one connection.");
/* Translators: how ews does "inbox" */
N_("The Inbox is synced both ways.");
/* Translators: how ews does "all-folders" */
N_("Every folder is synced, including shared ones.");
/* Translators: how ews does "sent-items" */
N_("Sent mail is saved on the server.");
/* Translators: how ews does "deletions" */
N_("Deleting or moving an item shows on every device.");
/* Translators: how ews does "read-state" */
N_("Read marks, flags and categories are synced both ways.");
/* Translators: how ews does "push" */
N_("Streaming notifications report changes as they happen.");
/* Translators: how ews does "contacts" */
N_("Every address book is synced both ways.");
/* Translators: how ews does "calendar" */
N_("Every calendar is synced both ways.");
/* Translators: how ews does "tasks" */
N_("Tasks are synced both ways.");
/* Translators: how ews does "notes" */
N_("Notes can be read and written as plain items, without their colour or position.");
/* Translators: completes "With Exchange Web Services, …", what is missing of "notes"; a clause, lower case */
N_("notes lose their colour and position");
/* Translators: how ews does "send" */
N_("Mail is sent over the same connection, with no separate SMTP set-up.");
/* Translators: how ews does "offline-copy" */
N_("A full copy of every folder can be kept on this computer.");
/* Translators: the name of a protocol (mapi) */
N_("MAPI");
/* Translators: what mapi does, one sentence */
N_("Outlook’s own protocol for Microsoft Exchange: everything Outlook shows, notes included.");
/* Translators: how mapi does "inbox" */
N_("The Inbox is synced both ways.");
/* Translators: how mapi does "all-folders" */
N_("Every folder is synced, including shared ones.");
/* Translators: how mapi does "sent-items" */
N_("Sent mail is saved on the server.");
/* Translators: how mapi does "deletions" */
N_("Deleting or moving an item shows on every device.");
/* Translators: how mapi does "read-state" */
N_("Read marks, flags and categories are synced both ways.");
/* Translators: how mapi does "push" */
N_("The server reports changes as they happen.");
/* Translators: how mapi does "contacts" */
N_("Every address book is synced both ways.");
/* Translators: how mapi does "calendar" */
N_("Every calendar is synced both ways.");
/* Translators: how mapi does "tasks" */
N_("Tasks are synced both ways.");
/* Translators: how mapi does "notes" */
N_("Notes are synced both ways.");
/* Translators: how mapi does "send" */
N_("Mail is sent over the same connection, with no separate SMTP set-up.");
/* Translators: how mapi does "offline-copy" */
N_("A full copy of every folder can be kept on this computer.");
/* Translators: the name of a protocol (caldav) */
N_("CalDAV");
/* Translators: what caldav does, one sentence */
N_("Syncs calendars and tasks with a server, both ways; most providers offer it.");
/* Translators: how caldav does "inbox" */
N_("CalDAV carries no mail.");
/* Translators: how caldav does "all-folders" */
N_("CalDAV carries no mail.");
/* Translators: how caldav does "sent-items" */
N_("CalDAV carries no mail.");
/* Translators: how caldav does "deletions" */
N_("Deleting an event removes it on every device.");
/* Translators: how caldav does "read-state" */
N_("CalDAV carries no mail.");
/* Translators: how caldav does "push" */
N_("Changes are found by checking on a schedule; CalDAV has no standard push.");
/* Translators: how caldav does "contacts" */
N_("Contacts need CardDAV.");
/* Translators: how caldav does "calendar" */
N_("Every calendar is synced both ways.");
/* Translators: how caldav does "tasks" */
N_("To-do items are synced both ways where the server stores them.");
/* Translators: how caldav does "notes" */
N_("CalDAV has no standard for notes.");
/* Translators: how caldav does "send" */
N_("CalDAV carries no mail.");
/* Translators: how caldav does "offline-copy" */
N_("A copy of every event is kept on this computer.");
/* Translators: the name of a protocol (carddav) */
N_("CardDAV");
/* Translators: what carddav does, one sentence */
N_("Syncs contacts with a server, both ways; most providers offer it.");
/* Translators: how carddav does "inbox" */
N_("CardDAV carries no mail.");
/* Translators: how carddav does "all-folders" */
N_("CardDAV carries no mail.");
/* Translators: how carddav does "sent-items" */
N_("CardDAV carries no mail.");
/* Translators: how carddav does "deletions" */
N_("Deleting a contact removes it on every device.");
/* Translators: how carddav does "read-state" */
N_("CardDAV carries no mail.");
/* Translators: how carddav does "push" */
N_("Changes are found by checking on a schedule; CardDAV has no standard push.");
/* Translators: how carddav does "contacts" */
N_("Every address book is synced both ways.");
/* Translators: how carddav does "calendar" */
N_("Calendars need CalDAV.");
/* Translators: how carddav does "tasks" */
N_("Tasks need CalDAV.");
/* Translators: how carddav does "notes" */
N_("CardDAV has no standard for notes.");
/* Translators: how carddav does "send" */
N_("CardDAV carries no mail.");
/* Translators: how carddav does "offline-copy" */
N_("A copy of every contact is kept on this computer.");
