"""Phone numbers found from the digit runs, and what stands around a number that says it is none.

The number scanner (:mod:`._numbers`) calls :func:`phones` for a run that may be a phone (a
trunk 0, a +, ten digits) and :func:`extended_phone` for one glued to an "x" extension. A
candidate is validated by libphonenumber (:func:`._phones.phone_ok`) and then ruled out by
its context, each rule here: a label that calls it a reference or a regulation's clause, a
US ZIP+4 code after its state, an account ID between an ARN's colons, a host name's digits.
:func:`dialled` and :func:`code_first` tell a run that follows an international dialling code,
whose groups are a phone's and never a national ID's or a card's.
"""

from __future__ import annotations

import re

from phonenumbers import COUNTRY_CODE_TO_REGION_CODE
from stdnum import ean

from langchain_aegis.privacy import _patterns as p
from langchain_aegis.privacy._columns import identifier_column
from langchain_aegis.privacy._en_addresses import US_STATES
from langchain_aegis.privacy._glue import glued_left
from langchain_aegis.privacy._phones import phone_ok, possible_phone

__all__ = ["code_first", "dialled", "digits_of", "extended_phone", "phones"]

Span = tuple[str, int, int]

_COUNTING = "012345678901234567890"  # "0123456789" is a placeholder or a digit alphabet, not a phone
_PHONE_START = re.compile(r"[+(0-9]")
# A number a label calls a reference ("ref. 0068/279091" is a valid Cook Islands number, "Belegnummer
# 0071/204518", "Rechnungsnr.", "Order No."): a document's number, not a line to call.
_REFERENCE_BEFORE = re.compile(
    r"(?i:\bref\.?|reference|referenz|aktenzeichen|\baz\.|(?:beleg|rechnungs|kunden|auftrags|bestell|vorgangs|vertrags"
    r"|referenz|ticket|sendungs|artikel)(?:nummer|nr\.?)|(?:beleg|rechnung|invoice|order|auftrag|bestellung|kunden"
    r"|vorgang|ticket|case|vertrag|sendung|tracking)[ \t-]*(?:no\.?|nr\.?|number|nummer|#)"
    r"|dfars|\bfar|\bcfr|§"  # a regulation's clause: "DFARS 252.227-7014"
    # A bank's routing or account number, a barcode, a serial or an account ID: "ABA routing: 026009593",
    # "UPC: 060087361609", "--registry-ids 012345678910".
    r"|routing(?:[ ]?(?:no\.?|number|#))?|\baba|\bupc|\bean(?:-13)?|gtin|isbn|\bimei|account[ _-]?(?:ids?|no\.?"
    r"|number|nr)|registry-ids|kontonummer|konto-nr\.?|\bblz|serial(?:[ ](?:no\.?|number))?|seriennummer|s/n|\bsku"
    r"|\bpzn"  # a medicine's Pharmazentralnummer: "PZN 05814588"
    r")[ \t]*[:#=]?[ \t]*\Z"
)
_REFERENCE_HINT = re.compile(  # literal-led: re skips ahead in C
    r"ref|nr|no|numm|numb|#|az\.|far|cfr|§|rout|aba|upc|ean|gtin|isbn|imei|sku|acc|ids|konto|blz|seri|s/n|pzn"
)


def _reference_before(text: str, a: int) -> bool:
    """Whether a label before ``text[a]`` calls the number there a reference (:data:`_REFERENCE_BEFORE`)."""
    # Most phones follow "Tel." or nothing: a few substring tests in C spare the pattern, which has
    # no literal to skip ahead to and is tried at each of the 24 positions.
    before = text[max(0, a - 24) : a].lower()
    return _REFERENCE_HINT.search(before) is not None and _REFERENCE_BEFORE.search(before) is not None


# ISO 6709 coordinates as time-zone tables write them: signed latitude and longitude in
# degrees and minutes (and seconds), the one glued to the other.

# An international dialling code before a number: "+44 (0) 7435 454935", "0049 1512...". What
# follows it is a phone's national number, never a national ID or a tax ID.
_DIALLING_CODE = re.compile(r"(?:\+|(?<![0-9])00)[1-9][0-9]{0,2}[ \-./]?(?:\(0\)[ ]?)?\Z")


def dialled(text: str, s: int) -> bool:
    """Whether the digit run at ``s`` is a phone's national number after its international dialling code.

    The code stands before the run (``+49 1512 ...``, ``+44 (0) 7435 ...``); see also :func:`code_first`.
    """
    if not s:
        return False
    c = text[s - 1]
    if c == "+":
        return True
    if c not in " -./)":
        return False
    lo = s - 9 if s > 9 else 0
    if text.find("+", lo, s) == -1 and text.find("00", lo, s) == -1:
        return False  # most runs: two finds in C spare the pattern
    return _DIALLING_CODE.search(text, lo, s) is not None


def code_first(text: str, s: int) -> bool:
    """Whether the run at ``s`` starts with a dialling code as a group of its own (``0049 1512 ...``).

    Such a run may still be a KVNR's digits (``A 001 000 003``): only the numbers read from its
    groups (cards, tax IDs) are left out, not the national IDs read from its whole.
    """
    if not text.startswith("00", s) or (s and text[s - 1].isalnum()):
        return False
    m = _CODE_GROUP.match(text, s)
    return m is not None and int(m.group(1)) in COUNTRY_CODE_TO_REGION_CODE  # "003 98 4353" is an SSN


_CODE_GROUP = re.compile(r"00([1-9][0-9]{0,2})[ \-]")


_HOST_TAIL = re.compile(r"\.[A-Za-z][A-Za-z0-9-]*\.[A-Za-z]")


def digits_of(raw: str) -> str:
    """``raw`` without the separators a digit run may hold."""
    return raw.replace(" ", "").replace(".", "").replace("-", "").replace("/", "")


def phones(text: str, s: int, e: int, out: list[Span]) -> None:
    """Append the phone numbers that reach into the digit run ``[s, e)``."""
    # The run may be only the subscriber part: "+49 (0)30" or "(0 30)" stand before it.
    # PHONE has no literal prefix, so re would try it at every position of the window;
    # it has no look-behind either, so starting at the first character a phone can
    # start with finds the same matches.
    first = _PHONE_START.search(text, max(0, s - 14), e)
    if first is None:
        return
    # "01576 / 1135692": the area code is a run of its own, the number after the slash another.
    after = _AFTER_SLASH.match(text, e) if text.startswith(" / ", e) else None
    start, stop = first.start(), after.end() if after else e
    # A loop, not a call per retry: a run of thousands of digit groups (a table of numbers in
    # source code) retries once per group, and a call each exceeded Python's recursion limit.
    while start >= 0:
        start = _phones_from(text, s, out, start, stop)


def _phones_from(text: str, s: int, out: list[Span], start: int, stop: int) -> int:
    """Append the phones found in ``text[start:stop]`` that reach into the run at ``s``; where to retry, or -1."""
    for pm in p.PHONE.finditer(text, start, stop):
        a, b = pm.span()
        if glued_left(text, a) or _inside_digits(text, a):
            if b > s:
                # No phone starts here ("49036 / 09316 82018" at "036"), and the match reaches into
                # the run: the run's phone may start inside it.
                return a + 1
            continue
        if (
            b > s
            and digits_of(pm.group()) not in _COUNTING
            and not _HOST_TAIL.match(text, b)
            and phone_ok(pm.group())
            and not _reference_before(text, a)
            and not _field_of_identifier(text, a, b)
            and not _us_zip(text, a, pm.group())
            and not identifier_column(text, a, b)  # under a table's "id", "SKU" or "Order No" header
            and not _barcode(pm.group())
            and not _number_range(pm.group())
        ):
            out.append(("PHONE", a, b))
    return -1


_RANGE = re.compile(r"([0-9]{4,6})[ ]?[\u2013\-][ ]?([0-9]{4,6})")


def _number_range(candidate: str) -> bool:
    """Whether a candidate is a range of two numbers of one length and prefix ("Postleitzahlen 02826-02829",
    with an en dash too)."""
    m = _RANGE.fullmatch(candidate)
    if m is None:
        return False
    low, high = m.groups()
    return len(low) == len(high) and low[:2] == high[:2] and int(high) > int(low)


def _barcode(candidate: str) -> bool:
    """Whether a candidate is thirteen digits without a separator and a valid EAN-13 (a product's GTIN in an
    export, "0472852573443"): people write a phone number in groups or after a "+", a barcode never."""
    return len(candidate) == 13 and candidate.isdecimal() and candidate[:2] != "00" and ean.is_valid(candidate)


def _field_of_identifier(text: str, a: int, b: int) -> bool:
    """Whether colons glue the number into an identifier (``arn:aws:batch:us-east-1:012345678910:job``)."""
    return (
        a >= 2
        and text[a - 1] == ":"
        and text[b : b + 1] == ":"
        and (text[a - 2].isalnum() or text[a - 2] in "-_")
        and text[a:b].isdecimal()  # an account ID is written plain; "anna:030 1234567:" is a phone in an export
        and _FIELDS_BEFORE.search(text, max(0, a - 48), a) is not None  # "arn:aws:batch:us-east-1:", not "tel:"
    )


_FIELDS_BEFORE = re.compile(r":[^\s:]*:[^\s:]*:\Z")


_ZIP4 = re.compile(r"[0-9]{5}-[0-9]{4}\Z")


def _us_zip(text: str, a: int, candidate: str) -> bool:
    """Whether the candidate is a US ZIP+4 code after its state (``Boston, MA 02110-1301``)."""
    if _ZIP4.match(candidate) is None:
        return False
    state_end = a
    while state_end > a - 4 and state_end and text[state_end - 1] in " \t\n":
        state_end -= 1  # "Boston, MA  02110-1301": the FSF's address has two spaces
    return state_end < a and state_end >= 2 and text[state_end - 2 : state_end] in US_STATES


_AFTER_SLASH = re.compile(r" / [0-9](?:[ \-]?[0-9])*")
_EXTENSION = re.compile(r"x[0-9]{1,5}(?![0-9A-Za-z_])")
_AREA_CODE_BEFORE = re.compile(r"\([2-9][0-9]{2}\)[ ]?\Z")


def extended_phone(text: str, s: int, e: int, out: list[Span]) -> None:
    """A phone number with its extension glued on by an "x" (US style, and how Faker writes them)."""
    ext = _EXTENSION.match(text, e)
    if ext is None:
        return
    found = len(out)
    phones(text, s, e, out)
    if len(out) == found:
        # The extension marks the number as a phone's: its length is enough (an area code
        # may be unassigned, as in test data). The North American layout only: "387.978.9328x792".
        area = _AREA_CODE_BEFORE.search(text, max(0, s - 7), s)  # "(202)855-1716x079": the run is "855-1716"
        start = area.start() if area else s
        if start and text[start - 1] == "+":
            start -= 1  # "+1-795-725-7622x927"
        if (start and text[start - 1] in "-.") or not possible_phone(text[start:e], laid_out=True):
            return
        out.append(("PHONE", start, e))
    out[found:] = [(kind, a, ext.end() if b == e else b) for kind, a, b in out[found:]]


_THOUSANDS = re.compile(r"[0-9]{3}[ ][0-9]")


def _inside_digits(text: str, i: int) -> bool:
    """Whether ``i`` continues a longer digit sequence ("DE88 3704 0044 ..." is no phone at 0044)."""
    if i >= 2 and text[i - 1] == "," and text[i - 2].isdecimal():
        # "6,022 140 76": a decimal's digits in groups of three (not a CSV's "8,01712863468,Anna")
        return (i == 2 or text[i - 3] in " \t=(") and _THOUSANDS.match(text, i) is not None
    return i >= 2 and text[i - 1] in " -./" and text[i - 2].isdecimal()
