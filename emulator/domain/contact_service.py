"""Address books, blocks, profile pictures, and the phone number <-> LID directory.

Every session has its own address book: the contacts it saved (fixtures, PUT /api/contacts)
plus everyone it exchanged messages with. A WhatsApp user's LID is `ids.lid_for(number)`, the
function message keys use too, so both directions of the mapping agree with what clients see
in messages. The reverse direction needs the number, so the directory remembers every number
the simulated network has met.
"""

from __future__ import annotations

from typing import Any

import msgspec

from emulator.clock import Clock
from emulator.domain import errors
from emulator.domain.contacts import (
    avatar_png,
    Contact,
    contact_entry,
    CONTACT_NOT_FOUND,
    default_push_name,
    format_problem,
    LID_NOT_FOUND,
    NOT_ON_WHATSAPP,
    PN_NOT_FOUND,
    require_connected,
    user_avatar_name,
)
from emulator.domain.events import EventBus
from emulator.domain.jids import USER_SERVER, Jid, parse_jid, phone_digits
from emulator.domain.network import is_on_whatsapp
from emulator.domain.session_service import SessionService
from emulator.domain.sessions import Session
from emulator.ids import IdGenerator
from emulator.store import contacts as store
from emulator.store.database import Database


class ContactService:
    def __init__(self, db: Database, clock: Clock, ids: IdGenerator, bus: EventBus, sessions: SessionService) -> None:
        self._db = db
        self._clock = clock
        self._ids = ids
        self._bus = bus
        self._sessions = sessions
        self._phone_by_lid: dict[str, str] = {}
        self._blocked: set[tuple[int, str]] = set()

    async def load(self) -> None:
        self._blocked = set(await store.blocked(self._db))
        self._phone_by_lid.clear()
        # The send path reads blocks by LID from memory; every other LID is learnt on its first
        # look-up (_phone_of_lid), so start does not read the whole message history for them.
        for _, digits in self._blocked:
            self.know(digits)

    async def seed(self, fixture: Any) -> None:
        """Store a contact as a fixture describes it (see emulator.fixtures.FixtureContact)."""
        now = self._clock.now()
        fields = msgspec.structs.asdict(fixture)
        phone = phone_digits(fields.pop("phone")) or ""
        await store.save(self._db, Contact(phone=phone, created_at=now, updated_at=now, **fields))

    # The phone number <-> LID directory -----------------------------------------------------------

    def know(self, digits: str) -> str:
        """Remember a WhatsApp user's number; answers its LID."""
        lid = self._ids.lid_for(digits)
        self._phone_by_lid[lid] = digits
        return lid

    async def _learn_stored_numbers(self) -> None:
        for address in await store.known_addresses(self._db):
            jid = parse_jid(address)
            if jid is not None and jid.is_user and is_on_whatsapp(jid.user):
                self.know(jid.user)

    async def _phone_of_lid(self, lid: str) -> str | None:
        if lid not in self._phone_by_lid:
            # Messages are stored by another service; what it stored since the last look counts too.
            await self._learn_stored_numbers()
        return self._phone_by_lid.get(lid)

    async def user_digits(self, value: str, field: str) -> str:
        """The number of the WhatsApp user `value` names: +E164, digits, a phone JID or a LID.

        Malformed: a 422 naming `field`. Not a WhatsApp user: 404.
        """
        jid = parse_jid(value)
        if jid is None or jid.server not in (USER_SERVER, "lid"):
            raise format_problem(field)
        digits = jid.user if jid.is_user else await self._phone_of_lid(str(jid))
        if digits is None or not is_on_whatsapp(digits):
            raise errors.NotFound(NOT_ON_WHATSAPP)
        self.know(digits)
        return digits

    async def lid_from_pn(self, session: Session, pn: str) -> str:
        require_connected(session)
        jid = parse_jid(pn)
        if "@" not in pn or jid is None or not jid.is_user or not is_on_whatsapp(jid.user):
            raise errors.NotFound(PN_NOT_FOUND)
        return self.know(jid.user)

    async def pn_from_lid(self, session: Session, lid: str) -> str:
        require_connected(session)
        jid = parse_jid(lid)
        digits = await self._phone_of_lid(str(jid)) if jid is not None and jid.server == "lid" else None
        if digits is None:
            raise errors.NotFound(LID_NOT_FOUND)
        return f"{digits}@{USER_SERVER}"

    # The address book -------------------------------------------------------------------------------

    async def address_book(self, session: Session) -> list[Contact]:
        """Saved contacts and chat partners, ordered by number."""
        require_connected(session)
        stored = {c.phone: c for c in await store.of_session(self._db, Contact, session.id)}
        book = {phone: c for phone, c in stored.items() if c.saved}
        own = phone_digits(session.phone_number)
        now = self._clock.now()
        for address in await store.chat_partners(self._db, session.id):
            digits = await self._partner_digits(address)
            if digits is not None and digits != own and digits not in book:
                partner = stored.get(digits) or Contact(session_id=session.id, phone=digits, created_at=now, updated_at=now)
                book[digits] = partner
        return [self._with_push_name(book[digits]) for digits in sorted(book)]

    async def _partner_digits(self, address: str) -> str | None:
        jid = parse_jid(address)
        if jid is None or jid.server not in (USER_SERVER, "lid"):
            return None
        digits = jid.user if jid.is_user else await self._phone_of_lid(str(jid))
        return digits if digits is not None and is_on_whatsapp(digits) else None

    def _with_push_name(self, contact: Contact) -> Contact:
        """An emulator session's push name is its session name, as its phone would send it."""
        other = self._sessions.with_phone(contact.phone)
        if other is not None:
            contact.notify = other.name
        return contact

    # Push names --------------------------------------------------------------------------------------

    async def push_name(self, session_id: int, digits: str) -> str:
        """The name WhatsApp user `digits` goes by, as it reaches `session_id` with each message:
        an emulator session's own name; else the name the user last set, which the session learnt
        (a fixture's notify, a contact_update); else a stable default, learnt on first sight so
        the contact list's notify says the same."""
        other = self._sessions.with_phone(digits)
        if other is not None:
            return other.name
        stored = await store.get(self._db, Contact, session_id, digits)
        if stored is not None and stored.notify:
            return stored.notify
        name = default_push_name(digits)
        await self.learn_push_name(session_id, digits, name, stored)
        return name

    async def learn_push_name(self, session_id: int, digits: str, name: str, stored: Contact | None = None) -> None:
        """Remember the push name user `digits` showed `session_id` (its contacts' notify)."""
        contact = stored or await store.get(self._db, Contact, session_id, digits)
        if contact is None:
            now = self._clock.now()
            contact = Contact(session_id=session_id, phone=digits, saved=False, created_at=now, updated_at=now)
        contact.notify = name
        await self._store(contact)

    async def get(self, session: Session, value: str) -> Contact:
        require_connected(session)
        digits = await self.user_digits(value, "contactPhoneNumber")
        for contact in await self.address_book(session):
            if contact.phone == digits:
                return contact
        raise errors.NotFound(CONTACT_NOT_FOUND)

    async def picture(self, session: Session, value: str) -> str:
        """The avatar file name of a WhatsApp user: every user of the simulated network has one."""
        require_connected(session)
        return user_avatar_name(await self.user_digits(value, "contactPhoneNumber"))

    def user_avatar(self, name: str) -> bytes | None:
        digits = name.removesuffix(".png")
        if name == user_avatar_name(digits) and digits.isdigit() and is_on_whatsapp(digits):
            return avatar_png(f"user:{digits}")
        return None

    async def save_contact(self, session: Session, jid: str, full_name: str | None) -> Contact:
        """Create or update a saved contact (PUT /api/contacts); publishes contacts.upsert."""
        require_connected(session)
        contact = await self._stored_or_new(session, await self.user_digits(jid, "jid"))
        contact.saved = True
        if full_name is not None:
            contact.name = full_name
        await self._store(contact)
        self._bus.publish(session.id, "contacts.upsert", [contact_entry(self._with_push_name(contact))])
        return contact

    async def set_blocked(self, session: Session, value: str, blocked: bool) -> Contact:
        """Block or unblock any WhatsApp user, saved or not."""
        require_connected(session)
        contact = await self._stored_or_new(session, await self.user_digits(value, "contactPhoneNumber"))
        contact.blocked = blocked
        await self._store(contact)
        if blocked:
            self._blocked.add((session.id, contact.phone))
        else:
            self._blocked.discard((session.id, contact.phone))
        return contact

    async def _stored_or_new(self, session: Session, digits: str) -> Contact:
        stored = await store.get(self._db, Contact, session.id, digits)
        if stored is not None:
            return stored
        now = self._clock.now()
        return Contact(session_id=session.id, phone=digits, saved=False, created_at=now, updated_at=now)

    async def _store(self, contact: Contact) -> None:
        contact.updated_at = self._clock.now()
        await store.save(self._db, contact)

    def is_blocked(self, session_id: int, recipient: Jid) -> bool:
        """Whether the session blocked `recipient`; from memory, as the send path asks it."""
        if not self._blocked:
            return False
        digits = recipient.user if recipient.is_user else self._phone_by_lid.get(str(recipient))
        return digits is not None and (session_id, digits) in self._blocked
