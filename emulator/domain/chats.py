"""A chat of a session: whom it talks with, and what it has not read yet."""

from __future__ import annotations

from typing import Any

import msgspec



class Chat(msgspec.Struct, kw_only=True):
    session_id: int
    chat_id: str
    name: str | None = None
    unread_count: int = 0
    conversation_timestamp: int
    archived: bool = False
    pinned: bool = False
    mute_end_time: int | None = None

    def as_event(self) -> dict[str, Any]:
        """The chat as the chat events' pages show it."""
        body: dict[str, Any] = {
            "id": self.chat_id,
            "conversationTimestamp": self.conversation_timestamp,
            "unreadCount": self.unread_count,
        }
        optional = {"name": self.name, "archived": self.archived or None, "pinned": self.pinned or None,
                    "muteEndTime": self.mute_end_time}  # fmt: skip
        body.update({k: v for k, v in optional.items() if v is not None})
        return body
