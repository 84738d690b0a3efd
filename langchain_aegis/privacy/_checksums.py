"""Check-digit rules that turn "looks like a number" into "is one".

Each function takes the bare characters (separators already removed) and
answers with a bool. They are pure and small so the tests can table them, and
they run only on the few candidates the prefilter lets through.

Where ``python-stdnum`` covers a number (IBAN with per-country BBAN rules, the
German Steuer-ID and Steuernummer, the Swiss AHV number, the Austrian SVNR,
the US SSN, the UK NHS number), its validator is used. The hand-written checks
below exist only where stdnum has nothing: the German Krankenversichertennummer
(KVNR) and Rentenversicherungsnummer, the UK National Insurance number, and
the ICAO 9303 check digit of German ID cards and passports.
"""

from __future__ import annotations

from functools import lru_cache

from stdnum import iban as _iban
from stdnum.at import vnr as _at_vnr
from stdnum.ch import ssn as _ch_ssn
from stdnum.de import idnr as _de_idnr
from stdnum.de import stnr as _de_stnr
from stdnum.exceptions import InvalidComponent, ValidationError
from stdnum.gb import nhs as _gb_nhs
from stdnum.us import ssn as _us_ssn

__all__ = [
    "at_svnr_ok",
    "ch_ahv_ok",
    "de_kvnr_ok",
    "de_rvnr_ok",
    "de_tax_id_ok",
    "de_tax_number_ok",
    "iban_ok",
    "icao_check_digit",
    "luhn_ok",
    "uk_nhs_ok",
    "uk_nino_ok",
    "us_ssn_ok",
]

# IBAN lengths by country (ISO 13616 registry). A country missing here is
# still accepted when mod-97 holds, within the 15..34 range IBANs allow.
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31,
    "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
    "SA": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VG": 24, "XK": 20,
}  # fmt: skip


# A digit doubled, and the digits of the product summed: d * 2, or d * 2 - 9 above 4.
_DOUBLED = str.maketrans("0123456789", "0246813579")


def luhn_ok(digits: str) -> bool:
    """Whether a digit string passes the Luhn (mod 10) check used by payment cards."""
    if digits.isascii() and digits.isdigit():
        # Every second digit from the right doubled by a table, then all summed as bytes:
        # C calls instead of a Python step per digit (this runs on every card-shaped run).
        reverse = digits[::-1]
        total = sum((reverse[::2] + reverse[1::2].translate(_DOUBLED)).encode()) - 48 * len(digits)
        return total % 10 == 0
    return _luhn_by_digit(digits)


def _luhn_by_digit(digits: str) -> bool:
    """The Luhn check one character at a time, for any string (the table covers ASCII digits)."""
    total = 0
    # Double every second digit from the right; a doubled digit d > 4 adds d*2-9.
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i & 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


# The stdnum validators below are pure and cost tens of microseconds each; the same numbers
# come back on every call of a conversation (its history is sent again), so their answers
# are kept (bounded caches of string -> bool).

# Letters to their mod-97 values (A=10 ... Z=35), so the checksum is one int() of a digit string.
_IBAN_DIGITS = str.maketrans({chr(c): str(c - 55) for c in range(ord("A"), ord("Z") + 1)})


@lru_cache(maxsize=4096)
def iban_ok(iban: str) -> bool:
    """Whether a compact, upper-case IBAN has a valid length and mod-97 remainder of 1.

    Args:
        iban: the IBAN without spaces, e.g. ``DE89370400440532013000``.
    """
    if not 15 <= len(iban) <= 34 or not iban[:2].isalpha() or not iban[2:4].isdecimal():
        return False
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and expected != len(iban):
        return False
    if not iban.isascii() or not iban.isalnum():
        return False
    # mod-97 first: stdnum checks it first too, and the scanner tries several lengths of an
    # IBAN from an unknown country; stdnum's registry look-up runs only for the right one.
    if int((iban[4:] + iban[:4]).translate(_IBAN_DIGITS)) % 97 != 1:
        return False
    # stdnum checks mod-97 and, for countries it knows, the BBAN's format (a German
    # IBAN has 18 digits after the check digits, never letters).
    try:
        _iban.validate(iban)
    except InvalidComponent:
        # stdnum's bank registries are incomplete (it rejects BE68 5390 0754 7034, the
        # Belgian example IBAN): an unknown bank still makes a valid-looking IBAN an IBAN.
        return bool(_iban.is_valid(iban, check_country=False))
    except ValidationError:
        return False
    return True


@lru_cache(maxsize=4096)
def de_tax_id_ok(digits: str) -> bool:
    """Whether 11 digits form a valid German Steuer-Identifikationsnummer.

    Two rules: in the first ten digits exactly one digit occurs two or three
    times (never three in a row) and the others at most once, and the last
    digit is the ISO 7064 MOD 11,10 check digit over the first ten.
    """
    if len(digits) != 11 or not digits.isascii() or not digits.isdecimal() or digits[0] == "0":
        return False
    if not _de_idnr.is_valid(digits):
        return False
    # stdnum checks the check digit and the repetition rule; the rule is tightened
    # here as the Bundeszentralamt applies it (no digit three times in a row).
    body = digits[:10]
    counts = [body.count(d) for d in set(body)]
    repeated = [c for c in counts if c > 1]
    if len(repeated) != 1 or repeated[0] > 3:
        return False
    if repeated[0] == 3 and any(body[i] == body[i + 1] == body[i + 2] for i in range(8)):
        return False
    product = 10
    for ch in body:
        total = (int(ch) + product) % 10 or 10
        product = total * 2 % 11
    check = (11 - product) % 10
    return check == int(digits[10])


@lru_cache(maxsize=4096)
def us_ssn_ok(area: str, group: str, serial: str) -> bool:
    """Whether the three parts of a US Social Security number are issuable.

    Area 000, 666 and 900-999, group 00 and serial 0000 are never issued;
    stdnum also knows the numbers published in advertising (078-05-1120, ...).
    """
    number = area + group + serial
    return number.isascii() and bool(_us_ssn.is_valid(number))


def icao_check_digit(chars: str) -> int:
    """The ICAO 9303 check digit (weights 7, 3, 1) used on German ID cards and passports.

    Digits count as themselves and letters as 10 (A) to 35 (Z).
    """
    weights = (7, 3, 1)
    return sum(int(ch, 36) * weights[i % 3] for i, ch in enumerate(chars)) % 10


@lru_cache(maxsize=4096)
def de_tax_number_ok(digits: str) -> bool:
    """Whether 10 to 13 digits form a German Steuernummer (any state's format)."""
    return digits.isascii() and digits.isdecimal() and bool(_de_stnr.is_valid(digits))


@lru_cache(maxsize=4096)
def ch_ahv_ok(digits: str) -> bool:
    """Whether 13 digits form a Swiss AHV number (756 prefix, EAN-13 check digit)."""
    return len(digits) == 13 and digits.isascii() and digits.isdecimal() and bool(_ch_ssn.is_valid(digits))


@lru_cache(maxsize=4096)
def at_svnr_ok(digits: str) -> bool:
    """Whether 10 digits form an Austrian Sozialversicherungsnummer (check digit and birth date)."""
    return len(digits) == 10 and digits.isascii() and digits.isdecimal() and bool(_at_vnr.is_valid(digits))


@lru_cache(maxsize=4096)
def uk_nhs_ok(digits: str) -> bool:
    """Whether 10 digits form a UK NHS number (mod 11 check digit)."""
    return len(digits) == 10 and digits.isascii() and digits.isdecimal() and bool(_gb_nhs.is_valid(digits))


def _cross_sum(n: int) -> int:
    return n // 10 + n % 10


def de_kvnr_ok(kvnr: str) -> bool:
    """Whether a German Krankenversichertennummer (a letter and nine digits) has a valid check digit.

    Hand-written because python-stdnum has no KVNR module. The letter becomes
    its two-digit position in the alphabet (A = 01); the resulting ten digits
    are weighted 1, 2, 1, 2, ..., each product's cross sum is added, and the
    sum modulo 10 is the last digit (§ 290 SGB V, GKV-Spitzenverband).
    """
    if len(kvnr) != 10 or not ("A" <= kvnr[0] <= "Z") or not kvnr[1:].isascii() or not kvnr[1:].isdecimal():
        return False
    letter = ord(kvnr[0]) - 64
    digits = f"{letter:02d}" + kvnr[1:9]
    total = sum(_cross_sum(int(d) * (1 if i % 2 == 0 else 2)) for i, d in enumerate(digits))
    return total % 10 == int(kvnr[9])


_RVNR_WEIGHTS = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)


def de_rvnr_ok(rvnr: str) -> bool:
    """Whether a German Rentenversicherungsnummer (``12 010185 M 123``, compact) is valid.

    Hand-written because python-stdnum has no module for it. Layout: area
    number (2 digits), birth date DDMMYY, the birth name's initial, serial
    number (2 digits), check digit. The letter becomes its two-digit position
    (A = 01); the twelve digits are weighted 2 1 2 5 7 1 2 1 2 1 2 1, the cross
    sums of the products are added, and the sum modulo 10 is the check digit
    (Deutsche Rentenversicherung, VKVV § 2).
    """
    if len(rvnr) != 12 or not ("A" <= rvnr[8] <= "Z"):
        return False
    head, tail = rvnr[:8], rvnr[9:]
    if not (head + tail).isascii() or not (head + tail).isdecimal():
        return False
    day, month = int(head[2:4]), int(head[4:6])
    if not (1 <= day <= 31 or 51 <= day <= 81) or not 1 <= month <= 12:  # +50: a second number for one date
        return False
    digits = head + f"{ord(rvnr[8]) - 64:02d}" + tail[:2]
    total = sum(_cross_sum(int(d) * w) for d, w in zip(digits, _RVNR_WEIGHTS, strict=True))
    return total % 10 == int(tail[2])


_NINO_FIRST_BAD = frozenset("DFIQUV")
_NINO_SECOND_BAD = frozenset("DFIOQUV")
_NINO_BAD_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def uk_nino_ok(nino: str) -> bool:
    """Whether a compact UK National Insurance number (``AB123456C``) is well-formed.

    Hand-written because python-stdnum has no NINO module. A NINO has no check
    digit; HMRC's allocation rules are what can be checked: two prefix letters
    (first not D F I Q U V, second not D F I O Q U V, never BG GB KN NK NT TN
    ZZ), six digits, and a suffix A to D.
    """
    if len(nino) != 9 or not nino[2:8].isascii() or not nino[2:8].isdecimal():
        return False
    a, b, suffix = nino[0], nino[1], nino[8]
    return (
        "A" <= a <= "Z"
        and "A" <= b <= "Z"
        and a not in _NINO_FIRST_BAD
        and b not in _NINO_SECOND_BAD
        and nino[:2] not in _NINO_BAD_PREFIXES
        and suffix in "ABCD"
    )
