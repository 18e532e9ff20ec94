"""The MCP server at /mcp: the official SDK's streamable HTTP transport, mounted in the app.

Behind the door (`endpoint`), each tool call is answered by the REST route the tool stands for
(see `routes`).
"""

from __future__ import annotations

import logging
from typing import Any

import mcp_types as types
import msgspec
from litestar.types import Scope
from mcp.server.lowlevel import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.shared.exceptions import MCPError
from mcp.shared.inbound import X_MCP_HEADER_KEY

from emulator import __version__
from emulator.domain import errors
from emulator.faces.wasenderapi.auth import UNAUTHORIZED_PAT
from emulator.faces.wasenderapi.mcp.contacts import CONTACT_TOOLS
from emulator.faces.wasenderapi.mcp.documentation import DOCUMENTATION_TOOLS
from emulator.faces.wasenderapi.mcp.endpoint import MAX_BODY, account_of
from emulator.faces.wasenderapi.mcp.groups import GROUP_TOOLS
from emulator.faces.wasenderapi.mcp.messaging import MESSAGING_TOOLS
from emulator.faces.wasenderapi.mcp.routes import RouteAnswer, call_route, fill_path
from emulator.faces.wasenderapi.mcp.sessions import SESSION_TOOLS
from emulator.faces.wasenderapi.mcp.tools import LocalTool, RestTool, Tool

TOOLS: list[Tool] = [*SESSION_TOOLS, *MESSAGING_TOOLS, *CONTACT_TOOLS, *GROUP_TOOLS, *DOCUMENTATION_TOOLS]
TOOLS_BY_NAME: dict[str, Tool] = {tool.name: tool for tool in TOOLS}

_encode = msgspec.json.Encoder().encode
# The SDK logs its session manager's start and stop at INFO: noise in the emulator's banner.
logging.getLogger("mcp.server.streamable_http_manager").setLevel(logging.WARNING)


def listed_tool(tool: Tool) -> types.Tool:
    hints = types.ToolAnnotations(read_only_hint=tool.read_only, destructive_hint=tool.destructive)
    return types.Tool(name=tool.name, description=tool.description, input_schema=tool.input_schema, annotations=hints)


LISTED_TOOLS = [listed_tool(tool) for tool in TOOLS]


async def _list_tools(_: Any, __: types.PaginatedRequestParams | None) -> types.ListToolsResult:
    return types.ListToolsResult(tools=LISTED_TOOLS)


async def _call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
    tool = TOOLS_BY_NAME.get(params.name)
    if tool is None:
        raise MCPError(types.INVALID_PARAMS, f"Unknown tool: {params.name}")
    arguments = dict(params.arguments or {})
    if isinstance(tool, LocalTool):
        try:
            return _success(await tool.answer(arguments))
        except LookupError as exc:
            return _failure(str(exc))
    return await _call_rest_tool(tool, arguments, ctx.request.scope)


async def _call_rest_tool(tool: RestTool, arguments: dict[str, Any], scope: Scope) -> types.CallToolResult:
    core = scope["app"].state.core
    account = account_of(scope)
    if account is None:  # the token went away since the door let the request in
        return _failure(UNAUTHORIZED_PAT)
    missing = tool.missing_argument(arguments)
    if missing is not None:
        return _failure(missing)
    token = account.personal_access_token
    if tool.key == "session":
        session = core.sessions.get(arguments["session_id"]) if isinstance(arguments["session_id"], int) else None
        if session is None or session.account_id != account.id:
            return _failure(errors.SESSION_NOT_FOUND)
        token = session.api_key
    path = fill_path(tool.path, {name: arguments[name] for name in tool.path_arguments})
    query = {k: v for k, v in arguments.items() if k in tool.query_arguments and v is not None}
    body = None
    if tool.body is not None:
        unsent = {"session_id", *tool.path_arguments, *tool.query_arguments, *tool.extra_arguments}
        body = {k: v for k, v in arguments.items() if k not in unsent}
    answer = await call_route(scope["app"], scope, token, tool.method, path, query, body)
    if answer.status >= 400:
        return _failure(_refusal(answer))
    result = answer.body if answer.body is not None else {"success": True}
    return _success(tool.refine(result, arguments) if tool.refine else result)


def _refusal(answer: RouteAnswer) -> str:
    """The REST answer's message, with the field messages of a validation failure."""
    problems = answer.body.get("errors") if isinstance(answer.body, dict) else None
    if not isinstance(problems, dict):
        return answer.message
    return " ".join([answer.message + ":", *(m for messages in problems.values() for m in messages)])


def _success(body: Any) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(text=_encode(body).decode())], structured_content=body)


def _failure(message: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(text=message)], is_error=True)


# The tools whose arguments an exchange also carries as Mcp-Param headers: the only schemas the
# SDK's header check has anything to compare against.
HEADER_SCHEMAS: dict[str, dict[str, Any]] = {
    tool.name: tool.input_schema for tool in TOOLS if f'"{X_MCP_HEADER_KEY}"'.encode() in _encode(tool.input_schema)
}


def mcp_server() -> Server[Any]:
    server: Server[Any] = Server(
        "WasenderAPI",
        version=__version__,
        instructions="WhatsApp sessions, messaging, contacts and groups of a WasenderAPI account.",
        on_list_tools=_list_tools,
        on_call_tool=_call_tool,
        # Without it, the SDK answers tools/list in full to check each exchange's Mcp-Param headers.
        get_tool_input_schema=HEADER_SCHEMAS.get,
    )
    # The SDK's default OpenTelemetry span per message: the emulator exports no traces, and the
    # span is a measurable share of a tool call's cost.
    server.middleware = []
    return server


def session_manager() -> StreamableHTTPSessionManager:
    # Stateful sessions, answered as JSON: what Claude Code, OpenCode, n8n and both SDKs speak.
    return StreamableHTTPSessionManager(app=mcp_server(), json_response=True, max_request_body_size=MAX_BODY)
