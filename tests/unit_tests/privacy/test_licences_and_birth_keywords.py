"""US driver's licences and birth dates written the way forms and exports write them.

Found by a red-team on unseen text: only ``DL#`` and "driver's license" were licence cues (not
``DL:``, a state before ``DL``, ``License: NY ...``, a snake_case key, Washington's ``WDL...``), and
``D.O.B`` without its last dot, ``b.``, ``bday`` and a bare year after ``DOB`` were not birth keywords.
"""

from __future__ import annotations

import pytest

from tests.unit_tests.privacy.test_real_text import found


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("DL: 602 276 320 (NY)", "602 276 320"),
        ("DL: U1425281 (CA)", "U1425281"),
        ("DL: WDLKCGFT1EY1 (WA)", "WDLKCGFT1EY1"),
        ("License: PA 39 534 167", "39 534 167"),
        ("License: CA X7117410", "X7117410"),
        ("Photo ID: CA DL K2480609", "K2480609"),
        ("Photo ID: WA DL WDLMGBTXG9Y4", "WDLMGBTXG9Y4"),
        ("NY driver's license 875 951 635", "875 951 635"),
        ("drivers_license_number,R557-675-14-837-5", "R557-675-14-837-5"),
        ("Driver's license: WDLGXOZWXPW2", "WDLGXOZWXPW2"),
        ("driver's license no. d1234567", "d1234567"),
    ],
)
def test_a_driver_licence_after_its_cue(text: str, value: str) -> None:
    assert found(text) == [("DRIVER_LICENSE", value)]


@pytest.mark.parametrize(
    "text",
    [
        "License: MIT",
        "License: Apache-2.0",
        "Licence: GPL-3.0-or-later",
        "Driver's license was renewed in 2019 and is valid.",
        "Hb 9,8 g/dl; CA DL fehlt",
        "License: XX 12345678",  # no US state
    ],
)
def test_a_software_licence_or_a_sentence_is_no_driver_licence(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("D.O.B 16/12/2001", "16/12/2001"),
        ("Jannik Wolkenhauer - b. 10/7/1965", "10/7/1965"),
        ("bday 04/03/1971", "04/03/1971"),
        ("age 44 (DOB 1983)", "1983"),
    ],
)
def test_a_birth_date_after_a_short_keyword(text: str, value: str) -> None:
    assert ("DATE_OF_BIRTH", value) in found(text)


def test_an_initial_b_before_a_year_is_no_birth_keyword() -> None:
    assert found("Burrill B. Crohn described it in 1932") == []


@pytest.mark.parametrize("plate", ["HRO-WM 3309", "SR-ZA 9393", "HAL-K 12", "WHV-AB 99", "DEG-X 7", "TR-AB 123"])
def test_a_plate_of_any_german_district_without_a_keyword(plate: str) -> None:
    # The district list had the 174 largest districts; the KBA's list has about 700 codes.
    assert found(f"Unfallgegner {plate}, silberner Opel Astra") == [("DE_LICENSE_PLATE", plate)]


@pytest.mark.parametrize(
    "text", ["MS-DOS 6.22", "ISO-IEC 27001", "UTF-8 encoded", "HP-UX 11.31", "HP-UX 10/11", "XYZ-AB 12"]
)
def test_a_hyphenated_code_that_is_no_district_is_no_plate(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "AN JT 4163 parkt seit Tagen vor der Ausfahrt.",
        "Der Transporter mit AUR W 4904 hat beim Ausparken gestreift.",
        "Strafzettel für HRO WM 3309",
        "Das Fahrzeug M AB 1234E ist ein E-Auto.",
    ],
)
def test_a_plate_written_with_spaces_and_no_keyword(text: str) -> None:
    assert [entity for entity, _ in found(text)] == ["DE_LICENSE_PLATE"]


@pytest.mark.parametrize(
    "text",
    ["Bitte im Format DIN A 4 drucken.", "DE AT 2024 CONFERENCE", "Die Messe findet in DE AT 2024 statt."],
)
def test_capitals_and_a_number_that_are_no_plate(text: str) -> None:
    assert found(text) == []
