"""A contact of a session's address book, and the names and pictures the network gives people."""

from __future__ import annotations

import hashlib
import struct
import zlib
from typing import Any

import msgspec

from emulator.domain import errors
from emulator.domain.jids import USER_SERVER
from emulator.domain.sessions import Session, Status

CONTACT_NOT_FOUND = "Contact not found."
NOT_ON_WHATSAPP = "This number is not on WhatsApp."
PN_NOT_FOUND = "Phone number not found or invalid."
LID_NOT_FOUND = "LID not found or invalid."
SEND_TO_BLOCKED = "Failed to send message: You blocked this contact. Unblock it to send messages."

AVATAR_CELLS = 8
AVATAR_SCALE = 12
AVATAR_SIDE = AVATAR_CELLS * AVATAR_SCALE  # pixels


class Contact(msgspec.Struct, kw_only=True):
    session_id: int
    phone: str  # digits only
    name: str | None = None
    notify: str | None = None
    verified_name: str | None = None
    about: str | None = None
    blocked: bool = False
    # False for a number that was only blocked, never saved: it stays out of the contact list.
    saved: bool = True
    created_at: float
    updated_at: float

    @property
    def jid(self) -> str:
        return f"{self.phone}@{USER_SERVER}"


def require_connected(session: Session) -> None:
    if session.status is not Status.CONNECTED:
        raise errors.NotAllowed(errors.NOT_CONNECTED, also_as_error=False)


def format_problem(field: str) -> errors.ValidationFailed:
    return errors.ValidationFailed({field: [f"The {errors.attribute_label(field)} field format is invalid."]})


def contact_entry(contact: Contact) -> dict[str, Any]:
    """A contact as the contacts.upsert page shows it."""
    return {
        "jid": contact.jid,
        "name": contact.name,
        "notify": contact.notify,
        "verifiedName": contact.verified_name,
        "status": contact.about,
    }


def default_push_name(digits: str) -> str:
    """The push name of a simulated user who never set one: the same for a number every time."""
    return f"User {digits[-4:]}"


def user_avatar_name(digits: str) -> str:
    return f"{digits}.png"


def avatar_url(base_url: str, name: str) -> str:
    """Where the emulator serves a profile picture: clients such as the n8n node download it."""
    return f"{base_url.rstrip('/')}/media/avatars/{name}"


def avatar_png(seed: str) -> bytes:
    """A small, real PNG: a mirrored 8x8 pattern in a colour taken from `seed`, like an identicon."""
    digest = hashlib.sha256(seed.encode()).digest()
    ink, paper = digest[:3], b"\xf2\xf2\xf2"
    half = AVATAR_CELLS // 2
    bits = int.from_bytes(digest[3:11], "big")
    rows = []
    for y in range(AVATAR_CELLS):
        cells = [(bits >> (y * half + x)) & 1 for x in range(half)]
        line = b"".join((ink if cell else paper) * AVATAR_SCALE for cell in cells + cells[::-1])
        rows += [b"\x00" + line] * AVATAR_SCALE
    header = struct.pack(">IIBBBBB", AVATAR_SIDE, AVATAR_SIDE, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"".join(rows))) + _chunk(b"IEND", b"")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
