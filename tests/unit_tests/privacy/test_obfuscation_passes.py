"""The e-mail obfuscation edits found in fewer passes are those one ``str.find`` per literal finds.

:func:`._obfuscation.email_edits` finds the spaced literals (``" at "``, ``" @ "``,
``" dot "``, ...) in one regex pass, and the defanged dots (``81[.]2``) only where
a bracketed literal starts. Both are compared with the straightforward form they
replace (a ``str.find`` loop per literal, a whole-text ``finditer``) on generated
text dense with the pieces that matter: literals that share a space, brackets
next to letters and digits, addresses and prose.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_aegis.privacy import _obfuscation as obf
from langchain_aegis.privacy._normalize import normalize


def _reference(text: str, plain_at_ok: frozenset[str]) -> list[tuple[int, int, str]]:
    """``email_edits`` as it was written before: one pass per literal, the defanged dots over all the text."""
    edits: list[tuple[int, int, str]] = []
    at_hits = obf._occurrences(text, obf._AT_BRACKETED)
    dot = any(lit in text for lit in obf._DOT_BRACKETED)
    at_hits += obf._occurrences(text, obf._AT_SPACED)
    if dot or any(lit in text for lit in obf._DOT_SPACED):
        at_hits += obf._occurrences(text, ("@",))
    if at_hits:
        edits += _reference_edits(text, sorted(at_hits), plain_at_ok)
    if dot:
        edits += [(m.start(), m.end(), ".") for m in obf._DEFANGED_DOT.finditer(text)]
    return edits


def _reference_edits(
    text: str, separators: list[tuple[int, int]], plain_at_ok: frozenset[str]
) -> list[tuple[int, int, str]]:
    """``_email_edits`` as it was written before: the name before the separator read first."""
    edits: list[tuple[int, int, str]] = []
    n = len(text)
    for a, b in separators:
        sep = text[a:b]
        while a and text[a - 1] in " \t":
            a -= 1
        head, floor = a, max(0, a - 64)
        while head > floor and (text[head - 1].isalnum() or text[head - 1] in "._+-"):
            head -= 1
        if head == a:
            continue
        dm = obf._DOMAIN.match(text, b, min(n, b + 256))
        if dm is None:
            continue
        dots = list(obf._DOT_IN_DOMAIN.finditer(text, dm.start(1), dm.end(1)))
        domain_end = dm.end(1)
        for k, d in enumerate(dots):  # a sentence's end: a dot and a space before a word that is no TLD
            label_end = dots[k + 1].start() if k + 1 < len(dots) else dm.end(1)
            if d.group()[0] == "." and d.group()[1:].isspace() and text[d.end() : label_end].lower() not in obf._TLDS:
                dots, domain_end = dots[:k], d.start()
                break
        if not dots:
            continue
        tld = text[dots[-1].end() : domain_end]
        if not tld.isalpha() or len(tld) < 2:
            continue
        obfuscated_dot = any(d.group() != "." for d in dots)
        spelled_dot = any(d.group().strip() != "." or d.group()[0].isspace() for d in dots)
        word = text[head:a]
        mailbox = any(c in word for c in "._+-") or any(c.isdecimal() for c in word) or word.lower() in plain_at_ok
        if (
            obfuscated_dot
            and not spelled_dot
            and not tld.islower()
            and (sep == "@" or not mailbox or tld.lower() not in obf._TLDS)
        ):
            continue  # a sentence's end before a capitalised word, as email_edits reads it
        if sep in (" at ", " AT "):
            word = text[head:a]
            mailbox = any(c in word for c in "._+-") or any(c.isdecimal() for c in word) or word.lower() in plain_at_ok
            if tld.lower() not in obf._TLDS or not (obfuscated_dot or mailbox):
                continue
        elif sep == "@" and not obfuscated_dot:
            continue
        edits.append((a, dm.start(1), "@"))
        edits.extend((d.start(), d.end(), ".") for d in dots if d.group() != ".")
    return edits


_PIECES = [
    "anna", "Anna", "john.doe", "x", "1", "81", "2", "web", "example", "gmail", "de", "com", "org", "io", "xyz",
    " at ", " AT ", " At ", " @ ", "@", " (Klammeraffe) ", " (klammeraffe) ", " dot ", " DOT ", " punkt ",
    "[at]", "(at)", "{at}", "<at>", "[ at ]", "( at )", "[AT]", "(AT)", "[@]", "(@)",
    "[dot]", "(dot)", "{dot}", "<dot>", "[DOT]", "(DOT)", "[.]", "(.)", "(punkt)",
    "[", "(", "]", ")", ".", " . ", " ", "  ", "\t", "\n", "-", "_", "+", "ä", "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8s9t0",
]  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_email_edits_match_one_find_per_literal(text: str) -> None:
    for names in (frozenset(), frozenset({"anna"})):
        assert obf.email_edits(text, names) == _reference(text, names)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_spaced_literals_that_share_a_space_are_each_found(text: str) -> None:
    at_hits, dot = obf._spaced(text)
    assert sorted(at_hits) == sorted(obf._occurrences(text, obf._AT_SPACED))
    assert dot == any(lit in text for lit in obf._DOT_SPACED)


def test_defanged_hosts_and_obfuscated_addresses_are_written_plainly() -> None:
    text = "host 81[.]2[.]69[.]142 and evil[dot]example, mail anna at web dot de or x@y at at gmail dot com"
    assert normalize(text)[0] == "host 81.2.69.142 and evil.example, mail anna@web.de or x@y at@gmail.com"
