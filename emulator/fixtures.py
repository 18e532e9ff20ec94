"""Seed data: accounts and their sessions, read from a JSON file.

A fixture file is data. It is checked whole before anything is stored, and a fault stops
start-up with a message that names the file and the place of the fault.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

import msgspec

_HEX64 = msgspec.Meta(pattern=r"^[0-9a-f]{64}$")
_HEX32 = msgspec.Meta(pattern=r"^[0-9a-f]{32}$")


class FixtureError(Exception):
    pass


class FixtureContact(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A saved contact in the address book of the fixture session `session_id`."""

    session_id: int
    phone: str
    name: str | None = None
    notify: str | None = None
    verified_name: str | None = None
    about: str | None = None
    blocked: bool = False


class FixtureSession(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    id: int
    # The face whose API created the session (emulator.faces names them).
    face: str = "wasenderapi"
    name: str
    phone_number: str
    status: Literal["disconnected", "connected", "logged_out", "expired"] = "disconnected"
    api_key: Annotated[str, _HEX64]
    webhook_secret: Annotated[str, _HEX32]
    account_protection: bool = False
    log_messages: bool = True
    read_incoming_messages: bool = False
    webhook_url: str | None = None
    webhook_enabled: bool = False
    webhook_events: list[str] | None = None
    auto_reject_calls: bool = False
    ignore_groups: bool = False
    ignore_channels: bool = False
    ignore_broadcasts: bool = False
    always_online: bool = False
    proxy_url: str | None = None


class FixtureAccount(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    id: int
    name: str
    email: str
    plan: Literal["paid", "trial", "none"]
    session_limit: Annotated[int, msgspec.Meta(ge=0)]
    personal_access_token: Annotated[str, msgspec.Meta(min_length=8)]
    # face name -> the account's API key there; a face left out gets a key derived from the seed.
    keys: dict[str, Annotated[str, msgspec.Meta(min_length=8)]] = {}
    sessions: list[FixtureSession] = []


class FixtureMember(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    phone: str
    admin: Literal["admin", "superadmin"] | None = None


class FixtureGroup(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A group of the simulated network; sessions whose number is a participant are in it."""

    jid: Annotated[str, msgspec.Meta(pattern=r"^[0-9]+(-[0-9]+)?@g\.us$")]
    subject: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    description: str | None = None
    owner: str
    participants: Annotated[list[FixtureMember], msgspec.Meta(min_length=1)]
    announce: bool = False
    restrict: bool = False
    join_approval: bool = False
    member_add: bool = False
    invite_code: Annotated[str, msgspec.Meta(pattern=r"^[0-9A-Za-z]{16,24}$")]
    picture: bool = False


class Fixtures(msgspec.Struct, forbid_unknown_fields=True):
    accounts: list[FixtureAccount]
    contacts: list[FixtureContact] = []
    groups: list[FixtureGroup] = []


def load_fixtures(path: str | Path) -> Fixtures:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FixtureError(f"{path}: cannot read the fixture file ({exc.strerror})") from None
    try:
        fixtures = msgspec.json.decode(raw, type=Fixtures)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise FixtureError(f"{path}: {_with_line_and_column(str(exc), raw)}") from None
    _check_unique(path, fixtures)
    return fixtures


def _with_line_and_column(message: str, raw: bytes) -> str:
    """msgspec names a byte offset; an editor wants the line and column."""
    match = _BYTE_OFFSET.search(message)
    if match is None:
        return message
    before = raw[: int(match.group(1))]
    line = before.count(b"\n") + 1
    column = len(before) - (before.rfind(b"\n") + 1) + 1
    return f"{message[: match.start()]}(line {line}, column {column})"


_BYTE_OFFSET = re.compile(r"\(byte (\d+)\)$")


def _check_unique(path: Path, fixtures: Fixtures) -> None:
    seen: dict[str, set[object]] = {
        "account id": set(), "session id": set(), "token": set(), "group jid": set(), "invite code": set()
    }

    def claim(kind: str, value: object, where: str) -> None:
        if value in seen[kind]:
            raise FixtureError(f"{path}: {where}: duplicate {kind} {value!r}")
        seen[kind].add(value)

    for a, account in enumerate(fixtures.accounts):
        claim("account id", account.id, f"$.accounts[{a}]")
        claim("token", account.personal_access_token, f"$.accounts[{a}]")
        for face, key in account.keys.items():
            claim("token", key, f"$.accounts[{a}].keys.{face}")
        if len(account.sessions) > account.session_limit:
            raise FixtureError(f"{path}: $.accounts[{a}]: more sessions than its session_limit")
        for s, session in enumerate(account.sessions):
            where = f"$.accounts[{a}].sessions[{s}]"
            claim("session id", session.id, where)
            claim("token", session.api_key, where)
            if not re.fullmatch(r"\+?\d{7,15}", session.phone_number):
                raise FixtureError(f"{path}: {where}: phone_number must be a number in international format")
    for c, contact in enumerate(fixtures.contacts):
        if contact.session_id not in seen["session id"]:
            raise FixtureError(f"{path}: $.contacts[{c}]: no fixture session has id {contact.session_id}")
    for g, group in enumerate(fixtures.groups):
        where = f"$.groups[{g}]"
        claim("group jid", group.jid, where)
        claim("invite code", group.invite_code, where)
        if not any(member.admin for member in group.participants):
            raise FixtureError(f"{path}: {where}: a group needs at least one admin")
