"""The README's coverage table is the one the code computes, and nothing documented is missing."""

from __future__ import annotations

from pathlib import Path

from emulator.coverage import table, variant_works
from emulator.faces.wasenderapi.send_variants import TO

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_table_is_current() -> None:
    text = README.read_text()
    begin, end = "<!-- coverage:begin -->\n", "<!-- coverage:end -->"
    assert text[text.index(begin) + len(begin) : text.index(end)] == table()


def test_every_documented_endpoint_variant_and_event_is_covered() -> None:
    assert "| no |" not in table()


def test_a_variant_the_pipeline_refuses_is_not_counted() -> None:
    assert not variant_works({"to": TO})
    assert not variant_works({"to": TO, "stickerUrl": "https://example.com/s.png"})
