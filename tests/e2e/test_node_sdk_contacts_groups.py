"""The official Node SDK's contact and group methods against a running emulator, a group seen
by two sessions of its network, checked against the emulator's state and events."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.conftest import CONNECTED_KEY, DISCONNECTED_ID, DISCONNECTED_KEY, PAT, LiveServer, auth
from tests.e2e.emulator_state import downloaded, journal

CONTACT, CONTACT_JID = "+15551234567", "15551234567@s.whatsapp.net"
STRANGER, NOT_ON_WHATSAPP = "+15557770042", "+15550000001"
OWNER_JID = "15550100001@s.whatsapp.net"
MEMBER_JID = "15550100002@s.whatsapp.net"  # session 2 of the default fixtures
NEWCOMER, NEWCOMER_JID = "+15557654321", "15557654321@s.whatsapp.net"
PICTURED_GROUP = "120363000000000001@g.us"


def is_png(url: str) -> bool:
    image = downloaded(url)
    return image.headers["content-type"] == "image/png" and image.content.startswith(b"\x89PNG")


@pytest.mark.sdk(
    "node",
    "getContacts", "getContactInfo", "getContactProfilePicture", "checkIfOnWhatsapp", "blockContact",
    "unblockContact", "sendText",
)  # fmt: skip
def test_the_address_book_and_a_block(live_server: LiveServer, node_sdk: Callable[..., dict]) -> None:
    result = node_sdk(
        "contacts.cjs", BASE_URL=live_server.api_url, API_KEY=CONNECTED_KEY,
        CONTACT=CONTACT, STRANGER=STRANGER, NOT_ON_WHATSAPP=NOT_ON_WHATSAPP,
    )  # fmt: skip
    names = {contact["id"]: contact["name"] for contact in result["contactsBefore"]}
    assert names[CONTACT_JID] == "Alice Example" and "15557770042@s.whatsapp.net" not in names
    assert (result["info"]["id"], result["info"]["name"]) == (CONTACT_JID, "Alice Example")
    assert is_png(result["picture"]["imgUrl"])
    assert result["onWhatsapp"] == {"contact": {"exists": True}, "notOnWhatsapp": {"exists": False}}
    assert result["unknownInfo"]["statusCode"] == 404

    blocking = result["blocking"]
    assert blocking["blocked"] == {"message": "Contact blocked"} and blocking["unblocked"] == {"message": "Contact unblocked"}
    assert blocking["sendWhileBlocked"]["statusCode"] == 400 and "blocked" in blocking["sendWhileBlocked"]["message"]
    assert blocking["sentAfterUnblock"]["status"] == "in_progress"

    # The list the SDK read is the session's address book, with the stranger it wrote to added.
    listed = httpx.get(f"{live_server.api_url}/contacts", headers=auth(CONNECTED_KEY)).json()["data"]
    assert [contact["id"] for contact in result["contactsAfter"]] == [contact["id"] for contact in listed]
    assert set(names) | {"15557770042@s.whatsapp.net"} == {contact["id"] for contact in listed}


@pytest.mark.sdk(
    "node",
    "connectWhatsAppSession", "createGroup", "getGroups", "getGroupMetadata", "getGroupParticipants",
    "addGroupParticipants", "removeGroupParticipants", "updateGroupParticipants", "updateGroupSettings",
    "getGroupInviteLink", "getGroupInviteInfo", "acceptGroupInvite", "leaveGroup", "getGroupProfilePicture",
)  # fmt: skip
def test_a_group_seen_by_its_owner_and_a_member(live_server: LiveServer, node_sdk: Callable[..., dict]) -> None:
    result = node_sdk(
        "groups.cjs", BASE_URL=live_server.api_url, PAT=PAT, OWNER_KEY=CONNECTED_KEY,
        MEMBER_ID=str(DISCONNECTED_ID), MEMBER_KEY=DISCONNECTED_KEY, MEMBER_JID=MEMBER_JID,
        NEWCOMER=NEWCOMER, NOT_ON_WHATSAPP=NOT_ON_WHATSAPP, PICTURED_GROUP=PICTURED_GROUP,
    )  # fmt: skip
    jid = result["created"]["id"]
    assert jid.endswith("@g.us") and result["created"]["subject"] == "Node group"
    assert jid in result["memberGroups"]
    assert result["rolesAtCreation"] == {OWNER_JID: "superadmin", MEMBER_JID: None}

    settings = result["settings"]
    changes = settings["changes"]
    assert {field: settings["answered"][field] for field in changes} == changes
    metadata = settings["metadata"]  # as the member reads it
    assert (metadata["subject"], metadata["desc"], metadata["announce"]) == (changes["subject"], changes["description"], True)
    assert settings["memberSendsInAnnounceMode"]["statusCode"] == 400
    assert settings["memberChangesRules"]["statusCode"] == 400

    membership = result["membership"]
    assert [(r["status"], r["message"]) for r in membership["added"]] == [(200, "added"), (404, "not-on-whatsapp")]
    assert [(r["status"], r["id"]) for r in membership["promoted"]] == [(200, MEMBER_JID)]
    assert membership["rolesSeenByMember"] == {OWNER_JID: "superadmin", MEMBER_JID: "admin", NEWCOMER_JID: None}
    assert membership["rolesAfterDemote"][MEMBER_JID] is None
    assert [(r["status"], r["message"]) for r in membership["removed"]] == [(200, "removed")]
    assert jid not in membership["memberGroupsAfterRemove"]
    assert membership["memberMetadataAfterRemove"]["statusCode"] == 400

    invitation = result["invitation"]
    link = f"https://chat.whatsapp.com/{invitation['code']}"
    assert invitation["link"]["inviteLink"] == invitation["link"]["data"]["link"] == link
    assert (invitation["info"]["groupJid"], invitation["info"]["subject"]) == (jid, "Node group, renamed")
    assert invitation["accepted"]["id"] == jid and MEMBER_JID in invitation["participantsAfterJoin"]
    assert invitation["memberRefusedLink"]["statusCode"] == 400

    leaving = result["leaving"]
    assert leaving["left"]["success"] is True
    assert leaving["participantsAfterLeave"] == [OWNER_JID, NEWCOMER_JID]
    assert jid not in leaving["memberGroupsAfterLeave"]

    pictures = result["pictures"]
    assert is_png(pictures["pictured"]["imgUrl"]) and pictures["created"]["imgUrl"] is None

    # The member's session was told of each change to its membership, in order.
    changes = [(d["action"], d["participants"]) for d in journal(live_server.url, DISCONNECTED_ID, "group-participants.update")]
    own = [action for action, participants in changes if participants == [MEMBER_JID]]
    assert own == ["promote", "demote", "remove", "add", "remove"]
