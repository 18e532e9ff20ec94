"""The door of /mcp, and the MCP SDK loaded behind it while the emulator already answers.

The door checks the personal access token before any MCP exchange (the REST API's 401 body),
and refuses accounts that are not on a paid plan, as the vendor's MCP page says.

Importing the MCP SDK costs more than the rest of the emulator's start together, so it is
imported on a thread of its own once the app starts: the other routes answer meanwhile, and
an MCP request that comes first waits for it.
"""

from __future__ import annotations

import asyncio
import importlib
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import ModuleType
from typing import Any

import msgspec
from litestar import Litestar, asgi
from litestar.handlers import ASGIRouteHandler
from litestar.types import Receive, Scope, Send

from emulator.domain.accounts import Account
from emulator.faces.wasenderapi.auth import UNAUTHORIZED_PAT
from emulator.faces.wasenderapi.errors import error_body
from emulator.http.requests import parse_bearer

PAID_PLANS_ONLY = "MCP integration is only available on paid plans. This feature is not available on trial accounts."
SERVER_MODULE = "emulator.faces.wasenderapi.mcp.server"

_encode = msgspec.json.Encoder().encode


class McpEndpoint:
    """One app's /mcp: the route to mount and the lifespan that runs its session manager."""

    def __init__(self) -> None:
        self._manager: asyncio.Future[Any] | None = None
        self.route: ASGIRouteHandler = asgi("/mcp", is_mount=True, name="mcp", copy_scope=False)(self._serve)

    @asynccontextmanager
    async def lifespan(self, _: Litestar) -> AsyncIterator[None]:
        self._manager = asyncio.get_running_loop().create_future()
        stopping = asyncio.Event()
        runner = asyncio.create_task(self._run(self._manager, stopping))
        try:
            yield
        finally:
            stopping.set()
            await runner

    async def _run(self, manager: asyncio.Future[Any], stopping: asyncio.Event) -> None:
        try:
            server = await _import_on_a_thread(SERVER_MODULE)
        except BaseException as exc:
            manager.set_exception(exc)
            raise
        running = server.session_manager()
        async with running.run():
            manager.set_result(running)
            await stopping.wait()

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        account = account_of(scope)
        if account is None:
            await _refuse(send, 401, UNAUTHORIZED_PAT)
        elif account.plan != "paid":
            await _refuse(send, 403, PAID_PLANS_ONLY)
        else:
            assert self._manager is not None, "the app's lifespan starts the MCP session manager"
            manager = await asyncio.shield(self._manager)
            await manager.handle_request(scope, receive, send)


def account_of(scope: Scope) -> Account | None:
    header = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"authorization"), None)
    token = parse_bearer(header)
    return scope["app"].state.core.accounts.by_token(token) if token else None


async def _import_on_a_thread(name: str) -> ModuleType:
    """The module, imported on a thread that ends with the import (no pool is left behind)."""
    loop = asyncio.get_running_loop()
    imported: asyncio.Future[ModuleType] = loop.create_future()

    def load() -> None:
        try:
            module = importlib.import_module(name)
        except BaseException as exc:  # handed over to the waiting task
            loop.call_soon_threadsafe(_settle, imported, None, exc)
        else:
            loop.call_soon_threadsafe(_settle, imported, module, None)

    thread = threading.Thread(target=load, name="mcp-import", daemon=True)
    thread.start()
    try:
        return await imported
    finally:
        thread.join()  # it ends as soon as it has handed its result over


def _settle(future: asyncio.Future[Any], result: Any, exc: BaseException | None) -> None:
    if future.cancelled():
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(result)


async def _refuse(send: Send, status: int, message: str) -> None:
    body = _encode(error_body(message))
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
