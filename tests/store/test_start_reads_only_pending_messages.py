"""Start reads only the sent messages with a delivery step ahead, not the whole history: a
finished message (read, failed, deleted, at its last status) costs a restart nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from emulator.domain.contacts import SEND_TO_BLOCKED
from emulator.store import messages as message_store
from emulator.store.database import Database
from tests.conftest import CONNECTED_ID, CONNECTED_KEY, PAT, auth, make_client

ORDINARY, NEVER_DELIVERED = "+15551234567", "+15550010001"


def send(client: TestClient, to: str) -> int:
    response = client.post("/api/send-message", json={"to": to, "text": "hi"}, headers=auth(CONNECTED_KEY))
    assert response.status_code == 200, response.text
    return int(response.json()["data"]["msgId"])


def advance(client: TestClient, seconds: float) -> None:
    assert client.post("/admin/clock/advance", json={"seconds": seconds}).status_code == 200


def status_of(client: TestClient, msg_id: int) -> int:
    return client.get(f"/api/messages/{msg_id}/info", headers=auth(CONNECTED_KEY)).json()["data"]["status"]


@contextmanager
def message_rows_read(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The ids of the whole message rows any query returns while the block runs."""
    read: list[int] = []
    original = Database.fetch_all

    async def counting(self: Database, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        rows = await original(self, sql, params)
        if sql.startswith(message_store.WITH_NEXT_STEP.split(" WHERE")[0]):
            read.extend(row["id"] for row in rows)
        return rows

    with monkeypatch.context() as patch:
        patch.setattr(Database, "fetch_all", counting)
        yield read


def make_history(db: str) -> list[int]:
    """A history of finished messages and two still on their way; answers the two."""
    with make_client(db=db) as client:
        for _ in range(40):
            send(client, ORDINARY)
        send(client, NEVER_DELIVERED)
        deleted = send(client, ORDINARY)
        assert client.delete(f"/api/messages/{deleted}", headers=auth(CONNECTED_KEY)).status_code == 200
        advance(client, 10)  # every one of those is read, sent for good, or gone
        return [send(client, ORDINARY), send(client, ORDINARY)]


def test_a_restart_reads_only_the_messages_still_on_their_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = str(tmp_path / "history.db")
    pending = make_history(db)
    with message_rows_read(monkeypatch) as read, make_client(db=db) as client:
        assert sorted(read) == pending
        read.clear()
        # They go on where they stood; the finished ones stay as they were.
        advance(client, 4)
        assert [status_of(client, msg_id) for msg_id in pending] == [4, 4]
        logs = client.get(f"/api/whatsapp-sessions/{CONNECTED_ID}/message-logs?per_page=100", headers=auth(PAT))
        assert logs.json()["data"]["total"] == 44


def test_a_database_from_before_the_column_is_tidied_on_its_first_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "old.db")
    pending = make_history(db)
    # What migration 0010 does to rows stored before it: every one that may have a step ahead.
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE messages SET next_step_at = attempted_at"
            " WHERE from_me = 1 AND deleted_at IS NULL AND status BETWEEN 1 AND 4"
        )
    with make_client(db=db):
        pass
    with message_rows_read(monkeypatch) as read, make_client(db=db):
        assert sorted(read) == pending


def test_the_pending_messages_are_found_through_their_index(tmp_path: Path) -> None:
    db = str(tmp_path / "plan.db")
    make_history(db)
    with sqlite3.connect(db) as conn:
        plan = " ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {message_store.WITH_NEXT_STEP}"))
    assert "USING INDEX messages_by_next_step" in plan, plan


def test_start_reads_no_address_of_the_history_and_lids_still_resolve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "lids.db")
    make_history(db)
    blocked = "+15557654321"
    with make_client(db=db) as client:
        lid_of = client.get(f"/api/lid-from-pn/{ORDINARY.lstrip('+')}@s.whatsapp.net", headers=auth(CONNECTED_KEY))
        known = lid_of.json()["data"]["lid"]
        blocked_lid = client.get(f"/api/lid-from-pn/{blocked.lstrip('+')}@s.whatsapp.net", headers=auth(CONNECTED_KEY))
        assert client.post(f"/api/contacts/{blocked}/block", headers=auth(CONNECTED_KEY)).status_code == 200
    queries: list[str] = []
    original = Database.fetch_all

    async def recording(self: Database, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        queries.append(sql)
        return await original(self, sql, params)

    with monkeypatch.context() as patch:
        patch.setattr(Database, "fetch_all", recording)
        with make_client(db=db) as client:
            assert [sql for sql in queries if "FROM messages" in sql] == [message_store.WITH_NEXT_STEP]
            # A LID learnt before the restart resolves on its first look-up, and a block by LID holds.
            found = client.get(f"/api/pn-from-lid/{known}", headers=auth(CONNECTED_KEY))
            assert found.json()["data"]["pn"] == "15551234567@s.whatsapp.net"
            body = {"to": blocked_lid.json()["data"]["lid"], "text": "hi"}
            refused = client.post("/api/send-message", json=body, headers=auth(CONNECTED_KEY))
            assert refused.json()["message"] == SEND_TO_BLOCKED, refused.text
