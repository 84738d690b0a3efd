"""The people scanner's shortcuts find exactly what the whole-text scans they replace find."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_aegis.privacy import _health as health

_AGE_PIECES = ["1", "23", "4567", "0", " ", "  ", "M", "f", "w", "J.", "J", "Jahre", "jährige", "-jährige", "j?hrige",
               "years", "-year-old", "yo", "y/o", "x", "-", "y", "(", ",", "ä", "€", "\ud800", "٣", "?", "_", "\n"]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_AGE_PIECES), max_size=24).map("".join))
def test_age_anchors_are_the_whole_text_matches(text: str) -> None:
    # The anchors are found from the text's ASCII copy, at each number's last digit; a lost
    # one is a "John Smith, 54M" not reported. Non-ASCII letters are "?" in that copy.
    assert [m.span() for m in health._age_anchors(text)] == [m.span() for m in health._AGE_SEX_ANCHOR.finditer(text)]
