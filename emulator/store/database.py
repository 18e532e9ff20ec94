"""The one connection to SQLite: WAL mode, versioned migrations, one writer, group commit.

The event loop's thread owns the connection and runs every statement itself. The
emulator's statements take microseconds, less than a hop to a database thread costs (and
each hop hands the GIL back and forth with a busy loop). The slow part of SQLite, folding
the write-ahead log back into the database file with its fsyncs, runs on a second
connection through aiosqlite, off the loop, so a checkpoint never stalls a request.

Hot-path writes are queued and committed together every few milliseconds: a send answers
only after the transaction holding its row committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

SQLITE_MAX_INTEGER = 2**63 - 1
CHECKPOINT_EVERY_SECONDS = 1.0
# How long queued statements wait for company: under load each commit carries many rows
# (fewer, larger transactions write far fewer WAL pages); alone, a write waits this long.
GROUP_COMMIT_SECONDS = 0.002
# The write-ahead log is reused from its start after each complete checkpoint; without a limit
# its file keeps the size of the busiest second it ever held (hundreds of MB under load).
WAL_SIZE_LIMIT = 32 * 1024 * 1024
# Past this many frames (pages) in the log, a checkpoint makes the log start again (see
# Database._restart_log): when it is as large as the file is cut back to.
WAL_RESTART_FRAMES = WAL_SIZE_LIMIT // 4096
MAX_CATCH_UP_PASSES = 4
FEW_FRAMES = 256



def storable(value: int) -> bool:
    """Whether SQLite can bind the integer: no row holds one it cannot, and binding one raises."""
    return -SQLITE_MAX_INTEGER <= value <= SQLITE_MAX_INTEGER


def page_offset(page: int, per_page: int) -> int:
    """The OFFSET of a page; beyond SQLite's integers it is the largest one, past every row."""
    return min((page - 1) * per_page, SQLITE_MAX_INTEGER)

class Database:
    def __init__(self, path: str) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._checkpointer: asyncio.Task[None] | None = None
        # Group commit: statements queued within GROUP_COMMIT_SECONDS share a transaction.
        self._queued: list[tuple[str, Sequence[Any]]] = []
        self._queued_waiters: list[asyncio.Future[None] | None] = []
        self._flush_scheduled = False
        self._commits_held = False
        self._removing: list[threading.Thread] = []

    @property
    def is_file(self) -> bool:
        return self.path != ":memory:"

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("the database is not open")
        return self._conn

    async def open(self) -> None:
        if self.is_file:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        pragmas = ("journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON", "busy_timeout = 5000",
                   f"journal_size_limit = {WAL_SIZE_LIMIT}")  # fmt: skip
        for pragma in pragmas:
            self._conn.execute(f"PRAGMA {pragma}")
        self._migrate()
        if self.is_file:
            # Checkpoints happen on the checkpointer's connection, not inside a request's commit.
            self._conn.execute("PRAGMA wal_autocheckpoint = 0")
            self._checkpointer = asyncio.get_running_loop().create_task(self._checkpoint_periodically())

    async def close(self) -> None:
        self.flush()
        await self._stop_checkpointer()
        for removing in self._removing:
            removing.join()
        self._removing.clear()
        if self._conn is not None:
            if self.is_file:
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._conn.close()
            self._conn = None

    async def recreate(self) -> None:
        """Start again on an empty database of the current schema, as a first start makes it.

        A file is replaced by a new one: emptying the tables instead writes every page the
        history holds, so its cost would grow with the history.
        """
        self.flush()
        await self._stop_checkpointer()
        replaced = [self._set_aside(self.path + suffix) for suffix in ("", "-wal", "-shm")] if self.is_file else []
        # Closing folds the log into the file set aside: at least without the fsyncs.
        self.conn.execute("PRAGMA synchronous = OFF")
        self.conn.close()
        self._conn = None
        await self.open()
        # Freeing a large file's blocks takes the file system a while: off the loop.
        removing = threading.Thread(target=_remove, args=([name for name in replaced if name],), daemon=True)
        removing.start()
        self._removing.append(removing)

    def _set_aside(self, name: str) -> str | None:
        """Rename `name` out of the way at once; the new name, or None when there was no such file."""
        aside = f"{name}.replaced-{time.monotonic_ns()}"
        try:
            os.replace(name, aside)
        except FileNotFoundError:
            return None
        return aside

    async def _stop_checkpointer(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._checkpointer
            self._checkpointer = None

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        for number, sql in _migrations():
            if number > version:
                self.conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")

    async def _checkpoint_periodically(self) -> None:
        async with aiosqlite.connect(self.path) as checkpointer:
            await checkpointer.execute("PRAGMA busy_timeout = 5000")
            while True:
                await asyncio.sleep(CHECKPOINT_EVERY_SECONDS)
                in_log, _ = await _checkpoint(checkpointer)
                if in_log > WAL_RESTART_FRAMES:
                    await self._restart_log(checkpointer)

    async def _restart_log(self, checkpointer: aiosqlite.Connection) -> None:
        """Under steady writes a checkpoint never finds the whole log copied, so the log never
        starts again from its beginning: it grew by 25 MB a second. More passes copy what the
        commits meanwhile added, each less; then the group commits wait while a last pass
        copies the few frames left, and the next commit starts the log again. The loop is
        never blocked: only the queued statements wait, a few milliseconds."""
        for _ in range(MAX_CATCH_UP_PASSES):
            in_log, copied = await _checkpoint(checkpointer)
            if in_log - copied <= FEW_FRAMES:
                break
        self._commits_held = True
        try:
            await _checkpoint(checkpointer)
        finally:
            self._commits_held = False
        self.flush()

    # Writing ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A transaction on the loop's thread; nothing else runs until it ends."""
        self.flush()
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    async def write(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One statement in its own transaction; answers the last inserted row id."""
        self.flush()
        return self.conn.execute(sql, params).lastrowid or 0

    def enqueue(self, sql: str, params: Sequence[Any]) -> asyncio.Future[None]:
        """Queue a statement for the next group commit; the future resolves once it is committed.

        Statements commit in the order they were queued, before any later direct write or read.
        """
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue(sql, params, waiter)
        return waiter

    def enqueue_unawaited(self, sql: str, params: Sequence[Any]) -> None:
        """Queue a statement that nothing waits for, as `enqueue` does, without its future."""
        self._queue(sql, params, None)

    def _queue(self, sql: str, params: Sequence[Any], waiter: asyncio.Future[None] | None) -> None:
        self._queued.append((sql, params))
        self._queued_waiters.append(waiter)
        if not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_later(GROUP_COMMIT_SECONDS, self._group_commit)

    def _group_commit(self) -> None:
        if self._commits_held:
            self._flush_scheduled = False  # the checkpoint holding it commits when it ends
        else:
            self.flush()

    def flush(self) -> None:
        """Commit every queued statement now, in one transaction."""
        self._flush_scheduled = False
        if not self._queued:
            return
        batch, waiters = self._queued, self._queued_waiters
        self._queued, self._queued_waiters = [], []
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            for sql, rows in _runs_of_same_statement(batch):
                conn.executemany(sql, rows)
            conn.execute("COMMIT")
        except (sqlite3.Error, OverflowError, ValueError, TypeError):
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            # One statement that cannot be stored must not fail the others queued with it.
            for (sql, params), waiter in zip(batch, waiters, strict=True):
                _settle(waiter, conn, sql, params)
            return
        for waiter in waiters:
            if waiter is not None and not waiter.done():
                waiter.set_result(None)

    # Reading ------------------------------------------------------------------------------

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        self.flush()
        return self.conn.execute(sql, params).fetchone()

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        self.flush()
        return self.conn.execute(sql, params).fetchall()


async def _checkpoint(checkpointer: aiosqlite.Connection) -> tuple[int, int]:
    """A passive checkpoint: how many frames the log holds, and how many of them are copied."""
    async with checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)") as cursor:
        row = await cursor.fetchone()
    return (row[1], row[2]) if row else (0, 0)


def _remove(names: list[str]) -> None:
    for name in names:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)


def _settle(waiter: asyncio.Future[None] | None, conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> None:
    """Run one statement in its own transaction; its waiter learns how it went."""
    try:
        conn.execute(sql, params)
    except (sqlite3.Error, OverflowError, ValueError, TypeError) as exc:
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)
        return
    if waiter is not None and not waiter.done():
        waiter.set_result(None)


def _runs_of_same_statement(batch: list[tuple[str, Sequence[Any]]]) -> list[tuple[str, list[Sequence[Any]]]]:
    runs: list[tuple[str, list[Sequence[Any]]]] = []
    for sql, params in batch:
        if runs and runs[-1][0] == sql:
            runs[-1][1].append(params)
        else:
            runs.append((sql, [params]))
    return runs


def _migrations() -> list[tuple[int, str]]:
    folder = resources.files("emulator.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)
