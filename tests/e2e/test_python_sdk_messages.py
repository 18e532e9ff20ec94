"""The official Python SDK's message methods against a running emulator."""

from __future__ import annotations

import httpx
import pytest
from wasenderapi import create_sync_wasender
from wasenderapi.errors import WasenderAPIError

from tests.conftest import CONNECTED_KEY, LiveServer

TO = "+15551234567"


def test_every_send_method_and_the_follow_ups(live_server: LiveServer) -> None:
    client = create_sync_wasender(CONNECTED_KEY, base_url=live_server.api_url)
    sends = {
        "text": client.send_text(TO, "hello"),
        "image": client.send_image(TO, "https://example.com/a.jpg", caption="look"),
        "video": client.send_video(TO, "https://example.com/a.mp4"),
        "document": client.send_document(TO, "https://example.com/r.pdf", "r.pdf", caption="report"),
        "audio": client.send_audio(TO, "https://example.com/a.ogg"),
        "sticker": client.send_sticker(TO, "https://example.com/s.webp"),
        "contact": client.send_contact(TO, "Bob", "+15557654321"),
        "location": client.send_location(TO, "37.77", -122.41, name="HQ", address="Main St"),
        "poll": client.send_poll(TO, "Lunch?", ["Pizza", "Sushi"], is_multiple_choice=True),
        "mentions": client.send_message_with_mentions("120363000000000001@g.us", "hi @15551234567", ["15551234567@s.whatsapp.net"]),
    }
    ids = {kind: result.response.data.message_id for kind, result in sends.items()}
    assert all(isinstance(i, int) for i in ids.values()) and len(set(ids.values())) == len(ids)
    quoted = client.send_quoted_message(TO, ids["text"], text="replying").response.data.message_id

    expected_keys = {
        "text": "conversation",
        "image": "imageMessage",
        "video": "videoMessage",
        "document": "documentMessage",
        "audio": "audioMessage",
        "sticker": "stickerMessage",
        "contact": "contactMessage",
        "location": "locationMessage",
        "poll": "pollCreationMessage",
        "mentions": "extendedTextMessage",
    }
    for kind, msg_id in ids.items():
        info = client.get_message_info(msg_id).response.data
        assert list(info["message"]) == [expected_keys[kind]], kind
    reply = client.get_message_info(quoted).response.data["message"]["extendedTextMessage"]
    assert reply["contextInfo"]["quotedMessage"] == {"conversation": "hello"}

    edited = client.edit_message(ids["text"], "hello, edited").response.data
    assert edited["message"]["protocolMessage"]["editedMessage"] == {"conversation": "hello, edited"}
    assert client.get_message_info(ids["text"]).response.data["message"] == {"conversation": "hello, edited"}

    assert client.delete_message(ids["image"]).response.success
    with pytest.raises(WasenderAPIError) as gone:
        client.get_message_info(ids["image"])
    assert gone.value.status_code == 404

    httpx.post(f"{live_server.url}/admin/clock/advance", json={"seconds": 10})
    assert client.get_message_info(ids["text"]).response.data["status"] == 4


def test_sdk_sees_send_validation_errors(live_server: LiveServer) -> None:
    client = create_sync_wasender(CONNECTED_KEY, base_url=live_server.api_url)
    with pytest.raises(WasenderAPIError) as invalid:
        client.send_poll(TO, "Only one?", ["yes"])
    assert invalid.value.status_code == 422
    assert invalid.value.error_details == {"poll.options": ["The poll.options field must have at least 2 items."]}
