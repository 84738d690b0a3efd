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
3. runs the real pattern only at the occurrences of the words that can, where
   they stand whole: an occurrence inside a longer word lies in that word's
   window. A long text is cut into chunks of a few KB, each with its own words
   (:func:`lowered`), and a word is looked for only in the chunks that hold it
   (:func:`whole_word_starts`), not with ``str.find`` through all of the text.

The result is exactly what ``pattern.finditer`` over the whole text returns:
every match starts inside (or at the space just before) a word of step 2, the
windows are searched in order from the end of the previous match, and each
window reaches far enough past its word for the longest keyword and its
look-ahead. ``tests/unit_tests/privacy/test_prefilter.py`` checks this against
the whole-text scan.

What several scanners read of one text is computed once per :func:`detect
<langchain_aegis.privacy.detector.detect>` call and released at its end: the
lower-cased text with its distinct words and chunks (:func:`lowered`) and its digit
runs (:func:`number_runs`), in :mod:`._per_text`, re-exported here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Generic, TypeVar

from langchain_aegis.privacy._per_text import (
    FOLD_ODDITIES,
    folded_words,
    lowered,
    mark_table,
    marked,
    number_runs,
    release,
    vocabulary,
    whole_word_starts,
)

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
    "whole_word_starts",
]

V = TypeVar("V")

_CACHE_LIMIT = 200_000  # distinct words remembered per pattern; cleared when full (a bounded memory)


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
    """Every whole-word occurrence in ``low`` of a word ``memo`` gives an offset for, moved by that offset, in order.

    For a memo that tells where in a word something starts (a salutation, a closing
    word). Where the thing stands in the text, the word that holds it is a word of
    ``words`` the memo gives that offset for, standing whole: so every place is among
    these (:func:`whole_word_starts` may add some inside longer words).
    """
    starts: set[int] = set()
    for word, offset in memo.hits(words, folds).items():
        starts.update(i + offset for i in whole_word_starts(low, words, word))
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
        # A match starts in (or at the space before) a word the memo names, where that word
        # stands whole: its occurrences inside longer words are the longer words' windows.
        starts: list[tuple[int, int]] = []
        for word in self._memo.hits(words):
            size = len(word)
            starts += [(i, size) for i in whole_word_starts(low, words, word)]
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
            lower-cased form of every word the real pattern matches in. Or a
            test of a lower-cased word, for what a pattern does not say well.
    """

    __slots__ = ("_memo",)

    def __init__(self, hint: re.Pattern[str] | Callable[[str], bool]) -> None:
        test = hint.search if isinstance(hint, re.Pattern) else hint
        self._memo: WordMemo[bool] = WordMemo(lambda word: True if test(word) else None)

    def spans(self, low: str, words: set[str], folds: Mapping[str, str] | None = None) -> list[tuple[int, int]]:
        """The ``[start, end)`` of every whole-word occurrence of a hinted word, in order.

        ``folds``: words to test in another form (:func:`folded_words`), found where they stand as written.
        """
        found: list[tuple[int, int]] = []
        n = len(low)
        for word in self._memo.hits(words, folds):
            size = len(word)
            for i in whole_word_starts(low, words, word):
                end = i + size
                if (i == 0 or low[i - 1].isspace()) and (end == n or low[end].isspace()):
                    found.append((i, end))
        found.sort()
        return found
