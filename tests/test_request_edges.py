"""Bad input at the edges of a live server: bodies too large and bodies too slow are cut off in JSON."""

from __future__ import annotations

import json
import socket
import time
from urllib.parse import urlsplit

from emulator.http.body_limits import BODY_GRACE_SECONDS, DEFAULT_MAX_BODY, MEDIA_MAX_BODY
from tests.conftest import CONNECTED_KEY, PAT, LiveServer

CHUNK = 64 * 1024


def _connect(server: LiveServer) -> socket.socket:
    url = urlsplit(server.url)
    sock = socket.create_connection((url.hostname, url.port), timeout=BODY_GRACE_SECONDS + 10)
    return sock


def _head(method: str, path: str, token: str, framing: str) -> bytes:
    return (
        f"{method} {path} HTTP/1.1\r\nHost: emulator\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\n{framing}\r\n\r\n"
    ).encode()


def _answer(sock: socket.socket) -> tuple[int, dict[str, str], dict[str, object]]:
    """Status, headers and JSON body of one response; the server must close the connection after it."""
    raw = b""
    while chunk := sock.recv(65536):
        raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode().split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in header_lines)}
    return int(status_line.split()[1]), headers, json.loads(body)


def _assert_vendor_error(status: int, headers: dict[str, str], body: dict[str, object], expected: int) -> None:
    assert status == expected and headers["content-type"].startswith("application/json")
    assert body["success"] is False and isinstance(body["message"], str)
    assert headers["connection"] == "close"


def test_a_body_announced_over_the_limit_is_refused_before_it_is_sent(live_server: LiveServer) -> None:
    for path, token, limit in [
        ("/api/upload", CONNECTED_KEY, MEDIA_MAX_BODY),
        ("/api/send-message", CONNECTED_KEY, 1024 * 1024),
        ("/api/whatsapp-sessions", PAT, DEFAULT_MAX_BODY),
    ]:
        with _connect(live_server) as sock:
            sock.sendall(_head("POST", path, token, f"Content-Length: {limit + 1}"))
            _assert_vendor_error(*_answer(sock), 413)


def test_a_chunked_body_is_cut_off_once_it_passes_the_limit(live_server: LiveServer) -> None:
    sent = 0
    with _connect(live_server) as sock:
        sock.sendall(_head("POST", "/api/whatsapp-sessions", PAT, "Transfer-Encoding: chunked"))
        try:
            while sent < 20 * DEFAULT_MAX_BODY:
                sock.sendall(f"{CHUNK:x}\r\n".encode() + b" " * CHUNK + b"\r\n")
                sent += CHUNK
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading: what is asserted
        _assert_vendor_error(*_answer(sock), 413)
    assert sent < 20 * DEFAULT_MAX_BODY


def test_a_body_trickling_in_a_byte_a_second_is_cut_off(live_server: LiveServer) -> None:
    body = json.dumps({"to": "+15551234567", "text": "slow"}).encode()
    started = time.monotonic()
    with _connect(live_server) as sock:
        sock.sendall(_head("POST", "/api/send-message", CONNECTED_KEY, f"Content-Length: {len(body)}"))
        sock.settimeout(1)
        trickled = 0
        answer = None
        try:
            while answer is None and trickled < len(body):
                sock.sendall(body[trickled : trickled + 1])
                trickled += 1
                try:
                    answer = sock.recv(65536, socket.MSG_PEEK)
                except TimeoutError:
                    continue
            sock.settimeout(10)
            _assert_vendor_error(*_answer(sock), 408)
        except ConnectionResetError:
            # A byte sent after the server answered and closed resets the connection, and the
            # kernel drops the unread answer with it: the body was cut off all the same.
            assert time.monotonic() - started >= BODY_GRACE_SECONDS
    assert trickled < len(body) and time.monotonic() - started < BODY_GRACE_SECONDS + 5
