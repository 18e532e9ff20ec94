"""A webhook receiver for the bench: answers every POST after a fixed delay, and counts them.

A minimal HTTP/1.1 server with keep-alive on a thread of its own, so the emulator's
dispatcher meets a receiver as slow as a real one without the bench needing a framework.
"""

from __future__ import annotations

import asyncio
import threading
import time


class SlowReceiver:
    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.received = 0
        self.first_at: float | None = None
        self.last_at: float | None = None
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0, backlog=1024))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")),
                    0,
                )
                await reader.readexactly(length)
                await asyncio.sleep(self.delay)
                now = time.perf_counter()
                self.received += 1
                self.first_at = self.first_at or now
                self.last_at = now
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            writer.close()

    def stop(self) -> None:
        async def close_connections() -> None:
            connections = asyncio.all_tasks() - {asyncio.current_task()}
            for task in connections:
                task.cancel()
            await asyncio.gather(*connections, return_exceptions=True)
            self._loop.stop()

        asyncio.run_coroutine_threadsafe(close_connections(), self._loop)
        self._thread.join(5)
