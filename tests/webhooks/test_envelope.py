"""Every documented event reaches the receiver with its page's envelope and `data` shape."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from emulator.coverage import live_every_event
from emulator.domain.events import DOCUMENTED_EVENTS
from tests.webhooks.support import (
    advance,
    arrived,
    inbox_url,
    make_hooked_client,
    point_webhook,
    send_message,
)

_KEY = {"id": "m", "fromMe": False, "remoteJid": "1@s.whatsapp.net"}
_PERSONAL = {
    "messages": {
        "key": {**_KEY, "addressingMode": "pn", "senderPn": "1@s.whatsapp.net", "cleanedSenderPn": "1", "senderLid": "5@lid"},
        "messageBody": "Hello",
        "message": {"conversation": "Hello"},
    }
}
# The `data` of each page's example (values are placeholders: the shape is what is compared).
DOCUMENTED_DATA: dict[str, Any] = {
    "messages.received": _PERSONAL,
    "messages-personal.received": _PERSONAL,
    "messages.upsert": {"messages": [_PERSONAL["messages"]]},
    "messages-group.received": {
        "messages": {
            "key": {
                **_KEY,
                "participant": "1@lid",
                "participantPn": "1@s.whatsapp.net",
                "cleanedParticipantPn": "1",
                "participantLid": "1@lid",
                "addressingMode": "lid",
            },
            "messageBody": "Hey",
            "message": {"conversation": "Hey"},
        }
    },
    "messages-newsletter.received": {"messages": {"key": _KEY, "messageBody": "N", "message": {"conversation": "N"}}},
    "messages.update": {"update": {"status": 2}, "key": _KEY},
    "messages.delete": {"keys": [_KEY]},
    "messages.reaction": [{"key": _KEY, "reaction": {"text": "x", "key": _KEY}}],
    "message.sent": {"key": _KEY, "message": {"conversation": "x"}, "success": True},
    "message-receipt.update": {
        "message": {"key": {**_KEY, "participant": "p"}, "receipt": {"userJid": "p", "readTimestamp": 1}}
    },
    "chats.upsert": [{"id": "1", "conversationTimestamp": 1, "unreadCount": 2}],
    "chats.update": [{"id": "1", "unreadCount": 0, "conversationTimestamp": 1}],
    "chats.delete": ["1"],
    "groups.upsert": [{"jid": "g", "subject": "s", "creation": 1, "owner": "o", "participants": [{"jid": "1"}]}],
    "groups.update": [{"jid": "g", "announce": True}],
    "group-participants.update": {"jid": "g", "participants": ["1"], "action": "add"},
    "contacts.upsert": [{"jid": "1", "name": "n", "notify": "n"}],
    "contacts.update": [{"jid": "1", "imgUrl": "u"}],
    "session.status": {"status": "connected"},
    "qrcode.updated": {"qr": "2@..."},
    "call": {"call": {"id": "c", "from": "f", "date": "d", "isGroup": False, "isVideo": True, "status": "offer"}},
    "poll.results": {"key": _KEY, "pollResult": [{"name": "Pizza", "voters": ["1@s.whatsapp.net"]}]},
}
MILLISECONDS = {"messages.update", "message-receipt.update", "poll.results"}


def conforms(actual: Any, documented: Any, path: str = "data") -> list[str]:
    """Where `actual` lacks a documented field or holds another JSON type than the page."""
    if isinstance(documented, dict):
        if not isinstance(actual, dict):
            return [f"{path}: not an object"]
        return [p for k, v in documented.items() for p in (conforms(actual[k], v, f"{path}.{k}") if k in actual else [f"{path}.{k}: missing"])]
    if isinstance(documented, list):
        if not isinstance(actual, list) or not actual:
            return [f"{path}: not a non-empty list"]
        return conforms(actual[0], documented[0], f"{path}[0]") if documented else []
    same = type(actual) is type(documented) or {type(actual), type(documented)} <= {int, float}
    return [] if same else [f"{path}: {type(actual).__name__}, documented {type(documented).__name__}"]


@pytest.fixture(scope="module")
def first_of_each() -> Iterator[dict[str, dict[str, Any]]]:
    with make_hooked_client() as client:
        point_webhook(client, inbox_url("all"), list(DOCUMENTED_EVENTS))
        live_every_event(client)
        found: dict[str, dict[str, Any]] = {}
        for request in arrived(client, "all"):
            found.setdefault(request["body"]["event"], request["body"])
        yield found


def test_every_documented_event_is_sent(first_of_each: dict[str, dict[str, Any]]) -> None:
    assert set(first_of_each) == set(DOCUMENTED_EVENTS)


@pytest.mark.parametrize("event", DOCUMENTED_EVENTS)
def test_payload_has_the_shape_of_its_page(first_of_each: dict[str, dict[str, Any]], event: str) -> None:
    body = first_of_each[event]
    assert set(body) == {"event", "timestamp", "sessionId", "data"}
    assert conforms(body["data"], DOCUMENTED_DATA[event]) == []
    seconds = body["timestamp"] // 1000 if event in MILLISECONDS else body["timestamp"]
    assert 1_700_000_000 < seconds < 2_000_000_000


def test_the_failure_form_of_message_sent() -> None:
    with make_hooked_client() as client:
        point_webhook(client, inbox_url("failed"), ["message.sent"])
        send_message(client, to="+15550000042", text="to nobody")
        advance(client, 5)
        [request] = arrived(client, "failed")
        assert request["body"]["data"] == {"success": False, "error": "Failed to send message: invalid WhatsApp number"}
