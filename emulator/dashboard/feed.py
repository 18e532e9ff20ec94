"""The dashboard's live feed: every published event and every change of a fault rule, fanned
out to the open event streams, each encoded once however many pages follow.
"""

from __future__ import annotations

import asyncio

import msgspec
from litestar.response import ServerSentEventMessage

from emulator.admin.faults import rule_json
from emulator.domain.events import Event, EventBus
from emulator.domain.faults import FaultBook, Rule

# Messages a slow page has not taken yet; past that it misses some and reloads what it shows.
STREAM_BACKLOG = 1000
_encode = msgspec.json.Encoder().encode

Stream = asyncio.Queue[ServerSentEventMessage | None]
# What ends a stream: the server is stopping.
END_OF_STREAM = ServerSentEventMessage(comment="the emulator is stopping")


class LiveFeed:
    def __init__(self) -> None:
        self._streams: set[Stream] = set()

    @classmethod
    def following(cls, bus: EventBus, faults: FaultBook) -> LiveFeed:
        feed = cls()
        bus.subscribe(feed.on_event)
        faults.watch(feed.on_rule_change)
        return feed

    def on_event(self, event: Event) -> None:
        if self._streams:
            self._fan_out(ServerSentEventMessage(event="change", id=event.id, data=_encode(event).decode()))

    def on_rule_change(self, rule: Rule, removed: bool) -> None:
        if self._streams:
            change = {"removed": rule.id} if removed else {"rule": rule_json(rule)}
            self._fan_out(ServerSentEventMessage(event="fault", data=_encode(change).decode()))

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
