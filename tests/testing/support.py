"""What an emulator may leave behind: threads, child processes, listening ports."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path


def child_processes() -> set[int]:
    """The live children of this process, read from /proc (Linux)."""
    children: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        children |= {int(pid) for pid in (task / "children").read_text().split()}
    return children


def thread_names() -> set[str]:
    return {thread.name for thread in threading.enumerate()}


def answers(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def closed_port_url() -> str:
    """The URL of a port of 127.0.0.1 nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
