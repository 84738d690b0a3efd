"""Tests for langchain_aegis.privacy: detection per entity type, corpora, redaction."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_aegis.privacy import ENTITY_TYPES, Finding, detect, detector, redact_text
from langchain_aegis.privacy._checksums import de_tax_id_ok, iban_ok, icao_check_digit, luhn_ok, us_ssn_ok

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
from privacy_quality import Sample, load_negative, load_positive, measure


def entities(text: str) -> set[str]:
    return {f.entity for f in detect(text)}


def spans(text: str) -> list[tuple[str, str]]:
    return [(f.entity, text[f.start : f.end]) for f in detect(text)]


# --- checksums ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("digits", "ok"),
    [("4111111111111111", True), ("4111111111111112", False), ("378282246310005", True), ("0", True)],
)
def test_luhn(digits: str, ok: bool) -> None:
    assert luhn_ok(digits) is ok


@pytest.mark.parametrize(
    ("iban", "ok"),
    [
        ("DE89370400440532013000", True),
        ("DE88370400440532013000", False),
        ("DE8937040044053201300", False),  # one digit short for Germany
        ("GB82WEST12345698765432", True),
        ("XX00", False),
    ],
)
def test_iban(iban: str, ok: bool) -> None:
    assert iban_ok(iban) is ok


@pytest.mark.parametrize(
    ("digits", "ok"),
    [
        ("86095742719", True),
        ("47036892816", True),
        ("86095742718", False),  # check digit
        ("12345678903", False),  # no repeated digit
        ("11111111116", False),  # too many repeats
        ("01234567891", False),  # leading zero
    ],
)
def test_de_tax_id(digits: str, ok: bool) -> None:
    assert de_tax_id_ok(digits) is ok


@pytest.mark.parametrize(
    ("parts", "ok"),
    [
        (("123", "45", "6789"), True),
        (("000", "45", "6789"), False),
        (("666", "45", "6789"), False),
        (("901", "45", "6789"), False),
        (("123", "00", "6789"), False),
        (("123", "45", "0000"), False),
    ],
)
def test_us_ssn(parts: tuple[str, str, str], ok: bool) -> None:
    assert us_ssn_ok(*parts) is ok


def test_icao_check_digit() -> None:
    assert icao_check_digit("T22000129") == 3
    assert icao_check_digit("C01X00T47") == 8


# --- one entity at a time, German and English ------------------------------------------

VALID = [
    ("EMAIL", "Schreiben Sie an max.mustermann@example.de.", "max.mustermann@example.de"),
    ("EMAIL", "Mail jane.doe+work@mail.example.co.uk today", "jane.doe+work@mail.example.co.uk"),
    ("PHONE", "Rufen Sie 030 12345678 an", "030 12345678"),
    ("PHONE", "Tel. +49 30 1234567", "+49 30 1234567"),
    ("PHONE", "Handy 0171-1234567.", "0171-1234567"),
    ("PHONE", "Telefon (0 30) 123 45 67", "(0 30) 123 45 67"),
    ("PHONE", "Call +44 20 7946 0958 now", "+44 20 7946 0958"),
    ("PHONE", "Office +1 (415) 555-2671", "+1 (415) 555-2671"),
    ("IBAN", "IBAN DE89 3704 0044 0532 0130 00, danke", "DE89 3704 0044 0532 0130 00"),
    ("IBAN", "Konto DE89370400440532013000.", "DE89370400440532013000"),
    ("IBAN", "Pay GB82 WEST 1234 5698 7654 32 now", "GB82 WEST 1234 5698 7654 32"),
    ("CREDIT_CARD", "Karte 4111 1111 1111 1111 gültig", "4111 1111 1111 1111"),
    ("CREDIT_CARD", "card 5500-0000-0000-0004 charged", "5500-0000-0000-0004"),
    ("CREDIT_CARD", "Amex 378282246310005", "378282246310005"),
    ("US_SSN", "SSN 123-45-6789", "123-45-6789"),
    ("US_SSN", "social security number 536228726", "536228726"),
    ("DE_TAX_ID", "Steuer-ID 86095742719", "86095742719"),
    ("DE_TAX_ID", "Tax ID 47 036 892 816.", "47 036 892 816"),
    ("DE_ID_CARD", "Ausweisnummer T220001293", "T220001293"),
    ("DE_ID_CARD", "Personalausweis L01X00T47 liegt vor", "L01X00T47"),
    ("DE_ID_CARD", "document LRJV3FG907 checked", "LRJV3FG907"),
    ("DE_PASSPORT", "Reisepass C01X00T47", "C01X00T47"),
    ("DE_PASSPORT", "passport C01X00T478 scanned", "C01X00T478"),
    ("IP_ADDRESS", "Login von 85.214.132.117 um 14 Uhr", "85.214.132.117"),
    ("IP_ADDRESS", "from 2a00:1450:4001:81c::200e.", "2a00:1450:4001:81c::200e"),
    ("DATE_OF_BIRTH", "geb. 12.03.1985 in Berlin", "12.03.1985"),
    ("DATE_OF_BIRTH", "Geburtsdatum: 1985-03-12", "1985-03-12"),
    ("DATE_OF_BIRTH", "date of birth: March 3, 1985", "March 3, 1985"),
    ("DATE_OF_BIRTH", "DOB 03/12/1985", "03/12/1985"),
    ("MEDICAL_RECORD", "MRN: 12345678", "12345678"),
    ("MEDICAL_RECORD", "Fallnummer 2024/12345", "2024/12345"),
    ("MEDICAL_RECORD", "Patient ID 99887766 admitted", "99887766"),
    ("MEDICAL_RECORD", "Case no. 55-88231", "55-88231"),
]


@pytest.mark.parametrize(("entity", "text", "value"), VALID, ids=[f"{v[0]}-{i}" for i, v in enumerate(VALID)])
def test_detects_valid_value(entity: str, text: str, value: str) -> None:
    assert (entity, value) in spans(text)


INVALID = [
    ("IBAN", "IBAN DE88 3704 0044 0532 0130 00 bitte"),  # wrong check digits
    ("IBAN", "GB83 WEST 1234 5698 7654 32"),
    ("CREDIT_CARD", "Karte 4111 1111 1111 1112"),  # fails Luhn
    ("CREDIT_CARD", "card 5500-0000-0000-0005"),
    ("US_SSN", "SSN 000-12-3456"),
    ("US_SSN", "SSN 666-12-3456"),
    ("US_SSN", "SSN 912-34-5678"),
    ("US_SSN", "SSN 123-00-4567"),
    ("US_SSN", "SSN 123-45-0000"),
    ("DE_TAX_ID", "Steuer-ID 86095742718"),  # wrong check digit
    ("DE_TAX_ID", "Steuer-ID 11111111116"),  # repetition rule
    ("DE_ID_CARD", "Dokument T220001294 geprüft"),  # wrong check digit, no keyword
    ("DE_PASSPORT", "Document C01X00T479"),
    ("IP_ADDRESS", "Adresse 999.12.3.4"),
    ("IP_ADDRESS", "localhost 127.0.0.1 and ::1"),
    ("IP_ADDRESS", "Login von 192.168.1.10 um 14 Uhr"),  # RFC 1918: a machine, not a person
    ("IP_ADDRESS", "from 2001:db8:85a3::8a2e:370:7334."),  # documentation range
    ("IP_ADDRESS", "pods 10.244.0.0/16 and CGNAT 100.64.1.2"),
    ("IP_ADDRESS", "version 2.1.0.0"),
    ("IP_ADDRESS", "nameserver 1.1.1.1\nnameserver 8.8.4.4"),  # public resolvers: a service, nobody's line
    ("EMAIL", "assert notify('user@example.com')"),  # RFC 2606: nobody's
    ("PHONE", "Belegnummer 0071/204518"),  # not a valid German number
    ("PHONE", "Call (212) 555-0147"),  # 555-01xx: fiction
    ("DATE_OF_BIRTH", "Bach, geb. 31.03.1685"),  # no living person
    ("DATE_OF_BIRTH", "Termin am 12.03.2025"),  # no birth keyword
    ("MEDICAL_RECORD", "Bestellnummer 12345678"),  # no record label
    ("PHONE", "Bestellnummer 123456789"),
]


@pytest.mark.parametrize(("entity", "text"), INVALID, ids=[f"{v[0]}-{i}" for i, v in enumerate(INVALID)])
def test_rejects_invalid_value(entity: str, text: str) -> None:
    assert detect(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Patient Frau Müller, Diagnose F32.1",
        "Herr Schmidt leidet an Diabetes Typ 2.",
        "Bei Herrn Yilmaz wurde eine Depression diagnostiziert.",
        "Mr. Smith was diagnosed with type 2 diabetes.",
        "Mrs. Johnson takes metformin 500 mg twice a day.",
        "Ms. Garcia, ICD-10 E11.9",
    ],
)
def test_health_about_a_named_person(text: str) -> None:
    assert entities(text) == {"HEALTH"}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Sehr geehrter Herr Müller, vielen Dank für Ihre Bestellung.", {"PERSON"}),
        ("Diabetes ist eine Volkskrankheit.", set()),
        ("Dear Mr. Smith, the quarterly report is attached.", {"PERSON"}),
    ],
)
def test_no_health_without_both_person_and_term(text: str, found: set[str]) -> None:
    assert entities(text) == found


def test_health_term_far_from_person_does_not_count() -> None:
    text = "Herr Müller kommt morgen. " + "Lorem ipsum dolor sit amet. " * 6 + "Diabetes ist häufig."
    assert entities(text) == {"PERSON"}


# --- corpora ---------------------------------------------------------------------------


@pytest.mark.parametrize("line", load_negative())
def test_negative_corpus_stays_clean(line: str) -> None:
    assert detect(line) == []


POSITIVE = load_positive()
# Entity types added by detector v2, tested in test_privacy_ids.py and on the document corpus.
_V2_ONLY = {
    "CH_AHV", "AT_SVNR", "DE_PENSION_ID", "DE_KVNR", "UK_NINO", "UK_NHS", "DE_TAX_NUMBER", "DRIVER_LICENSE",
    "DE_LICENSE_PLATE", "SPECIAL_CATEGORY", "ADDRESS",
}  # fmt: skip


@pytest.mark.parametrize(
    "sample", POSITIVE, ids=[f"{i}-{','.join(sorted(s.expected)) or 'none'}" for i, s in enumerate(POSITIVE)]
)
def test_positive_corpus(sample: Sample) -> None:
    found = entities(sample.text)
    if sample.expected:
        assert sample.expected <= found
    else:
        assert found == set()


def test_corpus_sizes_and_quality(capsys: pytest.CaptureFixture[str]) -> None:
    assert len(load_negative()) >= 60
    assert sum(1 for s in POSITIVE if s.expected) >= 80
    assert {e for s in POSITIVE for e in s.expected} >= set(ENTITY_TYPES) - _V2_ONLY
    quality = measure()
    with capsys.disabled():
        print(f"\nprivacy recall {quality.recall:.1%}, false-positive rate {quality.false_positive_rate:.1%}")
    assert quality.recall >= 0.95


# --- findings and redaction ------------------------------------------------------------


def test_finding_repr_has_no_value() -> None:
    text = "IBAN DE89 3704 0044 0532 0130 00"
    (finding,) = detect(text)
    assert finding == Finding("IBAN", 5, 32)
    assert "DE89" not in repr(finding)
    assert "3704" not in repr(finding)
    assert repr(finding) == "Finding(entity='IBAN', start=5, end=32)"


def test_finding_is_frozen() -> None:
    with pytest.raises(AttributeError):
        Finding("EMAIL", 0, 1).start = 2  # type: ignore[misc]


def test_findings_are_ordered_and_disjoint() -> None:
    text = "Karte 4111 1111 1111 1111, Tel. 030 12345678, max@web.de, SSN 123-45-6789"
    findings = detect(text)
    assert [f.entity for f in findings] == ["CREDIT_CARD", "PHONE", "EMAIL", "US_SSN"]
    assert all(a.end <= b.start for a, b in itertools.pairwise(findings))


def test_redact_text_masks_every_entity_and_keeps_the_rest() -> None:
    text = (
        "Hallo, ich bin Max (max@web.de, Tel. 030 12345678), geb. 12.03.1985. "
        "IBAN DE89 3704 0044 0532 0130 00, Karte 4111 1111 1111 1111, SSN 123-45-6789, "
        "Steuer-ID 86095742719, Ausweis T220001293, Reisepass C01X00T47, IP 85.214.132.117, "
        "MRN: 12345678. Patient Frau Müller, Diagnose F32.1."
    )
    redacted = redact_text(text)
    assert redacted == (
        "Hallo, ich bin <PERSON> (<EMAIL>, Tel. <PHONE>), geb. <DATE_OF_BIRTH>. "
        "IBAN <IBAN>, Karte <CREDIT_CARD>, SSN <US_SSN>, "
        "Steuer-ID <DE_TAX_ID>, Ausweis <DE_ID_CARD>, Reisepass <DE_PASSPORT>, IP <IP_ADDRESS>, "
        "MRN: <MEDICAL_RECORD>. <HEALTH>, <HEALTH> <HEALTH>."
    )
    assert detect(redacted) == []


def test_redact_text_without_findings_returns_input() -> None:
    text = "Nothing to see here, version 1.2.3."
    assert redact_text(text) is text
    assert redact_text("") == ""


def test_detect_handles_empty_and_odd_text() -> None:
    assert detect("") == []
    assert detect("İstanbul MRN 1234567, geb. 1.3.85") == [
        Finding("MEDICAL_RECORD", 13, 20),
        Finding("DATE_OF_BIRTH", 27, 33),
    ]


# --- shortcuts taken for speed keep their results ----------------------------------------


def test_health_terms_widen_to_the_whole_word() -> None:
    assert spans("Bei Frau Weber wurde Brustkrebs diagnostiziert.") == [
        ("HEALTH", "Frau Weber"),
        ("HEALTH", "Brustkrebs"),
        ("HEALTH", "diagnostiziert"),
    ]


def test_runs_without_separators_are_still_cards_and_tax_ids() -> None:
    text = "Karte 4111111111111111, Steuer-ID 86095742719, Nr. 123456789, Rechnung 4500012345"
    assert spans(text) == [("CREDIT_CARD", "4111111111111111"), ("DE_TAX_ID", "86095742719")]


def test_phone_found_after_text_in_its_look_back() -> None:
    text = "Ruf an: 030 12345678 oder Tel.+49 30 1234567"
    assert spans(text) == [("PHONE", "030 12345678"), ("PHONE", "+49 30 1234567")]


def test_unicode_digits_that_int_rejects_do_not_crash_the_detector() -> None:
    from langchain_aegis.privacy import detect

    for text in ("Nr. C01X00T47²", "Ausweis L01X00T47³", "x²³ 4711²", "DE89 3704 0044 0532 0130 0⁰"):
        detect(text)  # must not raise


def test_a_dotted_quad_with_a_leading_zero_is_no_address_and_no_crash() -> None:
    # ipaddress rejects "08" (octal or decimal?); the detector must neither raise nor report it.
    for text in ("Login von 8.8.8.08", "IP 10.1.2.03", "82.1.08.0 weitergeleitet", "Quelle 93.184.216.034"):
        assert [f.entity for f in detect(text)] == []
    assert spans("Login von 93.184.216.34 um 10:12") == [("IP_ADDRESS", "93.184.216.34")]


_OCTET = st.sampled_from(["0", "00", "08", "8", "093", "93", "255", "256", "1", "01", "184"])


@settings(max_examples=500, deadline=None)
@given(st.tuples(st.sampled_from(["", "IP ", "v", "Login von ", "9"]), st.lists(_OCTET, min_size=3, max_size=5)))
def test_dotted_numbers_of_any_shape_never_crash_the_detector(parts: tuple[str, list[str]]) -> None:
    text = parts[0] + ".".join(parts[1])
    assert all(0 <= f.start < f.end <= len(text) for f in detect(text))


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=300))
def test_the_detector_never_raises_and_spans_stay_in_bounds(text: str) -> None:
    from langchain_aegis.privacy import detect, redact_text

    findings = detect(text)
    assert all(0 <= f.start < f.end <= len(text) for f in findings)
    redact_text(text)


_ENTITY = st.sampled_from(ENTITY_TYPES)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(_ENTITY, st.integers(0, 60), st.integers(1, 12)), max_size=30))
def test_overlap_resolution_by_groups_keeps_what_ranking_all_spans_keeps(raw: list[tuple[str, int, int]]) -> None:
    # The detector ranks only groups of overlapping spans; ranking every span at once is the reference.
    # Scanners report non-empty spans only (for empty ones the two may keep different spans).
    spans = [(entity, start, start + size) for entity, start, size in raw]
    assert detector._resolve(list(spans)) == (detector._rank(list(set(spans))) if len(spans) > 1 else spans)


def test_phone_metadata_patterns_stay_compiled() -> None:
    """libphonenumber recompiles its metadata patterns once ``re``'s cache evicts them: the detector keeps them."""
    import phonenumbers
    from phonenumbers import re_util

    import langchain_aegis.privacy._phones  # noqa: F401  (the switch is turned on at import)

    if not hasattr(phonenumbers, "enable_pattern_cache"):
        pytest.skip(f"phonenumbers {phonenumbers.__version__} has no pattern cache (added in 9.0.43)")
    assert re_util._COMPILED_PATTERNS is not None
