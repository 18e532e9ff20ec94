"""What the SDK conformance tests read back from the emulator to check what an SDK call did."""

from __future__ import annotations

import httpx


def journal(server_url: str, session_id: int, event: str) -> list[dict]:
    """The data of each `event` the emulator published for the session, oldest first."""
    response = httpx.get(f"{server_url}/admin/events", params={"session_id": session_id, "event": event})
    assert response.status_code == 200, response.text
    return [entry["data"] for entry in response.json()["data"]]


def downloaded(url: str) -> httpx.Response:
    """A file the emulator serves at a URL an SDK call answered."""
    response = httpx.get(url)
    assert response.status_code == 200, response.text
    return response
