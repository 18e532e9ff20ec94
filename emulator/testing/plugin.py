"""The pytest plugin, registered by the package's `pytest11` entry point.

`wasender_emulator`: one emulator per test session (per worker under pytest-xdist), or the one
`--wasender-url` / WASENDER_EMULATOR_URL names. `wasender_account`: per test, a fresh account
of its own with one connected session, so tests share the emulator and never each other's
state. `@pytest.mark.wasender(plan=..., session_limit=..., rate_limits=False, fixtures=PATH)`
changes what one test gets.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from emulator.testing.emulator import Emulator, EmulatorError, Session

URL_VARIABLE = "WASENDER_EMULATOR_URL"
MARKER = "wasender"
OPTIONS = ("plan", "session_limit", "rate_limits", "fixtures")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("wasender-emulator")
    group.addoption(
        "--wasender-url",
        default=None,
        help=f"use the emulator running at this URL instead of starting one (also {URL_VARIABLE})",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(plan='paid', session_limit=10, rate_limits=True, fixtures=None): what the test's "
        "wasender_account is: its plan, its session limit, rate limits off for the test, or an emulator "
        "of its own started on a fixtures file",
    )


@dataclass(frozen=True)
class WasenderAccount:
    """A test's own account and its connected session, on `emulator`."""

    emulator: Emulator
    session: Session
    account_id: int
    personal_access_token: str
    session_id: int
    api_key: str
    phone_number: str
    webhook_secret: str
    keys: dict[str, str]  # the account's API keys of the other faces, by face: "wasend", "sendapi"

    @classmethod
    def of(cls, emulator: Emulator, session: Session) -> WasenderAccount:
        account = session.account
        return cls(emulator, session, account.id, account.personal_access_token, session.id, session.api_key,
                   session.phone_number, session.webhook_secret, account.keys)  # fmt: skip

    def client(self, **options: Any) -> Any:
        """The official Python SDK's client for the session (its API key and webhook secret)."""
        options = {"base_url": self.emulator.api_url, "webhook_secret": self.webhook_secret, **options}
        return _sdk().create_sync_wasender(self.api_key, **options)

    def account_client(self, **options: Any) -> Any:
        """The official Python SDK's client for the account (its personal access token)."""
        options = {"base_url": self.emulator.api_url, "personal_access_token": self.personal_access_token, **options}
        return _sdk().create_sync_wasender("unused", **options)


def _sdk() -> Any:
    try:
        import wasenderapi
    except ImportError:
        pytest.skip("the official Python SDK is not installed: pip install wasenderapi")
    return wasenderapi


@pytest.fixture(scope="session")
def wasender_emulator(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    url = request.config.getoption("wasender_url") or os.environ.get(URL_VARIABLE) or None
    with _started(Emulator(url)) as emulator:
        yield emulator


@pytest.fixture
def wasender_account(request: pytest.FixtureRequest) -> Iterator[WasenderAccount]:
    options = _marker_options(request.node)
    fixtures = options.pop("fixtures", None)
    rate_limits = options.pop("rate_limits", True)
    if fixtures is None:
        yield from _account_on(request.getfixturevalue("wasender_emulator"), rate_limits, **options)
    else:
        with _started(Emulator(fixtures=str(fixtures))) as own:
            yield from _account_on(own, rate_limits, **options)


def _account_on(emulator: Emulator, rate_limits: bool, **account: Any) -> Iterator[WasenderAccount]:
    given = WasenderAccount.of(emulator, emulator.connected_session(emulator.new_account(**account)))
    if rate_limits:
        yield given
        return
    # Rate limits are the emulator's, not the account's: off for this test only.
    was_on = emulator.rate_limits(False)
    try:
        yield given
    finally:
        emulator.rate_limits(was_on)


def _started(emulator: Emulator) -> Emulator:
    try:
        return emulator.start()
    except EmulatorError as exc:
        problem = str(exc)
    # Outside the except block, so the report is the one line and not the chain behind it.
    pytest.fail(f"wasender-emulator: {problem}", pytrace=False)


def _marker_options(node: pytest.Item) -> dict[str, Any]:
    """The test's `wasender` marks, the closest winning."""
    options: dict[str, Any] = {}
    for mark in reversed(list(node.iter_markers(MARKER))):
        if mark.args:
            raise pytest.UsageError(f"@pytest.mark.{MARKER} takes keywords only: {', '.join(OPTIONS)}")
        options.update(mark.kwargs)
    unknown = set(options) - set(OPTIONS)
    if unknown:
        raise pytest.UsageError(f"@pytest.mark.{MARKER} does not know {', '.join(sorted(unknown))}")
    return options
