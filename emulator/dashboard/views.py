"""What the dashboard shows, as JSON: a session's card, a chat, a message's bubble."""

from __future__ import annotations

from typing import Any

from emulator.domain.accounts import Account
from emulator.domain.chats import Chat
from emulator.domain.message_content import message_body
from emulator.domain.messages import Message
from emulator.domain.reactions import Reaction
from emulator.domain.sessions import QrPolicy, Session, Status, qr_png_data_url
from emulator.faces import FACE_TITLES
from emulator.http.timestamps import iso
from emulator.webhooks.filters import Listener

MEDIA_KINDS = ("image", "video", "audio", "document", "sticker")


def session_card(
    session: Session, account: Account | None, qr_policy: QrPolicy, listeners: list[Listener]
) -> dict[str, Any]:
    """`listeners`: every URL the session's events may go to, as its face delivers them."""
    qr_image = qr_png_data_url(session.qr_code) if session.status is Status.NEED_SCAN and session.qr_code else None
    return {
        "id": session.id,
        "account_id": session.account_id,
        "name": session.name,
        "phone_number": session.phone_number,
        "api": FACE_TITLES[session.face],
        "status": str(session.status),
        "plan": account.plan if account else None,
        "webhooks": [{"url": hook.url, "enabled": hook.active, "events": hook.events} for hook in listeners],
        "qr_code": session.qr_code if qr_image else None,
        "qr_image": qr_image,
        "qr_expires_at": iso(session.qr_expires_at) if qr_image and session.qr_expires_at else None,
        # Whether a fresh code follows by itself at qr_expires_at, or the code just goes stale there.
        "qr_rotates": qr_policy.rotations is not None,
    }


def chat_row(chat: Chat) -> dict[str, Any]:
    return {
        "id": chat.chat_id,
        "name": chat.name,
        "is_group": chat.chat_id.endswith("@g.us"),
        "unread_count": chat.unread_count,
        "updated_at": iso(chat.conversation_timestamp),
    }


def bubble(message: Message, reactions: list[Reaction], votes: list[tuple[str, list[str]]] | None) -> dict[str, Any]:
    content = message.message
    inner = _inner(content)
    return {
        "id": message.id,
        "key_id": message.key_id,
        "from_me": message.from_me,
        "sender": message.participant,
        "kind": message.kind,
        "text": _text(message),
        "status": message.status_name,
        "sent_at": iso(message.created_at),
        "edited": message.edited_at is not None,
        "deleted": message.deleted_at is not None,
        "media": _media(message, inner),
        "quoted": _quoted(inner),
        "reactions": [{"emoji": r.emoji, "from_me": r.from_me, "by": r.reactor} for r in reactions],
        "poll": _poll(content, votes),
    }


def _inner(content: dict[str, Any]) -> dict[str, Any]:
    """The one inner message object (extendedTextMessage, imageMessage, ...), or {}."""
    return next((value for value in content.values() if isinstance(value, dict)), {})


def _text(message: Message) -> str | None:
    content = message.message
    if "locationMessage" in content:
        place = content["locationMessage"]
        return place.get("name") or f"Location {place['degreesLatitude']}, {place['degreesLongitude']}"
    if "contactMessage" in content:
        return f"Contact card: {content['contactMessage'].get('displayName', '')}"
    if "pollCreationMessage" in content:
        return None
    return message_body(content)


def _media(message: Message, inner: dict[str, Any]) -> dict[str, Any] | None:
    if message.kind not in MEDIA_KINDS:
        return None
    # Media the emulator encrypted can be shown from its own copy; a sent URL is only named.
    decryptable = bool(inner.get("mediaKey"))
    return {
        "kind": message.kind,
        "mimetype": inner.get("mimetype"),
        "file_name": inner.get("fileName") or f"{message.kind} ({inner.get('mimetype', 'unknown type')})",
        "src": f"/admin/dashboard/messages/{message.id}/media" if decryptable else inner.get("url"),
        "inline": decryptable and message.kind in ("image", "sticker"),
    }


def _quoted(inner: dict[str, Any]) -> dict[str, Any] | None:
    context = inner.get("contextInfo")
    if not isinstance(context, dict) or "quotedMessage" not in context:
        return None
    return {"sender": context.get("participant"), "text": message_body(context["quotedMessage"]) or "(media)"}


def _poll(content: dict[str, Any], votes: list[tuple[str, list[str]]] | None) -> dict[str, Any] | None:
    creation = content.get("pollCreationMessage")
    if creation is None:
        return None
    names = [option["optionName"] for option in creation["options"]]
    counts = {name: sum(name in picked for _, picked in votes or ()) for name in names}
    return {
        "question": creation["name"],
        "single": creation.get("selectableOptionsCount") == 1,
        "options": [{"name": name, "votes": counts[name]} for name in names],
    }
