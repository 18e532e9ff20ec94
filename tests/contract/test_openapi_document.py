"""The published document, the one the server serves and the one built from the code are the same."""

from __future__ import annotations

import json
from pathlib import Path

from litestar.testing import TestClient

from emulator.api.contract import build, document_text
from emulator.domain.events import DOCUMENTED_EVENTS
from tests.routes import ROUTES

PUBLISHED = Path(__file__).parents[2] / "openapi" / "wasenderapi.json"


def test_the_published_file_is_the_built_document() -> None:
    # Regenerate with: python -m emulator.api.contract > openapi/wasenderapi.json
    assert PUBLISHED.read_text() == document_text()


def test_the_server_serves_the_published_file(client: TestClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == json.loads(PUBLISHED.read_text())


def test_every_vendor_route_is_documented_and_no_admin_route_is() -> None:
    paths = build()["paths"]
    documented = {(method.upper(), path) for path, operations in paths.items() for method in operations}
    documented_shapes = {(method, _shape(path)) for method, path in documented}
    vendor_routes = {(method, path) for method, path in ROUTES if path.startswith("/api/")}
    assert {(method, _shape(path)) for method, path in vendor_routes} <= documented_shapes
    assert not any(path.startswith("/admin") for path in paths)


def test_every_documented_webhook_event_is_in_the_document() -> None:
    assert set(build()["webhooks"]) == set(DOCUMENTED_EVENTS)


def _shape(path: str) -> str:
    """A path with every parameter written {id}, as tests/routes.py writes them."""
    return "/".join("{id}" if part.startswith("{") else part for part in path.split("/"))
