"""The name lexicon: first names and surnames of the people who live in DE, AT, CH, the UK and the US.

Built by ``data/build_names.py`` from maintained data packages (Faker's person providers of every
Latin-script locale, the US Census's most frequent surnames), screened against word lists and place
names, and shipped compressed as a data file of three sections: first names, surnames, and the first
names that are ordinary words too ("Will", "Grace"), which count only beside another name or a cue.
Eponyms (Alzheimer, Crohn) are left out, so a disease is never a person. Loaded once, on first use
(about 40 ms).
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib.resources import files

from langchain_aegis.privacy._name_words import EPONYMS

__all__ = ["ends_in_surname", "first_names", "is_first_name", "lexicon_names", "ordinary_first_names", "surnames"]


@cache
def _lexicon() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    raw = files("langchain_aegis.privacy").joinpath("data/names.txt.gz").read_bytes()
    sections: dict[str, set[str]] = {"first": set(), "last": set(), "ordinary": set()}
    target = sections["first"]
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        if line.startswith("# "):
            target = sections[line[2:]]
        elif line:
            target.add(line)
    first, last = sections["first"] - EPONYMS, sections["last"] - EPONYMS
    return frozenset(first), frozenset(last), frozenset(sections["ordinary"])


def first_names() -> frozenset[str]:
    """The first names of the lexicon."""
    return _lexicon()[0]


def surnames() -> frozenset[str]:
    """The surnames of the lexicon."""
    return _lexicon()[1]


def is_first_name(word: str) -> bool:
    """Whether ``word`` is a lexicon first name, or a hyphenated one whose parts all are ("Hans-Peter")."""
    first = first_names()
    return word in first or all(part in first for part in word.split("-"))


def ordinary_first_names() -> frozenset[str]:
    """The first names that are ordinary English or German words too ("Will", "Hope", "May", "August")."""
    return _lexicon()[2]


@cache
def lexicon_names() -> frozenset[str]:
    """First names and surnames in one set (built once: the union copies thousands of names)."""
    return first_names() | surnames()


def ends_in_surname(word: str) -> bool:
    """Whether lower-case ``word`` is a lexicon surname after at least one more letter ("jpadilla", "peterbecker")."""
    lasts = surnames()
    return any(word[i:].capitalize() in lasts for i in range(1, len(word) - 3))
