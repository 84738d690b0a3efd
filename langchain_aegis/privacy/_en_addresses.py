"""US and UK street addresses found from their postal code, whatever the street's suffix.

A German address is found from its postcode and city (``10115 Berlin``) or from a street word
(``Hauptstraße``). An American or British address ends in its postal code: ``OR 97201`` (a state
and a ZIP code) or ``SW1A 2AA``; before it stand the house number, the street and the town. Street
suffixes are too many to list (``Lodge``, ``Crossroad``, ``Garden``, ``Mews``), so the postal code
is the anchor here, and the street line is read back from it: a house number, one to five words,
and the town, parted by commas or line breaks.

ZIP codes are found from the digit runs the number scanner already has; UK postcodes from the
text's distinct words (their inward half, a digit and two letters, is a word of its own), so a
text without one costs a set operation.
"""

from __future__ import annotations

import re

from langchain_aegis.privacy._prefilter import WordScan, lowered

__all__ = ["US_STATES", "en_addresses"]

US_STATES = frozenset(
    ("AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA",
     "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR",
     "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR", "GU", "VI", "AS", "MP",
     "FM", "MH", "PW", "AA", "AE", "AP")
)  # fmt: skip
"""US states, the District of Columbia, the territories and the armed forces' codes (USPS abbreviations)."""

# The street line and the town before a postal code, read back from it: a house number, one to five
# words ("Austin Garden", "Shannon valleys", "Main St."), an apartment, then the town.
_STREET_AND_TOWN = re.compile(
    r"(?<![\w\-])(?:(?:Flat|Studio|Apartment|Apt\.?|Unit|Suite|Room)[ ]+)?[0-9]{1,5}[A-Za-z]?(?:,?[ ]+|[ ]*\r?\n[ ]*)"
    r"(?:[A-Za-z0-9][\w.'\-]*[ ]+){0,4}[A-Za-z][\w.'\-]*(?:[ ][0-9]{1,5})?"
    r"(?:,?[ ]+(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|#)[ ]?[0-9A-Za-z\-]+)?"
    r"(?:,[ ]*|[ ]*\r?\n[ ]*|[ ]+[\-\u2013|][ ]+|[ ]+)(?:[A-Z][\w'\-]*[ ]?){1,3}"  # "... Street - Springfield"
    r"(?:,?[ \t]*(?:\r?\n[ \t]*)?|[ ]*[\-\u2013|][ ]+)\Z"
)
_ZIP = re.compile(r"[0-9]{5}(?:-[0-9]{4})?(?![0-9])")
_UK_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[ ][0-9][A-Z]{2}(?![\w])")
_INWARD = WordScan(re.compile(r"^[0-9][a-z]{2}[.,;)]?$"))  # "9aw", "2aa,": the inward half of a UK postcode
_REACH = 100  # characters before the postal code the street line and the town may take


def en_addresses(text: str, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ``[start, end)`` of every US or UK address in ``text``, from its house number to its postal code.

    Args:
        text: the (normalized) text.
        runs: its digit runs (:func:`~._prefilter.number_runs`), where the ZIP codes are.
    """
    found: list[tuple[int, int]] = []
    for s, e in runs:
        # "OR 97201": a state, one space, five digits (and perhaps four more) that end the run.
        if e - s in (5, 10) and s >= 3 and text[s - 1] == " " and text[s - 3 : s - 1] in US_STATES:
            zm = _ZIP.match(text, s)
            if zm is not None and zm.end() == e and not (s >= 4 and text[s - 4].isalnum()):
                _street_before(text, s - 3, e, found)
    low, words = lowered(text)
    for a, _ in _INWARD.spans(low, words):
        head = text.rfind(" ", max(0, a - 6), a)
        if head <= 0:
            continue
        start = head - 1
        while start > 0 and text[start - 1].isalnum():
            start -= 1
        pm = _UK_POSTCODE.match(text, start)
        if pm is not None and pm.end() > a:
            _street_before(text, start, pm.end(), found)
    return found


def _street_before(text: str, code: int, end: int, found: list[tuple[int, int]]) -> None:
    """Append the address whose postal code spans ``[code, end)`` when a street line and a town precede it."""
    m = _STREET_AND_TOWN.search(text, max(0, code - _REACH), code)
    if m is not None:
        found.append((m.start(), end))
