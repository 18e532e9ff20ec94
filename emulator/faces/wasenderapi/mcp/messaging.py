"""Messaging tools: send-message in each of its documented variants, and what follows a send."""

from __future__ import annotations

from emulator.faces.wasenderapi.mcp.tools import RestTool
from emulator.faces.wasenderapi.messages import EditBody, SendMessageBody
from emulator.faces.wasenderapi.sessions import PresenceBody

SEND = "/api/send-message"


def _send(name: str, description: str, fields: tuple[str, ...], required: tuple[str, ...]) -> RestTool:
    return RestTool(name, description, "POST", SEND, "session", body=SendMessageBody, fields=("to", *fields), required=required)


MESSAGING_TOOLS = [
    _send("send_text_message", "Send a text message, optionally quoting one.", ("text", "replyTo"), ("text",)),
    _send("send_mention_text_message", "Send a text message that mentions group members.", ("text", "mentions", "replyTo"), ("text", "mentions")),
    _send("send_image_message", "Send an image by URL, with an optional caption.", ("imageUrl", "text", "viewOnce", "replyTo"), ("imageUrl",)),
    _send("send_audio_message", "Send an audio file or voice note by URL.", ("audioUrl", "replyTo"), ("audioUrl",)),
    _send("send_video_message", "Send a video by URL, with an optional caption.", ("videoUrl", "text", "viewOnce", "replyTo"), ("videoUrl",)),
    _send("send_document_message", "Send a document by URL, with its file name.", ("documentUrl", "fileName", "text", "replyTo"), ("documentUrl",)),
    _send("send_location_message", "Send a location (latitude, longitude, optional name and address).", ("location", "text", "replyTo"), ("location",)),
    _send("send_contact_message", "Send a contact card (name and phone).", ("contact", "text", "replyTo"), ("contact",)),
    _send("send_poll_message", "Send a poll with 2 to 12 options.", ("poll", "replyTo"), ("poll",)),
    RestTool(
        "send_presence_update", "Send a presence update (available, unavailable, composing, recording).",
        "POST", "/api/send-presence-update", "session", body=PresenceBody,
    ),
    RestTool("resend_message", "Resend a failed message.", "POST", "/api/messages/{msg_id}/resend", "session"),
    RestTool("edit_message", "Edit the text of a sent message.", "PUT", "/api/messages/{msg_id}", "session", body=EditBody),
    RestTool("delete_message", "Delete a sent message for everyone.", "DELETE", "/api/messages/{msg_id}", "session", destructive=True),
    RestTool("get_message_info", "Get a message's information and delivery status.", "GET", "/api/messages/{msg_id}/info", "session"),
]
