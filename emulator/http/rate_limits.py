"""The rate-limit headers on an answer, and the 429 that refuses a request, as every face sends them."""

from __future__ import annotations

from litestar.types import Message, Send

from emulator.domain.rate_limits import Decision


def rate_header_values(decision: Decision) -> dict[str, str]:
    return {
        "x-ratelimit-limit": str(decision.limit),
        "x-ratelimit-remaining": str(decision.remaining),
        "x-ratelimit-reset": str(decision.reset_at),
    }


def rate_headers(decision: Decision) -> list[tuple[bytes, bytes]]:
    return [(name.encode(), value.encode()) for name, value in rate_header_values(decision).items()]


def with_headers(send: Send, decision: Decision) -> Send:
    extra = rate_headers(decision)

    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", ()), *extra]
        await send(message)

    return send_with_headers


async def send_refusal(send: Send, decision: Decision, body: bytes) -> None:
    """The 429 answer: `body` (each face's error shape), Retry-After and the rate-limit headers."""
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(decision.retry_after).encode()),
        *rate_headers(decision),
    ]
    await send({"type": "http.response.start", "status": 429, "headers": headers})
    await send({"type": "http.response.body", "body": body})
