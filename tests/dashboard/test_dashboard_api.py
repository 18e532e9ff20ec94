"""The dashboard's data under /admin/dashboard: what it answers, and who may read it."""

from __future__ import annotations

from litestar.testing import TestClient

from tests.conftest import CONNECTED_ID, DISCONNECTED_ID, PAT, auth, make_client

CONTACT = "+15557771111"
CHAT = "15557771111@s.whatsapp.net"


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


def test_a_chat_comes_in_pages_newest_first(client: TestClient) -> None:
    sent = [_data(client.post(f"/admin/sessions/{CONNECTED_ID}/inbound", json={"from": CONTACT, "text": f"m{n}"})) for n in range(5)]
    ids = [m["msgId"] for m in sent]  # type: ignore[index]
    path = f"/admin/dashboard/sessions/{CONNECTED_ID}/messages"
    first = _data(client.get(path, params={"chat": CHAT, "limit": 2}))
    assert [m["text"] for m in first] == ["m4", "m3"]  # type: ignore[index]
    older = _data(client.get(path, params={"chat": CHAT, "limit": 2, "before": ids[3]}))
    assert [m["text"] for m in older] == ["m2", "m1"]  # type: ignore[index]
    chats = _data(client.get(f"/admin/dashboard/sessions/{CONNECTED_ID}/chats"))
    assert [(c["id"], c["unread_count"]) for c in chats] == [(CHAT, 5)]  # type: ignore[index]


def test_a_reaction_and_a_vote_show_on_their_messages(client: TestClient) -> None:
    inbound = f"/admin/sessions/{CONNECTED_ID}/inbound"
    target = _data(client.post(inbound, json={"from": CONTACT, "text": "hello"}))["msgId"]  # type: ignore[index]
    _data(client.post(inbound, json={"from": CONTACT, "reaction": {"message": target, "emoji": "🎉"}}))
    page = _data(client.get(f"/admin/dashboard/sessions/{CONNECTED_ID}/messages", params={"chat": CHAT}))
    assert page[0]["reaction"] == "🎉"  # type: ignore[index]
    _data(client.post(inbound, json={"from": CONTACT, "reaction": {"message": target, "emoji": ""}}))
    page = _data(client.get(f"/admin/dashboard/sessions/{CONNECTED_ID}/messages", params={"chat": CHAT}))
    assert page[0]["reaction"] is None  # type: ignore[index]


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
