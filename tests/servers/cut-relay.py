#!/usr/bin/python3
"""A TCP relay that cuts the connection after a number of bytes: for tests of a
connection lost in the middle of a download or an upload.

Usage: cut-relay.py LISTEN_PORT TARGET_PORT DOWN_BYTES UP_BYTES

Relays 127.0.0.1:LISTEN_PORT to 127.0.0.1:TARGET_PORT. Once more than DOWN_BYTES
went from the server to the client, or UP_BYTES the other way (0: no limit), both
sides are closed abruptly. Only the first connection is cut; later ones are relayed
in full. Prints "ready" once it listens.
"""

import socket
import sys
import threading

listen_port, target_port, down_limit, up_limit = map(int, sys.argv[1:5])
cut_done = threading.Event()


def relay(src, dst, limit, peers):
    total = 0
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if limit and not cut_done.is_set() and total + len(data) > limit:
                dst.sendall(data[: max(0, limit - total)])
                cut_done.set()
                for s in peers:
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    s.close()
                return
            total += len(data)
            dst.sendall(data)
    except OSError:
        pass
    for s in peers:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def handle(client):
    server = socket.create_connection(("127.0.0.1", target_port))
    cut = not cut_done.is_set()
    peers = (client, server)
    threading.Thread(target=relay, args=(server, client, down_limit if cut else 0, peers), daemon=True).start()
    relay(client, server, up_limit if cut else 0, peers)


listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", listen_port))
listener.listen(8)
print("ready", flush=True)
while True:
    connection, _ = listener.accept()
    threading.Thread(target=handle, args=(connection,), daemon=True).start()
