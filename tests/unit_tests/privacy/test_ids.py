"""Detector v2: new identifiers (valid and invalid check digits), people, and the quality floor."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from langchain_aegis.privacy import detect

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
from privacy_quality import aegis_kinds, load_corpus, measure_corpus


def spans(text: str) -> list[tuple[str, str]]:
    return [(f.entity, text[f.start : f.end]) for f in detect(text)]


VALID = [
    ("CH_AHV", "AHV-Nr. 756.9217.0769.85", "756.9217.0769.85"),
    ("CH_AHV", "AHV number 7569217076985 on file", "7569217076985"),
    ("AT_SVNR", "SVNR 1237 010180", "1237 010180"),
    ("AT_SVNR", "Sozialversicherungsnummer: 1237010180", "1237010180"),
    ("UK_NHS", "NHS number 943 476 5919", "943 476 5919"),
    ("UK_NHS", "Your NHS no 9434765919.", "9434765919"),
    ("UK_NINO", "NI number AB 12 34 56 C", "AB 12 34 56 C"),
    ("UK_NINO", "NINO: AB123456C", "AB123456C"),
    ("DE_KVNR", "Versichertennummer A123456780", "A123456780"),
    ("DE_KVNR", "Karte A123456780 liegt bei", "A123456780"),
    ("DE_PENSION_ID", "RV-Nummer 65 170839 J 003", "65 170839 J 003"),
    ("DE_PENSION_ID", "pension no. 65170839J003", "65170839J003"),
    ("DE_TAX_NUMBER", "Steuernummer 181/815/08155", "181/815/08155"),
    ("DE_LICENSE_PLATE", "Auto mit B-AB 1234 parkt", "B-AB 1234"),
    ("DE_LICENSE_PLATE", "amtl. Kennzeichen M XY 123", "M XY 123"),
    ("DRIVER_LICENSE", "Driver's license no. D1234567 (CA)", "D1234567"),
    ("DRIVER_LICENSE", "Führerscheinnummer: B072RRE2I55", "B072RRE2I55"),
    ("PHONE", "Call 1-415-555-2671", "1-415-555-2671"),
    ("PHONE", "Tel. 030.12345678", "030.12345678"),
    ("PHONE", "cell 415.555.2671", "415.555.2671"),
    ("DATE_OF_BIRTH", "Anna Schmidt, *1961 in Köln", "1961"),
    ("DATE_OF_BIRTH", "Lebenslauf\n* 03.04.1961 in Köln", "03.04.1961"),
    ("DATE_OF_BIRTH", "Bewerber, Jahrgang 1961", "1961"),
    ("DATE_OF_BIRTH", "Anna Schmidt, geb 1961, wohnt in Köln", "1961"),
    ("DATE_OF_BIRTH", "Frau Schmidt, geb 03.04.1961", "03.04.1961"),
    ("DATE_OF_BIRTH", "Teilnehmer des Jahrgangs 1961", "1961"),
    ("DATE_OF_BIRTH", "Herr Maier, Jg 1961", "1961"),
    ("DATE_OF_BIRTH", "Herr Maier (Jg. 1961)", "1961"),
    ("IP_ADDRESS", "login from 85.214.132.117", "85.214.132.117"),
]


@pytest.mark.parametrize(("entity", "text", "value"), VALID, ids=[f"{v[0]}-{i}" for i, v in enumerate(VALID)])
def test_valid_identifier(entity: str, text: str, value: str) -> None:
    assert (entity, value) in spans(text)


INVALID_ID = [
    ("CH_AHV", "AHV-Nr. 756.9217.0769.86"),  # EAN-13 check digit
    ("AT_SVNR", "SVNR 1238 010180"),  # check digit
    ("UK_NHS", "NHS number 943 476 5918"),  # mod 11 (still a valid US phone number, though)
    ("UK_NINO", "NI number DA 12 34 56 C"),  # D is never a prefix letter
    ("DE_KVNR", "Versichertennummer A123456781"),  # check digit (still a record number by its label)
    ("DE_PENSION_ID", "RV-Nummer 65 170839 J 004"),  # check digit
    ("AT_SVNR", "Kundennummer 1237010180"),  # SVNR-valid but no keyword and no space
]


@pytest.mark.parametrize(("entity", "text"), INVALID_ID)
def test_invalid_check_digit(entity: str, text: str) -> None:
    assert entity not in {f.entity for f in detect(text)}


INVALID = [
    "Belegnummer 0071/204518",
    "Please quote ref. 0052/771903.",
    "Call (212) 555-0147",  # fiction range
    "Bach, geb. 31.03.1685",
    "Franklin D. Roosevelt was born on January 30, 1882.",
    "Jahrgang 1885 der Zeitschrift",
]


@pytest.mark.parametrize("text", INVALID)
def test_invalid_identifier(text: str) -> None:
    assert detect(text) == []


HARD_NEGATIVES = [
    "db 10.0.3.17:5432 and gateway 192.168.178.1",
    "pods 10.244.0.0/16, services 10.96.0.0/12, netmask 255.255.255.0, CGNAT 100.64.1.9",
    "multicast 239.1.2.3, link-local 169.254.1.1, docs 203.0.113.7 and 2001:db8::1, ULA fd00::1, fe80::1",
    'version 2.1.0.0, "requests": "3.14.2.11", <AssemblyVersion>1.2.3.4</AssemblyVersion>, pkg==4.3.2.1',
    'assert send("user@example.com"); mail("bob@test.example"); admin@localhost.localdomain',
    "Dr Pepper contains 41 mg of caffeine per can.",
    "the Patient Protection and Affordable Care Act expanded coverage",
    "Alzheimer's disease, Morbus Crohn and Hashimoto-Thyreoiditis are chronic diseases.",
    "Müller GmbH, Hauptstraße 5, 10115 Berlin, HRB 12345, USt-IdNr. DE123456789",
    "Schmidt & Söhne KG, Bahnhofstraße 12, 80331 München",
    "Johann Sebastian Bach (* 21. März 1685 in Eisenach) war ein Komponist.",
    "Robert Koch (1843-1910) entdeckte den Erreger der Tuberkulose.",
    "Diabetes mellitus Typ 2 wird zunächst mit Metformin behandelt.",
    "sku,price,updated\n211900,72.45,2026-02-04\n635631,175.65,2026-10-15",
]


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_hard_negative_stays_clean(text: str) -> None:
    assert detect(text) == []


PEOPLE = [
    ("Anna Schmidt, Hauptstraße 5, 10115 Berlin", {"PERSON", "ADDRESS"}),
    ("John Smith\n221 Baker Street\nLondon NW1 6XE", {"PERSON", "ADDRESS"}),
    ("Müller hat Diabetes Typ 2.", {"HEALTH"}),
    ("Pt. John Smith, 54M, HbA1c 9.1%", {"HEALTH"}),
    ("Frau Weber ist in der 20. SSW schwanger.", {"HEALTH"}),
    ("John Smith is HIV positive.", {"HEALTH"}),
    ("Herr Yilmaz ist Muslim.", {"SPECIAL_CATEGORY"}),
    ("Mary Johnson's annual salary is $92,000.", {"SPECIAL_CATEGORY"}),
    ("Viele Grüße\nAnna Schmidt", {"PERSON"}),
    ("Hallo Anna, wie geht's?", {"PERSON"}),
    ("Name: Thomas Becker", {"PERSON"}),
]


@pytest.mark.parametrize(("text", "kinds"), PEOPLE)
def test_people_in_context(text: str, kinds: set[str]) -> None:
    assert {f.entity for f in detect(text)} == kinds


def test_redaction_masks_the_person_and_the_diagnosis() -> None:
    from langchain_aegis.privacy import redact_text

    assert redact_text("Müller hat Diabetes.") == "<HEALTH> hat <HEALTH>."


# --- the quality floor: document-level recall and false-positive rate on the corpus ------------

# The figures the detector reaches on tests/data/privacy/corpus.jsonl, minus a little slack; a
# regression below them fails CI. They are counts of documents, not timings.
RECALL_FLOOR = 0.995
FPR_CEILING = 0.01
KIND_FLOOR = 0.98


def test_corpus_quality_floor(capsys: pytest.CaptureFixture[str]) -> None:
    docs = load_corpus()
    assert len(docs) >= 1000
    clean = [d for d in docs if not d.labels]
    assert len(clean) * 2 >= len(docs)
    assert {d.lang for d in docs} == {"de", "en"}
    q = measure_corpus(aegis_kinds, docs=docs)
    with capsys.disabled():
        print(f"\ncorpus recall {q.recall:.1%}, clean flagged {q.false_positive_rate:.1%}")
    assert q.recall >= RECALL_FLOOR
    assert q.false_positive_rate <= FPR_CEILING
    weak = {k: round(q.kind_recall(k), 3) for k in q.kind_total if q.kind_recall(k) < KIND_FLOOR}
    assert not weak
    assert q.type_recall("arztbrief") >= 0.95


# --- text written without case: the same documents, lower-cased, upper-cased, or lower-cased after a
# cased prefix ("Please process: frau müller, diagnose f32.1"). A reader still sees every person.
CASE_VARIANTS = {
    "lower": (str.lower, 0.86),
    "upper": (str.upper, 0.96),
    "prefixed_lower": (lambda t: "Please process: " + t.lower(), 0.86),
}


@pytest.mark.parametrize("variant", sorted(CASE_VARIANTS))
def test_corpus_written_without_case(variant: str, capsys: pytest.CaptureFixture[str]) -> None:
    from dataclasses import replace

    change, floor = CASE_VARIANTS[variant]
    docs = [replace(d, text=change(d.text)) for d in load_corpus()]
    q = measure_corpus(aegis_kinds, docs=docs)
    with capsys.disabled():
        print(f"\n{variant}: recall {q.recall:.1%}, clean flagged {q.false_positive_rate:.1%}")
    assert q.recall >= floor
    assert q.false_positive_rate <= FPR_CEILING


@pytest.mark.parametrize(
    "text",
    [
        "Please process: frau müller, diagnose f32.1",
        "PLEASE PROCESS: FRAU MÜLLER, DIAGNOSE F32.1",
        "frau müller, diagnose f32.1",
        "müller hat diabetes typ 2",
        "note: mr john smith has hiv",
    ],
)
def test_a_person_written_without_capitals_is_found(text: str) -> None:
    assert "HEALTH" in {f.entity for f in detect(text)}


@pytest.mark.parametrize(
    "text",
    [
        "incident 2026421: latency spike, p99 974 ms. root cause: connection pool exhausted",
        "apiversion: v1\nkind: configmap\nmetadata:\n  name: app-config\n",
        "the dr site will mark the node healthy after failover",
    ],
)
def test_lower_case_technical_text_stays_clean(text: str) -> None:
    assert detect(text) == []


def test_the_keyword_gate_covers_every_keyword_list() -> None:
    """A digit run's keyword lists are read only where ANY_KEYWORD matches its look-back: it must match each keyword.

    The gate was a hand-kept list once, and lacked "geb" and "Jahrgangs": dates after them were never found.
    """
    from langchain_aegis.privacy import _patterns as p

    lists = (p._DOB, p._DOB_YEAR, p._RECORD, p._ID_CARD, p._PASSPORT, p._SSN)
    specific = (
        p.DOB_KEYWORDS, p.DOB_YEAR_KEYWORDS, p.RECORD_KEYWORDS, p.ID_CARD_KEYWORDS, p.PASSPORT_KEYWORDS, p.SSN_KEYWORDS,
    )  # fmt: skip
    for (substrings, words), pattern in zip(lists, specific, strict=True):
        for keyword in (*substrings, *words):
            for text in (f" {keyword} ", f"x{keyword}s" if keyword in substrings else f"({keyword}:"):
                assert pattern.search(text), (keyword, text)  # the list really holds it
                assert p.ANY_KEYWORD.search(text), f"ANY_KEYWORD misses {keyword!r} in {text!r}"
