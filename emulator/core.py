"""The emulator's state and machinery, built from settings, with no HTTP in it."""

from __future__ import annotations

import asyncio
import contextlib

from emulator.admin.session_ids import session_number
from emulator.clock import VIRTUAL_EPOCH, Clock
from emulator.config import Settings
from emulator.domain.account_service import AccountService
from emulator.domain.chat_service import ChatService
from emulator.domain.contact_service import ContactService
from emulator.domain.events import EventBus
from emulator.domain.faults import FaultBook, load_scenario
from emulator.domain.group_service import GroupService
from emulator.domain.inbound import InboundService
from emulator.domain.media import MediaService
from emulator.domain.message_service import MessageService
from emulator.domain.rate_limits import DAY, RateLimiter
from emulator.domain.reaction_service import ReactionService
from emulator.domain.session_service import SessionService
from emulator.faces import ACCOUNT_KEY_PREFIXES, QR_POLICIES, WASEND
from emulator.faces.sendapi.events import SendApiWebhooks
from emulator.faces.sendapi.idempotency import IdempotencyKeys
from emulator.faces.wasend.webhooks import waha_translator
from emulator.fixtures import Fixtures, load_fixtures
from emulator.ids import IdGenerator
from emulator.store import rate_limits as rate_limit_store
from emulator.store import state
from emulator.store.database import Database
from emulator.webhooks.delivery_process import DeliveryProcess
from emulator.webhooks.dispatcher import WebhookDispatcher
from emulator.webhooks.inbox import CaptureInbox


class Core:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # Read before anything is stored, so a bad file stops start-up at once.
        self.fixtures: Fixtures = load_fixtures(settings.fixtures)
        self.db = Database(settings.db)
        self.clock = Clock(settings.clock)
        self.ids = IdGenerator(settings.seed)
        self.bus = EventBus(self.clock)
        self.accounts = AccountService(self.db, self.clock, self.ids, ACCOUNT_KEY_PREFIXES)
        self.sessions = SessionService(self.db, self.clock, self.ids, self.bus, QR_POLICIES)
        self.faults = FaultBook(self.clock, self.sessions, self.ids.seed)
        # Still before anything is stored; its rules may name a session by a face's public id.
        self.scenario = load_scenario(settings.faults, lambda given: session_number(self, given)) if settings.faults else []
        self.media = MediaService(self.db, self.clock, self.ids)
        self.contacts = ContactService(self.db, self.clock, self.ids, self.bus, self.sessions)
        self.groups = GroupService(self.db, self.clock, self.ids, self.bus, self.sessions, self.contacts)
        self.chats = ChatService(self.db, self.clock, self.bus)
        self.reactions = ReactionService(self.db, self.clock)
        self.messages = MessageService(
            self.db, self.clock, self.ids, self.bus, self.sessions, self.contacts, self.groups, self.chats, self.media,
            self.reactions,
        )
        self.inbound = InboundService(
            self.db, self.clock, self.ids, self.bus, self.messages, self.media, self.chats, self.contacts, self.reactions
        )
        self.delivery_process = DeliveryProcess()
        self.webhooks = WebhookDispatcher(
            self.db, self.clock, self.sessions, self.delivery_process, settings.webhook_settings(), self.faults,
            translators={WASEND: waha_translator(settings.wasend_statuses)},
        )
        self.bus.subscribe(self.webhooks.on_event)
        self.sendapi_webhooks = SendApiWebhooks(
            self.db, self.clock, self.ids, self.sessions, self.messages, self.webhooks
        )
        self.bus.subscribe(self.sendapi_webhooks.on_event)
        self.sendapi_idempotency = IdempotencyKeys(self.db, self.clock)
        self.inbox = CaptureInbox()
        self.rate_limiter = RateLimiter(settings.concurrency_limit)
        self.rate_limiter.enabled = settings.rate_limits_enabled
        self._rate_limit_saver: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.db.open()
        if await state.get_meta(self.db, "seeded") is None:
            await self._seed()
        else:
            # A new stream per start keeps ids drawn now from repeating those drawn before.
            stream = int(await state.get_meta(self.db, "id_stream") or 0) + 1
            self.ids.restart(stream)
            await state.set_meta(self.db, "id_stream", str(stream))
            if self.clock.is_virtual:
                saved = await state.get_meta(self.db, "virtual_now")
                self.clock.set_virtual_now(float(saved) if saved else VIRTUAL_EPOCH)
        await self._load()
        self.faults.add_scenario(self.scenario)
        await self.webhooks.start()
        self.clock.start()
        self._rate_limit_saver = asyncio.get_running_loop().create_task(self._save_rate_limit_days_periodically())

    async def stop(self) -> None:
        if self._rate_limit_saver is not None:
            self._rate_limit_saver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._rate_limit_saver
        await self._save_rate_limit_days()
        await self.webhooks.stop()
        await self.delivery_process.close()
        await self.clock.stop()
        await self.db.close()

    async def reset(self) -> None:
        """Back to the fixtures, without a restart."""
        await self.webhooks.stop()
        self.faults.clear(restart_ids=True)
        # Settings changed through the admin API go back to those the emulator was started with.
        self.webhooks.settings = self.settings.webhook_settings()
        self.clock.cancel_all()
        self.rate_limiter.clear()
        self.inbox.clear()
        await self.db.recreate()
        await self._seed()
        await self._load()
        self.faults.add_scenario(self.scenario)
        await self.webhooks.start()

    async def advance_clock(self, seconds: float) -> float:
        now = await self.clock.advance(seconds)
        await state.set_meta(self.db, "virtual_now", repr(now))
        return now

    async def _seed(self) -> None:
        self.clock.set_virtual_now(VIRTUAL_EPOCH)
        self.ids.restart(0)
        self.bus.clear()
        for account in self.fixtures.accounts:
            await self.accounts.seed(account)
            for session in account.sessions:
                await self.sessions.seed(account.id, session)
        for contact in self.fixtures.contacts:
            await self.contacts.seed(contact)
        for group in self.fixtures.groups:
            await self.groups.seed(group)
        await state.set_meta(self.db, "seeded", "1")
        await state.set_meta(self.db, "id_stream", "0")
        await state.set_meta(self.db, "virtual_now", repr(VIRTUAL_EPOCH))

    async def _save_rate_limit_days(self) -> None:
        unsaved, self.rate_limiter.unsaved_days = self.rate_limiter.unsaved_days, set()
        if unsaved:
            await rate_limit_store.save_days(self.db, self.rate_limiter.daily_counts(unsaved))

    async def _save_rate_limit_days_periodically(self) -> None:
        # Daily caps must survive a restart; a second of counts is all a crash can lose.
        while True:
            await asyncio.sleep(1)
            await self._save_rate_limit_days()

    async def _restore_rate_limit_days(self) -> None:
        now = self.clock.now()
        for key, rule, day, count in await rate_limit_store.days_since(self.db, int(now // DAY)):
            self.rate_limiter.restore_daily(key, rule, day, count, now)

    async def _load(self) -> None:
        await self.accounts.load()
        await self.sessions.load()
        await self._restore_rate_limit_days()
        await self.messages.load()
        await self.contacts.load()
        await self.groups.load()
        await self.chats.load()
        await self.sendapi_webhooks.load()
