"""The dashboard's live feed: every published event, fanned out to the open event streams.

It also remembers the reactions it saw, since a reaction is an event, not a stored message,
and a chat drawn later should still show it.
"""

from __future__ import annotations

import asyncio

from emulator.domain.events import Event, EventBus

# Events a slow page has not taken yet; past that it misses some and reloads what it shows.
STREAM_BACKLOG = 1000


class LiveFeed:
    def __init__(self) -> None:
        self._streams: set[asyncio.Queue[Event | None]] = set()
        self._reactions: dict[tuple[int, str], str] = {}

    @classmethod
    def following(cls, bus: EventBus) -> LiveFeed:
        feed = cls()
        bus.subscribe(feed.on_event)
        return feed

    def on_event(self, event: Event) -> None:
        if event.id == 1:
            self._reactions.clear()  # the journal started over: the emulator was reset
        if event.event == "messages.reaction":
            self._remember_reactions(event)
        for stream in self._streams:
            if stream.full():
                stream.get_nowait()
                stream.put_nowait(None)  # tells the page it lost events
            else:
                stream.put_nowait(event)

    def open_stream(self) -> asyncio.Queue[Event | None]:
        stream: asyncio.Queue[Event | None] = asyncio.Queue(maxsize=STREAM_BACKLOG)
        self._streams.add(stream)
        return stream

    def close_stream(self, stream: asyncio.Queue[Event | None]) -> None:
        self._streams.discard(stream)

    def reaction_to(self, session_id: int, key_id: str) -> str | None:
        return self._reactions.get((session_id, key_id))

    def _remember_reactions(self, event: Event) -> None:
        for item in event.data:
            key = (event.session_id, item["key"]["id"])
            emoji = item["reaction"]["text"]
            if emoji:
                self._reactions[key] = emoji
            else:
                self._reactions.pop(key, None)
