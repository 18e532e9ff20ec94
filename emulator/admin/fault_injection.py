"""Fault rules performed at the door of every face's routes (the rules are emulator.domain.faults).

The middleware costs one check while no rule concerns requests. A rule that fires answers in
the face's own error body, waits, holds the request, resets or cuts the connection, answers
HTML as a proxy does, or marks a send so its message fails or is lost after it is accepted.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections.abc import Callable
from typing import Any

import msgspec
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from emulator.admin.session_ids import session_number
from emulator.domain import faults as f
from emulator.domain.network import LOST, injected_failure
from emulator.faces.sendapi import errors as sendapi_errors
from emulator.faces.sendapi.router import SENDAPI_PATH
from emulator.faces.wasend import errors as wasend_errors
from emulator.faces.wasend.app import WASEND_PATH
from emulator.faces.wasenderapi import errors as wasenderapi_errors
from emulator.faces.wasenderapi.rate_limiting import API_PREFIXES, caller
from emulator.http.bodies import replaying, whole_body
from emulator.http.body_limits import MEDIA_MAX_BODY
from emulator.http.json_bodies import decode_json
from emulator.http.send_faults import SEND_FAULT
from emulator.http.statuses import reason_phrase

FAULT_HEADER = b"x-emulator-fault"
InjectedError = Callable[[f.ErrorAction, float], dict[str, Any]]
# The paths of each face's routes, and its words for an injected error; the WasenderAPI's last.
_FACES: tuple[tuple[tuple[str, ...], InjectedError], ...] = (
    ((f"{WASEND_PATH}/",), wasend_errors.injected_error),
    ((f"{SENDAPI_PATH}/",), sendapi_errors.injected_error),
    (API_PREFIXES, wasenderapi_errors.injected_error),
)
FAULT_PREFIXES = tuple(prefix for prefixes, _ in _FACES for prefix in prefixes)
_encode = msgspec.json.Encoder().encode
_PROXY_PAGE = "<html>\r\n<head><title>{0} {1}</title></head>\r\n<body>\r\n<center><h1>{0} {1}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"  # noqa: E501


class _Addressed(msgspec.Struct):
    """What a rule may read of a request's body: the recipient, and the session where a face names
    it there (Wasend's `session`, SendAPI's `session_id`)."""

    to: str | None = None
    session: str | int | None = None
    session_id: str | int | None = None


def fault_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        book = scope["app"].state.core.faults
        if not book.request_rules or scope["type"] != "http" or not scope["path"].startswith(FAULT_PREFIXES):
            await app(scope, receive, send)
            return
        await _with_faults(app, book, scope, receive, send)

    return middleware


async def _with_faults(app: ASGIApp, book: f.FaultBook, scope: Scope, receive: Receive, send: Send) -> None:
    candidates = book.for_request(f.route_key(scope["method"], scope.get("path_template", scope["path"])))
    if not candidates:
        await app(scope, receive, send)
        return
    # Read ahead of the route, so bounded by the largest body any route takes; the route then applies its own.
    body = await whole_body(receive, MEDIA_MAX_BODY)
    replay = replaying(body, receive)
    addressed = _addressed(body) if _reads_the_body(candidates) else _UNADDRESSED
    rule = book.fire(candidates, _session_id(scope, addressed), addressed.to)
    if rule is None:
        await app(scope, replay, send)
        return
    core = scope["app"].state.core
    marked = _marked(send, rule) if core.settings.fault_header_enabled else send
    action = rule.spec.action
    if isinstance(action, f.ErrorAction):
        await _answer(marked, *_error(action, scope))
    elif isinstance(action, f.NotJsonAction):
        page = _PROXY_PAGE.format(action.status, reason_phrase(action.status)).encode()
        await _answer(marked, action.status, page, b"text/html")
    elif isinstance(action, f.ResetAction):
        await _cut(send, receive)
    elif isinstance(action, f.TruncateAction):
        await app(scope, replay, _truncating(marked, send, receive))
    elif isinstance(action, f.TimeoutAction):
        if not await _client_leaves_within(receive, action.seconds):
            await app(scope, replay, marked)
    else:
        if isinstance(action, f.LatencyAction):
            await asyncio.sleep(rule.latency())
        elif isinstance(action, f.DropSessionAction):
            await book.drop_session(rule)
        elif isinstance(action, f.FailMessageAction):
            scope[SEND_FAULT] = injected_failure(action.error)  # type: ignore[literal-required]
        elif isinstance(action, f.LoseMessageAction):
            scope[SEND_FAULT] = LOST.keyword  # type: ignore[literal-required]
        await app(scope, replay, marked)


def _error(action: f.ErrorAction, scope: Scope) -> tuple[int, bytes, bytes, list[tuple[bytes, bytes]]]:
    """The error in the body of the face whose route the request is for."""
    words = next(words for prefixes, words in _FACES if scope["path"].startswith(prefixes))
    body = _encode(words(action, scope["app"].state.core.clock.now()))
    retry = [(b"retry-after", str(action.retry_seconds).encode())] if action.status == 429 else []
    return action.status, body, b"application/json", retry


async def _answer(
    send: Send, status: int, body: bytes, content_type: bytes, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    start = [(b"content-type", content_type), (b"content-length", str(len(body)).encode()), *(headers or [])]
    await send({"type": "http.response.start", "status": status, "headers": start})
    await send({"type": "http.response.body", "body": body})


def _marked(send: Send, rule: f.Rule) -> Send:
    label = rule.label.encode()

    async def send_marked(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", ()), (FAULT_HEADER, label)]
        await send(message)

    return send_marked


def _truncating(send: Send, server_send: Send, receive: Receive) -> Send:
    """Send the headers as they are and half of the body, then close the connection."""
    chunks: list[bytes] = []

    async def send_truncated(message: Message) -> None:
        if message["type"] == "http.response.start":
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            whole = b"".join(chunks)
            await send({"type": "http.response.body", "body": whole[: len(whole) // 2], "more_body": True})
            await _cut(server_send, receive, reset=False)

    return send_truncated


async def _cut(server_send: Send, receive: Receive, reset: bool = True) -> None:
    """Close the client's connection at once, with a TCP reset or a plain close."""
    transport = _transport_of(server_send)
    if transport is None:
        raise ConnectionResetError("fault injection: connection reset")
    sock = transport.get_extra_info("socket")
    if reset and sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort() if reset else transport.close()
    # Until the server notices, it would take the missing answer for a bug of the app.
    await _client_leaves_within(receive, 1.0)


def _transport_of(send: Any, depth: int = 4) -> Any:
    """The server's transport behind `send`, or None.

    ASGI offers no way to reset a connection. Uvicorn's send is a method of its request cycle,
    which holds the transport; Litestar's exception middleware wraps it in a closure.
    """
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is not None or depth == 0:
        return transport
    for cell in getattr(send, "__closure__", None) or ():
        contents = cell.cell_contents
        if callable(contents) and (found := _transport_of(contents, depth - 1)) is not None:
            return found
    return None


async def _client_leaves_within(receive: Receive, seconds: float) -> bool:
    """Wait until the client disconnects (True) or `seconds` pass (False)."""

    async def disconnect() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    try:
        await asyncio.wait_for(disconnect(), seconds)
    except TimeoutError:
        return False
    return True


def _session_id(scope: Scope, addressed: _Addressed) -> int | None:
    """The session the request is for: the one whose API key it bears (the WasenderAPI's way), or
    the one its path or body names by any face's id for it."""
    core = scope["app"].state.core
    found = caller(core, scope)
    if found is not None and found[1] is not None:
        return int(found[1].id)
    named = scope.get("path_params", {}).get("session_id", addressed.session_id or addressed.session)
    if isinstance(named, int) or named is None:
        return named
    return session_number(core, str(named))


def _reads_the_body(candidates: list[f.Rule]) -> bool:
    return any(rule.recipient is not None or rule.spec.session_id is not None for rule in candidates)


_UNADDRESSED = _Addressed()


def _addressed(body: bytes) -> _Addressed:
    try:
        return decode_json(body, _Addressed)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return _UNADDRESSED


def api_routes(app: Litestar) -> tuple[frozenset[str], frozenset[str]]:
    """Every "METHOD /path" of the API that rules may name, and those that send a message."""
    every, sends = set(), set()
    for route in app.routes:
        if not route.path_format.startswith(FAULT_PREFIXES):
            continue
        if isinstance(route, HTTPRoute):
            handlers = [(m, h) for m, (h, _) in route.route_handler_map.items() if m != "OPTIONS"]
        else:
            handlers = [(m, route.route_handler) for m in route.route_handler.opt.get("methods", ())]
        for method, handler in handlers:
            key = f.route_key(method, route.path_format)
            every.add(key)
            if handler.opt.get("sends"):
                sends.add(key)
    return frozenset(every), frozenset(sends)
