"""Groups under /{session}/groups: the network's own groups, in whatsmeow's field names."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, delete, get, post, put
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from emulator.domain.contacts import AVATAR_SIDE, avatar_url
from emulator.domain.groups import Group, SettingsChange, group_avatar_name
from emulator.domain.jids import phone_digits
from emulator.domain.sessions import Session
from emulator.faces.wasend.auth import calling_account, sending_session
from emulator.faces.wasend.bodies import parse, parse_query
from emulator.faces.wasend.errors import WasendError
from emulator.faces.wasend.models import iso_millis
from emulator.http.requests import core_of

PREFIX = "/{session_id:str}/groups"
GROUP = PREFIX + "/{group_id:str}"


class NewParticipant(msgspec.Struct):
    id: str
    isAdmin: bool = False


class CreateGroupRequest(msgspec.Struct, kw_only=True):
    name: str
    participants: list[NewParticipant]
    description: str | None = None
    pictureUrl: str | None = None


class GroupsQuery(msgspec.Struct, kw_only=True):
    sortBy: Literal["id", "subject", "creation", "participantsCount"] | None = None
    sortOrder: Literal["asc", "desc"] = "asc"
    limit: Annotated[int, msgspec.Meta(ge=1)] = 50
    offset: Annotated[int, msgspec.Meta(ge=0)] = 0
    status: Literal["active", "archived", "deleted"] | None = None
    search: str | None = None
    exclude: list[str] = []
    tags: list[str] = []


class PictureRequest(msgspec.Struct, kw_only=True):
    url: Annotated[str, msgspec.Meta(min_length=1)]
    format: Literal["jpeg", "png", "webp"] | None = None
    cropToSquare: bool | None = None


class ParticipantsRequest(msgspec.Struct, kw_only=True):
    participants: list[str | NewParticipant]
    notify: bool | None = None


class TextChange(msgspec.Struct, kw_only=True):
    subject: str | None = None
    description: str | None = None


class Switch(msgspec.Struct):
    enabled: bool


class JoinRequest(msgspec.Struct):
    code: str


def _session(request: Request[Any, Any, Any], session_id: str) -> Session:
    return sending_session(request, calling_account(request), session_id)


def _group(request: Request[Any, Any, Any], session_id: str, group_id: str) -> Group:
    """A group the session is in."""
    return core_of(request).groups.membership(_session(request, session_id), _jid(group_id), "Failed to get group")


def _jid(group_id: str) -> str:
    return group_id if group_id.endswith("@g.us") else f"{group_id}@g.us"


def _code(code: str) -> str:
    """An invite code, or the invite link that ends with it."""
    return code.rstrip("/").rpartition("/")[2]


def _numbers(participants: list[str | NewParticipant]) -> list[str]:
    return [p if isinstance(p, str) else p.id for p in participants]


def _user(digits: str | None) -> str:
    return f"{digits}@s.whatsapp.net" if digits else ""


def group_json(request: Request[Any, Any, Any], group: Group) -> dict[str, Any]:
    """whatsmeow's GroupInfo, every field the SDK's `Group` requires."""
    contacts = core_of(request).contacts
    return {
        "jid": group.jid, "ownerJid": _user(group.owner), "ownerPn": _user(group.owner),
        "name": group.subject, "nameSetAt": iso_millis(group.subject_time),
        "nameSetBy": _user(group.subject_owner), "nameSetByPn": _user(group.subject_owner),
        "topic": group.description or "", "topicId": group.description_id or "",
        "topicSetAt": iso_millis(group.subject_time), "topicSetBy": _user(group.description_owner),
        "topicSetByPn": _user(group.description_owner), "topicDeleted": group.description is None,
        "isLocked": group.restrict_info, "isAnnounce": group.announce, "announceVersionId": "",
        "isEphemeral": False, "disappearingTimer": 0, "isIncognito": False, "isParent": False,
        "isDefaultSubGroup": False, "linkedParentJid": "", "isJoinApprovalRequired": group.join_approval,
        "defaultMembershipApprovalMode": "request_required" if group.join_approval else "",
        "memberAddMode": "all_member_add" if group.member_add else "admin_add", "addressingMode": "pn",
        "creatorCountryCode": "", "groupCreated": iso_millis(group.created_at), "participantVersionId": "",
        "participants": [
            {"jid": _user(m.phone), "phoneNumber": _user(m.phone), "lid": contacts.know(m.phone),
             "isAdmin": m.is_admin, "isSuperAdmin": m.role == "superadmin"}
            for m in group.members.values()
        ],
    }  # fmt: skip


@post(PREFIX, status_code=HTTP_201_CREATED)
async def create_group(request: Request[Any, Any, Any], session_id: FromPath[str]) -> dict[str, Any]:
    session = _session(request, session_id)
    body = parse(CreateGroupRequest, await request.body())
    groups = core_of(request).groups
    group = await groups.create(session, body.name, _numbers(list(body.participants)))
    admins = [phone_digits(p.id) or p.id for p in body.participants if p.isAdmin]
    if admins:
        await groups.change_roles(session, group.jid, "promote", admins)
    if body.description is not None or body.pictureUrl is not None:
        change = SettingsChange(description=body.description, new_picture=body.pictureUrl is not None)
        await groups.update_settings(session, group.jid, change, str(request.base_url))
    return group_json(request, group)


# What each sortBy orders by.
_SORT_KEYS = {
    "id": lambda g: g.jid, "subject": lambda g: g.subject.casefold(), "creation": lambda g: g.created_at,
    "participantsCount": lambda g: len(g.members),
}  # fmt: skip


def _listed(request: Request[Any, Any, Any]) -> GroupsQuery:
    """The query as the SDK sends it: axios spells a list `exclude[]=a&exclude[]=b`."""
    params = request.query_params
    raw: dict[str, Any] = {k: v for k, v in params.items() if not k.endswith("[]")}
    for field in ("exclude", "tags"):
        raw[field] = [p for v in params.getall(field, []) + params.getall(f"{field}[]", []) for p in v.split(",") if p]
    return parse_query(GroupsQuery, raw)


@get(PREFIX)
async def list_groups(request: Request[Any, Any, Any], session_id: FromPath[str]) -> list[dict[str, Any]]:
    """The session's groups, narrowed and sorted as asked. Every group of the network is active and
    carries no tags, so another status or any tag matches none; an excluded participant list comes
    back empty, as the SDK's `Group` requires one."""
    query = _listed(request)
    groups = core_of(request).groups.of_session(_session(request, session_id))
    if (query.status not in (None, "active")) or query.tags:
        groups = []
    if query.search:
        needle = query.search.casefold()
        groups = [g for g in groups if needle in g.subject.casefold() or needle in (g.description or "").casefold()]
    if query.sortBy is not None:
        groups.sort(key=_SORT_KEYS[query.sortBy], reverse=query.sortOrder == "desc")
    answer = [group_json(request, g) for g in groups[query.offset : query.offset + query.limit]]
    if "participants" in query.exclude:
        for group in answer:
            group["participants"] = []
    return answer


@get(PREFIX + "/count")
async def count_groups(request: Request[Any, Any, Any], session_id: FromPath[str]) -> dict[str, Any]:
    total = len(core_of(request).groups.of_session(_session(request, session_id)))
    # The SDK types byStatus as a map of strings.
    return {"total": total, "byStatus": {"active": str(total), "archived": "0", "deleted": "0"}}


@get(PREFIX + "/join-info")
async def join_info(request: Request[Any, Any, Any], session_id: FromPath[str]) -> dict[str, Any]:
    group = core_of(request).groups.by_invite(_session(request, session_id), _code(request.query_params.get("code", "")))
    return group_json(request, group)


@post(PREFIX + "/join", status_code=HTTP_201_CREATED)
async def join_group(request: Request[Any, Any, Any], session_id: FromPath[str]) -> dict[str, Any]:
    session = _session(request, session_id)
    body = parse(JoinRequest, await request.body())
    group = await core_of(request).groups.accept_invite(session, _code(body.code))
    answer: dict[str, Any] = {"id": group.jid, "name": group.subject, "participantsCount": len(group.members)}
    if group.description is not None:
        answer["description"] = group.description
    return answer


@get(GROUP)
async def get_group(request: Request[Any, Any, Any], session_id: FromPath[str], group_id: FromPath[str]) -> dict[str, Any]:
    return group_json(request, _group(request, session_id, group_id))


@post(GROUP + "/leave", status_code=HTTP_200_OK)
async def leave_group(request: Request[Any, Any, Any], session_id: FromPath[str], group_id: FromPath[str]) -> dict[str, Any]:
    await core_of(request).groups.leave(_session(request, session_id), _jid(group_id))
    return {"success": True}


async def _change(request: Request[Any, Any, Any], session_id: str, group_id: str, change: SettingsChange) -> dict[str, Any]:
    session = _session(request, session_id)
    group = await core_of(request).groups.update_settings(session, _jid(group_id), change, str(request.base_url))
    return group_json(request, group)


@put(GROUP + "/subject")
async def set_subject(request: Request[Any, Any, Any], session_id: FromPath[str], group_id: FromPath[str]) -> dict[str, Any]:
    body = parse(TextChange, await request.body())
    return await _change(request, session_id, group_id, SettingsChange(subject=body.subject))


@put(GROUP + "/description")
async def set_description(request: Request[Any, Any, Any], session_id: FromPath[str], group_id: FromPath[str]) -> dict[str, Any]:
    body = parse(TextChange, await request.body())
    return await _change(request, session_id, group_id, SettingsChange(description=body.description or ""))


# Which group flag each admin-only setting is.
_SECURITY = {"info-admin-only": "restrict", "messages-admin-only": "announce"}
_FLAG_OF_FIELD = {"restrict": "restrict_info", "announce": "announce"}


def _security_routes(setting: str) -> list[Any]:
    flag = _SECURITY[setting]
    path = GROUP + f"/settings/security/{setting}"

    async def read(request: Request[Any, Any, Any], session_id: FromPath[str], group_id: FromPath[str]) -> dict[str, Any]:
        return {"enabled": getattr(_group(request, session_id, group_id), _FLAG_OF_FIELD[flag])}

    async def write(request: Request[Any, Any, Any], session_id: FromPath[str], group_id: FromPath[str]) -> dict[str, Any]:
        enabled = parse(Switch, await request.body()).enabled
        await _change(request, session_id, group_id, SettingsChange(**{flag: enabled}))
        return {"enabled": enabled}

    return [get(path, name=f"get-{setting}")(read), put(path, name=f"set-{setting}")(write)]


def group_picture_url(request: Request[Any, Any, Any], group: Group) -> str | None:
    name = group_avatar_name(group)
    return avatar_url(str(request.base_url), name) if name else None


@get(GROUP + "/picture")
async def group_picture(request: Request[Any, Any, Any], session_id: FromPath[str], group_id: FromPath[str]) -> dict[str, Any]:
    """`GroupPictureResponse`, whose `url` the SDK requires: a group without a picture is not found."""
    group = _group(request, session_id, group_id)
    name = group_avatar_name(group)
    png = core_of(request).groups.group_avatar(name) if name else None
    if name is None or png is None:
        raise WasendError(404, "Group has no picture")
    side = str(AVATAR_SIDE)
    return {"url": avatar_url(str(request.base_url), name), "format": "png", "size": len(png),
            "dimensions": {"width": side, "height": side}}  # fmt: skip


@put(GROUP + "/picture")
async def set_group_picture(request: Request[Any, Any, Any], session_id: FromPath[str], group_id: FromPath[str]) -> dict[str, Any]:
    """A new picture for the group; the network draws its own, as it fetches nothing."""
    _session(request, session_id)  # another account's session is not found, whatever the body
    parse(PictureRequest, await request.body())
    await _change(request, session_id, group_id, SettingsChange(new_picture=True))
    return {"success": True}


@delete(GROUP + "/picture", status_code=HTTP_200_OK)
async def delete_group_picture(request: Request[Any, Any, Any], session_id: FromPath[str], group_id: FromPath[str]) -> dict[str, Any]:
    await _change(request, session_id, group_id, SettingsChange(no_picture=True))
    return {"success": True}


@get(GROUP + "/invite-code")
async def invite_code(request: Request[Any, Any, Any], session_id: FromPath[str], group_id: FromPath[str]) -> str:
    return core_of(request).groups.invite_code(_session(request, session_id), _jid(group_id))


@post(GROUP + "/invite-code/revoke", status_code=HTTP_200_OK)
async def revoke_invite_code(request: Request[Any, Any, Any], session_id: FromPath[str], group_id: FromPath[str]) -> str:
    groups = core_of(request).groups
    groups.invite_code(_session(request, session_id), _jid(group_id))  # only an admin may
    return await groups.reset_invite(_jid(group_id))


@get(GROUP + "/participants")
async def participants(request: Request[Any, Any, Any], session_id: FromPath[str], group_id: FromPath[str]) -> list[dict[str, Any]]:
    return group_json(request, _group(request, session_id, group_id))["participants"]


def _participants_route(action: str, path: str) -> Any:
    async def change(request: Request[Any, Any, Any], session_id: FromPath[str], group_id: FromPath[str]) -> list[dict[str, Any]]:
        session = _session(request, session_id)
        numbers = _numbers(parse(ParticipantsRequest, await request.body()).participants)
        groups = core_of(request).groups
        jid = _jid(group_id)
        if action == "add":
            outcomes = await groups.add(session, jid, numbers)
        elif action == "remove":
            outcomes = await groups.remove(session, jid, numbers)
        else:
            outcomes = await groups.change_roles(session, jid, action, numbers)
        return [msgspec.to_builtins(o) for o in outcomes]

    return post(GROUP + path, status_code=HTTP_200_OK, name=f"group-{action}")(change)


GROUP_ROUTES = [
    create_group, list_groups, count_groups, join_info, join_group, get_group, leave_group, set_subject,
    set_description, *_security_routes("info-admin-only"), *_security_routes("messages-admin-only"),
    group_picture, set_group_picture, delete_group_picture, invite_code, revoke_invite_code, participants,
    _participants_route("add", "/participants/add"), _participants_route("remove", "/participants/remove"),
    _participants_route("promote", "/admin/promote"), _participants_route("demote", "/admin/demote"),
]  # fmt: skip
