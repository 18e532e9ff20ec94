"""Chats follow real traffic: a new chat is upserted, unread counts move with messages and reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from tests.conftest import CONNECTED_ID, CONNECTED_KEY, auth, make_client

PEER = "+15557001234"
PEER_JID = "15557001234@s.whatsapp.net"


def chat_events(client: TestClient, event: str) -> list[Any]:
    return [e["data"] for e in client.get(f"/admin/events?session_id={CONNECTED_ID}&event={event}").json()["data"]]


def receive(client: TestClient, text: str) -> dict[str, Any]:
    response = client.post(f"/admin/sessions/{CONNECTED_ID}/inbound", json={"from": PEER, "text": text})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_received_messages_open_a_chat_and_count_as_unread(client: TestClient) -> None:
    receive(client, "one")
    second = receive(client, "two")
    assert chat_events(client, "chats.upsert") == [[{"id": PEER_JID, "conversationTimestamp": 1735689600, "unreadCount": 1}]]
    assert chat_events(client, "chats.update")[-1][0]["unreadCount"] == 2
    read = client.post("/api/messages/read", json={"key": second["key"]}, headers=auth(CONNECTED_KEY))
    assert read.status_code == 200
    assert chat_events(client, "chats.update")[-1][0]["unreadCount"] == 1


def test_a_send_to_someone_new_opens_a_chat_once(client: TestClient) -> None:
    for text in ("hi", "again"):
        body = {"to": "+15557005678", "text": text}
        assert client.post("/api/send-message", json=body, headers=auth(CONNECTED_KEY)).status_code == 200
    upserts = chat_events(client, "chats.upsert")
    assert upserts == [[{"id": "15557005678@s.whatsapp.net", "conversationTimestamp": 1735689600, "unreadCount": 0}]]


def test_chats_survive_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "chats.db")
    with make_client(db=db) as client:
        receive(client, "one")
    with make_client(db=db) as client:
        receive(client, "two")
        assert chat_events(client, "chats.upsert") == []
        assert chat_events(client, "chats.update")[-1][0]["unreadCount"] == 2
