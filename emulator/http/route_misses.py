"""A request no route takes is worded by the face whose path it is under: each face that words
such misses its own way names its path prefix; every other path gets the default's words."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from litestar import Request, Response
from litestar.exceptions import MethodNotAllowedException

Handler = Callable[[Request[Any, Any, Any], Any], Response[Any]]


def by_path_prefix(faces: Mapping[str, Handler], default: Handler) -> Handler:
    def handle(request: Request[Any, Any, Any], exc: Any) -> Response[Any]:
        path = request.url.path
        for prefix, handler in faces.items():
            if path == prefix or path.startswith(f"{prefix}/"):
                return handler(request, exc)
        return default(request, exc)

    return handle


def allowed_methods(exc: MethodNotAllowedException) -> str:
    """The methods the path serves, in a stable order, for an `Allow` header: Litestar adds OPTIONS
    to every route by itself, which no vendor lists."""
    listed = (exc.headers or {}).get("allow", "").split(", ")
    return ", ".join(sorted(m for m in listed if m and m != "OPTIONS"))
