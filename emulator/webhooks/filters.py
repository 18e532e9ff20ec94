"""Which events reach a session's webhook: its switch, its event list, its ignore flags."""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from emulator.domain.events import EVENT_ALIASES, Event
from emulator.domain.sessions import Session

GROUP, CHANNEL, BROADCAST = "group", "channel", "broadcast"
# Events about groups or channels whatever their data holds.
_CHAT_KIND_OF_EVENT = {
    "groups.upsert": GROUP,
    "groups.update": GROUP,
    "group-participants.update": GROUP,
    "messages-group.received": GROUP,
    "messages-newsletter.received": CHANNEL,
}
_CHAT_KIND_OF_SERVER = {"g.us": GROUP, "newsletter": CHANNEL, "broadcast": BROADCAST}
# Where each event's data names the chat it concerns, tried in this order.
_NESTED = ("key", "messages", "message", "keys", "call")
_ADDRESS_FIELDS = ("remoteJid", "jid", "from", "id")


class Listener(NamedTuple):
    """One URL a session's events may go to, and which of them it takes (None: the default set)."""

    url: str
    secret: str
    active: bool
    events: list[str] | None


def own_listeners(session: Session) -> list[Listener]:
    """The session's own webhook, as its settings hold it."""
    if not session.webhook_url:
        return []
    return [Listener(session.webhook_url, session.webhook_secret, session.webhook_enabled, session.webhook_events)]


def listening(session: Session) -> bool:
    """The cheap test first: most sessions have no webhook, and their events stop here."""
    return session.webhook_enabled and bool(session.webhook_url)


def wanted(session: Session, event: Event) -> bool:
    if event.event not in _subscribed(tuple(session.webhook_events or ())):
        return False
    kind = chat_kind(event.event, event.data)
    if kind is None:
        return True
    ignored = {GROUP: session.ignore_groups, CHANNEL: session.ignore_channels, BROADCAST: session.ignore_broadcasts}
    return not ignored[kind]


@functools.lru_cache(maxsize=1024)
def _subscribed(events: tuple[str, ...]) -> frozenset[str]:
    """A session's event list under the documented names: asked for every event, so kept."""
    return frozenset(EVENT_ALIASES.get(name, name) for name in events)


def chat_kind(event: str, data: Any) -> str | None:
    """group, channel or broadcast when the event concerns such a chat; None for a person or none."""
    if event in _CHAT_KIND_OF_EVENT:
        return _CHAT_KIND_OF_EVENT[event]
    address = chat_address(data)
    return _CHAT_KIND_OF_SERVER.get(address.rpartition("@")[2]) if address else None


def chat_address(data: Any) -> str | None:
    """The JID of the chat an event's data is about: a message key's remoteJid, a chat's id, ..."""
    if isinstance(data, list):
        return chat_address(data[0]) if data else None
    if isinstance(data, str):
        return data
    if not isinstance(data, dict):
        return None
    for field in _NESTED:
        if field in data:
            return chat_address(data[field])
    return next((data[field] for field in _ADDRESS_FIELDS if isinstance(data.get(field), str)), None)
