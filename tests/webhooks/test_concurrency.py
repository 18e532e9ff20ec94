"""A session's deliveries several at once: each event once, order kept at one, nothing lost on a
restart, and the backlog as the admin API shows it."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from tests.conftest import CONNECTED_ID, DISCONNECTED_ID
from tests.webhooks.support import (
    Receiver,
    advance,
    arrived,
    free_port,
    inbox_url,
    inject,
    make_hooked_client,
    point_webhook,
    wait_idle,
)

RECEIVED = ["messages.received"]


def change_settings(client: TestClient, **changes: object) -> dict:
    response = client.put("/admin/webhooks/settings", json=changes)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def deliveries(client: TestClient, **filters: object) -> list[dict]:
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    return client.get(f"/admin/webhooks/deliveries?{query}").json()["data"]


def backlog(client: TestClient, **filters: object) -> list[dict]:
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    response = client.get(f"/admin/webhooks/backlog?{query}")
    assert response.status_code == 200, response.text
    return response.json()["data"]


def inject_texts(client: TestClient, texts: list[str]) -> None:
    for text in texts:
        inject(client, {"from": "+15550001111", "text": text})


def text_of(body: bytes | dict) -> str:
    envelope = json.loads(body) if isinstance(body, bytes) else body
    return envelope["data"]["messages"]["messageBody"]


def wait_for(condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.01)


def now_of(client: TestClient) -> float:
    return client.get("/admin/clock").json()["data"]["now"]


def at(iso: str) -> float:
    return datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()


def test_a_session_has_at_most_its_concurrency_under_way_and_each_event_arrives_once(
    hooked: TestClient, receiver: Callable[..., Receiver]
) -> None:
    assert hooked.get("/admin/webhooks/settings").json()["data"]["concurrency"] == 1
    change_settings(hooked, concurrency=4)
    hook = receiver()
    hook.hold.clear()  # every request waits for an answer until the test lets them go
    point_webhook(hooked, hook.url, RECEIVED)
    texts = [f"m{n}" for n in range(10)]
    inject_texts(hooked, texts)
    wait_for(lambda: len(hook.requests) == 4)
    time.sleep(0.2)  # time enough for a fifth, were one let through
    assert len(hook.requests) == 4
    [busy] = backlog(hooked)
    assert (busy["session_id"], busy["pending"], busy["attempting"], busy["waiting_for_retry"]) == (CONNECTED_ID, 10, 4, 0)
    hook.hold.set()
    wait_idle(hooked)
    assert sorted(text_of(body) for _, body in hook.requests) == sorted(texts)
    log = deliveries(hooked)
    assert len(log) == 10
    assert all(row["outcome"] == "delivered" and row["attempt"] == 1 for row in log)
    assert backlog(hooked) == []


def test_with_concurrency_a_failing_delivery_waits_for_its_retry_and_the_rest_go(hooked: TestClient) -> None:
    change_settings(hooked, concurrency=3)
    point_webhook(hooked, inbox_url("aside", fail=1), RECEIVED)
    inject_texts(hooked, [f"m{n}" for n in range(5)])
    first = arrived(hooked, "aside")
    assert [request["answered"] for request in first].count(500) == 1
    assert sorted(text_of(r["body"]) for r in first if r["answered"] == 200) == sorted(
        {f"m{n}" for n in range(5)} - {text_of(r["body"]) for r in first if r["answered"] == 500}
    )
    [waiting] = backlog(hooked)
    assert (waiting["pending"], waiting["waiting_for_retry"], waiting["attempting"]) == (1, 1, 0)
    advance(hooked, 5)
    assert sorted(text_of(r["body"]) for r in arrived(hooked, "aside") if r["answered"] == 200) == [
        f"m{n}" for n in range(5)
    ]


def test_raising_the_concurrency_puts_a_waiting_backlog_to_work_at_once(
    hooked: TestClient, receiver: Callable[..., Receiver]
) -> None:
    hook = receiver()
    hook.hold.clear()
    point_webhook(hooked, hook.url, RECEIVED)
    inject_texts(hooked, [f"m{n}" for n in range(6)])
    wait_for(lambda: len(hook.requests) == 1)
    change_settings(hooked, concurrency=3)
    wait_for(lambda: len(hook.requests) == 3)
    hook.hold.set()
    wait_idle(hooked)
    assert len(hook.requests) == 6


def test_every_event_is_delivered_once_and_in_order_at_concurrency_one(receiver: Callable[..., Receiver]) -> None:
    hook = receiver()
    with make_hooked_client() as client:

        @settings(max_examples=40, deadline=None)
        @given(concurrency=st.integers(1, 8), count=st.integers(1, 25), failures=st.integers(0, 6))
        def check(concurrency: int, count: int, failures: int) -> None:
            assert client.post("/admin/reset").status_code == 200
            hook.requests.clear()
            hook.statuses[:] = [500] * failures
            change_settings(client, concurrency=concurrency, retry_delay=1, max_retry_delay=1, max_attempts=100)
            point_webhook(client, hook.url, RECEIVED)
            texts = [f"m{n}" for n in range(count)]
            inject_texts(client, texts)
            for _ in range(failures + 1):
                wait_idle(client)
                advance(client, 1)
            wait_idle(client)
            log = deliveries(client)
            received = [text_of(body) for _, body in hook.requests]
            assert len(received) == count + failures
            assert [row["outcome"] for row in log] == ["delivered"] * count
            # Each delivery reached the receiver once per attempt, and exactly one attempt succeeded.
            assert Counter(received) == {text_of(row["payload"]): row["attempt"] for row in log}
            assert all([a["status_code"] for a in row["attempts"]].count(200) == 1 for row in log)
            if concurrency == 1:
                assert [text for n, text in enumerate(received) if n == 0 or received[n - 1] != text] == texts

        check()


def test_a_restart_mid_backlog_loses_nothing(tmp_path, receiver: Callable[..., Receiver]) -> None:
    db = str(tmp_path / "state.db")
    hook = receiver()
    early, late = [f"early {n}" for n in range(5)], [f"late {n}" for n in range(12)]
    with make_hooked_client(db=db, webhook_concurrency=4) as first:
        point_webhook(first, hook.url, RECEIVED)
        inject_texts(first, early)
        wait_idle(first)
        hook.hold.clear()
        inject_texts(first, late)
        wait_for(lambda: len(hook.requests) == len(early) + 4)
        [busy] = backlog(first)
        assert (busy["pending"], busy["attempting"]) == (12, 4)
    # Stopped with four attempts unanswered: they were cut short, so they are made again.
    cut_short = [text_of(body) for _, body in hook.requests[len(early) :]]
    hook.hold.set()
    with make_hooked_client(db=db, webhook_concurrency=4) as second:
        wait_idle(second)
        log = deliveries(second)
        assert backlog(second) == []
    assert [text_of(row["payload"]) for row in log] == early + late
    assert [row["outcome"] for row in log] == ["delivered"] * 17
    assert all([a["status_code"] for a in row["attempts"]] == [200] for row in log)
    received = Counter(text_of(body) for _, body in hook.requests)
    assert received == Counter(early + late + cut_short)


def test_the_backlog_reads_back_what_is_pending() -> None:
    unreachable = f"http://127.0.0.1:{free_port()}/hook"  # nobody listens there
    with make_hooked_client() as client:

        @settings(max_examples=30, deadline=None)
        @given(gaps=st.lists(st.integers(0, 40), min_size=1, max_size=6), wait=st.integers(0, 40))
        def check(gaps: list[int], wait: int) -> None:
            assert client.post("/admin/reset").status_code == 200
            change_settings(client, max_attempts=100)
            point_webhook(client, unreachable, RECEIVED)
            for n, gap in enumerate(gaps):
                advance(client, gap)
                inject(client, {"from": "+15550001111", "text": f"m{n}"})
                wait_idle(client)
            advance(client, wait)
            wait_idle(client)
            pending = deliveries(client, outcome="pending")
            [row] = backlog(client)
            assert backlog(client, session_id=CONNECTED_ID) == [row]
            assert backlog(client, session_id=DISCONNECTED_ID) == []
            assert row["pending"] == len(pending) == len(gaps)
            oldest = min(at(delivery["created_at"]) for delivery in pending)
            assert at(row["oldest_created_at"]) == oldest
            assert row["oldest_age_seconds"] == round(now_of(client) - oldest, 3) == sum(gaps[1:]) + wait
            # The head waits for its retry; the rest queue behind it.
            assert (row["attempting"], row["waiting_for_retry"]) == (0, 1)

        check()


def test_the_backlog_of_a_session_that_cannot_exist_is_empty_and_a_bad_id_is_refused(hooked: TestClient) -> None:
    assert backlog(hooked, session_id=2**64) == []
    refused = hooked.get("/admin/webhooks/backlog?session_id=first")
    assert refused.status_code == 422
    assert "session_id" in refused.json()["errors"]
