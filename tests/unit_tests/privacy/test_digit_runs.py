"""Scanners fed by the shared digit runs find exactly what their own whole-text pass finds.

The number scanner finds the text's digit runs once (:func:`._prefilter.number_runs`);
other scanners take their candidates from that list instead of scanning every digit
again. Each is compared here with the whole-text pattern it replaces, on generated text
built from digits, separators, letters and the words around them: a candidate the list
missed would let personal data through unnoticed, so equality is the test.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_aegis.privacy import _health as health
from langchain_aegis.privacy import _patterns as p
from langchain_aegis.privacy import _spread as spread
from langchain_aegis.privacy._prefilter import number_runs, release

_POSTCODE_PIECES = ["10115", "1234", "123456", "0", "7", " ", "  ", "\n", "Berlin", "berlin", "Bad", "Tölz", "Ä",
                    "-", ".", "/", ",", "(", ")", "a12345", "Mitte", "x", "Am Markt 5", "10115 Berlin a12345 Hamburg"]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_POSTCODE_PIECES), max_size=24).map("".join))
def test_postcodes_from_the_digit_runs_match_the_whole_text_scan(text: str) -> None:
    try:
        found = [m.span() for m in health._postcodes(text, number_runs(text))]
    finally:
        release(text)
    assert found == [m.span() for m in p.POSTCODE.finditer(text)]


def test_postcodes_read_the_recased_text_at_the_runs_of_the_original() -> None:
    # scan_people re-cases the text (letters only) and keeps the runs of the text before it.
    before = "anna schmidt, am markt 5, 10115 berlin"
    after = "Anna Schmidt, Am Markt 5, 10115 Berlin"
    assert [m.group() for m in health._postcodes(after, number_runs(before))] == ["10115 Berlin"]
    release(before)


def test_number_runs_are_kept_for_one_text_and_released() -> None:
    text = "Tel. 030 12345678, IBAN DE89 3704 0044 0532 0130 00"
    runs = number_runs(text)
    assert runs == [m.span() for m in p.NUMBER_RUN.finditer(text)]
    assert number_runs(text) is runs  # the same text: the list is reused, not rebuilt
    release(text)
    assert number_runs(text) is not runs
    release(text)


_DIGIT_PIECES = ["1", "23", "4567", "0", "O", " ", "  ", "\t", ".", "-", "/", "_", "x", "DE", "\n", "+"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_DIGIT_PIECES), max_size=40).map("".join))
def test_fail_fast_digit_patterns_match_their_plain_forms(text: str) -> None:
    # The whole-text digit patterns are written with possessive quantifiers to fail fast;
    # they must match exactly where the plain forms they replace match.
    plain_runs = re.compile(r"[0-9](?:[ .\-/]?[0-9]){3,}")
    plain_nine = re.compile(r"[0-9O](?:[ \t._/\-]{0,3}[0-9O]){8}")
    assert [m.span() for m in p.NUMBER_RUN.finditer(text)] == [m.span() for m in plain_runs.finditer(text)]
    assert [m.span() for m in spread._NINE.finditer(text)] == [m.span() for m in plain_nine.finditer(text)]
