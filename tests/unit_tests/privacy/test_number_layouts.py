"""Identifiers as tables, PDFs, spreadsheets and letterheads lay them out, and what stands around them.

Found by a generated set of 17 identifier kinds in ~20 layouts each (valid check digits), which the
detector had not been tuned on: IBAN recall was 0.93, phones 0.97, ID cards 0.975, dates of birth 0.965.
Each family here is a layout class, varied; each has twins that must stay clean.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from langchain_aegis.privacy import detect
from langchain_aegis.privacy._checksums import icao_check_digit

from .test_id_variants import _found, _kvnr

# --- IBANs -----------------------------------------------------------------------------------

_IBANS = [
    "DE89370400440532013000",
    "GB29NWBK60161331926819",
    "NL91ABNA0417164300",
    "FR1420041010050500013M02606",
    "IT60X0542811101000000123456",
    "CH9300762011623852957",
    "AT611904300234573201",
    "BE68539007547034",
]


def _grouped(iban: str, size: int, sep: str, head_space: bool) -> str:
    head, rest = iban[:4], iban[4:]
    groups = [rest[i : i + size] for i in range(0, len(rest), size)]
    return (head[:2] + " " + head[2:] if head_space else head) + sep + sep.join(groups)


@settings(max_examples=300, deadline=None)
@given(
    iban=st.sampled_from(_IBANS),
    size=st.sampled_from([3, 4]),
    sep=st.sampled_from([" ", "\t", " \n", "\n", "-", "  "]),
    head_space=st.booleans(),
    frame=st.sampled_from(
        ["IBAN: {}", "Konto:\n{}", '{{"note": "IBAN {}"}}', "Bitte auf mein Konto {}.", "<td>{}</td>"]
    ),
)
def test_an_iban_in_any_grouping_and_with_any_break_between_groups(
    iban: str, size: int, sep: str, head_space: bool, frame: str
) -> None:
    """Groups of three or four, tabs from a spreadsheet, a break after each group from a table cell,
    and a space between the country code and the check digits ("GB 29 NWBK ...").

    Not covered (docs/privacy.md): groups of three parted by tabs or line breaks, whose digit runs
    are too short to be looked at.
    """
    assume(size == 4 or sep in (" ", "-"))
    value = _grouped(iban, size, sep, head_space)
    assert value in _found(frame.format(value), "IBAN"), repr(value)


@pytest.mark.parametrize(
    "before",
    [
        "born 1990-07-15 in Leeds\n",  # "rn 19 90-07-15 in Leeds NL91...": an IBAN's shape starting at "rn 19"
        "Steuer-Identifikationsnummer 25768131411\nCompte ",  # "er 25 76 ..." likewise
        "ID card number P91HM331F0\nConto ",
        "Kd 12 3456 ",
    ],
)
@pytest.mark.parametrize(
    "iban", ["NL91ABNA0417164300", "FR14 2004 1010 0505 0001 3M02 606", "IT60 X054 2811 1010 0000 0123 456"]
)
def test_an_iban_after_letters_and_digits_is_not_swallowed_by_an_earlier_candidate(before: str, iban: str) -> None:
    assert iban in _found(before + iban + " is the account", "IBAN")


@pytest.mark.parametrize(
    "text",
    [
        "ab 12 3456 7890 1234 5678 90",  # a space after two letters makes a country code only of a real one
        "Kd 89 3704 0044 0532 0130 00",
        "GB 28 NWBK 6016 1331 9268 19",  # wrong check digits
        "DE 89 3704 0044 0532 0130 01",
    ],
)
def test_letters_a_space_and_digits_are_no_iban_unless_the_iban_checks(text: str) -> None:
    assert _found(text, "IBAN") == []


# --- phones after a dialling code, and numbers no national ID is cut from ----------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Mobil: +44 (0) 7435 454935", "+44 (0) 7435 454935"),  # was read as an Austrian SVNR
        ("Phone: 0049 15127381696", "0049 15127381696"),  # was read as a German tax ID
        ("Phone: +49 15127381696", "+49 15127381696"),
        ("Tel. 0041 44 668 18 00", "0041 44 668 18 00"),
        ("erreichbar unter 01576 / 1135692", "01576 / 1135692"),  # the old German " / " after the area code
        ('172;"erreichbar unter 01576 / 1135692";2024-05-03', "01576 / 1135692"),
        ("Rückruf: 030 / 1234 5678", "030 / 1234 5678"),
    ],
)
def test_a_phone_is_read_whole_after_its_dialling_code_and_slash(text: str, value: str) -> None:
    found = [(f.entity, text[f.start : f.end]) for f in detect(text)]
    assert found == [("PHONE", value)]


@pytest.mark.parametrize("text", ["Seite 12 / 2024 5678", "Vorgang 0815 / 4711 / 2024", "Rechnung 2024 / 0815"])
def test_a_slash_between_numbers_is_no_phone_by_itself(text: str) -> None:
    assert detect(text) == []


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("Versichertennummer 756 3992 9012 03", "CH_AHV", "756 3992 9012 03"),  # not a tax ID in its first groups
        ("756 9217 0769 85", "CH_AHV", "756 9217 0769 85"),
        ("St.-Nr. 12670432587", "DE_TAX_NUMBER", "12670432587"),
        ("Versichertennummer: A 001 000 003", "DE_KVNR", "A 001 000 003"),  # "001" is no dialling code after a letter
    ],
)
def test_a_national_id_that_is_the_whole_run_is_not_cut_into_a_shorter_number(
    text: str, entity: str, value: str
) -> None:
    found = [(f.entity, text[f.start : f.end]) for f in detect(text)]
    assert found == [(entity, value)]


@pytest.mark.parametrize("sep", [" ", "\t", "-"])
def test_a_diners_club_card_in_its_4_6_4_grouping(sep: str) -> None:
    value = sep.join(["3056", "930902", "5904"])
    assert _found(f"My Diners card is {value}, CVV 123", "CREDIT_CARD") == [value]


# --- a KVNR with its insurer, ID cards of letters only -----------------------------------------


@settings(max_examples=100, deadline=None)
@given(
    letter=st.sampled_from("ABCDEFHKLMNUXZ"),
    body=st.text("0123456789", min_size=8, max_size=8),
    insurer=st.sampled_from(["AOK Bayern", "BKK firmus", "TK", "Barmer", "DAK-Gesundheit", "Techniker Krankenkasse"]),
)
def test_a_spaced_kvnr_followed_by_its_insurer(letter: str, body: str, insurer: str) -> None:
    kvnr = _kvnr(letter, body)
    value = f"{kvnr[0]} {kvnr[1:4]} {kvnr[4:7]} {kvnr[7:]}"
    assert _found(f"Katarzyna Schmidt, {value}, {insurer}", "DE_KVNR") == [value]


def test_a_spaced_kvnr_shape_with_no_insurer_or_keyword_stays_clean() -> None:
    kvnr = _kvnr("T", "04012345")
    text = f"AOK Bayern, Zentrale\nT {kvnr[1:4]} {kvnr[4:7]} {kvnr[7:]}"  # a letterhead's phone
    assert _found(text, "DE_KVNR") == []


_DOC_ALPHABET = "CFGHJKLMNPRTVWXYZ"


@settings(max_examples=100, deadline=None)
@given(
    body=st.text(_DOC_ALPHABET, min_size=9, max_size=9),
    keyword=st.sampled_from(["PA-Nr. ", "Dokumentennummer ", "ID card no. ", "Ausweis: ", "Perso-Nr. "]),
    check=st.booleans(),
)
def test_an_id_card_number_of_letters_only_after_its_keyword(body: str, keyword: str, check: bool) -> None:
    value = body + str(icao_check_digit(body)) if check else body
    entity = "DE_ID_CARD" if keyword != "Passnummer " else "DE_PASSPORT"
    assert _found(f"{keyword}{value}", entity) == [value]


@pytest.mark.parametrize("keyword", ["Pass-Nr. ", "Passnummer ", "passport no. "])
def test_a_passport_number_of_letters_only_after_its_keyword(keyword: str) -> None:
    assert _found(f"{keyword}CNMJRXTPT", "DE_PASSPORT") == ["CNMJRXTPT"]


@pytest.mark.parametrize("text", ["KMGHWJWGR ist der Code", "Modul KFZWRTTRX geladen", "Ausweis: STRNGTHXY"])
def test_letters_without_a_vowel_are_no_id_card_without_its_keyword(text: str) -> None:
    assert detect(text) == []


# --- phones a keyword or an extension marks, cards after their word ----------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Tel.: 387.978.9328x792", "387.978.9328x792"),  # an unassigned area code, as fake numbers have
        ("Phone: 238-540-1916x14610", "238-540-1916x14610"),
        ("Rufen Sie mich an: (202)855-1716x079", "(202)855-1716x079"),
        ("Tel.: 3804868917", "3804868917"),  # one group after the keyword
        ("Rufen Sie mich an: 398-748-1514", "398-748-1514"),
        ("call me at +4429 2018679", "+4429 2018679"),
        ("387.978.9328x792", "387.978.9328x792"),  # the extension marks a phone without a keyword
        ("+1-795-725-7622x927", "+1-795-725-7622x927"),
        ("001-389-289-7232x13224", "001-389-289-7232x13224"),
    ],
)
def test_a_phone_a_keyword_or_an_extension_marks_needs_only_a_phones_length(text: str, value: str) -> None:
    assert _found(text, "PHONE") == [value]


@pytest.mark.parametrize(
    "text",
    [
        "Build 2013315450x86",  # an architecture, not an extension
        "Call (212) 555-0147",  # the fiction range
        "Tel. 2024",
        "Tel.: 0097999952",  # no country has that length
        "Rechnung 387.978.9328",  # no keyword and no extension: libphonenumber decides
    ],
)
def test_a_phones_length_alone_is_not_enough_elsewhere(text: str) -> None:
    assert _found(text, "PHONE") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [("Kreditkarte 502091614615", "502091614615"), ("Card: 180023213224193", "180023213224193")],
)
def test_a_maestro_or_jcb_card_after_its_word(text: str, value: str) -> None:
    assert _found(text, "CREDIT_CARD") == [value]


@pytest.mark.parametrize("text", ["Rechnung 502091614615", "Auftrag 180023213224193"])
def test_twelve_or_fifteen_digits_without_a_card_word_are_no_card(text: str) -> None:
    assert _found(text, "CREDIT_CARD") == []


# --- found by differential fuzzing against 0.4.2 ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("Fax 49036 / 09316 82018", "PHONE", "09316 82018"),  # a rejected start no longer hides the phone
        ("October 1995. +49 30 12345678\n5500 0000 0000 0004. Visa", "CREDIT_CARD", "5500 0000 0000 0004"),
        ("0061/45/243/73 4111 1111 1111 1111: std", "CREDIT_CARD", "4111 1111 1111 1111"),
        ("SSN 003 98 4353", "US_SSN", "003 98 4353"),  # "003" is no dialling code: no country has code 3
        ("Kontakt: oliver.moore(at)web.de. Danke", "EMAIL", "oliver.moore(at)web.de"),  # the sentence ends
    ],
)
def test_what_stands_next_to_a_number_does_not_hide_it(text: str, entity: str, value: str) -> None:
    assert value in _found(text, entity), detect(text)
