"""The SendAPI shapes of the network's records: sessions, messages, pages."""

from __future__ import annotations

from typing import Any

from emulator.http.timestamps import iso
from emulator.domain.message_content import message_body
from emulator.domain.messages import Message
from emulator.domain.network import DELIVERED, ERROR, PENDING, PLAYED, READ, SENT
from emulator.domain.sessions import Session, Status, qr_png_data_url
from emulator.faces.sendapi.public_ids import MESSAGE, SESSION, public_id

# The one session machine in SendAPI's words (DIALECTS 3.3): pairing is "pending" throughout,
# a lost or unlinked session "disconnected", one whose pairing was given up "failed".
STATUS_WORDS = {
    Status.DISCONNECTED: "disconnected",
    Status.CONNECTING: "pending",
    Status.NEED_SCAN: "pending",
    Status.CONNECTED: "connected",
    Status.LOGGED_OUT: "disconnected",
    Status.EXPIRED: "failed",
}
# A message's status in SendAPI's words: "accepted" until WhatsApp has it.
MESSAGE_STATUS_WORDS = {PENDING: "accepted", SENT: "sent", DELIVERED: "delivered", READ: "read", PLAYED: "read", ERROR: "failed"}
MESSAGE_STATUS_CODES: dict[str, tuple[int, ...]] = {
    "accepted": (PENDING,),
    "sent": (SENT,),
    "delivered": (DELIVERED,),
    "read": (READ, PLAYED),
    "failed": (ERROR,),
}


def session_public_id(session: Session) -> str:
    return public_id(SESSION, session.id)


def message_public_id(message: Message) -> str:
    return public_id(MESSAGE, message.id)


def qr_json(session: Session) -> dict[str, Any]:
    """The pairing QR while pending; `expires_at` is the QR page's name, `qr_expires_at` the create page's."""
    if session.qr_code is None or session.qr_expires_at is None:
        return {}
    expires = iso(session.qr_expires_at)
    return {"qr_code": qr_png_data_url(session.qr_code), "qr_expires_at": expires, "expires_at": expires}


def session_json(session: Session, message_count: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": session_public_id(session),
        # The integer alias the MCP server sends as session_id.
        "numeric_id": session.id,
        "name": session.name,
        "status": STATUS_WORDS[session.status],
        "phone_number": session.phone_number,
        "webhook_url": session.webhook_url,
        "last_seen_at": iso(session.last_active_at),
        "message_count": message_count,
        "created_at": iso(session.created_at),
    }
    if session.status is Status.NEED_SCAN:
        body.update(qr_json(session))
    return body


def message_json(message: Message, session: Session) -> dict[str, Any]:
    """One message as the history page shows it; the client's own words of a send are in `content`."""
    sent = message.from_me
    shown = message.content if sent and "body" in message.content else {"body": message_body(message.message)}
    status = MESSAGE_STATUS_WORDS[message.status]
    return {
        "id": message_public_id(message),
        "session_id": session_public_id(session),
        "direction": "out" if sent else "in",
        "to": message.to_raw if sent else session.phone_number,
        "from": session.phone_number if sent else "+" + (message.participant or message.remote_jid).partition("@")[0],
        "type": message.content.get("type", message.kind) if sent else message.kind,
        "content": {k: v for k, v in shown.items() if k != "type"},
        "status": status,
        "failed_reason": message.failed_reason,
        # The store keeps a message's latest change only: that is when it was delivered or read.
        "delivered_at": iso(message.updated_at) if status in ("delivered", "read") else None,
        "created_at": iso(message.created_at),
    }


def page(items: list[Any], total: int, page_number: int, per_page: int) -> dict[str, Any]:
    last_page = max(1, -(-total // per_page))
    return {"data": items, "meta": {"total": total, "page": page_number, "per_page": per_page, "last_page": last_page}}
