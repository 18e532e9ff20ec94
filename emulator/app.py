"""`create_app(settings)`: the whole emulator as an ASGI app, with no import-time side effects."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar

from emulator.api.admin import AdminController
from emulator.api.admin_guard import admin_guard_middleware
from emulator.api.auth import auth_check
from emulator.api.body_limits import DEFAULT_MAX_BODY, body_deadline_middleware
from emulator.api.contacts import CONTACT_ROUTES
from emulator.api.admin_contract import admin_openapi_document
from emulator.api.contract import openapi_document
from emulator.api.errors import EXCEPTION_HANDLERS
from emulator.api.fault_injection import api_routes, fault_middleware
from emulator.api.faults_admin import FAULT_ADMIN_ROUTES
from emulator.api.groups import GROUP_ROUTES
from emulator.api.mcp.server import McpEndpoint
from emulator.api.media import MEDIA_ROUTES
from emulator.api.messages import MESSAGE_ROUTES
from emulator.api.rate_limiting import rate_limit_middleware
from emulator.api.sessions import SESSION_ROUTES
from emulator.api.webhooks_admin import WEBHOOK_ADMIN_ROUTES
from emulator.config import Settings
from emulator.core import Core
from emulator.dashboard.feed import LiveFeed
from emulator.dashboard.routes import DASHBOARD_ROUTES
from emulator.faces.wasend.app import wasend_router
from emulator.faces.sendapi.router import SENDAPI_ROUTER


def create_app(settings: Settings, core: Core | None = None) -> Litestar:
    core = core or Core(settings)
    mcp = McpEndpoint()

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        await core.start()
        try:
            yield
        finally:
            await core.stop()

    app = Litestar(
        route_handlers=[
            *SESSION_ROUTES, *MESSAGE_ROUTES, *MEDIA_ROUTES, *CONTACT_ROUTES, *GROUP_ROUTES, auth_check, AdminController,
            *WEBHOOK_ADMIN_ROUTES, *FAULT_ADMIN_ROUTES, openapi_document, admin_openapi_document, *DASHBOARD_ROUTES,
            wasend_router, mcp.route, SENDAPI_ROUTER,
        ],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        # Faults before rate limits: an injected failure spends no rate limit, as a proxy's would not.
        middleware=[admin_guard_middleware, body_deadline_middleware, fault_middleware, rate_limit_middleware],
        lifespan=[lifespan, mcp.lifespan],
        openapi_config=None,
        # The emulator logs its own errors (api/errors.py). Litestar's logging would take over the
        # root logger and start a thread per app in a process that embeds it (emulator.testing).
        logging_config=None,
        # Routes that take media raise it to MEDIA_MAX_BODY.
        request_max_body_size=DEFAULT_MAX_BODY,
        debug=False,
    )
    app.state.core = core
    app.state.feed = LiveFeed.following(core.bus)
    core.faults.routes, core.faults.send_routes = api_routes(app)
    core.faults.check_scenario(core.scenario)  # a bad scenario stops start-up here, in one line
    return app
