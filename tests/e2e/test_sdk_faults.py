"""Clients' error handling against injected faults, over real sockets: the SDKs' retries, timeouts, cut bodies."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import wasenderapi.sync_client
from wasenderapi import create_sync_wasender
from wasenderapi.models import RetryConfig

from tests.conftest import CONNECTED_ID, CONNECTED_KEY, LiveServer, auth

SEND = "POST /api/send-message"


@pytest.fixture
def faults(live_server: LiveServer) -> Iterator[Callable[..., dict[str, Any]]]:
    """Adds rules to the live server; every rule is removed after the test."""

    def add(**rule: Any) -> dict[str, Any]:
        response = httpx.post(f"{live_server.url}/admin/faults", json=rule)
        assert response.status_code == 201, response.text
        return response.json()["data"]

    yield add
    httpx.delete(f"{live_server.url}/admin/faults")


@pytest.fixture
def clock_sleep(live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The Python SDK's sleeps, made on the emulator's virtual clock instead of the wall clock."""
    waited: list[float] = []

    def sleep_on_the_emulators_clock(seconds: float) -> None:
        waited.append(seconds)
        httpx.post(f"{live_server.url}/admin/clock/advance", json={"seconds": seconds})

    monkeypatch.setattr(wasenderapi.sync_client.time, "sleep", sleep_on_the_emulators_clock)
    return waited


def fired(server: LiveServer, rule: dict[str, Any]) -> int:
    return httpx.get(f"{server.url}/admin/faults/{rule['id']}").json()["data"]["fired"]


def clock_now(server: LiveServer) -> float:
    return httpx.get(f"{server.url}/admin/clock").json()["data"]["now"]


def retrying_client(server: LiveServer) -> Any:
    return create_sync_wasender(CONNECTED_KEY, base_url=server.api_url, retry_options=RetryConfig(enabled=True, max_retries=2))


def test_retry_config_waits_out_an_injected_429_on_the_virtual_clock(
    live_server: LiveServer, faults: Callable[..., dict[str, Any]], clock_sleep: list[float]
) -> None:
    rule = faults(route=SEND, session_id=CONNECTED_ID, times=1, action={"type": "error", "status": 429, "retry_after": 30})
    before = clock_now(live_server)
    sent = retrying_client(live_server).send_text("+15551234567", "after a wait")
    assert sent.response.success and sent.response.data.message_id > 0
    assert clock_sleep == [30] and clock_now(live_server) - before >= 30
    assert fired(live_server, rule) == 1


def test_retry_config_retries_a_reset_connection(
    live_server: LiveServer, faults: Callable[..., dict[str, Any]], clock_sleep: list[float]
) -> None:
    rule = faults(route=SEND, times=1, action={"type": "reset"})
    sent = retrying_client(live_server).send_text("+15551234567", "after a reset")
    assert sent.response.success
    assert clock_sleep == [1] and fired(live_server, rule) == 1


def test_a_reset_reaches_an_httpx_client_as_a_broken_connection(live_server: LiveServer, faults: Callable[..., dict[str, Any]]) -> None:
    faults(route="GET /api/status", times=1, action={"type": "reset"})
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{live_server.api_url}/status", headers=auth(CONNECTED_KEY))
    assert httpx.get(f"{live_server.api_url}/status", headers=auth(CONNECTED_KEY)).status_code == 200


def test_a_timeout_rule_makes_an_httpx_client_time_out(live_server: LiveServer, faults: Callable[..., dict[str, Any]]) -> None:
    rule = faults(route="GET /api/status", times=1, action={"type": "timeout"})
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(f"{live_server.api_url}/status", headers=auth(CONNECTED_KEY), timeout=0.3)
    assert fired(live_server, rule) == 1
    assert httpx.get(f"{live_server.api_url}/status", headers=auth(CONNECTED_KEY)).status_code == 200


def test_a_truncated_body_is_cut_short_of_its_content_length(live_server: LiveServer, faults: Callable[..., dict[str, Any]]) -> None:
    faults(route="GET /api/status", times=1, action={"type": "truncate"})
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(f"{live_server.api_url}/status", headers=auth(CONNECTED_KEY))


def test_latency_delays_the_answer_and_then_answers_normally(live_server: LiveServer, faults: Callable[..., dict[str, Any]]) -> None:
    faults(route="GET /api/status", times=1, action={"type": "latency", "min": 0.5, "max": 0.6})
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(f"{live_server.api_url}/status", headers=auth(CONNECTED_KEY), timeout=0.2)


@pytest.mark.sdk("node", "sendText", "getSessionStatus")
def test_node_sdk_sees_the_injected_429s_retry_after(
    live_server: LiveServer, faults: Callable[..., dict[str, Any]], node_sdk: Callable[..., dict]
) -> None:
    # The script's first send passes, its second meets the injected 429.
    faults(route=SEND, session_id=CONNECTED_ID, after=1, times=1, action={"type": "error", "status": 429, "retry_after": 42})
    result = node_sdk("rate_limits.cjs", API_KEY=CONNECTED_KEY, BASE_URL=live_server.api_url)
    assert result["refused"]["statusCode"] == 429 and result["refused"]["retryAfter"] == 42


def test_a_scenario_file_makes_a_started_emulator_flaky_in_a_known_way(tmp_path: Path) -> None:
    scenario = tmp_path / "flaky.json"
    rules = [{"route": SEND, "times": 1, "name": "first-send-fails", "action": {"type": "error", "status": 503}}]
    scenario.write_text(json.dumps(rules))
    server = LiveServer("--clock", "virtual", "--faults", str(scenario), "--fault-header", "on", log=tmp_path / "server.log")
    try:
        sent = [send_over_the_wire(server) for _ in range(2)]
        assert [s.status_code for s in sent] == [503, 200]
        assert sent[0].headers["x-emulator-fault"] == "first-send-fails" and "x-emulator-fault" not in sent[1].headers
        httpx.post(f"{server.url}/admin/reset").raise_for_status()
        assert send_over_the_wire(server).status_code == 503
    finally:
        server.stop()


def send_over_the_wire(server: LiveServer) -> httpx.Response:
    return httpx.post(f"{server.api_url}/send-message", json={"to": "+15551234567", "text": "hi"}, headers=auth(CONNECTED_KEY))


def test_a_scenario_naming_an_unknown_route_stops_the_start_in_one_line(tmp_path: Path) -> None:
    scenario = tmp_path / "bad.json"
    scenario.write_text(json.dumps({"rules": [{"route": "GET /api/nowhere", "action": {"type": "reset"}}]}))
    result = subprocess.run(
        [sys.executable, "-m", "emulator", "--faults", str(scenario), "--db", ":memory:", "--port", "0"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "wasender-emulator: fault rule 1 of the scenario: route: The route 'GET /api/nowhere' matches no route of the API."
    ]
