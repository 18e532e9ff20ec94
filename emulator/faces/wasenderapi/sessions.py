"""Sessions: the account-level session endpoints and the session-key endpoints of the same docs section."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, delete, get, post, put
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from emulator.domain import errors
from emulator.domain.events import WEBHOOK_EVENT_NAMES
from emulator.domain.jids import parse_jid, phone_digits
from emulator.domain.network import is_on_whatsapp
from emulator.domain.proxies import proxy_url_problem
from emulator.faces import WASENDERAPI
from emulator.faces.wasenderapi.auth import calling_account, calling_session, managed_session, own_session
from emulator.faces.wasenderapi.responses import iso_micro, laravel_page, ok, session_json
from emulator.http.requests import core_of
from emulator.http.validation import HttpUrl, parse_body, parse_query
from emulator.domain.sessions import (
    ALREADY_INITIALIZED,
    Session,
    Status,
    qr_png_data_url,
)

WebhookEventName = Literal[WEBHOOK_EVENT_NAMES]  # type: ignore[valid-type]


Name = Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
PhoneNumber = Annotated[str, msgspec.Meta(pattern=r"^\+?[0-9]{7,15}$")]
ProxyUrl = Annotated[str, msgspec.Meta(max_length=2048, extra={"rule": proxy_url_problem})]


class SessionSettingsBody(msgspec.Struct, kw_only=True):
    read_incoming_messages: bool | None = None
    webhook_url: HttpUrl | None = None
    webhook_enabled: bool | None = None
    webhook_events: list[WebhookEventName] | None = None
    auto_reject_calls: bool | None = None
    ignore_groups: bool | None = None
    ignore_channels: bool | None = None
    ignore_broadcasts: bool | None = None
    always_online: bool | None = None
    proxy_url: ProxyUrl | None = None


class CreateSessionBody(SessionSettingsBody, kw_only=True):
    name: Name
    phone_number: PhoneNumber
    account_protection: bool
    log_messages: bool


class UpdateSessionBody(SessionSettingsBody, kw_only=True):
    name: Name | None = None
    phone_number: PhoneNumber | None = None
    account_protection: bool | None = None
    log_messages: bool | None = None


class ConnectBody(msgspec.Struct):
    qr_as_image: bool | None = None


class QrQuery(msgspec.Struct):
    qrAsImage: bool | None = None


class PageQuery(msgspec.Struct):
    page: Annotated[int, msgspec.Meta(ge=1)] = 1
    per_page: Annotated[int, msgspec.Meta(ge=1, le=100)] = 10


class PresenceBody(msgspec.Struct):
    jid: Annotated[str, msgspec.Meta(max_length=255)]
    type: Literal["composing", "recording", "available", "unavailable"]
    delayMs: Annotated[int, msgspec.Meta(ge=0, le=60_000)] | None = None


def _provided(body: msgspec.Struct) -> dict[str, Any]:
    return {f: v for f in body.__struct_fields__ if (v := getattr(body, f)) is not None}


def _unique_phone(request: Request[Any, Any, Any], phone_number: str | None, session: Session | None) -> None:
    if phone_number is None:
        return
    owner = core_of(request).sessions.with_phone(phone_digits(phone_number) or "")
    if owner is not None and owner is not session:
        raise errors.ValidationFailed({"phone_number": ["The phone number has already been taken."]})


async def _wants_qr_image(request: Request[Any, Any, Any]) -> bool:
    query = parse_query(QrQuery, request.query_params)
    return bool(query.qrAsImage) or bool(parse_body(ConnectBody, await request.body()).qr_as_image)


def _qr_payload(qr_code: str, as_image: bool) -> dict[str, str]:
    value = qr_png_data_url(qr_code) if as_image else qr_code
    # The docs name it qrCode; the Python SDK reads qr_code.
    return {"qrCode": value, "qr_code": value}


SESSIONS_PATH = "/api/whatsapp-sessions"


class SessionsController(Controller):
    path = SESSIONS_PATH

    @get("/")
    async def list_sessions(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        account = calling_account(request)
        return ok([session_json(s) for s in core_of(request).sessions.of_account(account.id, WASENDERAPI)])

    @post("/", status_code=HTTP_200_OK)
    async def create_session(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        account = calling_account(request)
        body = parse_body(CreateSessionBody, await request.body())
        _unique_phone(request, body.phone_number, None)
        settings = _provided(body)
        name, phone = settings.pop("name"), settings.pop("phone_number")
        session = await core_of(request).sessions.create(account, WASENDERAPI, name, phone, settings)
        return ok(session_json(session))

    @get("/{session_id:int}")
    async def get_session(self, request: Request[Any, Any, Any], session_id: FromPath[int]) -> dict[str, Any]:
        session, _ = managed_session(request, session_id)
        return ok(session_json(session))

    @put("/{session_id:int}")
    async def update_session(self, request: Request[Any, Any, Any], session_id: FromPath[int]) -> dict[str, Any]:
        session, _ = managed_session(request, session_id)
        body = parse_body(UpdateSessionBody, await request.body())
        _unique_phone(request, body.phone_number, session)
        await core_of(request).sessions.update(session, _provided(body))
        return ok(session_json(session))

    @delete("/{session_id:int}", status_code=HTTP_204_NO_CONTENT)
    async def delete_session(self, request: Request[Any, Any, Any], session_id: FromPath[int]) -> None:
        session, _ = managed_session(request, session_id)
        await core_of(request).sessions.delete(session)

    @post("/{session_id:int}/connect", status_code=HTTP_200_OK)
    async def connect_session(self, request: Request[Any, Any, Any], session_id: FromPath[int]) -> dict[str, Any]:
        session, account = managed_session(request, session_id)
        as_image = await _wants_qr_image(request)
        await core_of(request).sessions.connect(session, account)
        if session.status is Status.NEED_SCAN and session.qr_code:
            return ok({"status": str(session.status), **_qr_payload(session.qr_code, as_image)})
        return ok({"status": str(session.status), "message": ALREADY_INITIALIZED})

    @get(["/{session_id:int}/qrcode", "/{session_id:int}/qr-code"])
    async def qr_code(self, request: Request[Any, Any, Any], session_id: FromPath[int]) -> dict[str, Any]:
        session, account = managed_session(request, session_id)
        qr_code = core_of(request).sessions.current_qr_code(session, account)
        return ok(_qr_payload(qr_code, await _wants_qr_image(request)))

    @post("/{session_id:int}/disconnect", status_code=HTTP_200_OK)
    async def disconnect_session(self, request: Request[Any, Any, Any], session_id: FromPath[int]) -> dict[str, Any]:
        session, _ = managed_session(request, session_id)
        await core_of(request).sessions.disconnect(session)
        return ok({"status": str(session.status), "message": "WhatsApp session disconnected successfully"})

    @post("/{session_id:int}/restart", status_code=HTTP_200_OK)
    async def restart_session(self, request: Request[Any, Any, Any], session_id: FromPath[int]) -> dict[str, Any]:
        session, _ = managed_session(request, session_id)
        await core_of(request).sessions.restart(session)
        return ok(message="WhatsApp session restarted successfully.")

    @post(["/{session_id:int}/regenerate-key", "/{session_id:int}/regenerate-api-key"], status_code=HTTP_200_OK)
    async def regenerate_key(self, request: Request[Any, Any, Any], session_id: FromPath[int]) -> dict[str, Any]:
        session, _ = managed_session(request, session_id)
        return ok(api_key=await core_of(request).sessions.regenerate_api_key(session))

    @get("/{session_id:int}/session-logs")
    async def session_logs(self, request: Request[Any, Any, Any], session_id: FromPath[int]) -> dict[str, Any]:
        session, _ = managed_session(request, session_id)
        query = parse_query(PageQuery, request.query_params)
        page = await core_of(request).sessions.logs(session, query.page, query.per_page)
        entries = [{**msgspec.structs.asdict(e), "occurred_at": iso_micro(e.occurred_at)} for e in page.entries]
        path = f"/api/whatsapp-sessions/{session.id}/session-logs"
        return ok(laravel_page(entries, page.total, query.page, query.per_page, path))


# Session API key endpoints ----------------------------------------------------------------------


def _connected(request: Request[Any, Any, Any]) -> Session:
    session = calling_session(request)
    if session.status is not Status.CONNECTED:
        raise errors.NotAllowed(errors.NOT_CONNECTED, also_as_error=False)
    return session


@get("/api/status", name="session-status")
async def session_status(request: Request[Any, Any, Any]) -> dict[str, Any]:
    return ok(status=str(calling_session(request).status))


@get("/api/sessions/{session_id:int}/status", name="session-status-by-id")
async def session_status_by_id(request: Request[Any, Any, Any], session_id: FromPath[int]) -> dict[str, Any]:
    return ok(status=str(own_session(request, session_id).status))


@get("/api/user", name="session-user")
async def session_user(request: Request[Any, Any, Any]) -> dict[str, Any]:
    me = _connected(request).session_data["me"]
    return ok({"id": me["id"], "name": me["name"], "lid": me["lid"]})


@get("/api/on-whatsapp/{phone_number:str}", name="on-whatsapp", opt={"rate_limit": "on_whatsapp"})
async def on_whatsapp(request: Request[Any, Any, Any], phone_number: FromPath[str]) -> dict[str, Any]:
    _connected(request)
    jid = parse_jid(phone_number)
    if jid is None or not jid.is_user:
        raise errors.ValidationFailed({"phone_number": ["The phone number field format is invalid."]})
    return ok({"exists": is_on_whatsapp(jid.user)})


INVALID_PRESENCE_JID = "Error sending presence update: Invalid JID provided."


@post("/api/send-presence-update", status_code=HTTP_200_OK, name="send-presence-update")
async def send_presence_update(request: Request[Any, Any, Any]) -> dict[str, Any]:
    session = calling_session(request)
    body = parse_body(PresenceBody, await request.body())
    if session.status is not Status.CONNECTED:
        raise errors.NotAllowed(errors.NOT_CONNECTED, also_as_error=False)
    target = parse_jid(body.jid)
    own = phone_digits(session.phone_number)
    about_self = body.type in ("available", "unavailable")
    if target is None or (about_self and target.user != own) or (not about_self and target.user == own):
        raise errors.NotAllowed(INVALID_PRESENCE_JID)
    await core_of(request).sessions.record_presence(session, str(target), body.type, body.delayMs)
    return ok({"jid": body.jid, "type": body.type})


SESSION_ROUTES = [SessionsController, session_status, session_status_by_id, session_user, on_whatsapp, send_presence_update]
