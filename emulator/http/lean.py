"""The hot path's endpoint shape: a Litestar ASGI route that skips the per-request machinery.

A regular handler (signature model, kwargs, response objects) tops out near 8,700 trivial
requests/s on a small machine; an ASGI route in the same app near 24,000. Send-message is
the endpoint clients hammer, so it takes the lean shape: the handler reads the ASGI scope
itself (a Request object and its parsed headers cost a few per cent of the path). Errors
still go through the app's exception handlers, so the bodies are the same as everywhere else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from litestar import asgi
from litestar.exceptions import MethodNotAllowedException
from litestar.handlers import ASGIRouteHandler
from litestar.types import Receive, Scope, Send

from emulator.http.bodies import BodyTooLarge, whole_body
from emulator.http.requests import header_in

JsonHandler = Callable[[Scope, bytes], Awaitable[dict[str, Any]]]
_encode = msgspec.json.Encoder().encode


def lean_post(path: str, *, name: str, max_body: int, **opt: Any) -> Callable[[JsonHandler], ASGIRouteHandler]:
    """Serve `handler(scope, body) -> JSON object` for POST `path`, answering 200."""

    def decorate(handler: JsonHandler) -> ASGIRouteHandler:
        async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["method"] != "POST":
                raise MethodNotAllowedException(headers={"allow": "POST"})
            if _content_length(scope) > max_body:
                raise BodyTooLarge(max_body)
            body = await whole_body(receive, max_body)
            payload = _encode(await handler(scope, body))
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": payload})

        endpoint.__doc__ = handler.__doc__
        # The route's one method, for what lists routes by method (fault rules).
        return asgi(path, name=name, copy_scope=False, opt={**opt, "methods": ("POST",)})(endpoint)

    return decorate


def _content_length(scope: Scope) -> int:
    declared = header_in(scope, b"content-length")
    return int(declared) if declared and declared.isdigit() else 0
