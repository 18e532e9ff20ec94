"""A message as the network holds it: its statuses, its kinds, and the words of what refuses it."""

from __future__ import annotations

from typing import Any

import msgspec

from emulator.domain.network import DELIVERED, ERROR, PENDING, PLAYED, READ, SENT

STATUS_NAMES = {ERROR: "failed", PENDING: "in_progress", SENT: "sent", DELIVERED: "delivered", READ: "read", PLAYED: "played"}
STATUS_CODES = {name: code for code, name in STATUS_NAMES.items()}
FIRST_MESSAGE_ID = 100_000
# WhatsApp lets a sender edit for 15 minutes and delete for everyone for about two days.
EDIT_WINDOW_SECONDS = 15 * 60
DELETE_WINDOW_SECONDS = 48 * 3600

MESSAGE_NOT_FOUND = "Message not found."
NOT_FAILED = "Only messages with status 'failed' can be resent."
LOGGING_OFF = "Message logging is disabled for this session: turn log_messages on to resend failed messages."
ONLY_OWN_TEXT = "Only text messages sent by this session can be edited."
EDIT_TOO_LATE = "This message can no longer be edited."
DELETE_TOO_LATE = "This message can no longer be deleted for everyone."
DELETED_BEFORE_SENT = "deleted before it was sent"
ONLY_OWN_DELETE = "Only messages sent by this session can be deleted for everyone."


# Recipients that are not test numbers.
TO_SESSION, TO_GROUP, TO_CHANNEL = "session", "group", "channel"


class Message(msgspec.Struct, kw_only=True):
    id: int
    session_id: int
    from_me: bool
    key_id: str
    remote_jid: str
    participant: str | None = None
    to_raw: str | None = None
    kind: str
    content: dict[str, Any]  # what the client sent, for the message logs
    message: dict[str, Any]  # the WhatsApp message
    status: int
    failed_reason: str | None = None
    behaviour: str | None = None
    attempts: int = 1
    attempted_at: float
    edited_at: float | None = None
    deleted_at: float | None = None
    created_at: float
    updated_at: float
    # When the next delivery step is due; None once none is ahead (see _next_step_at).
    next_step_at: float | None = None

    @property
    def key(self) -> dict[str, Any]:
        key: dict[str, Any] = {"id": self.key_id, "fromMe": self.from_me, "remoteJid": self.remote_jid}
        if self.participant:
            key["participant"] = self.participant
        return key

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status]


