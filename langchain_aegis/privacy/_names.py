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

from langchain_aegis.privacy._lexicon import first_names, ordinary_first_names, surnames
from langchain_aegis.privacy._name_words import (
    CLAUSE_VERBS,
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
    SURNAME_SHAPE,
    is_excluded,
    noun_shaped,
    street_after_house_number,
    thing_record,
)
from langchain_aegis.privacy._patterns import HEALTH_TERMS, _insert, _Trie, _trie_regex
from langchain_aegis.privacy._prefilter import WordMemo, folded_words, offset_starts

__all__ = [
    "LEADING",
    "NAME",
    "NAME_WORD",
    "PARTICLE",
    "PARTICLES",
    "Person",
    "cue_persons",
    "first_names",
    "is_first_name",
    "is_known",
    "lexicon_persons",
    "name_pair",
    "surnames",
    "whole_name",
]

Person = tuple[int, int]
"""A person's ``[start, end)`` span (cue included, so redaction removes "Frau Müller")."""

# Capitals of Latin-1 and of Latin Extended-A and -B ("Đorđević", "Łukasz", "Šimić", "Ștefan", "İlker").
_UPPER = "A-ZÀ-ÖØ-Þ" + "".join(c for c in map(chr, range(0x100, 0x250)) if c.isupper())
# "O'Brien", "D'Angelo" are one name word: the apostrophe would cut them to a lone "O".
NAME_WORD = rf"(?:[OD]['’])?[{_UPPER}][^\W\d_]+(?:-[{_UPPER}][^\W\d_]+)?"
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
    rf"(?:[{_UPPER}]\.[ \t]*)?({NAME})"
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
    """Whether the lexicon knows ``word`` as a first name or surname ("Hans-Peter": each part a first name)."""
    first, last = first_names(), surnames()
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
    return len(words) == 2 and _unknown_name_pair(*words) and not words[1].endswith(NOUN_ENDINGS)


def is_first_name(word: str) -> bool:
    first = first_names()
    return word in first or all(part in first for part in word.split("-"))


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


# Without the "O'" of NAME_WORD: a pattern that starts with a class is found by a fast scan (every window of a term).
_CAPITALISED = re.compile(rf"[{_UPPER}][^\W\d_]+(?:-[{_UPPER}][^\W\d_]+)?")


_CLAUSE_START = frozenset("\n.!?;:")
# A person has or takes something; a noun "is" or "becomes" (the copula follows nouns as often as names).
_POSSESSIVE_VERB = re.compile(
    r"[ ](?:hat|leidet|bekommt|nimmt|erhält|litt|klagt|braucht|benötigt|has|takes|suffers|receives|had|stopped"
    r"|started|underwent|needs)[ ]"
)


def _surname_like(text: str, start: int, word: str) -> bool:
    """An unknown capitalised word opening a clause, not shaped like a common noun ("Horvat hat ...")."""
    # The verb after the word first: one regex step that fails for almost every word.
    if not _POSSESSIVE_VERB.match(text, start + len(word)):
        return False
    if len(word) < 4 or word in NOT_NAMES or word in NOT_BEFORE_SURNAME:
        return False
    if word.endswith(NOUN_ENDINGS) and SURNAME_SHAPE.search(word) is None:
        return False
    if HEALTH_TERMS.match(word.lower()):
        return False  # "Blutdruck hat sich ...", "Zielwert ist ...": a noun, not a name
    before = text[max(0, start - 3) : start].rstrip(" \t")
    return not before or before[-1] in _CLAUSE_START


# What ends a "Surname, Given" entry of a list or a record: "Braun, Ayşe (geb. ...)", "Özkan, Emine: Jahresgehalt",
# "WÓJCIK, Zofia — 65 Botanic Avenue", "Ho, Phuong Linh | Blutdruck".
_ROLE_ENDINGS = ("arzt", "ärztin", "leiter", "leiterin", "pfleger", "pflegerin", "schwester", "manager", "direktor",
                 "direktorin", "officer", "nurse", "doctor", "assistent", "assistentin")  # fmt: skip
_CAPITAL_AFTER = re.compile(rf" [{_UPPER}]")
_AFTER_GIVEN = re.compile(rf"( [{_UPPER}][^\W\d_]+)?(?: \(|,|\n|:| \*| [\u2013\u2014\-|] )")


def _surname_comma_given(text: str, word: str, second: str, n_end: int) -> int:
    """Where the given names end if ``word, second`` is a surname and a given name, else -1.

    A lexicon surname (also in capitals) before a first name, or a capitalised word before a given
    name that ends a list's entry ("Özkan, Emine: Jahresgehalt"), when either is the lexicon's or the
    surname is in capitals.
    """
    surname = word in last_names_of(word)
    if surname and is_first_name(second):
        return n_end
    if word.isupper() and second.isupper() and len(second) > 1:
        # "SCHMIDT, ANNA: TSH 0,02": a record in capitals, when the lexicon knows either name
        known = word.capitalize() in surnames() or is_first_name(second.capitalize())
        entry = _AFTER_GIVEN.match(text, n_end)
        return (entry.end(1) if entry.group(1) else n_end) if known and entry is not None else -1
    if word in NOT_NAMES or second in NOT_NAMES or second.isupper() or len(word) < 2:
        return -1
    if second in ROLE_NOUNS or second.endswith(_ROLE_ENDINGS) or noun_shaped(second):
        return -1  # "Dr. med. Neumann, Oberarzt": a role after the name, not a given name
    entry = _AFTER_GIVEN.match(text, n_end)
    if entry is None or not (surname or word.isupper() or is_first_name(second)):
        return -1
    return entry.end(1) if entry.group(1) else n_end


def last_names_of(word: str) -> frozenset[str]:
    """The lexicon's surnames, with ``word`` written as the lexicon writes it when it is in capitals ("WÓJCIK")."""
    last = surnames()
    return last if not word.isupper() or word.capitalize() not in last else last | {word}


# Letters of Turkish, Polish, Czech, Romanian, Hungarian, Croatian and Vietnamese names that German and English
# words do not have (no ä, ö, ü, é, è: those are German and French words' too).
_NAME_LETTERS = frozenset("ğışçłżźśńęąćőűășțřčěůýžđơưãõñİŁŻŚĆČŘŠŽĐ") | frozenset(map(chr, range(0x1EA0, 0x1EFA)))
# Surname endings of the same languages (and Greek, Georgian, Swedish): "Kowalski", "Petrović", "Papadopoulos".
_SURNAME_ENDINGS = ("ski", "ska", "cki", "cka", "wicz", "ović", "ević", "oğlu", "oglu", "opoulos", "akis", "idis",
                    "enko", "czyk", "czuk", "chuk", "shvili", "escu", "eanu", "ová", "sson", "dóttir")  # fmt: skip


def name_spelled(first: str, second: str) -> bool:
    """Whether two capitalised words are spelled as only names are: a name's letters or a surname's ending."""
    return (
        second.endswith(_SURNAME_ENDINGS)
        or any(c in _NAME_LETTERS for c in second)
        or any(c in _NAME_LETTERS for c in first)
    )


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


def _unknown_name_pair(a: str, b: str) -> bool:
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


def lexicon_persons(
    text: str,
    lo: int,
    hi: int,
    memo: dict[tuple[int, int, int, int], Person | None] | None = None,
    written: str | None = None,
) -> list[Person]:
    """Names the lexicon recognises in ``text[lo:hi]``, without a cue.

    "Anna Schmidt" (a first name and a capitalised word), and a known surname
    opening a clause with a verb ("Müller hat Diabetes", "Smith has HIV").

    Args:
        text: the text.
        lo: where the window starts.
        hi: where it ends.
        memo: what a word and the word after it gave in an earlier window of the same
            ``text`` (windows around nearby terms overlap); the caller keeps one per text.
        written: the text as typed, where ``text`` is its re-cased copy (:mod:`._case`). A capital
            that re-casing gave a word is no writer's signal: such a word starts a name only as a
            lexicon first name or a lexicon surname opening a clause ("müller hat ..."), not as
            any word before a surname ("very long") or an unknown pair before a verb ("given value is").
    """
    persons: list[Person] = []
    # Runs for every health term's window, so each word is read once (start, end, text).
    words = [(m.start(), m.end(), m.group()) for m in _CAPITALISED.finditer(text, lo, hi)]
    last_index = len(words) - 1
    for i, (start, end, word) in enumerate(words):
        following = words[i + 1] if i < last_index else None
        if memo is None:
            person = _lexicon_person(text, start, end, word, following, written)
        else:
            # What a word gives depends on the text, the word and the next word of the window only.
            key = (start, end, following[0], following[1]) if following else (start, end, -1, -1)
            if key in memo:
                person = memo[key]
            else:
                person = memo[key] = _lexicon_person(text, start, end, word, following, written)
        if person is not None:
            persons.append(person)
    return persons


def _lexicon_person(
    text: str, start: int, end: int, word: str, following: tuple[int, int, str] | None, written: str | None = None
) -> Person | None:
    """The name that the capitalised ``word`` at ``[start, end)`` starts, given the word after it."""
    first, last = first_names(), surnames()
    recased = written is not None and written[start] != text[start]  # a capital re-casing gave
    if following is not None:
        n_start, n_end, second = following
        gap = text[end:n_start]
        if word in NOT_BEFORE_IN_PROSE and gap == " " and not recased:
            # "Können Sie Yilmaz ...", "On Monday Schulte was ...": the surname alone, where the pair would be a name
            tail = text[n_end : n_end + 12].split(maxsplit=1)
            verb = bool(tail) and tail[0].strip(",;:") in CLAUSE_VERBS and not second.endswith(NOUN_ENDINGS)
            if second in last or verb or name_spelled(second, second):
                return (n_start, n_end)
        # "Anna Schmidt" (a known first name), "Ayşe Johnson" (a known surname), "Braun, Anna"
        # A hyphenated first name ("Hans-Peter Knoblauch") is known when each part is a first name.
        known = ((word in first or ("-" in word and is_first_name(word))) and second not in NOT_NAMES) or (
            not recased
            and second in last
            and word not in NOT_NAMES
            and word not in NOT_BEFORE_SURNAME
            # "Lebenslauf Felix Horvat": a first name that a name goes on from starts it, surname or not
            and not (second in first and _CAPITAL_AFTER.match(text, n_end))
        )
        given_end = _surname_comma_given(text, word, second, n_end) if gap == ", " else -1
        if given_end >= 0:
            known = True  # "Braun, Anna", "Braun, Ayşe (geb. ...)", "HIGGINBOTHAM, Declan: Hb 68 g/L"
            n_end = given_end  # "HO, Phuong Linh:": both given names
        elif not known and not recased and gap == " " and _unknown_name_pair(word, second):
            # "Ioana Brennecke is ...": two unknown capitalised words opening a clause; "Tuğba Doğan",
            # "Gülşen Şahin": a pair that only a name is spelled like (its "-in" no noun's), next to what the
            # window is about.
            tail = text[n_end : n_end + 12].split(maxsplit=1)
            known = (not second.endswith(NOUN_ENDINGS) and bool(tail) and tail[0].strip(",;:") in CLAUSE_VERBS) or (
                name_spelled(word, second) and not _CAPITAL_AFTER.match(text, n_end)  # not "Personalakte Ayşe Fischer"
            )
        elif gap != " ":
            known = False
        # Not "17 Mill Lane": a word before a surname, after a house number, opens a street.
        street = street_after_house_number(text, start, second)
        if known and not street and not is_excluded(text, start, n_end):
            return (start, n_end)
    # The possessive verb after the word is tested here, before the call that needs it.
    if (
        word in last
        or (not recased and _POSSESSIVE_VERB.match(text, end) is not None and _surname_like(text, start, word))
        or (not recased and len(word) > 2 and any(c in _NAME_LETTERS for c in word))  # "Ayşegül ist krank"
        or (not recased and word in first and word not in ordinary_first_names())  # "Gareth ist schwul"
    ):
        tail = text[end : end + 14].split(maxsplit=2)
        if tail and tail[0].strip(",;:") in CLAUSE_VERBS and not is_excluded(text, start, end):
            head = text[max(0, start - 5) : start].lower().split()
            if not head or head[-1] not in ("der", "die", "das", "im", "am", "the", "a", "ein", "eine", "von"):
                return (start, end)
    return None
