"""Lines a service staffs, not a person: UK 03 numbers, conference dial-ins, hotlines, a switchboard's extensions.

:func:`service_number` says whether a phone number may be one; :mod:`._companies` drops it only where its
paragraph speaks of no one (no first person, role, name, customer, guest, callback, ``Durchwahl``) and holds
no other finding.

- **UK 03 numbers** are non-geographic lines that businesses, public bodies and charities rent (Ofcom's UAN
  type); no person has one. libphonenumber reads them as German first ("0344 561 5440" is a valid Naumburg
  number), so they are told by how they are written: the UK's "03xx xxx xxxx" groups, whose first group a German
  writer never cuts a five-digit area code at, or "+44 3..". Prefixes that are German area codes too (0341
  Leipzig, 0345 Halle) count only in English text with a UK sign near (``£``, ``Ltd``, ``.co.uk``, a postcode).
- **A conference's dial-in** ("Konferenzbrücke: +49 30 14491-932, PIN 621145#", "Dial-in:").
- **A number right after a service's label** ("Servicehotline:", "Störungsannahme (24/7):", "Service desk:");
  at "Zentrale:" or "Switchboard:" only without an extension (an extension there is someone's direct line).
- **An extension of a switchboard the text names** ("Telefon: +49 351 6866-0 ... Telefax: +49 351 6866-290").

No library knows which lines a service staffs; the labels are German and English ones that blind sets showed.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

__all__ = ["service_number", "switchboards"]

# UK 03 lines as the UK writes them; the prefixes that are German area codes too (0341 Leipzig, 0345 Halle) are
# the UK's only in a UK text (:func:`_uk_shared`).
_UK_GROUPED = re.compile(r"(03[0-9]{2})[ \-][0-9]{3}[ \-][0-9]{4}")
_UK_INTERNATIONAL = re.compile(r"(?:\+|00)44[ \-]?(?:\(0\)[ ]?)?3[0-9]{2}[ \-]?[0-9]{3}[ \-]?[0-9]{4}")
_GERMAN_AREA_TOO = frozenset({"0331", "0335", "0340", "0341", "0345", "0371", "0375"})
_ENGLISH_WORDS = re.compile(r"\b(?i:the|and|our|us|call|on|or|please|any|for|to|of|your|line|lines|contact|we)\b")
_GERMAN_WORDS = re.compile(
    r"\b(?:[Dd]er|[Dd]ie|[Dd]as|und|oder|unter|Sie|[Bb]itte|für|von|mit|uns|Ihre?|[Ww]ir|ich|mich)\b"
)
# A UK text: a pound sign, a UK legal form or domain, a UK postcode.
_UK_CUE = re.compile(
    r"£|\b(?:UK|Ltd|Limited|plc|LLP)\b|\.(?:co|org|gov|ac)\.uk\b|\b[A-Z]{1,2}[0-9][0-9A-Z]?[ ][0-9][A-Z]{2}\b"
)
# A conference's dial-in ("Konferenzbrücke: +49 30 14491-932, PIN 621145#", "Dial-in: ..."): a service's line.
# Both patterns read the lower-cased 60 characters before a number, matched where a hint (:data:`_HINTS`) starts:
# searched as they stand, with no literal to skip to, each cost 20 µs per number.
_DIAL_IN_AT = re.compile(
    r"(?:konferenz(?:brücke|nummer)?|einwahl(?:nummer)?|dial[ -]?in(?:[ \t]+number)?"
    r"|conference[ \t]+(?:bridge|line|number)|bridge[ \t]+(?:line|number))[ \t]*(?:\([^)\n]{0,12}\)[ \t]*)?:?[ \t]*\Z"
)


# A service's label right before a number ("Servicehotline:", "Störungsannahme (24/7):", "Service und Ersatzteile:",
# "Airport information desk:", "Hotline 040 ..."): a line a company or a public body staffs, unless a person is
# spoken of beside it (the caller asks, :mod:`._companies`). Not "Zentrale" or "Fax", whose extension may be
# someone's direct line, nor a label in a sentence ("Reach the hotline at ...").
_SERVICE_LABEL_AT = re.compile(
    r"(?:hotline|helpline|service\w*|kundendienst|customer[ \t]+(?:care|support)|support|störungs\w*"
    r"|ersatzteil\w*|information[ \t]+desk|info-?desk|info-?line|auskunft|reservations?|reservierung|enquiries"
    r"|bestellannahme|(?P<board>switchboard|zentrale))"
    r"(?:[ \t]+(?:desk|line|team|center|centre|number|nummer|strom|gas|wasser|fernwärme))?"  # "Service desk:"
    r"(?:[ \t]+(?:der|des|of[ \t]+the|of)[ \t]+[\w\-]+)?"  # "Störungshotline der Stadtwerke"
    r"[ \t]*(?:\([^)\n]{0,12}\)[ \t]*)?:?[ \t]*\Z"
)
# An extension after a number ("089 12345-678"): at a switchboard's label, someone's direct line.
_EXTENSION = re.compile(r"[ ]?-[ ]?[0-9]{1,5}\Z")
_STEM = re.compile(r"(.*[0-9])[ ]?-[ ]?[0-9]{1,5}")
_STEM_BEFORE = re.compile(r"([+(]?[0-9][0-9 ()/]{3,22}[0-9])[ ]?\Z")
_UK_HEADS = ("03", "+44", "0044")
# Where one of the labels above may start: literals, which re finds in C.
_HINTS = re.compile(
    r"hotline|helpline|service|kundendienst|customer|support|störung|ersatzteil|information|info|auskunft|reserv"
    r"|enquir|bestellannahme|switchboard|zentrale|konferenz|einwahl|dial|bridge|conference"
)


def switchboards(text: str) -> frozenset[str]:
    """The digits of every switchboard's stem in ``text`` ("+49 351 6866" of "+49 351 6866-0")."""
    found = set()
    for sep in ("-0", "- 0"):
        i = text.find(sep)
        while i != -1:
            after = i + len(sep)
            if not text[after : after + 1].isdecimal():
                m = _STEM_BEFORE.search(text, max(0, i - 24), i)
                if m is not None:
                    found.add("".join(c for c in m.group(1) if c.isdecimal()))
            i = text.find(sep, after)
    return frozenset(found)


def service_number(text: str, start: int, end: int, exchanges: frozenset[str]) -> bool:
    """Whether the phone number ``text[start:end]`` may be a service's, not a person's (the caller still asks whether
    a person is spoken of beside it): a UK 03 line that no German number is written like, or one in a UK text
    (:func:`_uk_shared`); a conference's dial-in; a number right after a service's label; an extension of a
    switchboard in ``exchanges`` (:func:`switchboards`: "Telefon: ...6866-0 ... Telefax: ...6866-290")."""
    candidate = text[start:end]
    if candidate.startswith(_UK_HEADS):
        first = _uk_line(candidate)
        if first is not None and (first not in _GERMAN_AREA_TOO or _uk_shared(text, start, end)):
            return True
    # A label ends right before the number, at a letter, a colon or a parenthesis ("Tel. 030 ..." has none).
    k = start - 1
    while k >= 0 and text[k] in " \t":
        k -= 1
    if k < 0 or not (text[k].isalpha() or text[k] in ":)"):
        return _extension_of(candidate, exchanges)
    window = text[max(0, start - 60) : start].lower()
    for hint in _HINTS.finditer(window):
        if _DIAL_IN_AT.match(window, hint.start()) is not None:
            return True
        label = _SERVICE_LABEL_AT.match(window, hint.start())
        if label is not None and (not label.group("board") or _EXTENSION.search(candidate) is None):
            return True
    return _extension_of(candidate, exchanges)


def _extension_of(candidate: str, exchanges: frozenset[str]) -> bool:
    """Whether ``candidate`` is an extension of one of the switchboards in ``exchanges``."""
    if not exchanges or "-" not in candidate:
        return False
    stem = _STEM.fullmatch(candidate)
    return stem is not None and "".join(c for c in stem.group(1) if c.isdecimal()) in exchanges


def _uk_shared(text: str, start: int, end: int) -> bool:
    """Whether a UK 03 line whose digits a German area code shares ("0345 703 3789": Halle too) stands in a UK
    text: the words before it are more English than German, and a UK sign stands near."""
    before = text[max(0, start - 200) : start]
    if len(_ENGLISH_WORDS.findall(before)) <= len(_GERMAN_WORDS.findall(before)):
        return False
    return _UK_CUE.search(text, max(0, start - 400), min(len(text), end + 400)) is not None


def _uk_line(candidate: str) -> str | None:
    """The first group of a UK 03 line written as the UK writes it ("0345" of "0345 703 3789", "+44 345 ..." gives
    "+44"), or ``None``."""
    grouped = _UK_GROUPED.fullmatch(candidate)
    if grouped is None and _UK_INTERNATIONAL.fullmatch(candidate) is None:
        return None
    compact = "".join(c for c in candidate if c.isdecimal())
    national = "0" + compact[compact.index("44") + 2 :].lstrip("0") if grouped is None else compact
    if not _uk_access_number(national):
        return None
    return grouped.group(1) if grouped is not None else "+44"


@lru_cache(maxsize=1024)
def _uk_access_number(national: str) -> bool:
    try:
        parsed = phonenumbers.parse(national, "GB")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(parsed) and phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.UAN
