"""Queries for SendAPI's Idempotency-Key records. Writes go through the group-commit queue."""

from __future__ import annotations

import asyncio
from typing import NamedTuple

from emulator.store.database import Database


class Remembered(NamedTuple):
    fingerprint: str
    status: int
    answer: bytes  # the JSON body answered
    created_at: float


async def find(db: Database, account_id: int, key: str) -> Remembered | None:
    row = await db.fetch_one(
        "SELECT fingerprint, status, answer, created_at FROM sendapi_idempotency_keys WHERE account_id = ? AND key = ?",
        (account_id, key),
    )
    return Remembered(row[0], row[1], row[2].encode(), row[3]) if row else None


def remember(db: Database, account_id: int, key: str, remembered: Remembered, kept_since: float) -> asyncio.Future[None]:
    """Store the answer to `key` (over an expired one), and forget every record older than `kept_since`."""
    db.enqueue_unawaited("DELETE FROM sendapi_idempotency_keys WHERE created_at < ?", (kept_since,))
    return db.enqueue(
        "INSERT INTO sendapi_idempotency_keys (account_id, key, fingerprint, status, answer, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, key) DO UPDATE SET fingerprint = excluded.fingerprint,"
        " status = excluded.status, answer = excluded.answer, created_at = excluded.created_at",
        (account_id, key, remembered.fingerprint, remembered.status, remembered.answer.decode(), remembered.created_at),
    )
