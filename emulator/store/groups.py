"""Queries for the groups of the simulated network and their members."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from emulator.domain.groups import Group
from emulator.store.database import Database


GroupT = TypeVar("GroupT")

_COLUMNS = (
    "jid",
    "subject",
    "subject_owner",
    "subject_time",
    "description",
    "description_owner",
    "description_id",
    "owner",
    "announce",
    "restrict_info",
    "join_approval",
    "member_add",
    "invite_code",
    "picture_version",
    "created_at",
)
_BOOLS = ("announce", "restrict_info", "join_approval", "member_add")
_MEMBER_COLUMNS = ("phone", "role", "joined_at", "position")
_UPSERT = (
    f"INSERT INTO chat_groups ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
    " ON CONFLICT (jid) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS[1:])
)
_INSERT_MEMBER = (
    f"INSERT INTO group_members (group_jid, {', '.join(_MEMBER_COLUMNS)}) VALUES (?, {', '.join('?' * len(_MEMBER_COLUMNS))})"
)


async def save(db: Database, group: Group) -> None:
    """Store a group whole: its settings and its current members."""
    with db.transaction() as conn:
        conn.execute(_UPSERT, [getattr(group, column) for column in _COLUMNS])
        conn.execute("DELETE FROM group_members WHERE group_jid = ?", (group.jid,))
        conn.executemany(
            _INSERT_MEMBER,
            [(group.jid, *(getattr(m, c) for c in _MEMBER_COLUMNS)) for m in group.members.values()],
        )


async def delete(db: Database, jid: str) -> None:
    await db.write("DELETE FROM chat_groups WHERE jid = ?", (jid,))


async def load_all(db: Database, group_type: type[GroupT]) -> list[GroupT]:
    groups: dict[str, dict[str, Any]] = {}
    for row in await db.fetch_all(f"SELECT {', '.join(_COLUMNS)} FROM chat_groups ORDER BY created_at, jid"):
        record = dict(row)
        for column in _BOOLS:
            record[column] = bool(record[column])
        groups[record["jid"]] = {**record, "members": {}}
    rows = await db.fetch_all(f"SELECT group_jid, {', '.join(_MEMBER_COLUMNS)} FROM group_members ORDER BY position")
    for row in rows:
        groups[row[0]]["members"][row[1]] = dict(zip(_MEMBER_COLUMNS, row[1:], strict=True))
    return [msgspec.convert(record, group_type) for record in groups.values()]
