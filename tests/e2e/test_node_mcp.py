"""The official MCP TypeScript SDK (npm @modelcontextprotocol/sdk) drives /mcp as an agent does."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import httpx

from emulator.coverage import DOCUMENTED_TOOLS
from tests.conftest import CONNECTED_ID, CONNECTED_KEY, PAT, LiveServer
from tests.e2e.node_sdk import npm_ci

SCRIPTS = Path(__file__).parent / "node_mcp"
SOMEONE = "+15551234567"


def test_an_agent_lists_sessions_sends_a_text_and_reads_its_info(live_server: LiveServer) -> None:
    modules = npm_ci(SCRIPTS)
    result = subprocess.run(
        ["node", str(SCRIPTS / "agent_flow.cjs")],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "NODE_PATH": str(modules), "MCP_URL": f"{live_server.url}/mcp",
             "PERSONAL_ACCESS_TOKEN": PAT, "TO": SOMEONE},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    flow = json.loads(result.stdout.strip().splitlines()[-1])
    assert flow["tools"] == list(DOCUMENTED_TOOLS)
    assert flow["session"] == CONNECTED_ID
    rest_info = httpx.get(
        f"{live_server.api_url}/messages/{flow['sent']['msgId']}/info", headers={"Authorization": f"Bearer {CONNECTED_KEY}"}
    ).json()["data"]
    assert flow["info"]["id"] == rest_info["id"] and flow["info"]["remoteJid"] == rest_info["remoteJid"]
    assert flow["refused"] == {"isError": True, "text": "The specified session was not found."}
