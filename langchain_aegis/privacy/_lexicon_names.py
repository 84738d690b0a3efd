"""Names without a cue: what the lexicon and a name's spelling recognise next to what is said of a person.

The people scanner (:mod:`._health`) reads the words around each health term, special category and
address with :func:`lexicon_persons`: a known first name before a capitalised word ("Anna Schmidt"), a
capitalised word before a known surname ("Ayşe Johnson"), a list's "SURNAME, Given:" entry, a pair
spelled as only names are ("Tuğba Doğan"), a first name or a surname alone opening a clause ("Gareth
ist ...", "Müller hat ..."). Companies, laws, eponyms, brands and streets are not names
(:mod:`._not_names`). Split from :mod:`._names` (its cues) along that line.
"""

from __future__ import annotations

import re

from langchain_aegis.privacy._lexicon import (
    first_names,
    is_first_name,
    ordinary_first_names,
    surnames,
    wide_first_names,
    wide_surnames,
)
from langchain_aegis.privacy._name_words import (
    CLAUSE_VERBS,
    NOT_BEFORE_IN_PROSE,
    NOT_BEFORE_SURNAME,
    NOT_NAMES,
    NOUN_ENDINGS,
    ROLE_NOUNS,
)
from langchain_aegis.privacy._names import UPPER, Person, unknown_name_pair
from langchain_aegis.privacy._not_names import SURNAME_SHAPE, is_excluded, noun_shaped, street_after_house_number
from langchain_aegis.privacy._patterns import HEALTH_TERMS

__all__ = ["lexicon_persons", "name_spelled"]

# Without the "O'" of NAME_WORD: a pattern that starts with a class is found by a fast scan (every window of a term).
_CAPITALISED = re.compile(rf"[{UPPER}][^\W\d_]+(?:-[{UPPER}][^\W\d_]+)?")


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
_CAPITAL_AFTER = re.compile(rf" [{UPPER}]")
_AFTER_GIVEN = re.compile(rf"( [{UPPER}][^\W\d_]+)?(?: \(|,|\n|:| \*| [\u2013\u2014\-|] )")


def _surname_comma_given(
    text: str, word: str, second: str, n_end: int, first: frozenset[str], last: frozenset[str]
) -> int:
    """Where the given names end if ``word, second`` is a surname and a given name, else -1.

    A lexicon surname (also in capitals) before a first name, or a capitalised word before a given
    name that ends a list's entry ("Özkan, Emine: Jahresgehalt"), when either is the lexicon's or the
    surname is in capitals. ``first`` and ``last``: the lexicon's names to read.
    """
    surname = word in last or (word.isupper() and word.capitalize() in last)
    if surname and is_first_name(second, first):
        return n_end
    if word.isupper() and second.isupper() and len(second) > 1:
        # "SCHMIDT, ANNA: TSH 0,02": a record in capitals, when the lexicon knows either name
        known = word.capitalize() in last or is_first_name(second.capitalize(), first)
        entry = _AFTER_GIVEN.match(text, n_end)
        return (entry.end(1) if entry.group(1) else n_end) if known and entry is not None else -1
    if word in NOT_NAMES or second in NOT_NAMES or second.isupper() or len(word) < 2:
        return -1
    if second in ROLE_NOUNS or second.endswith(_ROLE_ENDINGS) or noun_shaped(second):
        return -1  # "Dr. med. Neumann, Oberarzt": a role after the name, not a given name
    entry = _AFTER_GIVEN.match(text, n_end)
    if entry is None or not (surname or word.isupper() or is_first_name(second, first)):
        return -1
    return entry.end(1) if entry.group(1) else n_end


# What may stand between a first name and its surname: a nobiliary or a Dutch, Romance or Irish particle.
_NAME_PARTICLES = frozenset(
    f" {particle}{space}"
    for particle in ("von", "van", "de", "da", "di", "del", "della", "dos", "du", "ter", "ten", "zu", "von der",
                     "van der", "van den", "de la")
    for space in (" ",)
) | frozenset({" O'", " O\u2019", " D'", " D\u2019"})  # fmt: skip


_PLACE_WORDS = frozenset("North South East West New Costa Puerto Porto Saint Lake Mount Fort Port Rio Buenos".split())  # noqa: SIM905


def _capitals_pair(
    text: str, start: int, word: str, n_end: int, second: str, first: frozenset[str], last: frozenset[str]
) -> Person | None:
    """A name written with its surname or both names in capitals, in text that is not ("SHONA GRIEVE: IVF",
    "Defendant: WRÓBEL Agnieszka", "LIJUAN LIU, aged 28"): a first name before a word in capitals, as
    "Anna Schmidt" is one before a capitalised word, or a surname before a first name."""
    given, other = word.capitalize(), second.capitalize() if second.isupper() else second
    ordinary = ordinary_first_names()
    known = (given in first and given not in ordinary and other in last) or (
        given in last and other in first and other not in ordinary
    )
    if given in _PLACE_WORDS or given in NOT_BEFORE_SURNAME:
        return None  # "NORTH CAROLINA", "COSTA RICA", "SAN DIEGO": a place in capitals
    if not known or word in NOT_NAMES or HEALTH_TERMS.match(second.lower()) or is_excluded(text, start, n_end):
        return None
    return (start, n_end)


_PLACE_BEFORE = re.compile(
    r"(?<![\w])(?:died|born|lived|lives|living|located|situated|moved|raised|buried|starb|geboren|lebte|lebt|wohnt)"
    r"[ ](?:in|near|at|nahe|bei)[ ]\Z"
)
# The counties and states a place is written with ("died in Higham, Kent", "born in Salem, Oregon").
_REGIONS = frozenset(
    """Kent Essex Surrey Sussex Devon Cornwall Dorset Somerset Wiltshire Hampshire Berkshire Oxfordshire Norfolk
    Suffolk Cambridgeshire Lincolnshire Yorkshire Lancashire Cheshire Derbyshire Staffordshire Shropshire
    Warwickshire Worcestershire Gloucestershire Herefordshire Northumberland Cumbria Durham Leicestershire
    Nottinghamshire Northamptonshire Buckinghamshire Bedfordshire Hertfordshire Middlesex Fife Perthshire Ayrshire
    Glamorgan Gwynedd Powys Antrim Down Armagh Tyrone Cork Kerry Galway Mayo Donegal Wicklow Alabama Alaska Arizona
    Arkansas California Colorado Connecticut Delaware Florida Georgia Hawaii Idaho Illinois Indiana Iowa Kansas
    Kentucky Louisiana Maine Maryland Massachusetts Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada
    Ohio Oklahoma Oregon Pennsylvania Tennessee Texas Utah Vermont Virginia Washington Wisconsin Wyoming Bayern
    Bavaria Hessen Sachsen Saxony Thüringen Brandenburg Tirol Tyrol Steiermark Kärnten Ontario Quebec""".split()  # noqa: SIM905
)


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


def lexicon_persons(
    text: str,
    lo: int,
    hi: int,
    memo: dict[tuple[int, int, int, int], Person | None] | None = None,
    written: str | None = None,
    *,
    wide: bool = False,
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
        wide: read the lexicon's rare names too (:func:`~._lexicon.wide_first_names`): for the people
            scanner, beside what is said of a person; not for a rule that reads any name in a paragraph.
    """
    first, last = (wide_first_names(), wide_surnames()) if wide else (first_names(), surnames())
    persons: list[Person] = []
    # Runs for every health term's window, so each word is read once (start, end, text).
    words = [(m.start(), m.end(), m.group()) for m in _CAPITALISED.finditer(text, lo, hi)]
    last_index = len(words) - 1
    for i, (start, end, word) in enumerate(words):
        following = words[i + 1] if i < last_index else None
        if memo is None:
            person = _lexicon_person(text, start, end, word, following, written, first, last)
        else:
            # What a word gives depends on the text, the word and the next word of the window only.
            key = (start, end, following[0], following[1]) if following else (start, end, -1, -1)
            if key in memo:
                person = memo[key]
            else:
                person = memo[key] = _lexicon_person(text, start, end, word, following, written, first, last)
        if person is not None:
            persons.append(person)
    return persons


def _lexicon_person(
    text: str,
    start: int,
    end: int,
    word: str,
    following: tuple[int, int, str] | None,
    written: str | None,
    first: frozenset[str],
    last: frozenset[str],
) -> Person | None:
    """The name that the capitalised ``word`` at ``[start, end)`` starts, given the word after it and the
    lexicon's ``first`` names and ``last`` names."""
    recased = written is not None and written[start] != text[start]  # a capital re-casing gave
    # The rare names (in ``first`` and ``last`` when the caller reads them) count only beside another name:
    # alone they make any capitalised word a name ("Nivea Creme", "Marke Hettich", "Positive Babinski").
    common_first, common_last = first_names(), surnames()
    if following is not None:
        n_start, n_end, second = following
        gap = text[end:n_start]
        if gap != " " and gap in _NAME_PARTICLES and not recased:
            # "Heike von Hagen", "Bram de Vries", "Caoimhe O'Mahony": a first name, a particle, a surname; not
            # "Santiago de Compostela", "Leonardo da Vinci Airport"
            if (
                word in common_first
                and word not in ordinary_first_names()
                and (second in last or name_spelled(second, second))
                and not _CAPITAL_AFTER.match(text, n_end)
            ):
                return None if is_excluded(text, start, n_end) else (start, n_end)
            return None
        if gap == " " and word.isupper() and len(word) > 1 and not recased:
            return _capitals_pair(text, start, word, n_end, second, first, last)
        if word in NOT_BEFORE_IN_PROSE and gap == " " and not recased:
            # "Können Sie Yilmaz ...", "On Monday Schulte was ...": the surname alone, where the pair would be a name
            tail = text[n_end : n_end + 12].split(maxsplit=1)
            verb = bool(tail) and tail[0].strip(",;:") in CLAUSE_VERBS and not second.endswith(NOUN_ENDINGS)
            if second in last or verb or name_spelled(second, second):
                return (n_start, n_end)
        # "Anna Schmidt" (a known first name), "Ayşe Johnson" (a known surname), "Braun, Anna"
        # A hyphenated first name ("Hans-Peter Knoblauch") is known when each part is a first name.
        known = (
            (is_first_name(word, common_first) and second not in NOT_NAMES)
            or (
                not recased
                and second in common_last
                and word not in NOT_NAMES
                and word not in NOT_BEFORE_SURNAME
                # "Lebenslauf Felix Horvat": a first name that a name goes on from starts it, surname or not
                and not (second in first and _CAPITAL_AFTER.match(text, n_end))
            )
            # "Dariush Farahani": both names known, one or both rare
            or (word in first and second in last and word not in ordinary_first_names())
            # "Wu Zhiwei": a surname before a given name that is no surname too, as Chinese names have it;
            # not "Morgan Stanley", "Goldman Sachs"
            or (
                not recased
                and word in last
                and word not in first
                and second in first
                and second not in last
                and second not in ordinary_first_names()
            )
        )
        # "died in Higham, Kent": a place and its county after "died in", not "Surname, Given"
        list_entry = gap == ", " and not (second in _REGIONS and _PLACE_BEFORE.search(text, max(0, start - 16), start))
        given_end = _surname_comma_given(text, word, second, n_end, first, last) if list_entry else -1
        if given_end >= 0:
            known = True  # "Braun, Anna", "Braun, Ayşe (geb. ...)", "HIGGINBOTHAM, Declan: Hb 68 g/L"
            n_end = given_end  # "HO, Phuong Linh:": both given names
        elif not known and not recased and gap == " " and unknown_name_pair(word, second):
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
        word in common_last
        or (not recased and _POSSESSIVE_VERB.match(text, end) is not None and _surname_like(text, start, word))
        or (not recased and len(word) > 2 and any(c in _NAME_LETTERS for c in word))  # "Ayşegül ist krank"
        or (not recased and word in common_first and word not in ordinary_first_names())  # "Gareth ist schwul"
    ):
        tail = text[end : end + 14].split(maxsplit=2)
        if tail and tail[0].strip(",;:") in CLAUSE_VERBS and not is_excluded(text, start, end):
            head = text[max(0, start - 5) : start].lower().split()
            if not head or head[-1] not in ("der", "die", "das", "im", "am", "the", "a", "ein", "eine", "von"):
                return (start, end)
    return None
