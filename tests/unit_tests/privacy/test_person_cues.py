# ruff: noqa: RUF001
"""Names introduced the way people write them: role labels, self-introductions, short sign-offs,
titles, name fields; particles kept inside a name; surname first; unknown names before a birth date.

Each class has its negative twins: the nearest clean text (a package's "name" field, "Pat. pending",
"Mag." for Magazin, "Best regards, The Acme Team") stays clean.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_aegis.privacy import detect, redact_text


def persons(text: str) -> list[str]:
    """The text of every PERSON finding (as HEALTH or SPECIAL_CATEGORY too: the person is one of them)."""
    return [text[f.start : f.end] for f in detect(text) if f.entity in ("PERSON", "HEALTH", "SPECIAL_CATEGORY")]


def flagged(text: str) -> list[str]:
    return [f.entity for f in detect(text)]


FIRST = ["Anna", "Hans", "John", "Mary", "Sabine", "Linda", "Robert"]
LAST = ["Schmidt", "Müller", "Smith", "Johnson", "Garcia", "Brown"]
names = st.tuples(st.sampled_from(FIRST), st.sampled_from(LAST)).map(" ".join)


# --- 1. cues people write -------------------------------------------------------------------------

ROLE_LABELS = [
    "Mieter", "Mieterin", "Vermieter", "Antragsteller", "Antragstellerin", "Bewerber(in)", "Bewerberin",
    "Ansprechpartner", "Ansprechpartnerin", "Kontaktperson", "Applicant", "Tenant", "Next of kin",
    "Contact person", "Emergency contact", "Versicherungsnehmer", "Pat.", "Betreff", "Betr.",
]  # fmt: skip


@pytest.mark.parametrize("label", ROLE_LABELS)
@given(name=names, sep=st.sampled_from([": ", ":\t", ":\n", " : "]))
@settings(max_examples=8, deadline=None)
def test_a_role_label_introduces_a_lexicon_name(label: str, name: str, sep: str) -> None:
    text = f"{label}{sep.replace(' : ', ': ')}{name}\n"
    found = persons(text)
    assert found, text
    assert found[0].endswith(name), (text, found)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Mieter: Asger Baastrup", "Asger Baastrup"),
        ("Bewerber(in): Oluwaseun Okafor\n", "Oluwaseun Okafor"),
        ("Pat.: Helmfried Koenig", "Helmfried Koenig"),
        ("Next of kin:\tPriya Okafor", "Priya Okafor"),
    ],
)
def test_a_person_role_field_holds_a_name_outside_the_lexicon(text: str, name: str) -> None:
    assert any(found.endswith(name) for found in persons(text)), persons(text)


@pytest.mark.parametrize(
    "text",
    [
        "Kontaktperson: Vertrieb Nord",
        "Ansprechpartner: Technischer Support",
        "Antragsteller: Stadtwerke München",
        "Bewerberin: Junior Entwicklerin",
        "Kontaktperson: Vertrieb",
        "Applicant: Acme Corp",
        "Next of kin: not provided",
        "Der Mieter hat die Kaution bezahlt.",
        "Betreff: Rechnung Nr. 4711 vom 05.07.2024",
        "Antragsteller: Firma Becker Logistik GmbH",
        "Pat. pending",
        "Pat.-Nr. 12345",
        "US Pat. No. 7,654,321",
        "Tenant: Acme Holding",
    ],
)
def test_a_role_label_before_no_name_stays_clean(text: str) -> None:
    assert flagged(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("My name is John Smith and I need help.", "John Smith"),
        ("Hello, my name is Robert Brown.", "Robert Brown"),
        ("I'm John Smith, the tenant of flat 3.", "John Smith"),
        ("I’m Mary Johnson from the third floor.", "Mary Johnson"),
        ("I am Linda Garcia and I lost my card.", "Linda Garcia"),
        ("Ich bin Anna Schmidt und wohne hier.", "Anna Schmidt"),
        ("Hallo, ich bin Hans.", "Hans"),
        ("Mein Name ist Anna Schmidt.", "Anna Schmidt"),
        ("Ich heiße Sabine Müller.", "Sabine Müller"),
        ("She was born abroad. Her maiden name is Smith", "Smith"),
        ("MY NAME IS JOHN SMITH", "JOHN SMITH"),
    ],
)
def test_a_self_introduction_names_the_writer(text: str, name: str) -> None:
    assert name in persons(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'm Feeling Lucky",
        "My name is not important",
        "I'm Going Home tonight",
        "Ich bin Entwickler bei Siemens.",
        "I am Groot",
        "The file name is Config.yaml",
        "Ich bin Deutscher und wohne in Berlin.",
    ],
)
def test_a_self_introduction_phrase_before_no_name_stays_clean(text: str) -> None:
    assert flagged(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Bis morgen!\nLG\nAnna Schmidt", "Anna Schmidt"),
        ("Danke dir.\n\nVG Anna", "Anna"),
        ("Alles klar.\nLg,\nSabine", "Sabine"),
        ("Anbei die Unterlagen.\nMfG\nHans Müller", "Hans Müller"),
        ("See you then.\nRegards, John Smith", "John Smith"),
        ("Sounds good.\nBest, Anna", "Anna"),
        ("Thanks, Mary\n", "Mary"),
        ("Bis bald\nGrüße aus Köln\nAnna Schmidt", "Anna Schmidt"),
        ("Viele Grüße und ein schönes Wochenende\nAnna Schmidt", "Anna Schmidt"),
        ("Best wishes from Berlin\nRobert Brown", "Robert Brown"),
    ],
)
def test_a_sign_off_names_the_writer(text: str, name: str) -> None:
    assert name in persons(text)


@pytest.mark.parametrize(
    "text",
    [
        "Best regards, The Acme Team",
        "Regards, Support Team",
        "Kind regards,\nThe Release Team",
        "LG Electronics released a new OLED TV",
        "VG Wort zahlt die Ausschüttung aus.",
        "Best, Regards",
        "Viel Erfolg\nMaschinenbau GmbH",
        "Grüße aus Köln\nDie Redaktion",
    ],
)
def test_a_sign_off_before_a_team_or_company_stays_clean(text: str) -> None:
    assert flagged(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Priv.-Doz. Cornelia Müller", "Cornelia Müller"),
        ("PD Dr. Hans Müller", "Hans Müller"),
        ("Dipl.-Ing. Hans Müller", "Hans Müller"),
        ("Mag. Anna Schmidt", "Anna Schmidt"),
        ("Ing. Hans Müller", "Hans Müller"),
        ("MUDr. Jan Novak", "Jan Novak"),
        ("Univ.-Prof. Anna Schmidt", "Anna Schmidt"),
        ("Prim. DDr. Herwig Leber", "Herwig Leber"),
        ("Hr. Müller Hans war vom 8.3. bis 22.3.2025 bei uns.", "Müller Hans"),
        ("Fr. Anna Schmidt", "Anna Schmidt"),
    ],
)
def test_a_title_introduces_a_name(text: str, name: str) -> None:
    found = persons(text)
    assert found, text
    assert found[0].endswith(name), found


@pytest.mark.parametrize(
    "text",
    [
        "Wir suchen: Dipl.-Ing. (FH) Maschinenbau",
        "Dipl.-Ing. Maschinenbau oder vergleichbar",
        "Mag. Ausgabe 3/2024",
        "Öffnungszeiten Mo.-Fr. Sprechstunde nach Vereinbarung",
        "Ing. Büro für Statik",
    ],
)
def test_a_title_before_no_name_stays_clean(text: str) -> None:
    assert flagged(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"name": "Anna Schmidt", "age": 41}', ["Anna Schmidt"]),
        ('{"full_name": "Hans Müller"}', ["Hans Müller"]),
        ('{"firstName": "Anna", "lastName": "Schmidt"}', ["Anna", "Schmidt"]),
        ("{'patient_name': 'Mary Johnson'}", ["Mary Johnson"]),
        ('{"contributors": [], "patient": {"name": "Anna Schmidt"}}', ["Anna Schmidt"]),
        ("vorname;nachname;strasse\nHans;Müller;Hauptstraße 5\nGerlinde;Klabauter;Am Hang 3\n", ["Hans", "Müller"]),
        ("first_name,last_name,email\nJohn,Smith,x\nMary,Okonkwo,y\n", ["John", "Smith", "Mary", "Okonkwo"]),
    ],
)
def test_a_name_field_holds_a_name(text: str, expected: list[str]) -> None:
    found = persons(text)
    assert all(name in found for name in expected), found


@pytest.mark.parametrize(
    "text",
    [
        '{"name": "requests", "version": "2.31.0"}',
        '{"name": "Build Docker image", "run": "docker build ."}',
        "- name: Build Docker image\n  run: make",
        "Name: PyJWT",
        "Name Server: ns1.example.com",
        '{"name": "Black", "type": "formatter"}',
        '{"contributors": [{"name": "Anna Schmidt", "url": "https://github.com/a"}]}',
        '{"author": {"name": "John Smith", "email": "john@example.com"}}',
        "name,version\nrequests,2.31\nnumpy,1.26\n",
    ],
)
def test_a_name_field_holding_a_technical_value_or_a_credit_stays_clean(text: str) -> None:
    assert flagged(text) == []


# --- 2. particles -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Prof. Dr. Burkhard zur Hausen", "Burkhard zur Hausen"),
        ("Frau Maria von der Leyen", "Maria von der Leyen"),
        ("Herr Jan van der Berg", "Jan van der Berg"),
        ("Thanks,\nSabine von Bülow", "Sabine von Bülow"),
        ("Frau Anna de la Cruz", "Anna de la Cruz"),
        ("Herr Jan van den Broek", "Jan van den Broek"),
        ("Herr Jan ten Hove", "Jan ten Hove"),
        ("Frau Anna vom Stein", "Anna vom Stein"),
        ("Herr Paul O'Brien", "Paul O'Brien"),
        ("Frau von der Leyen", "von der Leyen"),
        ("herr jan van der berg", "jan van der berg"),
        ("HERR JAN VAN DER BERG", "JAN VAN DER BERG"),
    ],
)
def test_a_name_with_particles_is_redacted_whole(text: str, name: str) -> None:
    redacted = redact_text(text)
    assert name.split()[-1] not in redacted, redacted
    assert any(found.endswith(name) for found in persons(text))


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Bitte Herrn Meier zur Kenntnis geben.", "zur Kenntnis"),
        ("Herr Schmidt vom Vertrieb ruft zurück.", "vom Vertrieb"),
        ("Die Frau vom Amt kam nicht.", "Frau vom Amt"),
        ("Er ist Herr der Ringe.", "Herr der Ringe"),
        ("Frau Anna Schmidt von der Post", "von der Post"),
    ],
)
def test_a_preposition_after_a_surname_starts_no_name(text: str, kept: str) -> None:
    assert kept in redact_text(text)


# --- 3. surname first -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Pat.: Klabauter, Gerlinde\nDiagnose: Epilepsie", "Klabauter, Gerlinde"),
        ("Pat.: von Bülow, Katarzyna\nDiagnose: Mammakarzinom", "von Bülow, Katarzyna"),
        ("Patient: Okonkwo, Mehmet", "Okonkwo, Mehmet"),
        ("Name: Okonkwo, Mehmet (geb. 1970)", "Okonkwo, Mehmet"),
        ("Okonkwo, Mehmet\nHauptstraße 5\n10115 Berlin", "Okonkwo, Mehmet"),
    ],
)
def test_a_surname_first_name_is_found_whole(text: str, name: str) -> None:
    assert any(found.endswith(name) for found in persons(text)), persons(text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("PATIENT: LE, SILVIO", "LE"),
        ("HERR LE 54YO", "LE"),
        ("kunde: van stomer", "van stomer"),
        ("Bitte an herr van Simmonds weiterleiten", "van Simmonds"),
        ("Patientin: Oberhauser, Russell  253 486 4114 AG.", "Oberhauser"),
    ],
)
def test_a_particle_word_that_is_the_name_stays_found(text: str, name: str) -> None:
    assert any(name in found for found in persons(text)), persons(text)


@pytest.mark.parametrize(
    "text", ["Sehr geehrter Herr Müller, Anna hat angerufen.", "Sehr geehrte Müller, Anna\n", "Hallo Müller, Anna\n"]
)
def test_a_comma_after_a_salutation_name_does_not_join_the_next_word(text: str) -> None:
    assert "Anna" not in persons(text)[0]


# --- 4. names outside the lexicon next to strong context ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Betr.: Asger Baastrup, geb. 5.7.54, Schleswiger Str. 95a, 24941 Flensburg", "Asger Baastrup"),
        ("Pat. Irina Popovic, geb. am 17.08.1958", "Irina Popovic"),
        ("Helmfried Koenig * 13.09.1955", "Helmfried Koenig"),
        ("Asger Baastrup, born 12 March 1961, lives in Aarhus.", "Asger Baastrup"),
        ("Hans-Peter Knoblauch, 62M, presents with asthma.", "Hans-Peter Knoblauch"),
    ],
)
def test_an_unknown_name_before_a_birth_date_or_an_age_is_a_person(text: str, name: str) -> None:
    assert any(found.endswith(name) for found in persons(text)), persons(text)


@pytest.mark.parametrize(
    "text",
    [
        "Johann Sebastian Bach, geb. 31.03.1685 in Eisenach",
        "Die Blechtrommel, geb. Ausgabe, 24,90 €",
        "Neue Ausgabe der Zeitung erscheint am 05.07.2024.",
        "Release Notes, born of a long discussion in 2024",
        "The Great Gatsby is a novel",
    ],
)
def test_a_capitalised_phrase_without_a_living_birth_date_stays_clean(text: str) -> None:
    assert "PERSON" not in flagged(text)
