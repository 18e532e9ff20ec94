"""Calling the app's own REST routes in process, as the caller the MCP request authenticates.

A tool is the REST operation it stands for: the request goes through the same route, so
authentication, the rate limiter, validation, the domain operation, the published events
and the error bodies are the REST API's own, with no second implementation to drift.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote, urlencode

import msgspec
from litestar.types import ASGIApp, Message, Scope

_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder().decode


class RouteAnswer(msgspec.Struct, frozen=True):
    status: int
    body: Any  # the decoded JSON body, or None for an empty one

    @property
    def message(self) -> str:
        if isinstance(self.body, dict) and isinstance(self.body.get("message"), str):
            return self.body["message"]
        return f"The API answered HTTP {self.status}."


async def call_route(
    app: ASGIApp,
    outer: Scope,
    token: str,
    method: str,
    path: str,
    query: dict[str, Any] | None = None,
    body: dict[str, Any] | None = None,
) -> RouteAnswer:
    """Answer `method path` as the app answers it over HTTP to a caller holding `token`.

    `outer` is the MCP request's scope: its host and scheme make the URLs an answer holds
    (profile pictures) the ones the caller can reach."""
    payload = _encode(body) if body is not None else b""
    headers = [
        (b"authorization", f"Bearer {token}".encode()),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        *[(name, value) for name, value in outer["headers"] if name == b"host"],
    ]
    scope: Scope = {  # type: ignore[typeddict-item]
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": outer.get("scheme", "http"),
        "path": unquote(path),
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": urlencode(_query_values(query or {})).encode(),
        "headers": headers,
        "client": outer.get("client"),
        "server": outer.get("server"),
        "state": {},
        "extensions": {},
    }
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": payload, "more_body": False}

    status, chunks = 500, []

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    raw = b"".join(chunks)
    return RouteAnswer(status, _decode(raw) if raw else None)


def fill_path(template: str, values: dict[str, Any]) -> str:
    """`/api/groups/{jid}/leave` with each {name} replaced by its value, quoted as a path segment."""
    path = template
    for name, value in values.items():
        path = path.replace("{" + name + "}", quote(str(value), safe="@+:"))
    return path


def _query_values(query: dict[str, Any]) -> dict[str, str]:
    return {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in query.items()}
