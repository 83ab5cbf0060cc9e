#!/usr/bin/python3
"""Applies the benchmark's delta to the server over IMAP: NEW new messages in the
INBOX, FLAGS flag changes and EXPUNGES expunges spread over the folders (seeded).

Usage: imap-delta.py HOST PORT CA_FILE USER PASSWORD NEW FLAGS EXPUNGES [SEED]
"""

import imaplib
import random
import ssl
import sys
import time


def main():
    host, port, ca, user, password = sys.argv[1:6]
    new, flags, expunges = map(int, sys.argv[6:9])
    rng = random.Random(int(sys.argv[9]) if len(sys.argv) > 9 else 7)
    context = ssl.create_default_context(cafile=ca)
    imap = imaplib.IMAP4_SSL(host, int(port), ssl_context=context)
    imap.login(user, password)

    for n in range(new):
        body = ("From: Delta <delta@example.test>\r\nTo: alice@example.test\r\n"
                "Subject: Delta %d\r\nMessage-ID: <delta-%d@example.test>\r\n"
                "Date: Sun, 29 Nov 2026 10:00:00 +0000\r\n\r\nNew message %d.\r\n" % (n, n, n))
        imap.append("INBOX", None, imaplib.Time2Internaldate(time.time()), body.encode())

    folders = ["INBOX", "Sent", "Archive", "Work", "Lists"]
    per = {f: [] for f in folders}
    for f in folders:
        imap.select(f)
        typ, data = imap.uid("SEARCH", None, "ALL")
        per[f] = data[0].split()

    plan = {}
    for _ in range(flags):
        f = rng.choice(folders)
        if per[f]:
            plan.setdefault(f, {"flag": [], "gone": []})["flag"].append(rng.choice(per[f]))
    for _ in range(expunges):
        f = rng.choice(folders)
        if per[f]:
            uid = per[f].pop(rng.randrange(len(per[f])))
            plan.setdefault(f, {"flag": [], "gone": []})["gone"].append(uid)

    for f, todo in plan.items():
        imap.select(f)
        for uid in todo["flag"]:
            imap.uid("STORE", uid, "+FLAGS.SILENT", "(\\Flagged)")
        if todo["gone"]:
            imap.uid("STORE", b",".join(todo["gone"]), "+FLAGS.SILENT", "(\\Deleted)")
            imap.uid("EXPUNGE", b",".join(todo["gone"]))
    imap.logout()


if __name__ == "__main__":
    main()
