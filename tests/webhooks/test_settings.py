from __future__ import annotations

import msgspec
import pytest

from emulator.cli import build_parser
from emulator.config import Settings
from emulator.webhooks.settings import WebhookSettings
from tests.conftest import make_client


def test_backoff_doubles_up_to_its_ceiling() -> None:
    settings = WebhookSettings(retry_delay=5, max_retry_delay=30)
    assert [settings.backoff(n) for n in range(1, 6)] == [5, 10, 20, 30, 30]


def test_settings_come_from_flags_then_the_environment() -> None:
    environ = {"EMULATOR_WEBHOOK_MAX_ATTEMPTS": "3", "EMULATOR_WEBHOOK_TIMEOUT": "2.5"}
    flags = {"webhook_timeout": 7.0, "webhook_workers": 8}
    settings = Settings.from_sources(flags, environ).webhook_settings()
    assert (settings.max_attempts, settings.timeout, settings.workers, settings.retry_delay) == (3, 7.0, 8, 5.0)


def test_the_command_line_sets_them() -> None:
    argv = ["serve", "--webhook-max-attempts", "2", "--webhook-retry-delay", "0.5", "--webhook-concurrency", "64"]
    flags = vars(build_parser().parse_args(argv))
    settings = Settings.from_sources({k: v for k, v in flags.items() if k != "command"}, {}).webhook_settings()
    assert (settings.max_attempts, settings.retry_delay, settings.concurrency) == (2, 0.5, 64)


@pytest.mark.parametrize(
    ("environ", "refused"),
    [
        ({"EMULATOR_WEBHOOK_MAX_ATTEMPTS": "0"}, "max_attempts"),
        ({"EMULATOR_WEBHOOK_RETRY_DELAY": "soon"}, "EMULATOR_WEBHOOK_RETRY_DELAY"),
        ({"EMULATOR_WEBHOOK_WORKERS": "1.5"}, "EMULATOR_WEBHOOK_WORKERS"),
        ({"EMULATOR_WEBHOOK_CONCURRENCY": "0"}, "concurrency"),
    ],
)
def test_a_bad_setting_is_refused_by_name(environ: dict[str, str], refused: str) -> None:
    with pytest.raises(ValueError, match=refused):
        Settings.from_sources({}, environ)


def test_reset_restores_the_settings_the_emulator_was_started_with() -> None:
    with make_client(webhook_retry_delay=1.5, webhook_max_attempts=4, webhook_concurrency=8) as client:
        change = {"retry_delay": 9, "max_attempts": 2, "timeout": 1, "concurrency": 100}
        changed = client.put("/admin/webhooks/settings", json=change)
        assert (changed.json()["data"]["retry_delay"], changed.json()["data"]["concurrency"]) == (9, 100)
        assert client.post("/admin/reset").status_code == 200
        restored = client.get("/admin/webhooks/settings").json()["data"]
        assert restored == msgspec.structs.asdict(WebhookSettings(retry_delay=1.5, max_attempts=4, concurrency=8))


@pytest.mark.parametrize("concurrency", [0, 1025, 2.5, "many"])
def test_a_concurrency_out_of_range_is_refused_by_name(concurrency: object) -> None:
    with make_client() as client:
        refused = client.put("/admin/webhooks/settings", json={"concurrency": concurrency})
        assert refused.status_code == 422
        assert "concurrency" in refused.json()["errors"]
        assert client.get("/admin/webhooks/settings").json()["data"]["concurrency"] == 1
