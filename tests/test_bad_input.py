"""Thousands of malformed requests against a live server: only documented 4xx, flat memory."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import httpx

from tests.conftest import CONNECTED_KEY, PAT, LiveServer
from tests.routes import ROUTES

REQUESTS = 3000
ALLOWED_GROWTH_MB = 25


def malformed_bodies(rng: random.Random) -> list[tuple[bytes, str]]:
    """(body, content type) pairs of every kind of bad input."""
    fields = ["to", "text", "name", "phone_number", "jid", "type", "base64", "key", "poll", "location", "status"]
    values = [None, True, -1, 10**30, 1.5, "", "x" * 100_000, [], {}, ["a"] * 1000, {"a": {"b": [1, "2"]}}]
    bodies: list[tuple[bytes, str]] = [
        (b"[" * 200_000, "application/json"),
        (b'{"a":' * 50_000, "application/json"),
        (b"\xff\xfe\x00\x80" * 1000, "application/json"),
        (b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40, "image/jpeg"),
        (b"--x\r\nContent-Disposition: form-data; name=file\r\n\r\n" + b"a" * 5000, "multipart/form-data; boundary=x"),
        (b"not json at all", "text/plain"),
        (b"", ""),
    ]
    for _ in range(200):
        body = {rng.choice(fields): rng.choice(values) for _ in range(rng.randint(1, 5))}
        bodies.append((json.dumps(body).encode(), rng.choice(["application/json", "text/plain", "application/x-www-form-urlencoded"])))
    return bodies


def rss_mb(server: LiveServer) -> float:
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]) / 1024


def test_malformed_requests_at_scale(tmp_path: Path) -> None:
    rng = random.Random(20261121)
    server = LiveServer("--rate-limits", "off", db=tmp_path / "bad.db", log=tmp_path / "bad.log")
    path_ids = ["1", "0", "-5", "99999999999999999999", "%2B15551234567", "abc", "1@s.whatsapp.net", "x" * 2000]
    bodies = malformed_bodies(rng)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            plan = list(itertools.product(ROUTES, [PAT, CONNECTED_KEY]))
            baseline = None
            for n in range(REQUESTS):
                (method, template), token = plan[n % len(plan)]
                body, content_type = bodies[n % len(bodies)]
                headers = {"Authorization": f"Bearer {token}"} | ({"Content-Type": content_type} if content_type else {})
                path = template.replace("{id}", rng.choice(path_ids))
                response = client.request(method, path, content=body, headers=headers)
                assert response.status_code < 500, (method, path, response.status_code, response.text[:300])
                if response.status_code != 204:
                    payload = response.json()
                    assert isinstance(payload, dict) and isinstance(payload.get("success"), bool), payload
                if n == REQUESTS // 3:
                    baseline = rss_mb(server)  # after warm-up: caches, imports, first allocations
            assert baseline is not None
            assert rss_mb(server) - baseline < ALLOWED_GROWTH_MB
    finally:
        server.stop()


# Valid JSON, nested past the decoder's limit: a body that once escaped the "not JSON" branches.
TOO_DEEP = b'{"to": "+15551234567", "a": ' + b'{"a": ' * 3000 + b"1" + b"}" * 3001
WASEND_KEY = "wsd_wasendEmulatorDemoAccountKey0001"
SENDAPI_KEY = "sk_live_sendapiEmulatorDemoAccountKey0001"


def post_too_deep(client: httpx.Client, path: str, token: str | None = None, **headers: str) -> httpx.Response:
    headers |= {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.post(path, content=TOO_DEEP, headers=headers)


def test_json_nested_too_deeply_is_malformed_in_every_face(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url, timeout=30) as client:
        rule = client.post("/admin/faults", json={"route": "POST /api/send-message", "recipient": "+15551234567",
                                                  "action": {"type": "error", "status": 503}}).json()["data"]  # fmt: skip
        try:
            send = post_too_deep(client, "/api/send-message", CONNECTED_KEY)
            matched = client.get(f"/admin/faults/{rule['id']}").json()["data"]["matched"]
        finally:
            client.delete("/admin/faults")
        media = post_too_deep(client, "/api/decrypt-media", CONNECTED_KEY)
        wasend = post_too_deep(client, "/wasend/sessions", WASEND_KEY)
        sendapi = post_too_deep(client, "/sendapi/v1/whatsapp/send", SENDAPI_KEY)
        posted = post_too_deep(client, "/admin/inbox/too-deep")
        captured = client.get("/admin/inbox/too-deep").json()["data"]
        session = mcp_session(client)
        mcp = post_too_deep(client, "/mcp", PAT, **{"Mcp-Session-Id": session, "Mcp-Protocol-Version": "2025-06-18"})
    assert (send.status_code, send.json()["errors"]) == (422, {"to": ["The to field is required."]})
    assert matched == 0  # the rule's recipient is read from the body: there was none to read
    assert media.status_code == 400 and media.json()["success"] is False
    assert (wasend.status_code, wasend.json()["message"]) == (400, ["the body must be JSON"])
    assert sendapi.status_code == 422 and sendapi.json()["error"]["type"] == "validation_error"
    assert posted.status_code == 200 and captured[-1]["body"] == TOO_DEEP.decode()
    assert mcp.status_code == 400 and mcp.json()["error"]["code"] == -32700  # JSON-RPC's parse error


def mcp_session(client: httpx.Client) -> str:
    hello = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "tests", "version": "1"}}
    answer = client.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": hello},
                         headers={"Authorization": f"Bearer {PAT}", "Accept": "application/json, text/event-stream"})  # fmt: skip
    return answer.raise_for_status().headers["mcp-session-id"]
