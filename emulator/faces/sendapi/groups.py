"""SendAPI groups: create, list and update, on the network's one group machinery. A group's id is
`grp_<ULID>` carrying its WhatsApp JID's number, and a send may address a group by it."""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

import msgspec
from litestar import Request, get, post, put
from litestar.params import FromPath
from litestar.status_codes import HTTP_201_CREATED

from emulator.http.requests import core_of
from emulator.http.timestamps import iso
from emulator.http.validation import parse_body, parse_query
from emulator.domain.accounts import Account
from emulator.domain.errors import DomainError
from emulator.domain.groups import INVITE_LINK_PREFIX, Group, SettingsChange
from emulator.domain.sessions import Session
from emulator.faces import SENDAPI
from emulator.faces.sendapi.access import calling_account
from emulator.faces.sendapi.errors import invalid, not_found
from emulator.faces.sendapi.public_ids import GROUP, integer_id, public_id
from emulator.faces.sendapi.sessions import own_session

GROUP_SERVER = "@g.us"
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=25)]
Description = Annotated[str, msgspec.Meta(max_length=512)]
Phones = Annotated[list[Annotated[str, msgspec.Meta(min_length=1, max_length=32)]], msgspec.Meta(max_length=1024)]


class CreateBody(msgspec.Struct):
    session_id: int | str
    name: Name
    participants: Phones
    description: Description | None = None


class UpdateBody(msgspec.Struct):
    session_id: int | str | None = None
    name: Name | None = None
    description: Description | None = None
    add_participants: Phones | None = None
    remove_participants: Phones | None = None


class ListQuery(msgspec.Struct):
    session_id: str | None = None


def group_public_id(group: Group) -> str:
    return public_id(GROUP, int(group.jid.removesuffix(GROUP_SERVER)))


def group_jid(given: str) -> str | None:
    """The JID a `grp_...` id names, or None when `given` is no group id."""
    number = integer_id(GROUP, given) if given.startswith(GROUP) else None
    return f"{number}{GROUP_SERVER}" if number is not None else None


def _phones(group: Group) -> list[str]:
    return ["+" + phone for phone in group.members]


def _json(group: Group) -> dict[str, Any]:
    return {
        "id": group_public_id(group),
        "name": group.subject,
        "description": group.description,
        "participants": _phones(group),
        "participant_count": len(group.members),
        "invite_link": INVITE_LINK_PREFIX + group.invite_code,
        "created_at": iso(group.created_at),
    }


def _acting_session(request: Request[Any, Any, Any], account: Account, given: int | str | None, jid: str) -> Session:
    """The named session, or the account's first SendAPI session in the group."""
    if given is not None:
        return own_session(request, account, given)
    core = core_of(request)
    for session in core.sessions.of_account(account.id, SENDAPI):
        with contextlib.suppress(DomainError):
            core.groups.membership(session, jid, "Failed to update the group")
            return session
    raise not_found("Group")


@post("/whatsapp/groups", status_code=HTTP_201_CREATED)
async def create_group(request: Request[Any, Any, Any]) -> dict[str, Any]:
    account = calling_account(request)
    body = parse_body(CreateBody, await request.body())
    session = own_session(request, account, body.session_id)
    groups = core_of(request).groups
    group = await groups.create(session, body.name, body.participants)
    if body.description:
        change = SettingsChange(description=body.description)
        group = await groups.update_settings(session, group.jid, change, str(request.base_url))
    return _json(group)


@get("/whatsapp/groups")
async def list_groups(request: Request[Any, Any, Any]) -> dict[str, Any]:
    account = calling_account(request)
    query = parse_query(ListQuery, request.query_params)
    if query.session_id is None:
        raise invalid("session_id", "The session_id query parameter is required.")
    groups = core_of(request).groups.of_session(own_session(request, account, query.session_id))
    rows = [{k: v for k, v in _json(g).items() if k in ("id", "name", "participant_count", "created_at")} for g in groups]
    return {"data": rows, "meta": {"total": len(rows)}}


@put("/whatsapp/groups/{group_id:str}")
async def update_group(request: Request[Any, Any, Any], group_id: FromPath[str]) -> dict[str, Any]:
    account = calling_account(request)
    body = parse_body(UpdateBody, await request.body())
    jid = group_jid(group_id)
    if jid is None:
        raise not_found("Group")
    session = _acting_session(request, account, body.session_id, jid)
    groups = core_of(request).groups
    groups.membership(session, jid, "Failed to update the group")
    if body.name is not None or body.description is not None:
        change = SettingsChange(subject=body.name, description=body.description)
        await groups.update_settings(session, jid, change, str(request.base_url))
    if body.add_participants:
        await groups.add(session, jid, body.add_participants)
    if body.remove_participants:
        await groups.remove(session, jid, body.remove_participants)
    return _json(groups.membership(session, jid, "Failed to update the group"))


GROUP_ROUTES = [create_group, list_groups, update_group]
