"""Delivering events to webhook URLs without ever holding up the API.

Publishing an event for a listening session only stores a delivery row (in the shared group
commit) and appends it to the session's lane; workers hand the HTTP exchange to the delivery
process and record what came back. A lane lets at most `concurrency` of its deliveries be
unfinished at once, counting those being attempted and those waiting for a retry. With the
default of one, its head must succeed or be given up before the next delivery goes, so a
receiver sees a session's events in the order they happened; with more, a busy session's
receiver gets that many at once, in no promised order. A failed delivery waits for its retry
on the clock, which makes backoff deterministic on a virtual clock. Every attempt is stored,
and pending deliveries are read back on start, so a restart loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import NamedTuple

import httpx

from emulator.clock import Clock
from emulator.domain import faults
from emulator.domain.events import Event
from emulator.domain.session_service import SessionService
from emulator.domain.sessions import Session
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


class _Held(NamedTuple):
    """An event bound for a session's URL, not yet stored as a delivery."""

    session_id: int
    event: str
    url: str
    signature: str
    body: bytes
    event_id: int | None
    signature_header: str | None = None


class _Lane:
    """One session's pending deliveries: those queued, oldest first, and those taken from the queue."""

    def __init__(self) -> None:
        self.deliveries: deque[Delivery] = deque()
        # Workers asked to work the lane (in the ready queue), those working it, and how many of
        # those are in an attempt now.
        self.invited = 0
        self.working = 0
        self.attempting = 0
        # Taken deliveries waiting for their retry on the clock, by id.
        self.waiting: dict[int, Delivery] = {}
        # More pending deliveries than fit in memory: the rest wait in the database.
        self.spilled = False
        # The newest delivery taken into memory; a refill reads from the database what came after.
        self.last_loaded = 0

    @property
    def active(self) -> bool:
        """Whether a worker works the lane or is asked to."""
        return bool(self.invited or self.working)


class LaneFigures(NamedTuple):
    """What a session's lane is doing now."""

    attempting: int
    waiting_for_retry: int


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
        self._lanes: dict[int, _Lane] = {}
        self._ready: asyncio.Queue[int] = asyncio.Queue()
        self._settings = settings or WebhookSettings()
        self._workers: list[asyncio.Task[None]] = []
        # Only for URLs mounted on an in-process app (the capture inbox under a test client).
        self._mounted_client: httpx.AsyncClient | None = None
        self._mounts: dict[str, httpx.AsyncBaseTransport] = {}
        self._next_id = 1
        self._faults = fault_book
        # Events a reorder fault holds back, by session, and the timers that let them go.
        self._held: dict[int, list[_Held]] = {}
        self._fault_timers = 0
        # Sessions whose lane a worker works or is asked to; set when there are none, for the clock's settler.
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
            self._staff(session_id, lane)
        if self._mounts:
            self._mounted_client = httpx.AsyncClient(mounts=self._mounts)
        loop = asyncio.get_running_loop()
        self._workers = [loop.create_task(self._work()) for _ in range(self._settings.workers)]

    async def stop(self) -> None:
        """Stop delivering; an attempt cut short stays pending and is made again on start."""
        for worker in self._workers:
            worker.cancel()
        for worker in self._workers:
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        self._workers = []
        for lane in self._lanes.values():
            for delivery_id in lane.waiting:
                self._clock.cancel(_retry_key(delivery_id))
        self._lanes.clear()
        self._held.clear()
        self._active.clear()
        self._settled = asyncio.Event()
        self._settled.set()
        self._ready = asyncio.Queue()
        if self._mounted_client is not None:
            await self._mounted_client.aclose()
            self._mounted_client = None

    @property
    def settings(self) -> WebhookSettings:
        return self._settings

    @settings.setter
    def settings(self, settings: WebhookSettings) -> None:
        """New settings apply at once: a lane given room for more deliveries at once gets workers now."""
        self._settings = settings
        for session_id, lane in self._lanes.items():
            self._staff(session_id, lane)

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
            self.deliver(session.id, name, session.webhook_url, session.webhook_secret, body, event.id)

    def deliver(
        self,
        session_id: int,
        event: str,
        url: str,
        signature: str,
        body: bytes,
        event_id: int | None,
        signature_header: str | None = None,
    ) -> None:
        """Deliver one event's body to one URL, unless a webhook fault rule delays, doubles or reorders it."""
        held = _Held(session_id, event, url, signature, body, event_id, signature_header)
        rule = self._faults.fire_webhook(session_id, event) if self._faults and self._faults.webhook_rules else None
        if rule is None:
            self._enqueue_held(held)
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

    async def backlog(self, session_id: int | None) -> list[tuple[store.Backlog, LaneFigures]]:
        """Each session's pending deliveries (or one session's), with what its lane is doing now."""
        found = await store.backlog(self._db, session_id)
        return [(pending, self._lane_figures(pending.session_id)) for pending in found]

    def _lane_figures(self, session_id: int) -> LaneFigures:
        lane = self._lanes.get(session_id)
        return LaneFigures(lane.attempting, len(lane.waiting)) if lane is not None else LaneFigures(0, 0)

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
            self._later(f"webhook-delay:{self._fault_timers}", action.seconds, lambda: self._enqueue_held(held, mark))
        elif isinstance(action, faults.WebhookDuplicateAction):
            for _ in range(2):
                self._enqueue_held(held, f"duplicated by {rule.label}")
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
            self._enqueue_held(held, mark)

    def _enqueue_held(self, held: _Held, injected: str | None = None) -> Delivery:
        return self.enqueue(
            held.session_id, held.event, held.url, held.signature, held.body, held.event_id, injected,
            signature_header=held.signature_header,
        )

    def _later(self, key: str, delay: float, action: Callable[[], object]) -> None:
        async def run() -> None:
            action()

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
        if lane.spilled or len(lane.deliveries) >= self._settings.lane_window:
            lane.spilled = True
        else:
            lane.deliveries.append(delivery)
            lane.last_loaded = delivery.id
        self._staff(delivery.session_id, lane)
        return delivery

    # Working ----------------------------------------------------------------------------------

    def pending(self, count_waiting: bool) -> int:
        """Lanes with a delivery queued or under way (and waiting for a retry, if asked)."""
        return sum(1 for lane in self._lanes.values() if lane.active or (count_waiting and lane.waiting))

    async def settled(self) -> None:
        """Answer once no lane is worked or waits for a worker: every delivery due now was attempted."""
        if self._workers:
            await self._settled.wait()

    def _staff(self, session_id: int, lane: _Lane) -> None:
        """Ask for workers while the lane has queued deliveries and room for more of them under way."""
        queued = self._settings.concurrency if lane.spilled else len(lane.deliveries)
        room = self._settings.concurrency - lane.working - len(lane.waiting)
        for _ in range(min(room, queued) - lane.invited):
            lane.invited += 1
            self._ready.put_nowait(session_id)
        self._note_activity(session_id, lane)

    def _note_activity(self, session_id: int, lane: _Lane) -> None:
        if lane.active:
            self._active.add(session_id)
            self._settled.clear()
        else:
            self._active.discard(session_id)
            if not self._active:
                self._settled.set()

    def _wait_for_retry(self, session_id: int, lane: _Lane, delivery: Delivery, delay: float) -> None:
        lane.waiting[delivery.id] = delivery

        async def retry() -> None:
            if self._lanes.get(session_id) is lane and lane.waiting.pop(delivery.id, None) is not None:
                lane.deliveries.appendleft(delivery)
                self._staff(session_id, lane)

        self._clock.schedule(_retry_key(delivery.id), delay, retry)

    async def _work(self) -> None:
        while True:
            session_id = await self._ready.get()
            lane = self._lanes.get(session_id)
            if lane is None:
                continue
            lane.invited -= 1
            lane.working += 1
            try:
                await self._work_lane(session_id, lane)
            except Exception:
                # Reading the lane's next deliveries failed: the worker goes on, the lane is tried later.
                log.exception("webhook deliveries of session %s failed unexpectedly", session_id)
                self._staff_later(session_id, lane)
            finally:
                lane.working -= 1
                self._note_activity(session_id, lane)

    def _staff_later(self, session_id: int, lane: _Lane) -> None:
        def staff() -> None:
            if self._lanes.get(session_id) is lane:
                self._staff(session_id, lane)

        self._later(f"webhook-lane:{session_id}", self._settings.retry_delay, staff)

    async def _work_lane(self, session_id: int, lane: _Lane) -> None:
        """Attempt the lane's queued deliveries one after another while the lane has room for this worker."""
        while lane.working + len(lane.waiting) <= self._settings.concurrency:
            if not lane.deliveries and lane.spilled:
                await self._refill(session_id, lane)
            if not lane.deliveries:
                return
            delivery = lane.deliveries.popleft()
            now = self._clock.now()
            if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
                # Read back on start while it waited for a retry: it still does.
                self._wait_for_retry(session_id, lane, delivery, delivery.next_attempt_at - now)
                continue
            lane.attempting += 1
            try:
                await self._attempt(delivery)
            except Exception:
                # A delivery dropped here would never be made: try it again later.
                log.exception("webhook delivery %s of session %s failed unexpectedly", delivery.id, session_id)
                self._wait_for_retry(session_id, lane, delivery, self._settings.retry_delay)
                continue
            finally:
                lane.attempting -= 1
            if delivery.outcome == PENDING:
                assert delivery.next_attempt_at is not None
                self._wait_for_retry(session_id, lane, delivery, delivery.next_attempt_at - self._clock.now())

    async def _refill(self, session_id: int, lane: _Lane) -> None:
        window = self._settings.lane_window
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
        elif delivery.attempts >= self._settings.max_attempts:
            delivery.outcome, delivery.next_attempt_at = FAILED, None
        else:
            delivery.next_attempt_at = now + self._settings.backoff(delivery.attempts)
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
                    delivery.url, content=delivery.body, headers=headers, timeout=self._settings.timeout
                )
                status_code = response.status_code
            else:
                status_code = await self._delivery_process.post(
                    delivery.url, delivery.body, headers, self._settings.timeout
                )
        except (TimeoutError, httpx.TimeoutException):
            return None, f"Timed out after {self._settings.timeout:g} s", _since(started)
        except (PostFailed, httpx.HTTPError, httpx.InvalidURL) as exc:
            return None, str(exc) or type(exc).__name__, _since(started)
        error = None if 200 <= status_code < 300 else f"HTTP {status_code}"
        return status_code, error, _since(started)


def _since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)


def _retry_key(delivery_id: int) -> str:
    return f"webhook-retry:{delivery_id}"


def _reorder_key(session_id: int) -> str:
    return f"webhook-reorder:{session_id}"


def request_headers(delivery: Delivery) -> dict[str, str]:
    """The headers every attempt of `delivery` is posted with, its signature under its face's header."""
    return {"Content-Type": "application/json", delivery.signature_header: delivery.signature, "User-Agent": USER_AGENT}
