#!/usr/bin/python3
# smtp-sink.py - a minimal SMTP server for Accord's test harness (stdlib only)
#
# Usage: smtp-sink.py PORT_FILE OUTDIR
#
# Listens on 127.0.0.1 on a port the kernel picks, writes that port number to
# PORT_FILE once it accepts connections, and accepts every message.  Dovecot's
# submission service relays to it.  For every message it writes, atomically:
#
#   OUTDIR/N.json  the envelope: {"mail_from": "...", "rcpt_to": ["...", ...]}
#   OUTDIR/N.eml   the message exactly as received (dot-unstuffed, CRLF)
#
# with N = 1, 2, 3 ...  The .eml file is renamed into place last, so once it
# exists its .json exists too.  Stops on SIGTERM/SIGINT.

import json
import os
import signal
import socketserver
import sys
import threading

MAX_SIZE = 52428800


class Handler(socketserver.StreamRequestHandler):
    def reply(self, text):
        self.wfile.write(text.encode() + b"\r\n")
        self.wfile.flush()

    @staticmethod
    def path_arg(arg):
        # "<a@b> SIZE=123 BODY=8BITMIME" -> "a@b"
        arg = arg.strip()
        if arg.startswith("<"):
            end = arg.find(">")
            return arg[1:end] if end > 0 else arg[1:]
        return arg.split(" ", 1)[0]

    def read_data(self):
        lines = []
        while True:
            line = self.rfile.readline(1 << 20)
            if not line:
                return None
            if line in (b".\r\n", b".\n"):
                return b"".join(lines)
            if line.startswith(b"."):
                line = line[1:]
            lines.append(line)

    def store(self, mail_from, rcpt_to, data):
        server = self.server
        with server.lock:
            server.count += 1
            n = server.count
        base = os.path.join(server.outdir, str(n))
        for suffix, content in ((".json", json.dumps({"mail_from": mail_from,
                                                      "rcpt_to": rcpt_to},
                                                     indent=1).encode()),
                                (".eml", data)):
            tmp = os.path.join(server.outdir, ".tmp-%d%s" % (n, suffix))
            with open(tmp, "wb") as f:
                f.write(content)
            os.rename(tmp, base + suffix)

    def handle(self):
        self.reply("220 localhost accord-test smtp-sink ESMTP")
        mail_from = None
        rcpt_to = []
        while True:
            raw = self.rfile.readline(65536)
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line.split(" ", 1)[0].upper()
            arg = line[len(verb):].strip()
            if verb in ("EHLO", "LHLO"):
                self.wfile.write(b"250-localhost\r\n250-8BITMIME\r\n"
                                 b"250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n"
                                 b"250-SMTPUTF8\r\n"
                                 b"250 SIZE %d\r\n" % MAX_SIZE)
                self.wfile.flush()
            elif verb == "HELO":
                self.reply("250 localhost")
            elif verb == "MAIL" and arg.upper().startswith("FROM:"):
                mail_from = self.path_arg(arg[5:])
                rcpt_to = []
                self.reply("250 2.1.0 OK")
            elif verb == "RCPT" and arg.upper().startswith("TO:"):
                if mail_from is None:
                    self.reply("503 5.5.1 MAIL first")
                    continue
                rcpt_to.append(self.path_arg(arg[3:]))
                self.reply("250 2.1.5 OK")
            elif verb == "DATA":
                if mail_from is None or not rcpt_to:
                    self.reply("503 5.5.1 MAIL and RCPT first")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = self.read_data()
                if data is None:
                    return
                self.store(mail_from, rcpt_to, data)
                mail_from = None
                rcpt_to = []
                self.reply("250 2.0.0 OK queued")
            elif verb == "RSET":
                mail_from = None
                rcpt_to = []
                self.reply("250 2.0.0 OK")
            elif verb == "NOOP":
                self.reply("250 2.0.0 OK")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.2 Command not implemented")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: smtp-sink.py PORT_FILE OUTDIR\n")
        return 2
    port_file, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)

    def stop(signum, frame):
        os._exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    server = Server(("127.0.0.1", 0), Handler)
    server.outdir = outdir
    server.count = 0
    server.lock = threading.Lock()

    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, port_file)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
