"""`Idempotency-Key` on /whatsapp/send: the same key and body answer the first result again and send
nothing twice; the same key with another body is a 409. Kept per account for a day of the
emulator's clock, in the database, so a retry after a restart finds them too."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec

from emulator.clock import Clock
from emulator.store import sendapi_idempotency_keys as store
from emulator.store.database import Database

KEPT_SECONDS = 86_400.0
IDEMPOTENCY_MISMATCH = ("idempotency_key_reused", 4091, "This Idempotency-Key was used with a different request body.")
IN_PROGRESS = ("idempotency_key_in_use", 4092, "A request with this Idempotency-Key is still in progress.")
Answer = tuple[int, dict[str, Any]]


class IdempotencyConflict(Exception):
    """The key is taken: by another body, or by a request still under way. `refusal` is (type, code, message)."""

    def __init__(self, refusal: tuple[str, int, str]) -> None:
        super().__init__(refusal[2])
        self.refusal = refusal


class IdempotencyKeys:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db, self._clock = db, clock
        # Requests under way, by (account, key): their body's fingerprint. Nothing is stored until one answers.
        self._in_progress: dict[tuple[int, str], str] = {}

    async def once(self, account_id: int, key: str | None, raw: bytes, act: Callable[[], Awaitable[Answer]]) -> Answer:
        """(status, body) of `act`, run at most once per key and body."""
        if not key:
            return await act()
        fingerprint = hashlib.sha256(raw).hexdigest()
        under_way = self._in_progress.get((account_id, key))
        if under_way is not None:
            raise IdempotencyConflict(IN_PROGRESS if under_way == fingerprint else IDEMPOTENCY_MISMATCH)
        now = self._clock.now()
        remembered = await store.find(self._db, account_id, key)
        if remembered is not None and now - remembered.created_at <= KEPT_SECONDS:
            if remembered.fingerprint != fingerprint:
                raise IdempotencyConflict(IDEMPOTENCY_MISMATCH)
            return remembered.status, msgspec.json.decode(remembered.answer)
        self._in_progress[(account_id, key)] = fingerprint
        try:
            # A refused request stores nothing: it sent nothing, so its key may be used again.
            status, body = await act()
            answered = store.Remembered(fingerprint, status, msgspec.json.encode(body), now)
            await store.remember(self._db, account_id, key, answered, now - KEPT_SECONDS)
        finally:
            del self._in_progress[(account_id, key)]
        return status, body
