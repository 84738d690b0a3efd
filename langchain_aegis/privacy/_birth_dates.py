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

__all__ = ["STAR_REACH", "birth_dates_after_keyword", "calendar_date", "living", "starred_date", "year_of_birth"]

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

    if e - s == 4 and text[s:e].isdecimal() and living(text[s:e]) and not glued_right(text, e):
        year_end = _last_end(p.DOB_YEAR_KEYWORDS, low[-20:])  # "geb. 1961", "Jahrgang 1961", "born in 1961"
        after = len(low) - min(20, len(low)) + year_end  # where the keyword ends in ``low``
        initial = low[after - 2 : after] == "b." and text[lo + after - 2] == "B"  # "Burrill B. Crohn ... in 1932"
        if (
            year_end >= 0
            and _DIGIT.search(low, after) is None
            and not _DEATH.search(low, after)
            and not initial
            and not _priced(text, e)
        ):
            out.append(("DATE_OF_BIRTH", s, e))  # the first number after it ("geb. 1958, OP 2026": not 2026)


_PRICE = re.compile(r"[^\n]{0,60}?(?:€|\bEUR\b|\$|£|\bCHF\b)")


def _priced(text: str, e: int) -> bool:
    """Whether a price follows on the year's line: "Lemberger, Jahrgang 1998 - 88,00 €" is a wine's vintage."""
    return _PRICE.match(text, e) is not None


# A death said between the keyword and the date makes it a death date ("geboren und verstarb am
# 20. November 1907 in Worpswede", "born in Bremen, died 1907").
_DEATH = re.compile(r"(?i:verst[oa]rb|starb|gestorben|died|death|deceased)|†")

_YEAR = re.compile(r"(?<![0-9])([0-9]{4})(?![0-9])")
_THIS_YEAR = date.today().year
_LIVING_YEARS = 120  # the oldest living person; data protection law covers the living
STAR_REACH = 20  # "* 14. 10. 1996", "* 25. September 1948", "* 9th of October 1936": from the star to the year


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


def year_of_birth(text: str, s: int, e: int) -> bool:
    """``*1961`` (a star glued to a year) marks a year of birth in German CVs and letters.

    Not ``*2014*`` (Markdown's emphasis) nor ``*2014:`` (a list item's or a heading's year).
    """
    if text[s - 1] != "*" or glued_right(text, e) or not living(text[s:e]) or text[e : e + 1] in ("*", ":"):
        return False
    return s < 2 or not (text[s - 2].isalnum() or text[s - 2] in "*/")


def starred_date(text: str, s: int, e: int, out: list[Span]) -> None:
    """``* 03.04.1961``, ``*03.04.1961``, ``* 14. 10. 1996``: the genealogical star before a birth date.

    The run ``text[s:e]`` starts the date, or ends one whose day and month stand apart
    from it ("14. 10. " is no part of the run "1996"); the star stands just before the date.
    """
    star = text.rfind("*", max(0, s - STAR_REACH), s)
    if star < 0:
        return
    start = star + 1
    while start < s and text[start] == " ":
        start += 1
    dm = p.DATE.match(text, start, min(len(text), e + 12))
    if dm is None or dm.end() <= s or not living(dm.group()) or not calendar_date(dm.group()):
        return
    if star > 0 and (text[star - 1].isalnum() or text[star - 1] in "*/"):
        return  # "2*3", "**bold**"
    if start > star + 1 and star > 0 and not text[star - 1].isspace() and text[star - 1] not in "([,;\"'|>":
        return  # "*Termin:* 14. 10. 2025": a star that closes an emphasis, not one before a birth date
    if text[dm.end() : dm.end() + 1] in ("*", ":"):
        return  # "Released *2025-10-14*", "* 14.10.2025: Kick-off": an emphasis, a list item's or a heading's date
    if start > star + 1 and _list_item(text, star):
        return  # "* 14.10.2025 Kick-off\n* 21.10.2025 Review": a Markdown list's bullets
    out.append(("DATE_OF_BIRTH", dm.start(), dm.end()))


# A line that starts a Markdown or plain-text list item.
_LIST_MARKER = re.compile(r"[ \t]*[*+\-\u2022][ \t]")


def _list_item(text: str, star: int) -> bool:
    """Whether the star at ``star`` is the bullet of a list: it starts its line, and a line next to it starts another.

    A star before a date on a line of its own is the genealogical one (a CV's ``* 03.04.1961``);
    the same star on a line between other bullets marks an item of a list, whose dates are
    a plan's or a changelog's. One item alone cannot tell the two apart and counts as a birth date.
    """
    line = text.rfind("\n", 0, star) + 1
    if text[line:star].strip(" \t"):
        return False
    before = text[:line].rstrip()  # a loose list has blank lines between its items
    if before and _LIST_MARKER.match(text, before.rfind("\n") + 1):
        return True
    following = text.find("\n", star)
    if following == -1:
        return False
    following += 1
    while following < len(text) and text[following] in " \t\r\n":
        following += 1
    return _LIST_MARKER.match(text, text.rfind("\n", 0, following) + 1) is not None
