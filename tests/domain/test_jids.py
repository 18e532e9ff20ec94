from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.domain.jids import ADDRESS_PATTERN, Jid, parse_jid, phone_digits

digits = st.text("0123456789", min_size=7, max_size=15)


@given(number=digits)
def test_every_spelling_of_a_number_is_the_same_jid(number: str) -> None:
    expected = Jid(number, "s.whatsapp.net")
    spaced = " ".join([number[:3], number[3:]])
    for spelling in (number, f"+{number}", f"{number}@s.whatsapp.net", f"{number}:7@s.whatsapp.net", f"+{spaced}"):
        assert parse_jid(spelling) == expected, spelling
    assert phone_digits(f"+{number}") == number


@given(text=st.text(max_size=40))
def test_parsing_never_fails_loudly(text: str) -> None:
    jid = parse_jid(text)
    if jid is not None:
        assert parse_jid(str(jid)) == jid


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120363025246125486@g.us", Jid("120363025246125486", "g.us")),
        ("123456789012345@lid", Jid("123456789012345", "lid")),
        ("120363@newsletter", Jid("120363", "newsletter")),
        ("abc@s.whatsapp.net", None),
        ("123456", None),
        ("1234567890123456", None),
        ("1234567@example.com", None),
    ],
)
def test_examples(value: str, expected: Jid | None) -> None:
    assert parse_jid(value) == expected


@given(st.from_regex(ADDRESS_PATTERN))
def test_every_address_the_documents_allow_parses(address: str) -> None:
    assert parse_jid(address) is not None
