"""Fault rules: failures injected on purpose, so a client's error handling runs in tests.

A rule says which requests (or which webhook events, or which session) it concerns, when it
fires, and what it does. Rules know nothing of HTTP bodies: the fault middleware at every
face's door (emulator.admin.fault_injection) performs request actions and the webhook
dispatcher performs webhook actions; this module decides whether a rule fires and runs the
faults that live on the clock (a session dropping, and coming back).

Probabilities draw from a generator per rule seeded with the emulator's seed and the rule's
id, so the same seed and the same rules fire on the same requests, run after run.
"""

from __future__ import annotations

import fnmatch
import random
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Literal

import msgspec
import msgspec.inspect

from emulator.clock import Clock
from emulator.domain import errors
from emulator.domain.jids import parse_jid
from emulator.domain.session_service import SessionService
from emulator.domain.sessions import Status

Seconds = Annotated[float, msgspec.Meta(ge=0, le=86_400)]
DEFAULT_RETRY_AFTER = 60
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]


class ErrorAction(msgspec.Struct, tag="error", tag_field="type", forbid_unknown_fields=True):
    """Answer an error in the service's own body instead of handling the request."""

    status: Annotated[int, msgspec.Meta(ge=400, le=599)]
    message: Text | None = None
    retry_after: Annotated[int, msgspec.Meta(ge=0, le=86_400)] | None = None

    @property
    def retry_seconds(self) -> int:
        """What a 429 tells the client to wait."""
        return self.retry_after if self.retry_after is not None else DEFAULT_RETRY_AFTER


class LatencyAction(msgspec.Struct, tag="latency", tag_field="type", forbid_unknown_fields=True):
    """Wait (real seconds, fixed or uniform between min and max), then answer normally."""

    seconds: Seconds | None = None
    min: Seconds | None = None
    max: Seconds | None = None


class TimeoutAction(msgspec.Struct, tag="timeout", tag_field="type", forbid_unknown_fields=True):
    """Hold the request until the client gives up (or `seconds` pass, then answer normally)."""

    seconds: Seconds = 300.0


class ResetAction(msgspec.Struct, tag="reset", tag_field="type", forbid_unknown_fields=True):
    """Reset the connection without answering."""


class TruncateAction(msgspec.Struct, tag="truncate", tag_field="type", forbid_unknown_fields=True):
    """Handle the request, then send half of the body and close the connection."""


class NotJsonAction(msgspec.Struct, tag="not_json", tag_field="type", forbid_unknown_fields=True):
    """Answer an HTML page, as a proxy in front of the service does."""

    status: Annotated[int, msgspec.Meta(ge=200, le=599)] = 502


class FailMessageAction(msgspec.Struct, tag="fail_message", tag_field="type", forbid_unknown_fields=True):
    """Accept the message, then fail it with `error`."""

    error: Text = "network error"


class LoseMessageAction(msgspec.Struct, tag="lose_message", tag_field="type", forbid_unknown_fields=True):
    """Accept the message and never deliver it: it stays in progress."""


class DropSessionAction(msgspec.Struct, tag="drop_session", tag_field="type", forbid_unknown_fields=True):
    """Drop a connected session, after `delay` seconds of the clock or on the request the rule matches."""

    status: Literal["disconnected", "logged_out", "expired"] = "disconnected"
    delay: Seconds | None = None
    reconnect_after: Seconds | None = None


class WebhookDelayAction(msgspec.Struct, tag="webhook_delay", tag_field="type", forbid_unknown_fields=True):
    """Deliver the event `seconds` of the clock late."""

    seconds: Seconds


class WebhookDuplicateAction(msgspec.Struct, tag="webhook_duplicate", tag_field="type", forbid_unknown_fields=True):
    """Deliver the event twice, with the same event id."""


class WebhookReorderAction(msgspec.Struct, tag="webhook_reorder", tag_field="type", forbid_unknown_fields=True):
    """Hold `window` events, then deliver them newest first (or whatever is held after `flush_after`)."""

    window: Annotated[int, msgspec.Meta(ge=2, le=100)] = 3
    flush_after: Seconds = 5.0


Action = (
    ErrorAction | LatencyAction | TimeoutAction | ResetAction | TruncateAction | NotJsonAction | FailMessageAction
    | LoseMessageAction | DropSessionAction | WebhookDelayAction | WebhookDuplicateAction | WebhookReorderAction
)  # fmt: skip
SEND_ACTIONS = (FailMessageAction, LoseMessageAction)
WEBHOOK_ACTIONS = (WebhookDelayAction, WebhookDuplicateAction, WebhookReorderAction)


class RuleSpec(msgspec.Struct, forbid_unknown_fields=True):
    """A fault rule as a client writes it."""

    action: Action
    # "METHOD /path": a route as the API documents it ({name} for a parameter), * matching anything.
    route: Annotated[str, msgspec.Meta(min_length=1, max_length=255)] | None = None
    session_id: Annotated[int, msgspec.Meta(ge=1, le=2**53)] | None = None
    recipient: Annotated[str, msgspec.Meta(min_length=1, max_length=255)] | None = None
    # Webhook rules only: the event name, * matching anything.
    event: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | None = None
    times: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)] | None = None
    probability: Annotated[float, msgspec.Meta(ge=0, le=1)] | None = None
    after: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)] = 0
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | None = None


class Rule:
    def __init__(self, rule_id: int, spec: RuleSpec, routes: frozenset[str], seed: str) -> None:
        self.id = rule_id
        self.spec = spec
        self.routes = routes  # the "METHOD /path" keys it matches
        self.recipient = _jid(spec.recipient) if spec.recipient is not None else None
        self.matched = 0
        self.fired = 0
        self._random = random.Random(f"{seed}:fault:{rule_id}")

    @property
    def label(self) -> str:
        return self.spec.name or f"rule-{self.id}"

    @property
    def spent(self) -> bool:
        return self.spec.times is not None and self.fired >= self.spec.times

    def concerns(self, session_id: int | None, recipient: str | None) -> bool:
        if self.spec.session_id is not None and session_id != self.spec.session_id:
            return False
        return self.recipient is None or (recipient is not None and _jid(recipient) == self.recipient)

    def fires(self) -> bool:
        """Count one match and say whether the rule fires on it."""
        self.matched += 1
        if self.matched <= self.spec.after or self.spent:
            return False
        if self.spec.probability is not None and self._random.random() >= self.spec.probability:
            return False
        self.fired += 1
        return True

    def latency(self) -> float:
        action = self.spec.action
        assert isinstance(action, LatencyAction)
        if action.seconds is not None:
            return action.seconds
        assert action.min is not None and action.max is not None
        return self._random.uniform(action.min, action.max)


_TYPED_PARAMETER = re.compile(r"\{(\w+):\w+\}")


def route_key(method: str, template: str) -> str:
    """The key a route is matched by: "POST /api/send-message", parameters as {name}."""
    return method.upper() + " " + _TYPED_PARAMETER.sub(r"{\1}", template)


# Told of every change of a rule: put in force, counted (it matched, and maybe fired), removed (True).
RuleWatcher = Callable[[Rule, bool], None]


class FaultBook:
    """The rules in force, with what fired; sessions are dropped and brought back on the clock."""

    def __init__(self, clock: Clock, sessions: SessionService, seed: str) -> None:
        self._clock = clock
        self._sessions = sessions
        self._seed = seed
        self._next_id = 1
        self.rules: dict[int, Rule] = {}
        # Read on every request: empty unless some rule concerns requests.
        self.request_rules: list[Rule] = []
        self.webhook_rules: list[Rule] = []
        # Every "METHOD /path" of the API, and those that send a message.
        self.routes: frozenset[str] = frozenset()
        self.send_routes: frozenset[str] = frozenset()
        self._watchers: list[RuleWatcher] = []

    def watch(self, watcher: RuleWatcher) -> None:
        self._watchers.append(watcher)

    def _changed(self, rule: Rule, removed: bool = False) -> None:
        """The one place a rule's change is told."""
        for watcher in self._watchers:
            watcher(rule, removed)

    def add(self, spec: RuleSpec) -> Rule:
        """Check `spec`, then put it in force; a ValidationFailed stores nothing."""
        routes = self._check(spec)
        rule = Rule(self._next_id, spec, routes, self._seed)
        self._next_id += 1
        self.rules[rule.id] = rule
        if isinstance(spec.action, WEBHOOK_ACTIONS):
            self.webhook_rules.append(rule)
        elif spec.route is not None:
            self.request_rules.append(rule)
        else:
            self._arm_drop(rule)
        self._changed(rule)
        return rule

    def check_scenario(self, specs: Iterable[RuleSpec]) -> None:
        """Raise ValueError naming the first rule of a scenario that cannot be put in force."""
        for number, spec in enumerate(specs, 1):
            try:
                self._check(spec)
            except errors.ValidationFailed as exc:
                problems = "; ".join(f"{field}: {' '.join(texts)}" for field, texts in exc.errors.items())
                raise ValueError(f"fault rule {number} of the scenario: {problems}") from None

    def add_scenario(self, specs: Iterable[RuleSpec]) -> None:
        for spec in specs:
            self.add(spec)

    def remove(self, rule_id: int) -> bool:
        rule = self.rules.pop(rule_id, None)
        if rule is None:
            return False
        self.request_rules = [r for r in self.request_rules if r is not rule]
        self.webhook_rules = [r for r in self.webhook_rules if r is not rule]
        self._clock.cancel(_drop_key(rule))
        self._changed(rule, removed=True)
        return True

    def clear(self, restart_ids: bool = False) -> None:
        for rule_id in list(self.rules):
            self.remove(rule_id)
        if restart_ids:
            self._next_id = 1

    # Firing ---------------------------------------------------------------------------------

    def for_request(self, key: str) -> list[Rule]:
        return [rule for rule in self.request_rules if key in rule.routes]

    def fire(self, candidates: list[Rule], session_id: int | None, recipient: str | None) -> Rule | None:
        """The first rule among `candidates` that concerns the request and fires on it."""
        for rule in candidates:
            if rule.concerns(session_id, recipient) and self._fires(rule):
                return rule
        return None

    def fire_webhook(self, session_id: int, event: str) -> Rule | None:
        for rule in self.webhook_rules:
            pattern = rule.spec.event or "*"
            if rule.concerns(session_id, None) and fnmatch.fnmatchcase(event, pattern) and self._fires(rule):
                return rule
        return None

    def _fires(self, rule: Rule) -> bool:
        fired = rule.fires()
        self._changed(rule)
        return fired

    async def drop_session(self, rule: Rule) -> None:
        """Drop the rule's session if it is connected, and bring it back later if asked."""
        action = rule.spec.action
        assert isinstance(action, DropSessionAction) and rule.spec.session_id is not None
        session = self._sessions.get(rule.spec.session_id)
        if session is None or session.status is not Status.CONNECTED:
            return
        await self._sessions.force_status(session, Status(action.status))
        if action.reconnect_after is not None:

            async def reconnect() -> None:
                await self._sessions.reconnect(session)

            self._clock.schedule(f"fault-reconnect:{rule.id}", action.reconnect_after, reconnect)

    def _arm_drop(self, rule: Rule) -> None:
        action = rule.spec.action
        assert isinstance(action, DropSessionAction) and action.delay is not None

        async def drop() -> None:
            if self._fires(rule):
                await self.drop_session(rule)

        self._clock.schedule(_drop_key(rule), action.delay, drop)

    # Checking ---------------------------------------------------------------------------------

    def _check(self, spec: RuleSpec) -> frozenset[str]:
        action = spec.action
        problems: dict[str, list[str]] = {}
        routes: frozenset[str] = frozenset()
        webhook = isinstance(action, WEBHOOK_ACTIONS)
        timed_drop = isinstance(action, DropSessionAction) and action.delay is not None
        if webhook or timed_drop:
            if spec.route is not None:
                problems["route"] = [f"A {_type_of(action)} rule matches no route."]
        elif spec.route is None:
            problems["route"] = ["The route field is required."]
        else:
            routes = self._matching_routes(spec.route)
            if not routes:
                problems["route"] = [f"The route {spec.route!r} matches no route of the API."]
            elif isinstance(action, SEND_ACTIONS) and not routes <= self.send_routes:
                problems["route"] = [f"A {_type_of(action)} rule applies to {', '.join(sorted(self.send_routes))} only."]
        if spec.event is not None and not webhook:
            problems["event"] = ["Only webhook rules match events."]
        if isinstance(action, DropSessionAction) and spec.session_id is None:
            problems["session_id"] = ["The session id field is required to drop a session."]
        if isinstance(action, DropSessionAction) and action.reconnect_after is not None and action.status != "disconnected":
            problems["action.reconnect_after"] = ["Only a disconnected session reconnects by itself."]
        if isinstance(action, LatencyAction) and not _latency_given(action):
            problems["action.seconds"] = ["Give seconds, or min and max with min no greater than max."]
        if spec.recipient is not None and _jid(spec.recipient) is None:
            problems["recipient"] = ["The recipient field format is invalid."]
        if problems:
            raise errors.ValidationFailed(problems)
        return routes

    def _matching_routes(self, pattern: str) -> frozenset[str]:
        method, _, path = pattern.strip().partition(" ")
        wanted = route_key(method, path.strip()) if path else ""
        return frozenset(key for key in self.routes if fnmatch.fnmatchcase(key, wanted))


def _latency_given(action: LatencyAction) -> bool:
    if action.seconds is not None:
        return action.min is None and action.max is None
    return action.min is not None and action.max is not None and action.min <= action.max


def _type_of(action: Action) -> str:
    return msgspec.inspect.type_info(type(action)).tag  # type: ignore[attr-defined,no-any-return]


def _jid(address: str) -> str | None:
    parsed = parse_jid(address)
    return str(parsed) if parsed is not None else None


def _drop_key(rule: Rule) -> str:
    return f"fault-drop:{rule.id}"


NAMES_NO_SESSION = "The session id names no session."


class WrittenRuleSpec(RuleSpec, forbid_unknown_fields=True):
    """A fault rule as the admin API and scenario files take it: its session named by any
    face's id for it (an integer, or SendAPI's sess_...), which `session_number` reads."""

    session_id: Annotated[int, msgspec.Meta(ge=1, le=2**53)] | Annotated[str, msgspec.Meta(max_length=64)] | None = None


class _Scenario(msgspec.Struct):
    rules: list[WrittenRuleSpec]


def rule_spec(written: WrittenRuleSpec, session_number: Callable[[str], int | None]) -> RuleSpec:
    """The rule `written` names, its session id read; ValueError when that id names no session."""
    fields = msgspec.structs.asdict(written)
    if isinstance(written.session_id, str):
        fields["session_id"] = session_number(written.session_id)
        if fields["session_id"] is None:
            raise ValueError(NAMES_NO_SESSION)
    return RuleSpec(**fields)


def load_scenario(path: str, session_number: Callable[[str], int | None]) -> list[RuleSpec]:
    """The rules of a scenario file: a JSON list of rules, or an object with a "rules" list."""
    try:
        value = msgspec.json.decode(Path(path).read_bytes())
        written = msgspec.convert({"rules": value} if isinstance(value, list) else value, _Scenario).rules
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the fault scenario ({exc.strerror})") from None
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise ValueError(f"{path}: {exc}") from None
    rules = []
    for number, rule in enumerate(written, start=1):
        try:
            rules.append(rule_spec(rule, session_number))
        except ValueError as exc:
            raise ValueError(f"{path}: rule {number}: session_id: {exc}") from None
    return rules
