"""Webhook POSTs made in a process of their own, so that delivering never takes the API's core.

The dispatcher still decides what goes where, when and in which order; only the HTTP exchange
happens in the delivery process. Requests and answers cross its stdin and stdout as
length-prefixed msgpack batches, one write per turn of the event loop however many posts it
carries. The process starts with the first post and ends when its stdin closes, so it never
outlives the emulator.
"""

from __future__ import annotations

import asyncio
import signal
import struct
import sys
from collections.abc import Callable

import msgspec
import uvloop

from emulator.webhooks.poster import PostFailed, Poster

_LENGTH = struct.Struct(">I")
_READ_CHUNK = 1 << 16


class PostRequest(msgspec.Struct, array_like=True):
    id: int
    url: str
    body: bytes
    headers: dict[str, str]
    timeout: float


class PostAnswer(msgspec.Struct, array_like=True):
    id: int
    # The receiver's status code; None when there was no answer, and then `error` says why.
    status: int | None
    error: str | None = None
    timed_out: bool = False


class _Batcher:
    """Items appended during one turn of the loop leave together, as one frame."""

    def __init__(self, write: Callable[[bytes], object]) -> None:
        self._write = write
        self._items: list[msgspec.Struct] = []
        self._encoder = msgspec.msgpack.Encoder()

    def add(self, item: msgspec.Struct) -> None:
        self._items.append(item)
        if len(self._items) == 1:
            asyncio.get_running_loop().call_soon(self._send)

    def _send(self) -> None:
        items, self._items = self._items, []
        payload = self._encoder.encode(items)
        self._write(_LENGTH.pack(len(payload)) + payload)


class DeliveryProcess:
    """The API side: `post` has the contract of `Poster.post`, the work happens in the child."""

    def __init__(self) -> None:
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._outbox: _Batcher | None = None
        self._waiting: dict[int, asyncio.Future[PostAnswer]] = {}
        self._next_id = 1
        self._starting = asyncio.Lock()

    @property
    def pid(self) -> int | None:
        """The delivery process's, while it runs."""
        return self._process.pid if self._process is not None else None

    async def post(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
        """The receiver's status code; TimeoutError or PostFailed when there is none."""
        outbox = await self._started()
        request_id, self._next_id = self._next_id, self._next_id + 1
        answer: asyncio.Future[PostAnswer] = asyncio.get_running_loop().create_future()
        self._waiting[request_id] = answer
        outbox.add(PostRequest(request_id, url, body, headers, timeout))
        try:
            got = await answer
        finally:
            self._waiting.pop(request_id, None)
        if got.status is not None:
            return got.status
        if got.timed_out:
            raise TimeoutError
        raise PostFailed(got.error or "no answer")

    async def close(self) -> None:
        """End the process; a later post starts a new one."""
        process, self._process, self._outbox = self._process, None, None
        if process is None:
            return
        assert process.stdin is not None
        process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), 5)
        except TimeoutError:
            process.kill()
            await process.wait()
        if self._reader is not None:
            await self._reader
            self._reader = None

    async def _started(self) -> _Batcher:
        if self._outbox is not None:
            return self._outbox
        async with self._starting:
            if self._process is None or self._outbox is None:
                try:
                    self._process = await asyncio.create_subprocess_exec(
                        sys.executable, "-m", __name__, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
                    )
                except OSError as exc:
                    raise PostFailed(f"cannot start the delivery process: {exc}") from None
                assert self._process.stdin is not None and self._process.stdout is not None
                self._outbox = _Batcher(self._process.stdin.write)
                self._reader = asyncio.get_running_loop().create_task(self._read_answers(self._process))
            return self._outbox

    async def _read_answers(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        decoder = msgspec.msgpack.Decoder(list[PostAnswer])
        buffer = bytearray()
        try:
            while chunk := await process.stdout.read(_READ_CHUNK):
                buffer += chunk
                for answers in _frames(buffer, decoder):
                    for answer in answers:
                        waiter = self._waiting.get(answer.id)
                        if waiter is not None and not waiter.done():
                            waiter.set_result(answer)
        except msgspec.DecodeError:
            process.kill()  # it wrote something other than answers: trust it with nothing more
        # The process ended: what it had not answered gets no answer, and the next post starts a new one.
        if self._process is process:
            self._process = self._outbox = None
        for request_id, waiter in list(self._waiting.items()):
            if not waiter.done():
                waiter.set_result(PostAnswer(request_id, None, "the delivery process stopped"))


def _frames(buffer: bytearray, decoder: msgspec.msgpack.Decoder[list[PostAnswer]]) -> list[list[PostAnswer]]:
    """Decode and remove the complete frames at the front of `buffer`."""
    found = []
    while len(buffer) >= _LENGTH.size:
        (length,) = _LENGTH.unpack_from(buffer)
        end = _LENGTH.size + length
        if len(buffer) < end:
            break
        found.append(decoder.decode(bytes(buffer[_LENGTH.size : end])))
        del buffer[:end]
    return found


# The delivery process ------------------------------------------------------------------------


async def _serve() -> None:
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader(limit=1 << 30)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin.buffer)
    stdout, _ = await loop.connect_write_pipe(asyncio.Protocol, sys.stdout.buffer)
    answers = _Batcher(stdout.write)
    decoder = msgspec.msgpack.Decoder(list[PostRequest])
    poster = Poster()
    under_way: set[asyncio.Task[None]] = set()

    async def deliver(request: PostRequest) -> None:
        answers.add(await _answer(poster, request))

    try:
        while True:
            try:
                (length,) = _LENGTH.unpack(await stdin.readexactly(_LENGTH.size))
                batch = decoder.decode(await stdin.readexactly(length))
            except asyncio.IncompleteReadError:
                return  # the emulator closed our stdin: time to go
            for request in batch:
                task = loop.create_task(deliver(request))
                under_way.add(task)
                task.add_done_callback(under_way.discard)
    finally:
        for task in under_way:
            task.cancel()
        await asyncio.gather(*under_way, return_exceptions=True)
        await poster.close()


async def _answer(poster: Poster, request: PostRequest) -> PostAnswer:
    try:
        status = await poster.post(request.url, request.body, request.headers, request.timeout)
    except TimeoutError:
        return PostAnswer(request.id, None, None, timed_out=True)
    except PostFailed as exc:
        return PostAnswer(request.id, None, str(exc) or "no answer")
    except (ConnectionError, asyncio.IncompleteReadError, ValueError) as exc:
        return PostAnswer(request.id, None, f"the receiver broke the connection ({type(exc).__name__})")
    except Exception as exc:  # noqa: BLE001 - a post left unanswered would stall its session's deliveries
        return PostAnswer(request.id, None, f"{type(exc).__name__}: {exc}")
    return PostAnswer(request.id, status)


def main() -> None:
    # Ctrl-C reaches the whole process group; the emulator stops its deliveries, then closes our stdin.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    uvloop.run(_serve())


if __name__ == "__main__":
    main()
