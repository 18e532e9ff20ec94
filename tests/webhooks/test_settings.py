from __future__ import annotations

import pytest

from emulator.webhooks.settings import WebhookSettings


def test_backoff_doubles_up_to_its_ceiling() -> None:
    settings = WebhookSettings(retry_delay=5, max_retry_delay=30)
    assert [settings.backoff(n) for n in range(1, 6)] == [5, 10, 20, 30, 30]


def test_settings_come_from_the_environment() -> None:
    settings = WebhookSettings.from_environ({"EMULATOR_WEBHOOK_MAX_ATTEMPTS": "3", "EMULATOR_WEBHOOK_TIMEOUT": "2.5"})
    assert (settings.max_attempts, settings.timeout, settings.retry_delay) == (3, 2.5, 5.0)


def test_a_bad_setting_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        WebhookSettings.from_environ({"EMULATOR_WEBHOOK_MAX_ATTEMPTS": "0"})
