"""The official MCP Python client against a running emulator, in a form sync tests can drive."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

T = TypeVar("T")


class McpCalls:
    """One MCP session's tool calls, each answered as (is_error, decoded JSON or text)."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.called: set[str] = set()

    async def call(self, tool: str, /, **arguments: Any) -> tuple[bool, Any]:
        self.called.add(tool)
        result = await self.client.call_tool(tool, arguments)
        text = result.content[0].text  # type: ignore[union-attr]
        return bool(result.is_error), text if result.is_error else json.loads(text)

    async def ok(self, tool: str, /, **arguments: Any) -> Any:
        is_error, answer = await self.call(tool, **arguments)
        assert not is_error, f"{tool}: {answer}"
        return answer["data"] if isinstance(answer, dict) and "data" in answer else answer


def with_mcp(url: str, token: str, scenario: Callable[[McpCalls], Awaitable[T]]) -> T:
    async def run() -> T:
        async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
            async with Client(streamable_http_client(f"{url}/mcp", http_client=http)) as client:
                return await scenario(McpCalls(client))

    return asyncio.run(run())


class Rest:
    """The REST API of the same emulator, for reading the state a tool left."""

    def __init__(self, url: str) -> None:
        self.url = url

    def call(self, method: str, path: str, token: str, body: Any = None) -> httpx.Response:
        return httpx.request(method, self.url + path, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=30)

    def data(self, method: str, path: str, token: str, body: Any = None) -> Any:
        response = self.call(method, path, token, body)
        assert response.status_code == 200, f"{method} {path}: {response.status_code} {response.text}"
        return response.json().get("data")
