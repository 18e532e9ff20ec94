"""The accounts, kept in memory and stored as they change: made, changed, and looked up by token or key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from emulator.clock import Clock
from emulator.domain.accounts import Account, Plan
from emulator.ids import IdGenerator
from emulator.store import account_keys as key_store
from emulator.store import accounts as store
from emulator.store.database import Database


class AccountService:
    def __init__(self, db: Database, clock: Clock, ids: IdGenerator, key_prefixes: Mapping[str, str]) -> None:
        """`key_prefixes`: each face whose accounts carry a key of their own, and how its keys begin."""
        self._db = db
        self._clock = clock
        self._ids = ids
        self._key_prefixes = dict(key_prefixes)
        self._by_id: dict[int, Account] = {}
        self._by_token: dict[str, Account] = {}
        self._by_face_key: dict[tuple[str, str], Account] = {}

    async def load(self) -> None:
        self._by_id.clear()
        self._by_token.clear()
        self._by_face_key.clear()
        accounts = {account.id: account for account in await store.load_all(self._db, Account)}
        for account_id, face, key in await key_store.load_all(self._db):
            accounts[account_id].keys[face] = key
        for account in accounts.values():
            self._remember(account)

    def _remember(self, account: Account) -> None:
        self._by_id[account.id] = account
        self._by_token[account.personal_access_token] = account
        for face, key in account.keys.items():
            self._by_face_key[(face, key)] = account

    def by_token(self, token: str) -> Account | None:
        return self._by_token.get(token)

    def account_for_key(self, face: str, key: str) -> Account | None:
        """The account whose API key of `face` is `key`."""
        return self._by_face_key.get((face, key))

    def get(self, account_id: int) -> Account | None:
        return self._by_id.get(account_id)

    async def create(self, plan: Plan, session_limit: int, name: str | None = None, email: str | None = None) -> Account:
        account_id = max(self._by_id, default=0) + 1
        return await self._insert(
            id=account_id,
            name=name or f"Test account {account_id}",
            email=email or f"account{account_id}@example.com",
            plan=plan,
            session_limit=session_limit,
            personal_access_token=self._ids.personal_access_token(account_id),
        )

    async def change_plan(self, account: Account, plan: Plan | None, session_limit: int | None) -> Account:
        """What the billing side changes: the plan, the number of sessions allowed."""
        if plan is not None:
            account.plan = plan
        if session_limit is not None:
            account.session_limit = session_limit
        await store.save_plan(self._db, account)
        return account

    async def seed(self, fixture: Any) -> Account:
        """Store an account as a fixture describes it (see emulator.fixtures.FixtureAccount)."""
        fields = msgspec.structs.asdict(fixture)
        del fields["sessions"]
        return await self._insert(**fields)

    async def _insert(self, keys: Mapping[str, str] | None = None, **fields: Any) -> Account:
        """A fixture may name an account's keys; those it leaves out are derived from the seed."""
        account = Account(**fields, created_at=self._clock.now())
        account.keys = {face: self._ids.account_key(face, prefix, account.id) for face, prefix in self._key_prefixes.items()}
        account.keys.update(keys or {})
        await store.insert(self._db, account, with_id=True)
        for face, key in account.keys.items():
            await key_store.insert(self._db, account.id, face, key)
        self._remember(account)
        return account
