"""Groups: create, list, read, change members and settings, invite links, leave, pictures."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, get, post, put
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK

from emulator.domain.groups import INVITE_LINK_PREFIX, Group, Outcome, SettingsChange, group_avatar_name
from emulator.faces.wasenderapi.auth import calling_session
from emulator.faces.wasenderapi.contacts import listing, picture_url
from emulator.faces.wasenderapi.responses import ok
from emulator.http.requests import core_of
from emulator.http.validation import HttpUrl, parse_body

Subject = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]  # WhatsApp's subject limit
Participant = Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
# WhatsApp groups hold up to 1024 members.
Participants = Annotated[list[Participant], msgspec.Meta(min_length=1, max_length=1024)]


class CreateGroupBody(msgspec.Struct):
    name: Subject
    participants: Annotated[list[Participant], msgspec.Meta(max_length=1023)] | None = None


class ParticipantsBody(msgspec.Struct):
    participants: Participants


class RolesBody(msgspec.Struct):
    action: Literal["promote", "demote"]
    participants: Participants


class SettingsBody(msgspec.Struct):
    subject: Subject | None = None
    description: Annotated[str, msgspec.Meta(max_length=2048)] | None = None
    announce: bool | None = None
    restrict: bool | None = None
    joinApproval: bool | None = None
    memberAdd: bool | None = None
    profilePicUrl: HttpUrl | None = None


class AcceptInviteBody(msgspec.Struct):
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]


def _metadata_json(request: Request[Any, Any, Any], group: Group) -> dict[str, Any]:
    return {**core_of(request).groups.metadata(group), "imgUrl": picture_url(request, group_avatar_name(group))}


def _outcomes_json(outcomes: list[Outcome]) -> dict[str, Any]:
    return ok([{"status": o.status, "jid": o.jid, "id": o.jid, "message": o.message} for o in outcomes])


def _invite_link(code: str) -> dict[str, Any]:
    link = INVITE_LINK_PREFIX + code
    # The docs put inviteLink at the top level; the Python SDK reads data.link.
    return ok({"link": link, "inviteLink": link, "code": code}, inviteLink=link)


@post("/api/groups", status_code=HTTP_200_OK, name="create-group")
async def create_group(request: Request[Any, Any, Any]) -> dict[str, Any]:
    session = calling_session(request)
    body = parse_body(CreateGroupBody, await request.body())
    group = await core_of(request).groups.create(session, body.name, body.participants or [])
    return ok(_metadata_json(request, group))


@get("/api/groups", name="groups")
async def list_groups(request: Request[Any, Any, Any]) -> dict[str, Any]:
    groups = core_of(request).groups.of_session(calling_session(request))
    items = [
        {"id": g.jid, "jid": g.jid, "name": g.subject, "subject": g.subject, "imgUrl": picture_url(request, group_avatar_name(g))}
        for g in groups
    ]
    return listing(request, items)


@get("/api/groups/{jid:str}/metadata", name="group-metadata", opt={"rate_limit": "group_metadata"})
async def group_metadata(request: Request[Any, Any, Any], jid: FromPath[str]) -> dict[str, Any]:
    group = core_of(request).groups.membership(calling_session(request), jid, "Failed to get group metadata")
    return ok(_metadata_json(request, group))


@get("/api/groups/{jid:str}/participants", name="group-participants", opt={"rate_limit": "group_metadata"})
async def group_participants(request: Request[Any, Any, Any], jid: FromPath[str]) -> dict[str, Any]:
    groups = core_of(request).groups
    group = groups.membership(calling_session(request), jid, "Failed to get group participants")
    return ok([groups.participant(m) for m in group.members.values()])


@post("/api/groups/{jid:str}/participants/add", status_code=HTTP_200_OK, name="add-group-participants")
async def add_participants(request: Request[Any, Any, Any], jid: FromPath[str]) -> dict[str, Any]:
    session = calling_session(request)
    body = parse_body(ParticipantsBody, await request.body())
    return _outcomes_json(await core_of(request).groups.add(session, jid, body.participants))


@post("/api/groups/{jid:str}/participants/remove", status_code=HTTP_200_OK, name="remove-group-participants")
async def remove_participants(request: Request[Any, Any, Any], jid: FromPath[str]) -> dict[str, Any]:
    session = calling_session(request)
    body = parse_body(ParticipantsBody, await request.body())
    return _outcomes_json(await core_of(request).groups.remove(session, jid, body.participants))


@put("/api/groups/{jid:str}/participants/update", name="update-group-participants")
async def update_participants(request: Request[Any, Any, Any], jid: FromPath[str]) -> dict[str, Any]:
    session = calling_session(request)
    body = parse_body(RolesBody, await request.body())
    # A list of per-participant results, as for add and remove: the Python SDK's model requires it.
    return _outcomes_json(await core_of(request).groups.change_roles(session, jid, body.action, body.participants))


@put("/api/groups/{jid:str}/settings", name="update-group-settings")
async def update_settings(request: Request[Any, Any, Any], jid: FromPath[str]) -> dict[str, Any]:
    session = calling_session(request)
    body = parse_body(SettingsBody, await request.body())
    change = SettingsChange(
        subject=body.subject,
        description=body.description,
        announce=body.announce,
        restrict=body.restrict,
        join_approval=body.joinApproval,
        member_add=body.memberAdd,
        new_picture=body.profilePicUrl is not None,
    )
    group = await core_of(request).groups.update_settings(session, jid, change, str(request.base_url))
    return ok(
        {
            "subject": group.subject,
            "description": group.description,
            "announce": group.announce,
            "restrict": group.restrict_info,
            "joinApproval": group.join_approval,
            "memberAdd": group.member_add,
            "imgUrl": picture_url(request, group_avatar_name(group)),
        }
    )


@get("/api/groups/{jid:str}/invite-link", name="group-invite-link")
async def invite_link(request: Request[Any, Any, Any], jid: FromPath[str]) -> dict[str, Any]:
    return _invite_link(core_of(request).groups.invite_code(calling_session(request), jid))


@get("/api/groups/invite/{code:str}", name="group-invite-info")
async def invite_info(request: Request[Any, Any, Any], code: FromPath[str]) -> dict[str, Any]:
    group = core_of(request).groups.by_invite(calling_session(request), code)
    return ok({**_metadata_json(request, group), "inviteCode": group.invite_code, "groupJid": group.jid})


@post("/api/groups/invite/accept", status_code=HTTP_200_OK, name="accept-group-invite")
async def accept_invite(request: Request[Any, Any, Any]) -> dict[str, Any]:
    session = calling_session(request)
    body = parse_body(AcceptInviteBody, await request.body())
    group = await core_of(request).groups.accept_invite(session, body.code)
    return ok({"id": group.jid, "jid": group.jid})


@post("/api/groups/{jid:str}/leave", status_code=HTTP_200_OK, name="leave-group")
async def leave_group(request: Request[Any, Any, Any], jid: FromPath[str]) -> dict[str, Any]:
    await core_of(request).groups.leave(calling_session(request), jid)
    return ok({})


@get("/api/groups/{jid:str}/picture", name="group-picture")
async def group_picture(request: Request[Any, Any, Any], jid: FromPath[str]) -> dict[str, Any]:
    group = core_of(request).groups.membership(calling_session(request), jid, "Failed to get group profile picture")
    url = picture_url(request, group_avatar_name(group))
    # The docs name it imgUrl; the Python SDK reads url.
    return ok({"imgUrl": url, "url": url})


@post("/admin/groups/{jid:str}/reset-invite", status_code=HTTP_200_OK, name="admin-reset-invite")
async def reset_invite(request: Request[Any, Any, Any], jid: FromPath[str]) -> dict[str, Any]:
    """What a group admin's phone does with "reset link": the old code stops working."""
    return _invite_link(await core_of(request).groups.reset_invite(jid))


GROUP_ROUTES: list[Any] = [
    create_group,
    list_groups,
    group_metadata,
    group_participants,
    add_participants,
    remove_participants,
    update_participants,
    update_settings,
    invite_link,
    invite_info,
    accept_invite,
    leave_group,
    group_picture,
    reset_invite,
]
