"""No accidental exposure: an open control plane stays on loopback, and the banner says who may use it."""

from __future__ import annotations

import pytest

from emulator.admin.guard import exposure_refusal
from emulator.cli import _announce, main
from emulator.config import Settings
from emulator.core import Core
from tests.conftest import auth, make_client


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "emulator.internal"])
def test_an_open_control_plane_off_loopback_refuses_to_start(host: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--host", host, "--db", ":memory:", "--port", "0"]) == 2
    said = capsys.readouterr()
    assert said.out == "" and said.err.count("\n") == 1
    assert host in said.err and "--admin-token TOKEN" in said.err and "EMULATOR_ADMIN_TOKEN" in said.err
    assert "--admin-open" in said.err and "EMULATOR_ADMIN_OPEN" in said.err


@pytest.mark.parametrize(
    "environ",
    [
        {"EMULATOR_HOST": "0.0.0.0", "EMULATOR_ADMIN_TOKEN": "t0ken"},
        {"EMULATOR_HOST": "0.0.0.0", "EMULATOR_ADMIN_OPEN": "1"},
        {"EMULATOR_HOST": "127.0.0.1"},
        {"EMULATOR_HOST": "::1"},
        {"EMULATOR_HOST": "localhost"},
    ],
)
def test_a_token_an_explicit_open_flag_or_loopback_lets_it_start(environ: dict[str, str]) -> None:
    assert exposure_refusal(Settings.from_sources({}, environ)) is None


def test_admin_open_must_be_a_yes_or_a_no() -> None:
    with pytest.raises(ValueError, match="EMULATOR_ADMIN_OPEN"):
        Settings.from_sources({}, {"EMULATOR_ADMIN_OPEN": "perhaps"})
    assert Settings.from_sources({}, {"EMULATOR_ADMIN_OPEN": "false"}).admin_open is False


@pytest.mark.parametrize(
    ("settings", "word"),
    [({"admin_token": "t0ken"}, "protected"), ({}, "OPEN"), ({"host": "0.0.0.0", "admin_open": True}, "OPEN")],
)
def test_the_banner_says_whether_the_control_plane_is_protected(
    settings: dict[str, object], word: str, capsys: pytest.CaptureFixture[str]
) -> None:
    chosen = Settings(db=":memory:", **settings)  # type: ignore[arg-type]
    _announce(chosen, Core(chosen), 8080)
    banner = capsys.readouterr().out
    line = next(line for line in banner.splitlines() if "control plane" in line)
    assert word in line
    assert "t0ken" not in banner


def test_with_a_token_only_liveness_and_webhook_posts_are_open() -> None:
    with make_client(admin_token="t0ken") as client:
        assert client.get("/admin/health").json() == {"success": True, "data": {"status": "ok"}}
        assert client.post("/admin/inbox/box", json={"event": "x"}).status_code == 200
        for method, path in [("GET", "/admin/inbox/box"), ("DELETE", "/admin/inbox/box"), ("POST", "/admin/reset")]:
            refused = client.request(method, path, headers=auth("wrong"))
            assert refused.status_code == 401 and refused.json()["success"] is False
        assert len(client.get("/admin/inbox/box", headers=auth("t0ken")).json()["data"]) == 1

