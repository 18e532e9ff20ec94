"""The capture inbox: a webhook receiver inside the emulator, so tests need no server of their own.

A session points `webhook_url` at `<emulator>/admin/inbox/<name>`; every request that arrives
is kept, headers and body, for tests to read. `?fail=N` in the URL makes the first N requests
to that inbox answer 500, to exercise retries.
"""

from __future__ import annotations

import itertools
from collections import deque
from typing import Any

import msgspec

from emulator.http.json_bodies import decode_json

# Requests kept per inbox; older ones make room.
INBOX_SIZE = 10_000


class CapturedRequest(msgspec.Struct, kw_only=True):
    id: int
    received_at: float
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: Any  # the JSON value when the body parses, else its text
    answered: int


class CaptureInbox:
    def __init__(self) -> None:
        self._inboxes: dict[str, deque[CapturedRequest]] = {}
        self._received: dict[str, int] = {}
        self._ids = itertools.count(1)

    def receive(
        self, name: str, method: str, path: str, query: str, headers: dict[str, str], body: bytes, fail: int, now: float
    ) -> int:
        """Keep a request and answer the status code the inbox replies with."""
        received = self._received.get(name, 0)
        self._received[name] = received + 1
        answered = 500 if received < fail else 200
        request = CapturedRequest(
            id=next(self._ids),
            received_at=now,
            method=method,
            path=path,
            query=query,
            headers={k.lower(): v for k, v in headers.items()},
            body=_parsed(body),
            answered=answered,
        )
        self._inboxes.setdefault(name, deque(maxlen=INBOX_SIZE)).append(request)
        return answered

    def names(self) -> list[str]:
        return sorted(self._inboxes)

    def read(self, name: str) -> list[CapturedRequest]:
        return list(self._inboxes.get(name, ()))

    def empty(self, name: str) -> None:
        self._inboxes.pop(name, None)
        self._received.pop(name, None)

    def clear(self) -> None:
        self._inboxes.clear()
        self._received.clear()
        self._ids = itertools.count(1)


def _parsed(body: bytes) -> Any:
    try:
        return decode_json(body)
    except msgspec.DecodeError:
        return body.decode("utf-8", errors="replace")
