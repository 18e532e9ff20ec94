"""What every face reads off a request: the emulator it reaches, and a bearer token."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.types import Scope

from emulator.core import Core


def core_of(request: Request[Any, Any, Any]) -> Core:
    return request.app.state.core  # type: ignore[no-any-return]


def core_in(scope: Scope) -> Core:
    """The emulator an ASGI request reaches, read off its scope (no Request object needed)."""
    return scope["app"].state.core  # type: ignore[no-any-return]


def header_in(scope: Scope, name: bytes) -> str | None:
    """The first value of header `name` (lower case) of an ASGI request."""
    return next((value.decode("latin-1") for key, value in scope["headers"] if key == name), None)


def parse_bearer(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    token = token.strip()
    # One doc page writes "Bearer token <key>".
    if token.lower().startswith("token "):
        token = token[6:].strip()
    return token or None
