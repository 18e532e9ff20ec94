"""Chats under /{session}/chats: the session's chats, an overview, one chat's messages (one, or a
page narrowed by time, direction and ack), reading a chat, and a chat's picture, in WAHA's shapes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK

from emulator.domain.chats import Chat
from emulator.domain.contacts import avatar_url
from emulator.domain.errors import DomainError
from emulator.domain.jids import parse_jid
from emulator.domain.media import Category, find_media
from emulator.domain.message_content import message_body
from emulator.domain.messages import Message
from emulator.domain.sessions import Session
from emulator.faces.wasend.addresses import network_address, own_chat_id, waha_chat_id, waha_message_id
from emulator.faces.wasend.auth import calling_account, sending_session
from emulator.faces.wasend.bodies import parse_query
from emulator.faces.wasend.errors import WasendError
from emulator.faces.wasend.groups import group_picture_url
from emulator.faces.wasend.messages import message_key
from emulator.faces.wasend.statuses import ACKS
from emulator.http.requests import core_of
from emulator.store.messages import ChatFilter

PREFIX = "/{session_id:str}/chats"
CHAT = PREFIX + "/{chat_id:str}"
STATUS_OF_ACK = {ack: status for status, (ack, _) in ACKS.items()}
# sortBy -> what it orders by, and whether it is newest (largest) first unless sortOrder says.
_CHAT_ORDERS: dict[str, tuple[Callable[[dict[str, Any]], Any], bool]] = {
    "conversationTimestamp": (lambda c: c["timestamp"], True),
    "timestamp": (lambda c: c["timestamp"], True),  # the word of the SDK's own example
    "id": (lambda c: c["id"], False),
    "name": (lambda c: (c.get("name") or "").casefold(), False),
}
MEDIA_KINDS = frozenset(Category)
# WAHA reads the last week of a chat unless told otherwise.
READ_DAYS_DEFAULT = 7


class ChatsQuery(msgspec.Struct, kw_only=True):
    limit: Annotated[int, msgspec.Meta(ge=1)] | None = None
    offset: Annotated[int, msgspec.Meta(ge=0)] = 0
    sortBy: Literal["conversationTimestamp", "timestamp", "id", "name"] | None = None
    sortOrder: Literal["asc", "desc"] | None = None


class OverviewQuery(msgspec.Struct, kw_only=True):
    limit: Annotated[int, msgspec.Meta(ge=1)] | None = None
    offset: Annotated[int, msgspec.Meta(ge=0)] = 0
    ids: str | None = None  # comma-separated chat ids


class MessagesQuery(msgspec.Struct, kw_only=True):
    limit: Annotated[int, msgspec.Meta(ge=1)] = 10
    offset: Annotated[int, msgspec.Meta(ge=0)] = 0
    downloadMedia: bool = False
    timestamp_lte: float | None = msgspec.field(name="filter.timestamp.lte", default=None)
    timestamp_gte: float | None = msgspec.field(name="filter.timestamp.gte", default=None)
    from_me: bool | None = msgspec.field(name="filter.fromMe", default=None)
    ack: str | None = msgspec.field(name="filter.ack", default=None)  # one ack, or several comma-separated


class MessageQuery(msgspec.Struct, kw_only=True):
    downloadMedia: bool = False


class ReadQuery(msgspec.Struct, kw_only=True):
    messages: Annotated[int, msgspec.Meta(ge=1)] | None = None
    days: Annotated[float, msgspec.Meta(gt=0)] = READ_DAYS_DEFAULT


class PictureQuery(msgspec.Struct, kw_only=True):
    refresh: bool | None = None


def _session(request: Request[Any, Any, Any], session_id: str) -> Session:
    return sending_session(request, calling_account(request), session_id)


async def _people(request: Request[Any, Any, Any], session: Session) -> dict[str, str]:
    """The name each person of the address book goes by here: the saved name, else the push name."""
    book = await core_of(request).contacts.address_book(session)
    return {c.jid: name for c in book if (name := c.name or c.notify)}


def _chat_json(request: Request[Any, Any, Any], chat: Chat, people: dict[str, str]) -> dict[str, Any]:
    """`Chat`: its name is the chat's own, else the group's subject, else the person's."""
    jid = parse_jid(chat.chat_id)
    is_group = jid is not None and jid.is_group
    group = core_of(request).groups.get(chat.chat_id) if is_group else None
    name = chat.name or (group.subject if group is not None else people.get(chat.chat_id))
    answer: dict[str, Any] = {
        "id": waha_chat_id(chat.chat_id), "isGroup": is_group, "timestamp": chat.conversation_timestamp,
        "unreadCount": chat.unread_count, "archived": chat.archived, "pinned": chat.pinned,
    }  # fmt: skip
    if name is not None:
        answer["name"] = name
    return answer


def _window(items: list[Any], offset: int, limit: int | None) -> list[Any]:
    return items[offset : None if limit is None else offset + limit]


@get(PREFIX)
async def list_chats(request: Request[Any, Any, Any], session_id: FromPath[str]) -> list[dict[str, Any]]:
    """The latest conversation first, unless sorted otherwise (by name or id: ascending unless told)."""
    session = _session(request, session_id)
    query = parse_query(ChatsQuery, request.query_params)
    people = await _people(request, session)
    chats = [_chat_json(request, c, people) for c in core_of(request).chats.of_session(session.id)]
    if query.sortBy is not None:
        key, descending = _CHAT_ORDERS[query.sortBy]
        chats.sort(key=key, reverse=query.sortOrder == "desc" if query.sortOrder else descending)
    return _window(chats, query.offset, query.limit)


@get(PREFIX + "/overview")
async def chats_overview(request: Request[Any, Any, Any], session_id: FromPath[str]) -> list[dict[str, Any]]:
    """`ChatOverview`: the chats (only those of `ids`, if given), latest conversation first."""
    session = _session(request, session_id)
    query = parse_query(OverviewQuery, request.query_params)
    chats = core_of(request).chats.of_session(session.id)
    if query.ids:
        wanted = {network_address(i) for i in query.ids.split(",") if i.strip()}
        chats = [c for c in chats if c.chat_id in wanted]
    people = await _people(request, session)
    shown = [_chat_json(request, chat, people) for chat in _window(chats, query.offset, query.limit)]
    return [{k: v for k, v in chat.items() if k not in ("archived", "pinned")} for chat in shown]


def _statuses(acks: str) -> tuple[int, ...]:
    """The domain's statuses of WAHA acks, `2` or `2,3`."""
    try:
        return tuple(STATUS_OF_ACK[int(a)] for a in acks.split(",") if a.strip())
    except (ValueError, KeyError):
        raise WasendError(400, [f"filter.ack must be among {sorted(STATUS_OF_ACK)}"]) from None


async def _message_json(
    request: Request[Any, Any, Any], session: Session, message: Message, download: bool
) -> dict[str, Any]:
    """`ChatWAMessage`, with WAHA's `ackName` and, in a group, the `participant` who wrote it."""
    chat = waha_chat_id(message.remote_jid)
    own = own_chat_id(session.phone_number)
    ack, ack_name = ACKS[message.status]
    answer: dict[str, Any] = {
        "id": waha_message_id(message.key), "chatId": chat,
        "from": own if message.from_me else chat, "to": chat if message.from_me else own,
        "body": message_body(message.message) or "", "type": message.kind, "timestamp": int(message.created_at),
        "fromMe": message.from_me, "ack": ack, "ackName": ack_name, "hasMedia": message.kind in MEDIA_KINDS,
    }  # fmt: skip
    if message.participant:
        answer["participant"] = waha_chat_id(message.participant)
    context: dict[str, Any] = {}
    for inner in message.message.values():
        if isinstance(inner, dict):
            context = inner.get("contextInfo") or context
    if context.get("stanzaId"):
        quoted_from_me = context.get("participant") == network_address(own)
        quoted_key = {"id": context["stanzaId"], "fromMe": quoted_from_me, "remoteJid": message.remote_jid}
        answer["quotedMsgId"] = waha_message_id(quoted_key)
    if answer["hasMedia"]:
        answer.update(await _media_fields(request, message, download))
    return answer


async def _media_fields(request: Request[Any, Any, Any], message: Message, download: bool) -> dict[str, Any]:
    wrapped = {"message": message.message}  # as a webhook's data.messages holds it
    _, media = find_media(wrapped)
    fields = {"mimetype": media.get("mimetype"), "filename": media.get("fileName"), "caption": media.get("caption")}
    if download:
        try:
            fields["mediaUrl"] = await core_of(request).media.decrypt_message(wrapped, str(request.base_url))
        except DomainError:
            pass  # media the offline network never held (a URL elsewhere) has no file to give
    return {k: v for k, v in fields.items() if v is not None}


@get(CHAT + "/messages")
async def chat_messages(request: Request[Any, Any, Any], session_id: FromPath[str], chat_id: FromPath[str]) -> list[dict[str, Any]]:
    """A page of the chat, newest first; the filter's timestamps are Unix seconds, both bounds included."""
    session = _session(request, session_id)
    query = parse_query(MessagesQuery, request.query_params)
    wanted = ChatFilter(
        session_id=session.id, remote_jid=network_address(chat_id), from_me=query.from_me,
        statuses=_statuses(query.ack) if query.ack else None, since=query.timestamp_gte,
        until=None if query.timestamp_lte is None else query.timestamp_lte + 0.999, visible_only=True,
    )  # fmt: skip
    page = await core_of(request).messages.chat_page(wanted, query.limit, query.offset)
    return [await _message_json(request, session, m, query.downloadMedia) for m in page]


@get(CHAT + "/messages/{message_id:str}")
async def chat_message(
    request: Request[Any, Any, Any], session_id: FromPath[str], chat_id: FromPath[str], message_id: FromPath[str]
) -> dict[str, Any]:
    session = _session(request, session_id)
    query = parse_query(MessageQuery, request.query_params)
    from_me, _, key_id = message_key(message_id)
    message = await core_of(request).messages.by_key(session, key_id, network_address(chat_id), from_me)
    return await _message_json(request, session, message, query.downloadMedia)


@post(CHAT + "/messages/read", status_code=HTTP_200_OK)
async def read_chat(request: Request[Any, Any, Any], session_id: FromPath[str], chat_id: FromPath[str]) -> dict[str, Any]:
    """The chat's unread inbound messages of the last `days` (the latest `messages` of them) are read,
    with receipts to their senders; answers WAHA's `ids` beside the SDK's `success` and `message`."""
    session = _session(request, session_id)
    query = parse_query(ReadQuery, request.query_params)
    read = await core_of(request).messages.read_chat(session, network_address(chat_id), query.messages, query.days)
    ids = [waha_message_id(m.key) for m in read]
    return {"success": True, "message": f"{len(ids)} message(s) marked as read", "ids": ids}


@get(CHAT + "/picture")
async def chat_picture(request: Request[Any, Any, Any], session_id: FromPath[str], chat_id: FromPath[str]) -> dict[str, Any]:
    """`ChatPictureResponse`: a person's avatar, or a group's picture (`url` null when it has none)."""
    session = _session(request, session_id)
    core = core_of(request)
    address = network_address(chat_id)
    jid = parse_jid(address)
    if jid is not None and jid.is_group:
        url = group_picture_url(request, core.groups.membership(session, address, "Failed to get chat picture"))
    else:
        url = avatar_url(str(request.base_url), await core.contacts.picture(session, address))
    return {"url": url, "mimetype": "image/png"} if url else {"url": None}


CHAT_ROUTES = [list_chats, chats_overview, chat_messages, chat_message, read_chat, chat_picture]
