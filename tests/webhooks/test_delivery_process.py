"""The delivery process: posts made in a child process, answered as if made in-process.

What every poster must do is in test_poster.py, run there through the delivery process too."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator

import pytest

from emulator.webhooks.delivery_process import DeliveryProcess
from emulator.webhooks.poster import PostFailed
from tests.webhooks.raw_receiver import OK, replying, serve, url

pytestmark = pytest.mark.anyio


@pytest.fixture
async def process() -> AsyncIterator[DeliveryProcess]:
    process = DeliveryProcess()
    yield process
    await process.close()


async def test_a_post_arrives_whole_and_its_status_comes_back(process: DeliveryProcess) -> None:
    server, requests, _ = await serve(replying(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"))
    body = '{"event": "messages.received", "text": "h\u00e9llo"}'.encode()
    async with server:
        assert await process.post(url(server), body, {"X-Webhook-Signature": "secret"}, 5) == 202
    assert requests[0].startswith(b"POST /hook?x=1 HTTP/1.1\r\n")
    assert b"X-Webhook-Signature: secret\r\n" in requests[0] and requests[0].endswith(body)


async def test_posts_are_under_way_at_once(process: DeliveryProcess) -> None:
    all_arrived = asyncio.Event()
    requests: list[bytes] = []

    async def answer_once_all_arrived(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: bytes) -> bool:
        if len(requests) == 5:
            all_arrived.set()
        await asyncio.wait_for(all_arrived.wait(), 5)
        return await replying(OK)(reader, writer, head)

    server, requests, _ = await serve(answer_once_all_arrived)
    async with server:
        posts = [process.post(url(server), b'{"n": %d}' % n, {}, 10) for n in range(5)]
        assert await asyncio.gather(*posts) == [200] * 5


async def test_posts_the_process_took_with_it_fail_and_the_next_one_starts_a_new_process(
    process: DeliveryProcess,
) -> None:
    arrived = asyncio.Event()

    async def hold(*_: object) -> bool:
        arrived.set()
        await asyncio.sleep(10)
        return False

    server, _, _ = await serve(hold)
    async with server:
        held = asyncio.ensure_future(process.post(url(server), b"{}", {}, 10))
        await asyncio.wait_for(arrived.wait(), 5)
        first = process.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        with pytest.raises(PostFailed, match="delivery process stopped"):
            await held
    ok_server, _, _ = await serve(replying(OK))
    async with ok_server:
        assert await process.post(url(ok_server), b"{}", {}, 5) == 200
    assert process.pid not in (None, first)


async def test_closing_ends_the_process_and_a_later_post_starts_another(process: DeliveryProcess) -> None:
    server, _, _ = await serve(replying(OK))
    async with server:
        await process.post(url(server), b"{}", {}, 5)
        child = process.pid
        assert child is not None
        await process.close()
        assert process.pid is None
        with pytest.raises(ProcessLookupError):
            os.kill(child, 0)
        assert await process.post(url(server), b"{}", {}, 5) == 200
    assert process.pid not in (None, child)


async def test_a_process_that_cannot_start_fails_the_post(
    process: DeliveryProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.executable", "/nonexistent/python")
    with pytest.raises(PostFailed, match="cannot start the delivery process"):
        await process.post("http://127.0.0.1:9/hook", b"{}", {}, 5)
    assert process.pid is None
