"""The official Python SDK's message methods against a running emulator: every send variant is
read back as the WhatsApp message the emulator stored, and the follow-ups change that message."""

from __future__ import annotations

from typing import Any

import pytest
from wasenderapi.models import ContactCardMessage, ImageUrlMessage, LocationPinMessage, TextOnlyMessage

from tests.conftest import CONNECTED_KEY
from tests.e2e.python_sdk_support import Admin, SdkFactory, admin, refusal  # noqa: F401 - admin is a fixture

TO, TO_JID = "+15551234567", "15551234567@s.whatsapp.net"
ME_JID = "15550100001@s.whatsapp.net"
GROUP = "120363000000000001@g.us"
BOB_VCARD = "BEGIN:VCARD\nVERSION:3.0\nFN:Bob\nTEL;type=CELL;type=VOICE;waid=15557654321:+15557654321\nEND:VCARD"
# Message status codes of get_message_info.
FAILED, SENT, READ, PLAYED = 0, 2, 4, 5
# Clock seconds after which every recipient's phone has done all it ever does (played: 6 s).
SETTLED = 10
EDIT_WINDOW = 15 * 60  # seconds of clock time in which a sent text can be edited


@pytest.fixture
def client(python_sdk: SdkFactory) -> Any:
    return python_sdk(CONNECTED_KEY)


def sent_id(result: Any) -> int:
    data = result.response.data
    assert result.response.success and data.status == "in_progress"
    return data.message_id


def stored(client: Any, message_id: int) -> dict[str, Any]:
    """The WhatsApp message content the emulator holds for `message_id`."""
    return client.get_message_info(message_id).response.data["message"]


def status_of(client: Any, message_id: int) -> int:
    return client.get_message_info(message_id).response.data["status"]


# (send method, its arguments, its keyword arguments, the WhatsApp message the emulator must store)
SEND_VARIANTS: list[tuple[str, tuple[Any, ...], dict[str, Any], dict[str, Any]]] = [
    ("send_text", (TO, "hello"), {}, {"conversation": "hello"}),
    (
        "send_image",
        (TO, "https://example.com/a.jpg"),
        {"caption": "look"},
        {"imageMessage": {"url": "https://example.com/a.jpg", "mimetype": "image/jpeg", "caption": "look"}},
    ),
    (
        "send_video",
        (TO, "https://example.com/a.mp4"),
        {},
        {"videoMessage": {"url": "https://example.com/a.mp4", "mimetype": "video/mp4"}},
    ),
    (
        "send_document",
        (TO, "https://example.com/r.pdf", "r.pdf"),
        {"caption": "report"},
        {
            "documentMessage": {
                "url": "https://example.com/r.pdf",
                "mimetype": "application/pdf",
                "caption": "report",
                "fileName": "r.pdf",
            }
        },
    ),
    (
        "send_audio",
        (TO, "https://example.com/a.ogg"),
        {},
        {"audioMessage": {"url": "https://example.com/a.ogg", "mimetype": "audio/ogg", "ptt": True}},
    ),
    (
        "send_sticker",
        (TO, "https://example.com/s.webp"),
        {},
        {"stickerMessage": {"url": "https://example.com/s.webp", "mimetype": "image/webp"}},
    ),
    ("send_contact", (TO, "Bob", "+15557654321"), {}, {"contactMessage": {"displayName": "Bob", "vcard": BOB_VCARD}}),
    (
        "send_location",
        (TO, "37.77", -122.41),
        {"name": "HQ", "address": "Main St"},
        {
            "locationMessage": {
                "degreesLatitude": 37.77,
                "degreesLongitude": -122.41,
                "name": "HQ",
                "address": "Main St",
            }
        },
    ),
    (
        "send_poll",
        (TO, "Lunch?", ["Pizza", "Sushi"]),
        {"is_multiple_choice": True},
        # WhatsApp's count of selectable options: 0 is "any number".
        {
            "pollCreationMessage": {
                "name": "Lunch?",
                "options": [{"optionName": "Pizza"}, {"optionName": "Sushi"}],
                "selectableOptionsCount": 0,
            }
        },
    ),
    (
        "send_message_with_mentions",
        (GROUP, "hi @15551234567", [TO_JID]),
        {},
        {"extendedTextMessage": {"text": "hi @15551234567", "contextInfo": {"mentionedJid": [TO_JID]}}},
    ),
]


@pytest.mark.sdk("python", *(method for method, *_ in SEND_VARIANTS), "get_message_info")
def test_every_send_method_stores_the_whatsapp_message(client: Any) -> None:
    for method, args, kwargs, expected in SEND_VARIANTS:
        result = getattr(client, method)(*args, **kwargs)
        assert result.response.data.jid == args[0], method
        info = client.get_message_info(sent_id(result)).response.data
        assert info["message"] == expected, method
        assert (info["key"]["fromMe"], info["key"]["remoteJid"]) == (True, TO_JID if args[0] == TO else GROUP)


@pytest.mark.sdk("python", "send", "get_message_info")
def test_send_takes_the_sdks_raw_payload_models(client: Any) -> None:
    payloads = [
        (TextOnlyMessage(to=TO, text="raw text"), {"conversation": "raw text"}),
        (
            ImageUrlMessage(to=TO, imageUrl="https://example.com/raw.png"),  # sends "text": null
            {"imageMessage": {"url": "https://example.com/raw.png", "mimetype": "image/png"}},
        ),
        (
            LocationPinMessage(to=TO, location={"latitude": "-33.86", "longitude": "151.2"}),
            {"locationMessage": {"degreesLatitude": -33.86, "degreesLongitude": 151.2}},
        ),
        (
            ContactCardMessage(to=TO, contact={"name": "Bob", "phone": "+15557654321"}),
            {"contactMessage": {"displayName": "Bob", "vcard": BOB_VCARD}},
        ),
    ]
    for payload, expected in payloads:
        assert stored(client, sent_id(client.send(payload))) == expected, payload


@pytest.mark.sdk("python", "send_text", "send_quoted_message", "get_message_info")
def test_quoted_replies_carry_the_quoted_message(client: Any) -> None:
    original = sent_id(client.send_text(TO, "the original"))
    key_id = client.get_message_info(original).response.data["key"]["id"]
    quote = {"stanzaId": key_id, "participant": ME_JID, "quotedMessage": {"conversation": "the original"}}

    text_reply = sent_id(client.send_quoted_message(TO, original, text="replying"))
    assert stored(client, text_reply) == {"extendedTextMessage": {"text": "replying", "contextInfo": quote}}
    # Without a messageType the SDK infers the kind from the media field.
    image_reply = sent_id(client.send_quoted_message(TO, original, imageUrl="https://example.com/b.png"))
    assert stored(client, image_reply) == {
        "imageMessage": {"url": "https://example.com/b.png", "mimetype": "image/png", "contextInfo": quote}
    }


@pytest.mark.sdk("python", "send_text", "edit_message", "delete_message", "get_message_info")
def test_edit_then_delete_a_sent_message(client: Any, admin: Admin) -> None:
    message = sent_id(client.send_text(TO, "hello"))
    edited = client.edit_message(message, "hello, edited").response.data
    assert edited["msgId"] == message
    assert edited["message"]["protocolMessage"]["editedMessage"] == {"conversation": "hello, edited"}
    assert stored(client, message) == {"conversation": "hello, edited"}

    admin.advance(EDIT_WINDOW + 1)
    too_late = refusal(lambda: client.edit_message(message, "edited again"))
    assert (too_late.status_code, too_late.message) == (400, "This message can no longer be edited.")
    assert stored(client, message) == {"conversation": "hello, edited"}

    assert client.delete_message(message).response.success
    assert refusal(lambda: client.get_message_info(message)).status_code == 404


@pytest.mark.sdk("python", "send_text", "send_audio", "get_message_info")
def test_the_recipients_phone_moves_the_status_on_the_clock(client: Any, admin: Admin) -> None:
    # The test-number table decides what each recipient's phone does.
    sends = {
        "+15551234567": ("send_text", "hello", READ),
        "+15550030001": ("send_audio", "https://example.com/voice.ogg", PLAYED),
        "+15550010001": ("send_text", "hello", SENT),
        "+15550000001": ("send_text", "hello", FAILED),
    }
    ids = {to: sent_id(getattr(client, method)(to, content)) for to, (method, content, _) in sends.items()}
    admin.advance(SETTLED)
    statuses = {to: status_of(client, msg_id) for to, msg_id in ids.items()}
    assert statuses == {to: wanted for to, (*_, wanted) in sends.items()}


@pytest.mark.sdk("python", "send_poll", "send_text")
def test_sdk_sees_send_validation_errors(client: Any) -> None:
    invalid = refusal(lambda: client.send_poll(TO, "Only one?", ["yes"]))
    assert invalid.status_code == 422
    assert invalid.error_details == {"poll.options": ["The poll.options field must have at least 2 items."]}
    assert refusal(lambda: client.send_text(TO, "")).status_code == 422
