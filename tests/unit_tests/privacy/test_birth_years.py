# ruff: noqa: RUF001
# (typographic apostrophes on purpose)
"""A year of birth written short or with its month, and the year groups that are no one's birth (issue 12).

"Jahrgang 61", "born in '98" and "Geb. 7/1965" name a living person's birth as surely as
"Jahrgang 1961" does. "Jahrgang" also names a wine's vintage, a journal's volume and a school's
year group; those stay clean, and a person's "Jahrgang" beside them is still found.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_aegis.privacy import detect


def birth_dates(text: str) -> list[str]:
    return [text[f.start : f.end] for f in detect(text) if f.entity == "DATE_OF_BIRTH"]


@settings(max_examples=120, deadline=None)
@given(
    keyword=st.sampled_from(["Jahrgang", "Jahrgang:", "Jg.", "Jg", "Geburtsjahrgang", "JAHRGANG"]),
    year=st.integers(30, 99),
    apostrophe=st.sampled_from(["", "'", "’"]),
    tail=st.sampled_from(["", ",", ")", " und", ".", "\n"]),
)
def test_two_digit_year_after_jahrgang(keyword: str, year: int, apostrophe: str, tail: str) -> None:
    text = f"Herr Weber ({keyword} {apostrophe}{year}{tail} wohnt in Köln"
    assert birth_dates(text) == [f"{apostrophe}{year}"], text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Tom Baker, born in '98, lives in Leeds.", "'98"),
        ("Aylin Kaya, born ’87, works nights", "’87"),
        ("Patient: Weber, Jg. '61", "'61"),
        ("ich bin Jahrgang 02 und suche eine Wohnung", "02"),
        ("Mehmet (Jahrgang 59) wohnt bei seiner Tochter", "59"),
        ("DOB '87, allergies: none", "'87"),
    ],
)
def test_short_years_in_context(text: str, value: str) -> None:
    assert birth_dates(text) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "born 12 weeks early",  # a count, not a year
        "the baby was born 34 weeks into the pregnancy",
        "Zeitschrift für Sozialrecht, Jahrgang 61, Heft 3, S. 112",  # a journal's volume
        "Jahrgang 61 (2015), S. 4-9",
        "Die Schülerinnen aus Jahrgang 11 fahren nach Berlin.",  # a school's eleventh grade
        "Jahrgangsstufe 12, Kurs Mathematik",
        "born 42 days before the census",
        "Oldtimer, Jahrgang 67, TÜV neu.",  # a car's, a journal's, a product line's
        "Jahrgang 61 der Mitteilungen erschien 2015.",
        "Born in '98, the Walkman successor sold well.",
    ],
)
def test_short_numbers_that_are_no_birth_year(text: str) -> None:
    assert birth_dates(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Geb. 7/1965", "7/1965"),
        ("Geburtsdatum: 07/1965", "07/1965"),
        ("DOB: 04.1987", "04.1987"),
        ("geb. am 11/1970 in Ankara", "11/1970"),
        ("Geb.-Datum: 3/1948", "3/1948"),
    ],
)
def test_month_and_year_after_a_birth_keyword(text: str, value: str) -> None:
    assert birth_dates(text) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "Rechnung 07/2025, geb. Ausgabe",  # the keyword after the number
        "Geb. 13/1965",  # no month 13
        "geb. 7/1865",  # nobody living
        "DOB: see record 4/1987-22",
    ],
)
def test_month_and_year_not_a_birth(text: str) -> None:
    assert birth_dates(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Weingut Maier: 12 Fl. Riesling trocken, Jahrgang 2019, 0,75 l, je 9,80 EUR",
        "Spätburgunder Jahrgang 2018, 6 Flaschen",
        "Zeitschrift für Sozialrecht, Jahrgang 1998, Heft 4, S. 112",
        "Jahrgang 1998 (Band 12)",
        "Der Abiturjahrgang 2024 feiert am Freitag.",
        "Der Weinjahrgang 2003 war heiß.",
    ],
)
def test_vintages_volumes_and_school_years_are_no_birth(text: str) -> None:
    assert birth_dates(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # the person's year, with a vintage's or a volume's word elsewhere on the line or after it
        ("Herr Weber, Geburtsjahrgang 1961, trinkt gern Riesling", "1961"),
        ("ich bin Jahrgang 1988 und suche eine Wohnung", "1988"),
        ("Jahrgang 1961: Herr Weber, Bäcker", "1961"),
        ("Frau Kaya (Jahrgang 1975) hat das Heft verloren", "1975"),
        ("Wein trinkt er nicht.\nHerr Weber, Jahrgang 1961", "1961"),
    ],
)
def test_a_persons_jahrgang_beside_those_words(text: str, value: str) -> None:
    assert birth_dates(text) == [value]
