"""A reset on a database file starts a new file, so its cost does not grow with the history."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import CONNECTED_KEY, PAT, auth, make_client

MESSAGES = 300


def _send_history(client) -> None:
    for n in range(MESSAGES):
        answer = client.post("/api/send-message", json={"to": "+15551234567", "text": f"m{n} " + "x" * 500},
                             headers=auth(CONNECTED_KEY))  # fmt: skip
        assert answer.status_code == 200


def test_a_reset_leaves_none_of_the_history_in_the_file_and_a_restart_sees_the_fixtures(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    with make_client(db=str(db), rate_limits="off") as client:
        fresh_size = db.stat().st_size
        _send_history(client)
        client.post("/admin/clock/advance", json={"seconds": 60})
        assert client.get("/api/whatsapp-sessions/1/message-logs", headers=auth(PAT)).json()["data"]["total"] == MESSAGES
        assert client.post("/admin/reset").json()["success"] is True
        # The old pages are gone with the old file, not kept as free pages of a larger one.
        assert db.stat().st_size == fresh_size
        assert client.get("/api/whatsapp-sessions/1/message-logs", headers=auth(PAT)).json()["data"]["total"] == 0
        after_reset = client.post("/api/send-message", json={"to": "+15551234567", "text": "after"},
                                  headers=auth(CONNECTED_KEY)).json()["data"]  # fmt: skip
    # The files set aside are gone once the emulator stops.
    assert sorted(path.name for path in tmp_path.iterdir() if ".replaced-" in path.name) == []
    with make_client(db=str(db)) as client:
        logs = client.get("/api/whatsapp-sessions/1/message-logs", headers=auth(PAT)).json()["data"]
        assert [row["id"] for row in logs["data"]] == [after_reset["msgId"]]
