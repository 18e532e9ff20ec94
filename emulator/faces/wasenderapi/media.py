"""Media endpoints: upload, the emulator's own media URLs, and decrypt-media."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import ClientException
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK

from emulator.domain import errors
from emulator.domain.media import Category, decode_base64_upload
from emulator.faces.wasenderapi.auth import calling_session
from emulator.faces.wasenderapi.responses import ok
from emulator.http.body_limits import MEDIA_MAX_BODY
from emulator.http.json_bodies import decode_json
from emulator.http.requests import core_of
from emulator.http.validation import parse_body

FILE_REQUIRED = "The file field is required."
NOT_A_FILE = "The file field must be a file."


class Base64Upload(msgspec.Struct):
    base64: str
    mimetype: str | None = None


class DecryptBody(msgspec.Struct):
    """The documented `{"data": {"messages": ...}}`, or the same without the `data` wrapper; any
    other object is taken as one message (see `_messages_of`)."""

    data: dict[str, Any] | None = None
    messages: dict[str, Any] | None = None


class EncryptBody(msgspec.Struct):
    url: str
    kind: Literal[tuple(c.value for c in Category)] | None = None  # type: ignore[valid-type]


def _base_url(request: Request[Any, Any, Any]) -> str:
    return str(request.base_url)


def _public_url(url: str) -> dict[str, Any]:
    # The docs show publicUrl at the top level; the Python SDK reads data.
    return ok({"publicUrl": url}, publicUrl=url)


async def _multipart_file(request: Request[Any, Any, Any]) -> tuple[bytes, str | None, str | None]:
    try:
        form = await request.form()
    except UnicodeDecodeError:
        # Litestar decodes a part without a file name as text.
        raise errors.ValidationFailed({"file": [NOT_A_FILE]}) from None
    except ClientException:
        # A body that does not parse as multipart holds no file, as PHP sees it.
        raise errors.ValidationFailed({"file": [FILE_REQUIRED]}) from None
    part = form.get("file")
    if part is None or part == "":
        raise errors.ValidationFailed({"file": [FILE_REQUIRED]})
    if not isinstance(part, UploadFile):
        raise errors.ValidationFailed({"file": [NOT_A_FILE]})
    # Litestar says text/plain for a part without a type; only a type the client sent counts.
    declared = next((v for k, v in part.headers.items() if k.lower() == "content-type"), None)
    try:
        return await part.read(), declared, part.filename
    finally:
        await part.close()


async def _uploaded_file(request: Request[Any, Any, Any]) -> tuple[bytes, str | None, str | None]:
    """(content, declared MIME type, file name) from a raw, JSON (base64) or multipart upload."""
    body = await request.body()
    content_type = request.content_type[0]
    if content_type == "application/json":
        upload = parse_body(Base64Upload, body)
        return *decode_base64_upload(upload.base64, upload.mimetype), None
    if content_type == "multipart/form-data":
        return await _multipart_file(request)
    return body, content_type or None, None


@post("/api/upload", status_code=HTTP_200_OK, name="upload-media", request_max_body_size=MEDIA_MAX_BODY)
async def upload_media(request: Request[Any, Any, Any]) -> dict[str, Any]:
    calling_session(request)
    content, mimetype, file_name = await _uploaded_file(request)
    return _public_url(await core_of(request).media.upload(content, mimetype, file_name, _base_url(request)))


@get("/media/{name:str}", name="media-file")
async def media_file(request: Request[Any, Any, Any], name: FromPath[str]) -> Response[bytes]:
    file = await core_of(request).media.served_file(name)
    headers = {"Content-Disposition": f"inline; filename*=UTF-8''{quote(file.file_name)}"} if file.file_name else {}
    return Response(file.content, media_type=file.mimetype, headers=headers)


def _messages_of(body: DecryptBody, raw: bytes) -> Any:
    """The received message to decrypt: `data.messages` or `messages` as documented; else the
    body is the message, `{"key", "message"}`, or only its content (`{"imageMessage": ...}`,
    what /admin/media/encrypt answers)."""
    if body.data is not None:
        return body.data.get("messages")
    if body.messages is not None:
        return body.messages
    try:
        whole = decode_json(raw)
    except msgspec.DecodeError:
        return None  # PHP reads a body that is not JSON as empty: no media object
    return whole if not isinstance(whole, dict) or "message" in whole else {"message": whole}


@post("/api/decrypt-media", status_code=HTTP_200_OK, name="decrypt-media")
async def decrypt_media(request: Request[Any, Any, Any]) -> dict[str, Any]:
    calling_session(request)
    raw = await request.body()
    messages = _messages_of(parse_body(DecryptBody, raw), raw)
    return _public_url(await core_of(request).media.decrypt_message(messages, _base_url(request)))


@post("/admin/media/encrypt", status_code=HTTP_200_OK, name="admin-encrypt-media")
async def encrypt_media(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """What a contact's phone does when it sends a file: the WhatsApp message content of one of
    our media URLs, encrypted, for tests of decrypt-media and of a client's own decryption."""
    body = parse_body(EncryptBody, await request.body())
    return ok(await core_of(request).media.encrypt_file_at(body.url, _base_url(request), body.kind))


MEDIA_ROUTES: list[Any] = [upload_media, media_file, decrypt_media, encrypt_media]
