"""Random sequences of API and admin calls never break the session invariants."""

from __future__ import annotations

from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from emulator.domain.sessions import TRANSITIONS, Status
from tests.conftest import PAT, auth, shared_client

STATUSES = {s.value for s in Status}


class SessionLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.client = shared_client("state-machine")  # each example starts from a reset
        self.sessions: dict[int, dict[str, Any]] = {}  # id -> {"key": ..., "status": ...}
        self.dead_keys: set[str] = set()

    @initialize()
    def reset(self) -> None:
        assert self.client.post("/admin/reset").status_code == 200
        for session in self.client.get("/api/whatsapp-sessions", headers=auth(PAT)).json()["data"]:
            self.sessions[session["id"]] = {"key": session["api_key"], "status": session["status"]}

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.client.request(method, path, headers=auth(PAT), **kwargs)
        assert response.status_code < 500, response.text
        assert response.status_code == 204 or response.headers["content-type"].startswith("application/json")
        return response

    def _observe(self, session_id: int) -> str:
        status = self._call("GET", f"/api/whatsapp-sessions/{session_id}").json()["data"]["status"]
        previous = self.sessions[session_id]["status"]
        assert status == previous or status in TRANSITIONS[Status(previous)] or self._reachable(previous, status)
        self.sessions[session_id]["status"] = status
        return status

    @staticmethod
    def _reachable(start: str, end: str) -> bool:
        seen, frontier = {Status(start)}, [Status(start)]
        while frontier:
            for nxt in TRANSITIONS[frontier.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        return Status(end) in seen

    @precondition(lambda self: len(self.sessions) < 6)
    @rule(n=st.integers(0, 10**6))
    def create(self, n: int) -> None:
        body = {"name": f"s{n}", "phone_number": f"+1444{n:07d}", "account_protection": False, "log_messages": True}
        response = self._call("POST", "/api/whatsapp-sessions", json=body)
        if response.status_code == 200:
            data = response.json()["data"]
            assert data["status"] == "disconnected"
            self.sessions[data["id"]] = {"key": data["api_key"], "status": "disconnected"}
        else:
            assert response.status_code in (403, 422)

    @precondition(lambda self: self.sessions)
    @rule(data=st.data())
    def connect(self, data: st.DataObject) -> None:
        sid = data.draw(st.sampled_from(sorted(self.sessions)))
        before = self._observe(sid)
        body = self._call("POST", f"/api/whatsapp-sessions/{sid}/connect").json()["data"]
        if before in ("disconnected", "logged_out", "expired", "need_scan"):
            assert body["status"] == "need_scan" and body["qrCode"].startswith("2@")
        else:
            assert body["status"] == before and "message" in body
        self._observe(sid)

    @precondition(lambda self: self.sessions)
    @rule(data=st.data())
    def scan(self, data: st.DataObject) -> None:
        sid = data.draw(st.sampled_from(sorted(self.sessions)))
        before = self._observe(sid)
        response = self.client.post(f"/admin/sessions/{sid}/scan")
        assert response.status_code == (200 if before == "need_scan" else 400)
        assert self._observe(sid) == ("connected" if before == "need_scan" else before)

    @precondition(lambda self: self.sessions)
    @rule(data=st.data(), action=st.sampled_from(["disconnect", "restart"]))
    def lifecycle_call(self, data: st.DataObject, action: str) -> None:
        sid = data.draw(st.sampled_from(sorted(self.sessions)))
        before = self._observe(sid)
        response = self._call("POST", f"/api/whatsapp-sessions/{sid}/{action}")
        if action == "disconnect":
            assert response.status_code == 200 and self._observe(sid) == "disconnected"
        else:
            assert response.status_code == (200 if before == "connected" else 400)
            assert self._observe(sid) == before

    @precondition(lambda self: self.sessions)
    @rule(data=st.data(), status=st.sampled_from(["logged_out", "expired", "disconnected"]))
    def phone_event(self, data: st.DataObject, status: str) -> None:
        sid = data.draw(st.sampled_from(sorted(self.sessions)))
        before = self._observe(sid)
        response = self.client.post(f"/admin/sessions/{sid}/status", json={"status": status})
        allowed = status == before or Status(status) in TRANSITIONS[Status(before)]
        assert response.status_code == (200 if allowed else 400)
        assert self._observe(sid) == (status if allowed else before)

    @precondition(lambda self: self.sessions)
    @rule(data=st.data())
    def regenerate(self, data: st.DataObject) -> None:
        sid = data.draw(st.sampled_from(sorted(self.sessions)))
        key = self._call("POST", f"/api/whatsapp-sessions/{sid}/regenerate-key").json()["api_key"]
        self.dead_keys.add(self.sessions[sid]["key"])
        self.sessions[sid]["key"] = key

    @precondition(lambda self: self.sessions)
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        sid = data.draw(st.sampled_from(sorted(self.sessions)))
        assert self._call("DELETE", f"/api/whatsapp-sessions/{sid}").status_code == 204
        self.dead_keys.add(self.sessions.pop(sid)["key"])

    @rule(seconds=st.sampled_from([1, 30, 45, 90, 300]))
    def time_passes(self, seconds: int) -> None:
        assert self.client.post("/admin/clock/advance", json={"seconds": seconds}).status_code == 200

    @invariant()
    def statuses_qr_codes_and_keys_agree(self) -> None:
        listed = {s["id"]: s for s in self._call("GET", "/api/whatsapp-sessions").json()["data"]}
        assert set(listed) == set(self.sessions)
        for sid, session in listed.items():
            assert session["status"] in STATUSES
            qr = self.client.get(f"/api/whatsapp-sessions/{sid}/qrcode", headers=auth(PAT))
            assert qr.status_code == (200 if session["status"] == "need_scan" else 400)
            status = self.client.get("/api/status", headers=auth(self.sessions[sid]["key"]))
            assert status.json() == {"success": True, "status": session["status"]}
            self.sessions[sid]["status"] = session["status"]
        for key in self.dead_keys:
            assert self.client.get("/api/status", headers=auth(key)).status_code == 401


SessionLifecycle.TestCase.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
TestSessionLifecycle = SessionLifecycle.TestCase
