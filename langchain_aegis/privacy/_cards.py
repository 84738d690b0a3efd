"""Card numbers: which first digits a network issues, the layouts cards are printed in, a card word near them.

Split from :mod:`._numbers`, whose digit runs and :mod:`._spread`, whose spread-out numbers, both ask
these questions of a Luhn-valid candidate. Hand-written: ``python-stdnum`` checks Luhn
(``luhn_ok``), not which networks issue a prefix or how a card is printed.
"""

from __future__ import annotations

import re

from langchain_aegis.privacy._checksums import luhn_ok
from langchain_aegis.privacy._phone_runs import digits_of

__all__ = ["CARD_FIRST", "card_grouping", "card_prefix_ok", "card_written", "keyword_card"]

CARD_FIRST = frozenset("23456")  # Amex/Diners 3, Visa 4, Mastercard 2/5, Discover/Maestro/UnionPay 6


def card_prefix_ok(digits: str) -> bool:
    """Whether a card network issues numbers that start like ``digits`` (its first digit is in :data:`CARD_FIRST`).

    The first digit alone lets a date through ("2024011701 7200", a DNS zone's serial and refresh,
    passes Luhn). Of the 2s only Mir (2200-2204), Mastercard's 2-series (2221-2720) and JCB's and
    enRoute's fifteen digits (2131, 2014, 2149) are cards.
    """
    if digits[0] != "2":
        return True
    head = digits[:4]
    return (
        "2200" <= head <= "2204" or "2221" <= head <= "2720" or (len(digits) == 15 and head in ("2131", "2014", "2149"))
    )


_CARD_WORDS = re.compile(r"karte|card|maestro|jcb|visa|zahlung|payment|\bcc\b|\bkk\b|charge|cvv|cvc|\bexp|gültig")
_KEYWORD_CARD_REACH = 48


def keyword_card(s: int, raw: str, low: str, out: list[tuple[str, int, int]]) -> None:
    """A Maestro card of twelve digits, a Visa card of thirteen or a JCB card of fifteen starting 1800 or
    2131, after a card word.

    Their Luhn check alone would accept one in ten order numbers of that length (and an EAN-13 barcode,
    ``4003275849073``, is thirteen digits), so a card word must stand just before ("Kreditkarte
    502091614615", "Visa 4222222222222", "Card: 180023213224193").
    """
    digits = raw if raw.isdecimal() else digits_of(raw)
    maestro = len(digits) == 12 and digits[:2] in ("50", "56", "57", "58", "63", "67")
    visa = len(digits) == 13 and digits[0] == "4"
    jcb = len(digits) == 15 and digits[:4] in ("1800", "2131")
    if (maestro or visa or jcb) and _CARD_WORDS.search(low[-_KEYWORD_CARD_REACH:]) and luhn_ok(digits):
        out.append(("CREDIT_CARD", s, s + len(raw)))


_DIGIT_GROUPS = re.compile(r"[0-9]+")


def card_grouping(groups: list[int]) -> bool:
    """Whether digit groups of these lengths are a card's printed layout: one group, fours, or Amex's and
    Diners' 4-6-5 and 4-6-4."""
    if len(groups) == 1:
        return True
    if groups in ([4, 6, 5], [4, 6, 4]):  # American Express, Diners Club
        return True
    return all(g == 4 for g in groups[:-1]) and 1 <= groups[-1] <= 4


_RULER = "01234567890123456789012345678901234567890"
_CARD_WORD_REACH = 96  # "Bezahlt mit Kreditkarte. Die Nummer lautet wie folgt, bitte sorgfältig: 4321 ..."


def card_written(text: str, start: int, end: int, digits: str) -> bool:
    """Whether a Luhn-valid run is written as a card is: in a card's groups, or in any groups near a card
    word ("Visa-Nummer 5 3 2 5 ...", "cc: 47105674 62992687", "529435 167656 5717 exp 09/26"). Not a log
    line's byte counts ("200 - 3183 69492 10778 3672") or a diagram's ruler ("0 1 2 3 4 5 6 7 8 9 0 1 ...")."""
    if digits in _RULER or digits in _RULER[1:]:
        return False
    if card_grouping([len(g) for g in _DIGIT_GROUPS.findall(text, start, end)]):
        return True
    before = text[max(0, start - _CARD_WORD_REACH) : start].lower()
    return _CARD_WORDS.search(before) is not None or _CARD_WORDS.search(text[end : end + 24].lower()) is not None
