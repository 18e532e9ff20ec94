"""`make bench`: the emulator's speed, measured over loopback on this machine.

Starts the emulator as a user does (durable SQLite file, rate limits off), drives it with
wrk, prints a table and writes bench/results.json. Timing lives here, never in unit tests.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
FIXTURES = json.loads((HERE.parent / "fixtures" / "default.json").read_text())
API_KEY = FIXTURES["accounts"][0]["sessions"][0]["api_key"]
CONNECTIONS = 50
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
TARGETS = {"send_rps": 8000, "send_p99_ms": 15}


class Emulator:
    def __init__(self, workdir: Path) -> None:
        self.log = (workdir / "server.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "emulator", "serve", "--port", "0", "--db", str(workdir / "bench.db"),
             "--rate-limits", "off", "--seed", "bench"],
            stdout=self.log, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self.url = self._wait_for_url(workdir / "server.log")

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

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)
        self.log.close()


def wrk(url: str, script: Path, seconds: int, env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", str(script), url],
        capture_output=True, text=True, env={**os.environ, **env}, timeout=seconds + 60, check=True,
    ).stdout  # fmt: skip
    match = re.search(r"BENCH (.*)", out)
    if match is None:
        raise SystemExit(f"wrk printed no figures:\n{out}")
    figures = dict(pair.split("=") for pair in match.group(1).split())
    requests, errors = int(figures["requests"]), int(figures["errors"]) + int(figures["non2xx"])
    return {
        "requests_per_second": round(requests / (int(figures["duration_us"]) / 1e6)),
        "p50_ms": round(int(figures["p50_us"]) / 1000, 2),
        "p99_ms": round(int(figures["p99_us"]) / 1000, 2),
        "failed_requests": errors,
    }


def send_path() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as workdir:
        emulator = Emulator(Path(workdir))
        try:
            return wrk(f"{emulator.url}/api/send-message", HERE / "send_message.lua", SECONDS, {"BENCH_API_KEY": API_KEY})
        finally:
            emulator.stop()


def main() -> int:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: `make bench` installs it (apt-get install wrk).")
    send = send_path()
    results = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        "connections": CONNECTIONS,
        "seconds": SECONDS,
        "send_message": send,
        "targets": TARGETS,
    }
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    rows = [
        ("send-message requests/s", send["requests_per_second"], f">= {TARGETS['send_rps']}"),
        ("send-message p50 (ms)", send["p50_ms"], ""),
        ("send-message p99 (ms)", send["p99_ms"], f"< {TARGETS['send_p99_ms']}"),
        ("failed requests", send["failed_requests"], "0"),
    ]
    print(f"\n{results['machine']}, {CONNECTIONS} connections, {SECONDS} s, {results['date']}")
    print(f"{'measure':<28}{'value':>12}  target")
    for name, value, target in rows:
        print(f"{name:<28}{value:>12}  {target}")
    print(f"\nwritten to {HERE / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
