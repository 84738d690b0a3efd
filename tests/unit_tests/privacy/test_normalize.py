"""Obfuscated entities are still found, and redaction masks exactly what the user wrote."""

from __future__ import annotations

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_aegis.privacy import detect, redact_text
from langchain_aegis.privacy._normalize import normalize, to_original

# value, entity, and the characters of the value that are separators (may be obfuscated)
VALUES = [
    ("DE89 3704 0044 0532 0130 00", "IBAN"),
    ("GB82 WEST 1234 5698 7654 32", "IBAN"),
    ("4111 1111 1111 1111", "CREDIT_CARD"),
    ("5500-0000-0000-0004", "CREDIT_CARD"),
    ("030 12345678", "PHONE"),
    ("+49 30 1234567", "PHONE"),
    ("0171-1234567", "PHONE"),
    ("86095742719", "DE_TAX_ID"),
    ("47 036 892 816", "DE_TAX_ID"),
    ("123-45-6789", "US_SSN"),
]
SPACES = ["\u00a0", "\u2009", "\u202f", "\u2007", "\u3000", "&nbsp;", "%20", "&#32;"]
DASHES = ["\u2013", "\u2014", "\u2212", "\u2011", "&ndash;", "\uff0d"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "&shy;"]
FULLWIDTH = {str(d): chr(0xFF10 + d) for d in range(10)}


@st.composite
def obfuscated(draw: st.DrawFn, value: str) -> str:
    out = []
    for i, ch in enumerate(value):
        if ch == " ":
            ch = draw(st.sampled_from([" ", *SPACES]))
        elif ch == "-":
            ch = draw(st.sampled_from(["-", *DASHES]))
        elif ch.isdigit() and draw(st.booleans()):
            ch = draw(st.sampled_from([FULLWIDTH[ch], f"&#{ord(ch)};", ch]))
        out.append(ch)
        if 0 < i < len(value) - 1 and draw(st.integers(0, 4)) == 0:
            out.append(draw(st.sampled_from(INVISIBLE)))
    return "".join(out)


PREFIXES = ["Bitte: ", "Meine Daten lauten ", "Details - ", "Sent from my phone. Value "]
SUFFIXES = [" danke.", ", regards", "", " (siehe oben)"]


@pytest.mark.parametrize(("value", "entity"), VALUES, ids=[v[1] + "-" + v[0] for v in VALUES])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_obfuscated_entity_is_found_and_masked_in_place(value: str, entity: str, data: st.DataObject) -> None:
    prefix = data.draw(st.sampled_from(PREFIXES))
    suffix = data.draw(st.sampled_from(SUFFIXES))
    keyword = {"DE_TAX_ID": "Steuer-ID ", "US_SSN": "SSN ", "PHONE": "Tel. "}.get(entity, "")
    hidden = data.draw(obfuscated(value))
    text = prefix + keyword + hidden + suffix
    start = len(prefix + keyword)
    findings = [f for f in detect(text) if f.entity == entity]
    assert findings, text
    (finding,) = findings
    assert (finding.start, finding.end) == (start, start + len(hidden)), (text, finding)
    assert redact_text(text) == text[:start] + f"<{entity}>" + suffix


def test_lower_case_iban_is_found() -> None:
    text = "iban de89 3704 0044 0532 0130 00 bitte"
    assert [(f.entity, text[f.start : f.end]) for f in detect(text)] == [("IBAN", "de89 3704 0044 0532 0130 00")]


def test_line_break_inside_a_number() -> None:
    text = "Konto DE89 3704 0044\n0532 0130 00"
    assert [f.entity for f in detect(text)] == ["IBAN"]


EMAILS = [
    "anna.schmidt [at] example-mail [dot] de",
    "anna.schmidt(at)beispiel.de",
    "anna.schmidt (at) beispiel (punkt) de",
    "anna.schmidt&#64;beispiel.de",
    "anna.schmidt&#x40;beispiel.de",
    "anna.schmidt\uff20beispiel.de",
    "anna.schmidt%40beispiel.de",
    "john.doe at gmail dot com",
    "john.doe at gmail.com",
    "j.doe {at} web {dot} de",
    "anna.sch\u200bmidt@beispiel.de",
]


@pytest.mark.parametrize("email", EMAILS)
def test_email_obfuscations(email: str) -> None:
    text = f"Schreib mir: {email}, danke"
    (finding,) = detect(text)
    assert finding.entity == "EMAIL"
    assert text[finding.start : finding.end] == email


@pytest.mark.parametrize(
    "text",
    [
        "The docs are at python.org and the code at github.com.",
        "We met at noon. Then at home.",
        "Preis 5 %, Rabatt 10%ig, 100% sicher",
        "AT&T and R&D; Fish &amp; Chips",
    ],
)
def test_prose_that_looks_obfuscated_stays_clean(text: str) -> None:
    assert detect(text) == []


def test_plain_ascii_has_no_map() -> None:
    assert normalize("Nothing to fold here, 2024-05-01 10:00.") == ("Nothing to fold here, 2024-05-01 10:00.", [])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab1 -@&#;%4\n") + SPACES + DASHES + INVISIBLE), max_size=40).map("".join))
def test_offset_map_is_monotonic_and_in_bounds(text: str) -> None:
    normalized, maps = normalize(text)
    previous = 0
    for i in range(len(normalized)):
        a, b = to_original(maps, i, i + 1)
        assert previous <= a < b <= len(text)
        previous = a


def test_decoded_entities_are_normalized_too() -> None:
    assert normalize(html.escape("a\u00a0b") + "&nbsp;c")[0] == "a b c"


_AFTER_ESCAPE = [
    ("Tel.:", "0171 2345678", "PHONE"),
    ("IBAN:", "DE89370400440532013000", "IBAN"),
    ("Karte:", "4111111111111111", "CREDIT_CARD"),
    ("Kontakt:", "anna.schmidt@web.de", "EMAIL"),
    ("Grüße", "Anna Schmidt", "PERSON"),
]


@settings(max_examples=80, deadline=None)
@given(
    case=st.sampled_from(_AFTER_ESCAPE),
    escape=st.sampled_from(["\\n", "\\t", "\\r\\n", "\\n\\n"]),
    frame=st.sampled_from(['{{"body": "{}"}}', '"{}"', "msg={}", 'log.info("{}")']),
)
def test_a_value_after_an_escaped_line_break_or_tab_is_found(
    case: tuple[str, str, str], escape: str, frame: str
) -> None:
    # JSON, logs and code strings write a line break as backslash-n; the value after it is the value.
    label, value, entity = case
    if entity == "PERSON":
        escape = "\\r\\n" if "r" in escape else "\\n"  # a sign-off's name stands on the next line
    text = frame.format(f"{label}{escape}{value}")
    start = text.index(value)
    assert (entity, start, start + len(value)) in [(f.entity, f.start, f.end) for f in detect(text)]


@pytest.mark.parametrize(
    "text",
    ["C:\\\\new\\\\temp\\\\readme.txt", "C:\\Users\\nmueller\\notes\\todo.txt", 'printf("%d\\n", count);'],
)
def test_paths_and_format_strings_stay_clean(text: str) -> None:
    assert detect(text) == []
