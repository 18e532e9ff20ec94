"""A SendAPI session on the one network with a Wasend session and a WasenderAPI session: a message
arrives, its receipts flow back (sent, delivered, then read when the other side reads it), a reply
comes in, and both sides' webhooks fire in their own face's words."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.conftest import CONNECTED_KEY, auth
from tests.faces.sendapi.helpers import BASE, HEADERS, connected_session, verified
from tests.faces.wasend.conftest import WASEND_KEY
from tests.webhooks.support import Receiver, advance, arrived, inbox_url, make_hooked_client, point_webhook, wait_idle

SEND, MESSAGES = f"{BASE}/whatsapp/send", f"{BASE}/whatsapp/messages"
WASEND_PHONE = "+15558880001"
WASENDERAPI_PHONE = "+15550100001"  # the default fixtures' connected session


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    listening = Receiver()
    yield listening
    listening.stop()


class SendApiSide:
    """The SendAPI session, with an account webhook that takes every event, verified as it arrives."""

    def __init__(self, client: TestClient, receiver: Receiver) -> None:
        self.client, self.receiver = client, receiver
        hook = client.post(f"{BASE}/webhooks", json={"url": receiver.url, "events": ["*"]}, headers=HEADERS)
        self.secret = hook.json()["data"]["secret"]
        self.session = connected_session(client)
        self.digits = self.session["phone_number"].lstrip("+")

    def send(self, to: str, text: str) -> dict[str, Any]:
        sent = self.client.post(SEND, json={"session_id": self.session["id"], "to": to, "message": text}, headers=HEADERS)
        assert sent.status_code == 201, sent.text
        return sent.json()  # type: ignore[no-any-return]

    def events(self) -> list[dict[str, Any]]:
        wait_idle(self.client)
        return [verified(self.secret, headers, raw) for headers, raw in self.receiver.requests]

    def receipts_of(self, message_id: str) -> list[str]:
        return [e["event"] for e in self.events() if e["data"]["message_id"] == message_id]

    def received(self) -> list[tuple[str, str]]:
        return [(e["data"]["from"], e["data"]["content"]["body"]) for e in self.events() if e["event"] == "message.received"]

    def history(self) -> list[tuple[str, str, str]]:
        rows = self.client.get(MESSAGES, params={"session_id": self.session["id"]}, headers=HEADERS).json()["data"]
        return [(m["direction"], m["content"]["body"], m["status"]) for m in rows]


def test_a_sendapi_session_and_a_wasend_session_message_each_other(receiver: Receiver) -> None:
    with make_hooked_client() as client:
        sendapi = SendApiSide(client, receiver)
        body = {"sessionName": "Peer", "phoneNumber": WASEND_PHONE, "enableWebhook": True, "webhookUrl": inbox_url("wasend")}
        wasend_id = client.post("/wasend/sessions", json=body, headers=auth(WASEND_KEY)).json()["uniqueSessionId"]
        client.post(f"/admin/sessions/{wasend_id}/scan")

        sent = sendapi.send(WASEND_PHONE, "hello wasend")
        advance(client, 60)
        waha = [r["body"] for r in arrived(client, "wasend")]
        inbound = [e["payload"] for e in waha if e["event"] == "message"]
        assert [(m["body"], m["from"], m["fromMe"]) for m in inbound] == [("hello wasend", f"{sendapi.digits}@c.us", False)]
        assert sendapi.receipts_of(sent["id"]) == ["message.sent", "message.delivered"]

        seen = {"session": wasend_id, "to": sendapi.session["phone_number"], "messageId": inbound[0]["id"]}
        assert client.post("/wasend/sendSeen", json=seen, headers=auth(WASEND_KEY)).status_code == 201
        assert sendapi.receipts_of(sent["id"]) == ["message.sent", "message.delivered", "message.read"]

        reply = {"session": wasend_id, "to": sendapi.session["phone_number"], "text": "hello sendapi"}
        replied = client.post("/wasend/sendText", json=reply, headers=auth(WASEND_KEY)).json()
        advance(client, 60)
        assert sendapi.received() == [(WASEND_PHONE, "hello sendapi")]
        assert sendapi.history() == [("in", "hello sendapi", "delivered"), ("out", "hello wasend", "read")]
        acks = [e["payload"]["ackName"] for e in (r["body"] for r in arrived(client, "wasend"))
                if e["event"] == "message.ack" and e["payload"]["id"] == replied["id"]]  # fmt: skip
        assert acks == ["SERVER", "DEVICE"]


def test_a_sendapi_session_and_a_wasenderapi_session_message_each_other(receiver: Receiver) -> None:
    with make_hooked_client() as client:
        sendapi = SendApiSide(client, receiver)
        point_webhook(client, inbox_url("wasender"), ["messages.received", "messages.update"])

        sent = sendapi.send(WASENDERAPI_PHONE, "hello wasender")
        advance(client, 60)
        received = [r["body"]["data"]["messages"] for r in arrived(client, "wasender") if r["body"]["event"] == "messages.received"]
        assert [(m["messageBody"], m["key"]["cleanedSenderPn"]) for m in received] == [("hello wasender", sendapi.digits)]
        assert sendapi.receipts_of(sent["id"]) == ["message.sent", "message.delivered"]

        key = {k: received[0]["key"][k] for k in ("id", "remoteJid", "fromMe")}
        assert client.post("/api/messages/read", json={"key": key}, headers=auth(CONNECTED_KEY)).status_code == 200
        assert sendapi.receipts_of(sent["id"]) == ["message.sent", "message.delivered", "message.read"]

        reply = {"to": sendapi.session["phone_number"], "text": "hello sendapi"}
        assert client.post("/api/send-message", json=reply, headers=auth(CONNECTED_KEY)).status_code == 200
        advance(client, 60)
        assert sendapi.received() == [(WASENDERAPI_PHONE, "hello sendapi")]
        assert sendapi.history() == [("in", "hello sendapi", "delivered"), ("out", "hello wasender", "read")]
        updates = [r["body"]["data"] for r in arrived(client, "wasender") if r["body"]["event"] == "messages.update"]
        to_sendapi = f"{sendapi.digits}@s.whatsapp.net"
        statuses = [u["update"]["status"] for u in updates if u["key"]["remoteJid"] == to_sendapi and u["key"]["fromMe"]]
        assert statuses == [2, 3]  # sent, delivered
