"""State lives in SQLite and survives a restart of the server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from litestar.testing import TestClient

from emulator.domain.sessions import QR_LIFETIME_SECONDS
from tests.conftest import CONNECTED_ID, CONNECTED_KEY, DISCONNECTED_ID, PAT, LiveServer, auth, make_client


def test_state_survives_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "state.db")
    with make_client(db=db) as client:
        created = client.post(
            "/api/whatsapp-sessions",
            json={"name": "Kept", "phone_number": "+15558880001", "account_protection": True, "log_messages": False,
                  "webhook_events": ["session.status"]},
            headers=auth(PAT),
        ).json()["data"]  # fmt: skip
        account = client.post("/admin/accounts", json={"plan": "trial"}).json()["data"]
        client.post(f"/api/whatsapp-sessions/{created['id']}/connect", headers=auth(PAT))
        qr = client.get(f"/api/whatsapp-sessions/{created['id']}/qrcode", headers=auth(PAT)).json()["data"]["qrCode"]
        client.post("/admin/clock/advance", json={"seconds": 10})
        logs = client.get(f"/api/whatsapp-sessions/{created['id']}/session-logs", headers=auth(PAT)).json()["data"]

    with make_client(db=db) as client:
        again = client.get(f"/api/whatsapp-sessions/{created['id']}", headers=auth(PAT)).json()["data"]
        assert {k: again[k] for k in ("name", "api_key", "webhook_events", "account_protection", "status")} == {
            "name": "Kept",
            "api_key": created["api_key"],
            "webhook_events": ["session.status"],
            "account_protection": True,
            "status": "need_scan",
        }
        assert client.get("/api/status", headers=auth(created["api_key"])).json()["status"] == "need_scan"
        assert client.get("/api/whatsapp-sessions", headers=auth(account["personal_access_token"])).status_code == 200
        assert client.get(f"/api/whatsapp-sessions/{created['id']}/session-logs", headers=auth(PAT)).json()[
            "data"
        ] == logs
        # The virtual clock resumes where it stood, and the QR timer with it.
        assert client.get(f"/api/whatsapp-sessions/{created['id']}/qrcode", headers=auth(PAT)).json()["data"][
            "qrCode"
        ] == qr
        client.post("/admin/clock/advance", json={"seconds": QR_LIFETIME_SECONDS - 10})
        assert client.get(f"/api/whatsapp-sessions/{created['id']}/qrcode", headers=auth(PAT)).json()["data"][
            "qrCode"
        ] != qr
        # Keys drawn after a restart never repeat the ones drawn before it, seed or not.
        second = client.post(
            "/api/whatsapp-sessions",
            json={"name": "New", "phone_number": "+15558880002", "account_protection": True, "log_messages": False},
            headers=auth(PAT),
        ).json()["data"]
        assert second["api_key"] != created["api_key"]


def test_fixtures_are_loaded_once_then_the_database_wins(tmp_path: Path) -> None:
    db = str(tmp_path / "state.db")
    with make_client(db=db) as client:
        client.delete(f"/api/whatsapp-sessions/{DISCONNECTED_ID}", headers=auth(PAT))
    with make_client(db=db) as client:
        ids = [s["id"] for s in client.get("/api/whatsapp-sessions", headers=auth(PAT)).json()["data"]]
        assert DISCONNECTED_ID not in ids
        client.post("/admin/reset")
        ids = [s["id"] for s in client.get("/api/whatsapp-sessions", headers=auth(PAT)).json()["data"]]
        assert DISCONNECTED_ID in ids


@pytest.mark.parametrize(
    ("content", "fault"),
    [
        ("{not json", "malformed"),
        ('{"accounts": [{"id": 1}]}', "missing required field"),
        ('{"accounts": [], "extra": 1}', "unknown field"),
    ],
)
def test_a_malformed_fixture_file_stops_start_up(tmp_path: Path, content: str, fault: str) -> None:
    fixtures = tmp_path / "broken.json"
    fixtures.write_text(content)
    result = subprocess.run(
        [sys.executable, "-m", "emulator", "serve", "--fixtures", str(fixtures), "--db", ":memory:", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert str(fixtures) in result.stderr and fault in result.stderr.lower()


def test_duplicate_tokens_in_fixtures_are_refused(tmp_path: Path) -> None:
    from emulator.config import DEFAULT_FIXTURES
    from emulator.fixtures import FixtureError, load_fixtures

    data = json.loads(DEFAULT_FIXTURES.read_text())
    data["accounts"][0]["sessions"][1]["api_key"] = data["accounts"][0]["sessions"][0]["api_key"]
    broken = tmp_path / "dup.json"
    broken.write_text(json.dumps(data))
    with pytest.raises(FixtureError, match=r"sessions\[1\]: duplicate token"):
        load_fixtures(broken)


def test_server_restart_on_the_same_file_keeps_sessions(tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    server = LiveServer(db=db, log=tmp_path / "one.log")
    try:
        body = {"name": "Durable", "phone_number": "+15558880009", "account_protection": False, "log_messages": True}
        created = httpx.post(f"{server.api_url}/whatsapp-sessions", json=body, headers=auth(PAT)).json()["data"]
    finally:
        server.stop()
    server = LiveServer(db=db, log=tmp_path / "two.log")
    try:
        fetched = httpx.get(f"{server.api_url}/whatsapp-sessions/{created['id']}", headers=auth(PAT)).json()["data"]
        assert fetched == created
    finally:
        server.stop()


def test_messages_in_flight_resume_after_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "state.db")
    with make_client(db=db) as client:
        sent = client.post(
            "/api/send-message", json={"to": "+15551234567", "text": "survives"}, headers=auth(CONNECTED_KEY)
        ).json()["data"]
        client.post("/admin/clock/advance", json={"seconds": 1})
    with make_client(db=db) as client:
        info = client.get(f"/api/messages/{sent['msgId']}/info", headers=auth(CONNECTED_KEY)).json()["data"]
        assert info["status"] == 2 and info["message"] == {"conversation": "survives"}
        client.post("/admin/clock/advance", json={"seconds": 5})
        assert client.get(f"/api/messages/{sent['msgId']}/info", headers=auth(CONNECTED_KEY)).json()["data"][
            "status"
        ] == 4
        again = client.post(
            "/api/send-message", json={"to": "+15551234567", "text": "next"}, headers=auth(CONNECTED_KEY)
        ).json()["data"]
        assert again["msgId"] == sent["msgId"] + 1


def test_an_echo_is_answered_once_across_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "state.db")

    def echoes(client: TestClient) -> list[str]:
        received = client.get(f"/admin/events?session_id={CONNECTED_ID}&event=messages.received").json()["data"]
        return [event["data"]["messages"]["messageBody"] for event in received]

    with make_client(db=db) as client:
        client.post("/api/send-message", json={"to": "+15550040001", "text": "ping"}, headers=auth(CONNECTED_KEY))
        client.post("/admin/clock/advance", json={"seconds": 3.5})
        before = echoes(client)
    with make_client(db=db) as client:
        client.post("/admin/clock/advance", json={"seconds": 10})
        after = echoes(client)
    assert before + after == ["Echo: ping"]
