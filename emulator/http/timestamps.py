"""Instants as the APIs write them."""

from __future__ import annotations

import functools
import math
from datetime import UTC, datetime


def iso(ts: float) -> str:
    """Seconds since the epoch as the API writes them: 2025-04-01T12:00:00Z."""
    return _iso_second(math.floor(ts))


# A busy second writes the same instant many times over (a send, its webhook, its status steps),
# and formatting a datetime is a measurable share of an answer.
@functools.lru_cache(maxsize=1024)
def _iso_second(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
