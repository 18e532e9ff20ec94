"""Authentication as CONTRACT section 2 of the project describes it: PAT vs session API key."""

from __future__ import annotations

import json

import pytest
from litestar.testing import TestClient

from tests.conftest import CONNECTED_ID, CONNECTED_KEY, DISCONNECTED_ID, PAT, auth, make_client


@pytest.mark.parametrize("path", ["/api/status", "/api/user", "/api/on-whatsapp/15551234567"])
def test_session_endpoints_without_a_token(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 401
    assert response.json() == {"success": False, "message": "API key is required"}


@pytest.mark.parametrize("token", ["nope", PAT])
def test_session_endpoints_refuse_unknown_and_wrong_kind_tokens(client: TestClient, token: str) -> None:
    response = client.get("/api/status", headers=auth(token))
    assert response.status_code == 401
    assert response.json() == {"success": False, "message": "Invalid API key"}


@pytest.mark.parametrize("headers", [{}, auth("nope"), auth(CONNECTED_KEY), {"Authorization": "Basic abc"}])
def test_account_endpoints_refuse_anything_but_a_personal_access_token(client: TestClient, headers) -> None:
    response = client.get("/api/whatsapp-sessions", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"success": False, "message": "Unnotarized"}


def test_bearer_token_form_of_the_docs_is_accepted(client: TestClient) -> None:
    response = client.get("/api/status", headers={"Authorization": f"Bearer token {CONNECTED_KEY}"})
    assert response.json() == {"success": True, "status": "connected"}


def test_api_key_reaches_its_own_session_only(client: TestClient) -> None:
    own = client.get(f"/api/whatsapp-sessions/{CONNECTED_ID}", headers=auth(CONNECTED_KEY))
    assert own.status_code == 200 and own.json()["data"]["id"] == CONNECTED_ID
    other = client.get(f"/api/whatsapp-sessions/{DISCONNECTED_ID}", headers=auth(CONNECTED_KEY))
    assert other.status_code == 404
    assert other.json()["message"] == "The specified session was not found."


def test_other_accounts_sessions_are_not_found(client: TestClient, new_account) -> None:
    _, other_pat = new_account()
    for method, path in [
        ("GET", f"/api/whatsapp-sessions/{CONNECTED_ID}"),
        ("PUT", f"/api/whatsapp-sessions/{CONNECTED_ID}"),
        ("DELETE", f"/api/whatsapp-sessions/{CONNECTED_ID}"),
        ("POST", f"/api/whatsapp-sessions/{CONNECTED_ID}/disconnect"),
        ("GET", f"/api/whatsapp-sessions/{CONNECTED_ID}/session-logs"),
    ]:
        response = client.request(method, path, headers=auth(other_pat), json={})
        assert response.status_code == 404, (method, path)
        assert response.json()["success"] is False
    assert client.get("/api/whatsapp-sessions", headers=auth(other_pat)).json()["data"] == []
    assert client.get("/api/status", headers=auth(CONNECTED_KEY)).json()["status"] == "connected"


def test_auth_check_for_n8n(client: TestClient) -> None:
    for path in ("/api/auth-check", "/auth-check"):
        ok = client.get(path, headers=auth(PAT))
        assert ok.status_code == 200 and ok.json()["success"] is True
        assert client.get(path, headers=auth("bad")).status_code == 401


def test_account_without_subscription_cannot_use_session_keys(tmp_path) -> None:
    fixtures = tmp_path / "lapsed.json"
    key = "ab" * 32
    fixtures.write_text(
        json.dumps(
            {
                "accounts": [
                    {
                        "id": 7,
                        "name": "Lapsed",
                        "email": "lapsed@example.com",
                        "plan": "none",
                        "session_limit": 1,
                        "personal_access_token": "7|lapsedAccountToken",
                        "sessions": [
                            {"id": 70, "name": "Old", "phone_number": "+15556660001", "status": "connected",
                             "api_key": key, "webhook_secret": "cd" * 16}
                        ],
                    }
                ]
            }
        )
    )
    with make_client(fixtures=str(fixtures)) as client:
        response = client.get("/api/status", headers=auth(key))
        assert response.status_code == 403
        assert response.json() == {"success": False, "message": "Active subscription or trial is required to use the API"}
        connect = client.post("/api/whatsapp-sessions/70/connect", headers=auth("7|lapsedAccountToken"))
        assert connect.status_code == 403
        assert connect.json()["error"] == "You need to have an active subscription to connect a WhatsApp session."
