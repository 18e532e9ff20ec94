"""How the dispatcher delivers: `--webhook-*` flags, `EMULATOR_WEBHOOK_*` variables or the defaults below.

A receiver that fails is retried after `retry_delay` seconds of clock time, then twice that,
and so on up to `max_retry_delay`, until `max_attempts` attempts were made: with the defaults,
after 5, 10, 20 and 40 s, so a delivery is given up about 75 s after it was first due.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

import msgspec

Seconds = Annotated[float, msgspec.Meta(gt=0, le=86_400)]
Attempts = Annotated[int, msgspec.Meta(ge=1, le=100)]
Concurrency = Annotated[int, msgspec.Meta(ge=1, le=1024)]


class WebhookSettings(msgspec.Struct, kw_only=True):
    max_attempts: Attempts = 5
    retry_delay: Seconds = 5.0
    max_retry_delay: Seconds = 300.0
    # Per attempt: connect, send and the receiver's answer together.
    timeout: Seconds = 10.0
    # A session's deliveries unfinished at once (attempted, or waiting for a retry): with one,
    # its receiver gets its events in order; with more, a busy session's receiver keeps up.
    concurrency: Concurrency = 1
    # Deliveries under way at once, all sessions together.
    workers: Annotated[int, msgspec.Meta(ge=1, le=1024)] = 256
    # Pending deliveries a session keeps in memory; more wait in the database until there is room.
    lane_window: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 1000

    def backoff(self, failed_attempts: int) -> float:
        """Seconds to wait after the `failed_attempts`-th failure."""
        return min(self.retry_delay * 2 ** (failed_attempts - 1), self.max_retry_delay)

    @classmethod
    def from_values(cls, given: Mapping[str, object]) -> WebhookSettings:
        """The defaults, changed by `given`; a value out of range is refused by name."""
        try:
            return msgspec.convert(given, cls)
        except msgspec.ValidationError as exc:
            raise ValueError(f"webhook settings: {exc}") from None
