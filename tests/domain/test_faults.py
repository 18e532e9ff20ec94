"""When a fault rule fires: counts, the first K passing, seeded probabilities, and who is told."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from emulator.clock import Clock
from emulator.domain.faults import ErrorAction, FaultBook, Rule, RuleSpec, route_key

SEND = "POST /api/send-message"


def rule(seed: str = "s", rule_id: int = 1, **fields: object) -> Rule:
    return Rule(rule_id, RuleSpec(action=ErrorAction(status=503), route=SEND, **fields), frozenset({SEND}), seed)  # type: ignore[arg-type]


@given(after=st.integers(0, 20), times=st.none() | st.integers(1, 20), matches=st.integers(0, 60))
def test_a_rule_fires_on_the_matches_after_the_first_k_at_most_times_times(after: int, times: int | None, matches: int) -> None:
    counted = rule(after=after, times=times)
    firings = [counted.fires() for _ in range(matches)]
    expected = max(0, matches - after) if times is None else min(times, max(0, matches - after))
    assert sum(firings) == counted.fired == expected
    assert not any(firings[:after])  # the first K always pass
    assert counted.matched == matches and counted.spent == (times is not None and expected == times)


@given(seed=st.text(max_size=8), rule_id=st.integers(1, 1000), probability=st.floats(0, 1))
def test_probabilistic_firings_are_a_function_of_the_seed_and_the_rule(seed: str, rule_id: int, probability: float) -> None:
    def pattern() -> list[bool]:
        drawn = rule(seed, rule_id, probability=probability)
        return [drawn.fires() for _ in range(40)]

    first = pattern()
    assert pattern() == first
    if probability in (0.0, 1.0):
        assert set(first) <= {probability == 1.0}


def test_route_keys_name_parameters_without_their_types() -> None:
    assert route_key("get", "/api/messages/{msg_id:int}/info") == "GET /api/messages/{msg_id}/info"


def test_every_change_of_a_rule_is_told_to_its_watchers_once() -> None:
    book = FaultBook(Clock("virtual"), None, "s")  # type: ignore[arg-type]  # no session is dropped here
    book.routes = frozenset({SEND})
    told: list[tuple[int, int, int, bool]] = []
    book.watch(lambda changed, removed: told.append((changed.id, changed.matched, changed.fired, removed)))
    added = book.add(RuleSpec(action=ErrorAction(status=503), route=SEND, times=1))
    for _ in range(2):
        book.fire(book.for_request(SEND), None, None)
    book.clear()
    assert told == [(added.id, 0, 0, False), (added.id, 1, 1, False), (added.id, 2, 1, False), (added.id, 2, 1, True)]
