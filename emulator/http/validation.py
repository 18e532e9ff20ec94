"""Request bodies and query strings into typed structs, with Laravel's validation wording.

A request struct is the single description of an input: its field types and `Meta`
constraints drive both the fast path (msgspec converts a valid body in one step) and, only
when that fails, a walk over the struct's fields that names every fault the way the real
service (a Laravel application) words it. Field rules that types cannot express are
functions in `Meta(extra={"rule": fn})`: fn(value) answers a message or None.

As in Laravel, a body that is not a JSON object counts as an empty one, and a null counts as
an absent field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

import msgspec
import msgspec.inspect as mi

from emulator.domain.errors import ValidationFailed, attribute_label
from emulator.http.json_bodies import decode_json

T = TypeVar("T", bound=msgspec.Struct)
Rule = Callable[[Any], "str | None"]



def parse_body(struct_type: type[T], body: bytes) -> T:
    return _convert(struct_type, _without_nulls(_json_object(body)), strict=True)


def parse_query(struct_type: type[T], query: Mapping[str, str]) -> T:
    return _convert(struct_type, dict(query), strict=False)


def _convert(struct_type: type[T], raw: dict[str, Any], strict: bool) -> T:
    try:
        parsed = msgspec.convert(raw, struct_type, strict=strict)
    except msgspec.ValidationError as exc:
        raise ValidationFailed(field_errors(struct_type, raw, strict) or _fallback(exc)) from None
    errors = _rule_errors(parsed)
    if errors:
        raise ValidationFailed(errors)
    return parsed


def _json_object(body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    try:
        value = decode_json(body)
    except msgspec.DecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def _without_nulls(value: dict[str, Any]) -> dict[str, Any]:
    return {k: _without_nulls(v) if isinstance(v, dict) else v for k, v in value.items() if v is not None}


# Field rules --------------------------------------------------------------------------------


class _StructRules(msgspec.Struct, frozen=True):
    rules: tuple[tuple[str, str, Rule], ...]  # (attribute, encoded name, rule)
    nested: tuple[tuple[str, str], ...]  # fields that may hold a struct: (attribute, encoded name)


@cache
def _rules_of(struct_type: type[msgspec.Struct]) -> _StructRules:
    rules, nested = [], []
    for field in mi.type_info(struct_type).fields:  # type: ignore[attr-defined]
        rule = _rule_of(field.type)
        if rule is not None:
            rules.append((field.name, field.encode_name, rule))
        if _may_hold_struct(field.type):
            nested.append((field.name, field.encode_name))
    return _StructRules(tuple(rules), tuple(nested))


def _rule_of(info: mi.Type) -> Rule | None:
    if isinstance(info, mi.UnionType):
        return next((r for t in info.types if (r := _rule_of(t)) is not None), None)
    if isinstance(info, mi.Metadata) and info.extra:
        return info.extra.get("rule")
    return None


def _may_hold_struct(info: mi.Type) -> bool:
    if isinstance(info, mi.UnionType):
        return any(_may_hold_struct(t) for t in info.types)
    return isinstance(info, mi.StructType)


def _rule_errors(parsed: msgspec.Struct, prefix: str = "") -> dict[str, list[str]]:
    """The field rules of a struct that converted, nested structs included."""
    plan = _rules_of(type(parsed))
    errors: dict[str, list[str]] = {}
    for attr, name, rule in plan.rules:
        value = getattr(parsed, attr)
        if value is not None and (message := rule(value)) is not None:
            errors[prefix + name] = [message.replace(":attribute", attribute_label(prefix + name))]
    for attr, name in plan.nested:
        value = getattr(parsed, attr)
        if isinstance(value, msgspec.Struct):
            errors.update(_rule_errors(value, f"{prefix}{name}."))
    return errors


INVALID_URL = "The :attribute field must be a valid URL."


def http_url_problem(value: str) -> str | None:
    """Laravel's `url` rule, narrowed to what a webhook or a media URL can be."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:  # an unbalanced IPv6 bracket, a bad port
        return INVALID_URL
    if parts.scheme in ("http", "https") and parts.hostname:
        return None
    return INVALID_URL


# A media, webhook or picture URL, as the API takes them.
HttpUrl = Annotated[str, msgspec.Meta(max_length=2048, extra={"rule": http_url_problem}, extra_json_schema={"format": "uri"})]


# The slow path: every fault, named ---------------------------------------------------------


def field_errors(struct_type: type[msgspec.Struct], raw: Mapping[str, Any], strict: bool = True) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field in mi.type_info(struct_type).fields:  # type: ignore[attr-defined]
        name = field.encode_name
        value = raw.get(name)
        if value is None or value == "":
            if field.required:
                errors[name] = [f"The {attribute_label(name)} field is required."]
            continue
        _check(field.type, value, name, errors, strict)
    return errors


def _check(info: mi.Type, value: Any, name: str, errors: dict[str, list[str]], strict: bool) -> None:
    label = attribute_label(name)
    if isinstance(info, mi.Metadata):
        before = len(errors)
        _check(info.type, value, name, errors, strict)
        rule = (info.extra or {}).get("rule")
        if rule is not None and len(errors) == before and (message := rule(value)) is not None:
            errors.setdefault(name, []).append(message.replace(":attribute", label))
        return
    if isinstance(info, mi.UnionType):
        options = [t for t in info.types if not isinstance(t, mi.NoneType)]
        if len(options) == 1:
            _check(options[0], value, name, errors, strict)
        elif not any(not _has_errors(t, value, name, strict) for t in options):
            _add(errors, name, f"The {label} field is invalid.")
        return
    message = _type_fault(info, value, label, strict)
    if message is not None:
        _add(errors, name, message)
        return
    if isinstance(info, mi.ListType):
        for index, item in enumerate(value):
            _check(info.item_type, item, f"{name}.{index}", errors, strict)
    elif isinstance(info, mi.StructType):
        for sub_field in info.fields:
            sub_name, sub_value = f"{name}.{sub_field.encode_name}", value.get(sub_field.encode_name)
            if sub_value is None or sub_value == "":
                if sub_field.required:
                    _add(errors, sub_name, f"The {attribute_label(sub_name)} field is required.")
                continue
            _check(sub_field.type, sub_value, sub_name, errors, strict)


def _has_errors(info: mi.Type, value: Any, name: str, strict: bool) -> bool:
    scratch: dict[str, list[str]] = {}
    _check(info, value, name, scratch, strict)
    return bool(scratch)


def _add(errors: dict[str, list[str]], name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _type_fault(info: mi.Type, value: Any, label: str, strict: bool) -> str | None:
    """Laravel's message for the first rule `value` breaks, or None."""
    if isinstance(info, mi.StrType):
        if not isinstance(value, str):
            return f"The {label} field must be a string."
        if info.max_length is not None and len(value) > info.max_length:
            return f"The {label} field must not be greater than {info.max_length} characters."
        if info.min_length is not None and len(value) < info.min_length:
            return f"The {label} field must be at least {info.min_length} characters."
        if info.pattern is not None and re.search(info.pattern, value) is None:
            return f"The {label} field format is invalid."
        return None
    if isinstance(info, mi.BoolType):
        ok = isinstance(value, bool) or (not strict and str(value).lower() in ("true", "false", "1", "0"))
        return None if ok else f"The {label} field must be true or false."
    if isinstance(info, mi.IntType):
        number = _as_int(value, strict)
        if number is None:
            return f"The {label} field must be an integer."
        return _bounds_fault(info, number, label)
    if isinstance(info, (mi.FloatType)):
        number = _as_float(value, strict)
        if number is None:
            return f"The {label} field must be a number."
        return _bounds_fault(info, number, label)
    if isinstance(info, mi.LiteralType):
        return None if value in info.values else f"The selected {label} is invalid."
    if isinstance(info, mi.ListType):
        if not isinstance(value, list):
            return f"The {label} field must be an array."
        if info.min_length is not None and len(value) < info.min_length:
            return f"The {label} field must have at least {info.min_length} items."
        if info.max_length is not None and len(value) > info.max_length:
            return f"The {label} field must not have more than {info.max_length} items."
        return None
    if isinstance(info, (mi.StructType, mi.DictType)):
        return None if isinstance(value, dict) else f"The {label} field must be an array."
    return None


def _bounds_fault(info: mi.IntType | mi.FloatType, number: float, label: str) -> str | None:
    if info.ge is not None and number < info.ge:
        return f"The {label} field must be at least {info.ge}."
    if info.le is not None and number > info.le:
        return f"The {label} field must not be greater than {info.le}."
    return None


def _as_int(value: Any, strict: bool) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not strict and isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value):
        return int(value)
    return None


def _as_float(value: Any, strict: bool) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if not strict and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _fallback(exc: msgspec.ValidationError) -> dict[str, list[str]]:
    """A fault the walk did not foresee still gets a field-shaped answer."""
    match = re.search(r"at `\$\.([^`\[]+)", str(exc))
    name = match.group(1) if match else "body"
    return {name: [f"The {attribute_label(name)} field is invalid."]}
