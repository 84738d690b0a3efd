"""E-mail addresses written to dodge a scanner: ``anna [at] example [dot] org``, ``anna (at) web.de``.

Part of the normalization (:mod:`._normalize`): :func:`email_edits` returns the
edits that turn such an address, or a defanged host (``81[.]2[.]69[.]142``),
into its plain form (``anna@example.org``), so the e-mail and IP scanners read
it as a person writes it. Prose such as "docs at python.org" is left alone.
"""

from __future__ import annotations

import re

__all__ = ["email_edits"]

_Edit = tuple[int, int, str]  # see :data:`._normalize.Edit`


def email_edits(text: str, plain_at_ok: frozenset[str]) -> list[_Edit]:
    """The edits that write obfuscated addresses and defanged hosts of ``text`` plainly (maybe overlapping).

    Args:
        text: the text.
        plain_at_ok: lower-case words (first names) before which a plain " at " is an address.
    """
    edits: list[_Edit] = []
    at_hits, dot = _bracketed(text)
    at_hits += _occurrences(text, _AT_SPACED)
    if dot or any(lit in text for lit in _DOT_SPACED):
        at_hits += _occurrences(text, ("@",))  # "anna@web [dot] de"
    if at_hits:
        edits += _email_edits(text, sorted(at_hits), plain_at_ok)
    if dot:  # a defanged address or host: "81[.]2[.]69[.]142", "evil[dot]example"
        edits += [(m.start(), m.end(), ".") for m in _DEFANGED_DOT.finditer(text)]
    return edits


# The separators are found with ``str.find`` (a C substring search, far cheaper than a
# regex whose first character is a space class, which re tries at every space).
_AT_LITERALS = (
    " @ ",
    " (Klammeraffe) ",
    " (klammeraffe) ",
    " at ",
    " AT ",
    "[at]",
    "(at)",
    "{at}",
    "<at>",
    "[ at ]",
    "( at )",
    "[AT]",
    "(AT)",
    "[@]",
    "(@)",
)
_DOT_LITERALS = ("[dot]", "(dot)", "{dot}", "<dot>", " dot ", " DOT ", "[DOT]", "(DOT)", "[.]", "(.)", "(punkt)")
_DOT_SEP = r"(?:\s?[\[({<] ?(?:dot|DOT|Dot|punkt|Punkt|\.) ?[\])}>]\s?|\s(?:dot|DOT|punkt)\s|\s?\.\s?)"
_DOMAIN = re.compile(rf"\s?([A-Za-z0-9](?:[\w\-]{{0,62}})(?:{_DOT_SEP}[A-Za-z0-9][\w\-]{{0,62}})+)")
_DOT_IN_DOMAIN = re.compile(_DOT_SEP)
# Common top-level domains: a plain " at " becomes "@" only before a domain ending in one.
_TLDS = frozenset(
    [
        "com",
        "org",
        "net",
        "de",
        "at",
        "ch",
        "uk",
        "io",
        "eu",
        "info",
        "edu",
        "gov",
        "fr",
        "it",
        "es",
        "nl",
        "be",
        "dk",
        "se",
        "no",
        "fi",
        "pl",
        "cz",
        "us",
        "ca",
        "au",
        "biz",
        "me",
        "co",
    ]
)

_OPENERS = "[({<"
_AT_SPACED = tuple(lit for lit in _AT_LITERALS if lit[0] not in _OPENERS)
_AT_BRACKETED = tuple(lit for lit in _AT_LITERALS if lit[0] in _OPENERS)
_DOT_SPACED = tuple(lit for lit in _DOT_LITERALS if lit[0] not in _OPENERS)
_DOT_BRACKETED = tuple(lit for lit in _DOT_LITERALS if lit[0] in _OPENERS)
# Every bracketed literal: passes that stop only at an opening bracket instead of one str.find
# over the whole text per literal. One pass per bracket, each led by that single character
# (re then skips ahead with a plain character search, several times cheaper than testing each
# character against a class of four). A match holds no opening bracket after its first
# character, so no match hides another, and the passes together find what
# ``[\[({<] ?(?:at|AT|dot|DOT|punkt|[@.]) ?[\])}>]`` finds.
_BRACKET_BODY = r" ?(?:at|AT|dot|DOT|punkt|[@.]) ?[\])}>]"
_BRACKETED = tuple(re.compile(re.escape(opener) + _BRACKET_BODY) for opener in _OPENERS)


def _bracketed(text: str) -> tuple[list[tuple[int, int]], bool]:
    """``_occurrences(text, _AT_BRACKETED)``, and whether any of ``_DOT_BRACKETED`` occurs."""
    at_hits: list[tuple[int, int]] = []
    dot = False
    for i in sorted(m.start() for pattern in _BRACKETED for m in pattern.finditer(text)):
        at_hits += [(i, i + len(lit)) for lit in _AT_BRACKETED if text.startswith(lit, i)]
        dot = dot or any(text.startswith(lit, i) for lit in _DOT_BRACKETED)
    return at_hits, dot


_DEFANGED_DOT = re.compile(r"(?<=[0-9A-Za-z])[\[(](?:\.|dot|DOT)[\])](?=[0-9A-Za-z])")


def _occurrences(text: str, literals: tuple[str, ...]) -> list[tuple[int, int]]:
    hits = []
    for literal in literals:
        i = text.find(literal)
        while i != -1:
            hits.append((i, i + len(literal)))
            i = text.find(literal, i + 1)
    return hits


def _email_edits(text: str, separators: list[tuple[int, int]], plain_at_ok: frozenset[str]) -> list[_Edit]:
    edits: list[_Edit] = []
    n = len(text)
    for a, b in separators:
        sep = text[a:b]
        while a and text[a - 1] in " \t":  # "anna [at] ..."
            a -= 1
        head, floor = a, max(0, a - 64)
        while head > floor and (text[head - 1].isalnum() or text[head - 1] in "._+-"):
            head -= 1
        if head == a:
            continue
        dm = _DOMAIN.match(text, b, min(n, b + 256))
        if dm is None:
            continue
        dots = list(_DOT_IN_DOMAIN.finditer(text, dm.start(1), dm.end(1)))
        if not dots:
            continue
        tld = text[dots[-1].end() : dm.end(1)]
        if not tld.isalpha() or len(tld) < 2:
            continue
        obfuscated_dot = any(d.group() != "." for d in dots)
        if sep in (" at ", " AT "):
            # "docs at python.org" is prose; "john.doe at gmail.com" or "anna at web dot de" is an address.
            word = text[head:a]
            mailbox = any(c in word for c in "._+-") or any(c.isdecimal() for c in word) or word.lower() in plain_at_ok
            if tld.lower() not in _TLDS or not (obfuscated_dot or mailbox):
                continue
        elif sep == "@" and not obfuscated_dot:
            continue  # an ordinary address: nothing to rewrite
        edits.append((a, dm.start(1), "@"))
        edits.extend((d.start(), d.end(), ".") for d in dots if d.group() != ".")
    return edits
