"""Random sequences of group operations by two sessions never break the rules of admin rights."""

from __future__ import annotations

from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tests.conftest import CONNECTED_KEY, DISCONNECTED_ID, DISCONNECTED_KEY, PAT, auth, shared_client

KEYS = {"15550100001@s.whatsapp.net": CONNECTED_KEY, "15550100002@s.whatsapp.net": DISCONNECTED_KEY}
PEOPLE = [*KEYS, "15551234567@s.whatsapp.net", "15557654321@s.whatsapp.net", "15550000001@s.whatsapp.net"]
NOT_ON_WHATSAPP = PEOPLE[-1]

actors = st.sampled_from(list(KEYS))
targets = st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=3, unique=True)


class GroupRights(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # Group rules, not rate limits, are under test: metadata is read after every step.
        self.client = shared_client("group-machine", rate_limits="off")
        self.jid = ""
        self.code = ""

    @initialize()
    def a_group_of_both_sessions(self) -> None:
        assert self.client.post("/admin/reset").status_code == 200
        self.client.post(f"/api/whatsapp-sessions/{DISCONNECTED_ID}/connect", headers=auth(PAT))
        assert self.client.post(f"/admin/sessions/{DISCONNECTED_ID}/scan").status_code == 200
        body = {"name": "Machine", "participants": PEOPLE[1:3]}
        self.jid = self._call(CONNECTED_KEY, "POST", "/api/groups", json=body).json()["data"]["id"]
        self.code = self.client.post(f"/admin/groups/{self.jid}/reset-invite").json()["data"]["code"]

    def _call(self, key: str, method: str, path: str, **kwargs: Any) -> Any:
        response = self.client.request(method, path, headers=auth(key), **kwargs)
        assert response.status_code < 500 and response.headers["content-type"].startswith("application/json"), response.text
        return response

    def _info(self) -> dict[str, Any] | None:
        """The group as any session sees it through the invite code, member or not; None once it is gone."""
        response = self._call(CONNECTED_KEY, "GET", f"/api/groups/invite/{self.code}")
        return response.json()["data"] if response.status_code == 200 else None

    def _roles(self) -> dict[str, str | None]:
        info = self._info()
        return {p["id"]: p["admin"] for p in info["participants"]} if info else {}

    def _refusal(self) -> int:
        """A refused call: 400 in a group, 404 once the group is gone."""
        return 400 if self._info() is not None else 404

    def _member_add_open(self) -> bool:
        info = self._info()
        return bool(info and info["memberAddMode"])

    @rule(actor=actors, action=st.sampled_from(["promote", "demote"]), people=targets)
    def change_roles(self, actor: str, action: str, people: list[str]) -> None:
        before = self._roles()
        body = {"action": action, "participants": people}
        response = self._call(KEYS[actor], "PUT", f"/api/groups/{self.jid}/participants/update", json=body)
        if before.get(actor, None) is None:  # not a member, or a plain one
            assert response.status_code == self._refusal() and self._roles() == before
            return
        assert response.status_code == 200
        after = self._roles()
        for outcome in response.json()["data"]:
            if outcome["status"] != 200:
                assert after.get(outcome["jid"]) == before.get(outcome["jid"])
            elif action == "promote":
                assert after[outcome["jid"]] in ("admin", "superadmin")

    @rule(actor=actors, action=st.sampled_from(["add", "remove"]), people=targets)
    def change_members(self, actor: str, action: str, people: list[str]) -> None:
        before, open_to_all = self._roles(), self._member_add_open()
        body = {"participants": people}
        response = self._call(KEYS[actor], "POST", f"/api/groups/{self.jid}/participants/{action}", json=body)
        if actor not in before:
            assert response.status_code == self._refusal() and self._roles() == before
            return
        allowed = before[actor] is not None or (action == "add" and open_to_all)
        for outcome in response.json()["data"]:
            if outcome["jid"] == NOT_ON_WHATSAPP:
                assert outcome["status"] == 404
            elif not allowed:
                assert outcome["status"] == 403
        after = self._roles()
        if not allowed:
            assert after == before

    @rule(actor=actors, member_add=st.booleans())
    def open_or_close_adding(self, actor: str, member_add: bool) -> None:
        before = self._roles()
        body = {"memberAdd": member_add}
        response = self._call(KEYS[actor], "PUT", f"/api/groups/{self.jid}/settings", json=body)
        assert response.status_code == (200 if before.get(actor) is not None else self._refusal())

    @rule(actor=actors)
    def leave(self, actor: str) -> None:
        was_member = actor in self._roles()
        response = self._call(KEYS[actor], "POST", f"/api/groups/{self.jid}/leave")
        assert response.status_code == (200 if was_member else self._refusal())
        assert actor not in self._roles()

    @rule(actor=actors)
    def join_by_invite(self, actor: str) -> None:
        exists = self._info() is not None
        response = self._call(KEYS[actor], "POST", "/api/groups/invite/accept", json={"code": self.code})
        assert response.status_code == (200 if exists else 404)
        assert (actor in self._roles()) == exists

    @invariant()
    def a_group_with_members_has_an_admin_and_at_most_one_superadmin(self) -> None:
        if not self.jid:
            return
        roles = list(self._roles().values())
        assert not roles or any(role is not None for role in roles)
        assert roles.count("superadmin") <= 1

    @invariant()
    def each_session_lists_the_group_exactly_when_it_is_a_member(self) -> None:
        if not self.jid:
            return
        members = self._roles()
        for person, key in KEYS.items():
            listed = [g["id"] for g in self._call(key, "GET", "/api/groups").json()["data"]]
            assert (self.jid in listed) == (person in members)
            if person in members:
                seen = self._call(key, "GET", f"/api/groups/{self.jid}/metadata").json()["data"]["participants"]
                assert {p["id"]: p["admin"] for p in seen} == members


GroupRights.TestCase.settings = settings(max_examples=40, stateful_step_count=15, deadline=None)
test_group_rights = GroupRights.TestCase
