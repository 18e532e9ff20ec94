"""A group of the simulated network: its members, their roles, its settings, and the words of its refusals."""

from __future__ import annotations


import msgspec


SUPERADMIN, ADMIN = "superadmin", "admin"
INVITE_LINK_PREFIX = "https://chat.whatsapp.com/"
INVITE_CODE_LENGTH = 22
# Group JIDs of today's WhatsApp: 120363 and twelve more digits.
GROUP_ID_PREFIX = "120363"

GROUP_NOT_FOUND = "Group not found."
NOT_A_MEMBER = "You are not a member of this group."
NOT_AN_ADMIN = "You are not an admin in this group."
INVITE_INFO_FAILED = "Failed to get group invite info: Invalid or expired invite code."
INVITE_ACCEPT_FAILED = "Failed to accept group invite: Invalid invite code"
ONLY_ADMINS_SEND = "Only admins can send messages to this group."
NEEDS_APPROVAL = "Failed to accept group invite: An admin must approve new members of this group."

# Per-participant results of add, remove, promote and demote: (status, message).
ADDED, REMOVED = (200, "added"), (200, "removed")
PROMOTED, DEMOTED = (200, "promoted"), (200, "demoted")
NOT_AUTHORIZED = (403, "not-authorized")
ALREADY_MEMBER = (409, "already-a-member")
NOT_ON_WHATSAPP = (404, "not-on-whatsapp")
NOT_IN_GROUP = (404, "not-a-member")


class Member(msgspec.Struct, kw_only=True):
    phone: str  # digits only
    role: str | None = None  # None, "admin" or "superadmin"
    joined_at: float
    position: int  # join order: who inherits admin rights first

    @property
    def is_admin(self) -> bool:
        return self.role is not None


class Group(msgspec.Struct, kw_only=True):
    jid: str
    subject: str
    subject_owner: str | None = None
    subject_time: float
    description: str | None = None
    description_owner: str | None = None
    description_id: str | None = None
    owner: str
    announce: bool = False
    restrict_info: bool = False
    join_approval: bool = False
    member_add: bool = False
    invite_code: str
    picture_version: int = 0  # 0: no picture
    created_at: float
    members: dict[str, Member]

    def admins(self) -> list[Member]:
        return [m for m in self.members.values() if m.is_admin]


class Outcome(msgspec.Struct, frozen=True):
    """One participant's result: `jid` is the participant's JID, or what the client sent."""

    status: int
    jid: str
    message: str


class SettingsChange(msgspec.Struct, kw_only=True):
    subject: str | None = None
    description: str | None = None
    announce: bool | None = None
    restrict: bool | None = None
    join_approval: bool | None = None
    member_add: bool | None = None
    new_picture: bool = False
    no_picture: bool = False  # the picture is removed


def group_avatar_name(group: Group) -> str | None:
    if not group.picture_version:
        return None
    return f"{group.jid.removesuffix('@g.us')}-{group.picture_version}.png"
