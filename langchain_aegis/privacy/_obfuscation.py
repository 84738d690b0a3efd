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
    starts = _bracket_starts(text)
    at_hits, dot = _bracketed(text, starts)
    spaced, spaced_dot = _spaced(text)
    at_hits += spaced
    if dot or spaced_dot:
        at_hits += _occurrences(text, ("@",))  # "anna@web [dot] de"
    if at_hits:
        edits += _email_edits(text, sorted(at_hits), plain_at_ok)
    if dot:  # a defanged address or host: "81[.]2[.]69[.]142", "evil[dot]example"
        # _DEFANGED_DOT starts with a look-behind, so re would try it at every character;
        # each of its matches starts with "[" or "(" where a bracketed literal starts.
        edits += [(i, m.end(), ".") for i in starts if (m := _DEFANGED_DOT.match(text, i)) is not None]
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


def _bracket_starts(text: str) -> list[int]:
    """Where a bracketed literal (``[at]``, ``(dot)``, ``<.>``, ...) may start, in order."""
    return sorted(m.start() for pattern in _BRACKETED for m in pattern.finditer(text))


def _bracketed(text: str, starts: list[int] | None = None) -> tuple[list[tuple[int, int]], bool]:
    """``_occurrences(text, _AT_BRACKETED)``, and whether any of ``_DOT_BRACKETED`` occurs.

    ``starts``: :func:`_bracket_starts` of ``text``, where already at hand.
    """
    at_hits: list[tuple[int, int]] = []
    dot = False
    for i in _bracket_starts(text) if starts is None else starts:
        at_hits += [(i, i + len(lit)) for lit in _AT_BRACKETED if text.startswith(lit, i)]
        dot = dot or any(text.startswith(lit, i) for lit in _DOT_BRACKETED)
    return at_hits, dot


# The spaced literals in one pass instead of one str.find each: at every space that starts one
# (a look-ahead, so literals that share a space are each found, as by str.find), which one.
_SPACED = re.compile(" (?=(" + "|".join(re.escape(lit[1:]) for lit in _AT_SPACED + _DOT_SPACED) + "))")
_DOT_TAILS = frozenset(lit[1:] for lit in _DOT_SPACED)


def _spaced(text: str) -> tuple[list[tuple[int, int]], bool]:
    """``_occurrences(text, _AT_SPACED)``, and whether any of ``_DOT_SPACED`` occurs."""
    at_hits: list[tuple[int, int]] = []
    dot = False
    for m in _SPACED.finditer(text):
        tail = m.group(1)
        if tail in _DOT_TAILS:
            dot = True
        else:
            at_hits.append((m.start(), m.end() + len(tail)))
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
        # Each test below only rules the separator out; the domain's come first, because
        # most separators are the "@" of an ordinary address, which they rule out.
        dm = _DOMAIN.match(text, b, min(n, b + 256))
        if dm is None:
            continue
        dots = list(_DOT_IN_DOMAIN.finditer(text, dm.start(1), dm.end(1)))
        domain_end = dm.end(1)
        for k, d in enumerate(dots):
            # "web.de. Danke": a dot with only a space after it, before a word that is no top-level
            # domain, ends the sentence and the address with it.
            label_end = dots[k + 1].start() if k + 1 < len(dots) else dm.end(1)
            if d.group()[0] == "." and d.group()[1:].isspace() and text[d.end() : label_end].lower() not in _TLDS:
                dots, domain_end = dots[:k], d.start()
                break
        if not dots:
            continue
        tld = text[dots[-1].end() : domain_end]
        if not tld.isalpha() or len(tld) < 2:
            continue
        obfuscated_dot = any(d.group() != "." for d in dots)
        # A dot with a space after it only is how a sentence ends ("targeted at CPython. It expects");
        # a space before the dot ("web . de"), a word or brackets spell one out.
        spelled_dot = any(d.group().strip() != "." or d.group()[0].isspace() for d in dots)
        if sep == "@" and not obfuscated_dot:
            continue  # an ordinary address: nothing to rewrite
        while a and text[a - 1] in " \t":  # "anna [at] ..."
            a -= 1
        head, floor = a, max(0, a - 64)
        while head > floor and (text[head - 1].isalnum() or text[head - 1] in "._+-"):
            head -= 1
        if head == a:
            continue
        word = text[head:a]
        mailbox = any(c in word for c in "._+-") or any(c.isdecimal() for c in word) or word.lower() in plain_at_ok
        if (
            obfuscated_dot
            and not spelled_dot
            and not tld.islower()
            and (sep == "@" or not mailbox or tld.lower() not in _TLDS)
        ):
            continue  # "Look at README. It explains", "anna@web.de. Telefonisch": the next sentence, not a domain
        # "docs at python.org" is prose; "john.doe at gmail.com" or "anna at web dot de" is an address.
        if sep in (" at ", " AT ") and (tld.lower() not in _TLDS or not (spelled_dot or mailbox)):
            continue
        edits.append((a, dm.start(1), "@"))
        edits.extend((d.start(), d.end(), ".") for d in dots if d.group() != ".")
    return edits
