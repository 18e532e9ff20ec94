"""The control plane under /admin: reset, test accounts, the phone's actions, the clock, the event journal."""

from __future__ import annotations

import re
import time
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from emulator.admin.guard import open_admin_route
from emulator.admin.session_ids import SessionId, named_session, session_filter
from emulator.http.requests import core_of
from emulator.faces.wasenderapi.responses import ok, session_json
from emulator.http.timestamps import iso
from emulator.http.validation import parse_body, parse_query
from emulator.domain import errors
from emulator.domain.accounts import PLANS, Account
from emulator.domain.network import TEST_NUMBERS
from emulator.domain.rate_limits import rate_limit_table
from emulator.domain.sessions import Session, Status


class NewAccountBody(msgspec.Struct):
    plan: Literal[PLANS] = "paid"  # type: ignore[valid-type]
    session_limit: Annotated[int, msgspec.Meta(ge=0, le=10_000)] = 10
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=255)] | None = None
    email: Annotated[str, msgspec.Meta(min_length=3, max_length=255)] | None = None


class AccountChangeBody(msgspec.Struct):
    plan: Literal[PLANS] | None = None  # type: ignore[valid-type]
    session_limit: Annotated[int, msgspec.Meta(ge=0, le=10_000)] | None = None


class RateLimitsBody(msgspec.Struct):
    enabled: bool


class ForcedStatusBody(msgspec.Struct):
    status: Literal["logged_out", "expired", "disconnected"]


class AdvanceBody(msgspec.Struct):
    seconds: Annotated[float, msgspec.Meta(ge=0, le=10 * 365 * 86_400)]


class EventsQuery(msgspec.Struct):
    session_id: SessionId | None = None
    event: str | None = None
    # Only the latest this many (a page that shows a few need not read the whole journal).
    limit: Annotated[int, msgspec.Meta(ge=1, le=10_000)] | None = None


def _session(request: Request[Any, Any, Any], session_id: str) -> Session:
    return named_session(core_of(request), session_id)


def _account_json(account: Account) -> dict[str, Any]:
    return {**msgspec.structs.asdict(account), "created_at": iso(account.created_at)}


def _limited_endpoints(request: Request[Any, Any, Any]) -> dict[str, list[str]]:
    """The "METHOD path" of every limited route, by the limit its `opt` names, read from the app."""
    endpoints: dict[str, list[str]] = {}
    for route in request.app.routes:
        # An HTTP route holds its handlers; an ASGI route (the lean send path, POST only) one.
        for handler in getattr(route, "route_handlers", None) or [getattr(route, "route_handler")]:
            kind = handler.opt.get("rate_limit")
            if kind is not None:
                methods = sorted(getattr(handler, "http_methods", None) or ["POST"])
                path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)  # {jid:str} -> {jid}
                endpoints.setdefault(kind, []).extend(f"{method} {path}" for method in methods)
    return endpoints


def _rate_limits_json(request: Request[Any, Any, Any]) -> dict[str, Any]:
    limiter = core_of(request).rate_limiter
    endpoints = _limited_endpoints(request)
    limits = [
        {**{k: v for k, v in row.items() if k != "kind"}, "endpoints": sorted(set(endpoints.get(str(row["kind"]), [])))}
        for row in rate_limit_table()
    ]
    return {"enabled": limiter.enabled, "concurrency_limit": limiter.concurrency_limit, "limits": limits}


def _clock_json(request: Request[Any, Any, Any]) -> dict[str, Any]:
    clock = core_of(request).clock
    now = clock.now()
    return {"mode": clock.mode, "now": now, "iso": iso(now), "pending_timers": clock.pending_timers}


class AdminController(Controller):
    path = "/admin"

    # Liveness only: a readiness probe needs no token, and an open route tells nothing about the state.
    @get("/health", opt=open_admin_route("readiness probes"))
    async def health(self) -> dict[str, Any]:
        return ok({"status": "ok"})

    @post("/reset", status_code=HTTP_200_OK)
    async def reset(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        await core_of(request).reset()
        return ok({"reset": True, "duration_ms": round((time.perf_counter() - started) * 1000, 3)})

    @post("/accounts", status_code=HTTP_201_CREATED)
    async def create_account(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        body = parse_body(NewAccountBody, await request.body())
        account = await core_of(request).accounts.create(body.plan, body.session_limit, body.name, body.email)
        return ok(_account_json(account))

    @put("/accounts/{account_id:int}")
    async def change_account(self, request: Request[Any, Any, Any], account_id: FromPath[int]) -> dict[str, Any]:
        body = parse_body(AccountChangeBody, await request.body())
        core = core_of(request)
        account = core.accounts.get(account_id)
        if account is None:
            raise errors.NotFound(f"Account {account_id} was not found.")
        await core.accounts.change_plan(account, body.plan, body.session_limit)
        return ok(_account_json(account))

    @get("/rate-limits")
    async def rate_limits(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        return ok(_rate_limits_json(request))

    @put("/rate-limits")
    async def switch_rate_limits(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        body = parse_body(RateLimitsBody, await request.body())
        core_of(request).rate_limiter.enabled = body.enabled
        return ok(_rate_limits_json(request))

    @post("/sessions/{session_id:str}/scan", status_code=HTTP_200_OK)
    async def scan(self, request: Request[Any, Any, Any], session_id: FromPath[str]) -> dict[str, Any]:
        session = await core_of(request).sessions.scan(_session(request, session_id))
        return ok(session_json(session))

    @post("/sessions/{session_id:str}/status", status_code=HTTP_200_OK)
    async def force_status(self, request: Request[Any, Any, Any], session_id: FromPath[str]) -> dict[str, Any]:
        body = parse_body(ForcedStatusBody, await request.body())
        session = await core_of(request).sessions.force_status(_session(request, session_id), Status(body.status))
        return ok(session_json(session))

    @get("/sessions/{session_id:str}/presence")
    async def presence(self, request: Request[Any, Any, Any], session_id: FromPath[str]) -> dict[str, Any]:
        history = await core_of(request).sessions.presence_history(_session(request, session_id))
        return ok([{**msgspec.structs.asdict(p), "occurred_at": iso(p.occurred_at)} for p in history])

    @get("/test-numbers")
    async def test_numbers(self) -> dict[str, Any]:
        return ok(
            [
                {"keyword": b.keyword, "prefix": b.prefix, "example": b.example, "description": b.description}
                for b in TEST_NUMBERS
            ]
        )

    @get("/clock")
    async def clock(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        return ok(_clock_json(request))

    @post("/clock/advance", status_code=HTTP_200_OK)
    async def advance_clock(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        body = parse_body(AdvanceBody, await request.body())
        core = core_of(request)
        if not core.clock.is_virtual:
            raise errors.NotAllowed("The clock is real; start the emulator with --clock virtual to advance it.")
        await core.advance_clock(body.seconds)
        return ok(_clock_json(request))

    @get("/events")
    async def events(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        query = parse_query(EventsQuery, request.query_params)
        core = core_of(request)
        journal = core.bus.journal(session_filter(core, query.session_id), query.event)
        latest = journal[-query.limit :] if query.limit is not None else journal
        return ok([msgspec.structs.asdict(e) for e in latest])
