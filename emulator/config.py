"""Settings, from command-line flags first, then `EMULATOR_*` environment variables, then defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

from emulator.shipped import shipped_file
from emulator.webhooks.settings import WebhookSettings

DEFAULT_FIXTURES = shipped_file("fixtures/default.json")


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    db: str = ".emulator/state.db"
    fixtures: str = str(DEFAULT_FIXTURES)
    seed: str | None = None
    clock: str = "real"
    rate_limits: str = "on"
    admin_token: str | None = None
    # Serve an unprotected control plane on an address that is not loopback (emulator/admin/guard.py).
    admin_open: bool = False
    concurrency_limit: int = 10
    log_level: str = "warning"
    # The Wasend face's session statuses: "waha" (what its backend answers) or "readme" (its README's).
    wasend_statuses: str = "waha"
    # Webhook delivery; None keeps the default in emulator/webhooks/settings.py.
    webhook_max_attempts: int | None = None
    webhook_retry_delay: float | None = None
    webhook_max_retry_delay: float | None = None
    webhook_timeout: float | None = None
    webhook_concurrency: int | None = None
    webhook_workers: int | None = None
    webhook_lane_window: int | None = None
    # Fault injection: a scenario file of rules, and the X-Emulator-Fault header.
    faults: str | None = None
    fault_header: str = "off"
    # SendAPI's per-session WhatsApp cap (30 messages a minute, 1,000 a day): on or off.
    sendapi_whatsapp_cap: str = "off"

    def __post_init__(self) -> None:
        if self.clock not in ("real", "virtual"):
            raise ValueError(f"clock must be 'real' or 'virtual', not {self.clock!r}")
        if self.rate_limits not in ("on", "off"):
            raise ValueError(f"rate limits must be 'on' or 'off', not {self.rate_limits!r}")
        if self.fault_header not in ("on", "off"):
            raise ValueError(f"the fault header must be 'on' or 'off', not {self.fault_header!r}")
        if self.wasend_statuses not in ("waha", "readme"):
            raise ValueError(f"wasend statuses must be 'waha' or 'readme', not {self.wasend_statuses!r}")
        if self.sendapi_whatsapp_cap not in ("on", "off"):
            raise ValueError(f"the SendAPI WhatsApp cap must be 'on' or 'off', not {self.sendapi_whatsapp_cap!r}")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, not {self.port}")
        if self.concurrency_limit < 1:
            raise ValueError(f"the concurrency limit must be at least 1, not {self.concurrency_limit}")
        self.webhook_settings()

    def webhook_settings(self) -> WebhookSettings:
        given = {name: getattr(self, f"webhook_{name}") for name in WebhookSettings.__struct_fields__}
        return WebhookSettings.from_values({name: value for name, value in given.items() if value is not None})

    @property
    def fault_header_enabled(self) -> bool:
        return self.fault_header == "on"

    @property
    def rate_limits_enabled(self) -> bool:
        return self.rate_limits == "on"

    @classmethod
    def from_sources(cls, flags: dict[str, object] | None = None, environ: dict[str, str] | None = None) -> Settings:
        """Flags that are not None win over `EMULATOR_<NAME>` variables, which win over defaults."""
        flags = flags or {}
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            flag = flags.get(f.name)
            env = environ.get(f"EMULATOR_{f.name.upper()}")
            if flag is not None:
                values[f.name] = flag
            elif env not in (None, ""):
                values[f.name] = _parsed(f.name, str(f.type), env)
        return cls(**values)  # type: ignore[arg-type]


_BOOLEANS = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def _parsed(name: str, annotation: str, text: str) -> object:
    kind = annotation.removesuffix(" | None")
    if kind == "bool":
        if text.strip().lower() not in _BOOLEANS:
            raise ValueError(f"EMULATOR_{name.upper()} must be 1 or 0, true or false, not {text!r}")
        return _BOOLEANS[text.strip().lower()]
    if kind == "int" and not text.strip().isdigit():
        raise ValueError(f"EMULATOR_{name.upper()} must be a whole number, not {text!r}")
    try:
        return {"int": int, "float": float}.get(kind, str)(text)
    except ValueError:
        raise ValueError(f"EMULATOR_{name.upper()} must be a number, not {text!r}") from None
