"""Fixtures of the SDK conformance suites: clients that record which public methods ran."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from wasenderapi import create_sync_wasender

from tests.conftest import LiveServer
from tests.e2e.node_sdk import run_node


def claimed_methods(request: pytest.FixtureRequest, sdk: str) -> set[str]:
    return {method for mark in request.node.iter_markers("sdk") if mark.args[0] == sdk for method in mark.args[1:]}


class RecordingClient:
    """The SDK's client, noting each public method the test calls."""

    def __init__(self, client: Any, called: set[str]) -> None:
        self._client = client
        self._called = called

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if name.startswith("_") or not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            self._called.add(name)
            return attribute(*args, **kwargs)

        return call


@pytest.fixture
def python_sdk(request: pytest.FixtureRequest, live_server: LiveServer) -> Iterator[Callable[..., Any]]:
    """A factory of recording Python SDK clients on the live server; the test must call every method it claims."""
    called: set[str] = set()

    def make(api_key: str, **options: Any) -> Any:
        options.setdefault("base_url", live_server.api_url)
        return RecordingClient(create_sync_wasender(api_key, **options), called)

    yield make
    missing = claimed_methods(request, "python") - called
    assert not missing, f"claimed but never called: {sorted(missing)}"


@pytest.fixture
def node_sdk(request: pytest.FixtureRequest) -> Callable[..., dict]:
    """Runs a script of tests/e2e/node; the script wraps its clients with node/recording.cjs
    and prints one JSON object whose `called` lists the methods that ran. The test must call
    every method it claims."""

    def run(script: str, **env: str) -> dict:
        result = run_node(script, **env)
        missing = claimed_methods(request, "node") - set(result.get("called", []))
        assert not missing, f"claimed but never called: {sorted(missing)}"
        return result

    return run
