"""Who may drive the control plane: every route under /admin needs the admin token, when one is set.

The guard is a middleware of the whole app that decides by path, so an /admin route added later
is guarded without a word; a route is open only when its handler says so with `ADMIN_OPEN`.
(A middleware rather than a Litestar guard: an app-wide guard copies the route handler on every
request, the hot send path's included.)
"""

from __future__ import annotations

import hmac
import ipaddress
from urllib.parse import parse_qs
from typing import Any

from litestar.types import ASGIApp, Receive, Scope, Send

from emulator.http.requests import header_in, parse_bearer
from emulator.config import Settings
from emulator.domain import errors

ADMIN_PREFIX = "/admin"
# Handler opt marking the few admin routes anyone may call: see `open_admin_route`.
ADMIN_OPEN = "admin_open"
# Handler opt of the admin routes a browser reaches without headers (an event stream, an image):
# the token may also come as ?token=.
ADMIN_TOKEN_IN_QUERY = "admin_token_in_query"
ADMIN_TOKEN_REQUIRED = "A valid admin token is required: Authorization: Bearer <admin token>."


def open_admin_route(why: str) -> dict[str, Any]:
    """The handler opt of an admin route that stays open with a token set; `why` is for the reader."""
    return {ADMIN_OPEN: why}


def is_admin_path(path: str) -> bool:
    return path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/")


def admin_guard_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if is_admin_path(scope["path"]) and ADMIN_OPEN not in scope["route_handler"].opt:
            _require_admin_token(scope, ADMIN_TOKEN_IN_QUERY in scope["route_handler"].opt)
        await app(scope, receive, send)

    return middleware


def _require_admin_token(scope: Scope, in_query: bool) -> None:
    expected = scope["app"].state.core.settings.admin_token
    if not expected:
        return
    given = parse_bearer(header_in(scope, b"authorization"))
    if given is None and in_query:
        given = next(iter(parse_qs(scope["query_string"].decode("latin-1")).get("token", ())), None)
    if given is None or not hmac.compare_digest(given.encode(), expected.encode()):
        raise errors.Unauthorized(ADMIN_TOKEN_REQUIRED)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        # Any other name may resolve to a public address.
        return False


def exposure_refusal(settings: Settings) -> str | None:
    """Why the emulator will not serve an open control plane beyond this machine, or None."""
    if settings.admin_token or settings.admin_open or is_loopback(settings.host):
        return None
    return (
        f"refusing to serve an open control plane on {settings.host}, which is not loopback: "
        "set --admin-token TOKEN (EMULATOR_ADMIN_TOKEN) to protect /admin, "
        "or pass --admin-open (EMULATOR_ADMIN_OPEN=1) if every machine that can reach it is trusted"
    )


def control_plane_line(settings: Settings) -> str:
    """The banner's word on who may use /admin."""
    if settings.admin_token:
        return "  control plane: protected; every /admin route but /admin/health needs Authorization: Bearer <admin token>"
    return "  control plane: OPEN; anyone who reaches this address can reset, read and drive the emulator"
