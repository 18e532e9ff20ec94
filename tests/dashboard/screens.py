"""What the dashboard's browser tests share: the emulator they open, and how they read its page."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Locator, Page, expect

from tests.conftest import LiveServer

DOCS = Path(__file__).parents[2] / "docs"
# An SSE change must reach the page well within this.
LIVE_MS = 1000


def admin(server: LiveServer, method: str, path: str, **options: Any) -> Any:
    response = httpx.request(method, f"{server.url}/admin{path}", **options)
    assert response.status_code in (200, 201), response.text
    return response.json()["data"]


def open_dashboard(page: Page, server: LiveServer) -> None:
    page.goto(server.url + "/")
    expect(page.locator("#live")).to_have_text("live")


def session_card(page: Page, session_id: int) -> Locator:
    return page.locator(f'[data-session="{session_id}"]')


def bubble(page: Page, text: str) -> Locator:
    return page.locator("#bubbles .bubble", has_text=text)


def open_chat(page: Page, session_id: int, chat: str) -> None:
    page.get_by_role("tab", name="Chats").click()
    page.locator("#chat-session").select_option(str(session_id))
    page.locator(f'#chat-list [data-chat="{chat}"]').click()
    expect(page.locator("#chat-title")).to_contain_text(chat.split("@")[0])


def screenshot(page: Page, name: str) -> None:
    if os.environ.get("DASHBOARD_SCREENSHOTS"):
        page.screenshot(path=str(DOCS / name))
