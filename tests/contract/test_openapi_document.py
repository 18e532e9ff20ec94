"""The published documents, the ones the server serves and the ones built from the code are the same."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar.testing import TestClient

from emulator.admin.contract import build_admin
from emulator.app import create_app
from emulator.config import Settings
from emulator.domain.events import DOCUMENTED_EVENTS
from emulator.faces.wasenderapi.contract import Contract, assemble, build, document_text, normalised_descriptions

PUBLISHED = Path(__file__).parents[2] / "openapi"
# (published file, builder, where the server serves it). Regenerate with
# python -m emulator.faces.wasenderapi.contract > openapi/wasenderapi.json and
# python -m emulator.admin.contract > openapi/admin.json.
DOCUMENTS = [
    ("wasenderapi.json", build, "/openapi.json"),
    ("admin.json", build_admin, "/admin/openapi.json"),
]


@pytest.mark.parametrize(("file", "builder", "served_at"), DOCUMENTS)
def test_the_published_file_is_the_built_document(file: str, builder: Callable[[], dict[str, Any]], served_at: str) -> None:
    assert (PUBLISHED / file).read_text() == document_text(builder())


@pytest.mark.parametrize(("file", "builder", "served_at"), DOCUMENTS)
def test_the_server_serves_the_published_file(
    client: TestClient, file: str, builder: Callable[[], dict[str, Any]], served_at: str
) -> None:
    response = client.get(served_at)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == json.loads((PUBLISHED / file).read_text())


def test_every_route_is_in_exactly_one_document() -> None:
    vendor, admin = _operations(build()), _operations(build_admin())
    assert not vendor & admin
    assert all(path.startswith("/api/") or path == "/auth-check" for _, path in vendor)
    assert all(path.startswith("/admin/") for _, path in admin)
    # The media files behind publicUrl and the documents themselves are plain downloads.
    downloads = {"/media/{}", "/media/avatars/{}", "/openapi.json", "/admin/openapi.json"}
    # The dashboard: its page and assets, its event stream and the media it draws.
    downloads |= {"/", "/dashboard/{}", "/admin/dashboard/stream", "/admin/dashboard/messages/{}/media"}
    # The Wasend and SendAPI faces have no OpenAPI document: Wasend's contract is its SDK's models
    # (tests/faces/wasend), SendAPI's its README section (tests/faces/sendapi).
    # /mcp speaks MCP's JSON-RPC; its tools list documents it, and each tool is one of these operations.
    routes = {
        (m, p) for m, p in _routes() if p not in downloads | {"/mcp"} and not p.startswith(("/wasend/", "/sendapi/"))
    }
    assert routes == vendor | admin


def test_every_documented_webhook_event_is_in_the_document() -> None:
    assert set(build()["webhooks"]) == set(DOCUMENTED_EVENTS)


def _operations(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method.upper(), _shape(path)) for path, operations in document["paths"].items() for method in operations}


def _routes() -> set[tuple[str, str]]:
    app = create_app(Settings(db=":memory:"))
    routes = set()
    for route in app.routes:
        # The lean send-message route is an ASGI route that checks the method itself.
        for method in getattr(route, "methods", None) or ("POST",):
            if method not in ("HEAD", "OPTIONS"):
                routes.add((method, _shape(route.path)))
    return routes


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


class _Reply(msgspec.Struct):
    """A text, or one
    of the happenings below."""

    text: str


# The same docstring as one msgspec release gives it (indentation kept) and as another does
# (cleaned): the document must not depend on which one is installed.
_AS_WRITTEN = "A text, or one\n    of the happenings below."
_CLEANED = "A text, or one\nof the happenings below."


@pytest.mark.parametrize("description", [_AS_WRITTEN, _CLEANED])
def test_descriptions_come_out_the_same_whichever_way_msgspec_dedents_docstrings(description: str) -> None:
    schema = {"title": "Reply", "description": description, "properties": {"text": {"type": "string"}}}
    assert normalised_descriptions(schema)["description"] == _CLEANED


def test_the_builder_cleans_a_struct_docstring() -> None:
    contract = Contract(
        title="t", description="d", operations=(), response_structs=(_Reply,), security_schemes={},
        body_examples={}, rate_limited=False,
    )
    assert assemble(contract)["components"]["schemas"]["_Reply"]["description"] == _CLEANED
