"""The live feed behind the dashboard's event stream: what a page gets, and how its stream ends."""

from __future__ import annotations

import asyncio

from emulator.dashboard.feed import STREAM_BACKLOG, LiveFeed
from emulator.dashboard.routes import _events
from emulator.domain.events import Event


def event(n: int) -> Event:
    return Event(id=n, session_id=1, event="messages.upsert", timestamp=n, data={})


async def read_until_the_end(feed: LiveFeed, events: int) -> list[str | None]:
    stream = _events(feed)
    seen = [(await anext(stream)).event]  # "ready": the stream is open
    for n in range(1, events + 1):
        feed.on_event(event(n))
    feed.close()
    seen += [message.event async for message in stream]
    return seen


def test_closing_ends_a_stream_after_what_it_was_sent() -> None:
    assert asyncio.run(read_until_the_end(LiveFeed(), 2)) == ["ready", "change", "change"]


def test_closing_ends_even_a_stream_whose_page_fell_behind() -> None:
    seen = asyncio.run(read_until_the_end(LiveFeed(), STREAM_BACKLOG + 5))
    assert seen[0] == "ready" and seen[-1] == "lost"  # the page learns it missed some, then the end
    assert len(seen) == STREAM_BACKLOG  # "ready", then the backlog but for the place the end took
