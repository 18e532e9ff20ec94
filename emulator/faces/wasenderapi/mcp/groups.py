"""Groups tools: create, read, change members and settings, invite links, leave, search."""

from __future__ import annotations

from emulator.faces.wasenderapi.contacts import ListQuery
from emulator.faces.wasenderapi.groups import (
    AcceptInviteBody,
    CreateGroupBody,
    ParticipantsBody,
    RolesBody,
    SettingsBody,
)
from emulator.faces.wasenderapi.mcp.contacts import SEARCH_QUERY, search
from emulator.faces.wasenderapi.mcp.tools import RestTool

GROUP = "/api/groups/{jid}"

GROUP_TOOLS = [
    RestTool("list_groups", "List the groups the session is in, optionally a page at a time.", "GET", "/api/groups", "session", query=ListQuery),
    RestTool("create_group", "Create a group with a name and participants.", "POST", "/api/groups", "session", body=CreateGroupBody),
    RestTool("get_group_metadata", "Get a group's metadata (subject, description, participants).", "GET", GROUP + "/metadata", "session"),
    RestTool("get_group_participants", "Get a group's participants and their roles.", "GET", GROUP + "/participants", "session"),
    RestTool("add_group_participants", "Add participants to a group (admins only).", "POST", GROUP + "/participants/add", "session", body=ParticipantsBody),
    RestTool(
        "remove_group_participants", "Remove participants from a group (admins only).",
        "POST", GROUP + "/participants/remove", "session", body=ParticipantsBody, destructive=True,
    ),
    RestTool(
        "update_group_participants", "Promote participants to admin or demote them.",
        "PUT", GROUP + "/participants/update", "session", body=RolesBody, destructive=True,
    ),
    RestTool(
        "update_group_settings", "Update a group's subject, description, announce mode and other settings.",
        "PUT", GROUP + "/settings", "session", body=SettingsBody,
    ),
    RestTool("leave_group", "Leave a group.", "POST", GROUP + "/leave", "session", destructive=True),
    RestTool("generate_invite_link", "Get the invite link of a group.", "GET", GROUP + "/invite-link", "session"),
    RestTool("accept_group_invite", "Join a group by its invite code.", "POST", "/api/groups/invite/accept", "session", body=AcceptInviteBody),
    RestTool(
        "search_groups", "Search the session's groups by name or JID.", "GET", "/api/groups", "session",
        refine=search(("name", "subject")), extra_arguments={"query": SEARCH_QUERY},
    ),
]
