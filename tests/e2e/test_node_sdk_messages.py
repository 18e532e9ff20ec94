"""The official Node SDK's message and media methods against a running emulator, checked
against what the emulator stored, logged and serves."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import httpx
import pytest

from tests.conftest import CONNECTED_ID, CONNECTED_KEY, PAT, LiveServer, auth
from tests.domain.test_media_crypto import docs_decrypt, pkcs7
from tests.e2e.emulator_state import downloaded

OWN, OWN_JID = "+15550100001", "15550100001@s.whatsapp.net"  # session 1
TO, TO_JID = "+15551234567", "15551234567@s.whatsapp.net"
GROUP, MENTION = "120363000000000001@g.us", "15559876543@s.whatsapp.net"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"

# The WhatsApp message each send stores, by the kind the script sent.
MESSAGE_KEYS = {
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
    "quoted": "extendedTextMessage",
}


def logged_requests(server: LiveServer) -> dict[int, dict]:
    """msgId -> the request body the session's message log kept, as the SDK sent it."""
    response = httpx.get(
        f"{server.api_url}/whatsapp-sessions/{CONNECTED_ID}/message-logs", params={"per_page": 100}, headers=auth(PAT)
    )
    assert response.status_code == 200, response.text
    return {entry["id"]: json.loads(entry["content"]) for entry in response.json()["data"]["data"]}


@pytest.mark.sdk(
    "node",
    "send", "sendText", "sendImage", "sendVideo", "sendDocument", "sendAudio", "sendSticker", "sendContact",
    "sendLocation", "sendMessageWithMentions", "sendQuotedMessage", "getMessageInfo", "editMessage", "deleteMessage",
    "sendPresenceUpdate",
)  # fmt: skip
def test_every_message_kind_and_its_follow_ups(live_server: LiveServer, node_sdk: Callable[..., dict]) -> None:
    result = node_sdk(
        "messages.cjs", BASE_URL=live_server.api_url, API_KEY=CONNECTED_KEY, OWN=OWN, TO=TO, GROUP=GROUP, MENTION=MENTION
    )
    ids, info = result["ids"], result["info"]
    assert sorted(ids.values()) == list(ids.values()) and len(set(ids.values())) == len(MESSAGE_KEYS)
    for kind, msg_id in ids.items():
        assert info[kind]["msgId"] == msg_id and list(info[kind]["message"]) == [MESSAGE_KEYS[kind]], kind
        assert info[kind]["key"]["fromMe"] is True
        assert info[kind]["key"]["remoteJid"] == (GROUP if kind == "mentions" else TO_JID), kind

    assert info["image"]["message"]["imageMessage"]["caption"] == "a photo"
    assert info["document"]["message"]["documentMessage"]["fileName"] == "report.pdf"
    assert info["contact"]["message"]["contactMessage"]["displayName"] == "Bob Builder"
    location = info["location"]["message"]["locationMessage"]
    assert (location["degreesLatitude"], location["degreesLongitude"]) == (37.7749, -122.4194)
    poll = info["poll"]["message"]["pollCreationMessage"]
    assert poll["name"] == "Lunch?" and poll["selectableOptionsCount"] == 0  # multiSelect: any number
    assert info["mentions"]["message"]["extendedTextMessage"]["contextInfo"]["mentionedJid"] == [MENTION]
    quote = info["quoted"]["message"]["extendedTextMessage"]["contextInfo"]
    assert quote["stanzaId"] == info["text"]["key"]["id"] and quote["quotedMessage"] == {"conversation": "hello from node"}

    edit = result["edited"]["data"]["message"]["protocolMessage"]
    assert edit["key"] == info["text"]["key"] and edit["editedMessage"] == {"conversation": "hello, edited"}
    assert result["textAfterEdit"] == {"conversation": "hello, edited"}
    assert result["deleted"]["success"] is True and result["infoAfterDelete"]["statusCode"] == 404
    assert result["statusAfterTenSeconds"] == 4  # read

    # What the SDK put on the wire, as the session's message log kept it: no messageType, and
    # the coordinates still strings (the SDK's conversion never runs), stored above as numbers.
    logged = logged_requests(live_server)
    assert logged[ids["poll"]]["poll"] == {"question": "Lunch?", "options": ["Pizza", "Sushi"], "multiSelect": True}
    assert logged[ids["location"]]["location"]["latitude"] == "37.7749"
    assert not any("messageType" in body for body in logged.values())
    presence = httpx.get(f"{live_server.url}/admin/sessions/{CONNECTED_ID}/presence").json()["data"]
    sent = [(p["jid"], p["type"], p["delay_ms"]) for p in presence]
    assert sent == [(TO_JID, "composing", 1500), (OWN_JID, "available", None)]


@pytest.mark.sdk("node", "uploadMediaFile", "decryptMediaFile", "sendImage", "getMessageInfo")
def test_uploads_are_served_and_received_media_decrypts(live_server: LiveServer, node_sdk: Callable[..., dict]) -> None:
    result = node_sdk(
        "media.cjs",
        BASE_URL=live_server.api_url,
        SESSION_ID=str(CONNECTED_ID),
        API_KEY=CONNECTED_KEY,
        SENDER=TO,
        PNG_BASE64=base64.b64encode(PNG).decode(),
        PDF_BASE64=base64.b64encode(PDF).decode(),
    )
    uploaded = result["uploaded"]
    png_url, pdf_url = uploaded["withMimetype"]["publicUrl"], uploaded["dataUrl"]["publicUrl"]
    assert downloaded(png_url).content == PNG and downloaded(png_url).headers["content-type"] == "image/png"
    assert downloaded(pdf_url).content == PDF
    # The SDK's multipart mode sends no body at all (see media.cjs); the emulator says so.
    assert (uploaded["multipart"]["statusCode"], uploaded["multipart"]["message"]) == (422, "The uploaded file is empty.")
    # The sent message carries the encrypted copy of the upload, as a phone's does.
    sent_image = result["sentUploadInfo"]["imageMessage"]
    assert (sent_image["mimetype"], sent_image["fileLength"]) == ("image/png", str(len(PNG)))
    assert docs_decrypt(downloaded(sent_image["url"]).content, sent_image["mediaKey"], "image") == pkcs7(PNG)

    received = result["received"]["message"]["imageMessage"]
    assert downloaded(received["url"]).content != PNG  # WhatsApp's copy is encrypted
    assert downloaded(result["decrypted"]["publicUrl"]).content == PNG
    assert result["decryptText"]["statusCode"] == 400
