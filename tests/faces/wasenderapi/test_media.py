"""Upload, the emulator's media URLs, and decrypt-media, through HTTP."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from emulator.domain.media import (
    DECRYPTED_LIFETIME,
    ENCRYPTED_LIFETIME,
    EMPTY_FILE,
    FILE_TYPES,
    INVALID_BASE64,
    INVALID_MEDIA_KEY,
    MB,
    MEDIA_NOT_FOUND,
    MISSING_MEDIA_KEY,
    MISSING_MEDIA_URL,
    MISSING_MIMETYPE,
    NO_MEDIA_OBJECT,
    SIZE_LIMITS,
    UPLOAD_LIFETIME,
    Category,
)
from tests.conftest import CONNECTED_KEY, DISCONNECTED_KEY, PAT, auth, make_client, shared_client
from tests.domain.test_media_crypto import docs_decrypt, pkcs7

_ZIP = b"PK\x03\x04\x14\x00\x06\x00"
_OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")
# The opening bytes of a real file of each supported type.
SAMPLES = {
    "image/jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "image/png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "image/gif": b"GIF89a\x01\x00\x01\x00",
    "image/webp": b"RIFF\x24\x00\x00\x00WEBPVP8 ",
    "video/mp4": b"\x00\x00\x00\x18ftypmp42",
    "video/3gpp": b"\x00\x00\x00\x14ftyp3gp4",
    "video/quicktime": b"\x00\x00\x00\x14ftypqt  ",
    "audio/ogg": b"OggS\x00\x02\x00\x00",
    "audio/mpeg": b"ID3\x04\x00\x00\x00\x00",
    "audio/aac": b"\xff\xf1\x50\x80\x02\x1f\xfc",
    "audio/mp4": b"\x00\x00\x00\x20ftypM4A ",
    "audio/3gpp": b"\x00\x00\x00\x14ftyp3gp4",
    "audio/amr": b"#!AMR\n",
    "audio/wav": b"RIFF\x24\x00\x00\x00WAVEfmt ",
    "application/pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
    "application/zip": _ZIP,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _ZIP,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _ZIP,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": _ZIP,
    "application/msword": _OLE2,
    "application/vnd.ms-excel": _OLE2,
    "application/vnd.ms-powerpoint": _OLE2,
    "text/plain": b"plain words",
    "text/csv": b"name,phone\nAda,+15551234567\n",
}
NEEDS_MAGIC = [m for m in SAMPLES if not m.startswith("text/")]
PNG = SAMPLES["image/png"] + bytes(range(256)) * 4
PDF = SAMPLES["application/pdf"] + b"1 0 obj << >> endobj\n%%EOF\n"
BASE = "http://testserver.local"
ZERO_HASH = base64.b64encode(bytes(32)).decode()


def sample(mimetype: str) -> bytes:
    return SAMPLES[mimetype] + b"\x00\x01 sample body"


def upload_raw(client: TestClient, data: bytes, content_type: str | None, key: str = CONNECTED_KEY) -> httpx.Response:
    headers = auth(key) | ({"Content-Type": content_type} if content_type else {})
    return client.post("/api/upload", content=data, headers=headers)


def upload_part(client: TestClient, file_name: str, data: bytes, mimetype: str) -> httpx.Response:
    return client.post("/api/upload", files={"file": (file_name, data, mimetype)}, headers=auth(CONNECTED_KEY))


def upload_hand_made_part(client: TestClient, disposition: str, data: bytes) -> httpx.Response:
    """A multipart upload of one part written by hand, for parts httpx would not send."""
    body = f"--b0\r\nContent-Disposition: form-data; {disposition}\r\n\r\n".encode() + data + b"\r\n--b0--\r\n"
    headers = auth(CONNECTED_KEY) | {"Content-Type": "multipart/form-data; boundary=b0"}
    return client.post("/api/upload", content=body, headers=headers)


def public_url(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    url = response.json()["publicUrl"]
    assert response.json() == {"success": True, "publicUrl": url, "data": {"publicUrl": url}}
    return str(url)


def assert_refused(response: httpx.Response, status: int, message: str) -> None:
    assert response.status_code == status, response.text
    assert response.json() == {"success": False, "message": message, "error": message}


def assert_served(client: TestClient, url: str, content: bytes, mimetype: str) -> None:
    served = client.get(url)
    assert served.status_code == 200, served.text
    assert served.content == content
    assert served.headers["content-type"].split(";")[0] == mimetype


# Upload forms -------------------------------------------------------------------------------


def test_every_supported_type_has_a_sample() -> None:
    assert set(SAMPLES) == set(FILE_TYPES)


@pytest.mark.parametrize("mimetype", SAMPLES)
def test_raw_upload_of_each_type_is_served_back(client: TestClient, mimetype: str) -> None:
    url = public_url(upload_raw(client, sample(mimetype), mimetype))
    assert url.startswith(f"{BASE}/media/") and url.endswith(f".{FILE_TYPES[mimetype].extensions[0]}")
    assert_served(client, url, sample(mimetype), mimetype)


@pytest.mark.parametrize(
    ("declared", "served"),
    [("image/jpg", "image/jpeg"), ("IMAGE/JPEG; charset=binary", "image/jpeg"), ("audio/x-wav", "audio/wav")],
)
def test_common_spellings_of_a_type_are_accepted(client: TestClient, declared: str, served: str) -> None:
    url = public_url(upload_raw(client, sample(served), declared))
    assert_served(client, url, sample(served), served)


def test_an_mp3_without_id3_tag_passes_on_its_frame_sync(client: TestClient) -> None:
    public_url(upload_raw(client, b"\xff\xfb\x90\x64" + bytes(64), "audio/mpeg"))


def test_json_upload_with_a_data_url(client: TestClient) -> None:
    body = {"base64": "data:image/png;base64," + base64.b64encode(PNG).decode()}
    url = public_url(client.post("/api/upload", json=body, headers=auth(CONNECTED_KEY)))
    assert url.endswith(".png")
    assert_served(client, url, PNG, "image/png")


def test_json_upload_with_a_mimetype_field(client: TestClient) -> None:
    body = {"base64": base64.b64encode(PDF).decode(), "mimetype": "application/pdf"}
    url = public_url(client.post("/api/upload", json=body, headers=auth(CONNECTED_KEY)))
    assert_served(client, url, PDF, "application/pdf")


def test_an_explicit_mimetype_overrides_the_data_urls(client: TestClient) -> None:
    body = {"base64": "data:image/png;base64," + base64.b64encode(PDF).decode(), "mimetype": "application/pdf"}
    url = public_url(client.post("/api/upload", json=body, headers=auth(CONNECTED_KEY)))
    assert url.endswith(".pdf")


def test_json_base64_may_carry_line_breaks_and_data_url_parameters(client: TestClient) -> None:
    text = b"line one\nline two\n"
    encoded = base64.encodebytes(text).decode()
    body = {"base64": f"data:text/plain;charset=utf-8;base64,{encoded}"}
    url = public_url(client.post("/api/upload", json=body, headers=auth(CONNECTED_KEY)))
    assert_served(client, url, text, "text/plain")


def test_multipart_upload_uses_the_parts_type_and_keeps_the_file_name(client: TestClient) -> None:
    url = public_url(upload_part(client, "Quarterly report.pdf", PDF, "application/pdf"))
    assert url.endswith(".pdf")
    served = client.get(url)
    assert served.content == PDF and served.headers["content-type"] == "application/pdf"
    assert served.headers["content-disposition"] == "inline; filename*=UTF-8''Quarterly%20report.pdf"


def test_multipart_without_a_useful_type_falls_back_to_the_extension(client: TestClient) -> None:
    assert public_url(upload_part(client, "photo.PNG", PNG, "application/octet-stream")).endswith(".png")
    without_type = upload_hand_made_part(client, 'name="file"; filename="clip.mp4"', sample("video/mp4"))
    assert_served(client, public_url(without_type), sample("video/mp4"), "video/mp4")


@pytest.mark.parametrize(
    ("files", "data", "message"),
    [
        (None, {"other": "x"}, "The file field is required."),
        (None, {"file": "just text"}, "The file field must be a file."),
        ({"attachment": ("a.png", PNG, "image/png")}, None, "The file field is required."),
    ],
)
def test_multipart_needs_a_file_field(client: TestClient, files: Any, data: Any, message: str) -> None:
    response = client.post("/api/upload", files=files or {"x": ("x.txt", b"x")}, data=data, headers=auth(CONNECTED_KEY))
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == {"file": [message]}


def test_multipart_binary_field_without_file_name_is_not_a_file(client: TestClient) -> None:
    response = upload_hand_made_part(client, 'name="file"', b"\xff\xd8\xff\xe0")
    assert response.status_code == 422
    assert response.json()["errors"] == {"file": ["The file field must be a file."]}


def test_a_body_that_is_not_multipart_holds_no_file(client: TestClient) -> None:
    headers = auth(CONNECTED_KEY) | {"Content-Type": "multipart/form-data; boundary=b0"}
    response = client.post("/api/upload", content=b"--b0\r\n-1--b0--\r\n", headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"] == {"file": ["The file field is required."]}


# Refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize("mimetype", NEEDS_MAGIC)
def test_content_that_is_not_the_declared_type_is_refused(client: TestClient, mimetype: str) -> None:
    response = upload_raw(client, b"MZ\x90\x00 this is a program, not media" + bytes(32), mimetype)
    assert_refused(response, 422, f"The file content does not match its declared type {mimetype}.")


def test_a_png_declared_as_jpeg_is_refused(client: TestClient) -> None:
    message = "The file content does not match its declared type image/jpeg."
    assert_refused(upload_raw(client, PNG, "image/jpeg"), 422, message)


@pytest.mark.parametrize(
    ("content_type", "message"),
    [
        ("application/x-msdownload", "Unsupported file type: application/x-msdownload."),
        ("application/octet-stream", "Unsupported file type: application/octet-stream."),
        ("application/x-www-form-urlencoded", "Unsupported file type: application/x-www-form-urlencoded."),
        (None, MISSING_MIMETYPE),
    ],
)
def test_raw_upload_needs_a_supported_content_type(client: TestClient, content_type: str | None, message: str) -> None:
    assert_refused(upload_raw(client, PNG, content_type), 422, message)


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"content": b"", "headers": {"Content-Type": "image/png"}},
        {"json": {"base64": "data:image/png;base64,"}},
        {"files": {"file": ("empty.png", b"", "image/png")}},
    ],
)
def test_an_empty_file_is_refused(client: TestClient, request_kwargs: dict[str, Any]) -> None:
    request_kwargs["headers"] = auth(CONNECTED_KEY) | request_kwargs.get("headers", {})
    assert_refused(client.post("/api/upload", **request_kwargs), 422, EMPTY_FILE)


@pytest.mark.parametrize("value", ["not base64 at all!", "data:image/png;base64,%%%", "QUJD=A", "QUJDR", "QUJDé"])
def test_bad_base64_is_refused(client: TestClient, value: str) -> None:
    response = client.post("/api/upload", json={"base64": value, "mimetype": "text/plain"}, headers=auth(CONNECTED_KEY))
    assert_refused(response, 422, INVALID_BASE64)


def test_json_without_a_mimetype_anywhere_is_refused(client: TestClient) -> None:
    response = client.post("/api/upload", json={"base64": base64.b64encode(PNG).decode()}, headers=auth(CONNECTED_KEY))
    assert_refused(response, 422, MISSING_MIMETYPE)


@pytest.mark.parametrize("body", [b"{}", b"this is not json", b"[1, 2]", b'{"base64": 12}'])
def test_a_json_upload_needs_a_base64_string(client: TestClient, body: bytes) -> None:
    headers = auth(CONNECTED_KEY) | {"Content-Type": "application/json"}
    response = client.post("/api/upload", content=body, headers=headers)
    assert response.status_code == 422
    assert response.json()["message"] == "Validation failed" and list(response.json()["errors"]) == ["base64"]


LIMIT_SAMPLES = {
    Category.IMAGE: "image/jpeg",
    Category.STICKER: "image/webp",
    Category.VIDEO: "video/mp4",
    Category.AUDIO: "audio/mpeg",
    Category.DOCUMENT: "application/pdf",
}


@pytest.mark.parametrize(("category", "mimetype"), LIMIT_SAMPLES.items())
def test_each_category_has_the_documented_size_limit(client: TestClient, category: Category, mimetype: str) -> None:
    documented = {"document": 100, "image": 16, "video": 50, "audio": 16, "sticker": 5}[category]
    assert SIZE_LIMITS[category] == documented * MB
    too_big = SAMPLES[mimetype] + bytes(documented * MB + 1 - len(SAMPLES[mimetype]))
    message = f"File size exceeds the limit of {documented} MB for this file type."
    assert_refused(upload_raw(client, too_big, mimetype), 422, message)


def test_a_file_of_exactly_the_limit_is_accepted(client: TestClient) -> None:
    sticker = SAMPLES["image/webp"] + bytes(5 * MB - len(SAMPLES["image/webp"]))
    assert_served(client, public_url(upload_raw(client, sticker, "image/webp")), sticker, "image/webp")


def test_the_limit_applies_to_base64_and_multipart_uploads_too(client: TestClient) -> None:
    sticker = SAMPLES["image/webp"] + bytes(5 * MB + 1 - len(SAMPLES["image/webp"]))
    message = "File size exceeds the limit of 5 MB for this file type."
    as_json = {"base64": base64.b64encode(sticker).decode(), "mimetype": "image/webp"}
    assert_refused(client.post("/api/upload", json=as_json, headers=auth(CONNECTED_KEY)), 422, message)
    assert_refused(upload_part(client, "big.webp", sticker, "image/webp"), 422, message)


@pytest.mark.parametrize("path", ["/api/upload", "/api/decrypt-media"])
@pytest.mark.parametrize(
    ("headers", "message"),
    [({}, "API key is required"), (auth("nope"), "Invalid API key"), (auth(PAT), "Invalid API key")],
)
def test_media_endpoints_need_a_session_api_key(
    client: TestClient, path: str, headers: dict[str, str], message: str
) -> None:
    response = client.post(path, content=PNG, headers=headers | {"Content-Type": "image/png"})
    assert response.status_code == 401
    assert response.json() == {"success": False, "message": message}


def test_a_disconnected_session_may_upload(client: TestClient) -> None:
    public_url(upload_raw(client, PNG, "image/png", key=DISCONNECTED_KEY))


# Serving and expiry -------------------------------------------------------------------------


def test_an_unknown_media_url_is_a_json_404(client: TestClient) -> None:
    response = client.get("/media/00000000-0000-4000-8000-000000000000.png")
    assert_refused(response, 404, MEDIA_NOT_FOUND)


def test_a_url_with_another_extension_is_not_the_file(client: TestClient) -> None:
    url = public_url(upload_raw(client, PNG, "image/png"))
    assert_refused(client.get(url.removesuffix(".png") + ".jpg"), 404, MEDIA_NOT_FOUND)


def assert_expires_after(client: TestClient, url: str, lifetime: float) -> None:
    client.post("/admin/clock/advance", json={"seconds": lifetime - 1})
    assert client.get(url).status_code == 200
    client.post("/admin/clock/advance", json={"seconds": 1})
    assert_refused(client.get(url), 404, MEDIA_NOT_FOUND)


def test_uploads_expire_after_24_hours_of_clock_time(client: TestClient) -> None:
    assert_expires_after(client, public_url(upload_raw(client, PNG, "image/png")), UPLOAD_LIFETIME)


def test_urls_follow_the_host_the_client_used(client: TestClient) -> None:
    headers = auth(CONNECTED_KEY) | {"Content-Type": "image/png", "Host": "media.test:9000"}
    response = client.post("/api/upload", content=PNG, headers=headers)
    assert public_url(response).startswith("http://media.test:9000/media/")


def test_reset_empties_the_media(client: TestClient) -> None:
    url = public_url(upload_raw(client, PNG, "image/png"))
    client.post("/admin/reset")
    assert client.get(url).status_code == 404


def test_media_survive_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "state.db")
    with make_client(db=db) as client:
        url = public_url(upload_raw(client, PNG, "image/png"))
    with make_client(db=db) as client:
        assert_served(client, url, PNG, "image/png")


def test_file_for_url_answers_only_live_plain_files_of_ours(client: TestClient) -> None:
    media = client.app.state.core.media
    portal = client.blocking_portal
    url = public_url(upload_part(client, "a.png", PNG, "image/png"))
    assert portal.call(media.file_for_url, url) == (PNG, "image/png", "a.png")
    other_host = url.replace("testserver.local", "127.0.0.1:8080")
    assert portal.call(media.file_for_url, other_host) == (PNG, "image/png", "a.png")
    encrypted = portal.call(media.encrypt_for_message, PNG, "image/png", "image", BASE)
    assert portal.call(media.file_for_url, encrypted["url"]) is None
    assert portal.call(media.file_for_url, "https://example.com/photo.png") is None
    client.post("/admin/clock/advance", json={"seconds": UPLOAD_LIFETIME})
    assert portal.call(media.file_for_url, url) is None


# decrypt-media ------------------------------------------------------------------------------


def encrypted_message(
    client: TestClient, data: bytes, mimetype: str, kind: str, file_name: str | None = None
) -> dict[str, Any]:
    """The message content a contact's phone would send, made by the emulator's own encryption."""
    media = client.blocking_portal.call(
        client.app.state.core.media.encrypt_for_message, data, mimetype, kind, BASE, file_name
    )
    return {f"{kind}Message": media}


def decrypt_body(message: dict[str, Any], wrapped: bool = True) -> dict[str, Any]:
    messages = {"key": {"id": "3EB0X123456789", "fromMe": False}, "message": message}
    return {"data": {"messages": messages}} if wrapped else {"messages": messages}


def decrypt(client: TestClient, message: dict[str, Any], wrapped: bool = True) -> httpx.Response:
    return client.post("/api/decrypt-media", json=decrypt_body(message, wrapped), headers=auth(CONNECTED_KEY))


def test_the_media_object_has_whatsapps_fields(client: TestClient) -> None:
    media = encrypted_message(client, PDF, "application/pdf", "document", "report.pdf")["documentMessage"]
    encrypted = client.get(media["url"])
    assert encrypted.headers["content-type"] == "application/octet-stream"
    assert media["directPath"] == media["url"].removeprefix(BASE) and media["url"].endswith(".enc")
    assert media["mimetype"] == "application/pdf" and media["fileName"] == "report.pdf"
    assert media["fileLength"] == str(len(PDF))
    assert media["mediaKeyTimestamp"].isdigit()
    assert len(base64.b64decode(media["mediaKey"])) == 32
    assert base64.b64decode(media["fileSha256"]) == hashlib.sha256(PDF).digest()
    assert base64.b64decode(media["fileEncSha256"]) == hashlib.sha256(encrypted.content).digest()


def test_each_call_draws_a_new_media_key(client: TestClient) -> None:
    first = encrypted_message(client, PNG, "image/png", "image")["imageMessage"]
    second = encrypted_message(client, PNG, "image/png", "image")["imageMessage"]
    assert first["mediaKey"] != second["mediaKey"] and first["url"] != second["url"]


def test_a_document_without_a_name_gets_one(client: TestClient) -> None:
    media = encrypted_message(client, PDF, "application/pdf", "document")["documentMessage"]
    assert media["fileName"] == "document.pdf"


@pytest.mark.parametrize(
    ("mimetype", "kind"),
    [
        ("image/png", "image"),
        ("video/mp4", "video"),
        ("audio/ogg", "audio"),
        ("image/webp", "sticker"),
        ("application/pdf", "document"),
    ],
)
@pytest.mark.parametrize("wrapped", [True, False], ids=["data wrapper", "no wrapper"])
def test_decrypt_media_round_trip(client: TestClient, mimetype: str, kind: str, wrapped: bool) -> None:
    content = sample(mimetype) * 50
    url = public_url(decrypt(client, encrypted_message(client, content, mimetype, kind), wrapped))
    assert url.startswith(f"{BASE}/media/") and url.endswith(f".{FILE_TYPES[mimetype].extensions[0]}")
    assert_served(client, url, content, mimetype)


def test_encrypted_files_are_kept_for_30_days(client: TestClient) -> None:
    media = encrypted_message(client, PNG, "image/png", "image")["imageMessage"]
    assert ENCRYPTED_LIFETIME == 30 * 24 * 3600
    assert_expires_after(client, media["url"], ENCRYPTED_LIFETIME)


def test_decrypted_files_expire_after_one_hour(client: TestClient) -> None:
    url = public_url(decrypt(client, encrypted_message(client, PNG, "image/png", "image")))
    assert_expires_after(client, url, DECRYPTED_LIFETIME)


def test_a_decrypted_document_keeps_its_name_and_a_voice_note_its_type(client: TestClient) -> None:
    document = encrypted_message(client, PDF, "application/pdf", "document", "invoice.pdf")
    served = client.get(public_url(decrypt(client, document)))
    assert served.headers["content-disposition"] == "inline; filename*=UTF-8''invoice.pdf"
    voice = encrypted_message(client, sample("audio/ogg"), "audio/ogg; codecs=opus", "audio")
    assert_served(client, public_url(decrypt(client, voice)), sample("audio/ogg"), "audio/ogg")


def test_an_unsafe_mimetype_is_served_as_octet_stream(client: TestClient) -> None:
    message = encrypted_message(client, b"<script>", "text/html\r\nX-Evil: 1", "document")
    assert_served(client, public_url(decrypt(client, message)), b"<script>", "application/octet-stream")


def test_the_docs_recipe_decrypts_what_it_downloads_from_the_emulator(client: TestClient) -> None:
    media = encrypted_message(client, PNG, "image/png", "image")["imageMessage"]
    downloaded = client.get(media["url"]).content
    assert docs_decrypt(downloaded, media["mediaKey"], "image") == pkcs7(PNG)


def test_directpath_alone_is_enough(client: TestClient) -> None:
    message = encrypted_message(client, PNG, "image/png", "image")
    del message["imageMessage"]["url"]
    assert_served(client, public_url(decrypt(client, message)), PNG, "image/png")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"data": {}},
        {"data": {"messages": {"key": {"id": "x"}, "message": {"conversation": "hello"}}}},
        {"messages": {"message": {"imageMessage": "not an object"}}},
        {"data": {"messages": "text"}},
    ],
)
def test_a_message_without_media_is_the_documented_400(client: TestClient, body: dict[str, Any]) -> None:
    assert_refused(client.post("/api/decrypt-media", json=body, headers=auth(CONNECTED_KEY)), 400, NO_MEDIA_OBJECT)


def test_a_body_that_is_not_json_is_the_documented_400(client: TestClient) -> None:
    headers = auth(CONNECTED_KEY) | {"Content-Type": "application/json"}
    assert_refused(client.post("/api/decrypt-media", content=b"{not json", headers=headers), 400, NO_MEDIA_OBJECT)


def test_a_data_field_that_is_not_an_object_is_a_validation_error(client: TestClient) -> None:
    response = client.post("/api/decrypt-media", json={"data": "x"}, headers=auth(CONNECTED_KEY))
    assert response.status_code == 422
    assert response.json()["errors"] == {"data": ["The data field must be an array."]}


def test_a_wrong_media_key_is_refused(client: TestClient) -> None:
    message = encrypted_message(client, PNG, "image/png", "image")
    message["imageMessage"]["mediaKey"] = ZERO_HASH
    response = decrypt(client, message)
    assert_refused(response, 400, "Failed to decrypt media: the MAC does not match (wrong mediaKey or damaged file).")


@pytest.mark.parametrize(
    ("media_key", "message"),
    [
        (None, MISSING_MEDIA_KEY),
        ("", MISSING_MEDIA_KEY),
        (42, MISSING_MEDIA_KEY),
        ("***", INVALID_MEDIA_KEY),
        (base64.b64encode(bytes(16)).decode(), INVALID_MEDIA_KEY),
    ],
)
def test_a_missing_or_malformed_media_key_is_refused(client: TestClient, media_key: Any, message: str) -> None:
    media = encrypted_message(client, PNG, "image/png", "image")["imageMessage"]
    media.pop("mediaKey")
    if media_key is not None:
        media["mediaKey"] = media_key
    assert_refused(decrypt(client, {"imageMessage": media}), 422, message)


@pytest.mark.parametrize(
    ("field", "value"),
    [("fileEncSha256", ZERO_HASH), ("fileSha256", ZERO_HASH), ("fileSha256", 7)],
)
def test_hashes_that_do_not_match_are_refused(client: TestClient, field: str, value: Any) -> None:
    message = encrypted_message(client, PNG, "image/png", "image")
    message["imageMessage"][field] = value
    assert_refused(decrypt(client, message), 400, f"Failed to decrypt media: {field} does not match the file.")


def test_the_hashes_are_optional(client: TestClient) -> None:
    message = encrypted_message(client, PNG, "image/png", "image")
    for field in ("fileSha256", "fileEncSha256", "fileLength", "mimetype"):
        del message["imageMessage"][field]
    assert_served(client, public_url(decrypt(client, message)), PNG, "application/octet-stream")


@pytest.mark.parametrize(
    "url",
    [
        "https://mmg.whatsapp.net/o1/v/t62.7118-24/f1/m231/abc.enc?ccb=9-4&oh=01&oe=68",
        "http://example.com/photo.jpg",
        "ftp://[broken",
    ],
)
def test_media_on_other_hosts_is_refused_without_a_network_call(client: TestClient, url: str) -> None:
    message = encrypted_message(client, PNG, "image/png", "image")
    message["imageMessage"]["url"] = url
    assert_refused(
        decrypt(client, message),
        400,
        f"The emulator works offline: it fetches media only from its own /media/ URLs, not from {url}.",
    )


@pytest.mark.parametrize("url", [5, "", None])
def test_a_media_object_without_url_is_refused(client: TestClient, url: Any) -> None:
    message = {"imageMessage": {"mediaKey": ZERO_HASH, "url": url, "directPath": ""}}
    assert_refused(decrypt(client, message), 422, MISSING_MEDIA_URL)


def test_an_encrypted_file_that_is_gone_is_a_404(client: TestClient) -> None:
    message = encrypted_message(client, PNG, "image/png", "image")
    client.post("/admin/reset")
    assert_refused(decrypt(client, message), 404, MEDIA_NOT_FOUND)


def test_a_plain_upload_is_not_an_encrypted_file(client: TestClient) -> None:
    message = encrypted_message(client, PNG, "image/png", "image")
    message["imageMessage"]["url"] = public_url(upload_raw(client, PNG, "image/png"))
    del message["imageMessage"]["fileEncSha256"]
    assert_refused(decrypt(client, message), 400, "Failed to decrypt media: the file is not WhatsApp encrypted media.")


# The admin route that plays a contact's phone ------------------------------------------------


def test_admin_encrypt_gives_a_message_decrypt_media_accepts(client: TestClient) -> None:
    url = public_url(upload_part(client, "song.mp3", sample("audio/mpeg"), "audio/mpeg"))
    response = client.post("/admin/media/encrypt", json={"url": url})
    assert response.status_code == 200, response.text
    message = response.json()["data"]
    assert list(message) == ["audioMessage"]
    assert_served(client, public_url(decrypt(client, message)), sample("audio/mpeg"), "audio/mpeg")


@pytest.mark.parametrize("shape", ["the answer itself", "a message object"])
def test_admin_encrypt_answer_is_accepted_as_the_body_of_decrypt_media(client: TestClient, shape: str) -> None:
    url = public_url(upload_raw(client, PNG, "image/png"))
    message = client.post("/admin/media/encrypt", json={"url": url}).json()["data"]
    body = message if shape == "the answer itself" else {"key": {"id": "3EB0X1", "fromMe": False}, "message": message}
    response = client.post("/api/decrypt-media", json=body, headers=auth(CONNECTED_KEY))
    assert_served(client, public_url(response), PNG, "image/png")


def test_admin_encrypt_takes_the_media_type_it_is_given(client: TestClient) -> None:
    url = public_url(upload_raw(client, PNG, "image/png"))
    message = client.post("/admin/media/encrypt", json={"url": url, "kind": "document"}).json()["data"]
    assert message["documentMessage"]["fileName"] == "document.png"
    response = client.post("/admin/media/encrypt", json={"url": url, "kind": "gif"})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["kind"]


def test_admin_encrypt_needs_one_of_our_live_files(client: TestClient) -> None:
    response = client.post("/admin/media/encrypt", json={"url": "https://example.com/a.png"})
    assert_refused(response, 404, MEDIA_NOT_FOUND)


def test_admin_encrypt_is_guarded_by_the_admin_token() -> None:
    with make_client(admin_token="secret") as client:
        assert client.post("/admin/media/encrypt", json={"url": "x"}).status_code == 401


# Whatever a client sends ---------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=8,
)
media_objects = st.fixed_dictionaries(
    {},
    optional={
        "url": st.sampled_from(["http://testserver.local/media/x.enc", "/media/a-b.enc", "https://mmg.whatsapp.net/x"])
        | json_values,
        "directPath": json_values,
        "mediaKey": st.sampled_from([ZERO_HASH, "AAAA"]) | json_values,
        "mimetype": json_values,
        "fileSha256": json_values,
        "fileEncSha256": json_values,
        "fileName": json_values,
    },
)
decrypt_bodies = st.builds(
    lambda kind, media, wrapped: decrypt_body({kind: media}, wrapped),
    st.sampled_from(["imageMessage", "videoMessage", "audioMessage", "documentMessage", "stickerMessage", "other"]),
    media_objects,
    st.booleans(),
)
bodies = (
    st.binary(max_size=64)
    | json_values.map(lambda v: json.dumps(v).encode())
    | decrypt_bodies.map(lambda v: json.dumps(v).encode())
    | st.fixed_dictionaries({"base64": json_values, "mimetype": json_values}).map(lambda v: json.dumps(v).encode())
)
content_types = st.sampled_from(
    ["application/json", "image/png", "text/plain", "multipart/form-data", "multipart/form-data; boundary=b0", ""]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    route=st.sampled_from(["/api/upload", "/api/decrypt-media", "/admin/media/encrypt", "/media/{name}"]),
    name=st.text(alphabet="abc-.0123456789%", min_size=1, max_size=16),
    body=bodies,
    content_type=content_types,
)
def test_media_routes_never_answer_5xx_or_non_json(route: str, name: str, body: bytes, content_type: str) -> None:
    headers = auth(CONNECTED_KEY) | ({"Content-Type": content_type} if content_type else {})
    method = "GET" if route.startswith("/media/") else "POST"
    response = shared_client("media-fuzz").request(method, route.replace("{name}", name), content=body, headers=headers)
    assert response.status_code < 500, (response.status_code, response.text)
    if response.status_code >= 400 or response.headers["content-type"].startswith("application/json"):
        payload = response.json()
        assert isinstance(payload, dict) and isinstance(payload["success"], bool)
        if not payload["success"]:
            assert isinstance(payload["message"], str) and payload["message"]
