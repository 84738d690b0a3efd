# ruff: noqa: RUF001, RUF002
# (the text this module handles is Unicode on purpose)
"""What several scanners read of one text, computed once per ``detect`` call.

The lower-cased text with its distinct words and its chunks (:func:`lowered`),
its digit runs (:func:`number_runs`), its one-byte copy (:func:`marked`) and its
words with letters that fold (:func:`folded_words`) are kept for the last text
and released at the end of the call (:func:`release`). Re-exported by
:mod:`._prefilter`, whose word scanners read them.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

__all__ = [
    "FOLD_ODDITIES",
    "folded_words",
    "lowered",
    "mark_table",
    "marked",
    "number_runs",
    "release",
    "vocabulary",
    "whole_word_starts",
]


def vocabulary(low: str) -> set[str]:
    """The distinct whitespace-separated words of ``low``."""
    return set(low.split())


# The last text lowered, its lower-cased copy, its words and its chunks (below): the number and
# people scanners both need them for the same text, within one ``detect`` call, which calls
# :func:`release` when done (so no text is kept, and the next call on an equal text pays in
# full). One entry, replaced whole (a tuple), so concurrent callers at worst compute their own.
_Chunk = tuple[int, int, set[str]]
_WHOLE: list[_Chunk] = []  # a short text is not cut
_EMPTY: tuple[str, str, set[str], list[_Chunk]] = ("", "", set(), _WHOLE)
_last = _EMPTY
_CHUNK = 4096  # characters per chunk, about (a chunk ends at the next space)


def lowered(text: str) -> tuple[str, set[str]]:
    """``text`` lower-cased with every character at its index, and its :func:`vocabulary`."""
    global _last
    last = _last
    if last[0] is text:
        return last[1], last[2]
    low = text.lower()
    if len(low) != len(text):
        # A few capitals lower to two characters ("İ"); keep those so positions hold.
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    if len(low) < 2 * _CHUNK:
        words, chunks = vocabulary(low), _WHOLE
    else:
        chunks = _chunks(low)
        words = set().union(*[vocab for _, _, vocab in chunks])
    _last = (text, low, words, chunks)
    return low, words


def _chunks(low: str) -> list[_Chunk]:
    """``low`` cut at spaces into pieces of about :data:`_CHUNK` characters, each with its words.

    A word found in the vocabulary is then looked for with ``str.find`` only in the pieces
    that hold it, not through all of the text (each find over 100 KB costs about 60 µs,
    and a text may have dozens of words to find). No word spans a cut: each is at a space.
    """
    chunks: list[_Chunk] = []
    n = len(low)
    start = 0
    while start < n:
        end = low.find(" ", start + _CHUNK)
        if end == -1:
            end = n
        chunks.append((start, end, set(low[start:end].split())))
        start = end
    return chunks


def _pieces(low: str, words: Collection[str]) -> list[_Chunk] | None:
    """The chunks of ``low`` (with ``words`` its vocabulary) as :func:`lowered` cut them; None: not cut."""
    last = _last
    if last[1] is low and last[2] is words and last[3]:
        return last[3]
    return None


def whole_word_starts(low: str, words: Collection[str], word: str) -> Iterator[int]:
    """Every start in ``low`` of ``word``, a word of ``words``: all where it stands whole, and perhaps more.

    Where :func:`lowered` cut ``low`` into chunks, only the chunks whose words include
    ``word`` are searched; so an occurrence inside a longer word may be missed, one
    standing whole (whitespace or the text's edge either side) never is.
    """
    find = low.find
    chunks = _pieces(low, words)
    if chunks is None:
        i = find(word)
        while i != -1:
            yield i
            i = find(word, i + 1)
        return
    for start, end, vocab in chunks:
        if word in vocab:
            i = find(word, start, end)
            while i != -1:
                yield i
                i = find(word, i + 1, end)


# The last text's digit runs (:data:`~._patterns.NUMBER_RUN`), kept the same way: the number
# scanner walks them, and the address scanner takes its postcode candidates from them instead
# of a pass of its own over every digit of the text.
_NO_RUNS: tuple[str, list[tuple[int, int]]] = ("", [])
_last_runs = _NO_RUNS


def number_runs(text: str) -> list[tuple[int, int]]:
    """The spans of ``NUMBER_RUN.finditer(text)``: runs of four or more digits, single separators between."""
    global _last_runs
    last = _last_runs
    if last[0] is text:
        return last[1]
    # NUMBER_RUN starts with a class; on the marked copy it starts with a literal (half the time per 100 KB).
    runs = [m.span() for m in _MARKED_RUN.finditer(marked(text, _RUN_MARKS))]
    _last_runs = (text, runs)
    return runs


def mark_table(ones: str, zeros: str) -> bytes:
    """A :meth:`bytes.translate` table for :func:`marked`: "1" for ``ones``, "0" for ``zeros``, "x" for all else.

    Both are ASCII characters; every non-ASCII character is "?" in the copy, so "x".
    """
    return bytes(0x31 if chr(i) in ones else 0x30 if chr(i) in zeros else 0x78 for i in range(256))


def marked(text: str, table: bytes) -> bytes:
    """``text`` one byte per character, each mapped by ``table`` (:func:`mark_table`).

    A whole-text pattern that starts with a class (digits) is tried by ``re`` at
    every character; on this copy the same pattern, with "1" for the class and "0"
    for its separators, starts with a literal, which ``re`` finds with a fast search.
    Every character encodes to one byte ("?" for any non-ASCII one, lone surrogates
    included), so positions in the copy are positions in the text. The encoding is
    kept for the text until :func:`release`: the digit runs and the spread scanner
    each mark the same text with their own table.
    """
    global _last_ascii
    last = _last_ascii
    if last[0] is text:
        return last[1].translate(table)
    data = text.encode("ascii", "replace")
    _last_ascii = (text, data)
    return data.translate(table)


_NO_ASCII: tuple[str, bytes] = ("", b"")
_last_ascii = _NO_ASCII


_RUN_MARKS = mark_table("0123456789", " .-/")
_MARKED_RUN = re.compile(rb"10?+10?+10?+1(?:0?+1)*+")
""":data:`~._patterns.NUMBER_RUN` on the marked copy: the same spans."""


def release(text: str) -> None:
    """Forget what :func:`lowered`, :func:`number_runs`, :func:`marked` and :func:`folded_words` kept for ``text``."""
    global _last, _last_runs, _last_folded, _last_ascii
    if _last[0] is text:
        _last = _EMPTY
    if _last_runs[0] is text:
        _last_runs = _NO_RUNS
    if _last_ascii[0] is text:
        _last_ascii = _NO_ASCII
    _last_folded = _NO_FOLDS


FOLD_ODDITIES = ("İ", "ı", "ſ")
"""Letters that ``re.IGNORECASE`` matches to an ASCII letter ("i", "s") while ``str.lower`` keeps them."""
_FOLD = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})
_NO_FOLDS: tuple[object, dict[str, str]] = (None, {})
_last_folded = _NO_FOLDS


def folded_words(low: str, words: Collection[str]) -> dict[str, str]:
    """The words of ``words`` that hold one of :data:`FOLD_ODDITIES`, each with them folded ("yıldız": "yildiz").

    A scanner that tests the distinct words of ``low`` for what a case-insensitive pattern
    matches tests such a word in its folded form, so a text with a Turkish dotless i or a
    long s is read word by word like any other (one character for one, positions kept),
    instead of by a scan of every character. Kept for ``words`` until :func:`release`.
    """
    global _last_folded
    last = _last_folded
    if last[0] is words:
        return last[1]
    folds: dict[str, str] = {}
    if any(c in low for c in FOLD_ODDITIES):
        folds = {w: w.translate(_FOLD) for w in words if not w.isascii() and any(c in w for c in FOLD_ODDITIES)}
    _last_folded = (words, folds)
    return folds
