"""Whole-state operations: the meta table and the reset."""

from __future__ import annotations

from emulator.store.database import STATE_TABLES, Database


async def get_meta(db: Database, key: str) -> str | None:
    row = await db.fetch_one("SELECT value FROM meta WHERE key = ?", (key,))
    return row[0] if row else None


async def set_meta(db: Database, key: str, value: str) -> None:
    await db.write(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


async def truncate(db: Database) -> None:
    """Empty every table of state and restart their id sequences."""
    with db.transaction() as conn:
        for table in STATE_TABLES:
            conn.execute(f"DELETE FROM {table}")
        conn.execute("DELETE FROM sqlite_sequence")
        conn.execute("DELETE FROM meta")
