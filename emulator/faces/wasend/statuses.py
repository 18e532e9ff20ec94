"""The domain's one session machine in Wasend's words: WAHA's statuses, or the README's."""

from __future__ import annotations

from emulator.domain.network import DELIVERED, ERROR, PENDING, PLAYED, READ, SENT
from emulator.domain.sessions import Status

WAHA, README = "waha", "readme"
VOCABULARIES = (WAHA, README)

S = Status
STATUS_WORDS: dict[str, dict[Status, str]] = {
    # What the backend (WAHA) answers; a session that lost its pairing is FAILED.
    WAHA: {
        S.DISCONNECTED: "STOPPED",
        S.CONNECTING: "STARTING",
        S.NEED_SCAN: "SCAN_QR_CODE",
        S.CONNECTED: "WORKING",
        S.LOGGED_OUT: "FAILED",
        S.EXPIRED: "FAILED",
    },
    # The README's words, which have no state of their own for a session awaiting its scan.
    README: {
        S.DISCONNECTED: "STOPPED",
        S.CONNECTING: "STARTING",
        S.NEED_SCAN: "STARTING",
        S.CONNECTED: "CONNECTED",
        S.LOGGED_OUT: "ERROR",
        S.EXPIRED: "ERROR",
    },
}

# A message's status as WAHA's ack: (number, name).
ACKS = {ERROR: (-1, "ERROR"), PENDING: (0, "PENDING"), SENT: (1, "SERVER"), DELIVERED: (2, "DEVICE"),
        READ: (3, "READ"), PLAYED: (4, "PLAYED")}  # fmt: skip
