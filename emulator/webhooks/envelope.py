"""The request body of a webhook: the documented envelope around an event's data."""

from __future__ import annotations

import msgspec

from emulator.domain.events import Event

# The pages of these events show the timestamp in milliseconds; every other page, in seconds.
MILLISECOND_EVENTS = frozenset({"messages.update", "message-receipt.update", "poll.results"})

_encode = msgspec.json.Encoder().encode


def envelope(event: Event, session_api_key: str) -> bytes:
    """`{"event", "timestamp", "sessionId", "data"}`; the pages name the session by its API key."""
    timestamp = event.timestamp * 1000 if event.event in MILLISECOND_EVENTS else event.timestamp
    return _encode({"event": event.event, "timestamp": timestamp, "sessionId": session_api_key, "data": event.data})
