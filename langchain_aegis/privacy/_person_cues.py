# ruff: noqa: RUF001
# (the text this module handles is Unicode on purpose)
"""Names that people introduce in ways the cue words of :mod:`._names` do not cover.

* a self-introduction: "My name is John Smith", "I'm John Smith,", "Ich bin Anna
  Schmidt", "Mein Name ist ...", "Ich heiße ...";
* a sign-off written short or on one line: "LG\\nAnna", "VG Anna", "Regards, John
  Smith", "Best, Anna", "Grüße aus Köln\\nAnna Schmidt";
* a name field of JSON or a Python dict (``"name": "Anna Schmidt"``, ``"lastName"``)
  and the first-name and surname columns of a CSV table (``vorname;nachname``);
* a name written right before a birth date ("Betr.: Asger Baastrup, geb. 5.7.54").

Each of these phrases also stands before words that are no names ("I'm Feeling
Lucky", ``"name": "requests"``, "Best regards, The Acme Team"), so the name must
be one the lexicon knows, except where the context is as strong as a birth date
or a CSV column headed "Nachname". Every pass is gated by a literal found in the
lower-cased text first: most texts hold none of them and pay a few ``in`` tests.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date

from langchain_aegis.privacy._field_labels import name_fields
from langchain_aegis.privacy._name_words import NOT_BEFORE_SURNAME, NOT_NAMES
from langchain_aegis.privacy._names import (
    CUES,
    NAME,
    PARTICLES,
    Person,
    first_names,
    is_first_name,
    is_known,
    surnames,
    whole_name,
)
from langchain_aegis.privacy._not_names import is_excluded

__all__ = ["more_persons"]

_NAME_AT = re.compile(rf"[ \t]*({NAME})")
_LINE_END = re.compile(r"[ \t]*(?:\r?\n|\Z)")

# Self-introductions, lower-cased, with whether a surname alone is enough ("her maiden name is Smith"),
# and the words of each, which the text's words must hold.
_INTROS = {
    "name is ": True, "name ist ": True, "ich heiße ": True, "ich heisse ": True, "call me ": False,
    "i'm ": False, "i’m ": False, "i am ": False, "ich bin ": False,
}  # fmt: skip
_INTRO_WORDS = {phrase: phrase.split() for phrase in _INTROS}
# Short sign-offs on a line of their own ("LG", "VG", "MfG"), before a name on the same or the next line.
_SHORT_SIGN_OFFS = frozenset({"lg", "vg", "bg", "sg", "lgr", "vlg", "mfg", "glg"})
# A closing word, a comma and the name on the same line ("Regards, John Smith", "Best, Anna").
_SAME_LINE = ("regards,", "best,", "thanks,", "cheers,", "grüße,", "gruß,", "grüßen,", "danke,", "wishes,",
              "sincerely,", "yours,", "herzlichst,")  # fmt: skip
# A closing line that goes on after its closing word ("Grüße aus Köln", "Best wishes from Berlin").
_GREETING_LINE = ("grüße", "gruß", "grüßen", "regards", "wishes")
_LONGEST_GREETING_LINE = 60
# One word of each phrase above that is rarer than the others ("am" of "i am", not "i"), as written.
_INTRO_ANCHORS = {"name is ": "name", "name ist ": "name", "ich heiße ": "heiße", "ich heisse ": "heisse",
                  "call me ": "call", "i'm ": "i'm", "i’m ": "i’m", "i am ": "am", "ich bin ": "bin"}  # fmt: skip
_INTROS_BY_ANCHOR: dict[str, list[str]] = {}
for _phrase, _anchor in _INTRO_ANCHORS.items():
    _INTROS_BY_ANCHOR.setdefault(_anchor, []).append(_phrase)
_ANCHORS = frozenset(
    word + end for word in (*_INTROS_BY_ANCHOR, *_SHORT_SIGN_OFFS, *_GREETING_LINE) for end in ("", ",", ".", "!")
) | frozenset(_SAME_LINE)


def more_persons(text: str, low: str | None = None, vocab: Collection[str] | None = None) -> list[Person]:
    """The persons these phrases introduce in ``text`` (``low``: it lower-cased; ``vocab``: its words)."""
    if low is None or len(low) != len(text):
        low = text.lower()
    if vocab is None:
        vocab = set(low.split())
    # Each pass runs only where the text's distinct words hold its phrase's words (set look-ups), or
    # where a literal is in the text: a str.find of a word absent from 100 KB costs as much as the rest.
    persons: list[Person] = []
    # A str.find over 100 KB costs about 60 µs, more than all else here on text without names.
    names = _occurrences(low, "name")
    hits = _ALL_ANCHORS.intersection(vocab)  # most texts hold none of these words: one set operation in C
    if hits and not _ANCHORS.isdisjoint(hits):
        anchors = {word.rstrip(",.!") for word in hits}
        phrases = [
            phrase
            for anchor in anchors
            for phrase in _INTROS_BY_ANCHOR.get(anchor, ())
            if anchor != "name" and all(_said(vocab, w) for w in _INTRO_WORDS[phrase])
        ]
        if phrases:
            persons += _introductions(text, low, phrases)
        short = [w for w in _SHORT_SIGN_OFFS if w in anchors]
        same_line = [w for w in _SAME_LINE if w in hits]
        greeting_lines = [w for w in _GREETING_LINE if w in anchors] if "\n" in text else []
        if short or same_line or greeting_lines:
            persons += _sign_offs(text, low, short, same_line, greeting_lines)
    if names:
        persons += _after_name(text, low, names)
        persons += _name_fields(text, low, names)
        persons += _name_columns(text, low, names)
        persons += name_fields(text, low, names)
    for keys, pattern in _BIRTH if hits else ():
        if not keys.isdisjoint(hits):
            persons += _before_birth_dates(text, low, pattern)
    return persons


def _occurrences(low: str, word: str) -> list[int]:
    found = []
    i = low.find(word)
    while i >= 0:
        found.append(i)
        i = low.find(word, i + len(word))
    return found


def _after_name(text: str, low: str, names: list[int]) -> list[Person]:
    """ "My name is John Smith", "Mein Name ist ...": the self-introductions found at each "name"."""
    persons = []
    for i in names:
        phrase = "name is " if low.startswith("name is ", i) else "name ist " if low.startswith("name ist ", i) else ""
        if phrase and _word_start(low, i):
            person = _name_at(text, i + len(phrase), surname_ok=True)
            if person is not None:
                persons.append(person)
    return persons


def _said(vocab: Collection[str], word: str) -> bool:
    """Whether ``word`` is one of the text's words, alone or with a comma or stop after it."""
    return word in vocab or word + "," in vocab or word + "." in vocab or word + "!" in vocab


def _word_start(low: str, i: int) -> bool:
    return not i or not (low[i - 1].isalnum() or low[i - 1] in "_'’")


def _name_at(text: str, pos: int, *, surname_ok: bool, label: bool = False) -> Person | None:
    """The name starting at ``pos`` (after blanks) if the lexicon knows its first word."""
    m = _NAME_AT.match(text, pos, min(len(text), pos + 80))
    if m is None:
        return None
    name = whole_name(text, *m.span(1), label=label)
    if name is None:
        return None
    a, b, words, surname_first = name
    if words[0] in NOT_NAMES or not (surname_first or is_first_name(words[0]) or (surname_ok and is_known(words[0]))):
        return None
    if len(words) > 1 and words[1] in NOT_NAMES:
        b = text.index(words[0], a) + len(words[0])
    return None if is_excluded(text, a, b) else (a, b)


def _introductions(text: str, low: str, phrases: list[str]) -> list[Person]:
    persons = []
    for phrase in phrases:
        surname_ok = _INTROS[phrase]
        i = low.find(phrase)
        while i >= 0:
            if _word_start(low, i):
                person = _name_at(text, i + len(phrase), surname_ok=surname_ok)
                if person is not None:
                    persons.append(person)
            i = low.find(phrase, i + 1)
    return persons


def _sign_offs(text: str, low: str, short: list[str], same_line: list[str], greeting_lines: list[str]) -> list[Person]:
    persons = []
    for word in short:
        i = low.find(word)
        while i >= 0:
            line_start = low.rfind("\n", 0, i) + 1
            end = i + len(word)
            # The abbreviation alone at the start of its line ("LG\nAnna", "VG Anna"), never inside a word.
            if not low[line_start:i].strip() and (end == len(low) or not low[end].isalnum()):
                j = end + 1 if low.startswith((",", "!", "."), end) else end
                person = _name_at(text, j + (1 if low.startswith("\n", j) else 0), surname_ok=False)
                if person is not None and _LINE_END.match(text, person[1]):
                    persons.append(person)
            i = low.find(word, i + 1)
    for word in same_line:
        i = low.find(word)
        while i >= 0:
            if _word_start(low, i):
                person = _name_at(text, i + len(word), surname_ok=False)
                if person is not None and _LINE_END.match(text, person[1]):
                    persons.append(person)
            i = low.find(word, i + 1)
    if greeting_lines:
        for word in greeting_lines:
            i = low.find(word)
            while i >= 0:
                eol = low.find("\n", i)
                if eol < 0:
                    break
                line_start = low.rfind("\n", 0, i) + 1
                if eol - line_start <= _LONGEST_GREETING_LINE and _word_start(low, i):
                    person = _name_at(text, eol + 1, surname_ok=False)
                    if person is not None and _LINE_END.match(text, person[1]):
                        persons.append(person)
                i = low.find(word, eol)
    return persons


# A name field's key, lower-cased without "_" and "-", and what its value must be to be a person's:
# "first" a first name the lexicon knows, "any" a first name or a surname, "full" a first name first.
_NAME_KEYS = {
    "name": "full", "fullname": "any", "displayname": "full", "firstname": "first", "givenname": "first",
    "vorname": "first", "lastname": "any", "surname": "any", "familyname": "any", "nachname": "any",
    "patientname": "any", "customername": "any", "contactname": "any", "kundenname": "any",
}  # fmt: skip
# A package manifest credits its authors by name ("contributors": [{"name": ...}]): public attribution
# of the software, as a book's title page is, not a person's data handed to a model.
_LIST_REACH = 20_000  # a long contributor list; a bound keeps a large JSON of names linear
_CREDIT_LISTS = ('"authors"', '"contributors"', '"maintainers"', '"developers"', '"credits"')
_CREDIT_OBJECT = re.compile(r""""author"[ \t]*:[ \t]*\{[^{}]*\Z""")


def _in_credits(low: str, q: int) -> bool:
    """Whether the field at ``q`` stands inside an author object or a contributor list of a manifest."""
    k = low.rfind('"author"', max(0, q - 200), q)
    if k >= 0 and _CREDIT_OBJECT.match(low, k, q):
        return True
    for key in _CREDIT_LISTS:
        k = low.rfind(key, max(0, q - _LIST_REACH), q)
        if k >= 0 and low.count("[", k, q) > low.count("]", k, q):
            return True
    return False


_FIELD_VALUE = re.compile(r"""name["'][ \t]*:[ \t]*["']([^"'\n\\]{2,80})["']""")


def _name_fields(text: str, low: str, names: list[int]) -> list[Person]:
    """Names in JSON or dict name fields (``"name": "Anna Schmidt"``), not packages or jobs."""
    persons = []
    for i in names:
        m = _FIELD_VALUE.match(low, i) if low.startswith(('name"', "name'"), i) else None
        if m is None:
            continue
        q = max(low.rfind('"', 0, m.start()), low.rfind("'", 0, m.start()))
        key = low[q + 1 : m.start() + 4].replace("_", "").replace("-", "")
        rule = _NAME_KEYS.get(key)
        if q < 0 or rule is None or _in_credits(low, q):
            continue
        a, b = m.span(1)
        person = _name_at(text, a, surname_ok=rule != "first" and rule != "full")
        if person is not None and person[1] == b and (rule != "full" or " " in text[a:b]):
            persons.append(person)
    return persons


_FIRST_COLUMNS = frozenset({"vorname", "firstname", "first_name", "first name", "given name", "givenname"})
_LAST_COLUMNS = frozenset({"nachname", "lastname", "last_name", "last name", "surname", "familienname", "family name"})
_COLUMN_ENDS = tuple(sorted(h for h in _FIRST_COLUMNS | _LAST_COLUMNS if h.endswith("name")))
_MAX_ROWS = 10_000
_CELL_NAME = re.compile(rf"{NAME}")


def _name_columns(text: str, low: str, names: list[int]) -> list[Person]:
    """The cells under a CSV header's first-name and surname columns (``vorname;nachname;...``)."""
    persons: list[Person] = []
    last_line = -1
    for i in names:  # every column header ends with "name"
        if low.endswith(_COLUMN_ENDS, max(0, i - 7), i + 4) and (line_start := low.rfind("\n", 0, i) + 1) != last_line:
            last_line = line_start
            line_end = low.find("\n", i)
            if line_end < 0:
                break
            line = low[line_start:line_end].rstrip("\r")
            sep = max((";", ",", "\t", "|"), key=line.count)
            cells = [c.strip(" \"'") for c in line.split(sep)]
            columns = {k for k, c in enumerate(cells) if c in _FIRST_COLUMNS or c in _LAST_COLUMNS}
            if len(cells) >= 2 and columns:
                persons += _column_cells(text, line_end + 1, sep, len(cells), columns)
    return persons


def _column_cells(text: str, pos: int, sep: str, width: int, columns: set[int]) -> list[Person]:
    persons: list[Person] = []
    for _ in range(_MAX_ROWS):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        row = text[pos:end].rstrip("\r")
        if row.count(sep) != width - 1:
            break  # the table ended
        start = pos
        for k, cell in enumerate(row.split(sep)):
            if k in columns:
                lead = len(cell) - len(cell.lstrip(" \"'"))
                value = cell.strip(" \"'")
                if value and _CELL_NAME.fullmatch(value):
                    persons.append((start + lead, start + lead + len(value)))
            start += len(cell) + 1
        if end >= len(text):
            break
        pos = end + 1
    return persons


# A birth date after the keyword: "geb. 5.7.54", "* 13.09.1955", "born 12 March 1980", "DOB: 1980-03-12".
# One pattern per keyword, each starting with its literal, which re finds by a fast search.
_BIRTH_DATE = (
    r"(?:[ ]?am|[ ]on|:)?[ ]?"
    r"(?:[0-3]?[0-9][./][01]?[0-9][./][0-9]{2}(?:[0-9]{2})?(?![0-9])|[0-3]?[0-9]\.?[ ][a-zäöü]{3,9}\.?[ ][0-9]{4}"
    r"|[a-z]{3,9}[ ][0-3]?[0-9],?[ ][0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4})"
)
# Each with the words of the text that hold its keyword (a set look-up, not a search of the text).
_BIRTH = tuple(
    (frozenset(k + end for k in keys for end in ("", ":", ",")), re.compile(head + _BIRTH_DATE))
    for keys, head in (
        (("geb.", "(geb.", "geb", "geboren", "(geboren"), r"geb(?:\.|oren)"),
        (("born", "(born"), "born"),
        (("dob", "(dob"), "dob"),
        (("*", "(*"), r"\*"),
    )
)
_ALL_ANCHORS = _ANCHORS.union(*(keys for keys, _ in _BIRTH))
_NAME_BEFORE = re.compile(rf"((?:{NAME})(?:[ ]{NAME})?)(?:,[ ]?|[ ]\(|[ ])\Z")
_CLAUSE_START = frozenset("\n:;,(-")
_YEAR = re.compile(r"[0-9]{4}")
_LIVING_FROM = date.today().year - 120


_CAPITAL = re.compile(r"[A-ZÀ-ÖØ-Þ]")


def _name_before(text: str, lo: int, hi: int) -> re.Match[str] | None:
    """``_NAME_BEFORE.search(text, lo, hi)``, tried only where a match can start: at a capital letter.

    A pattern ending in ``\\Z`` is tried by re at every position of the window, each to its end;
    a name starts with a capital, and trying those few in order finds the leftmost match as well.
    """
    for c in _CAPITAL.finditer(text, lo, hi):
        m = _NAME_BEFORE.match(text, c.start(), hi)
        if m is not None:
            return m
    return None


def _before_birth_dates(text: str, low: str, pattern: re.Pattern[str]) -> list[Person]:
    """A name written right before a birth date ("Asger Baastrup, geb. 5.7.54"): names outside the lexicon too."""
    persons = []
    for m in pattern.finditer(low):
        k = m.start()
        if (k and low[k - 1].isalnum()) or any(1000 <= int(y) < _LIVING_FROM for y in _YEAR.findall(m.group())):
            continue  # "Johann Sebastian Bach, geb. 31.03.1685": no living person
        before = _name_before(text, max(0, k - 70), k)
        if before is None:
            continue
        a, b = before.span(1)
        words = [w for w in text[a:b].split() if w not in PARTICLES]
        while words and (words[0] in NOT_BEFORE_SURNAME or words[0] in NOT_NAMES):
            a = text.index(words.pop(0), a) + 0
            a = text.index(words[0], a) if words else b
        if not words or any(w in NOT_NAMES or w.isupper() for w in words):
            continue
        if len(words) == 1 and words[0] not in surnames() and words[0] not in first_names():
            continue  # one unknown word before "geb." may be anything; two are a first name and a surname
        head = text[max(0, a - 24) : a].rstrip(" \t")
        previous = head.split()[-1].rstrip(".:") if head.split() else ""
        if head and head[-1] not in _CLAUSE_START and not CUES.fullmatch(previous):
            continue  # "die Neue Zeitung, geb." is no name; "Pat. Irina Popovic, geb." and "Betr.: ..." are
        if not is_excluded(text, a, b):
            persons.append((a, b))
    return persons
