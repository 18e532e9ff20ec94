"""What every face reads off a request: the emulator it reaches, and a bearer token."""

from __future__ import annotations

from typing import Any

from litestar import Request

from emulator.core import Core


def core_of(request: Request[Any, Any, Any]) -> Core:
    return request.app.state.core  # type: ignore[no-any-return]


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
