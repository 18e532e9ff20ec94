"""Parsing the ways clients write a WhatsApp address: +E164, bare digits, or a full JID."""

from __future__ import annotations

import re

from msgspec import Struct

USER_SERVER = "s.whatsapp.net"
SERVERS = (USER_SERVER, "lid", "g.us", "newsletter", "broadcast")

# E.164 allows at most 15 digits; WhatsApp accounts need at least 7.
_PHONE = re.compile(r"\+?(\d{7,15})")
_JID = re.compile(r"([0-9A-Za-z._-]+?)(?::\d+)?@([a-z.]+)")
_SEPARATORS = re.compile(r"[\s()\-.]")
# The addresses a client may send to, for documents: every string it matches parses.
ADDRESS_PATTERN = (
    r"^(\+?[0-9]{7,15}|[0-9]+(:[0-9]+)?@(s\.whatsapp\.net|lid)|[0-9A-Za-z_-]+(:[0-9]+)?@(g\.us|newsletter|broadcast))$"
)


class Jid(Struct, frozen=True):
    user: str
    server: str

    def __str__(self) -> str:
        return f"{self.user}@{self.server}"

    @property
    def is_user(self) -> bool:
        return self.server == USER_SERVER

    @property
    def is_group(self) -> bool:
        return self.server == "g.us"


def phone_digits(value: str) -> str | None:
    """The digits of a phone number written as +E164 or bare digits (spaces, dashes allowed)."""
    match = _PHONE.fullmatch(_SEPARATORS.sub("", value.strip()))
    return match.group(1) if match else None


def parse_jid(value: str) -> Jid | None:
    """A JID from a full JID (device suffix dropped) or a phone number; None when neither."""
    value = value.strip()
    if "@" in value:
        match = _JID.fullmatch(value)
        if match is None or match.group(2) not in SERVERS:
            return None
        user, server = match.group(1), match.group(2)
        if server in (USER_SERVER, "lid") and not user.isdigit():
            return None
        return Jid(user, server)
    digits = phone_digits(value)
    return Jid(digits, USER_SERVER) if digits else None
