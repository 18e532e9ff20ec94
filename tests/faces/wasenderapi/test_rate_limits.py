"""Rate limits, plans and quotas as the rate-limit page documents them, on the virtual clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from emulator.clock import VIRTUAL_EPOCH
from emulator.domain.rate_limits import PROTECTED_SEND, TOO_MANY_CONCURRENT, TRIAL_SEND, TRIAL_SEND_DAILY
from tests.conftest import CONNECTED_ID, CONNECTED_KEY, PAT, auth, make_client

TEXT = {"to": "+15551234567", "text": "hi"}
HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")


def advance(client: TestClient, seconds: float) -> None:
    assert client.post("/admin/clock/advance", json={"seconds": seconds}).status_code == 200


def connected_session(client: TestClient, plan: str = "paid", **settings: Any) -> str:
    """A connected session of a new account on `plan`; answers its API key."""
    pat = client.post("/admin/accounts", json={"plan": "paid"}).json()["data"]["personal_access_token"]
    body = {"name": "limits", "phone_number": "+15556660001", "account_protection": False, "log_messages": True}
    session = client.post("/api/whatsapp-sessions", json={**body, **settings}, headers=auth(pat)).json()["data"]
    client.post(f"/api/whatsapp-sessions/{session['id']}/connect", headers=auth(pat))
    client.post(f"/admin/sessions/{session['id']}/scan")
    account_id = session["user_id"]
    assert client.put(f"/admin/accounts/{account_id}", json={"plan": plan}).status_code == 200
    return session["api_key"]


def send(client: TestClient, key: str):
    return client.post("/api/send-message", json=TEXT, headers=auth(key))


def assert_refused(response, message: str, retry_after: int) -> None:
    assert response.status_code == 429
    assert response.json() == {"success": False, "message": message, "retry_after": retry_after}
    assert response.headers["retry-after"] == str(retry_after)
    assert response.headers["x-ratelimit-remaining"] == "0"


@pytest.mark.parametrize(
    ("method", "path", "token"),
    [
        ("GET", "/api/status", CONNECTED_KEY),
        ("GET", "/api/whatsapp-sessions", PAT),
        ("POST", "/api/send-message", CONNECTED_KEY),
        ("GET", "/api/on-whatsapp/15551234567", CONNECTED_KEY),
        ("GET", "/api/messages/1/info", CONNECTED_KEY),  # a 404 is an answer too
    ],
)
def test_every_api_answer_carries_integer_headers(client: TestClient, method: str, path: str, token: str) -> None:
    response = client.request(method, path, json=TEXT, headers=auth(token))
    values = [response.headers[name] for name in HEADERS]
    assert all(v.isdigit() for v in values), values
    assert int(values[2]) >= int(VIRTUAL_EPOCH)


def test_trial_plan_one_message_a_minute(client: TestClient) -> None:
    key = connected_session(client, plan="trial")
    first = send(client, key)
    assert first.status_code == 200
    assert [first.headers[h] for h in HEADERS] == ["1", "0", str(int(VIRTUAL_EPOCH) + 60)]
    assert_refused(send(client, key), TRIAL_SEND.message, 60)
    advance(client, 30)
    assert_refused(send(client, key), TRIAL_SEND.message, 30)
    advance(client, 30)
    assert send(client, key).status_code == 200


def test_trial_plan_fifty_messages_a_day_and_the_day_rolls_over(client: TestClient) -> None:
    key = connected_session(client, plan="trial")
    for _ in range(50):
        assert send(client, key).status_code == 200
        advance(client, 60)
    refused = send(client, key)
    seconds_to_midnight = 86_400 - 50 * 60
    assert_refused(refused, TRIAL_SEND_DAILY.message, seconds_to_midnight)
    advance(client, seconds_to_midnight)
    assert send(client, key).status_code == 200


def test_paid_plans_256_a_minute(client: TestClient) -> None:
    key = connected_session(client, plan="paid")
    for i in range(256):
        response = send(client, key)
        assert response.status_code == 200
        assert response.headers["x-ratelimit-remaining"] == str(255 - i)
    refused = send(client, key)
    assert refused.status_code == 429 and refused.json()["retry_after"] == 60


@pytest.mark.parametrize("plan", ["paid", "trial"])
def test_account_protection_overrides_the_plan(client: TestClient, plan: str) -> None:
    key = connected_session(client, plan=plan, account_protection=True)
    assert send(client, key).status_code == 200
    assert_refused(send(client, key), PROTECTED_SEND.message, 5)
    advance(client, 5)
    assert send(client, key).status_code == 200
    advance(client, 5)
    assert send(client, key).status_code == 200  # a trial's 1 a minute no longer applies


GROUP = "120363000000000001@g.us"  # a fixture group session 1 belongs to


@pytest.mark.parametrize(
    ("path", "per_minute"),
    [
        ("/api/on-whatsapp/15551234567", 60),
        ("/api/contacts/15551234567/picture", 60),
        (f"/api/groups/{GROUP}/metadata", 10),
    ],
)
def test_endpoint_limits_per_minute_and_per_day(client: TestClient, path: str, per_minute: int) -> None:
    for _ in range(per_minute):
        assert client.get(path, headers=auth(CONNECTED_KEY)).status_code == 200
    refused = client.get(path, headers=auth(CONNECTED_KEY))
    assert refused.status_code == 429 and refused.json()["retry_after"] == 60
    daily = {60: 1000, 10: 500}[per_minute]
    for _ in range(daily // per_minute):
        advance(client, 60)
        for _ in range(per_minute):
            client.get(path, headers=auth(CONNECTED_KEY))
    advance(client, 60)
    daily = client.get(path, headers=auth(CONNECTED_KEY))
    assert daily.status_code == 429 and "per day" in daily.json()["message"]


def test_metadata_and_participants_share_one_limit(client: TestClient) -> None:
    for n in range(10):
        endpoint = "metadata" if n % 2 else "participants"
        assert client.get(f"/api/groups/{GROUP}/{endpoint}", headers=auth(CONNECTED_KEY)).status_code == 200
    assert client.get(f"/api/groups/{GROUP}/metadata", headers=auth(CONNECTED_KEY)).status_code == 429


def test_every_endpoint_counts_on_its_own(client: TestClient) -> None:
    logs, details = f"/api/whatsapp-sessions/{CONNECTED_ID}/session-logs", f"/api/whatsapp-sessions/{CONNECTED_ID}"
    for _ in range(3):
        client.get(logs, headers=auth(CONNECTED_KEY))
    assert client.get(details, headers=auth(CONNECTED_KEY)).headers["x-ratelimit-remaining"] == "5999"
    assert client.get(logs, headers=auth(CONNECTED_KEY)).headers["x-ratelimit-remaining"] == "5996"
    qr_alias = client.get(f"{details}/qr-code", headers=auth(CONNECTED_KEY))
    assert client.get(f"{details}/qrcode", headers=auth(CONNECTED_KEY)).headers["x-ratelimit-remaining"] == str(
        int(qr_alias.headers["x-ratelimit-remaining"]) - 1
    )


def test_limits_are_per_session(client: TestClient) -> None:
    first = connected_session(client, plan="trial")
    assert send(client, first).status_code == 200
    assert send(client, first).status_code == 429
    assert send(client, CONNECTED_KEY).status_code == 200


def test_concurrency_cap_refuses_at_once(client: TestClient) -> None:
    limiter = client.app.state.core.rate_limiter
    identity = f"session:{CONNECTED_ID}"
    for _ in range(limiter.concurrency_limit):
        assert limiter.enter(identity)
    response = client.get("/api/status", headers=auth(CONNECTED_KEY))
    assert response.status_code == 429 and response.json()["message"] == TOO_MANY_CONCURRENT
    limiter.leave(identity)
    assert client.get("/api/status", headers=auth(CONNECTED_KEY)).status_code == 200


def test_slots_are_given_back_after_errors(client: TestClient) -> None:
    limiter = client.app.state.core.rate_limiter
    for _ in range(limiter.concurrency_limit * 3):
        client.post("/api/send-message", json={"to": "x"}, headers=auth(CONNECTED_KEY))
        client.get("/api/messages/99/info", headers=auth(CONNECTED_KEY))
    assert client.get("/api/status", headers=auth(CONNECTED_KEY)).status_code == 200


def test_no_subscription(client: TestClient) -> None:
    key = connected_session(client, plan="none")
    response = send(client, key)
    assert response.status_code == 403
    assert response.json()["message"] == "Active subscription or trial is required to use the API"


def test_switching_off_at_run_time(client: TestClient) -> None:
    key = connected_session(client, plan="trial")
    send(client, key)
    off = client.put("/admin/rate-limits", json={"enabled": False})
    assert off.json()["data"]["enabled"] is False
    assert send(client, key).status_code == 200
    assert "x-ratelimit-limit" not in send(client, key).headers
    client.put("/admin/rate-limits", json={"enabled": True})
    assert send(client, key).status_code == 429


def test_switched_off_at_start() -> None:
    with make_client(rate_limits="off") as client:
        for _ in range(300):
            assert send(client, CONNECTED_KEY).status_code == 200


def test_the_table_is_served(client: TestClient) -> None:
    data = client.get("/admin/rate-limits").json()["data"]
    assert data["enabled"] is True and data["concurrency_limit"] == 10
    limits = {row["applies_to"]: (row["limit"], row["period"]) for row in data["limits"]}
    assert limits["send-message, trial plan"] == (1, "60 s")
    assert limits["send-message, account protection (any plan)"] == (1, "5 s")
    assert limits["get group participants / metadata, daily"] == (500, "day")
    endpoints = {row["applies_to"]: row["endpoints"] for row in data["limits"]}
    assert endpoints["get group participants / metadata"] == [
        "GET /api/groups/{jid}/metadata",
        "GET /api/groups/{jid}/participants",
    ]
    assert endpoints["send-message, paid plans"] == ["POST /api/send-message"]
    assert endpoints["every other endpoint"] == []


def test_account_changes(client: TestClient) -> None:
    response = client.put("/admin/accounts/1", json={"plan": "trial", "session_limit": 2})
    assert response.json()["data"]["plan"] == "trial" and response.json()["data"]["session_limit"] == 2
    assert client.put("/admin/accounts/99", json={"plan": "trial"}).status_code == 404
    assert client.put("/admin/accounts/1", json={"plan": "gold"}).status_code == 422


def test_daily_counts_survive_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "limits.db")
    with make_client(db=db) as client:
        key = connected_session(client, plan="trial")
        for _ in range(50):
            assert send(client, key).status_code == 200
            advance(client, 60)
    with make_client(db=db) as client:
        refused = send(client, key)
        assert refused.status_code == 429 and refused.json()["message"] == TRIAL_SEND_DAILY.message
