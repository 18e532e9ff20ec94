"""`create_app(settings)`: the whole emulator as an ASGI app, with no import-time side effects."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.exceptions import MethodNotAllowedException, NotFoundException

from emulator.admin.contract import admin_openapi_document
from emulator.admin.fault_injection import api_routes, fault_middleware
from emulator.admin.faults import FAULT_ADMIN_ROUTES
from emulator.admin.guard import admin_guard_middleware
from emulator.admin.routes import AdminController
from emulator.admin.webhooks import WEBHOOK_ADMIN_ROUTES
from emulator.config import Settings
from emulator.core import Core
from emulator.dashboard.feed import LiveFeed
from emulator.dashboard.routes import DASHBOARD_ROUTES
from emulator.faces.sendapi import unrouted as sendapi_unrouted
from emulator.faces.sendapi.router import SENDAPI_PATH, SENDAPI_ROUTER
from emulator.faces.wasend.app import WASEND_PATH, wasend_router
from emulator.faces.wasend.errors import route_miss
from emulator.faces.wasenderapi.auth import auth_check
from emulator.faces.wasenderapi.contacts import CONTACT_ROUTES
from emulator.faces.wasenderapi.contract import openapi_document
from emulator.faces.wasenderapi.errors import EXCEPTION_HANDLERS, method_not_allowed, route_not_found
from emulator.faces.wasenderapi.groups import GROUP_ROUTES
from emulator.faces.wasenderapi.mcp.endpoint import McpEndpoint
from emulator.faces.wasenderapi.media import MEDIA_ROUTES
from emulator.faces.wasenderapi.messages import MESSAGE_ROUTES
from emulator.faces.wasenderapi.rate_limiting import rate_limit_middleware
from emulator.faces.wasenderapi.sessions import SESSION_ROUTES
from emulator.http.body_limits import DEFAULT_MAX_BODY, body_deadline_middleware
from emulator.http.route_misses import by_path_prefix


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
        exception_handlers={  # type: ignore[arg-type]
            **EXCEPTION_HANDLERS,
            NotFoundException: by_path_prefix(
                {WASEND_PATH: route_miss, SENDAPI_PATH: sendapi_unrouted.route_not_found}, route_not_found
            ),
            MethodNotAllowedException: by_path_prefix(
                {WASEND_PATH: route_miss, SENDAPI_PATH: sendapi_unrouted.method_not_allowed}, method_not_allowed
            ),
        },
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
    app.state.feed = LiveFeed.following(core.bus, core.faults, [core.sessions, core.sendapi_webhooks])
    core.faults.routes, core.faults.send_routes = api_routes(app)
    core.faults.check_scenario(core.scenario)  # a bad scenario stops start-up here, in one line
    return app
