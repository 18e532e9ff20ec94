"""Every failure becomes the documented JSON error body: never HTML, never a bare 500."""

from __future__ import annotations

import logging
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, MethodNotAllowedException, NotFoundException

from emulator.domain.errors import DomainError, ValidationFailed
from emulator.domain.faults import ErrorAction
from emulator.http.body_limits import CLOSING_STATUSES
from emulator.http.route_misses import allowed_methods
from emulator.http.statuses import reason_phrase

log = logging.getLogger("emulator")


def error_body(message: str, *, also_as_error: bool = False, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"success": False, "message": message}
    if also_as_error:
        body["error"] = message
    body.update(extra)
    return body


def injected_error(action: ErrorAction, _: float) -> dict[str, Any]:
    """A fault rule's error: a 4xx in the documented body, a 5xx as a Laravel application renders one."""
    status, message = action.status, action.message
    if status >= 500:
        return {"message": message or ("Server Error" if status == 500 else reason_phrase(status))}
    if status == 429:
        return error_body(message or "Too many requests. Please slow down.", retry_after=action.retry_seconds)
    return error_body(message or reason_phrase(status))


def _json(body: dict[str, Any], status_code: int, headers: dict[str, str] | None = None) -> Response[Any]:
    return Response(body, status_code=status_code, media_type=MediaType.JSON, headers=headers)


def domain_error(_: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    extra = {"errors": exc.errors} if isinstance(exc, ValidationFailed) else {}
    return _json(error_body(exc.message, also_as_error=exc.also_as_error, **extra), exc.status_code)


def route_not_found(request: Request[Any, Any, Any], _: NotFoundException) -> Response[Any]:
    return _json(error_body(no_such_route(request.url.path)), 404)


def no_such_route(path: str) -> str:
    """Laravel's words for a path no route takes."""
    return f"The route {path.lstrip('/')} could not be found."


def method_not_allowed(request: Request[Any, Any, Any], exc: MethodNotAllowedException) -> Response[Any]:
    allowed = allowed_methods(exc)
    message = (
        f"The {request.method} method is not supported for route {request.url.path.lstrip('/')}."
        f" Supported methods: {allowed}."
    )
    return _json(error_body(message), 405, {"Allow": allowed} if allowed else None)


def http_error(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    closing = {"Connection": "close"} if exc.status_code in CLOSING_STATUSES else None
    return _json(error_body(str(exc.detail)), exc.status_code, closing)


def server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _json(error_body("Server Error"), 500)


EXCEPTION_HANDLERS = {
    DomainError: domain_error,
    NotFoundException: route_not_found,
    MethodNotAllowedException: method_not_allowed,
    HTTPException: http_error,
    Exception: server_error,
}
