"""SendAPI sessions over HTTP: pending with an inline QR, fresh QR codes, the status words, the ids,
the error body and the rate-limit headers, each checked against state read back."""

from __future__ import annotations

import base64

from litestar.testing import TestClient

from emulator.domain.sessions import Status
from emulator.faces import SENDAPI
from tests.conftest import PAT, auth
from tests.faces.sendapi.helpers import BASE, HEADERS, KEY, connected_session

SESSIONS = f"{BASE}/whatsapp/sessions"
PNG_PREFIX = "data:image/png;base64,"


def _png(data_url: str) -> bytes:
    assert data_url.startswith(PNG_PREFIX)
    return base64.b64decode(data_url[len(PNG_PREFIX) :])


def test_create_answers_a_pending_session_with_a_png_qr_that_lasts_two_minutes(client: TestClient) -> None:
    response = client.post(SESSIONS, json={"name": "Support Bot"}, headers=HEADERS)
    assert response.status_code == 201
    body = response.json()
    assert body["id"].startswith("sess_") and len(body["id"]) == 31
    assert body["status"] == "pending" and body["name"] == "Support Bot"
    assert _png(body["qr_code"]).startswith(b"\x89PNG")
    assert body["qr_expires_at"] == "2025-01-01T00:02:00Z" and body["created_at"] == "2025-01-01T00:00:00Z"
    stored = client.app.state.core.sessions.get(body["numeric_id"])
    assert stored.face == SENDAPI and stored.status is Status.NEED_SCAN and stored.account_id == 1


def test_an_expired_qr_leaves_the_session_pending_and_qr_mints_a_new_one(client: TestClient) -> None:
    created = client.post(SESSIONS, json={"name": "Bot"}, headers=HEADERS).json()
    client.post("/admin/clock/advance", json={"seconds": 600})
    again = client.get(f"{SESSIONS}/{created['id']}", headers=HEADERS).json()
    assert again["status"] == "pending" and again["qr_code"] == created["qr_code"]
    fresh = client.get(f"{SESSIONS}/{created['id']}/qr", headers=HEADERS).json()
    assert fresh["id"] == created["id"] and fresh["status"] == "pending"
    assert fresh["qr_code"] != created["qr_code"]
    assert fresh["expires_at"] == fresh["qr_expires_at"] == "2025-01-01T00:12:00Z"
    stored = client.app.state.core.sessions.get(created["numeric_id"])
    assert _png(fresh["qr_code"]) != _png(created["qr_code"]) and stored.status is Status.NEED_SCAN


def test_scan_connects_and_qr_on_a_connected_session_is_a_conflict(client: TestClient) -> None:
    session = connected_session(client)
    assert session["status"] == "connected" and "qr_code" not in session
    response = client.get(f"{SESSIONS}/{session['id']}/qr", headers=HEADERS)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == 4090


def test_a_logged_out_session_is_disconnected_and_qr_pairs_it_again(client: TestClient) -> None:
    session = connected_session(client)
    client.post(f"/admin/sessions/{session['numeric_id']}/status", json={"status": "logged_out"})
    assert client.get(f"{SESSIONS}/{session['id']}", headers=HEADERS).json()["status"] == "disconnected"
    other = connected_session(client, "Other")
    client.post(f"/admin/sessions/{other['numeric_id']}/status", json={"status": "expired"})
    assert client.get(f"{SESSIONS}/{other['id']}", headers=HEADERS).json()["status"] == "failed"
    fresh = client.get(f"{SESSIONS}/{session['numeric_id']}/qr", headers=HEADERS).json()
    assert fresh["status"] == "pending" and fresh["qr_code"].startswith(PNG_PREFIX)


def test_list_shows_only_this_face_with_meta_and_the_wasenderapi_face_does_not_see_them(client: TestClient) -> None:
    first = client.post(SESSIONS, json={"name": "One"}, headers=HEADERS).json()
    second = client.post(SESSIONS, json={"name": "Two"}, headers=HEADERS).json()
    listed = client.get(SESSIONS, headers=HEADERS).json()
    assert [s["id"] for s in listed["data"]] == [first["id"], second["id"]]
    assert listed["meta"] == {"total": 2, "page": 1, "per_page": 25, "last_page": 1}
    paged = client.get(SESSIONS, params={"per_page": 1, "page": 2}, headers=HEADERS).json()
    assert [s["id"] for s in paged["data"]] == [second["id"]] and paged["meta"]["last_page"] == 2
    wasender = client.get("/api/whatsapp-sessions", headers=auth(PAT)).json()["data"]
    assert first["numeric_id"] not in [s["id"] for s in wasender]


def test_the_integer_alias_reaches_the_same_session_and_made_up_ids_do_not(client: TestClient) -> None:
    created = client.post(SESSIONS, json={"name": "Bot"}, headers=HEADERS).json()
    by_alias = client.get(f"{SESSIONS}/{created['numeric_id']}", headers=HEADERS).json()
    assert by_alias["id"] == created["id"]
    forged = "sess_" + "0" * 10 + created["id"][-16:]
    for unknown in (forged, "sess_nope", "999", "1"):  # 1 is a WasenderAPI session
        response = client.get(f"{SESSIONS}/{unknown}", headers=HEADERS)
        assert response.status_code == 404 and response.json()["error"]["type"] == "not_found"


def test_delete_removes_the_session(client: TestClient) -> None:
    created = client.post(SESSIONS, json={"name": "Bot"}, headers=HEADERS).json()
    answer = client.delete(f"{SESSIONS}/{created['id']}", headers=HEADERS)
    assert answer.status_code == 200 and answer.json() == {"deleted": True, "id": created["id"]}
    assert client.app.state.core.sessions.get(created["numeric_id"]) is None
    assert client.get(f"{SESSIONS}/{created['id']}", headers=HEADERS).status_code == 404


def test_keys_missing_invalid_and_test_mode(client: TestClient) -> None:
    missing = client.get(SESSIONS)
    assert missing.status_code == 401 and missing.json()["error"]["code"] == 4010
    invalid = client.get(SESSIONS, headers={"Authorization": "Bearer sk_live_nope"}).json()
    assert invalid["success"] is False and invalid["error"]["code"] == 4011
    assert invalid["meta"]["request_id"].startswith("req_") and invalid["meta"]["timestamp"].endswith("Z")
    test_key = "sk_test_" + KEY.removeprefix("sk_live_")
    assert client.get(SESSIONS, headers={"Authorization": f"Bearer {test_key}"}).status_code == 200
    assert client.get(SESSIONS, headers=auth(PAT)).status_code == 401


def test_a_new_account_answers_its_sendapi_key(client: TestClient) -> None:
    key = client.post("/admin/accounts", json={}).json()["data"]["keys"][SENDAPI]
    assert key.startswith("sk_live_")
    created = client.post(SESSIONS, json={"name": "Theirs"}, headers=auth(key)).json()
    assert client.get(f"{SESSIONS}/{created['id']}", headers=HEADERS).status_code == 404


def test_every_answer_carries_rate_limit_headers_and_the_plan_limit_refuses_with_retry_after(client: TestClient) -> None:
    headers = client.get(SESSIONS, headers=HEADERS).headers
    assert headers["x-ratelimit-limit"] == "600" and headers["x-ratelimit-remaining"] == "599"
    assert "x-ratelimit-reset" in client.get(SESSIONS).headers
    trial_key = client.post("/admin/accounts", json={"plan": "trial"}).json()["data"]["keys"][SENDAPI]
    for _ in range(60):
        assert client.get(SESSIONS, headers=auth(trial_key)).status_code == 200
    refused = client.get(SESSIONS, headers=auth(trial_key))
    assert refused.status_code == 429 and refused.headers["retry-after"] == "60"
    assert refused.headers["x-ratelimit-remaining"] == "0"
    assert refused.json()["error"]["code"] == 4029 and refused.json()["error"]["type"] == "rate_limit_exceeded"
    client.post("/admin/clock/advance", json={"seconds": 60})
    assert client.get(SESSIONS, headers=auth(trial_key)).status_code == 200
