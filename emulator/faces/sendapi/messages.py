"""SendAPI messages: send (three body shapes), one message, and the history with its filters."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, Response, get, post
from litestar.params import FromPath

from emulator.http.requests import core_of
from emulator.http.send_faults import SENDS, send_fault
from emulator.http.validation import parse_body, parse_query
from emulator.domain.accounts import Account
from emulator.domain.rate_limits import DAY, Rule
from emulator.domain.sessions import Session, Status
from emulator.store.messages import HistoryFilter
from emulator.faces import SENDAPI
from emulator.faces.sendapi.access import calling_account
from emulator.faces.sendapi.drafts import SendBody, draft_of
from emulator.faces.sendapi.groups import group_jid
from emulator.faces.sendapi.idempotency import IdempotencyConflict
from emulator.faces.sendapi.errors import RATE_LIMITED, SendApiError, invalid, not_found
from emulator.faces.sendapi.public_ids import MESSAGE, integer_id
from emulator.faces.sendapi.sessions import own_session
from emulator.faces.sendapi.views import MESSAGE_STATUS_CODES, message_json, page

MAX_SEND_BYTES = 20 * 1024 * 1024
# SendAPI's "anti-ban" cap per WhatsApp session, applied when the sendapi_whatsapp_cap setting is on.
WHATSAPP_CAP = (
    Rule(30, 60, "This WhatsApp session may send 30 messages per minute."),
    Rule(1_000, DAY, "This WhatsApp session may send 1,000 messages per day."),
)


class HistoryQuery(msgspec.Struct):
    session_id: str | None = None
    direction: Literal["in", "out"] | None = None
    status: Literal[tuple(MESSAGE_STATUS_CODES)] | None = None  # type: ignore[valid-type]
    from_date: str | None = None
    to_date: str | None = None
    page: Annotated[int, msgspec.Meta(ge=1)] = 1
    per_page: Annotated[int, msgspec.Meta(ge=1, le=100)] = 25


def sending_session(request: Request[Any, Any, Any], account: Account, given: str | int | None) -> Session:
    """The named session, or with none named the account's one connected SendAPI session."""
    if given is not None:
        return own_session(request, account, given)
    connected = [s for s in core_of(request).sessions.of_account(account.id, SENDAPI) if s.status is Status.CONNECTED]
    if len(connected) != 1:
        raise invalid("session_id", "The session_id field is required unless exactly one session is connected.")
    return connected[0]


async def _sends_counted(request: Request[Any, Any, Any], session: Session, rule: Rule, now: float) -> list[float]:
    """When the session sent the messages that count against `rule` now, newest first, at most its limit."""
    messages = core_of(request).messages
    if rule.period == DAY:
        return await messages.sent_times(session, now // DAY * DAY, rule.limit)
    # The last `period` seconds: a send made exactly `period` ago no longer counts.
    since = now - rule.period
    return [at for at in await messages.sent_times(session, since, rule.limit) if at > since]


async def _within_cap(request: Request[Any, Any, Any], session: Session) -> None:
    """The cap counts what the session really sent (its stored messages), so it holds across a restart."""
    core = core_of(request)
    if core.settings.sendapi_whatsapp_cap != "on" or not core.rate_limiter.enabled:
        return
    now = core.clock.now()
    for rule in WHATSAPP_CAP:
        sent = await _sends_counted(request, session, rule, now)
        if len(sent) >= rule.limit:
            frees_at = now // DAY * DAY + DAY if rule.period == DAY else sent[-1] + rule.period
            retry = {"Retry-After": str(max(1, math.ceil(frees_at - now)))}
            raise SendApiError(429, *RATE_LIMITED[:2], rule.message, "session_id", retry)


async def send_one(request: Request[Any, Any, Any], account: Account, body: SendBody) -> dict[str, Any]:
    session = sending_session(request, account, body.session_id)
    draft, content = draft_of(body)
    await _within_cap(request, session)
    # A group is addressed by its grp_ id, or by its JID as on the network.
    to = group_jid(body.to) or body.to
    base_url = str(request.base_url)
    message = await core_of(request).messages.send(session, draft, to, content, base_url, send_fault(request.scope))
    return message_json(message, session)


@post("/whatsapp/send", request_max_body_size=MAX_SEND_BYTES, opt=SENDS)
async def send(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    account = calling_account(request)
    raw = await request.body()
    core = core_of(request)

    async def act() -> tuple[int, dict[str, Any]]:
        return 201, await send_one(request, account, parse_body(SendBody, raw))

    key = request.headers.get("idempotency-key")
    try:
        status, body = await core.sendapi_idempotency.once(account.id, key, raw, act)
    except IdempotencyConflict as taken:
        raise SendApiError(409, *taken.refusal, param="Idempotency-Key") from None
    return Response(body, status_code=status)


def _instant(value: str | None, param: str, end_of_day: bool) -> float | None:
    """An ISO date (the whole day) or date-time, as seconds."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise invalid(param, f"The {param} field must be an ISO 8601 date or date-time.") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    whole_day = len(value) == 10 and end_of_day
    return parsed.timestamp() + (86_400 - 0.001 if whole_day else 0)


@get("/whatsapp/messages")
async def history(request: Request[Any, Any, Any]) -> dict[str, Any]:
    account = calling_account(request)
    query = parse_query(HistoryQuery, request.query_params)
    core = core_of(request)
    if query.session_id is not None:
        sessions = [own_session(request, account, query.session_id)]
    else:
        sessions = core.sessions.of_account(account.id, SENDAPI)
    by_id = {s.id: s for s in sessions}
    wanted = HistoryFilter(
        session_ids=tuple(by_id),
        from_me=None if query.direction is None else query.direction == "out",
        statuses=MESSAGE_STATUS_CODES[query.status] if query.status else None,
        since=_instant(query.from_date, "from_date", end_of_day=False),
        until=_instant(query.to_date, "to_date", end_of_day=True),
    )
    found = await core.messages.history(wanted, query.page, query.per_page)
    rows = [message_json(m, by_id[m.session_id]) for m in found.messages]
    return page(rows, found.total, query.page, query.per_page)


@get("/whatsapp/messages/{message_id:str}")
async def one_message(request: Request[Any, Any, Any], message_id: FromPath[str]) -> dict[str, Any]:
    account = calling_account(request)
    core = core_of(request)
    number = integer_id(MESSAGE, message_id)
    message = await core.messages.find(number) if number is not None else None
    session = core.sessions.get(message.session_id) if message is not None else None
    if (
        message is None
        or session is None
        or session.face != SENDAPI
        or session.account_id != account.id
    ):
        raise not_found("Message")
    return message_json(message, session)


MESSAGE_ROUTES = [send, history, one_message]
