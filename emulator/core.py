"""The emulator's state and machinery, built from settings, with no HTTP in it."""

from __future__ import annotations

from emulator.clock import VIRTUAL_EPOCH, Clock
from emulator.config import Settings
from emulator.domain.accounts import AccountService
from emulator.domain.events import EventBus
from emulator.domain.media import MediaService
from emulator.domain.messages import MessageService
from emulator.domain.sessions import SessionService
from emulator.fixtures import Fixtures, load_fixtures
from emulator.ids import IdGenerator
from emulator.store import state
from emulator.store.database import Database


class Core:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # Read before anything is stored, so a bad file stops start-up at once.
        self.fixtures: Fixtures = load_fixtures(settings.fixtures)
        self.db = Database(settings.db)
        self.clock = Clock(settings.clock)
        self.ids = IdGenerator(settings.seed)
        self.bus = EventBus(self.clock)
        self.accounts = AccountService(self.db, self.clock, self.ids)
        self.sessions = SessionService(self.db, self.clock, self.ids, self.bus)
        self.media = MediaService(self.db, self.clock, self.ids)
        self.messages = MessageService(self.db, self.clock, self.ids, self.bus, self.sessions)

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
        self.clock.start()

    async def stop(self) -> None:
        await self.clock.stop()
        await self.db.close()

    async def reset(self) -> None:
        """Back to the fixtures, without a restart."""
        self.clock.cancel_all()
        await state.truncate(self.db)
        await self._seed()
        await self._load()

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
        await state.set_meta(self.db, "seeded", "1")
        await state.set_meta(self.db, "id_stream", "0")
        await state.set_meta(self.db, "virtual_now", repr(VIRTUAL_EPOCH))

    async def _load(self) -> None:
        await self.accounts.load()
        await self.sessions.load()
        await self.messages.load()
