"""A person's whole name: a finding grown over the name words it stopped short of.

The scanners read a name as one or two words after a cue, or as a pair the lexicon knows, so a
three-part name or a list's "Surname, Given" entry is found in part: ``Patient: Võ Quang`` of
``Võ Quang Huy``, ``Quang Huy`` of ``Nguyễn Quang Huy``, ``Patient: Öztürk`` of ``Öztürk,
Gülşen``. Redaction masks what was found, so the rest of the name would reach a trace. This
step runs once on the resolved findings and grows each person's finding over an adjoining word
that is spelled as only names are (letters German and English words lack: ``Nguyễn``, ``Çelik``),
that the lexicon knows as a name (after a surname and a comma too: ``Öztürk, Gülşen``), or a given
name in capitals after a surname in capitals. Growing only ever masks more; a finding never grows
into its neighbour.

No library marks where a name ends in running text, so the rule is written here.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from langchain_aegis.privacy._lexicon import ordinary_first_names, wide_first_names, wide_surnames
from langchain_aegis.privacy._lexicon_names import name_spelled
from langchain_aegis.privacy._name_words import CUE_WORDS, NOT_BEFORE_SURNAME, NOT_NAMES
from langchain_aegis.privacy._names import NAME_WORD
from langchain_aegis.privacy._numbers import Span
from langchain_aegis.privacy._patterns import PEOPLE_TERMS

__all__ = ["names_beside", "whole_names"]

_PEOPLE = frozenset({"PERSON", "HEALTH", "SPECIAL_CATEGORY"})
# Where a name's entry ends: a line's or a cell's end, a comma, a colon, a dash between spaces, a bracket.
_ENDS = r"(?=[ \t]*(?:[\r\n,;:(|.]|[ ][\u2013\u2014\-][ ]|\Z))"
_GIVEN_AFTER_COMMA = re.compile(rf",[ ]?({NAME_WORD})(?:[ ]({NAME_WORD}))?{_ENDS}")
_WORD_AFTER = re.compile(rf"[ ]({NAME_WORD}){_ENDS}")
_WORD_BEFORE = re.compile(rf"(?<![\w.])({NAME_WORD})[ ]\Z")
_CUES = frozenset(CUE_WORDS)
_GREETINGS = frozenset({"Sehr", "Hallo", "Hi", "Hey", "Dear", "Liebe", "Lieber", "Moin", "Servus", "Guten"})


def _named(word: str) -> bool:
    """Whether ``word`` reads as a name wherever it stands: a name's letters, or the lexicon's name."""
    if word in NOT_NAMES or word in _CUES:
        return False
    if name_spelled(word, word):
        return True
    capitalised = word.capitalize() if word.isupper() else word
    return (
        capitalised in wide_first_names() and capitalised not in ordinary_first_names()
    ) or capitalised in wide_surnames()


def _given(word: str, surname: str, line: str) -> bool:
    """Whether ``word`` after "Surname, " is a given name: named, or a record's in capitals ("Name: ÇELIK, SERKAN")
    on a line that is not all capitals."""
    if _named(word):
        return True
    capitals = surname.isupper() and word.isupper() and len(word) > 2 and word not in NOT_NAMES
    return capitals and any(c.islower() for c in line)


def _line(text: str, at: int) -> str:
    """Up to 120 characters either side of ``at`` on its line (a line may be a whole minified file)."""
    lo = text.rfind("\n", max(0, at - 120), at) + 1 or max(0, at - 120)
    hi = text.find("\n", at, at + 120)
    return text[lo : hi if hi >= 0 else at + 120]


def whole_names(text: str, findings: list[Span]) -> list[Span]:
    """``findings`` (ordered, none overlapping) with each person's finding grown to the whole name."""
    grown: list[Span] = []
    for i, (entity, start, end) in enumerate(findings):
        if entity in _PEOPLE and text[end - 1 : end].isalpha() and text[start : start + 1].isupper():
            floor = grown[-1][2] if grown else 0
            ceiling = findings[i + 1][1] if i + 1 < len(findings) else len(text)
            start, end = _grown(text, start, end, floor, ceiling)
        grown.append((entity, start, end))
    return grown


def _grown(text: str, start: int, end: int, floor: int, ceiling: int) -> tuple[int, int]:
    last = text[start:end].split()[-1]
    if PEOPLE_TERMS.match(last.lower()) is not None:
        return start, end  # a health term or a special category, not a name ("Diabetes, Typ 2")
    comma = _GIVEN_AFTER_COMMA.match(text, end, ceiling)
    greeting = text[start:end].split(maxsplit=1)[0] in _GREETINGS  # "Sehr geehrte Müller, Anna hat ...": two people
    if comma is not None and not greeting and last[:1].isupper() and _given(comma.group(1), last, _line(text, start)):
        # "Patient: Öztürk, Gülşen, Diagnose ...", "Name: ÇELIK, SERKAN": the given names end the entry
        end = comma.end(2) if comma.group(2) and _named(comma.group(2)) else comma.end(1)
    else:
        after = _WORD_AFTER.match(text, end, ceiling)
        if after is not None and _named(after.group(1)):
            end = after.end(1)  # "Patient: Võ Quang" + "Huy,"
    before = _WORD_BEFORE.search(text, max(floor, start - 40), start)
    if before is not None and name_spelled(before.group(1), before.group(1)) and before.group(1) not in _CUES:
        start = before.start(1)  # "Nguyễn" + "Quang Huy"
    return start, end


_CAPITAL_AFTER = re.compile(r"[ ][A-ZÄÖÜ]")
_PAIR = re.compile(rf"(?<![\w@.])({NAME_WORD})[ ]({NAME_WORD})(?![\w@])")
# What a name beside makes the person's: a number or an address that reaches them, their birth date, their IDs.
_BESIDE_REACH = 80
_NOT_BESIDE = _PEOPLE | {"ADDRESS", "IP_ADDRESS", "MEDICAL_RECORD"}


def names_beside(text: str, findings: list[Span]) -> list[Span]:
    """``findings`` and a ``PERSON`` finding for each name the lexicon knows right beside another finding.

    A name here is a first name the lexicon knows (not one that is an ordinary word too) before a
    capitalised word ("John Smith"), a capitalised word before a surname it knows, or a pair spelled as
    only names are; more of it is taken by :func:`whole_names`.

    "Call back John Smith on +49 171 2345678": the phone was found, and so the call goes local; the name
    beside it is the phone's owner, and redaction masks it too. The text is flagged already, so this
    changes what is masked, never where a call goes.
    """
    windows: list[list[int]] = []  # the findings' reaches, merged: each word is read once
    for entity, start, end in findings:
        if entity in _NOT_BESIDE:
            continue
        lo, hi = max(0, start - _BESIDE_REACH), min(len(text), end + _BESIDE_REACH)
        lo, hi = _word_start(text, lo), _word_end(text, hi)  # a window never cuts a name ("Maie" of "Maier")
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    starts = [start for _, start, _ in findings]
    first, ordinary, last = wide_first_names(), ordinary_first_names(), wide_surnames()
    added: list[Span] = []
    for lo, hi in windows:
        # A first name the lexicon knows before a capitalised word, or any word before a known surname.
        pos = lo
        while (m := _PAIR.search(text, pos, hi)) is not None:
            given, family = m.group(1), m.group(2)
            pos = m.start(2)  # the next pair may start at this one's second word ("Bitte Anna Schmidt")
            if given in NOT_NAMES or family in NOT_NAMES or family.isupper():
                continue
            if family in first and _CAPITAL_AFTER.match(text, m.end()):
                continue  # "Bitte Anna Schmidt": the name starts at the first name
            if (
                (given in first and given not in ordinary)
                or (family in last and given not in NOT_BEFORE_SURNAME and not given.isupper())
                or (name_spelled(given, family) and not given.isupper())
            ):
                a, b = m.span()
                i = bisect_left(starts, b)  # the findings that start before the name ends
                if (i == 0 or findings[i - 1][2] <= a) and (not added or added[-1][2] <= a):
                    added.append(("PERSON", a, b))
                    pos = b
    return sorted([*findings, *added], key=lambda span: span[1]) if added else findings


# A window's edge moves to the end of the word it cuts, but never further than a name word is long: a
# minified JSON line has no space in 100 KB, and walking it for each finding made detect quadratic.
_WORD_REACH = 32


def _word_start(text: str, i: int) -> int:
    stop = max(0, i - _WORD_REACH)
    while i > stop and not text[i - 1].isspace():
        i -= 1
    return i


def _word_end(text: str, i: int) -> int:
    stop = min(len(text), i + _WORD_REACH)
    while i < stop and not text[i].isspace():
        i += 1
    return i
