# ruff: noqa: RUF001
# (typographic apostrophes and dashes on purpose)
"""Personal data a third set of documents written blind showed the detector missing (issue 12, 0.4.6).

By class: names of every origin (the US census's rare names), names written with a particle,
in capitals or surname first, criminal convictions (GDPR Art. 10), a chat's sender, terms people
write about their health, faith, partnership and pay. Each class has a clean twin where one
reads the same way without a person.
"""

from __future__ import annotations

import pytest

from langchain_aegis.privacy import detect


def covered(text: str, value: str) -> bool:
    """Whether a finding covers ``value`` in ``text``."""
    start = text.index(value)
    return any(f.start <= start and f.end >= start + len(value) for f in detect(text))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # names the census's rare tables hold, beside what is said of the person
        ("I spoke to Dariush Farahani about his insulin dose.", "Dariush Farahani"),
        ("Re: Parisa Ghorbani – sick note attached, she has pneumonia", "Parisa Ghorbani"),
        ("Chidi Okonkwo joined Unison last year", "Chidi Okonkwo"),
        ("Esfandiari, Sahar: HIV-Infektion bekannt (ED 2013)", "Esfandiari, Sahar"),
        ("Vermerk: Osei, Ibrahima, Diagnose lt. MA: Achillessehnenruptur rechts", "Osei, Ibrahima"),
        ("Für Krüger, Sabine bitte den ver.di-Mitgliedsbeitrag einbehalten", "Krüger, Sabine"),
        # a particle between the names
        ("Heike von Hagen hat sich im Team als trans geoutet.", "Heike von Hagen"),
        ("Bram de Vries joined Usdaw last month", "Bram de Vries"),
        ("Note on account of Caoimhe O'Mahony: she is undergoing IVF.", "Caoimhe O'Mahony"),
        # capitals in text that has lower case, and the surname first
        ("Note on account of SHONA MACLEOD: she is undergoing IVF", "SHONA MACLEOD"),
        ("The defendant, LIJUAN LIU, aged 28, was previously convicted of ABH", "LIJUAN LIU"),
        ("Claimant: LE LINH / Incident: kidney stones in Lisbon", "LE LINH"),
        ("please add Wu Zhiwei as husband of Gentian Zeqiri (same-sex marriage)", "Wu Zhiwei"),
        ("KYRIAKIDOU, Anastasia | 85 y/o female | Majors bay 4", "KYRIAKIDOU, Anastasia"),
    ],
)
def test_names_beside_what_is_said_of_them(text: str, name: str) -> None:
    assert covered(text, name), detect(text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Gentian Dervishi has a caution for possession of cannabis and two previous convictions", "Gentian Dervishi"),
        ("Trevor Robinson pleaded guilty to burglary of a dwelling.", "Trevor Robinson"),
        ("Anna Schmidt ist vorbestraft.", "Anna Schmidt"),
        ("Herr Jonas Weber wurde zu einer Freiheitsstrafe von zwei Jahren verurteilt.", "Jonas Weber"),
        ("Marek Nowak, criminal record: none disclosed", "Marek Nowak"),
        ("Thomas Berger received a suspended sentence in 2021.", "Thomas Berger"),
    ],
)
def test_criminal_convictions_beside_a_name(text: str, name: str) -> None:
    assert covered(text, name), detect(text)


@pytest.mark.parametrize(
    "text",
    [
        "The defendant pleaded guilty; sentencing guidelines apply to offenders of this category.",
        "Vorstrafen sind im Bewerbungsverfahren nur anzugeben, wenn sie für die Stelle erheblich sind.",
        "A suspended sentence may be imposed for a term of up to two years.",
    ],
)
def test_criminal_law_without_a_person_stays_clean(text: str) -> None:
    assert detect(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("[13.05.24, 10:22] Elena: war beim arzt. mittelgradige depressive Episode", "Elena"),
        ("13/05/2024, 10:22 - Marta Zając: my WCC 16.8 x10^9/L apparently", "Marta Zając"),
        ("Cody Jennings [11:04 AM]: my ALT 198 U/L apparently, they want me back", "Cody Jennings"),
        ("Cody [9:36 AM]: got my results back... it's lymphoma", "Cody"),
        ("[10.04.24, 21:11] Lena: bin in der 10. SSW aber bitte noch niemandem sagen!!", "Lena"),
    ],
)
def test_a_chat_sender_writing_about_themselves(text: str, name: str) -> None:
    assert covered(text, name), detect(text)


@pytest.mark.parametrize(
    "text",
    [
        "2024-05-01 10:22 - INFO: cancer registry import done",
        "[2024-05-01 10:22:01] worker: diabetes module loaded",
        "[2024-05-01T10:22:01Z] ERROR: HIV test catalogue sync failed",
    ],
)
def test_a_log_line_is_no_chat(text: str) -> None:
    assert detect(text) == []


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Absence log: Flores, José | Reason: food poisoning", "food poisoning"),
        ("Aleksandra Wieczorek hat uns mitgeteilt, dass ihr ein GdB 50 zuerkannt wurde.", "GdB"),
        ("Andrea Neumann lebt in einer eingetragenen Lebenspartnerschaft mit Sara Santoro.", "Lebenspartnerschaft"),
        ("Agnieszka Zielińska has asked for Fridays off for Jumu’ah prayers.", "Jumu’ah"),
        ("Efua Nwachukwu called in sick – a broken collarbone", "collarbone"),
        ("Änderung Stammdaten: Nour Hamdan – Geschlechtseintrag nach SBGG geändert", "Geschlechtseintrag"),
        ("Thanasis Vlachos berichtet über Durchfall seit drei Tagen", "Durchfall"),
        ("Hi Tarek, your starting remuneration will be £68,465 p.a.", "remuneration"),
    ],
)
def test_terms_people_write_beside_a_name(text: str, term: str) -> None:
    found = {text[f.start : f.end] for f in detect(text)}
    assert term in found, found


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Driver: I have a parcel for Yasmin Younes, 64 Elm Grove. No answer at the door", "64 Elm Grove"),
        ("Tenant: Ngoc Nelson, 12 Church Mews, Leeds LS6 4DL", "Ngoc Nelson"),
    ],
)
def test_addresses_on_streets_the_patterns_lacked(text: str, value: str) -> None:
    assert covered(text, value), detect(text)
