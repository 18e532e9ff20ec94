"""Messages: the send pipeline, delivery on the simulated network, and what follows a send.

A sent message moves in_progress -> sent -> delivered -> read (-> played), or fails, on the
emulator's clock, as the recipient's test-number behaviour or the receiving session
decides. Every status change goes through `MessageService._set_status`, which stores it and
publishes the matching event, once.
"""

from __future__ import annotations

import functools
import heapq
import itertools
from typing import Any

import msgspec

from emulator.clock import Clock
from emulator.domain import errors
from emulator.domain.chat_service import ChatService
from emulator.domain.contact_service import ContactService
from emulator.domain.contacts import SEND_TO_BLOCKED
from emulator.domain.events import EventBus
from emulator.domain.group_service import GroupService
from emulator.domain.jids import USER_SERVER, Jid, parse_jid, phone_digits
from emulator.domain.media import MediaService
from emulator.domain.message_content import Draft, compose, message_body
from emulator.domain.messages import (
    DELETE_TOO_LATE,
    DELETE_WINDOW_SECONDS,
    DELETED_BEFORE_SENT,
    EDIT_TOO_LATE,
    EDIT_WINDOW_SECONDS,
    FIRST_MESSAGE_ID,
    LOGGING_OFF,
    Message,
    MESSAGE_NOT_FOUND,
    NOT_FAILED,
    ONLY_OWN_DELETE,
    ONLY_OWN_TEXT,
    STATUS_CODES,
    TO_CHANNEL,
    TO_GROUP,
    TO_SESSION,
)
from emulator.domain.network import (
    DELIVERED,
    DELIVERED_AFTER,
    ERROR,
    PENDING,
    PLAYED,
    READ,
    SENT,
    SENT_AFTER,
    behaviour_named,
    behaviour_of,
)
from emulator.domain.reaction_service import ReactionService
from emulator.domain.session_service import SessionService
from emulator.domain.sessions import Session, Status
from emulator.ids import IdGenerator
from emulator.store import messages as store
from emulator.store.database import Database


# On the real clock, how long a firing of the delivery steps lets the next ones gather.
STEP_GATHERING_SECONDS = 0.01
# The event published with `messages.received`, by the server of the chat's JID.
_RECEIVED_EVENT_BY_SERVER = {"g.us": "messages-group.received", "newsletter": "messages-newsletter.received"}



@functools.lru_cache(maxsize=256)
def _steps_of(behaviour_keyword: str, kind: str, retried: bool) -> tuple[tuple[float, str, int], ...]:
    """Every step of a message's way, by what decides it: the same for all the messages it is
    worked out for on each of their steps."""
    if behaviour_keyword == TO_SESSION:
        return ((SENT_AFTER, "status", SENT), (DELIVERED_AFTER, "deliver", DELIVERED))
    if behaviour_keyword == TO_GROUP:
        return ((SENT_AFTER, "status", SENT), (DELIVERED_AFTER, "deliver_group", DELIVERED))
    if behaviour_keyword == TO_CHANNEL:
        return ((SENT_AFTER, "status", SENT),)
    behaviour = behaviour_named(behaviour_keyword)
    if behaviour.fails_once and retried:
        behaviour = behaviour_of("")
    # An echo number answers a text once it has read it: the stored READ keeps a restart
    # from answering twice.
    echoes = behaviour.echo and kind == "text"
    # In the order they fall due: the first is the next.
    return tuple(sorted(
        (delay, "echo" if echoes and status == READ else "status", status)
        for delay, status in behaviour.steps
        if status != PLAYED or kind in ("audio", "video")
    ))  # fmt: skip


class LogPage(msgspec.Struct):
    messages: list[Message]
    total: int


class MessageService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        ids: IdGenerator,
        bus: EventBus,
        sessions: SessionService,
        contacts: ContactService,
        groups: GroupService,
        chats: ChatService,
        media: MediaService,
        reactions: ReactionService,
    ) -> None:
        self._db = db
        self._clock = clock
        self._ids = ids
        self._bus = bus
        self._sessions = sessions
        self._contacts = contacts
        self._groups = groups
        self._chats = chats
        self._media = media
        self._reactions = reactions
        self._next_id = FIRST_MESSAGE_ID
        # Sent messages still moving through their delivery steps, and the steps, by due time.
        self._in_flight: dict[int, Message] = {}
        self._steps_left: dict[int, int] = {}
        self._steps: list[tuple[float, int, int, str, int]] = []
        self._step_seq = itertools.count()

    async def load(self) -> None:
        self._next_id = max(await store.last_id(self._db) + 1, FIRST_MESSAGE_ID)
        self._in_flight.clear()
        self._steps_left.clear()
        self._steps.clear()
        for message in await store.with_next_step(self._db, Message):
            if self._next_step_at(message) is None:
                # Stored before the column was kept (see migration 0010): it has no step ahead.
                message.next_step_at = None
                store.save_status(self._db, message)
            self._schedule(message)

    # Sending ------------------------------------------------------------------------------------

    async def send(
        self, session: Session, draft: Draft, to: str, content: dict[str, Any], base_url: str,
        behaviour: str | None = None,
    ) -> Message:
        """Accept a message; `behaviour` (a fault's) replaces what its recipient would do."""
        if session.status is not Status.CONNECTED:
            raise errors.NotAllowed(errors.NOT_CONNECTED, also_as_error=False)
        recipient = parse_jid(to)
        if recipient is None:
            raise errors.ValidationFailed({"to": ["The to field format is invalid."]})
        if self._contacts.is_blocked(session.id, recipient):
            raise errors.NotAllowed(SEND_TO_BLOCKED)
        if recipient.is_group:
            self._groups.check_can_send(session, str(recipient))
        quoted = await self._quoted(session, draft.reply_to) if draft.reply_to is not None else None
        media = await self._encrypted_media(draft, base_url)
        message = await self._store_new(
            session,
            None,
            from_me=True,
            remote_jid=str(recipient),
            to_raw=to,
            kind=draft.kind,
            content=content,
            message=compose(draft, quoted, media),
            status=PENDING,
            behaviour=behaviour or self._behaviour_for(session, recipient),
        )
        self._chats.message_sent(session.id, message.remote_jid)
        self._schedule(message)
        return message

    async def _encrypted_media(self, draft: Draft, base_url: str) -> dict[str, Any] | None:
        """The file of a media message, encrypted as the sender's phone uploads it, so every copy
        (the sender's, each receiver's) decrypts; a URL elsewhere stays as given (we are offline)."""
        if draft.media_url is None:
            return None
        found = await self._media.attachment(draft.media_url, base_url, draft.kind, draft.file_name)
        return found[1] if found is not None else None

    async def _store_new(
        self, session: Session, key_id: str | None, push_name: str | None = None, **fields: Any
    ) -> Message:
        """A new message of `session`, stored (durably) and announced with messages.upsert; an
        inbound one with its sender's `push_name`."""
        now = self._clock.now()
        message_id = self._allocate_id()
        message = Message(
            id=message_id,
            session_id=session.id,
            key_id=key_id or self._ids.message_key(message_id),
            attempted_at=now,
            created_at=now,
            updated_at=now,
            **fields,
        )
        message.next_step_at = self._next_step_at(message)
        await store.insert(self._db, message)
        self._publish_upsert(message, push_name)
        return message

    def _allocate_id(self) -> int:
        message_id = self._next_id
        self._next_id += 1
        return message_id

    def _behaviour_for(self, session: Session, recipient: Jid) -> str:
        if recipient.is_group:
            return TO_GROUP
        if recipient.server == "newsletter":
            return TO_CHANNEL
        if recipient.server != USER_SERVER:
            return behaviour_of("").keyword
        other = self._sessions.with_phone(recipient.user)
        if other is not None and other.id != session.id:
            return TO_SESSION
        return behaviour_of(recipient.user).keyword

    async def _quoted(self, session: Session, reply_to: int) -> tuple[dict[str, Any], str, str]:
        original = await self._load(reply_to)
        if original is None or original.session_id != session.id or original.deleted_at is not None:
            raise errors.ValidationFailed({"replyTo": ["The selected reply to is invalid."]})
        sender = self._own_jid(session) if original.from_me else (original.participant or original.remote_jid)
        return original.message, original.key_id, sender

    # Delivery steps on the clock ------------------------------------------------------------------

    def _plan(self, message: Message) -> tuple[tuple[float, str, int], ...]:
        """(seconds after the attempt, action, status) still ahead for `message`."""
        steps = _steps_of(message.behaviour or "", message.kind, message.attempts > 1)
        if message.status == PENDING:
            return steps
        return tuple(step for step in steps if step[2] > message.status)

    def _next_step_at(self, message: Message) -> float | None:
        """When the next step of a sent message is due, or None when none is ahead: the value of
        the stored next_step_at, by which start finds the only messages it must schedule."""
        if not message.from_me or message.deleted_at is not None or message.status == ERROR:
            return None
        plan = self._plan(message)
        return message.attempted_at + plan[0][0] if plan else None

    def _schedule(self, message: Message) -> None:
        plan = self._plan(message)
        if not plan:
            return
        self._in_flight[message.id] = message
        self._steps_left[message.id] = self._steps_left.get(message.id, 0) + len(plan)
        now = self._clock.now()
        earliest = self._steps[0][0] if self._steps else None
        for delay, action, status in plan:
            due = max(message.attempted_at + delay, now)
            heapq.heappush(self._steps, (due, next(self._step_seq), message.id, action, status))
        if earliest is None or self._steps[0][0] < earliest:
            self._clock.schedule("message-steps", self._steps[0][0] - now, self._run_due_steps)

    async def _run_due_steps(self) -> None:
        now = self._clock.now()
        while self._steps and self._steps[0][0] <= now:
            _, _, message_id, action, status = heapq.heappop(self._steps)
            message = self._in_flight.get(message_id)
            if message is not None and self._still_deliverable(message):
                if action == "status":
                    failed_reason = behaviour_named(message.behaviour or "").failed_reason if status == ERROR else None
                    self._set_status(message, status, failed_reason)
                else:
                    await self._step(message, action, status)
            self._steps_left[message_id] = left = self._steps_left.get(message_id, 1) - 1
            if left <= 0:
                self._in_flight.pop(message_id, None)
                self._steps_left.pop(message_id, None)
        if self._steps:
            wait = self._steps[0][0] - now
            if not self._clock.is_virtual:
                # Under load a step falls due every few microseconds: each firing takes what fell
                # due meanwhile, instead of waking the clock thousands of times a second.
                wait = max(wait, STEP_GATHERING_SECONDS)
            self._clock.schedule("message-steps", wait, self._run_due_steps)

    def _still_deliverable(self, message: Message) -> bool:
        return message.deleted_at is None and message.status != ERROR and self._sessions.get(message.session_id) is not None

    async def _step(self, message: Message, action: str, status: int) -> None:
        """The steps that do more than change a status: delivery to sessions, an echo."""
        if action == "deliver_group":
            self._set_status(message, status)
            await self._deliver_to_group(message)
        elif action == "deliver":
            receiver = self._session_at(message.remote_jid)
            # A receiving phone that is off leaves the message sent.
            if receiver is not None and receiver.status is Status.CONNECTED:
                self._set_status(message, status)
                await self._receive_from_session(receiver, message)
        else:
            self._set_status(message, status)
            await self._echo(message)

    def _set_status(self, message: Message, status: int, failed_reason: str | None = None) -> None:
        """The one place a message's status changes: stored, then published."""
        message.status = status
        message.failed_reason = failed_reason
        message.updated_at = self._clock.now()
        message.next_step_at = self._next_step_at(message)
        store.save_status(self._db, message)
        if status == SENT:
            sent = {"key": message.key, "message": message.message, "success": True}
            self._bus.publish(message.session_id, "message.sent", sent, message.id)
        elif status == ERROR:
            error = f"Failed to send message: {failed_reason}"
            self._bus.publish(message.session_id, "message.sent", {"success": False, "error": error}, message.id)
        update = {"key": message.key, "update": {"status": status}}
        self._bus.publish(message.session_id, "messages.update", update, message.id)

    # Receiving -------------------------------------------------------------------------------------

    async def _receive_from_session(self, receiver: Session, sent: Message) -> None:
        sender = self._sessions.get(sent.session_id)
        assert sender is not None
        await self.receive(receiver, self._own_jid(sender), sent.message, sent.kind, key_id=sent.key_id)

    async def _deliver_to_group(self, sent: Message) -> None:
        """Member sessions of the emulator that are connected receive the group message."""
        sender = self._sessions.get(sent.session_id)
        assert sender is not None
        try:
            members = self._groups.check_can_send(sender, sent.remote_jid)
        except errors.DomainError:
            return  # the sender left or lost its rights meanwhile: nobody receives it
        for phone in members:
            receiver = self._sessions.with_phone(phone)
            if receiver is not None and receiver.status is Status.CONNECTED:
                await self.receive(
                    receiver, sent.remote_jid, sent.message, sent.kind, key_id=sent.key_id, participant=self._own_jid(sender)
                )

    async def _echo(self, sent: Message) -> None:
        session = self._sessions.get(sent.session_id)
        text = message_body(sent.message)
        if session is not None and text is not None:
            await self.receive(session, sent.remote_jid, {"conversation": f"Echo: {text}"}, "text")

    async def receive(
        self,
        session: Session,
        remote_jid: str,
        content: dict[str, Any],
        kind: str,
        key_id: str | None = None,
        participant: str | None = None,
    ) -> Message:
        """A message arrives at `session` from `remote_jid` (in a group, from `participant`)."""
        sender = parse_jid(participant or remote_jid)
        push_name = await self._contacts.push_name(session.id, sender.user) if sender and sender.is_user else None
        message = await self._store_new(
            session,
            key_id,
            push_name,
            from_me=False,
            remote_jid=remote_jid,
            participant=participant,
            kind=kind,
            content={},
            message=content,
            status=DELIVERED,
        )
        self._publish_received(message, push_name)
        self._chats.message_received(session.id, remote_jid)
        if session.read_incoming_messages:
            await self._read(session, message)
        return message

    async def mark_read(self, session: Session, key_id: str, remote_jid: str, from_me: bool) -> None:
        await self._read(session, await self.by_key(session, key_id, remote_jid, from_me))

    async def react(self, session: Session, key_id: str, remote_jid: str, from_me: bool, emoji: str) -> Message:
        """The session reacts to a message of one of its chats ("" takes the reaction back): a
        reaction message of its own in that chat, pointing at the message's key."""
        if session.status is not Status.CONNECTED:
            raise errors.NotAllowed(errors.NOT_CONNECTED, also_as_error=False)
        target = await self.by_key(session, key_id, remote_jid, from_me)
        reaction = {"key": target.key, "text": emoji, "senderTimestampMs": int(self._clock.now() * 1000)}
        await self._reactions.react(target.id, self._own_jid(session), True, emoji)
        return await self._store_new(
            session, None, from_me=True, remote_jid=target.remote_jid, kind="reaction",
            content={"reaction": emoji, "messageId": key_id}, message={"reactionMessage": reaction}, status=SENT,
        )  # fmt: skip

    async def by_key(self, session: Session, key_id: str, remote_jid: str, from_me: bool) -> Message:
        """A message of the session by its WhatsApp key, not deleted."""
        for message in await store.by_key(self._db, Message, session.id, key_id):
            if message.from_me == from_me and _same_chat(message.remote_jid, remote_jid) and message.deleted_at is None:
                return message
        raise errors.NotFound(MESSAGE_NOT_FOUND)

    async def _read(self, session: Session, message: Message) -> None:
        if message.status >= READ or message.from_me:
            return
        self._set_status(message, READ)
        self._chats.message_read(session.id, message.remote_jid)
        sender = self._session_at(message.remote_jid)
        if sender is None or sender.id == session.id:
            return
        for stored in await store.by_key(self._db, Message, sender.id, message.key_id):
            sent = self._in_flight.get(stored.id, stored)
            if sent.from_me and DELIVERED <= sent.status < READ:
                self._set_status(sent, READ)

    # After sending ----------------------------------------------------------------------------------

    async def info(self, session: Session, message_id: int) -> Message:
        return await self._own(session, message_id)

    async def edit(self, session: Session, message_id: int, text: str) -> Message:
        message = await self._own(session, message_id)
        if not message.from_me or message.kind != "text":
            raise errors.NotAllowed(ONLY_OWN_TEXT)
        if self._clock.now() - message.created_at > EDIT_WINDOW_SECONDS:
            raise errors.NotAllowed(EDIT_TOO_LATE)
        if "conversation" in message.message:
            message.message = {"conversation": text}
        else:
            message.message = {"extendedTextMessage": {**message.message["extendedTextMessage"], "text": text}}
        message.edited_at = message.updated_at = self._clock.now()
        await store.save(self._db, message)
        edited = {"editedMessage": message.message}
        self._bus.publish(session.id, "messages.update", {"key": message.key, "update": {"message": edited}})
        return message

    async def delete(self, session: Session, message_id: int) -> None:
        message = await self._own(session, message_id)
        if not message.from_me:
            raise errors.NotAllowed(ONLY_OWN_DELETE)
        if self._clock.now() - message.created_at > DELETE_WINDOW_SECONDS:
            raise errors.NotAllowed(DELETE_TOO_LATE)
        if message.status == PENDING:
            # It never leaves the phone: the logs say it failed, and why.
            self._set_status(message, ERROR, DELETED_BEFORE_SENT)
        await self.mark_deleted(session.id, message)
        receiver = self._session_at(message.remote_jid) if message.behaviour == TO_SESSION else None
        if receiver is not None:
            for copy in await store.by_key(self._db, Message, receiver.id, message.key_id):
                await self.mark_deleted(receiver.id, copy)

    async def mark_deleted(self, session_id: int, message: Message) -> None:
        """A message deleted for everyone, by this session or by its sender: stored, then published."""
        message.deleted_at = message.updated_at = self._clock.now()
        message.next_step_at = None
        await store.save(self._db, message)
        self._bus.publish(session_id, "messages.delete", {"keys": [message.key]})

    async def resend(self, session: Session, message_id: int) -> Message:
        message = await self._own(session, message_id)
        if message.status != ERROR or not message.from_me:
            raise errors.NotAllowed(NOT_FAILED)
        if not session.log_messages:
            raise errors.NotAllowed(LOGGING_OFF)
        if session.status is not Status.CONNECTED:
            raise errors.NotAllowed(errors.NOT_CONNECTED, also_as_error=False)
        message.attempts += 1
        message.attempted_at = self._clock.now()
        message.status = PENDING
        message.failed_reason = None
        message.updated_at = message.attempted_at
        message.next_step_at = self._next_step_at(message)
        await store.save(self._db, message)
        self._schedule(message)
        return message

    async def logs(self, session: Session, page: int, per_page: int, status: str | None) -> LogPage:
        statuses = (STATUS_CODES[status],) if status is not None else None
        messages, total = await store.sent_page(self._db, Message, session.id, statuses, page, per_page)
        return LogPage([self._in_flight.get(m.id, m) for m in messages], total)

    async def chat_page(self, wanted: store.ChatFilter, limit: int | None, offset: int = 0) -> list[Message]:
        """A page of one chat, newest first, with the live state of messages still in flight."""
        page = await store.chat_page(self._db, Message, wanted, limit, offset)
        return [self._in_flight.get(m.id, m) for m in page]

    async def read_chat(self, session: Session, chat_id: str, latest: int | None, days: float) -> list[Message]:
        """The session reads a chat as its phone does on opening it: its inbound messages of the last
        `days` (only the `latest` of them, if given) that were unread are read, with receipts to
        their senders. Answers those it read."""
        wanted = store.ChatFilter(
            session_id=session.id, remote_jid=chat_id, from_me=False, since=self._clock.now() - days * 86400,
            visible_only=True,
        )  # fmt: skip
        unread = [m for m in await self.chat_page(wanted, latest) if m.status < READ]
        for message in unread:
            await self._read(session, message)
        return unread

    async def history(self, wanted: store.HistoryFilter, page: int, per_page: int) -> LogPage:
        """Messages both ways of several sessions (one account's, on one face), newest first."""
        messages, total = await store.history_page(self._db, Message, wanted, page, per_page)
        return LogPage([self._in_flight.get(m.id, m) for m in messages], total)

    async def counts(self, session_ids: tuple[int, ...]) -> dict[int, int]:
        return await store.counts_by_session(self._db, session_ids)

    async def sent_times(self, session: Session, since: float, limit: int) -> list[float]:
        """When the session sent its latest messages from `since` on (deleted ones too), newest first, at most `limit`."""
        return await store.sent_times(self._db, session.id, since, limit)

    def in_flight(self, message_id: int) -> Message | None:
        """A sent message still moving through its delivery steps, from memory (no query)."""
        return self._in_flight.get(message_id)

    async def _own(self, session: Session, message_id: int) -> Message:
        """A message of this session; any other is "not found", so ids do not leak."""
        message = await self._load(message_id)
        if message is None or message.session_id != session.id or message.deleted_at is not None:
            raise errors.NotFound(MESSAGE_NOT_FOUND)
        return message

    async def find(self, message_id: int) -> Message | None:
        """Any session's message, deleted or not; the caller checks whose it is."""
        return await self._load(message_id)

    async def _load(self, message_id: int) -> Message | None:
        return self._in_flight.get(message_id) or await store.get(self._db, Message, message_id)

    # Events ------------------------------------------------------------------------------------------

    def _publish_upsert(self, message: Message, push_name: str | None) -> None:
        data = {"messages": [self._webhook_message(message, push_name)]}
        self._bus.publish(message.session_id, "messages.upsert", data, message.id)

    def _publish_received(self, message: Message, push_name: str | None) -> None:
        """`messages.received`, and the same data as the event of its kind of chat."""
        data = {"messages": self._webhook_message(message, push_name)}
        self._bus.publish(message.session_id, "messages.received", data, message.id)
        chat = parse_jid(message.remote_jid)
        server = chat.server if chat is not None else USER_SERVER
        self._bus.publish(message.session_id, _RECEIVED_EVENT_BY_SERVER.get(server, "messages-personal.received"), data)

    def _webhook_message(self, message: Message, push_name: str | None) -> dict[str, Any]:
        key = message.key
        if not message.from_me:
            key.update(self._sender_fields(message))
        data = {
            "key": key,
            "messageBody": message_body(message.message),
            "message": message.message,
            "messageTimestamp": int(message.created_at),
        }
        if push_name is not None:
            data["pushName"] = push_name
        return data

    def _sender_fields(self, message: Message) -> dict[str, Any]:
        """Who wrote an inbound message, as the received-message pages spell it: the sender in a
        personal chat, the member in a group (whom WhatsApp addresses by LID there)."""
        sender = parse_jid(message.participant or message.remote_jid)
        if sender is None or not sender.is_user:
            return {}
        lid = self._ids.lid_for(sender.user)
        if message.participant:
            return {
                "participant": lid,
                "participantPn": str(sender),
                "cleanedParticipantPn": sender.user,
                "participantLid": lid,
                "addressingMode": "lid",
            }
        return {"senderPn": str(sender), "cleanedSenderPn": sender.user, "senderLid": lid, "addressingMode": "pn"}

    def _session_at(self, jid: str) -> Session | None:
        """The emulator session whose phone number `jid` addresses, if any."""
        parsed = parse_jid(jid)
        return self._sessions.with_phone(parsed.user) if parsed is not None and parsed.is_user else None

    def _own_jid(self, session: Session) -> str:
        return f"{phone_digits(session.phone_number)}@{USER_SERVER}"


def _same_chat(stored: str, given: str) -> bool:
    a, b = parse_jid(stored), parse_jid(given)
    return a is not None and a == b
