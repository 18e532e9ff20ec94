"""SendAPI's public ids (`sess_<ULID>`, `msg_<ULID>`) and the integer aliases behind them.

The 26 ULID characters are 10 derived from the integer (in place of a time, so an id is the same
wherever the record is named, a webhook included) and 16 that carry the integer itself: an id
decodes without a lookup, and the derived part refuses made-up ids.
"""

from __future__ import annotations

import functools
import hashlib

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {c: i for i, c in enumerate(_CROCKFORD)}
_HEAD_CHARS, _ID_CHARS = 10, 16

SESSION, MESSAGE, GROUP, REQUEST = "sess_", "msg_", "grp_", "req_"
# What a public id looks like, in either case (Crockford's alphabet has no I, L, O or U).
ULID_PATTERN = "[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{26}"


def _base32(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, digit = divmod(number, 32)
        chars.append(_CROCKFORD[digit])
    return "".join(reversed(chars))


# A record is named again and again (a session in each of its answers, a message in each of its
# status webhooks), and hashing is most of the cost of a name.
@functools.lru_cache(maxsize=4096)
def public_id(prefix: str, integer_id: int) -> str:
    # The first character stays below 8, as a ULID's does.
    head = int.from_bytes(hashlib.sha256(f"{prefix}{integer_id}".encode()).digest()[:7]) >> 6
    return prefix + _base32(head, _HEAD_CHARS) + _base32(integer_id, _ID_CHARS)


def integer_id(prefix: str, given: str | int) -> int | None:
    """The integer `given` names (`<prefix><ULID>` exactly, or the integer alias), or None."""
    if isinstance(given, int):
        return given if given >= 0 else None
    if given.isdigit():
        return int(given)
    body = given[len(prefix) :].upper() if given.startswith(prefix) else ""
    if len(body) != _HEAD_CHARS + _ID_CHARS or any(c not in _VALUE for c in body):
        return None
    value = 0
    for char in body[_HEAD_CHARS:]:
        value = value * 32 + _VALUE[char]
    return value if public_id(prefix, value)[len(prefix) :] == body else None
