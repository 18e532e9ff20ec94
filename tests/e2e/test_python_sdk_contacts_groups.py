"""The official Python SDK's contact and group methods against a running emulator."""

from __future__ import annotations

import httpx
import pytest
from wasenderapi import create_sync_wasender
from wasenderapi.errors import WasenderAPIError
from wasenderapi.groups import UpdateGroupSettingsPayload

from tests.conftest import CONNECTED_KEY, LiveServer

ADMIN_GROUP, MEMBER_GROUP = "120363000000000001@g.us", "120363000000000002@g.us"
ME, ALICE = "15550100001@s.whatsapp.net", "15551234567@s.whatsapp.net"


def test_contact_methods(live_server: LiveServer) -> None:
    httpx.post(f"{live_server.url}/admin/reset")
    client = create_sync_wasender(CONNECTED_KEY, base_url=live_server.api_url)
    contacts = client.get_contacts().response.data
    assert "Alice Example" in [c.name for c in contacts]
    info = client.get_contact_info("+15551234567").response.data
    assert info.id == ALICE and info.name == "Alice Example"
    picture = client.get_contact_profile_picture("15551234567").response.data.img_url
    image = httpx.get(picture)
    assert image.headers["content-type"] == "image/png" and image.content.startswith(b"\x89PNG")
    assert client.block_contact("+15551234567").response.data.message == "Contact blocked"
    with pytest.raises(WasenderAPIError) as refused:
        client.send_text("+15551234567", "hi")
    assert refused.value.status_code == 400
    assert client.unblock_contact("+15551234567").response.data.message == "Contact unblocked"
    with pytest.raises(WasenderAPIError) as unknown:
        client.get_contact_info("+15557777777")
    assert unknown.value.status_code == 404


@pytest.mark.parametrize("group", [ADMIN_GROUP, MEMBER_GROUP])
def test_group_reads_on_the_fixture_groups(live_server: LiveServer, group: str) -> None:
    client = create_sync_wasender(CONNECTED_KEY, base_url=live_server.api_url)
    assert group in [g.id for g in client.get_groups().response.data]
    metadata = client.get_group_metadata(group).response.data
    assert metadata.id == group and ME in [p.id for p in metadata.participants]
    assert [p.id for p in client.get_group_participants(group).response.data] == [p.id for p in metadata.participants]
    client.get_group_profile_picture(group)


def test_group_methods_on_a_created_group(live_server: LiveServer) -> None:
    httpx.post(f"{live_server.url}/admin/reset")
    client = create_sync_wasender(CONNECTED_KEY, base_url=live_server.api_url)
    jid = client.create_group("SDK group", ["+15551234567"]).response.data["id"]
    assert jid in [g.id for g in client.get_groups().response.data]
    assert {p.id: p.admin for p in client.get_group_metadata(jid).response.data.participants} == {ME: "superadmin", ALICE: None}

    added = client.add_group_participants(jid, ["+15557654321"]).response.data
    assert [(r.status, r.message) for r in added] == [(200, "added")]
    promoted = client.update_group_participants(jid, "promote", [ALICE]).response.data
    assert [(r.status, r.jid) for r in promoted] == [(200, ALICE)]
    assert {p.id: p.admin for p in client.get_group_metadata(jid).response.data.participants}[ALICE] == "admin"
    client.update_group_participants(jid, "demote", [ALICE])
    assert {p.id: p.admin for p in client.get_group_metadata(jid).response.data.participants}[ALICE] is None
    removed = client.remove_group_participants(jid, ["+15557654321"]).response.data
    assert [(r.status, r.message) for r in removed] == [(200, "removed")]

    settings = client.update_group_settings(jid, UpdateGroupSettingsPayload(subject="Renamed", description="d", announce=True))
    assert settings.response.data.subject == "Renamed"
    metadata = client.get_group_metadata(jid).response.data
    assert (metadata.subject, metadata.desc, metadata.announce) == ("Renamed", "d", True)

    link = client.get_group_invite_link(jid).response.data.link
    code = link.rsplit("/", 1)[1]
    invite = client.get_group_invite_info(code).response.data
    assert invite.group_jid == jid and invite.subject == "Renamed"
    assert client.accept_group_invite(code).response.data["id"] == jid

    client.leave_group(jid)
    assert jid not in [g.id for g in client.get_groups().response.data]
    with pytest.raises(WasenderAPIError) as gone:
        client.get_group_metadata(jid)
    assert gone.value.status_code == 400


def test_refusals_reach_the_sdk_as_errors(live_server: LiveServer) -> None:
    httpx.post(f"{live_server.url}/admin/reset")
    client = create_sync_wasender(CONNECTED_KEY, base_url=live_server.api_url)
    with pytest.raises(WasenderAPIError) as not_admin:
        client.update_group_participants(MEMBER_GROUP, "promote", [ME])
    assert not_admin.value.status_code == 400 and "not an admin" in not_admin.value.message
    denied = client.add_group_participants(MEMBER_GROUP, ["+15557654321"]).response.data
    assert [(r.status, r.message) for r in denied] == [(403, "not-authorized")]
    with pytest.raises(WasenderAPIError) as bad_code:
        client.get_group_invite_info("NoSuchCode")
    assert bad_code.value.status_code == 404
