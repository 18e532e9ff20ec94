"""Reactions: each person's emoji on a message, stored with the network's messages.

WhatsApp keeps one reaction per person and message: a new emoji replaces the one they gave,
and an empty one takes it back. Contacts and group members react through the inbound API,
the session itself through a face's reaction endpoint; both land here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from emulator.clock import Clock
from emulator.domain.reactions import Reaction
from emulator.store import reactions as store
from emulator.store.database import Database


class ReactionService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def react(self, message_id: int, reactor: str, from_me: bool, emoji: str) -> None:
        """`reactor` reacts to the message with `emoji`; "" takes their reaction back."""
        if emoji:
            now = self._clock.now()
            await store.put(self._db, Reaction(message_id=message_id, reactor=reactor, from_me=from_me, emoji=emoji, reacted_at=now))
        else:
            await store.remove(self._db, message_id, reactor)

    async def on(self, message_ids: Sequence[int]) -> dict[int, list[Reaction]]:
        """The reactions each of `message_ids` holds, oldest first; a message without any is left out."""
        found: dict[int, list[Reaction]] = defaultdict(list)
        for reaction in await store.on_messages(self._db, Reaction, message_ids):
            found[reaction.message_id].append(reaction)
        return dict(found)
