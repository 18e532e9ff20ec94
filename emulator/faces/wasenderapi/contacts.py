"""Contacts: the session's address book, blocks, profile pictures and the LID <-> number mappings,
plus the profile pictures the emulator serves itself."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get, post, put
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK

from emulator.domain import errors
from emulator.domain.contacts import Contact, avatar_url, contact_entry, user_avatar_name
from emulator.domain.media import MEDIA_NOT_FOUND
from emulator.faces.wasenderapi.auth import calling_session
from emulator.faces.wasenderapi.responses import ok
from emulator.http.requests import core_of
from emulator.http.validation import parse_body, parse_query


class ListQuery(msgspec.Struct):
    """The documented `paginated`, `page` and `limit` of the contact and group lists."""

    paginated: bool = False
    page: Annotated[int, msgspec.Meta(ge=1)] = 1
    limit: Annotated[int, msgspec.Meta(ge=1, le=100)] = 20


class SaveContactBody(msgspec.Struct):
    jid: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    fullName: Annotated[str, msgspec.Meta(max_length=255)] | None = None
    # Syncing to the phone's own address book has nothing to reach in the emulator.
    saveOnPrimaryAddressbook: bool | None = None


def listing(request: Request[Any, Any, Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    """A plain list, or with `?paginated=true` the documented `{items, pagination}` page."""
    query = parse_query(ListQuery, request.query_params)
    if not query.paginated:
        return ok(items)
    start = (query.page - 1) * query.limit
    pagination = {"total": len(items), "page": query.page, "limit": query.limit, "totalPages": -(-len(items) // query.limit)}
    return ok({"items": items[start : start + query.limit], "pagination": pagination})


def picture_url(request: Request[Any, Any, Any], name: str | None) -> str | None:
    return avatar_url(str(request.base_url), name) if name else None


def _contact_json(request: Request[Any, Any, Any], contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.jid,
        **contact_entry(contact),
        "lid": core_of(request).contacts.know(contact.phone),
        "imgUrl": picture_url(request, user_avatar_name(contact.phone)),
    }


@get("/api/contacts", name="contacts")
async def list_contacts(request: Request[Any, Any, Any]) -> dict[str, Any]:
    contacts = await core_of(request).contacts.address_book(calling_session(request))
    return listing(request, [_contact_json(request, c) for c in contacts])


@get("/api/contacts/{phone:str}", name="contact-info")
async def contact_info(request: Request[Any, Any, Any], phone: FromPath[str]) -> dict[str, Any]:
    contact = await core_of(request).contacts.get(calling_session(request), phone)
    return ok(_contact_json(request, contact))


@get(
    ["/api/contacts/{phone:str}/picture", "/api/contacts/{phone:str}/profile-picture"],
    name="contact-picture",
    opt={"rate_limit": "contact_picture"},
)
async def contact_picture(request: Request[Any, Any, Any], phone: FromPath[str]) -> dict[str, Any]:
    name = await core_of(request).contacts.picture(calling_session(request), phone)
    return ok({"imgUrl": picture_url(request, name)})


async def _set_blocked(request: Request[Any, Any, Any], phone: str, blocked: bool) -> dict[str, Any]:
    await core_of(request).contacts.set_blocked(calling_session(request), phone, blocked)
    return ok({"message": "Contact blocked" if blocked else "Contact unblocked"})


@post("/api/contacts/{phone:str}/block", status_code=HTTP_200_OK, name="block-contact")
async def block_contact(request: Request[Any, Any, Any], phone: FromPath[str]) -> dict[str, Any]:
    return await _set_blocked(request, phone, True)


@post("/api/contacts/{phone:str}/unblock", status_code=HTTP_200_OK, name="unblock-contact")
async def unblock_contact(request: Request[Any, Any, Any], phone: FromPath[str]) -> dict[str, Any]:
    return await _set_blocked(request, phone, False)


@put("/api/contacts", name="save-contact")
async def save_contact(request: Request[Any, Any, Any]) -> dict[str, Any]:
    session = calling_session(request)
    body = parse_body(SaveContactBody, await request.body())
    contact = await core_of(request).contacts.save_contact(session, body.jid, body.fullName)
    return ok({"jid": contact.jid, "fullName": contact.name})


@get("/api/lid-from-pn/{pn:str}", name="lid-from-pn")
async def lid_from_pn(request: Request[Any, Any, Any], pn: FromPath[str]) -> dict[str, Any]:
    return ok({"lid": await core_of(request).contacts.lid_from_pn(calling_session(request), pn)})


@get("/api/pn-from-lid/{lid:str}", name="pn-from-lid")
async def pn_from_lid(request: Request[Any, Any, Any], lid: FromPath[str]) -> dict[str, Any]:
    return ok({"pn": await core_of(request).contacts.pn_from_lid(calling_session(request), lid)})


@get("/media/avatars/{name:str}", name="avatar")
async def avatar(request: Request[Any, Any, Any], name: FromPath[str]) -> Response[bytes]:
    core = core_of(request)
    image = core.groups.group_avatar(name) or core.contacts.user_avatar(name)
    if image is None:
        raise errors.NotFound(MEDIA_NOT_FOUND)
    return Response(image, media_type="image/png", headers={"Cache-Control": "public, max-age=86400"})


CONTACT_ROUTES: list[Any] = [
    list_contacts,
    contact_info,
    contact_picture,
    block_contact,
    unblock_contact,
    save_contact,
    lid_from_pn,
    pn_from_lid,
    avatar,
]
