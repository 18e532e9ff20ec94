"""The Wasend SDK's response models, filled in full: its jsii bindings reject an answer that lacks
any required field."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from emulator.domain.accounts import Account
from emulator.domain.message_content import message_body
from emulator.domain.messages import Message
from emulator.domain.sessions import Session, Status
from emulator.faces.wasend.addresses import own_chat_id, waha_chat_id, waha_message_id
from emulator.faces.wasend.statuses import ACKS, STATUS_WORDS


def iso_millis(ts: float) -> str:
    """A JavaScript Date as JSON: 2025-01-01T00:00:00.000Z."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(ts * 1000) % 1000:03d}Z"


def mongo_id(number: int) -> str:
    """A 24-hex record id, as the backend's MongoDB writes them, stable for the session."""
    return f"{number:024x}"


def session_record(session: Session, account: Account) -> dict[str, Any]:
    """`SessionDetails`: the backend's record of the session."""
    record = {
        "id": mongo_id(session.id),
        "uniqueSessionId": str(session.id),
        "userId": mongo_id(account.id),
        "sessionName": session.name,
        "phoneNumber": session.phone_number,
        "enableAccountProtection": session.account_protection,
        "enableMessageLogging": session.log_messages,
        "enableWebhook": session.webhook_enabled,
        "createdAt": iso_millis(session.created_at),
        "updatedAt": iso_millis(session.updated_at),
    }
    if session.webhook_url is not None:
        record["webhookUrl"] = session.webhook_url
    return record


def downstream(session: Session, account: Account, vocabulary: str) -> dict[str, Any]:
    """The WAHA session behind the record: `name`, `status`, `config`, `engine`."""
    working = session.status is Status.CONNECTED
    return {
        "name": str(session.id),
        "status": STATUS_WORDS[vocabulary][session.status],
        "config": {
            "metadata": {"userId": mongo_id(account.id), "userEmail": account.email},
            "proxy": None,
            "debug": False,
            "noweb": {"markOnline": True, "store": {"enabled": True, "fullSync": False}},
            "webhooks": [{"url": session.webhook_url}] if session.webhook_enabled and session.webhook_url else [],
        },
        "engine": {
            "grpc": {"client": "READY" if working else "IDLE", "stream": "READY" if working else "IDLE"},
            "gows": {"found": working, "connected": working},
        },
    }


def session_json(session: Session, account: Account, vocabulary: str) -> dict[str, Any]:
    """`Session`: the record and the WAHA session in one object."""
    return {**session_record(session, account), **downstream(session, account, vocabulary)}


def wa_message(message: Message, session: Session) -> dict[str, Any]:
    """`WAMessage`, with WAHA's message id `true_<chat>_<key id>`."""
    chat = waha_chat_id(message.remote_jid)
    own = own_chat_id(session.phone_number)
    return {
        "id": waha_message_id(message.key),
        "to": chat,
        "content": message_body(message.message) or "",
        "type": message.kind,
        "timestamp": str(int(message.created_at)),
        "status": ACKS[message.status][1],
        "fromMe": message.from_me,
        "sender": own if message.from_me else waha_chat_id(message.participant or message.remote_jid),
        "recipient": chat if message.from_me else own,
    }

