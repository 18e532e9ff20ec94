"""The simulated WhatsApp network: who is on it, decided by documented test numbers.

Like the test card numbers of payment sandboxes, ranges of numbers select a behaviour.
Everything not listed is a regular WhatsApp user.
"""

from __future__ import annotations

from msgspec import Struct


class TestNumberRange(Struct, frozen=True):
    keyword: str
    prefix: str  # digits, country code first
    example: str
    description: str


TEST_NUMBERS: tuple[TestNumberRange, ...] = (
    TestNumberRange(
        keyword="not_on_whatsapp",
        prefix="1555000",
        example="+15550000000",
        description="Not registered on WhatsApp: on-whatsapp answers false.",
    ),
)
DEFAULT_KEYWORD = "read"


def behaviour_of(digits: str) -> str:
    """The keyword of the test-number range `digits` falls in, longest prefix first."""
    best: TestNumberRange | None = None
    for row in TEST_NUMBERS:
        if digits.startswith(row.prefix) and (best is None or len(row.prefix) > len(best.prefix)):
            best = row
    return best.keyword if best else DEFAULT_KEYWORD


def is_on_whatsapp(digits: str) -> bool:
    return behaviour_of(digits) != "not_on_whatsapp"
