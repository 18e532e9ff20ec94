"""SendAPI sessions: create (pending, with the pairing QR inline), list, get, delete, and a fresh QR."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, delete, get, post
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from emulator.http.requests import core_of
from emulator.http.validation import HttpUrl, parse_body, parse_query
from emulator.domain.accounts import Account
from emulator.domain.jids import phone_digits
from emulator.domain.sessions import CONNECTABLE, Session, Status
from emulator.faces import SENDAPI
from emulator.faces.sendapi.access import calling_account
from emulator.faces.sendapi.errors import conflict, invalid, not_found
from emulator.faces.sendapi.public_ids import SESSION, integer_id
from emulator.faces.sendapi.views import page, qr_json, session_json, session_public_id

# SendAPI pairs whatever phone scans the code; the emulator gives each new session a number of
# the UK's drama range (the docs' +447700900000) unless the client names one.
DRAMA_RANGE = "+447700900"


class CreateBody(msgspec.Struct):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    webhook_url: HttpUrl | None = None
    # The emulator's own: the phone that will scan the code.
    phone_number: Annotated[str, msgspec.Meta(min_length=1, max_length=32)] | None = None


class PageQuery(msgspec.Struct):
    page: Annotated[int, msgspec.Meta(ge=1)] = 1
    per_page: Annotated[int, msgspec.Meta(ge=1, le=100)] = 25


def own_session(request: Request[Any, Any, Any], account: Account, given: str | int | None) -> Session:
    """The account's SendAPI session named by `sess_...` or its integer alias."""
    number = integer_id(SESSION, given) if given is not None else None
    session = core_of(request).sessions.get(number) if number is not None else None
    if session is None or session.face != SENDAPI or session.account_id != account.id:
        raise not_found("Session")
    return session


async def _json(request: Request[Any, Any, Any], session: Session) -> dict[str, Any]:
    counts = await core_of(request).messages.counts((session.id,))
    return session_json(session, counts.get(session.id, 0))


def _unused_phone(request: Request[Any, Any, Any]) -> str:
    sessions = core_of(request).sessions
    suffix = 1
    while sessions.with_phone(phone_digits(f"{DRAMA_RANGE}{suffix:03d}") or "") is not None:
        suffix += 1
    return f"{DRAMA_RANGE}{suffix:03d}"


@post("/whatsapp/sessions", status_code=HTTP_201_CREATED)
async def create_session(request: Request[Any, Any, Any]) -> dict[str, Any]:
    account = calling_account(request)
    body = parse_body(CreateBody, await request.body())
    core = core_of(request)
    phone = body.phone_number or _unused_phone(request)
    if core.sessions.with_phone(phone_digits(phone) or phone) is not None:
        raise invalid("phone_number", "A session with this phone number already exists.")
    # The session's own webhook_url is SendAPI's (signed, SendAPI's events): the WasenderAPI
    # webhook switch stays off.
    session = await core.sessions.create(account, SENDAPI, body.name, phone, {"webhook_url": body.webhook_url})
    await core.sessions.connect(session, account)
    view = await _json(request, session)
    if session.webhook_url:
        # Shown once, here: what the session's own webhook_url deliveries are signed with.
        view["webhook_secret"] = session.webhook_secret
    return view


@get("/whatsapp/sessions")
async def list_sessions(request: Request[Any, Any, Any]) -> dict[str, Any]:
    account = calling_account(request)
    query = parse_query(PageQuery, request.query_params)
    core = core_of(request)
    sessions = core.sessions.of_account(account.id, SENDAPI)
    shown = sessions[(query.page - 1) * query.per_page : query.page * query.per_page]
    counts = await core.messages.counts(tuple(s.id for s in shown))
    return page([session_json(s, counts.get(s.id, 0)) for s in shown], len(sessions), query.page, query.per_page)


@get("/whatsapp/sessions/{session_id:str}")
async def get_session(request: Request[Any, Any, Any], session_id: FromPath[str]) -> dict[str, Any]:
    return await _json(request, own_session(request, calling_account(request), session_id))


@delete("/whatsapp/sessions/{session_id:str}", status_code=HTTP_200_OK)
async def delete_session(request: Request[Any, Any, Any], session_id: FromPath[str]) -> dict[str, Any]:
    session = own_session(request, calling_account(request), session_id)
    await core_of(request).sessions.delete(session)
    return {"deleted": True, "id": session_public_id(session)}


@get("/whatsapp/sessions/{session_id:str}/qr")
async def fresh_qr(request: Request[Any, Any, Any], session_id: FromPath[str]) -> dict[str, Any]:
    """A new code while pending (the last one stops working); a lost session starts pairing again."""
    account = calling_account(request)
    session = own_session(request, account, session_id)
    sessions = core_of(request).sessions
    if session.status is Status.CONNECTED:
        raise conflict("The session is already connected: there is no QR code to scan.")
    if session.status in CONNECTABLE:
        await sessions.connect(session, account)
    elif session.status is Status.NEED_SCAN:
        await sessions.refresh_qr(session)
    else:
        raise conflict("The session is connecting: ask for a QR code again in a moment.")
    view = await _json(request, session)
    return {"id": view["id"], "status": view["status"], **qr_json(session)}


SESSION_ROUTES = [create_session, list_sessions, get_session, delete_session, fresh_qr]
