"""The dashboard's live feed: every published event, every change of a fault rule, and word
that the sessions or where their events go changed, fanned out to the open event streams, each
encoded once however many pages follow.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol

import msgspec
from litestar.response import ServerSentEventMessage

from emulator.admin.faults import rule_json
from emulator.domain.events import Event, EventBus
from emulator.domain.faults import FaultBook, Rule

# Messages a slow page has not taken yet; past that it misses some and reloads what it shows.
STREAM_BACKLOG = 1000
_encode = msgspec.json.Encoder().encode


class Watchable(Protocol):
    def watch(self, watcher: Callable[[], None]) -> None: ...


Stream = asyncio.Queue[ServerSentEventMessage | None]
# What ends a stream: the server is stopping.
END_OF_STREAM = ServerSentEventMessage(comment="the emulator is stopping")
# The page reads the session cards again: which session changed does not spare it that.
SESSIONS_CHANGED = ServerSentEventMessage(event="sessions", data="{}")


class LiveFeed:
    def __init__(self) -> None:
        self._streams: set[Stream] = set()

    @classmethod
    def following(cls, bus: EventBus, faults: FaultBook, card_sources: list[Watchable]) -> LiveFeed:
        """`card_sources`: what tells of changes to the sessions' cards besides events."""
        feed = cls()
        bus.subscribe(feed.on_event)
        faults.watch(feed.on_rule_change)
        for source in card_sources:
            source.watch(feed.on_sessions_change)
        return feed

    def on_event(self, event: Event) -> None:
        if self._streams:
            self._fan_out(ServerSentEventMessage(event="change", id=event.id, data=_encode(event).decode()))

    def on_rule_change(self, rule: Rule, removed: bool) -> None:
        if self._streams:
            change = {"removed": rule.id} if removed else {"rule": rule_json(rule)}
            self._fan_out(ServerSentEventMessage(event="fault", data=_encode(change).decode()))

    def on_sessions_change(self) -> None:
        if self._streams:
            self._fan_out(SESSIONS_CHANGED)

    def open_stream(self) -> Stream:
        stream: Stream = asyncio.Queue(maxsize=STREAM_BACKLOG)
        self._streams.add(stream)
        return stream

    def close_stream(self, stream: Stream) -> None:
        self._streams.discard(stream)

    def close(self) -> None:
        """End every open stream, however far behind its page is."""
        for stream in self._streams:
            if stream.full():
                stream.get_nowait()
            stream.put_nowait(END_OF_STREAM)

    def _fan_out(self, message: ServerSentEventMessage) -> None:
        for stream in self._streams:
            if stream.full():
                stream.get_nowait()
                stream.put_nowait(None)  # tells the page it lost messages
            else:
                stream.put_nowait(message)
