"""The official Python SDK (jsii) against the Wasend face: the README's lifecycle, then each session
and message method, every answer checked against the state read back."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from emulator.domain.sessions import qr_png_data_url
from tests.faces.wasend.conftest import Wasend

PNG = qr_png_data_url("a picture").partition(",")[2]


@pytest.fixture(scope="module")
def working(wasend: Wasend, sdk: Any) -> str:
    """The README's lifecycle: create -> QR -> start -> scan -> WORKING; answers the session id."""
    created = sdk.create_session(session_name="Readme demo", phone_number=wasend.phone())
    session_id = created.unique_session_id
    assert created.status == "SCAN_QR_CODE" and created.name == session_id and len(created.id) == 24
    assert created.config.metadata.user_email == "demo@example.com" and created.engine.gows.connected is False
    qr = sdk.retrieve_qr_code(session_id).data
    assert base64.b64decode(qr).startswith(b"\x89PNG")
    assert sdk.start_session(session_id).status == "SCAN_QR_CODE"  # already running: a no-op
    wasend.scan(session_id)
    info = sdk.retrieve_session_info(session_id)
    assert info.status == "WORKING" and info.engine.gows.connected is True
    return session_id


def test_the_readme_lifecycle_ends_in_a_send(wasend: Wasend, sdk: Any, working: str) -> None:
    sent = sdk.send(session=working, to="+15551234567", text="hello from Wasend")
    assert sent.from_me is True and sent.type == "text" and sent.content == "hello from Wasend"
    assert sent.id.startswith("true_15551234567@c.us_") and sent.to == "15551234567@c.us"
    wasend.advance(60)
    stored = sdk.get_message(sent.id)
    assert stored.success is True and stored.data["status"] in ("DEVICE", "READ")


def test_an_injected_fault_reaches_the_sdk_as_a_failed_call_and_the_next_call_goes(wasend: Wasend, sdk: Any, working: str) -> None:
    rule = {"route": "POST /wasend/send", "session_id": working, "times": 1, "action": {"type": "error", "status": 503}}
    created = wasend.admin.post("/faults", json=rule).json()["data"]
    try:
        with pytest.raises(RuntimeError, match="503"):
            sdk.send(session=working, to="+15551234567", text="refused")
        sent = sdk.send(session=working, to="+15551234567", text="through")
        fired = wasend.admin.get(f"/faults/{created['id']}").json()["data"]["fired"]
    finally:
        wasend.admin.delete("/faults")
    assert sent.content == "through" and fired == 1


def test_send_text_names_no_session_and_uses_the_one_working(wasend: Wasend, sdk: Any, working: str) -> None:
    sent = sdk.send_text(text="typed", content="typed", to="+15551234567")
    assert sent.content == "typed" and sent.sender.startswith(sdk.retrieve_session_info(working).phone_number[1:])
    second = sdk.create_session(session_name="Second working", phone_number=wasend.phone()).unique_session_id
    wasend.scan(second)
    with pytest.raises(RuntimeError, match="400"):
        sdk.send_text(text="which one?", content="which one?", to="+15551234567")
    sdk.stop_session(second)
    assert sdk.send_text(text="again one", content="again one", to="+15551234567").content == "again one"


def test_list_stop_restart_delete(wasend: Wasend, sdk: Any) -> None:
    session_id = sdk.create_session(
        session_name="Managed", phone_number=wasend.phone(), enable_webhook=True, webhook_url="http://127.0.0.1:9/hook"
    ).unique_session_id
    listed = {item.session.unique_session_id: item for item in sdk.retrieve_all_sessions().sessions}
    assert listed[session_id].downstream.status == "SCAN_QR_CODE" and listed[session_id].session.enable_webhook is True
    assert listed[session_id].session.webhook_url == "http://127.0.0.1:9/hook"
    assert sdk.stop_session(session_id).status == "STOPPED"
    assert sdk.retrieve_session_info(session_id).status == "STOPPED"
    assert sdk.restart_session(session_id).status == "SCAN_QR_CODE"
    wasend.scan(session_id)
    assert sdk.restart_session(session_id).status == "WORKING"  # a paired session needs no new scan
    sdk.stop_session(session_id)
    sdk.delete_session(session_id)
    assert session_id not in {item.session.unique_session_id for item in sdk.retrieve_all_sessions().sessions}
    with pytest.raises(RuntimeError, match="404"):
        sdk.retrieve_session_info(session_id)


def test_media_sends_carry_their_kind(sdk: Any, working: str) -> None:
    image = sdk.send_image(data=PNG, caption="look", content="look", to="+15551234567")
    assert image.type == "image" and image.content == "look"
    video = sdk.send_video(url="https://example.com/clip.mp4", caption="clip", content="clip", to="+15551234567")
    assert video.type == "video"
    voice = sdk.send_voice(url="https://example.com/v.ogg", duration=3, content="", to="+15551234567")
    assert voice.type == "audio"
    document = sdk.send_file(
        url="https://example.com/r.pdf", file_name="r.pdf", mime_type="application/pdf", content="", to="+15551234567"
    )
    assert document.type == "document"
    preview = sdk.send_link_custom_preview(
        text="see https://example.com", preview={"title": "Example"}, content="", to="+15551234567"
    )
    assert preview.type == "text" and preview.content == "see https://example.com"
    unified = sdk.send(session=working, to="+15551234567", image_url="https://example.com/b.png", text="caption")
    assert unified.type == "image"
    for message in (image, video, voice, document, preview, unified):
        assert sdk.get_message(message.id).data["type"] == message.type


def test_seen_typing_and_reactions(wasend: Wasend, sdk: Any, working: str) -> None:
    echo = "+15550040001"  # answers every text
    sent = sdk.send(session=working, to=echo, text="ping")
    wasend.advance(60)
    received = [e for e in wasend.events(working, "messages.received")]
    assert received, "the echo number answered"
    key = received[-1]["data"]["messages"]["key"]
    inbound_id = f"false_{key['remoteJid'].replace('@s.whatsapp.net', '@c.us')}_{key['id']}"
    sdk.send_seen(session=working, to=echo, message_id=inbound_id)
    assert wasend.events(working, "messages.update")[-1]["data"]["update"]["status"] == 4  # read
    sdk.start_typing(session=working, to=echo)
    sdk.stop_typing(session=working, to=echo)
    presence = wasend.admin.get(f"/sessions/{working}/presence").json()["data"]
    assert [p["type"] for p in presence[-2:]] == ["composing", "paused"]
    assert sdk.send_reaction(session=working, message_id=sent.id, reaction="👍").success is True
    reaction = wasend.events(working, "messages.upsert")[-1]["data"]["messages"][0]["message"]["reactionMessage"]
    assert reaction["text"] == "👍" and reaction["key"]["id"] == sent.id.rpartition("_")[2]
    missing = sdk.send_reaction(session=working, message_id="true_1@c.us_NOPE", reaction="x")
    assert missing.success is False


def test_account_and_contact_checks(sdk: Any, working: str) -> None:
    account = sdk.retrieve_account()
    assert account.success is True and account.data["name"] == "Demo Account" and account.data["plan"] == "paid"
    assert sdk.check_contact_exists(working, phone="15551234567").exists is True
    assert sdk.check_contact_exists(working, phone="15550000000").exists is False
    assert sdk.get_message("true_1@c.us_NOPE").success is False
    assert sdk.retrieve_config().base_url.endswith("/wasend")


def test_another_accounts_session_is_not_found(wasend: Wasend, sdk: Any) -> None:
    other_key = wasend.admin.post("/accounts", json={}).json()["data"]["keys"]["wasend"]
    from wasend import WasendClient

    other = WasendClient(api_key=other_key, base_url=wasend.base_url)
    mine = other.create_session(session_name="Not yours", phone_number=wasend.phone()).unique_session_id
    with pytest.raises(RuntimeError, match="404"):
        sdk.retrieve_session_info(mine)
    with pytest.raises(RuntimeError, match="401"):
        WasendClient(api_key="wrong", base_url=wasend.base_url).retrieve_all_sessions()


def test_groups_are_the_networks_groups(wasend: Wasend, sdk: Any, working: str) -> None:
    created = sdk.create_group(working, name="Wasend group", participants=[{"id": "+15551234567"}], description="ours")
    jid = created.jid
    assert created.name == "Wasend group" and created.topic == "ours"
    assert {p.phone_number for p in created.participants} == {"15558880001@s.whatsapp.net", "15551234567@s.whatsapp.net"}
    assert jid in {g.jid for g in sdk.get_groups(working)}
    assert sdk.get_groups_count(working).total == len(sdk.get_groups(working))
    sdk.set_group_subject(working, jid, subject="Renamed")
    sdk.set_group_description(working, jid, description="changed")
    assert (sdk.get_group(working, jid).name, sdk.get_group(working, jid).topic) == ("Renamed", "changed")
    sdk.set_group_messages_admin_only(working, jid, enabled=True)
    assert sdk.get_group_messages_admin_only(working, jid).enabled is True
    sdk.set_group_info_admin_only(working, jid, enabled=True)
    assert sdk.get_group_info_admin_only(working, jid).enabled is True
    sdk.add_group_participants(working, jid, participants=["+15559876543"])
    sdk.promote_group_participants(working, jid, participants=["+15559876543"])
    admins = {p.phone_number for p in sdk.get_group_participants(working, jid) if p.is_admin}
    assert "15559876543@s.whatsapp.net" in admins
    sdk.demote_group_participants(working, jid, participants=["+15559876543"])
    sdk.remove_group_participants(working, jid, participants=["+15559876543"])
    assert "15559876543@s.whatsapp.net" not in {p.phone_number for p in sdk.get_group_participants(working, jid)}
    code = sdk.get_group_invite_code(working, jid)
    assert sdk.get_group_join_info(working, code).jid == jid
    assert sdk.revoke_group_invite_code(working, jid) != code
    sdk.leave_group(working, jid)
    assert jid not in {g.jid for g in sdk.get_groups(working)}
    # The fixtures' group whose invite the network knows: joining puts the session in it.
    joined = sdk.join_group(working, code="https://chat.whatsapp.com/EmuDemoMemberInvite002")
    assert joined is not None and "120363000000000002@g.us" in {g.jid for g in sdk.get_groups(working)}


def test_contacts_are_the_sessions_address_book(sdk: Any, working: str) -> None:
    sdk.send(session=working, to="+15551234567", text="a chat partner is in the address book")
    book = {c.phone_number: c for c in sdk.get_contacts(working)}
    assert "+15551234567" in book and book["+15551234567"].id == "15551234567@c.us"
    assert [c.id for c in sdk.get_contacts(working, limit=1)] == [next(iter(book.values())).id]
    one = sdk.get_contact(working, contact_id="15551234567@c.us")
    assert one.phone_number == "+15551234567"
    picture = sdk.get_contact_profile_picture(working, contact_id="15551234567@c.us")
    assert "/media/avatars/" in picture.url


def _inbound_id(wasend: Wasend, session_id: str) -> str:
    """The WAHA id of the session's latest received message."""
    key = wasend.events(session_id, "messages.received")[-1]["data"]["messages"]["key"]
    return f"false_{key['remoteJid'].replace('@s.whatsapp.net', '@c.us')}_{key['id']}"


def test_chats_list_the_sessions_conversations(wasend: Wasend, sdk: Any, working: str) -> None:
    echo, chat = "+15550040002", "15550040002@c.us"
    sent = sdk.send(session=working, to=echo, text="ping chat")
    wasend.advance(60)  # the echo reads it and answers
    chats = sdk.get_all_chats(working)
    assert chats.success is True
    mine = {c["id"]: c for c in chats.data}[chat]
    assert mine["unreadCount"] == 1 and mine["isGroup"] is False and mine["timestamp"] > 0
    assert mine["name"] == sdk.get_contact(working, contact_id=chat).push_name  # the name it goes by
    by_id = [c["id"] for c in sdk.get_all_chats(working, sort_by="id", sort_order="asc").data]
    assert by_id == sorted(by_id) and chat in by_id
    latest_first = [c["timestamp"] for c in sdk.get_all_chats(working, sort_by="timestamp").data]
    assert latest_first == sorted(latest_first, reverse=True)
    assert sdk.get_all_chats(working, limit=1, offset=1).data == chats.data[1:2]
    overview = sdk.get_chats_overview(working, ids=[chat])
    assert [(c["id"], c["unreadCount"]) for c in overview.data] == [(chat, 1)]

    page = sdk.get_messages(working, chat, limit=10).data
    assert [(m["body"], m["fromMe"]) for m in page] == [("Echo: ping chat", False), ("ping chat", True)]
    assert page[1]["id"] == sent.id and page[1]["ack"] == 3 and page[0]["ack"] == 2 and page[0]["chatId"] == chat
    assert [m["body"] for m in sdk.get_messages(working, chat, limit=10, filter={"from_me": True}).data] == ["ping chat"]
    assert [m["body"] for m in sdk.get_messages(working, chat, limit=10, filter={"ack": 2}).data] == ["Echo: ping chat"]
    newest = page[0]["timestamp"]
    assert sdk.get_messages(working, chat, limit=10, filter={"timestamp_gte": newest + 1}).data == []
    assert len(sdk.get_messages(working, chat, limit=1, offset=1).data) == 1

    inbound = _inbound_id(wasend, working)
    assert sdk.get_message_by_id(working, chat, inbound).data["body"] == "Echo: ping chat"
    assert sdk.get_message_by_id(working, chat, "false_15550040002@c.us_NOPE").success is False


def test_read_messages_reads_the_chat_with_receipts_to_the_sender(wasend: Wasend, sdk: Any, working: str) -> None:
    """A WasenderAPI session writes to the Wasend session; reading the chat turns its sent message read."""
    import httpx

    from tests.conftest import CONNECTED_KEY, auth

    own_phone = sdk.retrieve_session_info(working).phone_number
    with httpx.Client(base_url=wasend.server.api_url, headers=auth(CONNECTED_KEY)) as wasender:
        msg_id = wasender.post("/send-message", json={"to": own_phone, "text": "read me"}).json()["data"]["msgId"]
        wasend.advance(60)

        def sender_status() -> int:
            return wasender.get(f"/messages/{msg_id}/info").json()["data"]["status"]

        chat = "15550100001@c.us"
        before = sdk.get_messages(working, chat, limit=1).data[0]
        assert before["body"] == "read me" and before["ack"] == 2 and sender_status() == 3  # delivered
        read = sdk.read_messages(working, chat, messages=5)
        assert read.success is True
        assert sdk.get_message_by_id(working, chat, before["id"]).data["ackName"] == "READ"
        listed = {c["id"]: c for c in sdk.get_all_chats(working).data}[chat]
        assert listed["unreadCount"] == 0 and listed["name"] == wasender.get("/user").json()["data"]["name"]
        assert sender_status() == 4  # read: the receipt reached the sender
        assert sdk.read_messages(working, chat).success is True  # nothing left unread: still a success


def test_send_message_types_seen_and_sends(wasend: Wasend, sdk: Any, working: str) -> None:
    """The SDK's helper: seen for the message answered, typing on and off, then the send."""
    from wasend import SendRequest

    echo = "+15550040003"
    sdk.send(session=working, to=echo, text="say something")
    wasend.advance(60)
    answered = _inbound_id(wasend, working)
    fast = {"minTypingDuration": "0", "maxTypingDuration": "100", "messageId": answered}
    sent = sdk.send_message(SendRequest(session=working, to=echo, text="hi"), fast)
    assert sent.content == "hi" and sent.from_me is True
    assert sdk.get_message_by_id(working, "15550040003@c.us", answered).data["ackName"] == "READ"
    presence = wasend.admin.get(f"/sessions/{working}/presence").json()["data"]
    assert [p["type"] for p in presence[-2:]] == ["composing", "paused"]
    assert wasend.events(working, "messages.upsert")[-1]["data"]["messages"][0]["messageBody"] == "hi"


def test_chat_and_group_pictures_are_the_networks(wasend: Wasend, sdk: Any, working: str) -> None:
    """A group's picture set and removed through Wasend is the one the WasenderAPI face shows."""
    import httpx

    from tests.conftest import CONNECTED_KEY, auth

    person = sdk.get_chat_picture(working, "15551234567@c.us").data
    assert person["url"].endswith("/media/avatars/15551234567.png")
    assert httpx.get(person["url"]).content.startswith(b"\x89PNG")

    jid = sdk.create_group(working, name="Pictured", participants=[{"id": "+15550100001"}]).jid
    with httpx.Client(base_url=wasend.server.api_url, headers=auth(CONNECTED_KEY)) as wasender:

        def wasender_picture() -> str | None:
            return wasender.get(f"/groups/{jid}/picture").json()["data"]["url"]

        with pytest.raises(RuntimeError, match="404"):
            sdk.get_group_picture(working, jid)
        assert sdk.get_chat_picture(working, jid).data.get("url") is None
        sdk.set_group_picture(working, jid, url="https://example.com/group.jpg", format="jpeg")
        picture = sdk.get_group_picture(working, jid, True)
        assert picture.format == "png" and picture.dimensions == {"width": "96", "height": "96"}
        served = httpx.get(picture.url).content
        assert served.startswith(b"\x89PNG") and len(served) == picture.size
        assert wasender_picture() == picture.url == sdk.get_chat_picture(working, jid).data["url"]
        sdk.delete_group_picture(working, jid)
        with pytest.raises(RuntimeError, match="404"):
            sdk.get_group_picture(working, jid)
        assert wasender_picture() is None


def test_group_list_filters(sdk: Any, working: str) -> None:
    from wasend import GroupStatus

    for name in ("Filter alpha", "Filter beta", "Other gamma"):
        sdk.create_group(working, name=name, participants=[{"id": "+15551234567"}], description=f"about {name}")
    found = sdk.get_groups(working, search="filter", sort_by="subject", sort_order="desc")
    assert [g.name for g in found] == ["Filter beta", "Filter alpha"]
    assert [g.name for g in sdk.get_groups(working, search="ABOUT OTHER")] == ["Other gamma"]
    lean = sdk.get_groups(working, search="filter", exclude=["participants"], limit=1, offset=1, sort_by="subject")
    assert [(g.name, g.participants) for g in lean] == [("Filter beta", [])]
    assert len(sdk.get_groups(working, search="filter", status=GroupStatus.ACTIVE)) == 2
    assert sdk.get_groups(working, status=GroupStatus.ARCHIVED) == []
    assert sdk.get_groups(working, tags=["none"]) == []


def test_a_chats_media_downloads_when_asked(sdk: Any, working: str) -> None:
    import httpx

    chat = "15551230001@c.us"
    image = sdk.send_image(data=PNG, caption="in the chat", content="in the chat", to="+15551230001")
    listed = sdk.get_messages(working, chat, limit=1).data[0]
    assert (listed["id"], listed["hasMedia"], listed["mimetype"], listed["caption"]) == (image.id, True, "image/png", "in the chat")
    assert "mediaUrl" not in listed
    downloaded = sdk.get_message_by_id(working, chat, image.id, download_media=True).data
    assert httpx.get(downloaded["mediaUrl"]).content == base64.b64decode(PNG)
