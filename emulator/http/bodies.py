"""Reading a request's body ahead of its handler, and handing it over as if unread."""

from __future__ import annotations

from litestar.exceptions import ClientException
from litestar.types import Message, Receive


class BodyTooLarge(ClientException):
    status_code = 413

    def __init__(self, limit: int) -> None:
        super().__init__(f"The request body is larger than {limit} bytes.")


async def whole_body(receive: Receive, limit: int | None = None) -> bytes:
    """Every chunk of the body, refused once it passes `limit` bytes (the rest is never read).

    A client that goes away mid-body gets no handler run on the part it sent."""
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            raise ClientException("The client went away.")
        chunk = message.get("body", b"")
        size += len(chunk)
        if limit is not None and size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def replaying(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the handler the body already read, then the client's own messages."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay  # type: ignore[return-value]
