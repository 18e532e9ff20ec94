"""SendAPI webhooks: management (the secret once, then a prefix), the message events in SendAPI's
envelope, filtered by the registered list, signed with X-SendAPI-Signature, in order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.conftest import CONNECTED_KEY, auth
from tests.faces.sendapi.helpers import BASE, HEADERS, connected_session, verified
from tests.webhooks.support import Receiver, make_hooked_client, wait_idle

WEBHOOKS, SEND = f"{BASE}/webhooks", f"{BASE}/whatsapp/send"
WASENDER_PHONE = "+15550100001"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    listening = Receiver()
    yield listening
    listening.stop()


@pytest.fixture
def hooked() -> Iterator[TestClient]:
    with make_hooked_client() as test_client:
        yield test_client


def _advance(client: TestClient, seconds: float) -> None:
    client.post("/admin/clock/advance", json={"seconds": seconds})
    wait_idle(client)


def test_create_shows_the_secret_once_and_a_prefix_afterwards(client: TestClient) -> None:
    created = client.post(WEBHOOKS, json={"url": "https://example.com/h", "events": ["message.*"]}, headers=HEADERS)
    assert created.status_code == 201
    data = created.json()["data"]
    assert data["secret"].startswith("whsec_") and data["is_active"] is True and data["failure_count"] == 0
    shown = client.get(f"{WEBHOOKS}/{data['id']}", headers=HEADERS).json()["data"]
    assert shown["secret"] == data["secret"][:10] + "..." and shown["events"] == ["message.*"]
    assert [h["id"] for h in client.get(WEBHOOKS, headers=HEADERS).json()["data"]] == [data["id"]]
    updated = client.put(f"{WEBHOOKS}/{data['id']}", json={"events": ["*"], "is_active": False}, headers=HEADERS)
    assert updated.json()["data"]["events"] == ["*"] and updated.json()["data"]["is_active"] is False
    assert client.app.state.core.sendapi_webhooks.get(1, data["id"]).is_active is False
    assert client.delete(f"{WEBHOOKS}/{data['id']}", headers=HEADERS).json() == {"deleted": True, "id": data["id"]}
    assert client.get(f"{WEBHOOKS}/{data['id']}", headers=HEADERS).status_code == 404


def test_unknown_events_and_urls_are_refused(client: TestClient) -> None:
    bad = client.post(WEBHOOKS, json={"url": "https://example.com/h", "events": ["email.bounce"]}, headers=HEADERS)
    assert bad.status_code == 422 and bad.json()["error"]["param"] == "events"
    assert client.post(WEBHOOKS, json={"url": "not a url"}, headers=HEADERS).status_code == 422
    assert client.get(WEBHOOKS, headers=HEADERS).json()["data"] == []


def test_message_events_arrive_signed_in_order_with_the_documented_payloads(hooked: TestClient, receiver: Receiver) -> None:
    session = connected_session(hooked)
    secret = hooked.post(WEBHOOKS, json={"url": receiver.url, "events": ["*"]}, headers=HEADERS).json()["data"]["secret"]
    sent = hooked.post(SEND, json={"session_id": session["id"], "to": "+15551234567", "message": "hi"}, headers=HEADERS).json()
    _advance(hooked, 30)
    bodies = [verified(secret, headers, raw) for headers, raw in receiver.requests]
    assert [b["event"] for b in bodies] == ["message.sent", "message.delivered", "message.read"]
    assert all(b["timestamp"].endswith("Z") for b in bodies)
    ids = {"message_id": sent["id"], "session_id": session["id"]}
    assert bodies[0]["data"] == {**ids, "to": "+15551234567", "type": "text", "status": "sent"}
    assert bodies[1]["data"] == {**ids, "delivered_at": bodies[1]["timestamp"]}
    assert bodies[2]["data"] == {**ids, "read_at": bodies[2]["timestamp"]}


def test_received_and_failed_and_the_registered_filter(hooked: TestClient, receiver: Receiver) -> None:
    session = connected_session(hooked)
    secret = hooked.post(
        WEBHOOKS, json={"url": receiver.url, "events": ["message.received", "message.failed"]}, headers=HEADERS
    ).json()["data"]["secret"]
    hooked.post("/api/send-message", json={"to": session["phone_number"], "text": "from wasender"},
                headers=auth(CONNECTED_KEY))  # fmt: skip
    failed = hooked.post(SEND, json={"session_id": session["id"], "to": "+15550000003", "message": "x"}, headers=HEADERS).json()
    _advance(hooked, 30)
    bodies = {b["event"]: b["data"] for b in (verified(secret, h, raw) for h, raw in receiver.requests)}
    assert set(bodies) == {"message.received", "message.failed"}
    received = bodies["message.received"]
    assert received["from"] == WASENDER_PHONE and received["type"] == "text"
    assert received["content"] == {"body": "from wasender"} and received["session_id"] == session["id"]
    history = hooked.get(f"{BASE}/whatsapp/messages", params={"direction": "in"}, headers=HEADERS).json()["data"]
    assert received["message_id"] == history[0]["id"]
    assert bodies["message.failed"]["message_id"] == failed["id"] and bodies["message.failed"]["status"] == "failed"


def test_a_session_webhook_url_gets_its_events_signed_with_the_session_secret(hooked: TestClient, receiver: Receiver) -> None:
    created = hooked.post(f"{BASE}/whatsapp/sessions", json={"name": "Hooked", "webhook_url": receiver.url},
                          headers=HEADERS).json()  # fmt: skip
    hooked.post(f"/admin/sessions/{created['numeric_id']}/scan")
    hooked.post(SEND, json={"session_id": created["id"], "to": "+15551234567", "message": "hi"}, headers=HEADERS)
    _advance(hooked, 30)
    bodies = [verified(created["webhook_secret"], h, raw) for h, raw in receiver.requests]
    assert [b["event"] for b in bodies] == ["message.sent", "message.delivered", "message.read"]


def test_an_inactive_webhook_and_other_faces_sessions_get_nothing(hooked: TestClient, receiver: Receiver) -> None:
    hook = hooked.post(WEBHOOKS, json={"url": receiver.url}, headers=HEADERS).json()["data"]
    hooked.post("/api/send-message", json={"to": "+15551234567", "text": "wasender only"}, headers=auth(CONNECTED_KEY))
    _advance(hooked, 30)
    assert receiver.requests == []
    session = connected_session(hooked)
    hooked.put(f"{WEBHOOKS}/{hook['id']}", json={"is_active": False}, headers=HEADERS)
    hooked.post(SEND, json={"session_id": session["id"], "to": "+15551234567", "message": "hi"}, headers=HEADERS)
    _advance(hooked, 30)
    assert receiver.requests == []


# Webhook fault rules apply to SendAPI's deliveries as to any face's ---------------------------------


def _faulted_events(
    hooked: TestClient, receiver: Receiver, action: dict[str, Any], event: str, times: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Send one message with a webhook fault rule on its session: what arrived, verified, and the delivery log."""
    session = connected_session(hooked)
    secret = hooked.post(WEBHOOKS, json={"url": receiver.url, "events": ["*"]}, headers=HEADERS).json()["data"]["secret"]
    rule = {"session_id": session["id"], "event": event, "times": times, "action": action}
    added = hooked.post("/admin/faults", json=rule)
    assert added.status_code == 201 and added.json()["data"]["session_id"] == session["numeric_id"]
    hooked.post(SEND, json={"session_id": session["id"], "to": "+15551234567", "message": "hi"}, headers=HEADERS)
    _advance(hooked, 60)
    bodies = [verified(secret, headers, raw) for headers, raw in receiver.requests]
    log = hooked.get("/admin/webhooks/deliveries", params={"session_id": session["id"]}).json()["data"]
    return bodies, log


def test_a_duplicate_rule_doubles_a_sendapi_event_with_the_same_event_id(hooked: TestClient, receiver: Receiver) -> None:
    bodies, log = _faulted_events(hooked, receiver, {"type": "webhook_duplicate"}, "message.sent", 1)
    assert [b["event"] for b in bodies] == ["message.sent", "message.sent", "message.delivered", "message.read"]
    assert bodies[0] == bodies[1]
    doubled = [d for d in log if d["injected"] == "duplicated by rule-1"]
    assert len(doubled) == 2 and doubled[0]["event_id"] == doubled[1]["event_id"] is not None
    assert {d["headers"]["X-SendAPI-Signature"] for d in doubled} == {doubled[0]["headers"]["X-SendAPI-Signature"]}


def test_a_delay_rule_lets_the_later_sendapi_events_pass(hooked: TestClient, receiver: Receiver) -> None:
    bodies, log = _faulted_events(hooked, receiver, {"type": "webhook_delay", "seconds": 30}, "message.sent", 1)
    assert [b["event"] for b in bodies] == ["message.delivered", "message.read", "message.sent"]
    assert [d["injected"] for d in log if d["event"] == "message.sent"] == ["delayed 30 s by rule-1"]


def test_a_reorder_rule_delivers_sendapi_events_newest_first(hooked: TestClient, receiver: Receiver) -> None:
    bodies, log = _faulted_events(hooked, receiver, {"type": "webhook_reorder", "window": 3}, "message.*", 3)
    assert [b["event"] for b in bodies] == ["message.read", "message.delivered", "message.sent"]
    assert {d["injected"] for d in log} == {"reordered by rule-1"}
