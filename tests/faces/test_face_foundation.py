"""What every face stands on: sessions that belong to one face, and account keys per face."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from litestar.testing import TestClient

from emulator.config import DEFAULT_FIXTURES
from emulator.faces import ACCOUNT_KEY_PREFIXES, WASEND
from emulator.fixtures import FixtureError, load_fixtures
from tests.conftest import PAT, auth, make_client

DEFAULT_WASEND_KEY = json.loads(DEFAULT_FIXTURES.read_text())["accounts"][0]["keys"][WASEND]


def _other_face_session(client: TestClient, phone: str = "+15557771234"):
    """A session of account 1 created by another face, straight through the domain."""
    core = client.app.state.core
    account = core.accounts.get(1)
    return client.blocking_portal.call(core.sessions.create, account, WASEND, "Other face", phone, {})


def test_the_default_account_has_its_fixed_key_of_each_face(client: TestClient) -> None:
    accounts = client.app.state.core.accounts
    account = accounts.account_for_key(WASEND, DEFAULT_WASEND_KEY)
    assert account is not None and account.id == 1
    assert accounts.account_for_key("wasenderapi", DEFAULT_WASEND_KEY) is None
    assert accounts.account_for_key(WASEND, PAT) is None


def test_a_new_account_answers_a_key_for_every_keyed_face(client: TestClient) -> None:
    data = client.post("/admin/accounts", json={}).json()["data"]
    assert set(data["keys"]) == set(ACCOUNT_KEY_PREFIXES)
    key = data["keys"][WASEND]
    assert key.startswith(ACCOUNT_KEY_PREFIXES[WASEND]) and key != DEFAULT_WASEND_KEY
    assert client.app.state.core.accounts.account_for_key(WASEND, key).id == data["id"]
    second = client.post("/admin/accounts", json={}).json()["data"]
    assert second["keys"][WASEND] != key


def test_account_keys_follow_the_seed_and_survive_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "state.db")
    with make_client(db=db, seed="keys") as client:
        key = client.post("/admin/accounts", json={}).json()["data"]["keys"][WASEND]
    with make_client(db=db, seed="another seed") as client:
        assert client.app.state.core.accounts.account_for_key(WASEND, key).id == 2
    with make_client(seed="keys") as client:
        assert client.post("/admin/accounts", json={}).json()["data"]["keys"][WASEND] == key


def test_reset_brings_back_the_fixture_keys_only(client: TestClient) -> None:
    minted = client.post("/admin/accounts", json={}).json()["data"]["keys"][WASEND]
    client.post("/admin/reset")
    accounts = client.app.state.core.accounts
    assert accounts.account_for_key(WASEND, minted) is None
    assert accounts.account_for_key(WASEND, DEFAULT_WASEND_KEY).id == 1


def test_another_faces_session_is_neither_listed_nor_reached(client: TestClient) -> None:
    before = client.get("/api/whatsapp-sessions", headers=auth(PAT)).json()["data"]
    other = _other_face_session(client)
    assert other.face == WASEND
    assert client.get("/api/whatsapp-sessions", headers=auth(PAT)).json()["data"] == before
    for method, path in (("get", ""), ("put", ""), ("delete", ""), ("post", "/connect")):
        response = client.request(method, f"/api/whatsapp-sessions/{other.id}{path}", headers=auth(PAT), json={})
        assert response.status_code == 404, (method, path, response.text)
    # Its internal session key opens nothing on this face either.
    assert client.get("/api/status", headers=auth(other.api_key)).status_code == 401
    assert client.app.state.core.sessions.get(other.id).status == "disconnected"


def test_sessions_of_every_face_share_the_account_limit(client: TestClient, new_account) -> None:
    account_id, token = new_account(session_limit=1)
    core = client.app.state.core
    client.blocking_portal.call(core.sessions.create, core.accounts.get(account_id), WASEND, "w", "+15557771299", {})
    body = {"name": "a", "phone_number": "+15557771298", "account_protection": False, "log_messages": True}
    assert client.post("/api/whatsapp-sessions", json=body, headers=auth(token)).status_code == 403


def test_the_face_of_a_session_survives_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "state.db")
    with make_client(db=db) as client:
        session_id = _other_face_session(client).id
    with make_client(db=db) as client:
        assert client.app.state.core.sessions.get(session_id).face == WASEND
        assert client.app.state.core.sessions.get(1).face == "wasenderapi"


def test_fixture_keys_must_be_unique_tokens(tmp_path: Path) -> None:
    fixtures = json.loads(DEFAULT_FIXTURES.read_text())
    fixtures["accounts"][0]["keys"][WASEND] = fixtures["accounts"][0]["personal_access_token"]
    path = tmp_path / "fixtures.json"
    path.write_text(json.dumps(fixtures))
    with pytest.raises(FixtureError, match=r"keys\.wasend: duplicate token"):
        load_fixtures(path)


def test_the_banner_prints_each_accounts_face_keys(capsys: pytest.CaptureFixture[str]) -> None:
    from emulator.cli import _announce
    from emulator.config import Settings
    from emulator.core import Core

    settings = Settings(db=":memory:", seed="banner")
    _announce(settings, Core(settings), 8080)
    assert f"    wasend API key: {DEFAULT_WASEND_KEY}" in capsys.readouterr().out.splitlines()
