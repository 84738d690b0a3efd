"""Dates of birth: a date after a birth keyword, a year after "Jahrgang" or a star, living persons only.

The number scanner (:mod:`._numbers`) calls in here for the digit runs that have a birth
keyword in their look-back or a star before them. A keyword marks the first date after
it: the admission date later on a birth date's line is no birth date.
"""

from __future__ import annotations

import re
from datetime import date

from langchain_aegis.privacy import _patterns as p
from langchain_aegis.privacy._glue import glued_right

__all__ = ["DEAD_BY", "birth_date_before_verb", "birth_dates_after_keyword", "calendar_date", "living", "recent"]

Span = tuple[str, int, int]

_DIGIT = re.compile(r"[0-9]")


def _last_end(keywords: re.Pattern[str], low: str) -> int:
    """Where the last match of ``keywords`` in ``low`` ends (the keyword next to the value), or -1."""
    end = -1
    for km in keywords.finditer(low):
        end = km.end()
    return end


def birth_dates_after_keyword(text: str, s: int, e: int, lo: int, low: str, out: list[Span]) -> None:
    """A birth date or year of birth after its keyword, where the digit run ``text[s:e]`` is part of it.

    Args:
        text: the text.
        s: start of the digit run.
        e: end of the digit run.
        lo: where the run's look-back starts in ``text``.
        low: the look-back, ``text[lo:s]`` lower-cased.
        out: where findings are appended.
    """
    n = len(text)
    keyword_end = _last_end(p.DOB_KEYWORDS, low)  # before DATE, which has no prefix and is tried at every position
    if keyword_end >= 0:
        # A birth keyword marks the first date after it, not every date in its reach: in
        # "geb. am 17.08.1958, Aufnahme 14.01.2026" the admission date is no birth date.
        dm = p.DATE.search(text, lo + keyword_end, min(n, e + 1))
        if (
            dm is not None
            and dm.end() > s
            and living(dm.group())
            and calendar_date(dm.group())
            and not _DEATH.search(text, lo + keyword_end, dm.start())
        ):
            out.append(("DATE_OF_BIRTH", dm.start(), dm.end()))
        elif e - s == 8 and (dm is None or dm.end() <= s) and _compact_birth_date(text[s:e]):
            out.append(("DATE_OF_BIRTH", s, e))  # "GEB.DAT. 12021976", "(DOB 19781002)"

    if e - s == 4 and text[s:e].isdecimal() and living(text[s:e]) and not glued_right(text, e):
        year_end = _last_end(p.DOB_YEAR_KEYWORDS, low[-20:])  # "geb. 1961", "Jahrgang 1961", "born in 1961"
        after = len(low) - min(20, len(low)) + year_end  # where the keyword ends in ``low``
        initial = low[after - 2 : after] == "b." and text[lo + after - 2] == "B"  # "Burrill B. Crohn ... in 1932"
        if (
            year_end >= 0
            and _DIGIT.search(low, after) is None
            and not _DEATH.search(low, after)
            and not initial
            and not _LINE_ENDS_SENTENCE.search(low, after)  # "is born in Pforzheim.\n1914 - a treaty ..."
        ):
            out.append(("DATE_OF_BIRTH", s, e))  # the first number after it ("geb. 1958, OP 2026": not 2026)


# "wurde am 18. August 1950 geboren", "ist 1961 in Köln geboren": the verb after the date, a place between at most.
_BORN_AFTER = re.compile(r"[ \t]+(?:in[ \t]+[A-ZÄÖÜ][\w\-]*(?:[ \t]+[A-ZÄÖÜ][\w\-]*)?[ \t]+)?geboren\b")
_DATE_BEFORE = re.compile(rf"(?:{p.DATE.pattern})\Z", p.DATE.flags)


def birth_date_before_verb(text: str, s: int, e: int, out: list[Span]) -> None:
    """A birth date or year whose digit run ``text[s:e]`` ends it, said before "geboren" (the caller found the word)."""
    if _BORN_AFTER.match(text, e) is None:
        return
    dm = _DATE_BEFORE.search(text, max(0, s - 24), e)
    if dm is not None and calendar_date(dm.group()):
        start = dm.start()
    elif e - s == 4:
        start = s  # a year alone
    else:
        return
    if living(text[start:e]):
        out.append(("DATE_OF_BIRTH", start, e))


# A death said between the keyword and the date makes it a death date ("geboren und verstarb am
# 20. November 1907 in Worpswede", "born in Bremen, died 1907").
_DEATH = re.compile(r"(?i:verst[oa]rb|starb|gestorben|died|death|deceased)|†")
_LINE_ENDS_SENTENCE = re.compile(r"[.!?][ \t]*\n")

_YEAR = re.compile(r"(?<![0-9])([0-9]{4})(?![0-9])")
_THIS_YEAR = date.today().year
_LIVING_YEARS = 120  # the oldest living person; data protection law covers the living
DEAD_BY = _THIS_YEAR - 50
"""A death in this year or before ended a life long enough ago that what is said of it is no living person's."""


def recent(date_text: str) -> bool:
    """Whether a date's four-digit year is this year, last year or later: a plan's or a release's, rarely a birth's."""
    m = _YEAR.search(date_text)
    return m is not None and int(m.group(1)) >= _THIS_YEAR - 1


def living(date_text: str) -> bool:
    """Whether a birth date can belong to a living person (not "geb. 31.03.1685").

    Two-digit years ("1.3.85") are taken as recent.
    """
    m = _YEAR.search(date_text)
    if m is None:
        return True
    year = int(m.group(1))
    return _THIS_YEAR - _LIVING_YEARS <= year <= _THIS_YEAR


_NUMERIC = re.compile(r"([0-9]{1,4})[^0-9]+([0-9]{1,2})[^0-9]+([0-9]{1,4})\Z")


def _compact_birth_date(digits: str) -> bool:
    """Whether eight digits after a birth keyword are a living person's date, as ``ddmmyyyy`` or ``yyyymmdd``."""
    if not digits.isdecimal():
        return False
    for date_text in (f"{digits[:2]}.{digits[2:4]}.{digits[4:]}", f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"):
        if living(date_text) and calendar_date(date_text) and not recent(date_text):
            return True
    return False


def calendar_date(date_text: str) -> bool:
    """Whether a date of digits names a day of the calendar ("4-53-83" in a phone number does not).

    Day and month stand either way round (``03/12/1985`` is March in the US); a date with a
    month name passes.
    """
    m = _NUMERIC.fullmatch(date_text)
    if m is None:
        return True
    first, middle, last = (int(g) for g in m.groups())
    if len(m.group(1)) == 4:  # 1985-03-12, 1985/03/12
        return 1 <= middle <= 12 and 1 <= last <= 31
    return 1 <= min(first, middle) <= 12 and max(first, middle) <= 31 and first >= 1 and middle >= 1
