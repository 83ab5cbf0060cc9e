#!/usr/bin/python3
# plain-proxy.py - TCP relay in front of Dovecot's plain-text ports (stdlib only)
#
# Usage: plain-proxy.py PORT_FILE TARGET_PORT...
#
# Dovecot counts every connection whose remote address equals its local
# address (all of loopback) as secure, so disable_plaintext_auth would never
# apply in tests.  This relay listens on 127.0.0.1 (one port the kernel picks
# per TARGET_PORT), and passes each connection on to 127.0.0.1:TARGET_PORT,
# a Dovecot listener with "haproxy = yes", after a PROXY protocol v1 header
# that names the real client.  A proxied connection is secure for Dovecot only
# if the header says so, which it never does: clients must use STARTTLS (or
# STLS) before they may log in, exactly as on a real server.
#
# Writes the listening ports, in TARGET_PORT order and space-separated, to
# PORT_FILE once they accept connections.  Stops on SIGTERM/SIGINT.

import os
import signal
import socket
import sys
import threading


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def relay(client, target_port):
    with client:
        try:
            server = socket.create_connection(("127.0.0.1", target_port))
        except OSError:
            return
        with server:
            peer = client.getpeername()
            local = client.getsockname()
            header = "PROXY TCP4 %s %s %d %d\r\n" % (peer[0], local[0],
                                                     peer[1], local[1])
            server.sendall(header.encode())
            t = threading.Thread(target=pump, args=(server, client),
                                 daemon=True)
            t.start()
            pump(client, server)
            t.join()


def serve(listener, target_port):
    while True:
        client, _ = listener.accept()
        threading.Thread(target=relay, args=(client, target_port),
                         daemon=True).start()


def main():
    if len(sys.argv) < 3:
        sys.stderr.write("usage: plain-proxy.py PORT_FILE TARGET_PORT...\n")
        return 2
    port_file = sys.argv[1]
    targets = [int(p) for p in sys.argv[2:]]

    def stop(signum, frame):
        os._exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    listeners = []
    for target in targets:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        listeners.append(sock)

    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(" ".join(str(s.getsockname()[1]) for s in listeners) + "\n")
    os.rename(tmp, port_file)

    threads = [threading.Thread(target=serve, args=(sock, target),
                                daemon=True)
               for sock, target in zip(listeners, targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
