"""The documented SendAPI flow end to end over HTTP, and a client that behaves as SendAPI's MCP
server does (integer session_id, JSON content type on GETs, `data ?? body`, `error.code || error.type`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.faces.sendapi.helpers import BASE, KEY, verified
from tests.webhooks.support import Receiver, make_hooked_client, wait_idle


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    listening = Receiver()
    yield listening
    listening.stop()


def test_create_qr_scan_connected_send_history_and_a_verified_webhook(receiver: Receiver) -> None:
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    with make_hooked_client() as client:
        hook = client.post(f"{BASE}/webhooks", json={"url": receiver.url, "events": ["message.*"]}, headers=headers)
        secret = hook.json()["data"]["secret"]
        session = client.post(f"{BASE}/whatsapp/sessions", json={"name": "Support Bot"}, headers=headers).json()
        assert session["status"] == "pending" and session["qr_code"].startswith("data:image/png;base64,")
        qr = client.get(f"{BASE}/whatsapp/sessions/{session['id']}/qr", headers=headers).json()
        assert qr["qr_code"] != session["qr_code"]
        client.post(f"/admin/sessions/{session['id']}/scan")
        polled = client.get(f"{BASE}/whatsapp/sessions/{session['id']}", headers=headers).json()
        assert polled["status"] == "connected"
        body = {"session_id": session["id"], "to": "+15551234567", "content": "hi", "type": "text"}
        sent = client.post(f"{BASE}/whatsapp/send", json=body, headers=headers).json()
        client.post("/admin/clock/advance", json={"seconds": 30})
        wait_idle(client)
        history = client.get(f"{BASE}/whatsapp/messages", params={"session_id": session["id"]}, headers=headers).json()
        assert [(m["id"], m["status"], m["content"]) for m in history["data"]] == [(sent["id"], "read", {"body": "hi"})]
        events = [verified(secret, received_headers, raw)["event"] for received_headers, raw in receiver.requests]
        assert events == ["message.sent", "message.delivered", "message.read"]


class McpLikeClient:
    """What SendAPI's MCP server does on the wire: base URL ending in /v1, JSON headers on every
    request, the body's `data` when present, and errors read as `error.message` and `error.code || error.type`."""

    def __init__(self, client: TestClient, key: str) -> None:
        self._client = client
        self._headers = {
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": "sendapi-mcp/1.0.0",
        }

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self._client.request(method, f"{BASE}{path}", headers=self._headers, json=body)
        data = response.json()
        if response.status_code >= 400:
            error = data.get("error") or {}
            raise RuntimeError(f"{error.get('code') or error.get('type')}: {error.get('message')}")
        return data.get("data", data) if isinstance(data, dict) else data


def test_a_client_behaving_as_the_mcp_server_lists_pairs_sends_and_reads_errors() -> None:
    with make_hooked_client() as client:
        mcp = McpLikeClient(client, KEY)
        created = mcp.request("POST", "/whatsapp/sessions", {"name": "MCP"})
        session_id = created["numeric_id"]
        assert [s["id"] for s in mcp.request("GET", "/whatsapp/sessions")] == [created["id"]]
        assert mcp.request("GET", f"/whatsapp/sessions/{session_id}/qr")["status"] == "pending"
        client.post(f"/admin/sessions/{session_id}/scan")
        sent = mcp.request("POST", "/whatsapp/send", {"session_id": session_id, "to": "+15551234567", "content": "hi"})
        bulk = mcp.request("POST", "/whatsapp/send-bulk",
                           {"session_id": session_id, "recipients": ["+15551234567", "+15551234568"], "content": "all"})  # fmt: skip
        assert [r["to"] for r in bulk["results"]] == ["+15551234567", "+15551234568"]
        assert mcp.request("GET", f"/whatsapp/messages/{sent['id']}")["content"] == {"body": "hi"}
        assert mcp.request("GET", "/account/usage")["messages_sent"] == 3
        with pytest.raises(RuntimeError, match=r"^4040: Session not found\.$"):
            mcp.request("GET", "/whatsapp/sessions/987654")
        with pytest.raises(RuntimeError, match=r"^4011: "):
            McpLikeClient(client, "sk_live_wrong").request("GET", "/whatsapp/sessions")
