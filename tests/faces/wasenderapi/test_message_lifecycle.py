"""What follows a send: delivery on the simulated network, reads, edits, deletes, resends, logs."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from emulator.domain.messages import DELETE_WINDOW_SECONDS, DELETED_BEFORE_SENT, EDIT_WINDOW_SECONDS
from tests.conftest import CONNECTED_ID, CONNECTED_KEY, DISCONNECTED_ID, DISCONNECTED_KEY, PAT, auth

RECEIVER_NUMBER = "+15550100002"  # the default fixtures' second session


def send(client: TestClient, to: str, key: str = CONNECTED_KEY, **fields: Any) -> int:
    body = {"to": to, "text": "hello", **fields}
    response = client.post("/api/send-message", json=body, headers=auth(key))
    assert response.status_code == 200, response.text
    return response.json()["data"]["msgId"]


def status(client: TestClient, msg_id: int, key: str = CONNECTED_KEY) -> int:
    return client.get(f"/api/messages/{msg_id}/info", headers=auth(key)).json()["data"]["status"]


def advance(client: TestClient, seconds: float) -> None:
    assert client.post("/admin/clock/advance", json={"seconds": seconds}).status_code == 200


def statuses_over_time(client: TestClient, msg_id: int, until: int = 8) -> list[int]:
    seen = [status(client, msg_id)]
    for _ in range(until):
        advance(client, 1)
        seen.append(status(client, msg_id))
    return seen


def events(client: TestClient, session_id: int, event: str) -> list[dict[str, Any]]:
    return [e["data"] for e in client.get(f"/admin/events?session_id={session_id}&event={event}").json()["data"]]


def connect_receiver(client: TestClient, **settings: Any) -> None:
    if settings:
        client.put(f"/api/whatsapp-sessions/{DISCONNECTED_ID}", json=settings, headers=auth(PAT))
    client.post(f"/api/whatsapp-sessions/{DISCONNECTED_ID}/connect", headers=auth(PAT))
    assert client.post(f"/admin/sessions/{DISCONNECTED_ID}/scan").status_code == 200


@pytest.mark.parametrize(
    ("to", "fields", "timeline"),
    [
        ("+15551234567", {}, [1, 2, 3, 3, 4, 4, 4, 4, 4]),  # read
        ("+15550000042", {}, [1, 0, 0, 0, 0, 0, 0, 0, 0]),  # not_on_whatsapp
        ("+15550010042", {}, [1, 2, 2, 2, 2, 2, 2, 2, 2]),  # never_delivered
        ("+15550020042", {}, [1, 2, 3, 3, 3, 3, 3, 3, 3]),  # delivered_not_read
        ("+15550030042", {"text": None, "audioUrl": "https://example.com/a.ogg"}, [1, 2, 3, 3, 4, 4, 5, 5, 5]),
        ("+15550030042", {}, [1, 2, 3, 3, 4, 4, 4, 4, 4]),  # played: text cannot be played
        ("120363000000000001@g.us", {}, [1, 2, 3, 3, 3, 3, 3, 3, 3]),
        ("120363@newsletter", {}, [1, 2, 2, 2, 2, 2, 2, 2, 2]),
    ],
)
def test_test_number_behaviours_on_the_clock(client: TestClient, to: str, fields: dict, timeline: list[int]) -> None:
    assert statuses_over_time(client, send(client, to, **fields)) == timeline


def test_every_documented_test_number_behaves_as_its_row_says(client: TestClient) -> None:
    rows = client.get("/admin/test-numbers").json()["data"]
    keywords = {row["keyword"] for row in rows}
    assert {"not_on_whatsapp", "never_delivered", "delivered_not_read", "read", "played", "echo"} <= keywords
    for row in rows:
        exists = client.get(f"/api/on-whatsapp/{row['example']}", headers=auth(CONNECTED_KEY)).json()["data"]
        assert exists == {"exists": row["keyword"] != "not_on_whatsapp"}, row


def test_failure_reason_and_events(client: TestClient) -> None:
    msg_id = send(client, "+15550000042")
    advance(client, 5)
    logs = client.get(f"/api/whatsapp-sessions/{CONNECTED_ID}/message-logs", headers=auth(PAT)).json()["data"]
    row = next(r for r in logs["data"] if r["id"] == msg_id)
    assert (row["status"], row["failed_reason"]) == ("failed", "invalid WhatsApp number")
    assert events(client, CONNECTED_ID, "message.sent")[-1] == {
        "success": False,
        "error": "Failed to send message: invalid WhatsApp number",
    }


def test_status_updates_are_published_once_each(client: TestClient) -> None:
    msg_id = send(client, "+15551234567")
    key = client.get(f"/api/messages/{msg_id}/info", headers=auth(CONNECTED_KEY)).json()["data"]["key"]
    advance(client, 30)
    updates = [e["update"]["status"] for e in events(client, CONNECTED_ID, "messages.update") if e["key"] == key]
    assert updates == [2, 3, 4]
    sent = events(client, CONNECTED_ID, "message.sent")
    assert sent == [{"key": key, "message": {"conversation": "hello"}, "success": True}]
    assert events(client, CONNECTED_ID, "messages.upsert")[0]["messages"][0]["key"] == key


def test_echo_number_answers_every_text(client: TestClient) -> None:
    send(client, "+15550040001", text="ping")
    advance(client, 10)
    received = events(client, CONNECTED_ID, "messages.received")
    assert len(received) == 1
    inbound = received[0]["messages"]
    assert inbound["messageBody"] == "Echo: ping" and inbound["key"]["fromMe"] is False
    assert inbound["key"]["cleanedSenderPn"] == "15550040001"
    read = client.post("/api/messages/read", json={"key": inbound["key"]}, headers=auth(CONNECTED_KEY))
    assert read.json() == {"success": True, "data": {"status": "read"}}


def test_delivery_between_two_sessions_and_read_receipts(client: TestClient) -> None:
    connect_receiver(client)
    msg_id = send(client, RECEIVER_NUMBER, text="hi there")
    advance(client, 1)
    assert status(client, msg_id) == 2
    advance(client, 1)
    assert status(client, msg_id) == 3
    inbound = events(client, DISCONNECTED_ID, "messages.received")[0]["messages"]
    sent_key = client.get(f"/api/messages/{msg_id}/info", headers=auth(CONNECTED_KEY)).json()["data"]["key"]
    assert inbound["key"]["id"] == sent_key["id"]
    assert inbound["key"]["remoteJid"] == "15550100001@s.whatsapp.net"
    assert inbound["message"] == {"conversation": "hi there"}
    advance(client, 60)
    assert status(client, msg_id) == 3  # delivered, not read until the receiver reads it
    read = client.post("/api/messages/read", json={"key": inbound["key"]}, headers=auth(DISCONNECTED_KEY))
    assert read.status_code == 200
    assert status(client, msg_id) == 4


def test_auto_read_when_the_receiver_reads_incoming_messages(client: TestClient) -> None:
    connect_receiver(client, read_incoming_messages=True)
    msg_id = send(client, RECEIVER_NUMBER)
    advance(client, 2)
    assert status(client, msg_id) == 4


def test_a_receiver_that_is_offline_leaves_the_message_sent(client: TestClient) -> None:
    msg_id = send(client, RECEIVER_NUMBER)
    advance(client, 10)
    assert status(client, msg_id) == 2
    assert events(client, DISCONNECTED_ID, "messages.received") == []


def test_mark_read_needs_a_known_key(client: TestClient) -> None:
    unknown = {"key": {"id": "3EB0FFFFFFFFFFFFFFFF", "remoteJid": "15551234567@s.whatsapp.net", "fromMe": False}}
    assert client.post("/api/messages/read", json=unknown, headers=auth(CONNECTED_KEY)).status_code == 404
    invalid = client.post("/api/messages/read", json={"key": {"id": ""}}, headers=auth(CONNECTED_KEY))
    assert invalid.status_code == 422
    assert set(invalid.json()["errors"]) == {"key.id", "key.remoteJid", "key.fromMe"}


def test_edit_own_text_within_the_window(client: TestClient) -> None:
    msg_id = send(client, "+15551234567", text="frist")
    response = client.put(f"/api/messages/{msg_id}", json={"text": "first"}, headers=auth(CONNECTED_KEY))
    assert response.status_code == 200
    edit = response.json()["data"]["message"]["protocolMessage"]
    assert edit["type"] == 14 and edit["editedMessage"] == {"conversation": "first"}
    info = client.get(f"/api/messages/{msg_id}/info", headers=auth(CONNECTED_KEY)).json()["data"]
    assert info["message"] == {"conversation": "first"}
    advance(client, EDIT_WINDOW_SECONDS + 1)
    late = client.put(f"/api/messages/{msg_id}", json={"text": "again"}, headers=auth(CONNECTED_KEY))
    assert late.status_code == 400 and late.json()["error"] == "This message can no longer be edited."


def test_only_text_can_be_edited(client: TestClient) -> None:
    msg_id = send(client, "+15551234567", text=None, imageUrl="https://example.com/a.jpg")
    response = client.put(f"/api/messages/{msg_id}", json={"text": "x"}, headers=auth(CONNECTED_KEY))
    assert response.status_code == 400
    empty = client.put(f"/api/messages/{msg_id}", json={}, headers=auth(CONNECTED_KEY))
    assert empty.status_code == 422 and empty.json()["errors"] == {"text": ["The text field is required."]}


def test_delete_for_everyone(client: TestClient) -> None:
    connect_receiver(client)
    msg_id = send(client, RECEIVER_NUMBER)
    advance(client, 3)
    response = client.delete(f"/api/messages/{msg_id}", headers=auth(CONNECTED_KEY))
    assert response.json() == {"success": True, "message": "Message deleted successfully."}
    assert client.get(f"/api/messages/{msg_id}/info", headers=auth(CONNECTED_KEY)).status_code == 404
    assert len(events(client, DISCONNECTED_ID, "messages.delete")) == 1
    old = send(client, "+15551234567")
    advance(client, DELETE_WINDOW_SECONDS + 1)
    late = client.delete(f"/api/messages/{old}", headers=auth(CONNECTED_KEY))
    assert late.status_code == 400


def test_a_message_deleted_before_it_was_sent_is_logged_as_failed(client: TestClient) -> None:
    msg_id = send(client, "+15551234567")
    assert client.delete(f"/api/messages/{msg_id}", headers=auth(CONNECTED_KEY)).status_code == 200
    advance(client, 10)
    assert client.get(f"/api/messages/{msg_id}/info", headers=auth(CONNECTED_KEY)).status_code == 404
    logs = client.get(f"/api/whatsapp-sessions/{CONNECTED_ID}/message-logs", headers=auth(PAT)).json()["data"]["data"]
    [row] = [r for r in logs if r["id"] == msg_id]
    assert (row["status"], row["failed_reason"]) == ("failed", DELETED_BEFORE_SENT)
    assert [u["update"]["status"] for u in events(client, CONNECTED_ID, "messages.update")] == [0]
    refused = client.post(f"/api/messages/{msg_id}/resend", headers=auth(CONNECTED_KEY))
    assert refused.status_code == 404


def test_resend_only_failed_messages(client: TestClient) -> None:
    ok_id = send(client, "+15551234567")
    refused = client.post(f"/api/messages/{ok_id}/resend", headers=auth(CONNECTED_KEY))
    assert refused.status_code == 400
    assert refused.json()["error"] == "Only messages with status 'failed' can be resent."

    flaky = send(client, "+15550050001")
    advance(client, 2)
    assert status(client, flaky) == 0
    resent = client.post(f"/api/messages/{flaky}/resend", headers=auth(CONNECTED_KEY))
    assert resent.json() == {"success": True, "message": "Message resend initiated successfully."}
    assert status(client, flaky) == 1
    advance(client, 10)
    assert status(client, flaky) == 4


def test_resend_needs_message_logging(client: TestClient) -> None:
    client.put(f"/api/whatsapp-sessions/{CONNECTED_ID}", json={"log_messages": False}, headers=auth(PAT))
    failed = send(client, "+15550000001")
    advance(client, 2)
    response = client.post(f"/api/messages/{failed}/resend", headers=auth(CONNECTED_KEY))
    assert response.status_code == 400 and "log_messages" in response.json()["message"]


def test_a_session_never_reaches_another_sessions_messages(client: TestClient) -> None:
    connect_receiver(client)
    msg_id = send(client, "+15550000001")
    advance(client, 2)
    for method, path, body in [
        ("GET", f"/api/messages/{msg_id}/info", None),
        ("PUT", f"/api/messages/{msg_id}", {"text": "x"}),
        ("DELETE", f"/api/messages/{msg_id}", None),
        ("POST", f"/api/messages/{msg_id}/resend", None),
    ]:
        response = client.request(method, path, json=body, headers=auth(DISCONNECTED_KEY))
        assert response.status_code == 404, (method, path)
        assert response.json()["message"] == "Message not found."
    assert status(client, msg_id) == 0


@pytest.mark.parametrize("msg_id", ["0", "-1", "99999999999999999999", "-99999999999999999999"])
def test_ids_that_cannot_exist_are_not_found(client: TestClient, msg_id: str) -> None:
    response = client.get(f"/api/messages/{msg_id}/info", headers=auth(CONNECTED_KEY))
    assert response.status_code == 404 and response.json()["message"] == "Message not found."


@pytest.mark.parametrize("logs", ["message-logs", "session-logs"])
def test_a_page_past_every_integer_is_empty(client: TestClient, logs: str) -> None:
    url = f"/api/whatsapp-sessions/{CONNECTED_ID}/{logs}?per_page=76&page=121645100408832001"
    response = client.get(url, headers=auth(CONNECTED_KEY))
    assert response.status_code == 200 and response.json()["data"]["data"] == []


def test_message_logs(client: TestClient) -> None:
    ids = [send(client, "+15551234567", text=f"m{i}") for i in range(3)] + [send(client, "+15550000001")]
    advance(client, 10)
    url = f"/api/whatsapp-sessions/{CONNECTED_ID}/message-logs"
    page = client.get(f"{url}?per_page=2", headers=auth(CONNECTED_KEY)).json()["data"]
    assert page["total"] == 4 and page["last_page"] == 2
    assert [r["id"] for r in page["data"]] == [ids[3], ids[2]]
    assert page["data"][1] | {"created_at": None, "updated_at": None} == {
        "id": ids[2],
        "whatsapp_session_id": CONNECTED_ID,
        "to": "+15551234567",
        "content": '{"text":"m2"}',
        "status": "read",
        "failed_reason": None,
        "created_at": None,
        "updated_at": None,
    }
    failed = client.get(f"{url}?status=failed", headers=auth(CONNECTED_KEY)).json()["data"]
    assert [r["id"] for r in failed["data"]] == [ids[3]]
    bad = client.get(f"{url}?status=lost", headers=auth(CONNECTED_KEY))
    assert bad.status_code == 422 and "status" in bad.json()["errors"]

    client.put(f"/api/whatsapp-sessions/{CONNECTED_ID}", json={"log_messages": False}, headers=auth(PAT))
    hidden = client.get(url, headers=auth(PAT)).json()["data"]["data"][0]
    assert hidden["to"] is None and hidden["content"] is None and hidden["status"] == "failed"


GROUP = "120363000000000001@g.us"  # session 1 is superadmin; session 2 is a member


def test_a_group_message_reaches_the_member_sessions(client: TestClient) -> None:
    connect_receiver(client)
    msg_id = send(client, GROUP, text="hello group")
    advance(client, 2)
    assert status(client, msg_id) == 3
    [received] = events(client, DISCONNECTED_ID, "messages-group.received")
    key = received["messages"]["key"]
    assert key["remoteJid"] == GROUP and key["cleanedParticipantPn"] == "15550100001"
    assert received["messages"]["messageBody"] == "hello group"


def test_only_members_send_to_a_group(client: TestClient) -> None:
    connect_receiver(client)
    assert client.post(f"/api/groups/{GROUP}/leave", headers=auth(DISCONNECTED_KEY)).status_code == 200
    refused = client.post("/api/send-message", json={"to": GROUP, "text": "x"}, headers=auth(DISCONNECTED_KEY))
    assert refused.status_code == 400
    assert refused.json()["error"] == "Failed to send message: You are not a member of this group."
    unknown = client.post("/api/send-message", json={"to": "120363999@g.us", "text": "x"}, headers=auth(CONNECTED_KEY))
    assert unknown.status_code == 404


def test_in_announce_mode_only_admins_send(client: TestClient) -> None:
    connect_receiver(client)
    settings = client.put(f"/api/groups/{GROUP}/settings", json={"announce": True}, headers=auth(CONNECTED_KEY))
    assert settings.status_code == 200
    refused = client.post("/api/send-message", json={"to": GROUP, "text": "x"}, headers=auth(DISCONNECTED_KEY))
    assert refused.status_code == 400
    assert refused.json()["error"] == "Failed to send message: Only admins can send messages to this group."
    assert send(client, GROUP) > 0
