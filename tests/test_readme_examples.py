"""Every shell and Python example of the README, run as written against a fresh emulator.

A block runs unless a `<!-- not run: why -->` line stands right above it. The server is
started with the flags the block's own `make run ARGS="..."` names, on a free port that
replaces the README's 8080. Shell blocks fail on any HTTP error; a Python `print(...)` whose
line ends in `# expected` must print that (up to a `...` or a `: explanation`).
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.conftest import LiveServer

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"(?P<before>[^\n]*)\n```(?P<language>sh|python)\n(?P<code>.*?)\n```", re.DOTALL)
NOT_RUN = re.compile(r"<!-- not run: .+ -->")
SERVER_ARGS = re.compile(r'make run ARGS="([^"]*)"')
EXPECTED_PRINT = re.compile(r"^\s*print\(.*\)\s*#\s*(?P<expected>.+)$")
# Every HTTP error fails the block, as `set -e` fails on any other error.
SHELL_PRELUDE = 'set -euo pipefail\ncurl() { command curl --fail-with-body "$@"; echo; }\n'


class Example(NamedTuple):
    line: int
    language: str
    code: str

    @property
    def server_args(self) -> list[str]:
        found = SERVER_ARGS.search(self.code)
        return shlex.split(found.group(1)) if found else []

    def runnable_code(self, url: str) -> str:
        code = self.code.replace("http://127.0.0.1:8080", url)
        lines = [line for line in code.splitlines() if not line.startswith("make run")]
        return "\n".join(lines)

    def expected_prints(self) -> list[str]:
        return [m.group("expected") for line in self.code.splitlines() if (m := EXPECTED_PRINT.match(line))]


def examples() -> tuple[list[Example], list[int]]:
    text = README.read_text()
    runnable, skipped = [], []
    for match in BLOCK.finditer(text):
        line = text.count("\n", 0, match.start("language")) + 1
        if NOT_RUN.fullmatch(match.group("before").strip()):
            skipped.append(line)
        else:
            runnable.append(Example(line, match.group("language"), match.group("code")))
    return runnable, skipped


def printed_as_expected(printed: str, expected: str) -> bool:
    if expected.endswith("..."):
        return printed.startswith(expected.removesuffix("..."))
    return printed == expected or expected.startswith(f"{printed}:")


@pytest.mark.parametrize("example", examples()[0], ids=lambda example: f"README line {example.line}")
def test_the_readme_example_runs_as_written(example: Example, tmp_path: Path) -> None:
    server = LiveServer(*example.server_args, log=tmp_path / "server.log")
    try:
        code = example.runnable_code(server.url)
        command = ["bash", "-c", SHELL_PRELUDE + code] if example.language == "sh" else [sys.executable, "-c", code]
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    finally:
        server.stop()
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    if example.language == "python":
        _assert_printed_as_commented(done.stdout, example.expected_prints())


def _assert_printed_as_commented(stdout: str, expected: list[str]) -> None:
    printed = stdout.splitlines()
    assert len(printed) == len(expected), printed
    mismatched = [(p, e) for p, e in zip(printed, expected) if not printed_as_expected(p, e)]
    assert mismatched == []


def test_the_quickstarts_and_the_walkthrough_are_among_the_examples_run() -> None:
    runnable, _ = examples()
    firsts = {example.code.splitlines()[0] for example in runnable}
    assert {"API=http://127.0.0.1:8080/api", "import httpx", 'make run ARGS="--clock virtual"     # in another terminal'} <= firsts
