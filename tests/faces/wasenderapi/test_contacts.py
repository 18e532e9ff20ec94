"""Contacts: each session's address book, blocks, profile pictures and the LID <-> number mappings."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from emulator.domain.contacts import CONTACT_NOT_FOUND, LID_NOT_FOUND, NOT_ON_WHATSAPP, PN_NOT_FOUND, SEND_TO_BLOCKED
from emulator.domain.errors import NOT_CONNECTED
from tests.conftest import CONNECTED_ID, CONNECTED_KEY, DISCONNECTED_ID, DISCONNECTED_KEY, PAT, auth, make_client

ALICE = "15551234567"  # a saved contact of session 1 in the default fixtures
FIXTURE_NUMBERS = ["15550020001", "15550040001", "15550100002", "15551234567", "15559876543"]


def call(client: TestClient, method: str, path: str, key: str = CONNECTED_KEY, **kwargs: Any) -> Any:
    return client.request(method, path, headers=auth(key), **kwargs)


def data(client: TestClient, method: str, path: str, key: str = CONNECTED_KEY, **kwargs: Any) -> Any:
    response = call(client, method, path, key, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def assert_error(response: Any, status: int, message: str) -> None:
    assert response.status_code == status, response.text
    assert response.json() == {"success": False, "message": message, "error": message}


def events(client: TestClient, session_id: int, event: str) -> list[Any]:
    return [e["data"] for e in client.get(f"/admin/events?session_id={session_id}&event={event}").json()["data"]]


def send(client: TestClient, to: str, key: str = CONNECTED_KEY) -> Any:
    return call(client, "POST", "/api/send-message", key, json={"to": to, "text": "hello"})


# The address book ----------------------------------------------------------------------------------


def test_the_fixture_address_book_lists_every_contact_with_id_jid_and_a_served_picture(client: TestClient) -> None:
    contacts = data(client, "GET", "/api/contacts")
    assert [c["id"] for c in contacts] == [f"{n}@s.whatsapp.net" for n in FIXTURE_NUMBERS]
    alice = next(c for c in contacts if c["jid"] == f"{ALICE}@s.whatsapp.net")
    assert alice["name"] == "Alice Example" and alice["notify"] == "Alice"
    assert alice["status"] == "Hey there! I am using WhatsApp."
    picture = client.get(alice["imgUrl"])
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"
    assert picture.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_the_served_picture_is_a_whole_valid_png(client: TestClient) -> None:
    url = data(client, "GET", f"/api/contacts/{ALICE}/picture")["imgUrl"]
    png = client.get(url).content
    width, height = struct.unpack(">II", png[16:24])
    chunks, offset = {}, 8
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind, body = png[offset + 4 : offset + 8], png[offset + 8 : offset + 8 + length]
        assert struct.unpack(">I", png[offset + 8 + length : offset + 12 + length])[0] == zlib.crc32(kind + body)
        chunks[kind] = body
        offset += 12 + length
    assert set(chunks) == {b"IHDR", b"IDAT", b"IEND"}
    assert len(zlib.decompress(chunks[b"IDAT"])) == height * (1 + 3 * width)


def test_an_emulator_session_shows_its_session_name_as_push_name(client: TestClient) -> None:
    other = data(client, "GET", "/api/contacts/15550100002")
    assert other["notify"] == "Demo new"


def test_everyone_the_session_messaged_joins_its_address_book(client: TestClient) -> None:
    assert send(client, "+15557654321").status_code == 200
    assert send(client, "+15550000042").status_code == 200  # not on WhatsApp: never a contact
    numbers = [c["jid"] for c in data(client, "GET", "/api/contacts")]
    assert "15557654321@s.whatsapp.net" in numbers and "15550000042@s.whatsapp.net" not in numbers
    assert data(client, "GET", "/api/contacts/+15557654321")["name"] is None


def test_each_session_has_its_own_address_book(client: TestClient) -> None:
    client.post(f"/api/whatsapp-sessions/{DISCONNECTED_ID}/connect", headers=auth(PAT))
    client.post(f"/admin/sessions/{DISCONNECTED_ID}/scan")
    assert data(client, "GET", "/api/contacts", DISCONNECTED_KEY) == []
    assert_error(call(client, "GET", f"/api/contacts/{ALICE}", DISCONNECTED_KEY), 404, CONTACT_NOT_FOUND)


@pytest.mark.parametrize(
    ("query", "expected_numbers", "pagination"),
    [
        ("paginated=true", FIXTURE_NUMBERS, {"total": 5, "page": 1, "limit": 20, "totalPages": 1}),
        ("paginated=true&page=2&limit=2", FIXTURE_NUMBERS[2:4], {"total": 5, "page": 2, "limit": 2, "totalPages": 3}),
        ("paginated=true&page=3&limit=2", FIXTURE_NUMBERS[4:], {"total": 5, "page": 3, "limit": 2, "totalPages": 3}),
        ("paginated=true&page=9&limit=2", [], {"total": 5, "page": 9, "limit": 2, "totalPages": 3}),
        ("paginated=1&limit=100", FIXTURE_NUMBERS, {"total": 5, "page": 1, "limit": 100, "totalPages": 1}),
    ],
)
def test_paginated_lists(client: TestClient, query: str, expected_numbers: list[str], pagination: dict) -> None:
    page = data(client, "GET", f"/api/contacts?{query}")
    assert [c["jid"].split("@")[0] for c in page["items"]] == expected_numbers
    assert page["pagination"] == pagination


def test_without_paginated_the_list_is_plain_whatever_page_and_limit_say(client: TestClient) -> None:
    assert len(data(client, "GET", "/api/contacts?paginated=false&limit=1")) == 5


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("paginated=true&page=0", "page", "The page field must be at least 1."),
        ("paginated=true&limit=0", "limit", "The limit field must be at least 1."),
        ("paginated=true&limit=101", "limit", "The limit field must not be greater than 100."),
        ("paginated=true&page=abc", "page", "The page field must be an integer."),
        ("paginated=maybe", "paginated", "The paginated field must be true or false."),
    ],
)
def test_pagination_bounds_are_validated(client: TestClient, query: str, field: str, message: str) -> None:
    response = call(client, "GET", f"/api/contacts?{query}")
    assert response.status_code == 422
    assert response.json()["errors"] == {field: [message]}


# Looking contacts up --------------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["+15551234567", "15551234567", "%2B15551234567", "15551234567@s.whatsapp.net",
                                   "15551234567%40s.whatsapp.net", "+1 555 123 4567"])
def test_contact_info_accepts_every_way_of_writing_the_number(client: TestClient, phone: str) -> None:
    contact = data(client, "GET", f"/api/contacts/{phone}")
    assert contact["id"] == contact["jid"] == f"{ALICE}@s.whatsapp.net"
    assert contact["name"] == "Alice Example"


def test_contact_info_by_lid(client: TestClient) -> None:
    lid = data(client, "GET", f"/api/lid-from-pn/{ALICE}@s.whatsapp.net")["lid"]
    assert data(client, "GET", f"/api/contacts/{lid}")["jid"] == f"{ALICE}@s.whatsapp.net"


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/api/contacts/+15557777777", 404, CONTACT_NOT_FOUND),
        ("/api/contacts/+15550000001", 404, NOT_ON_WHATSAPP),
        ("/api/contacts/+15550000001/picture", 404, NOT_ON_WHATSAPP),
        ("/api/contacts/999999999999999@lid", 404, NOT_ON_WHATSAPP),
    ],
)
def test_unknown_contacts_and_numbers_not_on_whatsapp(client: TestClient, path: str, status: int, message: str) -> None:
    assert_error(call(client, "GET", path), status, message)


@pytest.mark.parametrize("path", ["/api/contacts/abc", "/api/contacts/123", "/api/contacts/120363000000000001@g.us",
                                  "/api/contacts/abc/picture", "/api/contacts/abc/block"])
def test_malformed_numbers_are_422(client: TestClient, path: str) -> None:
    response = call(client, "POST" if path.endswith("block") else "GET", path)
    assert response.status_code == 422
    assert response.json()["errors"] == {"contactPhoneNumber": ["The contact phone number field format is invalid."]}


@pytest.mark.parametrize("alias", ["picture", "profile-picture"])
def test_every_whatsapp_user_has_a_picture_under_both_paths(client: TestClient, alias: str) -> None:
    url = data(client, "GET", f"/api/contacts/+15557654321/{alias}")["imgUrl"]
    assert url.endswith("/media/avatars/15557654321.png")
    assert client.get(url).headers["content-type"] == "image/png"


@pytest.mark.parametrize("name", ["15550000001.png", "nope.png", "15551234567.jpg", "120363000000000002-1.png"])
def test_pictures_that_do_not_exist_are_json_404s(client: TestClient, name: str) -> None:
    response = client.get(f"/media/avatars/{name}")
    assert response.status_code == 404 and response.json()["success"] is False


# Changing the address book ------------------------------------------------------------------------------


def test_put_creates_then_updates_a_contact_and_publishes_each_upsert(client: TestClient) -> None:
    created = data(client, "PUT", "/api/contacts", json={"jid": "15557654321@s.whatsapp.net", "fullName": "Bob"})
    assert created == {"jid": "15557654321@s.whatsapp.net", "fullName": "Bob"}
    assert data(client, "GET", "/api/contacts/+15557654321")["name"] == "Bob"
    data(client, "PUT", "/api/contacts", json={"jid": "+15557654321", "fullName": "Robert", "saveOnPrimaryAddressbook": True})
    assert data(client, "GET", "/api/contacts/15557654321")["name"] == "Robert"
    upserts = events(client, CONNECTED_ID, "contacts.upsert")
    assert [u[0]["name"] for u in upserts] == ["Bob", "Robert"]
    assert upserts[0][0] == {"jid": "15557654321@s.whatsapp.net", "name": "Bob", "notify": None, "verifiedName": None, "status": None}


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"jid": ["The jid field is required."]}),
        ({"jid": 5}, {"jid": ["The jid field must be a string."]}),
        ({"jid": "x", "fullName": 3}, {"fullName": ["The full name field must be a string."]}),
        ({"jid": "not a number"}, {"jid": ["The jid field format is invalid."]}),
    ],
)
def test_put_validates_its_body(client: TestClient, body: dict, errors: dict) -> None:
    response = call(client, "PUT", "/api/contacts", json=body)
    assert response.status_code == 422 and response.json()["errors"] == errors


def test_put_refuses_a_number_not_on_whatsapp(client: TestClient) -> None:
    assert_error(call(client, "PUT", "/api/contacts", json={"jid": "15550000001@s.whatsapp.net"}), 404, NOT_ON_WHATSAPP)


def test_block_stops_sending_until_unblock(client: TestClient) -> None:
    assert data(client, "POST", f"/api/contacts/{ALICE}/block") == {"message": "Contact blocked"}
    assert_error(send(client, "+15551234567"), 400, SEND_TO_BLOCKED)
    assert_error(send(client, f"{ALICE}@s.whatsapp.net"), 400, SEND_TO_BLOCKED)
    lid = data(client, "GET", f"/api/lid-from-pn/{ALICE}@s.whatsapp.net")["lid"]
    assert_error(send(client, lid), 400, SEND_TO_BLOCKED)
    assert data(client, "POST", f"/api/contacts/%2B{ALICE}/unblock") == {"message": "Contact unblocked"}
    assert send(client, "+15551234567").status_code == 200


def test_blocking_is_per_session_and_an_unsaved_blocked_number_stays_out_of_the_list(client: TestClient) -> None:
    data(client, "POST", "/api/contacts/+15557654321/block")
    assert "15557654321@s.whatsapp.net" not in [c["jid"] for c in data(client, "GET", "/api/contacts")]
    client.post(f"/api/whatsapp-sessions/{DISCONNECTED_ID}/connect", headers=auth(PAT))
    client.post(f"/admin/sessions/{DISCONNECTED_ID}/scan")
    assert send(client, "+15557654321", DISCONNECTED_KEY).status_code == 200


def test_blocks_and_saved_contacts_survive_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "state.db")
    with make_client(db=db) as client:
        data(client, "POST", f"/api/contacts/{ALICE}/block")
        data(client, "PUT", "/api/contacts", json={"jid": "+15557654321", "fullName": "Bob"})
    with make_client(db=db) as client:
        assert_error(send(client, ALICE), 400, SEND_TO_BLOCKED)
        assert data(client, "GET", "/api/contacts/15557654321")["name"] == "Bob"


def test_blocking_a_number_not_on_whatsapp_is_404(client: TestClient) -> None:
    assert_error(call(client, "POST", "/api/contacts/+15550000001/block"), 404, NOT_ON_WHATSAPP)


# LIDs -----------------------------------------------------------------------------------------------------


def test_lid_and_phone_number_map_both_ways(client: TestClient) -> None:
    lid = data(client, "GET", "/api/lid-from-pn/15557654321@s.whatsapp.net")["lid"]
    assert lid.endswith("@lid") and lid.split("@")[0].isdigit()
    assert data(client, "GET", f"/api/pn-from-lid/{lid}") == {"pn": "15557654321@s.whatsapp.net"}
    assert data(client, "GET", "/api/lid-from-pn/15557654321%40s.whatsapp.net")["lid"] == lid  # stable


def test_a_lid_from_a_message_key_resolves_without_asking_for_it_first(client: TestClient) -> None:
    send(client, "+15550040777")  # the echo number answers
    client.post("/admin/clock/advance", json={"seconds": 5})
    inbound = events(client, CONNECTED_ID, "messages.received")[0]["messages"]["key"]
    assert data(client, "GET", f"/api/pn-from-lid/{inbound['senderLid']}") == {"pn": "15550040777@s.whatsapp.net"}
    assert data(client, "GET", "/api/lid-from-pn/15550040777@s.whatsapp.net")["lid"] == inbound["senderLid"]


def test_a_session_user_lid_matches_its_own_lid(client: TestClient) -> None:
    own_lid = data(client, "GET", "/api/user")["lid"]
    assert data(client, "GET", "/api/lid-from-pn/15550100001@s.whatsapp.net")["lid"] == own_lid


@pytest.mark.parametrize("pn", ["15551234567", "+15551234567", "abc", "15551234567@lid", "15550000001@s.whatsapp.net",
                                "120363000000000001@g.us"])
def test_lid_from_pn_refuses_anything_but_a_whatsapp_users_phone_jid(client: TestClient, pn: str) -> None:
    assert_error(call(client, "GET", f"/api/lid-from-pn/{pn}"), 404, PN_NOT_FOUND)


@pytest.mark.parametrize("lid", ["123456789012345@lid", "15551234567@s.whatsapp.net", "abc", "15551234567"])
def test_pn_from_lid_refuses_unknown_and_malformed_lids(client: TestClient, lid: str) -> None:
    assert_error(call(client, "GET", f"/api/pn-from-lid/{lid}"), 404, LID_NOT_FOUND)


# Who may call ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/contacts"),
        ("GET", f"/api/contacts/{ALICE}"),
        ("GET", f"/api/contacts/{ALICE}/picture"),
        ("POST", f"/api/contacts/{ALICE}/block"),
        ("POST", f"/api/contacts/{ALICE}/unblock"),
        ("PUT", "/api/contacts"),
        ("GET", f"/api/lid-from-pn/{ALICE}@s.whatsapp.net"),
        ("GET", "/api/pn-from-lid/123@lid"),
    ],
)
def test_every_contact_endpoint_needs_a_key_and_a_connected_session(client: TestClient, method: str, path: str) -> None:
    body = {"jid": ALICE}
    assert client.request(method, path, json=body).json() == {"success": False, "message": "API key is required"}
    response = call(client, method, path, DISCONNECTED_KEY, json=body)
    assert response.status_code == 400 and response.json() == {"success": False, "message": NOT_CONNECTED}
