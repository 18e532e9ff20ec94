"""The README's "In your tests" examples, run as written: the pytest module through pytester,
the Node script with `node --test` against `serve --ready-file`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpcore  # noqa: F401  (see test_plugin.py: imported before any inline run)
import pytest

from tests.e2e.node_sdk import node_sdk_modules

pytest_plugins = ["pytester"]

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_block(language: str, runner: str) -> str:
    """The block whose not-run marker says this module runs it with `runner`."""
    marker = re.escape(f"<!-- not run: tests/testing/test_readme_examples.py runs this {runner} -->")
    found = re.search(rf"{marker}\n```{language}\n(?P<code>.*?)\n```", README.read_text(), re.DOTALL)
    assert found, f"the README has no {language} block marked for {runner!r}"
    return found.group("code")


def test_the_pytest_module_passes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_shipping=readme_block("python", "module with pytest"))
    pytester.runpytest().assert_outcomes(passed=2)


def test_the_node_script_passes_against_the_ready_file(tmp_path: Path) -> None:
    modules = node_sdk_modules()
    script = tmp_path / "shipping.test.cjs"
    script.write_text(readme_block("js", "script with node --test"))
    # `wasender-emulator` as the README's reader has it: on the PATH, from this environment.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMULATOR_")}
    done = subprocess.run(
        ["node", "--test", str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**env, "PATH": path, "NODE_PATH": str(modules)},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "# pass 1" in done.stdout and "# fail 0" in done.stdout
