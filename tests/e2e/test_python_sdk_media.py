"""The official Python SDK uploads and decrypts media on a running emulator."""

from __future__ import annotations

import base64

import httpx
import pytest
from wasenderapi import create_sync_wasender
from wasenderapi.errors import WasenderAPIError

from tests.conftest import CONNECTED_KEY, LiveServer
from tests.domain.test_media_crypto import docs_decrypt, pkcs7

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def downloaded(url: str) -> bytes:
    response = httpx.get(url)
    assert response.status_code == 200, response.text
    return response.content


def public_url(result: object) -> str:
    data = result.response.data  # type: ignore[attr-defined]
    assert result.response.success and isinstance(data, dict)  # type: ignore[attr-defined]
    return str(data["publicUrl"])


def test_upload_base64_with_a_mimetype_hint(live_server: LiveServer) -> None:
    sdk = create_sync_wasender(CONNECTED_KEY, base_url=live_server.api_url)
    result = sdk.upload_media_file(base64_data=base64.b64encode(PNG).decode(), mimetype_hint="image/png")
    url = public_url(result)
    assert url.startswith(f"{live_server.url}/media/") and url.endswith(".png")
    assert downloaded(url) == PNG


def test_upload_a_data_url(live_server: LiveServer) -> None:
    sdk = create_sync_wasender(CONNECTED_KEY, base_url=live_server.api_url)
    result = sdk.upload_media_file(base64_data="data:application/pdf;base64," + base64.b64encode(PDF).decode())
    assert downloaded(public_url(result)) == PDF


def test_upload_file_bytes_with_a_file_name(live_server: LiveServer) -> None:
    sdk = create_sync_wasender(CONNECTED_KEY, base_url=live_server.api_url)
    url = public_url(sdk.upload_media_file(file_bytes=PDF, filename="contract.pdf"))
    assert url.endswith(".pdf")
    assert downloaded(url) == PDF


def test_the_sdk_sees_the_documented_upload_errors(live_server: LiveServer) -> None:
    sdk = create_sync_wasender(CONNECTED_KEY, base_url=live_server.api_url)
    with pytest.raises(WasenderAPIError) as refused:
        sdk.upload_media_file(file_bytes=b"not a png at all", filename="fake.png")
    assert refused.value.status_code == 422
    assert refused.value.message == "The file content does not match its declared type image/png."


def test_decrypt_media_of_a_received_image(live_server: LiveServer) -> None:
    sdk = create_sync_wasender(CONNECTED_KEY, base_url=live_server.api_url)
    upload_url = public_url(sdk.upload_media_file(file_bytes=PNG, filename="photo.png"))
    # What the contact's phone sends: the admin API encrypts the file as WhatsApp does.
    encrypted = httpx.post(f"{live_server.url}/admin/media/encrypt", json={"url": upload_url})
    assert encrypted.status_code == 200, encrypted.text
    message = encrypted.json()["data"]
    media = message["imageMessage"]

    payload = {"data": {"messages": {"key": {"id": "3EB0X123456789", "fromMe": False}, "message": message}}}
    assert downloaded(public_url(sdk.decrypt_media_file(payload))) == PNG
    # A client decrypting by hand, with the docs' recipe, downloads and decrypts the same file.
    assert docs_decrypt(downloaded(media["url"]), media["mediaKey"], "image") == pkcs7(PNG)


def test_the_sdk_sees_a_refused_decryption(live_server: LiveServer) -> None:
    sdk = create_sync_wasender(CONNECTED_KEY, base_url=live_server.api_url)
    with pytest.raises(WasenderAPIError) as refused:
        sdk.decrypt_media_file({"data": {"messages": {"message": {"conversation": "hi"}}}})
    assert refused.value.status_code == 400
    assert refused.value.message == "No supported media object (image, video, etc.) found in the message."
