"""Implementation coverage of the vendor API, computed from the code: `python -m emulator.coverage`.

Each documented endpoint is ticked when the app routes it, each documented send-message
variant when the send pipeline turns the page's example into a WhatsApp message, and each
documented webhook event when a scripted day of the default fixtures' session 1 publishes
it, and each documented MCP tool when /mcp lists it over a route the app serves. The README
holds the printed table; a test fails when it is stale.
"""

from __future__ import annotations

import json
import re
from typing import Any

from emulator.domain.errors import DomainError
from emulator.domain.events import DOCUMENTED_EVENTS
from emulator.faces.wasenderapi.send_variants import SEND_VARIANTS

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

# The tools of the vendor's MCP page, by group: sessions, messaging, contacts, groups, documentation.
DOCUMENTED_TOOLS: tuple[str, ...] = (
    "list_whatsapp_sessions", "get_specific_whatsapp_session", "get_session_user", "create_whatsapp_session",
    "update_whatsapp_session", "connect_whatsapp_session", "disconnect_whatsapp_session", "get_message_logs",
    "get_session_logs",
    "send_text_message", "send_mention_text_message", "send_image_message", "send_audio_message",
    "send_video_message", "send_document_message", "send_location_message", "send_contact_message",
    "send_poll_message", "send_presence_update", "resend_message", "edit_message", "delete_message",
    "get_message_info",
    "list_contacts", "add_or_edit_contact", "get_contact_info", "get_contact_picture", "block_contact",
    "unblock_contact", "check_jid_on_whatsapp", "get_lid_from_phone_number", "get_phone_number_from_lid",
    "search_contacts",
    "list_groups", "create_group", "get_group_metadata", "get_group_participants", "add_group_participants",
    "remove_group_participants", "update_group_participants", "update_group_settings", "leave_group",
    "generate_invite_link", "accept_group_invite", "search_groups",
    "get_api_documentation_tool",
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

    from emulator.faces.wasenderapi.messages import SendMessageBody, draft_of  # noqa: PLC0415
    from emulator.domain.message_content import compose  # noqa: PLC0415

    try:
        parsed = msgspec.convert(body, SendMessageBody)
        return bool(compose(draft_of(parsed), None))
    except (msgspec.ValidationError, DomainError):
        return False


SOMEONE = "+15551234567"
GROUP_JID = "120363000000000001@g.us"  # the default fixtures' group where session 1 is admin
PNG_DATA_URL = (  # 1x1
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def live_every_event(client: Any) -> None:
    """Take the default fixtures' session 1 through everything that publishes an event: a
    reconnection, inbound traffic of every kind, sends, receipts and group changes. `client`
    is a TestClient of an app with the default fixtures on a virtual clock."""
    from emulator.config import DEFAULT_FIXTURES  # noqa: PLC0415

    account = json.loads(DEFAULT_FIXTURES.read_text())["accounts"][0]
    session_id, api_key = account["sessions"][0]["id"], account["sessions"][0]["api_key"]

    def call(method: str, path: str, body: Any = None, token: str = api_key) -> Any:
        response = client.request(method, path, json=body, headers={"Authorization": f"Bearer {token}"})
        if response.status_code != 200:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text}")
        return response.json()["data"]

    def inject(**body: Any) -> Any:
        return call("POST", f"/admin/sessions/{session_id}/inbound", {"from": SOMEONE, **body})

    def send(**body: Any) -> int:
        return int(call("POST", "/api/send-message", {"to": SOMEONE, **body})["msgId"])

    for action in ("disconnect", "connect"):
        call("POST", f"/api/whatsapp-sessions/{session_id}/{action}", token=account["personal_access_token"])
    call("POST", f"/admin/sessions/{session_id}/scan")
    received = inject(text="hello")["msgId"]
    inject(group=GROUP_JID, text="to the group")
    call("POST", f"/admin/sessions/{session_id}/inbound", {"channel": "120363000000000009@newsletter", "text": "news"})
    inject(media={"kind": "image", "base64": PNG_DATA_URL}, text="a picture")
    send(text="hi")
    send(to="+15550000042", text="to nobody")
    poll = send(poll={"question": "Lunch?", "options": ["Pizza", "Sushi"]})
    to_group = send(to=GROUP_JID, text="hello group")
    call("POST", "/admin/clock/advance", {"seconds": 5})
    inject(reaction={"message": received, "emoji": "\N{THUMBS UP SIGN}"})
    inject(vote={"message": poll, "options": ["Pizza"]})
    inject(receipt={"message": to_group, "status": "read"})
    inject(revoke={"message": received})
    inject(call={"video": True})
    inject(contact_update={"name": "Alice", "notify": "Al"})
    inject(contact_update={"img_url": "https://example.com/a.jpg"})
    for event in ("upsert", "update", "delete"):
        inject(chat={"event": event, "unread_count": 1})
    group = call("POST", "/api/groups", {"name": "Webhooks", "participants": [SOMEONE]})["id"]
    call("PUT", f"/api/groups/{group}/settings", {"announce": True})
    call("POST", f"/api/groups/{group}/participants/add", {"participants": ["+15559876543"]})


def published_events() -> set[str]:
    """The events `live_every_event` makes the emulator publish."""
    from litestar.testing import TestClient  # noqa: PLC0415

    from emulator.app import create_app  # noqa: PLC0415
    from emulator.config import Settings  # noqa: PLC0415

    with TestClient(create_app(Settings(db=":memory:", clock="virtual", seed="coverage"))) as client:
        live_every_event(client)
        return {entry["event"] for entry in client.get("/admin/events").json()["data"]}


def table() -> str:
    routed = routed_endpoints()
    lines = ["| documented endpoint | served |", "|---|---|"]
    for method, path in DOCUMENTED_ENDPOINTS:
        served = {(method, _shape(path)), ("*", _shape(path))} & routed
        lines.append(f"| `{method} {path}` | {'yes' if served else 'no'} |")
    lines += ["", "| send-message variant | composed |", "|---|---|"]
    for name, body in SEND_VARIANTS:
        lines.append(f"| {name} | {'yes' if variant_works(body) else 'no'} |")
    published = published_events()
    lines += ["", "| documented webhook event | published |", "|---|---|"]
    for event in DOCUMENTED_EVENTS:
        lines.append(f"| `{event}` | {'yes' if event in published else 'no'} |")
    lines += ["", "| documented MCP tool | answered by | served |", "|---|---|---|"]
    for name, route, served in mcp_tools(routed):
        lines.append(f"| `{name}` | {route} | {'yes' if served else 'no'} |")
    return "\n".join(lines) + "\n"


def mcp_tools(routed: set[tuple[str, str]]) -> list[tuple[str, str, bool]]:
    """(name, what answers it, whether /mcp serves it) of each documented tool: a tool is
    served when the MCP server lists it and, for a REST tool, the app routes its endpoint."""
    from emulator.faces.wasenderapi.mcp.server import TOOLS_BY_NAME  # noqa: PLC0415
    from emulator.faces.wasenderapi.mcp.tools import RestTool  # noqa: PLC0415

    rows = []
    for name in DOCUMENTED_TOOLS:
        tool = TOOLS_BY_NAME.get(name)
        if isinstance(tool, RestTool):
            served = bool({(tool.method, _shape(tool.path)), ("*", _shape(tool.path))} & routed)
            rows.append((name, f"`{tool.method} {tool.path}`", served))
        else:
            rows.append((name, "the published OpenAPI document" if tool else "-", tool is not None))
    return rows


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path.rstrip("/") or "/")


if __name__ == "__main__":
    print(table(), end="")
