"""Fault rules through the admin API: what fires, what it answers, what it leaves behind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from emulator.domain.errors import NOT_CONNECTED
from emulator.faces.sendapi.public_ids import SESSION as SENDAPI_SESSION
from emulator.faces.sendapi.public_ids import public_id
from tests.conftest import CONNECTED_ID, CONNECTED_KEY, PAT, auth, make_client
from tests.webhooks.support import advance, arrived, inbox_url, inject, make_hooked_client, point_webhook

SEND = "POST /api/send-message"


def add_rule(client: TestClient, **rule: Any) -> dict[str, Any]:
    response = client.post("/admin/faults", json=rule)
    assert response.status_code == 201, response.text
    return response.json()["data"]


def send(client: TestClient, to: str = "+15551234567", key: str = CONNECTED_KEY) -> Any:
    return client.post("/api/send-message", json={"to": to, "text": "hi"}, headers=auth(key))


def rule_of(client: TestClient, rule_id: int) -> dict[str, Any]:
    return client.get(f"/admin/faults/{rule_id}").json()["data"]


def session_status(client: TestClient, session_id: int = CONNECTED_ID) -> str:
    return client.get(f"/api/whatsapp-sessions/{session_id}", headers=auth(PAT)).json()["data"]["status"]


# The rules themselves ------------------------------------------------------------------------------


def test_rules_are_created_listed_read_and_deleted(client: TestClient) -> None:
    first = add_rule(client, route=SEND, action={"type": "error", "status": 500})
    second = add_rule(client, route="GET /api/whatsapp-sessions/{session_id}", name="slow", action={"type": "latency", "seconds": 0})
    assert first["matches"] == [SEND] and second["label"] == "slow"
    listed = client.get("/admin/faults").json()["data"]
    assert [rule["id"] for rule in listed["rules"]] == [first["id"], second["id"]] and listed["header"] is False
    assert rule_of(client, second["id"])["route"] == "GET /api/whatsapp-sessions/{session_id}"
    assert client.delete(f"/admin/faults/{first['id']}").status_code == 200
    assert client.get(f"/admin/faults/{first['id']}").status_code == 404
    assert client.delete("/admin/faults").json()["data"] == {"removed": 1}
    assert client.get("/admin/faults").json()["data"]["rules"] == []


def test_a_route_pattern_matches_every_route_it_covers(client: TestClient) -> None:
    rule = add_rule(client, route="GET /api/messages/*", action={"type": "error", "status": 502})
    assert rule["matches"] == ["GET /api/messages/{msg_id}/info"]
    typed = add_rule(client, route="POST /api/whatsapp-sessions/{session_id:int}/connect", action={"type": "reset"})
    assert typed["matches"] == ["POST /api/whatsapp-sessions/{session_id}/connect"]


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"route": "POST /api/no-such-thing", "action": {"type": "error", "status": 500}}, "route"),
        ({"route": "POST /admin/reset", "action": {"type": "error", "status": 500}}, "route"),
        ({"route": SEND, "probability": 1.5, "action": {"type": "error", "status": 500}}, "probability"),
        ({"route": SEND, "probability": -0.1, "action": {"type": "error", "status": 500}}, "probability"),
        ({"route": SEND, "action": {"type": "explode"}}, "action.type"),
        ({"route": SEND, "action": {"type": "error", "status": 200}}, "action.status"),
        ({"action": {"type": "error", "status": 500}}, "route"),
        ({"route": "GET /api/status", "action": {"type": "fail_message"}}, "route"),
        ({"route": SEND, "action": {"type": "latency", "min": 2, "max": 1}}, "action.seconds"),
        ({"route": SEND, "action": {"type": "drop_session"}}, "session_id"),
        ({"route": SEND, "action": {"type": "webhook_duplicate"}}, "route"),
    ],
)
def test_bad_rules_are_refused_with_422_and_nothing_is_stored(client: TestClient, rule: dict[str, Any], field: str) -> None:
    response = client.post("/admin/faults", json=rule)
    body = response.json()
    assert response.status_code == 422 and body["success"] is False and body["message"] == "Validation failed"
    assert field in body["errors"]
    assert client.get("/admin/faults").json()["data"]["rules"] == []


# Errors in the service's bodies ---------------------------------------------------------------------


def test_an_error_rule_fires_on_the_next_n_requests_and_counts_them(client: TestClient) -> None:
    rule = add_rule(client, route=SEND, times=2, action={"type": "error", "status": 503})
    answers = [send(client) for _ in range(3)]
    assert [a.status_code for a in answers] == [503, 503, 200]
    assert answers[0].json() == {"message": "Service Unavailable"}
    assert "x-emulator-fault" not in answers[0].headers
    counted = rule_of(client, rule["id"])
    assert (counted["matched"], counted["fired"], counted["spent"]) == (3, 2, True)


@pytest.mark.parametrize(("status", "message"), [(500, "Server Error"), (502, "Bad Gateway"), (503, "Service Unavailable")])
def test_server_errors_have_the_body_a_laravel_service_gives(client: TestClient, status: int, message: str) -> None:
    add_rule(client, route=SEND, action={"type": "error", "status": status})
    answer = send(client)
    assert answer.status_code == status and answer.json() == {"message": message}


def test_an_injected_429_carries_retry_after_in_the_body_and_the_header(client: TestClient) -> None:
    add_rule(client, route=SEND, action={"type": "error", "status": 429, "retry_after": 42})
    answer = send(client)
    assert answer.status_code == 429 and answer.headers["retry-after"] == "42"
    assert answer.json()["success"] is False and answer.json()["retry_after"] == 42


def test_a_client_error_has_the_documented_error_body(client: TestClient) -> None:
    add_rule(client, route=SEND, action={"type": "error", "status": 401, "message": "Invalid API key"})
    assert send(client).json() == {"success": False, "message": "Invalid API key"}


def test_the_fault_header_names_the_rule_when_the_setting_is_on() -> None:
    with make_client(fault_header="on") as client:
        add_rule(client, route=SEND, name="flaky-send", times=1, action={"type": "error", "status": 502})
        assert send(client).headers["x-emulator-fault"] == "flaky-send"
        assert "x-emulator-fault" not in send(client).headers


def test_a_client_retrying_as_n8n_does_gets_through_two_injected_503s(client: TestClient) -> None:
    add_rule(client, route=SEND, times=2, action={"type": "error", "status": 503})
    retried = {408, 429, 500, 502, 503}
    statuses = []
    for _ in range(10):
        answer = send(client)
        statuses.append(answer.status_code)
        if answer.status_code not in retried:
            break
    assert statuses == [503, 503, 200] and answer.json()["data"]["status"] == "in_progress"


def test_a_rule_fires_only_after_the_first_k_matches_and_only_for_its_recipient(client: TestClient) -> None:
    add_rule(client, route=SEND, recipient="+15557770001", after=1, action={"type": "error", "status": 500})
    assert send(client, "15557770001").status_code == 200  # the first match passes
    assert send(client, "+15551234567").status_code == 200  # another recipient never matches
    assert send(client, "15557770001@s.whatsapp.net").status_code == 500


def test_a_rule_for_a_session_leaves_other_sessions_alone(client: TestClient) -> None:
    add_rule(client, route="GET /api/status", session_id=CONNECTED_ID + 999, action={"type": "error", "status": 500})
    assert client.get("/api/status", headers=auth(CONNECTED_KEY)).status_code == 200


def test_a_non_json_rule_answers_a_proxys_html_page(client: TestClient) -> None:
    add_rule(client, route=SEND, action={"type": "not_json"})
    answer = send(client)
    assert answer.status_code == 502 and answer.headers["content-type"] == "text/html"
    assert "<title>502 Bad Gateway</title>" in answer.text


# The same seed, the same firings -------------------------------------------------------------------


def firing_pattern(seed: str) -> list[int]:
    with make_client(seed=seed) as client:
        add_rule(client, route="GET /api/status", probability=0.5, action={"type": "error", "status": 503})
        pattern = [client.get("/api/status", headers=auth(CONNECTED_KEY)).status_code for _ in range(30)]
        client.post("/admin/reset")
        add_rule(client, route="GET /api/status", probability=0.5, action={"type": "error", "status": 503})
        again = [client.get("/api/status", headers=auth(CONNECTED_KEY)).status_code for _ in range(30)]
    assert again == pattern  # a reset replays the same firings
    return pattern


def test_the_same_seed_fires_the_same_requests_twice_in_a_row() -> None:
    first = firing_pattern("chaos")
    assert firing_pattern("chaos") == first
    assert 0 < first.count(503) < 30
    assert firing_pattern("other chaos") != first


# Sends that fail after they are accepted ------------------------------------------------------------


def test_a_fail_message_rule_accepts_the_send_then_fails_it_with_its_error(client: TestClient) -> None:
    add_rule(client, route=SEND, times=1, action={"type": "fail_message", "error": "media upload failed"})
    accepted = send(client)
    assert accepted.status_code == 200 and accepted.json()["data"]["status"] == "in_progress"
    advance(client, 5)
    logs = client.get(f"/api/whatsapp-sessions/{CONNECTED_ID}/message-logs", headers=auth(PAT)).json()["data"]["data"]
    assert (logs[0]["status"], logs[0]["failed_reason"]) == ("failed", "media upload failed")
    events = client.get(f"/admin/events?session_id={CONNECTED_ID}&event=message.sent").json()["data"]
    assert events[-1]["data"] == {"success": False, "error": "Failed to send message: media upload failed"}
    resent = client.post(f"/api/messages/{accepted.json()['data']['msgId']}/resend", headers=auth(CONNECTED_KEY))
    assert resent.status_code == 200  # a resend goes as to any other number


def test_a_lose_message_rule_accepts_the_send_and_never_delivers_it(client: TestClient) -> None:
    add_rule(client, route=SEND, times=1, action={"type": "lose_message"})
    msg_id = send(client).json()["data"]["msgId"]
    advance(client, 3600)
    info = client.get(f"/api/messages/{msg_id}/info", headers=auth(CONNECTED_KEY)).json()["data"]
    assert info["status"] == 1  # pending, for good


# Session faults ------------------------------------------------------------------------------------


def test_a_session_dropped_on_its_next_send_refuses_sends_until_paired_again(client: TestClient) -> None:
    add_rule(client, route=SEND, session_id=CONNECTED_ID, times=1, action={"type": "drop_session", "status": "logged_out"})
    refused = send(client)
    assert refused.status_code == 400 and refused.json() == {"success": False, "message": NOT_CONNECTED}
    assert session_status(client) == "logged_out"
    statuses = client.get(f"/admin/events?session_id={CONNECTED_ID}&event=session.status").json()["data"]
    assert statuses[-1]["data"] == {"status": "logged_out"}
    assert send(client).status_code == 400
    client.post(f"/api/whatsapp-sessions/{CONNECTED_ID}/connect", headers=auth(PAT))
    client.post(f"/admin/sessions/{CONNECTED_ID}/scan")
    assert send(client).status_code == 200


def test_a_session_drops_on_the_clock_and_reconnects_after_a_delay(client: TestClient) -> None:
    add_rule(client, session_id=CONNECTED_ID, action={"type": "drop_session", "delay": 30, "reconnect_after": 60})
    advance(client, 29)
    assert session_status(client) == "connected"
    advance(client, 1)
    assert session_status(client) == "disconnected"
    advance(client, 60)
    assert session_status(client) == "connected"
    published = client.get(f"/admin/events?session_id={CONNECTED_ID}&event=session.status").json()["data"]
    assert [e["data"]["status"] for e in published][-3:] == ["disconnected", "connecting", "connected"]


def test_only_a_disconnected_session_reconnects_by_itself(client: TestClient) -> None:
    rule = {"session_id": CONNECTED_ID, "action": {"type": "drop_session", "status": "expired", "delay": 1, "reconnect_after": 1}}
    assert client.post("/admin/faults", json=rule).status_code == 422


# Webhook faults ------------------------------------------------------------------------------------


@pytest.fixture
def hooked() -> Any:
    with make_hooked_client() as client:
        yield client


def deliveries(client: TestClient) -> list[dict[str, Any]]:
    return client.get(f"/admin/webhooks/deliveries?session_id={CONNECTED_ID}").json()["data"]


def test_duplicated_deliveries_carry_the_same_event_and_are_marked(hooked: TestClient) -> None:
    point_webhook(hooked, inbox_url("dupes"), ["messages.received"])
    add_rule(hooked, session_id=CONNECTED_ID, event="messages.received", times=1, action={"type": "webhook_duplicate"})
    inject(hooked, {"from": "+15557771111", "text": "hello"})
    received = arrived(hooked, "dupes")
    assert len(received) == 2 and received[0]["body"] == received[1]["body"]
    logged = deliveries(hooked)
    assert logged[0]["event_id"] == logged[1]["event_id"] is not None
    assert {d["injected"] for d in logged} == {"duplicated by rule-1"}


def test_a_delayed_delivery_arrives_after_the_events_behind_it(hooked: TestClient) -> None:
    point_webhook(hooked, inbox_url("late"), ["messages.received"])
    add_rule(hooked, session_id=CONNECTED_ID, times=1, action={"type": "webhook_delay", "seconds": 30})
    inject(hooked, {"from": "+15557771111", "text": "first"})
    inject(hooked, {"from": "+15557771111", "text": "second"})
    assert [r["body"]["data"]["messages"]["message"]["conversation"] for r in arrived(hooked, "late")] == ["second"]
    advance(hooked, 30)
    texts = [r["body"]["data"]["messages"]["message"]["conversation"] for r in arrived(hooked, "late")]
    assert texts == ["second", "first"]
    assert [d["injected"] for d in deliveries(hooked)] == [None, "delayed 30 s by rule-1"]


def test_reordered_deliveries_arrive_newest_first_within_the_window(hooked: TestClient) -> None:
    point_webhook(hooked, inbox_url("shuffled"), ["messages.received"])
    add_rule(hooked, session_id=CONNECTED_ID, times=3, action={"type": "webhook_reorder", "window": 3})
    for text in ("one", "two", "three"):
        inject(hooked, {"from": "+15557771111", "text": text})
    texts = [r["body"]["data"]["messages"]["message"]["conversation"] for r in arrived(hooked, "shuffled")]
    assert texts == ["three", "two", "one"]
    assert {d["injected"] for d in deliveries(hooked)} == {"reordered by rule-1"}


# Scenarios -----------------------------------------------------------------------------------------


def test_a_scenario_file_is_loaded_at_start_and_again_on_reset(tmp_path: Path) -> None:
    scenario = tmp_path / "flaky.json"
    scenario.write_text(json.dumps({"rules": [{"route": SEND, "times": 1, "name": "first-send", "action": {"type": "error", "status": 503}}]}))
    with make_client(faults=str(scenario)) as client:
        assert [send(client).status_code for _ in range(2)] == [503, 200]
        assert rule_of(client, 1)["fired"] == 1
        client.post("/admin/reset")
        assert rule_of(client, 1)["fired"] == 0
        assert send(client).status_code == 503


def test_a_scenario_naming_an_unknown_route_stops_the_start(tmp_path: Path) -> None:
    scenario = tmp_path / "bad.json"
    scenario.write_text(json.dumps([{"route": "GET /api/nowhere", "action": {"type": "reset"}}]))
    with pytest.raises(ValueError, match="fault rule 1 of the scenario"):
        make_client(faults=str(scenario))


def test_a_scenario_names_a_sendapi_session_by_its_public_id(tmp_path: Path) -> None:
    scenario = tmp_path / "sendapi.json"
    rule = {"route": SEND, "session_id": public_id(SENDAPI_SESSION, 7), "action": {"type": "error", "status": 503}}
    scenario.write_text(json.dumps([rule]))
    with make_client(faults=str(scenario)) as client:
        assert rule_of(client, 1)["session_id"] == 7


def test_a_scenario_naming_no_session_stops_the_start(tmp_path: Path) -> None:
    scenario = tmp_path / "nobody.json"
    scenario.write_text(json.dumps([{"session_id": "sess_nobody", "action": {"type": "reset"}}]))
    with pytest.raises(ValueError, match="rule 1: session_id: The session id names no session"):
        make_client(faults=str(scenario))
