"""Chats and messages in WAHA's spelling: people at `@c.us`, messages as `<fromMe>_<chat>_<key id>`."""

from __future__ import annotations

from typing import Any

from emulator.domain.jids import USER_SERVER, parse_jid, phone_digits
from emulator.faces.wasend.errors import WasendError

WAHA_USER_SERVER = "c.us"


def waha_chat_id(jid: str) -> str:
    return jid.replace(f"@{USER_SERVER}", f"@{WAHA_USER_SERVER}")


def own_chat_id(phone_number: str) -> str:
    return f"{phone_digits(phone_number)}@{WAHA_USER_SERVER}"


def network_address(to: str) -> str:
    """A recipient as the network reads it: `+E164`, digits, a group JID, or WAHA's `@c.us`."""
    address = to.strip()
    if address.endswith(f"@{WAHA_USER_SERVER}"):
        address = address.removesuffix(f"@{WAHA_USER_SERVER}") + f"@{USER_SERVER}"
    if parse_jid(address) is None:
        raise WasendError(400, ["to must be a phone number in international format or a chat id"])
    return address


def waha_message_id(key: dict[str, Any]) -> str:
    """The id of a message by its WhatsApp key (`{id, fromMe, remoteJid}`)."""
    return f"{'true' if key['fromMe'] else 'false'}_{waha_chat_id(key['remoteJid'])}_{key['id']}"
