# ruff: noqa: RUF001
# (the text this module handles is Unicode on purpose)
"""The name an address is written to: ``Anna Schmidt, Hauptstraße 5``, ``Okonkwo, Mehmet\nAuf der Heide 112``.

A street address next to a name is personal data (:mod:`._health` reports both). The name before the
street line counts even when the lexicon does not know it, as the address block is its context; a
company's or a department's name is none (``Nordlicht Software GmbH\nUferstraße 46``).
"""

from __future__ import annotations

import re

from langchain_aegis.privacy._name_words import NOT_BEFORE_SURNAME, NOT_NAMES, ROLE_NOUNS
from langchain_aegis.privacy._names import LEADING, NAME_WORD, PARTICLE, Person, is_first_name
from langchain_aegis.privacy._not_names import COMPANY_ANYWHERE, is_excluded

__all__ = ["addressee"]

_LIVES = r"(?:wohnhaft|wohnt|of|living at|lives at|lives in|resides at|residing at|resident at)"
_BEFORE_ADDRESS = re.compile(
    rf"({NAME_WORD}(?:[ ](?:{PARTICLE}[ ]){{0,3}}{NAME_WORD}){{1,2}})(?:,[ ]?(?:{_LIVES}[ ]+)?|[ ]+"
    rf"{_LIVES}[ ]+(?:in[ ]+)?|[ \t]*\r?\n[ \t]*|[ ]+[\-–|/][ ]+|[ ]*[;|][ ]*|[ ]\()\Z"  # " - ", " | ", " ("
)

_SURNAME_FIRST_BEFORE = re.compile(rf"((?:{LEADING}[ ]+)?{NAME_WORD},[ ]?({NAME_WORD}))[ \t]*\r?\n[ \t]*\Z")


_LABELS_BEFORE_TO = frozenset({"SHIP", "BILL", "SOLD", "REMIT", "DELIVER", "INVOICE", "SEND", "MAIL", "RETURN"})


def addressee(text: str, street_start: int) -> Person | None:
    """The name written right before a street address ("Anna Schmidt, Hauptstraße 5"), unless a company."""
    lo = max(0, street_start - 60)
    m = _BEFORE_ADDRESS.search(text, lo, street_start)
    if m is None:
        # "Okonkwo, Mehmet\nAuf der Heide 112": surname first, then a first name the lexicon knows.
        m = _SURNAME_FIRST_BEFORE.search(text, lo, street_start)
        if m is None or not is_first_name(m.group(2)):
            return None
    a, b = m.span(1)
    words = text[a:b].split()
    if len(words) > 2 and words[0] in ROLE_NOUNS:
        a += len(words.pop(0)) + 1  # "Der Mieter Helmfried Kowalczyk, wohnhaft ...": the role, then the name
    if words[0] in NOT_BEFORE_SURNAME or any(w in NOT_NAMES for w in words) or is_excluded(text, a, b):
        return None
    if len(words) == 2 and words[-1] in ("To", "TO") and words[0].upper() in _LABELS_BEFORE_TO:
        return None  # an invoice's "SHIP TO", "Bill To", "Remit To": a label above the address (not "Wing To")
    line = text[text.rfind("\n", 0, a) + 1 : street_start]
    if COMPANY_ANYWHERE.search(line):
        return None  # "Nordlicht Software GmbH\nUferstraße 46": a business address
    return (a, b)
