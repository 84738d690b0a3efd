"""Names in a form's person fields, after a clinical letter's "Patienten", and in clauses; and their look-alikes.

Found by a red-team on unseen text: ``Full name: Margaret Smith``, ``Patient name:``, ``Kundenname:``,
``Name des Patienten:``, ``First name:``/``Last name:``, ``Cardholder:`` and ``Kontoinhaber:`` were
missed (only the capitalised ``Name:`` was a cue), as were ``unserem Patienten Krüger`` and the
docs' own ``Horvat hat Diabetes``. Each family has its look-alikes that must stay clean.
"""

from __future__ import annotations

import pytest

from tests.unit_tests.privacy.test_real_text import found

_FIELDS = [
    "Full name: Margaret Smith",
    "full_name: Margaret Smith",
    "Patient name: Margaret O'Brien",
    "Pt name: Margaret Smith",
    "Customer name: Asger Baastrup",
    "Employee name: Margaret Smith",
    "Display name: Margaret Smith",
    "Mother's name: Margaret Smith",
    "Patientenname: Margarete Schmidt",
    "Kundenname: Asger Baastrup",
    "Name des Patienten: Margarete Schmidt",
    "Name der Patientin: Asger Baastrup",
    "Name of account holder: Asger Baastrup",
    "First name: Asger\nLast name: Baastrup",
    "Last name (required): Baastrup",
    "Cardholder: Margaret Smith",
    "Account holder: Asger Baastrup",
    "Kontoinhaber: Margarete Schmidt",
    "Passenger: Margaret Smith",
    "Reporter: Margaret Smith",
    "Assigned to: Margaret Smith",
    "Bearbeiter: Margarete Schmidt",
]


@pytest.mark.parametrize("text", _FIELDS)
def test_a_person_field_holds_a_person(text: str) -> None:
    assert found(text), text
    assert {entity for entity, _ in found(text)} == {"PERSON"}, found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Host name: Server01",
        "Company name: Acme",
        "customer_name: Acme Corp",
        "Product name: Margaret",
        "User name: Margaret",
        "first_name: String",
        "Full name: Required",
        "| First name | Last name |",
        "filename: Thomas.txt",
        "- name: Mark stale issues",
        "Reporter: Jenkins Bot",
        "Assigned to: Team Platform",
        "Empfänger: Finanzamt Köln",
        "Inhaber: Müller Bau GmbH",
        "Guest Wi-Fi password is on the card.",
        "Student Loan Servicing",
    ],
)
def test_a_field_of_a_thing_holds_no_person(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Bei unserem Patienten Krüger besteht eine depressive Episode.",
        "Bei Ihrem Patienten Harms zeigt sich eine Divertikulitis.",
        "Wir berichten über unseren gemeinsamen Patienten Rosemann. Diagnose: Vorhofflimmern.",
        "Horvat hat Diabetes.",
        "Thomsen hat Diabetes.",
        "Petersen leidet an Asthma.",
    ],
)
def test_a_patient_or_a_surname_opening_a_clause_next_to_a_diagnosis(text: str) -> None:
    assert "HEALTH" in {entity for entity, _ in found(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Alle Patienten Daten werden verschlüsselt; Diabetes-Sprechstunde montags.",
        "Für Patienten Aufklärung über Diabetes",
        "Das Wissen hat Grenzen: Diabetes ist komplex.",
        "Der Rasen hat Diabetes",
    ],
)
def test_the_plural_and_nouns_before_a_diagnosis_are_no_person(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "The compiler emits a diagnostic when the given value is out of range.",
        "Enable diagnostic logging with --verbose; the output is very long.",
    ],
)
def test_capitals_that_recasing_gave_a_stretch_of_cased_text_make_no_name(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    "text",
    ["Please process: müller hat diabetes", "Notiz: anna schmidt hat diabetes typ 2", "ioana brennecke has asthma"],
)
def test_names_typed_in_lower_case_stay_found(text: str) -> None:
    assert "HEALTH" in {entity for entity, _ in found(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Kurzbrief\nPat. Celik\nDx: Ambulant erworbene Pneumonie rechts basal (J18.9)",
        "Dmitri Poppinga stellte sich in unserer Notaufnahme vor.\nDiagnose: Gastrointestinale Blutung (K92.2)",
        "Watson stopped taking prednisone 20 mg.",
        "Adeyemi stopped taking furosemide 40 mg.",
    ],
)
def test_a_patient_abbreviation_or_a_clause_verb_of_a_letter(text: str) -> None:
    assert "HEALTH" in {entity for entity, _ in found(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Pat. Aufnahme am Montag",
        "The Server stopped responding; diagnostic logs attached.",
        "Docker started the container; diagnosis pending.",
    ],
)
def test_nouns_after_the_same_cues_are_no_patient(text: str) -> None:
    assert found(text) == []
