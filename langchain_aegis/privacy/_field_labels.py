# (the text this module handles is Unicode on purpose)
"""A form's field for a person's name: ``Full name:``, ``Patient name:``, ``Kundenname:``, ``Name des Patienten:``.

The cue words of :mod:`._names` are capitalised labels (``Name:``, ``Patient:``); a form, an
export or a ticket as often writes the field in lower case or as a compound (``First name:``,
``customer_name:``, ``Patientenname:``, ``Name of account holder:``). A field's word before
"name" (or its "of X"/"des X" after it) says whose name it is, and only the fields of a natural
person count: a ``Host name``, ``Company name`` or ``Product name`` is none.

Found from each "name" of the lower-cased text (:func:`._person_cues.more_persons` finds them
once). The value after the field's colon (or tab) counts when the lexicon knows its first word, when
it reads as a first name and a surname (``Asger Baastrup``), or, after a field that can only hold
one person's first name or surname (``First name:``, ``Nachname``), as a single capitalised word
ending the field.
"""

from __future__ import annotations

import re

from langchain_aegis.privacy._name_words import NOT_NAMES, SOFTWARE
from langchain_aegis.privacy._names import NAME, Person, is_known, name_pair, whole_name
from langchain_aegis.privacy._not_names import is_excluded

__all__ = ["name_fields"]

# Whose name a field holds, as the word before "name": written apart, with "_" or "-", or glued on.
_ONE_PERSON = ("first", "given", "middle", "last", "family", "maiden", "birth", "vor", "nach", "familien",
               "geburts", "ruf", "mädchen", "patient", "patienten", "pt")  # fmt: skip
_PEOPLE = ("full", "legal", "preferred", "display", "customer", "client", "employee", "member", "contact", "guest",
           "passenger", "student", "tenant", "applicant", "cardholder", "card holder", "account holder", "holder",
           "mother's", "father's", "spouse", "partner", "guardian", "insured", "subscriber", "beneficiary", "caller",
           "requester", "physician", "doctor's", "nurse", "parent", "kunden", "mitarbeiter", "versicherten", "mieter",
           "ehe", "mutter", "vater", "schüler", "bewerber", "teilnehmer", "fahrer", "halter", "kontoinhaber",
           "karteninhaber", "arzt", "ansprechpartner")  # fmt: skip
_ONE_PERSON_BEFORE = re.compile(rf"(?<![\w'])(?:{'|'.join(_ONE_PERSON)})[ _\-]?\Z")
_PEOPLE_BEFORE = re.compile(rf"(?<![\w'])(?:{'|'.join(_PEOPLE)})[ _\-]?\Z")
# "Name of the patient:", "Name des Kontoinhabers:", "Name der Patientin:": whose name, after it.
_WHOSE_AFTER = re.compile(
    r"[ _](?:of[ _](?:the[ _])?(?:patient|insured|account[ _]holder|cardholder|card[ _]holder|policyholder|applicant"
    r"|tenant|employee|customer|child|mother|father|spouse|guardian|deceased)"
    r"|de[sr][ ](?:patient(?:en|in)|versicherten|kontoinhabers?|karteninhabers?|antragstellers?|antragstellerin"
    r"|mieters?|mieterin|kindes|kunden|kundin|halters|fahrers|mitarbeiters|mitarbeiterin|schülers|schülerin"
    r"|bewerbers|bewerberin|ehepartners|ehepartnerin|vaters|mutter|verstorbenen|versicherungsnehmers))"
)
_FIELD_END = re.compile(r"[ \t]*(?:\([^)\n]{0,20}\)[ \t]*)?(?::|\t|\r?\n)[ \t]*")
_VALUE = re.compile(rf"({NAME})")
_VALUE_END = re.compile(r"[ \t]*(?:[\r\n,;|\t]|\Z)")
_REACH = 24  # characters before "name" that hold its field's word ("account holder " is the longest)
# Words a schema or a form's description writes as a field's value: a type or a rule, not a name.
_NOT_VALUES = frozenset(
    {"String", "Str", "Text", "Varchar", "Char", "Integer", "Int", "Number", "Boolean", "Bool", "Date", "Object",
     "Array", "List", "Null", "None", "True", "False", "Required", "Optional", "Pflichtfeld", "Type",
     "Value", "Example", "Beispiel", "Unknown", "Unbekannt", "Keine", "Kein", "Leer", "Empty", "Redacted", "Xxx",
     "Muster", "Mustermann", "Doe"}
)  # fmt: skip


def name_fields(text: str, low: str, names: list[int]) -> list[Person]:
    """The names in a person's name fields; ``names``: where "name" starts in ``low`` (``text`` lower-cased)."""
    persons: list[Person] = []
    for i in names:
        after = i + 4
        if low[after : after + 1].isalpha():
            continue  # "namespace", "named", "names"
        whose = _WHOSE_AFTER.match(low, after)
        lo = i - _REACH if i > _REACH else 0
        one = whose is None and _ONE_PERSON_BEFORE.search(low, lo, i)
        field = whose or one or _PEOPLE_BEFORE.search(low, lo, i)
        if not field:
            continue
        end = _FIELD_END.match(text, whose.end() if whose else after)
        if end is None:
            continue
        person = _value(text, end.end(), single=one is not None)
        if person is not None:
            persons.append((i if whose else field.start(), person))
    return persons


def _value(text: str, pos: int, *, single: bool) -> int | None:
    """Where the name written at ``pos`` ends, if it reads as one (see the module's docstring)."""
    m = _VALUE.match(text, pos, min(len(text), pos + 80))
    if m is None:
        return None
    name = whole_name(text, *m.span(1), label=True)
    if name is None:
        return None
    a, b, words, surname_first = name
    if (
        words[0] in _NOT_VALUES
        or words[0] in NOT_NAMES
        or (len(words) > 1 and words[1] in _NOT_VALUES)
        or any(w in SOFTWARE for w in words)  # "Reporter: Jenkins Bot"
        or is_excluded(text, a, b)
    ):
        return None
    if surname_first or is_known(words[0]) or name_pair(words):
        return b
    return b if single and len(words) == 1 and _VALUE_END.match(text, b) else None
