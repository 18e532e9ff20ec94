"""What the Python SDK conformance tests share: the emulator's control plane, as a phone or a
test sees it, and the steps every flow repeats (pairing a session, downloading media)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from wasenderapi.errors import WasenderAPIError
from wasenderapi.sessions import CreateWhatsAppSessionPayload, WhatsAppSession

from tests.conftest import PAT, LiveServer

# The `python_sdk` fixture: python_sdk(api_key, **options) -> a recording SDK client.
SdkFactory = Callable[..., Any]

# Numbers of sessions the tests create; far from the fixtures' and the test-number prefixes.
_new_phones = (f"+1555888{n:04d}" for n in itertools.count(1))


class Admin:
    """The emulator's /admin API: what only a phone, another user or the clock can do."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server

    def _call(self, method: str, path: str, **options: Any) -> Any:
        response = httpx.request(method, f"{self.server.url}/admin{path}", **options)
        assert response.status_code == 200, response.text
        return response.json()["data"]

    def reset(self) -> None:
        self._call("POST", "/reset")

    def advance(self, seconds: float) -> None:
        self._call("POST", "/clock/advance", json={"seconds": seconds})

    def scan(self, session_id: int) -> None:
        self._call("POST", f"/sessions/{session_id}/scan")

    def inbound(self, session_id: int, **body: Any) -> dict[str, Any]:
        return self._call("POST", f"/sessions/{session_id}/inbound", json=body)

    def presence(self, session_id: int) -> list[dict[str, Any]]:
        return self._call("GET", f"/sessions/{session_id}/presence")

    def inbox_url(self, name: str) -> str:
        return f"{self.server.url}/admin/inbox/{name}"

    def inbox(self, name: str) -> list[dict[str, Any]]:
        """The webhook requests the inbox received, once every delivery under way is done."""
        self._call("GET", "/idle", params={"timeout": 10})
        return self._call("GET", f"/inbox/{name}")


@pytest.fixture
def admin(live_server: LiveServer) -> Admin:
    """The control plane of the module's live server (import the fixture into the test module)."""
    return Admin(live_server)


def refusal(call: Callable[[], Any]) -> WasenderAPIError:
    """The error the SDK raises for `call`, which must fail."""
    with pytest.raises(WasenderAPIError) as refused:
        call()
    return refused.value


def new_session_payload(name: str, **fields: Any) -> CreateWhatsAppSessionPayload:
    body = {"phone_number": next(_new_phones), "account_protection": False, "log_messages": True, **fields}
    return CreateWhatsAppSessionPayload(name=name, **body)


def paired_session(python_sdk: SdkFactory, admin: Admin, name: str) -> tuple[WhatsAppSession, Any]:
    """A new session of the default account, connected as a phone pairs it, and an SDK client on its key."""
    account = python_sdk("unused", personal_access_token=PAT)
    session = account.create_whatsapp_session(new_session_payload(name)).response.data
    account.connect_whatsapp_session(session.id)
    admin.scan(session.id)
    return session, python_sdk(session.api_key)


def raw_body(captured: dict[str, Any]) -> bytes:
    """A captured webhook body as bytes again, as a web framework hands it to the SDK."""
    return json.dumps(captured["body"]).encode()
