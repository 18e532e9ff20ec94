"""`serve --ready-file PATH`: where a started emulator listens, as one JSON object, for suites in
any language (and CI steps) that start it and must not parse log lines."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn

from emulator.core import Core
from emulator.faces.sendapi.router import SENDAPI_PATH
from emulator.faces.wasend.app import WASEND_PATH
from emulator.faces.wasenderapi.mcp.endpoint import MCP_PATH

_POLL_SECONDS = 0.005


def base_urls(host: str, port: int) -> dict[str, str]:
    host = f"[{host}]" if ":" in host else host
    return door_urls(f"http://{host}:{port}")


def door_urls(url: str) -> dict[str, str]:
    """Where the emulator at `url` answers: the base URL of the WasenderAPI SDKs, the control
    plane, the MCP server, and the other faces' base URLs."""
    return {
        "url": url,
        "api_url": f"{url}/api",
        "admin_url": f"{url}/admin",
        "mcp_url": url + MCP_PATH,
        "wasend_url": url + WASEND_PATH,
        "sendapi_url": url + SENDAPI_PATH,
    }


def ready_info(core: Core, port: int) -> dict[str, Any]:
    """The URLs and the fixtures' accounts and sessions with their tokens."""
    accounts = [
        {
            "id": account.id,
            "plan": account.plan,
            "personal_access_token": account.personal_access_token,
            "keys": dict(account.keys),
            "sessions": [
                {
                    "id": session.id,
                    "name": session.name,
                    "status": session.status,
                    "phone_number": session.phone_number,
                    "api_key": session.api_key,
                    "webhook_secret": session.webhook_secret,
                }
                for session in account.sessions
            ],
        }
        for account in core.fixtures.accounts
    ]
    return {**base_urls(core.settings.host, port), "accounts": accounts}


def write_atomically(path: str | Path, info: dict[str, Any]) -> None:
    """A reader polling for the file sees nothing or all of it, never half."""
    target = Path(path)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    partial.write_text(json.dumps(info) + "\n")
    os.replace(partial, target)


def write_when_ready(server: uvicorn.Server, path: str, info: dict[str, Any]) -> threading.Thread:
    """Write the file once the server has started answering; nothing if it never does."""

    def wait_and_write() -> None:
        while not server.started:
            if server.should_exit:
                return
            time.sleep(_POLL_SECONDS)
        write_atomically(path, info)

    thread = threading.Thread(target=wait_and_write, name="ready-file", daemon=True)
    thread.start()
    return thread
