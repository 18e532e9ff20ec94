"""Queries for the reactions to messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import msgspec

from emulator.domain.reactions import Reaction
from emulator.store.database import Database


ReactionT = TypeVar("ReactionT")


async def put(db: Database, reaction: Reaction) -> None:
    """Store `reaction`, replacing the one its reactor had on the message."""
    await db.write(
        "INSERT INTO message_reactions (message_id, reactor, from_me, emoji, reacted_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (message_id, reactor) DO UPDATE SET emoji = excluded.emoji, reacted_at = excluded.reacted_at",
        (reaction.message_id, reaction.reactor, int(reaction.from_me), reaction.emoji, reaction.reacted_at),
    )


async def remove(db: Database, message_id: int, reactor: str) -> None:
    await db.write("DELETE FROM message_reactions WHERE message_id = ? AND reactor = ?", (message_id, reactor))


async def on_messages(db: Database, reaction_type: type[ReactionT], message_ids: Sequence[int]) -> list[ReactionT]:
    """The reactions to any of `message_ids`, oldest first."""
    if not message_ids:
        return []
    rows = await db.fetch_all(
        "SELECT message_id, reactor, from_me, emoji, reacted_at FROM message_reactions"
        f" WHERE message_id IN ({', '.join('?' * len(message_ids))}) ORDER BY reacted_at, rowid",
        message_ids,
    )
    return [msgspec.convert({**dict(row), "from_me": bool(row["from_me"])}, reaction_type) for row in rows]
