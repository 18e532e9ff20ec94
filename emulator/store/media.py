"""Queries for the media files the emulator serves."""

from __future__ import annotations

import msgspec

from emulator.store.database import Database

_COLUMNS = ("name", "purpose", "mimetype", "file_name", "content", "created_at", "expires_at")


class StoredFile(msgspec.Struct):
    name: str
    purpose: str
    mimetype: str
    file_name: str | None
    content: bytes
    created_at: float
    expires_at: float


async def insert(db: Database, file: StoredFile) -> None:
    """Store a file, dropping those expired by its creation time so the table does not grow for ever."""
    with db.transaction() as conn:
        conn.execute("DELETE FROM media_files WHERE expires_at <= ?", (file.created_at,))
        conn.execute(
            f"INSERT INTO media_files ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
            [getattr(file, column) for column in _COLUMNS],
        )


async def live(db: Database, name: str, now: float) -> StoredFile | None:
    row = await db.fetch_one(
        f"SELECT {', '.join(_COLUMNS)} FROM media_files WHERE name = ? AND expires_at > ?", (name, now)
    )
    return StoredFile(*row) if row else None
