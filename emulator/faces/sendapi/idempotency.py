"""`Idempotency-Key` on /whatsapp/send: the same key and body answer the first result again and send
nothing twice; the same key with another body is a 409. Kept per account, in memory, for a day of
the emulator's clock."""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from emulator.faces.sendapi.errors import SendApiError

KEPT_SECONDS = 86_400.0
IDEMPOTENCY_MISMATCH = ("idempotency_key_reused", 4091, "This Idempotency-Key was used with a different request body.")


class _Remembered:
    def __init__(self, fingerprint: str, at: float) -> None:
        self.fingerprint = fingerprint
        self.at = at
        self.answer: tuple[int, dict[str, Any]] | None = None


# One memory per running emulator (its Core), dropped with it.
_memories: weakref.WeakKeyDictionary[Any, dict[tuple[int, str], _Remembered]] = weakref.WeakKeyDictionary()


async def once(
    core: Any, account_id: int, key: str | None, raw: bytes, now: float, act: Callable[[], Awaitable[tuple[int, dict[str, Any]]]]
) -> tuple[int, dict[str, Any]]:
    """(status, body) of `act`, run at most once per key and body."""
    if not key:
        return await act()
    memory = _memories.setdefault(core, {})
    fingerprint = hashlib.sha256(raw).hexdigest()
    remembered = memory.get((account_id, key))
    if remembered is not None and now - remembered.at > KEPT_SECONDS:
        remembered = None
    if remembered is not None:
        if remembered.fingerprint != fingerprint:
            raise SendApiError(409, *IDEMPOTENCY_MISMATCH, param="Idempotency-Key")
        if remembered.answer is None:
            raise SendApiError(409, "idempotency_key_in_use", 4092, "A request with this Idempotency-Key is still in progress.")
        return remembered.answer
    memory[(account_id, key)] = entry = _Remembered(fingerprint, now)
    try:
        entry.answer = await act()
    except BaseException:
        # A refused request sent nothing: the key may be used again.
        del memory[(account_id, key)]
        raise
    return entry.answer
