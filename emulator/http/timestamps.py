"""Instants as the APIs write them."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(ts: float) -> str:
    """Seconds since the epoch as the API writes them: 2025-04-01T12:00:00Z."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
