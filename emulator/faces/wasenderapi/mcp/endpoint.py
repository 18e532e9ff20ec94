"""The door of /mcp, and the MCP SDK loaded behind it while the emulator already answers.

The door checks the personal access token before any MCP exchange (the REST API's 401 body),
and refuses accounts that are not on a paid plan, as the vendor's MCP page says. It also
refuses a request whose id is already in flight on the same MCP session: JSON-RPC forbids
reusing one, and the SDK would answer only one of the two while the other waited forever.
A body that is not JSON by its Content-Type, or larger than MAX_BODY, is refused here too, as
JSON-RPC errors (the SDK would answer both in plain text).

Importing the MCP SDK costs more than the rest of the emulator's start together, so it waits
for the first request to /mcp and then runs on a thread of its own: an emulator never asked
for MCP never pays for it, and the other routes answer while it loads. (Loaded at start, it
held the interpreter's lock against the first second of every user's REST traffic.)
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
from emulator.faces.wasenderapi.errors import error_body, no_such_route
from emulator.http.bodies import BodyTooLarge, replaying, whole_body
from emulator.http.json_bodies import decode_json
from emulator.http.requests import header_in, parse_bearer

MCP_PATH = "/mcp"
PAID_PLANS_ONLY = "MCP integration is only available on paid plans. This feature is not available on trial accounts."
SERVER_MODULE = "emulator.faces.wasenderapi.mcp.server"

# What an MCP request may carry (the SDK's own default): the door reads the body whole, so it
# refuses a larger one itself, in JSON-RPC's words like everything else the door refuses.
MAX_BODY = 4 * 1024 * 1024
# The SDK's transport words this refusal, but only after a check of its own that answers plain text.
UNSUPPORTED_MEDIA_TYPE = "Unsupported Media Type: Content-Type must be application/json"

_encode = msgspec.json.Encoder().encode
INVALID_REQUEST = -32600


class _Envelope(msgspec.Struct):
    """What the door reads of a JSON-RPC message: a request has a method and an id."""

    method: str | None = None
    id: int | str | None = None


class McpEndpoint:
    """One app's /mcp: the route to mount and the lifespan that runs its session manager."""

    def __init__(self) -> None:
        self._manager: asyncio.Future[Any] | None = None
        self._stopping: asyncio.Event | None = None
        self._runner: asyncio.Task[None] | None = None
        self._in_flight: set[tuple[str, int | str]] = set()
        self.route: ASGIRouteHandler = asgi(MCP_PATH, is_mount=True, name="mcp", copy_scope=False)(self._serve)

    @asynccontextmanager
    async def lifespan(self, _: Litestar) -> AsyncIterator[None]:
        self._stopping = asyncio.Event()
        try:
            yield
        finally:
            self._stopping.set()
            if self._runner is not None:
                await self._runner
            self._manager = self._runner = None

    def _session_manager(self) -> asyncio.Future[Any]:
        """The SDK's session manager, started by the first request that needs it."""
        assert self._stopping is not None, "the app's lifespan runs the MCP session manager"
        if self._manager is None:
            self._manager = asyncio.get_running_loop().create_future()
            self._runner = asyncio.create_task(self._run(self._manager, self._stopping))
        return self._manager

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
        if scope["path"] != "/":  # the mount's own path is /mcp (or /mcp/): nothing lives below it
            await _refuse(send, 404, no_such_route(scope["raw_path"].decode("latin-1")))
            return
        account = account_of(scope)
        if account is None:
            await _refuse(send, 401, UNAUTHORIZED_PAT)
        elif account.plan != "paid":
            await _refuse(send, 403, PAID_PLANS_ONLY)
        else:
            await self._answer(scope, receive, send)

    async def _answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = None
        if scope["method"] == "POST":
            body = await _admitted_body(scope, receive, send)
            if body is None:
                return
            receive = replaying(body, receive)
            key = _request_key(scope, body)
            if key in self._in_flight:
                message = f"Request id {key[1]!r} is already in use by a request in flight."
                await _refuse_json_rpc(send, 400, key[1], message)
                return
        manager = await asyncio.shield(self._session_manager())
        if key is not None:
            self._in_flight.add(key)
        try:
            await manager.handle_request(scope, receive, send)
        finally:
            self._in_flight.discard(key)


async def _admitted_body(scope: Scope, receive: Receive, send: Send) -> bytes | None:
    """The POST's JSON body; None once the request is refused for its Content-Type or its size."""
    if not (header_in(scope, b"content-type") or "").lower().startswith("application/json"):
        await _refuse_json_rpc(send, 415, None, UNSUPPORTED_MEDIA_TYPE)
        return None
    try:
        return await whole_body(receive, MAX_BODY)
    except BodyTooLarge as exc:
        await _refuse_json_rpc(send, 413, None, exc.detail, closing=True)
        return None


def _request_key(scope: Scope, body: bytes) -> tuple[str, int | str] | None:
    """(MCP session, request id) of a JSON-RPC request made over a session."""
    session = header_in(scope, b"mcp-session-id")
    if session is None:
        return None
    request_id = _request_id(body)
    return None if request_id is None else (session, request_id)


def account_of(scope: Scope) -> Account | None:
    token = parse_bearer(header_in(scope, b"authorization"))
    return scope["app"].state.core.accounts.by_token(token) if token else None


def _request_id(body: bytes) -> int | str | None:
    """The id of the JSON-RPC request `body` holds; None for anything else, which the SDK answers."""
    try:
        envelope = decode_json(body, _Envelope)
    except msgspec.DecodeError:
        return None
    return envelope.id if envelope.method is not None else None


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
    await _send_json(send, status, error_body(message))


async def _refuse_json_rpc(
    send: Send, status: int, request_id: int | str | None, message: str, *, closing: bool = False
) -> None:
    error = {"jsonrpc": "2.0", "id": request_id, "error": {"code": INVALID_REQUEST, "message": message}}
    await _send_json(send, status, error, closing=closing)


async def _send_json(send: Send, status: int, answer: dict[str, Any], *, closing: bool = False) -> None:
    body = _encode(answer)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if closing:  # the rest of the body is never read
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
