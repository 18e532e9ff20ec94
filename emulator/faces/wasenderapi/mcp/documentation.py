"""The documentation tool: the emulator's own published OpenAPI document, an operation at a time."""

from __future__ import annotations

from functools import cache
from typing import Any

from emulator.faces.wasenderapi.contract import build
from emulator.faces.wasenderapi.mcp.tools import LocalTool

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


@cache
def _document() -> dict[str, Any]:
    return build()


def api_index() -> list[dict[str, str]]:
    return [
        {"id": op["operationId"], "method": method.upper(), "path": path, "summary": op.get("summary", "")}
        for path, item in _document()["paths"].items()
        for method, op in item.items()
        if method in HTTP_METHODS
    ]


def operation_documentation(operation_id: str) -> dict[str, Any] | None:
    """The operation with the component schemas it refers to, so the answer reads on its own."""
    document = _document()
    for path, item in document["paths"].items():
        for method, op in item.items():
            if method in HTTP_METHODS and op["operationId"] == operation_id:
                return {"id": operation_id, "method": method.upper(), "path": path, "operation": op,
                        "components": _referenced(op, document["components"])}  # fmt: skip
    return None


def _referenced(node: Any, components: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    pending = [node]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            ref = value.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/"):
                kind, name = ref.removeprefix("#/components/").split("/", 1)
                if name not in found.setdefault(kind, {}):
                    found[kind][name] = components[kind][name]
                    pending.append(components[kind][name])
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return found


UNKNOWN_ENTRY = "No API documentation entry has that id; call get_api_documentation_tool without an id for the index."


async def _answer(arguments: dict[str, Any]) -> Any:
    entry_id = arguments.get("id")
    if not entry_id:
        return {"success": True, "data": api_index()}
    documentation = operation_documentation(str(entry_id))
    if documentation is None:
        raise LookupError(UNKNOWN_ENTRY)
    return {"success": True, "data": documentation}


DOCUMENTATION_TOOLS = [
    LocalTool(
        "get_api_documentation_tool",
        "Get API documentation: the index of every operation without an id, one operation's documentation with one.",
        {
            "type": "object",
            "properties": {"id": {"type": "string", "description": "An operation id from the index, e.g. post_api_send_message."}},
            "additionalProperties": False,
        },
        _answer,
    ),
]
