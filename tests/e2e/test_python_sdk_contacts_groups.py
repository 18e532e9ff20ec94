"""The official Python SDK's contact and group methods against a running emulator.

Groups are shared state of the simulated network, so the group tests run two sessions of the
default fixtures: session 1 (the admin) changes a group through the SDK, and session 2 (a
plain member, paired first) reads the change back through the SDK, as another phone would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from wasenderapi.groups import UpdateGroupSettingsPayload

from tests.conftest import CONNECTED_ID, CONNECTED_KEY, DISCONNECTED_ID, DISCONNECTED_KEY, PAT
from tests.e2e.python_sdk_support import (  # noqa: F401 - admin is a fixture
    Admin,
    SdkFactory,
    admin,
    paired_session,
    refusal,
)

ADMIN_GROUP, MEMBER_GROUP = "120363000000000001@g.us", "120363000000000002@g.us"
ME, MEMBER = "15550100001@s.whatsapp.net", "15550100002@s.whatsapp.net"
ALICE, GRACE = "15551234567@s.whatsapp.net", "15559876543@s.whatsapp.net"
NOT_ON_WHATSAPP = "+15550000009"
NOT_AN_ADMIN = "You are not an admin in this group."
FIXTURE_CONTACTS = {"Alice Example", "Echo Bot", "Dana Busy", "Demo new", "Grace Hopper"}


@pytest.fixture(autouse=True)
def _default_fixtures(admin: Admin) -> None:
    """Each test starts from the default fixtures: the groups it changes are shared state."""
    admin.reset()


@pytest.fixture
def client(python_sdk: SdkFactory) -> Any:
    return python_sdk(CONNECTED_KEY)


@dataclass
class TwoPhones:
    owner: Any  # session 1's client: superadmin of the groups it creates
    member: Any  # session 2's client, paired for the test


@pytest.fixture
def phones(python_sdk: SdkFactory, admin: Admin, client: Any) -> TwoPhones:
    python_sdk("unused", personal_access_token=PAT).connect_whatsapp_session(DISCONNECTED_ID)
    admin.scan(DISCONNECTED_ID)
    return TwoPhones(owner=client, member=python_sdk(DISCONNECTED_KEY))


def roles(client: Any, group: str) -> dict[str, str | None]:
    """Who is in `group` and with which role, as `client` reads the participant list."""
    return {p.id: p.admin for p in client.get_group_participants(group).response.data}


def group_ids(client: Any) -> list[str]:
    return [g.id for g in client.get_groups().response.data]


def outcomes(result: Any) -> list[tuple[int, str, str]]:
    return [(r.status, r.jid, r.message) for r in result.response.data]


def serves_png(url: str) -> bool:
    image = httpx.get(url)
    return image.headers["content-type"] == "image/png" and image.content.startswith(b"\x89PNG")


def new_group(phones: TwoPhones, *members: str) -> str:
    """A group session 1 creates with session 2 and `members`."""
    return phones.owner.create_group("SDK group", ["+15550100002", *members]).response.data["id"]


# Contacts ----------------------------------------------------------------------------------------


@pytest.mark.sdk("python", "get_contacts", "get_contact_info", "get_contact_profile_picture")
def test_the_address_book(client: Any, admin: Admin) -> None:
    listed = {c.id: c for c in client.get_contacts().response.data}
    assert {c.name for c in listed.values()} == FIXTURE_CONTACTS

    alice = client.get_contact_info("+15551234567").response.data
    assert (alice.id, alice.name, alice.notify) == (ALICE, "Alice Example", "Alice")
    assert alice == listed[ALICE]
    picture = client.get_contact_profile_picture("15551234567").response.data.img_url
    assert picture == alice.img_url and serves_png(picture)

    # Whoever writes to the session joins its address book.
    admin.inbound(CONNECTED_ID, **{"from": "+15557770123", "text": "hi, new here"})
    assert "15557770123@s.whatsapp.net" in [c.id for c in client.get_contacts().response.data]
    assert client.get_contact_info("15557770123@s.whatsapp.net").response.data.id == "15557770123@s.whatsapp.net"

    unknown = refusal(lambda: client.get_contact_info("+15557777777"))
    assert (unknown.status_code, unknown.message) == (404, "Contact not found.")


@pytest.mark.sdk("python", "block_contact", "unblock_contact", "send_text", "get_contacts")
def test_a_blocked_contact_cannot_be_sent_to_until_unblocked(client: Any) -> None:
    assert client.block_contact("+15551234567").response.data.message == "Contact blocked"
    refused = refusal(lambda: client.send_text("+15551234567", "hi"))
    assert refused.status_code == 400 and "You blocked this contact" in refused.message
    # Blocking keeps the contact in the address book.
    assert ALICE in [c.id for c in client.get_contacts().response.data]

    assert client.unblock_contact("+15551234567").response.data.message == "Contact unblocked"
    assert client.send_text("+15551234567", "hi again").response.data.status == "in_progress"


# Groups ------------------------------------------------------------------------------------------


@pytest.mark.sdk("python", "get_groups", "get_group_metadata", "get_group_participants", "get_group_profile_picture")
@pytest.mark.parametrize("group", [ADMIN_GROUP, MEMBER_GROUP])
def test_group_reads_on_the_fixture_groups(client: Any, group: str) -> None:
    assert group in group_ids(client)
    metadata = client.get_group_metadata(group).response.data
    assert metadata.id == group and ME in [p.id for p in metadata.participants]
    assert roles(client, group) == {p.id: p.admin for p in metadata.participants}
    picture = client.get_group_profile_picture(group).response.data.url
    # Only the admin group has a picture in the fixtures.
    assert (picture is not None and serves_png(picture)) == (group == ADMIN_GROUP)


@pytest.mark.sdk("python", "create_group", "get_groups", "get_group_metadata", "get_group_participants")
def test_a_created_group_is_shared_with_its_members(phones: TwoPhones) -> None:
    created = phones.owner.create_group("SDK group", ["+15550100002", "+15551234567", NOT_ON_WHATSAPP])
    jid = created.response.data["id"]
    assert jid.endswith("@g.us") and created.response.data["subject"] == "SDK group"

    assert jid in group_ids(phones.owner) and jid in group_ids(phones.member)
    # Numbers not on WhatsApp are left out; the creator is superadmin.
    expected = {ME: "superadmin", MEMBER: None, ALICE: None}
    assert roles(phones.owner, jid) == roles(phones.member, jid) == expected
    seen = phones.member.get_group_metadata(jid).response.data
    assert (seen.subject, seen.owner, seen.size) == ("SDK group", ME, 3)


@pytest.mark.sdk("python", "add_group_participants", "remove_group_participants", "get_group_participants")
def test_an_admin_adds_and_removes_members(phones: TwoPhones) -> None:
    jid = new_group(phones)
    added = phones.owner.add_group_participants(jid, ["+15559876543", "+15550100002", NOT_ON_WHATSAPP])
    assert outcomes(added) == [
        (200, GRACE, "added"),
        (409, MEMBER, "already-a-member"),
        (404, "15550000009@s.whatsapp.net", "not-on-whatsapp"),  # its JID, as the successes
    ]
    assert GRACE in roles(phones.member, jid)
    # A plain member may not add, nor remove.
    assert outcomes(phones.member.add_group_participants(jid, ["+15551234567"])) == [(403, ALICE, "not-authorized")]
    assert outcomes(phones.member.remove_group_participants(jid, ["+15559876543"])) == [(403, GRACE, "not-authorized")]

    removed = phones.owner.remove_group_participants(jid, ["+15559876543"])
    assert outcomes(removed) == [(200, GRACE, "removed")]
    assert roles(phones.member, jid) == {ME: "superadmin", MEMBER: None}


@pytest.mark.sdk("python", "update_group_participants", "get_group_metadata", "get_group_invite_link")
def test_promotion_gives_a_member_admin_rights_and_demotion_takes_them(phones: TwoPhones) -> None:
    jid = new_group(phones)
    refused = refusal(lambda: phones.member.get_group_invite_link(jid))
    assert refused.status_code == 400 and refused.message.endswith(NOT_AN_ADMIN)

    promoted = phones.owner.update_group_participants(jid, "promote", [MEMBER])
    assert outcomes(promoted) == [(200, MEMBER, "promoted")]
    assert {p.id: p.admin for p in phones.member.get_group_metadata(jid).response.data.participants}[MEMBER] == "admin"
    assert phones.member.get_group_invite_link(jid).response.data.link.startswith("https://chat.whatsapp.com/")

    demoted = phones.owner.update_group_participants(jid, "demote", [MEMBER])
    assert outcomes(demoted) == [(200, MEMBER, "demoted")]
    assert {p.id: p.admin for p in phones.member.get_group_metadata(jid).response.data.participants}[MEMBER] is None
    assert refusal(lambda: phones.member.get_group_invite_link(jid)).status_code == 400


@pytest.mark.sdk("python", "update_group_settings", "get_group_metadata", "send_text")
def test_settings_changed_by_the_admin_bind_the_members(phones: TwoPhones) -> None:
    jid = new_group(phones)
    change = UpdateGroupSettingsPayload(subject="Renamed", description="Only news", announce=True, restrict=True)
    answered = phones.owner.update_group_settings(jid, change).response.data
    assert (answered.subject, answered.description) == ("Renamed", "Only news")

    seen = phones.member.get_group_metadata(jid).response.data
    assert (seen.subject, seen.desc, seen.announce, seen.restrict) == ("Renamed", "Only news", True, True)
    # announce: only admins send; restrict: only admins edit the subject and description.
    muted = refusal(lambda: phones.member.send_text(jid, "may I?"))
    assert muted.status_code == 400 and "Only admins can send messages" in muted.message
    assert phones.owner.send_text(jid, "news").response.data.jid == jid
    locked = refusal(lambda: phones.member.update_group_settings(jid, UpdateGroupSettingsPayload(subject="Mine")))
    assert locked.status_code == 400 and locked.message.endswith(NOT_AN_ADMIN)
    assert phones.owner.get_group_metadata(jid).response.data.subject == "Renamed"


@pytest.mark.sdk(
    "python",
    "get_group_invite_link",
    "get_group_invite_info",
    "accept_group_invite",
    "get_groups",
    "get_group_participants",
)
def test_a_third_session_joins_with_the_invite_code(
    python_sdk: SdkFactory, admin: Admin, phones: TwoPhones
) -> None:
    jid = new_group(phones)
    link = phones.owner.get_group_invite_link(jid).response.data.link
    code = link.removeprefix("https://chat.whatsapp.com/")

    _, stranger = paired_session(python_sdk, admin, "SDK stranger")
    preview = stranger.get_group_invite_info(code).response.data
    assert (preview.group_jid, preview.invite_code, preview.subject, preview.size) == (jid, code, "SDK group", 2)
    assert jid not in group_ids(stranger)

    assert stranger.accept_group_invite(code).response.data["id"] == jid
    assert jid in group_ids(stranger)
    assert len(roles(phones.member, jid)) == 3

    unknown = refusal(lambda: stranger.get_group_invite_info("NoSuchCode"))
    assert unknown.status_code == 404
    assert unknown.message == "Failed to get group invite info: Invalid or expired invite code."


@pytest.mark.sdk("python", "leave_group", "get_groups", "get_group_participants", "get_group_metadata")
def test_a_member_who_leaves_is_gone_for_everyone(phones: TwoPhones) -> None:
    jid = new_group(phones, "+15551234567")
    left = phones.member.leave_group(jid).response
    assert left.success and left.data == {}

    assert jid not in group_ids(phones.member)
    assert MEMBER not in roles(phones.owner, jid)
    gone = refusal(lambda: phones.member.get_group_metadata(jid))
    assert gone.status_code == 400
    assert gone.message == "Failed to get group metadata: You are not a member of this group."


@pytest.mark.sdk("python", "update_group_participants", "add_group_participants", "get_group_invite_info")
def test_refusals_reach_the_sdk_as_errors(client: Any) -> None:
    not_admin = refusal(lambda: client.update_group_participants(MEMBER_GROUP, "promote", [ME]))
    assert not_admin.status_code == 400 and NOT_AN_ADMIN in not_admin.message
    denied = client.add_group_participants(MEMBER_GROUP, ["+15557654321"])
    assert [(r.status, r.message) for r in denied.response.data] == [(403, "not-authorized")]
    assert refusal(lambda: client.get_group_invite_info("NoSuchCode")).status_code == 404
