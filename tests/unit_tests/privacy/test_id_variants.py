"""National IDs, phones and IBANs in the layouts people write them (issue 12's held-out recall).

Each class has its variants (separators, case, keywords people use) and its negative twins:
the same digits where they are an order number, a date, an amount or a range, which must
stay clean. Every number here passes its check; where a twin changes it, the check fails.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_aegis.privacy import detect
from langchain_aegis.privacy._checksums import de_kvnr_ok, uk_nino_ok

from .test_digit_runs import assert_id_gate_admits_what_the_scan_finds


def _found(text: str, entity: str) -> list[str]:
    return [text[f.start : f.end] for f in detect(text) if f.entity == entity]


def _kvnr(letter: str, body: str) -> str:
    """The KVNR with the valid check digit for ``letter`` and eight digits."""
    return next(letter + body + str(d) for d in range(10) if de_kvnr_ok(letter + body + str(d)))


# --- national IDs --------------------------------------------------------------------------

_ID_VARIANTS = [
    ("DE_KVNR", "Versichertennummer: A123 456780", "A123 456780"),
    ("DE_KVNR", "KV-Nummer: A 123 456 780", "A 123 456 780"),
    ("DE_KVNR", "eGK-Nr. A 123 456 780", "A 123 456 780"),
    ("AT_SVNR", "SV-Nr. 1237-010180", "1237-010180"),
    ("AT_SVNR", "VSNR 1237/010180", "1237/010180"),
    ("AT_SVNR", "Sozialversicherungsnummer 1237 01 01 80", "1237 01 01 80"),
    ("AT_SVNR", "e-card Nr. 1237010180", "1237010180"),
    ("UK_NINO", "NINO ab123456c", "ab123456c"),
    ("UK_NINO", "my national insurance is ab 12 34 56 c", "ab 12 34 56 c"),
    ("UK_NINO", "NI number: AB-12-34-56-C", "AB-12-34-56-C"),
    ("UK_NINO", "<td>AB-12-34-56-C</td>", "AB-12-34-56-C"),
    ("DE_PENSION_ID", "RV-Nr. 65170839j003", "65170839j003"),
    ("DE_PENSION_ID", "meine RVNR ist 65 170839 j 003", "65 170839 j 003"),
    ("DE_TAX_NUMBER", "Steuernummer: 181 815 08155", "181 815 08155"),
    ("DE_TAX_NUMBER", "St.-Nr.\t181 815 08155", "181 815 08155"),
    ("US_SSN", "Soc. Sec. #: 536904399", "536904399"),
    ("US_SSN", "SS# 536-90-4399", "536-90-4399"),
    ("US_SSN", "my social is 536.90.4399", "536.90.4399"),
    ("US_SSN", '{"ssn": "536.90.4399"}', "536.90.4399"),
    ("DE_ID_CARD", "Perso-Nr. L01X00T47", "L01X00T47"),
    ("DE_ID_CARD", "PA-Nr.: L01X00T47", "L01X00T47"),
    ("DE_ID_CARD", "Ausweis-Nr. L01X00T47", "L01X00T47"),
    ("DE_ID_CARD", "Dokumentennummer L01X00T47", "L01X00T47"),
    ("DE_ID_CARD", "Personalausweisnummer: T220001293D", "T220001293"),
    ("CH_AHV", "AHVN13 756.9217.0769.85", "756.9217.0769.85"),
    ("CH_AHV", "AHVN13 756 9217 0769 85", "756 9217 0769 85"),
]


@pytest.mark.parametrize(("entity", "text", "value"), _ID_VARIANTS)
def test_national_ids_in_variant_layouts_are_found(entity: str, text: str, value: str) -> None:
    assert value in _found(text, entity), detect(text)


_ID_TWINS = [
    ("AT_SVNR", "Bestellnummer 1237-010180"),  # the dash and slash layouts count after their keyword only
    ("AT_SVNR", "Rechnung Nr. 1237/010180"),
    ("AT_SVNR", "Sendungsnummer 1237 01 01 80"),
    ("AT_SVNR", "SV-Nr. 1237-010181"),  # wrong check digit
    ("DE_KVNR", "T " + " ".join(("040", "123", "45" + _kvnr("T", "04012345")[-1]))),  # a letterhead's "T 040 ..."
    ("DE_KVNR", "KV-Nummer: A 123 456 781"),  # wrong check digit
    ("UK_NINO", "commit ab123456c"),  # lower case: a hash or a code
    ("UK_NINO", "NINO AB-12-34-56-E"),  # suffix E is never issued
    ("DE_PENSION_ID", "build 65170839j003"),
    ("DE_PENSION_ID", "RV-Nr. 65170839j004"),
    ("DE_TAX_NUMBER", "Rechnung Nr. 181 815 08155"),
    ("DE_TAX_NUMBER", "Bestellnummer 181 815 08155"),
    ("US_SSN", "Version 536.90.4399"),
    ("US_SSN", "Bestellnummer 536904399"),
    ("US_SSN", "SS# 666-90-4399"),  # area 666 is never issued
    ("DE_ID_CARD", "Dokumentennummer 2024001234"),  # a document system's number, not an ID card
    ("DE_ID_CARD", "Artikel T220001294D"),
    ("CH_AHV", "Rechnung 13 756 9217 0769 85"),
    ("CH_AHV", "AHVN13 756.9217.0769.86"),
]


@pytest.mark.parametrize(("entity", "text"), _ID_TWINS)
def test_the_same_digits_elsewhere_stay_clean(entity: str, text: str) -> None:
    assert _found(text, entity) == [], detect(text)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from("ABCDEGHJKLMNPRSTWXYZ"),
    st.text("0123456789", min_size=8, max_size=8),
    st.sampled_from(["Versichertennummer: ", "KVNR ", "Krankenversichertennummer ", "eGK-Nr. ", "KV-Nummer: "]),
    st.sampled_from(["{l}{a} {b}", "{l} {a} {b} {c}", "{l}{a}{b}{c}", "{l} {a}{b}{c}"]),
)
def test_kvnr_layouts_after_their_keyword(letter: str, body: str, keyword: str, layout: str) -> None:
    kvnr = _kvnr(letter, body)
    a, b, c = kvnr[1:4], kvnr[4:7], kvnr[7:]
    value = layout.format(l=letter, a=a, b=b + c if "{c}" not in layout else b, c=c)
    text = f"{keyword}{value}\n"
    assert value in _found(text, "DE_KVNR"), text


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from("ABCEGHJKLMNOPRSTWXYZ"),
    st.sampled_from("ABCEGHJKLMNPRSTWXYZ"),
    st.text("0123456789", min_size=6, max_size=6),
    st.sampled_from("ABCD"),
    st.sampled_from(["", " ", "-"]),
    st.booleans(),
)
def test_nino_case_and_separators(first: str, second: str, digits: str, suffix: str, sep: str, lower: bool) -> None:
    nino = first + second + digits + suffix
    if not uk_nino_ok(nino):
        return  # a prefix HMRC never issues ("GB", "NK", ...)
    value = sep.join([nino[:2], digits[:2], digits[2:4], digits[4:], suffix])
    value = value.lower() if lower else value
    assert value in _found(f"National Insurance number {value}.", "UK_NINO")
    if lower:
        assert _found(f"sha {value}.", "UK_NINO") == []


# The national-ID gate stays exact for the new layouts: with every check taken as valid, a run
# the gate turns away must be one where scan_national_ids finds nothing.
_NEW_LAYOUTS = ["1237-010180", "1237/010180", "1237 01 01 80", "123 456780", "123 456 780", "123456", "12-34-56",
                "12 34 56", "65170839", "181 815 08155", "13 756 9217 0769 85"]  # fmt: skip
_BEFORE = ["", "A", "A ", "ab", "ab-", "AB ", "AHVN", "e-card ", "NINO ab", "RV-Nr. ", "x "]
_AFTER = ["", "c", " c", "-C", "j003", " j 003", "J003", "x"]


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(_BEFORE), st.sampled_from(_NEW_LAYOUTS), st.sampled_from(_AFTER))
def test_national_id_gate_admits_the_new_layouts(before: str, run: str, after: str) -> None:
    assert_id_gate_admits_what_the_scan_finds(before + run + after)


# --- phones --------------------------------------------------------------------------------

_PHONES = [
    ("Telefon (0461) 708 - 223", "(0461) 708 - 223"),
    ("Tel. (089) 2180 - 2345", "(089) 2180 - 2345"),
    ("Tel.-Nr.: (030) 2345 - 678", "(030) 2345 - 678"),
    ("Can someone call me on 001-201-331-5450x8988?", "001-201-331-5450x8988"),
    ("I would like to stop receiving messages to 001-201-520-8533x7983", "001-201-520-8533x7983"),
    ("Please call (201) 331-5450 x123", "(201) 331-5450 x123"),  # the extension is masked with it
    ("phone +1 (201) 331-5450", "+1 (201) 331-5450"),
    ("Telefon 512 315 761", "512 315 761"),  # PL
    ("Tel. privat: +48 (0) 512 346 405", "+48 (0) 512 346 405"),
    ("Fax: 06 12095878", "06 12095878"),  # NL mobile
    ("Handy 612 345 678", "612 345 678"),  # ES mobile
    ("mobile 311 863 7213", "311 863 7213"),  # IT mobile
    ("Telefono 02 1234 5678, phone 02 1234 5678", "02 1234 5678"),  # IT Milan
]


@pytest.mark.parametrize(("text", "value"), _PHONES)
def test_phones_in_letterhead_and_foreign_layouts_are_found(text: str, value: str) -> None:
    assert value in _found(text, "PHONE"), detect(text)


_PHONE_TWINS = [
    "S. 708 - 723",
    "Seiten 2180 - 2345",
    "Umsatz 1.234 - 5.678 EUR",
    "Tel. 1.234 - 5.678",
    "Telefonkosten 1.234 - 5.678 EUR",
    "Tel. Sprechzeiten 08:00 - 12:00",
    "Telefon 2024-05-01",
    "Version 2.1.0 - 2.3.4",
    "phone 1.2.3 - 1.4.0",
    "Fax 12.03.2024 - 15.03.2024",
    "Bestellnummer 512 315 761",  # a Polish-shaped number without a phone keyword
    "Rechnung 06 12095878",
    "Build 2013315450x86",  # an architecture suffix is no extension
    "resolution 1920x1080",
]


@pytest.mark.parametrize("text", _PHONE_TWINS)
def test_ranges_amounts_and_dates_near_phone_words_stay_clean(text: str) -> None:
    assert _found(text, "PHONE") == [], detect(text)


# --- IBANs ---------------------------------------------------------------------------------

_IBANS = [
    "GB82-WEST-1234-5698-7654-32",
    "NL91-ABNA-0417-1643-00",
    "IT60-X054-2811-1010-0000-0123-456",
    "gb82-west-1234-5698-7654-32",
    "IT60 X054 2811 1010 0000 0123 456",
]


@pytest.mark.parametrize("iban", _IBANS)
@pytest.mark.parametrize("template", ["IBAN {}", "Bankverbindung: Anna Schmidt, {}, Sparkasse", '{{"iban": "{}"}}'])
def test_ibans_with_letters_in_the_account_and_dashes(iban: str, template: str) -> None:
    text = template.format(iban)
    assert iban in _found(text, "IBAN"), detect(text)


@pytest.mark.parametrize(
    "iban", ["GB83-WEST-1234-5698-7654-32", "NL92-ABNA-0417-1643-00", "IT61-X054-2811-1010-0000-0123-456"]
)
def test_an_iban_with_a_wrong_check_digit_stays_clean(iban: str) -> None:
    assert _found(f"IBAN {iban}", "IBAN") == []
