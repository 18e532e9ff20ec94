"""The /admin control plane."""

from __future__ import annotations

from litestar.testing import TestClient

from tests.conftest import CONNECTED_ID, DISCONNECTED_ID, PAT, auth, make_client


def test_health_says_only_that_the_emulator_lives(client: TestClient) -> None:
    assert client.get("/admin/health").json() == {"success": True, "data": {"status": "ok"}}


def test_reset_returns_to_the_fixtures(client: TestClient, new_session, new_account) -> None:
    before = client.get("/api/whatsapp-sessions", headers=auth(PAT)).json()["data"]
    new_session()
    _, other = new_account()
    client.post(f"/api/whatsapp-sessions/{CONNECTED_ID}/disconnect", headers=auth(PAT))
    client.post("/admin/clock/advance", json={"seconds": 3600})

    reset = client.post("/admin/reset").json()
    assert reset["success"] is True and reset["data"]["duration_ms"] < 1000
    assert client.get("/api/whatsapp-sessions", headers=auth(PAT)).json()["data"] == before
    assert client.get("/api/whatsapp-sessions", headers=auth(other)).status_code == 401
    assert client.get("/admin/clock").json()["data"]["iso"] == "2025-01-01T00:00:00Z"


def _create_session(client: TestClient) -> dict:
    body = {"name": "a", "phone_number": "+15557770001", "account_protection": False, "log_messages": True}
    return client.post("/api/whatsapp-sessions", json=body, headers=auth(PAT)).json()["data"]


def test_same_seed_same_ids() -> None:
    keys = []
    for _ in range(2):
        with make_client(seed="same") as client:
            created = _create_session(client)
            account = client.post("/admin/accounts", json={}).json()["data"]
            keys.append((created["api_key"], created["webhook_secret"], account["personal_access_token"]))
    assert keys[0] == keys[1]
    with make_client(seed="other") as client:
        assert _create_session(client)["api_key"] != keys[0][0]


def test_create_account(client: TestClient) -> None:
    response = client.post("/admin/accounts", json={"plan": "trial", "session_limit": 2})
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["plan"] == "trial" and data["session_limit"] == 2 and data["id"] == 2
    assert data["personal_access_token"].startswith("2|") and len(data["personal_access_token"]) == 42
    assert client.get("/api/whatsapp-sessions", headers=auth(data["personal_access_token"])).json()["data"] == []
    bad = client.post("/admin/accounts", json={"plan": "gold", "session_limit": -1})
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"plan", "session_limit"}


def test_scan_needs_a_qr_code(client: TestClient) -> None:
    response = client.post(f"/admin/sessions/{DISCONNECTED_ID}/scan")
    assert response.status_code == 400 and response.json()["success"] is False
    assert client.post("/admin/sessions/999/scan").status_code == 404


def test_force_status(client: TestClient) -> None:
    for status in ("logged_out", "disconnected"):
        response = client.post(f"/admin/sessions/{CONNECTED_ID}/status", json={"status": status})
        assert response.json()["data"]["status"] == status
    refused = client.post(f"/admin/sessions/{CONNECTED_ID}/status", json={"status": "expired"})
    assert refused.status_code == 400  # a disconnected session cannot expire
    invalid = client.post(f"/admin/sessions/{CONNECTED_ID}/status", json={"status": "connected"})
    assert invalid.status_code == 422


def test_clock_advance_is_refused_on_a_real_clock() -> None:
    with make_client(clock="real") as client:
        response = client.post("/admin/clock/advance", json={"seconds": 5})
        assert response.status_code == 400 and "virtual" in response.json()["message"]


def test_admin_token() -> None:
    with make_client(admin_token="s3cret") as client:
        assert client.get("/admin/clock").status_code == 401
        assert client.get("/admin/clock", headers=auth("wrong")).status_code == 401
        assert client.get("/admin/clock", headers=auth("s3cret")).status_code == 200
        assert client.get("/admin/health").status_code == 200


def test_event_journal_records_status_changes(client: TestClient) -> None:
    client.post(f"/api/whatsapp-sessions/{DISCONNECTED_ID}/connect", headers=auth(PAT))
    events = client.get(f"/admin/events?session_id={DISCONNECTED_ID}").json()["data"]
    assert [(e["event"], e["data"].get("status")) for e in events] == [
        ("session.status", "connecting"),
        ("session.status", "need_scan"),
        ("qrcode.updated", None),
    ]
    assert events[2]["data"]["qr"].startswith("2@")
    latest = client.get(f"/admin/events?session_id={DISCONNECTED_ID}&limit=2").json()["data"]
    assert latest == events[1:]
    assert client.get("/admin/events?limit=0").status_code == 422
