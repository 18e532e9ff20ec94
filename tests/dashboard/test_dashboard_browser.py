"""The dashboard in a real browser: pairing, chats, ticks and webhooks, live, without a reload.

DASHBOARD_SCREENSHOTS=1 also rewrites the README's screenshots in docs/.
"""

from __future__ import annotations

import base64
import json
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect
from wasenderapi import create_sync_wasender
from wasenderapi.sessions import CreateWhatsAppSessionPayload

from emulator.config import DEFAULT_FIXTURES
from emulator.faces import SENDAPI, WASEND
from tests.conftest import CONNECTED_ID, CONNECTED_KEY, DISCONNECTED_ID, PAT, LiveServer, auth
from tests.dashboard.screens import LIVE_MS, admin, bubble, open_chat, open_dashboard, screenshot, session_card

CONTACT = "+15557771111"
CONTACT_CHAT = "15557771111@s.whatsapp.net"
INBOX = "dashboard"
KEYS = json.loads(DEFAULT_FIXTURES.read_text())["accounts"][0]["keys"]
WASEND_KEY, SENDAPI_KEY = KEYS[WASEND], KEYS[SENDAPI]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    running = LiveServer("--clock", "virtual", "--seed", "dashboard", log=tmp_path / "server.log")
    yield running
    running.stop()


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
    open_dashboard(page, server)
    expect(session_card(page, CONNECTED_ID).locator(".status")).to_contain_text("connected")
    expect(session_card(page, CONNECTED_ID).locator("dl")).to_contain_text("APIWasenderAPI")
    card = session_card(page, DISCONNECTED_ID)
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
    screenshot(page, "dashboard-sessions.png")

    # The clock moves past the QR code's lifetime: a new one replaces it on the page.
    admin(server, "POST", "/clock/advance", json={"seconds": 45})
    expect(qr).not_to_have_attribute("src", current, timeout=LIVE_MS)

    card.get_by_role("button", name="Scan").click()
    expect(card.locator(".status")).to_contain_text("connected", timeout=LIVE_MS)
    expect(qr).to_have_count(0)

    # A change made elsewhere shows up too.
    admin(server, "POST", f"/sessions/{DISCONNECTED_ID}/status", json={"status": "logged_out"})
    expect(card.locator(".status")).to_contain_text("logged out", timeout=LIVE_MS)


def test_sessions_made_and_webhooks_set_elsewhere_show_live(page: Page, server: LiveServer) -> None:
    open_dashboard(page, server)
    expect(session_card(page, CONNECTED_ID).locator("dl")).to_contain_text("Webhooksnone")
    sdk = create_sync_wasender(api_key=CONNECTED_KEY, personal_access_token=PAT, base_url=server.api_url)
    made = sdk.create_whatsapp_session(
        CreateWhatsAppSessionPayload(name="Made by the SDK", phone_number="+15550109999", account_protection=False, log_messages=True)
    )
    expect(session_card(page, made.response.data.id).locator("h2")).to_contain_text("Made by the SDK", timeout=LIVE_MS)

    settings = {"webhook_url": "https://example.com/hook", "webhook_enabled": True, "webhook_events": ["messages.received"]}
    httpx.put(f"{server.api_url}/whatsapp-sessions/{CONNECTED_ID}", json=settings, headers=auth(PAT)).raise_for_status()
    expect(session_card(page, CONNECTED_ID).locator("dd").last).to_have_text(
        "on: https://example.com/hook (messages.received)", timeout=LIVE_MS
    )

    # A SendAPI account webhook is every SendAPI session's, on each of their cards.
    sendapi = f"{server.url}/sendapi/v1"
    shop = httpx.post(f"{sendapi}/whatsapp/sessions", json={"name": "Shop"}, headers=auth(SENDAPI_KEY)).json()
    card = session_card(page, shop["numeric_id"])
    expect(card.locator("dl")).to_contain_text("Webhooksnone", timeout=LIVE_MS)
    hook = {"url": "https://example.com/orders", "events": ["message.*"]}
    httpx.post(f"{sendapi}/webhooks", json=hook, headers=auth(SENDAPI_KEY)).raise_for_status()
    expect(card.locator("dd").last).to_have_text("on: https://example.com/orders (message.*)", timeout=LIVE_MS)


def test_a_chat_follows_the_contact_the_sdk_and_the_clock(page: Page, server: LiveServer) -> None:
    inbox_url = f"{server.url}/admin/inbox/{INBOX}"
    settings = {"webhook_url": inbox_url, "webhook_enabled": True, "webhook_events": ["messages.received", "message.sent"]}
    response = httpx.put(f"{server.api_url}/whatsapp-sessions/{CONNECTED_ID}", json=settings, headers=auth(PAT))
    assert response.status_code == 200, response.text
    open_dashboard(page, server)
    page.get_by_role("tab", name="Chats").click()
    page.locator("#chat-session").select_option(str(CONNECTED_ID))

    # A contact writes: the chat appears and the bubble with it.
    page.locator("#compose-from").fill(CONTACT)
    page.locator("#compose-text").fill("Hello from the dashboard")
    page.get_by_role("button", name="Send", exact=True).click()
    greeting = bubble(page, "Hello from the dashboard")
    expect(greeting).to_have_class("bubble in")
    expect(page.locator(f'#chat-list [data-chat="{CONTACT_CHAT}"]')).to_be_visible()

    # The session answers from the SDK, quoting it; ticks move as the clock advances.
    greeting_id = int(greeting.get_attribute("data-id") or 0)
    sdk = create_sync_wasender(CONNECTED_KEY, base_url=server.api_url)
    sdk.send_text(CONTACT, "Hi! Your order ships today.", replyTo=greeting_id)
    answer = bubble(page, "Your order ships today")
    expect(answer).to_have_attribute("data-status", "in_progress", timeout=LIVE_MS)
    expect(answer.locator(".quote")).to_contain_text("Hello from the dashboard")
    ticks = answer.locator(".ticks")
    for seconds, status in ((1, "sent"), (1, "delivered"), (2, "read")):
        admin(server, "POST", "/clock/advance", json={"seconds": seconds})
        expect(ticks).to_have_attribute("aria-label", f"Status: {status}", timeout=LIVE_MS)
        expect(answer.locator(".status-name")).to_have_text(status)

    # An image from the contact, shown inline; a reaction to the answer.
    page.locator("#compose-text").fill("Here is the label")
    page.locator("#compose-image").set_input_files(
        files=[{"name": "label.png", "mimeType": "image/png", "buffer": base64.b64decode(_small_png().split(",")[1])}]
    )
    image = bubble(page, "Here is the label").locator("img.media")
    expect(image).to_be_visible()
    # Decrypted by the emulator and drawn: the contact's 48 px wide picture.
    page.wait_for_function("() => document.querySelector('#bubbles img.media').naturalWidth === 48")
    answer.click()
    page.get_by_role("button", name="React to selected").click()
    reaction = answer.get_by_role("img", name=f"Reactions: 👍 from {CONTACT}")
    expect(reaction).to_be_visible(timeout=LIVE_MS)
    expect(reaction).to_have_text("👍")
    screenshot(page, "dashboard-chat.png")

    # The reaction is the network's, not the page's: a reload shows it again.
    page.reload()
    expect(page.locator("#live")).to_have_text("live")
    open_chat(page, CONNECTED_ID, CONTACT_CHAT)
    expect(bubble(page, "Your order ships today").get_by_role("img", name=f"Reactions: 👍 from {CONTACT}")).to_be_visible()
    page.get_by_role("tab", name="Webhooks").click()

    # The webhooks the session got: one opened, then delivered again.
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
    admin(server, "GET", "/idle")
    page.locator("#filter-outcome").select_option("delivered")
    expect(rows.filter(has_text="pending")).to_have_count(0)
    expect(page.locator("#inbox-list")).to_contain_text(INBOX)


def test_a_long_chat_loads_page_by_page(page: Page, server: LiveServer) -> None:
    for n in range(120):
        admin(server, "POST", f"/sessions/{CONNECTED_ID}/inbound", json={"from": CONTACT, "text": f"line {n}"})
    open_dashboard(page, server)
    open_chat(page, CONNECTED_ID, CONTACT_CHAT)
    bubbles = page.locator("#bubbles .bubble")
    expect(bubbles).to_have_count(50)
    expect(bubbles.last).to_have_text("line 11900:00:00")
    # The button, for a keyboard; scrolling to the top does the same.
    page.get_by_role("button", name="Load older messages").press("Enter")
    expect(bubbles).to_have_count(100)
    page.locator("#messages").evaluate("box => { box.scrollTop = 0; }")
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
        card = session_card(page, DISCONNECTED_ID)
        card.get_by_role("button", name="Connect").click()
        expect(card.get_by_role("img", name=f"QR code to pair session {DISCONNECTED_ID}")).to_be_visible()
        # The stream carries the token too: a scan from outside shows up.
        headers = auth("dash-token")
        assert httpx.post(f"{guarded.url}/admin/sessions/{DISCONNECTED_ID}/scan", headers=headers).status_code == 200
        expect(card.locator(".status")).to_contain_text("connected", timeout=LIVE_MS)
    finally:
        guarded.stop()


def _wasend_reaction(server: LiveServer, session_id: int, key_id: str, emoji: str) -> None:
    """The session reacts to the contact's message through the Wasend face's reaction endpoint."""
    body = {"session": str(session_id), "messageId": f"false_{CONTACT_CHAT.split('@')[0]}@c.us_{key_id}", "reaction": emoji}
    response = httpx.put(f"{server.url}/wasend/reaction", json=body, headers=auth(WASEND_KEY))
    assert response.status_code == 200, response.text


def test_reactions_outlive_a_restart_of_the_emulator(page: Page, tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    first = LiveServer("--clock", "virtual", "--seed", "dashboard", db=db, log=tmp_path / "first.log")
    try:
        created = httpx.post(
            f"{first.url}/wasend/sessions", json={"sessionName": "Reacting", "phoneNumber": "+15559990001"},
            headers=auth(WASEND_KEY),
        )  # fmt: skip
        assert created.status_code == 201, created.text
        session_id = int(created.json()["uniqueSessionId"])
        admin(first, "POST", f"/sessions/{session_id}/scan")
        inbound = f"/sessions/{session_id}/inbound"
        liked = admin(first, "POST", inbound, json={"from": CONTACT, "text": "Liked before the restart"})
        admin(first, "POST", inbound, json={"from": CONTACT, "reaction": {"message": liked["msgId"], "emoji": "❤️"}})
        _wasend_reaction(first, session_id, liked["key"]["id"], "👍")
    finally:
        first.stop()
    again = LiveServer("--clock", "virtual", "--seed", "dashboard", db=db, log=tmp_path / "again.log")
    try:
        open_dashboard(page, again)
        open_chat(page, session_id, CONTACT_CHAT)
        liked_bubble = bubble(page, "Liked before the restart")
        pill = liked_bubble.get_by_role("img", name=f"Reactions: ❤️ from {CONTACT}, 👍 from you")
        expect(pill).to_have_text("❤️ 👍")
        # The session's own reaction is no bubble of its own.
        expect(page.locator("#bubbles .bubble")).to_have_count(1)
        # Each changes theirs: the page follows, live.
        admin(again, "POST", inbound, json={"from": CONTACT, "reaction": {"message": liked["msgId"], "emoji": "😮"}})
        expect(liked_bubble.get_by_role("img", name=f"Reactions: 😮 from {CONTACT}, 👍 from you")).to_be_visible(timeout=LIVE_MS)
        _wasend_reaction(again, session_id, liked["key"]["id"], "😮")
        expect(liked_bubble.get_by_role("img", name=f"Reactions: 😮 from {CONTACT}, 😮 from you")).to_have_text("😮 2", timeout=LIVE_MS)
    finally:
        again.stop()


def test_fault_rules_show_with_their_counts_live_and_go_with_a_button(page: Page, server: LiveServer) -> None:
    outage = {"route": "POST /api/send-message", "times": 2, "name": "two-503s", "action": {"type": "error", "status": 503}}
    admin(server, "POST", "/faults", json=outage)
    slow = {"route": "GET /api/*", "probability": 0.5, "action": {"type": "latency", "min": 0.01, "max": 0.02}}
    admin(server, "POST", "/faults", json=slow)
    twice = {"event": "messages.received", "session_id": CONNECTED_ID, "action": {"type": "webhook_duplicate"}}
    admin(server, "POST", "/faults", json=twice)
    open_dashboard(page, server)
    expect(page.get_by_role("tab", name="Faults")).to_contain_text("3")
    page.get_by_role("tab", name="Faults").click()
    row = page.locator('#fault-rows [data-rule="1"]')
    expect(row).to_contain_text("two-503s")
    expect(row.locator(".match")).to_have_text("POST /api/send-message")
    expect(row.locator(".when")).to_have_text("next 2")
    expect(row.locator(".does")).to_have_text("error status=503")
    expect(row.locator(".fired")).to_have_text("0")
    expect(page.locator('#fault-rows [data-rule="2"] .when')).to_have_text("every match, with probability 0.5")
    expect(page.locator('#fault-rows [data-rule="3"] .match')).to_have_text(f"webhook messages.received, session {CONNECTED_ID}")

    # Sends from a client fire it: the counts move on the page as they happen.
    for expected_status in (503, 503, 200):
        sent = httpx.post(f"{server.api_url}/send-message", json={"to": CONTACT, "text": "hi"}, headers=auth(CONNECTED_KEY))
        assert sent.status_code == expected_status, sent.text
    expect(row.locator(".fired")).to_have_text("2", timeout=LIVE_MS)
    expect(row.locator(".matched")).to_have_text("3", timeout=LIVE_MS)
    expect(row.locator(".state")).to_have_text("spent")
    screenshot(page, "dashboard-faults.png")

    row.get_by_role("button", name="Delete rule two-503s").click()
    expect(row).to_have_count(0, timeout=LIVE_MS)
    assert [rule["id"] for rule in admin(server, "GET", "/faults")["rules"]] == [2, 3]

    # A rule added meanwhile appears without a reload; Clear all takes every rule away.
    admin(server, "POST", "/faults", json={"route": "POST /api/send-message", "action": {"type": "reset"}})
    expect(page.locator("#fault-rows tr")).to_have_count(3, timeout=LIVE_MS)
    expect(page.get_by_role("tab", name="Faults")).to_contain_text("3")
    page.get_by_role("button", name="Clear all").click()
    expect(page.locator("#fault-rows tr")).to_have_count(0, timeout=LIVE_MS)
    expect(page.get_by_text("No fault rule is in force.")).to_be_visible()
    assert admin(server, "GET", "/faults")["rules"] == []
