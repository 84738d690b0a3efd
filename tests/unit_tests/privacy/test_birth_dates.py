"""Birth dates in the forms people and programs write, and special categories next to a person (issue 12).

Each class came from text the project had not seen (clinical letters, forms, generated
variants): the dates of birth after a keyword or a star in formats the detector missed, a
later date on a birth date's line read as a second birth date, and GDPR Art. 9 words the
keyword list lacked. Each positive class has negative twins: the nearest clean text.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_aegis.privacy import detect


def found(text: str) -> list[tuple[str, str]]:
    return [(f.entity, text[f.start : f.end]) for f in detect(text)]


def birth_dates(text: str) -> list[str]:
    return [value for entity, value in found(text) if entity == "DATE_OF_BIRTH"]


def special(text: str) -> list[str]:
    return [value for entity, value in found(text) if entity == "SPECIAL_CATEGORY"]


# --- dates of birth: month names glued to the day and year ---------------------------------

_KEYWORDS = ["DOB:", "D.O.B.", "dob", "Date of birth:", "Birth date:", "born", "Geburtsdatum:", "geb.", "geb. am",
             "geboren am", "Geburtstag:", "Geb.-Dat.:", "date_of_birth=", "dateOfBirth:", "birth_date:",
             "birthdate:", "geb_datum:", '"dob": ', '"birth_date": ']  # fmt: skip
_MONTHS = ["Jan", "Jan.", "Feb.", "Mär", "Mär.", "Mrz", "Mrz.", "März", "Apr", "Mai", "May", "Jun", "Juli", "Aug",
           "Sept.", "Sep", "Okt.", "Oct", "Nov", "NOV", "November", "Dez.", "Dec", "DEC"]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    keyword=st.sampled_from(_KEYWORDS),
    day=st.integers(1, 28),
    month=st.sampled_from(_MONTHS),
    year=st.integers(1930, 2015),
    separator=st.sampled_from(["-", ".", "/"]),
    tail=st.sampled_from(["", ".", ",", " (Patient)", "\n"]),
)
def test_day_month_year_glued_by_a_separator(
    keyword: str, day: int, month: str, year: int, separator: str, tail: str
) -> None:
    # An abbreviation's dot ends the month: "15.Jan. 1973", "15-Sept. 1973"; else "15-Nov-1973".
    value = f"{day:02d}{separator}{month}{' ' if month.endswith('.') else separator}{year}"
    text = f"{keyword} {value}{tail}"
    assert birth_dates(text) == [value], text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("DOB: 15-Nov-1973", "15-Nov-1973"),
        ("DOB: 15-NOV-1973", "15-NOV-1973"),
        ("DOB: 15.Nov.1973", "15.Nov.1973"),
        ("DOB: 15/Nov/1973", "15/Nov/1973"),
        ("Geburtstag: 03-Apr-1984", "03-Apr-1984"),
        ("geb. 19.Mär. 1955", "19.Mär. 1955"),
        ("geb. 19. Mrz. 1955", "19. Mrz. 1955"),
        ("DOB: 15 November, 1973", "15 November, 1973"),
        ("She was born on the 15th of November 1973 in Leeds.", "15th of November 1973"),
        ("DOB: 03-12-1985", "03-12-1985"),
        ("DOB: 3-12-85", "3-12-85"),
        ("dob: 1973/11/15", "1973/11/15"),
        ("Geburtsdatum: 1973.11.15", "1973.11.15"),
        ("She Was Born On 3Rd Of May 1990.", "3Rd Of May 1990"),  # title case: the whole date, not the year
    ],
)
def test_birth_date_formats_after_a_keyword(text: str, value: str) -> None:
    assert birth_dates(text) == [value]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("date_of_birth=1973-11-15", "1973-11-15"),
        ('{"birth_date": "1973-11-15", "name": "x"}', "1973-11-15"),
        ('dateOfBirth: "1973-11-15"', "1973-11-15"),
        ("patient.date-of-birth = 15.11.1973", "15.11.1973"),
        ("<birth-date>1973-11-15</birth-date>", "1973-11-15"),
        ("DATE_OF_BIRTH;NAME\n15/11/1973;x", "15/11/1973"),
    ],
)
def test_birth_date_after_a_key_name_in_code_and_data(text: str, value: str) -> None:
    assert birth_dates(text) == [value]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("* 14. 10. 1996", "14. 10. 1996"),
        ("Anna Schmidt (* 14. 10. 1996)", "14. 10. 1996"),
        ("Anna Schmidt, * 1. 3. 1961, Berlin", "1. 3. 1961"),
        ("Geburtsdatum: 14.10.96", "14.10.96"),
        ("* 14.10.96", "14.10.96"),
        ("* 12.03.1985 1122", "12.03.1985"),  # a digit run that goes on past the date
    ],
)
def test_star_before_a_date_with_spaces_and_two_digit_years(text: str, value: str) -> None:
    assert birth_dates(text) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "Release date: 15-Nov-2024",
        "Termin: 14. 10. 2025",
        "*Termin:* 14. 10. 2025",  # a star closing an emphasis, not a genealogical star
        "**Deadline** 14. 10. 2025",
        "Invoice 2024/11/15, due 15-Dec-2024",
        "Backup 1973/11/15 restored",  # a date, but no birth keyword and no star
        "geb. 31-Mar-1685 (J. S. Bach)",  # no living person
        "dob_field_length = 1024",
        "geb.\tTel. 0049 299-4-53-83-242-2",  # "4-53-83" is no day of the calendar
        "geb. 05.35.15",
    ],
)
def test_dates_without_a_birth_keyword_stay_clean(text: str) -> None:
    assert birth_dates(text) == []


# --- a birth keyword marks the first date after it --------------------------------------------


@settings(max_examples=80, deadline=None)
@given(
    keyword=st.sampled_from(["geb. am", "geb.", "geboren am", "DOB", "DOB:", "Date of birth:", "born"]),
    birth=st.sampled_from(["17.08.1958", "03/12/1985", "1958-08-17", "17. Aug. 1958"]),
    joiner=st.sampled_from([", Aufnahme ", ", aufgenommen am ", "; Entlassung ", ", admitted ", " - seen on "]),
    later=st.sampled_from(["14.01.2026", "01/14/2026", "2026-01-14", "14. Januar 2026", "14.01.26"]),
)
def test_a_later_date_on_the_birth_dates_line_is_no_birth_date(
    keyword: str, birth: str, joiner: str, later: str
) -> None:
    text = f"Pat. Irina Popovic, {keyword} {birth}{joiner}{later}"
    assert birth_dates(text) == [birth], text


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("geb. 03.04.1961", ["03.04.1961"]),
        ("DOB 03/12/1985", ["03/12/1985"]),
        ("geb. 1958, OP 2019", ["1958"]),
        ("Jahrgang 1961", ["1961"]),
        # two people, each with a keyword: both dates are birth dates
        ("Mutter geb. 03.04.1961, Vater geb. 05.06.1959", ["03.04.1961", "05.06.1959"]),
    ],
)
def test_each_keyword_still_marks_its_date(text: str, values: list[str]) -> None:
    assert birth_dates(text) == values


# --- special categories (GDPR Art. 9) next to a person ----------------------------------------

_PEOPLE = ["Thomas Müller", "Frau Anna Schmidt", "John Smith", "Mr. David Brown"]


@pytest.mark.parametrize(
    ("sentence", "term"),
    [
        # religion or belief
        ("{p} ist Zeugin Jehovas.", "Jehovas"),
        ("{p} ist Zeuge Jehovas.", "Jehovas"),
        ("{p} is a Jehovah's Witness.", "Jehovah"),
        ("{p} ist Mormone.", "Mormone"),
        ("{p} is a Mormon.", "Mormon"),
        ("{p} is Sikh.", "Sikh"),
        ("{p} ist Alevit.", "Alevit"),
        ("{p} ist griechisch-orthodox.", "griechisch-orthodox"),
        ("{p} is Greek Orthodox.", "Greek Orthodox"),
        ("{p} ist zum Islam konvertiert.", "zum Islam konvertiert"),
        ("{p} converted to Islam in 2019.", "converted to Islam"),
        ("{p} ist Muslima.", "Muslima"),
        # trade union membership
        ("{p} ist Mitglied der IG Metall.", "IG Metall"),
        ("{p} ist Mitglied bei ver.di.", "ver.di"),
        ("{p} ist Verdi-Mitglied.", "Verdi"),
        ("{p} ist GEW-Mitglied.", "GEW-Mitglied"),
        ("{p} ist Mitglied der IG BCE.", "IG BCE"),
        ("{p} is our union rep.", "union rep"),
        # political opinion
        ("{p} ist Mitglied bei Bündnis 90/Die Grünen.", "Bündnis 90"),
        ("{p} wählt Die Linke.", "Linke"),
        ("{p} ist AfD-Mitglied.", "AfD"),
        # sexual orientation and gender identity
        ("{p} ist nicht-binär.", "nicht-binär"),
        ("{p} is non-binary.", "non-binary"),
        ("{p} ist eine trans Frau.", "trans Frau"),
        ("{p} is gay.", "gay"),
        ("{p} is homosexual.", "homosexual"),
    ],
)
@pytest.mark.parametrize("person", _PEOPLE[::2])
def test_special_category_next_to_a_person(sentence: str, term: str, person: str) -> None:
    text = sentence.format(p=person)
    values = special(text)
    assert term in values, text
    assert any(person.split()[-1] in v for v in values), text


@pytest.mark.parametrize(
    "text",
    [
        "Verdis Oper Aida wurde 1871 in Kairo uraufgeführt, sagte Thomas Müller.",
        "Die Oper von Giuseppe Verdi gefällt Thomas Müller.",
        "Thomas Müller folgt uns auf IG und TikTok.",
        "John Smith prefers the orthodox approach to caching.",
        "Thomas Müller klickt in die linke Spalte.",
        "Thomas Müller: Die Linke Spalte zeigt die Summen.",
        "Thomas Müller hebt die linke Hand.",
        "Thomas Müller wohnt im Grünen.",
        "Thomas Müller, Gew. 82 kg, Größe 180 cm",
        "Thomas Müller ist Mitglied der Gewinnergruppe.",
        "John Smith will manage the trans-Atlantic cable.",
        "Patient Martha Gay, ICD F32.1, 54 years old",  # a surname
        "John Smith wrote about the conversion of the files to Islamic calendar dates.",
    ],
)
def test_special_category_twins_stay_clean(text: str) -> None:
    assert special(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Sikhism was founded in Punjab; Sikhs wear the turban.",
        "Jehovah's Witnesses refuse blood transfusions.",
        "Die IG Metall ist die größte Gewerkschaft Deutschlands.",
        "Non-binary people are often misgendered.",
    ],
)
def test_special_category_words_without_a_person_stay_clean(text: str) -> None:
    assert found(text) == []
