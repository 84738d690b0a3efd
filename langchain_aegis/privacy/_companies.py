"""A company's own contact data: its phone, e-mail address and IBAN on its invoice, letterhead or legal notice.

Company names, register numbers, VAT IDs and business addresses belong to companies,
not to people (issue 12's principles), and so do the switchboard number, the
``buchhaltung@`` mailbox and the bank account printed beside them. Flagging them pins
every invoice, quote and delivery note to the local model.

The rule, decided on the findings of the whole text: a ``PHONE``, ``EMAIL`` or ``IBAN``
finding is the company's when, in its paragraph (no blank line between, at most
:data:`REACH` characters either side),

- a company is named (a legal form such as ``GmbH``, ``AG``, ``Ltd``, ``Inc.``, also in capitals, a
  register or VAT line such as ``HRB 12345``, ``USt-IdNr.``, ``Company No.``), and
- no person is: no other kind of finding (a name, a date of birth, a tax ID, ...), no patient, client or
  applicant spoken of, no
  first name and surname from the lexicon (``Anna Schmidt`` in an e-mail signature keeps
  her direct line hers, although a name alone is no finding), no e-mail address whose
  local part holds a lexicon name (``miriam.friedrich@``), nobody speaking of their own
  (``mich``, ``mein Konto``, ``my personal email``), and, for a phone, it is no mobile
  number (companies print their landlines; a mobile is someone's).

A number right after "Company No.", "Registered No." or "HRB" is the register's, never a phone.

A prompt made of several documents keeps them apart by its blank lines: a private note
next to an invoice stays private.

No library tells a company's contact block from a person's, so the rule is written here.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from langchain_aegis.privacy._lexicon import ends_in_surname, lexicon_names
from langchain_aegis.privacy._lexicon_names import lexicon_persons
from langchain_aegis.privacy._mailboxes import ROLE_WORDS, freemail
from langchain_aegis.privacy._patterns import keyword_pattern
from langchain_aegis.privacy._phones import is_mobile
from langchain_aegis.privacy._prefilter import KeywordScan, lowered

__all__ = ["REACH", "without_company_contacts"]

REACH = 300
"""At most this many characters either side of a contact finding are read (its paragraph, if shorter)."""

_CONTACTS = frozenset({"PHONE", "EMAIL", "IBAN"})
# Where a company is named: found through the text's distinct words (:class:`._prefilter.KeywordScan`),
# so a text without any of them costs a set operation. A legal form counts written as one ("AG",
# "GmbH"; "ag" is no company); a register or VAT line in any case.
_LEGAL_FORMS = frozenset(
    {"GmbH", "AG", "KG", "KGaA", "OHG", "UG", "SE", "eG", "Inc", "Ltd", "LLC", "LLP", "Corp", "PLC", "plc", "S.A",
     "B.V", "N.V", "& Söhne", "& Sohn", "& Co", "mbH", "gGmbH", "GesmbH",
     "GbR", "PartG", "Oy", "Oyj", "S.r.l", "S.p.A", "SARL", "A/S", "ApS", "Pty", "S.L", "Sp. z o.o"}
)  # fmt: skip
# Not "Limited", "Corporation", "SAS", "NV": English words, an airline, Nevada ("Limited mobility since
# the fall", "Mum's pension from British Steel Corporation", "Flug SAS 253", "Las Vegas, NV").
# A letterhead in capitals ("HARROW & FINCH LTD."): the longer forms count in capitals too ("AG" is one already;
# "EG" is a ground floor).
_CAPITAL_FORMS = frozenset(form.upper() for form in _LEGAL_FORMS if len(form) > 2 and form[0] != "&")
_REGISTER_WORDS = ("e.k.", "e.v.", "ust-id", "ustid", "uid-nr", "vat reg", "registergericht", "handelsregister",
                   "company no")  # fmt: skip
_REGISTER_CODES = ("hrb", "hra")  # "HRB 12345": whole words ("fahrrad" holds "hra")
_MARKER_WORDS = (*{form.lower() for form in _LEGAL_FORMS}, *_REGISTER_CODES)
_MARKER_SCAN = KeywordScan(
    keyword_pattern(words=_MARKER_WORDS, substrings=_REGISTER_WORDS), (*_MARKER_WORDS, *_REGISTER_WORDS)
)
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")  # symmetric, so it also finds a blank line in reversed text
# "registered in England and Wales (under)": a UK company's registration, before its number.
_UK_REGISTRATION = (
    r"[Rr]egistered[ \t]+in[ \t]+(?:England|Scotland|Wales|Northern[ \t]+Ireland)(?:[ \t]+and[ \t]+Wales)?"
    r"(?:[ \t]+under)?"
)
_REGISTER_BEFORE = re.compile(
    rf"(?:[Cc]ompany|[Rr]egist(?:ered|ration)|[Rr]eg\.|Register|HR[AB]|{_UK_REGISTRATION})"
    r"[ \t]*(?:[Nn]o\.?|[Nn]umber|[Nn]r\.?|nummer)?[ \t]*:?[ \t]*\Z"
)
# A UK company's number after its registration, with or without a company named: not a phone.
_REGISTERED_IN = re.compile(
    rf"{_UK_REGISTRATION}[ \t]*,?[ \t]*(?:[Nn]o\.?|[Nn]umber|[Cc]ompany[ \t]+(?:[Nn]o\.?|[Nn]umber))[ \t]*:?[ \t]*\Z"
)
# Someone speaking of their own number or account ("Rufen Sie mich unter ... an", "auf mein Konto",
# "my personal email"): a company writes "wir", "unser", "our".
_FIRST_PERSON = re.compile(
    r"(?:[Ii]ch|[Mm]ich|[Mm]ir|[Mm]ein|[Mm]eine|[Mm]einen|[Mm]einem|[Mm]einer|[Mm]y|[Mm]e|I|I'm|[Pp]rivat\w*|[Pp]rivate"
    r"|[Pp]ersonal|[Pp]ersönlich\w*|[Zz]uhause|[Zz]u[ ][Hh]ause|[Dd]aheim)(?![\w])"
)
# Someone other than the company spoken of ("Bitte rufen Sie die Patientin unter ... zurück", "Der Mieter zahlt
# von DE89 ...", "unser Sohn", "his wife"): a company's paragraph about a person holds that person's number.
_PERSON_ROLES = re.compile(
    r"(?:[Pp]atient(?:in|en)?|Kundin|Mandant(?:in)?|Bewerber(?:in)?|Versicherte[rn]?|Bewohner(?:in)?|Angehörige[rn]?"
    r"|Mieter(?:in)?|Mitarbeiter(?:in)?|Antragsteller(?:in)?|Beklagte[rn]?|Kläger(?:in)?|Schuldner(?:in)?"
    r"|Steuerpflichtige[rn]?|Besucher(?:in)?|Leser(?:in)?|Student(?:in)?|Schüler(?:in)?|Reisende[rn]?"
    r"|Tochter|Sohn|Ehefrau|Ehemann|Vater|Mutter|Eltern|ihn|ihm|ihre[mnrs]?"
    r"|[Aa]pplicant|[Cc]lient|[Rr]esident|[Rr]elative|[Tt]enant|[Ee]mployee|[Cc]omplainant|[Dd]efendant|[Cc]laimant"
    r"|[Ss]tudent|[Tt]raveller|[Tt]raveler|[Vv]isitor|[Ww]ife|[Hh]usband|[Ss]on|[Dd]aughter|[Pp]arents?|him|his|her)"
    r"(?![\w])"
)
_MOBILE_LABEL = re.compile(r"(?i:handy|mobil\w*|cell\w*|mob\.)[^\n0-9+]{0,6}\Z")


def _mobile(text: str, start: int, end: int) -> bool:
    """A mobile number, by libphonenumber or by its label ("Handy: +1 415 ...": North America's are unknowable)."""
    return is_mobile(text[start:end]) or _MOBILE_LABEL.search(text, max(0, start - 16), start) is not None


_LOCAL_PARTS = re.compile(r"([\w.+\-]+)@")  # "jane.doe+billing@": the name is before the tag
_SPLIT = re.compile(r"[._+\-]+")
_FIRST_DOT_LAST = re.compile(r"[^\W\d_]{2,}[._][^\W\d_]{2,}[0-9]*")
_OBFUSCATED_AT = re.compile(r"@|\s*[(\[{]?at[)\]}]?\s*", re.IGNORECASE)  # "kerem.jansen(at)web.de"

Span = tuple[str, int, int]


def without_company_contacts(text: str, findings: list[Span]) -> list[Span]:
    """``findings`` (ordered by start, none overlapping) without the contact data that is a company's."""
    if not any(entity in _CONTACTS for entity, _, _ in findings):
        return findings
    markers = _markers(text)  # where a company is named, found once per text
    if not markers:
        # "Company No. 09876543", "registered in England and Wales no. 08750945": a register's number, not a line
        return [f for f in findings if not (f[0] == "PHONE" and _REGISTERED_IN.search(text, max(0, f[1] - 64), f[1]))]
    # The other findings, by end: the first that ends after a window's start is the one that may
    # reach into it (findings do not overlap, so their ends are in the order of their starts).
    others = [(a, b) for entity, a, b in findings if entity not in _CONTACTS]
    ends = [b for _, b in others]
    kept: list[Span] = []
    for finding in findings:
        entity, start, end = finding
        if entity in _CONTACTS:
            if entity == "PHONE" and _REGISTER_BEFORE.search(text, max(0, start - 64), start):
                continue  # "Company No. 09876543", "HRB 12345": the register's number, not a line
            lo, hi = _paragraph(text, start, end)
            i = bisect_right(ends, lo)
            if (
                bisect_left(markers, hi) > bisect_left(markers, lo)  # a company named in the paragraph
                and not _table_row(text, start)  # a CRM export's row: a contact at a company is a person
                and not (i < len(others) and others[i][0] < hi)  # and no other finding
                and not _words(_FIRST_PERSON, text, lo, hi)
                and not _words(_PERSON_ROLES, text, lo, hi)
                and not (entity == "PHONE" and _mobile(text, start, end))
                and not (entity == "EMAIL" and _name_in(_OBFUSCATED_AT.split(text[start:end], 1)[0]))
                and not (entity == "EMAIL" and freemail(_OBFUSCATED_AT.split(text[start:end], 1)[-1].lower()))
                and not _named(text, lo, hi)
            ):
                continue
        kept.append(finding)
    return kept


def _markers(text: str) -> list[int]:
    """Where a company is named in ``text`` (a legal form as written, or a register or VAT line), in order."""
    found = []
    for a, b in _MARKER_SCAN.spans(*lowered(text)):
        word = text[a:b].strip()
        if word in _LEGAL_FORMS or word in _CAPITAL_FORMS or word.lower() in _REGISTER_WORDS or word in ("HRB", "HRA"):
            found.append(a)
    return found


def _words(pattern: re.Pattern[str], text: str, lo: int = 0, hi: int | None = None) -> list[int]:
    """Where ``pattern`` matches in ``text[lo:hi]`` as a whole word (not inside another word)."""
    return [
        m.start()
        for m in pattern.finditer(text, lo, len(text) if hi is None else hi)
        if not (m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_"))
    ]


def _paragraph(text: str, start: int, end: int) -> tuple[int, int]:
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


def _named(text: str, lo: int, hi: int) -> bool:
    """Whether ``text[lo:hi]`` names a person: a lexicon name (:func:`lexicon_persons`), or one in an address."""
    if lexicon_persons(text, lo, hi):
        return True
    return any(_name_in(local) for local in _LOCAL_PARTS.findall(text, lo, hi))


def _name_in(local: str) -> bool:
    """Whether an address's local part holds a lexicon name, also glued ("peterbecker", "jpadilla", "kerem.jansen")."""
    names = lexicon_names()
    low = local.lower()
    if _FIRST_DOT_LAST.fullmatch(low) and not any(part in ROLE_WORDS for part in _SPLIT.split(low)):
        return True  # "kerem.jansen": a first name and a surname, whether or not the lexicon knows them
    for part in _SPLIT.split(low):
        part = part.rstrip("0123456789")
        if part in ROLE_WORDS:
            continue  # "presse@", "buchhaltung@": a role, whatever surname its letters end in ("Resse", "Tung")
        if part.capitalize() in names:
            return True
        # A surname after a first name or an initial: "peterbecker", "pbecker".
        if ends_in_surname(part):
            return True
    return False


def _table_row(text: str, start: int) -> bool:
    """Whether the line holding ``text[start]`` is a row of a table (CSV, TSV, Markdown): a record about someone."""
    line = text[text.rfind("\n", 0, start) + 1 : (text.find("\n", start) + 1 or len(text) + 1) - 1]
    return line.count(";") >= 2 or line.count("\t") >= 2 or line.count("|") >= 2
