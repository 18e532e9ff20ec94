"""The JS client the Python wheel ships (`@wasend/core` is not on npm), installed from its tarball,
through the README's lifecycle."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.faces.wasend.conftest import CALLED, WASEND_KEY, Wasend, tarball

SCRIPTS = Path(__file__).parent / "node"


@pytest.fixture(scope="module")
def node_modules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("Node.js and npm are needed for the JS client")
    folder = tmp_path_factory.mktemp("wasend-js")
    subprocess.run(
        ["npm", "install", "--silent", "--no-audit", "--no-fund", "--no-save", "--prefix", str(folder), str(tarball())],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return folder / "node_modules"


def test_the_readme_lifecycle_in_js(wasend: Wasend, node_modules: Path) -> None:
    env = {
        **os.environ, "NODE_PATH": str(node_modules), "WASEND_URL": wasend.base_url,
        "ADMIN_URL": str(wasend.admin.base_url).rstrip("/"), "WASEND_KEY": WASEND_KEY, "PHONE": wasend.phone(),
    }  # fmt: skip
    result = subprocess.run(
        ["node", str(SCRIPTS / "lifecycle.cjs")], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    CALLED["node"].update(seen["called"])
    assert seen["createdStatus"] == "SCAN_QR_CODE" and seen["qrLength"] > 100
    assert seen["startedStatus"] == "SCAN_QR_CODE" and seen["infoStatus"] == "WORKING"
    assert seen["text"]["content"] == "hi from JS" and seen["text"]["fromMe"] is True
    assert seen["unified"]["content"] == "and again" and seen["listedStatus"] == "WORKING"
    assert seen["stoppedStatus"] == "STOPPED" and seen["id"] not in seen["listedAfterDelete"]
    assert seen["missing"] == {"statusCode": 404, "message": "Session not found", "error": "Not Found"}
    journal = wasend.events(seen["id"], "messages.upsert")
    assert [e["data"]["messages"][0]["messageBody"] for e in journal] == ["hi from JS", "and again"]
