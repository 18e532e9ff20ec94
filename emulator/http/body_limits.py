"""The edges of a request body: how large it may be, and how slowly it may arrive.

Each route's size limit is Litestar's `request_max_body_size` (the lean send route checks its
own): a body announced larger is refused by its Content-Length before a byte is read, a
chunked one once it passes the limit. The 413 (like the 408 below) closes the connection, so
the rest of the body is never read.

A body must keep arriving at MIN_BODY_BYTES_PER_SECOND once BODY_GRACE_SECONDS have passed,
or the request is cut off with 408: a client trickling a byte a second cannot hold a handler
and its connection forever, while a 100 MB upload at any real speed is never cut off.
"""

from __future__ import annotations

import asyncio
from typing import Any

from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_BODY = 2 * 1024 * 1024
# Documents may be 100 MB, and base64 adds a third.
MEDIA_MAX_BODY = 140 * 1024 * 1024
BODY_GRACE_SECONDS = 5.0
MIN_BODY_BYTES_PER_SECOND = 1024
# Answers after which the rest of the request is not read: the connection closes.
CLOSING_STATUSES = frozenset({408, 413})


class BodyTooSlow(HTTPException):
    status_code = 408


# How often the body reads in progress are checked against their deadlines: a client that falls
# behind is cut off at most this much later than its deadline.
SWEEP_SECONDS = 0.25


def body_deadline_middleware(app: ASGIApp) -> ASGIApp:
    watch = _BodyWatch()

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        await app(scope, watch.deadlined(receive), send)

    return middleware


class _BodyWatch:
    """The requests waiting for more of their body, each with its deadline, and one sweep that
    cuts off the late ones. A body mostly arrives whole with its headers: then a read waits for
    nothing, and a timer of its own for each read (asyncio.timeout) would be work for nothing."""

    def __init__(self) -> None:
        self._waiting: dict[asyncio.Task[Any], float] = {}
        self._cut_off: set[asyncio.Task[Any]] = set()
        self._sweep_armed = False

    def deadlined(self, receive: Receive) -> Receive:
        """`receive` that raises BodyTooSlow when the body falls behind the minimum rate."""
        started = asyncio.get_running_loop().time()
        received = 0
        body_done = False

        async def timed_receive() -> Message:
            nonlocal received, body_done
            if body_done:
                # After the body only a disconnect can come, and waiting for it has no deadline.
                return await receive()
            task = asyncio.current_task()
            assert task is not None
            self._wait(task, started + BODY_GRACE_SECONDS + received / MIN_BODY_BYTES_PER_SECOND)
            try:
                message = await receive()
            except asyncio.CancelledError:
                if self._was_cut_off(task):
                    raise BodyTooSlow(
                        f"The request body arrived slower than {MIN_BODY_BYTES_PER_SECOND} bytes a second."
                    ) from None
                raise
            finally:
                self._waiting.pop(task, None)
            received += len(message.get("body", b""))
            body_done = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        return timed_receive

    def _wait(self, task: asyncio.Task[Any], deadline: float) -> None:
        self._waiting[task] = deadline
        if not self._sweep_armed:
            self._arm_sweep()

    def _arm_sweep(self) -> None:
        self._sweep_armed = True
        asyncio.get_running_loop().call_later(SWEEP_SECONDS, self._sweep)

    def _sweep(self) -> None:
        self._sweep_armed = False
        now = asyncio.get_running_loop().time()
        for task, deadline in list(self._waiting.items()):
            if deadline <= now:
                del self._waiting[task]
                self._cut_off.add(task)
                task.cancel()
        if self._waiting:
            self._arm_sweep()

    def _was_cut_off(self, task: asyncio.Task[Any]) -> bool:
        if task not in self._cut_off:
            return False
        self._cut_off.discard(task)
        task.uncancel()
        return True
