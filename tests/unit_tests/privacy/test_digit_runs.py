"""Scanners fed by the shared digit runs find exactly what their own whole-text pass finds.

The number scanner finds the text's digit runs once (:func:`._prefilter.number_runs`);
other scanners take their candidates from that list instead of scanning every digit
again. Each is compared here with the whole-text pattern it replaces, on generated text
built from digits, separators, letters and the words around them: a candidate the list
missed would let personal data through unnoticed, so equality is the test.
"""

from __future__ import annotations

import re
from typing import Any
from unittest import mock

from hypothesis import example, given, settings
from hypothesis import strategies as st

from langchain_aegis.privacy import _cards as cards
from langchain_aegis.privacy import _checksums as checksums
from langchain_aegis.privacy import _health as health
from langchain_aegis.privacy import _ibans as ibans_module
from langchain_aegis.privacy import _ids as ids
from langchain_aegis.privacy import _numbers as numbers
from langchain_aegis.privacy import _patterns as p
from langchain_aegis.privacy import _spread as spread
from langchain_aegis.privacy import detect
from langchain_aegis.privacy._keyword_runs import keyword_runs
from langchain_aegis.privacy._prefilter import marked, number_runs, release

_POSTCODE_PIECES = ["10115", "1234", "123456", "0", "7", " ", "  ", "\n", "Berlin", "berlin", "Bad", "Tölz", "Ä",
                    "-", ".", "/", ",", "(", ")", "a12345", "Mitte", "x", "Am Markt 5", "10115 Berlin a12345 Hamburg",
                    "1010 Wien", "0123"]  # fmt: skip


def _whole_run(text: str, a: int) -> bool:
    """Whether four digits at ``a`` are a digit run of their own (no digit joined on either side)."""
    before = a == 0 or not (text[a - 1].isdecimal() or (a >= 2 and text[a - 1] in " .-/" and text[a - 2].isdecimal()))
    return before and not text[a + 4 : a + 5].isdecimal()


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_POSTCODE_PIECES), max_size=24).map("".join))
def test_postcodes_from_the_digit_runs_match_the_whole_text_scan(text: str) -> None:
    try:
        found = [m.span() for m in health._postcodes(text, number_runs(text))]
    finally:
        release(text)
    # Five digits and a city anywhere; four digits and a city at its line's end (Austria, Switzerland)
    # where they are a digit run of their own; in order, none overlapping.
    candidates = [
        *p.POSTCODE.finditer(text),
        *(m for m in p.POSTCODE_AT_CH.finditer(text) if _whole_run(text, m.start())),
    ]
    expected: list[tuple[int, int]] = []
    for m in sorted(candidates, key=lambda m: m.start()):
        if not expected or m.start() >= expected[-1][1]:
            expected.append(m.span())
    assert found == expected


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


_MARK_PIECES = [*_DIGIT_PIECES, "ä", "€", "\ud800", "٣", "o", "1O2", "   ", "\t\t"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_MARK_PIECES), max_size=60).map("".join))
def test_nine_digits_found_on_the_marked_bytes_are_those_in_the_text(text: str) -> None:
    # The spread scanner looks for nine digits on a byte copy of the text (one byte a character,
    # digits and separators marked); it must find them where _NINE finds them in the text itself.
    copy = marked(text, spread._MARKS)
    assert len(copy) == len(text)
    found = [m.span() for m in spread._NINE_MARKS.finditer(copy)]
    assert found == [m.span() for m in spread._NINE.finditer(text)]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_MARK_PIECES), max_size=60).map("".join))
def test_number_runs_found_on_the_marked_bytes_are_those_in_the_text(text: str) -> None:
    # number_runs finds NUMBER_RUN's matches on a byte copy of the text (digits and separators marked).
    try:
        assert number_runs(text) == [m.span() for m in p.NUMBER_RUN.finditer(text)]
    finally:
        release(text)


_ID_BEFORE = ["", "x", "-", "A", "AB ", "AB", "Q ", " ", "Steuernummer ", "tax\nnumber: ", "NHS no ", "SV-Nr ",
              "VSNR ", "Versicherungsnummer ", "ist "]  # fmt: skip
_ID_AFTER = ["", "x", " ", "C", " C", " J 003", "J003", "/", ".5"]
# A run: the layout of an identifier, or digit groups joined by the separators a run admits.
_ID_LAYOUTS = ["1237 010180", "1237010180", "943 476 5919", "943-476-5919", "756.9217.0769.85", "7569217076985",
               "756 9217 0769 85 12", "181/815/08155", "12345678901", "123456789", "12 345678", "123456"]  # fmt: skip
_ID_RUN = st.one_of(
    st.sampled_from(_ID_LAYOUTS),
    st.lists(
        st.tuples(
            st.sampled_from(["", " ", ".", "-", "/"]),
            st.tuples(st.sampled_from(["7561234567890", "1237010180943", "9434765919123"]), st.integers(1, 13)).map(
                lambda digits_count: digits_count[0][: digits_count[1]]
            ),
        ),
        min_size=1,
        max_size=5,
    ).map(lambda groups: "".join(sep + digits for sep, digits in groups).lstrip(" .-/")),
)
_ALWAYS_VALID: dict[str, Any] = {name: lambda *_: True for name in ("at_svnr_ok", "ch_ahv_ok", "de_kvnr_ok",
                                                    "de_rvnr_ok", "de_tax_number_ok", "uk_nhs_ok", "uk_nino_ok")}  # fmt: skip


def assert_id_gate_admits_what_the_scan_finds(text: str) -> None:
    """Every digit run where ``scan_national_ids`` finds something passes ``id_candidate``, check digits aside.

    scan_numbers calls scan_national_ids only where id_candidate says it may find something. With every
    check digit taken as valid, only the layout decides, so a run the gate turns away must be one where
    scan_national_ids finds nothing whatever the digits are.
    """
    with mock.patch.multiple(ids, **_ALWAYS_VALID):
        for s, e in [m.span() for m in p.NUMBER_RUN.finditer(text)]:
            digit_count = sum(c.isdecimal() for c in text[s:e])
            if digit_count < 6:
                continue
            low = text[max(0, s - 48) : s].lower()
            found: list[tuple[str, int, int]] = []
            ids.scan_national_ids(text, s, e, digit_count, low, found)
            if found:
                assert ids.id_candidate(text, s, e, digit_count, low), (text, found)


@settings(max_examples=2000, deadline=None)
@given(st.tuples(st.sampled_from(_ID_BEFORE), _ID_RUN, st.sampled_from(_ID_AFTER)).map("".join))
@example("vsnr 1237010180")  # each keyword the gate reads, once for sure
@example("SV-Nr 1237010180")
@example("Versicherungsnummer 1237010180")
@example("nhs no 9434765919")
@example("tax\nnumber: 12345678901")
@example("Steuernummer 12345678901")
def test_national_id_gate_skips_only_runs_without_any_identifier(text: str) -> None:
    assert_id_gate_admits_what_the_scan_finds(text)


def test_national_id_gate_admits_each_identifier() -> None:
    # The gate's test above is only as good as the layouts it can build; these are real ones.
    for text, value in [("NI AB 123456 C", "123456"), ("Karte A123456780", "123456780"),
                        ("RV 65 170839 J 003", "65 170839"), ("AHV 756.9217.0769.85", "756.9217.0769.85"),
                        ("SVNR 1237 010180", "1237 010180"), ("NHS 9434765919", "9434765919"),
                        ("Steuernummer 181/815/08155", "181/815/08155")]:  # fmt: skip
        s = text.index(value)
        e = s + len(value)
        digit_count = sum(c.isdecimal() for c in value)
        assert ids.id_candidate(text, s, e, digit_count, text[:s].lower()), text


_IBAN_PIECES = ["DE", "de", "De", "89", "3704", "0044", " ", "\n", "  ", "x", "Rechnung ", "A", "7", "-", "20240517",
                "WEST", "ABNA"]  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_IBAN_PIECES), max_size=20).map("".join))
@example("IBAN DE89 3704 0044 0532 0130 00")
@example("Konto de89370400440532013000")
@example("MT84 MALT ABCD EFGH IJKL 01100001 2345")  # letters of the bank code: the head stands far back
def test_iban_gate_skips_only_runs_without_an_iban_head(text: str) -> None:
    # With every mod-97 check taken as valid, a run the gate turns away must be one where
    # ibans finds nothing whatever the digits are.
    with mock.patch.object(ibans_module, "iban_ok", return_value=True):
        for s, e in [m.span() for m in p.NUMBER_RUN.finditer(text)]:
            found: list[tuple[str, int, int]] = []
            ibans_module.ibans(text, s, e, len(text), found)
            if found:
                assert ibans_module.iban_head_before(text, s), found


def _separated_numbers_by_groups(text: str, s: int, raw: str) -> list[tuple[str, int, int]]:
    """The straightforward form of ``_separated_numbers``: every run of groups between spaces."""
    out: list[tuple[str, int, int]] = []
    if raw.isdecimal():
        numbers._separated_numbers(text, s, raw, out)  # the whole run: the same code either way
        return out
    pieces = re.split(r"([ .\-/])", raw)
    groups, seps = pieces[::2], pieces[1::2]
    starts = [s]
    for g, sep in zip(groups, seps, strict=False):
        starts.append(starts[-1] + len(g) + len(sep))
    last = len(groups) - 1
    for i in range(len(groups)):
        if i and seps[i - 1] != " ":
            continue
        digits = ""
        for j in range(i, last + 1):
            digits += groups[j]
            if len(digits) > 19:
                break
            if (j < last and seps[j] != " ") or len(digits) < 9:
                continue
            b = starts[j] + len(groups[j])
            used = set(seps[i:j])
            if 14 <= len(digits) <= 19:  # 13 digits: a card only after a card word (an EAN barcode too)
                layout = cards.card_written(text, starts[i], b, digits)  # fours, 4-6-5, or after a card word
                if digits[0] in "23456" and used <= {" ", "-"} and layout and checksums.luhn_ok(digits):
                    out.append(("CREDIT_CARD", starts[i], b))
            elif len(digits) == 11:
                if used <= {" "} and checksums.de_tax_id_ok(digits):
                    out.append(("DE_TAX_ID", starts[i], b))
            elif len(digits) == 9 and j - i == 2:
                sm = p.SSN_SHAPE.fullmatch(text, starts[i], b)
                if sm and sm.group(2) and checksums.us_ssn_ok(sm.group(1), sm.group(3), sm.group(4)):
                    out.append(("US_SSN", starts[i], b))
    return out


_GROUP = st.sampled_from(["4111", "1111", "411", "12", "123", "45", "6789", "1", "37828224631000", "86095715673",
                          "078", "05", "1120", "5", "4", "0"])  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([" ", " ", "-", ".", "/"]), _GROUP), min_size=1, max_size=8))
@example([("", "4111"), (" ", "1111"), (" ", "1111"), (" ", "1111")])
@example([("", "4111"), ("-", "1111"), ("-", "1111"), ("-", "1111")])
@example([("", "078"), ("-", "05"), ("-", "1120")])
@example([("", "078"), (" ", "05"), (" ", "1120")])
@example([("", "860"), (" ", "957"), (" ", "156"), (" ", "73")])
def test_separated_numbers_read_by_segments_match_the_group_by_group_reading(groups: list[tuple[str, str]]) -> None:
    # _separated_numbers reads a run segment by segment (split at its spaces); it must find what
    # the reading group by group finds, with the checksums taken as valid or as they are.
    raw = "".join(sep + digits for sep, digits in groups)[len(groups[0][0]) :]
    text = f"Nr. {raw} ok"
    s = 4
    found: list[tuple[str, int, int]] = []
    numbers._separated_numbers(text, s, raw, found)
    assert found == _separated_numbers_by_groups(text, s, raw)
    valid = {"luhn_ok": True, "de_tax_id_ok": True, "us_ssn_ok": True}
    checks = {name: mock.Mock(return_value=ok) for name, ok in valid.items()}
    with mock.patch.multiple(numbers, **checks), mock.patch.multiple(checksums, **checks):
        found = []
        numbers._separated_numbers(text, s, raw, found)
        assert found == _separated_numbers_by_groups(text, s, raw)


_KEYWORD_PIECES = ["1234", "56", " ", "  ", "\n", ".", "x", "dob", "Dob ", "geb.", "b.", "ab", "ssn", "xssn",
                   "jahrgang", "Patient", "case", " " * 20, "abc" * 7, "d.o.b.", "-", "ä", "id card"]  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(_KEYWORD_PIECES), max_size=40).map("".join))
@example("adob 1234" + " " * 40 + "5678")  # the second look-back starts at a word keyword, cut from its "a"
@example("xdob1234 dob 5678")
def test_keyword_runs_match_the_search_of_each_look_back(text: str) -> None:
    # keyword_runs skips what the previous look-back already showed has no keyword (and, where
    # runs are dense, what the keyword gate rules out); it must answer as a search of each
    # look-back on its own does.
    low = text.lower()
    runs = [m.span() for m in p.NUMBER_RUN.finditer(text)]
    expected = [p.ANY_KEYWORD.search(low[max(0, s - 48) : s]) is not None for s, _ in runs]
    assert keyword_runs(low, set(low.split()), runs) == expected


def test_keywords_have_no_digits() -> None:
    # keyword_runs relies on it: a keyword never runs into the digit run after it.
    assert not any(c.isdecimal() for keyword in p.ANY_KEYWORD_TEXT for c in keyword)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(st.text(alphabet="0123456789", max_size=20), st.text(max_size=6)))
@example("4111111111111111")
@example("4111111111111112")
def test_luhn_by_table_matches_luhn_digit_by_digit(digits: str) -> None:
    assert checksums.luhn_ok(digits) is checksums._luhn_by_digit(digits)


def test_a_table_of_thousands_of_numbers_is_read_without_a_recursion_limit() -> None:
    # A phone candidate that cannot start a phone is retried one group further, once per group of the
    # run; python-stdnum's own source holds such a run, and a call per retry hit Python's recursion limit.
    text = " ".join(f"0{k:010d}" for k in range(3000))
    assert [f.entity for f in detect(text)] == []
    text = "Liste: " + " ".join(f"0{k:010d}" for k in range(3000)) + "\nTel. 030 1234567"
    assert [f.entity for f in detect(text)] == ["PHONE"]
