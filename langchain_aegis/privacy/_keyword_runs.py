"""Which digit runs have a keyword in their look-back: the number scanner's first question per run.

A date of birth, a record number or a document number next to its label counts only
with its keyword in the :data:`LOOKBACK` characters before the run. Asked per run, the
question costs a trie search of the look-back; :func:`keyword_runs` answers it for all
runs of a text at once, by whichever of two exact ways costs less on that text.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from langchain_aegis.privacy import _patterns as p
from langchain_aegis.privacy._prefilter import KeywordScan

__all__ = ["LOOKBACK", "keyword_runs"]

LOOKBACK = 48  # how far before a number its keyword may stand ("Geburtsdatum des Patienten: ...")
# A look-back test costs about as much as the keyword gate's str.find over this many characters
# of text (about 1 µs, and 0.9 ns per character and candidate word, on a text with a "€"): the
# gate pays where the runs times this exceed the candidate words times the text's length.
_FIND_CHARS_PER_TEST = 1000


class _KeywordGate(KeywordScan):
    """A :class:`KeywordScan` that also tells how many distinct words its :meth:`spans` would look for."""

    __slots__ = ()

    def word_count(self, words: set[str]) -> int:
        """How many of ``words`` (a :func:`~._prefilter.vocabulary`) may hold a keyword: one str.find each."""
        return len(self._memo.hits(words))


_ANY_LITERAL = _KeywordGate(p.ANY_KEYWORD_LITERAL, p.ANY_KEYWORD_TEXT)


def keyword_runs(low_text: str, words: set[str], runs: list[tuple[int, int]]) -> list[bool]:
    """For each digit run ``(s, e)``, whether ``ANY_KEYWORD`` matches in its look-back ``low_text[s - 48 : s]``.

    Args:
        low_text: the lower-cased text (see :func:`~._prefilter.lowered`).
        words: its distinct words.
        runs: its digit runs, in order.
    """
    search, match = p.ANY_KEYWORD.search, p.ANY_KEYWORD.match
    # The test (a trie tried at each of a look-back's 48 characters) costs about a microsecond.
    # The gate finds where a keyword may stand once for the whole text, with a str.find over the
    # text per distinct word that may hold one; only the runs whose look-back overlaps such a
    # place are tested. Every match of ANY_KEYWORD in a look-back is a literal that either starts
    # a match of the boundary-free pattern or lies inside one, so that match overlaps the
    # look-back: the gate never skips a run the test would pass. It pays where those words are
    # few (three in 100 KB of technical text, none in most short prompts) or the runs dense.
    candidate_words = _ANY_LITERAL.word_count(words)
    if not candidate_words:
        return [False] * len(runs)
    if len(runs) * _FIND_CHARS_PER_TEST > candidate_words * len(low_text):
        flags = [False] * len(runs)
        starts = [s for s, _ in runs]
        for a, b in _ANY_LITERAL.spans(low_text, words):
            # The runs whose look-back [s - 48, s) overlaps [a, b): a < s < b + 48.
            for k in range(bisect_right(starts, a), bisect_left(starts, b + LOOKBACK)):
                if not flags[k]:
                    s = starts[k]
                    flags[k] = search(low_text[s - LOOKBACK if s > LOOKBACK else 0 : s]) is not None
        return flags
    # Where the look-back overlaps the previous one and that had no keyword, a keyword can
    # only start at the look-back's first character (which has no character before it here,
    # so a word boundary may hold here that did not there) or from the previous run on: a
    # keyword has no digits, so one starting earlier ends before that run and lay in the
    # previous look-back, with the same characters around it (the run's digit after it, if
    # anything, fails a word boundary here that held at the previous look-back's end).
    clear_to = -1  # the end of the previous look-back, when it had no keyword
    flags = []
    for s, _ in runs:
        lo = s - LOOKBACK if s > LOOKBACK else 0
        if lo < clear_to:
            low = low_text[lo:s]
            hit = match(low) is not None or search(low, clear_to - lo) is not None
        else:
            hit = search(low_text[lo:s]) is not None
        flags.append(hit)
        clear_to = -1 if hit else s
    return flags
