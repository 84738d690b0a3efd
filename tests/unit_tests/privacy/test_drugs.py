"""A person next to a medication is health data, whatever the drug: its INN stem names it.

Found by a red-team on unseen text: about 80 % of everyday drugs were missed next to a name
(``Anna Schmidt: Amlodipin 5 mg``), because the health terms listed a dozen drugs. The stems are
the WHO's; ordinary words that end like one (``April``, ``stating``, ``Mongrel``) are not drugs.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_aegis.privacy._drugs import DRUG_STEMS, is_drug
from tests.unit_tests.privacy.test_real_text import found

_DRUGS = ["Amlodipin", "amlodipine", "Ramipril", "Candesartan", "Bisoprolol", "Atorvastatin", "Pantoprazol",
          "Sitagliptin", "Empagliflozin", "Semaglutid", "Escitalopram", "Venlafaxin", "Quetiapin", "Pregabalin",
          "gabapentin", "Levetiracetam", "Amoxicillin", "Ciprofloxacin", "Doxycyclin", "Ibuprofen", "Diclofenac",
          "Budesonid", "Formoterol", "Tiotropium", "Montelukast", "Adalimumab", "Imatinib", "Sildenafil",
          "Sumatriptan", "Clopidogrel", "Enoxaparin", "Rivaroxaban", "Torasemid", "Prednisolon", "Clexane",
          "Eliquis", "L-Thyroxin", "Marcumar", "Ozempic", "Tilidin", "Metamizol"]  # fmt: skip
_WORDS = ["April", "stating", "Mongrel", "Terpentin", "Protokoll", "Kontrolle", "Capital", "Petrol", "Lithium",
          "Statistik", "Mandarin", "Dolphin", "Pristine", "Caine", "Sultan", "Tartan", "Gratin", "Protein"]  # fmt: skip


@pytest.mark.parametrize("drug", _DRUGS)
@pytest.mark.parametrize(
    "template",
    ["Anna Schmidt: {drug} 5 mg morgens", "John Smith takes {drug} daily.", "Frau Weber nimmt seit Jahren {drug}."],
)
def test_a_person_next_to_a_drug_is_health_data(drug: str, template: str) -> None:
    text = template.format(drug=drug)
    entities = {entity for entity, _ in found(text)}
    assert entities == {"HEALTH"}, found(text)
    assert ("HEALTH", drug) in found(text)


@pytest.mark.parametrize("word", _WORDS)
def test_a_word_that_ends_like_a_stem_is_no_drug(word: str) -> None:
    assert not is_drug(word.lower())
    assert [entity for entity, _ in found(f"Anna Schmidt: {word} am Montag") if entity == "HEALTH"] == []


def test_a_drug_without_a_person_is_nobodys_health_data() -> None:
    assert found("Amlodipin 5 mg senkt den Blutdruck; Ramipril ist ein ACE-Hemmer.") == []
    assert found("Create one stating the title, year, authors, and publisher of the Modified Version.") == []


@settings(max_examples=200, deadline=None)
@given(
    head=st.text(alphabet="abcdefghijklmnoprstuvxyz", min_size=3, max_size=8),
    stem=st.sampled_from(sorted(set(DRUG_STEMS))),
)
def test_any_name_built_on_a_stem_is_a_drug(head: str, stem: str) -> None:
    word = head + stem
    assert is_drug(word) == (len(word) >= 7)
    if len(word) >= 7:
        text = f"Frau Keller erhält {word.capitalize()} 10 mg."
        assert ("HEALTH", word.capitalize()) in found(text)
