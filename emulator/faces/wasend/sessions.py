"""Sessions: create (which starts pairing at once, as WAHA does), list, get, delete, start, stop,
restart, and the QR code."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, delete, get, post
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from emulator.domain.jids import phone_digits
from emulator.domain.sessions import CONNECTABLE, Status, qr_png_data_url
from emulator.faces import WASEND
from emulator.faces.wasend.auth import calling_account, session_of
from emulator.faces.wasend.bodies import parse
from emulator.faces.wasend.errors import WasendError
from emulator.faces.wasend.models import downstream, session_json, session_record
from emulator.faces.wasend.webhooks import WASEND_EVENTS
from emulator.http.requests import core_of

PhoneNumber = Annotated[str, msgspec.Meta(pattern=r"^\+?[0-9]{7,15}$")]
QR_NOT_READY = "QR code is available only while the session status is SCAN_QR_CODE"


class SessionCreateRequest(msgspec.Struct, kw_only=True):
    sessionName: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    phoneNumber: PhoneNumber
    enableAccountProtection: bool = False
    enableMessageLogging: bool = True
    enableWebhook: bool = False
    webhookUrl: Annotated[str, msgspec.Meta(pattern=r"^https?://")] | None = None


def _vocabulary(request: Request[Any, Any, Any]) -> str:
    return core_of(request).settings.wasend_statuses


def _answer(request: Request[Any, Any, Any], session: Any, account: Any) -> dict[str, Any]:
    return session_json(session, account, _vocabulary(request))


@post("/sessions", status_code=HTTP_201_CREATED)
async def create_session(request: Request[Any, Any, Any]) -> dict[str, Any]:
    account = calling_account(request)
    body = parse(SessionCreateRequest, await request.body())
    if body.enableWebhook and not body.webhookUrl:
        raise WasendError(400, ["webhookUrl is required when enableWebhook is true"])
    sessions = core_of(request).sessions
    if sessions.with_phone(phone_digits(body.phoneNumber) or "") is not None:
        raise WasendError(409, "A session with this phone number already exists")
    if any(s.name == body.sessionName for s in sessions.of_account(account.id, WASEND)):
        raise WasendError(409, "Session with same name already exists")
    settings = {
        "account_protection": body.enableAccountProtection,
        "log_messages": body.enableMessageLogging,
        "webhook_enabled": body.enableWebhook,
        "webhook_url": body.webhookUrl,
        "webhook_events": list(WASEND_EVENTS),
    }
    session = await sessions.create(account, WASEND, body.sessionName, body.phoneNumber, settings)
    await sessions.connect(session, account)
    return _answer(request, session, account)


@get("/sessions")
async def list_sessions(request: Request[Any, Any, Any]) -> dict[str, Any]:
    account = calling_account(request)
    vocabulary = _vocabulary(request)
    items = [
        {"session": session_record(s, account), "downstream": downstream(s, account, vocabulary)}
        for s in core_of(request).sessions.of_account(account.id, WASEND)
    ]
    return {"sessions": items}


@get("/sessions/{session_id:str}")
async def get_session(request: Request[Any, Any, Any], session_id: FromPath[str]) -> dict[str, Any]:
    account = calling_account(request)
    return _answer(request, session_of(request, account, session_id), account)


@delete("/sessions/{session_id:str}", status_code=HTTP_200_OK)
async def delete_session(request: Request[Any, Any, Any], session_id: FromPath[str]) -> dict[str, Any]:
    account = calling_account(request)
    await core_of(request).sessions.delete(session_of(request, account, session_id))
    return {"success": True}


@post("/sessions/{session_id:str}/start", status_code=HTTP_200_OK)
async def start_session(request: Request[Any, Any, Any], session_id: FromPath[str]) -> dict[str, Any]:
    """Idempotent while the session runs; from stopped (or failed) it pairs again."""
    account = calling_account(request)
    session = session_of(request, account, session_id)
    await core_of(request).sessions.connect(session, account)
    return _answer(request, session, account)


@post("/sessions/{session_id:str}/stop", status_code=HTTP_200_OK)
async def stop_session(request: Request[Any, Any, Any], session_id: FromPath[str]) -> dict[str, Any]:
    account = calling_account(request)
    session = await core_of(request).sessions.disconnect(session_of(request, account, session_id))
    return _answer(request, session, account)


@post("/sessions/{session_id:str}/restart", status_code=HTTP_200_OK)
async def restart_session(request: Request[Any, Any, Any], session_id: FromPath[str]) -> dict[str, Any]:
    """A working session reconnects without a new scan; any other stops and starts again."""
    account = calling_account(request)
    session = session_of(request, account, session_id)
    sessions = core_of(request).sessions
    if session.status is Status.CONNECTED:
        await sessions.restart(session)
    else:
        if session.status not in CONNECTABLE:
            await sessions.disconnect(session)
        await sessions.connect(session, account)
    return _answer(request, session, account)


@get(["/sessions/{session_id:str}/auth/qr", "/sessions/{session_id:str}/qr"])
async def qr_code(request: Request[Any, Any, Any], session_id: FromPath[str]) -> dict[str, str]:
    """WAHA's JSON QR: the PNG in base64, without a `data:` prefix."""
    account = calling_account(request)
    session = session_of(request, account, session_id)
    if session.status is not Status.NEED_SCAN or session.qr_code is None:
        raise WasendError(422, QR_NOT_READY)
    png = qr_png_data_url(session.qr_code).partition(",")[2]
    return {"data": png}


SESSION_ROUTES = [create_session, list_sessions, get_session, delete_session, start_session, stop_session, restart_session, qr_code]
