"""The simulated WhatsApp network: how a recipient behaves, decided by documented test numbers.

Like the test card numbers of payment sandboxes, ranges of numbers select a behaviour.
Every number not listed is a regular WhatsApp user who receives and reads what it is sent.
Delays are seconds of the emulator's clock after the message is sent, so a virtual clock
makes them deterministic.
"""

from __future__ import annotations

from msgspec import Struct

# Message status codes, as the message-info page numbers them.
ERROR, PENDING, SENT, DELIVERED, READ, PLAYED = range(6)

SENT_AFTER = 1.0
DELIVERED_AFTER = 2.0
READ_AFTER = 4.0
PLAYED_AFTER = 6.0


class Behaviour(Struct, frozen=True):
    keyword: str
    prefix: str  # digits, country code first; "" for the default
    example: str
    description: str
    # (seconds after sending, status reached); an ERROR step fails the message.
    steps: tuple[tuple[float, int], ...]
    failed_reason: str | None = None
    on_whatsapp: bool = True
    echo: bool = False
    # Only the first attempt fails; a resend goes as to any other number.
    fails_once: bool = False


_READ_STEPS = ((SENT_AFTER, SENT), (DELIVERED_AFTER, DELIVERED), (READ_AFTER, READ))

DEFAULT = Behaviour(
    keyword="read",
    prefix="",
    example="+15551234567",
    description="Every number not listed below: delivered, then read.",
    steps=_READ_STEPS,
)
TEST_NUMBERS: tuple[Behaviour, ...] = (
    Behaviour(
        keyword="not_on_whatsapp",
        prefix="1555000",
        example="+15550000000",
        description="Not on WhatsApp: on-whatsapp answers false and messages fail with 'invalid WhatsApp number'.",
        steps=((SENT_AFTER, ERROR),),
        failed_reason="invalid WhatsApp number",
        on_whatsapp=False,
    ),
    Behaviour(
        keyword="never_delivered",
        prefix="1555001",
        example="+15550010000",
        description="Sent, never delivered: the phone is off.",
        steps=((SENT_AFTER, SENT),),
    ),
    Behaviour(
        keyword="delivered_not_read",
        prefix="1555002",
        example="+15550020000",
        description="Delivered, never read.",
        steps=((SENT_AFTER, SENT), (DELIVERED_AFTER, DELIVERED)),
    ),
    Behaviour(
        keyword="played",
        prefix="1555003",
        example="+15550030000",
        description="Delivered and read; audio and video are also played.",
        steps=(*_READ_STEPS, (PLAYED_AFTER, PLAYED)),
    ),
    Behaviour(
        keyword="echo",
        prefix="1555004",
        example="+15550040000",
        description="Delivered and read, and every text is answered with 'Echo: <text>'.",
        steps=_READ_STEPS,
        echo=True,
    ),
    Behaviour(
        keyword="fail_once",
        prefix="1555005",
        example="+15550050000",
        description="The first attempt fails with 'network error'; a resend is delivered and read.",
        steps=((SENT_AFTER, ERROR),),
        failed_reason="network error",
        fails_once=True,
    ),
    DEFAULT,
)
# Behaviours a fault rule gives a message instead of its recipient's (emulator.domain.faults).
LOST = Behaviour(keyword="lost", prefix="", example="", description="Accepted, never sent.", steps=())
_INJECTED_FAILURE = "failed:"
_BY_KEYWORD = {b.keyword: b for b in (*TEST_NUMBERS, LOST)}


def injected_failure(reason: str) -> str:
    """The behaviour keyword of a message that fails with `reason` (a resend goes normally)."""
    return _INJECTED_FAILURE + reason


def behaviour_of(digits: str) -> Behaviour:
    """The behaviour of the test-number range `digits` falls in, longest prefix first."""
    best = DEFAULT
    for row in TEST_NUMBERS:
        if row.prefix and digits.startswith(row.prefix) and len(row.prefix) > len(best.prefix):
            best = row
    return best


def behaviour_named(keyword: str) -> Behaviour:
    if keyword.startswith(_INJECTED_FAILURE):
        reason = keyword.removeprefix(_INJECTED_FAILURE)
        return Behaviour(keyword, "", "", "", ((SENT_AFTER, ERROR),), failed_reason=reason, fails_once=True)
    return _BY_KEYWORD.get(keyword, DEFAULT)


def is_on_whatsapp(digits: str) -> bool:
    return behaviour_of(digits).on_whatsapp
