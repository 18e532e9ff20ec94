"""The webhook side of the control plane: inbound injection, deliveries, idleness, the capture inbox."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK

from emulator.admin.guard import open_admin_route
from emulator.admin.session_ids import SessionId, named_session, session_filter
from emulator.http.requests import core_of
from emulator.http.body_limits import MEDIA_MAX_BODY
from emulator.faces.wasenderapi.errors import error_body
from emulator.faces.wasenderapi.responses import ok
from emulator.http.timestamps import iso
from emulator.http.validation import parse_body, parse_query
from emulator.core import Core
from emulator.domain import errors
from emulator.domain.inbound import Inbound
from emulator.store.webhooks import Attempt, Backlog, Delivery
from emulator.webhooks.dispatcher import LaneFigures, request_headers
from emulator.webhooks.settings import Attempts, Concurrency, Seconds

InboxName = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]
DELIVERY_NOT_FOUND = "The specified webhook delivery was not found."
IDLE_POLL_SECONDS = 0.005


class DeliveriesQuery(msgspec.Struct):
    session_id: SessionId | None = None
    event: str | None = None
    outcome: Literal["pending", "delivered", "failed"] | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 1000


class BacklogQuery(msgspec.Struct):
    session_id: SessionId | None = None


class IdleQuery(msgspec.Struct):
    timeout: Annotated[float, msgspec.Meta(gt=0, le=300)] = 10.0


class SettingsChange(msgspec.Struct):
    """The settings that change while running; those not given stay as they are."""

    max_attempts: Attempts | None = None
    retry_delay: Seconds | None = None
    max_retry_delay: Seconds | None = None
    timeout: Seconds | None = None
    concurrency: Concurrency | None = None


class InboxQuery(msgspec.Struct):
    fail: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)] = 0


class InboxPath(msgspec.Struct):
    name: InboxName


def _inbox_name(name: str) -> str:
    return parse_query(InboxPath, {"name": name}).name


def _still_busy(core: Core) -> str:
    """What is still under way, or "" when the emulator is idle.

    On a virtual clock nothing scheduled can happen until a test advances it, so only the work
    due now counts; on a real clock, deliveries waiting for a retry and timers due count too.
    """
    real = not core.clock.is_virtual
    busy = []
    if lanes := core.webhooks.pending(count_waiting=real):
        busy.append(f"webhook deliveries of {lanes} session(s) under way")
    due = core.clock.next_due()
    if real and due is not None and due <= core.clock.now():
        busy.append("timers due")
    return ", ".join(busy)


def _delivery_json(delivery: Delivery, attempts: list[Attempt]) -> dict[str, Any]:
    last = attempts[-1] if attempts else None
    return {
        "id": delivery.id,
        "session_id": delivery.session_id,
        "event": delivery.event,
        "event_id": delivery.event_id,
        "injected": delivery.injected,
        "url": delivery.url,
        "outcome": delivery.outcome,
        "attempt": delivery.attempts,
        "status_code": last.status_code if last else None,
        "error": last.error if last else None,
        "duration_ms": last.duration_ms if last else None,
        "next_attempt_at": iso(delivery.next_attempt_at) if delivery.next_attempt_at is not None else None,
        "created_at": iso(delivery.created_at),
        "updated_at": iso(delivery.updated_at),
        "headers": request_headers(delivery),
        "payload": msgspec.json.decode(delivery.body),
        "attempts": [
            {
                "attempt": a.attempt,
                "url": a.url,
                "status_code": a.status_code,
                "error": a.error,
                "duration_ms": a.duration_ms,
                "created_at": iso(a.created_at),
            }
            for a in attempts
        ],
    }


def _backlog_json(pending: Backlog, lane: LaneFigures, now: float) -> dict[str, Any]:
    return {
        "session_id": pending.session_id,
        "pending": pending.pending,
        "attempting": lane.attempting,
        "waiting_for_retry": lane.waiting_for_retry,
        "oldest_created_at": iso(pending.oldest_created_at),
        "oldest_age_seconds": round(max(now - pending.oldest_created_at, 0.0), 3),
    }


class WebhookAdminController(Controller):
    path = "/admin"

    @post("/sessions/{session_id:str}/inbound", status_code=HTTP_200_OK, request_max_body_size=MEDIA_MAX_BODY)
    async def inbound(self, request: Request[Any, Any, Any], session_id: FromPath[str]) -> dict[str, Any]:
        core = core_of(request)
        session = named_session(core, session_id)
        inbound = parse_body(Inbound, await request.body())
        return ok(await core.inbound.inject(session, inbound, str(request.base_url)))

    @get("/webhooks/deliveries")
    async def deliveries(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        query = parse_query(DeliveriesQuery, request.query_params)
        core = core_of(request)
        found = await core.webhooks.deliveries(session_filter(core, query.session_id), query.event, query.outcome, query.limit)
        return ok([_delivery_json(delivery, attempts) for delivery, attempts in found])

    @get("/webhooks/deliveries/{delivery_id:int}")
    async def delivery(self, request: Request[Any, Any, Any], delivery_id: FromPath[int]) -> dict[str, Any]:
        found = await core_of(request).webhooks.delivery(delivery_id)
        if found is None:
            raise errors.NotFound(DELIVERY_NOT_FOUND)
        return ok(_delivery_json(*found))

    @post("/webhooks/deliveries/{delivery_id:int}/redeliver", status_code=HTTP_200_OK)
    async def redeliver(self, request: Request[Any, Any, Any], delivery_id: FromPath[int]) -> dict[str, Any]:
        copy = await core_of(request).webhooks.redeliver(delivery_id)
        if copy is None:
            raise errors.NotFound(DELIVERY_NOT_FOUND)
        return ok(_delivery_json(copy, []))

    @get("/webhooks/backlog")
    async def backlog(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        session_id = parse_query(BacklogQuery, request.query_params).session_id
        core = core_of(request)
        found = await core.webhooks.backlog(session_filter(core, session_id))
        now = core.clock.now()
        return ok([_backlog_json(pending, lane, now) for pending, lane in found])

    @get("/webhooks/settings")
    async def settings(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        return ok(msgspec.structs.asdict(core_of(request).webhooks.settings))

    @put("/webhooks/settings")
    async def change_settings(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        change = parse_body(SettingsChange, await request.body())
        webhooks = core_of(request).webhooks
        given = {k: v for k, v in msgspec.structs.asdict(change).items() if v is not None}
        webhooks.settings = msgspec.structs.replace(webhooks.settings, **given)
        return ok(msgspec.structs.asdict(webhooks.settings))

    @get("/idle")
    async def idle(self, request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
        """Answer once no delivery is under way and no timer is due; 408 if that takes too long."""
        timeout = parse_query(IdleQuery, request.query_params).timeout
        core = core_of(request)
        started = time.perf_counter()
        while (busy := _still_busy(core)) and time.perf_counter() - started < timeout:
            await asyncio.sleep(IDLE_POLL_SECONDS)
        waited_ms = round((time.perf_counter() - started) * 1000, 3)
        if busy:
            message = f"Still busy after {timeout:g} s: {busy}."
            return Response(error_body(message, pending=busy, waited_ms=waited_ms), status_code=408)
        return Response(ok({"idle": True, "waited_ms": waited_ms}), status_code=200)

    @get("/inbox/{name:str}")
    async def read_inbox(self, request: Request[Any, Any, Any], name: FromPath[str]) -> dict[str, Any]:
        captured = core_of(request).inbox.read(_inbox_name(name))
        return ok([{**msgspec.structs.asdict(c), "received_at": iso(c.received_at)} for c in captured])

    @delete("/inbox/{name:str}", status_code=HTTP_200_OK)
    async def empty_inbox(self, request: Request[Any, Any, Any], name: FromPath[str]) -> dict[str, Any]:
        core_of(request).inbox.empty(_inbox_name(name))
        return ok({"emptied": True})


# Open even when an admin token is set: the dispatcher signs with the session's secret, not the token.
@post("/admin/inbox/{name:str}", status_code=HTTP_200_OK, opt=open_admin_route("webhook posts"))
async def receive_into_inbox(request: Request[Any, Any, Any], name: FromPath[str]) -> Response[dict[str, Any]]:
    core = core_of(request)
    fail = parse_query(InboxQuery, request.query_params).fail
    answered = core.inbox.receive(
        _inbox_name(name),
        request.method,
        request.url.path,
        request.url.query or "",
        dict(request.headers),
        await request.body(),
        fail,
        core.clock.now(),
    )
    body = ok({"received": True}) if answered == 200 else error_body("The inbox was told to fail this request.")
    return Response(body, status_code=answered)


WEBHOOK_ADMIN_ROUTES = [WebhookAdminController, receive_into_inbox]
