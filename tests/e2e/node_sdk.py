"""The official Node SDK (npm wasenderapi), installed once into the virtual environment."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.sdk_matrix import NODE_SDK_VERSION

SCRIPTS = Path(__file__).parent / "node"
_PREFIX = Path(__file__).resolve().parents[2] / ".venv" / "node-sdk"


def node_sdk_modules() -> Path:
    """node_modules holding wasenderapi; skips the test where Node or npm is missing."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("Node.js and npm are needed for the Node SDK checks")
    modules = _PREFIX / "node_modules"
    if not (modules / "wasenderapi" / "package.json").exists():
        subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(_PREFIX), f"wasenderapi@{NODE_SDK_VERSION}"],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
    return modules


def run_node(script: str, **env: str) -> dict:
    """Run one of the scripts in tests/e2e/node; it prints one JSON object."""
    result = subprocess.run(
        ["node", str(SCRIPTS / script)],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "NODE_PATH": str(node_sdk_modules()), **env},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])

