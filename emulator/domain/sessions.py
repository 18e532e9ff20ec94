"""A WhatsApp session: its statuses, the table of transitions between them, its settings."""

from __future__ import annotations

import base64
import io
from enum import StrEnum
from typing import Any

import msgspec
import segno


QR_LIFETIME_SECONDS = 45.0
# After this many fresh QR codes without a scan, the session gives up and disconnects.
QR_MAX_REPLACEMENTS = 5
DEVICE_ID = 12

ALREADY_INITIALIZED = "Session already initialized or connecting. No QR code needed."
QR_NOT_AVAILABLE = (
    "QR code scan requested for a session that is not in NEED_SCAN state. "
    "Please call the connect endpoint first to initialize the session."
)
RESTART_NOT_CONNECTED = "WhatsApp session is not connected. Cannot restart."


class Status(StrEnum):
    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    NEED_SCAN = "need_scan"
    CONNECTED = "connected"
    LOGGED_OUT = "logged_out"
    EXPIRED = "expired"


S = Status
TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.DISCONNECTED: frozenset({S.CONNECTING}),
    S.CONNECTING: frozenset({S.NEED_SCAN, S.CONNECTED, S.DISCONNECTED, S.LOGGED_OUT, S.EXPIRED}),
    S.NEED_SCAN: frozenset({S.CONNECTING, S.DISCONNECTED, S.LOGGED_OUT, S.EXPIRED}),
    S.CONNECTED: frozenset({S.CONNECTING, S.DISCONNECTED, S.LOGGED_OUT, S.EXPIRED}),
    S.LOGGED_OUT: frozenset({S.CONNECTING, S.DISCONNECTED}),
    S.EXPIRED: frozenset({S.CONNECTING, S.DISCONNECTED}),
}
# States a phone or WhatsApp itself can put a session in, forced through the admin API.
FORCEABLE = frozenset({S.LOGGED_OUT, S.EXPIRED, S.DISCONNECTED})
# States from which connect starts pairing over with a new QR code.
CONNECTABLE = frozenset({S.DISCONNECTED, S.LOGGED_OUT, S.EXPIRED})

# Settings a client chooses on create and update, with their values on a new session.
SETTING_DEFAULTS: dict[str, Any] = {
    "account_protection": False,
    "log_messages": True,
    "read_incoming_messages": False,
    "webhook_url": None,
    "webhook_enabled": False,
    "webhook_events": None,
    "auto_reject_calls": False,
    "ignore_groups": False,
    "ignore_channels": False,
    "ignore_broadcasts": False,
    "always_online": False,
    "proxy_url": None,
}


class Session(msgspec.Struct, kw_only=True):
    id: int
    account_id: int
    # The API that created the session (a face's name); other faces neither list nor reach it.
    face: str
    name: str
    phone_number: str
    status: Status
    api_key: str
    webhook_secret: str
    session_data: dict[str, Any]
    account_protection: bool
    log_messages: bool
    read_incoming_messages: bool
    webhook_url: str | None
    webhook_enabled: bool
    webhook_events: list[str] | None
    auto_reject_calls: bool
    ignore_groups: bool
    ignore_channels: bool
    ignore_broadcasts: bool
    always_online: bool
    proxy_url: str | None
    qr_code: str | None = None
    qr_expires_at: float | None = None
    qr_replacements: int = 0
    last_active_at: float
    created_at: float
    updated_at: float


class QrPolicy(msgspec.Struct, frozen=True):
    """How a face's pairing QR codes live: `lifetime` seconds each, then a fresh one up to
    `rotations` times before the session gives up; with `rotations` None a code just goes stale
    and stays until the client asks for a new one (`refresh_qr`)."""

    lifetime: float
    rotations: int | None


DEFAULT_QR_POLICY = QrPolicy(lifetime=QR_LIFETIME_SECONDS, rotations=QR_MAX_REPLACEMENTS)


def qr_png_data_url(qr_code: str) -> str:
    """The QR code as the `data:image/png;base64,...` image the dashboard shows."""
    buffer = io.BytesIO()
    segno.make_qr(qr_code, error="l").save(buffer, kind="png", scale=4, border=2)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
