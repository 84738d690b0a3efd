# ruff: noqa: RUF001
# (the text this module handles is Unicode on purpose; nested ifs keep the cheap test first)
"""People and what is said about them: ``HEALTH``, ``SPECIAL_CATEGORY``, ``ADDRESS``, ``PERSON``.

A named person (see :mod:`._names`) is

* health data (``HEALTH``) when a diagnosis, medication, dosage, lab value,
  disease word or ICD-10 code stands within about 100 characters of the name,
  in German or English, with or without a salutation ("Müller hat Diabetes
  Typ 2", "Pt. John Smith, 54M, HbA1c 9.1%");
* special-category data (``SPECIAL_CATEGORY``) next to religion, sexual
  orientation, ethnic origin, political or union membership, genetic or
  biometric data (GDPR Art. 9), or pay;
* an ``ADDRESS`` (the street, house number, postcode and city) with a
  ``PERSON`` (the name) when a street address follows the name;
* a ``PERSON`` on its own when a cue introduces the name (salutation, title,
  ``Name:``, greeting, sign-off), except in encyclopedic text about people
  born more than 120 years ago.

The person and each term are separate findings, so redaction removes who as
well as what. Health, special-category and street words are found in one
lower-cased copy of the text; names are looked up only in the windows around
them, and around cues.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from datetime import date

from langchain_aegis.privacy import _patterns as p
from langchain_aegis.privacy._addressees import addressee
from langchain_aegis.privacy._birth_dates import DEAD_BY
from langchain_aegis.privacy._case import recase, recase_around, uncased
from langchain_aegis.privacy._chat_senders import chat_senders
from langchain_aegis.privacy._drugs import drug_terms
from langchain_aegis.privacy._en_addresses import en_addresses
from langchain_aegis.privacy._lexicon_names import lexicon_persons
from langchain_aegis.privacy._names import CUES, Person, cue_persons
from langchain_aegis.privacy._numbers import Span
from langchain_aegis.privacy._person_cues import more_persons
from langchain_aegis.privacy._prefilter import KeywordScan, WordScan, folded_words, lowered, number_runs
from langchain_aegis.privacy._terms import about_a_person

__all__ = ["scan_people"]

_REACH = 100  # characters either side of the person in which a health term counts
_LETTER = 12_000  # up to this length a text with several health terms is one clinical letter
_WORD_TAIL = re.compile(r"[^\W_]*")
_DIGIT = re.compile(r"\d")  # what str.isdecimal accepts (Unicode category Nd), found in C
# A unit every dosage ends with: a far cheaper scan of the window than DOSAGE,
# which is tried at every digit, so DOSAGE runs only where it can match.
_DOSAGE_HINT = re.compile(r"mc?g|µg|ml|I[EU.]|%|mmol")
_LAB = re.compile(r"[0-9](?<![0-9A-Za-z.,][0-9])[0-9.,]*[ ]?(?:%|mmol/l|mg/dl|g/dl)(?![A-Za-z])", re.IGNORECASE)
_AGE_SEX = re.compile(
    r",?[ ]?\(?(?:[0-9]{1,3}[ ]?(?:[MFWmfw]|J\.|Jahre|jährige[rn]?|-jährige[rn]?|years?(?: old)?|-year-old|yo|y/o)"
    r"|[mwfMWF],[ ]?[0-9]{1,3})(?![\w])"
    # a table's next cell: an age said as one ("KYRIAKIDOU, Anastasia | 85 y/o"), not a term ("Bond | 1 year")
    r"|[ ]?\|[ ]?[0-9]{1,3}[ ]?(?:y/o|yo|years[ ]old|-year-old|Jahre[ ]alt|-?jährige[rn]?|[MFWmfw])(?![\w])"
)
# A year written as a year ("(1843-1910)", "* 21. März 1685", "born 1820", "1906 erstmals"), not a dose:
# a four-digit number 1000-1999 standing alone (_OLD_YEAR_HINT) with a year's context, either after it
# (_YEAR_THEN) or before it (_YEAR_AFTER, a search that ends at the year).
_OLD_YEAR_HINT = re.compile(r"1(?<![0-9]1)[0-9]{3}(?![0-9])")
_YEAR_THEN = re.compile(
    r"(?<![0-9.,])1[0-9]{3}(?![0-9.,])(?=[ ]?[)\-–;]|[ ](?:in|erstmals|entdeck|beschrieb|first|was|wurde|starb|died))"
)
# A dash before a year after a year ("1843-1910") or after no number; "MA 02110-1301" is a ZIP+4 code.
_YEAR_AFTER = re.compile(
    r"(?:[(*†][ ]?|(?:(?<![0-9])|(?<=[^0-9]1[0-9]{3})|(?<=^1[0-9]{3}))[\-–][ ]?"
    r"|(?<![\w])(?:geb\.|geboren|born|died|starb|[Ii]n|[Ii]m Jahre?|[Ii]n the year"
    r"|[Aa]nno|[Ss]eit|[Uu]m|year|Jan\w*|Feb\w*|Mär\w*|Mar\w*|Apr\w*"
    r"|Mai|May|Jun\w*|Jul\w*|Aug\w*|Sep\w*|Okt\w*|Oct\w*|Nov\w*|Dez\w*|Dec\w*)[ ])\Z"
)
# A person who died at least 50 years ago ("Marie Curie died in 1934", "Koch (1843-1910)") is no
# longer a living one, although born less than 120 years ago: the death is said right after the name.
_DIED = re.compile(
    r",?[ ](?:died|starb|verstarb)(?:[ ](?:in|im Jahre?|on|am))?[ ](?:[^\n.]{0,16}?[ ])?(1[0-9]{3}|20[0-9]{2})(?![0-9])"
    r"|[ ]?\((?:\*[ ]?)?(1[0-9]{3})[ ]?[-–][ ]?(?:†[ ]?)?(1[0-9]{3}|20[0-9]{2})\)"
    # Wikipedia's "(* 9. Mai 1921 in Forchtenberg; † 22. Februar 1943 in München)": the year after the cross
    r"|[ ]?\(\*[^;)\n]{0,40};[ ]?†[^;)\n]{0,16}?(1[0-9]{3}|20[0-9]{2})(?![0-9])"
)
_DEATH_YEAR = re.compile(r"(?:starb|verstarb|died)(?![\w])[^\n;]{0,24}?(?<![0-9])(1[0-9]{3}|20[0-9]{2})(?![0-9])")
_RELATIVE = re.compile(
    r"(?i:vater|mutter|bruder|schwester|sohn|tochter|ehemann|ehefrau|gatt|großvater|großmutter|onkel|tante|eltern"
    r"|father|mother|brother|sister|son|daughter|husband|wife|grand|uncle|aunt|parent)"
)
_YEAR_PREFIX_REACH = 12  # "im Jahr 1850": the date words before a year, or the start of the last one
_LIVING_FROM = date.today().year - 120
# Health, special-category and street words are found through the text's distinct words
# (see :mod:`._prefilter`): the same spans as a scan of every character, at a fraction of it.
_PEOPLE_TERMS = KeywordScan(p.PEOPLE_TERMS, p.PEOPLE_KEYWORDS)
_STREET_HINTS = KeywordScan(p.STREET_HINT, (*p.STREET_KEYWORDS, *p.STREET_ABBREVIATIONS))


def scan_people(text: str, out: list[Span]) -> None:
    """Append persons and what is said about them to ``out``."""
    n = len(text)
    low, words = lowered(text)
    runs = number_runs(text)  # re-casing below changes letters only: the digit runs stay where they are
    # One keyword pass for both lists: the matched keyword says which list it is from.
    terms = _PEOPLE_TERMS.spans(low, words)
    streets = _STREET_HINTS.spans(low, words)
    # Names are read by their capitals; text typed without them gets them back (same positions):
    # all of it when it has no case at all, else the salutations and the reach of each term.
    written = text  # as typed: a party's name is told from an adjective by its capital
    typed_in_case = not uncased(text)
    text = recase_around(text, terms + streets, _REACH, low, words) if typed_in_case else recase(text)
    # In cased text, capitals that re-casing gave a lower-case stretch are no writer's ("the output is very long").
    recased_from = written if typed_in_case and text is not written else None
    # The lower-cased text is the same after re-casing.
    cues = cue_persons(text, low, words) + more_persons(text, low, words) + chat_senders(text)
    health: list[tuple[int, int]] = []
    special: list[tuple[int, int]] = []
    for ts, te in terms:
        span = _whole_word(text, ts, te)
        if not about_a_person(written, low, ts, te, span, typed_in_case=typed_in_case):
            continue  # "SSH key fingerprint", "diagnostics_channel", "No-op", "die linke Spalte"
        (special if low[ts:te] in p.SPECIAL_KEYWORDS else health).append(span)
    health += _icd_codes(text, low, words)
    health += drug_terms(low, words)  # "Amlodipin", "gabapentin": a drug's INN stem or its name
    used: set[tuple[int, int]] = set()
    old: list[list[int]] = []  # the old years, found at the first person that needs them
    dead: set[str] = set()  # surnames of the historical persons, once the old years are known
    memo: dict[tuple[int, int, int, int], Person | None] = {}  # lexicon names, by word pair

    verdicts: dict[Person, bool] = {}  # each person judged once (a letter's cues meet every term)

    def historical(person: tuple[int, int]) -> bool:
        verdict = verdicts.get(person)
        if verdict is None:
            verdict = verdicts[person] = judge(person)
        return verdict

    def judge(person: tuple[int, int]) -> bool:
        if not old:
            years, deaths = _old_years(text), _death_years(text)
            old.append(sorted(years + deaths) if deaths else years)
            if n <= _LETTER:  # the surnames spread within one document only (below)
                dead.update(_historical_surnames(text, old[0], cues, memo))
        if _historical(old[0], *person) or _died_long_ago(text, person[1]):
            return True
        # An encyclopedic article names its subject again far from the dates ("Robert Koch ...
        # Dr. Koch ... Robert Koch, der am 11. Dezember 1843"). Within one document only: a long
        # prompt of many documents may name a living Frau Bach after Johann Sebastian Bach.
        return bool(dead) and n <= _LETTER and text[person[0] : person[1]].split()[-1] in dead

    # Cues by start, to find those near a term by bisection (a text may hold thousands of each).
    cues.sort()
    cue_starts = [a for a, _ in cues]
    longest = max((b - a for a, b in cues), default=0)

    # A clinical document (a letter with several distinct health terms) is about the
    # person it names, however far the diagnoses stand from the name in its head.
    clinical = n <= _LETTER and len({low[a:b] for a, b in health}) >= 3
    head = lexicon_persons(text, 0, min(n, 400), None, recased_from, wide=True) if clinical else []
    letter = [q for q in cues + head if not historical(q)] if clinical and health else []
    for terms, entity in ((health, "HEALTH"), (special, "SPECIAL_CATEGORY")):
        for ts, te in terms:
            lo, hi = max(0, ts - _REACH), min(n, te + _REACH)
            if clinical and entity == "HEALTH":
                persons = [q for q in letter if q[1] <= ts or q[0] >= te]
            else:
                persons = _overlapping(cues, cue_starts, longest, lo, hi) + lexicon_persons(
                    text, lo, hi, memo, recased_from, wide=True
                )
                persons = [q for q in persons if (q[1] <= ts or q[0] >= te) and not historical(q)]
            if persons:
                out.append((entity, ts, te))
                out.extend((entity, a, b) for a, b in persons)
                used.update(persons)
    if health:
        _lab_values(text, cues, out)
    for a, b in _addresses(text, streets, runs):
        lo = max(0, a - 80)
        # The person before the address, or a cue right after it ("... Leeds LS6 4DL. thx, Rubén").
        persons = cues[bisect_left(cue_starts, lo) : bisect_left(cue_starts, a)] + lexicon_persons(
            text, lo, a, memo, recased_from, wide=True
        )
        persons += cues[bisect_left(cue_starts, b) : bisect_left(cue_starts, b + _AFTER_ADDRESS)]
        if not persons:
            named = addressee(text, a)
            persons = [named] if named else []
        persons = [q for q in persons if not historical(q)]
        if persons:
            out.append(("ADDRESS", a, b))
            out.extend(("PERSON", pa, pb) for pa, pb in persons)
            used.update(persons)
        elif _RESIDENCE_BEFORE.search(text, max(0, a - 40), a):
            out.append(
                ("ADDRESS", a, b)
            )  # "I live at 187 Wellington Street", "Ich wohne in der Rosenweg 43": the writer's
    for a, b in cues:
        if (a, b) not in used and not historical((a, b)):
            out.append(("PERSON", a, b))
    _aged_persons(text, out)


# ICD10 leads with a capital letter and is tried at each; a code stands inside one word, found
# through the text's distinct words. Non-ASCII letters whose capital is an ASCII letter (dotless
# i, long s) could become one when :mod:`._case` re-cases the text: such words are hinted folded.
_AFTER_ADDRESS = 40  # how far after an address a cue's person may stand and still be its addressee
# The writer saying where they live, right before the address: it is theirs, though no name stands there.
_RESIDENCE_BEFORE = re.compile(
    r"(?i:\bich[ ]wohne|\bwir[ ]wohnen|\bmeine[ ](?:private[ ]|neue[ ])?adresse(?:[ ]ist|[ ]lautet)?"
    r"|\bi[ ]live|\bwe[ ]live|\bmy[ ](?:home[ ]|private[ ]|new[ ])?address(?:[ ]is)?|\bparty[ ]is[ ]at[ ]mine"
    r"|\b(?:residential|home|private)[ ]address(?:[ ](?:is|as))?"
    r"|\b(?:wohnanschrift|wohnadresse|meldeadresse|meldeanschrift|privatanschrift|privatadresse))"
    r"(?:[ ](?:in|at|on|am|an|im|in[ ]der|an[ ]der|auf[ ]der|der))?[:,!]{0,3}[ ]\Z"
)
_ICD_WORDS = WordScan(re.compile(r"[a-tv-z][0-9]{2}\.[0-9]"))


def _icd_codes(text: str, low: str, words: set[str]) -> list[tuple[int, int]]:
    """``[m.span() for m in ICD10.finditer(text)]``; ``low`` is ``text`` lower-cased, before any re-casing."""
    folds = folded_words(low, words)  # such a word is hinted in the form re-casing may give it
    return [t.span() for a, b in _ICD_WORDS.spans(low, words, folds) for t in p.ICD10.finditer(text, a, b)]


def _terms(text: str, low: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    return [_whole_word(text, t.start(), t.end()) for t in pattern.finditer(low)]


def _lab_values(text: str, cues: list[tuple[int, int]], out: list[Span]) -> None:
    """Dosages and lab values next to a cue person are health data too ("metformin 500 mg")."""
    n = len(text)
    for a, b in cues:
        lo, hi = max(0, a - _REACH), min(n, b + _REACH)
        if _DOSAGE_HINT.search(text, lo, hi):
            terms = [t.span() for t in p.DOSAGE.finditer(text, lo, hi)] + [
                t.span() for t in _LAB.finditer(text, lo, hi)
            ]
            if terms:
                out.append(("HEALTH", a, b))
                out.extend(("HEALTH", ts, te) for ts, te in terms if te <= a or ts >= b)


def _addresses(text: str, streets: list[tuple[int, int]], runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    found = en_addresses(text, runs)
    # Postcode and city ("10115 Berlin"), with the street line before it ("Am Markt 19, ").
    for m in _postcodes(text, runs):
        a = m.start()
        if a and (text[a - 1].isalnum() or text[a - 1] in "-/.,:") and not _COUNTRY_BEFORE.search(text, 0, a):
            continue  # a number's tail, not a postcode; but "CH-6900 Lugano", "D-10115 Berlin" are
        street = p.STREET_BEFORE.search(text, max(0, a - 60), a)
        if street:
            found.append((street.start(), m.end()))
    for h, _ in streets:
        lo = max(0, h - 40)
        for sm in (
            p.STREET.search(text, lo, min(len(text), h + 60)),
            p.EN_STREET.search(text, lo, min(len(text), h + 90)),
        ):
            if sm and sm.start() <= h < sm.end():
                found.append(sm.span())
    return found


_COUNTRY_BEFORE = re.compile(r"(?<![\w\-])(?:CH|D|A|DE|AT)-\Z")


def _postcodes(text: str, runs: list[tuple[int, int]]) -> Iterator[re.Match[str]]:
    """``POSTCODE.finditer(text)``, tried only at the last five characters of each digit run.

    A postcode's five digits end a maximal stretch of digits (no digit after them) and a
    space follows, so they end a run of ``runs`` (:data:`~._patterns.NUMBER_RUN` joins digits
    only across a separator followed by a digit, and never stops before a digit). POSTCODE has
    no look-behind, so a match at a position does not depend on where the search started;
    trying the candidates in order, each from the end of the last match, gives finditer's matches.
    """
    last_end = 0
    for s, e in runs:
        a = e - 5
        if a >= s and a >= last_end and text[a:e].isdecimal():
            m = p.POSTCODE.match(text, a)
            if m is not None:
                last_end = m.end()
                yield m
        elif e - s == 4 and s >= last_end and text[s] != "0":
            m = p.POSTCODE_AT_CH.match(text, s)  # "1010 Wien", "8001 Zürich": four digits, the city ends its line
            if m is not None:
                last_end = m.end()
                yield m


def _aged_persons(text: str, out: list[Span]) -> None:
    """A lexicon name with an age or sex right after it ("John Smith, 54M") is a person."""
    if _DIGIT.search(text) is None:
        return
    for m in _age_anchors(text):
        a = max(0, m.start() - 40)
        for ps, pe in lexicon_persons(text, a, m.start(), wide=True):
            if _AGE_SEX.match(text, pe) and pe >= m.start() - 4:  # "Smith, 54M", "SMITH, Anna | 85 y/o"
                out.append(("PERSON", ps, pe))


# An age or sex after a number ("54M", "72 Jahre"). The look-ahead rejects a digit with three more
# after it (a match has at most three), the possessive quantifiers give nothing back (no unit
# starts with a digit or a space), and one class test stands before the units.
_AGE_SEX_ANCHOR = re.compile(
    r"[0-9](?![0-9]{3})[0-9]{0,2}+[ ]?+(?=[MFWmfwJjy\-])"
    r"(?:[MFWmfw]|J\.|Jahre|jährige|-jährige|years|-year-old|yo|y/o)(?![\w])"
)
# The same on the text's ASCII copy with every digit a "1" (:func:`_age_anchors`): it starts with a
# literal, which re finds by a fast search, and it is tried at the last digit of a number only.
# A non-ASCII character is a "?" there, so "jährige" is "j?hrige" and any of them passes the end test.
_DIGITS_AS_ONE = bytes.maketrans(b"0123456789", b"1111111111")
_AGE_SEX_LAST_DIGIT = re.compile(
    rb"1(?=[ ]?+(?:[MFWmfw]|J\.|Jahre|j\?hrige|-j\?hrige|years|-year-old|yo|y/o)(?![A-Za-z0-9_]))"
)


def _age_anchors(text: str) -> Iterator[re.Match[str]]:
    """``_AGE_SEX_ANCHOR.finditer(text)``, tried only where the ASCII copy says a match can end its number.

    A match is one to three ASCII digits ending a number, then the unit: it starts at the
    last three digits of that number (the look-ahead rejects an earlier digit), and where it
    fails there, it fails at every digit of the number (the rest is the same). Every match
    of the text is a match of :data:`_AGE_SEX_LAST_DIGIT` at its last digit in the copy (one
    byte per character, "?" for any non-ASCII one), so trying those in order finds them all.
    """
    marks = text.encode("ascii", "replace").translate(_DIGITS_AS_ONE)
    last_end = 0
    for hint in _AGE_SEX_LAST_DIGIT.finditer(marks):
        a = last = hint.start()
        while a > last - 2 and a and marks[a - 1] == 0x31:  # back to the number's last three digits
            a -= 1
        if a >= last_end:
            m = _AGE_SEX_ANCHOR.match(text, a)
            if m is not None:
                last_end = m.end()
                yield m


def _old_years(text: str) -> list[int]:
    """Where a year before living memory is written as a year (encyclopedic text), in order.

    Found once per text from its four-digit numbers, each tested where it stands; a
    pattern for the year with its context has no literal prefix, and re would try it at
    every character of every window around a person (about 20 µs each).
    """
    years = []
    for h in _OLD_YEAR_HINT.finditer(text):
        if int(h.group()) <= _LIVING_FROM:
            y = h.start()
            if _YEAR_THEN.match(text, y):
                years.append(y)
                continue
            # From a word's start: the date words may run long ("Septembertagen 1850").
            pos = max(0, y - _YEAR_PREFIX_REACH)
            while pos and (text[pos - 1].isalnum() or text[pos - 1] == "_"):
                pos -= 1
            if (
                _YEAR_AFTER.search(text, pos, y)
                and not p.STREET_BEFORE.search(text, max(0, y - 60), y)
                and not p.EN_STREET.match(text, y)
            ):
                # Not "Korekamp 5 in 1010 Wien" (an Austrian postcode after a street) nor "John Smith -
                # 1428 Elm Street" (a house number before its street).
                years.append(y)
    return years


def _death_years(text: str) -> list[int]:
    """Where the year of a death at least 50 years ago stands, in order.

    A death told of the text's subject ("Er starb am 27. Mai 1910"), not of a relative
    in a patient's family history ("Der Vater starb 1975 an einem Herzinfarkt"). A cross
    or "gestorben" does not count: family histories write "Mutter † 1962", "1968 gestorben".
    """
    if "starb" not in text and "died" not in text:
        return []  # most texts: two finds in C instead of a pass of the pattern
    return [
        m.start(1)
        for m in _DEATH_YEAR.finditer(text)
        if int(m.group(1)) <= DEAD_BY
        and not (m.start() and text[m.start() - 1].isalpha())  # "died", not "studied"
        and not _RELATIVE.search(text, max(0, m.start() - 30), m.start())
    ]


def _historical_surnames(
    text: str, years: list[int], cues: list[Person], memo: dict[tuple[int, int, int, int], Person | None]
) -> set[str]:
    """The surnames of the persons named by first name and surname within reach of an old year.

    "Robert Koch" near "geb. 1843" makes "Koch" historical; "Frau Bach" near "1685" does not
    make "Bach" so: a salutation says less about who is meant than a first name does.
    """
    if not years:
        return set()
    persons = list(cues)
    for y in years:
        persons += lexicon_persons(text, max(0, y - 200), min(len(text), y + 204), memo, wide=True)
    surnames = set()
    for a, b in persons:
        words = text[a:b].split()
        if len(words) >= 2 and not CUES.fullmatch(words[-2].rstrip(".")) and _historical(years, a, b):
            surnames.add(words[-1])
    return surnames


def _died_long_ago(text: str, end: int) -> bool:
    """Whether the name ending at ``end`` is followed by a death at least 50 years ago."""
    m = _DIED.match(text, end, end + 60)
    if m is None:
        return False
    if m.group(1):
        return int(m.group(1)) <= DEAD_BY
    if m.group(4):
        return int(m.group(4)) <= DEAD_BY
    born, died = int(m.group(2)), int(m.group(3))
    return born < died <= DEAD_BY  # "(1843-1910)"; not "(1986-1971)", which is no life


def _historical(years: list[int], a: int, b: int) -> bool:
    """Whether one of ``years`` (:func:`_old_years`) stands within 200 characters of the name at ``[a, b)``."""
    i = bisect_left(years, a - 200)
    return i < len(years) and years[i] + 4 <= b + 200


def _overlapping(people: list[Person], starts: list[int], longest: int, lo: int, hi: int) -> list[Person]:
    """The spans of ``people`` (sorted by start; ``starts`` their starts) that overlap ``[lo, hi)``."""
    i = bisect_left(starts, lo - longest)
    found = []
    for person in people[i : bisect_left(starts, hi)]:
        if person[1] > lo:
            found.append(person)
    return found


def _whole_word(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a matched stem to the word around it ("diagnos" -> "diagnostiziert")."""
    # Walking back is cheaper than a right-anchored search, which re tries at every
    # position; ``str.isalnum`` is exactly ``[^\W_]``, at most 40 characters back.
    head, floor = start, max(0, start - 40)
    while head > floor and text[head - 1].isalnum():
        head -= 1
    tail = _WORD_TAIL.match(text, end)
    return (head, tail.end() if tail else end)
