"""The genealogical star before a birth date (``* 03.04.1961``, ``*1961``), told from Markdown's stars.

German CVs, letters and family trees write a birth date after a star. Markdown writes a star
before a list item and around emphasis, and its lists and headings carry dates too (a plan's,
a changelog's). What tells them apart, in order:

* a birth's context after the date: nothing else on its line (``Anna Schmidt\\n* 03.04.1961``),
  a place or a birth word (``* 03.04.1961 in Köln``, ``* 03.04.1961: geboren``) or a first name
  (``* 12.06.2010 Lena``): a birth date;
* a date right before a colon at the start of a list item (``* 14.10.2025: Kick-off``), a dated
  list (its neighbouring items also start with a date, blank lines between them or not), or a
  single bullet's date of this year or last: Markdown's;
* emphasis (``*2025-10-14*``) around a date of this year or last, or around a year that opens a
  list item (``- *2014*: first release``): Markdown's.

A text that mixes the two (a list of people's birth dates with nothing after them but a plan's
words) is read as the list it looks like; see docs/privacy.md.
"""

from __future__ import annotations

import re

from langchain_aegis.privacy import _patterns as p
from langchain_aegis.privacy._birth_dates import DEAD_BY, calendar_date, living, recent
from langchain_aegis.privacy._glue import glued_right
from langchain_aegis.privacy._lexicon import first_names

__all__ = ["STAR_REACH", "starred_date", "year_of_birth"]

Span = tuple[str, int, int]

STAR_REACH = 20  # "* 14. 10. 1996", "* 25. September 1948", "* 9th of October 1936": from the star to the year

# A line that starts a Markdown or plain-text list item, and one whose item starts with a date or a year.
_LIST_MARKER = re.compile(r"[ \t]*[*+\-\u2022][ \t]")
_YEAR_FIRST = re.compile(r"\**[0-9]{4}(?![0-9])")
_PLACE = re.compile(r"[ \t]*[,:]?[ \t]*(?:(?:in|zu|at)[ \t]+[A-ZÄÖÜ]|geboren|geb\.|born)")  # "in Köln", ": geboren"
_WORD = re.compile(r"[ \t]*,?[ \t]*([^\W\d_]+)")


def year_of_birth(text: str, s: int, e: int) -> bool:
    """``*1961`` (a star glued to a year) marks a year of birth in German CVs and letters.

    Not a list item's year in emphasis or before a colon (``- *2014*: first release``), nor
    emphasis around this year's or last year's (``*2025*``).
    """
    if text[s - 1] != "*" or glued_right(text, e) or not living(text[s:e]):
        return False
    if s >= 2 and (text[s - 2].isalnum() or text[s - 2] in "*/"):
        return False
    after = text[e : e + 1]
    if after == "*" and (recent(text[s:e]) or _item_start(text, s - 1)):
        return False
    return not (after == ":" and _item_start(text, s - 1))


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
    death = _DEATH_AFTER.match(text, dm.end()) if text[max(0, star - 2) : star].strip() == "(" else None
    if death is not None and int(death.group(1)) <= DEAD_BY:
        return  # "(* 9. Mai 1921 in Forchtenberg; † 22. Februar 1943 ...)": a life that ended long ago
    if not _markdowns(text, star, dm.group(), dm.end()):
        out.append(("DATE_OF_BIRTH", dm.start(), dm.end()))


# Wikipedia's "(* 9. Mai 1921 in Forchtenberg; † 22. Februar 1943 in München)": the cross right after a semicolon,
# in the parentheses the star opened (not "Ehemann † 1974", someone else's).
_DEATH_AFTER = re.compile(r"[^()\n†;]{0,48};[ ]?†[^()\n]{0,20}?(?<![0-9])(1[0-9]{3}|20[0-9]{2})(?![0-9])")


def _markdowns(text: str, star: int, date_text: str, end: int) -> bool:
    """Whether the star before the date ``text[star + 1 : end]`` is Markdown's (see the module's rules)."""
    if _birth_context(text, end):
        return False
    after = text[end : end + 1]
    if after == "*":
        return recent(date_text) or _item_start(text, star)  # emphasis: "Released *2025-10-14*"
    if not _item_start(text, star):
        return False
    return after == ":" or recent(date_text) or _dated_list(text, star)


def _birth_context(text: str, end: int) -> bool:
    """Whether what follows the date on its line says birth: nothing, a place, or a first name."""
    line_end = text.find("\n", end)
    rest = text[end : len(text) if line_end == -1 else line_end]
    if not rest.strip(" \t\r.,;)"):
        return True
    if _PLACE.match(rest):
        return True
    word = _WORD.match(rest)
    return word is not None and word.group(1) in first_names()


def _item_start(text: str, star: int) -> bool:
    """Whether the star at ``star`` opens a list item or a line: only a list marker or spaces before it."""
    line = text.rfind("\n", 0, star) + 1
    head = text[line:star]
    return not head.strip(" \t") or _LIST_MARKER.fullmatch(head) is not None


def _dated_list(text: str, star: int) -> bool:
    """Whether a list item next to the star's line (blank lines between or not) also starts with a date."""
    line = text.rfind("\n", 0, star) + 1
    before = text[:line].rstrip()  # a loose list has blank lines between its items
    if before and _dated_item(text, before.rfind("\n") + 1):
        return True
    following = text.find("\n", star)
    if following == -1:
        return False
    following += 1
    while following < len(text) and text[following] in " \t\r\n":
        following += 1
    return _dated_item(text, text.rfind("\n", 0, following) + 1)


def _dated_item(text: str, line: int) -> bool:
    """Whether the line at ``line`` is a list item that starts with a date or a year."""
    m = _LIST_MARKER.match(text, line)
    if m is None:
        return False
    i = m.end()
    while text.startswith((" ", "*"), i):
        i += 1
    return p.DATE.match(text, i) is not None or _YEAR_FIRST.match(text, i) is not None
