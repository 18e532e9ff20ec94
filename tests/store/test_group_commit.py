"""The group commit: statements queued together commit together, and one that cannot be
stored fails alone, leaving the database ready for the next."""

from __future__ import annotations

import asyncio

import pytest

from emulator.store.database import Database

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_a_statement_that_cannot_be_stored_fails_alone() -> None:
    db = Database(":memory:")
    await db.open()
    try:
        await db.write("CREATE TABLE t (n INTEGER)")
        insert = "INSERT INTO t (n) VALUES (?)"
        waiters = [db.enqueue(insert, (1,)), db.enqueue(insert, (2**64,)), db.enqueue(insert, (3,))]
        db.flush()
        outcomes = await asyncio.gather(*waiters, return_exceptions=True)
        assert outcomes[0] is None and outcomes[2] is None
        assert isinstance(outcomes[1], OverflowError)
        assert [row[0] for row in await db.fetch_all("SELECT n FROM t ORDER BY n")] == [1, 3]
        await db.enqueue(insert, (4,))  # the next batch commits as usual
        assert len(await db.fetch_all("SELECT n FROM t")) == 3
    finally:
        await db.close()
