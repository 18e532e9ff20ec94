"""`Emulator`: an emulator for one test run, started on a free port or attached to one running,
with the control-plane calls a test makes, each one call."""

from __future__ import annotations

import itertools
import random
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from emulator.config import Settings
from emulator.ready_file import base_urls, door_urls
from emulator.testing.server import ServerThread

# Ordinary numbers (delivered, then read): clear of the test-number ranges under +1555.
_PHONE_PREFIX = "1559"
# A random part per process keeps parallel runs against one shared emulator apart.
_phone_counter = itertools.count(random.randrange(10**10) // 10_000 * 10_000)
_inbox_counter = itertools.count(1)
_PHONE_TAKEN = "The phone number has already been taken."


class EmulatorError(Exception):
    """The emulator refused a control-plane call, or cannot be reached."""


@dataclass(frozen=True)
class Account:
    id: int
    plan: str
    personal_access_token: str
    keys: dict[str, str]  # face -> the account's API key there: {"wasend": "wsd_...", "sendapi": "sk_live_..."}


@dataclass(frozen=True)
class Session:
    id: int
    api_key: str
    phone_number: str
    webhook_secret: str
    account: Account


@dataclass
class Inbox:
    """A capture inbox of the emulator: point a webhook at `url`, read what arrived."""

    name: str
    url: str
    _emulator: Emulator = field(repr=False)

    def received(self) -> list[dict[str, Any]]:
        """Every request that arrived, oldest first, with `headers` and the JSON `body`."""
        return self._emulator._admin("GET", f"/inbox/{self.name}")

    def events(self, name: str | None = None) -> list[dict[str, Any]]:
        """The webhook bodies that arrived, of one event or all."""
        bodies = [request["body"] for request in self.received()]
        return [body for body in bodies if name is None or body.get("event") == name]

    def empty(self) -> None:
        self._emulator._admin("DELETE", f"/inbox/{self.name}")


class _DoorUrl:
    """An attribute of the emulator: where one of its doors is (`door_urls` names them)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, emulator: Emulator | None, owner: type | None = None) -> Any:
        return self if emulator is None else door_urls(emulator.url)[self._name]


class Emulator:
    """With no `url`, starts an emulator on a free port of 127.0.0.1: in-memory database
    (`temp_db=True` for a file in a temporary folder), virtual clock, the default fixtures
    unless `fixtures=` names a file; any other setting of `serve` as a keyword. With `url`,
    drives the emulator already running there and starts nothing."""

    api_url = _DoorUrl()  # the base URL to give the WasenderAPI SDKs
    admin_url = _DoorUrl()
    mcp_url = _DoorUrl()
    wasend_url = _DoorUrl()  # the base URL to give Wasend's SDK
    sendapi_url = _DoorUrl()  # SendAPI's `https://sendapi.co/v1`

    def __init__(self, url: str | None = None, *, temp_db: bool = False, admin_token: str | None = None,
                 **settings: Any) -> None:  # fmt: skip
        self._server: ServerThread | None = None
        self._folder: str | None = None
        self._settings: Settings | None = None
        self._admin_token = admin_token
        if url is None:
            options: dict[str, Any] = {"db": ":memory:", "clock": "virtual", **settings}
            if temp_db:
                self._folder = tempfile.mkdtemp(prefix="wasender-emulator-")
                options["db"] = str(Path(self._folder) / "state.db")
            self._settings = Settings(host="127.0.0.1", port=0, admin_token=admin_token, **options)
        elif settings or temp_db:
            raise TypeError("settings apply to an emulator this object starts, not to one at a url")
        self.url = url.rstrip("/") if url else ""
        self._http: httpx.Client | None = None

    # Start and stop ----------------------------------------------------------------------------

    def start(self) -> Emulator:
        if self._http is not None:
            return self
        if self._settings is not None:
            self._server = ServerThread(self._settings)
            try:
                self._server.start()
            except BaseException:
                self._remove_folder()
                raise
            self.url = base_urls("127.0.0.1", self._server.port)["url"]
        headers = {"Authorization": f"Bearer {self._admin_token}"} if self._admin_token else {}
        self._http = httpx.Client(base_url=self.url, headers=headers, timeout=30, trust_env=False)
        try:
            self._http.get("/admin/health").raise_for_status()
        except httpx.HTTPError as exc:
            self.stop()
            raise EmulatorError(f"no WasenderAPI emulator answers at {self.url}: {exc}") from None
        return self

    def stop(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None
        if self._server is not None:
            self._server.stop()
            self._server = None
        self._remove_folder()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def _remove_folder(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    # What a test does ----------------------------------------------------------------------------

    def new_account(self, plan: str = "paid", session_limit: int = 10) -> Account:
        data = self._admin("POST", "/accounts", {"plan": plan, "session_limit": session_limit})
        return Account(data["id"], data["plan"], data["personal_access_token"], data["keys"])

    def connected_session(self, account: Account, **fields: Any) -> Session:
        """A new session of the account, with a phone number no other session has, connected
        and scanned. `fields` are those of the create-session body."""
        token = account.personal_access_token
        while True:
            body = {"name": "Test session", "phone_number": next_phone_number(), "account_protection": False,
                    "log_messages": True, **fields}  # fmt: skip
            answer = self._call("POST", "/api/whatsapp-sessions", token, body)
            if answer.status_code != 422 or _PHONE_TAKEN not in answer.text or "phone_number" in fields:
                break
        created = _data(answer)
        session = Session(
            created["id"], created["api_key"], created["phone_number"], created["webhook_secret"], account
        )
        _data(self._call("POST", f"/api/whatsapp-sessions/{session.id}/connect", token))
        self.scan(session)
        return session

    def scan(self, session: Session | int) -> dict[str, Any]:
        """The phone scans the session's QR code; answers the session."""
        return self._admin("POST", f"/sessions/{_id(session)}/scan")

    def inbound(self, session: Session | int, **what: Any) -> dict[str, Any]:
        """Something arrives from a phone or another user: the body of /admin/sessions/{id}/inbound,
        with `from_` for its `from`."""
        if "from_" in what:
            what["from"] = what.pop("from_")
        return self._admin("POST", f"/sessions/{_id(session)}/inbound", what)

    def set_webhook(self, session: Session, url: str | Inbox, events: list[str]) -> dict[str, Any]:
        """Send the session's `events` to `url` (or an inbox); answers the session."""
        target = url.url if isinstance(url, Inbox) else url
        body = {"webhook_url": target, "webhook_enabled": True, "webhook_events": events}
        return _data(self._call("PUT", f"/api/whatsapp-sessions/{session.id}", session.api_key, body))

    def advance(self, seconds: float) -> float:
        """Move the virtual clock, firing what falls due; answers the clock's new time."""
        return self._admin("POST", "/clock/advance", {"seconds": seconds})["now"]

    def idle(self, timeout: float = 10) -> None:
        """Wait until no webhook delivery is under way and nothing is due."""
        self._admin("GET", f"/idle?timeout={timeout:g}")

    def events(self, session: Session | int, name: str | None = None) -> list[dict[str, Any]]:
        """The session's published events, oldest first, of one name or all."""
        query = f"session_id={_id(session)}" + (f"&event={name}" if name else "")
        return self._admin("GET", f"/events?{query}")

    def inbox(self, name: str | None = None) -> Inbox:
        """A capture inbox; without a name, one no other caller in this process uses."""
        name = name or f"test-{random.randrange(10**8):08d}-{next(_inbox_counter)}"
        return Inbox(name, f"{self.admin_url}/inbox/{name}", self)

    def rate_limits(self, enabled: bool) -> bool:
        """Switch rate limiting on or off, for every account; answers whether it was on."""
        was = self._admin("GET", "/rate-limits")["enabled"]
        self._admin("PUT", "/rate-limits", {"enabled": enabled})
        return was

    def reset(self) -> None:
        """Back to the fixtures: every account, session, message and inbox made since is gone."""
        self._admin("POST", "/reset")

    # HTTP ----------------------------------------------------------------------------------------

    def _admin(self, method: str, path: str, body: Any = None) -> Any:
        return _data(self._client().request(method, f"/admin{path}", json=body))

    def _call(self, method: str, path: str, token: str, body: Any = None) -> httpx.Response:
        return self._client().request(method, path, json=body, headers={"Authorization": f"Bearer {token}"})

    def _client(self) -> httpx.Client:
        if self._http is None:
            raise EmulatorError("the emulator is not started: use `with Emulator() as emulator:` or start()")
        return self._http


def next_phone_number() -> str:
    return f"+{_PHONE_PREFIX}{next(_phone_counter):010d}"


def _id(session: Session | int) -> int:
    return session if isinstance(session, int) else session.id


def _data(answer: httpx.Response) -> Any:
    if answer.is_error:
        request = answer.request
        raise EmulatorError(f"{request.method} {request.url.path} answered {answer.status_code}: {answer.text}")
    return answer.json().get("data")
