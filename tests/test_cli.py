"""The command line as a newcomer meets it: the default command, and one clear line for
each way start-up can fail."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from emulator import __version__
from tests.conftest import PAT, LiveServer


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


def test_ctrl_c_stops_at_once_and_quietly_with_the_dashboard_and_an_mcp_stream_open(tmp_path: Path) -> None:
    server = LiveServer(log=tmp_path / "server.log")
    mcp = mcp_stream_headers(server.url)
    ended: dict[str, bool] = {}

    def follow(path: str, headers: dict[str, str]) -> None:
        with httpx.stream("GET", server.url + path, headers=headers, timeout=30) as response:
            assert response.status_code == 200
            for _ in response.iter_bytes():  # ends only when the server ends the stream
                pass
        ended[path] = True

    with ThreadPoolExecutor(2) as pool:
        streams = [pool.submit(follow, "/admin/dashboard/stream", {}), pool.submit(follow, "/mcp", mcp)]
        time.sleep(1)  # both are open and waiting
        started = time.monotonic()
        server.process.send_signal(signal.SIGINT)
        code = server.process.wait(timeout=30)
        stopped_in = time.monotonic() - started
        for stream in streams:
            stream.result(timeout=5)
    server.stop()
    log = (tmp_path / "server.log").read_text()
    assert (code, ended) == (0, {"/admin/dashboard/stream": True, "/mcp": True})
    assert stopped_in < 1  # no wait for the streams: the graceful stop's own limit is a second
    assert "ERROR" not in log and "Traceback" not in log, log


def mcp_stream_headers(url: str) -> dict[str, str]:
    """The headers of the GET that opens a fresh MCP session's event stream."""
    headers = {"Authorization": f"Bearer {PAT}", "Accept": "application/json, text/event-stream"}
    hello = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "tests", "version": "1"}}
    opened = httpx.post(url + "/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": hello}, headers=headers)
    headers |= {"Mcp-Session-Id": opened.headers["mcp-session-id"], "Mcp-Protocol-Version": "2025-06-18"}
    httpx.post(url + "/mcp", json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=headers)
    return {**headers, "Accept": "text/event-stream"}


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
