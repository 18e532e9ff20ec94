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
