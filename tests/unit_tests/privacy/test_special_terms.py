"""Special categories and conditions said the way people say them, next to a person; and their look-alikes.

Found by a red-team on unseen text: ethnic origin named by the group (``ist Kurde``, ``African
American``), a union or party named (``member of UNISON``, ``a registered Republican``), pregnancy
said another way (``erwartet ein Kind``, ``Mutterschutz``) and everyday conditions (``slipped disc``,
``Gürtelrose``, ``sleep apnea``) were missed.
"""

from __future__ import annotations

import pytest

from tests.unit_tests.privacy.test_real_text import found


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("Jan Schmidt ist Kurde.", "SPECIAL_CATEGORY"),
        ("John Smith is African American.", "SPECIAL_CATEGORY"),
        ("John Smith is of Roma descent.", "SPECIAL_CATEGORY"),
        ("Anna Schmidt ist türkischstämmig.", "SPECIAL_CATEGORY"),
        ("John Smith is a member of UNISON.", "SPECIAL_CATEGORY"),
        ("John Smith is a registered Republican.", "SPECIAL_CATEGORY"),
        ("John Smith joined the union.", "SPECIAL_CATEGORY"),
        ("Julia Schmidt erwartet ein Kind.", "HEALTH"),
        ("Jane Smith is expecting a baby.", "HEALTH"),
        ("Julia Schmidt geht in Mutterschutz.", "HEALTH"),
        ("Michael Smith has a slipped disc.", "HEALTH"),
        ("Anna Schmidt hat eine Gürtelrose.", "HEALTH"),
        ("John Smith has sleep apnea.", "HEALTH"),
        ("Frau Weber bekommt einen Herzschrittmacher.", "HEALTH"),
    ],
)
def test_a_person_next_to_the_term(text: str, entity: str) -> None:
    assert {e for e, _ in found(text)} == {entity}, found(text)


@pytest.mark.parametrize(
    "text",
    [
        "The choir sang in unison.",
        "Anna Schmidt implemented gradient descent in PyTorch.",
        "Er ist ein stämmiger Mann, sagt Anna Schmidt.",
        "The consistent stent placement study had no patients named.",
        "Das Kind erwartet ein Geschenk.",
        "Anna Schmidt bearbeitet das Polypropylen-Angebot.",
    ],
)
def test_the_same_words_in_another_sense_are_nothing(text: str) -> None:
    assert not {e for e, _ in found(text)} & {"HEALTH", "SPECIAL_CATEGORY"}, found(text)
