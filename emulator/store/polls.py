"""Queries for the votes cast on polls."""

from __future__ import annotations

import msgspec

from emulator.store.database import Database

_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(list[str]).decode


async def cast_vote(db: Database, message_id: int, voter: str, options: list[str], now: float) -> None:
    """Record `voter`'s choice on a poll, replacing any earlier vote; no options withdraws it."""
    if options:
        await db.write(
            "INSERT INTO poll_votes (message_id, voter, options, voted_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (message_id, voter) DO UPDATE SET options = excluded.options, voted_at = excluded.voted_at",
            (message_id, voter, _encode(options), now),
        )
    else:
        await db.write("DELETE FROM poll_votes WHERE message_id = ? AND voter = ?", (message_id, voter))


async def votes_on(db: Database, message_id: int) -> list[tuple[str, list[str]]]:
    """(voter, options chosen) for every vote on a poll, in the order first cast."""
    rows = await db.fetch_all("SELECT voter, options FROM poll_votes WHERE message_id = ? ORDER BY rowid", (message_id,))
    return [(row[0], _decode(row[1])) for row in rows]
