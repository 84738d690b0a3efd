# ruff: noqa: RUF002, RUF003
# (the text this module handles is Unicode on purpose; nested ifs keep the cheap test first)
"""Normalize text the way a human reads it, before detection, with an offset map back.

A person reads ``DE89 3704`` the same whether the space is a no-break space,
``０３０`` like ``030``, and ``anna [at] example [dot] org`` as an address. The
detector's patterns see characters, so this module rewrites the text first:

* NFKC (fullwidth digits and ``＠``, ligatures, compatibility spaces);
* every Unicode space separator folds to a space, every dash and minus sign
  to ``-``, line and paragraph separators to ``\\n``;
* zero-width characters, soft hyphens and other invisible format characters
  are dropped;
* HTML entities (``&nbsp;``, ``&#64;``) and percent-encoding (``%20``) are
  decoded;
* e-mail obfuscations (``name [at] domain [dot] org``, ``(at)``, ``name at
  domain.org``) become ``name@domain.org`` (:mod:`._obfuscation`);
* a single line break between two digits becomes a space, so a number broken
  over two lines is one number again;
* (IBANs written in lower case are found by the IBAN scanner itself, which
  upper-cases only its candidates.)

Each rewriting step records its edits, and :class:`OffsetMap` maps a span in
the normalized text back to the characters of the original text it came
from, so redaction masks exactly what the user wrote. Plain ASCII text with
nothing to fold costs one regex search and gets no map at all.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from urllib.parse import unquote

from langchain_aegis.privacy._obfuscation import email_edits

__all__ = ["OffsetMap", "normalize"]

Edit = tuple[int, int, str]
"""Replace ``text[start:end]`` with the string (which may be empty)."""


class OffsetMap:
    """Maps positions of a rewritten text back to the text it was rewritten from.

    Built from one step's edits; maps compose by applying them newest first
    (see :func:`normalize`).
    """

    __slots__ = ("_new_ends", "_new_starts", "_old_ends", "_old_starts")

    def __init__(self, edits: list[Edit]) -> None:
        self._new_starts: list[int] = []
        self._new_ends: list[int] = []
        self._old_starts: list[int] = []
        self._old_ends: list[int] = []
        shift = 0
        for start, end, replacement in edits:
            new_start = start + shift
            self._new_starts.append(new_start)
            self._new_ends.append(new_start + len(replacement))
            self._old_starts.append(start)
            self._old_ends.append(end)
            shift += len(replacement) - (end - start)

    def start(self, pos: int) -> int:
        """The original position of the character at ``pos`` (a span's start)."""
        i = bisect_right(self._new_starts, pos) - 1
        if i < 0:
            return pos
        if pos < self._new_ends[i]:
            return self._old_starts[i]  # inside a replacement: the whole original run
        return pos - self._new_ends[i] + self._old_ends[i]

    def starts(self, positions: list[int]) -> list[int]:
        """:meth:`start` of each position."""
        new_starts, new_ends, old_starts, old_ends = self._new_starts, self._new_ends, self._old_starts, self._old_ends
        out = []
        for pos in positions:
            i = bisect_right(new_starts, pos) - 1
            out.append(pos if i < 0 else old_starts[i] if pos < new_ends[i] else pos - new_ends[i] + old_ends[i])
        return out

    def ends(self, positions: list[int]) -> list[int]:
        """:meth:`end` of each position."""
        new_starts, new_ends, old_ends = self._new_starts, self._new_ends, self._old_ends
        out = []
        for pos in positions:
            i = bisect_left(new_starts, pos) - 1
            out.append(pos if i < 0 else old_ends[i] if pos <= new_ends[i] else pos - new_ends[i] + old_ends[i])
        return out

    def end(self, pos: int) -> int:
        """The original position one past the character before ``pos`` (a span's end)."""
        i = bisect_left(self._new_starts, pos) - 1
        if i < 0:
            return pos
        if pos <= self._new_ends[i]:
            return self._old_ends[i]
        return pos - self._new_ends[i] + self._old_ends[i]


def apply_edits(text: str, edits: list[Edit]) -> str:
    """``text`` with non-overlapping, sorted ``edits`` applied."""
    parts: list[str] = []
    pos = 0
    for start, end, replacement in edits:
        parts.append(text[pos:start])
        parts.append(replacement)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


# --- step 1: Unicode -------------------------------------------------------------------

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d\u02d7\u2796"
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u206a\u206b"
    "\u206c\u206d\u206e\u206f\u3164\ufe00\ufe01\ufe02\ufe03\ufe0e\ufe0f\ufeff\uffa0"
)
_FOLD = str.maketrans(
    {
        **dict.fromkeys(_DASHES, "-"),
        **dict.fromkeys(_SPACES, " "),
        **dict.fromkeys(_INVISIBLE, ""),
        **dict.fromkeys("\u2217\u204e\u2731\u2732\u2733", "*"),  # asterisks a word processor sets: "✱ 09.11.1979"
        "\u3002": ".",  # ideographic full stops: "anna@gmail。com"
        "\uff61": ".",
        "\u2028": "\n",
        "\u2029": "\n",
        "\u0085": "\n",
    }
)
# Characters that NFKC leaves alone and the fold table does not touch: ASCII and the Latin-1
# and Latin Extended-A letters (without the few with compatibility forms: Ĳ ĳ Ŀ ŀ ŉ ſ).
# Anything else is "suspicious" and sends the text down the slow path; one class test per
# character is the cheapest whole-text scan re offers.
_STABLE = "\x00-\x7f\u00c0-\u0131\u0134-\u013e\u0141-\u0148\u014a-\u017e"
_SUSPICIOUS = re.compile(f"[^{_STABLE}]")
_SUSPICIOUS_RUN = re.compile(f"[^{_STABLE}]+")


_ASCII_BYTES = bytes(range(128))
_FEW = 32  # distinct suspicious characters up to which each is found with str.find


def _suspicious_runs(text: str) -> list[tuple[int, int]]:
    """The spans of ``_SUSPICIOUS_RUN.finditer(text)``, found without a regex test per character.

    A class test per character is the one cost of this module that grows with all of the
    text; but the non-ASCII characters of a text are few and of few kinds. Encoding to
    UTF-8 and dropping the ASCII bytes (both in C) leaves only them; the kinds that are
    suspicious are then found with ``str.find``, and consecutive ones joined into runs.
    """
    others = set(text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass"))
    kinds = [c for c in others if _SUSPICIOUS.match(c)]
    if not kinds:
        return []  # most German and English text: umlauts are NFKC already and fold to nothing
    if len(kinds) > _FEW:
        return [run.span() for run in _SUSPICIOUS_RUN.finditer(text)]  # e.g. CJK text: scan it all
    positions: list[int] = []
    for c in kinds:
        i = text.find(c)
        while i != -1:
            positions.append(i)
            i = text.find(c, i + 1)
    positions.sort()
    runs: list[tuple[int, int]] = []
    start = end = positions[0]
    for i in positions[1:]:
        if i != end + 1:
            runs.append((start, end + 1))
            start = i
        end = i
    runs.append((start, end + 1))
    return runs


# Cyrillic and Greek letters that look like Latin ones ("DЕ89" with a Cyrillic Е). They are read as
# Latin only inside a word that also has ASCII letters or digits: Russian or Greek text stays as it is.
_LOOKALIKES = str.maketrans(
    "АВЕКМНОРСТУХаеорсухіјѕԁԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧοναικ",
    "ABEKMHOPCTYXaeopcyxijsdqwABEZHIKMNOPTYXovaik",
)


def _ascii_digits(text: str) -> str:
    """Decimal digits of any script as ASCII digits ("٠٣٠" is "030"); NFKC keeps them."""
    if text.isascii() or not any(c.isdecimal() for c in text):
        return text
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c for c in text)


def _mixed_script(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return (before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum())


def _unicode_edits(text: str) -> list[Edit]:
    """Edits for NFKC, the fold table and look-alike letters, on the non-ASCII runs of ``text`` only."""
    edits: list[Edit] = []
    for start, end in _suspicious_runs(text):
        run = text[start:end]
        latin = run.translate(_LOOKALIKES)
        if latin != run and _mixed_script(text, start, end):
            edits.extend(
                (start + k, start + k + 1, c) for k, (c, o) in enumerate(zip(latin, run, strict=True)) if c != o
            )
            continue
        # A combining mark composes with the (ASCII) letter before it: "u" + U+0308 is "ü".
        if start and unicodedata.combining(text[start]):
            start -= 1
        i = start
        while i < end:
            j = i + 1
            while j < end and unicodedata.combining(text[j]):
                j += 1
            cluster = text[i:j]
            folded = _ascii_digits(unicodedata.normalize("NFKC", cluster).translate(_FOLD))
            if folded != cluster:
                # NFKC may produce more fold targets (U+2011 -> U+2010); one more pass settles it.
                edits.append((i, j, unicodedata.normalize("NFKC", folded).translate(_FOLD)))
            i = j
    return edits


# --- step 2: markup encodings ------------------------------------------------------------

_ENTITY = re.compile(r"&(?:#[0-9]{1,7};?|#[xX][0-9A-Fa-f]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};)")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}(?:%[0-9A-Fa-f]{2})*")  # a literal first: re skips ahead in C


_JSON_ESCAPE = re.compile(r"\\u[0-9A-Fa-f]{4}")  # "anna.schmidt\u0040gmail.com" in JSON text
# A line break or tab written as an escape in JSON, a log or a code string ("IBAN:\nDE89...",
# "Mail:\tanna@web.de") separates words as the character does; read as the letter, it glues onto
# the value after it. An escaped backslash before it ("C:\\new") is a path, not an escape.
_WHITESPACE_ESCAPE = re.compile(r"(?<!\\)\\[ntr]")
_ESCAPED = {"\\n": "\n", "\\t": "\t", "\\r": "\r"}


def _markup_edits(text: str) -> list[Edit]:
    edits: list[Edit] = []
    if "\\u" in text:
        for m in _JSON_ESCAPE.finditer(text):
            code = int(m.group()[2:], 16)
            if not 0xD800 <= code <= 0xDFFF:  # a lone surrogate is no character to read
                edits.append((m.start(), m.end(), _clean(chr(code))))
    if "\\" in text:
        edits += [(m.start(), m.end(), _ESCAPED[m.group()]) for m in _WHITESPACE_ESCAPE.finditer(text)]
    if "&" in text:
        for m in _ENTITY.finditer(text):
            decoded = html.unescape(m.group())
            if decoded != m.group():
                edits.append((m.start(), m.end(), _clean(decoded)))
    if "%" in text:
        for m in _PERCENT.finditer(text):
            decoded = unquote(m.group(), errors="replace")
            if "\ufffd" not in decoded:  # not UTF-8: leave it alone rather than guess
                edits.append((m.start(), m.end(), _clean(decoded)))
    if len(edits) > 1:
        edits = _disjoint(edits)
    return edits


def _clean(decoded: str) -> str:
    """A decoded entity or escape, itself normalized (``&nbsp;`` is a space, ``%E2%80%8B`` nothing)."""
    return unicodedata.normalize("NFKC", decoded).translate(_FOLD)


def _disjoint(edits: Iterable[Edit]) -> list[Edit]:
    kept: list[Edit] = []
    for edit in sorted(edits):
        if not kept or edit[0] >= kept[-1][1]:
            kept.append(edit)
    return kept


# --- step 3: what humans write around numbers and addresses --------------------------------

# Patterns that run over the whole text start with a literal or a class (re then skips
# ahead in C); the context before the match is checked with a look-behind after it.
# Three digits either side: a house number over a postcode ("Am Markt 38\n10115 Berlin") stays apart,
# and so does a three-digit one ("Auf der Heide 112\n80331 München"): a postcode and a city follow.
_NUMBER_BREAK = re.compile(
    r"\n(?:(?<=[0-9]{3}\n)|(?<=[0-9]{3}[ \t\r]\n))[ \t]*(?=[0-9]{3})(?![0-9]{4,5}[ ]+[A-ZÄÖÜ][a-zäöüß])"
)


def _text_edits(text: str, plain_at_ok: frozenset[str]) -> list[Edit]:
    edits = email_edits(text, plain_at_ok)
    if "\n" in text:
        for m in _NUMBER_BREAK.finditer(text):
            a = m.start()
            while text[a - 1] in " \t\r":
                a -= 1
            if _table_row(text, a):
                continue  # a CSV or table row ends in a number; the next row is not its continuation
            edits.append((a, m.end(), " "))
    return _disjoint(edits) if edits else edits


def _table_row(text: str, end: int) -> bool:
    """Whether the line ending at ``end`` is a row of a table (CSV, TSV, Markdown) or ends in a date."""
    line = text[text.rfind("\n", 0, end) + 1 : end]
    return any(c in line for c in ",;|\t") or _ISO_DATE_END.search(line) is not None


_ISO_DATE_END = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z|[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{2,4}\Z|[0-9]:[0-9]{2}\Z")


def normalize(text: str, first_names: frozenset[str] = frozenset()) -> tuple[str, list[OffsetMap]]:
    """Normalize ``text`` for detection.

    Args:
        text: the original text.
        first_names: lower-case first names; ``anna at web.de`` counts as an
            address when the word before ``at`` is one of them.

    Returns:
        The normalized text and the offset maps of the steps that changed
        something, newest last; an empty list when the text is unchanged.
        Map a span back with :func:`to_original`.
    """
    maps: list[OffsetMap] = []
    if not text.isascii():
        edits = _unicode_edits(text)
        if edits:
            text = apply_edits(text, edits)
            maps.append(OffsetMap(edits))
    if "&" in text or "%" in text or "\\" in text:
        edits = _markup_edits(text)
        if edits:
            text = apply_edits(text, edits)
            maps.append(OffsetMap(edits))
    edits = _text_edits(text, first_names)
    if edits:
        text = apply_edits(text, edits)
        maps.append(OffsetMap(edits))
    return text, maps


def to_original(maps: list[OffsetMap], start: int, end: int) -> tuple[int, int]:
    """Map a ``[start, end)`` span of the normalized text back to the original text."""
    for offset_map in reversed(maps):
        start, end = offset_map.start(start), offset_map.end(end)
    return start, end


def spans_to_original(maps: list[OffsetMap], starts: list[int], ends: list[int]) -> tuple[list[int], list[int]]:
    """:func:`to_original` of every span ``(starts[k], ends[k])``, a list at a time (text dense with
    personal data has thousands of findings: one call per map and list, not two per finding)."""
    for offset_map in reversed(maps):
        starts, ends = offset_map.starts(starts), offset_map.ends(ends)
    return starts, ends
