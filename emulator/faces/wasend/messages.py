"""Sending: the per-type send endpoints, the unified /send, and seen, typing and reactions, all
through the network's one send pipeline."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, post, put
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from emulator.domain import errors
from emulator.domain.media import decode_base64_upload, sniffed_mimetype
from emulator.domain.message_content import Draft, check_draft
from emulator.domain.sessions import Session
from emulator.faces.wasend.addresses import network_address
from emulator.faces.wasend.auth import calling_account, sending_session
from emulator.faces.wasend.bodies import parse
from emulator.faces.wasend.errors import WasendError
from emulator.faces.wasend.models import wa_message
from emulator.http.requests import core_of
from emulator.http.send_faults import SENDS, send_fault


class Addressed(msgspec.Struct, kw_only=True):
    """Every send names a recipient; the SDK's typed bindings send `content` and no `session`."""

    session: str | None = None
    to: str
    content: str | None = None


class TextRequest(Addressed, kw_only=True):
    text: str | None = None
    replyTo: str | None = None


class MediaRequest(Addressed, kw_only=True):
    url: str | None = None
    data: str | None = None  # base64
    caption: str | None = None


class FileRequest(MediaRequest, kw_only=True):
    fileName: str | None = None
    mimeType: str | None = None


class VoiceRequest(MediaRequest, kw_only=True):
    duration: float | None = None


class LinkPreview(msgspec.Struct, kw_only=True):
    title: str
    description: str | None = None
    thumbnailUrl: str | None = None


class LinkPreviewRequest(Addressed, kw_only=True):
    text: str
    preview: LinkPreview


class SendRequest(Addressed, kw_only=True):
    text: str | None = None
    imageUrl: str | None = None
    videoUrl: str | None = None
    documentUrl: str | None = None
    audioUrl: str | None = None
    mimetype: str | None = None
    filename: str | None = None
    preview: dict[str, str] | None = None


class ChatRequest(msgspec.Struct, kw_only=True):
    session: str | None = None
    to: str


class SeenRequest(ChatRequest, kw_only=True):
    messageId: str


class ReactionRequest(msgspec.Struct, kw_only=True):
    session: str | None = None
    messageId: str
    reaction: str


async def _send(request: Request[Any, Any, Any], body: Addressed, draft: Draft) -> dict[str, Any]:
    return await _send_from(request, sending_session(request, calling_account(request), body.session), body, draft)


async def _send_from(request: Request[Any, Any, Any], session: Session, body: Addressed, draft: Draft) -> dict[str, Any]:
    check_draft(draft)
    logged = {k: v for k, v in msgspec.to_builtins(body).items() if k not in ("session", "to")}
    base_url = str(request.base_url)
    to = network_address(body.to)
    message = await core_of(request).messages.send(session, draft, to, logged, base_url, send_fault(request.scope))
    return wa_message(message, session)


async def _media_url(request: Request[Any, Any, Any], body: MediaRequest, mimetype: str | None, name: str | None) -> str:
    """The media's URL: the one given, or the base64 `data` stored as the emulator's own file."""
    if body.url:
        return body.url
    if not body.data:
        raise WasendError(400, ["url or data is required"])
    content, mimetype = decode_base64_upload(body.data, mimetype)
    base_url = str(request.base_url).rstrip("/")
    return await core_of(request).media.upload(content, mimetype or sniffed_mimetype(content), name, base_url)


def _text(body: TextRequest | SendRequest) -> str | None:
    return body.text if body.text is not None else body.content


@post("/sendText", status_code=HTTP_201_CREATED, opt=SENDS)
async def send_text(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """With `replyTo` (a WAHA message id of the session's), a reply quoting that message."""
    body = parse(TextRequest, await request.body())
    session = sending_session(request, calling_account(request), body.session)
    reply_to = None
    if body.replyTo:
        from_me, chat, key_id = message_key(body.replyTo)
        try:
            reply_to = (await core_of(request).messages.by_key(session, key_id, chat, from_me)).id
        except errors.NotFound:
            raise WasendError(400, ["replyTo must be the id of a message of this session"]) from None
    return await _send_from(request, session, body, Draft(kind="text", text=_text(body), reply_to=reply_to))


@post("/sendImage", status_code=HTTP_201_CREATED, opt=SENDS)
async def send_image(request: Request[Any, Any, Any]) -> dict[str, Any]:
    body = parse(MediaRequest, await request.body())
    url = await _media_url(request, body, None, None)
    return await _send(request, body, Draft(kind="image", text=body.caption, media_url=url))


@post("/sendVideo", status_code=HTTP_201_CREATED, opt=SENDS)
async def send_video(request: Request[Any, Any, Any]) -> dict[str, Any]:
    body = parse(MediaRequest, await request.body())
    url = await _media_url(request, body, None, None)
    return await _send(request, body, Draft(kind="video", text=body.caption, media_url=url))


@post("/sendVoice", status_code=HTTP_201_CREATED, opt=SENDS)
async def send_voice(request: Request[Any, Any, Any]) -> dict[str, Any]:
    body = parse(VoiceRequest, await request.body())
    url = await _media_url(request, body, None, None)
    return await _send(request, body, Draft(kind="audio", media_url=url))


@post("/sendFile", status_code=HTTP_201_CREATED, opt=SENDS)
async def send_file(request: Request[Any, Any, Any]) -> dict[str, Any]:
    body = parse(FileRequest, await request.body())
    url = await _media_url(request, body, body.mimeType, body.fileName)
    return await _send(request, body, Draft(kind="document", text=body.caption, media_url=url, file_name=body.fileName))


@post("/send/link-custom-preview", status_code=HTTP_201_CREATED, opt=SENDS)
async def send_link_custom_preview(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The text goes out; the network carries no link preview of its own, so the preview is dropped."""
    body = parse(LinkPreviewRequest, await request.body())
    return await _send(request, body, Draft(kind="text", text=body.text))


_UNIFIED_MEDIA = (("imageUrl", "image"), ("videoUrl", "video"), ("documentUrl", "document"), ("audioUrl", "audio"))


@post("/send", status_code=HTTP_201_CREATED, opt=SENDS)
async def send(request: Request[Any, Any, Any]) -> dict[str, Any]:
    body = parse(SendRequest, await request.body())
    media = [(getattr(body, field), kind) for field, kind in _UNIFIED_MEDIA if getattr(body, field)]
    if len(media) > 1:
        raise WasendError(400, ["only one of imageUrl, videoUrl, documentUrl and audioUrl may be given"])
    if not media:
        return await _send(request, body, Draft(kind="text", text=_text(body)))
    url, kind = media[0]
    return await _send(request, body, Draft(kind=kind, text=_text(body), media_url=url, file_name=body.filename))


def _chat_session(request: Request[Any, Any, Any], session_id: str | None) -> Session:
    return sending_session(request, calling_account(request), session_id)


def message_key(message_id: str) -> tuple[bool, str, str]:
    """(fromMe, chat, key id) of a WAHA message id `true_<chat>_<key id>`."""
    from_me, _, rest = message_id.partition("_")
    chat, _, key_id = rest.rpartition("_")
    if from_me not in ("true", "false") or not chat or not key_id:
        raise WasendError(400, ["messageId must look like false_11111111111@c.us_AAAAAAAAAAAAAAAA"])
    return from_me == "true", network_address(chat), key_id


@post("/sendSeen", status_code=HTTP_201_CREATED)
async def send_seen(request: Request[Any, Any, Any]) -> dict[str, Any]:
    body = parse(SeenRequest, await request.body())
    session = _chat_session(request, body.session)
    from_me, chat, key_id = message_key(body.messageId)
    await core_of(request).messages.mark_read(session, key_id, chat, from_me)
    return {"success": True}


async def _typing(request: Request[Any, Any, Any], presence: str) -> dict[str, Any]:
    body = parse(ChatRequest, await request.body())
    session = _chat_session(request, body.session)
    await core_of(request).sessions.record_presence(session, network_address(body.to), presence, None)
    return {"success": True}


@post("/startTyping", status_code=HTTP_201_CREATED)
async def start_typing(request: Request[Any, Any, Any]) -> dict[str, Any]:
    return await _typing(request, "composing")


@post("/stopTyping", status_code=HTTP_201_CREATED)
async def stop_typing(request: Request[Any, Any, Any]) -> dict[str, Any]:
    return await _typing(request, "paused")


@put("/reaction", status_code=HTTP_200_OK)
async def send_reaction(request: Request[Any, Any, Any]) -> dict[str, Any]:
    body = parse(ReactionRequest, await request.body())
    session = _chat_session(request, body.session)
    from_me, chat, key_id = message_key(body.messageId)
    await core_of(request).messages.react(session, key_id, chat, from_me, body.reaction)
    return {"success": True}


MESSAGE_ROUTES = [
    send_text, send_image, send_video, send_voice, send_file, send_link_custom_preview, send, send_seen,
    start_typing, stop_typing, send_reaction,
]  # fmt: skip
