"""WhatsApp media encryption: the emulator's files decrypt with the docs' own recipe."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from cryptography.hazmat.backends import default_backend
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from hypothesis import given
from hypothesis import strategies as st

from emulator.domain import errors
from emulator.domain.media import MAC_LENGTH, Category, decrypt_media, encrypt_media, media_keys

KINDS = [str(kind) for kind in Category]
MEDIA_KEY = bytes(range(32))


# The Python sample of the receive-messages page, re-typed without its download and file writing.
def docs_get_decryption_keys(media_key: str, media_type: str) -> bytes:
    info_map = {
        "image": b"WhatsApp Image Keys",
        "sticker": b"WhatsApp Image Keys",
        "video": b"WhatsApp Video Keys",
        "audio": b"WhatsApp Audio Keys",
        "document": b"WhatsApp Document Keys",
    }
    info = info_map.get(media_type)
    if not info:
        raise ValueError(f"Invalid media type: {media_type}")
    media_key_bytes = base64.b64decode(media_key)
    hkdf = HKDF(algorithm=hashes.SHA256(), length=112, salt=b"", info=info, backend=default_backend())
    return hkdf.derive(media_key_bytes)


def docs_decrypt(encrypted_data: bytes, media_key: str, media_type: str) -> bytes:
    keys = docs_get_decryption_keys(media_key, media_type)
    iv = keys[:16]
    cipher_key = keys[16:48]
    ciphertext = encrypted_data[:-10]
    cipher = Cipher(algorithms.AES(cipher_key), modes.CBC(iv), backend=default_backend())
    decryptor = cipher.decryptor()
    return decryptor.update(ciphertext) + decryptor.finalize()


def pkcs7(data: bytes) -> bytes:
    """The docs' Python sample keeps the PKCS7 padding (their PHP and Node samples strip it)."""
    n = 16 - len(data) % 16
    return data + bytes([n]) * n


@given(plain=st.binary(max_size=2048), media_key=st.binary(min_size=32, max_size=32), kind=st.sampled_from(KINDS))
def test_encrypt_then_decrypt_gives_the_file_back(plain: bytes, media_key: bytes, kind: str) -> None:
    encrypted = encrypt_media(plain, media_key, kind)
    assert len(encrypted) == len(pkcs7(plain)) + MAC_LENGTH
    assert decrypt_media(encrypted, media_key, kind) == plain


@given(plain=st.binary(max_size=2048), kind=st.sampled_from(KINDS))
def test_the_docs_python_recipe_decrypts_the_emulators_files(plain: bytes, kind: str) -> None:
    encrypted = encrypt_media(plain, MEDIA_KEY, kind)
    assert docs_decrypt(encrypted, base64.b64encode(MEDIA_KEY).decode(), kind) == pkcs7(plain)


def test_the_mac_covers_iv_and_ciphertext() -> None:
    encrypted = encrypt_media(b"hello", MEDIA_KEY, "image")
    keys = media_keys(MEDIA_KEY, "image")
    ciphertext = encrypted[:-MAC_LENGTH]
    assert encrypted[-MAC_LENGTH:] == hmac.new(keys.mac_key, keys.iv + ciphertext, hashlib.sha256).digest()[:10]


def test_media_types_use_their_own_keys_and_stickers_share_the_image_keys() -> None:
    derived = {kind: media_keys(MEDIA_KEY, kind) for kind in KINDS}
    assert derived["sticker"] == derived["image"]
    assert len({derived[k] for k in ("image", "video", "audio", "document")}) == 4


@pytest.mark.parametrize("kind", KINDS)
def test_a_wrong_key_is_refused(kind: str) -> None:
    encrypted = encrypt_media(b"secret photo", MEDIA_KEY, kind)
    with pytest.raises(errors.NotAllowed, match="MAC does not match"):
        decrypt_media(encrypted, bytes(32), kind)


def test_another_media_type_is_refused() -> None:
    with pytest.raises(errors.NotAllowed, match="MAC does not match"):
        decrypt_media(encrypt_media(b"clip", MEDIA_KEY, "video"), MEDIA_KEY, "audio")


@given(plain=st.binary(min_size=1, max_size=256), data=st.data())
def test_any_flipped_byte_is_refused(plain: bytes, data: st.DataObject) -> None:
    encrypted = bytearray(encrypt_media(plain, MEDIA_KEY, "document"))
    index = data.draw(st.integers(0, len(encrypted) - 1))
    encrypted[index] ^= data.draw(st.integers(1, 255))
    with pytest.raises(errors.NotAllowed, match="Failed to decrypt media"):
        decrypt_media(bytes(encrypted), MEDIA_KEY, "document")


@pytest.mark.parametrize("length", [0, 10, 25, 16 + MAC_LENGTH + 1])
def test_what_is_not_encrypted_media_is_refused(length: int) -> None:
    with pytest.raises(errors.NotAllowed, match="not WhatsApp encrypted media"):
        decrypt_media(bytes(length), MEDIA_KEY, "image")


def test_a_right_mac_over_bad_padding_is_refused() -> None:
    keys = media_keys(MEDIA_KEY, "image")
    encryptor = Cipher(algorithms.AES(keys.cipher_key), modes.CBC(keys.iv)).encryptor()
    ciphertext = encryptor.update(bytes(16)) + encryptor.finalize()
    mac = hmac.new(keys.mac_key, keys.iv + ciphertext, hashlib.sha256).digest()[:MAC_LENGTH]
    with pytest.raises(errors.NotAllowed, match="padding is invalid"):
        decrypt_media(ciphertext + mac, MEDIA_KEY, "image")
