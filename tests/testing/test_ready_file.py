"""`serve --ready-file`: one JSON object, written whole once the server answers."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx

from emulator.config import DEFAULT_FIXTURES
from emulator.ready_file import write_atomically
from tests.conftest import auth


def test_the_ready_file_says_where_it_listens_and_holds_the_fixture_tokens(tmp_path: Path) -> None:
    ready = tmp_path / "ready.json"
    server = subprocess.Popen(
        [sys.executable, "-m", "emulator", "serve", "--port", "0", "--db", ":memory:", "--ready-file", str(ready)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not ready.exists() and time.monotonic() < deadline and server.poll() is None:
            time.sleep(0.02)
        info = json.loads(ready.read_text())
        # Written once it answers: the first request after the file appears succeeds.
        assert httpx.get(f"{info['admin_url']}/health").json()["data"]["status"] == "ok"
        assert info["api_url"] == f"{info['url']}/api" and info["admin_url"] == f"{info['url']}/admin"
        fixture = json.loads(DEFAULT_FIXTURES.read_text())["accounts"][0]
        [account] = info["accounts"]
        assert account["personal_access_token"] == fixture["personal_access_token"]
        assert [(s["id"], s["api_key"], s["webhook_secret"], s["status"]) for s in account["sessions"]] == [
            (s["id"], s["api_key"], s["webhook_secret"], s.get("status", "disconnected")) for s in fixture["sessions"]
        ]
        assert account["keys"] == fixture["keys"]
        wasend = httpx.get(f"{info['wasend_url']}/sessions", headers=auth(account["keys"]["wasend"]))
        sendapi = httpx.get(f"{info['sendapi_url']}/whatsapp/sessions", headers=auth(account["keys"]["sendapi"]))
        assert (wasend.json(), sendapi.json()["meta"]["total"]) == ({"sessions": []}, 0)
        assert info["mcp_url"] == f"{info['url']}/mcp"
        connected = account["sessions"][0]["api_key"]
        assert httpx.get(f"{info['api_url']}/status", headers=auth(connected)).json()["status"] == "connected"
        assert [p.name for p in tmp_path.iterdir()] == ["ready.json"]
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_reader_sees_the_whole_file_or_none_and_no_partial_is_left(tmp_path: Path) -> None:
    target = tmp_path / "ready.json"
    target.write_text("an older run's file")
    write_atomically(target, {"url": "http://127.0.0.1:1"})
    assert json.loads(target.read_text()) == {"url": "http://127.0.0.1:1"}
    assert [p.name for p in tmp_path.iterdir()] == ["ready.json"]
