"""Delivery: signing, filters, retries on the clock, ordering, persistence across a restart."""

from __future__ import annotations

import json
from collections.abc import Callable

import msgspec
from litestar.testing import TestClient

from tests.conftest import CONNECTED_ID, CONNECTED_KEY, DISCONNECTED_ID, PAT, auth
from tests.webhooks.support import (
    Receiver,
    advance,
    arrived,
    events_in,
    free_port,
    inbox_url,
    inject,
    make_hooked_client,
    point_webhook,
    wait_idle,
)

RECEIVED = ["messages.received"]


def deliveries(client: TestClient, **filters: object) -> list[dict]:
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    response = client.get(f"/admin/webhooks/deliveries?{query}")
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_a_delivery_is_a_signed_json_post_of_the_documented_envelope(hooked: TestClient) -> None:
    secret = point_webhook(hooked, inbox_url("signed"), RECEIVED)
    inject(hooked, {"from": "+15550001111", "text": "hello"})
    [request] = arrived(hooked, "signed")
    assert request["method"] == "POST"
    assert request["headers"]["x-webhook-signature"] == secret
    assert request["headers"]["content-type"] == "application/json"
    body = request["body"]
    assert set(body) == {"event", "timestamp", "sessionId", "data"}
    assert body["event"] == "messages.received"
    assert body["sessionId"] == CONNECTED_KEY
    assert isinstance(body["timestamp"], int)
    assert body["data"]["messages"]["messageBody"] == "hello"


def test_only_subscribed_events_are_delivered_and_the_sdk_spellings_count(hooked: TestClient) -> None:
    point_webhook(hooked, inbox_url("aliases"), ["messages.recieved", "call.received"])
    inject(hooked, {"from": "+15550001111", "text": "hi"})
    inject(hooked, {"from": "+15550001111", "call": {"video": True}})
    assert events_in(hooked, "aliases") == ["messages.received", "call"]


def test_nothing_is_delivered_when_disabled_or_without_url(hooked: TestClient) -> None:
    point_webhook(hooked, inbox_url("off"), RECEIVED, webhook_enabled=False)
    inject(hooked, {"from": "+15550001111", "text": "hi"})
    assert events_in(hooked, "off") == []
    assert deliveries(hooked) == []


def test_ignore_flags_drop_group_channel_and_broadcast_events(hooked: TestClient) -> None:
    events = ["messages.received", "messages-group.received", "messages-newsletter.received"]
    point_webhook(hooked, inbox_url("ignore"), events, ignore_groups=True, ignore_channels=True, ignore_broadcasts=True)
    inject(hooked, {"from": "+15550001111", "group": "120363000000000001@g.us", "text": "group"})
    inject(hooked, {"channel": "120363000000000002@newsletter", "text": "channel"})
    inject(hooked, {"from": "+15550001111", "text": "personal"})
    bodies = [r["body"]["data"]["messages"]["messageBody"] for r in arrived(hooked, "ignore")]
    assert bodies == ["personal"]


def test_group_events_arrive_when_not_ignored(hooked: TestClient) -> None:
    point_webhook(hooked, inbox_url("groups"), ["messages-group.received"])
    inject(hooked, {"from": "+15550001111", "group": "120363000000000001@g.us", "text": "group"})
    assert events_in(hooked, "groups") == ["messages-group.received"]


def test_a_failing_receiver_is_retried_with_backoff_on_the_clock(hooked: TestClient) -> None:
    point_webhook(hooked, inbox_url("flaky", fail=2), RECEIVED)
    inject(hooked, {"from": "+15550001111", "text": "hi"})
    wait_idle(hooked)
    [first] = deliveries(hooked)
    assert (first["outcome"], first["attempt"], first["status_code"]) == ("pending", 1, 500)
    advance(hooked, 4.9)  # the first retry is due 5 s after the failure
    wait_idle(hooked)
    assert deliveries(hooked)[0]["attempt"] == 1
    advance(hooked, 0.1)
    wait_idle(hooked)
    assert deliveries(hooked)[0]["attempt"] == 2
    advance(hooked, 10)  # then twice as long
    wait_idle(hooked)
    [done] = deliveries(hooked)
    assert done["outcome"] == "delivered"
    assert [a["status_code"] for a in done["attempts"]] == [500, 500, 200]
    assert [a["created_at"] for a in done["attempts"]] == [
        "2025-01-01T00:00:00Z",
        "2025-01-01T00:00:05Z",
        "2025-01-01T00:00:15Z",
    ]


def test_a_delivery_is_given_up_after_the_configured_attempts(hooked: TestClient) -> None:
    changed = hooked.put("/admin/webhooks/settings", json={"max_attempts": 2, "retry_delay": 1})
    assert changed.json()["data"]["max_attempts"] == 2
    point_webhook(hooked, inbox_url("dead", fail=100), RECEIVED)
    inject(hooked, {"from": "+15550001111", "text": "hi"})
    wait_idle(hooked)
    advance(hooked, 1)
    wait_idle(hooked)
    [given_up] = deliveries(hooked, outcome="failed")
    assert given_up["attempt"] == 2
    assert given_up["error"] == "HTTP 500"
    assert deliveries(hooked, outcome="pending") == []


def test_a_receiver_that_cannot_be_reached_is_recorded_without_status_code(hooked: TestClient) -> None:
    point_webhook(hooked, f"http://127.0.0.1:{free_port()}/hook", RECEIVED)
    inject(hooked, {"from": "+15550001111", "text": "hi"})
    wait_idle(hooked)
    [row] = deliveries(hooked)
    assert row["status_code"] is None
    assert row["error"].startswith("cannot connect to 127.0.0.1:")
    assert row["duration_ms"] >= 0


def test_events_of_a_session_arrive_in_order_behind_a_failing_one(hooked: TestClient) -> None:
    point_webhook(hooked, inbox_url("ordered", fail=1), RECEIVED)
    for n in range(5):
        inject(hooked, {"from": "+15550001111", "text": f"m{n}"})
    wait_idle(hooked)
    assert len(arrived(hooked, "ordered")) == 1  # the head failed; the rest wait behind it
    advance(hooked, 5)
    texts = [r["body"]["data"]["messages"]["messageBody"] for r in arrived(hooked, "ordered")]
    assert texts == ["m0", "m0", "m1", "m2", "m3", "m4"]


def test_a_slow_receiver_does_not_hold_up_the_api(hooked: TestClient, receiver: Callable[..., Receiver]) -> None:
    slow = receiver()
    slow.hold.clear()  # the receiver takes the request and does not answer
    point_webhook(hooked, slow.url, ["messages.upsert"])
    send = {"to": "+15551234567", "text": "hello"}
    assert hooked.post("/api/send-message", json=send, headers=auth(CONNECTED_KEY)).status_code == 200
    assert slow.arrived.wait(5)
    # The delivery is still unanswered, and the API answers.
    assert hooked.post("/api/send-message", json=send, headers=auth(CONNECTED_KEY)).status_code == 200
    busy = hooked.get("/admin/idle?timeout=0.05")
    assert busy.status_code == 408
    assert busy.json()["success"] is False
    slow.hold.set()
    wait_idle(hooked)
    assert slow.events == ["messages.upsert", "messages.upsert"]


def test_an_attempt_that_takes_too_long_times_out(hooked: TestClient, receiver: Callable[..., Receiver]) -> None:
    stuck = receiver()
    stuck.hold.clear()
    hooked.put("/admin/webhooks/settings", json={"timeout": 0.2})
    point_webhook(hooked, stuck.url, RECEIVED)
    inject(hooked, {"from": "+15550001111", "text": "hi"})
    wait_idle(hooked)
    [row] = deliveries(hooked)
    assert (row["status_code"], row["error"], row["outcome"]) == (None, "Timed out after 0.2 s", "pending")


def test_a_real_receiver_gets_every_event_of_a_send_through_read(
    hooked: TestClient, receiver: Callable[..., Receiver]
) -> None:
    hook = receiver()
    secret = point_webhook(hooked, hook.url, ["message.sent", "messages.update"])
    send = {"to": "+15551234567", "text": "hello"}
    assert hooked.post("/api/send-message", json=send, headers=auth(CONNECTED_KEY)).status_code == 200
    advance(hooked, 5)
    wait_idle(hooked)
    assert hook.events == ["message.sent", "messages.update", "messages.update", "messages.update"]
    statuses = [json.loads(body)["data"]["update"]["status"] for _, body in hook.requests[1:]]
    assert statuses == [2, 3, 4]
    assert {headers["x-webhook-signature"] for headers, _ in hook.requests} == {secret}


def test_deliveries_filter_and_redeliver(hooked: TestClient) -> None:
    point_webhook(hooked, inbox_url("both"), ["messages.received", "messages-personal.received"])
    inject(hooked, {"from": "+15550001111", "text": "hi"})
    wait_idle(hooked)
    [personal] = deliveries(hooked, event="messages-personal.received")
    assert deliveries(hooked, session_id=DISCONNECTED_ID) == []
    assert len(deliveries(hooked, session_id=CONNECTED_ID, outcome="delivered")) == 2
    again = hooked.post(f"/admin/webhooks/deliveries/{personal['id']}/redeliver")
    assert again.status_code == 200
    assert again.json()["data"]["outcome"] == "pending"
    assert events_in(hooked, "both")[-1] == "messages-personal.received"
    assert len(arrived(hooked, "both")) == 3
    assert hooked.get(f"/admin/webhooks/deliveries/{again.json()['data']['id']}").json()["data"]["outcome"] == "delivered"


def test_control_plane_faults_are_documented_4xx(hooked: TestClient) -> None:
    missing = hooked.post("/admin/webhooks/deliveries/999/redeliver")
    assert missing.status_code == 404
    assert missing.json()["message"] == "The specified webhook delivery was not found."
    assert hooked.get("/admin/webhooks/deliveries/999").status_code == 404
    beyond_any_id = hooked.get(f"/admin/webhooks/deliveries?session_id={2**64}")
    assert (beyond_any_id.status_code, beyond_any_id.json()["data"]) == (200, [])
    bad = hooked.get("/admin/webhooks/deliveries?outcome=lost")
    assert bad.status_code == 422
    assert "outcome" in bad.json()["errors"]
    assert hooked.get("/admin/idle?timeout=-1").status_code == 422
    assert hooked.put("/admin/webhooks/settings", json={"max_attempts": 0}).status_code == 422
    assert hooked.get("/admin/inbox/bad%20name").status_code == 422


def test_reset_forgets_deliveries_and_inbox(hooked: TestClient) -> None:
    point_webhook(hooked, inbox_url("reset"), RECEIVED)
    inject(hooked, {"from": "+15550001111", "text": "hi"})
    wait_idle(hooked)
    assert hooked.post("/admin/reset").status_code == 200
    assert deliveries(hooked) == []
    assert arrived(hooked, "reset") == []


def test_pending_deliveries_resume_after_a_restart(tmp_path, receiver: Callable[..., Receiver]) -> None:
    db = str(tmp_path / "state.db")
    port = free_port()
    with make_hooked_client(db=db) as first:
        point_webhook(first, f"http://127.0.0.1:{port}/hook", RECEIVED)
        for n in range(3):
            inject(first, {"from": "+15550001111", "text": f"m{n}"})
        wait_idle(first)
        assert len(deliveries(first, outcome="pending")) == 3
    hook = Receiver.on_port(port)
    try:
        with make_hooked_client(db=db) as second:
            advance(second, 5)
            wait_idle(second)
            assert len(deliveries(second, outcome="delivered")) == 3
        texts = [json.loads(body)["data"]["messages"]["messageBody"] for _, body in hook.requests]
        assert texts == ["m0", "m1", "m2"]
    finally:
        hook.stop()


def test_a_session_with_more_pending_than_fit_in_memory_keeps_its_order(hooked: TestClient) -> None:
    webhooks = hooked.app.state.core.webhooks
    webhooks.settings = msgspec.structs.replace(webhooks.settings, lane_window=2)
    point_webhook(hooked, inbox_url("window", fail=1), RECEIVED)
    for n in range(7):
        inject(hooked, {"from": "+15550001111", "text": f"m{n}"})
    advance(hooked, 5)
    texts = [r["body"]["data"]["messages"]["messageBody"] for r in arrived(hooked, "window")]
    assert texts == ["m0", "m0", "m1", "m2", "m3", "m4", "m5", "m6"]


def test_a_lane_whose_worker_fails_unexpectedly_is_tried_again(hooked: TestClient, monkeypatch) -> None:
    webhooks = hooked.app.state.core.webhooks
    attempt = webhooks._attempt
    failures = []

    async def failing_once(delivery):  # noqa: ANN001, ANN202
        if not failures:
            failures.append(delivery.id)
            raise RuntimeError("the database went away")
        await attempt(delivery)

    monkeypatch.setattr(webhooks, "_attempt", failing_once)
    point_webhook(hooked, inbox_url("robust"), RECEIVED)
    inject(hooked, {"from": "+15550001111", "text": "still here"})
    assert arrived(hooked, "robust") == [] and failures
    advance(hooked, 5)
    assert [r["body"]["data"]["messages"]["messageBody"] for r in arrived(hooked, "robust")] == ["still here"]


def test_session_status_reaches_the_receiver_as_documented(hooked: TestClient) -> None:
    point_webhook(hooked, inbox_url("status"), ["session.status", "qrcode.updated"], session_id=DISCONNECTED_ID)
    hooked.post(f"/api/whatsapp-sessions/{DISCONNECTED_ID}/connect", headers=auth(PAT))
    bodies = [r["body"] for r in arrived(hooked, "status")]
    assert [(b["event"], b["data"]) for b in bodies[:2]] == [
        ("session.status", {"status": "connecting"}),
        ("session.status", {"status": "need_scan"}),
    ]
    assert bodies[2]["event"] == "qrcode.updated"
    assert bodies[2]["data"]["qr"].startswith("2@")


def test_a_lane_whose_next_deliveries_cannot_be_read_is_tried_again(hooked: TestClient, monkeypatch) -> None:
    webhooks = hooked.app.state.core.webhooks
    webhooks.settings = msgspec.structs.replace(webhooks.settings, lane_window=1)
    refill = webhooks._refill
    failures = []

    async def failing_once(session_id, lane):  # noqa: ANN001, ANN202
        if not failures:
            failures.append(session_id)
            raise RuntimeError("the database went away")
        await refill(session_id, lane)

    monkeypatch.setattr(webhooks, "_refill", failing_once)
    point_webhook(hooked, inbox_url("reread", fail=1), RECEIVED)
    for n in range(3):
        inject(hooked, {"from": "+15550001111", "text": f"m{n}"})  # m2 waits in the database
    advance(hooked, 5)
    texts = [r["body"]["data"]["messages"]["messageBody"] for r in arrived(hooked, "reread")]
    assert (texts, failures) == (["m0", "m0", "m1"], [CONNECTED_ID])
    advance(hooked, 5)
    texts = [r["body"]["data"]["messages"]["messageBody"] for r in arrived(hooked, "reread")]
    assert texts == ["m0", "m0", "m1", "m2"]
