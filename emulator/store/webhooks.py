"""Queries for webhook deliveries and their attempts. Writes go through the group-commit queue."""

from __future__ import annotations

import asyncio

import msgspec

from emulator.store.database import Database, storable

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
DEFAULT_SIGNATURE_HEADER = "X-Webhook-Signature"


class Delivery(msgspec.Struct, kw_only=True):
    id: int
    session_id: int
    event: str
    url: str
    signature: str
    body: bytes  # the signed JSON envelope, exactly as sent
    outcome: str = PENDING
    attempts: int = 0
    next_attempt_at: float | None = None
    created_at: float
    updated_at: float
    event_id: int | None = None  # None on deliveries stored before events were numbered here
    injected: str | None = None  # what a fault rule did to this delivery
    # The header carrying `signature`: each face names its own.
    signature_header: str = DEFAULT_SIGNATURE_HEADER


class Attempt(msgspec.Struct, kw_only=True):
    delivery_id: int
    attempt: int
    url: str
    status_code: int | None
    error: str | None
    duration_ms: float
    created_at: float


class Backlog(msgspec.Struct, kw_only=True):
    """A session's deliveries still pending: queued, under way or waiting for a retry."""

    session_id: int
    pending: int
    oldest_created_at: float


_DELIVERY_COLUMNS = tuple(Delivery.__struct_fields__)
_ATTEMPT_COLUMNS = tuple(Attempt.__struct_fields__)
_SELECT_DELIVERIES = f"SELECT {', '.join(_DELIVERY_COLUMNS)} FROM webhook_deliveries"
_INSERT_DELIVERY = (
    f"INSERT INTO webhook_deliveries ({', '.join(_DELIVERY_COLUMNS)}) VALUES ({', '.join('?' * len(_DELIVERY_COLUMNS))})"
)
_SAVE_PROGRESS = "UPDATE webhook_deliveries SET outcome = ?, attempts = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?"
_INSERT_ATTEMPT = (
    f"INSERT INTO webhook_attempts ({', '.join(_ATTEMPT_COLUMNS)}) VALUES ({', '.join('?' * len(_ATTEMPT_COLUMNS))})"
)


def insert_delivery(db: Database, delivery: Delivery) -> asyncio.Future[None]:
    return db.enqueue(_INSERT_DELIVERY, [getattr(delivery, column) for column in _DELIVERY_COLUMNS])


def record_attempt(db: Database, delivery: Delivery, attempt: Attempt) -> None:
    """The attempt and where it left its delivery, committed together."""
    db.enqueue_unawaited(_INSERT_ATTEMPT, [getattr(attempt, column) for column in _ATTEMPT_COLUMNS])
    db.enqueue_unawaited(
        _SAVE_PROGRESS,
        (delivery.outcome, delivery.attempts, delivery.next_attempt_at, delivery.updated_at, delivery.id),
    )


async def last_delivery_id(db: Database) -> int:
    row = await db.fetch_one("SELECT MAX(id) FROM webhook_deliveries")
    return (row[0] or 0) if row else 0


async def first_pending(db: Database) -> dict[int, int]:
    """The id of each session's oldest pending delivery, by session id."""
    rows = await db.fetch_all(
        "SELECT session_id, MIN(id) FROM webhook_deliveries WHERE outcome = ? GROUP BY session_id", (PENDING,)
    )
    return {row[0]: row[1] for row in rows}


async def backlog(db: Database, session_id: int | None) -> list[Backlog]:
    """The pending deliveries of each session that has some (or of `session_id` only), by session id."""
    if session_id is not None and not storable(session_id):
        return []
    only = " AND session_id = ?" if session_id is not None else ""
    rows = await db.fetch_all(
        "SELECT session_id, COUNT(*), MIN(created_at) FROM webhook_deliveries"
        f" WHERE outcome = ?{only} GROUP BY session_id ORDER BY session_id",
        (PENDING,) if session_id is None else (PENDING, session_id),
    )
    return [Backlog(session_id=row[0], pending=row[1], oldest_created_at=row[2]) for row in rows]


async def pending_of(db: Database, session_id: int, after_id: int, limit: int) -> list[Delivery]:
    """A session's pending deliveries after `after_id`, oldest first."""
    rows = await db.fetch_all(
        f"{_SELECT_DELIVERIES} WHERE outcome = ? AND session_id = ? AND id > ? ORDER BY id LIMIT ?",
        (PENDING, session_id, after_id, limit),
    )
    return [Delivery(**dict(row)) for row in rows]


async def get(db: Database, delivery_id: int) -> Delivery | None:
    if not storable(delivery_id):
        return None
    row = await db.fetch_one(f"{_SELECT_DELIVERIES} WHERE id = ?", (delivery_id,))
    return Delivery(**dict(row)) if row else None


async def latest(
    db: Database, session_id: int | None, event: str | None, outcome: str | None, limit: int
) -> list[Delivery]:
    """The latest `limit` deliveries matching the filters given, oldest first."""
    if session_id is not None and not storable(session_id):
        return []  # no session has such an id
    conditions, params = [], []
    for column, value in (("session_id", session_id), ("event", event), ("outcome", outcome)):
        if value is not None:
            conditions.append(f"{column} = ?")
            params.append(value)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = await db.fetch_all(f"{_SELECT_DELIVERIES}{where} ORDER BY id DESC LIMIT ?", (*params, limit))
    return [Delivery(**dict(row)) for row in reversed(rows)]


async def attempts_of(db: Database, delivery_ids: list[int]) -> dict[int, list[Attempt]]:
    found: dict[int, list[Attempt]] = {delivery_id: [] for delivery_id in delivery_ids}
    if not delivery_ids:
        return found
    marks = ", ".join("?" * len(delivery_ids))
    rows = await db.fetch_all(
        f"SELECT {', '.join(_ATTEMPT_COLUMNS)} FROM webhook_attempts WHERE delivery_id IN ({marks}) ORDER BY id",
        delivery_ids,
    )
    for row in rows:
        found[row["delivery_id"]].append(Attempt(**dict(row)))
    return found
