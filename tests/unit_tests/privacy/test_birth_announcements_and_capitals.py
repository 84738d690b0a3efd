"""Personal data the detector missed in sets written blind (0.4.7), each with a clean twin.

A birth announcement's date (the child's date of birth, told by its weight and length and a family's
words), a UK postcode in a card typed all in capitals ("READING RG1 5AQ", which re-casing had turned into
"Rg1 5Aq"), and the writer's own address after "the party is at mine!!".
"""

from __future__ import annotations

import pytest

from langchain_aegis.privacy import detect


def _found(text: str, value: str, entity: str | None = None) -> bool:
    i = text.index(value)
    return any(f.start < i + len(value) and f.end > i and entity in (None, f.entity) for f in detect(text))


@pytest.mark.parametrize(
    ("text", "birth"),
    [
        (
            "Wir freuen uns riesig!\n\nPavel ist da.\n15. Mai 2024 um 20:43 Uhr\n3.480 g - 52 cm\n\nMit Liebe",
            "15. Mai 2024",
        ),
        (
            "Wir sind überglücklich!\n\nMika\n31.10.2016, 7:56 Uhr\n3.850 g · 50 cm\n\nDie glücklichen Eltern",
            "31.10.2016",
        ),
        ("Welcome to the world, little one! Born 3 March 2025 at 04:12, 7lb 3oz.", "3 March 2025"),
        ("Unsere Tochter Lina wurde am 02.02.2023 geboren: 2980 Gramm, 49 cm.", "02.02.2023"),
    ],
)
def test_a_birth_announcements_date_is_a_date_of_birth(text: str, birth: str) -> None:
    assert _found(text, birth, "DATE_OF_BIRTH")


@pytest.mark.parametrize(
    "text",
    [
        "Lieferung am 15.05.2024\nGewicht 1.250 g · 45 cm",
        "Paket vom 15.05.2024 um 10:30 Uhr: 2.500 g, 40 cm",
        "Release 3.2 (12.03.2024): the 4.500 g model is now 38 cm wide.",
    ],
)
def test_a_parcels_or_a_products_weight_and_date_are_no_birth(text: str) -> None:
    assert [f for f in detect(text) if f.entity == "DATE_OF_BIRTH"] == []


@pytest.mark.parametrize(
    ("text", "postcode"),
    [
        (
            "SORRY WE MISSED YOU\nSOMETHING FOR: FIONA FRASER\nADDRESS: FLAT 8, 31 HAWTHORN CLOSE\nREADING RG1 5AQ",
            "RG1 5AQ",
        ),
        ("PATIENT: SINEAD KELLY\n22 BEECHWOOD GARDENS\nLONDON SW1A 1AA", "SW1A 1AA"),
        ("DELIVER TO: MARK HUGHES, 4 MILL LANE, MANCHESTER M1 1AE", "M1 1AE"),
    ],
)
def test_a_uk_postcode_in_a_card_typed_in_capitals_is_part_of_the_address(text: str, postcode: str) -> None:
    assert _found(text, postcode, "ADDRESS")


def test_a_german_house_number_with_a_letter_typed_in_capitals_still_ends_the_street() -> None:
    text = "EMPFÄNGER: ANNA SCHMIDT, KIRCHGASSE 79A, 50667 KÖLN"
    assert _found(text, "KIRCHGASSE 79", "ADDRESS")


def test_the_writers_address_after_an_exclamation_is_theirs() -> None:
    text = "ok so the party is at mine!! 110 Church Lane, York YO10 9GR from 7. text me if u get lost"
    assert _found(text, "110 Church Lane", "ADDRESS")
