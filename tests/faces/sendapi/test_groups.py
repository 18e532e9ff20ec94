"""SendAPI groups over HTTP: create, list, update, and a send to a group reaching a WasenderAPI member."""

from __future__ import annotations

from litestar.testing import TestClient

from emulator.store.messages import HistoryFilter
from tests.conftest import CONNECTED_ID
from tests.faces.sendapi.helpers import BASE, HEADERS, connected_session

GROUPS = f"{BASE}/whatsapp/groups"
WASENDER_PHONE = "+15550100001"


def test_create_list_update_and_send_to_a_group(client: TestClient) -> None:
    session = connected_session(client)
    body = {"session_id": session["id"], "name": "Team", "participants": [WASENDER_PHONE], "description": "Ours"}
    created = client.post(GROUPS, json=body, headers=HEADERS)
    assert created.status_code == 201
    group = created.json()
    assert group["id"].startswith("grp_") and group["name"] == "Team" and group["description"] == "Ours"
    assert sorted(group["participants"]) == sorted([session["phone_number"], WASENDER_PHONE])
    assert group["invite_link"].startswith("https://chat.whatsapp.com/")
    listed = client.get(GROUPS, params={"session_id": session["numeric_id"]}, headers=HEADERS).json()
    assert listed == {"data": [{"id": group["id"], "name": "Team", "participant_count": 2,
                                "created_at": group["created_at"]}], "meta": {"total": 1}}  # fmt: skip
    updated = client.put(f"{GROUPS}/{group['id']}", json={"name": "Team 2", "add_participants": ["+15551234567"]},
                         headers=HEADERS).json()  # fmt: skip
    assert updated["name"] == "Team 2" and updated["participant_count"] == 3
    stored = client.app.state.core.groups.of_session(client.app.state.core.sessions.get(session["numeric_id"]))
    assert [g.subject for g in stored] == ["Team 2"] and "15551234567" in stored[0].members
    client.post(f"{BASE}/whatsapp/send", json={"session_id": session["id"], "to": group["id"], "message": "hi all"},
                headers=HEADERS)  # fmt: skip
    client.post("/admin/clock/advance", json={"seconds": 30})
    core = client.app.state.core
    received = client.blocking_portal.call(core.messages.history, HistoryFilter(session_ids=(CONNECTED_ID,), from_me=False), 1, 10)
    assert [(m.remote_jid.endswith("@g.us"), m.message) for m in received.messages] == [(True, {"conversation": "hi all"})]


def test_groups_refusals(client: TestClient) -> None:
    session = connected_session(client)
    assert client.get(GROUPS, headers=HEADERS).json()["error"]["param"] == "session_id"
    long_name = client.post(GROUPS, json={"session_id": session["id"], "name": "x" * 26, "participants": []},
                            headers=HEADERS)  # fmt: skip
    assert long_name.status_code == 422 and long_name.json()["error"]["param"] == "name"
    assert client.put(f"{GROUPS}/grp_nope", json={"name": "x"}, headers=HEADERS).status_code == 404
