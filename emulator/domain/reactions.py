"""A reaction: one person's emoji on a message."""

from __future__ import annotations

import msgspec


class Reaction(msgspec.Struct, frozen=True, kw_only=True):
    message_id: int
    reactor: str  # the JID of whoever reacted: a contact, a group member, the session itself
    from_me: bool
    emoji: str
    reacted_at: float
