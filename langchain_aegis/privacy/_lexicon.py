"""The name lexicon: first names and surnames of the people who live in DE, AT, CH, the UK and the US.

Built by ``data/build_names.py`` from maintained data packages (Faker's person providers of every
Latin-script locale, the US Census's most frequent surnames), screened against word lists and place
names, and shipped compressed as a data file of five sections: first names, surnames, the first
names that are ordinary words too ("Will", "Grace"), which count only beside another name or a cue,
and the rare first names and surnames of the 2010 and 2020 US census tables, names of every origin
("Dariush", "Farahani", "Okonkwo"). Only the people scanner reads the rare ones
(:func:`wide_first_names`, :func:`wide_surnames`), beside a health term, a special category or an
address; the rules that take any lexicon name in a paragraph for a person (a company's contact
block, a mailbox's letters) read the common ones, which a region or a brand rarely spells.
Eponyms (Alzheimer, Crohn) are left out, so a disease is never a person. Loaded once, on first use
(about 80 ms).
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib.resources import files

from langchain_aegis.privacy._name_words import EPONYMS

__all__ = [
    "ends_in_surname",
    "first_names",
    "is_first_name",
    "lexicon_names",
    "ordinary_first_names",
    "surnames",
    "wide_first_names",
    "wide_names",
    "wide_surnames",
]


@cache
def _lexicon() -> tuple[frozenset[str], ...]:
    raw = files("langchain_aegis.privacy").joinpath("data/names.txt.gz").read_bytes()
    sections: dict[str, set[str]] = {
        "first": set(),
        "last": set(),
        "ordinary": set(),
        "rare first": set(),
        "rare last": set(),
    }
    target = sections["first"]
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        if line.startswith("# "):
            target = sections[line[2:]]
        elif line:
            target.add(line)
    first, last = sections["first"] - EPONYMS, sections["last"] - EPONYMS
    rare_first, rare_last = sections["rare first"] - EPONYMS, sections["rare last"] - EPONYMS
    ordinary = sections["ordinary"]
    return frozenset(first), frozenset(last), frozenset(ordinary), frozenset(rare_first), frozenset(rare_last)


def first_names() -> frozenset[str]:
    """The first names of the lexicon."""
    return _lexicon()[0]


def surnames() -> frozenset[str]:
    """The surnames of the lexicon."""
    return _lexicon()[1]


def is_first_name(word: str, first: frozenset[str] | None = None) -> bool:
    """Whether ``word`` is a lexicon first name, or a hyphenated one whose parts all are ("Hans-Peter").

    ``first``: the first names to read (:func:`wide_first_names` with the rare ones); the common ones by default.
    """
    if first is None:
        first = first_names()
    return word in first or ("-" in word and all(part in first for part in word.split("-")))


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


@cache
def wide_first_names() -> frozenset[str]:
    """The first names of the lexicon with its rare ones (built once)."""
    return first_names() | _lexicon()[3]


@cache
def wide_surnames() -> frozenset[str]:
    """The surnames of the lexicon with its rare ones (built once)."""
    return surnames() | _lexicon()[4]


@cache
def wide_names() -> frozenset[str]:
    """Every first name and surname of the lexicon, rare ones too, in one set (built once)."""
    return wide_first_names() | wide_surnames()
