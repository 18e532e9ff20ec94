"""Errors in Wasend's words: NestJS bodies `{statusCode, message, error}` (the backend wraps WAHA,
a NestJS application; Wasend documents no error body, and the SDK reads only `message`)."""

from __future__ import annotations

import logging
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotFoundException

from emulator.domain.errors import DomainError, ValidationFailed
from emulator.domain.faults import ErrorAction
from emulator.http.statuses import reason_phrase

log = logging.getLogger("emulator")

SESSION_NOT_FOUND = "Session not found"
SESSION_REQUIRED = "session is required"
NOT_WORKING = "Session is not working: start it and scan the QR code first"
INVALID_KEY = "Invalid or missing API key"


class WasendError(Exception):
    """A failure the face itself words, with its HTTP status."""

    def __init__(self, status_code: int, message: str | list[str]) -> None:
        super().__init__(str(message))
        self.status_code = status_code
        self.message = message


def nest_body(status_code: int, message: str | list[str]) -> dict[str, Any]:
    return {"statusCode": status_code, "message": message, "error": reason_phrase(status_code)}


# NestJS's own words for the statuses a client most often meets: its throttler's, and a crash's.
_NEST_MESSAGES = {429: "ThrottlerException: Too Many Requests", 500: "Internal server error"}


def injected_error(action: ErrorAction, _: float) -> dict[str, Any]:
    """A fault rule's error, as NestJS words it."""
    return nest_body(action.status, action.message or _NEST_MESSAGES.get(action.status) or reason_phrase(action.status))


def _json(status_code: int, message: str | list[str]) -> Response[Any]:
    return Response(nest_body(status_code, message), status_code=status_code, media_type=MediaType.JSON)


def _face_error(_: Request[Any, Any, Any], exc: WasendError) -> Response[Any]:
    return _json(exc.status_code, exc.message)


def _domain_error(_: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    if isinstance(exc, ValidationFailed):
        # class-validator's shape: one message per fault, in a list.
        return _json(400, [message for messages in exc.errors.values() for message in messages])
    # The domain's "not in this state" is a well-formed request the session cannot serve now.
    status = 422 if exc.status_code == 400 else exc.status_code
    return _json(status, exc.message)


def route_miss(request: Request[Any, Any, Any], _: HTTPException) -> Response[Any]:
    """NestJS's words for a path no route takes, whatever the method: Express answers no 405."""
    query = request.url.query
    return _json(404, f"Cannot {request.method} {request.url.path}{'?' + query if query else ''}")


def _http_error(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    return _json(exc.status_code, str(exc.detail))


def _server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _json(500, "Internal server error")


EXCEPTION_HANDLERS = {
    WasendError: _face_error,
    DomainError: _domain_error,
    NotFoundException: route_miss,
    HTTPException: _http_error,
    Exception: _server_error,
}
