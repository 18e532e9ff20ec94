"""The official Python SDK's throttling code against the emulator's documented limits."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
import wasenderapi.sync_client
from wasenderapi import create_sync_wasender
from wasenderapi.errors import WasenderAPIError
from wasenderapi.models import RetryConfig

from tests.conftest import LiveServer, auth


def trial_session(server: LiveServer, phone: str) -> str:
    account = httpx.post(f"{server.url}/admin/accounts", json={"plan": "trial"}).json()["data"]
    pat = account["personal_access_token"]
    body = {"name": "trial", "phone_number": phone, "account_protection": False, "log_messages": True}
    session = httpx.post(f"{server.api_url}/whatsapp-sessions", json=body, headers=auth(pat)).json()["data"]
    httpx.post(f"{server.api_url}/whatsapp-sessions/{session['id']}/connect", headers=auth(pat))
    httpx.post(f"{server.url}/admin/sessions/{session['id']}/scan")
    return session["api_key"]


def test_retry_config_waits_out_a_429_and_succeeds(live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    waited: list[float] = []

    def sleep_on_the_emulators_clock(seconds: float) -> None:
        waited.append(seconds)
        httpx.post(f"{live_server.url}/admin/clock/advance", json={"seconds": seconds})

    monkeypatch.setattr(wasenderapi.sync_client.time, "sleep", sleep_on_the_emulators_clock)
    key = trial_session(live_server, "+15556661001")
    client = create_sync_wasender(key, base_url=live_server.api_url, retry_options=RetryConfig(enabled=True, max_retries=2))
    first = client.send_text("+15551234567", "one")
    assert (first.rate_limit.limit, first.rate_limit.remaining) == (1, 0)
    second = client.send_text("+15551234567", "two")
    assert waited == [60]
    assert second.response.data.message_id == first.response.data.message_id + 1


def test_without_retries_the_sdk_reports_retry_after(live_server: LiveServer) -> None:
    key = trial_session(live_server, "+15556661002")
    client = create_sync_wasender(key, base_url=live_server.api_url)
    client.send_text("+15551234567", "one")
    with pytest.raises(WasenderAPIError) as refused:
        client.send_text("+15551234567", "two")
    assert refused.value.status_code == 429 and refused.value.retry_after == 60
    assert refused.value.message.startswith("You are on a free trial.")


@pytest.mark.sdk("node", "sendText", "getSessionStatus")
def test_node_sdk_reads_the_headers_and_retry_after(live_server: LiveServer, node_sdk: Callable[..., dict]) -> None:
    key = trial_session(live_server, "+15556661003")
    result = node_sdk("rate_limits.cjs", API_KEY=key, BASE_URL=live_server.api_url)
    first = result["firstRateLimit"]
    assert (first["limit"], first["remaining"]) == (1, 0) and isinstance(first["reset"], int)
    assert result["statusRateLimit"] == 6000  # the status endpoint has the general limit, not send's
    assert result["refused"]["statusCode"] == 429 and result["refused"]["retryAfter"] == 60
