"""SendAPI's three documented send bodies read into the network's one kind of draft.

1. the send page: `{"to", "type", "text": {"body"}}` (and `image: {link, caption}`, `template`, ...);
2. the MCP server and skills: `{"session_id", "to", "content", "type"?}`, `content` the text, a URL or a payload;
3. the auth page: `{"to", "message"}`.

`template` and `interactive` become the text WhatsApp would show of them: the emulator has no
approved templates, so a template shows its parameters' text, an interactive message its header,
body, footer and the titles of its buttons or rows.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from emulator.domain.message_content import ContactCard, Draft, Location, Poll, check_draft
from emulator.faces.sendapi.errors import invalid

MEDIA_TYPES = ("image", "video", "audio", "document")
SendType = Literal["text", "image", "video", "audio", "document", "location", "contact", "poll", "template", "interactive"]


class SendBody(msgspec.Struct):
    to: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    session_id: int | str | None = None
    type: SendType = "text"
    text: str | dict[str, Any] | None = None
    content: str | dict[str, Any] | list[Any] | None = None
    message: str | None = None
    caption: str | None = None
    filename: str | None = None
    image: str | dict[str, Any] | None = None
    video: str | dict[str, Any] | None = None
    audio: str | dict[str, Any] | None = None
    document: str | dict[str, Any] | None = None
    location: dict[str, Any] | None = None
    contact: str | dict[str, Any] | None = None
    contacts: list[dict[str, Any]] | None = None
    poll: dict[str, Any] | None = None
    template: dict[str, Any] | None = None
    interactive: dict[str, Any] | None = None


def _payload(body: SendBody) -> Any:
    """The type's own field (`image: {...}`), else `content` (the MCP shape)."""
    own = getattr(body, body.type)
    return own if own is not None else body.content


def _text_of(body: SendBody) -> str | None:
    if isinstance(body.text, dict):
        return body.text.get("body")
    for candidate in (body.text, body.content, body.message):
        if isinstance(candidate, str):
            return candidate
    return None


def _media(body: SendBody) -> tuple[str, str | None, str | None]:
    payload = _payload(body)
    fields = payload if isinstance(payload, dict) else {"link": payload}
    url = fields.get("link") or fields.get("url")
    if not isinstance(url, str) or not url:
        raise invalid(body.type, f"The {body.type} link (or content URL) is required.")
    caption = fields.get("caption") or body.caption or (body.text if isinstance(body.text, str) else None)
    return url, caption, fields.get("filename") or body.filename


def _location(body: SendBody) -> Location:
    payload = _payload(body)
    if isinstance(payload, str) and "," in payload:
        payload = dict(zip(("latitude", "longitude"), payload.split(",", 1), strict=True))
    try:
        latitude, longitude = float(payload["latitude"]), float(payload["longitude"])
    except (TypeError, KeyError, ValueError):
        raise invalid("location", "The location needs a numeric latitude and longitude.") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise invalid("location", "The latitude or longitude is out of range.")
    return Location(latitude, longitude, payload.get("name"), payload.get("address"))


def _vcard_field(vcard: str, name: str) -> str | None:
    for line in vcard.splitlines():
        field, _, value = line.partition(":")
        if field.split(";")[0].upper() == name and value.strip():
            return value.strip()
    return None


def _contact(body: SendBody) -> ContactCard:
    payload: Any = body.contacts[0] if body.contacts else _payload(body)
    if isinstance(payload, str):
        name, phone = _vcard_field(payload, "FN"), _vcard_field(payload, "TEL")
    elif isinstance(payload, dict):
        # {name, phone}, or the Cloud API's {name: {formatted_name}, phones: [{phone}]}
        name = payload.get("name")
        name = name.get("formatted_name") if isinstance(name, dict) else name
        phones = payload.get("phones") or [{}]
        phone = payload.get("phone") or phones[0].get("phone")
    else:
        name = phone = None
    if not isinstance(name, str) or not isinstance(phone, str):
        raise invalid("contact", "The contact needs a name and a phone (or a vCard with FN and TEL).")
    return ContactCard(name, phone)


def _poll(body: SendBody) -> Poll:
    payload = _payload(body)
    payload = payload if isinstance(payload, dict) else {}
    question, options = payload.get("question") or payload.get("name"), payload.get("options")
    if not isinstance(question, str) or not isinstance(options, list) or not 2 <= len(options) <= 12:
        raise invalid("poll", "The poll needs a question and 2 to 12 options.")
    multi = bool(payload.get("multi_select") or payload.get("multiSelect") or payload.get("selectable_count", 1) > 1)
    return Poll(question, tuple(str(option) for option in options), multi)


def _template_text(body: SendBody) -> str:
    payload = _payload(body)
    if not isinstance(payload, dict) or not isinstance(payload.get("name"), str):
        raise invalid("template", "The template needs a name.")
    texts = [
        str(parameter.get("text"))
        for component in payload.get("components") or []
        for parameter in component.get("parameters") or []
        if isinstance(parameter, dict) and parameter.get("text") is not None
    ]
    return "\n".join(texts) or payload["name"]


def _interactive_text(body: SendBody) -> str:
    payload = _payload(body)
    if not isinstance(payload, dict) or not isinstance((payload.get("body") or {}).get("text"), str):
        raise invalid("interactive", "The interactive message needs a body text.")
    action = payload.get("action") or {}
    lines = [(payload.get("header") or {}).get("text"), payload["body"]["text"], (payload.get("footer") or {}).get("text")]
    lines += [(button.get("reply") or button).get("title") for button in action.get("buttons") or []]
    lines += [row.get("title") for section in action.get("sections") or [] for row in section.get("rows") or []]
    return "\n".join(line for line in lines if isinstance(line, str) and line)


def draft_of(body: SendBody) -> tuple[Draft, dict[str, Any]]:
    """The draft to send and what the history shows as the message's `type` and `content`."""
    kind = body.type
    if kind in MEDIA_TYPES:
        url, caption, file_name = _media(body)
        draft = Draft(kind=kind, text=caption, media_url=url, file_name=file_name)
        content = {"body": caption, "url": url} | ({"filename": file_name} if file_name else {})
    elif kind == "location":
        draft = Draft(kind=kind, location=_location(body))
        content = {"body": draft.location.name, **msgspec.to_builtins(draft.location)}  # type: ignore[union-attr]
    elif kind == "contact":
        draft = Draft(kind=kind, contact=_contact(body))
        content = {"body": draft.contact.name, **msgspec.to_builtins(draft.contact)}  # type: ignore[union-attr]
    elif kind == "poll":
        draft = Draft(kind=kind, poll=_poll(body))
        content = {"body": draft.poll.question, "options": list(draft.poll.options)}  # type: ignore[union-attr]
    else:
        shown = {"template": _template_text, "interactive": _interactive_text}.get(kind, _text_of)(body)
        if not shown or not shown.strip():
            raise invalid("text", "The message text is required (text.body, content or message).")
        draft = Draft(kind="text", text=shown)
        content = {"body": shown}
    check_draft(draft)
    return draft, {"type": kind, **content}
