"""The emulator as people install it: a wheel in a fresh virtual environment, started from a
folder that is not the checkout, and a development environment that is exactly uv.lock."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import httpx
import pytest
from packaging.utils import canonicalize_name
from wasenderapi import create_sync_wasender

from emulator import __version__
from tests.conftest import CONNECTED_KEY, LiveServer

ROOT = Path(__file__).resolve().parents[1]
UV = Path(sys.executable).parent / "uv"
# Packages a virtual environment holds that no lock names: the installers themselves.
INSTALLERS = {"pip", "setuptools", "uv"}


def run(*command: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run(UV, "build", "--wheel", "--out-dir", out, ROOT, cwd=ROOT)
    (built,) = out.glob("wasender_emulator-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment outside the checkout with the wheel installed: its bin/."""
    venv = tmp_path_factory.mktemp("venv")
    run(UV, "venv", "--quiet", "--python", sys.executable, venv)
    run(UV, "pip", "install", "--quiet", "--python", venv / "bin" / "python", wheel)
    return venv / "bin"


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A working folder with nothing of the checkout in it."""
    folder = tmp_path / "somewhere"
    folder.mkdir()
    return folder


def test_the_wheel_carries_the_top_level_fixtures_and_documents_unchanged(wheel: Path) -> None:
    shipped = {
        "fixtures/default.json": "emulator/shipped/fixtures/default.json",
        "openapi/wasenderapi.json": "emulator/shipped/openapi/wasenderapi.json",
        "openapi/admin.json": "emulator/shipped/openapi/admin.json",
    }
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for top_level, inside in shipped.items():
            assert archive.read(inside) == (ROOT / top_level).read_bytes(), top_level
    migrations = {path.name for path in (ROOT / "emulator" / "store" / "migrations").glob("*.sql")}
    assert {f"emulator/store/migrations/{name}" for name in migrations} <= names


@pytest.fixture(params=["wasender-emulator serve", "python -m emulator serve"])
def command(request: pytest.FixtureRequest, installed: Path) -> tuple[str, ...]:
    program, *rest = request.param.split()
    return (str(installed / program), *rest)


def test_the_installed_server_starts_from_any_folder_and_serves_the_sdk(
    command: tuple[str, ...], elsewhere: Path
) -> None:
    server = LiveServer("--clock", "virtual", command=command, cwd=elsewhere, log=elsewhere.parent / "server.log")
    try:
        assert "personal access token: 1|wasenderEmulatorDemoPersonalAccessToken1" in server.banner
        client = create_sync_wasender(CONNECTED_KEY, base_url=server.api_url)
        sent = client.send_text("+15551234567", "from an installed wheel").response.data
        httpx.post(f"{server.url}/admin/clock/advance", json={"seconds": 5}).raise_for_status()
        info = client.get_message_info(sent.message_id).response.data
        assert info["status"] == 4
        assert info["message"]["conversation"] == "from an installed wheel"
    finally:
        server.stop()
    assert not (elsewhere / ".emulator").exists()  # --db :memory: leaves nothing behind


def test_the_installed_command_prints_its_version(installed: Path) -> None:
    assert run(installed / "wasender-emulator", "--version").strip() == f"wasender-emulator {__version__}"


def _locked_versions() -> dict[str, str]:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    # The project itself is locked as its editable source, without a version of its own.
    return {canonicalize_name(package["name"]): package.get("version", __version__) for package in lock["package"]}


def test_the_development_environment_holds_nothing_outside_the_lock() -> None:
    locked = _locked_versions()
    installed = {
        canonicalize_name(dist.metadata["Name"]): dist.version for dist in metadata.distributions()
    }
    outside = {
        name: version for name, version in installed.items()
        if name not in INSTALLERS and locked.get(name) != version
    }
    assert outside == {}


def test_the_lock_agrees_with_the_declared_ranges() -> None:
    run(UV, "lock", "--check", "--offline", cwd=ROOT)


def test_the_package_declares_ranges_not_pins_for_its_runtime() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert all("==" not in requirement for requirement in project["dependencies"])


@pytest.fixture
def broken_lock(tmp_path: Path) -> Iterator[Path]:
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    for name in ("Makefile", "pyproject.toml"):
        (checkout / name).write_bytes((ROOT / name).read_bytes())
    (checkout / "uv.lock").write_text("version = 1\n[[package]\nname = \n")
    yield checkout


def test_a_broken_lock_stops_the_install_with_one_line_naming_it(broken_lock: Path) -> None:
    # As a user runs it, not as a make nested in `make test`.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    done = subprocess.run(
        ["make", "install", f"UV={UV}"], cwd=broken_lock, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    first, *rest = done.stderr.splitlines()
    assert first == "make: uv.lock cannot be read or disagrees with pyproject.toml; run 'make lock' to re-resolve it"
    assert all(line.startswith("make: ***") for line in rest)  # make's own closing line, nothing else
