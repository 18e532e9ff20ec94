"""The control plane names a session by any face's id for it: the integer, or SendAPI's `sess_...`."""

from __future__ import annotations

from litestar.testing import TestClient

from emulator.faces.sendapi.public_ids import SESSION, public_id
from tests.conftest import CONNECTED_ID
from tests.faces.sendapi.helpers import BASE, HEADERS
from tests.webhooks.support import arrived, inbox_url, make_hooked_client


def _sendapi_session(client: TestClient, **extra: str) -> dict:
    created = client.post(f"{BASE}/whatsapp/sessions", json={"name": "Admin", **extra}, headers=HEADERS)
    assert created.status_code == 201, created.text
    return created.json()


def _status(client: TestClient, session: dict) -> str:
    return client.get(f"{BASE}/whatsapp/sessions/{session['id']}", headers=HEADERS).json()["status"]


def test_scan_forced_states_inbound_and_presence_take_a_sendapi_public_id(client: TestClient) -> None:
    session = _sendapi_session(client)
    assert client.post(f"/admin/sessions/{session['id']}/scan").status_code == 200
    assert _status(client, session) == "connected"
    inbound = client.post(f"/admin/sessions/{session['id']}/inbound", json={"from": "+15557771111", "text": "hi"})
    assert inbound.status_code == 200, inbound.text
    history = client.get(f"{BASE}/whatsapp/messages", params={"direction": "in"}, headers=HEADERS).json()["data"]
    assert [(m["session_id"], m["content"]["body"]) for m in history] == [(session["id"], "hi")]
    assert client.get(f"/admin/sessions/{session['id']}/presence").json()["data"] == []
    forced = client.post(f"/admin/sessions/{session['id']}/status", json={"status": "expired"})
    assert forced.status_code == 200 and _status(client, session) == "failed"


def test_the_dashboard_reads_a_session_by_its_public_id(client: TestClient) -> None:
    session = _sendapi_session(client)
    client.post(f"/admin/sessions/{session['numeric_id']}/scan")
    client.post(f"/admin/sessions/{session['id']}/inbound", json={"from": "+15557771111", "text": "hi"})
    chats = client.get(f"/admin/dashboard/sessions/{session['id']}/chats").json()["data"]
    assert [chat["id"] for chat in chats] == ["15557771111@s.whatsapp.net"]


def test_events_and_deliveries_filter_by_a_public_id_as_by_the_integer() -> None:
    with make_hooked_client() as client:
        session = _sendapi_session(client, webhook_url=inbox_url("sendapi"))
        client.post(f"/admin/sessions/{session['id']}/scan")
        client.post(f"/admin/sessions/{session['id']}/inbound", json={"from": "+15557771111", "text": "hi"})
        assert [r["body"]["event"] for r in arrived(client, "sendapi")] == ["message.received"]

        def read(path: str, given: str | int) -> list:
            return client.get(path, params={"session_id": given}).json()["data"]

        for path in ("/admin/events", "/admin/webhooks/deliveries"):
            by_public_id = read(path, session["id"])
            assert by_public_id and by_public_id == read(path, session["numeric_id"])
            assert {item["session_id"] for item in by_public_id} == {session["numeric_id"]}
        assert read("/admin/webhooks/deliveries", session["id"])[0]["event"] == "message.received"


def test_the_backlog_filters_by_a_public_id_as_by_the_integer() -> None:
    with make_hooked_client() as client:
        session = _sendapi_session(client, webhook_url=inbox_url("failing", fail=100))
        client.post(f"/admin/sessions/{session['id']}/scan")
        client.post(f"/admin/sessions/{session['id']}/inbound", json={"from": "+15557771111", "text": "hi"})
        arrived(client, "failing")

        def backlog(given: str | int) -> list:
            return client.get("/admin/webhooks/backlog", params={"session_id": given}).json()["data"]

        assert [(row["session_id"], row["pending"]) for row in backlog(session["id"])] == [(session["numeric_id"], 1)]
        assert backlog(session["id"]) == backlog(session["numeric_id"])
        assert backlog(public_id(SESSION, CONNECTED_ID)) == []


def test_an_id_that_names_no_session_of_its_face_finds_nothing(client: TestClient) -> None:
    session = _sendapi_session(client)
    # The WasenderAPI session's integer written as a SendAPI id, and a SendAPI id with a wrong character.
    not_sendapi = public_id(SESSION, CONNECTED_ID)
    made_up = session["id"][:-1] + ("0" if session["id"][-1] != "0" else "1")
    for given in (not_sendapi, made_up, "987654"):
        scan = client.post(f"/admin/sessions/{given}/scan")
        assert scan.status_code == 404 and scan.json()["message"] == "The specified session was not found."
        assert client.get("/admin/events", params={"session_id": given}).json()["data"] == []
    assert client.get("/admin/events", params={"session_id": "someone"}).status_code == 422
    assert _status(client, session) == "pending"


def test_a_fault_rule_names_its_session_by_a_public_id_and_a_made_up_one_is_refused(client: TestClient) -> None:
    session = _sendapi_session(client)
    drop = {"session_id": session["id"], "action": {"type": "drop_session", "status": "logged_out", "delay": 5}}
    added = client.post("/admin/faults", json=drop)
    assert added.status_code == 201 and added.json()["data"]["session_id"] == session["numeric_id"]
    client.post(f"/admin/sessions/{session['id']}/scan")
    client.post("/admin/clock/advance", json={"seconds": 5})
    assert _status(client, session) == "disconnected"
    refused = client.post("/admin/faults", json={**drop, "session_id": public_id(SESSION, CONNECTED_ID)})
    assert refused.status_code == 422 and refused.json()["errors"] == {"session_id": ["The session id names no session."]}
    assert [rule["id"] for rule in client.get("/admin/faults").json()["data"]["rules"]] == [added.json()["data"]["id"]]
