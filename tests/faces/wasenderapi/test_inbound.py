"""POST /admin/sessions/{id}/inbound: what only a phone or another user can do, as the service would."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from emulator.domain.events import DOCUMENTED_EVENTS
from tests.conftest import CONNECTED_ID, CONNECTED_KEY, DISCONNECTED_ID, PAT, auth
from tests.webhooks.support import (
    GROUP_JID,
    PNG_DATA_URL,
    SOMEONE,
    arrived,
    inbox_url,
    inject,
    make_hooked_client,
    point_webhook,
    send_message,
)


@pytest.fixture
def hooked() -> Iterator[TestClient]:
    with make_hooked_client() as client:
        point_webhook(client, inbox_url("all"), list(DOCUMENTED_EVENTS))
        yield client


def bodies(client: TestClient) -> list[dict]:
    return [request["body"] for request in arrived(client, "all")]


def data_of(client: TestClient, event: str) -> list:
    return [b["data"] for b in bodies(client) if b["event"] == event]


def test_a_text_is_stored_and_announced_as_a_personal_message(hooked: TestClient) -> None:
    made = inject(hooked, {"from": SOMEONE, "text": "hello"})
    events = [b["event"] for b in bodies(hooked) if b["event"].startswith("messages")]
    assert events == ["messages.upsert", "messages.received", "messages-personal.received"]
    key = data_of(hooked, "messages.received")[0]["messages"]["key"]
    assert key["cleanedSenderPn"] == "15551234567"
    assert key["id"] == made["key"]["id"]
    info = hooked.get(f"/api/messages/{made['msgId']}/info", headers=auth(CONNECTED_KEY))
    assert info.status_code == 200


def test_a_group_message_names_its_member(hooked: TestClient) -> None:
    inject(hooked, {"from": SOMEONE, "group": GROUP_JID, "text": "hi all"})
    [group] = data_of(hooked, "messages-group.received")
    key = group["messages"]["key"]
    assert (key["remoteJid"], key["cleanedParticipantPn"], key["addressingMode"]) == (GROUP_JID, "15551234567", "lid")


def test_a_channel_post_needs_no_sender(hooked: TestClient) -> None:
    inject(hooked, {"channel": "120363000000000009@newsletter", "text": "news"})
    assert len(data_of(hooked, "messages-newsletter.received")) == 1


def test_inbound_media_decrypts_through_the_api(hooked: TestClient) -> None:
    inject(hooked, {"from": SOMEONE, "media": {"kind": "image", "base64": PNG_DATA_URL}, "text": "look"})
    [received] = data_of(hooked, "messages.received")
    assert received["messages"]["messageBody"] == "look"
    assert received["messages"]["message"]["imageMessage"]["mimetype"] == "image/png"
    decrypted = hooked.post("/api/decrypt-media", json={"data": received}, headers=auth(CONNECTED_KEY))
    assert decrypted.status_code == 200, decrypted.text
    file = hooked.get(decrypted.json()["publicUrl"].removeprefix("http://testserver.local"))
    assert file.content == base64.b64decode(PNG_DATA_URL.split(",", 1)[1])


def test_location_contact_card_and_reply(hooked: TestClient) -> None:
    sent = send_message(hooked, text="question?")
    inject(hooked, {"from": SOMEONE, "location": {"latitude": 52.5, "longitude": 13.4, "name": "Berlin"}})
    inject(hooked, {"from": SOMEONE, "contact": {"name": "Bob", "phone": "+15559876543"}})
    reply = inject(hooked, {"from": SOMEONE, "text": "answer", "reply_to": sent})
    location, card, answer = (d["messages"] for d in data_of(hooked, "messages.received"))
    assert location["message"]["locationMessage"]["degreesLatitude"] == 52.5
    assert card["message"]["contactMessage"]["displayName"] == "Bob"
    assert answer["messageBody"] == "answer"
    context = reply["message"]["extendedTextMessage"]["contextInfo"]
    assert context["quotedMessage"] == {"conversation": "question?"}
    assert context["participant"] == "15550100001@s.whatsapp.net"


def test_read_incoming_messages_marks_inbound_read(hooked: TestClient) -> None:
    hooked.put(f"/api/whatsapp-sessions/{CONNECTED_ID}", json={"read_incoming_messages": True}, headers=auth(PAT))
    made = inject(hooked, {"from": SOMEONE, "text": "hello"})
    assert data_of(hooked, "messages.update") == [{"key": made["key"], "update": {"status": 4}}]


def test_reactions_and_poll_votes(hooked: TestClient) -> None:
    poll = send_message(hooked, poll={"question": "Lunch?", "options": ["Pizza", "Sushi"]})
    inject(hooked, {"from": SOMEONE, "reaction": {"message": poll, "emoji": "🍕"}})
    inject(hooked, {"from": SOMEONE, "vote": {"message": poll, "options": ["Pizza"]}})
    inject(hooked, {"from": "+15559876543", "vote": {"message": poll, "options": ["Pizza"]}})
    inject(hooked, {"from": SOMEONE, "vote": {"message": poll, "options": ["Sushi"]}})  # changes their vote
    [reaction] = data_of(hooked, "messages.reaction")
    assert reaction[0]["reaction"]["text"] == "🍕"
    assert data_of(hooked, "poll.results")[-1]["pollResult"] == [
        {"name": "Pizza", "voters": ["15559876543@s.whatsapp.net"]},
        {"name": "Sushi", "voters": ["15551234567@s.whatsapp.net"]},
    ]


def test_a_vote_must_name_options_of_a_poll(hooked: TestClient) -> None:
    poll = send_message(hooked, poll={"question": "Lunch?", "options": ["Pizza", "Sushi"]})
    text = send_message(hooked, text="not a poll")
    wrong = hooked.post(f"/admin/sessions/{CONNECTED_ID}/inbound", json={"from": SOMEONE, "vote": {"message": poll, "options": ["Tacos"]}})
    assert wrong.status_code == 422
    assert "vote.options.0" in wrong.json()["errors"]
    both = hooked.post(f"/admin/sessions/{CONNECTED_ID}/inbound", json={"from": SOMEONE, "vote": {"message": poll, "options": ["Pizza", "Sushi"]}})
    assert "vote.options" in both.json()["errors"]
    not_poll = hooked.post(f"/admin/sessions/{CONNECTED_ID}/inbound", json={"from": SOMEONE, "vote": {"message": text, "options": ["Pizza"]}})
    assert not_poll.json()["errors"] == {"vote.message": ["The vote.message field must be a poll."]}


@pytest.mark.parametrize(("reject", "statuses"), [(False, ["offer"]), (True, ["offer", "reject"])])
def test_calls_are_rejected_when_the_session_says_so(hooked: TestClient, reject: bool, statuses: list[str]) -> None:
    hooked.put(f"/api/whatsapp-sessions/{CONNECTED_ID}", json={"auto_reject_calls": reject}, headers=auth(PAT))
    made = inject(hooked, {"from": SOMEONE, "call": {}})
    assert made["rejected"] is reject
    assert [d["call"]["status"] for d in data_of(hooked, "call")] == statuses


def test_group_receipts_are_for_messages_sent_to_a_group(hooked: TestClient) -> None:
    to_group = send_message(hooked, to=GROUP_JID, text="hello group")
    made = inject(hooked, {"from": SOMEONE, "receipt": {"message": to_group, "status": "delivered"}})
    assert made["message"]["receipt"]["userJid"] == "15551234567@s.whatsapp.net"
    assert "receiptTimestamp" in made["message"]["receipt"]
    personal = send_message(hooked, text="hi")
    refused = hooked.post(f"/admin/sessions/{CONNECTED_ID}/inbound", json={"from": SOMEONE, "receipt": {"message": personal}})
    assert refused.status_code == 422


def test_only_the_sender_deletes_a_message(hooked: TestClient) -> None:
    made = inject(hooked, {"from": SOMEONE, "text": "oops"})
    other = hooked.post(f"/admin/sessions/{CONNECTED_ID}/inbound", json={"from": "+15559876543", "revoke": {"message": made["msgId"]}})
    assert other.status_code == 422
    inject(hooked, {"from": SOMEONE, "revoke": {"message": made["msgId"]}})
    assert data_of(hooked, "messages.delete") == [{"keys": [made["key"]]}]
    assert hooked.get(f"/api/messages/{made['msgId']}/info", headers=auth(CONNECTED_KEY)).status_code == 404


def test_contact_and_chat_changes(hooked: TestClient) -> None:
    inject(hooked, {"from": SOMEONE, "contact_update": {"status": "Busy"}})
    inject(hooked, {"from": SOMEONE, "group": GROUP_JID.removesuffix("@g.us"), "chat": {"event": "update", "archived": True}})
    inject(hooked, {"from": SOMEONE, "chat": {"event": "delete"}})
    assert data_of(hooked, "contacts.update") == [[{"jid": "15551234567@s.whatsapp.net", "status": "Busy"}]]
    assert data_of(hooked, "chats.update") == [
        [{"id": GROUP_JID, "conversationTimestamp": 1735689600, "unreadCount": 0, "archived": True}]
    ]
    assert data_of(hooked, "chats.delete") == [["15551234567@s.whatsapp.net"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": "no sender"}, "from"),
        ({"from": "not a number", "text": "x"}, "from"),
        ({"from": SOMEONE, "group": "123@s.whatsapp.net", "text": "x"}, "group"),
        ({"from": SOMEONE, "text": "x", "call": {}}, "text"),
        ({"from": SOMEONE, "location": {"latitude": 1, "longitude": 2}, "contact": {"name": "a", "phone": "+15559876543"}}, "contact"),
        ({"from": SOMEONE, "location": {"latitude": 100, "longitude": 2}}, "location.latitude"),
        ({"from": SOMEONE, "reply_to": 999_999, "text": "x"}, "reply_to"),
        ({"from": SOMEONE, "media": {"kind": "image", "base64": "%%%"}}, None),
        ({"from": SOMEONE, "chat": {"mute_end_time": 2**64}}, "chat.mute_end_time"),
    ],
)
def test_faults_are_422_naming_the_field(hooked: TestClient, body: dict, field: str | None) -> None:
    response = hooked.post(f"/admin/sessions/{CONNECTED_ID}/inbound", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["success"] is False
    if field is not None:
        assert field in response.json()["errors"]


def test_unknown_and_disconnected_sessions(hooked: TestClient) -> None:
    assert hooked.post("/admin/sessions/999/inbound", json={"from": SOMEONE, "text": "x"}).status_code == 404
    offline = hooked.post(f"/admin/sessions/{DISCONNECTED_ID}/inbound", json={"from": SOMEONE, "text": "x"})
    assert offline.status_code == 400
