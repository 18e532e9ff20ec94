"""What no SendAPI route takes (an unknown path, a method its path does not serve): SendAPI's error
body, counted against the caller's key with the rate-limit headers as every request is. Routing
fails before the face's own middleware runs, so the app hands these here by their path."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException

from emulator.faces.sendapi import errors
from emulator.faces.sendapi.access import counted, refusal_body
from emulator.http.rate_limits import rate_header_values
from emulator.http.requests import core_of
from emulator.http.route_misses import Handler


def _counted(answer: Handler) -> Handler:
    def handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
        core = core_of(request)
        if not core.rate_limiter.enabled:
            return answer(request, exc)
        decision = counted(core, request.headers)
        limits = rate_header_values(decision)
        if not decision.allowed:
            headers = {**limits, "Retry-After": str(decision.retry_after)}
            return Response(refusal_body(core, decision), status_code=429, media_type=MediaType.JSON, headers=headers)
        response = answer(request, exc)
        response.headers.update(limits)
        return response

    return handler


route_not_found = _counted(errors.route_not_found)
method_not_allowed = _counted(errors.method_not_allowed)
