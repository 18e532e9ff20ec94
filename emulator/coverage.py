"""Implementation coverage of the vendor API, computed from the code: `python -m emulator.coverage`.

Each documented endpoint is ticked when the app routes it, each documented send-message
variant when the send pipeline turns the page's example into a WhatsApp message. The
README holds the printed table; a test fails when it is stale.
"""

from __future__ import annotations

import re

from emulator.domain.errors import DomainError

# The endpoints of the vendor's API reference, one per documented page.
DOCUMENTED_ENDPOINTS: tuple[tuple[str, str], ...] = (
    ("GET", "/api/whatsapp-sessions"),
    ("POST", "/api/whatsapp-sessions"),
    ("GET", "/api/whatsapp-sessions/{whatsappSession}"),
    ("PUT", "/api/whatsapp-sessions/{whatsappSession}"),
    ("DELETE", "/api/whatsapp-sessions/{whatsappSession}"),
    ("GET", "/api/status"),
    ("POST", "/api/whatsapp-sessions/{whatsappSession}/connect"),
    ("POST", "/api/whatsapp-sessions/{whatsappSession}/restart"),
    ("GET", "/api/whatsapp-sessions/{whatsappSession}/message-logs"),
    ("GET", "/api/whatsapp-sessions/{whatsappSession}/qrcode"),
    ("POST", "/api/whatsapp-sessions/{whatsappSession}/disconnect"),
    ("GET", "/api/whatsapp-sessions/{whatsappSession}/session-logs"),
    ("GET", "/api/user"),
    ("GET", "/api/on-whatsapp/{phone_number}"),
    ("POST", "/api/whatsapp-sessions/{whatsappSession}/regenerate-key"),
    ("POST", "/api/send-presence-update"),
    ("POST", "/api/contacts/{contactPhoneNumber}/block"),
    ("GET", "/api/contacts"),
    ("GET", "/api/contacts/{contactPhoneNumber}"),
    ("GET", "/api/contacts/{contactPhoneNumber}/picture"),
    ("POST", "/api/contacts/{contactPhoneNumber}/unblock"),
    ("PUT", "/api/contacts"),
    ("GET", "/api/lid-from-pn/{pn}"),
    ("GET", "/api/pn-from-lid/{lid}"),
    ("POST", "/api/decrypt-media"),
    ("POST", "/api/upload"),
    ("POST", "/api/send-message"),
    ("POST", "/api/messages/{message}/resend"),
    ("PUT", "/api/messages/{msgId}"),
    ("GET", "/api/messages/{msgId}/info"),
    ("DELETE", "/api/messages/{msgId}"),
    ("POST", "/api/messages/read"),
    ("POST", "/api/groups"),
    ("GET", "/api/groups"),
    ("GET", "/api/groups/{groupJid}/metadata"),
    ("PUT", "/api/groups/{groupId}/participants/update"),
    ("GET", "/api/groups/{groupJid}/participants"),
    ("POST", "/api/groups/{groupJid}/participants/add"),
    ("GET", "/api/groups/{groupJid}/picture"),
    ("POST", "/api/groups/{groupJid}/participants/remove"),
    ("PUT", "/api/groups/{groupJid}/settings"),
    ("GET", "/api/groups/{groupJid}/invite-link"),
    ("GET", "/api/groups/invite/{inviteCode}"),
    ("POST", "/api/groups/invite/accept"),
    ("POST", "/api/groups/{groupId}/leave"),
)

TO = "+1234567890"
# Each send-message page's variant, with the body its example sends.
SEND_VARIANTS: tuple[tuple[str, dict[str, object]], ...] = (
    ("text", {"to": TO, "text": "Hello"}),
    ("image", {"to": TO, "text": "Look", "imageUrl": "https://example.com/logo.png"}),
    ("video", {"to": TO, "videoUrl": "https://example.com/clip.mp4"}),
    ("document", {"to": TO, "documentUrl": "https://example.com/report.pdf", "fileName": "report.pdf"}),
    ("audio", {"to": TO, "audioUrl": "https://example.com/voice.ogg"}),
    ("sticker", {"to": TO, "stickerUrl": "https://example.com/sticker.webp"}),
    ("contact card", {"to": TO, "contact": {"name": "Support", "phone": TO}}),
    ("location", {"to": TO, "location": {"latitude": 37.77, "longitude": -122.41, "name": "HQ"}}),
    ("poll", {"to": TO, "poll": {"question": "Color?", "options": ["Blue", "Red"], "multiSelect": False}}),
    ("quoted reply", {"to": TO, "text": "Reply", "replyTo": 100000}),
    ("view once", {"to": TO, "imageUrl": "https://example.com/a.jpg", "viewOnce": True}),
    ("group", {"to": "123456789-987654321@g.us", "text": "Hello group"}),
    ("mentions", {"to": "123456789-987654321@g.us", "text": "Hi @1234567890", "mentions": ["1234567890@s.whatsapp.net"]}),
    ("channel", {"to": "123456789@newsletter", "text": "Hello channel"}),
)


def routed_endpoints() -> set[tuple[str, str]]:
    """(method, path with {} for each argument) of every route the app serves."""
    from emulator.app import create_app  # noqa: PLC0415 - building an app is this report's one heavy step
    from emulator.config import Settings  # noqa: PLC0415

    app = create_app(Settings(db=":memory:"))
    routed = set()
    for route in app.routes:
        # An ASGI route (the lean send-message endpoint) takes every method and checks it itself.
        for method in getattr(route, "methods", None) or ("*",):
            routed.add((method, _shape(route.path)))
    return routed


def variant_works(body: dict[str, object]) -> bool:
    """Whether the send pipeline composes a WhatsApp message from `body`."""
    import msgspec  # noqa: PLC0415

    from emulator.api.messages import SendMessageBody, draft_of  # noqa: PLC0415
    from emulator.domain.message_content import compose  # noqa: PLC0415

    try:
        parsed = msgspec.convert(body, SendMessageBody)
        return bool(compose(draft_of(parsed), None))
    except (msgspec.ValidationError, DomainError):
        return False


def table() -> str:
    routed = routed_endpoints()
    lines = ["| documented endpoint | served |", "|---|---|"]
    for method, path in DOCUMENTED_ENDPOINTS:
        served = {(method, _shape(path)), ("*", _shape(path))} & routed
        lines.append(f"| `{method} {path}` | {'yes' if served else 'no'} |")
    lines += ["", "| send-message variant | composed |", "|---|---|"]
    for name, body in SEND_VARIANTS:
        lines.append(f"| {name} | {'yes' if variant_works(body) else 'no'} |")
    return "\n".join(lines) + "\n"


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path.rstrip("/") or "/")


if __name__ == "__main__":
    print(table(), end="")
