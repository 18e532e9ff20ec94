"""The account-level session endpoints: the documented bodies and every error path."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from tests.conftest import CONNECTED_ID, CONNECTED_KEY, DISCONNECTED_ID, PAT, auth

SESSION_FIELDS = {
    "id", "user_id", "name", "phone_number", "status", "api_key", "session_data", "last_active_at",
    "account_protection", "log_messages", "read_incoming_messages", "webhook_url", "webhook_enabled",
    "webhook_events", "webhook_secret", "auto_reject_calls", "ignore_groups", "ignore_channels",
    "ignore_broadcasts", "always_online", "proxy_url", "created_at", "updated_at",
}  # fmt: skip
NULLABLE = {"webhook_url", "webhook_events", "proxy_url"}
VALID = {"name": "Shop", "phone_number": "+15557770001", "account_protection": True, "log_messages": False}


def create(client: TestClient, body: dict, token: str = PAT):
    return client.post("/api/whatsapp-sessions", json=body, headers=auth(token))


def test_session_object_has_every_documented_field(client: TestClient) -> None:
    sessions = client.get("/api/whatsapp-sessions", headers=auth(PAT)).json()["data"]
    assert [s["id"] for s in sessions] == [CONNECTED_ID, DISCONNECTED_ID]
    for session in sessions:
        assert set(session) == SESSION_FIELDS
        assert all(session[f] is not None for f in SESSION_FIELDS - NULLABLE)
        assert session["created_at"].endswith("Z") and len(session["api_key"]) == 64
        assert len(session["webhook_secret"]) == 32


def test_create_stores_what_the_client_sent(client: TestClient) -> None:
    body = {
        **VALID,
        "webhook_url": "http://localhost:9000/hook",
        "webhook_enabled": True,
        "webhook_events": ["messages.recieved", "call.received", "session.status"],
        "proxy_url": "socks5://user:pass@proxy.example.com:1080",
        "always_online": True,
        "ignore_groups": None,
    }
    response = create(client, body)
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["status"] == "disconnected" and data["user_id"] == 1
    for field in ("name", "phone_number", "account_protection", "log_messages", "webhook_url", "webhook_events",
                  "proxy_url", "always_online"):  # fmt: skip
        assert data[field] == body[field], field
    assert data["ignore_groups"] is False
    fetched = client.get(f"/api/whatsapp-sessions/{data['id']}", headers=auth(PAT)).json()["data"]
    assert fetched == data


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": None}, "name", "The name field is required."),
        ({"name": ""}, "name", "The name field is required."),
        ({"name": "x" * 256}, "name", "The name field must not be greater than 255 characters."),
        ({"name": 5}, "name", "The name field must be a string."),
        ({"phone_number": "12ab"}, "phone_number", "The phone number field format is invalid."),
        ({"account_protection": "true"}, "account_protection", "The account protection field must be true or false."),
        ({"log_messages": 1}, "log_messages", "The log messages field must be true or false."),
        ({"webhook_enabled": "yes"}, "webhook_enabled", "The webhook enabled field must be true or false."),
        ({"webhook_events": "session.status"}, "webhook_events", "The webhook events field must be an array."),
        ({"webhook_events": ["session.status", "message"]}, "webhook_events.1",
         "The selected webhook events.1 is invalid."),
        ({"webhook_url": "not a url"}, "webhook_url", "The webhook url field must be a valid URL."),
        ({"webhook_url": "http://receiver.test:99999/"}, "webhook_url", "The webhook url field must be a valid URL."),
        ({"proxy_url": "ftp://proxy.example.com"}, "proxy_url",
         "The proxy url field must use one of the protocols http, https, socks5."),
        ({"proxy_url": "http://10.1.2.3:8080"}, "proxy_url",
         "The proxy url field must use a public domain name, not an IP address."),
        ({"proxy_url": "http://[::1]:8080"}, "proxy_url",
         "The proxy url field must use a public domain name, not an IP address."),
        ({"proxy_url": "http://proxy.internal:8080"}, "proxy_url",
         "The proxy url field must use a public domain name, not a local or private network."),
        ({"proxy_url": "http://localhost:3128"}, "proxy_url",
         "The proxy url field must use a public domain name, not a local or private network."),
    ],
)  # fmt: skip
def test_create_validation_errors(client: TestClient, changes: dict, field: str, message: str) -> None:
    response = create(client, {**VALID, **changes})
    assert response.status_code == 422
    body = response.json()
    assert body["success"] is False and body["message"] == "Validation failed"
    assert body["errors"] == {field: [message]}


def test_every_fault_is_reported_at_once(client: TestClient) -> None:
    response = create(client, {"account_protection": "no"})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "name": ["The name field is required."],
        "phone_number": ["The phone number field is required."],
        "account_protection": ["The account protection field must be true or false."],
        "log_messages": ["The log messages field is required."],
    }


@pytest.mark.parametrize(
    "raw", [b"", b"not json", b"[1, 2]", b"\xff\xfe", b'"text"', b"{" * 10_000, b"[" * 200_000, b'{"a":' * 50_000]
)
def test_a_body_that_is_not_an_object_counts_as_empty(client: TestClient, raw: bytes) -> None:
    response = client.post(
        "/api/whatsapp-sessions", content=raw, headers={**auth(PAT), "Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["errors"]["name"] == ["The name field is required."]


def test_phone_number_is_unique(client: TestClient) -> None:
    response = create(client, {**VALID, "phone_number": "+15550100001"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"phone_number": ["The phone number has already been taken."]}


def test_session_limit(client: TestClient, new_account) -> None:
    _, pat = new_account(session_limit=1)
    assert create(client, {**VALID, "phone_number": "+15557770010"}, pat).status_code == 200
    refused = create(client, {**VALID, "phone_number": "+15557770011"}, pat)
    assert refused.status_code == 403
    message = "You have reached your WhatsApp session limit. Please upgrade your plan to add more sessions."
    assert refused.json() == {"success": False, "message": message, "error": message}


def test_no_subscription_cannot_create(client: TestClient, new_account) -> None:
    _, pat = new_account(plan="none")
    refused = create(client, VALID, pat)
    assert refused.status_code == 403
    assert refused.json()["message"] == "Active subscription or trial is required to use the API"


def test_update_changes_only_what_was_sent(client: TestClient, new_session) -> None:
    session = new_session(webhook_url="https://example.com/hook")
    response = client.put(
        f"/api/whatsapp-sessions/{session['id']}",
        json={"name": "Renamed", "webhook_url": None, "ignore_channels": True},
        headers=auth(PAT),
    )
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["name"] == "Renamed" and data["ignore_channels"] is True
    assert data["webhook_url"] == "https://example.com/hook"
    assert data["api_key"] == session["api_key"]
    bad = client.put(f"/api/whatsapp-sessions/{session['id']}", json={"always_online": "1"}, headers=auth(PAT))
    assert bad.status_code == 422


def test_delete_answers_204_and_kills_the_key(client: TestClient, new_session) -> None:
    session = new_session()
    client.post(f"/api/whatsapp-sessions/{session['id']}/connect", headers=auth(PAT))
    response = client.delete(f"/api/whatsapp-sessions/{session['id']}", headers=auth(PAT))
    assert response.status_code == 204 and response.content == b""
    assert client.get("/api/status", headers=auth(session["api_key"])).status_code == 401
    assert client.get(f"/api/whatsapp-sessions/{session['id']}", headers=auth(PAT)).status_code == 404
    again = client.delete(f"/api/whatsapp-sessions/{session['id']}", headers=auth(PAT))
    assert again.status_code == 404


def test_regenerate_key_under_both_paths(client: TestClient, new_session) -> None:
    session = new_session()
    old = session["api_key"]
    for path in ("regenerate-key", "regenerate-api-key"):
        response = client.post(f"/api/whatsapp-sessions/{session['id']}/{path}", headers=auth(PAT))
        body = response.json()
        assert response.status_code == 200 and set(body) == {"success", "api_key"}
        assert client.get("/api/status", headers=auth(old)).status_code == 401
        assert client.get("/api/status", headers=auth(body["api_key"])).json()["status"] == "disconnected"
        old = body["api_key"]


def test_connect_qr_scan_and_status_endpoints(client: TestClient, new_session) -> None:
    session = new_session()
    sid, key = session["id"], session["api_key"]
    connect = client.post(f"/api/whatsapp-sessions/{sid}/connect", headers=auth(PAT)).json()
    assert connect["data"]["status"] == "need_scan"
    assert connect["data"]["qrCode"] == connect["data"]["qr_code"]
    for path in ("qrcode", "qr-code"):
        qr = client.get(f"/api/whatsapp-sessions/{sid}/{path}", headers=auth(PAT)).json()["data"]
        assert qr == {"qrCode": connect["data"]["qrCode"], "qr_code": connect["data"]["qrCode"]}
    image = client.post(f"/api/whatsapp-sessions/{sid}/connect", json={"qr_as_image": True}, headers=auth(PAT))
    assert image.json()["data"]["qrCode"].startswith("data:image/png;base64,")
    assert client.get("/api/status", headers=auth(key)).json() == {"success": True, "status": "need_scan"}

    assert client.post(f"/admin/sessions/{sid}/scan").json()["data"]["status"] == "connected"
    assert client.get(f"/api/sessions/{sid}/status", headers=auth(key)).json()["status"] == "connected"
    assert client.get(f"/api/sessions/{CONNECTED_ID}/status", headers=auth(key)).status_code == 404
    again = client.post(f"/api/whatsapp-sessions/{sid}/connect", headers=auth(PAT)).json()
    assert again["data"] == {
        "status": "connected",
        "message": "Session already initialized or connecting. No QR code needed.",
    }
    qr = client.get(f"/api/whatsapp-sessions/{sid}/qrcode", headers=auth(PAT))
    assert qr.status_code == 400 and "NEED_SCAN" in qr.json()["error"]


def test_a_status_by_id_takes_the_accounts_token_for_its_own_sessions(client: TestClient, new_account) -> None:
    by_token = client.get(f"/api/sessions/{CONNECTED_ID}/status", headers=auth(PAT))
    assert by_token.json() == {"success": True, "status": "connected"}
    assert client.get(f"/api/sessions/{DISCONNECTED_ID}/status", headers=auth(PAT)).json()["status"] == "disconnected"
    _, other_token = new_account()
    assert client.get(f"/api/sessions/{CONNECTED_ID}/status", headers=auth(other_token)).status_code == 404
    assert client.get(f"/api/sessions/{CONNECTED_ID}/status", headers=auth("nonsense")).status_code == 401


def test_restart_only_when_connected(client: TestClient) -> None:
    refused = client.post(f"/api/whatsapp-sessions/{DISCONNECTED_ID}/restart", headers=auth(PAT))
    assert refused.status_code == 400
    assert refused.json()["error"] == "WhatsApp session is not connected. Cannot restart."
    done = client.post(f"/api/whatsapp-sessions/{CONNECTED_ID}/restart", headers=auth(CONNECTED_KEY))
    assert done.json() == {"success": True, "message": "WhatsApp session restarted successfully."}
    logs = client.get(f"/api/whatsapp-sessions/{CONNECTED_ID}/session-logs", headers=auth(PAT)).json()["data"]
    assert [(e["event_type"], e["status"]) for e in logs["data"][:2]] == [
        ("session_restarted", "connected"),
        ("status_change", "connecting"),
    ]


def test_disconnect(client: TestClient) -> None:
    response = client.post(f"/api/whatsapp-sessions/{CONNECTED_ID}/disconnect", headers=auth(PAT))
    assert response.json()["data"] == {"status": "disconnected", "message": "WhatsApp session disconnected successfully"}
    assert client.get("/api/status", headers=auth(CONNECTED_KEY)).json()["status"] == "disconnected"


def test_session_logs_paginate_like_laravel(client: TestClient, new_session) -> None:
    session = new_session()
    sid = session["id"]
    client.post(f"/api/whatsapp-sessions/{sid}/connect", headers=auth(PAT))
    client.post(f"/admin/sessions/{sid}/scan")
    # created, connecting, need_scan, connecting, connected
    page = client.get(f"/api/whatsapp-sessions/{sid}/session-logs?page=2&per_page=2", headers=auth(PAT)).json()
    data = page["data"]
    assert data["total"] == 5 and data["last_page"] == 3 and data["current_page"] == 2
    assert (data["from"], data["to"], data["per_page"]) == (3, 4, 2)
    assert data["prev_page_url"].endswith("page=1") and data["next_page_url"].endswith("page=3")
    assert [e["status"] for e in data["data"]] == ["need_scan", "connecting"]
    assert data["data"][0]["occurred_at"].endswith("Z") and "." in data["data"][0]["occurred_at"]
    beyond = client.get(f"/api/whatsapp-sessions/{sid}/session-logs?page=9", headers=auth(PAT)).json()["data"]
    assert beyond["data"] == [] and beyond["from"] is None and beyond["next_page_url"] is None
    for query, field in (("page=0", "page"), ("per_page=101", "per_page"), ("page=abc", "page")):
        bad = client.get(f"/api/whatsapp-sessions/{sid}/session-logs?{query}", headers=auth(PAT))
        assert bad.status_code == 422 and field in bad.json()["errors"], query


def test_unknown_routes_and_methods_answer_json(client: TestClient) -> None:
    missing = client.get("/api/does-not-exist", headers=auth(PAT))
    assert missing.status_code == 404
    assert missing.json() == {"success": False, "message": "The route api/does-not-exist could not be found."}
    wrong = client.get(f"/api/whatsapp-sessions/{CONNECTED_ID}/connect", headers=auth(PAT))
    assert wrong.status_code == 405 and wrong.json()["success"] is False
    assert "Supported methods: POST." in wrong.json()["message"]
    not_an_id = client.get("/api/whatsapp-sessions/abc", headers=auth(PAT))
    assert not_an_id.status_code == 404 and not_an_id.headers["content-type"].startswith("application/json")
