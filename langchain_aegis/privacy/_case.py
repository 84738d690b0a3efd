"""Give text written without case the capitals the name layer reads.

The person-name layer (:mod:`._names`) finds names by their capitals: a cue
and a capitalised word ("Frau Müller"), a first name and a capitalised word
("Anna Schmidt"). Text typed all in lower case ("frau müller, diagnose f32.1")
or all in capitals ("FRAU MÜLLER") carries no such signal, yet every reader
still sees the person. For such text only, :func:`recase` writes back the
capitals a careful writer would have used, on the words that can be names:

* a word whose capitalised form is in the name lexicon, or is a salutation
  cue, is capitalised ("müller" -> "Müller", "frau" -> "Frau");
* every other word is lower case, so an ordinary word never becomes a name
  (a cue followed by "site" stays "dr site");
* an ICD-10 code gets its capital letter back ("f32.1" -> "F32.1").

Mixed-case text is left alone: its capitals are the writer's own signal.
Every change maps one character to one character, so positions found in the
re-cased copy point into the original text unchanged. Hand-written because
no library restores case for a lexicon; it is a few lines.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

from langchain_aegis.privacy._lexicon import lexicon_names, surnames
from langchain_aegis.privacy._names import PARTICLES
from langchain_aegis.privacy._prefilter import WordMemo, folded_words, offset_starts

__all__ = ["recase", "recase_around", "recase_cues", "uncased"]

_WORD = re.compile(r"[^\W\d_]+")
_CAPITAL = re.compile(r"[A-ZÀ-ÖØ-Þ]")
# An ICD-10 code's letter stands before the digits these find; a pattern starting with the
# letter (or a look-behind) would be tried at every letter of the text.
_ICD_DIGITS = re.compile(r"[0-9]{2}\.[0-9]")
_ICD_LETTERS = frozenset("abcdefghijklmnopqrstvwxyz")  # no "u": U codes are not assigned
_ICD_BEFORE = frozenset("0123456789abcdefghijklmnopqrstuvwxyz")
_STATE_ZIP = re.compile(r", ([a-z]{2})(?= [0-9]{5}(?![0-9]))")  # "denver, co 80202": the state, group 1
# Words a careful writer leaves in lower case: articles, prepositions, pronouns, auxiliaries, units.
# Everything else is capitalised, as German nouns and English names are, so the name layer's
# rules see what they see in cased text; the lexicon and the cues still decide what a name is.
_LOWER_WORDS = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being has have had do
    does did not no yes this that these those it its he she they we you i me my your his her our their them him us
    will would can could should may might must shall per via vs etc into onto than then there here when where
    who what which while after before about over under between during since until also only just all any each
    der die das den dem des ein eine einer eines einem einen und oder aber wenn im am auf aus bei mit nach von vor
    zu zum zur für über unter um ist sind war waren sein hat haben hatte wird werden wurde nicht kein keine ja nein
    er sie es wir ihr ich mich mein meine seine ihre ihren dass als wie auch noch schon sehr seit bis wegen
    ms s sec min h kb mb gb mg ml kg mmol dl""".split()  # noqa: SIM905 - a word list reads better as text
)
# Company suffixes in the spelling the company layer reads ("becker logistik ag" is a company).
_SUFFIXES = {"gmbh": "GmbH", "ag": "AG", "kg": "KG", "ohg": "OHG", "ug": "UG", "se": "SE", "inc": "Inc",
             "ltd": "Ltd", "llc": "LLC", "plc": "PLC", "gbr": "GbR", "mbh": "mbH"}  # fmt: skip
_IDENT = frozenset("-_./@:\\=")
# Salutations that only ever introduce a person: capitalised like a name.
_SALUTATIONS = frozenset({"herr", "herrn", "frau", "mrs", "patientin"})
# Cues that are also ordinary words ("dr site", "the patient will"): capitalised only by
# :func:`recase_cues`, before a name the lexicon knows.
_CUES = frozenset(
    {"herr", "herrn", "frau", "dr", "prof", "mr", "mrs", "ms", "miss", "patient", "patientin", "pt", "name"}
)


def _names() -> frozenset[str]:
    return lexicon_names()  # a function, so a test can put its own lexicon in


def uncased(text: str) -> bool:
    """Whether ``text`` has letters, all of one case (so capitals say nothing about names)."""
    return text.islower() or text.isupper()


def _lower(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # A few capitals lower to two characters ("İ"); keep those as they are so positions hold.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def recase(text: str) -> str:
    """``text`` written as a careful writer would case it (same length, same positions)."""
    low = _lower(text)
    # A word's capitals depend on the word and on the characters next to it: an identifier's
    # "-", "_" or "." ("app-config"), a sentence's ". " or ": ". None of those is a space, so
    # what a stretch between two spaces becomes depends on that stretch alone (and on the space
    # after it, which ends a sentence after a "." or ":"). Each distinct stretch is re-cased once:
    # a log or a table repeats most of its stretches, and a dict hit costs far less than the
    # word loop (bench/README.md, "log" row).
    stretches = low.split(" ")
    last = stretches.pop()
    done: dict[str, str] = {}
    out: list[str] = []
    for stretch in stretches:
        fixed = done.get(stretch)
        if fixed is None:
            fixed = done[stretch] = _recase_words(stretch + " ")[:-1]
        out.append(fixed)
    out.append(_recase_words(last))
    cased = " ".join(out)
    if text.isupper():
        cased = _GLUED_TO_DIGITS.sub(_upper, cased)  # "READING RG1 5AQ": a code keeps its capitals, not "Rg1 5Aq"
    icd = _icd_letters(low)
    states = [m.span(1) for m in _STATE_ZIP.finditer(low)]
    firsts = [m.start() for m in _FIRST_NAME_WORDS.finditer(low) if _title(m.group(1)) in surnames()]
    if not icd and not states and not firsts:
        return recase_cues(cased)
    chars = list(cased)
    for i in icd + firsts:
        chars[i] = low[i].upper()
    for a, b in states:
        chars[a:b] = list(low[a:b].upper())
    # A cue is capitalised only before a name the lexicon knows ("dr smith", not "dr site").
    return recase_cues("".join(chars))


# Function words that are first names too ("symptoms can vary", "patients may experience"; "Can"
# is a Turkish first name): a first name only before a surname ("can yilmaz", "may smith").
_FIRST_NAME_WORDS = re.compile(r"(?<![^\W\d_])(?:can|may)[ ]([^\W\d_]+)")


# Letters glued to digits are a code's (a postcode, a reference, a model), never a name's. Not one letter after a
# number, a house number's ("Kirchgasse 79a", read in lower case), unless a postcode's inward part follows ("SW1A 1AA").
_GLUED_TO_DIGITS = re.compile(r"[0-9][^\W\d_]{2,}|[0-9][^\W\d_](?=[ ][0-9])|[^\W\d_]+(?=[0-9])")


def _upper(m: re.Match[str]) -> str:
    upper = m.group().upper()
    return upper if len(upper) == len(m.group()) else m.group()  # "ß" -> "SS" would move every position after it


def _icd_letters(low: str) -> list[int]:
    """Where the letter of an ICD-10 code ("f32.1") stands in ``low``: before its digits, ending no word."""
    found = []
    for m in _ICD_DIGITS.finditer(low):
        # A match consumes digits and a dot, never a letter, so no code whose letter follows one is skipped.
        i = m.start() - 1
        if i >= 0 and low[i] in _ICD_LETTERS and (i == 0 or low[i - 1] not in _ICD_BEFORE):
            found.append(i)
    return found


def _recase_words(low: str) -> str:
    """The words of lower-cased ``low`` with the capitals :func:`recase` gives them, read in ``low`` alone."""
    names = _names()
    parts: list[str] = []  # the text up to each changed word, then the word
    done = 0
    n = len(low)
    for m in _WORD.finditer(low):
        word, a, b = m.group(), m.start(), m.end()
        fixed = _SUFFIXES.get(word)
        if fixed is None:
            cap = word[0].upper()
            if len(cap) != 1:
                continue
            fixed = cap + word[1:]
            if (fixed in names and word not in _LOWER_WORDS) or word in _SALUTATIONS:
                pass  # "can" and "may" are first names too: see _FIRST_NAME_WORDS
            elif len(word) == 1 or word in _LOWER_WORDS or word in _CUES:
                continue
            elif (a and low[a - 1] in _IDENT) or (
                b < n and low[b] in _IDENT and low[b : b + 2] not in (". ", ".\n", ": ")
            ):
                continue  # part of an identifier ("app-config", "eu-central-1", "user_name"): not a name
        parts += (low[done:a], fixed)
        done = b
    if not parts:
        return low
    parts.append(low[done:])
    return "".join(parts)


# A salutation typed in lower case or capitals inside otherwise cased text ("Please process: frau müller").
# It runs over the whole text, so it starts with a plain class (re skips ahead in C to the few
# letters a salutation can start with) and only then checks the word boundary and the rest;
# ``\b`` first, or IGNORECASE on the whole pattern, would make re try every position.
_ANY_CASE_CUE = re.compile(
    r"[HhFfMmDdPp](?<!\w.)(?i:(?<=h)errn?|(?<=f)rau|(?<=m)rs?|(?<=m)s|(?<=d)r|(?<=p)rof)"
    r"\.?[ \t]+([^\W\d_]+)(?:[ \t]+([^\W\d_]+))?"
)


def _title(word: str) -> str:
    return word[:1].upper() + _lower(word[1:])


def recase_cues(text: str, low: str | None = None, vocab: Collection[str] | None = None) -> str:
    """``text`` with a salutation typed in one case, and the lexicon name after it, written as a name.

    "frau müller" and "FRAU MÜLLER" become "Frau Müller" when "Müller" is in the
    lexicon. Only salutations count here, not labels such as "patient" or
    "name": in cased text those are ordinary nouns ("the patient will ...").
    ``low`` and ``vocab``, ``text`` lower-cased and its distinct words, make it faster.
    """
    names = _names()
    edits: list[tuple[int, int, str]] = []
    for m in _search_all(text, low, vocab):
        first, second = m.group(1, 2)
        if first == _title(first) and (second is None or second == _title(second)):
            continue  # written as names already (most cased text): nothing to change, whatever the lexicon says
        # A particle keeps its lower case ("Herr Jan van der Berg", although "Van" is a first name).
        groups = [g for g in (1, 2) if m.group(g) and _title(m.group(g)) in names and m.group(g) not in PARTICLES]
        if groups[:1] == [1] and first.lower() in _LOWER_WORDS and groups[1:] != [2]:
            continue  # "MS may experience": a modal verb, unless a surname follows ("ms may smith")
        # "herr van simmonds": the cue and the surname after the particle are re-cased, the particle is not.
        after_particle = groups == [2] and m.group(1) in PARTICLES
        if after_particle or (groups and groups[0] == 1 and any(m.group(g) != _title(m.group(g)) for g in groups)):
            cue_end = m.start(1)
            spans = [(m.start(), cue_end), *((m.start(g), m.end(g)) for g in groups)]
            for a, b in spans:
                word = text[a:b]
                fixed = word[:1].upper() + _lower(word[1:])
                if len(fixed) == len(word):
                    edits.append((a, b, fixed))
    return _apply(text, edits) if edits else text


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    """``text`` with same-length ``edits`` applied, in order; copied once, by slices where they are disjoint."""
    parts: list[str] = []
    pos = 0
    for a, b, fixed in edits:
        if a < pos:
            # Overlapping edits (the name after one salutation is the next salutation, were the
            # lexicon to hold such a word): applied one after the other, a later one winning.
            chars = list(text)
            for a2, b2, fixed2 in edits:
                chars[a2:b2] = fixed2
            return "".join(chars)
        parts += (text[pos:a], fixed)
        pos = b
    parts.append(text[pos:])
    return "".join(parts)


# A salutation ends a whitespace-separated word ("frau", "(Dr."): a text none of whose distinct
# words ends with one (a set operation on its vocabulary, :class:`._prefilter.WordMemo`) has none.
_CUE_END = re.compile(r"(?:herrn?|frau|mrs?|ms|dr|prof)\.?\Z")


def _cue_offset(probe: str) -> int | None:
    """Where a salutation that ends the word ``probe`` starts, or None."""
    m = _CUE_END.search(probe)
    if m is None:
        return None
    offset = m.start()
    if offset > 0 and (probe[offset - 1].isalnum() or probe[offset - 1] == "_"):
        # "items", "systems", "adr.": a salutation must not continue a word (the look-behind
        # of _ANY_CASE_CUE), and no shorter salutation ends one.
        return None
    return offset


_CUE_WORDS_MEMO = WordMemo(_cue_offset)
# Where a salutation can start: where a word of the text that ends with one stands (a str.find
# over the whole text per such word), or, when there are more than a few such words, where one
# pass over an ASCII copy of the lower-cased text finds one. In that copy the five letters a
# salutation starts with are one byte, "#", so the pattern starts with a literal, which re finds
# by a fast search, instead of a class tried at each of those letters. Every non-ASCII character
# is "?" there (a long s, which IGNORECASE reads as "s", among them), and so is a "#" of the text.
# The pass costs about as much as five finds of short words (100 KB: 0.45 ms; a find 0.07-0.12 ms).
_FINDS_UP_TO = 4
_SALUTATION_HEADS = bytes.maketrans(b"dfhmp#", b"#####?")
_SALUTATION_HINT = re.compile(rb"#(?<![A-Za-z0-9_#].)(?:errn?|rau|r[s?]?|[s?]|ro#)\.?[ \t]")


def _search_all(text: str, low: str | None = None, vocab: Collection[str] | None = None) -> Iterator[re.Match[str]]:
    """Each match of _ANY_CASE_CUE, the next searched from the end of the name after the cue.

    ``low`` (``text`` lower-cased, each character at its index) and ``vocab`` (its distinct
    words) make it faster: a text none of whose words ends with a salutation has none, and in
    others one can start only where such a word stands (:data:`_SALUTATION_HINT` finds those places
    when there are many such words). IGNORECASE also reads the long s as an "s", which lower-casing
    does not: a word with one is tested folded (:func:`._prefilter.folded_words`).
    """
    if low is None or vocab is None or len(low) != len(text):
        m = _ANY_CASE_CUE.search(text)
        while m is not None:
            yield m
            m = _ANY_CASE_CUE.search(text, m.end(1))
        return
    folds = folded_words(low, vocab)  # IGNORECASE reads a long s as an "s" ("Mrs" written with one)
    hits = len(_CUE_WORDS_MEMO.hits(vocab, folds))
    if not hits:
        return
    if hits <= _FINDS_UP_TO:
        starts = offset_starts(_CUE_WORDS_MEMO, low, vocab, folds)
    else:
        marks = low.encode("ascii", "replace").translate(_SALUTATION_HEADS)
        starts = [hint.start() for hint in _SALUTATION_HINT.finditer(marks)]
    pos = 0
    for a in starts:
        if a >= pos:
            m = _ANY_CASE_CUE.match(text, a)
            if m is not None:
                yield m
                pos = m.end(1)


_PIECE = re.compile(r"[^\n.!?:;]+")


def _shouted(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """The pieces of ``text[lo:hi]`` written all in capitals that hold a name or a salutation.

    A line of acronyms ("COPD GOLD 2", "ICD-10 F32.1") is left alone: capitals
    are its normal spelling, and there is no name in it to find.
    """
    names = _names()
    out = []
    for m in _PIECE.finditer(text, lo, hi):
        piece = m.group()
        if piece.isupper() and sum(c.isalpha() for c in piece) >= 3:
            words = [w.lower() for w in _WORD.findall(piece)]
            if any(w in _SALUTATIONS or w in _CUES or _title(w) in names for w in words):
                out.append(m.span())
    return out


_CODE = re.compile(r"\w*[0-9]\w*")


def _recase_shouted(piece: str) -> str:
    """:func:`recase` for a piece in capitals, keeping codes with digits as written ("HBA1C", "J44", "54M")."""
    fixed = list(recase(piece))
    for m in _CODE.finditer(piece):
        fixed[m.start() : m.end()] = piece[m.start() : m.end()]
    return "".join(fixed)


def recase_around(
    text: str,
    spans: list[tuple[int, int]],
    reach: int,
    low: str | None = None,
    vocab: Collection[str] | None = None,
) -> str:
    """Cased ``text`` with salutations re-cased, and lower-case words re-cased within ``reach`` of ``spans``.

    Only a stretch written (almost) without capitals, near a health term,
    special category or street, gains the capitals :func:`recase` gives it
    ("Please process: müller hat diabetes"); where the writer uses capitals,
    they are the signal and stay as they are. Positions are unchanged. ``low`` and ``vocab``:
    see :func:`recase_cues`.
    """
    text = recase_cues(text, low, vocab)
    if not spans:
        return text
    n = len(text)
    windows: list[list[int]] = []
    for a, b in sorted(spans):
        lo, hi = max(0, a - reach), min(n, b + reach)
        while lo and text[lo - 1].isalnum():  # a window starts and ends on a word's edge
            lo -= 1
        while hi < n and text[hi].isalnum():
            hi += 1
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    # Rewritten windows only; the text is copied once, by slices, if any window changes.
    changed: list[tuple[int, str]] = []
    for lo, hi in windows:
        # Capitals against words (spaces, a cheap count): one capital per ten words is a sentence's first.
        if _CAPITAL.search(text, lo, hi) and len(_CAPITAL.findall(text, lo, hi)) > max(
            1, text.count(" ", lo, hi) // 10
        ):
            # The writer uses capitals here, and they are the signal; but a line or sentence written
            # all in capitals ("PATIENT: ANNA SCHMIDT, DEPRESSION") says nothing about names.
            changed += [(a, _recase_shouted(text[a:b])) for a, b in _shouted(text, lo, hi)]
            continue
        window = text[lo:hi]
        fixed = recase(window)
        if fixed != window:
            # Only capitals are added: a lower-case letter of the text that recase capitalised.
            merged = "".join(c if c.isupper() and w.islower() else w for c, w in zip(fixed, window, strict=True))
            if merged != window:
                changed.append((lo, merged))
    return _apply(text, [(lo, lo + len(merged), merged) for lo, merged in changed]) if changed else text
