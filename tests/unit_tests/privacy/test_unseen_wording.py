# ruff: noqa: RUF001
"""Birth dates, health and identifiers as a blind set wrote them, and the clean text they must leave alone.

A date said before "geboren", a star a word processor sets ("✱ 09.11.1979"), symptoms, injuries and lab
units next to a name; and on the clean side, found by 752 clean documents written blind and 1,000 real
files: a DNS zone's serial read as a card (a card's first digits now name its network), a company's VAT
ID read as a passport, public IPv6 resolvers, the 555-01xx fiction range after a phone keyword, a role
mailbox read as a surname ("presse@"), a letterhead in capitals, a life that ended long ago ("† 1943"), an
institution named after someone ("Robert Koch-Institut"), and a thing's name field ("Log Name:").
"""

from __future__ import annotations

import pytest

from tests.unit_tests.privacy.test_real_text import found


def entities(text: str) -> set[str]:
    return {entity for entity, _ in found(text)}


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Frau Anke Möller wurde am 18. August 1950 geboren.", "18. August 1950"),
        ("Sie wurde am 18.08.1950 in Bad Kissingen geboren.", "18.08.1950"),
        ("Er ist 1961 in Köln geboren.", "1961"),
        ("Uwe Nöthen ✱ 09.11.1979", "09.11.1979"),
        ("Uwe Nöthen ∗ 09.11.1979", "09.11.1979"),
    ],
)
def test_a_birth_date_before_its_verb_or_after_any_star_is_found(text: str, date: str) -> None:
    assert ("DATE_OF_BIRTH", date) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Goethe wurde am 28. August 1749 geboren.",
        "1849 - Bertha Benz is born in Pforzheim.\n1914 - a treaty is signed.",
    ],
)
def test_a_birth_long_ago_or_a_year_after_the_sentence_is_no_birth_date(text: str) -> None:
    assert "DATE_OF_BIRTH" not in entities(text)


@pytest.mark.parametrize(
    "term",
    ["chest pain", "shortness of breath", "Luftnot", "Brustschmerzen", "schwindelig", "night sweats",
     "pulmonary embolism", "hyperthyroidism", "Krampfanfall", "concussion", "broken wrist", "melanoma", "gout",
     "Biopsie", "PSA 12,6 ng/ml"],
)  # fmt: skip
def test_symptoms_injuries_and_lab_units_next_to_a_name_are_health_data(term: str) -> None:
    assert "HEALTH" in entities(f"Anna Schmidt: {term}")


@pytest.mark.parametrize(
    "text",
    [
        "$TTL 3600\n@ IN SOA ns1.example.com. hostmaster.example.com. ( 2024011701 7200 3600 1209600 3600 )",
        "JetBrains s.r.o., Na Hřebenech II 1718/10, Prague, VAT CZ26502275.",
        "USt-IdNr.: CZ26502275",
        "nameservers:\n  addresses: [10.158.190.62, 9.9.9.9, 2620:fe::fe]",
        "nameserver 2001:4860:4860::8888",
        'placeholder: "Phone: (555) 555-0100"',
        "Tel. 089 215 466-423, presse@kaltenbach-verlag.de, Kaltenbach Verlag GmbH",
        "HARROW & FINCH LTD.\n14 Wharf Road\nLondon N1 7RW\nTel +44 20 7946 0000",
    ],
)
def test_technical_and_company_text_stays_clean(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("Login von 2a02:8109:9a40:1234::17", "IP_ADDRESS"),
        ("Reisepass C01X00T47", "DE_PASSPORT"),
        ("Phone: (415) 555-2671", "PHONE"),
        ("Anna Schmidt, presse@anna-schmidt-fotografie.de, Tel. 089 215 466-423, Kaltenbach GmbH", "PHONE"),
    ],
)
def test_their_personal_twins_stay_found(text: str, entity: str) -> None:
    assert entity in entities(text)


@pytest.mark.parametrize(
    "text",
    [
        "Pemberton Office Supplies Ltd. - Head Office: Pemberton House, 3 Market Street, Manchester M1 1PW",
        "Offices\nLondon - 30 St Mary Axe, London EC3A 8BF",
        "Hinweis der Apotheke: Bitte bewahren Sie Arzneimittel für Kinder unzugänglich auf. Insulin im Kühlschrank.",
        "Sophie Scholl (* 9. Mai 1921 in Forchtenberg; † 22. Februar 1943 in München) war Widerstandskämpferin.",
        "Das Robert Koch-Institut meldete 120 Fälle von Masern, labordiagnostisch bestätigt.",
        "Log Name:      System\nSource:        Microsoft-Windows-Kernel-Power\nComputer Name: DESKTOP-1",
        "Maintenance window: web-01 will be patched on Monday January 29; the clinic's insulin pumps are not affected.",
        "sentryDsn: 'https://c26a5dc1d8878ec395ad1975cd2ef0c1@o386003.ingest.sentry.io/5667546',",
        "Known issue: PoE budget reported as 0 W after upgrade from versions below 2.4.0.12.",
    ],
)
def test_company_and_technical_text_a_blind_set_flagged_stays_clean(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("Anna Schmidt, Fotografin\nSteuernummer 21/587/24076", "DE_TAX_NUMBER"),
        ("Kontakt | Anna Schmidt | Brenner GmbH | Tel. 0151 23456789", "PHONE"),
        ("anna.schmidt | Acme GmbH | Zentrale | anna.schmidt@gmail.com", "EMAIL"),
        ("Opa Heinz (* 3. Mai 1941; † 2. Juni 2024) hatte Demenz", "DATE_OF_BIRTH"),
        ("Full Name: Berit Okonkwo", "PERSON"),
        ("Ihr Name: Berit Okonkwo", "PERSON"),
        ("John Lane hat Diabetes", "HEALTH"),
        ("Frau Koch-Meier hat Diabetes", "HEALTH"),
        ("ftp://anna.schmidt@files.example-host.de/", "EMAIL"),
        ("August Becker hat Diabetes Typ 2.", "HEALTH"),
        ("Am Montag kam Frau Kowalski mit Diabetes Typ 2.", "HEALTH"),
        ("Login von 84.12.34.56 nach dem Upgrade auf Version 2", "IP_ADDRESS"),
    ],
)
def test_their_personal_twins_a_blind_set_checked_stay_found(text: str, entity: str) -> None:
    assert entity in entities(text)


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Gast: LJUDMILA SMIRNOWA  GEB.DAT. 12021976  NAT.: DEU", "12021976"),
        ("Dimitrios Karamanlis (DOB 19781002) - account reopened", "19781002"),
        ('{"name":"Şükrü Karagöz","geburtsdatum":"19630309"}', "19630309"),
        ("Rider Adaeze Adebayo (YOB 1956) finished 14th", "1956"),
    ],
)
def test_a_compact_birth_date_or_a_year_of_birth_after_its_keyword_is_found(text: str, date: str) -> None:
    assert ("DATE_OF_BIRTH", date) in found(text)


def test_a_compact_number_without_a_birth_keyword_is_no_birth_date() -> None:
    assert "DATE_OF_BIRTH" not in entities("Bestellnummer 19781002 versandt")
