"""Phone numbers are validated with Google's ``phonenumbers`` (libphonenumber).

The phone pattern in :mod:`._patterns` only finds candidates; a candidate is a
phone number when libphonenumber says it is a *valid* number: for numbers
with an international prefix (``+``, ``00``) in the country that prefix names,
for national numbers in Germany first, then in the other regions whose
national formats the pattern admits. So ``Belegnummer 0071/204518`` (no
German area code 0071) is no phone, while ``030 12345678`` is one.

After a phone keyword (``Tel.``, ``Telefon``, ``Fax``, ``phone``, ``Handy``, ...),
:func:`scan_keyword_phones` reads the layouts letterheads use ("(0461) 708 - 223")
and national numbers of more regions (Poland, Spain and Italian mobiles have no
trunk prefix), which without the keyword would read too many reference numbers.

The US range 555-0100 to 555-0199 is reserved for fiction (NANPA) and belongs
to nobody, so it is not personal data either.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import phonenumbers

from langchain_aegis.privacy._patterns import keyword_pattern
from langchain_aegis.privacy._prefilter import KeywordScan, lowered

__all__ = [
    "date_shaped",
    "is_mobile",
    "phone_ok",
    "possible_phone",
    "scan_keyword_phones",
]

# libphonenumber's metadata patterns are compiled on use through ``re.compile``, whose cache
# (512 entries) the detector's own patterns and the caller's keep evicting them from: a number
# seen for the first time then cost 60-100 µs, half of it recompiling. The library's own switch
# keeps them compiled (``bench/README.md``: 2x on first-seen numbers). Older releases lack it.
_enable_pattern_cache: Callable[[], None] | None = getattr(phonenumbers, "enable_pattern_cache", None)
if _enable_pattern_cache is not None:
    _enable_pattern_cache()

_SSN_SHAPE = re.compile(r"[0-9]{3}-[0-9]{2}-[0-9]{4}")
# libphonenumber accepts many dates and log timestamps as valid numbers ("2025-06-24 14" is a
# valid US number, HDFS's "081109 203615 148" a German one), but nobody writes a phone number
# as a calendar date: ISO, German and US dates, and a log's compact "yymmdd hhmmss" or "yyyymmdd hhmmss".
_DATE_SHAPE = re.compile(
    r"(?:19|20)[0-9]{2}([-/.])(?:0[1-9]|1[0-2])\1(?:0[1-9]|[12][0-9]|3[01])(?![0-9])"
    r"|(?:0[1-9]|[12][0-9]|3[01])([-/.])(?:0[1-9]|1[0-2])\2(?:19|20)[0-9]{2}(?![0-9])"
    r"|(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12][0-9]|3[01])/(?:19|20)[0-9]{2}(?![0-9])"
    r"|(?:(?:19|20)[0-9]{2}|[0-9]{2})(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    r" (?:[01][0-9]|2[0-3])[0-5][0-9][0-5][0-9](?![0-9])"
)

# National numbers are tried in these regions, Germany first. A leading "0" is a trunk
# prefix in all of them but the US, whose numbers the pattern finds without it.
_NATIONAL_REGIONS = ("DE", "AT", "CH", "GB", "FR", "NL")
# After a phone keyword, also these: Italy and Belgium keep their leading 0; Poland, Spain
# and Italian mobiles have none ("512 315 761", "612 345 678", "311 863 7213").
_KEYWORD_TRUNK_REGIONS = (*_NATIONAL_REGIONS, "IT", "BE")
_KEYWORD_BARE_REGIONS = ("PL", "ES", "IT")
_TRUNK_AFTER_CODE = re.compile(r"(?<=[0-9])[ ]?\(0\)")  # "+48 (0)12 ...": the trunk 0 is not dialled


@lru_cache(maxsize=4096)  # the same numbers come back on every call of a conversation
def date_shaped(raw: str) -> bool:
    """Whether ``raw`` starts with a calendar date or a log's ``yymmdd hhmmss``: no phone, card or ID."""
    return _DATE_SHAPE.match(raw) is not None


def phone_ok(candidate: str) -> bool:
    """Whether a phone-shaped string is a valid, non-fictional phone number."""
    if _SSN_SHAPE.fullmatch(candidate.strip()):
        return False  # 078-05-1120 is written like a Social Security number, never like a phone
    if date_shaped(candidate):
        return False
    if _business_line(candidate):
        return False
    if "(0)" in candidate:
        candidate = _TRUNK_AFTER_CODE.sub("", candidate, 1)
    compact = "".join(c for c in candidate if c.isdecimal() or c == "+")
    # "030/1234567" is how Germans write a number; elsewhere a slash marks a reference number.
    return _valid(compact, "/" in candidate)


@lru_cache(maxsize=4096)
def _valid(compact: str, german_only: bool = False) -> bool:
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith("+"):
        return _check(compact, None)
    if compact.startswith("0"):
        regions = _NATIONAL_REGIONS[:1] if german_only else _NATIONAL_REGIONS
        return any(_check(compact, region) for region in regions)
    # No trunk prefix: a North American number, "(415) 555-2671", "1-415-555-2671".
    if len(compact) == 11 and compact[0] == "1":
        compact = compact[1:]
    return len(compact) == 10 and _check(compact, "US")


def _check(number: str, region: str | None) -> bool:
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(parsed) and not _fiction(parsed)


def _fiction(parsed: phonenumbers.PhoneNumber) -> bool:
    """555-01xx: the North American range reserved for fiction."""
    national = str(parsed.national_number)
    return parsed.country_code == 1 and national[3:6] == "555" and national[6:8] == "01"


# Toll-free and premium-rate lines, as written: "0800 123 4567", "+49 800 ...", "0900 ...", "1-800-356-9377",
# "(888) 555-...". A business pays for the call or is paid by it; no person holds one. The first group
# must be the service prefix itself: the same digits grouped otherwise are landlines ("080 0123456" is
# Bari, "0835 801053" Matera), and shared-cost numbers are not told by their digits (a German 01803 is
# one, the British 01803 is Torquay).
_SERVICE_LINE = re.compile(
    r"(?:\+[1-9][0-9]{0,2}[ \-.]?|00[1-9][0-9]{0,2}[ \-.]?|0)[89]00(?:[ \-./]|[0-9]{6,8}\Z)"
    r"|(?:\+?1[ \-.]?)?\(?8(?:00|33|44|55|66|77|88)\)?[ \-.]"
)


_KEYWORDS = (
    "telefon", "telefonnummer", "tel", "tel.", "telephone", "phone", "fax", "faxnummer", "mobil", "mobile",
    "mobilnummer", "handy", "handynummer", "rufnummer", "fon", "cell", "call", "whatsapp", "☎", "erreichbar unter",
    "rückruf unter", "rufen sie mich", "ruf mich",
)  # fmt: skip
_KEYWORD_SCAN = KeywordScan(keyword_pattern(words=_KEYWORDS), _KEYWORDS)
_FIRST = re.compile(r"[^0-9+(\n]{0,20}?(?=[+(0-9])")  # "Tel. privat: ", " me at ": no digit before the number
# Digit groups apart by one separator, a parenthesis, or the letterhead's " - " after an area code in
# parentheses ("(0461) 708 - 223"); not ". " or " / ", which end a number and start the next thing.
_CANDIDATE = re.compile(
    r"(?:\+|00)?\(?[0-9]+(?:(?:[ ]-[ ]|[ ]?[()][ ]?|[\-./ ])[0-9]+){0,8}(?:[ ]?x[0-9]{1,5})?(?![0-9A-Za-z])"
)  # "3804868917" after "Tel." is one; "(202)855-1716x079" has its extension


def scan_keyword_phones(text: str, out: list[tuple[str, int, int]]) -> None:
    """Append the phone numbers that follow a phone keyword, in the layouts only such a number has.

    The keywords are found from the text's distinct words (:class:`~._prefilter.KeywordScan`),
    so a text without one costs a set operation.
    """
    low, words = lowered(text)
    for _, k in _KEYWORD_SCAN.spans(low, words):
        lead = _FIRST.match(text, k)
        if lead is None:
            continue
        m = _CANDIDATE.match(text, lead.end())
        if m is not None and _keyword_phone_ok(m.group()):
            out.append(("PHONE", m.start(), m.end()))


def _keyword_phone_ok(candidate: str) -> bool:
    candidate = _EXTENSION_AT_END.sub("", candidate)
    if len(_DIGITS.sub("", candidate)) < 6:
        return False  # "Tel. 2024": no number is that short
    if _SSN_SHAPE.fullmatch(candidate) or date_shaped(candidate) or len(candidate) > 26:
        return False
    if " - " in candidate and (candidate.count(" - ") > 1 or not candidate.startswith("(")):
        return False  # "030 1234567 - 9737": a number and then something else
    if _business_line(candidate):
        return False
    if "(0)" in candidate:
        candidate = _TRUNK_AFTER_CODE.sub("", candidate, 1)
    compact = "".join(c for c in candidate if c.isdecimal() or c == "+")
    if compact.startswith(("+", "00")) or "/" in candidate:
        valid = _valid(compact, "/" in candidate)
    else:
        valid = _keyword_national(compact)
    return valid or possible_phone(candidate)


_EXTENSION_AT_END = re.compile(r"[ ]?x[0-9]{1,5}\Z")
_DIGITS = re.compile(r"[^0-9]+")
# A North American number's layout: area code, exchange, line ("(387) 978-9328", "387.978.9328", "+1-593-582-5773").
_NANP = re.compile(r"(?:\+?1[ \-.]?|001[ \-.]?)?\(?[2-9][0-9]{2}\)?[ \-.]?[0-9]{3}[ \-.]?[0-9]{4}")
_NANP_LAID_OUT = re.compile(
    r"(?:\+?1[ \-.]|001[ \-.])?(?:\([2-9][0-9]{2}\)[ ]?|[2-9][0-9]{2}[ \-.])[0-9]{3}[ \-.][0-9]{4}"
)


def possible_phone(candidate: str, *, laid_out: bool = False) -> bool:
    """Whether a number that a phone keyword or an extension marks as one has a phone's length.

    libphonenumber's validity needs a number's area code to be assigned; a number after
    "Tel." or with an "x" extension is a phone number whatever its area code (test data and
    fake numbers often have unassigned ones, and they are still written as someone's number).
    Only international numbers, national ones with a trunk 0, and the North American layout count;
    ``laid_out``: only the latter, its groups apart ("2013315450x86" is a build, not a phone).
    """
    if laid_out:
        return _NANP_LAID_OUT.fullmatch(candidate) is not None and possible_phone(candidate)
    compact = _DIGITS.sub("", candidate)
    if candidate.startswith("+"):
        number, region = "+" + compact, None
    elif compact.startswith("00"):
        number, region = "+" + compact[2:], None
    elif _NANP.fullmatch(candidate.strip()):
        number, region = compact, "US"
    elif compact.startswith("0"):
        number, region = compact, "DE"
    else:
        return False
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return False
    return not _fiction(parsed) and bool(phonenumbers.is_possible_number(parsed))


@lru_cache(maxsize=4096)
def _keyword_national(compact: str) -> bool:
    national = compact[1:] if len(compact) == 11 and compact[0] == "1" else compact
    if len(national) == 10 and national[3:6] == "555" and national[6:8] == "01":
        return False  # "Phone: (555) 555-0100": the fiction range, not a number another region would read
    if compact.startswith("0"):
        return any(_check(compact, region) for region in _KEYWORD_TRUNK_REGIONS)
    if _valid(compact):
        return True  # a North American number
    return len(compact) in (9, 10) and any(_check(compact, region) for region in _KEYWORD_BARE_REGIONS)


def _business_line(candidate: str) -> bool:
    """A toll-free or premium-rate line written with its prefix, or a switchboard: no person's."""
    return _switchboard(candidate) or _SERVICE_LINE.match(candidate) is not None


def _switchboard(candidate: str) -> bool:
    """ "089 12345-0": extension 0 is a company's switchboard (a mobile number has no extensions)."""
    return (
        candidate[-1] == "0" and candidate.endswith(("-0", "- 0")) and not is_mobile(candidate[: candidate.rindex("-")])
    )


def is_mobile(number: str) -> bool:
    """Whether libphonenumber reads ``number`` as a mobile number (national numbers read as German).

    Not a number that may be either (``FIXED_LINE_OR_MOBILE``, as every North American one is): on a
    company's letterhead its line is likelier than an employee's own phone.
    """
    compact = "".join(c for c in number if c.isdecimal() or c == "+")
    try:
        parsed = phonenumbers.parse(compact, None if compact.startswith("+") else "DE")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE
