"""SendAPI's webhooks: the network's message events in SendAPI's words, signed, for the account's
webhooks and a session's own `webhook_url`, through the one delivery machinery (its retries, log,
per-session order and webhook fault rules).

Envelope `{"event", "timestamp": ISO, "data"}`; header `X-SendAPI-Signature: sha256=<hex
HMAC-SHA256(secret, raw body)>`. An account webhook signs with its own secret, a session's
`webhook_url` with the session's webhook secret.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from typing import Any

import msgspec

from emulator.clock import Clock
from emulator.domain.events import Event
from emulator.domain.message_service import MessageService
from emulator.domain.network import DELIVERED, ERROR, READ, SENT
from emulator.domain.session_service import SessionService
from emulator.domain.sessions import Session
from emulator.faces import SENDAPI
from emulator.faces.sendapi.public_ids import MESSAGE, SESSION, public_id
from emulator.http.timestamps import iso
from emulator.ids import IdGenerator
from emulator.store import sendapi_webhooks as store
from emulator.store.database import Database
from emulator.webhooks.dispatcher import WebhookDispatcher
from emulator.webhooks.filters import Listener

SIGNATURE_HEADER = "X-SendAPI-Signature"
MESSAGE_EVENTS = ("message.received", "message.sent", "message.delivered", "message.read", "message.failed")
_STATUS_EVENTS = {SENT: "message.sent", DELIVERED: "message.delivered", READ: "message.read", ERROR: "message.failed"}
# WhatsApp's content keys that do not read as SendAPI's type once "Message" is cut off.
_TYPE_OF_KEY = {"conversation": "text", "extendedTextMessage": "text", "pollCreationMessage": "poll"}
_encode = msgspec.json.Encoder().encode


class AccountWebhook(msgspec.Struct, kw_only=True):
    id: int = 0
    account_id: int
    url: str
    events: list[str]
    secret: str
    is_active: bool = True
    failure_count: int = 0
    created_at: float
    updated_at: float


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def wants(events: list[str], name: str) -> bool:
    """`*` is every event, `message.*` every message event, otherwise the name itself."""
    family = name.partition(".")[0] + ".*"
    return any(wanted in ("*", family, name) for wanted in events)


def _phone(jid: str) -> str:
    user, _, server = jid.partition("@")
    return "+" + user.partition(":")[0] if server == "s.whatsapp.net" else jid


def _type_of(message: dict[str, Any]) -> str:
    key = next(iter(message), "conversation")
    return _TYPE_OF_KEY.get(key, key.removesuffix("Message"))


class SendApiWebhooks:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        ids: IdGenerator,
        sessions: SessionService,
        messages: MessageService,
        dispatcher: WebhookDispatcher,
    ) -> None:
        self._db, self._clock, self._ids = db, clock, ids
        self._sessions, self._messages, self._dispatcher = sessions, messages, dispatcher
        self._hooks: dict[int, AccountWebhook] = {}
        self._watchers: list[Callable[[], None]] = []

    def watch(self, watcher: Callable[[], None]) -> None:
        """`watcher` is told when an account webhook comes, goes or changes."""
        self._watchers.append(watcher)

    def _changed(self) -> None:
        for watcher in self._watchers:
            watcher()

    async def load(self) -> None:
        self._hooks = {hook.id: hook for hook in await store.load_all(self._db, AccountWebhook)}

    # Management ------------------------------------------------------------------------------

    def of_account(self, account_id: int) -> list[AccountWebhook]:
        return [hook for hook in self._hooks.values() if hook.account_id == account_id]

    def get(self, account_id: int, hook_id: int) -> AccountWebhook | None:
        hook = self._hooks.get(hook_id)
        return hook if hook is not None and hook.account_id == account_id else None

    async def create(self, account_id: int, url: str, events: list[str]) -> AccountWebhook:
        now = self._clock.now()
        secret = "whsec_" + self._ids.webhook_secret()
        hook = AccountWebhook(account_id=account_id, url=url, events=events, secret=secret, created_at=now, updated_at=now)
        hook.id = await store.insert(self._db, hook)
        self._hooks[hook.id] = hook
        self._changed()
        return hook

    async def update(self, hook: AccountWebhook, changes: dict[str, Any]) -> AccountWebhook:
        for name, value in changes.items():
            setattr(hook, name, value)
        hook.updated_at = self._clock.now()
        await store.save(self._db, hook)
        self._changed()
        return hook

    async def delete(self, hook: AccountWebhook) -> None:
        self._hooks.pop(hook.id, None)
        await store.delete(self._db, hook.id)
        self._changed()

    # Delivery -------------------------------------------------------------------------------

    def on_event(self, event: Event) -> None:
        """The event bus's subscriber: a SendAPI session's message event, to every target that wants it."""
        if event.message_id is None:
            return
        session = self._sessions.get(event.session_id)
        if session is None or session.face != SENDAPI:
            return
        listeners = [listener for listener in self.listeners(session) if listener.active]
        if not listeners:  # most sessions: nothing to translate the event for
            return
        translated = self._translate(event, session)
        if translated is None:
            return
        name, data = translated
        body = _encode({"event": name, "timestamp": iso(event.timestamp), "data": data})
        for url, secret, _, events in listeners:
            if wants(events or [], name):
                self._dispatcher.deliver(session.id, name, url, signature(secret, body), body, event.id, SIGNATURE_HEADER)

    def listeners(self, session: Session) -> list[Listener]:
        """Where a SendAPI session's events go: its own webhook_url takes every event, whatever the
        WasenderAPI switch says; then each webhook of its account, as that webhook is set."""
        own = [Listener(session.webhook_url, session.webhook_secret, True, ["*"])] if session.webhook_url else []
        return own + [Listener(h.url, h.secret, h.is_active, h.events) for h in self.of_account(session.account_id)]

    def _translate(self, event: Event, session: Session) -> tuple[str, dict[str, Any]] | None:
        assert event.message_id is not None
        ids = {"message_id": public_id(MESSAGE, event.message_id), "session_id": public_id(SESSION, session.id)}
        at = iso(event.timestamp)
        if event.event == "messages.received":
            received = event.data["messages"]
            key = received["key"]
            sender = key.get("senderPn") or key.get("participantPn") or key["remoteJid"]
            body = {"body": received.get("messageBody")}
            data = {**ids, "from": _phone(sender), "type": _type_of(received["message"]), "content": body, "received_at": at}
            return "message.received", data
        status = event.data.get("update", {}).get("status") if event.event == "messages.update" else None
        if status not in _STATUS_EVENTS or not event.data["key"].get("fromMe"):
            return None
        builders: dict[int, Callable[[], dict[str, Any]]] = {
            SENT: lambda: {**ids, **self._addressing(event), "status": "sent"},
            DELIVERED: lambda: {**ids, "delivered_at": at},
            READ: lambda: {**ids, "read_at": at},
            ERROR: lambda: {**ids, **self._addressing(event), "status": "failed", "error": self._failure(event)},
        }
        return _STATUS_EVENTS[status], builders[status]()

    def _addressing(self, event: Event) -> dict[str, Any]:
        assert event.message_id is not None
        message = self._messages.in_flight(event.message_id)
        to = message.to_raw if message is not None and message.to_raw else _phone(event.data["key"]["remoteJid"])
        kind = message.content.get("type", message.kind) if message is not None else "text"
        return {"to": to, "type": kind}

    def _failure(self, event: Event) -> dict[str, Any]:
        assert event.message_id is not None
        message = self._messages.in_flight(event.message_id)
        reason = message.failed_reason if message is not None else None
        return {"code": "message_failed", "message": reason or "The message could not be delivered."}
