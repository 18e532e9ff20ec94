"""Queries for the daily request counts."""

from __future__ import annotations

from collections.abc import Iterable

from emulator.store.database import Database


async def save_days(db: Database, rows: Iterable[tuple[str, str, int, int]]) -> None:
    with db.transaction() as conn:
        conn.executemany(
            "INSERT INTO rate_limit_days (limiter_key, rule, day, count) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (limiter_key, rule, day) DO UPDATE SET count = excluded.count",
            list(rows),
        )


async def days_since(db: Database, day: int) -> list[tuple[str, str, int, int]]:
    rows = await db.fetch_all(
        "SELECT limiter_key, rule, day, count FROM rate_limit_days WHERE day >= ?", (day,)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]
