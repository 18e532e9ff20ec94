"""Who may drive the control plane: every route under /admin needs the admin token, when one is set.

The guard sits on the whole app and decides by path, so an /admin route added later is guarded
without a word; a route is open only when its handler says so with `ADMIN_OPEN`.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler

from emulator.api.auth import parse_bearer
from emulator.config import Settings
from emulator.domain import errors

ADMIN_PREFIX = "/admin"
# Handler opt marking the few admin routes anyone may call: see `open_admin_route`.
ADMIN_OPEN = "admin_open"
ADMIN_TOKEN_REQUIRED = "A valid admin token is required: Authorization: Bearer <admin token>."


def open_admin_route(why: str) -> dict[str, Any]:
    """The handler opt of an admin route that stays open with a token set; `why` is for the reader."""
    return {ADMIN_OPEN: why}


def is_admin_path(path: str) -> bool:
    return path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/")


def admin_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Deny an /admin request without the admin token unless its route is marked open."""
    if not is_admin_path(connection.scope["path"]) or ADMIN_OPEN in handler.opt:
        return
    expected = connection.app.state.core.settings.admin_token
    if not expected:
        return
    given = parse_bearer(connection.headers.get("authorization"))
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
