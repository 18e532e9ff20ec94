"""`make bench`: the emulator's speed, measured over loopback on this machine.

Starts the emulator as a user does (durable SQLite file, rate limits off), drives it with
wrk, prints a table and writes bench/results.json. Timing lives here, never in unit tests.
"""

from __future__ import annotations

import json
import os
import platform
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

import in_your_tests
from history import DEEP_PAGE, measure_history
from receiver import SlowReceiver

HERE = Path(__file__).resolve().parent
FIXTURES = json.loads((HERE.parent / "fixtures" / "default.json").read_text())
API_KEY = FIXTURES["accounts"][0]["sessions"][0]["api_key"]
PAT = FIXTURES["accounts"][0]["personal_access_token"]
CONNECTIONS = 50
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
TARGETS = {
    "send_rps": 8000,
    "send_p99_ms": 15,
    "reset_ms": 50,
    "cold_start_s": 1.0,
    "rss_mb": 150,
    "webhook_deliveries_per_s": 1000,
    "send_ratio_during_fan_out": 0.85,
    "busy_session_deliveries_per_s": 1000,
    "busy_session_send_ratio": 0.85,
    "send_ratio_with_idle_connections": 0.8,
    "history_cold_start_s": 1.0,
    "history_rss_mb": 120,
    "history_rss_after_mixed_mb": 150,
    "history_logs_p99_ms": 20,
    "history_reset_ms": 100,
    "mcp_send_p99_ms": 20,
    "send_ratio_during_mcp": 0.9,
}
# Open, silent connections held while session 1 sends. (A connection that served a request
# and falls silent is closed after five seconds; one that never spoke is held.)
IDLE_CONNECTIONS = 2000
RESET_MESSAGES = 10_000
RSS_MESSAGES = 100_000
SETTLE_SECONDS = 5
# A session's events reach its receiver one at a time, in order: at 100 ms an answer, many
# sessions make the fan-out. Sends spread over them for BACKLOG_SECONDS leave a backlog that
# outlasts the measured sends (each send yields EVENTS_PER_SEND of the events they listen to).
WEBHOOK_SESSIONS = int(os.environ.get("BENCH_WEBHOOK_SESSIONS", "300"))
BACKLOG_SECONDS = 3
EVENTS_PER_SEND = 5  # messages.upsert, message.sent, messages.update x 3
RECEIVER_DELAY = 0.1
# One busy session listening to its own sends (one event each) on that 100 ms receiver, at its
# deliveries' default concurrency (in order) and at a high one.
BUSY_SESSION_EVENTS = ["message.sent"]
BUSY_SESSION_CONCURRENCY = (1, 200)


class Emulator:
    def __init__(self, workdir: Path, *flags: str) -> None:
        started = time.perf_counter()
        self.log = (workdir / "server.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "emulator", "serve", "--port", "0", "--db", str(workdir / "bench.db"),
             "--rate-limits", "off", "--seed", "bench", *flags],
            stdout=self.log, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self.url = self._wait_for_url(workdir / "server.log")
        self.cold_start_s = round(time.perf_counter() - started, 3)

    def _wait_for_url(self, log: Path) -> str:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            match = re.search(r"listening on (http://\S+)", log.read_text())
            if match:
                url = match.group(1)
                try:
                    httpx.get(f"{url}/admin/health", timeout=1).raise_for_status()
                    return url
                except httpx.HTTPError:
                    pass
            time.sleep(0.05)
        self.stop()
        raise SystemExit(f"the emulator did not start:\n{log.read_text()}")

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return round(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024, 1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)
        self.log.close()


def wrk(url: str, script: Path, seconds: int, env: dict[str, str], connections: int = CONNECTIONS) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url],
        capture_output=True, text=True, env={**os.environ, **env}, timeout=seconds + 60, check=True,
    ).stdout  # fmt: skip
    match = re.search(r"BENCH (.*)", out)
    if match is None:
        raise SystemExit(f"wrk printed no figures:\n{out}")
    figures = dict(pair.split("=") for pair in match.group(1).split())
    requests, errors = int(figures["requests"]), int(figures["errors"]) + int(figures["non2xx"])
    return {
        "requests": requests,
        "requests_per_second": round(requests / (int(figures["duration_us"]) / 1e6)),
        "p50_ms": round(int(figures["p50_us"]) / 1000, 2),
        "p99_ms": round(int(figures["p99_us"]) / 1000, 2),
        "failed_requests": errors,
    }


def send_messages(url: str, count: int) -> None:
    """Store `count` more messages quickly, over a few keep-alive connections."""
    body = {"to": "+15551234567", "text": "filler"}
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {API_KEY}"}) as client:
        for _ in range(count):
            client.post("/api/send-message", json=body).raise_for_status()


def stored_messages(url: str) -> int:
    logs = httpx.get(f"{url}/api/whatsapp-sessions/1/message-logs", headers={"Authorization": f"Bearer {API_KEY}"})
    return logs.json()["data"]["total"]


OPENAPI = HERE.parent / "openapi" / "wasenderapi.json"


def prism_send() -> dict[str, float]:
    """The same send-message load against Stoplight Prism mocking our OpenAPI document."""
    prism = HERE / "node_modules" / ".bin" / "prism"
    if not prism.exists():
        # Exactly bench/package-lock.json.
        subprocess.run(["npm", "ci", "--silent", "--no-audit", "--no-fund", "--prefix", str(HERE)], check=True, timeout=600)
    port = _free_port()
    process = subprocess.Popen(
        [str(prism), "mock", str(OPENAPI), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/api/send-message"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.post(url, json={"to": "+15551234567", "text": "up?"}, headers={"Authorization": f"Bearer {API_KEY}"})
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        return wrk(url, HERE / "send_message.lua", SECONDS, {"BENCH_API_KEY": API_KEY})
    finally:
        process.terminate()
        process.wait(timeout=15)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def hooked_sessions(url: str, receiver_url: str, count: int, webhooks_on: bool) -> list[str]:
    """The API keys of `count` connected sessions of a new account, their webhooks on `receiver_url`."""
    pat = httpx.post(f"{url}/admin/accounts", json={"session_limit": count}).json()["data"]["personal_access_token"]
    keys = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {pat}"}) as client:
        for n in range(count):
            body = {"name": f"hook {n}", "phone_number": f"+1444{n:07d}", "account_protection": False,
                    "log_messages": True, "webhook_url": receiver_url, "webhook_enabled": webhooks_on,
                    "webhook_events": ["messages.upsert", "message.sent", "messages.update"]}  # fmt: skip
            session = client.post("/api/whatsapp-sessions", json=body).json()["data"]
            client.post(f"/api/whatsapp-sessions/{session['id']}/connect")
            client.post(f"/admin/sessions/{session['id']}/scan")
            keys.append(session["api_key"])
    return keys


def sends_during_fan_out(webhooks_on: bool) -> dict[str, float]:
    """Session 1's sends while the backlog of WEBHOOK_SESSIONS sessions is delivered (or not, webhooks off)."""
    with tempfile.TemporaryDirectory() as workdir:
        emulator = Emulator(Path(workdir))
        receiver = SlowReceiver(RECEIVER_DELAY)
        try:
            keys_file = Path(workdir) / "keys"
            keys_file.write_text("\n".join(hooked_sessions(emulator.url, receiver.url, WEBHOOK_SESSIONS, webhooks_on)))
            backlog = wrk(f"{emulator.url}/api/send-message", HERE / "send_message.lua", BACKLOG_SECONDS,
                          {"BENCH_KEYS_FILE": str(keys_file)})  # fmt: skip
            time.sleep(SETTLE_SECONDS)  # the backlog's messages reach read: their steps are not in the figure
            delivered, started = receiver.received, time.perf_counter()
            send = wrk(f"{emulator.url}/api/send-message", HERE / "send_message.lua", SECONDS, {"BENCH_API_KEY": API_KEY})
            span = time.perf_counter() - started
            backlog_sends = backlog["requests"]
            return {
                **send,
                "deliveries_per_second": round((receiver.received - delivered) / span),
                "backlog_sends": backlog_sends,
                "undelivered_after": max(backlog_sends * EVENTS_PER_SEND - receiver.received, 0) if webhooks_on else 0,
            }
        finally:
            emulator.stop()
            receiver.stop()


def sends_of_a_listening_session() -> dict[str, float]:
    """Session 1's sends when it listens to its own message events, on a receiver answering at once."""
    with tempfile.TemporaryDirectory() as workdir:
        emulator = Emulator(Path(workdir))
        receiver = SlowReceiver(0)
        try:
            body = {"webhook_url": receiver.url, "webhook_enabled": True,
                    "webhook_events": ["messages.upsert", "message.sent", "messages.update"]}  # fmt: skip
            httpx.put(f"{emulator.url}/api/whatsapp-sessions/1", json=body, headers={"Authorization": f"Bearer {PAT}"})
            return wrk(f"{emulator.url}/api/send-message", HERE / "send_message.lua", SECONDS, {"BENCH_API_KEY": API_KEY})
        finally:
            emulator.stop()
            receiver.stop()


def sends_with_idle_connections() -> dict[str, object]:
    """Session 1's sends without, then with, IDLE_CONNECTIONS idle connections open."""
    with tempfile.TemporaryDirectory() as workdir:
        emulator = Emulator(Path(workdir))
        send = (f"{emulator.url}/api/send-message", HERE / "send_message.lua", SECONDS, {"BENCH_API_KEY": API_KEY})
        try:
            alone = wrk(*send)
            host, port = emulator.url.removeprefix("http://").rsplit(":", 1)
            idle = [socket.create_connection((host, int(port))) for _ in range(IDLE_CONNECTIONS)]
            try:
                crowded = wrk(*send)
            finally:
                for connection in idle:
                    connection.close()
        finally:
            emulator.stop()
    ratio = round(crowded["requests_per_second"] / max(alone["requests_per_second"], 1), 3)
    return {"idle_connections": IDLE_CONNECTIONS, "sends_alone": alone, "sends_with_idle": crowded, "send_ratio": ratio}


def webhook_fan_out() -> dict[str, object]:
    """The same load twice, webhooks on then off: deliveries/s meanwhile, and what they cost the sends."""
    hooked, plain = sends_during_fan_out(webhooks_on=True), sends_during_fan_out(webhooks_on=False)
    return {
        "sessions": WEBHOOK_SESSIONS,
        "receiver_delay_ms": RECEIVER_DELAY * 1000,
        "deliveries_per_second": hooked["deliveries_per_second"],
        "sends_with_webhooks": hooked,
        "sends_without_webhooks": plain,
        "send_ratio": round(hooked["requests_per_second"] / max(plain["requests_per_second"], 1), 3),
    }


def first_delivery(url: str, receiver: SlowReceiver) -> None:
    """One send's webhook received: the delivery process it starts is running before the measure."""
    body = {"to": "+15551234567", "text": "first"}
    httpx.post(f"{url}/api/send-message", json=body, headers={"Authorization": f"Bearer {API_KEY}"}).raise_for_status()
    deadline = time.monotonic() + 30
    while not receiver.received and time.monotonic() < deadline:
        time.sleep(0.05)


def busy_session_sends(concurrency: int | None) -> dict[str, object]:
    """Session 1's sends at full speed, its webhook on BUSY_SESSION_EVENTS at `concurrency`
    deliveries at once (None: webhook off): its receiver's deliveries/s meanwhile, and its backlog after."""
    with tempfile.TemporaryDirectory() as workdir:
        flags = () if concurrency is None else ("--webhook-concurrency", str(concurrency))
        emulator = Emulator(Path(workdir), *flags)
        receiver = SlowReceiver(RECEIVER_DELAY)
        try:
            if concurrency is not None:
                body = {"webhook_url": receiver.url, "webhook_enabled": True, "webhook_events": BUSY_SESSION_EVENTS}
                headers = {"Authorization": f"Bearer {PAT}"}
                httpx.put(f"{emulator.url}/api/whatsapp-sessions/1", json=body, headers=headers).raise_for_status()
                first_delivery(emulator.url, receiver)
            delivered_before, started = receiver.received, time.perf_counter()
            send = wrk(f"{emulator.url}/api/send-message", HERE / "send_message.lua", SECONDS, {"BENCH_API_KEY": API_KEY})
            delivered = receiver.received - delivered_before
            span = time.perf_counter() - started
            backlog = httpx.get(f"{emulator.url}/admin/webhooks/backlog?session_id=1").json()["data"]
        finally:
            emulator.stop()
            receiver.stop()
    return {
        **send,
        "deliveries_per_second": round(delivered / span),
        "pending_after": backlog[0]["pending"] if backlog else 0,
        "oldest_pending_age_s": backlog[0]["oldest_age_seconds"] if backlog else 0,
    }


def busy_session_fan_out() -> dict[str, object]:
    """One session's deliveries/s to a 100 ms receiver in each concurrency mode, and its sends
    against the same sends with its webhook off."""
    plain = busy_session_sends(None)
    modes = []
    for concurrency in BUSY_SESSION_CONCURRENCY:
        hooked = busy_session_sends(concurrency)
        ratio = round(hooked["requests_per_second"] / max(plain["requests_per_second"], 1), 3)
        modes.append({"concurrency": concurrency, "deliveries_per_second": hooked["deliveries_per_second"],
                      "send_ratio": ratio, "sends": hooked})  # fmt: skip
    return {
        "receiver_delay_ms": RECEIVER_DELAY * 1000,
        "events": BUSY_SESSION_EVENTS,
        "sends_without_webhook": plain,
        "modes": modes,
    }


def busy_session_rows(figures: dict[str, object]) -> list[tuple[str, object, str]]:
    rows = []
    for mode in figures["modes"]:
        in_order = mode["concurrency"] == 1
        rows += [
            (f"one session's deliveries/s, concurrency {mode['concurrency']}", mode["deliveries_per_second"],
             "(in order)" if in_order else f">= {TARGETS['busy_session_deliveries_per_s']}"),
            ("its sends meanwhile / webhook off", mode["send_ratio"],
             "" if in_order else f">= {TARGETS['busy_session_send_ratio']}"),
        ]  # fmt: skip
    return rows


MCP_CALLERS = 10
# Claude Code, OpenCode and n8n open a session (2025-06-18); the official Python client speaks the
# self-contained exchanges of 2026-07-28, which the SDK answers in the request's own task.
MCP_SESSION_VERSION = "2025-06-18"
MCP_EXCHANGE_VERSION = "2026-07-28"
MCP_EXCHANGE_META = {
    "io.modelcontextprotocol/protocolVersion": MCP_EXCHANGE_VERSION,
    "io.modelcontextprotocol/clientInfo": {"name": "bench", "version": "1"},
    "io.modelcontextprotocol/clientCapabilities": {},
}


def mcp_session(url: str) -> str:
    """An initialized MCP session of the default account: its Mcp-Session-Id."""
    headers = {"Authorization": f"Bearer {PAT}", "Accept": "application/json, text/event-stream"}
    hello = {"protocolVersion": MCP_SESSION_VERSION, "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}
    with httpx.Client(base_url=url, headers=headers) as client:
        answer = client.post("/mcp", json={"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": hello})
        session = answer.raise_for_status().headers["mcp-session-id"]
        ready = {"jsonrpc": "2.0", "method": "notifications/initialized"}
        client.post("/mcp", json=ready, headers={"Mcp-Session-Id": session, "Mcp-Protocol-Version": MCP_SESSION_VERSION})
    return session


def sends_during_mcp() -> dict[str, object]:
    """send_text_message tool calls from MCP_CALLERS concurrent callers, over one MCP session and as
    self-contained exchanges, each alone and while REST sends run flat out; and the REST send
    path's rate meanwhile against its rate alone.

    Every run starts once the previous run's messages have reached read, and REST alone runs just
    before the run it is compared with: otherwise the later run would also carry the earlier
    runs' delivery steps, on a larger database."""
    with tempfile.TemporaryDirectory() as workdir:
        emulator = Emulator(Path(workdir))
        try:
            rest = (f"{emulator.url}/api/send-message", HERE / "send_message.lua", SECONDS, {"BENCH_API_KEY": API_KEY})
            figures: dict[str, object] = {"callers": MCP_CALLERS}
            modes = {
                "session": {"BENCH_MCP_SESSION": mcp_session(emulator.url), "BENCH_MCP_VERSION": MCP_SESSION_VERSION},
                "exchange": {"BENCH_MCP_META": json.dumps(MCP_EXCHANGE_META), "BENCH_MCP_VERSION": MCP_EXCHANGE_VERSION},
            }
            for mode, env in modes.items():
                mcp = (f"{emulator.url}/mcp", HERE / "mcp_tool_call.lua", SECONDS, {"BENCH_PAT": PAT, **env}, MCP_CALLERS)
                alone = settled_wrk(*mcp)
                rest_alone = settled_wrk(*rest)
                time.sleep(SETTLE_SECONDS)
                with ThreadPoolExecutor(1) as pool:
                    tool_calls = pool.submit(wrk, *mcp)
                    meanwhile = wrk(*rest)
                    during = tool_calls.result()
                ratio = round(meanwhile["requests_per_second"] / max(rest_alone["requests_per_second"], 1), 3)
                figures[mode] = {"tool_calls_alone": alone, "rest_alone": rest_alone, "tool_calls_during_rest": during,
                                 "rest_meanwhile": meanwhile, "send_ratio": ratio}  # fmt: skip
        finally:
            emulator.stop()
    return figures


def settled_wrk(*args: Any) -> dict[str, float]:
    """`wrk(*args)` once the messages sent before it have reached read."""
    time.sleep(SETTLE_SECONDS)
    return wrk(*args)


def measure() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as workdir:
        emulator = Emulator(Path(workdir))
        try:
            cold_start = emulator.cold_start_s
            send = wrk(f"{emulator.url}/api/send-message", HERE / "send_message.lua", SECONDS, {"BENCH_API_KEY": API_KEY})
            stored = stored_messages(emulator.url)
            if stored < RSS_MESSAGES:
                send_messages(emulator.url, RSS_MESSAGES - stored)
            rss = {"messages": stored_messages(emulator.url), "rss_mb": emulator.rss_mb()}
        finally:
            emulator.stop()
    return {
        "cold_start_s": cold_start,
        "send_message": send,
        "memory": rss,
        "reset": reset_time(),
        "webhooks": webhook_fan_out(),
        "busy_session": busy_session_fan_out(),
        "send_message_listening_session": sends_of_a_listening_session(),
        "idle_connections": sends_with_idle_connections(),
        "in_your_tests": in_your_tests.measure(),
        "history": long_history(),
        "mcp": sends_during_mcp(),
    }


def long_history() -> dict[str, object]:
    """The costs of a database holding a long history (see bench/history.py)."""
    with tempfile.TemporaryDirectory() as workdir:
        return measure_history(Emulator, Path(workdir), PAT, session_sends)


def session_sends(url: str, seconds: int, connections: int) -> dict[str, float]:
    return wrk(f"{url}/api/send-message", HERE / "send_message.lua", seconds, {"BENCH_API_KEY": API_KEY}, connections)


def reset_time() -> dict[str, float]:
    """POST /admin/reset on an emulator holding RESET_MESSAGES messages, their deliveries settled."""
    with tempfile.TemporaryDirectory() as workdir:
        emulator = Emulator(Path(workdir))
        try:
            send_messages(emulator.url, RESET_MESSAGES)
            time.sleep(SETTLE_SECONDS)
            with httpx.Client(base_url=emulator.url) as client:  # made before the clock starts: it loads CA files
                client.get("/admin/health")
                started = time.perf_counter()
                reset = client.post("/admin/reset").json()["data"]
                round_trip = (time.perf_counter() - started) * 1000
        finally:
            emulator.stop()
    return {"messages": RESET_MESSAGES, "server_ms": reset["duration_ms"], "round_trip_ms": round(round_trip, 2)}


def mcp_rows(mcp: dict[str, Any]) -> list[tuple[str, object, str]]:
    rows = []
    for mode, words in (("session", "over a session"), ("exchange", "single exchange")):
        rows += [
            (f"MCP send p99 (ms), {words}", mcp[mode]["tool_calls_alone"]["p99_ms"], f"< {TARGETS['mcp_send_p99_ms']}"),
            ("  the same while REST sends run", mcp[mode]["tool_calls_during_rest"]["p99_ms"], ""),
            ("  REST sends meanwhile / alone", mcp[mode]["send_ratio"], f">= {TARGETS['send_ratio_during_mcp']}"),
        ]
    failed = sum(mcp[mode][run]["failed_requests"] for mode in ("session", "exchange")
                 for run in ("tool_calls_alone", "tool_calls_during_rest"))  # fmt: skip
    return [*rows, ("MCP failed tool calls", failed, "0")]


def main() -> int:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: `make bench` installs it (apt-get install wrk).")
    # The idle connections and the server they reach (which inherits the limit) need descriptors.
    resource.setrlimit(resource.RLIMIT_NOFILE, (resource.getrlimit(resource.RLIMIT_NOFILE)[1],) * 2)
    figures = measure()
    if OPENAPI.exists() and shutil.which("npm"):
        figures["prism_send_message"] = prism_send()
    send, memory, reset, hooks = figures["send_message"], figures["memory"], figures["reset"], figures["webhooks"]
    results = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        "connections": CONNECTIONS,
        "seconds": SECONDS,
        **figures,
        "targets": {**TARGETS, **in_your_tests.TARGETS},
    }
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    rows = [
        ("send-message requests/s", send["requests_per_second"], f">= {TARGETS['send_rps']}"),
        ("send-message p50 (ms)", send["p50_ms"], ""),
        ("send-message p99 (ms)", send["p99_ms"], f"< {TARGETS['send_p99_ms']}"),
        ("failed requests", send["failed_requests"], "0"),
        (f"reset with {reset['messages']:,} messages (ms)", reset["round_trip_ms"], f"< {TARGETS['reset_ms']}"),
        ("cold start to first answer (s)", figures["cold_start_s"], f"< {TARGETS['cold_start_s']}"),
        (f"RSS after {memory['messages']:,} messages (MB)", memory["rss_mb"], f"< {TARGETS['rss_mb']}"),
        ("webhook deliveries/s, 100 ms receiver", hooks["deliveries_per_second"],
         f">= {TARGETS['webhook_deliveries_per_s']}"),
        ("sends meanwhile / webhooks off", hooks["send_ratio"], f">= {TARGETS['send_ratio_during_fan_out']}"),
        *busy_session_rows(figures["busy_session"]),
        (f"sends with {IDLE_CONNECTIONS:,} idle connections / without", figures["idle_connections"]["send_ratio"],
         f">= {TARGETS['send_ratio_with_idle_connections']}"),
        ("send-message requests/s, session listening", figures["send_message_listening_session"]["requests_per_second"],
         "(five stored events a send)"),
        *in_your_tests.rows(figures["in_your_tests"]),
        *mcp_rows(figures["mcp"]),
    ]
    history = figures["history"]
    rows += [
        (f"cold start, {history['messages']:,} stored (s)", history["cold_start_s"], f"< {TARGETS['history_cold_start_s']}"),
        ("RSS after that start (MB)", history["rss_after_start_mb"], f"< {TARGETS['history_rss_mb']}"),
        (f"RSS after {history['mixed_seconds']} s of mixed traffic (MB)", history["rss_after_mixed_mb"],
         f"< {TARGETS['history_rss_after_mixed_mb']}"),
        ("message-logs page 1, p99 (ms)", history["logs_page_1_p99_ms"], f"< {TARGETS['history_logs_p99_ms']}"),
        (f"message-logs page {DEEP_PAGE:,}, p99 (ms)", history[f"logs_page_{DEEP_PAGE}_p99_ms"],
         f"< {TARGETS['history_logs_p99_ms']}"),
        ("reset on that history (ms)", history["reset_ms"], f"< {TARGETS['history_reset_ms']}"),
    ]
    if "prism_send_message" in figures:
        prism = figures["prism_send_message"]
        ratio = round(send["requests_per_second"] / max(prism["requests_per_second"], 1), 2)
        rows.insert(4, ("Prism send-message requests/s", prism["requests_per_second"], "(for comparison)"))
        rows.insert(5, ("emulator / Prism", ratio, ">= 2"))
    print(f"\n{results['machine']}, {CONNECTIONS} connections, {SECONDS} s, {results['date']}")
    print(f"{'measure':<36}{'value':>12}  target")
    for name, value, target in rows:
        print(f"{name:<36}{value:>12}  {target}")
    print(f"\nwritten to {HERE / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
