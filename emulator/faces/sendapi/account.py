"""SendAPI's bulk send, contacts and the on-WhatsApp check, and the account's usage."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK

from emulator.http.requests import core_of
from emulator.http.send_faults import SENDS
from emulator.http.timestamps import iso
from emulator.http.validation import parse_body, parse_query
from emulator.domain.errors import DomainError
from emulator.domain.jids import phone_digits
from emulator.domain.network import is_on_whatsapp
from emulator.faces import SENDAPI
from emulator.faces.sendapi.access import PLAN_RULES, calling_account
from emulator.faces.sendapi.drafts import SendBody
from emulator.faces.sendapi.errors import SendApiError, invalid
from emulator.faces.sendapi.messages import send_one
from emulator.faces.sendapi.sessions import PageQuery, own_session
from emulator.faces.sendapi.views import page
from emulator.store.messages import HistoryFilter

MAX_RECIPIENTS = 500
Recipient = Annotated[str, msgspec.Meta(min_length=1, max_length=255)]


class BulkBody(msgspec.Struct):
    recipients: Annotated[list[Recipient], msgspec.Meta(min_length=1, max_length=MAX_RECIPIENTS)]


class SessionQuery(PageQuery):
    session_id: str | None = None


@post("/whatsapp/send-bulk", status_code=HTTP_200_OK, opt=SENDS)
async def send_bulk(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """One send per recipient (the MCP body: `{session_id, recipients, content, type?}`), one result each."""
    account = calling_account(request)
    raw = await request.body()
    recipients = parse_body(BulkBody, raw).recipients
    shared = {k: v for k, v in msgspec.json.decode(raw).items() if k != "recipients"}
    results = []
    for to in recipients:
        try:
            sent = await send_one(request, account, parse_body(SendBody, msgspec.json.encode({**shared, "to": to})))
            results.append({"to": to, "status": sent["status"], "message_id": sent["id"]})
        except (SendApiError, DomainError) as exc:
            results.append({"to": to, "status": "failed", "error": str(exc)})
    accepted = sum(1 for result in results if result["status"] != "failed")
    return {"total": len(results), "accepted": accepted, "failed": len(results) - accepted, "results": results}


def _session_of_query(request: Request[Any, Any, Any], query: SessionQuery):  # noqa: ANN202 - a Session
    if query.session_id is None:
        raise invalid("session_id", "The session_id query parameter is required.")
    return own_session(request, calling_account(request), query.session_id)


@get("/whatsapp/contacts")
async def list_contacts(request: Request[Any, Any, Any]) -> dict[str, Any]:
    query = parse_query(SessionQuery, request.query_params)
    session = _session_of_query(request, query)
    book = await core_of(request).contacts.address_book(session)
    shown = book[(query.page - 1) * query.per_page : query.page * query.per_page]
    rows = [
        {"phone": "+" + c.phone, "name": c.name or c.notify, "profile_picture_url": None, "is_whatsapp_user": True}
        for c in shown
    ]
    return page(rows, len(book), query.page, query.per_page)


@get("/whatsapp/contacts/{phone:str}/check")
async def check_contact(request: Request[Any, Any, Any], phone: FromPath[str]) -> dict[str, Any]:
    _session_of_query(request, parse_query(SessionQuery, request.query_params))
    digits = phone_digits(phone)
    if not digits:
        raise invalid("phone", "The phone must be a number in E.164 form.")
    on_whatsapp = is_on_whatsapp(digits) or core_of(request).sessions.with_phone(digits) is not None
    return {
        "phone": "+" + digits,
        "is_whatsapp_user": on_whatsapp,
        "whatsapp_id": f"{digits}@s.whatsapp.net" if on_whatsapp else None,
    }


@get("/account/usage")
async def usage(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """What the account's SendAPI sessions really sent and received this calendar month (UTC)."""
    account = calling_account(request)
    core = core_of(request)
    now = core.clock.now()
    start = datetime.fromtimestamp(now, UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
    sessions = tuple(s.id for s in core.sessions.of_account(account.id, SENDAPI))
    counted = {
        direction: (await core.messages.history(
            HistoryFilter(session_ids=sessions, from_me=from_me, since=start.timestamp(), until=now), 1, 1
        )).total
        for direction, from_me in (("sent", True), ("received", False))
    }
    per_minute, per_hour = PLAN_RULES[account.plan]
    return {
        "plan": account.plan,
        "period_start": iso(start.timestamp()),
        "period_end": iso(end.timestamp()),
        "messages_sent": counted["sent"],
        "messages_received": counted["received"],
        "sessions": len(sessions),
        "session_limit": account.session_limit,
        "rate_limit": {"per_minute": per_minute.limit, "per_hour": per_hour.limit},
    }


ACCOUNT_ROUTES = [send_bulk, list_contacts, check_contact, usage]
