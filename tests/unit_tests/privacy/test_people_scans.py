# ruff: noqa: RUF001
"""The people scanner's shortcuts find exactly what the whole-text scans they replace find."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from langchain_aegis.privacy import _case as case
from langchain_aegis.privacy import _health as health

_AGE_PIECES = ["1", "23", "4567", "0", " ", "  ", "M", "f", "w", "J.", "J", "Jahre", "jährige", "-jährige", "j?hrige",
               "years", "-year-old", "yo", "y/o", "x", "-", "y", "(", ",", "ä", "€", "\ud800", "٣", "?", "_", "\n"]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_AGE_PIECES), max_size=24).map("".join))
def test_age_anchors_are_the_whole_text_matches(text: str) -> None:
    # The anchors are found from the text's ASCII copy, at each number's last digit; a lost
    # one is a "John Smith, 54M" not reported. Non-ASCII letters are "?" in that copy.
    assert [m.span() for m in health._age_anchors(text)] == [m.span() for m in health._AGE_SEX_ANCHOR.finditer(text)]


_CUE_PIECES = ["frau", "Frau", "FRAU", "herr", "HERRN", "herrn", "dr", "dr.", "DR", "mrs", "MRS", "mr.", "Ms.", "ms",
               "prof", "PROF.", "ſ", "#", "(", "-", "_", "x", "a", "7", " ", "  ", "\t", "\n", ".", "é", "\ud800",
               "müller", "Anna", "smith", "ite"]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_CUE_PIECES), max_size=20).map("".join))
@example("#frau müller")
@example("x(dr. anna, mrſ smith")
def test_salutations_found_from_the_marked_copy_are_the_whole_text_search(text: str) -> None:
    # A salutation typed in one case ("frau müller") is found where a word that ends with one
    # stands, or from an ASCII copy of the lower-cased text (many such words); IGNORECASE also
    # reads a long s as an "s", which lower-casing keeps.
    reference = [m.span() for m in case._search_all(text)]
    for before in (text, text.replace("s", "ſ"), text.upper()):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in before)
        if len(low) == len(text):
            for finds_up_to in (0, 10**9):  # always the copy; always the words
                with pytest.MonkeyPatch.context() as mp:
                    mp.setattr(case, "_FINDS_UP_TO", finds_up_to)
                    found = [m.span() for m in case._search_all(text, low, set(low.split()))]
                assert found == reference
