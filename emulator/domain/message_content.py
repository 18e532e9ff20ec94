"""What a client asks to send, and the WhatsApp-shaped message it becomes.

The kind is inferred from the fields present, so a client may or may not send
`messageType`; the rules of each send-message doc page are checked here.
"""

from __future__ import annotations

import mimetypes
from typing import Any
from urllib.parse import urlsplit

from msgspec import Struct

from emulator.domain.errors import ValidationFailed, attribute_label
from emulator.domain.jids import parse_jid

# Media fields in the order the docs list them, with the kind each one makes.
MEDIA_FIELDS: tuple[tuple[str, str], ...] = (
    ("imageUrl", "image"),
    ("videoUrl", "video"),
    ("documentUrl", "document"),
    ("audioUrl", "audio"),
    ("stickerUrl", "sticker"),
)
OBJECT_FIELDS: tuple[tuple[str, str], ...] = (("contact", "contact"), ("location", "location"), ("poll", "poll"))
KIND_FIELD = {kind: field for field, kind in MEDIA_FIELDS + OBJECT_FIELDS}
VIEW_ONCE_KINDS = ("image", "video", "audio")
DEFAULT_MIMETYPES = {
    "image": "image/jpeg",
    "video": "video/mp4",
    "audio": "audio/ogg; codecs=opus",
    "document": "application/octet-stream",
    "sticker": "image/webp",
}


class ContactCard(Struct, frozen=True):
    name: str
    phone: str


class Location(Struct, frozen=True):
    latitude: float
    longitude: float
    name: str | None = None
    address: str | None = None


class Poll(Struct, frozen=True):
    question: str
    options: tuple[str, ...]
    multi_select: bool = False


class Draft(Struct, frozen=True, kw_only=True):
    kind: str
    text: str | None = None
    media_url: str | None = None
    file_name: str | None = None
    contact: ContactCard | None = None
    location: Location | None = None
    poll: Poll | None = None
    reply_to: int | None = None
    mentions: tuple[str, ...] = ()
    view_once: bool = False


def infer_kind(fields: dict[str, Any]) -> str:
    """The kind of message the present fields make; raises when they contradict each other."""
    present = [(field, kind) for field, kind in MEDIA_FIELDS + OBJECT_FIELDS if fields.get(field) is not None]
    errors: dict[str, list[str]] = {}
    for field, _ in present[1:]:
        errors[field] = [f"The {attribute_label(field)} field is prohibited when {attribute_label(present[0][0])} is present."]
    declared = fields.get("messageType")
    kind = present[0][1] if present else "text"
    if declared is not None and declared != kind and declared != "text":
        wanted = KIND_FIELD[declared]
        errors[wanted] = [f"The {attribute_label(wanted)} field is required when message type is {declared}."]
    if errors:
        raise ValidationFailed(errors)
    return kind


def check_draft(draft: Draft) -> None:
    """The cross-field rules of the send-message pages."""
    errors: dict[str, list[str]] = {}
    if draft.kind == "text" and not (draft.text and draft.text.strip()):
        errors["text"] = ["The text field is required when no media is present."]
    if draft.kind == "sticker" and draft.media_url and not _path_of(draft.media_url).endswith(".webp"):
        errors["stickerUrl"] = ["The sticker url field must be a file of type: webp."]
    if draft.view_once and draft.kind not in VIEW_ONCE_KINDS:
        errors["viewOnce"] = ["The view once field is only allowed with an imageUrl, videoUrl or audioUrl."]
    if draft.poll is not None and len(set(draft.poll.options)) != len(draft.poll.options):
        errors["poll.options"] = ["The poll.options field has a duplicate value."]
    for index, mention in enumerate(draft.mentions):
        jid = parse_jid(mention)
        if jid is None or jid.server not in ("s.whatsapp.net", "lid"):
            errors[f"mentions.{index}"] = [f"The mentions.{index} field must be a WhatsApp user JID."]
    if draft.contact is not None and parse_jid(draft.contact.phone) is None:
        errors["contact.phone"] = ["The contact.phone field format is invalid."]
    if errors:
        raise ValidationFailed(errors)


def compose(
    draft: Draft, quoted: tuple[dict[str, Any], str, str] | None = None, media: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The WhatsApp message content for `draft`.

    `quoted` is (message content, key id, sender JID) of the message replied to; `media`, the
    fields of the encrypted file (url, mediaKey, hashes, ...), which win over those guessed
    from the draft's URL.
    """
    context = _context_info(draft, quoted)
    if draft.kind == "text":
        if context:
            return {"extendedTextMessage": {"text": draft.text, "contextInfo": context}}
        return {"conversation": draft.text}
    body = _BUILDERS[draft.kind](draft)
    if media:
        body.update(media)
    if context:
        body["contextInfo"] = context
    return {_CONTENT_KEYS[draft.kind]: body}


def message_body(content: dict[str, Any]) -> str | None:
    """The unified text of a message: its text, caption, or the edited text."""
    if "conversation" in content:
        return content["conversation"]
    for inner in content.values():
        if isinstance(inner, dict):
            for field in ("text", "caption", "name"):
                if isinstance(inner.get(field), str):
                    return inner[field]
    return None


def _context_info(draft: Draft, quoted: tuple[dict[str, Any], str, str] | None) -> dict[str, Any]:
    context: dict[str, Any] = {}
    if quoted is not None:
        content, key_id, participant = quoted
        context.update(stanzaId=key_id, participant=participant, quotedMessage=content)
    if draft.mentions:
        context["mentionedJid"] = [str(parse_jid(m)) for m in draft.mentions]
    return context


def _media(draft: Draft) -> dict[str, Any]:
    assert draft.media_url is not None
    guessed = mimetypes.guess_type(_path_of(draft.media_url))[0]
    body: dict[str, Any] = {"url": draft.media_url, "mimetype": guessed or DEFAULT_MIMETYPES[draft.kind]}
    if draft.text and draft.kind != "sticker":
        body["caption"] = draft.text
    if draft.view_once:
        body["viewOnce"] = True
    return body


def _document(draft: Draft) -> dict[str, Any]:
    body = _media(draft)
    extension = mimetypes.guess_extension(body["mimetype"].split(";")[0]) or ""
    body["fileName"] = draft.file_name or f"document{extension}"
    return body


def _audio(draft: Draft) -> dict[str, Any]:
    return {**_media(draft), "ptt": True}


def _contact(draft: Draft) -> dict[str, Any]:
    assert draft.contact is not None
    jid = parse_jid(draft.contact.phone)
    digits = jid.user if jid else draft.contact.phone
    vcard = (
        "BEGIN:VCARD\nVERSION:3.0\n"
        f"FN:{draft.contact.name}\n"
        f"TEL;type=CELL;type=VOICE;waid={digits}:+{digits}\n"
        "END:VCARD"
    )
    return {"displayName": draft.contact.name, "vcard": vcard}


def _location(draft: Draft) -> dict[str, Any]:
    assert draft.location is not None
    body: dict[str, Any] = {
        "degreesLatitude": draft.location.latitude,
        "degreesLongitude": draft.location.longitude,
    }
    if draft.location.name:
        body["name"] = draft.location.name
    if draft.location.address:
        body["address"] = draft.location.address
    return body


def _poll(draft: Draft) -> dict[str, Any]:
    assert draft.poll is not None
    return {
        "name": draft.poll.question,
        "options": [{"optionName": option} for option in draft.poll.options],
        # WhatsApp's convention: 0 lets a voter pick any number of options.
        "selectableOptionsCount": 0 if draft.poll.multi_select else 1,
    }


_CONTENT_KEYS = {
    "image": "imageMessage",
    "video": "videoMessage",
    "sticker": "stickerMessage",
    "document": "documentMessage",
    "audio": "audioMessage",
    "contact": "contactMessage",
    "location": "locationMessage",
    "poll": "pollCreationMessage",
}
_BUILDERS = {
    "image": _media,
    "video": _media,
    "sticker": _media,
    "document": _document,
    "audio": _audio,
    "contact": _contact,
    "location": _location,
    "poll": _poll,
}


def _path_of(url: str) -> str:
    return urlsplit(url).path.lower()

