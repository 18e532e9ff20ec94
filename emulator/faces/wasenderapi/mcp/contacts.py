"""Contacts tools: the session's address book, blocks, pictures and the LID <-> number mappings."""

from __future__ import annotations

from typing import Any

from emulator.faces.wasenderapi.contacts import ListQuery, SaveContactBody
from emulator.faces.wasenderapi.mcp.tools import RestTool

SEARCH_QUERY = {"type": "string", "minLength": 1, "maxLength": 255, "description": "Part of a name or phone number; case does not matter."}


def matches(entry: dict[str, Any], query: str, fields: tuple[str, ...]) -> bool:
    """Whether `query` is part of a name field or, by its digits, of the entry's number."""
    needle = query.casefold()
    if any(isinstance(entry.get(f), str) and needle in entry[f].casefold() for f in fields):
        return True
    digits = "".join(c for c in query if c.isdigit())
    return bool(digits) and digits in str(entry.get("id", "")).split("@")[0]


def search(fields: tuple[str, ...]):  # noqa: ANN201 - a RestTool refine
    def refine(body: Any, arguments: dict[str, Any]) -> Any:
        return {**body, "data": [e for e in body["data"] if matches(e, arguments["query"], fields)]}

    return refine


CONTACT = "/api/contacts/{phone}"

CONTACT_TOOLS = [
    RestTool("list_contacts", "List the session's contacts, optionally a page at a time.", "GET", "/api/contacts", "session", query=ListQuery),
    RestTool("add_or_edit_contact", "Add a contact, or change the name of one already saved.", "PUT", "/api/contacts", "session", body=SaveContactBody),
    RestTool("get_contact_info", "Get one contact's details.", "GET", CONTACT, "session"),
    RestTool("get_contact_picture", "Get the profile picture URL of a contact.", "GET", CONTACT + "/picture", "session"),
    RestTool("block_contact", "Block a contact.", "POST", CONTACT + "/block", "session", destructive=True),
    RestTool("unblock_contact", "Unblock a contact.", "POST", CONTACT + "/unblock", "session"),
    RestTool("check_jid_on_whatsapp", "Check whether a phone number or JID is on WhatsApp.", "GET", "/api/on-whatsapp/{phone_number}", "session"),
    RestTool("get_lid_from_phone_number", "Get the LID (Linked Device ID) of a phone number.", "GET", "/api/lid-from-pn/{pn}", "session"),
    RestTool("get_phone_number_from_lid", "Get the phone number of a LID.", "GET", "/api/pn-from-lid/{lid}", "session"),
    RestTool(
        "search_contacts", "Search the session's contacts by name or phone number.", "GET", "/api/contacts", "session",
        refine=search(("name", "notify", "verifiedName")), extra_arguments={"query": SEARCH_QUERY},
    ),
]
