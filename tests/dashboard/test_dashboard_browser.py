"""The dashboard in a real browser: pairing, chats, ticks and webhooks, live, without a reload.

DASHBOARD_SCREENSHOTS=1 also rewrites the README's screenshots in docs/.
"""

from __future__ import annotations

import base64
import os
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect
from wasenderapi import create_sync_wasender

from tests.conftest import CONNECTED_ID, CONNECTED_KEY, DISCONNECTED_ID, PAT, LiveServer, auth

DOCS = Path(__file__).parents[2] / "docs"
CONTACT = "+15557771111"
CONTACT_CHAT = "15557771111@s.whatsapp.net"
INBOX = "dashboard"
# An SSE change must reach the page well within this.
LIVE_MS = 1000


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    running = LiveServer("--clock", "virtual", "--seed", "dashboard", log=tmp_path / "server.log")
    yield running
    running.stop()


def _admin(server: LiveServer, method: str, path: str, **options: object) -> dict:
    response = httpx.request(method, f"{server.url}/admin{path}", **options)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _open(page: Page, server: LiveServer) -> None:
    page.goto(server.url + "/")
    expect(page.locator("#live")).to_have_text("live")


def _session_card(page: Page, session_id: int):
    return page.locator(f'[data-session="{session_id}"]')


def _bubble(page: Page, text: str):
    return page.locator("#bubbles .bubble", has_text=text)


def _screenshot(page: Page, name: str) -> None:
    if os.environ.get("DASHBOARD_SCREENSHOTS"):
        page.screenshot(path=str(DOCS / name))


def _small_png() -> str:
    """A 48x32 gradient, as a data URL: an image a contact sends."""
    width, height = 48, 32
    rows = b"".join(b"\x00" + bytes(v for x in range(width) for v in (7 * x % 256, 120, 8 * y % 256)) for y in range(height))
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    return "data:image/png;base64," + base64.b64encode(png).decode()


def test_pairing_a_session_by_its_qr_code_shows_live(page: Page, server: LiveServer) -> None:
    _open(page, server)
    expect(_session_card(page, CONNECTED_ID).locator(".status")).to_contain_text("connected")
    card = _session_card(page, DISCONNECTED_ID)
    expect(card.locator(".status")).to_contain_text("disconnected")

    card.get_by_role("button", name="Connect").click()
    qr = card.get_by_role("img", name=f"QR code to pair session {DISCONNECTED_ID}")
    expect(qr).to_be_visible()
    # The image is the PNG the vendor API gives for the session's current QR code.
    current = httpx.get(
        f"{server.api_url}/whatsapp-sessions/{DISCONNECTED_ID}/qrcode?qrAsImage=true", headers=auth(PAT)
    ).json()["data"]["qrCode"]
    expect(qr).to_have_attribute("src", current)
    assert current.startswith("data:image/png;base64,")
    _screenshot(page, "dashboard-sessions.png")

    # The clock moves past the QR code's lifetime: a new one replaces it on the page.
    _admin(server, "POST", "/clock/advance", json={"seconds": 45})
    expect(qr).not_to_have_attribute("src", current, timeout=LIVE_MS)

    card.get_by_role("button", name="Scan").click()
    expect(card.locator(".status")).to_contain_text("connected", timeout=LIVE_MS)
    expect(qr).to_have_count(0)

    # A change made elsewhere shows up too.
    _admin(server, "POST", f"/sessions/{DISCONNECTED_ID}/status", json={"status": "logged_out"})
    expect(card.locator(".status")).to_contain_text("logged out", timeout=LIVE_MS)


def test_a_chat_follows_the_contact_the_sdk_and_the_clock(page: Page, server: LiveServer) -> None:
    inbox_url = f"{server.url}/admin/inbox/{INBOX}"
    settings = {"webhook_url": inbox_url, "webhook_enabled": True, "webhook_events": ["messages.received", "message.sent"]}
    response = httpx.put(f"{server.api_url}/whatsapp-sessions/{CONNECTED_ID}", json=settings, headers=auth(PAT))
    assert response.status_code == 200, response.text
    _open(page, server)
    page.get_by_role("tab", name="Chats").click()
    page.locator("#chat-session").select_option(str(CONNECTED_ID))

    # A contact writes: the chat appears and the bubble with it.
    page.locator("#compose-from").fill(CONTACT)
    page.locator("#compose-text").fill("Hello from the dashboard")
    page.get_by_role("button", name="Send", exact=True).click()
    greeting = _bubble(page, "Hello from the dashboard")
    expect(greeting).to_have_class("bubble in")
    expect(page.locator(f'#chat-list [data-chat="{CONTACT_CHAT}"]')).to_be_visible()

    # The session answers from the SDK, quoting it; ticks move as the clock advances.
    greeting_id = int(greeting.get_attribute("data-id") or 0)
    sdk = create_sync_wasender(CONNECTED_KEY, base_url=server.api_url)
    sdk.send_text(CONTACT, "Hi! Your order ships today.", replyTo=greeting_id)
    answer = _bubble(page, "Your order ships today")
    expect(answer).to_have_attribute("data-status", "in_progress", timeout=LIVE_MS)
    expect(answer.locator(".quote")).to_contain_text("Hello from the dashboard")
    ticks = answer.locator(".ticks")
    for seconds, status in ((1, "sent"), (1, "delivered"), (2, "read")):
        _admin(server, "POST", "/clock/advance", json={"seconds": seconds})
        expect(ticks).to_have_attribute("aria-label", f"Status: {status}", timeout=LIVE_MS)
        expect(answer.locator(".status-name")).to_have_text(status)

    # An image from the contact, shown inline; a reaction to the answer.
    page.locator("#compose-text").fill("Here is the label")
    page.locator("#compose-image").set_input_files(
        files=[{"name": "label.png", "mimeType": "image/png", "buffer": base64.b64decode(_small_png().split(",")[1])}]
    )
    image = _bubble(page, "Here is the label").locator("img.media")
    expect(image).to_be_visible()
    # Decrypted by the emulator and drawn: the contact's 48 px wide picture.
    page.wait_for_function("() => document.querySelector('#bubbles img.media').naturalWidth === 48")
    answer.click()
    page.get_by_role("button", name="React to selected").click()
    expect(answer.get_by_role("img", name="Reaction 👍")).to_be_visible(timeout=LIVE_MS)
    _screenshot(page, "dashboard-chat.png")

    # The webhooks the session got: one opened, then delivered again.
    page.get_by_role("tab", name="Webhooks").click()
    rows = page.locator("#delivery-rows tr")
    expect(rows.first).to_be_visible()
    count = rows.count()
    rows.filter(has_text="messages.received").first.click()
    detail = page.locator("#delivery-detail")
    expect(detail.locator(".headers")).to_contain_text("X-Webhook-Signature")
    expect(detail.locator(".body")).to_contain_text("messages.received")
    detail.get_by_role("button", name="Redeliver").click()
    expect(rows).to_have_count(count + 1)
    newest = max(int(rows.nth(i).get_attribute("data-delivery") or 0) for i in range(count + 1))
    expect(detail.locator("h3")).to_contain_text(f"Delivery {newest}")
    _admin(server, "GET", "/idle")
    page.locator("#filter-outcome").select_option("delivered")
    expect(rows.filter(has_text="pending")).to_have_count(0)
    expect(page.locator("#inbox-list")).to_contain_text(INBOX)


def test_a_long_chat_loads_page_by_page(page: Page, server: LiveServer) -> None:
    for n in range(120):
        _admin(server, "POST", f"/sessions/{CONNECTED_ID}/inbound", json={"from": CONTACT, "text": f"line {n}"})
    _open(page, server)
    page.get_by_role("tab", name="Chats").click()
    page.locator(f'#chat-list [data-chat="{CONTACT_CHAT}"]').click()
    bubbles = page.locator("#bubbles .bubble")
    expect(bubbles).to_have_count(50)
    expect(bubbles.last).to_have_text("line 11900:00:00")
    page.get_by_role("button", name="Load older messages").click()
    expect(bubbles).to_have_count(100)
    page.get_by_role("button", name="Load older messages").click()
    expect(bubbles).to_have_count(120)
    expect(bubbles.first).to_contain_text("line 0")
    expect(page.get_by_role("button", name="Load older messages")).to_be_hidden()


def test_with_an_admin_token_the_page_asks_for_it(page: Page, tmp_path: Path) -> None:
    guarded = LiveServer("--clock", "virtual", "--admin-token", "dash-token", log=tmp_path / "guarded.log")
    try:
        page.goto(guarded.url + "/")
        page.get_by_label("Admin token").fill("dash-token")
        page.get_by_role("button", name="Open").click()
        expect(page.locator("#live")).to_have_text("live")
        card = _session_card(page, DISCONNECTED_ID)
        card.get_by_role("button", name="Connect").click()
        expect(card.get_by_role("img", name=f"QR code to pair session {DISCONNECTED_ID}")).to_be_visible()
        # The stream carries the token too: a scan from outside shows up.
        headers = auth("dash-token")
        assert httpx.post(f"{guarded.url}/admin/sessions/{DISCONNECTED_ID}/scan", headers=headers).status_code == 200
        expect(card.locator(".status")).to_contain_text("connected", timeout=LIVE_MS)
    finally:
        guarded.stop()
