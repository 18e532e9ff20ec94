"""The command line as a newcomer meets it: the default command, and one clear line for
each way start-up can fail."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from emulator import __version__
from tests.conftest import LiveServer


def start(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "emulator", *args], capture_output=True, text=True, timeout=30
    )


def test_serve_is_the_default_command_also_with_flags(tmp_path: Path) -> None:
    server = LiveServer(command=(sys.executable, "-m", "emulator"), log=tmp_path / "server.log")
    server.stop()
    assert server.banner.startswith("WasenderAPI emulator listening on http://127.0.0.1:")


def test_the_banner_names_each_face_with_a_url_and_key_that_answer(live_server: LiveServer) -> None:
    printed = dict(re.findall(r"^\s*([\w ]+?):\s+(\S+)$", live_server.banner, re.MULTILINE))
    wasend = httpx.get(f"{printed['Wasend base URL']}/sessions", headers=bearer(printed["wasend API key"]))
    sendapi = httpx.get(f"{printed['SendAPI base URL']}/whatsapp/sessions", headers=bearer(printed["sendapi API key"]))
    mcp = httpx.post(printed["MCP server"], json={}, headers={"Accept": "application/json, text/event-stream"})
    assert wasend.status_code == 200 and wasend.json() == {"sessions": []}
    assert sendapi.status_code == 200 and sendapi.json()["meta"]["total"] == 0
    assert mcp.status_code == 401  # the MCP door is there, asking for the personal access token


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_version() -> None:
    assert start("--version").stdout.strip() == f"wasender-emulator {__version__}"


def test_a_missing_fixture_file_is_one_line_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    result = start("--fixtures", str(missing), "--db", ":memory:", "--port", "0")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"wasender-emulator: {missing}: cannot read the fixture file (No such file or directory)"]


def test_a_malformed_fixture_file_names_its_line_and_column(tmp_path: Path) -> None:
    fixtures = tmp_path / "broken.json"
    fixtures.write_text('{"accounts": [\n  {"id": 1,,}\n]}')
    result = start("--fixtures", str(fixtures), "--db", ":memory:", "--port", "0")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"wasender-emulator: {fixtures}: JSON is malformed: object keys must be strings (line 2, column 12)"
    ]


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_a_port_in_use_suggests_another(taken_port: int) -> None:
    result = start("--db", ":memory:", "--port", str(taken_port))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"wasender-emulator: cannot listen on 127.0.0.1:{taken_port}: Address already in use"
        " (another port: --port N, or --port 0 for a free one)"
    ]
