"""Queries for SendAPI's account webhooks."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from emulator.store.database import Database

HookT = TypeVar("HookT")
_COLUMNS = ("account_id", "url", "events", "secret", "is_active", "failure_count", "created_at", "updated_at")
_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder().decode


def _values(hook: Any) -> list[Any]:
    values = [getattr(hook, column) for column in _COLUMNS]
    values[_COLUMNS.index("events")] = _encode(hook.events)
    values[_COLUMNS.index("is_active")] = int(hook.is_active)
    return values


async def insert(db: Database, hook: Any) -> int:
    placeholders = ", ".join("?" * len(_COLUMNS))
    return await db.write(f"INSERT INTO sendapi_webhooks ({', '.join(_COLUMNS)}) VALUES ({placeholders})", _values(hook))


async def save(db: Database, hook: Any) -> None:
    assignments = ", ".join(f"{column} = ?" for column in _COLUMNS)
    await db.write(f"UPDATE sendapi_webhooks SET {assignments} WHERE id = ?", [*_values(hook), hook.id])


async def delete(db: Database, hook_id: int) -> None:
    await db.write("DELETE FROM sendapi_webhooks WHERE id = ?", (hook_id,))


async def load_all(db: Database, hook_type: type[HookT]) -> list[HookT]:
    rows = await db.fetch_all(f"SELECT id, {', '.join(_COLUMNS)} FROM sendapi_webhooks ORDER BY id")
    hooks = []
    for row in rows:
        record = dict(row)
        record["events"] = _decode(record["events"])
        record["is_active"] = bool(record["is_active"])
        hooks.append(msgspec.convert(record, hook_type))
    return hooks
