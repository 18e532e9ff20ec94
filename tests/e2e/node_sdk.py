"""The official Node SDK (npm wasenderapi), installed once from tests/e2e/node/package-lock.json."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.sdk_matrix import NODE_SDK_VERSION

SCRIPTS = Path(__file__).parent / "node"


def npm_ci(folder: Path) -> Path:
    """The node_modules of a folder's package-lock.json, installed exactly (npm ci) when the
    lock is newer than what was installed; skips the test where Node or npm is missing."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("Node.js and npm are needed for the Node checks")
    modules = folder / "node_modules"
    installed = modules / ".package-lock.json"
    # Test workers running side by side install once: the others wait for the first.
    with open(folder / ".npm-ci.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not installed.exists() or installed.stat().st_mtime < (folder / "package-lock.json").stat().st_mtime:
            subprocess.run(
                ["npm", "ci", "--silent", "--no-audit", "--no-fund", "--prefix", str(folder)],
                check=True, capture_output=True, timeout=300,
            )  # fmt: skip
    return modules


def node_sdk_modules() -> Path:
    """node_modules holding wasenderapi at the version the matrix names."""
    modules = npm_ci(SCRIPTS)
    version = json.loads((modules / "wasenderapi" / "package.json").read_text())["version"]
    assert version == NODE_SDK_VERSION, f"package-lock.json pins wasenderapi {version}, the matrix {NODE_SDK_VERSION}"
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

