"""Contacts, always named with `?session=`: the address book, one contact, a profile picture, and
whether a number is on WhatsApp."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, get

from emulator.domain.contacts import Contact, avatar_url
from emulator.domain.jids import phone_digits
from emulator.domain.network import is_on_whatsapp
from emulator.domain.sessions import Session
from emulator.faces.wasend.addresses import WAHA_USER_SERVER, waha_chat_id
from emulator.faces.wasend.auth import calling_account, sending_session
from emulator.faces.wasend.bodies import parse_query
from emulator.faces.wasend.errors import WasendError
from emulator.http.requests import core_of


class ContactsQuery(msgspec.Struct, kw_only=True):
    session: str
    limit: Annotated[int, msgspec.Meta(ge=1)] | None = None
    offset: Annotated[int, msgspec.Meta(ge=0)] = 0
    sortBy: str | None = None
    sortOrder: str | None = None


class ContactQuery(msgspec.Struct, kw_only=True):
    session: str
    contactId: Annotated[str, msgspec.Meta(min_length=1)]
    refresh: bool | None = None


class CheckExistsQuery(msgspec.Struct, kw_only=True):
    session: str
    phone: Annotated[str, msgspec.Meta(min_length=1)]


def _query(request: Request[Any, Any, Any], struct_type: type[Any]) -> tuple[Any, Session]:
    query = parse_query(struct_type, request.query_params)
    return query, sending_session(request, calling_account(request), query.session)


def _contact_json(contact: Contact) -> dict[str, Any]:
    answer: dict[str, Any] = {"id": waha_chat_id(contact.jid), "phoneNumber": f"+{contact.phone}"}
    for field, value in (("name", contact.name), ("pushName", contact.notify), ("status", contact.about)):
        if value is not None:
            answer[field] = value
    return answer


@get("/contacts/all")
async def list_contacts(request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
    query, session = _query(request, ContactsQuery)
    book = [_contact_json(c) for c in await core_of(request).contacts.address_book(session)]
    if query.sortBy in ("id", "name"):
        book.sort(key=lambda c: c.get(query.sortBy) or "", reverse=query.sortOrder == "desc")
    end = None if query.limit is None else query.offset + query.limit
    return book[query.offset : end]


@get("/contacts")
async def get_contact(request: Request[Any, Any, Any]) -> dict[str, Any]:
    query, session = _query(request, ContactQuery)
    return _contact_json(await core_of(request).contacts.get(session, query.contactId.removesuffix(f"@{WAHA_USER_SERVER}")))


@get("/contacts/profile-picture")
async def profile_picture(request: Request[Any, Any, Any]) -> dict[str, Any]:
    query, session = _query(request, ContactQuery)
    name = await core_of(request).contacts.picture(session, query.contactId.removesuffix(f"@{WAHA_USER_SERVER}"))
    return {"url": avatar_url(str(request.base_url), name), "format": "png"}


@get("/contacts/check-exists")
async def check_exists(request: Request[Any, Any, Any]) -> dict[str, Any]:
    query, _ = _query(request, CheckExistsQuery)
    digits = phone_digits(query.phone)
    if digits is None:
        raise WasendError(400, ["phone must be a phone number"])
    exists = is_on_whatsapp(digits) or core_of(request).sessions.with_phone(digits) is not None
    answer: dict[str, Any] = {"exists": exists, "phone": digits}
    if exists:
        answer["jid"] = f"{digits}@{WAHA_USER_SERVER}"
    return answer


CONTACT_ROUTES = [list_contacts, get_contact, profile_picture, check_exists]
