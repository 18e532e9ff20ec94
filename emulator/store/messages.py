"""Queries for messages. Writes go through the group-commit queue."""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

import msgspec

from emulator.domain.messages import Message
from emulator.store.database import Database, page_offset, storable


MessageT = TypeVar("MessageT")

_COLUMNS = (
    "id",
    "session_id",
    "from_me",
    "key_id",
    "remote_jid",
    "participant",
    "to_raw",
    "kind",
    "content",
    "message",
    "status",
    "failed_reason",
    "behaviour",
    "attempts",
    "attempted_at",
    "edited_at",
    "deleted_at",
    "created_at",
    "updated_at",
    "next_step_at",
)
_JSON = ("content", "message")
_JSON_INDEXES = tuple(_COLUMNS.index(c) for c in _JSON)
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM messages"
_INSERT = f"INSERT INTO messages ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
_CHANGING = (
    "message", "status", "failed_reason", "attempts", "attempted_at", "edited_at", "deleted_at", "updated_at",
    "next_step_at",
)  # fmt: skip
_UPDATE = f"UPDATE messages SET {', '.join(f'{c} = ?' for c in _CHANGING)} WHERE id = ?"


_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder().decode
_SET_STATUS = "UPDATE messages SET status = ?, failed_reason = ?, updated_at = ?, next_step_at = ? WHERE id = ?"


def insert(db: Database, message: Message) -> asyncio.Future[None]:
    values = [getattr(message, column) for column in _COLUMNS]
    for index in _JSON_INDEXES:
        values[index] = _encode(values[index])
    return db.enqueue(_INSERT, values)


def save_status(db: Database, message: Message) -> None:
    """Only the status: the change that happens most, kept cheap (nothing waits for it)."""
    values = (message.status, message.failed_reason, message.updated_at, message.next_step_at, message.id)
    db.enqueue_unawaited(_SET_STATUS, values)


def save(db: Database, message: Message) -> asyncio.Future[None]:
    """Store what changes after sending: content (edits), status, attempts, edit and delete marks."""
    values = [getattr(message, column) for column in _CHANGING]
    values[0] = _encode(values[0])
    return db.enqueue(_UPDATE, [*values, message.id])


async def last_id(db: Database) -> int:
    row = await db.fetch_one("SELECT MAX(id) FROM messages")
    return row[0] or 0 if row else 0


async def get(db: Database, message_type: type[MessageT], message_id: int) -> MessageT | None:
    if not storable(message_id):
        return None
    row = await db.fetch_one(f"{_SELECT} WHERE id = ?", (message_id,))
    return _message(message_type, row) if row else None


async def by_key(db: Database, message_type: type[MessageT], session_id: int, key_id: str) -> list[MessageT]:
    rows = await db.fetch_all(f"{_SELECT} WHERE session_id = ? AND key_id = ?", (session_id, key_id))
    return [_message(message_type, row) for row in rows]


async def sent_page(
    db: Database, message_type: type[MessageT], session_id: int, statuses: tuple[int, ...] | None, page: int, per_page: int
) -> tuple[list[MessageT], int]:
    """A session's sent messages, newest first, optionally only those in `statuses`."""
    where = "session_id = ? AND from_me = 1"
    params: list[Any] = [session_id]
    if statuses is not None:
        where += f" AND status IN ({', '.join('?' * len(statuses))})"
        params.extend(statuses)
    total = await db.fetch_one(f"SELECT COUNT(*) FROM messages WHERE {where}", params)
    rows = await db.fetch_all(
        f"{_SELECT} WHERE {where} ORDER BY id DESC LIMIT ? OFFSET ?", [*params, per_page, page_offset(page, per_page)]
    )
    return [_message(message_type, row) for row in rows], total[0] if total else 0


class HistoryFilter(msgspec.Struct, frozen=True, kw_only=True):
    """Which messages a history shows: of these sessions, one direction or both, some statuses, a time span."""

    session_ids: tuple[int, ...]
    from_me: bool | None = None
    statuses: tuple[int, ...] | None = None
    since: float | None = None
    until: float | None = None


class ChatFilter(msgspec.Struct, frozen=True, kw_only=True):
    """Which messages of one chat a page shows: below an id (or those just above one), one
    direction or both, some statuses, a time span; deleted ones too unless `visible_only`;
    reaction messages too unless `without_reactions`."""

    session_id: int
    remote_jid: str
    before_id: int | None = None
    after_id: int | None = None
    from_me: bool | None = None
    statuses: tuple[int, ...] | None = None
    since: float | None = None
    until: float | None = None
    visible_only: bool = False
    without_reactions: bool = False


def _narrowed(clauses: list[str], params: list[Any], wanted: HistoryFilter | ChatFilter) -> tuple[str, list[Any]]:
    """The WHERE of `clauses` narrowed by the filter's direction, statuses and time span."""
    if wanted.from_me is not None:
        clauses.append("from_me = ?")
        params.append(int(wanted.from_me))
    if wanted.statuses is not None:
        clauses.append(f"status IN ({', '.join('?' * len(wanted.statuses))})")
        params.extend(wanted.statuses)
    for bound, clause in ((wanted.since, "created_at >= ?"), (wanted.until, "created_at <= ?")):
        if bound is not None:
            clauses.append(clause)
            params.append(bound)
    return " AND ".join(clauses), params


async def history_page(
    db: Database, message_type: type[MessageT], wanted: HistoryFilter, page: int, per_page: int
) -> tuple[list[MessageT], int]:
    """The messages (both ways) of some sessions, newest first, narrowed by direction, status and time."""
    session_ids = wanted.session_ids
    if not session_ids:
        return [], 0
    clauses = [f"session_id IN ({', '.join('?' * len(session_ids))})", "deleted_at IS NULL"]
    where, params = _narrowed(clauses, list(session_ids), wanted)
    total = await db.fetch_one(f"SELECT COUNT(*) FROM messages WHERE {where}", params)
    rows = await db.fetch_all(
        f"{_SELECT} WHERE {where} ORDER BY id DESC LIMIT ? OFFSET ?", [*params, per_page, page_offset(page, per_page)]
    )
    return [_message(message_type, row) for row in rows], total[0] if total else 0


async def counts_by_session(db: Database, session_ids: tuple[int, ...]) -> dict[int, int]:
    """How many messages (both ways) each session holds."""
    if not session_ids:
        return {}
    rows = await db.fetch_all(
        f"SELECT session_id, COUNT(*) FROM messages WHERE session_id IN ({', '.join('?' * len(session_ids))})"
        " AND deleted_at IS NULL GROUP BY session_id",
        session_ids,
    )
    return {row[0]: row[1] for row in rows}


async def sent_times(db: Database, session_id: int, since: float, limit: int) -> list[float]:
    """When the session sent its latest messages from `since` on (deleted ones too), newest first, at most `limit`."""
    rows = await db.fetch_all(
        "SELECT created_at FROM messages WHERE session_id = ? AND from_me = 1 AND created_at >= ? ORDER BY id DESC LIMIT ?",
        (session_id, since, limit),
    )
    return [row[0] for row in rows]


async def chat_page(
    db: Database, message_type: type[MessageT], wanted: ChatFilter, limit: int | None, offset: int = 0
) -> list[MessageT]:
    """Up to `limit` (None: all) messages of one chat as `wanted` narrows it, newest first, after
    skipping `offset` (from the newest, or with an `after_id` from the oldest)."""
    clauses, params = ["session_id = ?", "remote_jid = ?"], [wanted.session_id, wanted.remote_jid]
    for bound, clause in ((wanted.before_id, "id < ?"), (wanted.after_id, "id > ?")):
        if bound is not None:
            clauses.append(clause)
            params.append(bound)
    if wanted.visible_only:
        clauses.append("deleted_at IS NULL")
    if wanted.without_reactions:
        clauses.append("kind != 'reaction'")
    where, params = _narrowed(clauses, params, wanted)
    every_row = -1  # SQLite's LIMIT for no limit
    params += [every_row if limit is None else limit, offset]
    # Read through messages_by_chat (migration 0015) either way; those just after an id come oldest first.
    order = "ASC" if wanted.after_id is not None else "DESC"
    rows = await db.fetch_all(f"{_SELECT} WHERE {where} ORDER BY id {order} LIMIT ? OFFSET ?", params)
    page = [_message(message_type, row) for row in rows]
    return page[::-1] if wanted.after_id is not None else page


# Through the partial index messages_by_next_step: only the rows with a step ahead are read.
WITH_NEXT_STEP = f"{_SELECT} WHERE next_step_at IS NOT NULL"


async def with_next_step(db: Database, message_type: type[MessageT]) -> list[MessageT]:
    """Sent messages with a delivery step still ahead, oldest first."""
    rows = sorted(await db.fetch_all(WITH_NEXT_STEP), key=lambda row: row[0])  # by id, as they were sent
    return [_message(message_type, row) for row in rows]


def _message(message_type: type[MessageT], row: Any) -> MessageT:
    record = dict(row)
    for column in _JSON:
        record[column] = _decode(record[column])
    record["from_me"] = bool(record["from_me"])
    return msgspec.convert(record, message_type)
