# ruff: noqa: RUF001, SIM102
# (the text this module handles is Unicode on purpose; nested ifs keep the cheap test first)
"""Who a text is about: person names found from context cues and a name lexicon.

A capitalised word is not a name by itself (German capitalises every noun), so
a name counts only with context:

* a cue before it: a salutation or title (Herr, Frau, Dr., Mr., Ms.), a label
  (``Name:``, ``Patient:``, ``Mitarbeiter:``, ``Pt.``), a greeting (``Hallo
  Anna``, ``Dear John``), or a sign-off line before it (``Viele Grüße\\nAnna
  Schmidt``);
* or the lexicon: a first name followed by a capitalised surname ("Anna
  Schmidt"), or a known surname opening a clause with a verb ("Müller hat ..."),
  which count as a person next to health data, a special category or an
  address (see :mod:`._health`).

Not people: eponyms (Alzheimer, Crohn, Hashimoto), brands (Dr Pepper), the
titles of laws ("Patient Protection and Affordable Care Act") and companies
(``Müller GmbH``, ``Schmidt & Söhne``).

The lexicon (``data/names.txt.gz``) holds the first names and surnames of
Faker's German, Austrian, Swiss, US, British and Irish person providers; see
``data/build_names.py``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

from langchain_aegis.privacy._lexicon import first_names, is_first_name, surnames, wide_first_names, wide_surnames
from langchain_aegis.privacy._name_words import (
    CUE_WORDS,
    DETERMINERS,
    GREETINGS,
    KNOWN_ONLY,
    NEEDS_DOT,
    NOT_BEFORE_IN_PROSE,
    NOT_BEFORE_SURNAME,
    NOT_NAMES,
    NOUN_ENDINGS,
    ORG_UNITS,
    PERSON_ROLES,
    ROLE_NOUNS,
    SALUTES,
    SOFTWARE,
)
from langchain_aegis.privacy._not_names import (
    is_excluded,
    noun_shaped,
    thing_record,
)
from langchain_aegis.privacy._patterns import _insert, _Trie, _trie_regex
from langchain_aegis.privacy._prefilter import WordMemo, folded_words, offset_starts

__all__ = [
    "LEADING",
    "NAME",
    "NAME_WORD",
    "PARTICLE",
    "PARTICLES",
    "UPPER",
    "Person",
    "cue_persons",
    "first_names",
    "is_first_name",
    "is_known",
    "name_pair",
    "surnames",
    "unknown_name_pair",
    "whole_name",
]

Person = tuple[int, int]
"""A person's ``[start, end)`` span (cue included, so redaction removes "Frau Müller")."""

# Capitals of Latin-1 and of Latin Extended-A and -B ("Đorđević", "Łukasz", "Šimić", "Ștefan", "İlker").
UPPER = "A-ZÀ-ÖØ-Þ" + "".join(c for c in map(chr, range(0x100, 0x250)) if c.isupper())
# "O'Brien", "D'Angelo" are one name word: the apostrophe would cut them to a lone "O".
NAME_WORD = rf"(?:[OD]['’])?[{UPPER}][^\W\d_]+(?:-[{UPPER}][^\W\d_]+)?"
# Particles between a first name and a surname ("Burkhard zur Hausen", "Jan van der Berg"), or
# opening a surname ("Frau von der Leyen"): a name cut before them leaks the surname in redaction.
_LEADING_PARTICLES = ("von", "van", "vom", "zu", "zur", "zum", "de", "del", "della", "di", "da", "du", "dos", "ten",
                      "ter", "le", "la", "af", "av")  # fmt: skip
PARTICLES = frozenset((*_LEADING_PARTICLES, "der", "den", "dem", "das", "los", "las"))
PARTICLE = rf"(?:{'|'.join(sorted(PARTICLES, key=lambda w: (-len(w), w)))})"
LEADING = rf"(?:{'|'.join(_LEADING_PARTICLES)})(?:[ \t]+(?:der|den|dem|de|la|los|las|le))?"
# A third name word only after a particle: re-cased text reads "jan van der berg" as "Jan Van der Berg".
NAME = (
    rf"(?:{LEADING}[ \t]+)?{NAME_WORD}(?:[ \t]+(?:{PARTICLE}[ \t]+){{0,3}}{NAME_WORD})?"
    rf"(?:[ \t]+(?:{PARTICLE}[ \t]+){{1,3}}{NAME_WORD})?"
)
"""A name as the cue patterns read it: one or two name words, particles between or before them."""

_ROLE_END = re.compile(r"(?:\(in\)|/-?in)?\.?[ \t]*(?::|\t|\r?\n)")


def _cue_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    # One trie ("H(?:err(?:n)?|allo|...)") instead of an alternation of words: re then tests a
    # handful of characters per capital letter instead of every cue.
    trie: _Trie = {}
    for word in words:
        _insert(trie, list(word))
    return re.compile(_trie_regex(trie) + r"(?![\w])")


CUES = _cue_pattern(CUE_WORDS)
_AFTER_CUE = re.compile(  # the name may follow on the next line ("Frau\nMüller", an address block)
    # "Bewerber(in):", "Mitarbeiter/in:"; then the titles between cue and name ("PD Dr. med.", "Dipl.-Ing.").
    r"(?:\(in\)|/-?in)?\.?:?[ \t]*(?:\r?\n[ \t]*)?(?:(?:Dr\.|Prof\.|med\.|dent\.|Dipl\.-\w+\.?|DDr\.|Dr\.-Ing\.|Ing\."
    r"|Mag\.|MUDr\.|Doz\.|Herr|Frau|Mr\.?|Mrs\.?|Ms\.?)[ \t]+)*"
    rf"(?:[{UPPER}]\.[ \t]*)?({NAME})"
)
_NAME_LABELS = frozenset({"Name", "Nachname", "Vorname"})
_SURNAMES_AFTER_TITLE = ROLE_NOUNS | ORG_UNITS  # "Herr Leser", "Frau Bereich": words that are surnames too
_ABSTRACT_ENDINGS = ("ance", "ence", "ment", "tion", "sion", "ity", "ness", "ship", "ing")
_TITLE_BEFORE = re.compile(r"(?:Herrn?|Frau|Mr|Mrs|Ms|Miss|Mx)\.?[ \t]+\Z")
_LABEL_END = re.compile(r"[ \t]*(?::|\t|\r?\n|[ ]{2})")
_IDENTIFIER = re.compile(r"[a-z][A-Z]{2}")  # "PyJWT", "SciPDF"; "McDonald" and "DeLuca" stay names
_SIGN_OFF_WORDS = ("grüße", "grüßen", "gruß", "regards", "best", "cheers", "thanks", "danke", "sincerely", "yours",
                   "mfg", "herzlich", "thx", "lg", "vg")  # fmt: skip
_SIGN_OFFS = re.compile(
    # The closing word in any case ("Best regards", "Kind regards,", "viele grüße"); the name keeps its capitals.
    # The name on the next line, or on the closing word's own line when it ends it: a chat's or a short mail's
    # "... Leeds LS6 4DL. thx, Rubén", "lg Kunigunde".
    rf"(?i:{'|'.join(_SIGN_OFF_WORDS)})[,!.]?"
    rf"(?:[ \t]*\r?\n[ \t]*(?:(?:Dr\.|Prof\.)[ \t]+)?"
    rf"|[ \t]+(?={NAME_WORD}(?:[ \t]+{NAME_WORD})?[ \t]*[.!]?[ \t]*(?:\r?\n|\Z)))"
    rf"({NAME})"
)
# A case-insensitive pattern without a literal prefix is tried at every position of the text
# (the costliest pass of the detector). A closing word ends a whitespace-separated word of the
# lower-cased text ("regards,"), so it is looked for in the text's distinct words instead.
_SIGN_OFF_END = re.compile(rf"(?:{'|'.join(_SIGN_OFF_WORDS)})[,!.]?\Z")


def _sign_off_offset(probe: str) -> int | None:
    """Where a closing word that ends the word ``probe`` starts, or None."""
    m = _SIGN_OFF_END.search(probe) if probe.rstrip(",!.").endswith(_SIGN_OFF_WORDS) else None
    return m.start() if m else None


_SIGN_OFF_WORDS_MEMO = WordMemo(_sign_off_offset)


def cue_persons(text: str, low: str | None = None, vocab: Collection[str] | None = None) -> list[Person]:
    """Every name that a cue introduces, with the cue, in order.

    Args:
        text: the text.
        low: ``text`` lower-cased, each character at its index (:func:`._prefilter.lowered`);
            it may be the lower-cased text before :mod:`._case` changed the case of some letters.
        vocab: the distinct whitespace-separated words of ``low``.
    """
    persons: list[Person] = []
    n = len(text)
    for m in CUES.finditer(text):
        a = m.start()
        if a and (text[a - 1].isalnum() or text[a - 1] == "_"):
            continue
        cue = m.group()
        if cue in NEEDS_DOT and not text.startswith(".", m.end()):
            continue  # "Pat" and "Mag" are names and words too; as a cue they are abbreviations
        after = _AFTER_CUE.match(text, m.end(), min(n, m.end() + 80))
        if after is None:
            continue
        name = whole_name(text, *after.span(1), label=cue not in SALUTES)
        if name is None:
            continue
        name_start, name_end, words, surname_first = name
        if words[0] in ROLE_NOUNS and len(words) > 1:
            words = words[1:]  # "Sehr geehrte Kollegin Schmidt": the role, then the name
        # After a title a role noun is a surname ("Sehr geehrter Herr Leser", "Dear Mr. Spender"),
        # except the colleague a doctor's letter greets ("Sehr geehrte Frau Kollegin").
        surname = (
            words[0] in _SURNAMES_AFTER_TITLE
            and not words[0].startswith("Kolleg")
            and _TITLE_BEFORE.search(text, a, name_start)
        )
        if not surname and (
            words[0] in NOT_NAMES
            or (words[0] in DETERMINERS and words[0] not in _GIVEN_NAMES_TOO)
            or (words[0].isupper() and len(words[0]) <= 4)
        ):
            continue  # "Employee SSN", "Name: ID"
        known = surname_first or is_known(words[0])
        if (
            cue not in SALUTES
            and not known
            and words[0].endswith(_ABSTRACT_ENDINGS)
            and not _LABEL_END.match(text, m.end())
        ):
            continue  # "Employee Assistance Program", "Patient Engagement Team": a programme, not a person
        if cue not in SALUTES and any(w in SOFTWARE for w in words):
            continue  # "Name: Ubuntu Linux", "Reporter: Jenkins Bot": a product or a bot, not a person
        if cue == "Pat" and not known and len(words) == 1 and not noun_shaped(words[0], strict=False):
            known = True  # "Pat. Celik": the abbreviation only ever stands before a patient's name
        if cue == "Patienten" and not known and noun_shaped(words[0]):
            continue  # "Patienten Aufklärung", "Patienten Diabetes": the plural before a noun, not a surname
        if cue in _NAME_LABELS and not known:
            # "Name Server", "Name.Variable", "Name: PyJWT": a field label introduces a name as its
            # value (after ":", a tab or a line break), and an identifier is not one.
            if (
                not _LABEL_END.match(text, m.end())
                or _IDENTIFIER.search(words[0])
                or _attribute_in_code(text, a)  # "Name = Token.Name\nLiteral = ...": code
                or _thing_field(text, a)  # "Log Name:      System": a field of a thing (_field_labels reads persons')
                or thing_record(text, a)
            ):
                continue
        if (cue in GREETINGS or cue in KNOWN_ONLY or cue in ("Hi", "Hey", "Kunde", "Kundin")) and not known:
            # "Hallo Anna", "Dear John", "Kontaktperson: Hans Müller": the cue needs a name the lexicon knows;
            # a form field for a person's role holds a first name and a surname ("Mieter: Asger Baastrup").
            if not (cue in PERSON_ROLES and _ROLE_END.match(text, m.end()) and name_pair(words)):
                continue
        if len(words) > 1 and words[1] in NOT_NAMES:
            name_end = text.index(words[0], name_start) + len(words[0])
        if is_excluded(text, name_start, name_end, cue):
            if not surname_first:
                continue
            name_end = text.rindex(",", name_start, name_end)  # the surname alone, as before the first name
            if is_excluded(text, name_start, name_end, cue):
                continue
        persons.append((a, name_end))
    for m in _sign_offs(text, low, vocab):
        name_start, name_end = m.span(1)
        name = whole_name(text, name_start, name_end, label=False)
        if name is not None:
            name_start, name_end, words, _ = name
            if words[0] in first_names() or (len(words) > 1 and words[-1] in surnames()):
                if not is_excluded(text, name_start, name_end):
                    persons.append((name_start, name_end))
    return persons


_GERMAN_PREPOSITIONS = frozenset({"zu", "zur", "zum", "vom"})  # "Frau vom Amt", "Herr Meier zur Kenntnis"
_OLD_PARTICLES = frozenset({"von", "van", "de", "der", "zu"})
_FIRST_AFTER_SURNAME = re.compile(rf",[ ]?({NAME_WORD})(?=[ \t]*(?:[\r\n,;(]|\Z|[ ](?:geb|\*|born|\d)))")


_GIVEN_NAMES_TOO = frozenset({"An", "My", "Des", "Den", "Dem", "A"})  # "Name: An Nguyen", "Des O'Brien"


def is_known(word: str) -> bool:
    """Whether the lexicon knows ``word`` as a first name or surname ("Hans-Peter": each part a first name).

    Its rare names count too ("Hi Tarek", "Kontakt: Esfandiari"): a cue stands before the word.
    """
    first, last = wide_first_names(), wide_surnames()
    if word in first or word in last:
        return True
    parts = word.split("-")
    return len(parts) > 1 and all(part in first for part in parts)


def whole_name(text: str, start: int, end: int, *, label: bool) -> tuple[int, int, list[str], bool] | None:
    """The name matched at ``[start, end)`` with its particles checked, and its words without them.

    A particle continues a name after a first name ("Burkhard zur Hausen"); after a surname a
    German preposition starts a phrase ("Herr Meier zur Kenntnis"), so the name ends before it.
    After a label, a surname may come first ("Pat.: Klabauter, Gerlinde"): the first name after the
    comma is part of the name. Returns ``(start, end, words, surname_first)``, or None.
    """
    words = text[start:end].split()
    core = [w for w in words if w not in PARTICLES]
    if not core:
        return None
    lead = len(words) - len(words[words.index(core[0]) :])
    if lead:  # "Frau von der Leyen"; "Frau vom Amt" and "Herr zu Hause" are no names
        if words[0] in _GERMAN_PREPOSITIONS and core[0] not in surnames():
            if not (label and _FIRST_AFTER_SURNAME.match(text, end)):
                return None
    elif len(core) > 1:
        inner = words[1 : words.index(core[1], 1)]
        if inner and not is_first_name(core[0]):
            if len(inner) > 1 or inner[0] not in _OLD_PARTICLES or inner[0] in _GERMAN_PREPOSITIONS:
                end = start + len(words[0])  # "Herr Meier zur Kenntnis", "Herr Meier vom Vertrieb"
                core = core[:1]
    if len(core) > 2 and core[1].lower() not in PARTICLES:
        # "Frau Anna Schmidt von der Post": a third word is a surname's only after a re-cased particle
        end = text.index(core[1], start + len(core[0])) + len(core[1])
        core = core[:2]
    surname_first = False
    if label and len(core) == 1:
        m = _FIRST_AFTER_SURNAME.match(text, end)
        if m is not None and is_first_name(m.group(1)):
            end, surname_first = m.end(1), True
            core.append(m.group(1))
    return start, end, core, surname_first


def name_pair(words: list[str]) -> bool:
    """Whether ``words`` read as a first name and a surname the lexicon does not know ("Asger Baastrup")."""
    return len(words) == 2 and unknown_name_pair(*words) and not words[1].endswith(NOUN_ENDINGS)


def _sign_offs(text: str, low: str | None, vocab: Collection[str] | None) -> Iterator[re.Match[str]]:
    """``_SIGN_OFFS.finditer(text)``, tried only where a closing word ends a word of ``low``."""
    if low is None or vocab is None or len(low) != len(text):
        yield from _SIGN_OFFS.finditer(text)
        return
    # A closing word written with a letter that only IGNORECASE reads as ASCII ("thanks" with a
    # long s) is tested in its folded form; the fold of a word never changes, so the cache holds.
    folds = folded_words(low, vocab)
    # Every match of _SIGN_OFFS starts at one of these (no closing word ends another), so trying
    # them in order, each from the end of the last match, gives exactly what finditer gives.
    last_end = 0
    for a in offset_starts(_SIGN_OFF_WORDS_MEMO, low, vocab, folds):
        if a >= last_end:
            m = _SIGN_OFFS.match(text, a)
            if m is not None:
                yield m
                last_end = m.end()


# The fields of a thing whose "Name" a record or a log lists ("Log Name:", "Computer Name:", "Host Name:"); a
# person's compound field is :mod:`._field_labels`' to read, and any other word before the label leaves it a cue.
_THING_FIELD_BEFORE = re.compile(
    r"(?<![\w])(?i:log|computer|host|source|file|device|product|domain|event|task|service|package|table|column"
    r"|field|server|project|process|application|app|machine|printer|network|queue|bucket|database|schema|index"
    r"|class|method|function|variable|module|object|property|attribute|key|tag|branch|repository|repo|image"
    r"|container|pod|cluster|node|volume|disk|share|folder|directory|path|feature|model|dataset|job|workflow"
    r"|pipeline|channel|provider|plugin|library|font|color|colour|layer|sheet|bank)[ _\-]\Z"
)


def _thing_field(text: str, a: int) -> bool:
    """Whether the "Name" label at ``a`` is a thing's field ("Log Name:      System", "Computer Name: DESKTOP-1")."""
    return _THING_FIELD_BEFORE.search(text, max(0, a - 16), a) is not None


def _attribute_in_code(text: str, a: int) -> bool:
    """Whether the label at ``a`` is an attribute ("Token.Name") on a line of code (an assignment)."""
    if a < 2 or text[a - 1] != "." or not text[a - 2].isalnum():
        return False
    line_start = text.rfind("\n", 0, a) + 1
    return " = " in text[line_start:a]


def unknown_name_pair(a: str, b: str) -> bool:
    return (
        a not in NOT_NAMES
        and b not in NOT_NAMES
        and a not in NOT_BEFORE_SURNAME
        and b not in NOT_BEFORE_SURNAME
        and a not in NOT_BEFORE_IN_PROSE
        and not a.isupper()
        and not b.isupper()
        and len(a) > 2
        and len(b) > 2
    )
