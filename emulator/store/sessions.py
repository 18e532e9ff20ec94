"""Queries for sessions, their logs and their presence updates."""

from __future__ import annotations

import json
from typing import Any, TypeVar

import msgspec

from emulator.domain.sessions import Session
from emulator.store.database import Database, page_offset


SessionT = TypeVar("SessionT")

_BOOLS = (
    "account_protection",
    "log_messages",
    "read_incoming_messages",
    "webhook_enabled",
    "auto_reject_calls",
    "ignore_groups",
    "ignore_channels",
    "ignore_broadcasts",
    "always_online",
)
_JSON = ("session_data", "webhook_events")
COLUMNS = (
    "account_id",
    "face",
    "name",
    "phone_number",
    "status",
    "api_key",
    "webhook_secret",
    "session_data",
    *_BOOLS[:3],
    "webhook_url",
    "webhook_enabled",
    "webhook_events",
    *_BOOLS[4:],
    "proxy_url",
    "qr_code",
    "qr_expires_at",
    "qr_replacements",
    "last_active_at",
    "created_at",
    "updated_at",
)
_INSERT = f"INSERT INTO sessions ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
_INSERT_WITH_ID = f"INSERT INTO sessions (id, {', '.join(COLUMNS)}) VALUES (?, {', '.join('?' * len(COLUMNS))})"
_UPDATE = f"UPDATE sessions SET {', '.join(f'{c} = ?' for c in COLUMNS)} WHERE id = ?"
_INSERT_LOG = "INSERT INTO session_logs (session_id, event_type, status, occurred_at) VALUES (?, ?, ?, ?)"


class LogEntry(msgspec.Struct):
    id: int
    whatsapp_session_id: int
    event_type: str
    status: str
    occurred_at: float

    @classmethod
    def of(cls, session: Session, event_type: str, at: float) -> LogEntry:
        return cls(0, session.id, event_type, str(session.status), at)


class PresenceEntry(msgspec.Struct):
    id: int
    jid: str
    type: str
    delay_ms: int | None
    occurred_at: float


def _params(session: Session) -> list[Any]:
    values = []
    for column in COLUMNS:
        value = getattr(session, column)
        if column in _JSON:
            value = None if value is None else json.dumps(value)
        elif column == "status":
            value = str(value)
        values.append(value)
    return values


async def insert(db: Database, session: Session, log: LogEntry, with_id: bool = False) -> int:
    """Store a new session and its first log entry; answers its id."""
    with db.transaction() as conn:
        if with_id:
            cursor = conn.execute(_INSERT_WITH_ID, [session.id, *_params(session)])
        else:
            cursor = conn.execute(_INSERT, _params(session))
        session_id = cursor.lastrowid or session.id
        conn.execute(_INSERT_LOG, (session_id, log.event_type, log.status, log.occurred_at))
    return session_id


async def save(db: Database, session: Session, log: LogEntry | None = None) -> None:
    params = [*_params(session), session.id]
    if log is None:
        await db.write(_UPDATE, params)
        return
    with db.transaction() as conn:
        conn.execute(_UPDATE, params)
        conn.execute(_INSERT_LOG, (session.id, log.event_type, log.status, log.occurred_at))


async def delete(db: Database, session_id: int) -> None:
    await db.write("DELETE FROM sessions WHERE id = ?", (session_id,))


async def load_all(db: Database, session_type: type[SessionT]) -> list[SessionT]:
    rows = await db.fetch_all(f"SELECT id, {', '.join(COLUMNS)} FROM sessions ORDER BY id")
    sessions = []
    for row in rows:
        record = dict(row)
        for column in _JSON:
            record[column] = None if record[column] is None else json.loads(record[column])
        for column in _BOOLS:
            record[column] = bool(record[column])
        sessions.append(msgspec.convert(record, session_type))
    return sessions


async def log_page(db: Database, session_id: int, page: int, per_page: int) -> tuple[list[LogEntry], int]:
    """Newest first, as the service lists them."""
    total_row = await db.fetch_one("SELECT COUNT(*) FROM session_logs WHERE session_id = ?", (session_id,))
    rows = await db.fetch_all(
        "SELECT id, session_id, event_type, status, occurred_at FROM session_logs"
        " WHERE session_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
        (session_id, per_page, page_offset(page, per_page)),
    )
    return [LogEntry(*row) for row in rows], total_row[0] if total_row else 0


async def insert_presence(
    db: Database, session_id: int, jid: str, presence: str, delay_ms: int | None, at: float
) -> None:
    await db.write(
        "INSERT INTO presence_updates (session_id, jid, type, delay_ms, occurred_at) VALUES (?, ?, ?, ?, ?)",
        (session_id, jid, presence, delay_ms, at),
    )


async def presence_of(db: Database, session_id: int) -> list[PresenceEntry]:
    rows = await db.fetch_all(
        "SELECT id, jid, type, delay_ms, occurred_at FROM presence_updates WHERE session_id = ? ORDER BY id",
        (session_id,),
    )
    return [PresenceEntry(*row) for row in rows]
