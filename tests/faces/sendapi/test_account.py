"""SendAPI's bulk send, contacts and the on-WhatsApp check, account usage and the per-session cap."""

from __future__ import annotations

import math
from pathlib import Path

from litestar.testing import TestClient

from tests.conftest import make_client
from tests.faces.sendapi.helpers import BASE, HEADERS, connected_session

BULK, MESSAGES = f"{BASE}/whatsapp/send-bulk", f"{BASE}/whatsapp/messages"


def test_send_bulk_answers_one_result_per_recipient_and_sends_each(client: TestClient) -> None:
    session = connected_session(client)
    recipients = ["+15551234567", "+15551234568", "not a number"]
    answer = client.post(BULK, json={"session_id": session["numeric_id"], "recipients": recipients, "content": "all"},
                         headers=HEADERS).json()  # fmt: skip
    assert [r["to"] for r in answer["results"]] == recipients
    assert [r["status"] for r in answer["results"]] == ["accepted", "accepted", "failed"]
    assert answer["total"] == 3 and answer["accepted"] == 2 and answer["failed"] == 1
    history = client.get(MESSAGES, headers=HEADERS).json()["data"]
    assert sorted(m["to"] for m in history) == recipients[:2]
    assert {m["id"] for m in history} == {r["message_id"] for r in answer["results"][:2]}


def test_send_bulk_takes_at_most_500_recipients(client: TestClient) -> None:
    session = connected_session(client)
    body = {"session_id": session["id"], "recipients": [f"+1555{n:07d}" for n in range(501)], "content": "x"}
    refused = client.post(BULK, json=body, headers=HEADERS)
    assert refused.status_code == 422 and refused.json()["error"]["param"] == "recipients"
    assert client.get(MESSAGES, headers=HEADERS).json()["meta"]["total"] == 0


def test_the_check_tells_whatsapp_numbers_and_sessions_from_others(client: TestClient) -> None:
    session = connected_session(client)
    check = f"{BASE}/whatsapp/contacts/{{}}/check"
    on = client.get(check.format("+15551234567"), params={"session_id": session["id"]}, headers=HEADERS).json()
    assert on == {"phone": "+15551234567", "is_whatsapp_user": True, "whatsapp_id": "15551234567@s.whatsapp.net"}
    off = client.get(check.format("+15550000004"), params={"session_id": session["id"]}, headers=HEADERS).json()
    assert off["is_whatsapp_user"] is False and off["whatsapp_id"] is None
    missing = client.get(check.format("+15551234567"), headers=HEADERS)
    assert missing.status_code == 422 and missing.json()["error"]["param"] == "session_id"


def test_contacts_list_the_chat_partners(client: TestClient) -> None:
    session = connected_session(client)
    client.post(f"{BASE}/whatsapp/send", json={"session_id": session["id"], "to": "+15551234567", "message": "hi"},
                headers=HEADERS)  # fmt: skip
    listed = client.get(f"{BASE}/whatsapp/contacts", params={"session_id": session["id"]}, headers=HEADERS).json()
    assert [c["phone"] for c in listed["data"]] == ["+15551234567"] and listed["meta"]["total"] == 1


def test_usage_counts_what_was_really_sent_and_received(client: TestClient) -> None:
    session = connected_session(client)
    for text in ("one", "two"):
        client.post(f"{BASE}/whatsapp/send", json={"session_id": session["id"], "to": "+15551234567", "message": text},
                    headers=HEADERS)  # fmt: skip
    client.post(f"{BASE}/whatsapp/send", json={"session_id": session["id"], "to": "+15551234567"}, headers=HEADERS)
    usage = client.get(f"{BASE}/account/usage", headers=HEADERS).json()
    assert usage["messages_sent"] == 2 and usage["messages_received"] == 0 and usage["sessions"] == 1
    assert usage["period_start"] == "2025-01-01T00:00:00Z" and usage["period_end"] == "2025-02-01T00:00:00Z"
    assert usage["rate_limit"] == {"per_minute": 600, "per_hour": 10_000}


def test_the_per_session_cap_is_off_by_default_and_refuses_the_31st_message_a_minute_when_on(client: TestClient) -> None:
    def send_31(test_client: TestClient) -> list[int]:
        session = connected_session(test_client)
        body = {"session_id": session["id"], "to": "+15551234567", "message": "x"}
        return [test_client.post(f"{BASE}/whatsapp/send", json=body, headers=HEADERS).status_code for _ in range(31)]

    assert send_31(client) == [201] * 31
    with make_client(sendapi_whatsapp_cap="on") as capped:
        assert send_31(capped) == [201] * 30 + [429]
        session_id = capped.get(f"{BASE}/whatsapp/sessions", headers=HEADERS).json()["data"][0]["id"]
        body = {"session_id": session_id, "to": "+15551234567", "message": "x"}
        refused = capped.post(f"{BASE}/whatsapp/send", json=body, headers=HEADERS)
        assert refused.headers["retry-after"] == "60" and refused.json()["error"]["code"] == 4029
        assert capped.get(MESSAGES, headers=HEADERS).json()["meta"]["total"] == 30
        capped.post("/admin/clock/advance", json={"seconds": 60})
        assert capped.post(f"{BASE}/whatsapp/send", json=body, headers=HEADERS).status_code == 201


def test_the_cap_counts_what_was_really_sent_so_a_restart_keeps_it(tmp_path: Path) -> None:
    db = str(tmp_path / "state.db")
    with make_client(db=db, sendapi_whatsapp_cap="on") as capped:
        session = connected_session(capped)
        send = {"session_id": session["id"], "to": "+15551234567", "message": "x"}
        # A refused send is not sent, so it does not count.
        assert capped.post(f"{BASE}/whatsapp/send", json={**send, "to": "nobody"}, headers=HEADERS).status_code == 422
        for _ in range(30):
            assert capped.post(f"{BASE}/whatsapp/send", json=send, headers=HEADERS).status_code == 201
        capped.post("/admin/clock/advance", json={"seconds": 20})
    with make_client(db=db, sendapi_whatsapp_cap="on") as capped:
        refused = capped.post(f"{BASE}/whatsapp/send", json=send, headers=HEADERS)
        assert refused.status_code == 429 and refused.headers["retry-after"] == "40"
        assert refused.json()["error"]["message"] == "This WhatsApp session may send 30 messages per minute."
        # Up to 1,000 a day, 30 each minute: 970 more, in bulks of 30 a minute apart.
        bulk = {"session_id": session["id"], "recipients": ["+15551234567"] * 30, "content": "x"}
        for _ in range(32):
            capped.post("/admin/clock/advance", json={"seconds": 60})
            assert capped.post(BULK, json=bulk, headers=HEADERS).json()["accepted"] == 30
        capped.post("/admin/clock/advance", json={"seconds": 60})
        assert capped.post(BULK, json={**bulk, "recipients": ["+15551234567"] * 11}, headers=HEADERS).json()["accepted"] == 10
        now = capped.get("/admin/clock").json()["data"]["now"]
    with make_client(db=db, sendapi_whatsapp_cap="on") as capped:
        capped.post("/admin/clock/advance", json={"seconds": 60})
        refused = capped.post(f"{BASE}/whatsapp/send", json=send, headers=HEADERS)
        assert refused.json()["error"]["message"] == "This WhatsApp session may send 1,000 messages per day."
        assert int(refused.headers["retry-after"]) == math.ceil(86_400 - (now + 60) % 86_400)
        assert capped.get(MESSAGES, headers=HEADERS).json()["meta"]["total"] == 1_000
        capped.post("/admin/clock/advance", json={"seconds": int(refused.headers["retry-after"])})
        assert capped.post(f"{BASE}/whatsapp/send", json=send, headers=HEADERS).status_code == 201
