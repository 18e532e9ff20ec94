"""Webhooks in WAHA's shape: the domain's events of a Wasend session as `session.status`, `message`,
`message.any` and `message.ack` envelopes, delivered by the same machinery as every face's.

Inferred: Wasend documents only `enableWebhook` and `webhookUrl`; the envelope and the event
names are WAHA's, which its backend wraps.
"""

from __future__ import annotations

from typing import Any

import msgspec

from emulator.domain.events import Event
from emulator.domain.sessions import Session, Status
from emulator.faces.wasend.addresses import own_chat_id, waha_chat_id, waha_message_id
from emulator.faces.wasend.statuses import ACKS, STATUS_WORDS
from emulator.webhooks.dispatcher import Translator

# The domain's events a Wasend session subscribes to, and what each becomes.
WASEND_EVENTS = ("session.status", "messages.upsert", "messages.received", "messages.update")

_encode = msgspec.json.Encoder().encode


def waha_translator(vocabulary: str) -> Translator:
    """The webhook bodies of one event for a Wasend session, with statuses in `vocabulary`."""

    def translate(event: Event, session: Session) -> list[tuple[str, bytes]]:
        own = own_chat_id(session.phone_number)
        named = _payloads(event, session, own, vocabulary)
        return [(name, _encode(_envelope(event, session, own, name, payload))) for name, payload in named]

    return translate


def _payloads(event: Event, session: Session, own: str, vocabulary: str) -> list[tuple[str, dict[str, Any]]]:
    data = event.data
    if event.event == "session.status":
        return [("session.status", {"name": str(session.id), "status": STATUS_WORDS[vocabulary][Status(data["status"])]})]
    if event.event == "messages.upsert":
        return [("message.any", _message(item, own)) for item in data["messages"]]
    if event.event == "messages.received":
        return [("message", _message(data["messages"], own))]
    if event.event == "messages.update":
        key = data["key"]
        ack, ack_name = ACKS[data["update"]["status"]]
        chat = waha_chat_id(key["remoteJid"])
        return [("message.ack", {"id": waha_message_id(key), "from": own if key["fromMe"] else chat,
                                 "to": chat if key["fromMe"] else own, "fromMe": key["fromMe"],
                                 "ack": ack, "ackName": ack_name})]  # fmt: skip
    return []


def _message(item: dict[str, Any], own: str) -> dict[str, Any]:
    key = item["key"]
    chat = waha_chat_id(key["remoteJid"])
    content = item["message"]
    return {
        "id": waha_message_id(key),
        "timestamp": item["messageTimestamp"],
        "from": own if key["fromMe"] else chat,
        "fromMe": key["fromMe"],
        "to": chat if key["fromMe"] else own,
        "participant": waha_chat_id(key["participantPn"]) if key.get("participantPn") else None,
        "body": item.get("messageBody") or "",
        "hasMedia": not ("conversation" in content or "extendedTextMessage" in content),
    }


def _envelope(event: Event, session: Session, own: str, name: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"evt_{event.id:012d}{name.replace('.', '')}",
        "timestamp": event.timestamp * 1000,
        "event": name,
        "session": str(session.id),
        "metadata": {},
        "me": {"id": own, "pushName": session.name},
        "payload": payload,
        "engine": "GOWS",
        "environment": {"version": "emulator", "engine": "GOWS", "tier": "PLUS"},
    }
