"""The official SDKs' webhook handlers accept every event the emulator sends, signature included."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from wasenderapi import create_sync_wasender
from wasenderapi.errors import WasenderAPIError

from emulator.domain.events import DOCUMENTED_EVENTS
from tests.webhooks.support import Receiver, make_hooked_client, point_webhook, trigger_every_event, wait_idle

NODE_SDK = "wasenderapi@0.4.0"
NODE_HANDLER = """
const { createWasender } = require("wasenderapi");
const [secret, file] = process.argv.slice(2);
const sdk = createWasender("unused", undefined, undefined, undefined, undefined, secret);
const requests = JSON.parse(require("fs").readFileSync(file, "utf8"));
(async () => {
  const events = [];
  for (const { signature, body } of requests) {
    const parsed = await sdk.handleWebhookEvent({ getHeader: () => signature, getRawBody: () => body });
    events.push(parsed.event);
  }
  console.log(JSON.stringify(events));
})().catch((error) => { console.error(error.message); process.exit(1); });
"""


@pytest.fixture(scope="module")
def delivered() -> Iterator[tuple[str, list[tuple[str, bytes]]]]:
    """(webhook secret, [(signature header, raw body)]) of every event a busy session sends."""
    receiver = Receiver()
    try:
        with make_hooked_client() as client:
            secret = point_webhook(client, receiver.url, list(DOCUMENTED_EVENTS))
            trigger_every_event(client)
            wait_idle(client)
        yield secret, [(headers["x-webhook-signature"], body) for headers, body in receiver.requests]
    finally:
        receiver.stop()


def test_every_documented_event_was_delivered(delivered: tuple[str, list[tuple[str, bytes]]]) -> None:
    _, requests = delivered
    assert {json.loads(body)["event"] for _, body in requests} == set(DOCUMENTED_EVENTS)


def test_the_python_sdk_accepts_every_event(delivered: tuple[str, list[tuple[str, bytes]]]) -> None:
    secret, requests = delivered
    sdk = create_sync_wasender("unused", webhook_secret=secret)
    for signature, body in requests:
        parsed = sdk.handle_webhook_event(body, signature)
        sent = json.loads(body)
        # The SDK models some events and keeps the rest as UnknownWebhookEvent; both carry these.
        assert getattr(parsed.event, "value", parsed.event) == sent["event"]
        assert parsed.session_id == sent["sessionId"]


def test_the_python_sdk_refuses_a_wrong_signature(delivered: tuple[str, list[tuple[str, bytes]]]) -> None:
    secret, requests = delivered
    with pytest.raises(WasenderAPIError, match="signature"):
        create_sync_wasender("unused", webhook_secret=secret + "x").handle_webhook_event(requests[0][1], requests[0][0])


def test_the_node_sdk_accepts_every_event(
    delivered: tuple[str, list[tuple[str, bytes]]], tmp_path: Path
) -> None:
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        pytest.skip("npm and node are needed to install and run the Node SDK")
    installed = subprocess.run(
        [npm, "install", "--silent", "--no-audit", "--no-fund", NODE_SDK],
        cwd=tmp_path, capture_output=True, text=True, timeout=180,
    )
    if installed.returncode != 0:
        pytest.skip(f"npm could not install {NODE_SDK}: {installed.stderr.strip()[:200]}")
    secret, requests = delivered
    file = tmp_path / "requests.json"
    file.write_text(json.dumps([{"signature": s, "body": b.decode()} for s, b in requests]))
    script = tmp_path / "handle.js"
    script.write_text(NODE_HANDLER)
    ran = subprocess.run([node, str(script), secret, str(file)], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == [json.loads(body)["event"] for _, body in requests]
