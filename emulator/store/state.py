"""Whole-state operations: the meta table and the reset."""

from __future__ import annotations

from emulator.store.database import Database


async def get_meta(db: Database, key: str) -> str | None:
    row = await db.fetch_one("SELECT value FROM meta WHERE key = ?", (key,))
    return row[0] if row else None


async def set_meta(db: Database, key: str, value: str) -> None:
    await db.write(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


async def truncate(db: Database) -> None:
    """Empty every table and restart the id sequences: each migration's tables, found, not listed."""
    db.flush()
    rows = db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    tables = [row[0] for row in rows]
    # Foreign keys would make the order of deletion matter; the switch only works outside a transaction.
    db.conn.execute("PRAGMA foreign_keys = OFF")
    try:
        with db.transaction() as conn:
            for table in tables:
                conn.execute(f'DELETE FROM "{table}"')
            conn.execute("DELETE FROM sqlite_sequence")
    finally:
        db.conn.execute("PRAGMA foreign_keys = ON")
