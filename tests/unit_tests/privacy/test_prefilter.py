# ruff: noqa: RUF001
# (the text this module handles is Unicode on purpose)
"""The detector's shortcuts find exactly what the whole-text scans they replace find.

Each shortcut (keywords through the text's distinct words, suspicious characters
through their UTF-8 bytes, bracketed e-mail obfuscations in one pass, the number
scanner's keyword gate) is compared with the plain scan on generated text built
from the pieces that matter: keywords and their fragments, spaces and line
breaks, digits, brackets, non-ASCII letters. A shortcut that missed a single
match would let personal data through unnoticed, so equality is the test.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_aegis.privacy import _case as case
from langchain_aegis.privacy import _health as health
from langchain_aegis.privacy import _keyword_runs as keyword_runs_module
from langchain_aegis.privacy import _names as names
from langchain_aegis.privacy import _normalize as norm
from langchain_aegis.privacy import _numbers as numbers
from langchain_aegis.privacy import _obfuscation as obf
from langchain_aegis.privacy import _patterns as p
from langchain_aegis.privacy import _spread as spread
from langchain_aegis.privacy import _tokens as tokens
from langchain_aegis.privacy._health import _PEOPLE_TERMS, _STREET_HINTS
from langchain_aegis.privacy._keyword_runs import _ANY_LITERAL
from langchain_aegis.privacy._prefilter import KeywordScan, lowered, release

_FRAGMENTS = [
    "diabetes", "hiv", "hiv-positiv", "blood pressure", "blood", "pressure", "behandelt wegen", "gay ", "gay",
    "ct", "op", "ass", "class", "mg/dl", "hba1c", "krebs", "brust", "straße", "weg ", "weg", " ave", "ave",
    "lane", " drive", "road", "str.", "platz ", "geb.", "b.", "dob", "d.o.b.", "pass", "id card", "case no",
    "social security", "born", "jg.", "ssn", "fall", "therapie", "gehalt", "afd", "grüne", "a", "x", "ä", "0",
    "1", ".", ",", "-", "/", ":", "(", ")",
]  # fmt: skip
_GLUE = [" ", " ", "", "\n", "\t", "  "]


@st.composite
def keyword_text(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.tuples(st.sampled_from(_FRAGMENTS), st.sampled_from(_GLUE)), max_size=30))
    return "".join(a + b for a, b in pieces)


def _plain(pattern: re.Pattern[str], low: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(low)]


@settings(max_examples=400, deadline=None)
@given(keyword_text())
def test_keyword_scans_match_the_whole_text_scan(text: str) -> None:
    low = text.lower()
    words = set(low.split())
    for scan, pattern in (
        (_PEOPLE_TERMS, p.PEOPLE_TERMS),
        (_STREET_HINTS, p.STREET_HINT),
        (_ANY_LITERAL, p.ANY_KEYWORD_LITERAL),
    ):
        assert scan.spans(low, words) == _plain(pattern, low)


@settings(max_examples=200, deadline=None)
@given(keyword_text(), keyword_text())
def test_keyword_scan_with_a_warm_cache_matches_too(first: str, second: str) -> None:
    # The per-word cache is shared between texts: a word seen before must answer the same.
    scan = KeywordScan(p.PEOPLE_TERMS, p.PEOPLE_KEYWORDS)
    for text in (first, second, first + " " + second):
        low = text.lower()
        assert scan.spans(low, set(low.split())) == _plain(p.PEOPLE_TERMS, low)


def test_keyword_scan_finds_keywords_inside_compounds_and_across_a_space() -> None:
    low = "brustkrebs, blood pressure 140/90, hiv-positiv; x gay y; 12 main ave"
    words = set(low.split())
    found = [low[a:b] for a, b in _PEOPLE_TERMS.spans(low, words)]
    assert found == ["krebs", "blood pressure", "hiv-positiv", "gay"]  # a whole word now ("is gay.")
    assert [low[a:b] for a, b in _STREET_HINTS.spans(low, words)] == [" ave"]


def test_lowered_keeps_positions_and_is_released() -> None:
    text = "İstanbul Straße"  # "İ" lowers to two characters; it stays as it is
    low, words = lowered(text)
    assert len(low) == len(text)
    assert low.endswith("straße")
    assert "straße" in words
    release(text)
    assert lowered(text)[0] == low


_UNICODE = "aä€ \n\u00a0\u200bＡ１ſĳ\u0301e\u2028x漢字é\u00adß"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_UNICODE, max_size=60))
def test_suspicious_runs_match_the_character_scan(text: str) -> None:
    assert norm._suspicious_runs(text) == [m.span() for m in norm._SUSPICIOUS_RUN.finditer(text)]


def test_suspicious_runs_of_text_with_many_kinds_fall_back_to_the_scan() -> None:
    text = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 200)) + " ok ＡＢ"
    assert norm._suspicious_runs(text) == [m.span() for m in norm._SUSPICIOUS_RUN.finditer(text)]


_BRACKET_PIECES = ["[", "(", "{", "<", "]", ")", "}", ">", " ", "at", "AT", "dot", "DOT", "punkt", "@", ".", "x"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_BRACKET_PIECES), max_size=30).map("".join))
def test_bracketed_obfuscations_match_one_find_per_literal(text: str) -> None:
    at_hits, dot = obf._bracketed(text)
    assert sorted(at_hits) == sorted(obf._occurrences(text, obf._AT_BRACKETED))
    assert dot == any(lit in text for lit in obf._DOT_BRACKETED)
    # One pass per opening bracket finds what one pass for any opening bracket finds.
    one_pass = re.compile(r"[\[({<] ?(?:at|AT|dot|DOT|punkt|[@.]) ?[\])}>]")
    per_bracket = sorted(m.span() for pattern in obf._BRACKETED for m in pattern.finditer(text))
    assert per_bracket == [m.span() for m in one_pass.finditer(text)]


def test_bracketed_obfuscation_still_becomes_an_address() -> None:
    text, _ = norm.normalize("anna.schmidt [at] web [dot] de")
    assert text == "anna.schmidt@web.de"


@settings(max_examples=400, deadline=None)
@given(keyword_text(), st.lists(st.integers(min_value=0, max_value=200), max_size=4))
def test_number_runs_skip_the_keyword_test_only_where_no_keyword_can_be(text: str, cuts: list[int]) -> None:
    # The number scanner tests its look-back for a keyword only where the whole-text
    # prefilter saw one; wherever the look-back test would succeed, the gate must be open.
    for cut in cuts:
        text = text[:cut] + " 1234567 " + text[cut:]
    low = text.lower()
    spans = _ANY_LITERAL.spans(low, set(low.split()))
    for m in p.NUMBER_RUN.finditer(text):
        s = m.start()
        for lo in range(max(0, s - 48), s):
            if p.ANY_KEYWORD.search(low[lo:s]):
                # keyword_runs tests the runs whose look-back [lo, s) overlaps a span of the gate
                assert any(a < s and b > lo for a, b in spans)


_AGE_PIECES = ["1", "23", "4567", " ", "M", "f", "w", "J.", "Jahre", "jährige", "-jährige", "years", "-year-old",
               "yo", "y/o", "x", "-", "y", "(", ","]  # fmt: skip
_AGE_REFERENCE = re.compile(r"[0-9]{1,3}[ ]?(?:[MFWmfw]|J\.|Jahre|jährige|-jährige|years|-year-old|yo|y/o)(?![\w])")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_AGE_PIECES), max_size=20).map("".join))
def test_age_anchor_finds_what_the_plain_pattern_finds(text: str) -> None:
    # The anchor is written to fail fast at each digit; it must match exactly where the plain one does.
    assert [m.span() for m in health._AGE_SEX_ANCHOR.finditer(text)] == [
        m.span() for m in _AGE_REFERENCE.finditer(text)
    ]


_YEAR_PIECES = ["1685", "1961", "1906", "1907", "2001", "02110", "12", "Korekamp", "(", ")", "-", "*", " ", "geb.", "born", "in", "Mar",
                "wurde", "1", "0", ".", ",", "x", "Bach", "im Jahr", "Septembertagen", "–", "†", "died", " " * 45, "y" * 30]  # fmt: skip


# The year with its context as one pattern (no literal prefix: re tries it at every character).
_YEAR_THEN_REFERENCE = re.compile(
    r"(?<![0-9.,])1[0-9]{3}(?![0-9.,])(?=[ ]?[)\-–;]|[ ](?:in|erstmals|entdeck|beschrieb|first|was|wurde|starb|died))"
)
_OLD_YEAR_REFERENCE = re.compile(
    r"(?<![0-9.,])1[0-9]{3}(?![0-9.,])(?=[ ]?[)\-–;]|[ ](?:in|erstmals|entdeck|beschrieb|first|was|wurde|starb|died))"
    # A dash counts after a year or after no digit ("1843-1910"; "02110-1301" is a ZIP+4 code).
    r"|(?:[(*†][ ]?|(?:(?<![0-9])|(?<=[^0-9]1[0-9]{3})|(?<=^1[0-9]{3}))[\-–][ ]?"
    r"|(?<![\w])(?:geb\.|geboren|born|died|starb|in|im Jahr|seit|um|year|Jan\w*|Feb\w*|Mär\w*|Mar\w*|Apr\w*"
    r"|Mai|May|Jun\w*|Jul\w*|Aug\w*|Sep\w*|Okt\w*|Oct\w*|Nov\w*|Dez\w*|Dec\w*)[ ])1[0-9]{3}(?![0-9])"
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_YEAR_PIECES), max_size=60).map("".join))
def test_historical_check_agrees_with_the_full_year_scan(text: str) -> None:
    # A year counts where the year itself stands within 200 characters of the name.
    def reference(a: int, b: int) -> bool:
        return any(
            int(m.group()[-4:]) <= health._LIVING_FROM
            and m.end() - 4 >= a - 200
            and m.end() <= b + 200
            and not (  # "Korekamp 5 in 1010 Wien": a postcode after a street, not a year
                not _YEAR_THEN_REFERENCE.match(text, m.end() - 4)
                and p.STREET_BEFORE.search(text, max(0, m.end() - 64), m.end() - 4)
            )
            for m in _OLD_YEAR_REFERENCE.finditer(text)
        )

    years = health._old_years(text)
    for a in range(0, len(text) + 1, 7):
        assert health._historical(years, a, a) == reference(a, a)
        assert health._historical(years, a, a + 5) == reference(a, a + 5)


def test_salutation_recasing_keeps_positions_when_a_name_is_also_a_salutation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The re-cased copy must keep every position, even where two salutations' edits overlap
    # ("frau anna herr müller" with "Herr" in the lexicon: "herr" is the second name after
    # "frau" and the salutation before "müller").
    monkeypatch.setattr(case, "_names", lambda: frozenset({"Anna", "Herr", "Müller"}))
    text = "bitte an frau anna herr müller schreiben"
    fixed = case.recase_cues(text)
    assert len(fixed) == len(text)
    assert fixed == "bitte an Frau Anna Herr Müller schreiben"


_SIGN_OFF_PIECES = ["Viele Grüße", "grüßen", "GRUSS", "gruß", "Best regards", "best", "Thanks", "danke!", "yours",
                    "Sincerely,", "mfg.", "herzlich", ",", ".", "!", " ", "\t", "\n", "\r\n", "Anna", "Schmidt",
                    "Dr.", "anna", "x", "ſ", "ı", "İ", "Ölmez", "-"]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_SIGN_OFF_PIECES), max_size=24).map("".join))
def test_sign_offs_found_through_words_match_the_whole_text_scan(text: str) -> None:
    # The name layer reads the text after re-casing, with the vocabulary of the text before it.
    # Letters that re's IGNORECASE reads as "s" or "i" though they lower to something else are among them.
    reference = [m.span() for m in names._SIGN_OFFS.finditer(text)]
    for before in (text, text.upper(), text.title(), text.replace("s", "ſ"), text.replace("i", "ı")):
        low = _lower_in_place(before)
        if len(low) == len(text):
            assert [m.span() for m in names._sign_offs(text, low, set(low.split()))] == reference


def _lower_in_place(text: str) -> str:
    """What :func:`lowered` returns: lower case, each character at its index."""
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


_RUN_PIECES = ["1234", "5678", "9", "O", "DE", "D E", "de", "+", "+49", " ", "  ", "-", ".", "_", "/", "\t", "\n",
               "x", "ab", "é", ",", "4111 1111 1111 1111"]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_RUN_PIECES), max_size=30).map("".join))
def test_spread_runs_found_around_nine_digits_match_the_whole_text_scan(text: str) -> None:
    assert [m.span() for m in spread._runs(text)] == [m.span() for m in spread._RUN.finditer(text)]


_ICD_PIECES = ["F32.1", "f32.1", "E11.9", "U07.1", "I10.0", "S72.0", "J44", ".0", "1", "2", "(", ")", " ", "\n", "x", "A", "ı", "ſ",
               "ICD-10:", "é", ","]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_ICD_PIECES), max_size=24).map("".join))
def test_icd_codes_found_through_words_match_the_whole_text_scan(text: str) -> None:
    # The text may be a re-cased copy: its vocabulary is that of the text before re-casing.
    reference = [m.span() for m in p.ICD10.finditer(text)]
    # A dotless i or a long s upper-cases to an ASCII letter (I, S) that starts a code.
    for before in (text, text.lower(), text.replace("I", "ı"), text.replace("S", "ſ")):
        low = _lower_in_place(before)
        assert health._icd_codes(text, low, set(low.split())) == reference


_DOC_PIECES = ["L01X00T47", "T22000129", "C01X00T47", "CFGHJKLMN", "LMNPRTVWX", "l01x00t47", "1", "3", "K", "Z",
               " ", "\n", "-", "x", "é", ","]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_DOC_PIECES), max_size=16).map("".join))
def test_document_tokens_found_through_words_match_the_whole_text_scan(text: str) -> None:
    # The scanner uses only the matches with a digit; those must all be found, where they are.
    def with_digit(matches: Iterable[re.Match[str]]) -> list[tuple[int, int]]:
        return [m.span() for m in matches if any(c.isdecimal() for c in m.group())]

    try:
        assert with_digit(tokens._doc_tokens(text)) == with_digit(p.DOC_TOKEN.finditer(text))
    finally:
        release(text)


_CUE_PIECES = ["frau", "Frau", "FRAU", "herr", "Herrn", "dr.", "Dr", "mrs", "Ms.", "PROF", "mr", "(", "-", "x", " ",
               "\t", "\n", "müller", "Anna", "smith", "ſ", "ms", "_", "ite", "é", "7", "a"]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_CUE_PIECES), max_size=20).map("".join))
def test_salutations_found_through_words_match_the_whole_text_search(text: str) -> None:
    reference = [m.span() for m in case._search_all(text)]
    for before in (text, text.replace("s", "ſ")):
        low = _lower_in_place(before)
        assert [m.span() for m in case._search_all(text, low, set(low.split()))] == reference


@settings(max_examples=300, deadline=None)
@given(keyword_text(), st.lists(st.integers(min_value=0, max_value=200), max_size=6))
def test_number_findings_are_the_same_with_and_without_the_keyword_gate(text: str, cuts: list[int]) -> None:
    # Sparse digit runs test each look-back; dense ones build the gate first. Both find the same.
    for i, cut in enumerate(cuts):
        text = text[:cut] + (" 12.03.1961 ", " 4711-0815 ", " 123-45-6789 ", " 1961 ")[i % 4] + text[cut:]
    found = []
    for per_test in (1, 10**9):  # the gate never pays; the gate always pays
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(keyword_runs_module, "_FIND_CHARS_PER_TEST", per_test)
            out: list[tuple[str, int, int]] = []
            numbers.scan_numbers(text, out)
            release(text)
            found.append(out)
    assert found[0] == found[1]


# -- WordMemo: the remembered answers are the answers, whatever came before and however full ----------


def _vowel_count(word: str) -> int | None:
    """A classification with values: how many vowels, or None for a word without one."""
    return sum(word.count(v) for v in "aeiou") or None


_WORDS = st.text(alphabet="aeixyz", min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sets(_WORDS, max_size=12), min_size=1, max_size=8), st.integers(1, 20))
def test_word_memo_gives_what_classify_gives(vocabularies: list[set[str]], limit: int) -> None:
    from unittest import mock

    from langchain_aegis.privacy import _prefilter
    from langchain_aegis.privacy._prefilter import WordMemo

    folds = {"xi": "ae"}  # a word classified in another form, remembered as written
    with mock.patch.object(_prefilter, "_CACHE_LIMIT", limit):  # full, and replaced, again and again
        memo = WordMemo(_vowel_count)
        for words in vocabularies + vocabularies:
            expected = {w: _vowel_count(folds.get(w, w)) for w in words if _vowel_count(folds.get(w, w))}
            assert memo.hits(words, folds) == expected
            assert memo.hits(sorted(words), folds) == expected  # any collection, not only a set


def test_word_memo_is_right_under_threads() -> None:
    import random
    import threading
    from unittest import mock

    from langchain_aegis.privacy import _prefilter
    from langchain_aegis.privacy._prefilter import WordMemo

    pool = ["".join(random.Random(i).choices("aeixyz", k=3)) for i in range(200)]
    memo = WordMemo(_vowel_count)
    wrong: list[tuple[set[str], dict[str, int]]] = []

    def work(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(300):
            words = set(rng.sample(pool, 30))
            got = memo.hits(words)
            if got != {w: v for w in words if (v := _vowel_count(w))}:
                wrong.append((words, got))

    with mock.patch.object(_prefilter, "_CACHE_LIMIT", 50):  # replaced while other threads read it
        threads = [threading.Thread(target=work, args=(seed,)) for seed in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not wrong
