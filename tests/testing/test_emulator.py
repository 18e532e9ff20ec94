"""The Emulator context manager: what it starts, what each call does to the emulator's state,
and that it leaves nothing behind."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from emulator.config import DEFAULT_FIXTURES
from emulator.testing import Emulator, EmulatorError
from tests.conftest import PAT, auth
from tests.testing.support import answers, child_processes, closed_port_url, thread_names

TO = "+15551234567"


@pytest.fixture(scope="module")
def emulator() -> Emulator:
    with Emulator() as started:
        yield started


def send(emulator: Emulator, api_key: str, text: str = "hi") -> httpx.Response:
    return httpx.post(f"{emulator.api_url}/send-message", json={"to": TO, "text": text}, headers=auth(api_key))


def test_it_listens_on_a_free_port_of_localhost_on_a_virtual_clock_with_the_fixtures(emulator: Emulator) -> None:
    address = urlsplit(emulator.url)
    assert (address.scheme, address.hostname) == ("http", "127.0.0.1") and address.port > 0
    assert (emulator.api_url, emulator.admin_url) == (f"{emulator.url}/api", f"{emulator.url}/admin")
    assert httpx.get(f"{emulator.admin_url}/clock").json()["data"]["mode"] == "virtual"
    assert httpx.get(f"{emulator.api_url}/whatsapp-sessions", headers=auth(PAT)).status_code == 200


def test_a_connected_session_is_connected_on_an_account_of_its_own(emulator: Emulator) -> None:
    account = emulator.new_account(plan="trial", session_limit=3)
    session = emulator.connected_session(account)
    assert account.plan == "trial" and session.account == account
    status = httpx.get(f"{emulator.api_url}/status", headers=auth(session.api_key)).json()
    assert status == {"success": True, "status": "connected"}
    listed = httpx.get(f"{emulator.api_url}/whatsapp-sessions", headers=auth(account.personal_access_token)).json()
    assert [(s["id"], s["phone_number"], s["webhook_secret"]) for s in listed["data"]] == [
        (session.id, session.phone_number, session.webhook_secret)
    ]
    statuses = [event["data"]["status"] for event in emulator.events(session, "session.status")]
    assert statuses == ["connecting", "need_scan", "connecting", "connected"]


def test_accounts_are_isolated_and_phone_numbers_unique(emulator: Emulator) -> None:
    first, second = emulator.new_account(), emulator.new_account()
    mine, theirs = emulator.connected_session(first), emulator.connected_session(second)
    assert mine.phone_number != theirs.phone_number
    seen = httpx.get(f"{emulator.api_url}/whatsapp-sessions/{theirs.id}", headers=auth(first.personal_access_token))
    assert seen.status_code == 404


def test_an_account_has_its_keys_for_the_other_faces_and_each_face_its_url(emulator: Emulator) -> None:
    account = emulator.new_account()
    wasend = httpx.post(f"{emulator.wasend_url}/sessions", json={"sessionName": "w", "phoneNumber": "+15550007002"},
                        headers=auth(account.keys["wasend"]))  # fmt: skip
    sendapi = httpx.post(f"{emulator.sendapi_url}/whatsapp/sessions", json={"name": "s"}, headers=auth(account.keys["sendapi"]))
    hello = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "tests", "version": "1"}}
    mcp = httpx.post(emulator.mcp_url, json={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": hello},
                     headers={**auth(account.personal_access_token), "Accept": "application/json, text/event-stream"})  # fmt: skip
    assert (wasend.status_code, sendapi.status_code, mcp.status_code) == (201, 201, 200)
    owners = {s["name"]: s["account_id"] for s in httpx.get(f"{emulator.admin_url}/dashboard/sessions").json()["data"]}
    assert (owners["w"], owners["s"]) == (account.id, account.id)  # both keys are the new account's


def test_inbound_traffic_arrives_as_an_event_of_the_session(emulator: Emulator) -> None:
    session = emulator.connected_session(emulator.new_account())
    emulator.inbound(session, from_="+15557771111", text="hello")
    [received] = emulator.events(session, "messages.received")
    assert received["data"]["messages"]["message"]["conversation"] == "hello"


def test_advance_moves_the_clock_and_the_inbox_gets_signed_webhooks(emulator: Emulator) -> None:
    session = emulator.connected_session(emulator.new_account())
    inbox = emulator.inbox()
    emulator.set_webhook(session, inbox, ["messages.update"])
    before = httpx.get(f"{emulator.admin_url}/clock").json()["data"]["now"]
    assert send(emulator, session.api_key).status_code == 200
    assert emulator.advance(5) == before + 5
    emulator.idle()
    assert [body["data"]["update"]["status"] for body in inbox.events()] == [2, 3, 4]
    assert {r["headers"]["x-webhook-signature"] for r in inbox.received()} == {session.webhook_secret}
    inbox.empty()
    assert inbox.received() == []


def test_reset_goes_back_to_the_fixtures() -> None:
    with Emulator() as emulator:
        account = emulator.new_account()
        emulator.reset()
        gone = httpx.get(f"{emulator.api_url}/whatsapp-sessions", headers=auth(account.personal_access_token))
        assert gone.status_code == 401
        assert httpx.get(f"{emulator.api_url}/whatsapp-sessions", headers=auth(PAT)).status_code == 200


def test_settings_and_a_fixtures_file_are_keywords(tmp_path: Path) -> None:
    fixtures = json.loads(DEFAULT_FIXTURES.read_text())
    fixtures["accounts"][0]["personal_access_token"] = "1|aFixtureFileOfTheTestsOwn"
    (tmp_path / "mine.json").write_text(json.dumps(fixtures))
    with Emulator(fixtures=str(tmp_path / "mine.json"), rate_limits="off", clock="real") as emulator:
        assert httpx.get(f"{emulator.admin_url}/rate-limits").json()["data"]["enabled"] is False
        assert httpx.get(f"{emulator.admin_url}/clock").json()["data"]["mode"] == "real"
        mine = httpx.get(f"{emulator.api_url}/whatsapp-sessions", headers=auth("1|aFixtureFileOfTheTestsOwn"))
        assert mine.status_code == 200


def test_a_bad_setting_fails_at_once_with_its_message() -> None:
    with pytest.raises(ValueError, match="clock must be"):
        Emulator(clock="sundial")


def test_it_attaches_to_an_emulator_already_running(emulator: Emulator) -> None:
    with Emulator(emulator.url) as attached:
        account = attached.new_account()
        assert emulator.connected_session(account).account == account


def test_nothing_answering_at_a_url_is_one_line_naming_it() -> None:
    url = closed_port_url()
    with pytest.raises(EmulatorError, match=f"^no WasenderAPI emulator answers at {url}: ") as caught:
        Emulator(url).start()
    assert "\n" not in str(caught.value)


def test_calls_before_start_say_how_to_start_it() -> None:
    with pytest.raises(EmulatorError, match="not started"):
        Emulator().new_account()


def test_it_leaves_no_thread_process_port_or_file_behind_even_when_the_test_fails() -> None:
    threads, children = thread_names(), child_processes()
    with pytest.raises(AssertionError, match="the test failed"):
        with Emulator(temp_db=True) as emulator:
            session = emulator.connected_session(emulator.new_account())
            emulator.set_webhook(session, emulator.inbox(), ["message.sent"])
            send(emulator, session.api_key)
            emulator.advance(1)
            emulator.idle()  # a delivery made: the delivery process ran
            folder = Path(emulator._folder)
            assert (folder / "state.db").exists()
            port = urlsplit(emulator.url).port
            raise AssertionError("the test failed")
    assert (thread_names(), child_processes()) == (threads, children)
    assert not answers(port)
    assert not folder.exists()


def test_rate_limits_switch_for_every_account_and_answer_whether_they_were_on(emulator: Emulator) -> None:
    trial = emulator.connected_session(emulator.new_account(plan="trial"))
    assert emulator.rate_limits(False) is True
    try:
        assert [send(emulator, trial.api_key).status_code for _ in range(2)] == [200, 200]
    finally:
        assert emulator.rate_limits(True) is False
    # Sends while off do not count: the first send after is the trial plan's one a minute.
    assert [send(emulator, trial.api_key).status_code for _ in range(2)] == [200, 429]
