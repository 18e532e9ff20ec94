"""The webhook poster against receivers that answer in every way HTTP/1.1 allows."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from emulator.webhooks.poster import PostFailed, Poster

Answer = Callable[[asyncio.StreamReader, asyncio.StreamWriter, bytes], Awaitable[bool]]
pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def serve(answer: Answer) -> tuple[asyncio.Server, list[bytes], list[int]]:
    """A receiver on a free port: `answer` writes the reply and says whether to keep going."""
    requests: list[bytes] = []
    connections: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                requests.append(head + await reader.readexactly(length))
                if not await answer(reader, writer, head):
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, requests, connections


def url(server: asyncio.Server) -> str:
    return f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hook?x=1"


def replying(raw: bytes, keep: bool = True) -> Answer:
    async def answer(_: asyncio.StreamReader, writer: asyncio.StreamWriter, __: bytes) -> bool:
        writer.write(raw)
        await writer.drain()
        return keep

    return answer


@pytest.fixture
async def poster() -> AsyncIterator[Poster]:
    poster = Poster()
    yield poster
    await poster.close()


OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


@pytest.mark.parametrize(
    "raw",
    [
        OK,
        b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n3\r\n!!!\r\n0\r\n\r\n",
    ],
)
async def test_keep_alive_answers_reuse_one_connection(poster: Poster, raw: bytes) -> None:
    server, requests, connections = await serve(replying(raw))
    async with server:
        statuses = [await poster.post(url(server), b'{"n": %d}' % n, {"X-Webhook-Signature": "s"}, 5) for n in range(3)]
    assert statuses == [int(raw[9:12])] * 3 and len(connections) == 1
    assert requests[0].startswith(b"POST /hook?x=1 HTTP/1.1\r\n")
    assert b"X-Webhook-Signature: s\r\n" in requests[0] and requests[2].endswith(b'{"n": 2}')


async def test_an_answer_that_closes_gets_a_new_connection_next_time(poster: Poster) -> None:
    server, _, connections = await serve(replying(b"HTTP/1.1 500 Oops\r\nConnection: close\r\n\r\nbody", keep=False))
    async with server:
        assert [await poster.post(url(server), b"{}", {}, 5) for _ in range(2)] == [500, 500]
    assert len(connections) == 2


async def test_a_kept_connection_the_receiver_closed_is_retried_once(poster: Poster) -> None:
    server, requests, connections = await serve(replying(OK, keep=False))  # closes without saying so
    async with server:
        assert await poster.post(url(server), b"{}", {}, 5) == 200
        await asyncio.sleep(0.05)
        assert await poster.post(url(server), b"{}", {}, 5) == 200
    assert len(requests) == 2 and len(connections) == 2


async def test_a_receiver_that_never_answers_times_out(poster: Poster) -> None:
    async def silent(*_: object) -> bool:
        await asyncio.sleep(10)
        return False

    server, _, _ = await serve(silent)
    async with server:
        with pytest.raises(TimeoutError):
            await poster.post(url(server), b"{}", {}, 0.2)


@pytest.mark.parametrize("raw", [b"SSH-2.0-OpenSSH\r\n\r\n", b"HTTP/1.1 abc\r\n\r\n"])
async def test_what_is_not_http_fails(poster: Poster, raw: bytes) -> None:
    server, _, _ = await serve(replying(raw, keep=False))
    async with server:
        with pytest.raises(PostFailed):
            await poster.post(url(server), b"{}", {}, 5)


async def test_nobody_listening(poster: Poster) -> None:
    server, _, _ = await serve(replying(OK))
    address = url(server)
    server.close()
    await server.wait_closed()
    with pytest.raises(PostFailed, match="cannot connect"):
        await poster.post(address, b"{}", {}, 5)
