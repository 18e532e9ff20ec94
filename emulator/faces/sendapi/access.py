"""Who calls the SendAPI face (an account, by its SendAPI key) and how often it may.

Keys are `sk_live_...`; the older auth page's `sk_test_...` is accepted as the same key in test
mode. Limits are per key on the emulator's clock, from the second rate-limit table (per minute
and per hour by plan), and every answer carries the `X-RateLimit-*` headers.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.types import ASGIApp, Receive, Scope, Send

from emulator.http.requests import core_of, parse_bearer
from emulator.http.rate_limits import send_refusal, with_headers
from emulator.domain.accounts import Account
from emulator.domain.rate_limits import Decision, Rule
from emulator.faces import ACCOUNT_KEY_PREFIXES, SENDAPI
from emulator.faces.sendapi.errors import INVALID_API_KEY, MISSING_API_KEY, RATE_LIMITED, SendApiError, error_body

LIVE_PREFIX = ACCOUNT_KEY_PREFIXES[SENDAPI]
TEST_PREFIX = "sk_test_"
_encode = msgspec.json.Encoder().encode


def _rules(per_minute: int, per_hour: int, plan: str) -> tuple[Rule, ...]:
    return (
        Rule(per_minute, 60, f"The {plan} plan allows {per_minute} requests per minute."),
        Rule(per_hour, 3600, f"The {plan} plan allows {per_hour:,} requests per hour."),
    )


# Plan of the account -> SendAPI plan limits (rate-limits page, second version).
PLAN_RULES: dict[str, tuple[Rule, ...]] = {
    "trial": _rules(60, 1_000, "Starter"),
    "none": _rules(60, 1_000, "Starter"),
    "paid": _rules(600, 10_000, "Growth"),
}


def key_of(headers: Any) -> str | None:
    """The caller's key: the Bearer token, or the hosted MCP endpoint's X-SendAPI-Key."""
    return parse_bearer(headers.get("authorization")) or headers.get("x-sendapi-key") or None


def account_of_key(core: Any, key: str) -> Account | None:
    if key.startswith(TEST_PREFIX):
        key = LIVE_PREFIX + key[len(TEST_PREFIX) :]
    return core.accounts.account_for_key(SENDAPI, key)  # type: ignore[no-any-return]


def calling_account(request: Request[Any, Any, Any]) -> Account:
    key = key_of(request.headers)
    if key is None:
        raise SendApiError(401, *MISSING_API_KEY)
    account = account_of_key(core_of(request), key)
    if account is None:
        raise SendApiError(401, *INVALID_API_KEY)
    return account


def rate_limit_middleware(app: ASGIApp) -> ASGIApp:
    """Count every request against its key's plan; over the limit, a 429 with Retry-After."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        core = scope["app"].state.core
        if scope["type"] != "http" or not core.rate_limiter.enabled:
            await app(scope, receive, send)
            return
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
        decision = counted(core, headers)
        if not decision.allowed:
            await send_refusal(send, decision, _encode(refusal_body(core, decision)))
            return
        await app(scope, receive, with_headers(send, decision))

    return middleware


def counted(core: Any, headers: Any) -> Decision:
    """Count one request of the caller's key against its plan."""
    key = key_of(headers) or ""
    account = account_of_key(core, key) if key else None
    identity = f"sendapi:account:{account.id}" if account else f"sendapi:key:{key}"
    return core.rate_limiter.hit(identity, PLAN_RULES[account.plan if account else "none"], core.clock.now())  # type: ignore[no-any-return]


def refusal_body(core: Any, decision: Decision) -> dict[str, Any]:
    error_type, code, _ = RATE_LIMITED
    body = error_body(core.clock.now(), error_type, code, decision.message)
    body["error"]["retry_after"] = decision.retry_after
    return body
