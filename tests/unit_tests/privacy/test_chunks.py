# ruff: noqa: RUF001
# (the text this module handles is Unicode on purpose)
"""Words looked for only in the chunks of a long text that hold them find what a whole-text scan finds.

:func:`._per_text.lowered` cuts a long text into chunks, each with its own
words, and the keyword and word scanners then look for a word with ``str.find``
only in the chunks that hold it. Texts that long are slow to generate, so these
tests cut short texts into chunks of a few characters (``_CHUNK`` lowered for the
test): every cut, every word at the edge of a chunk and every word that stands
only inside longer words is then exercised. A scan that missed one match would
let personal data through, so equality with the plain scan is the test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_aegis.privacy import _case as case
from langchain_aegis.privacy import _health as health
from langchain_aegis.privacy import _keyword_runs as keyword_runs_module
from langchain_aegis.privacy import _names as names
from langchain_aegis.privacy import _patterns as p
from langchain_aegis.privacy import _per_text as per_text
from langchain_aegis.privacy import _plates as plates
from langchain_aegis.privacy import _tokens as tokens
from langchain_aegis.privacy._prefilter import lowered, release, whole_word_starts

_FRAGMENTS = [
    "diabetes", "hiv", "hiv-positiv", "blood pressure", "blood", "pressure", "behandelt wegen", "gay", "ct",
    "ass", "class", "krebs", "brustkrebs", "straße", "weg", " ave", "ave", "str.", "geb.", "b.", "dob", "pass",
    "reisepass", "id card", "case no", "social security", "ssn", "patient", "patientin", "f32.1", "E11.9",
    "c01x00t47", "l01x00t478", "T220001293", "ſ", "ı", "İ", "a", "x", "ä", "€", "0", "1", ".", ",", "-", "(",
]  # fmt: skip
_GLUE = [" ", " ", " ", "", "\n", "\t", "  ", " \n"]


@st.composite
def word_text(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.tuples(st.sampled_from(_FRAGMENTS), st.sampled_from(_GLUE)), max_size=40))
    return "".join(a + b for a, b in pieces)


@contextmanager
def _chunks_of(size: int) -> Iterator[None]:
    saved = per_text._CHUNK
    per_text._CHUNK = size
    try:
        yield
    finally:
        per_text._CHUNK = saved


def _plain(pattern: re.Pattern[str], low: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(low)]


_KEYWORD_SCANS = (
    (health._PEOPLE_TERMS, p.PEOPLE_TERMS),
    (health._STREET_HINTS, p.STREET_HINT),
    (keyword_runs_module._ANY_LITERAL, p.ANY_KEYWORD_LITERAL),
    (plates._ANY_WORD, plates._ANY_WORD._pattern),
)


@settings(max_examples=500, deadline=None)
@given(word_text(), st.integers(min_value=1, max_value=12))
def test_keyword_scans_through_chunks_match_the_whole_text_scan(text: str, size: int) -> None:
    with _chunks_of(size):
        try:
            low, words = lowered(text)
            assert words == set(low.split())
            for scan, pattern in _KEYWORD_SCANS:
                assert scan.spans(low, words) == _plain(pattern, low)
        finally:
            release(text)


@settings(max_examples=500, deadline=None)
@given(word_text(), st.integers(min_value=1, max_value=12))
def test_word_scans_through_chunks_match_the_scan_of_the_whole_text(text: str, size: int) -> None:
    with _chunks_of(size):
        try:
            low, words = lowered(text)
            folds = per_text.folded_words(low, words)
            for scan in (tokens._DOC_WORDS, health._ICD_WORDS):
                # A copy of the vocabulary is not the one lowered() cut: the whole text is searched.
                assert scan.spans(low, words, folds) == scan.spans(low, set(words), folds)
        finally:
            release(text)


@settings(max_examples=500, deadline=None)
@given(word_text(), st.integers(min_value=1, max_value=12))
def test_every_whole_word_occurrence_is_found_in_its_chunk(text: str, size: int) -> None:
    with _chunks_of(size):
        try:
            low, words = lowered(text)
            for word in words:
                whole = {m.start() for m in re.finditer(rf"(?<!\S){re.escape(word)}(?!\S)", low)}
                found = list(whole_word_starts(low, words, word))
                assert whole <= set(found)
                assert found == sorted(set(found))  # in order, each once
                assert all(low.startswith(word, i) for i in found)
        finally:
            release(text)


def test_a_long_text_is_cut_at_spaces_and_its_words_are_all_there() -> None:
    text = ("Herr Anna Schmidt, geb. 03.04.1961, Diabetes Typ 2, Reisepass C01X00T47.\n" * 400) + "Krebs"
    try:
        low, words = lowered(text)
        chunks = per_text._last[3]
        assert len(chunks) > 2
        assert chunks[0][0] == 0
        assert chunks[-1][1] == len(low)
        assert all(low[end] == " " for _, end, _ in chunks[:-1])
        assert all(a[1] == b[0] for a, b in pairwise(chunks))
        assert words == set(low.split())
        assert [low[a:b] for a, b in health._PEOPLE_TERMS.spans(low, words)] == [
            low[a:b] for a, b in _plain(p.PEOPLE_TERMS, low)
        ]
        assert list(whole_word_starts(low, words, "krebs")) == [len(low) - 5]
    finally:
        release(text)


_SIGN_OFF_PIECES = ["Viele Grüße", "grüßen", "GRUSS", "gruß", "Best regards", "best", "Thanks", "danke!", "yours",
                    "Sincerely,", "mfg.", "herzlich", "xregards", "bestbest", ",", ".", "!", " ", "\t", "\n", "\r\n",
                    "Anna", "Schmidt", "Dr.", "anna", "x", "ſ", "ı", "İ", "Ölmez", "-"]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_SIGN_OFF_PIECES), max_size=30).map("".join), st.integers(min_value=1, max_value=12))
def test_sign_offs_found_through_chunks_match_the_whole_text_scan(text: str, size: int) -> None:
    # The closing words are found at the offsets the memo gives, from the words' whole occurrences.
    reference = [m.span() for m in names._SIGN_OFFS.finditer(text)]
    for before in (text, text.upper(), text.replace("s", "ſ")):
        with _chunks_of(size):
            try:
                low, words = lowered(before)
                if len(low) == len(text):
                    assert [m.span() for m in names._sign_offs(text, low, words)] == reference
            finally:
                release(before)


_CUE_PIECES = ["frau", "Frau", "FRAU", "herr", "Herrn", "herrlich", "dr.", "Dr", "mrs", "Ms.", "PROF", "mr", "(", "-",
               "x", " ", "\t", "\n", "müller", "Anna", "smith", "ſ", "ms", "items", "_", "ite", "é", "7", "a"]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_CUE_PIECES), max_size=30).map("".join), st.integers(min_value=1, max_value=12))
def test_salutations_found_through_chunks_match_the_whole_text_search(text: str, size: int) -> None:
    reference = [m.span() for m in case._search_all(text)]
    for before in (text, text.replace("s", "ſ")):
        with _chunks_of(size):
            try:
                low, words = lowered(before)
                if len(low) == len(text):
                    assert [m.span() for m in case._search_all(text, low, words)] == reference
            finally:
                release(before)
