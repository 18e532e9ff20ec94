from __future__ import annotations

import pytest

from emulator.config import Settings


def test_flags_win_over_environment_which_wins_over_defaults() -> None:
    env = {"EMULATOR_PORT": "9001", "EMULATOR_CLOCK": "virtual", "EMULATOR_SEED": "env", "EMULATOR_DB": "x.db"}
    settings = Settings.from_sources({"seed": "flag", "port": None}, env)
    assert (settings.port, settings.clock, settings.seed, settings.db) == (9001, "virtual", "flag", "x.db")
    assert Settings.from_sources({}, {}).port == 8080


@pytest.mark.parametrize(
    "env",
    [{"EMULATOR_CLOCK": "fast"}, {"EMULATOR_RATE_LIMITS": "maybe"}, {"EMULATOR_PORT": "http"}, {"EMULATOR_PORT": "70000"}],
)
def test_bad_settings_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        Settings.from_sources({}, env)


def test_rate_limits_switch() -> None:
    assert Settings.from_sources({}, {"EMULATOR_RATE_LIMITS": "off"}).rate_limits_enabled is False
