"""The Wasend face as one router under /wasend, with its own error bodies."""

from __future__ import annotations

from litestar import Router

from emulator.faces.wasend.account import ACCOUNT_ROUTES
from emulator.faces.wasend.chats import CHAT_ROUTES
from emulator.faces.wasend.contacts import CONTACT_ROUTES
from emulator.faces.wasend.errors import EXCEPTION_HANDLERS
from emulator.faces.wasend.groups import GROUP_ROUTES
from emulator.faces.wasend.messages import MESSAGE_ROUTES
from emulator.faces.wasend.sessions import SESSION_ROUTES

WASEND_PATH = "/wasend"

wasend_router = Router(
    WASEND_PATH,
    route_handlers=[*SESSION_ROUTES, *MESSAGE_ROUTES, *ACCOUNT_ROUTES, *CONTACT_ROUTES, *GROUP_ROUTES, *CHAT_ROUTES],
    exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
)
