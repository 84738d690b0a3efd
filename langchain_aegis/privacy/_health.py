"""Health data about a named person (entity ``HEALTH``).

A salutation or title with a name ("Frau Müller", "Mr. Smith", "Patientin
Schulz") is health data when a diagnosis, medication, dosage, disease word or
ICD-10 code stands within about 100 characters of it, in German or English.
Both the person and each health term become findings, so redaction removes
who as well as what.
"""

from __future__ import annotations

import re

from langchain_aegis.privacy import _patterns as p
from langchain_aegis.privacy._numbers import Span, lower_window

__all__ = ["scan_health"]

_REACH = 100  # characters either side of the person in which a health term counts
_WORD_TAIL = re.compile(r"[^\W_]*")
# A unit every dosage ends with: a far cheaper scan of the window than DOSAGE,
# which is tried at every digit, so DOSAGE runs only where it can match.
_DOSAGE_HINT = re.compile(r"mc?g|µg|ml|I[EU.]")


def scan_health(text: str, out: list[Span]) -> None:
    """Append named persons near health terms, and those terms, to ``out``."""
    n = len(text)
    for m in p.SALUTATION.finditer(text):
        a = m.start()
        if a and (text[a - 1].isalnum() or text[a - 1] == "_"):
            continue
        person = p.PERSON.match(text, a)
        if person is None:
            continue
        b = person.end()
        lo, hi = max(0, a - _REACH), min(n, b + _REACH)
        terms = [
            _whole_word(text, lo + t.start(), lo + t.end()) for t in p.HEALTH_TERMS.finditer(lower_window(text, lo, hi))
        ]
        terms += [t.span() for t in p.ICD10.finditer(text, lo, hi)]
        if _DOSAGE_HINT.search(text, lo, hi):
            terms += [t.span() for t in p.DOSAGE.finditer(text, lo, hi)]
        terms = [t for t in terms if t[1] <= a or t[0] >= b]
        if terms:
            out.append(("HEALTH", a, b))
            out.extend(("HEALTH", ts, te) for ts, te in terms)


def _whole_word(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a matched stem to the word around it ("diagnos" -> "diagnostiziert")."""
    # Walking back is cheaper than a right-anchored search, which re tries at every
    # position; ``str.isalnum`` is exactly ``[^\W_]``, at most 40 characters back.
    head, floor = start, max(0, start - 40)
    while head > floor and text[head - 1].isalnum():
        head -= 1
    tail = _WORD_TAIL.match(text, end)
    return (head, tail.end() if tail else end)
