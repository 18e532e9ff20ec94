"""Endpoints reached with a session API key: status, user, on-whatsapp, presence."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from tests.conftest import CONNECTED_ID, CONNECTED_KEY, DISCONNECTED_KEY, auth

NOT_CONNECTED = "Your Whatsapp Session is not connected please connect your session first."


def test_user_of_a_connected_session(client: TestClient) -> None:
    data = client.get("/api/user", headers=auth(CONNECTED_KEY)).json()["data"]
    assert data["id"] == "15550100001:12@s.whatsapp.net"
    assert data["name"] == "Demo connected" and data["lid"].endswith("@lid")


@pytest.mark.parametrize("path", ["/api/user", "/api/on-whatsapp/15551234567"])
def test_not_connected_sessions_are_refused(client: TestClient, path: str) -> None:
    response = client.get(path, headers=auth(DISCONNECTED_KEY))
    assert response.status_code == 400
    assert response.json() == {"success": False, "message": NOT_CONNECTED}


@pytest.mark.parametrize(
    ("number", "exists"),
    [
        ("+15551234567", True),
        ("15551234567", True),
        ("%2B15551234567", True),
        ("15551234567@s.whatsapp.net", True),
        ("+15550000123", False),
        ("15550000999@s.whatsapp.net", False),
    ],
)
def test_on_whatsapp_answers_from_the_test_numbers(client: TestClient, number: str, exists: bool) -> None:
    response = client.get(f"/api/on-whatsapp/{number}", headers=auth(CONNECTED_KEY))
    assert response.status_code == 200
    assert response.json() == {"success": True, "data": {"exists": exists}}


@pytest.mark.parametrize("number", ["hello", "123", "1234567890123456", "123@g.us"])
def test_on_whatsapp_rejects_what_is_not_a_phone_number(client: TestClient, number: str) -> None:
    response = client.get(f"/api/on-whatsapp/{number}", headers=auth(CONNECTED_KEY))
    assert response.status_code == 422
    assert response.json()["errors"] == {"phone_number": ["The phone number field format is invalid."]}


def test_presence_is_validated_and_recorded(client: TestClient) -> None:
    sent = [
        {"jid": "15551234567@s.whatsapp.net", "type": "composing", "delayMs": 500},
        {"jid": "+15551234567", "type": "recording"},
        {"jid": "15550100001@s.whatsapp.net", "type": "available"},
        {"jid": "120363025246125486@g.us", "type": "composing"},
    ]
    for body in sent:
        response = client.post("/api/send-presence-update", json=body, headers=auth(CONNECTED_KEY))
        assert response.status_code == 200, response.text
        assert response.json() == {"success": True, "data": {"jid": body["jid"], "type": body["type"]}}
    history = client.get(f"/admin/sessions/{CONNECTED_ID}/presence").json()["data"]
    assert [(p["jid"], p["type"], p["delay_ms"]) for p in history] == [
        ("15551234567@s.whatsapp.net", "composing", 500),
        ("15551234567@s.whatsapp.net", "recording", None),
        ("15550100001@s.whatsapp.net", "available", None),
        ("120363025246125486@g.us", "composing", None),
    ]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"jid": ["The jid field is required."], "type": ["The type field is required."]}),
        ({"jid": "1555@s.whatsapp.net", "type": "typing"}, {"type": ["The selected type is invalid."]}),
        ({"jid": 15551234567, "type": "composing"}, {"jid": ["The jid field must be a string."]}),
        ({"jid": "15551234567", "type": "composing", "delayMs": -1},
         {"delayMs": ["The delay ms field must be at least 0."]}),
        ({"jid": "15551234567", "type": "composing", "delayMs": "5"},
         {"delayMs": ["The delay ms field must be an integer."]}),
    ],
)  # fmt: skip
def test_presence_validation(client: TestClient, body: dict, errors: dict) -> None:
    response = client.post("/api/send-presence-update", json=body, headers=auth(CONNECTED_KEY))
    assert response.status_code == 422
    assert response.json()["errors"] == errors


@pytest.mark.parametrize(
    "body",
    [
        {"jid": "not-a-jid", "type": "composing"},
        {"jid": "15551234567@s.whatsapp.net", "type": "available"},  # available goes to one's own number
        {"jid": "15550100001@s.whatsapp.net", "type": "composing"},  # composing goes to a contact
    ],
)
def test_presence_jid_rules(client: TestClient, body: dict) -> None:
    response = client.post("/api/send-presence-update", json=body, headers=auth(CONNECTED_KEY))
    assert response.status_code == 400
    assert response.json()["error"] == "Error sending presence update: Invalid JID provided."


def test_presence_needs_a_connected_session(client: TestClient) -> None:
    body = {"jid": "15551234567@s.whatsapp.net", "type": "composing"}
    response = client.post("/api/send-presence-update", json=body, headers=auth(DISCONNECTED_KEY))
    assert response.status_code == 400 and response.json()["message"] == NOT_CONNECTED
