"""The one place state changes are published.

Each change publishes exactly one event here. Subscribers (the webhook dispatcher) receive
it; a bounded journal keeps the latest ones for inspection through the admin API.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable
from typing import Any

import msgspec

from emulator.clock import Clock


class Event(msgspec.Struct, frozen=True):
    id: int
    session_id: int
    event: str
    timestamp: int
    data: Any  # an object, or a list where the event's doc page shows one (groups.upsert, ...)
    # The stored message the event is about, for subscribers that name messages by their own ids.
    message_id: int | None = None


Subscriber = Callable[[Event], None]

# The documented webhook events, in the docs' order.
DOCUMENTED_EVENTS: tuple[str, ...] = (
    "messages.received",
    "messages.upsert",
    "messages.update",
    "messages.delete",
    "messages.reaction",
    "message.sent",
    "message-receipt.update",
    "messages-group.received",
    "messages-personal.received",
    "messages-newsletter.received",
    "chats.upsert",
    "chats.update",
    "chats.delete",
    "groups.upsert",
    "groups.update",
    "group-participants.update",
    "contacts.upsert",
    "contacts.update",
    "session.status",
    "qrcode.updated",
    "call",
    "poll.results",
)
# Spellings the official Python SDK uses for two of them.
EVENT_ALIASES: dict[str, str] = {"messages.recieved": "messages.received", "call.received": "call"}
WEBHOOK_EVENT_NAMES: tuple[str, ...] = DOCUMENTED_EVENTS + tuple(EVENT_ALIASES)


class EventBus:
    def __init__(self, clock: Clock, journal_size: int = 10_000) -> None:
        self._clock = clock
        self._journal: deque[Event] = deque(maxlen=journal_size)
        self._subscribers: list[Subscriber] = []
        self._ids = itertools.count(1)

    def subscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.append(subscriber)

    def publish(self, session_id: int, event: str, data: Any, message_id: int | None = None) -> Event:
        published = Event(next(self._ids), session_id, event, int(self._clock.now()), data, message_id)
        self._journal.append(published)
        for subscriber in self._subscribers:
            subscriber(published)
        return published

    def journal(self, session_id: int | None = None, event: str | None = None) -> list[Event]:
        return [
            e
            for e in self._journal
            if (session_id is None or e.session_id == session_id) and (event is None or e.event == event)
        ]

    def clear(self) -> None:
        self._journal.clear()
        self._ids = itertools.count(1)
