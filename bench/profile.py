"""`make profile`: where the send path's time goes, sampled by py-spy under the bench's load.

Starts the emulator as `make bench` does, drives POST /api/send-message with wrk at the
bench's 50 connections, samples the server's loop with py-spy meanwhile, and prints the
functions that hold the most samples: on their own (self) and with what they call (total).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

from run import API_KEY, HERE, Emulator, wrk

SECONDS = int(os.environ.get("PROFILE_SECONDS", "12"))
RATE = 250  # samples a second
TOP = int(os.environ.get("PROFILE_TOP", "25"))


def frame_name(frame: str) -> str:
    """`send (uvicorn/protocols/http/httptools_impl.py:512)` -> `send (httptools_impl.py)`."""
    name, _, where = frame.partition(" (")
    return f"{name} ({Path(where.split(':')[0]).name})" if where else name


def tally(raw: str) -> tuple[Counter[str], Counter[str], int]:
    """Self and total samples per function, from py-spy's collapsed stacks."""
    own, total, samples = Counter[str](), Counter[str](), 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        frames = [frame_name(frame) for frame in stack.split(";")]
        samples += int(count)
        own[frames[-1]] += int(count)
        for name in set(frames):
            total[name] += int(count)
    return own, total, samples


def report(raw: str, figures: dict[str, float]) -> str:
    own, total, samples = tally(raw)
    lines = [f"send-message under load: {figures['requests_per_second']} requests/s, p99 {figures['p99_ms']} ms",
             f"{samples} samples of the server's loop", "", f"{'self %':>7}  function"]  # fmt: skip
    lines += [f"{100 * count / samples:7.1f}  {name}" for name, count in own.most_common(TOP)]
    lines += ["", f"{'total %':>7}  function"]
    lines += [f"{100 * count / samples:7.1f}  {name}" for name, count in total.most_common(TOP)]
    return "\n".join(lines)


def main() -> int:
    with tempfile.TemporaryDirectory() as workdir:
        emulator = Emulator(Path(workdir))
        try:
            out = Path(workdir) / "profile.txt"
            sampler = subprocess.Popen(
                [str(Path(sys.executable).with_name("py-spy")), "record", "-p", str(emulator.process.pid), "-d", str(SECONDS), "-r", str(RATE),
                 "-f", "raw", "--nonblocking", "-o", str(out)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            figures: dict[str, dict[str, float]] = {}
            load = threading.Thread(target=lambda: figures.update(send=wrk(
                f"{emulator.url}/api/send-message", HERE / "send_message.lua", SECONDS, {"BENCH_API_KEY": API_KEY})))  # fmt: skip
            load.start()
            load.join()
            sampler.wait(timeout=SECONDS + 30)
            print(report(out.read_text(), figures["send"]))
        finally:
            emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
