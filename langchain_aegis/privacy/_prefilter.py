# ruff: noqa: RUF001, RUF002
# (the text this module handles is Unicode on purpose)
"""Keyword lists found through the text's vocabulary instead of a scan of every character.

A keyword pattern (a trie, see :func:`._patterns.keyword_pattern`) whose
keywords start with common letters is tried by ``re`` at almost every position
of the text: the costliest whole-text pass of the detector. Yet a text of
100 KB has only a few thousand distinct words, and a keyword can only start
inside a word that contains it. So :class:`KeywordScan`:

1. splits the lower-cased text at whitespace (one C call) and keeps each
   distinct word once;
2. asks, once per distinct word and then from memory (:class:`WordMemo`:
   set operations in C, not a loop in Python), whether the pattern can match
   starting inside it (the pattern itself, on the word between spaces) or run
   on past its end (the word ends with the part before the space of a keyword
   like "blood pressure");
3. runs the real pattern only at the occurrences of the words that can.

The result is exactly what ``pattern.finditer`` over the whole text returns:
every match starts inside (or at the space just before) a word of step 2, the
windows are searched in order from the end of the previous match, and each
window reaches far enough past its word for the longest keyword and its
look-ahead. ``tests/unit_tests/privacy/test_prefilter.py`` checks this against
the whole-text scan.

What several scanners read of one text is computed once per :func:`detect
<langchain_aegis.privacy.detector.detect>` call and released at its end: the
lower-cased text with its distinct words (:func:`lowered`) and its digit runs
(:func:`number_runs`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Generic, TypeVar

__all__ = [
    "FOLD_ODDITIES",
    "KeywordScan",
    "WordMemo",
    "WordScan",
    "folded_words",
    "lowered",
    "mark_table",
    "marked",
    "number_runs",
    "offset_starts",
    "release",
    "vocabulary",
]

V = TypeVar("V")

_CACHE_LIMIT = 200_000  # distinct words remembered per pattern; cleared when full (a bounded memory)


def vocabulary(low: str) -> set[str]:
    """The distinct whitespace-separated words of ``low``."""
    return set(low.split())


# The last text lowered, its lower-cased copy and its words: the number and people scanners
# both need them for the same text, within one ``detect`` call, which calls :func:`release`
# when done (so no text is kept, and the next call on an equal text pays in full). One entry,
# replaced whole (a tuple), so concurrent callers at worst compute their own.
_EMPTY: tuple[str, str, set[str]] = ("", "", set())
_last = _EMPTY


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
    words = vocabulary(low)
    _last = (text, low, words)
    return low, words


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
    included), so positions in the copy are positions in the text.
    """
    return text.encode("ascii", "replace").translate(table)


_RUN_MARKS = mark_table("0123456789", " .-/")
_MARKED_RUN = re.compile(rb"10?+10?+10?+1(?:0?+1)*+")
""":data:`~._patterns.NUMBER_RUN` on the marked copy: the same spans."""


def release(text: str) -> None:
    """Forget what :func:`lowered`, :func:`number_runs` and :func:`folded_words` kept for ``text``."""
    global _last, _last_runs, _last_folded
    if _last[0] is text:
        _last = _EMPTY
    if _last_runs[0] is text:
        _last_runs = _NO_RUNS
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


class WordMemo(Generic[V]):
    """What ``classify`` says of each distinct word, remembered; a vocabulary's hits found by set operations.

    Every word scanner asks of each distinct word of a text whether its pattern can
    match there, and nearly every answer is no. Asked in a Python loop over the
    vocabulary, with a cache, that cost each of the eight scanners about 35 ns per
    distinct word on every call; here the answers are kept as a set of the words
    seen and a dict of the hits, so two set operations in C find a text's new
    words and its hits, and only new words are classified in Python.

    Safe across threads: the memory only grows, a word's hit is stored before the
    word counts as seen, and when full it is replaced (never cleared in place), so
    a caller holding the old pair still reads a consistent one.

    Args:
        classify: what to remember of a word (``None``: nothing, the word is no hit).
    """

    __slots__ = ("_classify", "_memory")

    def __init__(self, classify: Callable[[str], V | None]) -> None:
        self._classify = classify
        self._memory: tuple[set[str], dict[str, V]] = (set(), {})

    def hits(self, words: Collection[str], folds: Mapping[str, str] | None = None) -> dict[str, V]:
        """The words of ``words`` (a :func:`vocabulary`) that ``classify`` says something of, with what it says.

        ``folds``: words to classify in another form (:func:`folded_words`), remembered as written.
        """
        if not isinstance(words, set | frozenset):
            words = set(words)
        seen, found = self._memory
        new = words - seen
        if new:
            if len(seen) + len(new) > _CACHE_LIMIT:  # a bounded memory: start afresh with this vocabulary
                seen, found = self._memory = (set(), {})
                new = set(words)
            classify = self._classify
            for word in new:
                value = classify(folds.get(word, word) if folds else word)
                if value is not None:
                    found[word] = value
            seen |= new
        return {word: found[word] for word in found.keys() & words}


def offset_starts(memo: WordMemo[int], low: str, words: Collection[str], folds: Mapping[str, str]) -> list[int]:
    """Every occurrence in ``low`` of a word ``memo`` gives an offset for, moved by that offset, in order.

    For a memo that tells where in a word something starts (a salutation, a closing word).
    """
    starts: set[int] = set()
    find = low.find
    for word, offset in memo.hits(words, folds).items():
        i = find(word)
        while i != -1:
            starts.add(i + offset)
            i = find(word, i + 1)
    return sorted(starts)


class KeywordScan:
    """``pattern.finditer(low)``'s spans, found from the distinct words of ``low``.

    Args:
        pattern: a keyword pattern for lower-cased text; every keyword starts
            with a non-space character or with a single space.
        keywords: the keywords it was built from, as written (used for the
            longest reach and for the keywords with an inner space).
    """

    __slots__ = ("_memo", "_pattern", "_reach", "_runs_on")

    def __init__(self, pattern: re.Pattern[str], keywords: Iterable[str]) -> None:
        keywords = tuple(keywords)
        self._pattern = pattern
        # A match starting in a word spans at most the longest keyword; one more character
        # for its look-ahead, one for a keyword that starts at the space before the word.
        self._reach = max(len(k) for k in keywords) + 2
        heads = sorted({k.strip().split()[0] for k in keywords if " " in k.strip()})
        self._runs_on = re.compile("(?:" + "|".join(map(re.escape, heads)) + r")\Z") if heads else None
        self._memo: WordMemo[bool] = WordMemo(self._can_match)

    def _can_match(self, word: str) -> bool | None:
        # The word between spaces: whitespace surrounds it in the text too, and no
        # keyword boundary counts a space as part of a word.
        if self._pattern.search(f" {word} ") is not None:
            return True
        return True if self._runs_on is not None and self._runs_on.search(word) is not None else None

    def spans(self, low: str, words: set[str]) -> list[tuple[int, int]]:
        """The spans of ``pattern.finditer(low)``; ``words`` is :func:`vocabulary` of ``low``."""
        starts: list[tuple[int, int]] = []
        find = low.find
        for word in self._memo.hits(words):
            size = len(word)
            i = find(word)
            while i != -1:
                starts.append((i, size))
                i = find(word, i + 1)
        if not starts:
            return []
        starts.sort()
        search = self._pattern.search
        reach, n = self._reach, len(low)
        found: list[tuple[int, int]] = []
        last_end = 0
        for i, size in starts:
            # From the space before the word (" ave"), up to the end of the word.
            first = i - 1 if i else 0
            stop = i + size
            pos = first if first > last_end else last_end
            while pos < stop:
                m = search(low, pos, min(n, stop + reach))
                if m is None or m.start() >= stop:
                    break
                found.append(m.span())
                pos = last_end = m.end()
        return found


class WordScan:
    """Where the distinct words of ``low`` that ``hint`` finds something in stand, as whole words.

    For a pattern that never matches across whitespace (an ICD-10 code), the
    matches in the text lie inside such words; searching those words alone
    finds the same matches as a scan of every character. A word counts where
    it stands whole (whitespace or the text's edge either side), not inside a
    longer word, which has its own entry in the vocabulary.

    Args:
        hint: a pattern for lower-cased words; it must find something in the
            lower-cased form of every word the real pattern matches in.
    """

    __slots__ = ("_memo",)

    def __init__(self, hint: re.Pattern[str]) -> None:
        search = hint.search
        self._memo: WordMemo[bool] = WordMemo(lambda word: True if search(word) is not None else None)

    def spans(self, low: str, words: set[str], folds: Mapping[str, str] | None = None) -> list[tuple[int, int]]:
        """The ``[start, end)`` of every whole-word occurrence of a hinted word, in order.

        ``folds``: words to test in another form (:func:`folded_words`), found where they stand as written.
        """
        found: list[tuple[int, int]] = []
        n = len(low)
        for word in self._memo.hits(words, folds):
            size = len(word)
            i = low.find(word)
            while i != -1:
                end = i + size
                if (i == 0 or low[i - 1].isspace()) and (end == n or low[end].isspace()):
                    found.append((i, end))
                i = low.find(word, i + 1)
        found.sort()
        return found
