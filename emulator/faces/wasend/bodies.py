"""Request bodies and query strings into typed structs; a fault is a 400 listing what is wrong, as
class-validator words it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

import msgspec

from emulator.faces.wasend.errors import WasendError
from emulator.http.json_bodies import decode_json

T = TypeVar("T", bound=msgspec.Struct)


def parse(struct_type: type[T], body: bytes) -> T:
    """The SDK posts empty bodies (and `null`) to actions: those count as an empty object."""
    try:
        raw = decode_json(body) if body.strip() else {}
    except msgspec.DecodeError:
        raise WasendError(400, ["the body must be JSON"]) from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise WasendError(400, ["the body must be a JSON object"])
    try:
        return msgspec.convert({k: v for k, v in raw.items() if v is not None}, struct_type)
    except msgspec.ValidationError as exc:
        raise WasendError(400, [str(exc)]) from None


def parse_query(struct_type: type[T], query: Mapping[str, str]) -> T:
    """Query strings carry text: numbers and booleans are read from it."""
    try:
        return msgspec.convert(dict(query), struct_type, strict=False)
    except msgspec.ValidationError as exc:
        raise WasendError(400, [str(exc)]) from None
