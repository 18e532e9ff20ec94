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


def body_deadline_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        await app(scope, _deadlined(receive), send)

    return middleware


def _deadlined(receive: Receive) -> Receive:
    """`receive` that raises BodyTooSlow when the body falls behind the minimum rate."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    received = 0
    body_done = False

    async def timed_receive() -> Message:
        nonlocal received, body_done
        if body_done:
            # After the body only a disconnect can come, and waiting for it has no deadline.
            return await receive()
        deadline = started + BODY_GRACE_SECONDS + received / MIN_BODY_BYTES_PER_SECOND
        try:
            async with asyncio.timeout_at(deadline):
                message = await receive()
        except TimeoutError:
            raise BodyTooSlow(
                f"The request body arrived slower than {MIN_BODY_BYTES_PER_SECOND} bytes a second."
            ) from None
        received += len(message.get("body", b""))
        body_done = message["type"] != "http.request" or not message.get("more_body", False)
        return message

    return timed_receive
