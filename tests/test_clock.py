"""One clock jump: every timer due within it fires in time order at its own instant, the work it
starts settles there, and timers made meanwhile fire within the same jump, so one advance of N
seconds equals N advances of one second."""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from emulator.clock import VIRTUAL_EPOCH, Clock
from tests.conftest import CONNECTED_KEY, auth
from tests.webhooks.support import advance, inbox_url, inject, make_hooked_client, point_webhook, wait_idle

# A timer: (delay from the start, [delays of the follow-ups it schedules when it fires]),
# each follow-up made inside the callback or by outside work the callback starts.
FollowUp = tuple[int, bool]
Plan = list[tuple[int, list[FollowUp]]]

plans = st.lists(
    st.tuples(st.integers(0, 12), st.lists(st.tuples(st.integers(0, 6), st.booleans()), max_size=3)), max_size=6
)


async def run_plan(plan: Plan, steps: list[float]) -> list[tuple[str, float]]:
    """What fired when, for `plan` on a virtual clock moved by `steps`."""
    clock = Clock("virtual")
    fired: list[tuple[str, float]] = []
    outside: set[asyncio.Task[None]] = set()

    async def settle() -> None:
        while outside:
            await asyncio.gather(*outside)

    clock.add_settler(settle)

    def timer(name: str, follow_ups: list[FollowUp]) -> Any:
        async def fire() -> None:
            fired.append((name, clock.now() - VIRTUAL_EPOCH))
            for index, (delay, later) in enumerate(follow_ups):
                child = f"{name}.{index}"
                if later:
                    outside.add(asyncio.get_running_loop().create_task(schedule_later(child, delay)))
                else:
                    clock.schedule(child, delay, timer(child, []))

        return fire

    async def schedule_later(name: str, delay: int) -> None:
        await asyncio.sleep(0)  # the work goes on after the callback returned, as a worker's does
        clock.schedule(name, delay, timer(name, []))
        outside.discard(asyncio.current_task())  # type: ignore[arg-type]

    for index, (delay, follow_ups) in enumerate(plan):
        clock.schedule(f"t{index}", delay, timer(f"t{index}", follow_ups))
    for step in steps:
        await clock.advance(step)
        # Between two advances (two requests) the event loop runs whatever is left over.
        for _ in range(3):
            await asyncio.sleep(0)
    return fired


@given(plan=plans, seconds=st.integers(1, 24))
def test_one_advance_of_n_seconds_fires_as_n_advances_of_one(plan: Plan, seconds: int) -> None:
    at_once = asyncio.run(run_plan(plan, [seconds]))
    stepwise = asyncio.run(run_plan(plan, [1] * seconds))
    assert at_once == stepwise
    assert [at for _, at in at_once] == sorted(at for _, at in at_once)


# The whole emulator: sends, inbound traffic and webhook retries, jumped at once or stepwise.


def run_emulator(messages: list[tuple[str, int]], fail: int, retry_delay: int, steps: list[float]) -> Any:
    with make_hooked_client() as client:
        assert client.put("/admin/webhooks/settings", json={"retry_delay": retry_delay}).status_code == 200
        point_webhook(client, inbox_url("jump", fail=fail), ["messages.update", "messages.received"])
        for to, after in messages:
            advance(client, after)
            response = client.post("/api/send-message", json={"to": to, "text": "hi"}, headers=auth(CONNECTED_KEY))
            assert response.status_code == 200, response.text
        for step in steps:
            advance(client, step)
            wait_idle(client)
        deliveries = client.get("/admin/webhooks/deliveries?limit=100").json()["data"]
        events = client.get("/admin/events").json()["data"]
        return (
            [(d["id"], d["outcome"], [(a["status_code"], a["created_at"]) for a in d["attempts"]]) for d in deliveries],
            [(e["event"], e["timestamp"], e["data"]) for e in events],
        )


NUMBERS = ["+15551234567", "+15550000001", "+15550020001", "+15550040001", "+15550050001"]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    messages=st.lists(st.tuples(st.sampled_from(NUMBERS), st.integers(0, 3)), min_size=1, max_size=3),
    fail=st.integers(0, 3),
    retry_delay=st.integers(1, 3),
    seconds=st.integers(1, 20),
)
def test_the_emulator_jumped_at_once_equals_stepwise(
    messages: list[tuple[str, int]], fail: int, retry_delay: int, seconds: int
) -> None:
    at_once = run_emulator(messages, fail, retry_delay, [seconds])
    assert at_once == run_emulator(messages, fail, retry_delay, [1] * seconds)


def deliveries_of(client: TestClient) -> list[dict[str, Any]]:
    return client.get("/admin/webhooks/deliveries").json()["data"]


def test_retries_inside_one_jump_are_made_at_their_due_times() -> None:
    """Retry delay 2 s, a receiver failing twice, the first failure at 00:00:15: one advance of
    10 s makes attempt 2 at 00:00:17 and attempt 3 at 00:00:21."""
    with make_hooked_client() as client:
        client.put("/admin/webhooks/settings", json={"retry_delay": 2})
        point_webhook(client, inbox_url("twice", fail=2), ["messages.received"])
        advance(client, 15)
        inject(client, {"from": "+15557770001", "text": "hi"})
        wait_idle(client)
        advance(client, 10)
        [delivery] = deliveries_of(client)
        assert delivery["outcome"] == "delivered"
        assert [(a["status_code"], a["created_at"]) for a in delivery["attempts"]] == [
            (500, "2025-01-01T00:00:15Z"),
            (500, "2025-01-01T00:00:17Z"),
            (200, "2025-01-01T00:00:21Z"),
        ]
