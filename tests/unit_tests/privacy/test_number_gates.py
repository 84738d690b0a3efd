"""The number scanner's shortcuts answer as the plain tests they skip.

``keyword_runs`` tests each digit run's look-back for a keyword either directly or only
where the keyword gate (the text's distinct words that may hold a keyword, found with a
str.find each) says one may stand; which of the two it takes depends on how many such
words the text has. Both must give what a search of every look-back gives. A run the
gate wrongly skipped would lose a date of birth or a record number next to its label.
The same holds for the one search for any label before the three, and for the short path
that runs of exactly four digits take.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from langchain_aegis.privacy import _keyword_runs as keyword_runs_module
from langchain_aegis.privacy import _numbers as numbers
from langchain_aegis.privacy import _patterns as p
from langchain_aegis.privacy._prefilter import release

_PIECES = ["1234", "1961", "12.03.1961", "4711-0815", "56", " ", "  ", "\n", "\t", ".", "-", "x", "ab", "abc" * 7,
           "dob", "Dob ", "geb.", "b.", "mb.", "ssn", "xssn", "jahrgang", "Patient", "patientin", "case", "Fall-Nr.:",
           "pass", "angepasst.", "id", "card", "id card", "id\ncard", "social", "security", "ä", "İ", "€", " " * 30]  # fmt: skip


def _plain(text: str) -> list[bool]:
    low = text.lower()
    return [
        p.ANY_KEYWORD.search(low[max(0, s - 48) : s]) is not None
        for s in (m.start() for m in p.NUMBER_RUN.finditer(text))
    ]


@pytest.mark.parametrize("per_gate", [1, 1000, 10**9])  # direct tests; the cost rule; the gate
@settings(max_examples=700, deadline=None)
@given(text=st.lists(st.sampled_from(_PIECES), max_size=60).map("".join))
@example(text="angepasst." + " " * 60 + "1234 dob 5678")
@example(text="adob 1234" + " " * 40 + "5678")
@example(text="id\ncard 1234")
def test_keyword_runs_in_every_mode_match_the_search_of_each_look_back(per_gate: int, text: str) -> None:
    low = text.lower()
    if len(low) != len(text):
        return  # the scanner lowers such text in place (see _prefilter.lowered); not this test's concern
    runs = [m.span() for m in p.NUMBER_RUN.finditer(text)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(keyword_runs_module, "_FIND_CHARS_PER_TEST", per_gate)
        assert keyword_runs_module.keyword_runs(low, set(low.split()), runs) == _plain(text)


def test_a_text_without_any_keyword_word_skips_every_look_back_test() -> None:
    text = "Order 4711-0815 shipped on 2024-05-01, invoice 20240517, total 1234.50"
    low = text.lower()
    runs = [m.span() for m in p.NUMBER_RUN.finditer(text)]
    assert keyword_runs_module._ANY_LITERAL.word_count(set(low.split())) == 0
    assert keyword_runs_module.keyword_runs(low, set(low.split()), runs) == [False] * len(runs) == _plain(text)


def test_few_keyword_words_among_many_runs_still_find_each_keyword() -> None:
    # One candidate word in a long text of runs: the gate is taken, and the run after the keyword is found.
    text = " ".join(f"item {i:04d}" for i in range(300)) + " Geburtsdatum: 12.03.1961 " + "x 5678 " * 50
    out: list[tuple[str, int, int]] = []
    numbers.scan_numbers(text, out)
    release(text)
    assert ("DATE_OF_BIRTH", text.index("12.03.1961"), text.index("12.03.1961") + 10) in out


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Lebenslauf: Max Muster, *1961 in Köln", ["1961"]),
        ("geb. 1961 in Köln", ["1961"]),
        ("Jahrgang 1961", ["1961"]),
        ("geb. 1685 in Eisenach", []),  # no living person
        ("2*1961 and **1961**", []),
        ("*1961x", []),
        ("im Jahr 1961", []),
    ],
)
def test_four_digit_runs_are_years_of_birth_only_after_a_star_or_keyword(text: str, found: list[str]) -> None:
    # Runs of exactly four digits take a short path in scan_numbers; these are what it can find.
    out: list[tuple[str, int, int]] = []
    numbers.scan_numbers(text, out)
    release(text)
    assert [text[a:b] for kind, a, b in out if kind == "DATE_OF_BIRTH"] == found
    assert len(out) == len(found)


_LABEL_PIECES = ["fall", "nr", "-", ".", " ", "\n", "patient", "en", "id", "card", "ausweis", "pass", "reise", "port",
                 "mrn", "case", "no", "#", "x", "ä", "medical", "record", "identity", "1234"]  # fmt: skip


def test_the_label_union_reads_the_labels_as_they_are_compiled() -> None:
    # _ANY_LABEL joins the label patterns' sources; a flag on one of them would be lost there.
    assert all(pattern.flags == re.compile("").flags for _, pattern in numbers._LABELS)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_LABEL_PIECES), max_size=16).map("".join))
@example("fall-nr. 1234")
@example("reisepass")
def test_the_label_union_finds_something_exactly_where_a_label_does(low: str) -> None:
    # _keyword_bound looks for the label next to a value only where the union finds one.
    assert (numbers._ANY_LABEL.search(low) is None) == (numbers.nearest_label(low, numbers._LABELS) is None)
