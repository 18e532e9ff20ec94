"""The Wasend face's fixtures: a live emulator, and the official SDK (a jsii wrapper that runs the
TypeScript client in Node) recording which of its public methods the tests drive."""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.config import DEFAULT_FIXTURES
from emulator.faces import WASEND
from tests.conftest import LiveServer
from tests.e2e.conftest import RecordingClient

# Node 20 works; the jsii runtime would otherwise print an end-of-life banner on every start.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

WASEND_KEY = json.loads(DEFAULT_FIXTURES.read_text())["accounts"][0]["keys"][WASEND]
# Which public SDK methods each test drove, by SDK: the README matrix is computed from it.
CALLED: dict[str, set[str]] = {"python": set(), "node": set()}


class Wasend:
    """A live emulator seen from the Wasend face: its base URL, and admin actions on its state."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.base_url = f"{server.url}/wasend"
        self.admin = httpx.Client(base_url=f"{server.url}/admin", timeout=10)
        # Room for every session the module creates.
        self.admin.put("/accounts/1", json={"session_limit": 1000}).raise_for_status()
        self._phones = iter(range(1, 10_000))

    def phone(self) -> str:
        return f"+1555888{next(self._phones):04d}"

    def scan(self, session_id: str) -> None:
        self.admin.post(f"/sessions/{session_id}/scan").raise_for_status()

    def advance(self, seconds: float) -> None:
        self.admin.post("/clock/advance", json={"seconds": seconds}).raise_for_status()

    def events(self, session_id: str, event: str) -> list[dict[str, Any]]:
        return self.admin.get("/events", params={"session_id": session_id, "event": event}).json()["data"]


@pytest.fixture(scope="module")
def wasend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Wasend]:
    log = tmp_path_factory.mktemp("wasend") / "server.log"
    server = LiveServer("--clock", "virtual", "--seed", "wasend", log=log)
    face = Wasend(server)
    yield face
    face.admin.close()
    server.stop()


@pytest.fixture(scope="module")
def sdk(wasend: Wasend) -> Any:
    """One Python client for the module: each starts a Node process, which is slow."""
    from wasend import WasendClient

    return RecordingClient(WasendClient(api_key=WASEND_KEY, base_url=wasend.base_url), CALLED["python"])


def sdk_methods() -> list[str]:
    """The Python SDK's public client methods."""
    from wasend import WasendClient

    return sorted(n for n in vars(WasendClient) if not n.startswith("_") and callable(getattr(WasendClient, n)))


def tarball() -> Path:
    """The JS client the wheel ships (the npm package is not published)."""
    spec = importlib.util.find_spec("wasend")
    assert spec is not None and spec.submodule_search_locations, "the wasend wheel is installed"
    return Path(spec.submodule_search_locations[0]) / "_jsii" / "core@1.3.3.jsii.tgz"
