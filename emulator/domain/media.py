"""Media files: uploads the emulator serves back, and WhatsApp's media encryption.

Every file is stored under the last segment of its URL, `/media/<token>.<extension>`. The
token is the capability: the URL needs no API key, and the host in it does not matter, since
a client may reach the emulator by several names (localhost, 127.0.0.1, a container name).
The emulator is offline, so it fetches media only from those URLs of its own.

WhatsApp media encryption (the receive-messages page): HKDF-SHA256 of the 32-byte mediaKey,
empty salt, an info string per media type, expands to 112 bytes: iv = [0:16], cipherKey =
[16:48], macKey = [48:80]. The file is the AES-256-CBC (PKCS7) ciphertext followed by the
first 10 bytes of HMAC-SHA256(macKey, iv + ciphertext).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import uuid
from collections.abc import Callable
from enum import StrEnum
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from emulator.clock import Clock
from emulator.domain import errors
from emulator.domain.media_duration import seconds_of
from emulator.ids import IdGenerator
from emulator.store import media as store
from emulator.store.database import Database

MB = 1024 * 1024
HOUR = 3600.0
UPLOAD_LIFETIME = 24 * HOUR
DECRYPTED_LIFETIME = 1 * HOUR
# WhatsApp keeps media on its servers for weeks so a phone can fetch it late; a webhook
# consumer may likewise decrypt a message long after it arrived.
ENCRYPTED_LIFETIME = 30 * 24 * HOUR

OCTET_STREAM = "application/octet-stream"
MAC_LENGTH = 10

EMPTY_FILE = "The uploaded file is empty."
MISSING_MIMETYPE = (
    "The file's MIME type is missing: send it as the Content-Type header, in the data URL or in the mimetype field."
)
INVALID_BASE64 = "The base64 field is not valid base64 data."
MEDIA_NOT_FOUND = "The media file was not found or has expired."
NO_MEDIA_OBJECT = "No supported media object (image, video, etc.) found in the message."
MISSING_MEDIA_KEY = "The media object has no mediaKey."
INVALID_MEDIA_KEY = "The mediaKey must be 32 bytes, base64-encoded."
MISSING_MEDIA_URL = "The media object has no url."


class MediaRefused(errors.DomainError):
    """A file or media object the service does not accept."""

    status_code = 422
    also_as_error = True


class Category(StrEnum):
    """What WhatsApp makes of a file; also the media type of a message (imageMessage, ...)."""

    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"
    STICKER = "sticker"
    DOCUMENT = "document"


SIZE_LIMITS = {
    Category.DOCUMENT: 100 * MB,
    Category.IMAGE: 16 * MB,
    Category.VIDEO: 50 * MB,
    Category.AUDIO: 16 * MB,
    Category.STICKER: 5 * MB,
}

KEY_INFO = {
    Category.IMAGE: b"WhatsApp Image Keys",
    Category.STICKER: b"WhatsApp Image Keys",
    Category.VIDEO: b"WhatsApp Video Keys",
    Category.AUDIO: b"WhatsApp Audio Keys",
    Category.DOCUMENT: b"WhatsApp Document Keys",
}

# Magic numbers ------------------------------------------------------------------------------

Magic = Callable[[bytes], bool]


def _prefix(*signatures: bytes) -> Magic:
    return lambda data: data.startswith(signatures)


def _riff(form: bytes) -> Magic:
    return lambda data: data[:4] == b"RIFF" and data[8:12] == form


def _iso_media(data: bytes) -> bool:
    # MP4, M4A, 3GP and QuickTime files open with a box whose type, at offset 4, is ftyp.
    return data[4:8] == b"ftyp"


def _mpeg_audio(data: bytes) -> bool:
    # An ID3 tag, or straight into a frame: 11 set sync bits.
    return data.startswith(b"ID3") or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


def _aac(data: bytes) -> bool:
    # ADIF header, or an ADTS frame: 12 set sync bits, then layer 00.
    return data.startswith(b"ADIF") or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xF6 == 0xF0)


def _text(_: bytes) -> bool:
    return True


_ZIP = _prefix(b"PK\x03\x04")
_OLE2 = _prefix(bytes.fromhex("d0cf11e0a1b11ae1"))


class FileType(NamedTuple):
    category: Category
    extensions: tuple[str, ...]  # the first one names the served file
    matches: Magic


FILE_TYPES: dict[str, FileType] = {
    "image/jpeg": FileType(Category.IMAGE, ("jpg", "jpeg"), _prefix(b"\xff\xd8\xff")),
    "image/png": FileType(Category.IMAGE, ("png",), _prefix(b"\x89PNG\r\n\x1a\n")),
    "image/gif": FileType(Category.IMAGE, ("gif",), _prefix(b"GIF87a", b"GIF89a")),
    "image/webp": FileType(Category.STICKER, ("webp",), _riff(b"WEBP")),
    "video/mp4": FileType(Category.VIDEO, ("mp4",), _iso_media),
    "video/3gpp": FileType(Category.VIDEO, ("3gp",), _iso_media),
    "video/quicktime": FileType(Category.VIDEO, ("mov",), _iso_media),
    "audio/ogg": FileType(Category.AUDIO, ("ogg", "opus"), _prefix(b"OggS")),
    "audio/mpeg": FileType(Category.AUDIO, ("mp3",), _mpeg_audio),
    "audio/aac": FileType(Category.AUDIO, ("aac",), _aac),
    "audio/mp4": FileType(Category.AUDIO, ("m4a",), _iso_media),
    "audio/3gpp": FileType(Category.AUDIO, ("3ga",), _iso_media),
    "audio/amr": FileType(Category.AUDIO, ("amr",), _prefix(b"#!AMR")),
    "audio/wav": FileType(Category.AUDIO, ("wav",), _riff(b"WAVE")),
    "application/pdf": FileType(Category.DOCUMENT, ("pdf",), _prefix(b"%PDF-")),
    "application/zip": FileType(Category.DOCUMENT, ("zip",), _ZIP),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": FileType(
        Category.DOCUMENT, ("docx",), _ZIP
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": FileType(Category.DOCUMENT, ("xlsx",), _ZIP),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": FileType(
        Category.DOCUMENT, ("pptx",), _ZIP
    ),
    "application/msword": FileType(Category.DOCUMENT, ("doc",), _OLE2),
    "application/vnd.ms-excel": FileType(Category.DOCUMENT, ("xls",), _OLE2),
    "application/vnd.ms-powerpoint": FileType(Category.DOCUMENT, ("ppt",), _OLE2),
    "text/plain": FileType(Category.DOCUMENT, ("txt",), _text),
    "text/csv": FileType(Category.DOCUMENT, ("csv",), _text),
}
# Names clients use for the types above (Python's mimetypes says audio/x-wav, for one).
_ALIASES = {
    "image/jpg": "image/jpeg",
    "audio/mp3": "audio/mpeg",
    "audio/x-wav": "audio/wav",
    "audio/wave": "audio/wav",
    "audio/x-m4a": "audio/mp4",
    "audio/m4a": "audio/mp4",
    "audio/opus": "audio/ogg",
}
_BY_EXTENSION = {ext: mimetype for mimetype, file_type in FILE_TYPES.items() for ext in file_type.extensions}
_MIMETYPE = re.compile(r"[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*")


def base_mimetype(value: str | None) -> str | None:
    """`Image/JPG; charset=x` -> `image/jpeg`: no parameters, lower case, aliases resolved."""
    if not value:
        return None
    bare = value.split(";", 1)[0].strip().lower()
    return _ALIASES.get(bare, bare) or None


def accepted_file_type(data: bytes, mimetype: str | None, file_name: str | None = None) -> tuple[str, FileType]:
    """The upload's MIME type and file type, once the file passes the upload page's rules.

    A missing or generic MIME type falls back to the file name's extension.
    """
    if not data:
        raise MediaRefused(EMPTY_FILE)
    declared = base_mimetype(mimetype)
    if declared in (None, OCTET_STREAM) and file_name and "." in file_name:
        declared = _BY_EXTENSION.get(file_name.rsplit(".", 1)[1].lower(), declared)
    if declared is None:
        raise MediaRefused(MISSING_MIMETYPE)
    file_type = FILE_TYPES.get(declared)
    if file_type is None:
        raise MediaRefused(f"Unsupported file type: {declared}.")
    limit = SIZE_LIMITS[file_type.category]
    if len(data) > limit:
        raise MediaRefused(f"File size exceeds the limit of {limit // MB} MB for this file type.")
    if not file_type.matches(data):
        raise MediaRefused(f"The file content does not match its declared type {declared}.")
    return declared, file_type


def sniffed_mimetype(data: bytes) -> str | None:
    """The MIME type whose signature the bytes carry, for a client that sends none (the first of
    those sharing a signature)."""
    return next((mimetype for mimetype, file_type in FILE_TYPES.items() if file_type.matches(data)), None)


def b64_bytes(text: str) -> bytes | None:
    """Strict base64, forgiving line breaks and missing padding; None when it is not base64."""
    compact = "".join(text.split())
    try:
        return base64.b64decode(compact + "=" * (-len(compact) % 4), validate=True)
    except ValueError:  # binascii.Error, or a character outside ASCII
        return None


_DATA_URL = re.compile(r"data:(?P<mimetype>[^;,]*)(?:;[^;,]*)*?;base64,", re.IGNORECASE)


def decode_base64_upload(value: str, mimetype: str | None) -> tuple[bytes, str | None]:
    """The bytes of a JSON upload and their MIME type: an explicit mimetype wins over the data URL's."""
    data_url = _DATA_URL.match(value)
    if data_url:
        value = value[data_url.end() :]
        mimetype = mimetype or data_url["mimetype"] or None
    data = b64_bytes(value)
    if data is None:
        raise MediaRefused(INVALID_BASE64)
    return data, mimetype


# WhatsApp media crypto ----------------------------------------------------------------------


class MediaKeys(NamedTuple):
    iv: bytes
    cipher_key: bytes
    mac_key: bytes


def media_keys(media_key: bytes, kind: str) -> MediaKeys:
    expanded = HKDF(algorithm=hashes.SHA256(), length=112, salt=b"", info=KEY_INFO[Category(kind)]).derive(media_key)
    return MediaKeys(iv=expanded[:16], cipher_key=expanded[16:48], mac_key=expanded[48:80])


def _mac(keys: MediaKeys, ciphertext: bytes) -> bytes:
    return hmac.new(keys.mac_key, keys.iv + ciphertext, hashlib.sha256).digest()[:MAC_LENGTH]


def _aes(keys: MediaKeys) -> Cipher[modes.CBC]:
    return Cipher(algorithms.AES(keys.cipher_key), modes.CBC(keys.iv))


def encrypt_media(plain: bytes, media_key: bytes, kind: str) -> bytes:
    keys = media_keys(media_key, kind)
    padder = padding.PKCS7(128).padder()
    encryptor = _aes(keys).encryptor()
    ciphertext = encryptor.update(padder.update(plain) + padder.finalize()) + encryptor.finalize()
    return ciphertext + _mac(keys, ciphertext)


def _undecryptable(reason: str) -> errors.NotAllowed:
    return errors.NotAllowed(f"Failed to decrypt media: {reason}.")


def decrypt_media(encrypted: bytes, media_key: bytes, kind: str) -> bytes:
    """The plain file, after its MAC proves the key and the file right."""
    keys = media_keys(media_key, kind)
    ciphertext, mac = encrypted[:-MAC_LENGTH], encrypted[-MAC_LENGTH:]
    if not ciphertext or len(ciphertext) % 16:
        raise _undecryptable("the file is not WhatsApp encrypted media")
    if not hmac.compare_digest(mac, _mac(keys, ciphertext)):
        raise _undecryptable("the MAC does not match (wrong mediaKey or damaged file)")
    decryptor = _aes(keys).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(decryptor.update(ciphertext) + decryptor.finalize()) + unpadder.finalize()
    except ValueError:
        raise _undecryptable("the padding is invalid") from None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


# Messages and URLs --------------------------------------------------------------------------


def find_media(messages: Any) -> tuple[Category, dict[str, Any]]:
    """The media type and media object of a message (`messages.message.imageMessage`, ...)."""
    message = messages.get("message") if isinstance(messages, dict) else None
    if isinstance(message, dict):
        for kind in Category:
            media = message.get(f"{kind}Message")
            if isinstance(media, dict):
                return kind, media
    raise errors.NotAllowed(NO_MEDIA_OBJECT)


def _media_key(media: dict[str, Any]) -> bytes:
    value = media.get("mediaKey")
    if not isinstance(value, str) or not value:
        raise MediaRefused(MISSING_MEDIA_KEY)
    key = b64_bytes(value)
    if key is None or len(key) != 32:
        raise MediaRefused(INVALID_MEDIA_KEY)
    return key


def _check_digest(expected: Any, content: bytes, field: str) -> None:
    if expected is not None and (not isinstance(expected, str) or b64_bytes(expected) != _sha256(content)):
        raise _undecryptable(f"{field} does not match the file")


_MEDIA_PATH = re.compile(r"/media/(?P<name>[A-Za-z0-9-]+\.[a-z0-9]+)$")


def media_name(url: str) -> str | None:
    """The stored file's name in one of the emulator's own media URLs (or a bare path), else None."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    found = _MEDIA_PATH.search(path)
    return found["name"] if found else None


def _offline(location: str) -> errors.NotAllowed:
    return errors.NotAllowed(
        f"The emulator works offline: it fetches media only from its own /media/ URLs, not from {location}."
    )


def _served_mimetype(value: Any) -> str:
    mimetype = base_mimetype(value) if isinstance(value, str) else None
    return mimetype if mimetype and _MIMETYPE.fullmatch(mimetype) else OCTET_STREAM


def _extension_of(mimetype: str) -> str:
    file_type = FILE_TYPES.get(base_mimetype(mimetype) or "")
    return file_type.extensions[0] if file_type else "bin"


class MediaService:
    def __init__(self, db: Database, clock: Clock, ids: IdGenerator) -> None:
        self._db = db
        self._clock = clock
        self._ids = ids

    async def upload(self, data: bytes, mimetype: str | None, file_name: str | None, base_url: str) -> str:
        """Check an uploaded file against the upload page's rules and answer its public URL (24 h)."""
        declared, file_type = accepted_file_type(data, mimetype, file_name)
        return await self._save("upload", data, declared, file_type.extensions[0], UPLOAD_LIFETIME, base_url, file_name)

    async def served_file(self, name: str) -> store.StoredFile:
        """The live file a media URL names, or the documented 404."""
        file = await store.live(self._db, name, self._clock.now())
        if file is None:
            raise errors.NotFound(MEDIA_NOT_FOUND)
        return file

    async def file_for_url(self, url: str) -> tuple[bytes, str, str | None] | None:
        """(content, MIME type, file name) of a live upload or decrypted file at one of our URLs, else None."""
        name = media_name(url)
        file = await store.live(self._db, name, self._clock.now()) if name else None
        if file is None or file.purpose == "encrypted":
            return None
        return file.content, file.mimetype, file.file_name

    async def encrypt_for_message(
        self, data: bytes, mimetype: str, kind: str, base_url: str, file_name: str | None = None
    ) -> dict[str, Any]:
        """Encrypt a file as WhatsApp does for a message of media type `kind` (image, video,
        audio, document, sticker) and answer the media object of that message (imageMessage, ...).

        The encrypted file gets a fresh 32-byte mediaKey and is served, as
        application/octet-stream, at its `url` for ENCRYPTED_LIFETIME (30 days) of clock time.
        """
        media_key = self._ids.random_bytes(32)
        encrypted = encrypt_media(data, media_key, kind)
        url = await self._save("encrypted", encrypted, OCTET_STREAM, "enc", ENCRYPTED_LIFETIME, base_url)
        media: dict[str, Any] = {
            "url": url,
            "mimetype": mimetype,
            "fileSha256": _b64(_sha256(data)),
            # WhatsApp's 64-bit integers travel as strings of digits.
            "fileLength": str(len(data)),
            "mediaKey": _b64(media_key),
            "fileEncSha256": _b64(_sha256(encrypted)),
            "directPath": urlsplit(url).path,
            "mediaKeyTimestamp": str(int(self._clock.now())),
        }
        if Category(kind) is Category.DOCUMENT:
            media["fileName"] = file_name or f"document.{_extension_of(mimetype)}"
        if Category(kind) in (Category.AUDIO, Category.VIDEO):
            media["seconds"] = seconds_of(data)
        return media

    async def attachment(
        self, url: str, base_url: str, kind: str | None = None, file_name: str | None = None
    ) -> tuple[str, dict[str, Any]] | None:
        """(media type, encrypted media fields) for sending the file at one of our URLs, as the
        sender's phone uploads it; None for any other URL, which the offline emulator cannot fetch.
        The media type follows the file's unless given; a given file name wins over the upload's."""
        found = await self.file_for_url(url)
        if found is None:
            return None
        data, mimetype, stored_name = found
        file_type = FILE_TYPES.get(mimetype)
        kind = kind or (file_type.category if file_type else Category.DOCUMENT)
        return kind, await self.encrypt_for_message(data, mimetype, kind, base_url, file_name or stored_name)

    async def encrypt_file_at(self, url: str, base_url: str, kind: str | None = None) -> dict[str, Any]:
        """The WhatsApp message content (`{"imageMessage": {...}}`) for a file already at one of our
        URLs, as a contact would receive it; the media type follows the file's unless given."""
        found = await self.attachment(url, base_url, kind)
        if found is None:
            raise errors.NotFound(MEDIA_NOT_FOUND)
        kind, media = found
        return {f"{kind}Message": media}

    async def decrypt_message(self, messages: Any, base_url: str) -> str:
        """Decrypt the media of a received message (`data.messages`) and answer its public URL (1 h)."""
        plain, mimetype, file_name = await self.plain_media(messages)
        return await self._save(
            "decrypted", plain, mimetype, _extension_of(mimetype), DECRYPTED_LIFETIME, base_url, file_name
        )

    async def plain_media(self, messages: Any) -> tuple[bytes, str, str | None]:
        """(content, MIME type, file name) of a message's media, decrypted and checked."""
        kind, media = find_media(messages)
        media_key = _media_key(media)
        encrypted = await self._encrypted_file(media)
        _check_digest(media.get("fileEncSha256"), encrypted, "fileEncSha256")
        plain = decrypt_media(encrypted, media_key, kind)
        _check_digest(media.get("fileSha256"), plain, "fileSha256")
        file_name = media.get("fileName") if isinstance(media.get("fileName"), str) else None
        return plain, _served_mimetype(media.get("mimetype")), file_name

    async def _encrypted_file(self, media: dict[str, Any]) -> bytes:
        location = media.get("url") or media.get("directPath")
        if not isinstance(location, str) or not location:
            raise MediaRefused(MISSING_MEDIA_URL)
        name = media_name(location)
        if name is None:
            raise _offline(location)
        return (await self.served_file(name)).content

    async def _save(
        self,
        purpose: str,
        content: bytes,
        mimetype: str,
        extension: str,
        lifetime: float,
        base_url: str,
        file_name: str | None = None,
    ) -> str:
        name = f"{uuid.UUID(bytes=self._ids.random_bytes(16), version=4)}.{extension}"
        now = self._clock.now()
        await store.insert(self._db, store.StoredFile(name, purpose, mimetype, file_name, content, now, now + lifetime))
        return f"{base_url.rstrip('/')}/media/{name}"
