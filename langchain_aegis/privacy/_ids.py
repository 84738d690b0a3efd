# ruff: noqa: SIM102
# (nested ifs keep the cheap test first)
"""National identifiers beyond cards and tax IDs: social and health insurance, tax numbers.

Every number here is found from a digit run of the shared prefilter (see
:func:`~._numbers.scan_numbers`), so this module costs nothing on text
without digits. A number that carries a check digit counts on its own once
the check holds; a number without one (or with a weak one) counts only next
to its keyword.

=====================  ==================================================================
``CH_AHV``             Swiss AHV number ``756.9217.0769.85``, EAN-13 check (stdnum ``ch.ssn``)
``AT_SVNR``            Austrian SVNR ``1237 010180``, check digit and birth date (``at.vnr``)
``UK_NHS``             NHS number ``943 476 5919``, mod 11 (``gb.nhs``), spaced 3-3-4 or keyword
``UK_NINO``            National Insurance number ``AB 12 34 56 C``, HMRC allocation rules
``DE_KVNR``            Krankenversichertennummer ``A123456780``, check digit
``DE_PENSION_ID``      Rentenversicherungsnummer ``65 170839 J 003``, check digit
``DE_TAX_NUMBER``      Steuernummer ``181/815/08155`` next to its keyword (``de.stnr``)
=====================  ==================================================================

Vehicle plates and driver's licences (``DE_LICENSE_PLATE``, ``DRIVER_LICENSE``) are
national identifiers too, but they are found from words, not digit runs: see
:mod:`._plates`.
"""

from __future__ import annotations

import re

from langchain_aegis.privacy._checksums import (
    at_svnr_ok,
    ch_ahv_ok,
    de_kvnr_ok,
    de_rvnr_ok,
    de_tax_number_ok,
    uk_nhs_ok,
    uk_nino_ok,
)
from langchain_aegis.privacy._patterns import keyword_pattern

__all__ = ["ID_ENTITIES", "id_candidate", "scan_national_ids"]

ID_ENTITIES = (
    "CH_AHV",
    "AT_SVNR",
    "UK_NHS",
    "UK_NINO",
    "DE_KVNR",
    "DE_PENSION_ID",
    "DE_TAX_NUMBER",
    "DRIVER_LICENSE",
    "DE_LICENSE_PLATE",
)

Span = tuple[str, int, int]

_AHV = re.compile(r"756[. ]?[0-9]{4}[. ]?[0-9]{4}[. ]?[0-9]{2}(?![0-9])")
# "1237 010180" on its own; "1237-010180", "1237/010180" and "1237 01 01 80" only after the keyword,
# as receipt and phone numbers are written so too.
_SVNR = re.compile(r"[1-9][0-9]{3}(?: ?[0-9]{6}|([\-/])[0-9]{6}|( )[0-9]{2} [0-9]{2} [0-9]{2})(?![0-9])")
_NHS = re.compile(r"([0-9]{3})([ \-]?)([0-9]{3})\2([0-9]{4})(?![0-9])")
# Upper or lower case, groups apart by a space or a dash ("AB-12-34-56-C"); lower case only after its keyword.
_NINO = re.compile(r"([A-Za-z]{2})[ \-]?([0-9]{2})[ \-]?([0-9]{2})[ \-]?([0-9]{2})[ \-]?([A-Da-d])(?![A-Za-z0-9])")
# "A123456780", "A123 456780", "A 123 456 780" (as the eGK prints it).
_KVNR = re.compile(r"([A-Z])[ ]?([0-9]{3})[ ]?([0-9]{3})[ ]?([0-9]{3})(?![0-9A-Za-z])")
_RVNR = re.compile(r"([0-9]{2})[ ]?([0-9]{6})[ ]?([A-Za-z])[ ]?([0-9]{3})(?![0-9A-Za-z])")
# Slashes, or two spaces ("181 815 08155"): one space alone is a phone's ("030 12345678").
_STNR = re.compile(r"[0-9]{2,3}(?:/?[0-9]{3,4}/?|[ ][0-9]{3,4}[ ])[0-9]{4,5}(?![0-9])|[0-9]{10,13}(?![0-9])")

_SVNR_SUBSTRINGS = ("sozialversicherung", "versicherungsnummer", "sv-nummer", "sv-nr", "svnr", "vsnr")
_SVNR_WORDS = keyword_pattern(substrings=(*_SVNR_SUBSTRINGS, "e-card"), words=("sv nr", "sv-nr."))
# A Rentenversicherungsnummer with its letter in lower case ("65170839j003") counts after these only
# (each holds a "v", which id_candidate's gate asks for).
_RVNR_WORDS = keyword_pattern(
    substrings=(*_SVNR_SUBSTRINGS, "rentenversicherung", "rv-nr", "rvnr", "rv-nummer"), words=("rv nr", "rv")
)
_NINO_WORDS = keyword_pattern(
    substrings=("national insurance", "nat. ins", "nat ins", "nino"), words=("ni", "ni no", "ni no.", "ni number")
)
# A KVNR with its letter apart from spaced digits ("A 123 456 780") counts after these only: letterheads
# write "T 040 123 456" so too.
_INSURERS = ("aok", "bkk", "ikk", "tk", "dak", "kkh", "hek", "hkk")
_KVNR_WORDS = keyword_pattern(
    substrings=("versicherten", "kvnr", "kv-n", "krankenversicher", "egk", "mitgliedsnummer", "krankenkasse")
)
_INSURER_AFTER = keyword_pattern(substrings=("krankenkasse", "barmer", "techniker", "knappschaft"), words=_INSURERS)
"""A health insurer named right after a KVNR ("A 123 456 780, AOK Bayern") says what the number is, as a
keyword before it does. Before it, an insurer's name is as often its letterhead's ("AOK Bayern, T 089 ...")."""
_NHS_WORDS = keyword_pattern(words=("nhs", "nhs no", "nhs number"))
_STNR_WORDS = keyword_pattern(
    substrings=("steuernummer", "steuer-nr", "steuernr", "st.-nr", "st-nr", "stnr", "tax number"),
    words=("st.nr.", "st. nr."),
)
_CAPITALS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")  # [A-Z]; a set, so "" (past the end) is not in it
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
_ASCII_LETTERS = _CAPITALS | _LOWER
_COMPANY = re.compile(r"GmbH|\bAG\b|\bKG\b|\bOHG\b|\bUG\b|\bInc\.|\bLtd\.?|\bLLC\b|\be\.K\.|\bSE\b|& Co")
# A person's tax on the number's line: a firm's client, an employee, the reader's own return.
_PERSONS_TAX = re.compile(r"(?i:mandant|einkommensteuer|arbeitnehmer|steuerpflichtig|übungsleiter)")


def id_candidate(text: str, s: int, e: int, digit_count: int, low: str) -> bool:
    """Whether :func:`scan_national_ids` can find anything at the run ``[s, e)`` of six or more digits.

    Most long digit runs are order numbers, dates and phone numbers, so this
    cheap test spares them the call. It asks what each identifier needs at the
    least, whatever its check digit: a capital letter just before nine digits,
    or one space before them (KVNR); a capital right after at most eight
    digits, or one space after (NINO's six digits, the eight of a
    Rentenversicherungsnummer); a run free of a word before it that starts
    with 756 (AHV), ten digits with a space or a keyword's letters in the
    look-back ``low`` (SVNR, NHS), or ten to thirteen digits after a
    Steuernummer keyword's letters ("st", "tax"). ``test_digit_runs.py``
    checks it against :func:`scan_national_ids` with every check digit valid.
    """
    if s:
        c = text[s - 1]
        a = s - 1 if c in _CAPITALS else s - 2 if c == " " and s >= 2 and text[s - 2] in _CAPITALS else -1
        # The KVNR pattern itself where the run goes on past it ("A775612 756 7"): nine digits counted
        # over the whole run would turn away a KVNR that scan_national_ids finds.
        if a >= 0 and (text[s : s + 9].isdecimal() or digit_count == 9 or _KVNR.match(text, a)):
            return True
    if digit_count <= 8:
        after = text[e : e + 1]
        if after in " -":
            after = text[e + 1 : e + 2]
        # A lower-case letter (NINO "ab123456c", RVNR "65170839j003") counts after a keyword only.
        return after in _CAPITALS or (after in _LOWER and ("n" in low or "v" in low))
    if digit_count >= 15 and "ahv" in low:
        return True  # "AHVN13 756...": the run starts at the label's "13"
    if _glued_before(text, s):
        return False
    if text.startswith("756", s):
        return True
    if digit_count == 10 and (
        " " in text[s:e] or "nhs" in low or "sv" in low or "vsnr" in low or "versicherung" in low or "card" in low
    ):
        return True
    return 10 <= digit_count <= 13 and ("st" in low or "tax" in low)


def scan_national_ids(text: str, s: int, e: int, digit_count: int, low: str, out: list[Span]) -> None:
    """Append the national identifiers that start at (or just before) the digit run ``[s, e)``.

    Args:
        text: the whole (normalized) text.
        s: start of the digit run.
        e: end of the digit run.
        digit_count: digits in the run, separators not counted.
        low: the lower-cased look-back before ``s``, for keywords.
        out: where findings go.
    """
    n = len(text)
    if digit_count == 13 or text.startswith("756", s):
        m = _AHV.match(text, s, min(n, s + 20))
        if m and _free(text, s, m.end()) and ch_ahv_ok(_digits(m.group())):
            out.append(("CH_AHV", s, m.end()))
    if digit_count >= 15 and "ahv" in low:
        # "AHVN13 756.9217.0769.85": the label's "13" and the number make one digit run.
        i = text.find(" 756", s, e)
        m = _AHV.match(text, i + 1, min(n, i + 21)) if i != -1 else None
        if m and _free(text, i + 1, m.end()) and ch_ahv_ok(_digits(m.group())):
            out.append(("CH_AHV", i + 1, m.end()))
    if digit_count in (6, 8) or 2 <= digit_count <= 6:
        # NINO "AB 12 34 56 C": the run is the digits, the letters stand around it.
        a = s - 3 if s >= 3 and text[s - 1] in " -" else s - 2
        if a >= 0 and text[a] in _ASCII_LETTERS and text[a + 1] in _ASCII_LETTERS:  # _NINO's first two characters
            m = _NINO.match(text, a, min(n, e + 3))
            if m and (a == 0 or not text[a - 1].isalnum()) and uk_nino_ok("".join(m.groups()).upper()):
                # Lower case is how hashes and codes are written: only after the keyword.
                if m.group().isupper() or _NINO_WORDS.search(low):
                    out.append(("UK_NINO", a, m.end()))
    if digit_count >= 8 and s >= 1:
        # KVNR "A123456780": a capital letter glued to (or one space before) nine digits.
        a = s - 2 if s >= 2 and text[s - 1] == " " else s - 1
        m = _KVNR.match(text, a, min(n, e + 1)) if text[a] in _CAPITALS else None
        if m and (a == 0 or not text[a - 1].isalnum()) and de_kvnr_ok("".join(m.groups())):
            if (
                a + 1 == s
                or " " not in text[s : m.end()]
                or _KVNR_WORDS.search(low)
                or _INSURER_AFTER.search(text[m.end() : m.end() + 30].lower())
            ):
                out.append(("DE_KVNR", a, m.end()))
    if (digit_count == 8 or (6 <= digit_count <= 8 and text[e : e + 1] in (" ", ""))) and (
        text[e : e + 1] in _ASCII_LETTERS or (text[e : e + 1] == " " and text[e + 1 : e + 2] in _ASCII_LETTERS)
    ):
        # The run ends where _RVNR's eight digits do (a run goes on through digits and single
        # spaces), and its letter stands right after, or after one space: tested before the match.
        m = _RVNR.match(text, s, min(n, s + 16))
        if m and not _glued_before(text, s) and de_rvnr_ok("".join(m.groups()).upper()):
            if m.group(3).isupper() or _RVNR_WORDS.search(low):
                out.append(("DE_PENSION_ID", s, m.end()))
    if digit_count == 10:
        # Written as these numbers are (a space inside), or after their keyword, before the
        # check digit: most ten-digit runs are timestamps and order numbers, each one new, and
        # python-stdnum's validation costs more than both tests (about 6 µs a number).
        m = _SVNR.match(text, s, min(n, s + 13))
        if m and _free(text, s, m.end()) and ((" " in m.group() and not m.lastindex) or _SVNR_WORDS.search(low)):
            if at_svnr_ok(_digits(m.group())):
                out.append(("AT_SVNR", s, m.end()))
        m = _NHS.match(text, s, min(n, s + 12))
        if m and (m.group(2) == " " or _NHS_WORDS.search(low)) and _free(text, s, m.end()):
            if uk_nhs_ok(m.group(1) + m.group(3) + m.group(4)):
                out.append(("UK_NHS", s, m.end()))
    if 10 <= digit_count <= 13 and _STNR_WORDS.search(low):
        m = _STNR.match(text, s, min(n, s + 16))
        if m and _free(text, s, m.end()) and de_tax_number_ok(_digits(m.group())):
            # A company's Steuernummer on its invoice is the company's, not a person's; not a client's or an
            # employee's on a firm's letter ("Mandant: ..., St.-Nr.", "Ihre Einkommensteuererklärung (St.-Nr. ...)").
            if _COMPANY.search(text, max(0, s - 400), min(n, e + 400)) is None or _PERSONS_TAX.search(
                text, max(0, text.rfind("\n", 0, s) + 1, s - 120), s
            ):
                out.append(("DE_TAX_NUMBER", s, m.end()))


def _digits(raw: str) -> str:
    return "".join(c for c in raw if c.isdecimal())


def _glued_before(text: str, i: int) -> bool:
    return i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_-/.")


def _free(text: str, a: int, b: int) -> bool:
    """Whether ``text[a:b]`` stands on its own: no word or number glued to either side."""
    if _glued_before(text, a):
        return False
    return b >= len(text) or not (text[b].isalnum() or text[b] == "_")
