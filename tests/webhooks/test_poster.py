"""The webhook poster, in this process and through the delivery process, against receivers that
answer in every way HTTP/1.1 allows."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from emulator.webhooks.delivery_process import DeliveryProcess
from emulator.webhooks.poster import PostFailed, Poster
from tests.webhooks.raw_receiver import OK, replying, serve, url

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["in this process", "through the delivery process"])
async def poster(request: pytest.FixtureRequest) -> AsyncIterator[Poster | DeliveryProcess]:
    poster = Poster() if request.param == "in this process" else DeliveryProcess()
    yield poster
    await poster.close()


@pytest.mark.parametrize(
    "raw",
    [
        OK,
        b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 204 No Content\r\nServer: uvicorn\r\n\r\n",
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n3\r\n!!!\r\n0\r\n\r\n",
    ],
)
async def test_keep_alive_answers_reuse_one_connection(poster: Poster | DeliveryProcess, raw: bytes) -> None:
    server, requests, connections = await serve(replying(raw))
    async with server:
        statuses = [await poster.post(url(server), b'{"n": %d}' % n, {"X-Webhook-Signature": "s"}, 5) for n in range(3)]
    final_status = int(raw.rpartition(b"HTTP/1.1 ")[2][:3])
    assert statuses == [final_status] * 3 and len(connections) == 1
    assert requests[0].startswith(b"POST /hook?x=1 HTTP/1.1\r\n")
    assert b"X-Webhook-Signature: s\r\n" in requests[0] and requests[2].endswith(b'{"n": 2}')


async def test_an_answer_that_closes_gets_a_new_connection_next_time(poster: Poster | DeliveryProcess) -> None:
    server, _, connections = await serve(replying(b"HTTP/1.1 500 Oops\r\nConnection: close\r\n\r\nbody", keep=False))
    async with server:
        assert [await poster.post(url(server), b"{}", {}, 5) for _ in range(2)] == [500, 500]
    assert len(connections) == 2


async def test_a_kept_connection_the_receiver_closed_is_retried_once(poster: Poster | DeliveryProcess) -> None:
    server, requests, connections = await serve(replying(OK, keep=False))  # closes without saying so
    async with server:
        assert await poster.post(url(server), b"{}", {}, 5) == 200
        await asyncio.sleep(0.05)
        assert await poster.post(url(server), b"{}", {}, 5) == 200
    assert len(requests) == 2 and len(connections) == 2


async def test_a_receiver_that_never_answers_times_out(poster: Poster | DeliveryProcess) -> None:
    async def silent(*_: object) -> bool:
        await asyncio.sleep(10)
        return False

    server, _, _ = await serve(silent)
    async with server:
        with pytest.raises(TimeoutError):
            await poster.post(url(server), b"{}", {}, 0.2)


@pytest.mark.parametrize("raw", [b"SSH-2.0-OpenSSH\r\n\r\n", b"HTTP/1.1 abc\r\n\r\n"])
async def test_what_is_not_http_fails(poster: Poster | DeliveryProcess, raw: bytes) -> None:
    server, _, _ = await serve(replying(raw, keep=False))
    async with server:
        with pytest.raises(PostFailed):
            await poster.post(url(server), b"{}", {}, 5)


async def test_nobody_listening(poster: Poster | DeliveryProcess) -> None:
    server, _, _ = await serve(replying(OK))
    address = url(server)
    server.close()
    await server.wait_closed()
    with pytest.raises(PostFailed, match="cannot connect"):
        await poster.post(address, b"{}", {}, 5)


async def test_only_http_urls_are_posted_to(poster: Poster | DeliveryProcess) -> None:
    with pytest.raises(PostFailed, match="not an http"):
        await poster.post("ftp://127.0.0.1/hook", b"{}", {}, 5)


async def test_connections_opened_for_posts_at_once_are_all_kept(poster: Poster | DeliveryProcess) -> None:
    server, requests, connections = await serve(replying(OK))
    async with server:
        for _ in range(2):
            posts = [poster.post(url(server), b"{}", {}, 5) for _ in range(3)]
            assert await asyncio.gather(*posts) == [200] * 3
    assert len(requests) == 6 and len(connections) == 3
