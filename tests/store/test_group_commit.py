"""The group commit: statements queued together commit together, and one that cannot be
stored fails alone, leaving the database ready for the next."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from emulator.store import database
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


async def test_statements_nobody_awaits_commit_with_the_others_and_fail_alone() -> None:
    db = Database(":memory:")
    await db.open()
    try:
        await db.write("CREATE TABLE t (n INTEGER)")
        insert = "INSERT INTO t (n) VALUES (?)"
        db.enqueue_unawaited(insert, (1,))
        db.enqueue_unawaited(insert, (2**64,))
        await db.enqueue(insert, (3,))
        assert [row[0] for row in await db.fetch_all("SELECT n FROM t ORDER BY n")] == [1, 3]
    finally:
        await db.close()


async def test_under_unbroken_writes_the_log_starts_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write every millisecond, for longer than several checkpoints: without the held last
    pass the log only grows; with it, it is started again and stays near its limit."""
    monkeypatch.setattr(database, "CHECKPOINT_EVERY_SECONDS", 0.05)
    monkeypatch.setattr(database, "WAL_RESTART_FRAMES", 64)
    db = Database(str(tmp_path / "busy.db"))
    await db.open()
    try:
        await db.write("CREATE TABLE t (n INTEGER, padding BLOB)")
        insert = "INSERT INTO t (n, padding) VALUES (?, zeroblob(4000))"
        loop = asyncio.get_running_loop()
        written, deadline = 0, loop.time() + 1.5
        while loop.time() < deadline:
            written += 1
            db.enqueue_unawaited(insert, (written,))
            await asyncio.sleep(0.001)
        await db.enqueue(insert, (0,))
        # Every row is stored, and the log holds far fewer pages than were written.
        assert (await db.fetch_one("SELECT COUNT(*) FROM t"))[0] == written + 1
        log_pages = (tmp_path / "busy.db-wal").stat().st_size // 4096
        assert written > 500 and log_pages < written // 3
    finally:
        await db.close()
