"""The Wasend face in process: one network with the WasenderAPI face, WAHA webhooks, the README's
status words, NestJS errors, and the control plane on Wasend sessions."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import TestClient

from emulator.domain.sessions import Status
from emulator.faces.wasend.statuses import README, STATUS_WORDS, WAHA
from tests.conftest import CONNECTED_ID, CONNECTED_KEY, auth, make_client
from tests.faces.wasend.conftest import WASEND_KEY
from tests.webhooks.support import advance, arrived, inbox_url, make_hooked_client, point_webhook

KEY = auth(WASEND_KEY)
WASENDERAPI_PHONE = "+15550100001"  # the default fixtures' connected session


def _working(client: TestClient, phone: str = "+15558880001", **fields: Any) -> str:
    body = {"sessionName": f"Session {phone}", "phoneNumber": phone, **fields}
    created = client.post("/wasend/sessions", json=body, headers=KEY)
    assert created.status_code == 201, created.text
    session_id = created.json()["uniqueSessionId"]
    assert client.post(f"/admin/sessions/{session_id}/scan").status_code == 200
    return session_id


def test_every_domain_status_has_words_in_both_vocabularies() -> None:
    for vocabulary in (WAHA, README):
        assert set(STATUS_WORDS[vocabulary]) == set(Status)
    assert STATUS_WORDS[WAHA][Status.NEED_SCAN] == "SCAN_QR_CODE" and STATUS_WORDS[README][Status.CONNECTED] == "CONNECTED"


def test_a_message_crosses_faces_and_back_with_webhooks_on_both() -> None:
    with make_hooked_client() as client:
        point_webhook(client, inbox_url("wasender"), ["messages.received", "message-receipt.update", "messages.update"])
        wasend_id = _working(client, enableWebhook=True, webhookUrl=inbox_url("wasend"))
        sent = client.post("/wasend/sendText", json={"session": wasend_id, "to": WASENDERAPI_PHONE, "text": "hello"}, headers=KEY)
        assert sent.status_code == 201, sent.text
        advance(client, 60)
        received = [r["body"] for r in arrived(client, "wasender") if r["body"]["event"] == "messages.received"]
        assert [r["data"]["messages"]["messageBody"] for r in received] == ["hello"]
        assert received[0]["data"]["messages"]["key"]["cleanedSenderPn"] == "15558880001"

        reply = {"to": "+15558880001", "text": "hello back"}
        assert client.post("/api/send-message", json=reply, headers=auth(CONNECTED_KEY)).status_code == 200
        advance(client, 60)
        waha = [r["body"] for r in arrived(client, "wasend")]
        assert {"session.status", "message", "message.any", "message.ack"} <= {e["event"] for e in waha}
        inbound = [e["payload"] for e in waha if e["event"] == "message"]
        assert [(m["body"], m["from"], m["fromMe"]) for m in inbound] == [("hello back", "15550100001@c.us", False)]
        acks = [e["payload"] for e in waha if e["event"] == "message.ack" and e["payload"]["id"] == sent.json()["id"]]
        assert [a["ackName"] for a in acks][-1] in ("DEVICE", "READ") and acks[0]["ackName"] == "SERVER"
        assert all(e["session"] == wasend_id and e["me"]["id"] == "15558880001@c.us" for e in waha)
        statuses = [e["payload"]["status"] for e in waha if e["event"] == "session.status"]
        assert statuses == ["WORKING"] or statuses[-1] == "WORKING"


def test_the_readme_vocabulary_is_a_setting() -> None:
    with make_client(wasend_statuses="readme") as client:
        created = client.post("/wasend/sessions", json={"sessionName": "r", "phoneNumber": "+15558880002"}, headers=KEY)
        session_id = created.json()["uniqueSessionId"]
        assert created.json()["status"] == "STARTING"
        client.post(f"/admin/sessions/{session_id}/scan")
        assert client.get(f"/wasend/sessions/{session_id}", headers=KEY).json()["status"] == "CONNECTED"
        client.post(f"/admin/sessions/{session_id}/status", json={"status": "logged_out"})
        assert client.get(f"/wasend/sessions/{session_id}", headers=KEY).json()["status"] == "ERROR"


def test_the_control_plane_drives_wasend_sessions_by_their_own_id(client: TestClient) -> None:
    session_id = _working(client)
    inbound = client.post(f"/admin/sessions/{session_id}/inbound", json={"from": "+15551234567", "text": "hi there"})
    assert inbound.status_code == 200, inbound.text
    received = client.get("/admin/events", params={"session_id": session_id, "event": "messages.received"}).json()
    assert [e["data"]["messages"]["messageBody"] for e in received["data"]] == ["hi there"]
    client.post(f"/admin/sessions/{session_id}/status", json={"status": "expired"})
    assert client.get(f"/wasend/sessions/{session_id}", headers=KEY).json()["status"] == "FAILED"
    assert client.post(f"/wasend/sessions/{session_id}/start", headers=KEY).json()["status"] == "SCAN_QR_CODE"


def _nest(response: Any, status: int) -> Any:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"statusCode", "message", "error"} and body["statusCode"] == status
    return body["message"]


def test_errors_are_nestjs_bodies(client: TestClient) -> None:
    assert _nest(client.get("/wasend/sessions"), 401) == "Invalid or missing API key"
    assert _nest(client.get("/wasend/sessions", headers=auth("1|wasenderEmulatorDemoPersonalAccessToken1")), 401)
    assert _nest(client.get(f"/wasend/sessions/{CONNECTED_ID}", headers=KEY), 404) == "Session not found"
    assert _nest(client.get("/wasend/sessions/nope", headers=KEY), 404) == "Session not found"
    assert isinstance(_nest(client.post("/wasend/sessions", json={"sessionName": "x"}, headers=KEY), 400), list)
    no_url = {"sessionName": "x", "phoneNumber": "+15558880003", "enableWebhook": True}
    assert _nest(client.post("/wasend/sessions", json=no_url, headers=KEY), 400)
    taken = {"sessionName": "x", "phoneNumber": WASENDERAPI_PHONE}
    assert _nest(client.post("/wasend/sessions", json=taken, headers=KEY), 409)
    assert _nest(client.post("/wasend/sendText", json={"to": "+15551234567", "text": "x"}, headers=KEY), 400) == "session is required"
    session_id = client.post("/wasend/sessions", json={"sessionName": "y", "phoneNumber": "+15558880004"}, headers=KEY).json()["uniqueSessionId"]
    body = {"session": session_id, "to": "+15551234567", "text": "x"}
    assert _nest(client.post("/wasend/sendText", json=body, headers=KEY), 422)
    client.post(f"/admin/sessions/{session_id}/scan")
    assert _nest(client.get(f"/wasend/sessions/{session_id}/qr", headers=KEY), 422)
    assert _nest(client.post("/wasend/sendText", json={**body, "to": "not a number"}, headers=KEY), 400)
    unknown_reply = {**body, "replyTo": "true_15551234567@c.us_NOPE"}
    assert _nest(client.post("/wasend/sendText", json=unknown_reply, headers=KEY), 400)
    assert _nest(client.get(f"/wasend/{session_id}/chats/15551234567@c.us/messages?filter.ack=9", headers=KEY), 400)
    assert _nest(client.get(f"/wasend/{session_id}/chats?sortBy=colour", headers=KEY), 400)
    assert _nest(client.post("/wasend/sendSeen", json={**body, "messageId": "bad"}, headers=KEY), 400)
    assert _nest(client.post("/wasend/sendText", content=b"{not json", headers=KEY), 400)


def test_a_path_no_route_takes_is_a_nestjs_404(client: TestClient) -> None:
    """As Express words it under NestJS, also for a method the path does not take; the other faces'
    paths keep their own words."""
    assert _nest(client.get("/wasend/x?a=1", headers=KEY), 404) == "Cannot GET /wasend/x?a=1"
    assert _nest(client.delete("/wasend/sessions", headers=KEY), 404) == "Cannot DELETE /wasend/sessions"
    assert _nest(client.post("/wasend/1/chats/1@c.us/nope"), 404) == "Cannot POST /wasend/1/chats/1@c.us/nope"
    assert _nest(client.get("/wasend"), 404) == "Cannot GET /wasend"
    elsewhere = client.get("/wasendx")
    assert elsewhere.status_code == 404 and elsewhere.json() == {"success": False, "message": "The route wasendx could not be found."}


def test_the_readme_matrix_is_current() -> None:
    from pathlib import Path

    from tests.faces.wasend.sdk_matrix import table

    text = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    begin, end = "<!-- wasend-matrix:begin -->\n", "<!-- wasend-matrix:end -->"
    assert text[text.index(begin) + len(begin) : text.index(end)] == table()


def test_a_stranger_account_finds_none_of_the_sessions_routes(client: TestClient) -> None:
    """Every Wasend route that names a session, called with another account's Wasend key: 404, and
    the session is as it was."""
    session_id = _working(client, phone="+15558880009")
    stranger = auth(client.post("/admin/accounts", json={}).json()["data"]["keys"]["wasend"])
    before = client.get(f"/wasend/sessions/{session_id}", headers=KEY).json()
    routes = [route for route in client.app.routes if route.path.startswith("/wasend/") and "{session_id" in route.path]
    assert len(routes) > 20
    for route in routes:
        path = re.sub(r"\{session_id:str\}", session_id, route.path)
        path = re.sub(r"\{group_id:str\}", "120363000000000001@g.us", path)
        path = re.sub(r"\{chat_id:str\}", "15551234567@c.us", path)
        path = re.sub(r"\{message_id:str\}", "false_15551234567@c.us_AAAA", path)
        for method in sorted(route.methods - {"OPTIONS", "HEAD"}):
            answer = client.request(method, path, json={"participants": [], "enabled": True}, headers=stranger)
            assert answer.status_code == 404 and answer.json()["message"] == "Session not found", (method, path)
    body = {"session": session_id, "to": "+15551234567", "text": "x"}
    assert client.post("/wasend/sendText", json=body, headers=stranger).status_code == 404
    assert client.get(f"/wasend/contacts/all?session={session_id}", headers=stranger).status_code == 404
    assert client.get(f"/wasend/sessions/{session_id}", headers=KEY).json() == before
