"""The dashboard's data under /admin/dashboard: what it answers, and who may read it."""

from __future__ import annotations

import json

from pathlib import Path

from litestar.testing import TestClient

from emulator.config import DEFAULT_FIXTURES
from emulator.faces import SENDAPI, WASEND
from tests.conftest import CONNECTED_ID, CONNECTED_KEY, DISCONNECTED_ID, PAT, auth, make_client

CONTACT = "+15557771111"
CHAT = "15557771111@s.whatsapp.net"
KEYS = json.loads(DEFAULT_FIXTURES.read_text())["accounts"][0]["keys"]
WASEND_KEY, SENDAPI_KEY = KEYS[WASEND], KEYS[SENDAPI]


def _data(response) -> object:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_the_page_says_whether_it_needs_the_admin_token() -> None:
    with make_client() as open_client, make_client(admin_token="s3cret") as guarded:
        assert 'data-token-required="false"' in open_client.get("/").text
        page = guarded.get("/")
        assert page.status_code == 200 and 'data-token-required="true"' in page.text
        assert "session.status" in page.text
        assert guarded.get("/dashboard/dashboard.js").headers["content-type"].startswith("text/javascript")


def test_with_a_token_the_data_needs_it_and_only_the_stream_and_images_take_it_in_the_query() -> None:
    with make_client(admin_token="s3cret") as client:
        assert client.get("/admin/dashboard/sessions").status_code == 401
        assert client.get("/admin/dashboard/sessions?token=s3cret").status_code == 401
        assert len(_data(client.get("/admin/dashboard/sessions", headers=auth("s3cret")))) == 2  # type: ignore[arg-type]
        assert client.get("/admin/dashboard/stream?token=wrong").status_code == 401
        assert client.get("/admin/dashboard/messages/1/media?token=wrong").status_code == 401
        # The right token passes the guard: what answers is the route's own "not found".
        missing = client.get("/admin/dashboard/messages/1/media?token=s3cret")
        assert missing.status_code == 404 and missing.json()["message"] == "Message not found."


def test_an_unknown_asset_is_a_json_404(client: TestClient) -> None:
    response = client.get("/dashboard/secrets.txt")
    assert response.status_code == 404
    assert response.json()["success"] is False


def test_a_connected_session_shows_its_qr_code_until_scanned(client: TestClient) -> None:
    card = _data(client.post(f"/admin/dashboard/sessions/{DISCONNECTED_ID}/connect"))
    assert card["status"] == "need_scan"  # type: ignore[index]
    assert card["qr_image"].startswith("data:image/png;base64,")  # type: ignore[index]
    client.post(f"/admin/sessions/{DISCONNECTED_ID}/scan")
    sessions = _data(client.get("/admin/dashboard/sessions"))
    assert [(s["id"], s["status"], s["qr_image"]) for s in sessions] == [  # type: ignore[attr-defined]
        (CONNECTED_ID, "connected", None),
        (DISCONNECTED_ID, "connected", None),
    ]


def test_each_card_names_the_api_its_session_belongs_to_and_how_its_qr_code_lives(client: TestClient) -> None:
    wasend = client.post("/wasend/sessions", json={"sessionName": "w", "phoneNumber": "+15550007001"}, headers=auth(WASEND_KEY))
    sendapi = client.post("/sendapi/v1/whatsapp/sessions", json={"name": "s"}, headers=auth(SENDAPI_KEY))
    assert wasend.status_code == 201 and sendapi.status_code == 201
    cards = {s["name"]: s for s in _data(client.get("/admin/dashboard/sessions"))}  # type: ignore[attr-defined]
    assert (cards["Demo connected"]["api"], cards["w"]["api"], cards["s"]["api"]) == ("WasenderAPI", "Wasend", "SendAPI")
    # Both wait for a scan: the Wasend code is replaced by itself, SendAPI's goes stale until asked for again.
    assert (cards["w"]["qr_rotates"], cards["s"]["qr_rotates"]) == (True, False)


def test_each_card_lists_every_url_its_sessions_events_go_to(client: TestClient) -> None:
    settings = {"webhook_url": "https://example.com/wasender", "webhook_enabled": False, "webhook_events": ["messages.received"]}
    assert client.put(f"/api/whatsapp-sessions/{CONNECTED_ID}", json=settings, headers=auth(PAT)).status_code == 200
    sendapi, hooks = auth(SENDAPI_KEY), "/sendapi/v1/webhooks"
    created = client.post("/sendapi/v1/whatsapp/sessions", json={"name": "s", "webhook_url": "https://example.com/own"}, headers=sendapi)
    assert created.status_code == 201, created.text
    assert client.post(hooks, json={"url": "https://example.com/all"}, headers=sendapi).status_code == 201
    paused = client.post(hooks, json={"url": "https://example.com/paused", "events": ["message.read"]}, headers=sendapi)
    client.put(f"{hooks}/{paused.json()['data']['id']}", json={"is_active": False}, headers=sendapi)
    cards = {s["name"]: s for s in _data(client.get("/admin/dashboard/sessions"))}  # type: ignore[attr-defined]
    assert cards["Demo connected"]["webhooks"] == [{"url": "https://example.com/wasender", "enabled": False, "events": ["messages.received"]}]
    assert cards["Demo new"]["webhooks"] == []
    # A SendAPI session's own URL takes every event; its account's webhooks follow, each as it is set.
    assert cards["s"]["webhooks"] == [
        {"url": "https://example.com/own", "enabled": True, "events": ["*"]},
        {"url": "https://example.com/all", "enabled": True, "events": ["*"]},
        {"url": "https://example.com/paused", "enabled": False, "events": ["message.read"]},
    ]


def test_the_feed_tells_the_page_when_sessions_or_where_their_events_go_change(client: TestClient) -> None:
    stream = client.app.state.feed.open_stream()

    def told() -> list[str | None]:
        return [stream.get_nowait().event for _ in range(stream.qsize())]  # type: ignore[union-attr]

    new = {"name": "n", "phone_number": "+15550108888", "account_protection": False, "log_messages": True}
    made = _data(client.post("/api/whatsapp-sessions", json=new, headers=auth(PAT)))["id"]  # type: ignore[index]
    assert told() == ["sessions"]
    client.put(f"/api/whatsapp-sessions/{made}", json={"webhook_url": "https://example.com/h"}, headers=auth(PAT))
    assert told() == ["sessions"]
    client.post("/sendapi/v1/webhooks", json={"url": "https://example.com/a"}, headers=auth(SENDAPI_KEY))
    assert told() == ["sessions"]
    assert client.delete(f"/api/whatsapp-sessions/{made}", headers=auth(PAT)).status_code == 204
    assert told() == ["sessions"]
    client.post("/admin/reset")
    assert "sessions" in told()


def test_a_chat_comes_in_pages_newest_first(client: TestClient) -> None:
    sent = [_data(client.post(f"/admin/sessions/{CONNECTED_ID}/inbound", json={"from": CONTACT, "text": f"m{n}"})) for n in range(5)]
    ids = [m["msgId"] for m in sent]  # type: ignore[index]
    path = f"/admin/dashboard/sessions/{CONNECTED_ID}/messages"
    first = _data(client.get(path, params={"chat": CHAT, "limit": 2}))
    assert [m["text"] for m in first] == ["m4", "m3"]  # type: ignore[index]
    older = _data(client.get(path, params={"chat": CHAT, "limit": 2, "before": ids[3]}))
    assert [m["text"] for m in older] == ["m2", "m1"]  # type: ignore[index]
    # And back towards the newest: the page just after an id, newest first too.
    newer = _data(client.get(path, params={"chat": CHAT, "limit": 2, "after": ids[1]}))
    assert [m["text"] for m in newer] == ["m3", "m2"]  # type: ignore[index]
    chats = _data(client.get(f"/admin/dashboard/sessions/{CONNECTED_ID}/chats"))
    assert [(c["id"], c["unread_count"]) for c in chats] == [(CHAT, 5)]  # type: ignore[index]


def _page(client: TestClient, session_id: int = CONNECTED_ID, chat: str = CHAT, **params: object) -> list[dict]:
    return _data(client.get(f"/admin/dashboard/sessions/{session_id}/messages", params={"chat": chat, **params}))  # type: ignore[return-value]


def test_a_contact_has_one_reaction_per_message_replaced_or_taken_back(client: TestClient) -> None:
    inbound = f"/admin/sessions/{CONNECTED_ID}/inbound"
    target = _data(client.post(inbound, json={"from": CONTACT, "text": "hello"}))["msgId"]  # type: ignore[index]
    answer = _data(client.post(inbound, json={"from": CONTACT, "reaction": {"message": target, "emoji": "🎉"}}))
    assert _page(client)[0]["reactions"] == [{"emoji": "🎉", "from_me": False, "by": CHAT}]
    # The webhook event is the one the service sends, whatever is stored.
    events = _data(client.get("/admin/events", params={"session_id": CONNECTED_ID, "event": "messages.reaction"}))
    assert events[-1]["data"] == [answer]  # type: ignore[index]
    _data(client.post(inbound, json={"from": CONTACT, "reaction": {"message": target, "emoji": "❤️"}}))
    assert [r["emoji"] for r in _page(client)[0]["reactions"]] == ["❤️"]
    _data(client.post(inbound, json={"from": CONTACT, "reaction": {"message": target, "emoji": ""}}))
    assert _page(client)[0]["reactions"] == []


def test_a_session_reaction_shows_on_its_target_and_is_no_bubble_of_its_own(client: TestClient) -> None:
    created = client.post(
        "/wasend/sessions", json={"sessionName": "Reacting", "phoneNumber": "+15559990001"}, headers=auth(WASEND_KEY)
    )
    assert created.status_code == 201, created.text
    session_id = int(created.json()["uniqueSessionId"])
    _data(client.post(f"/admin/sessions/{session_id}/scan"))
    inbound = f"/admin/sessions/{session_id}/inbound"
    target = _data(client.post(inbound, json={"from": CONTACT, "text": "like this?"}))
    key_id = target["key"]["id"]  # type: ignore[index]
    body = {"session": str(session_id), "messageId": f"false_15557771111@c.us_{key_id}", "reaction": "👍"}
    assert client.put("/wasend/reaction", json=body, headers=auth(WASEND_KEY)).status_code == 200
    _data(client.post(inbound, json={"from": CONTACT, "reaction": {"message": target["msgId"], "emoji": "😂"}}))  # type: ignore[index]
    page = _page(client, session_id)
    assert [b["text"] for b in page] == ["like this?"]
    reactions = page[0]["reactions"]
    assert [(r["emoji"], r["from_me"], r["by"]) for r in reactions] == [("👍", True, "15559990001@s.whatsapp.net"), ("😂", False, CHAT)]


def test_reactions_outlive_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "emulator.db")
    with make_client(db=db) as client:
        inbound = f"/admin/sessions/{CONNECTED_ID}/inbound"
        target = _data(client.post(inbound, json={"from": CONTACT, "text": "keep me"}))["msgId"]  # type: ignore[index]
        _data(client.post(inbound, json={"from": CONTACT, "reaction": {"message": target, "emoji": "🔥"}}))
    with make_client(db=db) as restarted:
        assert [r["emoji"] for r in _page(restarted)[0]["reactions"]] == ["🔥"]


def test_a_vote_shows_on_its_poll(client: TestClient) -> None:
    poll = {"question": "Lunch?", "options": ["Pizza", "Salad"], "selectableCount": 1}
    sent = client.post("/api/send-message", json={"to": CONTACT, "poll": poll}, headers=auth(CONNECTED_KEY))
    assert sent.status_code == 200, sent.text
    poll_id = sent.json()["data"]["msgId"]
    _data(client.post(f"/admin/sessions/{CONNECTED_ID}/inbound", json={"from": CONTACT, "vote": {"message": poll_id, "options": ["Salad"]}}))
    votes = {o["name"]: o["votes"] for o in _page(client)[0]["poll"]["options"]}
    assert votes == {"Pizza": 0, "Salad": 1}


def test_the_media_of_a_message_comes_back_decrypted(client: TestClient) -> None:
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    media = {"kind": "image", "base64": png, "mimetype": "image/png"}
    message = _data(client.post(f"/admin/sessions/{CONNECTED_ID}/inbound", json={"from": CONTACT, "media": media}))
    bubble = _data(client.get(f"/admin/dashboard/sessions/{CONNECTED_ID}/messages", params={"chat": CHAT}))[0]  # type: ignore[index]
    assert bubble["media"]["inline"] is True  # type: ignore[index]
    response = client.get(bubble["media"]["src"])  # type: ignore[index]
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert client.get("/admin/dashboard/messages/999999999/media").status_code == 404
    assert message["msgId"] == bubble["id"]  # type: ignore[index]


def test_deliveries_name_the_headers_they_were_posted_with(client: TestClient) -> None:
    settings = {"webhook_url": "http://testserver/admin/inbox/d", "webhook_enabled": True, "webhook_events": ["messages.received"]}
    assert client.put(f"/api/whatsapp-sessions/{CONNECTED_ID}", json=settings, headers=auth(PAT)).status_code == 200
    _data(client.post(f"/admin/sessions/{CONNECTED_ID}/inbound", json={"from": CONTACT, "text": "hi"}))
    _data(client.get("/admin/idle"))
    deliveries = _data(client.get("/admin/webhooks/deliveries"))
    assert deliveries and {"Content-Type", "X-Webhook-Signature", "User-Agent"} <= set(deliveries[0]["headers"])  # type: ignore[index]
