"""Queries for chats."""

from __future__ import annotations

import asyncio
from typing import TypeVar

import msgspec

from emulator.domain.chats import Chat
from emulator.store.database import Database


ChatT = TypeVar("ChatT")
_COLUMNS = ("session_id", "chat_id", "name", "unread_count", "conversation_timestamp", "archived", "pinned", "mute_end_time")
_UPSERT = (
    f"INSERT OR REPLACE INTO chats ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
)


def save(db: Database, chat: Chat) -> asyncio.Future[None]:
    return db.enqueue(_UPSERT, [getattr(chat, column) for column in _COLUMNS])


def delete(db: Database, session_id: int, chat_id: str) -> asyncio.Future[None]:
    return db.enqueue("DELETE FROM chats WHERE session_id = ? AND chat_id = ?", (session_id, chat_id))


async def load_all(db: Database, chat_type: type[ChatT]) -> list[ChatT]:
    rows = await db.fetch_all(f"SELECT {', '.join(_COLUMNS)} FROM chats")
    chats = []
    for row in rows:
        record = dict(row)
        record["archived"], record["pinned"] = bool(record["archived"]), bool(record["pinned"])
        chats.append(msgspec.convert(record, chat_type))
    return chats
