"""A long-lived emulator: what a database of HISTORY_MESSAGES stored messages costs.

The database is made as a team's shared instance would have it after weeks: sessions made
through the API, then the messages written straight through the store module (HTTP would
take an hour), every one finished (read). Measured: cold start to the first answer, RSS after
start, message-logs page 1 and a deep page (p99 of sequential requests), RSS after minutes of
mixed traffic, and POST /admin/reset.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emulator.domain.messages import FIRST_MESSAGE_ID, Message  # noqa: E402
from emulator.domain.network import READ  # noqa: E402
from emulator.store import messages as store  # noqa: E402
from emulator.store.database import Database  # noqa: E402

HISTORY_MESSAGES = int(os.environ.get("BENCH_HISTORY_MESSAGES", "1000000"))
HISTORY_SESSIONS = 100
# Session 1 holds a tenth of the history, so its page 5,000 (10 a page) exists.
FIRST_SESSION_SHARE = 0.1
DEEP_PAGE = 5_000
PAGE_REQUESTS = 200
BATCH = 10_000
# Mixed traffic on the long history: session 1 sends over a few connections while a reader
# pages through the message logs, as a team's shared instance is used.
MIXED_SECONDS = int(os.environ.get("BENCH_MIXED_SECONDS", "300"))
MIXED_SENDERS = 5


def make_sessions(url: str, pat: str, count: int) -> list[int]:
    """`count` - 1 more sessions of the default account, beside session 1."""
    httpx.put(f"{url}/admin/accounts/1", json={"session_limit": count + 1}).raise_for_status()
    ids = [1]
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {pat}"}) as client:
        for n in range(count - 1):
            body = {"name": f"history {n}", "phone_number": f"+1333{n:07d}", "account_protection": False,
                    "log_messages": True}  # fmt: skip
            ids.append(client.post("/api/whatsapp-sessions", json=body).raise_for_status().json()["data"]["id"])
    return ids


def _session_for(index: int, sessions: list[int]) -> int:
    if index < HISTORY_MESSAGES * FIRST_SESSION_SHARE:
        return sessions[0]
    return sessions[1 + index % (len(sessions) - 1)]


async def write_messages(path: Path, sessions: list[int], count: int) -> None:
    """`count` finished (read) texts, spread over `sessions`, through the store's own insert."""
    db = Database(str(path))
    await db.open()
    start = time.time() - 30 * 86_400
    try:
        for first in range(0, count, BATCH):
            for index in range(first, min(first + BATCH, count)):
                at = start + index
                message_id = FIRST_MESSAGE_ID + index
                store.insert(db, Message(
                    id=message_id, session_id=_session_for(index, sessions), from_me=True, key_id=f"3EB0{message_id:016X}",
                    remote_jid="15551234567@s.whatsapp.net", to_raw="+15551234567", kind="text",
                    content={"text": "history"}, message={"conversation": "history"}, status=READ, behaviour="read",
                    attempted_at=at, created_at=at, updated_at=at + 4,
                ))  # fmt: skip
            db.flush()
    finally:
        await db.close()


def p99_ms(client: httpx.Client, path: str) -> float:
    timings = []
    for _ in range(PAGE_REQUESTS):
        started = time.perf_counter()
        client.get(path).raise_for_status()
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.quantiles(timings, n=100)[98], 2)


def mixed_traffic(client: httpx.Client, send_load: Callable[[int, int], object], seconds: int) -> int:
    """Sends (`send_load(seconds, connections)`) while logs pages are read; answers the pages read."""
    pages = 0
    with ThreadPoolExecutor(1) as pool:
        sending = pool.submit(send_load, seconds, MIXED_SENDERS)
        while not sending.done():
            client.get(f"/api/whatsapp-sessions/1/message-logs?page={1 + pages % DEEP_PAGE}").raise_for_status()
            pages += 1
        sending.result()
    return pages


def measure_history(
    emulator_type: type, workdir: Path, pat: str, send_load: Callable[[str, int, int], object]
) -> dict[str, object]:
    """Build the history in `workdir`, restart on it, and measure; `emulator_type` is run.Emulator,
    `send_load(url, seconds, connections)` drives session 1's sends."""
    emulator = emulator_type(workdir)
    try:
        sessions = make_sessions(emulator.url, pat, HISTORY_SESSIONS)
    finally:
        emulator.stop()
    built = time.perf_counter()
    asyncio.run(write_messages(workdir / "bench.db", sessions, HISTORY_MESSAGES))
    build_s = round(time.perf_counter() - built, 1)
    emulator = emulator_type(workdir)
    try:
        figures: dict[str, object] = {"messages": HISTORY_MESSAGES, "sessions": HISTORY_SESSIONS, "build_s": build_s,
                                      "cold_start_s": emulator.cold_start_s, "rss_after_start_mb": emulator.rss_mb()}  # fmt: skip
        logs = "/api/whatsapp-sessions/1/message-logs"
        with httpx.Client(base_url=emulator.url, headers={"Authorization": f"Bearer {pat}"}, timeout=30) as client:
            figures["logs_page_1_p99_ms"] = p99_ms(client, f"{logs}?page=1")
            figures[f"logs_page_{DEEP_PAGE}_p99_ms"] = p99_ms(client, f"{logs}?page={DEEP_PAGE}")
            load = partial(send_load, emulator.url)
            figures["mixed_seconds"] = MIXED_SECONDS
            figures["mixed_log_pages_read"] = mixed_traffic(client, load, MIXED_SECONDS)
            figures["rss_after_mixed_mb"] = emulator.rss_mb()
            started = time.perf_counter()
            client.post("/admin/reset").raise_for_status()
            figures["reset_ms"] = round((time.perf_counter() - started) * 1000, 2)
        return figures
    finally:
        emulator.stop()
