#!/usr/bin/python3
"""Writes a seeded, realistic mail corpus straight into a Maildir++ tree.

Usage: gen-mail.py MAILDIR_ROOT COUNT [SEED]

Five folders (INBOX, Sent, Archive, Work, Lists) share COUNT messages: plain text
and multipart/alternative bodies of a few kilobytes, threads with In-Reply-To, a
share of 8-bit and encoded headers, some small attachments, and a few large ones,
so that sizes follow the long tail real mailboxes have. The same seed gives the
same bytes.
"""

import base64
import os
import random
import sys
import time

FOLDERS = [("", 0.45), (".Sent", 0.15), (".Archive", 0.2), (".Work", 0.1), (".Lists", 0.1)]
WORDS = ("the of and to in is you that it he was for on are as with his they at be "
         "this have from or one had by word but not what all were we when your can "
         "said there use an each which she do how their if will up other about out "
         "many then them these so some her would make like him into time has look "
         "two more write go see number no way could people my than first water been "
         "call who oil its now find long down day did get come made may part meeting "
         "report budget draft review schedule release invoice travel lunch project").split()
NAMES = ["Alice Martin", "Bob Schmidt", "Carla Gómez", "Dmitri Ivanov", "Eve Dubois",
         "Farid Haddad", "Grace Lee", "Hanne Østergaard", "Ivo Novák", "Jun Tanaka"]


def words(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def paragraph(rng):
    lines, line = [], []
    for _ in range(rng.randint(20, 120)):
        line.append(rng.choice(WORDS))
        if len(" ".join(line)) > 66:
            lines.append(" ".join(line))
            line = []
    if line:
        lines.append(" ".join(line))
    return "\r\n".join(lines)


def address(name):
    local = name.split()[0].lower().encode("ascii", "ignore").decode() or "user"
    return "%s@example.test" % local


def encoded(name):
    try:
        name.encode("ascii")
        return name
    except UnicodeEncodeError:
        return "=?UTF-8?B?%s?=" % base64.b64encode(name.encode()).decode()


def message(rng, n, folder, when):
    sender = rng.choice(NAMES)
    to = rng.choice(NAMES)
    subject = words(rng, rng.randint(3, 9)).capitalize()
    mid = "<bench-%d-%d@example.test>" % (n, rng.randint(0, 1 << 30))
    headers = [
        "Return-Path: <%s>" % address(sender),
        "Date: %s" % time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(when)),
        "From: %s <%s>" % (encoded(sender), address(sender)),
        "To: %s <%s>" % (encoded(to), address(to)),
        "Subject: %s" % subject,
        "Message-ID: %s" % mid,
        "MIME-Version: 1.0",
    ]
    if n > 0 and rng.random() < 0.3:
        headers.append("In-Reply-To: <bench-%d-ref@example.test>" % rng.randint(0, n))
    if folder == ".Lists":
        headers.append("List-Id: <bench.lists.example.test>")

    body = "\r\n\r\n".join(paragraph(rng) for _ in range(rng.randint(1, 6)))
    kind = rng.random()
    if kind < 0.6:
        headers.append("Content-Type: text/plain; charset=utf-8")
        headers.append("Content-Transfer-Encoding: 8bit")
        text = body
    else:
        boundary = "b%016x" % rng.getrandbits(64)
        headers.append('Content-Type: multipart/%s; boundary="%s"'
                       % ("alternative" if kind < 0.9 else "mixed", boundary))
        parts = ["--%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s" % (boundary, body)]
        if kind < 0.9:
            html = "<html><body><p>%s</p></body></html>" % body.replace("\r\n\r\n", "</p><p>")
            parts.append("--%s\r\nContent-Type: text/html; charset=utf-8\r\n\r\n%s" % (boundary, html))
        else:
            size = rng.choice([2000, 8000, 30000, 30000, 120000, 600000])
            blob = base64.encodebytes(rng.getrandbits(8 * size).to_bytes(size, "little")).decode()
            parts.append("--%s\r\nContent-Type: application/octet-stream; name=\"file%d.bin\"\r\n"
                         "Content-Transfer-Encoding: base64\r\n"
                         "Content-Disposition: attachment; filename=\"file%d.bin\"\r\n\r\n%s"
                         % (boundary, n, n, blob.replace("\n", "\r\n")))
        text = "\r\n".join(parts) + "\r\n--%s--" % boundary
    return ("\r\n".join(headers) + "\r\n\r\n" + text + "\r\n").encode()


def main():
    root, count = sys.argv[1], int(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 20261129)
    start = 1700000000
    for folder, _ in FOLDERS:
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(root, folder, sub), exist_ok=True)
        if folder:
            open(os.path.join(root, folder, "maildirfolder"), "w").close()
    names = [f for f, _ in FOLDERS]
    weights = [w for _, w in FOLDERS]
    for n in range(count):
        folder = rng.choices(names, weights)[0]
        when = start + n * 97
        flags = "S" if rng.random() < 0.8 else ""
        if rng.random() < 0.05:
            flags = "F" + flags
        name = "%d.B%dM%d.bench:2,%s" % (when, n, rng.randint(0, 999999), "".join(sorted(flags)))
        path = os.path.join(root, folder, "cur", name)
        with open(path, "wb") as f:
            f.write(message(rng, n, folder, when))
        os.utime(path, (when, when))


if __name__ == "__main__":
    main()
