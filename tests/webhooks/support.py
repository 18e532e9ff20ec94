"""Helpers for webhook tests: an app whose own capture inbox is reachable, and what arrived there."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from litestar.testing import TestClient

from emulator.coverage import GROUP_JID, PNG_DATA_URL, SOMEONE  # noqa: F401 - shared with the tests
from tests.conftest import CONNECTED_ID, CONNECTED_KEY, PAT, auth, make_client

BASE_URL = "http://testserver.local"


def make_hooked_client(**settings: Any) -> TestClient:
    """A test client whose app delivers webhooks addressed to itself in-process (it has no socket)."""
    client = make_client(**settings)
    client.app.state.core.webhooks.mount(BASE_URL, httpx.ASGITransport(app=client.app))
    return client


def point_webhook(
    client: TestClient, url: str, events: list[str], session_id: int = CONNECTED_ID, **flags: Any
) -> str:
    """Turn the session's webhook on for `events`; answers its webhook secret."""
    body = {"webhook_url": url, "webhook_enabled": True, "webhook_events": events, **flags}
    response = client.put(f"/api/whatsapp-sessions/{session_id}", json=body, headers=auth(PAT))
    assert response.status_code == 200, response.text
    return response.json()["data"]["webhook_secret"]


def inbox_url(name: str, **query: Any) -> str:
    suffix = "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    return f"{BASE_URL}/admin/inbox/{name}{suffix}"


def wait_idle(client: TestClient) -> None:
    response = client.get("/admin/idle?timeout=10")
    assert response.status_code == 200, response.text


def arrived(client: TestClient, name: str) -> list[dict[str, Any]]:
    """The requests the inbox received, once every delivery under way has finished."""
    wait_idle(client)
    return client.get(f"/admin/inbox/{name}").json()["data"]


def events_in(client: TestClient, name: str) -> list[str]:
    return [request["body"]["event"] for request in arrived(client, name)]


def advance(client: TestClient, seconds: float) -> None:
    assert client.post("/admin/clock/advance", json={"seconds": seconds}).status_code == 200


def inject(client: TestClient, body: dict[str, Any], session_id: int = CONNECTED_ID) -> dict[str, Any]:
    response = client.post(f"/admin/sessions/{session_id}/inbound", json=body)
    assert response.status_code == 200, response.text
    return response.json()["data"]


class Receiver:
    """A webhook receiver on a free port of 127.0.0.1, in a thread: it records each request and
    answers the next status of `statuses` (then 200); `hold` keeps answers back until set."""

    def __init__(self, statuses: tuple[int, ...] = (), port: int = 0) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.statuses = list(statuses)
        self.hold = threading.Event()
        self.hold.set()
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the standard library's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                receiver.arrived.set()
                receiver.hold.wait(timeout=30)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @classmethod
    def on_port(cls, port: int) -> Receiver:
        return cls((), port)

    @property
    def events(self) -> list[str]:
        return [json.loads(body)["event"] for _, body in self.requests]

    def stop(self) -> None:
        self.hold.set()
        self._server.shutdown()
        self._server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def send_message(client: TestClient, **body: Any) -> int:
    response = client.post("/api/send-message", json={"to": SOMEONE, **body}, headers=auth(CONNECTED_KEY))
    assert response.status_code == 200, response.text
    return response.json()["data"]["msgId"]
