"""The official Python SDK uploads and decrypts media on a running emulator: the URLs it gets
back serve the very bytes, for as long as the docs say."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import httpx
import pytest
from wasenderapi.sessions import UpdateWhatsAppSessionPayload

from tests.conftest import CONNECTED_ID, CONNECTED_KEY, PAT, LiveServer
from tests.domain.test_media_crypto import docs_decrypt, pkcs7
from tests.e2e.emulator_state import downloaded
from tests.e2e.python_sdk_support import (  # noqa: F401 - admin is a fixture
    Admin,
    SdkFactory,
    admin,
    paired_session,
    refusal,
)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
HOUR = 3600
UPLOAD_LIFETIME, DECRYPTED_LIFETIME = 24 * HOUR, HOUR


@pytest.fixture
def client(python_sdk: SdkFactory) -> Any:
    return python_sdk(CONNECTED_KEY)


def public_url(result: Any) -> str:
    data = result.response.data
    assert result.response.success and isinstance(data, dict)
    return str(data["publicUrl"])


def expired(url: str) -> bool:
    return httpx.get(url).status_code == 404


@pytest.mark.sdk("python", "upload_media_file")
def test_upload_base64_with_a_mimetype_hint(client: Any, live_server: LiveServer) -> None:
    url = public_url(client.upload_media_file(base64_data=base64.b64encode(PNG).decode(), mimetype_hint="image/png"))
    assert url.startswith(f"{live_server.url}/media/") and url.endswith(".png")
    assert downloaded(url).content == PNG


@pytest.mark.sdk("python", "upload_media_file")
def test_upload_a_data_url(client: Any) -> None:
    result = client.upload_media_file(base64_data="data:application/pdf;base64," + base64.b64encode(PDF).decode())
    assert downloaded(public_url(result)).content == PDF


@pytest.mark.sdk("python", "upload_media_file")
def test_upload_file_bytes_with_a_file_name(client: Any) -> None:
    url = public_url(client.upload_media_file(file_bytes=PDF, filename="contract.pdf"))
    assert url.endswith(".pdf")
    response = httpx.get(url)
    assert (response.content, response.headers["content-type"]) == (PDF, "application/pdf")


@pytest.mark.sdk("python", "upload_media_file")
def test_upload_a_file_from_disk(client: Any, tmp_path: Path) -> None:
    photo = tmp_path / "holiday photo.png"
    photo.write_bytes(PNG)
    assert downloaded(public_url(client.upload_media_file(file_path=photo))).content == PNG


@pytest.mark.sdk("python", "upload_media_file", "send_image", "get_message_info")
def test_an_uploaded_file_is_sent_and_served_for_a_day(client: Any, admin: Admin) -> None:
    url = public_url(client.upload_media_file(file_bytes=PNG, filename="photo.png"))
    sent = client.send_image("+15551234567", url, caption="from an upload").response.data.message_id
    image = client.get_message_info(sent).response.data["message"]["imageMessage"]
    # The message carries the encrypted copy, as a phone's upload does; the upload stays a day.
    assert (image["mimetype"], image["fileLength"]) == ("image/png", str(len(PNG)))
    assert docs_decrypt(downloaded(image["url"]).content, image["mediaKey"], "image") == pkcs7(PNG)

    admin.advance(UPLOAD_LIFETIME - 1)
    assert downloaded(url).content == PNG
    admin.advance(1)
    assert expired(url)


@pytest.mark.sdk("python", "upload_media_file")
def test_the_sdk_sees_the_documented_upload_errors(client: Any) -> None:
    refused = refusal(lambda: client.upload_media_file(file_bytes=b"not a png at all", filename="fake.png"))
    assert refused.status_code == 422
    assert refused.message == "The file content does not match its declared type image/png."


def hook_inbox(python_sdk: SdkFactory, admin: Admin, session_id: int, inbox: str, event: str) -> None:
    """Session `session_id` posts `event` (the SDK's spelling) to the admin inbox `inbox`."""
    account = python_sdk("unused", personal_access_token=PAT)
    hook = UpdateWhatsAppSessionPayload(webhook_url=admin.inbox_url(inbox), webhook_enabled=True, webhook_events=[event])
    account.update_whatsapp_session(session_id, hook)


def received_via_webhook(python_sdk: SdkFactory, admin: Admin, inbox: str, media: dict[str, Any]) -> dict[str, Any]:
    """The messages.received webhook body of `media` arriving at session 1 from a contact's phone."""
    hook_inbox(python_sdk, admin, CONNECTED_ID, inbox, "messages.recieved")
    admin.inbound(CONNECTED_ID, **{"from": "+15551234567", "media": media})
    [delivered] = admin.inbox(inbox)
    return delivered["body"]


@pytest.mark.sdk("python", "decrypt_media_file")
@pytest.mark.parametrize(
    ("kind", "plain", "mimetype", "file_name"),
    [("image", PNG, "image/png", None), ("document", PDF, "application/pdf", "terms.pdf")],
)
def test_decrypt_received_media_from_the_webhook_payload(
    python_sdk: SdkFactory, client: Any, admin: Admin, kind: str, plain: bytes, mimetype: str, file_name: str | None
) -> None:
    media = {"kind": kind, "base64": base64.b64encode(plain).decode(), "mimetype": mimetype, "file_name": file_name}
    webhook = received_via_webhook(python_sdk, admin, f"sdk-media-{kind}", media)
    encrypted = webhook["data"]["messages"]["message"][f"{kind}Message"]
    # A client decrypting by hand, with the docs' recipe, gets the same file: it really is encrypted.
    assert docs_decrypt(downloaded(encrypted["url"]).content, encrypted["mediaKey"], kind) == pkcs7(plain)

    # The docs' way: hand the webhook's data to decrypt-media.
    url = public_url(client.decrypt_media_file({"data": webhook["data"]}))
    response = httpx.get(url)
    assert (response.content, response.headers["content-type"]) == (plain, mimetype)
    admin.advance(DECRYPTED_LIFETIME + 1)
    assert expired(url)


@pytest.mark.sdk("python", "decrypt_media_file")
def test_the_sdk_sees_a_refused_decryption(client: Any) -> None:
    refused = refusal(lambda: client.decrypt_media_file({"data": {"messages": {"message": {"conversation": "hi"}}}}))
    assert refused.status_code == 400
    assert refused.message == "No supported media object (image, video, etc.) found in the message."


@pytest.mark.sdk("python", "send_image", "decrypt_media_file")
def test_an_image_from_another_session_decrypts(python_sdk: SdkFactory, client: Any, admin: Admin) -> None:
    """Session 1 sends an upload to a session of its own account; the receiver's webhook carries
    the media fields, and the receiver's SDK decrypts them into the very file."""
    receiver, receiver_client = paired_session(python_sdk, admin, "media receiver")
    hook_inbox(python_sdk, admin, receiver.id, "sdk-session-media", "messages-personal.received")
    url = public_url(client.upload_media_file(file_bytes=PNG, filename="photo.png"))
    client.send_image(receiver.phone_number, url, caption="from session 1")
    admin.advance(2)
    [delivered] = admin.inbox("sdk-session-media")
    data = delivered["body"]["data"]
    image = data["messages"]["message"]["imageMessage"]
    assert image["caption"] == "from session 1"
    assert docs_decrypt(downloaded(image["url"]).content, image["mediaKey"], "image") == pkcs7(PNG)
    assert downloaded(public_url(receiver_client.decrypt_media_file({"data": data}))).content == PNG
