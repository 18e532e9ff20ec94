"""What only a phone or another WhatsApp user can do, made to happen by a test.

An inbound message goes through `MessageService.receive`, as a message from another session
does, so it is stored, auto-read when the session says so, and announced with the events of
its kind of chat. The other happenings (a reaction, a poll vote, a call, a group member's
receipt, a contact's or chat's change, the sender deleting a message) publish the events the
real service sends for them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import msgspec

from emulator.clock import Clock
from emulator.domain import errors
from emulator.domain.chat_service import ChatService
from emulator.domain.contact_service import ContactService
from emulator.domain.events import EventBus
from emulator.domain.jids import USER_SERVER, Jid, parse_jid, phone_digits
from emulator.domain.media import MediaService, accepted_file_type, decode_base64_upload
from emulator.domain.message_content import ContactCard, Draft, Location, compose
from emulator.domain.message_service import MessageService
from emulator.domain.messages import Message
from emulator.domain.reaction_service import ReactionService
from emulator.domain.sessions import Session, Status
from emulator.ids import IdGenerator
from emulator.store import polls
from emulator.store.database import SQLITE_MAX_INTEGER, Database

Short = Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
MessageId = Annotated[int, msgspec.Meta(ge=1)]


class MediaFile(msgspec.Struct, frozen=True, kw_only=True):
    kind: Literal["image", "video", "audio", "document", "sticker"]
    base64: Annotated[str, msgspec.Meta(min_length=1)]  # raw base64 or a data URL
    mimetype: Short | None = None
    file_name: Short | None = None


class Place(msgspec.Struct, frozen=True, kw_only=True):
    latitude: Annotated[float, msgspec.Meta(ge=-90, le=90)]
    longitude: Annotated[float, msgspec.Meta(ge=-180, le=180)]
    name: Short | None = None
    address: Short | None = None


class Card(msgspec.Struct, frozen=True):
    name: Short
    phone: Short


class Reaction(msgspec.Struct, frozen=True):
    message: MessageId
    emoji: Annotated[str, msgspec.Meta(max_length=32)]  # "" takes a reaction back


class Vote(msgspec.Struct, frozen=True):
    message: MessageId
    options: Annotated[list[Short], msgspec.Meta(max_length=12)]  # [] withdraws the vote


class Call(msgspec.Struct, frozen=True):
    video: bool = False


class Receipt(msgspec.Struct, frozen=True):
    message: MessageId
    status: Literal["delivered", "read"] = "read"


class ContactChange(msgspec.Struct, frozen=True, kw_only=True):
    name: Short | None = None
    notify: Short | None = None
    verified_name: Short | None = None
    status: Short | None = None
    img_url: Annotated[str, msgspec.Meta(max_length=2048)] | None = None


class ChatChange(msgspec.Struct, frozen=True, kw_only=True):
    event: Literal["upsert", "update", "delete"] = "update"
    name: Short | None = None
    unread_count: Annotated[int, msgspec.Meta(ge=0, le=SQLITE_MAX_INTEGER)] | None = None
    archived: bool | None = None
    pinned: bool | None = None
    mute_end_time: Annotated[int, msgspec.Meta(ge=0, le=SQLITE_MAX_INTEGER)] | None = None


class Revoke(msgspec.Struct, frozen=True):
    message: MessageId


class Inbound(msgspec.Struct, frozen=True, kw_only=True):
    """One thing arriving at a session: a message (text, media, location, contact card) or one
    of the happenings below. `from` is the WhatsApp user doing it; in a group, the member."""

    sender: Short | None = msgspec.field(default=None, name="from")
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=65_536)] | None = None
    group: Short | None = None
    channel: Short | None = None
    reply_to: MessageId | None = None
    media: MediaFile | None = None
    location: Place | None = None
    contact: Card | None = None
    reaction: Reaction | None = None
    vote: Vote | None = None
    call: Call | None = None
    receipt: Receipt | None = None
    contact_update: ContactChange | None = None
    chat: ChatChange | None = None
    revoke: Revoke | None = None


# Message contents, and the happenings that are not messages, in the order checked.
_CONTENTS = ("media", "location", "contact")
_HAPPENINGS = ("reaction", "vote", "call", "receipt", "contact_update", "chat", "revoke")


class InboundService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        ids: IdGenerator,
        bus: EventBus,
        messages: MessageService,
        media: MediaService,
        chats: ChatService,
        contacts: ContactService,
        reactions: ReactionService,
    ) -> None:
        self._db = db
        self._clock = clock
        self._ids = ids
        self._bus = bus
        self._messages = messages
        self._media = media
        self._chats = chats
        self._contacts = contacts
        self._reactions = reactions

    async def inject(self, session: Session, inbound: Inbound, base_url: str) -> dict[str, Any]:
        """Make `inbound` happen to `session`; answers what it made (a message's id and key, ...)."""
        if session.status is not Status.CONNECTED:
            raise errors.NotAllowed(errors.NOT_CONNECTED, also_as_error=False)
        happening = _happening_of(inbound)
        if happening is None:
            return await self._message(session, inbound, base_url)
        handlers = {
            "reaction": self._reaction,
            "vote": self._vote,
            "call": self._call,
            "receipt": self._receipt,
            "contact_update": self._contact_update,
            "chat": self._chat,
            "revoke": self._revoke,
        }
        return await handlers[happening](session, inbound)

    # Messages -------------------------------------------------------------------------------

    async def _message(self, session: Session, inbound: Inbound, base_url: str) -> dict[str, Any]:
        chat = _chat_of(inbound)
        participant = str(_sender(inbound)) if inbound.group is not None else None
        kind, content = await self._content(session, inbound, base_url)
        message = await self._messages.receive(session, chat, content, kind, participant=participant)
        return {"msgId": message.id, "key": message.key, "message": message.message}

    async def _content(self, session: Session, inbound: Inbound, base_url: str) -> tuple[str, dict[str, Any]]:
        """The WhatsApp message content, built as send-message builds it; media encrypted for real."""
        quoted = await self._quoted(session, inbound.reply_to) if inbound.reply_to is not None else None
        if inbound.media is not None:
            file = inbound.media
            data, mimetype = decode_base64_upload(file.base64, file.mimetype)
            mimetype, _ = accepted_file_type(data, mimetype, file.file_name)
            media = await self._media.encrypt_for_message(data, mimetype, file.kind, base_url, file.file_name)
            draft = Draft(kind=file.kind, text=inbound.text, media_url=media["url"], file_name=file.file_name)
            return file.kind, compose(draft, quoted, media)
        if inbound.location is not None:
            place = inbound.location
            draft = Draft(kind="location", location=Location(place.latitude, place.longitude, place.name, place.address))
        elif inbound.contact is not None:
            draft = Draft(kind="contact", contact=ContactCard(inbound.contact.name, inbound.contact.phone))
        else:
            draft = Draft(kind="text", text=inbound.text)
        return draft.kind, compose(draft, quoted)

    async def _quoted(self, session: Session, reply_to: int) -> tuple[dict[str, Any], str, str]:
        original = await self._stored(session, reply_to, "reply_to")
        author = _own_jid(session) if original.from_me else (original.participant or original.remote_jid)
        return original.message, original.key_id, author

    # Happenings --------------------------------------------------------------------------------

    async def _reaction(self, session: Session, inbound: Inbound) -> dict[str, Any]:
        assert inbound.reaction is not None
        reactor = str(_sender(inbound))
        target = await self._stored(session, inbound.reaction.message, "reaction.message")
        await self._reactions.react(target.id, reactor, False, inbound.reaction.emoji)
        reaction = {
            "text": inbound.reaction.emoji,
            "key": target.key,
            "senderTimestampMs": str(int(self._clock.now() * 1000)),
        }
        data = [{"key": target.key, "reaction": reaction}]
        self._bus.publish(session.id, "messages.reaction", data)
        return data[0]

    async def _vote(self, session: Session, inbound: Inbound) -> dict[str, Any]:
        assert inbound.vote is not None
        voter = str(_sender(inbound))
        poll = await self._stored(session, inbound.vote.message, "vote.message")
        creation = poll.message.get("pollCreationMessage")
        if creation is None:
            raise errors.ValidationFailed({"vote.message": ["The vote.message field must be a poll."]})
        names = [option["optionName"] for option in creation["options"]]
        chosen = list(dict.fromkeys(inbound.vote.options))
        _check_choice(chosen, names, single=creation.get("selectableOptionsCount") == 1)
        await polls.cast_vote(self._db, poll.id, voter, chosen, self._clock.now())
        votes = await polls.votes_on(self._db, poll.id)
        result = [{"name": name, "voters": [who for who, picked in votes if name in picked]} for name in names]
        data = {"key": poll.key, "pollResult": result}
        self._bus.publish(session.id, "poll.results", data)
        return data

    async def _call(self, session: Session, inbound: Inbound) -> dict[str, Any]:
        assert inbound.call is not None
        now = self._clock.now()
        call = {
            "id": self._ids.hex(20).upper(),
            "from": str(_sender(inbound)),
            "date": datetime.fromtimestamp(now, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "isGroup": False,
            "isVideo": inbound.call.video,
            "status": "offer",
        }
        self._bus.publish(session.id, "call", {"call": call})
        if session.auto_reject_calls:
            self._bus.publish(session.id, "call", {"call": {**call, "status": "reject"}})
        return {"call": call, "rejected": session.auto_reject_calls}

    async def _receipt(self, session: Session, inbound: Inbound) -> dict[str, Any]:
        assert inbound.receipt is not None
        member = str(_sender(inbound))
        target = await self._stored(session, inbound.receipt.message, "receipt.message")
        if not target.from_me or not target.remote_jid.endswith("@g.us"):
            message = "The receipt.message field must be a message this session sent to a group."
            raise errors.ValidationFailed({"receipt.message": [message]})
        moment = "readTimestamp" if inbound.receipt.status == "read" else "receiptTimestamp"
        data = {
            "message": {
                "key": {**target.key, "participant": member},
                "receipt": {"userJid": member, moment: int(self._clock.now())},
            }
        }
        self._bus.publish(session.id, "message-receipt.update", data)
        return data

    async def _contact_update(self, session: Session, inbound: Inbound) -> dict[str, Any]:
        change = inbound.contact_update
        assert change is not None
        given = {
            "name": change.name,
            "notify": change.notify,
            "verifiedName": change.verified_name,
            "status": change.status,
            "imgUrl": change.img_url,
        }
        sender = _sender(inbound)
        if change.notify is not None:
            await self._contacts.learn_push_name(session.id, sender.user, change.notify)
        contact = {"jid": str(sender), **{k: v for k, v in given.items() if v is not None}}
        # A name is the contact list's business (upsert); a picture or an about line, the profile's.
        listed = any(v is not None for v in (change.name, change.notify, change.verified_name))
        self._bus.publish(session.id, "contacts.upsert" if listed else "contacts.update", [contact])
        return contact

    async def _chat(self, session: Session, inbound: Inbound) -> dict[str, Any]:
        change = inbound.chat
        assert change is not None
        chat_id = _chat_of(inbound)
        if change.event == "delete":
            self._chats.delete(session.id, chat_id)
            return {"id": chat_id}
        fields = {name: getattr(change, name) for name in ("name", "unread_count", "archived", "pinned", "mute_end_time")}
        return self._chats.change(session.id, chat_id, change.event, **fields).as_event()

    async def _revoke(self, session: Session, inbound: Inbound) -> dict[str, Any]:
        assert inbound.revoke is not None
        sender = str(_sender(inbound))
        target = await self._stored(session, inbound.revoke.message, "revoke.message")
        if target.from_me or (target.participant or target.remote_jid) != sender:
            raise errors.ValidationFailed({"revoke.message": ["Only the sender of a message can delete it."]})
        await self._messages.mark_deleted(session.id, target)
        return {"key": target.key}

    async def _stored(self, session: Session, message_id: int, field: str) -> Message:
        """A message of this session, named in the request's `field`."""
        try:
            return await self._messages.info(session, message_id)
        except errors.NotFound:
            raise errors.ValidationFailed({field: [f"The selected {field} is invalid."]}) from None


def _happening_of(inbound: Inbound) -> str | None:
    """The one happening `inbound` describes, or None for a message; faults as a 422."""
    present = [name for name in _CONTENTS + _HAPPENINGS if getattr(inbound, name) is not None]
    problems = {name: [f"The {name} field is prohibited when {present[0]} is present."] for name in present[1:]}
    if present and present[0] in _HAPPENINGS and inbound.text is not None:
        problems["text"] = [f"The text field is prohibited when {present[0]} is present."]
    if not present and inbound.text is None:
        problems["text"] = ["The text field is required when no media, location, contact or happening is present."]
    if problems:
        raise errors.ValidationFailed(problems)
    return present[0] if present and present[0] in _HAPPENINGS else None


def _chat_of(inbound: Inbound) -> str:
    """Where it happens: the channel, the group, or the sender's own chat."""
    if inbound.channel is not None:
        return str(_jid_on(inbound.channel, "newsletter", "channel"))
    if inbound.group is not None:
        return str(_jid_on(inbound.group, "g.us", "group"))
    return str(_sender(inbound))


def _sender(inbound: Inbound) -> Jid:
    if inbound.sender is None:
        raise errors.ValidationFailed({"from": ["The from field is required."]})
    return _jid_on(inbound.sender, USER_SERVER, "from")


def _jid_on(value: str, server: str, field: str) -> Jid:
    jid = parse_jid(value if "@" in value or server == USER_SERVER else f"{value}@{server}")
    if jid is None or jid.server != server:
        raise errors.ValidationFailed({field: [f"The {field} field must be a JID ending in @{server}."]})
    return jid


def _check_choice(chosen: list[str], names: list[str], single: bool) -> None:
    problems = {
        f"vote.options.{index}": [f"The selected vote.options.{index} is invalid."]
        for index, option in enumerate(chosen)
        if option not in names
    }
    if single and len(chosen) > 1:
        problems["vote.options"] = ["The vote.options field must not have more than 1 items."]
    if problems:
        raise errors.ValidationFailed(problems)


def _own_jid(session: Session) -> str:
    return f"{phone_digits(session.phone_number)}@{USER_SERVER}"
