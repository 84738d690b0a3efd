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
from langchain_aegis.privacy._lexicon import first_names, surnames
from langchain_aegis.privacy._per_text import lowered

__all__ = [
    "DEAD_BY",
    "birth_date_before_verb",
    "birth_dates_after_keyword",
    "birthdays",
    "calendar_date",
    "living",
    "newborns",
    "recent",
    "short_birth_years",
]

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
    if keyword_end >= 2 and low[keyword_end - 2 : keyword_end] == "b." and _Z_B.search(low, 0, keyword_end):
        keyword_end = -1  # "z. B. 4.6.9": "zum Beispiel", not "born"
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
            and not (_DOTTED_ON.match(text, dm.end()) and not dm.group()[-4:].isdecimal())  # "10.5.61" of "10.5.61.242"
        ):
            out.append(("DATE_OF_BIRTH", dm.start(), dm.end()))
        elif e - s == 8 and (dm is None or dm.end() <= s) and _compact_birth_date(text[s:e]):
            out.append(("DATE_OF_BIRTH", s, e))  # "GEB.DAT. 12021976", "(DOB 19781002)"
        elif (
            (dm is None or dm.end() <= s)
            and (mm := _MONTH_YEAR.fullmatch(text, s, e))
            and living(mm.group(1))
            and _FILLER.fullmatch(low, keyword_end)
        ):
            out.append(("DATE_OF_BIRTH", s, e))  # "Geb. 7/1965", "DOB: 04.1987": a month and a year
        elif (
            (dm is None or dm.end() <= s)
            and (sm := _SPACED_DATE.fullmatch(text, s, e))
            and calendar_date(f"{sm.group(1)}.{sm.group(2)}.{sm.group(3)}")
            and living(sm.group(3))
            and _FORM_FILLER.fullmatch(low, keyword_end)
        ):
            out.append(("DATE_OF_BIRTH", s, e))  # a form's boxes: "Date of birth (DD MM YYYY)  13 06 1997"

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
            and not _cohort(text, lo + after, e)
        ):
            out.append(("DATE_OF_BIRTH", s, e))  # the first number after it ("geb. 1958, OP 2026": not 2026)


_Z_B = re.compile(r"z\.[ \t]?b\.\Z")
_DOTTED_ON = re.compile(r"\.[0-9]")
_SPACED_DATE = re.compile(r"([0-9]{2})[ ]([0-9]{2})[ ]((?:19|20)[0-9]{2})")
_FORM_FILLER = re.compile(r"[ \t\r\n:/]*(?:\((?:dd|tt)[ ./]?mm[ ./]?(?:yyyy|jjjj)\))?[ \t:/]*")
_MONTH_YEAR = re.compile(r"(?:0?[1-9]|1[0-2])[./-]((?:19|20)[0-9]{2})")
_FILLER = re.compile(r"[ \t]*(?:-?(?:datum|date)\b)?[ \t]*[:.=]?[ \t]*(?:(?:am|on|in)[ \t]+)?")

# "Jahrgang" names a year group of other things too: a wine's vintage, a journal's volume, a
# school year ("Riesling trocken, Jahrgang 2019", "Zeitschrift für Sozialrecht, Jahrgang 1998,
# Heft 4", "Abiturjahrgang 2024"). A compound other than "Geburtsjahrgang", a vintage's or a
# volume's word before it on its line, or a volume's word after the year, makes it no birth year.
_COHORT_BEFORE = re.compile(
    r"(?<![\w])(?i:wein|weine|riesling|[a-zäöü]*burgunder|silvaner|dornfelder|lemberger|trollinger|merlot|cabernet|"
    r"chardonnay|sauvignon|rioja|chianti|bordeaux|sekt|champagner|cr[ée]mant|prosecco|whisky|cognac|"
    r"spätlese|auslese|trocken|halbtrocken|lieblich|feinherb|flaschen?|fl\.|heft|zeitschrift|journal|"
    r"ausgabe|bulletin|mitteilungsblatt)(?![\w])"
)
# After the year: a volume's issue or page ("Jahrgang 1998, Heft 4", "Jahrgang 61 (2015)").
_COHORT_AFTER = re.compile(
    r"[ \t]*[,;/]?[ \t]*(?:\([0-9]{4}\)|\(?(?i:heft|nr\.?|no\.|ausgabe|band|bd\.|s\.|seite|issue|vol\.?)[ ]?[0-9])"
)


def _cohort(text: str, keyword_end: int, year_end: int) -> bool:
    """Whether the "Jahrgang" or "Jg." ending at ``keyword_end`` names a vintage, a volume or a school year."""
    head = text[max(0, keyword_end - 9) : keyword_end].lower()
    if head.endswith("jahrgang"):
        start = keyword_end - 8
    elif head.rstrip(".").endswith("jg"):
        start = keyword_end - len(head) + head.rfind("jg")
    else:
        return False
    if start > 0 and text[start - 1].isalpha() and text[max(0, start - 7) : start].lower() != "geburts":
        return True  # "Abiturjahrgang", "Weinjahrgang", but "Geburtsjahrgang"
    line_start = text.rfind("\n", max(0, start - 48), start) + 1
    before = _COHORT_BEFORE.search(text, max(line_start, start - 48), start)
    if before is not None and _PERSON_BETWEEN.search(text, before.end(), start):
        before = None  # "Zeitschrift-Abonnent Herr Becker, Jahrgang 1963": the person's year
    return before is not None or _COHORT_AFTER.match(text, year_end) is not None


_PERSON_BETWEEN = re.compile(r"(?<![\w])(?:Herr|Herrn|Frau|Hr\.|Fr\.|Mr|Mrs|Ms|Dr|Patient\w*|Kund\w*)(?![\w])")


# Two-digit years of birth: "Jahrgang 61", "Jg. '61", "born in '98", "geb. '61" (a typographic
# apostrophe too). Without an apostrophe only after "Jahrgang" or "Jg" (after "born" it is an age
# or a count: "born 12 weeks early").
# Found from the keyword or the apostrophe, each looked for with ``str.find`` or in the text's words
# (a regex pass over every character, or ``find`` of a rare two-letter word, costs 0.1-1 ms per 100 KB).
_GRADES = ("10", "11", "12", "13")  # a German school's "Jahrgang 11" is its eleventh grade
_JAHRGANG_TAIL = re.compile(r"\.?:?[ \t]*(['\u2019\u2018`\u00b4])?([0-9]{2})(?![0-9]|[.,:/][0-9]|[ \t]?%)")
_JG_WORDS = ("jg", "jg.", "jg:", "jg.:", "(jg", "(jg.")
_APOSTROPHES = "'\u2019\u2018`\u00b4"  # straight, typographic, grave and acute
_SHORT_YEAR = re.compile(r"[0-9]{2}(?![\w]|[.,:/][0-9]|[ \t]?%)")  # not "'20er Jahre"
_APOSTROPHE_KEYWORD = re.compile(
    r"(?<![\w.])(born(?:[ \t]+in)?|b\.|geb\.?|geboren|dob|d\.o\.b\.?|yob|(?:geburts)?jahrgang|jg\.?)[ \t]*:?[ \t]*\Z"
)


def short_birth_years(text: str, low: str, words: set[str], out: list[Span]) -> None:
    """Append the two-digit years of birth in ``text`` (``low`` is it lower-cased, ``words`` its words)."""
    keywords = ("jahrgang", "jg") if not words.isdisjoint(_JG_WORDS) else ("jahrgang",)
    for keyword in keywords:
        i = low.find(keyword)
        while i != -1:
            end = i + len(keyword)
            m = _JAHRGANG_TAIL.match(low, end)
            if (
                m is not None
                and m.group(1) is None  # with an apostrophe: below
                and m.group(2) not in _GRADES
                and (i == 0 or not low[i - 1].isalnum() or keyword == "jahrgang")
                and not _cohort(text, end, m.end())
                and _person_before(text, i)
            ):
                out.append(("DATE_OF_BIRTH", m.start(2), m.end()))
            i = low.find(keyword, end)
    for quote in _APOSTROPHES:
        i = low.find(quote)
        while i != -1:
            m = _SHORT_YEAR.match(low, i + 1)
            km = _APOSTROPHE_KEYWORD.search(low, max(0, i - 20), i) if m is not None else None
            if (
                m is not None
                and km is not None
                and not (km.group(1) == "b." and text[km.start(1)] == "B")  # "Burrill B. '32"
                and not _cohort(text, km.end(1), m.end())
                # "DOB '87" is a birth's label; "born", "Jahrgang" and "b." speak of things too
                and (not km.group(1).startswith(_THING_TOO) or _person_before(text, km.start(1)))
            ):
                out.append(("DATE_OF_BIRTH", i, m.end()))
            i = low.find(quote, i + 1)


# Before a two-digit year, on its line: a person's cue or pronoun, or a name the lexicon knows ("Herr Weber,
# Jahrgang 61", "ich bin Jahrgang 02", "Mehmet (Jahrgang 59)", "Tom Baker, born in '98"), not a car's, a
# journal's or a product line's ("Oldtimer, Jahrgang 67", "Born in '98, the Walkman successor").
_PERSON_CUE = re.compile(
    r"(?<![\w])(?i:herr|herrn|frau|mr|mrs|ms|ich|bin|i|i'm|he|she|er|sie|patient\w*|name|mitarbeiter\w*|kunde|kundin"
    r"|sohn|tochter|son|daughter|mutter|vater|mother|father)(?![\w])"
)
_THING_TOO = ("born", "b.", "jahrgang", "geburtsjahrgang", "jg")
_CAPITALISED_WORD = re.compile(r"[A-ZÄÖÜ][a-zäöüß]+")


def _person_before(text: str, i: int) -> bool:
    line_start = text.rfind("\n", max(0, i - 60), i) + 1 or max(0, i - 60)
    if _PERSON_CUE.search(text, line_start, i):
        return True
    first, last = first_names(), surnames()
    return any(w in first or w in last for w in _CAPITALISED_WORD.findall(text, line_start, i))


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


# A newborn's weight and length ("3.480 g - 52 cm", "3850 g · 50 cm", "7lb 3oz"): a birth announcement's, after
# the child's date of birth. Read back from each "cm" or "oz" that follows a digit (str.find: a pattern led by a
# digit class is tried at every position, 12 ms per 100 KB of prose).
_NEWBORN_SIZE = re.compile(
    r"(?<![0-9.,])[1-5][.,]?[0-9]{3}[ \u00a0]?(?:g|Gramm)\b[^\n0-9]{0,8}[3-6][0-9](?:[.,][0-9])?[ \u00a0]?cm\Z"
    r"|(?<![0-9])[4-9][ ]?(?:lbs?|pounds?)[ ,]{0,2}(?:1[0-5]|[0-9])[ ]?(?:oz|ounces?)\Z"
)
_SIZE_REACH = 40  # characters a weight and a length take before their last unit
# A birth's word or a family's around it ("ist da", "was born", "die glücklichen Eltern"): not a parcel's or a
# catch's ("Paket angekommen", "Welcome to the newsletter", "Müller & Sohn GmbH").
_BIRTH_SIGN = re.compile(
    r"(?i:geboren|\bist[ ]da\b|\bsind[ ]da\b|erblickt|\bgeburt\b|\bborn\b|\bis[ ]here\b|welcome[ ]to[ ]the[ ]world"
    r"|willkommen[ ]auf[ ]der[ ]welt|glücklichen[ ]eltern|stolzen[ ]eltern|proud[ ]parents|baby[ ](?:boy|girl)"
    r"|unser(?:e|[ ])[ ]?(?:sohn|tochter)|our[ ](?:son|daughter|baby))"
)
_NEWBORN_REACH = 100  # how far before the weight the date may stand (two short lines)


def newborns(text: str, out: list[Span]) -> None:
    """A birth announcement's date ("Pavel ist da. 15. Mai 2024 um 20:43 Uhr, 3.480 g - 52 cm"): a date of birth."""
    for unit in ("cm", "oz"):
        i = text.find(unit)
        while i != -1:
            digit = i - 1 if i and text[i - 1] != " " else i - 2
            if digit >= 0 and text[digit].isdecimal() and not text[i + 2 : i + 3].isalpha():
                m = _NEWBORN_SIZE.search(text, max(0, i - _SIZE_REACH), i + 2)
                if m is not None:
                    _announced(text, m, out)
            i = text.find(unit, i + 2)


def _announced(text: str, m: re.Match[str], out: list[Span]) -> None:
    """The date before a newborn's weight and length ``m``, if a birth's or a family's word stands near."""
    lo = max(0, m.start() - _NEWBORN_REACH)
    dates = [d for d in p.DATE.finditer(text, lo, m.start()) if calendar_date(d.group()) and living(d.group())]
    if dates and _BIRTH_SIGN.search(text, max(0, dates[-1].start() - 150), min(len(text), m.end() + 120)):
        out.append(("DATE_OF_BIRTH", dates[-1].start(), dates[-1].end()))


# A birthday with the age it brought ("turned 40 on 11th November", "turns 18 on the 3rd of May"): the age tells
# the year, so the day is a date of birth.
_TURNED = re.compile(
    rf"(?i:turned|turns|turning)[ ](?:[1-9][0-9]?|1[01][0-9])[ ](?:on[ ])?(?:the[ ])?"
    rf"(?:[0-9]{{1,2}}(?:st|nd|rd|th)?[ ](?:of[ ])?{p.MONTH}|{p.MONTH}[ ][0-9]{{1,2}}(?:st|nd|rd|th)?)(?![\w])"
)


def birthdays(text: str, out: list[Span]) -> None:
    """A birthday told with the age it brought ("I officially turned 40 on 11th November"): a date of birth."""
    # Someone's: "I", "she", "my son", or a first name and a surname before it on its line; not "The app turned 5",
    # "Our company turns 25" or "Julia turned 10" (a language, a brand: a first name alone says too little).
    # Read at each "turn" (str.find in the lower-cased text): the pattern, case-blind, has no literal to skip to.
    low = lowered(text)[0]
    i = low.find("turn")
    while i != -1:
        m = _TURNED.match(text, i) if i == 0 or not low[i - 1].isalnum() else None
        if m is not None and _turned_who(text, i):
            out.append(("DATE_OF_BIRTH", m.start(), m.end()))
        i = low.find("turn", i + 4)


_TURNED_WHO = re.compile(
    r"(?:\b(?:I|I've|I'm|[Hh]e|[Ss]he|[Hh]e's|[Ss]he's)|\b(?:[Mm]y|[Oo]ur|[Hh]is|[Hh]er)[ ](?:son|daughter|mum|mom"
    r"|mother|dad|father|wife|husband|partner|brother|sister|grandma|granny|grandad|granddad|grandfather|grandmother|baby"
    r"|boy|girl|little[ ]one|kid|child|twins?))(?:[ ]\w+)?[ ]\Z"
)
_FULL_NAME_BEFORE = re.compile(r"([A-ZÄÖÜ][a-zäöüß]+)[ ]([A-ZÄÖÜ][a-zäöüß'\-]+)[ ]\Z")


def _turned_who(text: str, i: int) -> bool:
    if _TURNED_WHO.search(text, max(0, i - 40), i):
        return True
    m = _FULL_NAME_BEFORE.search(text, max(0, i - 60), i)
    return m is not None and m.group(1) in first_names() and m.group(2) in surnames()


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
