from __future__ import annotations

import pytest

from emulator.webhooks.filters import chat_address, chat_kind


@pytest.mark.parametrize(
    ("event", "data", "kind"),
    [
        ("messages.upsert", {"messages": [{"key": {"remoteJid": "1@g.us"}}]}, "group"),
        ("messages.received", {"messages": {"key": {"remoteJid": "15550001111@s.whatsapp.net"}}}, None),
        ("messages.update", {"key": {"remoteJid": "9@newsletter"}, "update": {"status": 2}}, "channel"),
        ("message.sent", {"key": {"remoteJid": "status@broadcast"}, "message": {}}, "broadcast"),
        ("message.sent", {"success": False, "error": "Failed"}, None),
        ("messages.delete", {"keys": [{"remoteJid": "1@g.us"}]}, "group"),
        ("message-receipt.update", {"message": {"key": {"remoteJid": "1@g.us"}}}, "group"),
        ("chats.delete", ["1@g.us"], "group"),
        ("chats.update", [{"id": "9@newsletter"}], "channel"),
        ("call", {"call": {"id": "3EB0", "from": "15550001111@s.whatsapp.net"}}, None),
        ("groups.update", [{"jid": "1@g.us"}], "group"),
        ("messages-group.received", {}, "group"),
        ("session.status", {"status": "connected"}, None),
    ],
)
def test_chat_kind(event: str, data: object, kind: str | None) -> None:
    assert chat_kind(event, data) == kind


def test_chat_address_prefers_the_key_over_the_content() -> None:
    data = {"key": {"remoteJid": "1@g.us"}, "message": {"key": {"remoteJid": "2@s.whatsapp.net"}}}
    assert chat_address(data) == "1@g.us"
    assert chat_address([]) is None
