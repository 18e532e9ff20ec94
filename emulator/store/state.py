"""The meta table: what the emulator notes about its own state (seeded, id stream, virtual time)."""

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
