"""Numbers written spread out: ``DE89-3704-0044-...``, ``4111.1111.1111.1111``, ``D E 8 9 3 7 ...``.

The number scanners (:mod:`._numbers`) read identifiers in the layouts people
usually type: groups joined by single spaces, or dashes for cards. A reader
reads the same number through any separator: dashes, dots, slashes,
underscores, two spaces from a PDF copy, pairs read aloud, one character at
a time from a speech transcript, and the letter ``O`` typed for a zero. This
scanner finds such runs, drops the separators and checks what is left with
the same checksums:

* an IBAN whose mod-97 check holds (strong enough on its own);
* a card number with a known first digit, its Luhn check, and card-like
  grouping (groups of four, or Amex's 4-6-5);
* a German tax ID (Steuer-ID) or a US SSN only after its keyword, because
  their checksums alone would accept too many phone or order numbers;
* a phone number after its keyword (``Tel.``, ``phone``, ``Handy``), when
  ``phonenumbers`` says it is valid.

It reports only what the ordinary scanners do not already cover better (the
resolver keeps the best of overlapping findings), and runs one pattern over
the text; the checksums run only on candidate runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from langchain_aegis.privacy import _patterns as p
from langchain_aegis.privacy._cards import CARD_FIRST, card_prefix_ok, card_written
from langchain_aegis.privacy._checksums import de_tax_id_ok, iban_ok, luhn_ok, us_ssn_ok
from langchain_aegis.privacy._numbers import Span, lower_window
from langchain_aegis.privacy._phones import phone_ok
from langchain_aegis.privacy._prefilter import mark_table, marked

__all__ = ["scan_spread_numbers"]

# A run: an optional two-letter country code (letters may stand apart: "D E"), then at least nine
# digits (or O typed for 0) joined by up to three separator characters each.
_SEP = r"[ \t._/\-]{0,3}"
_RUN = re.compile(rf"(?<![\w+])(?:[A-Za-z]{_SEP}[A-Za-z]{_SEP}|\+{_SEP})?[0-9O](?:{_SEP}[0-9O]){{8,40}}(?![\w])")
# _RUN starts with a look-behind and optional letters, so re tries it at every position. A run
# is its two letters (and what stands between them: at most five characters) and then a stretch
# of digits, O, plus signs and separators; that stretch holds nine digits joined like this (a
# pattern led by a class, which re skips ahead to). So _RUN is tried around those stretches only.
_NINE = re.compile(rf"[0-9O](?:{_SEP}+[0-9O]){{8}}")  # possessive: separators are never digits
# _NINE starts with a class, which re tests at every character of the text (most of its cost);
# on the text marked "1" for a digit or O and "0" for a separator (:func:`._prefilter.marked`) it
# reads as a pattern led by a literal, which re finds with a fast search: same starts.
_MARKS = mark_table("0123456789O", " \t._/-")
_NINE_MARKS = re.compile(rb"1(?:0{0,3}+1){8}")
_STRETCH = re.compile(r"[0-9O+ \t._/\-]*")
_LETTERS_BEFORE = 5  # "D E 8 9 ...": a letter, at most three separators, a letter
_DROP = str.maketrans("O", "0", " \t._/-+")
# "tel" not before an "l": "Bestellung" holds "tell", "Telnr.", "Privattel." and "Hoteltel." do not.
_PHONE_KEYWORDS = re.compile(r"tel(?!l)|phone|fon|mobil|handy|ruf|call|fax|whatsapp")
_TAX_KEYWORDS = re.compile(r"steuer|idnr|identifikationsnummer|tax|\btin\b")
_UNUSUAL = re.compile(r"[O\-._/\t]|  ")  # an O for a zero, a separator other than one space
_REACH = 40  # characters before the run in which a keyword counts


def scan_spread_numbers(text: str, out: list[Span]) -> None:
    """Append IBANs, cards, tax IDs and SSNs written with unusual separators to ``out``."""
    for m in _runs(text):
        run = m.group()
        s, e = m.span()
        compact = run.translate(_DROP)
        if not compact.isdecimal() and not compact[:2].isalpha():
            continue
        if compact[:2].isalpha():
            # mod-97 is strong enough on its own, whatever the layout ("DE 89 37 04 ...").
            if 15 <= len(compact) <= 34 and iban_ok(compact.upper()):
                out.append(("IBAN", s, e))
                continue
            first = next(i for i, c in enumerate(run) if c.isdigit())  # "ID 860-957-...": the letters are a label
            run, s = run[first:], s + first
            compact = run.translate(_DROP)
        if _plain(run):
            continue  # single spaces or none: the ordinary scanners read it
        if _keyword(text, s, _PHONE_KEYWORDS) and not _lettered(text, s) and phone_ok(run.replace("O", "0")):
            out.append(("PHONE", s, e))
            continue
        if (
            13 <= len(compact) <= 19
            and compact[0] in CARD_FIRST
            and card_prefix_ok(compact)
            and luhn_ok(compact)
            and card_written(text, s, e, compact)
        ):
            out.append(("CREDIT_CARD", s, e))
        elif len(compact) == 11 and de_tax_id_ok(compact) and _keyword(text, s, _TAX_KEYWORDS):
            out.append(("DE_TAX_ID", s, e))
        elif (
            len(compact) == 9
            and us_ssn_ok(compact[:3], compact[3:5], compact[5:])
            and _keyword(text, s, p.SSN_KEYWORDS)
        ):
            out.append(("US_SSN", s, e))


def _lettered(text: str, s: int) -> bool:
    """Whether the run follows a single letter and a dash, as an order number does ("B-2024-098912")."""
    return s >= 2 and text[s - 1] == "-" and text[s - 2].isalpha() and (s == 2 or not text[s - 3].isalnum())


def _runs(text: str) -> Iterator[re.Match[str]]:
    """``_RUN.finditer(text)``, tried only in the stretches of run characters that hold nine digits.

    The matches of _NINE are found on the text mapped by ``_MARKS`` (see there), which keeps
    every character at its index.

    A match of _RUN is at most five characters (its letters) before a stretch of run characters
    and then inside it, and the stretch holds a match of _NINE; so the windows around the
    stretches of _NINE's matches hold every match of _RUN, each in one window. _RUN sees the
    text either side of a window for its look-behind and look-ahead, as it does in the whole text.
    """
    stretch_end = -1
    reverse = ""
    n = len(text)
    for hint in _NINE_MARKS.finditer(marked(text, _MARKS)):
        d = hint.start()
        if d < stretch_end:
            continue  # inside the stretch just scanned
        if not reverse:
            reverse = text[::-1]  # the stretch's start, found by a forward match on the reversed text
        start = max(0, n - _stretch_end(reverse, n - d) - _LETTERS_BEFORE)
        stretch_end = _stretch_end(text, d)
        yield from _RUN.finditer(text, start, stretch_end + 1)


def _stretch_end(text: str, i: int) -> int:
    m = _STRETCH.match(text, i)
    return m.end() if m else i  # it always matches (a star); the test is for the type checker


def _plain(run: str) -> bool:
    """Whether the run uses only the layout every ordinary scanner reads: digit groups and single spaces."""
    return _UNUSUAL.search(run) is None and not _single_chars(run)


def _single_chars(run: str) -> bool:
    """One or two characters at a time ("8 9 3 7 0 4", "03 01 23 45 67"): most groups are that short."""
    groups = run.split()
    return len(groups) >= 5 and sum(len(g) <= 2 for g in groups) * 5 > len(groups) * 3


def _keyword(text: str, s: int, pattern: re.Pattern[str]) -> bool:
    return pattern.search(lower_window(text, max(0, s - _REACH), s)) is not None
