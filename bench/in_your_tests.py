"""The emulator inside a test suite (emulator.testing): Emulator() start to first answer, the
wasender_account fixture's median, and a generated 1,000-test suite against the same suite
with no emulator. Called by run.py; runs alone too (`python bench/in_your_tests.py`)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TESTS = 1000
STARTS = 5
TARGETS = {"emulator_start_s": 1.0, "account_fixture_median_ms": 10, "suite_overhead_s": 15}

START = """
import time
from emulator.testing import Emulator
started = time.perf_counter()
emulator = Emulator().start()  # returns once /admin/health has answered
print(time.perf_counter() - started)
emulator.stop()
"""

# Records how long each test's fixtures took to set up: wasender_account's cost.
CONFTEST = """
import json, os

setups = []

def pytest_runtest_logreport(report):
    if report.when == "setup":
        setups.append(report.duration)

def pytest_sessionfinish(session):
    with open(os.environ["BENCH_SETUPS"], "w") as out:
        json.dump(setups, out)
"""

WITH_EMULATOR = f"""
import httpx, pytest

http = httpx.Client()

@pytest.mark.parametrize("n", range({TESTS}))
def test_send(n, wasender_account):
    answer = http.post(
        f"{{wasender_account.emulator.api_url}}/send-message", json={{"to": "+15551234567", "text": "hi"}},
        headers={{"Authorization": f"Bearer {{wasender_account.api_key}}"}},
    )
    assert answer.status_code == 200
"""

WITHOUT = f"""
import pytest

@pytest.mark.parametrize("n", range({TESTS}))
def test_send(n):
    assert n >= 0
"""


def emulator_start_s() -> float:
    """The median of fresh processes, each timing Emulator().start() after the import."""
    runs = [float(subprocess.run([sys.executable, "-c", START], capture_output=True, text=True, check=True).stdout)
            for _ in range(STARTS)]  # fmt: skip
    return round(statistics.median(runs), 3)


def run_suite(folder: Path, module: str) -> tuple[float, list[float]]:
    (folder / "conftest.py").write_text(CONFTEST)
    (folder / "test_generated.py").write_text(module)
    setups = folder / "setups.json"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder)],
        check=True, capture_output=True, cwd=folder, env={"BENCH_SETUPS": str(setups), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    return time.perf_counter() - started, json.loads(setups.read_text())


def measure() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as plain, tempfile.TemporaryDirectory() as emulated:
        without_s, _ = run_suite(Path(plain), WITHOUT)
        with_s, setups = run_suite(Path(emulated), WITH_EMULATOR)
    return {
        "emulator_start_s": emulator_start_s(),
        # The first setup also starts the session's emulator; the median is the fixture's own cost.
        "account_fixture_median_ms": round(statistics.median(setups) * 1000, 2),
        "suite_tests": TESTS,
        "suite_without_emulator_s": round(without_s, 2),
        "suite_with_emulator_s": round(with_s, 2),
        "suite_overhead_s": round(with_s - without_s, 2),
    }


def rows(figures: dict[str, float]) -> list[tuple[str, float, str]]:
    return [
        ("Emulator() start, first answer (s)", figures["emulator_start_s"], f"< {TARGETS['emulator_start_s']}"),
        ("wasender_account median (ms)", figures["account_fixture_median_ms"],
         f"< {TARGETS['account_fixture_median_ms']}"),
        (f"{figures['suite_tests']:,}-test suite, extra time (s)", figures["suite_overhead_s"],
         f"< {TARGETS['suite_overhead_s']}"),
    ]


if __name__ == "__main__":
    figures = measure()
    print(json.dumps(figures, indent=2))
    for name, value, target in rows(figures):
        print(f"{name:<36}{value:>12}  {target}")
