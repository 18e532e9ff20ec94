"""Delivering events to webhook URLs without ever holding up the API.

Publishing an event for a listening session only stores a delivery row (in the shared group
commit) and appends it to the session's lane; workers hand the HTTP exchange to the delivery
process and record what came back. A lane is worked by one worker at a time and its head
must succeed or be given up before the next delivery goes, so a receiver sees a session's
events in the order they happened. A failed head waits for its retry on the clock, which
makes backoff deterministic on a virtual clock. Every attempt is stored, and pending
deliveries are read back on start, so a restart loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Mapping
from enum import Enum
from typing import NamedTuple

import httpx

from emulator.clock import Clock
from emulator.domain import faults
from emulator.domain.events import Event
from emulator.domain.sessions import Session, SessionService
from emulator.store import webhooks as store
from emulator.store.database import Database
from emulator.store.webhooks import DEFAULT_SIGNATURE_HEADER, DELIVERED, FAILED, PENDING, Attempt, Delivery
from emulator.webhooks.delivery_process import DeliveryProcess
from emulator.webhooks.envelope import envelope
from emulator.webhooks.filters import listening, wanted
from emulator.webhooks.poster import PostFailed
from emulator.webhooks.settings import WebhookSettings

# A face's webhook bodies for one event of one of its sessions: (event name, JSON body) each.
Translator = Callable[[Event, Session], list[tuple[str, bytes]]]

USER_AGENT = "WasenderAPI-Emulator-Webhooks/1.0"
log = logging.getLogger("emulator")


class LaneState(Enum):
    IDLE = "idle"  # nothing to deliver
    READY = "ready"  # queued for a worker
    BUSY = "busy"  # a worker is delivering its head
    WAITING = "waiting"  # its head failed and waits for a retry on the clock


class _Held(NamedTuple):
    """An event bound for a session's URL, not yet stored as a delivery."""

    session_id: int
    event: str
    url: str
    signature: str
    body: bytes
    event_id: int


class _Lane:
    """One session's pending deliveries, oldest first."""

    def __init__(self) -> None:
        self.deliveries: deque[Delivery] = deque()
        self.state = LaneState.IDLE
        # More pending deliveries than fit in memory: the rest wait in the database.
        self.spilled = False
        # The newest delivery taken into memory; a refill reads from the database what came after.
        self.last_loaded = 0


class WebhookDispatcher:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        sessions: SessionService,
        delivery_process: DeliveryProcess,
        settings: WebhookSettings | None = None,
        fault_book: faults.FaultBook | None = None,
        translators: Mapping[str, Translator] | None = None,
    ) -> None:
        """`translators`: for a face whose webhooks are not the default envelope, the bodies
        (event name, JSON) one event makes for one of its sessions."""
        self._db = db
        self._translators = dict(translators or {})
        self._clock = clock
        self._sessions = sessions
        self._delivery_process = delivery_process
        self.settings = settings or WebhookSettings()
        self._lanes: dict[int, _Lane] = {}
        self._ready: asyncio.Queue[int] = asyncio.Queue()
        self._workers: list[asyncio.Task[None]] = []
        # Only for URLs mounted on an in-process app (the capture inbox under a test client).
        self._mounted_client: httpx.AsyncClient | None = None
        self._mounts: dict[str, httpx.AsyncBaseTransport] = {}
        self._next_id = 1
        self._faults = fault_book
        # Events a reorder fault holds back, by session, and the timers that let them go.
        self._held: dict[int, list[_Held]] = {}
        self._fault_timers = 0
        # Sessions whose lane is ready or busy; set when there are none, for the clock's settler.
        self._active: set[int] = set()
        self._settled = asyncio.Event()
        self._settled.set()
        clock.add_settler(self.settled)

    # Lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Resume what was pending when the emulator stopped, then start the workers."""
        self._next_id = await store.last_delivery_id(self._db) + 1
        for session_id, first_id in (await store.first_pending(self._db)).items():
            lane = self._lanes.setdefault(session_id, _Lane())
            lane.last_loaded = first_id - 1
            await self._refill(session_id, lane)
            head = lane.deliveries[0]
            if head.next_attempt_at is not None and head.next_attempt_at > self._clock.now():
                self._wait_for_retry(session_id, lane, head.next_attempt_at - self._clock.now())
            else:
                self._make_ready(session_id, lane)
        if self._mounts:
            self._mounted_client = httpx.AsyncClient(mounts=self._mounts)
        loop = asyncio.get_running_loop()
        self._workers = [loop.create_task(self._work()) for _ in range(self.settings.workers)]

    async def stop(self) -> None:
        """Stop delivering; an attempt cut short stays pending and is made again on start."""
        for worker in self._workers:
            worker.cancel()
        for worker in self._workers:
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        self._workers = []
        for session_id in self._lanes:
            self._clock.cancel(_retry_key(session_id))
        self._lanes.clear()
        self._held.clear()
        self._active.clear()
        self._settled = asyncio.Event()
        self._settled.set()
        self._ready = asyncio.Queue()
        if self._mounted_client is not None:
            await self._mounted_client.aclose()
            self._mounted_client = None

    def mount(self, url_prefix: str, transport: httpx.AsyncBaseTransport) -> None:
        """Deliver URLs starting with `url_prefix` through `transport` (an in-process app); before start."""
        self._mounts[url_prefix] = transport

    # Publishing -------------------------------------------------------------------------------

    def on_event(self, event: Event) -> None:
        """The event bus's subscriber: store a delivery for a session that wants the event."""
        session = self._sessions.get(event.session_id)
        if session is None or not listening(session) or not wanted(session, event):
            return
        assert session.webhook_url is not None
        translate = self._translators.get(session.face)
        bodies = [(event.event, envelope(event, session.api_key))] if translate is None else translate(event, session)
        for name, body in bodies:
            held = _Held(session.id, name, session.webhook_url, session.webhook_secret, body, event.id)
            rule = self._faults.fire_webhook(session.id, name) if self._faults and self._faults.webhook_rules else None
            if rule is None:
                self.enqueue(*held)
            else:
                self._inject(rule, held)

    async def redeliver(self, delivery_id: int) -> Delivery | None:
        """A new delivery of a stored one's request, behind the session's pending ones."""
        original = await store.get(self._db, delivery_id)
        if original is None:
            return None
        return self.enqueue(
            original.session_id, original.event, original.url, original.signature, original.body, original.event_id,
            signature_header=original.signature_header,
        )

    # Reading -------------------------------------------------------------------------------------

    async def deliveries(
        self, session_id: int | None, event: str | None, outcome: str | None, limit: int
    ) -> list[tuple[Delivery, list[Attempt]]]:
        found = await store.latest(self._db, session_id, event, outcome, limit)
        attempts = await store.attempts_of(self._db, [delivery.id for delivery in found])
        return [(delivery, attempts[delivery.id]) for delivery in found]

    async def delivery(self, delivery_id: int) -> tuple[Delivery, list[Attempt]] | None:
        found = await store.get(self._db, delivery_id)
        if found is None:
            return None
        return found, (await store.attempts_of(self._db, [found.id]))[found.id]

    # Webhook faults ----------------------------------------------------------------------------

    def _inject(self, rule: faults.Rule, held: _Held) -> None:
        action = rule.spec.action
        if isinstance(action, faults.WebhookDelayAction):
            mark = f"delayed {action.seconds:g} s by {rule.label}"
            self._fault_timers += 1
            self._later(f"webhook-delay:{self._fault_timers}", action.seconds, lambda: self.enqueue(*held, mark))
        elif isinstance(action, faults.WebhookDuplicateAction):
            for _ in range(2):
                self.enqueue(*held, f"duplicated by {rule.label}")
        else:
            assert isinstance(action, faults.WebhookReorderAction)
            waiting = self._held.setdefault(held.session_id, [])
            waiting.append(held)
            mark = f"reordered by {rule.label}"
            if len(waiting) >= action.window:
                self._release(held.session_id, mark)
            elif len(waiting) == 1:
                self._later(_reorder_key(held.session_id), action.flush_after, lambda: self._release(held.session_id, mark))

    def _release(self, session_id: int, mark: str) -> None:
        """Deliver the events a reorder fault held, newest first."""
        self._clock.cancel(_reorder_key(session_id))
        for held in reversed(self._held.pop(session_id, [])):
            self.enqueue(*held, mark)

    def _later(self, key: str, delay: float, enqueue: Callable[[], object]) -> None:
        async def run() -> None:
            enqueue()

        self._clock.schedule(key, delay, run)

    def enqueue(
        self,
        session_id: int,
        event: str,
        url: str,
        signature: str,
        body: bytes,
        event_id: int | None = None,
        injected: str | None = None,
        signature_header: str | None = None,
    ) -> Delivery:
        """Store a new delivery and queue it behind the session's pending ones (any face's, in order)."""
        now = self._clock.now()
        delivery = Delivery(
            id=self._next_id,
            session_id=session_id,
            event=event,
            url=url,
            signature=signature,
            signature_header=signature_header or DEFAULT_SIGNATURE_HEADER,
            body=body,
            created_at=now,
            updated_at=now,
            event_id=event_id,
            injected=injected,
        )
        self._next_id += 1
        store.insert_delivery(self._db, delivery)
        lane = self._lanes.setdefault(delivery.session_id, _Lane())
        if lane.spilled or len(lane.deliveries) >= self.settings.lane_window:
            lane.spilled = True
        else:
            lane.deliveries.append(delivery)
            lane.last_loaded = delivery.id
        if lane.state is LaneState.IDLE:
            self._make_ready(delivery.session_id, lane)
        return delivery

    # Working ----------------------------------------------------------------------------------

    def pending(self, count_waiting: bool) -> int:
        """Lanes with a delivery queued or under way (and waiting for a retry, if asked)."""
        busy = {LaneState.READY, LaneState.BUSY} | ({LaneState.WAITING} if count_waiting else set())
        return sum(1 for lane in self._lanes.values() if lane.state in busy)

    async def settled(self) -> None:
        """Answer once no lane is ready or busy: every delivery due now was attempted."""
        if self._workers:
            await self._settled.wait()

    def _set_state(self, session_id: int, lane: _Lane, state: LaneState) -> None:
        lane.state = state
        if state in (LaneState.READY, LaneState.BUSY):
            self._active.add(session_id)
            self._settled.clear()
        else:
            self._active.discard(session_id)
            if not self._active:
                self._settled.set()

    def _make_ready(self, session_id: int, lane: _Lane) -> None:
        self._set_state(session_id, lane, LaneState.READY)
        self._ready.put_nowait(session_id)

    def _wait_for_retry(self, session_id: int, lane: _Lane, delay: float) -> None:
        self._set_state(session_id, lane, LaneState.WAITING)

        async def retry() -> None:
            if self._lanes.get(session_id) is lane and lane.state is LaneState.WAITING:
                self._make_ready(session_id, lane)

        self._clock.schedule(_retry_key(session_id), delay, retry)

    async def _work(self) -> None:
        while True:
            session_id = await self._ready.get()
            lane = self._lanes.get(session_id)
            if lane is None or lane.state is not LaneState.READY:
                continue
            try:
                await self._work_lane(session_id, lane)
            except Exception:
                # A worker that died here would leave the lane busy for good: try it again later.
                log.exception("webhook delivery for session %s failed unexpectedly", session_id)
                self._wait_for_retry(session_id, lane, self.settings.retry_delay)

    async def _work_lane(self, session_id: int, lane: _Lane) -> None:
        self._set_state(session_id, lane, LaneState.BUSY)
        while True:
            if not lane.deliveries and lane.spilled:
                await self._refill(session_id, lane)
            if not lane.deliveries:
                self._set_state(session_id, lane, LaneState.IDLE)
                return
            head = lane.deliveries[0]
            await self._attempt(head)
            if head.outcome == PENDING:
                assert head.next_attempt_at is not None
                self._wait_for_retry(session_id, lane, head.next_attempt_at - self._clock.now())
                return
            lane.deliveries.popleft()

    async def _refill(self, session_id: int, lane: _Lane) -> None:
        window = self.settings.lane_window
        rows = await store.pending_of(self._db, session_id, lane.last_loaded, window + 1 - len(lane.deliveries))
        room = window - len(lane.deliveries)
        lane.deliveries.extend(rows[:room])
        if rows[:room]:
            lane.last_loaded = rows[:room][-1].id
        lane.spilled = len(rows) > room

    async def _attempt(self, delivery: Delivery) -> None:
        status_code, error, duration_ms = await self._post(delivery)
        delivery.attempts += 1
        now = self._clock.now()
        delivery.updated_at = now
        if status_code is not None and 200 <= status_code < 300:
            delivery.outcome, delivery.next_attempt_at = DELIVERED, None
        elif delivery.attempts >= self.settings.max_attempts:
            delivery.outcome, delivery.next_attempt_at = FAILED, None
        else:
            delivery.next_attempt_at = now + self.settings.backoff(delivery.attempts)
        attempt = Attempt(
            delivery_id=delivery.id,
            attempt=delivery.attempts,
            url=delivery.url,
            status_code=status_code,
            error=error,
            duration_ms=duration_ms,
            created_at=now,
        )
        store.record_attempt(self._db, delivery, attempt)

    async def _post(self, delivery: Delivery) -> tuple[int | None, str | None, float]:
        """(status code, error, milliseconds): a status code when the receiver answered."""
        headers = request_headers(delivery)
        started = time.perf_counter()
        try:
            if self._mounted_client is not None and delivery.url.startswith(tuple(self._mounts)):
                response = await self._mounted_client.post(
                    delivery.url, content=delivery.body, headers=headers, timeout=self.settings.timeout
                )
                status_code = response.status_code
            else:
                status_code = await self._delivery_process.post(
                    delivery.url, delivery.body, headers, self.settings.timeout
                )
        except (TimeoutError, httpx.TimeoutException):
            return None, f"Timed out after {self.settings.timeout:g} s", _since(started)
        except (PostFailed, httpx.HTTPError, httpx.InvalidURL) as exc:
            return None, str(exc) or type(exc).__name__, _since(started)
        error = None if 200 <= status_code < 300 else f"HTTP {status_code}"
        return status_code, error, _since(started)


def _since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)


def _retry_key(session_id: int) -> str:
    return f"webhook-retry:{session_id}"


def _reorder_key(session_id: int) -> str:
    return f"webhook-reorder:{session_id}"


def request_headers(delivery: Delivery) -> dict[str, str]:
    """The headers every attempt of `delivery` is posted with, its signature under its face's header."""
    return {"Content-Type": "application/json", delivery.signature_header: delivery.signature, "User-Agent": USER_AGENT}
