"""The SendAPI face mounted under /sendapi/v1: a client whose base URL ends in /sendapi/v1 calls
SendAPI's paths unchanged."""

from __future__ import annotations

from litestar import Router

from emulator.faces.sendapi.access import rate_limit_middleware
from emulator.faces.sendapi.account import ACCOUNT_ROUTES
from emulator.faces.sendapi.errors import EXCEPTION_HANDLERS
from emulator.faces.sendapi.groups import GROUP_ROUTES
from emulator.faces.sendapi.messages import MESSAGE_ROUTES
from emulator.faces.sendapi.sessions import SESSION_ROUTES
from emulator.faces.sendapi.webhooks import WEBHOOK_ROUTES

SENDAPI_PATH = "/sendapi/v1"

SENDAPI_ROUTER = Router(
    path=SENDAPI_PATH,
    route_handlers=[*SESSION_ROUTES, *MESSAGE_ROUTES, *ACCOUNT_ROUTES, *GROUP_ROUTES, *WEBHOOK_ROUTES],
    middleware=[rate_limit_middleware],
    exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
)
