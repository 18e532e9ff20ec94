"""Media sent from one emulator session to another travels encrypted as WhatsApp sends it: every
copy (the sender's info and events, each receiver's) carries the media fields, and they decrypt
to the very file, through decrypt-media and through the docs' own recipe."""

from __future__ import annotations

import base64
import hashlib
import struct
from typing import Any
from urllib.parse import urlsplit

import pytest
from litestar.testing import TestClient

from emulator.domain.media_duration import seconds_of
from tests.faces.wasenderapi.test_media import PDF, PNG, sample
from tests.faces.wasenderapi.test_message_lifecycle import GROUP, RECEIVER_NUMBER, advance, connect_receiver, events
from tests.conftest import CONNECTED_ID, CONNECTED_KEY, DISCONNECTED_ID, DISCONNECTED_KEY, auth
from tests.domain.test_media_crypto import docs_decrypt, pkcs7

MEDIA_FIELDS = {"url", "mimetype", "mediaKey", "fileSha256", "fileEncSha256", "fileLength", "directPath", "mediaKeyTimestamp"}


def wav(seconds: int, rate: int = 8000) -> bytes:
    """A mono 8-bit PCM WAV file that plays `seconds` long."""
    samples = bytes(rate * seconds)
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate, 1, 8)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(samples)) + samples
    return b"RIFF" + struct.pack("<I", len(body)) + body


def mp4(seconds: int, timescale: int = 1000) -> bytes:
    """The boxes of an MP4 file that say it plays `seconds` long: ftyp, then moov holding mvhd."""
    mvhd_payload = struct.pack(">B3xIIII", 0, 0, 0, timescale, seconds * timescale) + bytes(80)
    mvhd = struct.pack(">I4s", 8 + len(mvhd_payload), b"mvhd") + mvhd_payload
    moov = struct.pack(">I4s", 8 + len(mvhd), b"moov") + mvhd
    return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + moov


def ogg_opus(seconds: int) -> bytes:
    """Two Ogg pages: the OpusHead packet, then a last page whose granule counts 48 kHz samples."""
    def page(granule: int, packet: bytes) -> bytes:
        return b"OggS\x00\x00" + struct.pack("<qIII", granule, 1, 0, 0) + bytes([1, len(packet)]) + packet

    return page(0, b"OpusHead\x01\x01" + bytes(9)) + page(48_000 * seconds, b"\x00" * 8)


# kind, file, MIME type, the send-message field, extra fields of the request
CASES: list[tuple[str, bytes, str, str, dict[str, Any]]] = [
    ("image", PNG, "image/png", "imageUrl", {"text": "a picture"}),
    ("video", mp4(7), "video/mp4", "videoUrl", {"text": "a film"}),
    ("audio", ogg_opus(3), "audio/ogg", "audioUrl", {}),
    ("document", PDF, "application/pdf", "documentUrl", {"fileName": "terms.pdf", "text": "read me"}),
    ("sticker", sample("image/webp"), "image/webp", "stickerUrl", {}),
]


def upload(client: TestClient, data: bytes, mimetype: str) -> str:
    response = client.post("/api/upload", content=data, headers=auth(CONNECTED_KEY) | {"Content-Type": mimetype})
    assert response.status_code == 200, response.text
    return str(response.json()["publicUrl"])


def send_file(client: TestClient, to: str, field: str, url: str, **fields: Any) -> int:
    response = client.post("/api/send-message", json={"to": to, field: url, **fields}, headers=auth(CONNECTED_KEY))
    assert response.status_code == 200, response.text
    return int(response.json()["data"]["msgId"])


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def assert_decrypts(client: TestClient, media: dict[str, Any], kind: str, plain: bytes) -> None:
    """The media fields describe `plain` and its encrypted file, and the docs' recipe opens it."""
    encrypted = client.get(urlsplit(media["url"]).path)
    assert encrypted.status_code == 200 and encrypted.headers["content-type"] == "application/octet-stream"
    assert media["directPath"] == urlsplit(media["url"]).path
    assert media["fileEncSha256"] == b64(hashlib.sha256(encrypted.content).digest())
    assert media["fileSha256"] == b64(hashlib.sha256(plain).digest())
    assert media["fileLength"] == str(len(plain))
    assert len(base64.b64decode(media["mediaKey"])) == 32
    assert int(media["mediaKeyTimestamp"]) > 0
    assert docs_decrypt(encrypted.content, media["mediaKey"], kind) == pkcs7(plain)


def decrypt_media(client: TestClient, body: dict[str, Any], key: str) -> bytes:
    response = client.post("/api/decrypt-media", json=body, headers=auth(key))
    assert response.status_code == 200, response.text
    return client.get(urlsplit(response.json()["publicUrl"]).path).content


@pytest.mark.parametrize(("kind", "data", "mimetype", "field", "fields"), CASES, ids=[c[0] for c in CASES])
def test_a_file_sent_to_another_session_arrives_encrypted(
    client: TestClient, kind: str, data: bytes, mimetype: str, field: str, fields: dict[str, Any]
) -> None:
    connect_receiver(client)
    url = upload(client, data, mimetype)
    msg_id = send_file(client, RECEIVER_NUMBER, field, url, **fields)
    advance(client, 2)

    [received] = events(client, DISCONNECTED_ID, "messages.received")
    media = received["messages"]["message"][f"{kind}Message"]
    assert MEDIA_FIELDS <= set(media) and media["mimetype"] == mimetype
    assert media["url"] != url  # the encrypted copy, not the upload
    assert_decrypts(client, media, kind, data)
    assert decrypt_media(client, {"data": received}, DISCONNECTED_KEY) == data

    # The sender's own copy is the same message: info, the upsert and message.sent.
    info = client.get(f"/api/messages/{msg_id}/info", headers=auth(CONNECTED_KEY)).json()["data"]
    assert info["message"] == received["messages"]["message"]
    [upsert] = [u for u in events(client, CONNECTED_ID, "messages.upsert") if u["messages"][0]["key"]["fromMe"]]
    assert upsert["messages"][0]["message"] == info["message"]
    [sent] = events(client, CONNECTED_ID, "message.sent")
    assert sent["message"] == info["message"]


@pytest.mark.parametrize(("kind", "data", "mimetype", "field", "fields"), CASES, ids=[c[0] for c in CASES])
def test_the_fields_of_each_kind(
    client: TestClient, kind: str, data: bytes, mimetype: str, field: str, fields: dict[str, Any]
) -> None:
    msg_id = send_file(client, "+15551234567", field, upload(client, data, mimetype), **fields)
    media = client.get(f"/api/messages/{msg_id}/info", headers=auth(CONNECTED_KEY)).json()["data"]["message"]
    media = media[f"{kind}Message"]
    assert media.get("caption") == fields.get("text")
    assert media.get("fileName") == fields.get("fileName")
    assert media.get("ptt") == (True if kind == "audio" else None)
    assert media.get("seconds") == {"video": 7, "audio": 3}.get(kind)


def test_group_members_receive_the_same_encrypted_file(client: TestClient) -> None:
    connect_receiver(client)
    msg_id = send_file(client, GROUP, "imageUrl", upload(client, PNG, "image/png"), text="for the group")
    advance(client, 2)
    [received] = events(client, DISCONNECTED_ID, "messages-group.received")
    media = received["messages"]["message"]["imageMessage"]
    assert media["caption"] == "for the group"
    assert_decrypts(client, media, "image", PNG)
    assert decrypt_media(client, {"data": received}, DISCONNECTED_KEY) == PNG
    info = client.get(f"/api/messages/{msg_id}/info", headers=auth(CONNECTED_KEY)).json()["data"]
    assert info["message"]["imageMessage"] == media


def test_a_url_elsewhere_is_sent_as_given(client: TestClient) -> None:
    """The emulator is offline: a file it cannot fetch keeps the client's URL and no key."""
    msg_id = send_file(client, "+15551234567", "imageUrl", "https://example.com/photo.jpg")
    media = client.get(f"/api/messages/{msg_id}/info", headers=auth(CONNECTED_KEY)).json()["data"]["message"]
    assert media["imageMessage"] == {"url": "https://example.com/photo.jpg", "mimetype": "image/jpeg"}


@pytest.mark.parametrize(
    ("data", "seconds"),
    [(wav(5), 5), (wav(2, rate=44_100), 2), (mp4(90), 90), (ogg_opus(61), 61), (b"ID3\x04" + bytes(64), 0), (b"", 0)],
)
def test_seconds_read_from_the_container(data: bytes, seconds: int) -> None:
    assert seconds_of(data) == seconds
