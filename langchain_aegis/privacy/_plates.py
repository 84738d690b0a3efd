# ruff: noqa: RUF001
# (the text this module handles is Unicode on purpose)
"""German vehicle plates and driver's licence numbers.

=====================  ==================================================================
``DE_LICENSE_PLATE``   ``B-AB 1234``, ``M-XY 12E``, or any plate next to "Kennzeichen"
``DRIVER_LICENSE``     a licence number next to "driver's license", "DL#", "Führerschein"
=====================  ==================================================================

Unlike the numbers of :mod:`._ids`, these are found from words: a hyphenated
plate from its district code, anything else only next to its keyword.
"""

from __future__ import annotations

import re

from langchain_aegis.privacy._districts import DISTRICTS
from langchain_aegis.privacy._en_addresses import US_STATES
from langchain_aegis.privacy._patterns import keyword_pattern
from langchain_aegis.privacy._prefilter import KeywordScan, lowered

__all__ = ["scan_plates_and_licences"]

Span = tuple[str, int, int]

_PLATE_TAIL = re.compile(r"-([A-Z]{1,2}) ?([1-9][0-9]{0,3})([EH]?)(?![\w\-]|[.,/][0-9])")  # not "HP-UX 11.31", "10/11"
_PLATE = re.compile(r"([A-ZÄÖÜ]{1,3})[\- ]([A-Z]{1,2})[ \-]?([1-9][0-9]{0,3})([EH]?)(?![\w\-])")
_PLATE_WORDS = ("Kennzeichen", "kennzeichen", "KFZ", "Kfz", "kfz", "licence plate", "license plate", "number plate")
_STATE_DL_WORDS = (" dl ", "license:", "licence:")  # lower-cased: the gate of _STATE_DL
_DL_WORDS = (
    "river's licen", "river licen", "rivers licen", "river’s licen", "riving licen", "river's Licen",
    "river License", "rivers License", "RIVER'S LICEN", "RIVER LICEN", "DL#", "DL #", "DL No", "DL no", "DLN",
    "ührerschein", "ÜHRERSCHEIN", "DL:", "DL Nr", "river_licen", "rivers_licen", "riving_licen", "river-licen",
    "DriverLicen", "driverLicen", "DriversLicen", "driversLicen",
)  # fmt: skip
# Washington's "WDL" + 9 characters; elsewhere letters then digits ("D1234567", "602 276 320", "R557-675-14-837-5").
_DL_NUMBER = r"(WDL[A-Z0-9*]{9}|[A-Z]{0,2}[0-9][0-9A-Z\- ]{3,16}[0-9A-Z])"
_DL_VALUE = re.compile(  # the number in capitals and digits; the words before it in any case
    rf"[^\n]{{0,24}}?(?i:no\.?|nr\.?|number|nummer|#|:|,)\s*(?:[A-Z]{{2}}[ ]+)?(?i:{_DL_NUMBER})(?![\w])"
    rf"|\s+(?:[A-Z]{{2}}[ ]+)?{_DL_NUMBER}(?![\w])"
    r"|[^\n]{0,12}?\b(?:[A-Z]{2}[ ]+)?([A-Z]{0,2}[0-9][0-9\- ]{4,16}[0-9])(?![\w])"
)
# A US state's code before "DL" or after "License:" ("Photo ID: CA DL K2480609", "License: NY 770 036 403"):
# a state's licence, where "License:" alone is as often software's.
_STATE_DL = re.compile(
    rf"\b([A-Z]{{2}})[ ]DL[ ]+(?:#[ ]?)?{_DL_NUMBER}(?![\w])|\bLicen[cs]e:[ ]+([A-Z]{{2}})[ ]+{_DL_NUMBER}(?![\w])"
)


# Every plate and licence word, lower-cased: found through the text's distinct words (see
# :mod:`._prefilter`), so a text without any of them skips the str.find per word below. A word
# written in any case lowers to one of these, so none is missed.
_ANY_WORD_TEXT = tuple({w.lower() for w in (*_PLATE_WORDS, *_DL_WORDS, *_STATE_DL_WORDS)})
_ANY_WORD = KeywordScan(keyword_pattern(substrings=_ANY_WORD_TEXT), _ANY_WORD_TEXT)


# A plate written with spaces and no keyword ("HRO WM 3309 parkt vor der Ausfahrt"): found from its tail
# (a space, one or two capitals, a space, digits: a literal-led pattern re skips ahead to), then its
# district code before it, in a line that is not all capitals (a shouted "DE AT 2024" is no plate), and
# not a year or DIN's paper size ("DIN A 4").
_SPACED_TAIL = re.compile(r"[ ]([A-Z]{1,2})[ ]([1-9][0-9]{0,3})([EH]?)(?![\w\-]|[.,/][0-9])")
_YEAR = re.compile(r"(?:19|20)[0-9]{2}\Z")


def _spaced_plates(text: str, out: list[Span]) -> None:
    for m in _SPACED_TAIL.finditer(text):
        h = m.start()
        a = h
        while a > 0 and h - a < 3 and text[a - 1].isupper():
            a -= 1
        if a == h or (a and (text[a - 1].isalnum() or text[a - 1] in "-_/.:")) or _YEAR.match(m.group(2)):
            continue
        if text[a:h] in DISTRICTS and text[a:h] != "DIN":
            line_end = text.find("\n", h)
            line = text[text.rfind("\n", 0, a) + 1 : len(text) if line_end < 0 else line_end]
            if any(c.islower() for c in line):
                out.append(("DE_LICENSE_PLATE", a, m.end()))


def scan_plates_and_licences(text: str, out: list[Span]) -> None:
    """Append German licence plates and driver's licence numbers to ``out``."""
    n = len(text)
    if "-" in text:
        for m in _PLATE_TAIL.finditer(text):
            h = m.start()
            a = h
            while a > 0 and h - a < 3 and (text[a - 1].isupper()):
                a -= 1
            if a == h or (a and (text[a - 1].isalnum() or text[a - 1] in "-_/.")):
                continue
            if text[a:h] in DISTRICTS:
                out.append(("DE_LICENSE_PLATE", a, m.end()))
    _spaced_plates(text, out)
    if not _ANY_WORD.spans(*lowered(text)):
        return  # no plate or licence word: the finds below would find nothing
    for word in _PLATE_WORDS:
        i = text.find(word)
        while i != -1:
            for m in _PLATE.finditer(text, i + len(word), min(n, i + len(word) + 40)):
                a = m.start()
                if not (a and text[a - 1].isalnum()):
                    out.append(("DE_LICENSE_PLATE", a, m.end()))
                    break
            i = text.find(word, i + 1)
    for word in _DL_WORDS:
        i = text.find(word)
        while i != -1:
            dl = _DL_VALUE.match(text, i + len(word), min(n, i + len(word) + 60))
            if dl:
                group = next(k for k in (1, 2, 3) if dl.group(k))
                value = dl.group(group)
                if sum(c.isdecimal() for c in value) >= 4 or value.upper().startswith("WDL"):
                    out.append(("DRIVER_LICENSE", dl.start(group), dl.end(group)))
            i = text.find(word, i + 1)
    if " DL " in text or "License:" in text or "Licence:" in text:
        for m in _STATE_DL.finditer(text):
            state, group = (m.group(1), 2) if m.group(1) else (m.group(3), 4)
            if state in US_STATES:
                out.append(("DRIVER_LICENSE", m.start(group), m.end(group)))
