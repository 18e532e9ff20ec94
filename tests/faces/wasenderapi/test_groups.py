"""Groups: shared state of the simulated network, admin rights, invites, leaving, pictures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from emulator.domain.errors import NOT_CONNECTED
from emulator.domain.groups import GROUP_NOT_FOUND, INVITE_ACCEPT_FAILED, INVITE_INFO_FAILED, NEEDS_APPROVAL
from tests.faces.wasenderapi.test_contacts import assert_error, call, data, events
from tests.conftest import CONNECTED_ID, CONNECTED_KEY, DISCONNECTED_ID, DISCONNECTED_KEY, PAT, auth, make_client, shared_client

ADMIN_GROUP = "120363000000000001@g.us"  # session 1 is its superadmin
MEMBER_GROUP = "120363000000000002@g.us"  # session 1 is a plain member; restrict is on
ME, OTHER = "15550100001@s.whatsapp.net", "15550100002@s.whatsapp.net"  # sessions 1 and 2
ALICE, NEWCOMER, NOT_ON_WA = "15551234567@s.whatsapp.net", "15557654321@s.whatsapp.net", "15550000001@s.whatsapp.net"


def connect_other(client: TestClient) -> None:
    client.post(f"/api/whatsapp-sessions/{DISCONNECTED_ID}/connect", headers=auth(PAT))
    assert client.post(f"/admin/sessions/{DISCONNECTED_ID}/scan").status_code == 200


def metadata(client: TestClient, jid: str, key: str = CONNECTED_KEY) -> dict[str, Any]:
    return data(client, "GET", f"/api/groups/{jid}/metadata", key)


def roles(client: TestClient, jid: str, key: str = CONNECTED_KEY) -> dict[str, str | None]:
    return {p["id"]: p["admin"] for p in metadata(client, jid, key)["participants"]}


def group_ids(client: TestClient, key: str = CONNECTED_KEY) -> list[str]:
    return [g["id"] for g in data(client, "GET", "/api/groups", key)]


def change(client: TestClient, jid: str, what: str, participants: list[str], key: str = CONNECTED_KEY) -> list[dict]:
    if what in ("promote", "demote"):
        body = {"action": what, "participants": participants}
        return data(client, "PUT", f"/api/groups/{jid}/participants/update", key, json=body)
    return data(client, "POST", f"/api/groups/{jid}/participants/{what}", key, json={"participants": participants})


def results(outcomes: list[dict]) -> list[tuple[int, str, str]]:
    for outcome in outcomes:
        assert outcome["id"] == outcome["jid"]
    return [(o["status"], o["jid"], o["message"]) for o in outcomes]


def create(client: TestClient, name: str = "Team", participants: list[str] | None = None, key: str = CONNECTED_KEY) -> str:
    body = {"name": name, "participants": participants if participants is not None else [ALICE]}
    return data(client, "POST", "/api/groups", key, json=body)["id"]


# Reading ----------------------------------------------------------------------------------------------


def test_the_default_session_is_in_both_fixture_groups(client: TestClient) -> None:
    groups = data(client, "GET", "/api/groups")
    assert [(g["id"], g["jid"]) for g in groups] == [(ADMIN_GROUP, ADMIN_GROUP), (MEMBER_GROUP, MEMBER_GROUP)]
    assert roles(client, ADMIN_GROUP)[ME] == "superadmin"
    assert roles(client, MEMBER_GROUP)[ME] is None


def test_metadata_has_every_field_clients_read(client: TestClient) -> None:
    meta = metadata(client, MEMBER_GROUP)
    assert meta["id"] == meta["jid"] == MEMBER_GROUP
    assert meta["owner"] == "15559876543@s.whatsapp.net" and meta["restrict"] is True
    assert isinstance(meta["creation"], int) and meta["size"] == 3
    owner = meta["participants"][0]
    assert owner == {
        "id": "15559876543@s.whatsapp.net",
        "jid": "15559876543@s.whatsapp.net",
        "lid": data(client, "GET", "/api/lid-from-pn/15559876543@s.whatsapp.net")["lid"],
        "admin": "superadmin",
        "isAdmin": True,
        "isSuperAdmin": True,
    }
    assert data(client, "GET", f"/api/groups/{MEMBER_GROUP}/participants") == meta["participants"]


def test_paginated_group_list(client: TestClient) -> None:
    page = data(client, "GET", "/api/groups?paginated=true&limit=1&page=2")
    assert [g["jid"] for g in page["items"]] == [MEMBER_GROUP]
    assert page["pagination"] == {"total": 2, "page": 2, "limit": 1, "totalPages": 2}
    assert call(client, "GET", "/api/groups?paginated=true&limit=500").status_code == 422


# Creating -------------------------------------------------------------------------------------------------


def test_a_created_group_is_listed_with_its_creator_as_superadmin(client: TestClient) -> None:
    jid = create(client, participants=[ALICE, "+15557654321", NOT_ON_WA, ALICE])
    assert jid.endswith("@g.us") and jid in group_ids(client)
    assert roles(client, jid) == {ME: "superadmin", ALICE: None, NEWCOMER: None}
    upserts = events(client, CONNECTED_ID, "groups.upsert")
    assert upserts[-1][0]["jid"] == jid and upserts[-1][0]["subject"] == "Team"


def test_a_group_without_participants_holds_its_creator(client: TestClient) -> None:
    assert roles(client, create(client, participants=[])) == {ME: "superadmin"}


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"name": ["The name field is required."]}),
        ({"name": "x" * 101}, {"name": ["The name field must not be greater than 100 characters."]}),
        ({"name": "ok", "participants": "15551234567"}, {"participants": ["The participants field must be an array."]}),
        ({"name": "ok", "participants": ["abc"]}, {"participants.0": ["The participants.0 field format is invalid."]}),
    ],
)
def test_create_validates_its_body(client: TestClient, body: dict, errors: dict) -> None:
    response = call(client, "POST", "/api/groups", json=body)
    assert response.status_code == 422 and response.json()["errors"] == errors


# Members and admin rights ----------------------------------------------------------------------------------


def test_an_admin_adds_with_a_status_per_participant(client: TestClient) -> None:
    outcomes = change(client, ADMIN_GROUP, "add", ["+15557654321", ALICE, NOT_ON_WA])
    assert results(outcomes) == [(200, NEWCOMER, "added"), (409, ALICE, "already-a-member"), (404, NOT_ON_WA, "not-on-whatsapp")]
    assert NEWCOMER in roles(client, ADMIN_GROUP)
    assert events(client, CONNECTED_ID, "group-participants.update")[-1] == {
        "jid": ADMIN_GROUP, "participants": [NEWCOMER], "action": "add"
    }


def test_a_number_not_on_whatsapp_is_answered_by_its_jid_however_it_was_given(client: TestClient) -> None:
    outcomes = change(client, ADMIN_GROUP, "add", ["+15550000777", "15550000778"])
    assert results(outcomes) == [
        (404, "15550000777@s.whatsapp.net", "not-on-whatsapp"),
        (404, "15550000778@s.whatsapp.net", "not-on-whatsapp"),
    ]
    assert results(change(client, ADMIN_GROUP, "remove", ["+15550000777"])) == [
        (404, "15550000777@s.whatsapp.net", "not-on-whatsapp")
    ]


def test_a_plain_member_cannot_add_or_remove(client: TestClient) -> None:
    assert results(change(client, MEMBER_GROUP, "add", [NEWCOMER])) == [(403, NEWCOMER, "not-authorized")]
    assert results(change(client, MEMBER_GROUP, "remove", [ALICE])) == [(403, ALICE, "not-authorized")]
    assert set(roles(client, MEMBER_GROUP)) == {"15559876543@s.whatsapp.net", ALICE, ME}
    assert events(client, CONNECTED_ID, "group-participants.update") == []


def test_remove_reports_non_members(client: TestClient) -> None:
    outcomes = change(client, ADMIN_GROUP, "remove", [ALICE, NEWCOMER])
    assert results(outcomes) == [(200, ALICE, "removed"), (404, NEWCOMER, "not-a-member")]
    assert ALICE not in roles(client, ADMIN_GROUP)


def test_promote_and_demote_change_what_metadata_says(client: TestClient) -> None:
    assert results(change(client, ADMIN_GROUP, "promote", [ALICE])) == [(200, ALICE, "promoted")]
    assert roles(client, ADMIN_GROUP)[ALICE] == "admin"
    assert results(change(client, ADMIN_GROUP, "demote", [ALICE])) == [(200, ALICE, "demoted")]
    assert roles(client, ADMIN_GROUP)[ALICE] is None
    actions = [e["action"] for e in events(client, CONNECTED_ID, "group-participants.update")]
    assert actions == ["promote", "demote"]


@pytest.mark.parametrize("action", ["promote", "demote"])
def test_a_plain_member_cannot_promote_or_demote(client: TestClient, action: str) -> None:
    message = f"Failed to {action} group participants: You are not an admin in this group."
    body = {"action": action, "participants": [ALICE]}
    assert_error(call(client, "PUT", f"/api/groups/{MEMBER_GROUP}/participants/update", json=body), 400, message)


def test_other_admins_cannot_remove_or_demote_the_superadmin(client: TestClient) -> None:
    connect_other(client)
    change(client, ADMIN_GROUP, "promote", [OTHER])
    assert results(change(client, ADMIN_GROUP, "demote", [ME], DISCONNECTED_KEY)) == [(403, ME, "not-authorized")]
    assert results(change(client, ADMIN_GROUP, "remove", [ME], DISCONNECTED_KEY)) == [(403, ME, "not-authorized")]
    assert roles(client, ADMIN_GROUP)[ME] == "superadmin"
    assert results(change(client, ADMIN_GROUP, "remove", [ALICE], DISCONNECTED_KEY)) == [(200, ALICE, "removed")]


def test_the_last_admin_cannot_demote_itself(client: TestClient) -> None:
    assert results(change(client, ADMIN_GROUP, "demote", [ME])) == [(403, ME, "not-authorized")]


def test_member_add_lets_every_member_add(client: TestClient) -> None:
    connect_other(client)
    assert results(change(client, ADMIN_GROUP, "add", [NEWCOMER], DISCONNECTED_KEY)) == [(403, NEWCOMER, "not-authorized")]
    data(client, "PUT", f"/api/groups/{ADMIN_GROUP}/settings", json={"memberAdd": True})
    assert results(change(client, ADMIN_GROUP, "add", [NEWCOMER], DISCONNECTED_KEY)) == [(200, NEWCOMER, "added")]


@pytest.mark.parametrize(
    ("method", "suffix", "body", "errors"),
    [
        ("POST", "participants/add", {}, {"participants": ["The participants field is required."]}),
        ("POST", "participants/add", {"participants": []}, {"participants": ["The participants field must have at least 1 items."]}),
        ("POST", "participants/remove", {"participants": [5]}, {"participants.0": ["The participants.0 field must be a string."]}),
        ("POST", "participants/add", {"participants": ["12@g.us"]}, {"participants.0": ["The participants.0 field format is invalid."]}),
        ("PUT", "participants/update", {"action": "kick", "participants": [ALICE]}, {"action": ["The selected action is invalid."]}),
        ("PUT", "participants/update", {"participants": [ALICE]}, {"action": ["The action field is required."]}),
        ("PUT", "settings", {"announce": "yes"}, {"announce": ["The announce field must be true or false."]}),
        ("PUT", "settings", {"profilePicUrl": "ftp://x"}, {"profilePicUrl": ["The profile pic url field must be a valid URL."]}),
        ("PUT", "settings", {"subject": "x" * 101}, {"subject": ["The subject field must not be greater than 100 characters."]}),
    ],
)
def test_bodies_are_validated(client: TestClient, method: str, suffix: str, body: dict, errors: dict) -> None:
    response = call(client, method, f"/api/groups/{ADMIN_GROUP}/{suffix}", json=body)
    assert response.status_code == 422 and response.json()["errors"] == errors


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("GET", "metadata"), ("GET", "participants"), ("GET", "picture"), ("GET", "invite-link"), ("POST", "leave"),
     ("POST", "participants/add"), ("POST", "participants/remove"), ("PUT", "participants/update"), ("PUT", "settings")],
)
def test_unknown_and_malformed_group_jids(client: TestClient, method: str, suffix: str) -> None:
    body = {"participants": [ALICE], "action": "promote"}
    assert_error(call(client, method, f"/api/groups/120363999999999999@g.us/{suffix}", json=body), 404, GROUP_NOT_FOUND)
    malformed = call(client, method, f"/api/groups/not-a-group/{suffix}", json=body)
    assert malformed.status_code == 422
    assert malformed.json()["errors"] == {"groupJid": ["The group jid field format is invalid."]}
    assert call(client, method, f"/api/groups/{ADMIN_GROUP}/{suffix}", DISCONNECTED_KEY, json=body).json() == {
        "success": False, "message": NOT_CONNECTED
    }


# Shared state --------------------------------------------------------------------------------------------------


def test_two_sessions_in_one_group_see_the_same_members_and_settings(client: TestClient) -> None:
    connect_other(client)
    assert ADMIN_GROUP in group_ids(client, DISCONNECTED_KEY) and MEMBER_GROUP not in group_ids(client, DISCONNECTED_KEY)
    data(client, "PUT", f"/api/groups/{ADMIN_GROUP}/settings", json={"subject": "Renamed", "announce": True})
    change(client, ADMIN_GROUP, "promote", [OTHER])
    theirs = metadata(client, ADMIN_GROUP, DISCONNECTED_KEY)
    assert theirs == metadata(client, ADMIN_GROUP)
    assert theirs["subject"] == "Renamed" and theirs["announce"] is True and roles(client, ADMIN_GROUP)[OTHER] == "admin"
    for session_id in (CONNECTED_ID, DISCONNECTED_ID):
        assert events(client, session_id, "groups.update") == [[{"jid": ADMIN_GROUP, "announce": True}]]
        assert [u[0]["subject"] for u in events(client, session_id, "groups.upsert")] == ["Renamed"]


def test_a_new_group_appears_for_a_member_session_with_an_upsert(client: TestClient) -> None:
    connect_other(client)
    jid = create(client, participants=[OTHER])
    assert jid in group_ids(client, DISCONNECTED_KEY)
    assert events(client, DISCONNECTED_ID, "groups.upsert")[-1][0]["jid"] == jid


# Settings ----------------------------------------------------------------------------------------------------------


def test_settings_answer_and_read_back(client: TestClient) -> None:
    body = {"subject": "New", "description": "About us", "restrict": True, "joinApproval": True, "memberAdd": True}
    answer = data(client, "PUT", f"/api/groups/{ADMIN_GROUP}/settings", json=body)
    assert answer["subject"] == "New" and answer["description"] == "About us"
    meta = metadata(client, ADMIN_GROUP)
    assert (meta["subject"], meta["desc"], meta["restrict"], meta["joinApprovalMode"], meta["memberAddMode"]) == (
        "New", "About us", True, True, True
    )
    assert meta["descOwner"] == meta["subjectOwner"] == ME and meta["descId"]


def test_with_restrict_on_only_admins_edit_the_subject(client: TestClient) -> None:
    response = call(client, "PUT", f"/api/groups/{MEMBER_GROUP}/settings", json={"subject": "Mine now"})
    assert_error(response, 400, "Failed to update group settings: You are not an admin in this group.")
    assert metadata(client, MEMBER_GROUP)["subject"] == "Emulator demo: we are a member"


def test_with_restrict_off_members_edit_the_subject_but_never_the_rules(client: TestClient) -> None:
    connect_other(client)
    data(client, "PUT", f"/api/groups/{ADMIN_GROUP}/settings", DISCONNECTED_KEY, json={"subject": "Ours"})
    assert metadata(client, ADMIN_GROUP)["subject"] == "Ours"
    response = call(client, "PUT", f"/api/groups/{ADMIN_GROUP}/settings", DISCONNECTED_KEY, json={"announce": True})
    assert_error(response, 400, "Failed to update group settings: You are not an admin in this group.")


def test_a_settings_call_that_changes_nothing_publishes_nothing(client: TestClient) -> None:
    data(client, "PUT", f"/api/groups/{ADMIN_GROUP}/settings", json={"announce": False})
    data(client, "PUT", f"/api/groups/{ADMIN_GROUP}/settings", json={})
    assert events(client, CONNECTED_ID, "groups.update") == []


# Pictures ----------------------------------------------------------------------------------------------------------


def test_group_pictures_are_served_and_replaced(client: TestClient) -> None:
    picture = data(client, "GET", f"/api/groups/{ADMIN_GROUP}/picture")
    assert picture["imgUrl"] == picture["url"] and client.get(picture["url"]).headers["content-type"] == "image/png"
    assert data(client, "GET", f"/api/groups/{MEMBER_GROUP}/picture") == {"imgUrl": None, "url": None}
    answer = data(client, "PUT", f"/api/groups/{ADMIN_GROUP}/settings", json={"profilePicUrl": "https://example.com/p.jpg"})
    assert answer["imgUrl"] != picture["url"] and client.get(answer["imgUrl"]).status_code == 200
    assert client.get(picture["url"]).status_code == 404
    assert events(client, CONNECTED_ID, "groups.update")[-1] == [{"jid": ADMIN_GROUP, "imgUrl": answer["imgUrl"]}]


# Invites and leaving -------------------------------------------------------------------------------------------


def test_invite_round_trip_leave_and_rejoin(client: TestClient) -> None:
    connect_other(client)
    link = call(client, "GET", f"/api/groups/{ADMIN_GROUP}/invite-link").json()
    assert link["inviteLink"] == link["data"]["link"] and link["inviteLink"].startswith("https://chat.whatsapp.com/")
    code = link["inviteLink"].rsplit("/", 1)[1]
    data(client, "POST", f"/api/groups/{ADMIN_GROUP}/leave", DISCONNECTED_KEY)
    assert ADMIN_GROUP not in group_ids(client, DISCONNECTED_KEY)
    info = data(client, "GET", f"/api/groups/invite/{code}", DISCONNECTED_KEY)
    assert info["id"] == info["groupJid"] == ADMIN_GROUP and info["size"] == 3 and info["inviteCode"] == code
    assert data(client, "POST", "/api/groups/invite/accept", DISCONNECTED_KEY, json={"code": code})["id"] == ADMIN_GROUP
    assert ADMIN_GROUP in group_ids(client, DISCONNECTED_KEY)
    actions = [(e["action"], e["participants"]) for e in events(client, CONNECTED_ID, "group-participants.update")]
    assert actions == [("remove", [OTHER]), ("add", [OTHER])]


def test_only_admins_get_the_invite_link(client: TestClient) -> None:
    response = call(client, "GET", f"/api/groups/{MEMBER_GROUP}/invite-link")
    assert_error(response, 400, "Failed to get group invite link: You are not an admin in this group.")


def test_unknown_and_reset_invite_codes_are_refused(client: TestClient) -> None:
    assert_error(call(client, "GET", "/api/groups/invite/NoSuchCode"), 404, INVITE_INFO_FAILED)
    assert_error(call(client, "POST", "/api/groups/invite/accept", json={"code": "NoSuchCode"}), 404, INVITE_ACCEPT_FAILED)
    old = "EmuDemoAdminInvite0001"
    new = client.post(f"/admin/groups/{ADMIN_GROUP}/reset-invite").json()["data"]["code"]
    assert new != old
    assert_error(call(client, "GET", f"/api/groups/invite/{old}"), 404, INVITE_INFO_FAILED)
    assert data(client, "GET", f"/api/groups/invite/{new}")["id"] == ADMIN_GROUP


def test_accept_validates_its_body(client: TestClient) -> None:
    response = call(client, "POST", "/api/groups/invite/accept", json={})
    assert response.status_code == 422 and response.json()["errors"] == {"code": ["The code field is required."]}


def test_join_approval_refuses_a_direct_join(client: TestClient) -> None:
    connect_other(client)
    data(client, "PUT", f"/api/groups/{ADMIN_GROUP}/settings", json={"joinApproval": True})
    data(client, "POST", f"/api/groups/{ADMIN_GROUP}/leave", DISCONNECTED_KEY)
    response = call(client, "POST", "/api/groups/invite/accept", DISCONNECTED_KEY, json={"code": "EmuDemoAdminInvite0001"})
    assert_error(response, 400, NEEDS_APPROVAL)


def test_leave_removes_the_group_and_a_second_leave_is_refused(client: TestClient) -> None:
    assert data(client, "POST", f"/api/groups/{MEMBER_GROUP}/leave") == {}
    assert MEMBER_GROUP not in group_ids(client)
    response = call(client, "POST", f"/api/groups/{MEMBER_GROUP}/leave")
    assert_error(response, 400, "Failed to leave group: You are not a member of this group.")
    assert_error(call(client, "GET", f"/api/groups/{MEMBER_GROUP}/metadata"), 400,
                 "Failed to get group metadata: You are not a member of this group.")


def test_when_the_last_admin_leaves_the_longest_member_inherits(client: TestClient) -> None:
    connect_other(client)
    data(client, "POST", f"/api/groups/{ADMIN_GROUP}/leave")
    assert roles(client, ADMIN_GROUP, DISCONNECTED_KEY)[ALICE] == "admin"  # the first to join after the creator
    last = events(client, DISCONNECTED_ID, "group-participants.update")[-2:]
    assert [(e["action"], e["participants"]) for e in last] == [("remove", [ME]), ("promote", [ALICE])]


def test_groups_survive_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "state.db")
    with make_client(db=db) as client:
        jid = create(client, name="Durable")
        change(client, jid, "promote", [ALICE])
    with make_client(db=db) as client:
        assert roles(client, jid) == {ME: "superadmin", ALICE: "admin"}
        assert metadata(client, jid)["subject"] == "Durable"


def test_a_group_its_last_member_leaves_is_gone(client: TestClient) -> None:
    jid = create(client, participants=[])
    code = call(client, "GET", f"/api/groups/{jid}/invite-link").json()["data"]["code"]
    data(client, "POST", f"/api/groups/{jid}/leave")
    assert_error(call(client, "GET", f"/api/groups/{jid}/metadata"), 404, GROUP_NOT_FOUND)
    assert_error(call(client, "POST", "/api/groups/invite/accept", json={"code": code}), 404, INVITE_ACCEPT_FAILED)


FUZZED_ROUTES = [
    ("GET", "/api/contacts/{p}"), ("GET", "/api/contacts/{p}/picture"), ("POST", "/api/contacts/{p}/block"),
    ("PUT", "/api/contacts"), ("GET", "/api/lid-from-pn/{p}"), ("GET", "/api/pn-from-lid/{p}"), ("GET", "/media/avatars/{p}"),
    ("POST", "/api/groups"), ("GET", "/api/groups/{p}/metadata"), ("POST", "/api/groups/{p}/participants/add"),
    ("PUT", "/api/groups/{p}/participants/update"), ("PUT", "/api/groups/{p}/settings"), ("GET", "/api/groups/invite/{p}"),
    ("POST", "/api/groups/invite/accept"), ("POST", "/api/groups/{p}/leave"),
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    route=st.sampled_from(FUZZED_ROUTES),
    arg=st.text(alphabet="0123456789abc+@.%-_:lidgus", min_size=1, max_size=24) | st.sampled_from([ADMIN_GROUP, ALICE]),
    body=st.dictionaries(
        st.sampled_from(["jid", "fullName", "name", "participants", "action", "subject", "announce", "profilePicUrl", "code"]),
        st.none() | st.booleans() | st.integers() | st.text(max_size=12) | st.lists(st.text(max_size=12), max_size=3),
    ),
)
def test_no_contact_or_group_route_answers_5xx_or_non_json(route: tuple[str, str], arg: str, body: dict) -> None:
    method, template = route
    response = shared_client("contacts-groups-fuzz").request(
        method, template.replace("{p}", arg), json=body, headers=auth(CONNECTED_KEY)
    )
    assert response.status_code < 500, response.text
    if not response.headers["content-type"].startswith("image/"):
        payload = response.json()
        assert isinstance(payload, dict) and isinstance(payload["success"], bool)
