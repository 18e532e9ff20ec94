"""The JS client the Python wheel ships (`@wasend/core` is not on npm), installed from its tarball,
through the README's lifecycle."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

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


def _run(script: str, wasend: Wasend, node_modules: Path) -> dict[str, Any]:
    """What the script printed last (one JSON object); the methods it called count for the matrix."""
    env = {
        **os.environ, "NODE_PATH": str(node_modules), "WASEND_URL": wasend.base_url,
        "ADMIN_URL": str(wasend.admin.base_url).rstrip("/"), "WASEND_KEY": WASEND_KEY, "PHONE": wasend.phone(),
    }  # fmt: skip
    result = subprocess.run(["node", str(SCRIPTS / script)], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    seen: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    CALLED["node"].update(seen["called"])
    return seen


def test_the_readme_lifecycle_in_js(wasend: Wasend, node_modules: Path) -> None:
    seen = _run("lifecycle.cjs", wasend, node_modules)
    assert seen["createdStatus"] == "SCAN_QR_CODE" and seen["qrLength"] > 100
    assert seen["startedStatus"] == "SCAN_QR_CODE" and seen["infoStatus"] == "WORKING"
    assert seen["text"]["content"] == "hi from JS" and seen["text"]["fromMe"] is True
    assert seen["unified"]["content"] == "and again" and seen["listedStatus"] == "WORKING"
    assert seen["stoppedStatus"] == "STOPPED" and seen["id"] not in seen["listedAfterDelete"]
    assert seen["missing"] == {"statusCode": 404, "message": "Session not found", "error": "Not Found"}
    journal = wasend.events(seen["id"], "messages.upsert")
    assert [e["data"]["messages"][0]["messageBody"] for e in journal] == ["hi from JS", "and again"]


def test_a_reply_and_the_chat_in_js(wasend: Wasend, node_modules: Path) -> None:
    """`replyTo` makes the network's quoted reply; the chat's messages and their read show it."""
    seen = _run("chats.cjs", wasend, node_modules)
    chat = "15550040009@c.us"
    assert [(c["id"], c["unreadCount"]) for c in seen["chats"]] == [(chat, 1)]
    assert [m["body"] for m in seen["before"]] == ["Echo: hello echo", "hello echo"]
    assert seen["quoted"]["quotedMsgId"] == seen["answer"]["id"] and seen["quoted"]["body"] == "quoting you"
    replies = [e["data"]["messages"][0] for e in wasend.events(seen["id"], "messages.upsert")]
    context = next(m for m in replies if m["messageBody"] == "quoting you")["message"]["extendedTextMessage"]["contextInfo"]
    assert context["stanzaId"] == seen["answer"]["id"].rpartition("_")[2]
    assert context["quotedMessage"] == {"conversation": "Echo: hello echo"}
    assert seen["read"]["success"] is True and seen["read"]["ids"] == [seen["answer"]["id"]]
    assert [(m["body"], m["ackName"]) for m in seen["after"]] == [("Echo: hello echo", "READ")]
