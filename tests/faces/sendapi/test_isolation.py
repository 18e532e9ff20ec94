"""The SendAPI face's isolation matrix: every route naming a session, message, group or webhook,
called with another account's SendAPI key, answers 404 and leaves the stored state as it was;
every route of the face is classified here, so a new one cannot slip past."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from tests.conftest import auth
from tests.faces.sendapi.helpers import BASE, HEADERS, connected_session
from tests.test_isolation_matrix import app_routes, stored_state

# (method, path) -> the owner's body; {session}, {message}, {group}, {webhook}, {phone} filled in.
OWNED: dict[tuple[str, str], dict[str, Any] | None] = {
    ("GET", "/whatsapp/sessions/{session_id}"): None,
    ("DELETE", "/whatsapp/sessions/{session_id}"): None,
    ("GET", "/whatsapp/sessions/{session_id}/qr"): None,
    ("GET", "/whatsapp/messages/{message_id}"): None,
    ("PUT", "/whatsapp/groups/{group_id}"): {"name": "taken over"},
    ("GET", "/webhooks/{webhook_id}"): None,
    ("PUT", "/webhooks/{webhook_id}"): {"is_active": False},
    ("DELETE", "/webhooks/{webhook_id}"): None,
    ("GET", "/whatsapp/contacts/{phone}/check"): None,
}
# Routes naming a session in their body or query: the stranger's call names the victim's.
BY_SESSION: dict[tuple[str, str], dict[str, Any] | None] = {
    ("POST", "/whatsapp/send"): {"to": "+15551234567", "message": "taken over"},
    ("POST", "/whatsapp/send-bulk"): {"recipients": ["+15551234567"], "content": "taken over"},
    ("POST", "/whatsapp/groups"): {"name": "taken over", "participants": []},
    ("GET", "/whatsapp/groups"): None,
    ("GET", "/whatsapp/contacts"): None,
    ("GET", "/whatsapp/messages"): None,
}
# Routes about the caller only.
NOT_OWNED = {
    ("GET", "/whatsapp/sessions"): "the caller's sessions",
    ("POST", "/whatsapp/sessions"): "creates the caller's session",
    ("GET", "/webhooks"): "the caller's webhooks",
    ("POST", "/webhooks"): "creates the caller's webhook",
    ("GET", "/account/usage"): "the caller's usage",
}


def _world(client: TestClient) -> tuple[dict[str, str], str]:
    session = connected_session(client, "Victim")
    message = client.post(f"{BASE}/whatsapp/send", json={"session_id": session["id"], "to": "+15551234567",
                                                          "message": "secret"}, headers=HEADERS).json()  # fmt: skip
    group = client.post(f"{BASE}/whatsapp/groups", json={"session_id": session["id"], "name": "Victims",
                                                         "participants": []}, headers=HEADERS).json()  # fmt: skip
    hook = client.post(f"{BASE}/webhooks", json={"url": "https://example.com/h"}, headers=HEADERS).json()["data"]
    params = {"session_id": session["id"], "message_id": message["id"], "group_id": group["id"],
              "webhook_id": str(hook["id"]), "phone": "+15551234567"}  # fmt: skip
    stranger = client.post("/admin/accounts", json={}).json()["data"]["keys"]["sendapi"]
    return params, stranger


def test_every_sendapi_route_is_classified(client: TestClient) -> None:
    served = {(m, p.removeprefix(BASE)) for m, p in app_routes(client) if p.startswith(f"{BASE}/")}
    assert served == set(OWNED) | set(BY_SESSION) | set(NOT_OWNED)


@pytest.mark.parametrize(("method", "template"), sorted(OWNED) + sorted(BY_SESSION))
def test_a_stranger_finds_nothing_and_changes_nothing(client: TestClient, method: str, template: str) -> None:
    params, stranger = _world(client)
    body = {**OWNED, **BY_SESSION}[(method, template)]
    path = BASE + template.format(**params)
    query = {"session_id": params["session_id"]}
    if method != "GET":
        body = {**(body or {}), "session_id": params["session_id"]}
    before = stored_state(client)
    answer = client.request(method, path, json=body, params=query, headers=auth(stranger))
    assert stored_state(client) == before
    assert "secret" not in answer.text
    if (method, template) == ("POST", "/whatsapp/send-bulk"):
        assert answer.json()["results"][0]["status"] == "failed"
    else:
        assert answer.status_code == 404 and answer.json()["success"] is False, answer.text
    owners = client.request(method, path, json=body, params=query, headers=HEADERS)
    assert owners.status_code not in (401, 404), owners.text
