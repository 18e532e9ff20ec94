"""Nothing acknowledged is lost: kill -9 the server while clients send, restart, check."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx

from tests.conftest import CONNECTED_KEY, LiveServer, auth

SENDERS = 4
SEND_SECONDS = 1.5


def test_every_acknowledged_message_survives_kill_9(tmp_path: Path) -> None:
    db = tmp_path / "durable.db"
    server = LiveServer("--rate-limits", "off", db=db, log=tmp_path / "before.log")
    acknowledged: dict[int, str] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def send_until_stopped(sender: int) -> None:
        with httpx.Client(base_url=server.api_url, headers=auth(CONNECTED_KEY), timeout=5) as client:
            n = 0
            while not stop.is_set():
                text = f"sender {sender} message {n}"
                try:
                    response = client.post("/send-message", json={"to": "+15551234567", "text": text})
                except httpx.HTTPError:
                    return  # the server died mid-request: nothing was acknowledged
                if response.status_code == 200:
                    with lock:
                        acknowledged[response.json()["data"]["msgId"]] = text
                n += 1

    threads = [threading.Thread(target=send_until_stopped, args=(i,)) for i in range(SENDERS)]
    for thread in threads:
        thread.start()
    time.sleep(SEND_SECONDS)
    server.process.kill()  # SIGKILL: no shutdown, no final checkpoint
    server.process.wait()
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    server.stop()
    assert len(acknowledged) > 100, "the senders hardly sent anything"

    restarted = LiveServer("--rate-limits", "off", db=db, log=tmp_path / "after.log")
    try:
        with httpx.Client(base_url=restarted.api_url, headers=auth(CONNECTED_KEY), timeout=5) as client:
            for msg_id, text in acknowledged.items():
                info = client.get(f"/messages/{msg_id}/info")
                assert info.status_code == 200, (msg_id, info.text)
                assert info.json()["data"]["message"] == {"conversation": text}
            logs = client.get("/whatsapp-sessions/1/message-logs", params={"per_page": 100}).json()["data"]
            # Rows beyond the acknowledged ones may exist (committed, answer lost); none is half written.
            assert logs["total"] >= len(acknowledged)
            assert all(row["content"] and row["status"] for row in logs["data"])
    finally:
        restarted.stop()
