"""Chats: whom each session talks with, and what it has not read yet.

Every change goes through `ChatService._publish`, which stores the chat and announces it:
`chats.upsert` when a chat appears, `chats.update` when its unread count or settings change,
`chats.delete` when it goes.
"""

from __future__ import annotations

from typing import Any

from emulator.clock import Clock
from emulator.domain.chats import Chat
from emulator.domain.events import EventBus
from emulator.store import chats as store
from emulator.store.database import Database


class ChatService:
    def __init__(self, db: Database, clock: Clock, bus: EventBus) -> None:
        self._db = db
        self._clock = clock
        self._bus = bus
        self._chats: dict[tuple[int, str], Chat] = {}

    async def load(self) -> None:
        self._chats = {(c.session_id, c.chat_id): c for c in await store.load_all(self._db, Chat)}

    def get(self, session_id: int, chat_id: str) -> Chat | None:
        return self._chats.get((session_id, chat_id))

    def of_session(self, session_id: int) -> list[Chat]:
        """The session's chats, the latest conversation first."""
        chats = [c for (owner, _), c in self._chats.items() if owner == session_id]
        return sorted(chats, key=lambda c: c.conversation_timestamp, reverse=True)

    def message_sent(self, session_id: int, chat_id: str) -> None:
        """A new chat appears; an existing one only moves its timestamp, announced with its next change."""
        chat = self._chats.get((session_id, chat_id))
        if chat is None:
            self._publish(self._open(session_id, chat_id), "upsert")
        else:
            chat.conversation_timestamp = self._now()

    def message_received(self, session_id: int, chat_id: str) -> None:
        chat = self._chats.get((session_id, chat_id))
        created = chat is None
        chat = chat or self._open(session_id, chat_id)
        chat.unread_count += 1
        chat.conversation_timestamp = self._now()
        self._publish(chat, "upsert" if created else "update")

    def message_read(self, session_id: int, chat_id: str) -> None:
        chat = self._chats.get((session_id, chat_id))
        if chat is not None and chat.unread_count > 0:
            chat.unread_count -= 1
            self._publish(chat, "update")

    def change(self, session_id: int, chat_id: str, event: str, **fields: Any) -> Chat:
        """What a phone changes on a chat (name, unread count, archive, pin, mute)."""
        chat = self._chats.get((session_id, chat_id)) or self._open(session_id, chat_id)
        for name, value in fields.items():
            if value is not None:
                setattr(chat, name, value)
        chat.conversation_timestamp = self._now()
        self._publish(chat, event)
        return chat

    def delete(self, session_id: int, chat_id: str) -> None:
        self._chats.pop((session_id, chat_id), None)
        store.delete(self._db, session_id, chat_id)
        self._bus.publish(session_id, "chats.delete", [chat_id])

    def _open(self, session_id: int, chat_id: str) -> Chat:
        chat = Chat(session_id=session_id, chat_id=chat_id, conversation_timestamp=self._now())
        self._chats[(session_id, chat_id)] = chat
        return chat

    def _publish(self, chat: Chat, event: str) -> None:
        store.save(self._db, chat)
        self._bus.publish(chat.session_id, f"chats.{event}", [chat.as_event()])

    def _now(self) -> int:
        return int(self._clock.now())
