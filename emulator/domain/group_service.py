"""Groups of the simulated network: shared by every session whose number is a member.

A group belongs to the network, not to a session: two emulator sessions in one group read
the same members and settings, and each change is announced to every member session once.
Rights follow WhatsApp: admins add, remove, promote, demote, change settings and share the
invite link; `memberAdd` lets every member add, `restrict` off lets every member edit the
subject, description and picture. The creator is the superadmin, whom other admins cannot
remove or demote, and a group with members always keeps an admin: when the last one leaves,
the longest-standing member inherits the rights, as WhatsApp does. A group without members is gone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from emulator.clock import Clock
from emulator.domain import errors
from emulator.domain.contact_service import ContactService
from emulator.domain.contacts import avatar_png, avatar_url, format_problem, require_connected
from emulator.domain.events import EventBus
from emulator.domain.groups import (
    ADDED,
    ADMIN,
    ALREADY_MEMBER,
    DEMOTED,
    Group,
    group_avatar_name,
    GROUP_ID_PREFIX,
    GROUP_NOT_FOUND,
    INVITE_ACCEPT_FAILED,
    INVITE_CODE_LENGTH,
    INVITE_INFO_FAILED,
    INVITE_LINK_PREFIX,
    Member,
    NEEDS_APPROVAL,
    NOT_A_MEMBER,
    NOT_AN_ADMIN,
    NOT_AUTHORIZED,
    NOT_IN_GROUP,
    NOT_ON_WHATSAPP,
    ONLY_ADMINS_SEND,
    Outcome,
    PROMOTED,
    REMOVED,
    SettingsChange,
    SUPERADMIN,
)
from emulator.domain.jids import USER_SERVER, parse_jid, phone_digits
from emulator.domain.session_service import SessionService
from emulator.domain.sessions import Session
from emulator.ids import IdGenerator
from emulator.store import groups as store
from emulator.store.database import Database


def _user_jid(digits: str | None) -> str | None:
    return f"{digits}@{USER_SERVER}" if digits else None


class GroupService:
    def __init__(
        self, db: Database, clock: Clock, ids: IdGenerator, bus: EventBus, sessions: SessionService, contacts: ContactService
    ) -> None:
        self._db = db
        self._clock = clock
        self._ids = ids
        self._bus = bus
        self._sessions = sessions
        self._contacts = contacts
        self._groups: dict[str, Group] = {}

    async def load(self) -> None:
        self._groups = {g.jid: g for g in await store.load_all(self._db, Group)}

    async def seed(self, fixture: Any) -> None:
        """Store a group as a fixture describes it (see emulator.fixtures.FixtureGroup)."""
        now = self._clock.now()
        owner = phone_digits(fixture.owner) or ""
        group = Group(
            jid=fixture.jid,
            subject=fixture.subject,
            subject_owner=owner,
            subject_time=now,
            description=fixture.description,
            description_owner=owner if fixture.description else None,
            owner=owner,
            announce=fixture.announce,
            restrict_info=fixture.restrict,
            join_approval=fixture.join_approval,
            member_add=fixture.member_add,
            invite_code=fixture.invite_code,
            picture_version=1 if fixture.picture else 0,
            created_at=now,
            members={},
        )
        for member in fixture.participants:
            self._join(group, phone_digits(member.phone) or "", member.admin)
        await store.save(self._db, group)

    # Reading ----------------------------------------------------------------------------------------

    def get(self, jid: str) -> Group | None:
        return self._groups.get(jid)

    def of_session(self, session: Session) -> list[Group]:
        require_connected(session)
        own = _own(session)
        return [g for g in self._groups.values() if own in g.members]

    def membership(self, session: Session, jid: str, action: str) -> Group:
        """A group the session is in; `action` words the refusal ("Failed to get group metadata")."""
        return self._member_of(session, jid, action)[0]

    def check_can_send(self, session: Session, jid: str) -> list[str]:
        """A group message needs membership, and admin rights in announce mode; answers the
        phone numbers of the other members, who receive it."""
        group, me = self._member_of(session, jid, "Failed to send message")
        if group.announce and not me.is_admin:
            raise errors.NotAllowed(f"Failed to send message: {ONLY_ADMINS_SEND}")
        return [phone for phone in group.members if phone != _own(session)]

    def metadata(self, group: Group) -> dict[str, Any]:
        """Group metadata as the metadata page and the groups.upsert event show it."""
        return {
            "id": group.jid,
            "jid": group.jid,
            "name": group.subject,
            "subject": group.subject,
            "subjectOwner": _user_jid(group.subject_owner),
            "subjectTime": int(group.subject_time),
            "creation": int(group.created_at),
            "owner": _user_jid(group.owner),
            "desc": group.description,
            "descOwner": _user_jid(group.description_owner),
            "descId": group.description_id,
            "restrict": group.restrict_info,
            "announce": group.announce,
            "joinApprovalMode": group.join_approval,
            "memberAddMode": group.member_add,
            "isCommunity": False,
            "isCommunityAnnounce": False,
            "size": len(group.members),
            "participants": [self.participant(m) for m in group.members.values()],
        }

    def participant(self, member: Member) -> dict[str, Any]:
        jid = _user_jid(member.phone)
        return {
            "id": jid,
            "jid": jid,
            "lid": self._contacts.know(member.phone),
            "admin": member.role,
            "isAdmin": member.is_admin,
            "isSuperAdmin": member.role == SUPERADMIN,
        }

    def group_avatar(self, name: str) -> bytes | None:
        user, _, version = name.removesuffix(".png").rpartition("-")
        group = self._groups.get(f"{user}@g.us")
        if group is None or group_avatar_name(group) != name:
            return None
        return avatar_png(f"group:{group.jid}:{version}")

    # Creating and joining -----------------------------------------------------------------------------

    async def create(self, session: Session, subject: str, participants: list[str]) -> Group:
        """A new group with the caller as superadmin; numbers not on WhatsApp are left out."""
        require_connected(session)
        resolved = await self._resolve(participants)
        own, now = _own(session), self._clock.now()
        group = Group(
            jid=self._unused_jid(),
            subject=subject,
            subject_owner=own,
            subject_time=now,
            owner=own,
            invite_code=self._unused_invite_code(),
            created_at=now,
            members={},
        )
        self._join(group, own, SUPERADMIN)
        for _, digits in resolved:
            if digits is not None and digits not in group.members:
                self._join(group, digits, None)
        self._groups[group.jid] = group
        await store.save(self._db, group)
        self._announce(group.members, "groups.upsert", [self.metadata(group)])
        return group

    def invite_code(self, session: Session, jid: str) -> str:
        return self._admin_of(session, jid, "Failed to get group invite link")[0].invite_code

    def by_invite(self, session: Session, code: str) -> Group:
        require_connected(session)
        group = self._by_code(code)
        if group is None:
            raise errors.NotFound(INVITE_INFO_FAILED)
        return group

    async def accept_invite(self, session: Session, code: str) -> Group:
        require_connected(session)
        group = self._by_code(code)
        if group is None:
            raise errors.NotFound(INVITE_ACCEPT_FAILED)
        own = _own(session)
        if own in group.members:
            return group
        if group.join_approval:
            raise errors.NotAllowed(NEEDS_APPROVAL)
        self._join(group, own, None)
        await store.save(self._db, group)
        self._announce_joined(group, [own])
        return group

    async def reset_invite(self, jid: str) -> str:
        """What an admin's "reset link" does: the old code stops working."""
        group = self._groups.get(jid)
        if group is None:
            raise errors.NotFound(GROUP_NOT_FOUND)
        group.invite_code = self._unused_invite_code()
        await store.save(self._db, group)
        return group.invite_code

    # Changing members ---------------------------------------------------------------------------------

    async def add(self, session: Session, jid: str, participants: list[str]) -> list[Outcome]:
        group, me = self._member_of(session, jid, "Failed to add group participants")
        allowed = me.is_admin or group.member_add
        outcomes, added = [], []
        for member_jid, digits in await self._resolve(participants):
            if digits is None:
                result = NOT_ON_WHATSAPP
            elif not allowed:
                result = NOT_AUTHORIZED
            elif digits in group.members:
                result = ALREADY_MEMBER
            else:
                self._join(group, digits, None)
                added.append(digits)
                result = ADDED
            outcomes.append(Outcome(result[0], member_jid, result[1]))
        if added:
            await store.save(self._db, group)
            self._announce_joined(group, added)
        return outcomes

    async def remove(self, session: Session, jid: str, participants: list[str]) -> list[Outcome]:
        group, me = self._member_of(session, jid, "Failed to remove group participants")
        audience = list(group.members)
        outcomes, removed = [], []
        for member_jid, digits in await self._resolve(participants):
            target = group.members.get(digits or "")
            if digits is None:
                result = NOT_ON_WHATSAPP
            elif not me.is_admin:
                result = NOT_AUTHORIZED
            elif target is None:
                result = NOT_IN_GROUP
            elif target.role == SUPERADMIN and target is not me:
                result = NOT_AUTHORIZED
            else:
                del group.members[target.phone]
                removed.append(target.phone)
                result = REMOVED
            outcomes.append(Outcome(result[0], member_jid, result[1]))
        if removed:
            await self._members_left(group, audience, removed)
        return outcomes

    async def change_roles(self, session: Session, jid: str, action: str, participants: list[str]) -> list[Outcome]:
        """Promote or demote (`action`); only admins may, and the superadmin keeps its rights."""
        group, me = self._admin_of(session, jid, f"Failed to {action} group participants")
        promote = action == "promote"
        outcomes, changed = [], []
        for member_jid, digits in await self._resolve(participants):
            target = group.members.get(digits or "")
            if digits is None:
                result = NOT_ON_WHATSAPP
            elif target is None:
                result = NOT_IN_GROUP
            elif promote:
                result = PROMOTED
                if not target.is_admin:
                    target.role = ADMIN
                    changed.append(target.phone)
            elif (target.role == SUPERADMIN and target is not me) or group.admins() == [target]:
                result = NOT_AUTHORIZED
            else:
                result = DEMOTED
                if target.is_admin:
                    target.role = None
                    changed.append(target.phone)
            outcomes.append(Outcome(result[0], member_jid, result[1]))
        if changed:
            await store.save(self._db, group)
            self._announce_participants(group, group.members, changed, action)
        return outcomes

    async def leave(self, session: Session, jid: str) -> None:
        group, me = self._member_of(session, jid, "Failed to leave group")
        audience = list(group.members)
        del group.members[me.phone]
        await self._members_left(group, audience, [me.phone])

    async def _members_left(self, group: Group, audience: list[str], gone: list[str]) -> None:
        heir = self._heir_if_no_admin(group)
        if group.members:
            await store.save(self._db, group)
        else:
            # WhatsApp drops a group its last member leaves: its invite code stops working.
            del self._groups[group.jid]
            await store.delete(self._db, group.jid)
        self._announce_participants(group, audience, gone, "remove")
        if heir is not None:
            self._announce_participants(group, group.members, [heir], "promote")

    def _heir_if_no_admin(self, group: Group) -> str | None:
        if not group.members or group.admins():
            return None
        heir = min(group.members.values(), key=lambda m: m.position)
        heir.role = ADMIN
        return heir.phone

    # Settings ---------------------------------------------------------------------------------------------

    async def update_settings(self, session: Session, jid: str, change: SettingsChange, base_url: str) -> Group:
        group, me = self._member_of(session, jid, "Failed to update group settings")
        edits_picture = change.new_picture or change.no_picture
        edits_info = change.subject is not None or change.description is not None or edits_picture
        edits_rules = any(v is not None for v in (change.announce, change.restrict, change.join_approval, change.member_add))
        if not me.is_admin and (edits_rules or (edits_info and group.restrict_info)):
            raise errors.NotAllowed(f"Failed to update group settings: {NOT_AN_ADMIN}")
        info_changed = self._apply_info(group, me, change)
        updated = self._apply_rules(group, change)
        if change.new_picture:
            group.picture_version += 1
            updated["imgUrl"] = avatar_url(base_url, group_avatar_name(group) or "")
        elif change.no_picture and group.picture_version:
            # The picture's file name is its version: a later picture starts again at 1.
            group.picture_version = 0
            updated["imgUrl"] = None
        if not info_changed and not updated:
            return group
        await store.save(self._db, group)
        if info_changed:
            self._announce(group.members, "groups.upsert", [self.metadata(group)])
        if updated:
            self._announce(group.members, "groups.update", [{"jid": group.jid, **updated}])
        return group

    def _apply_info(self, group: Group, me: Member, change: SettingsChange) -> bool:
        changed = False
        now = self._clock.now()
        if change.subject is not None and change.subject != group.subject:
            group.subject, group.subject_owner, group.subject_time = change.subject, me.phone, now
            changed = True
        description = change.description or None  # an empty description removes it
        if change.description is not None and description != group.description:
            group.description, group.description_owner = description, me.phone
            group.description_id = self._ids.hex(16).upper()
            changed = True
        return changed

    def _apply_rules(self, group: Group, change: SettingsChange) -> dict[str, Any]:
        """Set the rules the change names; answers those that changed, by their event names."""
        updated: dict[str, Any] = {}
        for attribute, event_name, value in (
            ("announce", "announce", change.announce),
            ("restrict_info", "restrict", change.restrict),
            ("join_approval", "joinApprovalMode", change.join_approval),
            ("member_add", "memberAddMode", change.member_add),
        ):
            if value is not None and value != getattr(group, attribute):
                setattr(group, attribute, value)
                updated[event_name] = value
        return updated

    # Helpers ------------------------------------------------------------------------------------------------

    def _member_of(self, session: Session, jid: str, action: str) -> tuple[Group, Member]:
        require_connected(session)
        parsed = parse_jid(jid)
        if parsed is None or not parsed.is_group:
            raise format_problem("groupJid")
        group = self._groups.get(str(parsed))
        if group is None:
            raise errors.NotFound(GROUP_NOT_FOUND)
        me = group.members.get(_own(session))
        if me is None:
            raise errors.NotAllowed(f"{action}: {NOT_A_MEMBER}")
        return group, me

    def _admin_of(self, session: Session, jid: str, action: str) -> tuple[Group, Member]:
        group, me = self._member_of(session, jid, action)
        if not me.is_admin:
            raise errors.NotAllowed(f"{action}: {NOT_AN_ADMIN}")
        return group, me

    async def _resolve(self, participants: list[str]) -> list[tuple[str, str | None]]:
        """(JID, number or None when not on WhatsApp) for each distinct participant, before any change.

        The JID of one not on WhatsApp is the one its number or LID spells, as the answer names it.
        A malformed participant fails the whole request, so nothing is half done.
        """
        resolved: dict[str, tuple[str, str | None]] = {}
        for index, given in enumerate(participants):
            try:
                digits: str | None = await self._contacts.user_digits(given, f"participants.{index}")
            except errors.NotFound:
                digits = None
            jid = _user_jid(digits) or str(parse_jid(given))  # user_digits checked the format
            resolved.setdefault(jid, (jid, digits))
        return list(resolved.values())

    def _join(self, group: Group, digits: str, role: str | None) -> None:
        position = max((m.position for m in group.members.values()), default=0) + 1
        group.members[digits] = Member(phone=digits, role=role, joined_at=self._clock.now(), position=position)
        self._contacts.know(digits)

    def _by_code(self, code: str) -> Group | None:
        code = code.strip().removeprefix(INVITE_LINK_PREFIX)
        return next((g for g in self._groups.values() if g.invite_code == code), None)

    def _unused_jid(self) -> str:
        while (jid := f"{GROUP_ID_PREFIX}{self._ids.digits(12)}@g.us") in self._groups:
            pass
        return jid

    def _unused_invite_code(self) -> str:
        while self._by_code(code := self._ids.alnum(INVITE_CODE_LENGTH)) is not None:
            pass
        return code

    # Events: each change once to every member session ------------------------------------------------

    def _announce(self, phones: Iterable[str], event: str, data: Any) -> None:
        for phone in phones:
            member_session = self._sessions.with_phone(phone)
            if member_session is not None:
                self._bus.publish(member_session.id, event, data)

    def _announce_participants(self, group: Group, audience: Iterable[str], phones: list[str], action: str) -> None:
        data = {"jid": group.jid, "participants": [_user_jid(p) for p in phones], "action": action}
        self._announce(audience, "group-participants.update", data)

    def _announce_joined(self, group: Group, joined: list[str]) -> None:
        self._announce_participants(group, group.members, joined, "add")
        self._announce(joined, "groups.upsert", [self.metadata(group)])


def _own(session: Session) -> str:
    return phone_digits(session.phone_number) or ""
