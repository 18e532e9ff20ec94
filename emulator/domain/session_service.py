"""WhatsApp sessions and their connection state machine.

The allowed transitions are a table. Every status change goes through `SessionService._move`,
which records it in the session logs and publishes `session.status`, so each change is
logged and announced exactly once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from emulator.clock import Clock
from emulator.domain import errors
from emulator.domain.accounts import (
    CONNECT_NEEDS_SUBSCRIPTION,
    NO_SUBSCRIPTION,
    SESSION_LIMIT_REACHED,
    Account,
)
from emulator.domain.events import EventBus
from emulator.domain.jids import phone_digits
from emulator.domain.sessions import (
    CONNECTABLE,
    DEFAULT_QR_POLICY,
    DEVICE_ID,
    FORCEABLE,
    QR_NOT_AVAILABLE,
    QrPolicy,
    RESTART_NOT_CONNECTED,
    Session,
    SETTING_DEFAULTS,
    Status,
    TRANSITIONS,
)
from emulator.ids import IdGenerator
from emulator.store import sessions as store
from emulator.store.database import Database


class LogPage(msgspec.Struct):
    entries: list[store.LogEntry]
    total: int


class SessionService:
    def __init__(
        self, db: Database, clock: Clock, ids: IdGenerator, bus: EventBus, qr_policies: dict[str, QrPolicy] | None = None
    ) -> None:
        """`qr_policies`: face -> its QR policy, for the faces whose codes do not live as WasenderAPI's do."""
        self._qr_policies = dict(qr_policies or {})
        self._db = db
        self._clock = clock
        self._ids = ids
        self._bus = bus
        self._by_id: dict[int, Session] = {}
        self._by_key: dict[str, Session] = {}
        self._watchers: list[Callable[[], None]] = []
        self._by_phone: dict[str, Session] = {}

    def watch(self, watcher: Callable[[], None]) -> None:
        """`watcher` is told when sessions come, go or change settings; a status change is the
        `session.status` event instead."""
        self._watchers.append(watcher)

    def _changed(self) -> None:
        for watcher in self._watchers:
            watcher()

    # Loading ------------------------------------------------------------------------------

    async def load(self) -> None:
        """Take the stored sessions into memory and re-arm the QR timers of those awaiting a scan."""
        self._by_id.clear()
        self._by_key.clear()
        self._by_phone.clear()
        for session in await store.load_all(self._db, Session):
            self._remember(session)
            if session.status is Status.NEED_SCAN and session.qr_expires_at is not None:
                self._arm_qr_timer(session, session.qr_expires_at - self._clock.now())
        self._changed()

    def _remember(self, session: Session) -> None:
        self._by_id[session.id] = session
        self._by_key[session.api_key] = session
        self._by_phone[_digits(session)] = session

    def _forget(self, session: Session) -> None:
        self._by_id.pop(session.id, None)
        self._by_key.pop(session.api_key, None)
        self._by_phone.pop(_digits(session), None)

    # Lookups ------------------------------------------------------------------------------

    def by_api_key(self, api_key: str) -> Session | None:
        return self._by_key.get(api_key)

    def get(self, session_id: int) -> Session | None:
        return self._by_id.get(session_id)

    def all(self) -> list[Session]:
        return sorted(self._by_id.values(), key=lambda s: s.id)

    def of_account(self, account_id: int, face: str | None = None) -> list[Session]:
        """The account's sessions: those of one face, or of every face when none is named."""
        return [s for s in self._by_id.values() if s.account_id == account_id and face in (None, s.face)]

    def with_phone(self, digits: str) -> Session | None:
        return self._by_phone.get(digits)

    async def seed(self, account_id: int, fixture: Any) -> None:
        """Store a session as a fixture describes it (see emulator.fixtures.FixtureSession)."""
        now = self._clock.now()
        fields = msgspec.structs.asdict(fixture)
        session = Session(
            account_id=account_id,
            session_data={},
            last_active_at=now,
            created_at=now,
            updated_at=now,
            **{**fields, "status": Status(fields["status"])},
        )
        if session.status is Status.CONNECTED:
            self._mark_paired(session, now)
        await store.insert(self._db, session, store.LogEntry.of(session, "session_created", now), with_id=True)

    # Account-level operations ---------------------------------------------------------------

    async def create(
        self, account: Account, face: str, name: str, phone_number: str, settings: dict[str, Any]
    ) -> Session:
        if not account.has_subscription:
            raise errors.Forbidden(NO_SUBSCRIPTION)
        if len(self.of_account(account.id)) >= account.session_limit:
            raise errors.Forbidden(SESSION_LIMIT_REACHED)
        now = self._clock.now()
        session = Session(
            id=0,
            account_id=account.id,
            face=face,
            name=name,
            phone_number=phone_number,
            status=Status.DISCONNECTED,
            api_key=self._unused_api_key(),
            webhook_secret=self._ids.webhook_secret(),
            session_data={},
            last_active_at=now,
            created_at=now,
            updated_at=now,
            **{**SETTING_DEFAULTS, **settings},
        )
        session.id = await store.insert(self._db, session, store.LogEntry.of(session, "session_created", now))
        self._remember(session)
        self._changed()
        return session

    def _unused_api_key(self) -> str:
        while (key := self._ids.api_key()) in self._by_key:
            pass
        return key

    async def update(self, session: Session, changes: dict[str, Any]) -> Session:
        self._forget(session)
        for name, value in changes.items():
            setattr(session, name, value)
        self._remember(session)
        session.updated_at = self._clock.now()
        await store.save(self._db, session)
        self._changed()
        return session

    async def delete(self, session: Session) -> None:
        if session.status is not Status.DISCONNECTED:
            await self._move(session, Status.DISCONNECTED)
        self._clock.cancel(_qr_timer_key(session))
        self._forget(session)
        await store.delete(self._db, session.id)
        self._changed()

    async def regenerate_api_key(self, session: Session) -> str:
        self._by_key.pop(session.api_key, None)
        session.api_key = self._unused_api_key()
        session.updated_at = self._clock.now()
        self._by_key[session.api_key] = session
        await store.save(self._db, session, store.LogEntry.of(session, "api_key_regenerated", session.updated_at))
        return session.api_key

    # The connection lifecycle -----------------------------------------------------------------

    async def connect(self, session: Session, account: Account) -> Session:
        """disconnected/logged_out/expired -> connecting -> need_scan, with a fresh QR code.

        A session already connected or connecting is left alone; one awaiting a scan keeps
        its current QR code.
        """
        if not account.has_subscription:
            raise errors.Forbidden(CONNECT_NEEDS_SUBSCRIPTION)
        if session.status in CONNECTABLE:
            await self._move(session, Status.CONNECTING)
            await self._move(session, Status.NEED_SCAN)
        return session

    async def refresh_qr(self, session: Session) -> Session:
        """A fresh QR code for a session awaiting a scan; the previous one stops working."""
        if session.status is not Status.NEED_SCAN:
            raise errors.NotAllowed(QR_NOT_AVAILABLE)
        self._issue_qr(session, replacements=0)
        await self._save_new_qr(session)
        return session

    def current_qr_code(self, session: Session, account: Account) -> str:
        if not account.has_subscription:
            raise errors.Forbidden(CONNECT_NEEDS_SUBSCRIPTION)
        if session.status is not Status.NEED_SCAN or session.qr_code is None:
            raise errors.NotAllowed(QR_NOT_AVAILABLE)
        return session.qr_code

    async def disconnect(self, session: Session) -> Session:
        if session.status is not Status.DISCONNECTED:
            await self._move(session, Status.DISCONNECTED)
        return session

    async def restart(self, session: Session) -> Session:
        if session.status is not Status.CONNECTED:
            raise errors.NotAllowed(RESTART_NOT_CONNECTED)
        await self._move(session, Status.CONNECTING)
        await self._move(session, Status.CONNECTED, "session_restarted")
        return session

    async def reconnect(self, session: Session) -> Session:
        """A paired phone back on the network: disconnected -> connecting -> connected, no QR code."""
        if session.status is Status.DISCONNECTED and self.get(session.id) is session:
            await self._move(session, Status.CONNECTING)
            await self._move(session, Status.CONNECTED, "session_reconnected")
        return session

    async def scan(self, session: Session) -> Session:
        """The phone scans the current QR code: need_scan -> connecting -> connected."""
        if session.status is not Status.NEED_SCAN:
            raise errors.NotAllowed(
                f"Session {session.id} has no QR code to scan (status: {session.status}). Connect it first."
            )
        await self._move(session, Status.CONNECTING)
        await self._move(session, Status.CONNECTED)
        return session

    async def force_status(self, session: Session, status: Status) -> Session:
        if status not in FORCEABLE:
            raise errors.NotAllowed(f"Only {', '.join(sorted(FORCEABLE))} can be forced.")
        if status is not session.status:
            await self._move(session, status)
        return session

    async def _move(self, session: Session, to: Status, event_type: str = "status_change") -> None:
        if to not in TRANSITIONS[session.status]:
            raise errors.NotAllowed(f"A {session.status} session cannot become {to}.")
        now = self._clock.now()
        leaving_scan = session.status is Status.NEED_SCAN
        session.status = to
        session.updated_at = now
        if leaving_scan:
            self._drop_qr(session)
        if to is Status.NEED_SCAN:
            self._issue_qr(session, replacements=0)
        elif to is Status.CONNECTED:
            self._mark_paired(session, now)
        await store.save(self._db, session, store.LogEntry.of(session, event_type, now))
        self._bus.publish(session.id, "session.status", {"status": str(to)})
        if to is Status.NEED_SCAN:
            self._bus.publish(session.id, "qrcode.updated", {"qr": session.qr_code})

    # QR codes -------------------------------------------------------------------------------

    def qr_policy(self, session: Session) -> QrPolicy:
        return self._qr_policies.get(session.face, DEFAULT_QR_POLICY)

    def _issue_qr(self, session: Session, replacements: int) -> None:
        lifetime = self.qr_policy(session).lifetime
        session.qr_code = self._ids.qr_code()
        session.qr_replacements = replacements
        session.qr_expires_at = self._clock.now() + lifetime
        self._arm_qr_timer(session, lifetime)

    def _drop_qr(self, session: Session) -> None:
        session.qr_code = None
        session.qr_expires_at = None
        session.qr_replacements = 0
        self._clock.cancel(_qr_timer_key(session))

    def _arm_qr_timer(self, session: Session, delay: float) -> None:
        if self.qr_policy(session).rotations is None:
            return
        session_id = session.id

        async def expire() -> None:
            current = self._by_id.get(session_id)
            if current is not None and current.status is Status.NEED_SCAN:
                await self._on_qr_expired(current)

        self._clock.schedule(_qr_timer_key(session), delay, expire)

    async def _on_qr_expired(self, session: Session) -> None:
        rotations = self.qr_policy(session).rotations
        if rotations is not None and session.qr_replacements >= rotations:
            await self._move(session, Status.DISCONNECTED, "qr_code_expired")
            return
        self._issue_qr(session, session.qr_replacements + 1)
        await self._save_new_qr(session)

    async def _save_new_qr(self, session: Session) -> None:
        session.updated_at = self._clock.now()
        await store.save(self._db, session, store.LogEntry.of(session, "qr_code_updated", session.updated_at))
        self._bus.publish(session.id, "qrcode.updated", {"qr": session.qr_code})

    def _mark_paired(self, session: Session, now: float) -> None:
        digits = phone_digits(session.phone_number) or "0"
        session.last_active_at = now
        session.session_data = {
            "me": {
                "id": f"{digits}:{DEVICE_ID}@s.whatsapp.net",
                "lid": self._ids.lid_for(digits),
                "name": session.name,
            },
            "platform": "emulator",
            "connected_at": int(now),
        }

    # Logs and presence -------------------------------------------------------------------------

    async def logs(self, session: Session, page: int, per_page: int) -> LogPage:
        entries, total = await store.log_page(self._db, session.id, page, per_page)
        return LogPage(entries, total)

    async def record_presence(self, session: Session, jid: str, presence: str, delay_ms: int | None) -> None:
        await store.insert_presence(self._db, session.id, jid, presence, delay_ms, self._clock.now())

    async def presence_history(self, session: Session) -> list[store.PresenceEntry]:
        return await store.presence_of(self._db, session.id)


def _digits(session: Session) -> str:
    return phone_digits(session.phone_number) or session.phone_number


def _qr_timer_key(session: Session) -> str:
    return f"qr:{session.id}"
