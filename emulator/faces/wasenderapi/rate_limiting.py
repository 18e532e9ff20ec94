"""Rate limiting at the door of every API route: headers on each answer, 429 when over.

A route names the limit that governs it in its `opt` (`rate_limit="send"`, ...); the
table itself lives in emulator.domain.rate_limits. Requests whose token is unknown pass
through untouched so the handler answers the documented 401.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.types import ASGIApp, Receive, Scope, Send

from emulator.domain.rate_limits import TOO_MANY_CONCURRENT, Decision, rules_for
from emulator.http.rate_limits import send_refusal, with_headers
from emulator.http.requests import header_in, parse_bearer

_encode = msgspec.json.Encoder().encode
API_PREFIXES = ("/api/", "/auth-check")


def rate_limit_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        core = scope["app"].state.core
        limiter = core.rate_limiter
        if scope["type"] != "http" or not limiter.enabled or not scope["path"].startswith(API_PREFIXES):
            await app(scope, receive, send)
            return
        found = caller(core, scope)
        if found is None:
            await app(scope, receive, send)
            return
        identity, session, account = found
        handler = scope["route_handler"]
        kind = handler.opt.get("rate_limit")
        rules = rules_for(kind, session, account)
        now = core.clock.now()
        if session is not None and not limiter.enter(identity):
            busy = Decision(False, limiter.concurrency_limit, 0, int(now) + 1, 1, TOO_MANY_CONCURRENT)
            await _refuse(send, busy)
            return
        try:
            # Limits count per endpoint; aliases of one endpoint (qrcode, qr-code) share its count.
            endpoint = kind or f"{scope['method']} {min(handler.paths)}"
            decision = limiter.hit(f"{identity}|{endpoint}", rules, now)
            if not decision.allowed:
                await _refuse(send, decision)
                return
            await app(scope, receive, with_headers(send, decision))
        finally:
            if session is not None:
                limiter.leave(identity)

    return middleware


def caller(core: Any, scope: Scope) -> tuple[str, Any, Any] | None:
    """(limiter identity, session or None, account) of the request's bearer token."""
    token = parse_bearer(header_in(scope, b"authorization"))
    if token is None:
        return None
    session = core.sessions.by_api_key(token)
    if session is not None:
        account = core.accounts.get(session.account_id)
        return (f"session:{session.id}", session, account) if account is not None else None
    account = core.accounts.by_token(token)
    return (f"account:{account.id}", None, account) if account is not None else None


async def _refuse(send: Send, decision: Decision) -> None:
    body = _encode({"success": False, "message": decision.message, "retry_after": decision.retry_after})
    await send_refusal(send, decision, body)
