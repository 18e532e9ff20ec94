"""Sessions management tools: the session endpoints of the REST API."""

from __future__ import annotations

from emulator.faces.wasenderapi.mcp.tools import RestTool
from emulator.faces.wasenderapi.messages import MessageLogQuery
from emulator.faces.wasenderapi.sessions import (
    SESSIONS_PATH,
    ConnectBody,
    CreateSessionBody,
    PageQuery,
    UpdateSessionBody,
)

SESSION = SESSIONS_PATH + "/{session_id}"

SESSION_TOOLS = [
    RestTool("list_whatsapp_sessions", "Retrieve all WhatsApp sessions of the account.", "GET", SESSIONS_PATH, "account"),
    RestTool("get_specific_whatsapp_session", "Retrieve the details of one session by id.", "GET", SESSION, "account"),
    RestTool("get_session_user", "Get the WhatsApp user (id, name, lid) a connected session is logged in as.", "GET", "/api/user", "session"),
    RestTool("create_whatsapp_session", "Create a new WhatsApp session.", "POST", SESSIONS_PATH, "account", body=CreateSessionBody),
    RestTool("update_whatsapp_session", "Update a session's name, number or settings.", "PUT", SESSION, "account", body=UpdateSessionBody),
    RestTool(
        "connect_whatsapp_session", "Start/connect a session; answers a QR code to scan when one is needed.",
        "POST", SESSION + "/connect", "account", body=ConnectBody,
    ),
    RestTool(
        "disconnect_whatsapp_session", "Disconnect a session.", "POST", SESSION + "/disconnect", "account", destructive=True,
    ),
    RestTool("get_message_logs", "Retrieve a session's message logs, newest first, a page at a time.", "GET", SESSION + "/message-logs", "account", query=MessageLogQuery),
    RestTool("get_session_logs", "Retrieve a session's log of status changes, a page at a time.", "GET", SESSION + "/session-logs", "account", query=PageQuery),
]
