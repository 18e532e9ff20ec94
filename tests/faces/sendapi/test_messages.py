"""SendAPI sending over HTTP: the three body shapes and every type through the network's one send
pipeline, history with its filters and pages, one message, and Idempotency-Key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from emulator.faces.sendapi.idempotency import KEPT_SECONDS
from emulator.faces.sendapi.public_ids import MESSAGE, integer_id
from tests.conftest import make_client
from tests.faces.sendapi.helpers import BASE, HEADERS, connected_session

SEND, MESSAGES = f"{BASE}/whatsapp/send", f"{BASE}/whatsapp/messages"
TO = "+15551234567"
WASENDER_PHONE = "+15550100001"  # the default fixture's connected WasenderAPI session


def _advance(client: TestClient, seconds: float) -> None:
    client.post("/admin/clock/advance", json={"seconds": seconds})


def _stored(client: TestClient, public: dict[str, Any]):
    core = client.app.state.core
    return client.blocking_portal.call(core.messages.find, integer_id(MESSAGE, public["id"]))


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ({"to": TO, "type": "text", "text": {"body": "from the send page"}}, "from the send page"),
        ({"to": TO, "content": "from the MCP server", "type": "text"}, "from the MCP server"),
        ({"to": TO, "message": "Hello world!"}, "Hello world!"),
    ],
)
def test_each_documented_body_shape_sends_its_text(client: TestClient, body: dict[str, Any], text: str) -> None:
    session = connected_session(client)
    response = client.post(SEND, json={"session_id": session["id"], **body}, headers=HEADERS)
    assert response.status_code == 201
    sent = response.json()
    assert sent["id"].startswith("msg_") and sent["status"] == "accepted" and sent["direction"] == "out"
    assert sent["content"] == {"body": text} and sent["to"] == TO and sent["session_id"] == session["id"]
    stored = _stored(client, sent)
    assert stored.message == {"conversation": text} and stored.remote_jid == "15551234567@s.whatsapp.net"


@pytest.mark.parametrize(
    ("body", "whatsapp_key", "shown"),
    [
        ({"type": "image", "image": {"link": "https://example.com/a.jpg", "caption": "look"}}, "imageMessage", "look"),
        ({"type": "video", "content": "https://example.com/v.mp4"}, "videoMessage", None),
        ({"type": "audio", "content": {"url": "https://example.com/a.ogg"}}, "audioMessage", None),
        ({"type": "document", "document": {"link": "https://example.com/r.pdf", "filename": "r.pdf"}}, "documentMessage", None),
        ({"type": "location", "content": {"latitude": 51.5, "longitude": -0.12, "name": "HQ"}}, "locationMessage", "HQ"),
        ({"type": "contact", "content": "BEGIN:VCARD\nFN:Ann\nTEL:+15550001111\nEND:VCARD"}, "contactMessage", "Ann"),
        ({"type": "poll", "content": {"question": "Lunch?", "options": ["yes", "no"]}}, "pollCreationMessage", "Lunch?"),
    ],
)
def test_every_type_becomes_its_whatsapp_message(
    client: TestClient, body: dict[str, Any], whatsapp_key: str, shown: str | None
) -> None:
    session = connected_session(client)
    sent = client.post(SEND, json={"session_id": session["numeric_id"], "to": TO, **body}, headers=HEADERS).json()
    assert sent["type"] == body["type"] and sent["content"]["body"] == shown
    assert whatsapp_key in _stored(client, sent).message


def test_template_and_interactive_are_stored_as_the_text_whatsapp_shows(client: TestClient) -> None:
    session = connected_session(client)
    template = {"name": "otp", "language": {"code": "en"},
                "components": [{"type": "body", "parameters": [{"type": "text", "text": "Your code is 123456"}]}]}
    interactive = {"type": "button", "body": {"text": "Pick one"},
                   "action": {"buttons": [{"type": "reply", "reply": {"id": "a", "title": "Yes"}}]}}  # fmt: skip
    sent = client.post(SEND, json={"session_id": session["id"], "to": TO, "type": "template", "template": template},
                       headers=HEADERS).json()  # fmt: skip
    assert sent["type"] == "template" and _stored(client, sent).message == {"conversation": "Your code is 123456"}
    sent = client.post(SEND, json={"session_id": session["id"], "to": TO, "type": "interactive",
                                   "interactive": interactive}, headers=HEADERS).json()  # fmt: skip
    assert _stored(client, sent).message == {"conversation": "Pick one\nYes"}


def test_without_session_id_the_only_connected_session_sends_and_two_need_naming(client: TestClient) -> None:
    only = connected_session(client)
    sent = client.post(SEND, json={"to": TO, "message": "hi"}, headers=HEADERS).json()
    assert sent["session_id"] == only["id"]
    connected_session(client, "Second")
    refused = client.post(SEND, json={"to": TO, "message": "hi"}, headers=HEADERS)
    assert refused.status_code == 422 and refused.json()["error"]["param"] == "session_id"


def test_refusals_a_pending_session_a_bad_type_and_no_text(client: TestClient) -> None:
    pending = client.post(f"{BASE}/whatsapp/sessions", json={"name": "P"}, headers=HEADERS).json()
    refused = client.post(SEND, json={"session_id": pending["id"], "to": TO, "message": "hi"}, headers=HEADERS)
    assert refused.status_code == 409 and refused.json()["error"]["type"] == "conflict"
    session = connected_session(client)
    bad_type = client.post(SEND, json={"session_id": session["id"], "to": TO, "type": "fax"}, headers=HEADERS)
    assert bad_type.status_code == 422 and bad_type.json()["error"]["param"] == "type"
    empty = client.post(SEND, json={"session_id": session["id"], "to": TO}, headers=HEADERS)
    assert empty.status_code == 422
    listed = client.get(MESSAGES, headers=HEADERS).json()
    assert listed["meta"]["total"] == 0


def test_status_moves_on_the_clock_and_one_message_reads_it_back(client: TestClient) -> None:
    session = connected_session(client)
    sent = client.post(SEND, json={"session_id": session["id"], "to": TO, "message": "hi"}, headers=HEADERS).json()
    _advance(client, 30)
    again = client.get(f"{MESSAGES}/{sent['id']}", headers=HEADERS).json()
    assert again["id"] == sent["id"] and again["status"] == "read" and again["delivered_at"] is not None
    assert client.get(f"{MESSAGES}/msg_nope", headers=HEADERS).status_code == 404


def test_history_filters_and_pages(client: TestClient) -> None:
    first, second = connected_session(client, "A"), connected_session(client, "B")
    for n in range(3):
        client.post(SEND, json={"session_id": first["id"], "to": TO, "message": f"a{n}"}, headers=HEADERS)
    _advance(client, 86_400)
    client.post(SEND, json={"session_id": second["id"], "to": "+15550000003", "message": "fails"}, headers=HEADERS)
    client.post(SEND, json={"session_id": second["id"], "to": WASENDER_PHONE, "message": "to wasender"}, headers=HEADERS)
    _advance(client, 30)

    def ids(**params: Any) -> list[str]:
        return [m["content"]["body"] for m in client.get(MESSAGES, params=params, headers=HEADERS).json()["data"]]

    assert ids() == ["to wasender", "fails", "a2", "a1", "a0"]
    assert ids(session_id=first["numeric_id"]) == ["a2", "a1", "a0"]
    assert ids(session_id=second["id"], direction="out", status="delivered") == ["to wasender"]
    assert ids(status="failed") == ["fails"]
    assert ids(to_date="2025-01-01") == ["a2", "a1", "a0"]
    assert ids(from_date="2025-01-02T00:00:00Z") == ["to wasender", "fails"]
    paged = client.get(MESSAGES, params={"per_page": 2, "page": 3}, headers=HEADERS).json()
    assert [m["content"]["body"] for m in paged["data"]] == ["a0"]
    assert paged["meta"] == {"total": 5, "page": 3, "per_page": 2, "last_page": 3}
    assert client.get(MESSAGES, params={"per_page": 101}, headers=HEADERS).status_code == 422
    assert client.get(MESSAGES, params={"from_date": "yesterday"}, headers=HEADERS).json()["error"]["param"] == "from_date"


def test_the_same_idempotency_key_sends_once_and_another_body_is_a_conflict(client: TestClient) -> None:
    session = connected_session(client)
    body = {"session_id": session["id"], "to": TO, "message": "once"}
    key = {**HEADERS, "Idempotency-Key": "5b1c2a8e-1f0e-4a8e-9a8e-2f9f1b0c3d4e"}
    first = client.post(SEND, json=body, headers=key)
    second = client.post(SEND, json=body, headers=key)
    assert first.status_code == second.status_code == 201 and first.json() == second.json()
    assert client.get(MESSAGES, headers=HEADERS).json()["meta"]["total"] == 1
    other = client.post(SEND, json={**body, "message": "twice"}, headers=key)
    assert other.status_code == 409 and other.json()["error"]["code"] == 4091
    assert client.get(MESSAGES, headers=HEADERS).json()["meta"]["total"] == 1
    client.post(SEND, json=body, headers={**HEADERS, "Idempotency-Key": "another"})
    assert client.get(MESSAGES, headers=HEADERS).json()["meta"]["total"] == 2


IDEMPOTENT = {**HEADERS, "Idempotency-Key": "0f8e6c2d-9a4b-4c1e-8f3a-7b6d5e4c3b2a"}


def _sent_total(client: TestClient) -> int:
    return client.get(MESSAGES, headers=HEADERS).json()["meta"]["total"]


def test_an_idempotency_key_survives_a_restart_and_is_kept_a_day(tmp_path: Path) -> None:
    db = str(tmp_path / "state.db")
    with make_client(db=db) as client:
        session = connected_session(client)
        body = {"session_id": session["id"], "to": TO, "message": "once"}
        first = client.post(SEND, json=body, headers=IDEMPOTENT)
        assert first.status_code == 201
    with make_client(db=db) as client:
        again = client.post(SEND, json=body, headers=IDEMPOTENT)
        assert (again.status_code, again.json()) == (201, first.json()) and _sent_total(client) == 1
        assert client.post(SEND, json={**body, "message": "other"}, headers=IDEMPOTENT).json()["error"]["code"] == 4091
        _advance(client, KEPT_SECONDS + 1)
        later = client.post(SEND, json=body, headers=IDEMPOTENT)
        assert later.status_code == 201 and later.json()["id"] != first.json()["id"] and _sent_total(client) == 2
        # The expired record was replaced by the new answer.
        assert client.post(SEND, json=body, headers=IDEMPOTENT).json() == later.json() and _sent_total(client) == 2


def test_a_reset_forgets_idempotency_keys(client: TestClient) -> None:
    session = connected_session(client)
    body = {"session_id": session["id"], "to": TO, "message": "once"}
    first = client.post(SEND, json=body, headers=IDEMPOTENT).json()
    client.post("/admin/reset")
    session = connected_session(client)
    assert session["id"] == first["session_id"]  # the same ids after a reset
    other = client.post(SEND, json={**body, "message": "after the reset"}, headers=IDEMPOTENT)
    assert other.status_code == 201 and other.json()["content"] == {"body": "after the reset"}
    assert _sent_total(client) == 1


def test_a_refused_send_leaves_its_key_free(client: TestClient) -> None:
    session = connected_session(client)
    refused = client.post(SEND, json={"session_id": session["id"], "to": "not a number", "message": "x"}, headers=IDEMPOTENT)
    assert refused.status_code == 422
    sent = client.post(SEND, json={"session_id": session["id"], "to": TO, "message": "x"}, headers=IDEMPOTENT)
    assert sent.status_code == 201 and _sent_total(client) == 1
