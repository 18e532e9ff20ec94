"""The one clock behind every time-dependent behaviour, and the timers that run on it.

A real clock follows wall time and fires timers from a background task. A virtual clock
stands still until `advance()` moves it, firing every timer that falls due on the way, in
order, so tests that depend on time are deterministic and never sleep.

Some work a timer starts runs outside its callback (a webhook retry is made by a delivery
worker). So that it too happens at the timer's instant, and any timer it schedules counts from
there, an advance lets every settler (`add_settler`) finish the work under way before the
clock moves on: one advance of N seconds equals N advances of one second.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

# The virtual clock starts here on a fresh state, so seeded runs produce the same timestamps.
VIRTUAL_EPOCH = 1_735_689_600.0  # 2025-01-01T00:00:00Z

TimerCallback = Callable[[], Awaitable[None]]
# Answers once the work started at the current instant is done.
Settler = Callable[[], Awaitable[None]]


@dataclass(order=True)
class _Timer:
    due: float
    seq: int
    key: str = field(compare=False)
    callback: TimerCallback = field(compare=False)
    cancelled: bool = field(default=False, compare=False)


class Clock:
    def __init__(self, mode: str, virtual_now: float = VIRTUAL_EPOCH) -> None:
        if mode not in ("real", "virtual"):
            raise ValueError(f"clock mode must be 'real' or 'virtual', not {mode!r}")
        self.mode = mode
        self._virtual_now = virtual_now
        self._timers: list[_Timer] = []
        self._by_key: dict[str, _Timer] = {}
        self._seq = itertools.count()
        # A real clock: the loop's alarm for the earliest timer, and the run of due timers.
        self._started = False
        self._alarm: asyncio.TimerHandle | None = None
        self._alarm_due = 0.0
        self._runner: asyncio.Task[None] | None = None
        self._advancing = asyncio.Lock()
        self._settlers: list[Settler] = []

    @property
    def is_virtual(self) -> bool:
        return self.mode == "virtual"

    def now(self) -> float:
        return self._virtual_now if self.is_virtual else time.time()

    # Timers -----------------------------------------------------------------------------

    def schedule(self, key: str, delay: float, callback: TimerCallback) -> None:
        """Run `callback` `delay` seconds of clock time from now, replacing any timer with `key`."""
        self.cancel(key)
        timer = _Timer(self.now() + max(delay, 0.0), next(self._seq), key, callback)
        self._by_key[key] = timer
        heapq.heappush(self._timers, timer)
        if self._started:
            self._set_alarm()

    def cancel(self, key: str) -> None:
        timer = self._by_key.pop(key, None)
        if timer is not None:
            timer.cancelled = True

    def cancel_all(self) -> None:
        for timer in self._timers:
            timer.cancelled = True
        self._timers.clear()
        self._by_key.clear()

    @property
    def pending_timers(self) -> int:
        return len(self._by_key)

    def next_due(self) -> float | None:
        self._drop_cancelled()
        return self._timers[0].due if self._timers else None

    def _drop_cancelled(self) -> None:
        while self._timers and self._timers[0].cancelled:
            heapq.heappop(self._timers)

    def _pop_due(self, until: float) -> _Timer | None:
        self._drop_cancelled()
        if self._timers and self._timers[0].due <= until:
            timer = heapq.heappop(self._timers)
            del self._by_key[timer.key]
            return timer
        return None

    # Virtual time -----------------------------------------------------------------------

    def set_virtual_now(self, now: float) -> None:
        self._virtual_now = now

    def add_settler(self, settler: Settler) -> None:
        """Let a virtual advance wait for `settler` before it moves past an instant."""
        self._settlers.append(settler)

    async def advance(self, seconds: float) -> float:
        """Move a virtual clock forward, firing due timers at their own instants, each with the
        work it started settled before time moves on."""
        if not self.is_virtual:
            raise RuntimeError("only a virtual clock can be advanced")
        async with self._advancing:
            target = self._virtual_now + seconds
            await self._settle()
            while (timer := self._pop_due(target)) is not None:
                self._virtual_now = max(self._virtual_now, timer.due)
                await timer.callback()
                await self._settle()
            self._virtual_now = target
            return target

    async def _settle(self) -> None:
        for settler in self._settlers:
            await settler()

    # Real time --------------------------------------------------------------------------

    def start(self) -> None:
        if not self.is_virtual and not self._started:
            self._started = True
            self._set_alarm()

    async def stop(self) -> None:
        self.cancel_all()
        self._started = False
        if self._alarm is not None:
            self._alarm.cancel()
            self._alarm = None
        if self._runner is not None:
            self._runner.cancel()
            try:
                await self._runner
            except asyncio.CancelledError:
                pass
            self._runner = None

    def _set_alarm(self) -> None:
        """Ring when the earliest timer falls due: the loop's own timer, set again only when an
        earlier one comes (under load timers come by the thousand a second)."""
        if self._runner is not None:
            return  # the run under way sets the alarm when it ends
        due = self.next_due()
        if due is None or (self._alarm is not None and self._alarm_due <= due):
            return
        if self._alarm is not None:
            self._alarm.cancel()
        self._alarm_due = due
        self._alarm = asyncio.get_running_loop().call_later(max(due - time.time(), 0.0), self._ring)

    def _ring(self) -> None:
        self._alarm = None
        self._runner = asyncio.get_running_loop().create_task(self._run_due_timers())

    async def _run_due_timers(self) -> None:
        """Fire the due timers one after another, each awaited before the next."""
        try:
            while (timer := self._pop_due(time.time())) is not None:
                await timer.callback()
        finally:
            self._runner = None
            if self._started:
                self._set_alarm()
