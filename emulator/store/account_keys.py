"""Queries for the accounts' API keys, one per face."""

from __future__ import annotations

from emulator.store.database import Database


async def insert(db: Database, account_id: int, face: str, key: str) -> None:
    await db.write("INSERT INTO account_keys (account_id, face, key) VALUES (?, ?, ?)", (account_id, face, key))


async def load_all(db: Database) -> list[tuple[int, str, str]]:
    """(account id, face, key) of every stored key."""
    rows = await db.fetch_all("SELECT account_id, face, key FROM account_keys ORDER BY account_id, face")
    return [(row[0], row[1], row[2]) for row in rows]
