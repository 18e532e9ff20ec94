from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient

from emulator.app import create_app
from emulator.config import DEFAULT_FIXTURES, Settings

_DEFAULTS = json.loads(DEFAULT_FIXTURES.read_text())["accounts"][0]
PAT = _DEFAULTS["personal_access_token"]
CONNECTED_KEY = _DEFAULTS["sessions"][0]["api_key"]
DISCONNECTED_KEY = _DEFAULTS["sessions"][1]["api_key"]
CONNECTED_ID = _DEFAULTS["sessions"][0]["id"]
DISCONNECTED_ID = _DEFAULTS["sessions"][1]["id"]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def make_client(**settings: Any) -> TestClient:
    options: dict[str, Any] = {"db": ":memory:", "clock": "virtual", "seed": "tests", **settings}
    return TestClient(create_app(Settings(**options)))


_shared: dict[str, TestClient] = {}


def shared_client(seed: str, **settings: Any) -> TestClient:
    """One app kept for a whole hypothesis run, where a new app per example would be slow."""
    if seed not in _shared:
        _shared[seed] = make_client(seed=seed, **settings)
        _shared[seed].__enter__()
    return _shared[seed]


@pytest.fixture
def client() -> Iterator[TestClient]:
    with make_client() as test_client:
        yield test_client


@pytest.fixture
def new_account(client: TestClient):
    """A factory of isolated accounts: answers (id, personal access token)."""

    def create(plan: str = "paid", session_limit: int = 10) -> tuple[int, str]:
        data = client.post("/admin/accounts", json={"plan": plan, "session_limit": session_limit}).json()["data"]
        return data["id"], data["personal_access_token"]

    return create


@pytest.fixture
def new_session(client: TestClient):
    """A factory of sessions of the default account: answers the session object."""
    counter = iter(range(1_000_000))

    def create(token: str = PAT, **fields: Any) -> dict[str, Any]:
        body = {
            "name": "Test session",
            "phone_number": f"+1555777{next(counter):04d}",
            "account_protection": False,
            "log_messages": True,
            **fields,
        }
        response = client.post("/api/whatsapp-sessions", json=body, headers=auth(token))
        assert response.status_code == 200, response.text
        return response.json()["data"]

    return create


EMULATOR_COMMAND = (sys.executable, "-m", "emulator", "serve")
# Generous: a loaded machine starts Python slowly, and waiting costs nothing when it is quick.
STARTUP_WAIT = 60


class LiveServer:
    """The emulator as a user starts it, in its own process, on a free port of 127.0.0.1."""

    def __init__(
        self, *args: str, db: str | Path = ":memory:", log: Path, command: tuple[str, ...] = EMULATOR_COMMAND,
        cwd: Path | None = None,
    ) -> None:
        self.log = log
        self.args = args
        self.db = db
        self._log_file = log.open("w")
        self.process = subprocess.Popen(
            [*command, "--port", "0", "--db", str(db), *args],
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=cwd,
            env={k: v for k, v in os.environ.items() if not k.startswith("EMULATOR_")},
        )
        self.banner = self._wait_for_banner()
        match = re.search(r"base URL for the SDKs:\s+(\S+)", self.banner)
        assert match, self.banner
        self.api_url = match.group(1)
        self.url = self.api_url.removesuffix("/api")
        self._wait_until_healthy()

    def _wait_for_banner(self) -> str:
        deadline = time.monotonic() + STARTUP_WAIT
        while time.monotonic() < deadline:
            text = self.log.read_text()
            if "admin API" in text:
                return text
            if self.process.poll() is not None:
                raise RuntimeError(f"the emulator exited early:\n{text}")
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the emulator printed no banner within {STARTUP_WAIT} s")

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_WAIT
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/admin/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the emulator did not answer within {STARTUP_WAIT} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log_file.close()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer("--clock", "virtual", "--seed", "live", log=tmp_path_factory.mktemp("live") / "server.log")
    yield server
    server.stop()
