"""Reading a request's body ahead of its handler, and handing it over as if unread."""

from __future__ import annotations

from litestar.types import Message, Receive


async def whole_body(receive: Receive) -> bytes:
    """Every chunk of the body, up to the end or until the client goes away."""
    chunks, more = [], True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
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
