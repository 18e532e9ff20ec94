"""POSTing webhooks over HTTP/1.1 on asyncio streams, with keep-alive connections.

A webhook delivery is one small POST whose answer only matters for its status code.
httpx spent about a millisecond on each; this does the same work in a fraction of it, so
the delivery process can feed many slow receivers at once. Connections a receiver keeps
open are reused by later posts to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from urllib.parse import urlsplit

_MAX_HEADER_BYTES = 64 * 1024

_Where = tuple[str, str, int]  # scheme, host, port
_Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class PostFailed(Exception):
    """No answer: the connection failed, or the answer was not HTTP."""


class Poster:
    def __init__(self) -> None:
        self._idle: dict[_Where, list[_Connection]] = {}
        self._tls: ssl.SSLContext | None = None

    async def post(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
        """The receiver's status code; TimeoutError or PostFailed when there is none."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise PostFailed(f"not an http(s) URL: {url}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        where = (parts.scheme, parts.hostname, port)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        request = (
            f"POST {target} HTTP/1.1\r\nHost: {parts.netloc.rpartition('@')[2]}\r\n"
            f"Content-Length: {len(body)}\r\n{head}\r\n"
        ).encode("latin-1") + body
        async with asyncio.timeout(timeout):
            idle = self._idle.get(where)
            if idle:
                with contextlib.suppress(PostFailed, ConnectionError, asyncio.IncompleteReadError):
                    return await self._exchange(where, idle.pop(), request)
                # A kept connection the receiver had closed meanwhile: one more try on a new one.
            return await self._exchange(where, await self._connect(where), request)

    async def close(self) -> None:
        idle, self._idle = self._idle, {}
        for connections in idle.values():
            for _, writer in connections:
                writer.close()

    async def _connect(self, where: _Where) -> _Connection:
        scheme, host, port = where
        try:
            return await asyncio.open_connection(host, port, ssl=self._tls_context() if scheme == "https" else None)
        except OSError as exc:
            raise PostFailed(f"cannot connect to {host}:{port}: {exc.strerror or exc}") from None

    def _tls_context(self) -> ssl.SSLContext:
        if self._tls is None:
            self._tls = ssl.create_default_context()
        return self._tls

    async def _exchange(self, where: _Where, connection: _Connection, request: bytes) -> int:
        reader, writer = connection
        try:
            writer.write(request)
            await writer.drain()
            status, keep_alive = await _read_response(reader)
        except BaseException:
            writer.close()
            raise
        if keep_alive:
            self._idle.setdefault(where, []).append(connection)
        else:
            writer.close()
        return status


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """(status code, whether the connection may be kept), the body read and dropped."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.LimitOverrunError:
        raise PostFailed("the answer's headers are too long") from None
    if len(head) > _MAX_HEADER_BYTES:
        raise PostFailed("the answer's headers are too long")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    version, _, rest = status_line.partition(" ")
    if not version.startswith("HTTP/1.") or not rest[:3].isdigit():
        raise PostFailed(f"not an HTTP answer: {status_line[:60]!r}")
    fields = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip().lower()
    status = int(rest[:3])
    if 100 <= status < 200:
        return await _read_response(reader)  # an interim answer: the final one follows
    keep_alive = fields.get("connection") != "close" and version == "HTTP/1.1"
    if status in (204, 304):
        pass  # never a body, whatever the headers say
    elif fields.get("transfer-encoding", "").endswith("chunked"):
        await _skip_chunks(reader)
    elif "content-length" in fields:
        await reader.readexactly(int(fields["content-length"]))
    else:
        await reader.read()  # the body runs until the receiver closes
        keep_alive = False
    return status, keep_alive


async def _skip_chunks(reader: asyncio.StreamReader) -> None:
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        await reader.readexactly(size + 2)
        if size == 0:
            return
