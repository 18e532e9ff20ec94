from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from litestar.testing import TestClient

from tests.webhooks.support import Receiver, make_hooked_client


@pytest.fixture
def anyio_backend() -> str:
    """The async tests here (marked anyio) run on asyncio, as the emulator does."""
    return "asyncio"


@pytest.fixture
def hooked() -> Iterator[TestClient]:
    with make_hooked_client() as client:
        yield client


@pytest.fixture
def receiver() -> Iterator[Callable[..., Receiver]]:
    """A factory of receivers, all stopped after the test."""
    started: list[Receiver] = []

    def start(*statuses: int) -> Receiver:
        started.append(Receiver(statuses))
        return started[-1]

    yield start
    for running in started:
        running.stop()
