#!/usr/bin/python3
"""A TCP relay that delays every chunk by DELAY_MS in each direction.

Usage: latency-proxy.py LISTEN_PORT TARGET_HOST TARGET_PORT DELAY_MS

Prints "ready" once it listens. Bytes keep their order; each direction is delayed
on its own, so a request/response round trip costs 2 × DELAY_MS, like a real
network, and a pipelined stream is not slowed more than once.
"""

import asyncio
import sys


async def pipe(reader, writer, delay):
    queue = asyncio.Queue()

    async def sender():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - asyncio.get_running_loop().time()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        writer.close()

    task = asyncio.create_task(sender())
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            await queue.put((asyncio.get_running_loop().time() + delay, data))
    finally:
        await queue.put((0, None))
        await task


async def main():
    port, host, target, delay = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4]) / 1000

    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection(host, target)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, server_writer, delay),
                             pipe(server_reader, client_writer, delay),
                             return_exceptions=True)

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
