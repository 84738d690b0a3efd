"""IBANs found from the digit runs: the country code and check digits before a run, the groups after it.

The number scanner (:mod:`._numbers`) calls in here for a run that can continue an IBAN:
eight digits or more after a letter or a group and one or two separators, or a group of a
spreadsheet's or a PDF's layout (tabs, two spaces). Each IBAN head in reach is matched on
its own, and the IBAN is checked with its country's length and mod-97 (:func:`._checksums.iban_ok`).
"""

from __future__ import annotations

import re

from langchain_aegis.privacy import _patterns as p
from langchain_aegis.privacy._checksums import IBAN_LENGTHS, iban_ok

__all__ = ["IBAN_CHARS", "IBAN_REACH", "iban_head_before", "iban_part_before", "ibans"]

Span = tuple[str, int, int]

IBAN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

# An IBAN's head, found by its two digits: led by a class, the search skips in C to the window's
# few digits instead of trying the letters at each of its many letters (half the time).
_IBAN_HEAD = re.compile(r"[0-9][0-9](?:(?<=[A-Za-z]{2}[0-9]{2})|(?<=[A-Z]{2} [0-9]{2}))")
_IBAN_START = re.compile(r"[A-Za-z]{2} ?[0-9]{2}")
IBAN_REACH = 34  # how far before a digit run _ibans looks for an IBAN's start
_IBAN_SEPARATORS = " \t\n-"
_NOT_IBAN = str.maketrans("", "", _IBAN_SEPARATORS)


def iban_part_before(text: str, s: int) -> bool:
    """Whether the digit run at ``s`` can go on an IBAN: a letter, or a group and one or two separators, before it."""
    c = text[s - 1]
    if c.isalpha():
        return True
    if c not in _IBAN_SEPARATORS:
        return False
    c = text[s - 2]
    if c in IBAN_CHARS:
        return True
    return s >= 3 and c in _IBAN_SEPARATORS and text[s - 3] in IBAN_CHARS  # "AT23 \n7747"


def iban_head_before(text: str, s: int) -> bool:
    """Whether an IBAN's head (country code and check digits) stands where :func:`_ibans` looks for one.

    An IBAN that reaches into the digit run at ``s`` starts before it (``text[s]``
    is a digit, its first two characters are letters), at most ``IBAN_REACH``
    characters back; so its four-character head lies in ``text[s - 34 : s + 2]``.
    Most runs after a word ("Rechnung 20240517") have none there.
    """
    # The head's digits stand two characters into the window or later (the look-behind reads the
    # letters before them, also before the search's start).
    return _IBAN_HEAD.search(text, s - IBAN_REACH + 2 if s > IBAN_REACH else 2, s + 2) is not None


def ibans(text: str, s: int, e: int, n: int, out: list[Span]) -> None:
    # An IBAN's country code and any letters in its bank code stand before the digit run.
    # Each head is tried on its own: a match of IBAN that starts early ("er 25 7681 ... FR14 2004")
    # would swallow the real IBAN after it, as finditer's matches never overlap.
    stop = min(n, e + 14)  # "... 0001 \n3M02 \n606": letters and the last group after the run
    for hm in _IBAN_START.finditer(text, max(0, s - IBAN_REACH), stop):
        a = hm.start()
        if a and text[a - 1].isalnum():
            continue
        im = p.IBAN.match(text, a, stop)
        if im is None or im.end() <= s:
            continue
        raw = im.group()
        if raw[0].isupper() != raw[1].isupper():
            continue  # "De89 ...": a capitalised word, not a country code
        offsets = [i for i, c in enumerate(raw) if c not in _IBAN_SEPARATORS]
        compact = raw.translate(_NOT_IBAN).upper()  # "de89 3704 ...": lower-case IBANs are IBANs too
        known = IBAN_LENGTHS.get(compact[:2])
        if raw[2] == " " and (known is None or not raw[:2].isupper()):
            continue  # "ab 12 ...": a space after the letters makes a country code only of a real one
        lengths = (known,) if known else range(min(len(compact), 34), 14, -1)
        for length in lengths:
            if len(compact) >= length and iban_ok(compact[:length]):
                out.append(("IBAN", a, a + offsets[length - 1] + 1))
                break
