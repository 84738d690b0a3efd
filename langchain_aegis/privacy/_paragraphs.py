"""Who and what a paragraph around a finding speaks of: the reading :mod:`._companies` and
:mod:`._service_contacts` share.

A paragraph runs to the nearest blank line, at most :data:`REACH` characters either side; a letterhead's
contact block belongs to the address above it. A paragraph speaks of someone when it holds a first person
(``mich``, ``mein Konto``), a person's role (``Patientin``, ``tenant``) or a name (a lexicon pair, or a
mailbox whose local part holds one).
"""

from __future__ import annotations

import re

from langchain_aegis.privacy._lexicon import ends_in_surname, lexicon_names
from langchain_aegis.privacy._lexicon_names import lexicon_persons
from langchain_aegis.privacy._mailboxes import ROLE_WORDS
from langchain_aegis.privacy._phones import is_mobile

__all__ = [
    "CONTACTS",
    "FIRST_PERSON",
    "LINES",
    "PERSON_ROLES",
    "REACH",
    "SPLIT",
    "mobile",
    "name_in",
    "named",
    "paragraph",
    "someone",
    "words",
]

REACH = 300
"""At most this many characters either side of a contact finding are read (its paragraph, if shorter)."""

CONTACTS = frozenset({"PHONE", "EMAIL", "IBAN"})
LINES = frozenset({"PHONE", "EMAIL"})  # what a service or a department reads: a line or a mailbox

_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")  # symmetric, so it also finds a blank line in reversed text

# Someone speaking of their own number or account ("Rufen Sie mich unter ... an", "auf mein Konto",
# "my personal email"): a company writes "wir", "unser", "our".
FIRST_PERSON = re.compile(
    r"(?:[Ii]ch|[Mm]ich|[Mm]ir|[Mm]ein|[Mm]eine|[Mm]einen|[Mm]einem|[Mm]einer|[Mm]y|[Mm]e|I|I'm|[Pp]rivat\w*|[Pp]rivate"
    r"|[Pp]ersonal|[Pp]ersönlich\w*|[Zz]uhause|[Zz]u[ ][Hh]ause|[Dd]aheim)(?![\w])"
)
# Someone other than the company spoken of ("Bitte rufen Sie die Patientin unter ... zurück", "Der Mieter zahlt
# von DE89 ...", "unser Sohn", "his wife"): a company's paragraph about a person holds that person's number.
PERSON_ROLES = re.compile(
    r"(?:[Pp]atient(?:in|en)?|Kundin|Mandant(?:in)?|Bewerber(?:in)?|Versicherte[rn]?|Bewohner(?:in)?|Angehörige[rn]?"
    r"|Mieter(?:in)?|Mitarbeiter(?:in)?|Antragsteller(?:in)?|Beklagte[rn]?|Kläger(?:in)?|Schuldner(?:in)?"
    r"|Steuerpflichtige[rn]?|Besucher(?:in)?|Leser(?:in)?|Student(?:in)?|Schüler(?:in)?|Reisende[rn]?"
    r"|Tochter|Sohn|Ehefrau|Ehemann|Vater|Mutter|Eltern|ihn|ihm|ihre[mnrs]?"
    r"|[Aa]pplicant|[Cc]lient|[Rr]esident|[Rr]elative|[Tt]enant|[Ee]mployee|[Cc]omplainant|[Dd]efendant|[Cc]laimant"
    r"|[Ss]tudent|[Tt]raveller|[Tt]raveler|[Vv]isitor|[Ww]ife|[Hh]usband|[Ss]on|[Dd]aughter|[Pp]arents?|him|his|her)"
    r"(?![\w])"
)
_MOBILE_LABEL = re.compile(r"(?i:handy|mobil\w*|cell\w*|mob\.)[^\n0-9+]{0,6}\Z")


def mobile(text: str, start: int, end: int) -> bool:
    """A mobile number, by libphonenumber or by its label ("Handy: +1 415 ...": North America's are unknowable)."""
    return is_mobile(text[start:end]) or _MOBILE_LABEL.search(text, max(0, start - 16), start) is not None


_LOCAL_PARTS = re.compile(r"([\w.+\-]+)@")  # "jane.doe+billing@": the name is before the tag
SPLIT = re.compile(r"[._+\-]+")
_FIRST_DOT_LAST = re.compile(r"[^\W\d_]{2,}[._][^\W\d_]{2,}[0-9]*")


def words(pattern: re.Pattern[str], text: str, lo: int = 0, hi: int | None = None) -> list[int]:
    """Where ``pattern`` matches in ``text[lo:hi]`` as a whole word (not inside another word)."""
    return [
        m.start()
        for m in pattern.finditer(text, lo, len(text) if hi is None else hi)
        if not (m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_"))
    ]


def paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    """The paragraph around ``text[start:end]``, at most :data:`REACH` characters either side."""
    lo, hi = max(0, start - REACH), min(len(text), end + REACH)
    before = _BLANK_LINE.search(text[lo:start][::-1])  # the nearest blank line before, read backwards
    after = _BLANK_LINE.search(text, end, hi)
    first, last = (start - before.start() if before else lo), (after.start() if after else hi)
    if before and _CONTACT_BLOCK.fullmatch(text, first, last):
        # A letterhead or legal notice sets its phone, fax and e-mail lines apart from the name and
        # address above them: the block belongs to the paragraph before it, when that one ends in
        # the postcode and city of an address (a ticket's or a letter's text above does not).
        above_end = start - before.end()  # where the blank line before the block starts
        if _CITY_LINE_END.search(text, max(lo, above_end - 60), above_end):
            above = _BLANK_LINE.search(text[lo:above_end][::-1])
            first = above_end - above.start() if above else lo
    return first, last


# Lines that hold only a contact channel's label and its bare value ("Telefon: 0751 36 12 40",
# "E-Mail: info@...", "Web: www..."); "Telefon Kundin: ..." or "Mobil: ..." are no letterhead's.
_CONTACT_BLOCK = re.compile(
    r"(?:[ \t]*(?:Tel(?:efon)?|Telefax|Fax|Phone|E-?Mail|Mail|Web|Internet|Website|Homepage)\.?[ \t]*:?[ \t]*"
    r"(?:\+?[0-9()][0-9()\-/. ]{5,}[0-9]|[\w.+\-]+@[\w.\-]+\.[a-z]{2,}|(?:https?://)?[\w\-]+(?:\.[\w\-]+)+\S*)"
    r"[ \t]*\r?\n?)+"
)
_CITY_LINE_END = re.compile(r"(?:^|\n)[ \t]*(?:D-|A-|CH-)?[0-9]{4,5}[ ]+[A-ZÄÖÜ][\w\-äöüß. ]*[ \t]*\Z")


def named(text: str, lo: int, hi: int) -> bool:
    """Whether ``text[lo:hi]`` names a person: a lexicon name (:func:`lexicon_persons`), or one in an address."""
    if lexicon_persons(text, lo, hi):
        return True
    return any(name_in(local) for local in _LOCAL_PARTS.findall(text, lo, hi))


def name_in(local: str) -> bool:
    """Whether an address's local part holds a lexicon name, also glued ("peterbecker", "jpadilla", "kerem.jansen")."""
    names = lexicon_names()
    low = local.lower()
    if _FIRST_DOT_LAST.fullmatch(low) and not any(part in ROLE_WORDS for part in SPLIT.split(low)):
        return True  # "kerem.jansen": a first name and a surname, whether or not the lexicon knows them
    for part in SPLIT.split(low):
        part = part.rstrip("0123456789")
        if part in ROLE_WORDS:
            continue  # "presse@", "buchhaltung@": a role, whatever surname its letters end in ("Resse", "Tung")
        if part.capitalize() in names:
            return True
        # A surname after a first name or an initial: "peterbecker", "pbecker".
        if ends_in_surname(part):
            return True
    return False


def someone(text: str, lo: int, hi: int) -> bool:
    """Whether the paragraph ``text[lo:hi]`` speaks of a person: in the first person, by a role, by name."""
    return bool(words(FIRST_PERSON, text, lo, hi) or words(PERSON_ROLES, text, lo, hi)) or named(text, lo, hi)
