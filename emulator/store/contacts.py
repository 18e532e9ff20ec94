"""Queries for address books, blocks, and the numbers the simulated network has seen."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from emulator.domain.contacts import Contact
from emulator.store.database import Database


ContactT = TypeVar("ContactT")

_COLUMNS = (
    "session_id",
    "phone",
    "name",
    "notify",
    "verified_name",
    "about",
    "blocked",
    "saved",
    "created_at",
    "updated_at",
)
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM contacts"
_UPSERT = (
    f"INSERT INTO contacts ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
    " ON CONFLICT (session_id, phone) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS[2:] if c != "created_at")
)


async def save(db: Database, contact: Contact) -> None:
    await db.write(_UPSERT, [getattr(contact, column) for column in _COLUMNS])


async def get(db: Database, contact_type: type[ContactT], session_id: int, phone: str) -> ContactT | None:
    row = await db.fetch_one(f"{_SELECT} WHERE session_id = ? AND phone = ?", (session_id, phone))
    return _contact(contact_type, row) if row else None


async def of_session(db: Database, contact_type: type[ContactT], session_id: int) -> list[ContactT]:
    rows = await db.fetch_all(f"{_SELECT} WHERE session_id = ? ORDER BY phone", (session_id,))
    return [_contact(contact_type, row) for row in rows]


async def blocked(db: Database) -> list[tuple[int, str]]:
    """(session id, phone) of every block."""
    rows = await db.fetch_all("SELECT session_id, phone FROM contacts WHERE blocked = 1")
    return [(row[0], row[1]) for row in rows]


def _distinct_values(name: str, column: str) -> str:
    """The distinct values of `column` among a session's messages, each found from the one before
    through an index on (session_id, column): a step per value, not a read of every message."""
    return (
        f"{name}(value) AS (SELECT MIN({column}) FROM messages WHERE session_id = ?1 AND {column} IS NOT NULL"
        f" UNION ALL SELECT (SELECT MIN({column}) FROM messages WHERE session_id = ?1 AND {column} > {name}.value)"
        f" FROM {name} WHERE {name}.value IS NOT NULL)"
    )


CHAT_PARTNERS = (
    f"WITH RECURSIVE {_distinct_values('chat_jids', 'remote_jid')}, {_distinct_values('senders', 'participant')}"
    " SELECT value FROM chat_jids WHERE value IS NOT NULL UNION SELECT value FROM senders WHERE value IS NOT NULL"
)


async def chat_partners(db: Database, session_id: int) -> list[str]:
    """The JIDs a session exchanged messages with, group senders included."""
    rows = await db.fetch_all(CHAT_PARTNERS, (session_id,))
    return [row[0] for row in rows]


async def known_addresses(db: Database) -> list[str]:
    """Every phone number or JID stored anywhere: the users the simulated network has met."""
    rows = await db.fetch_all(
        "SELECT phone FROM contacts UNION SELECT phone FROM group_members UNION SELECT owner FROM chat_groups"
        " UNION SELECT phone_number FROM sessions UNION SELECT remote_jid FROM messages"
        " UNION SELECT participant FROM messages WHERE participant IS NOT NULL"
    )
    return [row[0] for row in rows]


def _contact(contact_type: type[ContactT], row: Any) -> ContactT:
    record = dict(row)
    record["blocked"] = bool(record["blocked"])
    record["saved"] = bool(record["saved"])
    return msgspec.convert(record, contact_type)
