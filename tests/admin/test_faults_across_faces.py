"""Fault rules on the Wasend and SendAPI faces' routes: each answers in its own face's error body,
names sessions by that face's ids, and fails or loses the messages its sends accept."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from litestar.testing import TestClient

from emulator.config import DEFAULT_FIXTURES
from emulator.domain.faults import ErrorAction
from emulator.faces import SENDAPI, WASEND
from emulator.faces.sendapi import errors as sendapi_errors
from emulator.faces.wasend import errors as wasend_errors
from emulator.faces.wasenderapi import errors as wasenderapi_errors
from tests.admin.test_faults import add_rule, rule_of
from tests.conftest import auth
from tests.webhooks.support import advance

KEYS = json.loads(DEFAULT_FIXTURES.read_text())["accounts"][0]["keys"]
TO = "+15551234567"


def wasend_session(client: TestClient, phone: str = "+15550007101") -> str:
    body = {"sessionName": f"w{phone}", "phoneNumber": phone}  # a name of its own: Wasend's names are unique
    created = client.post("/wasend/sessions", json=body, headers=auth(KEYS[WASEND]))
    session_id = created.json()["uniqueSessionId"]
    client.post(f"/admin/sessions/{session_id}/scan").raise_for_status()
    return session_id  # type: ignore[no-any-return]


def sendapi_session(client: TestClient, name: str = "s") -> str:
    created = client.post("/sendapi/v1/whatsapp/sessions", json={"name": name}, headers=auth(KEYS[SENDAPI])).json()
    client.post(f"/admin/sessions/{created['id']}/scan").raise_for_status()
    return created["id"]  # type: ignore[no-any-return]


def wasend_send(client: TestClient, session_id: str, text: str = "hi") -> Any:
    return client.post("/wasend/sendText", json={"session": session_id, "to": TO, "text": text}, headers=auth(KEYS[WASEND]))


def sendapi_send(client: TestClient, session_id: str, text: str = "hi") -> Any:
    body = {"session_id": session_id, "to": TO, "content": text}
    return client.post("/sendapi/v1/whatsapp/send", json=body, headers=auth(KEYS[SENDAPI]))


@pytest.mark.parametrize(
    ("status", "message"),
    [(503, "Service Unavailable"), (500, "Internal server error"), (429, "ThrottlerException: Too Many Requests")],
)
def test_a_wasend_route_fails_in_nestjs_words(client: TestClient, status: int, message: str) -> None:
    session_id = wasend_session(client)
    add_rule(client, route="POST /wasend/sendText", times=1, action={"type": "error", "status": status})
    refused = wasend_send(client, session_id)
    assert refused.status_code == status and refused.json()["statusCode"] == status
    assert refused.json()["message"] == message
    assert refused.headers.get("retry-after") == ("60" if status == 429 else None)
    assert wasend_send(client, session_id).status_code == 201


@pytest.mark.parametrize(
    ("status", "error_type", "code"),
    [(503, "api_error", 5030), (429, "rate_limit_exceeded", 4029), (404, "not_found", 4040), (402, "invalid_request_error", 4020),
     (400, "invalid_request_error", 4000)],
)
def test_a_sendapi_route_fails_in_its_error_body(client: TestClient, status: int, error_type: str, code: int) -> None:
    session_id = sendapi_session(client)
    add_rule(client, route="POST /sendapi/v1/whatsapp/send", times=1, action={"type": "error", "status": status, "retry_after": 9})
    refused = sendapi_send(client, session_id)
    assert refused.status_code == status
    error = refused.json()["error"]
    assert (error["type"], error["code"]) == (error_type, code) and refused.json()["meta"]["request_id"].startswith("req_")
    assert refused.headers.get("retry-after") == ("9" if status == 429 else None)
    assert sendapi_send(client, session_id).status_code == 201


def test_a_rule_names_a_session_by_its_faces_id_and_leaves_the_others_alone(client: TestClient) -> None:
    mine, theirs = sendapi_session(client, "mine"), sendapi_session(client, "theirs")
    rule = add_rule(client, route="POST /sendapi/v1/whatsapp/send", session_id=mine, action={"type": "error", "status": 500})
    assert sendapi_send(client, theirs).status_code == 201
    assert sendapi_send(client, mine).status_code == 500
    assert (rule_of(client, rule["id"])["matched"], rule_of(client, rule["id"])["fired"]) == (1, 1)


def test_a_wasend_session_in_the_path_is_matched_too(client: TestClient) -> None:
    mine, theirs = wasend_session(client, "+15550007102"), wasend_session(client, "+15550007103")
    add_rule(client, route="GET /wasend/sessions/{session_id}", session_id=mine, action={"type": "error", "status": 502})
    assert client.get(f"/wasend/sessions/{theirs}", headers=auth(KEYS[WASEND])).status_code == 200
    assert client.get(f"/wasend/sessions/{mine}", headers=auth(KEYS[WASEND])).status_code == 502


def test_a_sendapi_send_a_fail_rule_accepts_is_then_failed_with_its_reason(client: TestClient) -> None:
    session_id = sendapi_session(client)
    add_rule(client, route="POST /sendapi/v1/whatsapp/send", times=1, action={"type": "fail_message", "error": "network error"})
    accepted = sendapi_send(client, session_id).json()
    assert accepted["status"] == "accepted"
    advance(client, 30)
    stored = client.get(f"/sendapi/v1/whatsapp/messages/{accepted['id']}", headers=auth(KEYS[SENDAPI])).json()
    assert (stored["status"], stored["failed_reason"]) == ("failed", "network error")


def test_a_wasend_send_a_lose_rule_accepts_is_never_delivered(client: TestClient) -> None:
    session_id = wasend_session(client, "+15550007104")
    add_rule(client, route="POST /wasend/sendText", times=1, action={"type": "lose_message"})
    lost, delivered = wasend_send(client, session_id, "lost").json(), wasend_send(client, session_id, "delivered").json()
    advance(client, 3600)
    assert (wasend_status(client, lost["id"]), wasend_status(client, delivered["id"])) == ("PENDING", "READ")


def wasend_status(client: TestClient, message_id: str) -> str:
    return client.get(f"/wasend/messages/{message_id}", headers=auth(KEYS[WASEND])).json()["status"]  # type: ignore[no-any-return]


def test_the_faces_send_routes_take_send_rules_and_their_other_routes_do_not(client: TestClient) -> None:
    refused = client.post("/admin/faults", json={"route": "POST /wasend/sessions", "action": {"type": "lose_message"}})
    assert refused.status_code == 422 and "POST /wasend/sendText" in refused.json()["errors"]["route"][0]
    spread = add_rule(client, route="* /wasend/*", action={"type": "error", "status": 500})
    assert spread["matches"] and all(key.split(" ", 1)[1].startswith("/wasend/") for key in spread["matches"])


def test_a_body_read_ahead_for_a_rule_is_bounded_and_refused_in_the_faces_words(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("emulator.admin.fault_injection.MEDIA_MAX_BODY", 64)
    session_id = sendapi_session(client)
    add_rule(client, route="POST /sendapi/v1/whatsapp/send", recipient=TO, action={"type": "error", "status": 500})
    refused = sendapi_send(client, session_id, "x" * 100)
    assert refused.status_code == 413 and refused.json()["error"]["type"] == "payload_too_large"


@given(status=st.integers(400, 599), message=st.none() | st.text(min_size=1, max_size=40), retry=st.none() | st.integers(0, 86_400))
def test_every_status_a_rule_may_ask_for_has_each_faces_body(status: int, message: str | None, retry: int | None) -> None:
    action = ErrorAction(status=status, message=message, retry_after=retry)
    wasend, sendapi = wasend_errors.injected_error(action, 0.0), sendapi_errors.injected_error(action, 0.0)
    wasenderapi = wasenderapi_errors.injected_error(action, 0.0)
    assert wasend["statusCode"] == status and isinstance(wasend["message"], str) and wasend["message"]
    # SendAPI's codes are the status and a digit, but for the rate limit's documented 4029.
    assert sendapi["success"] is False and sendapi["error"]["message"]
    assert sendapi["error"]["code"] == 4029 if status == 429 else sendapi["error"]["code"] // 10 == status
    assert (wasenderapi.get("success"), "retry_after" in wasenderapi) == (None if status >= 500 else False, status == 429)
    if message is not None:
        assert message in (wasend["message"], sendapi["error"]["message"], wasenderapi["message"])
