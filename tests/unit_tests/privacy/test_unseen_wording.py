"""Birth dates, health and identifiers as a blind set wrote them, and the clean text they must leave alone.

A date said before "geboren", a star a word processor sets ("✱ 09.11.1979"), symptoms, injuries and lab
units next to a name; and on the clean side, found by 752 clean documents written blind and 1,000 real
files: a DNS zone's serial read as a card (a card's first digits now name its network), a company's VAT
ID read as a passport, public IPv6 resolvers, the 555-01xx fiction range after a phone keyword, a role
mailbox read as a surname ("presse@"), and a letterhead in capitals.
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
    ["Goethe wurde am 28. August 1749 geboren.", "1849 - Bertha Benz is born in Pforzheim.\n1914 - a treaty is signed."],
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
