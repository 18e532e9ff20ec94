"""POST /api/send-message: every variant, as the SDKs send it, and each page's rules."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from tests.conftest import CONNECTED_KEY, DISCONNECTED_KEY, auth

TO = "+15551234567"


def send(client: TestClient, body: dict[str, Any], key: str = CONNECTED_KEY):
    return client.post("/api/send-message", json=body, headers=auth(key))


def sent_message(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    response = send(client, body)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["jid"] == body["to"] and data["status"] == "in_progress" and isinstance(data["msgId"], int)
    info = client.get(f"/api/messages/{data['msgId']}/info", headers=auth(CONNECTED_KEY)).json()["data"]
    assert info["msgId"] == data["msgId"] and info["key"]["fromMe"] is True and info["status"] == 1
    assert info["id"].startswith("3EB0") and len(info["id"]) == 20
    return info["message"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"to": TO, "text": "hi"}, {"conversation": "hi"}),
        ({"to": TO, "text": "hi", "messageType": "text", "imageUrl": None}, {"conversation": "hi"}),
        (
            {"to": TO, "text": "look", "imageUrl": "https://example.com/a.png"},
            {"imageMessage": {"url": "https://example.com/a.png", "mimetype": "image/png", "caption": "look"}},
        ),
        (
            {"to": TO, "text": None, "videoUrl": "https://example.com/v.mp4", "messageType": "video"},
            {"videoMessage": {"url": "https://example.com/v.mp4", "mimetype": "video/mp4"}},
        ),
        (
            {"to": TO, "documentUrl": "https://example.com/r.pdf", "fileName": "q1.pdf", "text": "report"},
            {"documentMessage": {"url": "https://example.com/r.pdf", "mimetype": "application/pdf",
                                 "caption": "report", "fileName": "q1.pdf"}},
        ),
        (
            {"to": TO, "documentUrl": "https://example.com/r.pdf"},
            {"documentMessage": {"url": "https://example.com/r.pdf", "mimetype": "application/pdf",
                                 "fileName": "document.pdf"}},
        ),
        (
            {"to": TO, "audioUrl": "https://example.com/a.ogg"},
            {"audioMessage": {"url": "https://example.com/a.ogg", "mimetype": "audio/ogg", "ptt": True}},
        ),
        (
            {"to": TO, "stickerUrl": "https://example.com/s.webp"},
            {"stickerMessage": {"url": "https://example.com/s.webp", "mimetype": "image/webp"}},
        ),
        (
            {"to": TO, "location": {"latitude": "37.7749", "longitude": -122.4194, "name": "HQ", "address": "Main St"}},
            {"locationMessage": {"degreesLatitude": 37.7749, "degreesLongitude": -122.4194, "name": "HQ",
                                 "address": "Main St"}},
        ),
        (
            {"to": TO, "poll": {"question": "Color?", "options": ["Blue", "Red"], "multiSelect": True}},
            {"pollCreationMessage": {"name": "Color?", "options": [{"optionName": "Blue"}, {"optionName": "Red"}],
                                     "selectableOptionsCount": 0}},
        ),
        (
            {"to": TO, "imageUrl": "https://example.com/a.jpg", "viewOnce": True},
            {"imageMessage": {"url": "https://example.com/a.jpg", "mimetype": "image/jpeg", "viewOnce": True}},
        ),
        (
            {"to": "120363000000000001@g.us", "text": "Hi @15551234567", "mentions": ["15551234567@s.whatsapp.net"]},
            {"extendedTextMessage": {"text": "Hi @15551234567",
                                     "contextInfo": {"mentionedJid": ["15551234567@s.whatsapp.net"]}}},
        ),
        ({"to": "120363@newsletter", "text": "news"}, {"conversation": "news"}),
    ],
)  # fmt: skip
def test_variants_become_whatsapp_messages(client: TestClient, body: dict, expected: dict) -> None:
    assert sent_message(client, body) == expected


def test_contact_card(client: TestClient) -> None:
    message = sent_message(client, {"to": TO, "contact": {"name": "Support", "phone": "+15557654321"}})
    card = message["contactMessage"]
    assert card["displayName"] == "Support"
    assert "FN:Support" in card["vcard"] and "waid=15557654321:+15557654321" in card["vcard"]


def test_quoted_reply_carries_the_original(client: TestClient) -> None:
    first = send(client, {"to": TO, "text": "original"}).json()["data"]["msgId"]
    reply = sent_message(client, {"to": TO, "text": "answer", "replyTo": first})
    original = client.get(f"/api/messages/{first}/info", headers=auth(CONNECTED_KEY)).json()["data"]
    assert reply["extendedTextMessage"]["contextInfo"] == {
        "stanzaId": original["id"],
        "participant": "15550100001@s.whatsapp.net",
        "quotedMessage": {"conversation": "original"},
    }


def test_msg_ids_are_increasing_integers(client: TestClient) -> None:
    ids = [send(client, {"to": TO, "text": str(i)}).json()["data"]["msgId"] for i in range(3)]
    assert ids == sorted(ids) and len(set(ids)) == 3 and ids[0] >= 100_000


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"to": ["The to field is required."]}),
        ({"to": TO}, {"text": ["The text field is required when no media is present."]}),
        ({"to": TO, "text": "   "}, {"text": ["The text field is required when no media is present."]}),
        ({"to": TO, "stickerUrl": "https://example.com/s.png"},
         {"stickerUrl": ["The sticker url field must be a file of type: webp."]}),
        ({"to": TO, "poll": {"question": "Q", "options": ["only"]}},
         {"poll.options": ["The poll.options field must have at least 2 items."]}),
        ({"to": TO, "poll": {"question": "Q", "options": [str(i) for i in range(13)]}},
         {"poll.options": ["The poll.options field must not have more than 12 items."]}),
        ({"to": TO, "poll": {"question": "Q", "options": ["a", "a"]}},
         {"poll.options": ["The poll.options field has a duplicate value."]}),
        ({"to": TO, "poll": {"options": ["a", "b"]}}, {"poll.question": ["The poll.question field is required."]}),
        ({"to": TO, "location": {"latitude": 91, "longitude": 0}},
         {"location.latitude": ["The location.latitude field must be between -90 and 90."]}),
        ({"to": TO, "location": {"latitude": 0, "longitude": "-181"}},
         {"location.longitude": ["The location.longitude field must be between -180 and 180."]}),
        ({"to": TO, "location": {"latitude": "north", "longitude": 0}},
         {"location.latitude": ["The location.latitude field must be a number."]}),
        ({"to": TO, "text": "x", "viewOnce": True},
         {"viewOnce": ["The view once field is only allowed with an imageUrl, videoUrl or audioUrl."]}),
        ({"to": TO, "documentUrl": "https://example.com/a.pdf", "viewOnce": True},
         {"viewOnce": ["The view once field is only allowed with an imageUrl, videoUrl or audioUrl."]}),
        ({"to": TO, "imageUrl": "https://example.com/a.jpg", "videoUrl": "https://example.com/a.mp4"},
         {"videoUrl": ["The video url field is prohibited when image url is present."]}),
        ({"to": TO, "messageType": "image", "text": "no url"},
         {"imageUrl": ["The image url field is required when message type is image."]}),
        ({"to": TO, "messageType": "fax", "text": "x"}, {"messageType": ["The selected message type is invalid."]}),
        ({"to": TO, "imageUrl": "not a url"}, {"imageUrl": ["The image url field must be a valid URL."]}),
        ({"to": TO, "imageUrl": "http://a["}, {"imageUrl": ["The image url field must be a valid URL."]}),
        ({"to": TO, "text": "x", "replyTo": 999_999}, {"replyTo": ["The selected reply to is invalid."]}),
        ({"to": TO, "text": "x", "replyTo": "1"}, {"replyTo": ["The reply to field must be an integer."]}),
        ({"to": TO, "text": "x", "mentions": ["bob"]}, {"mentions.0": ["The mentions.0 field must be a WhatsApp user JID."]}),
        ({"to": TO, "contact": {"name": "A", "phone": "call me"}},
         {"contact.phone": ["The contact.phone field format is invalid."]}),
        ({"to": "not a number", "text": "x"}, {"to": ["The to field format is invalid."]}),
        ({"to": TO, "text": 5}, {"text": ["The text field must be a string."]}),
    ],
)  # fmt: skip
def test_validation(client: TestClient, body: dict, errors: dict) -> None:
    response = send(client, body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == errors


def test_a_session_that_is_not_connected_cannot_send(client: TestClient) -> None:
    response = send(client, {"to": TO, "text": "hi"}, key=DISCONNECTED_KEY)
    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "message": "Your Whatsapp Session is not connected please connect your session first.",
    }
