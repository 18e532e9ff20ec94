"""QR codes expire on the clock, are replaced, and a session that is never scanned gives up."""

from __future__ import annotations

from litestar.testing import TestClient

from emulator.domain.sessions import QR_LIFETIME_SECONDS, QR_MAX_REPLACEMENTS
from tests.conftest import DISCONNECTED_ID, PAT, auth


def qr(client: TestClient) -> str:
    return client.get(f"/api/whatsapp-sessions/{DISCONNECTED_ID}/qrcode", headers=auth(PAT)).json()["data"]["qrCode"]


def advance(client: TestClient, seconds: float) -> None:
    assert client.post("/admin/clock/advance", json={"seconds": seconds}).status_code == 200


def status(client: TestClient) -> str:
    return client.get(f"/api/whatsapp-sessions/{DISCONNECTED_ID}", headers=auth(PAT)).json()["data"]["status"]


def test_qr_is_replaced_after_its_lifetime(client: TestClient) -> None:
    client.post(f"/api/whatsapp-sessions/{DISCONNECTED_ID}/connect", headers=auth(PAT))
    first = qr(client)
    advance(client, QR_LIFETIME_SECONDS - 1)
    assert qr(client) == first
    advance(client, 1)
    second = qr(client)
    assert second != first and status(client) == "need_scan"
    # Connect while waiting for a scan keeps the current code.
    again = client.post(f"/api/whatsapp-sessions/{DISCONNECTED_ID}/connect", headers=auth(PAT)).json()
    assert again["data"]["qrCode"] == second


def test_unscanned_session_falls_back_to_disconnected(client: TestClient) -> None:
    client.post(f"/api/whatsapp-sessions/{DISCONNECTED_ID}/connect", headers=auth(PAT))
    codes = {qr(client)}
    for _ in range(QR_MAX_REPLACEMENTS):
        advance(client, QR_LIFETIME_SECONDS)
        codes.add(qr(client))
    assert len(codes) == QR_MAX_REPLACEMENTS + 1
    advance(client, QR_LIFETIME_SECONDS)
    assert status(client) == "disconnected"
    logs = client.get(f"/api/whatsapp-sessions/{DISCONNECTED_ID}/session-logs?per_page=100", headers=auth(PAT))
    kinds = [e["event_type"] for e in logs.json()["data"]["data"]]
    assert kinds.count("qr_code_updated") == QR_MAX_REPLACEMENTS
    assert kinds[0] == "qr_code_expired"
    updates = client.get(f"/admin/events?session_id={DISCONNECTED_ID}&event=qrcode.updated").json()["data"]
    assert len(updates) == QR_MAX_REPLACEMENTS + 1


def test_one_long_advance_fires_every_timer_in_order(client: TestClient) -> None:
    client.post(f"/api/whatsapp-sessions/{DISCONNECTED_ID}/connect", headers=auth(PAT))
    advance(client, QR_LIFETIME_SECONDS * (QR_MAX_REPLACEMENTS + 1) + 0.5)
    assert status(client) == "disconnected"
    statuses = [e["data"]["status"] for e in client.get("/admin/events?event=session.status").json()["data"]]
    assert statuses == ["connecting", "need_scan", "disconnected"]


def test_scanned_session_stops_its_qr_timer(client: TestClient) -> None:
    client.post(f"/api/whatsapp-sessions/{DISCONNECTED_ID}/connect", headers=auth(PAT))
    client.post(f"/admin/sessions/{DISCONNECTED_ID}/scan")
    advance(client, QR_LIFETIME_SECONDS * 10)
    assert status(client) == "connected"
    assert client.get("/admin/clock").json()["data"]["pending_timers"] == 0
