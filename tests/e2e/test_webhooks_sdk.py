"""The official SDKs' webhook handlers accept every event the emulator sends, signature included."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from wasenderapi.errors import WasenderAPIError
from wasenderapi.webhook import UnknownWebhookEvent

from emulator.coverage import live_every_event
from emulator.domain.events import DOCUMENTED_EVENTS
from tests.webhooks.support import Receiver, make_hooked_client, point_webhook, wait_idle


@pytest.fixture(scope="module")
def delivered() -> Iterator[tuple[str, list[tuple[str, bytes]]]]:
    """(webhook secret, [(signature header, raw body)]) of every event a busy session sends."""
    receiver = Receiver()
    try:
        with make_hooked_client() as client:
            secret = point_webhook(client, receiver.url, list(DOCUMENTED_EVENTS))
            live_every_event(client)
            wait_idle(client)
        yield secret, [(headers["x-webhook-signature"], body) for headers, body in receiver.requests]
    finally:
        receiver.stop()


def test_every_documented_event_was_delivered(delivered: tuple[str, list[tuple[str, bytes]]]) -> None:
    _, requests = delivered
    assert {json.loads(body)["event"] for _, body in requests} == set(DOCUMENTED_EVENTS)


@pytest.mark.sdk("python", "handle_webhook_event")
def test_the_python_sdk_accepts_every_event(
    delivered: tuple[str, list[tuple[str, bytes]]], python_sdk: Callable[..., Any]
) -> None:
    secret, requests = delivered
    sdk = python_sdk("unused", webhook_secret=secret)
    untyped = set()
    for signature, body in requests:
        parsed = sdk.handle_webhook_event(body, signature)
        sent = json.loads(body)
        # The SDK models some events and keeps the rest as UnknownWebhookEvent; both carry these.
        assert getattr(parsed.event, "value", parsed.event) == sent["event"]
        assert parsed.session_id == sent["sessionId"]
        if isinstance(parsed, UnknownWebhookEvent):
            untyped.add(sent["event"])
    # Names it spells otherwise, and the shapes where it and the docs disagree (see the README).
    assert untyped == {"messages.received", "call", "session.status", "messages.update", "message-receipt.update"}


@pytest.mark.sdk("python", "handle_webhook_event")
def test_the_python_sdk_refuses_a_wrong_signature(
    delivered: tuple[str, list[tuple[str, bytes]]], python_sdk: Callable[..., Any]
) -> None:
    secret, requests = delivered
    with pytest.raises(WasenderAPIError, match="signature"):
        python_sdk("unused", webhook_secret=secret + "x").handle_webhook_event(requests[0][1], requests[0][0])


@pytest.mark.sdk("node", "handleWebhookEvent")
def test_the_node_sdk_accepts_every_event_and_refuses_a_forged_one(
    delivered: tuple[str, list[tuple[str, bytes]]], node_sdk: Callable[..., dict], tmp_path: Path
) -> None:
    secret, requests = delivered
    file = tmp_path / "requests.json"
    file.write_text(json.dumps([{"signature": s, "body": b.decode()} for s, b in requests]))
    result = node_sdk("webhooks.cjs", WEBHOOK_SECRET=secret, REQUESTS_FILE=str(file))
    sent = [json.loads(body) for _, body in requests]
    assert result["parsed"] == [{"event": body["event"], "sessionId": body["sessionId"]} for body in sent]
    assert (result["forged"]["statusCode"], result["forged"]["message"]) == (401, "Invalid webhook signature.")
