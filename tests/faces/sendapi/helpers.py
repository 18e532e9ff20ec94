"""What the SendAPI tests share: the default account's key, a session made and paired over HTTP,
and the documented recipe that verifies a webhook's signature."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from litestar.testing import TestClient

from emulator.config import DEFAULT_FIXTURES
from emulator.faces import SENDAPI

BASE = "/sendapi/v1"
KEY = json.loads(DEFAULT_FIXTURES.read_text())["accounts"][0]["keys"][SENDAPI]
HEADERS = {"Authorization": f"Bearer {KEY}"}


def connected_session(client: TestClient, name: str = "Support Bot", **extra: Any) -> dict[str, Any]:
    """Create, scan through the admin control plane, and answer the session as SendAPI shows it."""
    created = client.post(f"{BASE}/whatsapp/sessions", json={"name": name, **extra}, headers=HEADERS).json()
    assert client.post(f"/admin/sessions/{created['numeric_id']}/scan").status_code == 200
    return client.get(f"{BASE}/whatsapp/sessions/{created['id']}", headers=HEADERS).json()


def verified(secret: str, headers: dict[str, str], raw: bytes) -> dict[str, Any]:
    """SendAPI's recipe: HMAC-SHA256 of the raw body with the secret, hex, after `sha256=`."""
    expected = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-sendapi-signature"], expected)
    return json.loads(raw)  # type: ignore[no-any-return]
