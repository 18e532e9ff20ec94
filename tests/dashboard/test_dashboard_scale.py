"""The dashboard at scale: 50 sessions and a chat of 10,000 messages stay quick in a real browser.

The state is built through the emulator's own services on a database file, in a few seconds,
then the emulator is started on that file as a user would.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from emulator.config import Settings
from emulator.core import Core
from tests.conftest import LiveServer
from tests.dashboard.screens import open_chat, open_dashboard, session_card

SESSIONS = 50
MESSAGES = 10_000
CHAT = "15557771111@s.whatsapp.net"
PAGE_SIZE = 50
MAX_BUBBLES = 200
# Generous for a loaded 2-core machine; a page that rendered everything would miss them by far.
RENDER_SECONDS = 3.0


def _fixtures(path: Path) -> None:
    sessions = [
        {
            "id": n,
            "name": f"Scale {n}",
            "phone_number": f"+1555020{n:04d}",
            "status": "connected" if n % 10 else "disconnected",
            "api_key": f"{n:064x}",
            "webhook_secret": f"{n:032x}",
        }
        for n in range(1, SESSIONS + 1)
    ]
    account = {
        "id": 1, "name": "Scale", "email": "scale@example.com", "plan": "paid", "session_limit": SESSIONS,
        "personal_access_token": "scale-token-0001", "sessions": sessions,
    }  # fmt: skip
    path.write_text(json.dumps({"accounts": [account]}))


async def _long_chat(db: Path, fixtures: Path) -> None:
    core = Core(Settings(db=str(db), fixtures=str(fixtures), clock="virtual", seed="scale"))
    await core.start()
    session = core.sessions.get(1)
    assert session is not None
    batch = 500  # receives of one batch share the database's group commits
    for start in range(0, MESSAGES, batch):
        lines = range(start, start + batch)
        await asyncio.gather(*(core.messages.receive(session, CHAT, {"conversation": f"line {n}"}, "text") for n in lines))
    await core.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("scale")
    db, fixtures = folder / "state.db", folder / "fixtures.json"
    _fixtures(fixtures)
    # Its own thread: the browser's driver keeps an event loop running in this one.
    builder = threading.Thread(target=asyncio.run, args=(_long_chat(db, fixtures),))
    builder.start()
    builder.join()
    running = LiveServer("--clock", "virtual", "--fixtures", str(fixtures), db=db, log=folder / "server.log")
    yield running
    running.stop()


def test_fifty_sessions_render_at_once(page: Page, server: LiveServer) -> None:
    started = time.monotonic()
    open_dashboard(page, server)
    expect(page.locator("#session-list .card")).to_have_count(SESSIONS)
    assert time.monotonic() - started < RENDER_SECONDS
    expect(session_card(page, SESSIONS).locator(".status")).to_contain_text("disconnected")
    expect(page.locator("#chat-session option")).to_have_count(SESSIONS)


def test_a_chat_of_ten_thousand_messages_shows_a_window_of_pages(page: Page, server: LiveServer) -> None:
    open_dashboard(page, server)
    started = time.monotonic()
    open_chat(page, 1, CHAT)
    bubbles = page.locator("#bubbles .bubble")
    expect(bubbles).to_have_count(PAGE_SIZE)
    assert time.monotonic() - started < RENDER_SECONDS
    expect(bubbles.last).to_contain_text(f"line {MESSAGES - 1}")
    expect(bubbles.first).to_contain_text(f"line {MESSAGES - PAGE_SIZE}")

    # Scrolling up loads the older pages; past the window the newest leave the page.
    box = page.locator("#messages")
    for pages in range(2, 8):
        box.evaluate("box => { box.scrollTop = 0; }")
        expect(bubbles.first).to_contain_text(f"line {MESSAGES - pages * PAGE_SIZE}")
        assert bubbles.count() == min(pages * PAGE_SIZE, MAX_BUBBLES)
    newest = MESSAGES - 7 * PAGE_SIZE + MAX_BUBBLES - 1
    expect(bubbles.last).to_contain_text(f"line {newest}")
    expect(page.get_by_role("button", name="Load newer messages")).to_be_visible()

    # Back down: the newer pages come back, and the oldest leave in turn.
    while newest < MESSAGES - 1:
        newest += PAGE_SIZE
        box.evaluate("box => { box.scrollTop = box.scrollHeight; }")
        expect(bubbles.last).to_contain_text(f"line {newest}")
        assert bubbles.count() == MAX_BUBBLES
    assert newest == MESSAGES - 1
    expect(page.get_by_role("button", name="Load newer messages")).to_be_hidden()
