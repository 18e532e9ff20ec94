"""Queries for accounts."""

from __future__ import annotations

import msgspec

from emulator.domain.accounts import Account
from emulator.store.database import Database


_COLUMNS = ("name", "email", "plan", "session_limit", "personal_access_token", "created_at")


async def insert(db: Database, account: Account, with_id: bool = False) -> int:
    values = [getattr(account, c) for c in _COLUMNS]
    if with_id:
        return await db.write(
            f"INSERT INTO accounts (id, {', '.join(_COLUMNS)}) VALUES (?, {', '.join('?' * len(_COLUMNS))})",
            [account.id, *values],
        )
    return await db.write(
        f"INSERT INTO accounts ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})", values
    )


async def save_plan(db: Database, account: Account) -> None:
    await db.write(
        "UPDATE accounts SET plan = ?, session_limit = ? WHERE id = ?", (account.plan, account.session_limit, account.id)
    )


async def load_all(db: Database, account_type: type[Account]) -> list[Account]:
    rows = await db.fetch_all(f"SELECT id, {', '.join(_COLUMNS)} FROM accounts ORDER BY id")
    return [msgspec.convert(dict(row), account_type) for row in rows]
