"""Messages: send-message in all its variants, and the endpoints that follow a send."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, delete, get, post, put
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK
from litestar.types import Scope

from emulator.domain import errors
from emulator.domain.jids import ADDRESS_PATTERN
from emulator.domain.message_content import ContactCard, Draft, Location, Poll, check_draft, infer_kind
from emulator.domain.messages import STATUS_CODES, Message
from emulator.domain.sessions import Status
from emulator.faces.wasenderapi.auth import calling_session, managed_session, session_with_key
from emulator.faces.wasenderapi.responses import laravel_page, ok, sql_datetime
from emulator.http.lean import lean_post
from emulator.http.requests import core_in, core_of, header_in, parse_bearer
from emulator.http.send_faults import SENDS, send_fault
from emulator.http.validation import HttpUrl, parse_body, parse_query


def _coordinate(limit: int):  # noqa: ANN202 - a field rule
    def problem(value: float | str) -> str | None:
        try:
            number = float(value)
        except ValueError:
            return "The :attribute field must be a number."
        return None if -limit <= number <= limit else f"The :attribute field must be between -{limit} and {limit}."

    return problem


Short = Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
Text = Annotated[str, msgspec.Meta(max_length=65_536)]


class ContactBody(msgspec.Struct):
    name: Short
    phone: Short


class LocationBody(msgspec.Struct):
    latitude: Annotated[float | str, msgspec.Meta(extra={"rule": _coordinate(90)})]
    longitude: Annotated[float | str, msgspec.Meta(extra={"rule": _coordinate(180)})]
    name: Short | None = None
    address: Annotated[str, msgspec.Meta(max_length=1024)] | None = None


class PollBody(msgspec.Struct):
    question: Short
    options: Annotated[list[Annotated[str, msgspec.Meta(min_length=1, max_length=100)]], msgspec.Meta(min_length=2, max_length=12)]
    multiSelect: bool = False


class SendMessageBody(msgspec.Struct):
    to: Annotated[str, msgspec.Meta(min_length=1, max_length=255, extra_json_schema={"pattern": ADDRESS_PATTERN})]
    messageType: Literal["text", "image", "video", "document", "audio", "sticker", "contact", "location", "poll"] | None = None
    text: Text | None = None
    imageUrl: HttpUrl | None = None
    videoUrl: HttpUrl | None = None
    documentUrl: HttpUrl | None = None
    audioUrl: HttpUrl | None = None
    stickerUrl: HttpUrl | None = None
    fileName: Short | None = None
    contact: ContactBody | None = None
    location: LocationBody | None = None
    poll: PollBody | None = None
    replyTo: Annotated[int, msgspec.Meta(ge=1)] | None = None
    mentions: Annotated[list[Short], msgspec.Meta(min_length=1, max_length=1024)] | None = None
    viewOnce: bool | None = None


class EditBody(msgspec.Struct):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=65_536)]


class MessageKey(msgspec.Struct):
    id: Short
    remoteJid: Short
    fromMe: bool


class ReadBody(msgspec.Struct):
    key: MessageKey


class MessageLogQuery(msgspec.Struct):
    page: Annotated[int, msgspec.Meta(ge=1)] = 1
    per_page: Annotated[int, msgspec.Meta(ge=1, le=100)] = 10
    status: Literal[tuple(STATUS_CODES)] | None = None  # type: ignore[valid-type]


def draft_of(body: SendMessageBody) -> Draft:
    kind = infer_kind({f: getattr(body, f) for f in body.__struct_fields__})
    location = body.location
    draft = Draft(
        kind=kind,
        text=body.text,
        media_url=body.imageUrl or body.videoUrl or body.documentUrl or body.audioUrl or body.stickerUrl,
        file_name=body.fileName,
        contact=ContactCard(body.contact.name, body.contact.phone) if body.contact else None,
        location=Location(float(location.latitude), float(location.longitude), location.name, location.address)
        if location
        else None,
        poll=Poll(body.poll.question, tuple(body.poll.options), body.poll.multiSelect) if body.poll else None,
        reply_to=body.replyTo,
        mentions=tuple(body.mentions or ()),
        view_once=bool(body.viewOnce),
    )
    check_draft(draft)
    return draft


def _logged_content(body: SendMessageBody) -> dict[str, Any]:
    """What the message logs show as `content`: the request, minus the addressing."""
    sent = msgspec.to_builtins(body)
    return {k: v for k, v in sent.items() if v is not None and k not in ("to", "messageType")}


@lean_post("/api/send-message", name="send-message", max_body=1024 * 1024, rate_limit="send", **SENDS)
async def send_message(scope: Scope, raw: bytes) -> dict[str, Any]:
    core = core_in(scope)
    session = session_with_key(core, parse_bearer(header_in(scope, b"authorization")))
    body = parse_body(SendMessageBody, raw)
    draft, fault = draft_of(body), send_fault(scope)
    # Only media needs the base URL (to find an upload of ours), and building it costs the hot path.
    base_url = str(Request(scope).base_url) if draft.media_url is not None else ""
    message = await core.messages.send(session, draft, body.to, _logged_content(body), base_url, fault)
    return ok({"msgId": message.id, "jid": body.to, "status": message.status_name})


def _info(message: Message, content: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "remoteJid": message.remote_jid,
        "id": message.key_id,
        "msgId": message.id,
        "key": message.key,
        "message": content if content is not None else message.message,
        "messageTimestamp": str(int(message.created_at)),
        "status": message.status,
    }


@get("/api/messages/{msg_id:int}/info", name="message-info")
async def message_info(request: Request[Any, Any, Any], msg_id: FromPath[int]) -> dict[str, Any]:
    session = calling_session(request)
    return ok(_info(await core_of(request).messages.info(session, msg_id)))


@put("/api/messages/{msg_id:int}", name="edit-message")
async def edit_message(request: Request[Any, Any, Any], msg_id: FromPath[int]) -> dict[str, Any]:
    session = calling_session(request)
    body = parse_body(EditBody, await request.body())
    message = await core_of(request).messages.edit(session, msg_id, body.text)
    assert message.edited_at is not None
    edit = {
        "protocolMessage": {
            "key": message.key,
            "type": 14,  # MESSAGE_EDIT
            "timestampMs": int(message.edited_at * 1000),
            "editedMessage": message.message,
        }
    }
    return ok(_info(message, edit))


@delete("/api/messages/{msg_id:int}", status_code=HTTP_200_OK, name="delete-message")
async def delete_message(request: Request[Any, Any, Any], msg_id: FromPath[int]) -> dict[str, Any]:
    session = calling_session(request)
    await core_of(request).messages.delete(session, msg_id)
    return ok(message="Message deleted successfully.")


@post("/api/messages/{msg_id:int}/resend", status_code=HTTP_200_OK, name="resend-message")
async def resend_message(request: Request[Any, Any, Any], msg_id: FromPath[int]) -> dict[str, Any]:
    session = calling_session(request)
    await core_of(request).messages.resend(session, msg_id)
    return ok(message="Message resend initiated successfully.")


@post("/api/messages/read", status_code=HTTP_200_OK, name="mark-read")
async def mark_read(request: Request[Any, Any, Any]) -> dict[str, Any]:
    session = calling_session(request)
    key = parse_body(ReadBody, await request.body()).key
    if session.status is not Status.CONNECTED:
        raise errors.NotAllowed(errors.NOT_CONNECTED, also_as_error=False)
    await core_of(request).messages.mark_read(session, key.id, key.remoteJid, key.fromMe)
    return ok({"status": "read"})


def _log_row(message: Message, logged: bool) -> dict[str, Any]:
    return {
        "id": message.id,
        "whatsapp_session_id": message.session_id,
        "to": message.to_raw if logged else None,
        "content": msgspec.json.encode(message.content).decode() if logged else None,
        "status": message.status_name,
        "failed_reason": message.failed_reason,
        "created_at": sql_datetime(message.created_at),
        "updated_at": sql_datetime(message.updated_at),
    }


@get("/api/whatsapp-sessions/{session_id:int}/message-logs", name="message-logs")
async def message_logs(request: Request[Any, Any, Any], session_id: FromPath[int]) -> dict[str, Any]:
    session, _ = managed_session(request, session_id)
    query = parse_query(MessageLogQuery, request.query_params)
    page = await core_of(request).messages.logs(session, query.page, query.per_page, query.status)
    rows = [_log_row(m, session.log_messages) for m in page.messages]
    path = f"/api/whatsapp-sessions/{session.id}/message-logs"
    return ok(laravel_page(rows, page.total, query.page, query.per_page, path))


MESSAGE_ROUTES = [send_message, message_info, edit_message, delete_message, resend_message, mark_read, message_logs]
