"""JSON a client sent, where nesting deeper than the decoder goes is one more way to be malformed.

msgspec stops at its nesting limit with a RecursionError rather than a DecodeError: a body such
as `{"a": {"a": ...}}` thousands deep would otherwise escape every handler's "not JSON" branch.
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

T = TypeVar("T")


def decode_json(body: bytes | str, type: type[T] = Any) -> T:  # type: ignore[assignment]
    try:
        return msgspec.json.decode(body, type=type)
    except RecursionError:
        raise msgspec.DecodeError("JSON is nested too deeply") from None
