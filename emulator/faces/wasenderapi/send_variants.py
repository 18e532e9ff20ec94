"""The variants of the send-message docs, each with the body its example sends.

The published document shows them as examples; the coverage report checks each composes a message.
"""

from __future__ import annotations

TO = "+1234567890"
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
