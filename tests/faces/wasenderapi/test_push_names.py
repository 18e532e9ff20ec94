"""pushName on every inbound message: another session's name, a simulated user's own, or a stable
default; and the same name as the contact's notify."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from emulator.domain.contacts import default_push_name
from tests.faces.wasenderapi.test_message_lifecycle import GROUP, RECEIVER_NUMBER, advance, connect_receiver, events, send
from tests.conftest import CONNECTED_ID, CONNECTED_KEY, DISCONNECTED_ID, DISCONNECTED_KEY, auth
from tests.webhooks.support import inject

STRANGER = "+15557654321"  # no fixture contact, no session


def received(client: TestClient, session_id: int, event: str = "messages.received") -> list[dict[str, Any]]:
    return [e["messages"] for e in events(client, session_id, event)]


def notify_of(client: TestClient, phone: str, key: str = CONNECTED_KEY) -> str | None:
    response = client.get(f"/api/contacts/{phone}", headers=auth(key))
    assert response.status_code == 200, response.text
    return response.json()["data"]["notify"]


def test_a_message_from_another_session_carries_its_name(client: TestClient) -> None:
    connect_receiver(client)
    send(client, RECEIVER_NUMBER, text="hi")
    send(client, GROUP, text="hi all")
    advance(client, 2)
    [personal] = received(client, DISCONNECTED_ID, "messages-personal.received")
    [group] = received(client, DISCONNECTED_ID, "messages-group.received")
    assert personal["pushName"] == group["pushName"] == "Demo connected"
    upserts = [e["messages"][0] for e in events(client, DISCONNECTED_ID, "messages.upsert")]
    assert [u["pushName"] for u in upserts] == ["Demo connected"] * 2
    assert notify_of(client, "+15550100001", DISCONNECTED_KEY) == "Demo connected"


def test_a_simulated_user_without_a_name_gets_a_stable_default(client: TestClient) -> None:
    inject(client, {"from": STRANGER, "text": "first"})
    inject(client, {"from": STRANGER, "text": "second"})
    names = [m["pushName"] for m in received(client, CONNECTED_ID)]
    assert names == [default_push_name("15557654321")] * 2 == ["User 4321"] * 2
    assert notify_of(client, STRANGER) == "User 4321"


def test_the_name_a_user_last_set_is_its_push_name(client: TestClient) -> None:
    inject(client, {"from": STRANGER, "contact_update": {"notify": "Bobby"}})
    inject(client, {"from": STRANGER, "text": "hello"})
    inject(client, {"from": STRANGER, "group": GROUP.removesuffix("@g.us"), "text": "in the group"})
    inject(client, {"from": STRANGER, "contact_update": {"notify": "Robert"}})
    inject(client, {"from": STRANGER, "text": "renamed"})
    assert [m["pushName"] for m in received(client, CONNECTED_ID)] == ["Bobby", "Bobby", "Robert"]
    assert notify_of(client, STRANGER) == "Robert"


def test_a_fixture_contact_speaks_with_its_notify(client: TestClient) -> None:
    inject(client, {"from": "+15551234567", "text": "hi"})
    send(client, "+15550040001", text="ping")  # the echo number's fixture contact says Echo
    advance(client, 4)
    assert [m["pushName"] for m in received(client, CONNECTED_ID)] == ["Alice", "Echo"]
    assert notify_of(client, "+15551234567") == "Alice"


def test_a_channel_post_has_no_push_name(client: TestClient) -> None:
    inject(client, {"channel": "120363000000000009@newsletter", "text": "news"})
    [post] = received(client, CONNECTED_ID)
    assert "pushName" not in post
