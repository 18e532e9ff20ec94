"""Rate limits, plans and quotas: the documented table as data, and the limiter that applies it.

Windows are Laravel's: a minute window opens with its first request and closes a period
later; daily caps count per UTC day. Everything is in memory, per session (or per account
token on the account-level endpoints), on the emulator's clock, so a virtual clock makes
every limit deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import msgspec

from emulator.domain.accounts import Account
from emulator.domain.sessions import Session

DAY = 86_400


class Rule(msgspec.Struct, frozen=True):
    limit: int
    period: int  # seconds; DAY means the UTC calendar day
    message: str


class Decision(msgspec.Struct):
    """What the headers report (the rule closest to refusing), and whether to refuse."""

    allowed: bool
    limit: int
    remaining: int
    reset_at: int  # Unix seconds
    retry_after: int = 0
    message: str = ""


def _per_minute(limit: int, what: str) -> Rule:
    return Rule(limit, 60, f"Too many requests: {what} allows {limit} requests per minute.")


def _per_day(limit: int, what: str) -> Rule:
    return Rule(limit, DAY, f"Too many requests: {what} allows {limit:,} requests per day.")


TRIAL_SEND = Rule(1, 60, "You are on a free trial. You can only send 1 message every 1 minute.")
TRIAL_SEND_DAILY = Rule(50, DAY, "You are on a free trial. You can only send 50 messages per day.")
PAID_SEND = Rule(256, 60, "You can only send 256 messages per minute. Please slow down.")
PROTECTED_SEND = Rule(
    1,
    5,
    "You have account protection enabled. You can only send 1 message every 5 seconds. "
    "Check our API docs: https://www.wasenderapi.com/api-docs",
)
# The endpoints WhatsApp watches, from the rate-limit page.
ENDPOINT_RULES: dict[str, tuple[Rule, ...]] = {
    "group_metadata": (
        _per_minute(10, "reading group participants and metadata"),
        _per_day(500, "reading group participants and metadata"),
    ),
    "contact_picture": (_per_minute(60, "reading contact pictures"), _per_day(1000, "reading contact pictures")),
    "on_whatsapp": (_per_minute(60, "checking numbers"), _per_day(1000, "checking numbers")),
}
# What the rate-limit page calls each of them.
ENDPOINT_LABELS = {
    "group_metadata": "get group participants / metadata",
    "contact_picture": "get contact picture",
    "on_whatsapp": "check if a number is on WhatsApp",
}
# The docs name no limit for the other endpoints; the emulator's is generous so that only
# a runaway loop meets it, and every answer still carries the headers clients parse.
GENERAL = (_per_minute(6000, "this API"),)
TOO_MANY_CONCURRENT = "Too many concurrent requests for this session. Wait for the pending ones to finish."


def send_rules(session: Session, account: Account) -> tuple[Rule, ...]:
    """Account protection overrides the plan."""
    if session.account_protection:
        return (PROTECTED_SEND,)
    if account.plan == "trial":
        return (TRIAL_SEND, TRIAL_SEND_DAILY)
    return (PAID_SEND,)


def rules_for(kind: str | None, session: Session | None, account: Account) -> tuple[Rule, ...]:
    if kind == "send" and session is not None:
        return send_rules(session, account)
    return ENDPOINT_RULES.get(kind or "", GENERAL)


class _Window(msgspec.Struct):
    start: float
    count: int


class RateLimiter:
    def __init__(self, concurrency_limit: int) -> None:
        self.enabled = True
        self.concurrency_limit = concurrency_limit
        self._windows: dict[tuple[str, Rule], _Window] = {}
        self._in_flight: dict[str, int] = {}
        # Daily windows counted since they were last stored: (key, rule).
        self.unsaved_days: set[tuple[str, Rule]] = set()

    def clear(self) -> None:
        self._windows.clear()
        self._in_flight.clear()
        self.unsaved_days.clear()

    def hit(self, key: str, rules: Iterable[Rule], now: float) -> Decision:
        """Count one request against every rule, or refuse it without counting."""
        windows = [(rule, self._window(key, rule, now)) for rule in rules]
        for rule, window in windows:
            if window.count >= rule.limit:
                reset_at = _reset_at(rule, window)
                retry_after = max(1, math.ceil(reset_at - now))
                return Decision(False, rule.limit, 0, math.ceil(reset_at), retry_after, rule.message)
        for rule, window in windows:
            window.count += 1
            if rule.period == DAY:
                self.unsaved_days.add((key, rule))
        rule, window = min(windows, key=lambda pair: (pair[0].limit - pair[1].count, pair[0].period))
        return Decision(True, rule.limit, rule.limit - window.count, math.ceil(_reset_at(rule, window)))

    def _window(self, key: str, rule: Rule, now: float) -> _Window:
        window = self._windows.get((key, rule))
        start = _day_start(now) if rule.period == DAY else now
        if window is None or now >= _reset_at(rule, window):
            window = self._windows[(key, rule)] = _Window(start, 0)
        return window

    # Daily counts survive a restart -----------------------------------------------------------

    def daily_counts(self, pairs: Iterable[tuple[str, Rule]]) -> list[tuple[str, str, int, int]]:
        """(key, rule message, UTC day, count) for storing."""
        rows = []
        for key, rule in pairs:
            window = self._windows.get((key, rule))
            if window is not None:
                rows.append((key, rule.message, int(window.start // DAY), window.count))
        return rows

    def restore_daily(self, key: str, message: str, day: int, count: int, now: float) -> None:
        if day != int(now // DAY):
            return
        for rule in _daily_rules():
            if rule.message == message:
                self._windows[(key, rule)] = _Window(day * DAY, count)

    # Concurrency ------------------------------------------------------------------------------

    def enter(self, key: str) -> bool:
        """Take a slot for a request of `key`; False when all are taken (refuse, never queue)."""
        current = self._in_flight.get(key, 0)
        if current >= self.concurrency_limit:
            return False
        self._in_flight[key] = current + 1
        return True

    def leave(self, key: str) -> None:
        left = self._in_flight.get(key, 1) - 1
        if left > 0:
            self._in_flight[key] = left
        else:
            self._in_flight.pop(key, None)


def _reset_at(rule: Rule, window: _Window) -> float:
    return window.start + rule.period


def _day_start(now: float) -> float:
    return (now // DAY) * DAY


def _daily_rules() -> Iterable[Rule]:
    yield TRIAL_SEND_DAILY
    for rules in ENDPOINT_RULES.values():
        yield from (rule for rule in rules if rule.period == DAY)


def rate_limit_table() -> list[dict[str, object]]:
    """The table as data, for people and tests: what limits what, and the answer when over."""
    rows: list[tuple[str, str | None, Rule]] = [
        ("send-message, trial plan", "send", TRIAL_SEND),
        ("send-message, trial plan, daily", "send", TRIAL_SEND_DAILY),
        ("send-message, paid plans", "send", PAID_SEND),
        ("send-message, account protection (any plan)", "send", PROTECTED_SEND),
        *((f"{ENDPOINT_LABELS[kind]}{', daily' if rule.period == DAY else ''}", kind, rule)
          for kind, rules in ENDPOINT_RULES.items() for rule in rules),
        ("every other endpoint", None, GENERAL[0]),
    ]  # fmt: skip
    return [
        {"applies_to": name, "kind": kind, "limit": rule.limit,
         "period": "day" if rule.period == DAY else f"{rule.period} s", "message": rule.message}
        for name, kind, rule in rows
    ]  # fmt: skip
