"""Secrets stay secret: no token, key or webhook secret in the server's log, an error body, or a published example."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx

from emulator.config import DEFAULT_FIXTURES
from tests.conftest import LiveServer

ADMIN_TOKEN = "secrets-test-admin-token-7f3a"
PUBLISHED = Path(__file__).resolve().parents[1] / "openapi"
# What a personal access token, an API key or a webhook secret looks like.
SECRET_SHAPE = re.compile(r"\d+\|[A-Za-z0-9]{20,}|[0-9a-f]{32,}")


def _errors_and_secrets(server: LiveServer) -> tuple[list[str], set[str]]:
    """Run a full flow, answering every error body seen and every secret created."""
    errors: list[str] = []

    def send(client: httpx.Client, method: str, path: str, token: str | None = None, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        answer = client.request(method, path, headers=headers, **kwargs)
        if answer.status_code >= 400:
            errors.append(answer.text)
        return answer.json() if answer.content else None

    with httpx.Client(base_url=server.url, timeout=30) as client:
        pat = send(client, "POST", "/admin/accounts", ADMIN_TOKEN, json={})["data"]["personal_access_token"]
        body = {
            "name": "secret keeper", "phone_number": "+15557770300", "account_protection": False, "log_messages": True,
            "webhook_url": f"{server.url}/admin/inbox/secrets", "webhook_enabled": True,
            "webhook_events": ["messages.upsert", "message.sent", "messages.update", "session.status"],
        }  # fmt: skip
        session = send(client, "POST", "/api/whatsapp-sessions", pat, json=body)["data"]
        key, webhook_secret = session["api_key"], session["webhook_secret"]
        send(client, "POST", f"/api/whatsapp-sessions/{session['id']}/connect", pat)
        send(client, "POST", f"/admin/sessions/{session['id']}/scan", ADMIN_TOKEN)
        send(client, "POST", "/api/send-message", key, json={"to": "+15551234567", "text": "hello"})
        send(client, "POST", "/admin/clock/advance", ADMIN_TOKEN, json={"seconds": 10})
        send(client, "GET", "/admin/idle", ADMIN_TOKEN)
        delivered = send(client, "GET", "/admin/inbox/secrets", ADMIN_TOKEN)["data"]
        assert delivered and all("x-webhook-signature" in d["headers"] for d in delivered)
        new_key = send(client, "POST", f"/api/whatsapp-sessions/{session['id']}/regenerate-key", pat)["api_key"]
        # Secrets sent where they do not belong (not in a path: request lines are logged at trace).
        send(client, "POST", "/api/send-message", key, json={"to": "+15551234567", "text": "old key"})
        send(client, "GET", "/api/status", pat)
        send(client, "GET", "/api/whatsapp-sessions", new_key)
        send(client, "GET", "/admin/events", new_key)
        send(client, "GET", "/admin/events", "not-the-admin-token")
        send(client, "POST", "/api/send-message", new_key, json={"to": webhook_secret, "text": pat})
        send(client, "PUT", f"/api/whatsapp-sessions/{session['id']}", pat, json={"webhook_url": ADMIN_TOKEN})
    assert len(errors) >= 7
    return errors, {ADMIN_TOKEN, pat, key, new_key, webhook_secret}


def test_a_full_run_at_the_most_verbose_level_logs_no_secret(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    server = LiveServer(
        "--clock", "virtual", "--seed", "secrets", "--log-level", "trace", "--admin-token", ADMIN_TOKEN, log=log
    )
    try:
        errors, secrets = _errors_and_secrets(server)
    finally:
        server.stop()
    logged = log.read_text()
    assert "ASGI" in logged, "the trace level logged nothing: the test proves nothing"
    for secret in secrets:
        assert secret not in logged
        assert not [body for body in errors if secret in body]


def test_the_published_examples_hold_no_secret_but_the_fixtures_demo_values() -> None:
    demo = set(SECRET_SHAPE.findall(DEFAULT_FIXTURES.read_text()))
    for document in sorted(PUBLISHED.glob("*.json")):
        found = set(SECRET_SHAPE.findall(json.dumps(_examples(json.loads(document.read_text())))))
        assert found <= demo, (document.name, found - demo)


def _examples(node: Any) -> list[Any]:
    """Every example, default or enumerated value in an OpenAPI document."""
    if isinstance(node, list):
        return [found for item in node for found in _examples(item)]
    if not isinstance(node, dict):
        return []
    kept = [value for key, value in node.items() if key in ("example", "examples", "default", "enum", "const")]
    return kept + [found for key, value in node.items() if key not in ("example", "examples") for found in _examples(value)]
