"""A session's chat partners, found by stepping through an index: the same JIDs as reading every
message of the session, whatever its history holds."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.store.contacts import CHAT_PARTNERS, chat_partners
from emulator.store.database import Database

JIDS = ["15550000001@s.whatsapp.net", "15550000002@s.whatsapp.net", "120363000000000001@g.us", "9990001@lid"]
SENDERS = ["15550000003@s.whatsapp.net", "15550000001@s.whatsapp.net", "8880001@lid"]
message = st.tuples(st.sampled_from([1, 2]), st.sampled_from(JIDS), st.none() | st.sampled_from(SENDERS))
_INSERT = (
    "INSERT INTO messages (session_id, from_me, key_id, remote_jid, participant, kind, content, message, status,"
    " attempted_at, created_at, updated_at) VALUES (?, 0, ?, ?, ?, 'text', '{}', '{}', 1, 0, 0, 0)"
)


async def partners_of_a_history(messages: list[tuple[int, str, str | None]]) -> tuple[list[str], set[str]]:
    db = Database(":memory:")
    await db.open()
    try:
        db.conn.execute("PRAGMA foreign_keys = OFF")  # the messages alone, without their sessions
        db.conn.executemany(_INSERT, [(session, f"k{n}", jid, sender) for n, (session, jid, sender) in enumerate(messages)])
        every = {jid for session, jid, _ in messages if session == 1}
        every |= {sender for session, _, sender in messages if session == 1 and sender is not None}
        return await chat_partners(db, 1), every
    finally:
        await db.close()


@settings(max_examples=60, deadline=None)
@given(st.lists(message, max_size=40))
def test_every_partner_once_and_only_the_sessions_own(messages: list[tuple[int, str, str | None]]) -> None:
    found, every = asyncio.run(partners_of_a_history(messages))
    assert sorted(found) == sorted(every)


def test_the_partners_of_a_long_history_are_read_through_the_indexes() -> None:
    async def plan() -> str:
        db = Database(":memory:")
        await db.open()
        try:
            return " ".join(row[3] for row in db.conn.execute("EXPLAIN QUERY PLAN " + CHAT_PARTNERS, (1,)))
        finally:
            await db.close()

    steps = asyncio.run(plan())
    assert "messages_by_chat (session_id=? AND remote_jid>?)" in steps
    assert "messages_by_participant (session_id=? AND participant>?)" in steps
    assert "SCAN messages" not in steps
