"""What a tool is: a name, a one-line description, a JSON Schema of its arguments, hints, and
the REST operation it stands for.

The schema is derived from the REST operation's own request structs (the same field names and
constraints), with a `session_id` added where the REST call needs a session's API key and the
path's parameters as arguments of their own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import msgspec

from emulator.domain.errors import attribute_label

# Who the REST call is made as: the account's personal access token, or the API key of the
# session named by the `session_id` argument.
Key = Literal["account", "session"]
# A tool's last step over the REST answer's body (the searches filter a listing).
Refine = Callable[[Any, dict[str, Any]], Any]

INTEGER_ARGUMENTS = {"session_id": "The session's id (from list_whatsapp_sessions).", "msg_id": "The message's id (msgId)."}
SESSION_ID = {"type": "integer", "minimum": 1, "description": INTEGER_ARGUMENTS["session_id"]}


@dataclass(frozen=True)
class RestTool:
    """A tool answered by one REST route."""

    name: str
    description: str
    method: str
    path: str
    key: Key
    body: type[msgspec.Struct] | None = None
    query: type[msgspec.Struct] | None = None
    # The body fields the tool exposes, where it is one variant of a wider endpoint (send-message).
    fields: tuple[str, ...] | None = None
    required: tuple[str, ...] = ()
    destructive: bool = False
    refine: Refine | None = None
    extra_arguments: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def read_only(self) -> bool:
        return self.method == "GET"

    @cached_property
    def path_arguments(self) -> tuple[str, ...]:
        return tuple(re.findall(r"\{(\w+)\}", self.path))

    @cached_property
    def query_arguments(self) -> frozenset[str]:
        return frozenset(_encoded_fields(self.query)) if self.query else frozenset()

    @cached_property
    def input_schema(self) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        required: list[str] = []
        defs: dict[str, Any] = {}
        if self.key == "session" or "session_id" in self.path_arguments:
            properties["session_id"] = SESSION_ID
            required.append("session_id")
        for name in self.path_arguments:
            if name != "session_id":
                properties[name] = _path_argument(name)
                required.append(name)
        for struct in (self.query, self.body):
            if struct is None:
                continue
            schema, struct_defs = struct_schema(struct)
            defs.update(struct_defs)
            chosen = self.fields if struct is self.body and self.fields is not None else tuple(schema["properties"])
            properties.update({name: schema["properties"][name] for name in chosen})
            required += [name for name in schema.get("required", ()) if name in chosen]
        properties.update(self.extra_arguments)
        required += [name for name in (*self.required, *self.extra_arguments) if name not in required]
        for name in required:
            properties[name] = _without_null(properties[name])
        schema = {"type": "object", "properties": properties, "required": required, "additionalProperties": False}
        used = {name: d for name, d in defs.items() if f'"#/$defs/{name}"' in json.dumps(properties)}
        if used:
            schema["$defs"] = used
        return schema

    def missing_argument(self, arguments: dict[str, Any]) -> str | None:
        """Laravel's wording for the first required argument the call lacks, as REST words a missing field."""
        for name in self.input_schema["required"]:
            if arguments.get(name) in (None, ""):
                return f"The {attribute_label(name)} field is required."
        return None


@dataclass(frozen=True)
class LocalTool:
    """A tool with no REST route of its own (the API documentation)."""

    name: str
    description: str
    input_schema: dict[str, Any]
    answer: Callable[[dict[str, Any]], Awaitable[Any]]
    read_only: bool = True
    destructive: bool = False


Tool = RestTool | LocalTool


def struct_schema(struct: type[msgspec.Struct]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the struct's JSON Schema, the schemas of the structs it nests) with refs into `$defs`."""
    (ref,), components = msgspec.json.schema_components([struct], ref_template="#/$defs/{name}")
    name = ref["$ref"].rsplit("/", 1)[1]
    root = components.pop(name)
    return root, components


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A required argument's schema: the null a REST body takes for "absent" is no value here."""
    options = [option for option in schema.get("anyOf", ()) if option != {"type": "null"}]
    if len(options) != 1:
        return schema
    return {**options[0], **{k: v for k, v in schema.items() if k not in ("anyOf", "default")}}


def _encoded_fields(struct: type[msgspec.Struct]) -> tuple[str, ...]:
    return tuple(f.encode_name for f in msgspec.structs.fields(struct))


def _path_argument(name: str) -> dict[str, Any]:
    if name in INTEGER_ARGUMENTS:
        return {"type": "integer", "minimum": 1, "description": INTEGER_ARGUMENTS[name]}
    return {"type": "string", "minLength": 1, "description": PATH_ARGUMENTS.get(name, name)}


PATH_ARGUMENTS = {
    "phone": "The contact's phone number, with or without +, or its JID.",
    "phone_number": "The phone number (E.164) or JID to check.",
    "pn": "The phone number (E.164).",
    "lid": "The LID (Linked Device ID), e.g. 123456789@lid.",
    "jid": "The group's JID, e.g. 120363000000000001@g.us.",
}
