"""Which health and special-category words the people scan finds are about a person at all.

The keyword lists (:data:`~._patterns.PEOPLE_TERMS`) are matched in the lower-cased text, through
its distinct words; some of their words are also a machine's, a program's or everyday language's.
Each rule here was found on clean text the detector had not seen (docs/privacy.md).
"""

from __future__ import annotations

import re

__all__ = ["about_a_person"]

_MACHINE_FINGERPRINT = re.compile(r"(?:key|cert\w*|ssh|tls|ssl|gpg|pgp|sha-?\d*|md5|hash|host|browser|device)[ :]*\Z")
_MACHINE_AFTER = re.compile(
    r"[ ]+(?:of|for|des|der|von)?[ ]*(?:\w+[ ]){0,2}?(?:keys?|cert\w*|browsers?|devices?|hosts?|tls|ssh)\b"
)  # "fingerprinting of new RSA keys"
# Abbreviations that are also English words or code in lower case ("No-op", "ass"): in text typed
# with capitals they count only as written with them ("Knie-OP", "ASS 100"). The other abbreviations
# ("bmi 41", "crp 45", "has hiv") count in lower case too: quick clinical notes write them so.
_CAPITALS_ONLY = frozenset({"op", "ass"})


def about_a_person(written: str, low: str, ts: int, te: int, word: tuple[int, int], *, typed_in_case: bool) -> bool:
    """Whether the term matched at ``[ts, te)`` can be a person's health or special-category data.

    Args:
        written: the text as typed (before any re-casing).
        low: the text lower-cased, each character at its index.
        ts: start of the matched term.
        te: end of the matched term.
        word: the whole word around the term (its end is where a machine's word may follow).
        typed_in_case: whether the text was typed with capitals (not all in one case).
    """
    term = low[ts:te]
    b = word[1]
    if term == "fingerprint":
        # A key's or a certificate's fingerprint is no one's biometric data, nor is fingerprinting a browser
        # ("SSH host key fingerprint", "fingerprinting of new RSA keys").
        return not (
            _MACHINE_FINGERPRINT.search(low, max(0, ts - 24), ts) or _MACHINE_AFTER.match(low, b, min(len(low), b + 24))
        )
    if term in _CAPITALS_ONLY and typed_in_case and written[ts:te].islower():
        return False
    if term in _PARTY_ADJECTIVES:
        return _party_name(written, low, ts, te)  # "die linke Spalte", "im Grünen", "Giuseppe Verdi", "Martha Gay"
    return True


# Party and union names that are also German adjectives or a composer, and "gay" that is also a
# surname: a special category only where written as one.
_PARTY_ADJECTIVES = frozenset(("linke", "linken", "grüne", "grünen", "verdi", "gay"))
_NAME_BEFORE = re.compile(r"[A-ZÄÖÜ][a-zäöüß]+[ ]\Z")
_NOT_PARTY_BEFORE = re.compile(r"(?:\bim|\bins|\bam|giuseppe)[ ]\Z")
_CAPITAL_NEXT = re.compile(r"[ ]+[A-ZÄÖÜ]")


def _party_name(written: str, low: str, ts: int, te: int) -> bool:
    """Whether the word at ``[ts, te)`` names the party, union or orientation ("Die Linke", "Verdi", "is gay").

    Capitalised, not the place "im Grünen" or the composer, and not an adjective capitalised in a
    title ("Die Linke Spalte": a noun follows).
    """
    if _NOT_PARTY_BEFORE.search(low, max(0, ts - 10), ts):
        return False
    if low[ts:te] == "verdi":
        return True  # the union is also written lower-case; the composer is told by his first name
    if low[ts:te] == "gay":  # a surname after a first name ("Patient Martha Gay"), else the word
        return not (written[ts].isupper() and _NAME_BEFORE.search(written, max(0, ts - 30), ts))
    return written[ts].isupper() and _CAPITAL_NEXT.match(written, te) is None
