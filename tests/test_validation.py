"""The request parser: never anything but a struct or a Laravel-worded 422, and both paths agree."""

from __future__ import annotations

import json
from typing import Annotated, Literal

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.domain.errors import attribute_label
from emulator.domain.errors import ValidationFailed
from emulator.faces.wasenderapi.sessions import CreateSessionBody, PageQuery, PresenceBody, UpdateSessionBody
from emulator.http.validation import field_errors, parse_body, parse_query

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
SESSION_KEYS = list(CreateSessionBody.__struct_fields__)
bodies = st.dictionaries(st.sampled_from(SESSION_KEYS) | st.text(max_size=8), json_values, max_size=10)


@pytest.mark.parametrize("struct_type", [CreateSessionBody, UpdateSessionBody, PresenceBody])
@settings(max_examples=300, deadline=None)
@given(body=bodies)
def test_any_object_parses_or_fails_with_field_errors(struct_type: type[msgspec.Struct], body: dict) -> None:
    try:
        parsed = parse_body(struct_type, json.dumps(body).encode())
    except ValidationFailed as exc:
        assert exc.errors and all(isinstance(m, list) and m for m in exc.errors.values())
        assert all(message.startswith("The ") and message.endswith(".") for m in exc.errors.values() for message in m)
    else:
        assert isinstance(parsed, struct_type)
        # Where the fast path accepted, the named-fault walk finds nothing either.
        assert field_errors(struct_type, {k: v for k, v in body.items() if v is not None}) == {}


@settings(max_examples=300, deadline=None)
@given(raw=st.binary(max_size=200))
def test_arbitrary_bytes_never_escape_as_another_error(raw: bytes) -> None:
    try:
        parse_body(CreateSessionBody, raw)
    except ValidationFailed as exc:
        assert "name" in exc.errors or exc.errors


@settings(max_examples=200, deadline=None)
@given(query=st.dictionaries(st.sampled_from(["page", "per_page", "x"]), st.text(max_size=6), max_size=3))
def test_query_strings(query: dict[str, str]) -> None:
    try:
        parsed = parse_query(PageQuery, query)
    except ValidationFailed as exc:
        assert set(exc.errors) <= {"page", "per_page"}
    else:
        assert parsed.page >= 1 and 1 <= parsed.per_page <= 100


class Nested(msgspec.Struct):
    latitude: Annotated[float, msgspec.Meta(ge=-90, le=90)]
    kind: Literal["a", "b"] = "a"


class Outer(msgspec.Struct):
    location: Nested
    tags: Annotated[list[str], msgspec.Meta(max_length=2)] = []


def test_nested_fields_are_named_with_dots() -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_body(Outer, b'{"location": {"latitude": 91, "kind": "c"}, "tags": ["x", 1, "z"]}')
    assert exc.value.errors == {
        "location.latitude": ["The location.latitude field must not be greater than 90."],
        "location.kind": ["The selected location.kind is invalid."],
        "tags": ["The tags field must not have more than 2 items."],
    }
    with pytest.raises(ValidationFailed) as missing:
        parse_body(Outer, b'{"location": {}}')
    assert missing.value.errors == {"location.latitude": ["The location.latitude field is required."]}


@pytest.mark.parametrize(
    ("name", "label"),
    [("name", "name"), ("phone_number", "phone number"), ("delayMs", "delay ms"), ("webhook_events.0", "webhook events.0")],
)
def test_attribute_labels_follow_laravel(name: str, label: str) -> None:
    assert attribute_label(name) == label
