"""SendAPI's error body, the superset of its two documented shapes:
`{"success": false, "error": {"type", "code", "message", "param"?}, "meta": {"request_id", "timestamp"}}`.

`type` names the error in words, `code` in the numbers of the error-codes page (status * 10 plus a
digit), so a client reading `error.code || error.type` finds either.
"""

from __future__ import annotations

import itertools
import logging
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, MethodNotAllowedException, NotFoundException

from emulator.http.requests import core_of
from emulator.http.timestamps import iso
from emulator.http.route_misses import allowed_methods
from emulator.http.statuses import reason_phrase
from emulator.domain.accounts import NO_SUBSCRIPTION, SESSION_LIMIT_REACHED
from emulator.domain.errors import DomainError, ValidationFailed
from emulator.domain.faults import ErrorAction
from emulator.faces.sendapi.public_ids import REQUEST, public_id

log = logging.getLogger("emulator")

MISSING_API_KEY = ("missing_api_key", 4010, "No API key provided. Send it as 'Authorization: Bearer sk_live_...'.")
INVALID_API_KEY = ("invalid_api_key", 4011, "The API key is invalid or has been revoked.")
RATE_LIMITED = ("rate_limit_exceeded", 4029, "Too many requests. Retry after the time in Retry-After.")
NOT_FOUND, CONFLICT, VALIDATION = ("not_found", 4040), ("conflict", 4090), ("validation_error", 4220)
METHOD_NOT_ALLOWED = ("method_not_allowed", 4050)
SERVER_ERROR = "Something went wrong on our side."
# The domain's refusals in SendAPI's words: plan problems are 402s on its error-codes page.
_PLAN_ERRORS = {
    NO_SUBSCRIPTION: (402, "subscription_required", 4020),
    SESSION_LIMIT_REACHED: (402, "quota_exceeded", 4028),
}
# By status otherwise; a state refusal (400 in the domain: "not connected", ...) is a 409 conflict.
_BY_STATUS = {
    400: (409, *CONFLICT),
    401: (401, "invalid_api_key", 4011),
    403: (403, "insufficient_scope", 4030),
    404: (404, *NOT_FOUND),
    405: (405, *METHOD_NOT_ALLOWED),
    413: (413, "payload_too_large", 4130),
    422: (422, *VALIDATION),
}
_request_numbers = itertools.count(1)


class SendApiError(Exception):
    def __init__(
        self,
        status: int,
        error_type: str,
        code: int,
        message: str,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.type, self.code, self.message, self.param = status, error_type, code, message, param
        self.headers = headers


def not_found(what: str) -> SendApiError:
    return SendApiError(404, *NOT_FOUND, f"{what} not found.")


def conflict(message: str) -> SendApiError:
    return SendApiError(409, *CONFLICT, message)


def invalid(param: str, message: str) -> SendApiError:
    return SendApiError(422, *VALIDATION, message, param)


def error_body(now: float, error_type: str, code: int, message: str, param: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"type": error_type, "code": code, "message": message}
    if param is not None:
        error["param"] = param
    request_id = public_id(REQUEST, next(_request_numbers))
    return {"success": False, "error": error, "meta": {"request_id": request_id, "timestamp": iso(now)}}


def injected_error(action: ErrorAction, now: float) -> dict[str, Any]:
    """A fault rule's error in SendAPI's body: its rate-limit words for a 429, `api_error` for a 5xx."""
    status = action.status
    if status == 429:
        error_type, code, default = RATE_LIMITED
    elif status >= 500:
        error_type, code, default = "api_error", status * 10, SERVER_ERROR
    else:
        # The face's words for a refusal it answers with this very status (its 409 for the domain's 400 is not one).
        answered, *words = _BY_STATUS.get(status, (None,))
        error_type, code = words if answered == status else ("invalid_request_error", status * 10)
        default = reason_phrase(status)
    return error_body(now, error_type, code, action.message or default)


def _answer(request: Request[Any, Any, Any], exc: SendApiError) -> Response[Any]:
    body = error_body(core_of(request).clock.now(), exc.type, exc.code, exc.message, exc.param)
    return Response(body, status_code=exc.status, media_type=MediaType.JSON, headers=exc.headers)


def _from_domain(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    if isinstance(exc, ValidationFailed):
        param, messages = next(iter(exc.errors.items()))
        return _answer(request, invalid(param, messages[0]))
    status, error_type, code = _PLAN_ERRORS.get(exc.message) or _BY_STATUS.get(exc.status_code, (409, *CONFLICT))
    return _answer(request, SendApiError(status, error_type, code, exc.message))


def _from_http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status, error_type, code = _BY_STATUS.get(exc.status_code, (exc.status_code, "invalid_request_error", 4000))
    if exc.status_code == 400:
        status, error_type, code = 400, "invalid_request_error", 4000
    return _answer(request, SendApiError(status, error_type, code, str(exc.detail)))


def route_not_found(request: Request[Any, Any, Any], _: NotFoundException) -> Response[Any]:
    return _answer(request, SendApiError(404, *NOT_FOUND, f"No route matches {request.method} {request.url.path}."))


def method_not_allowed(request: Request[Any, Any, Any], exc: MethodNotAllowedException) -> Response[Any]:
    allowed = allowed_methods(exc)
    message = f"{request.url.path} does not serve {request.method}; it serves {allowed}."
    return _answer(request, SendApiError(405, *METHOD_NOT_ALLOWED, message, headers={"Allow": allowed}))


def _server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _answer(request, SendApiError(500, "api_error", 5000, SERVER_ERROR))


EXCEPTION_HANDLERS = {
    SendApiError: _answer,
    DomainError: _from_domain,
    HTTPException: _from_http,
    Exception: _server_error,
}
