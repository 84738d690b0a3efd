"""Check-digit rules that turn "looks like a number" into "is one".

Each function takes the bare characters (separators already removed) and
answers with a bool. They are pure and small so the tests can table them, and
they run only on the few candidates the prefilter lets through.
"""

from __future__ import annotations

__all__ = [
    "de_tax_id_ok",
    "iban_ok",
    "icao_check_digit",
    "luhn_ok",
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


def luhn_ok(digits: str) -> bool:
    """Whether a digit string passes the Luhn (mod 10) check used by payment cards."""
    total = 0
    # Double every second digit from the right; a doubled digit d > 4 adds d*2-9.
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i & 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


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
    # Move the country code and check digits to the end, letters become 10..35.
    rearranged = iban[4:] + iban[:4]
    try:
        number = int("".join(str(int(ch, 36)) for ch in rearranged))
    except ValueError:
        return False
    return number % 97 == 1


def de_tax_id_ok(digits: str) -> bool:
    """Whether 11 digits form a valid German Steuer-Identifikationsnummer.

    Two rules: in the first ten digits exactly one digit occurs two or three
    times (never three in a row) and the others at most once, and the last
    digit is the ISO 7064 MOD 11,10 check digit over the first ten.
    """
    if len(digits) != 11 or not digits.isdecimal() or digits[0] == "0":
        return False
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


def us_ssn_ok(area: str, group: str, serial: str) -> bool:
    """Whether the three parts of a US Social Security number are issuable.

    Area 000, 666 and 900-999, group 00 and serial 0000 are never issued.
    """
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def icao_check_digit(chars: str) -> int:
    """The ICAO 9303 check digit (weights 7, 3, 1) used on German ID cards and passports.

    Digits count as themselves and letters as 10 (A) to 35 (Z).
    """
    weights = (7, 3, 1)
    return sum(int(ch, 36) * weights[i % 3] for i, ch in enumerate(chars)) % 10
