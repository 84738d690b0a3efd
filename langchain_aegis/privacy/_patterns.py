"""Every regular expression the detector uses, compiled once at import.

Speed comes from the shape of these patterns more than from their number.
CPython's ``re`` skips ahead in C only when a pattern starts with a literal or
a plain character class (its "charset prefix"); a pattern that starts with a
look-behind, ``\\b`` or a case-insensitive alternation is instead tried at
every position, which is what makes a naive detector slow. So:

* the prefilter patterns (``NUMBER_RUN``, ``DOC_TOKEN``, ``IPV6_HINT``,
  ``SALUTATION``) each start with a class and run over the whole text;
* keyword lists are matched against a *lower-cased* slice of a small window,
  built so that every alternative starts with a literal, and word boundaries
  are look-behinds placed after that first literal;
* everything else runs only inside the small windows the prefilter found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from langchain_aegis.privacy._people_terms import HEALTH_ARGS as _HEALTH_ARGS
from langchain_aegis.privacy._people_terms import SPECIAL_ARGS as _SPECIAL_ARGS

# Letters that may sit next to a keyword without it being part of a longer word.
_WORD = "a-z0-9äöüß"


def keyword_pattern(substrings: Iterable[str] = (), words: Iterable[str] = ()) -> re.Pattern[str]:
    """Compile lower-case keywords into one fast pattern for lower-cased text.

    Args:
        substrings: stems matched anywhere, also inside compounds
            ("krebs" finds "Brustkrebs"); written as plain text.
        words: keywords matched only as whole words ("hiv", "dob").

    The keywords become a trie ("dia(?:gnos|betes)"), so each position costs
    a few one-character tests instead of one test per keyword, and every
    alternative starts with a literal, which gives the pattern a charset
    prefix. A word's left boundary is a look-behind placed after its first
    character so it does not take that prefix away.
    """
    trie: _Trie = {}
    for stem in substrings:
        _insert(trie, [_SPACE if c == " " else c for c in stem])
    for word in words:
        tail = [_SPACE if c == " " else c for c in word[1:]]
        _insert(trie, [word[0], f"(?<![{_WORD}]{re.escape(word[0])})", *tail, f"(?![{_WORD}])"])
    return re.compile(_trie_regex(trie))


# A space inside a keyword also matches a line break: "Patient\nID: 4471-22" reads as "Patient ID".
_SPACE = r"(?:[ \t]|\r?\n)"


_Trie = dict[str, "_Trie"]
_END = ""  # marks the end of a keyword inside the trie


def _insert(trie: _Trie, tokens: list[str]) -> None:
    node = trie
    for token in tokens:
        node = node.setdefault(token, {})
    node[_END] = {}


def _trie_regex(node: _Trie) -> str:
    """The regex for a trie node: longer continuations first, so the longest keyword wins."""
    alternatives = []
    for token, child in node.items():
        if token == _END:
            continue
        fragment = token if token.startswith("(?") else re.escape(token)
        alternatives.append(fragment + _trie_regex(child))
    if _END in node:
        alternatives.append("")
    if len(alternatives) == 1:
        return alternatives[0]
    return "(?:" + "|".join(alternatives) + ")"


# --- prefilter ---------------------------------------------------------------

# Tried at every digit of the text, so written to fail fast: four digits spelt out, then the
# rest; separators and digits are disjoint, so the possessive forms (nothing given back) match
# exactly what ``[0-9](?:[ .\-/]?[0-9]){3,}`` matches, with less backtracking at a short run.
NUMBER_RUN = re.compile(r"[0-9][ .\-/]?+[0-9][ .\-/]?+[0-9][ .\-/]?+[0-9](?:[ .\-/]?+[0-9])*+")
"""Four or more digits joined by at most one space, dot, dash or slash each."""

DOC_TOKEN = re.compile(r"[CFGHJKLMNPRTVWXYZ][0-9CFGHJKLMNPRTVWXYZ]{8}")
"""Nine characters from the alphabet of German ID card and passport numbers."""

IPV6_HINT = re.compile(r":(?::|[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:)")
"""``::`` or four colons between hex groups: where an IPv6 address may be (times have two)."""

SALUTATION = re.compile(r"(?:Herrn?|Frau|Dr|Prof|Mrs?|Ms|Miss|Patient|patient)")
"""Salutations and titles that introduce a named person."""

# --- validating patterns, run inside windows ------------------------------------

EMAIL_LOCAL = re.compile(r"[\w.%+\-]{1,64}\Z")
EMAIL_DOMAIN = re.compile(r"(?:[^\W_](?:[\w\-]{0,61}[^\W_])?\.)+[^\W\d_]{2,24}(?![\w\-]|\.[^\W_])")

PHONE = re.compile(
    r"""
    (?:
        (?:\+|00)[1-9](?:[ \-./()]{0,2}[0-9]){6,14}              # +49 30 1234567, +44 (0)20 ..., 0049 ...
      | \(?0[ ]?[1-9][0-9]{1,4}\)?(?:(?:[ ]/[ ]|[ \-/.]{0,2})[0-9]){5,10}  # 030 12345678, (0 30) 1, 030 / 1234
      | (?:1[ \-.])?\(?[0-9]{3}\)?[ \-.]?[0-9]{3}[ \-.][0-9]{4}   # (415) 555-2671, 415.555.2671, 1-415-555-2671
    )
    (?![0-9])
    """,
    re.VERBOSE,
)

# A line break may stand between groups: LangChain joins text blocks with "\n", so an IBAN
# split over two blocks reaches the provider broken in the middle of a group; a table cell or
# a PDF copy breaks one after each group ("AT23 \n7747 \n6062"), a spreadsheet puts tabs there.
# Dashes join the groups as often ("NL91-ABNA-0417-1643-00"), and a space may part the country
# code from the check digits ("GB 24 MIDL 7598 ..."; the scanner then asks for a known country).
# mod-97 and the country's length keep the tolerance from costing precision.
IBAN = re.compile(r"[A-Za-z]{2} ?[0-9]{2}(?:[ \t\n\-]{0,2}[A-Za-z0-9]){11,30}")

IPV4 = re.compile(r"(?:[0-9]{1,3}\.){3}[0-9]{1,3}")

IPV6_HEAD = re.compile(r"[0-9A-Fa-f:]{1,40}\Z")
IPV6 = re.compile(
    r"(?<![\w:.])[0-9A-Fa-f:]+"
    r"(?:[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3})?(?:%[0-9A-Za-z]+)?(?![\w:]|\.[0-9])"
)

SSN_SHAPE = re.compile(r"([0-9]{3})([ \-.]?)([0-9]{2})\2([0-9]{4})")

# Month names and abbreviations, DE and EN, in any case ("15-NOV-1973"): a date only counts
# next to a birth keyword or a star, so a lower-case "mar" costs no precision.
MONTH = (
    r"(?i:Jan|Jän|Feb|Mär|Mrz|Mar|Maer|Apr|Mai|May|Jun|Jul|Aug|Sep|Okt|Oct|Nov|Dez|Dec)"
    r"(?i:[a-zä]{0,6})\.?"
)
DATE = re.compile(
    rf"""
    (?<![0-9])(?:
        [0-9]{{1,2}}\.[ ]?[0-9]{{1,2}}\.[ ]?(?:[0-9]{{4}}|[0-9]{{2}})    # 12.03.1985, 1. 3. 85
      | [0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}                               # 1985-03-12
      | [0-9]{{4}}[/.][0-9]{{1,2}}[/.][0-9]{{1,2}}                     # 1985/03/12, 1985.03.12
      | [0-9]{{1,2}}/[0-9]{{1,2}}/(?:[0-9]{{4}}|[0-9]{{2}})            # 03/12/1985
      | [0-9]{{1,2}}-[0-9]{{1,2}}-(?:[0-9]{{4}}|[0-9]{{2}})(?!-)        # 03-12-1985 (US forms), not in a phone
      | [0-9]{{1,2}}(?:\.|(?i:st|nd|rd|th))?[ ](?:(?i:of)[ ])?{MONTH},?[ ][0-9]{{4}}   # 3. März 1985, 3rd of May 1985
      | [0-9]{{1,2}}[.\-/]{MONTH}(?:(?<=\.)[ ]?|[\-/ ])[0-9]{{4}}  # 15-Nov-1973, 15.Nov.1973, 19.Mär. 1955
    )
    (?![0-9])
    | (?<![A-Za-z]){MONTH}[ ][0-9]{{1,2}}(?i:st|nd|rd|th)?,?[ ][0-9]{{4}}(?![0-9])  # March 3, 1985
    """,
    re.VERBOSE,
)

RECORD_VALUE = re.compile(
    r"[^\W\d_]*[\s:#=.\-]*(?:(?:nr|no|nummer|number|id)\.?[\s:#=]*)?"
    r"([A-Za-z]{0,4}[\-/]?[0-9](?:[\-/.]?[0-9A-Za-z]){3,})",
    re.IGNORECASE,
)

DOC_VALUE = re.compile(
    r"[^\W\d_]*[\s:#=.\-]*(?:(?:nr|no|nummer|number)\.?[\s:#=]*)?([A-Z0-9]{6,10})(?![\w])", re.IGNORECASE
)

PERSON = re.compile(
    r"""
    (?:Herrn?|Frau|Dr\.?|Prof\.?|Mrs?\.?|Ms\.?|Miss|[Pp]atient(?:in)?)
    (?:\s+(?:Dr\.|Prof\.|med\.))*
    \s+
    (?:[A-Z]\.\s*)?
    [A-ZÀ-ÖØ-Þ][^\W\d_]+(?:-[A-ZÀ-ÖØ-Þ][^\W\d_]+)?
    (?:\s[A-ZÀ-ÖØ-Þ][^\W\d_]+)?
    """,
    re.VERBOSE,
)

ICD10 = re.compile(r"[A-TV-Z](?<![0-9A-Za-z][A-TV-Z])[0-9]{2}\.[0-9]{1,2}(?![0-9A-Za-z])")
DOSAGE = re.compile(r"[0-9](?<![0-9A-Za-z.,][0-9])[0-9.,]*[ ]?(?:mg|mcg|µg|ml|IE|I\.E\.|IU)(?![A-Za-z])")

# --- keywords (lower-case) ---------------------------------------------------------

# Each list as (substrings, words): a substring may stand inside a longer word, a word stands whole.
_DOB = (
    (
        "geburtsdatum",
        "geboren",
        "geburtstag",
        "date of birth",
        "birth date",
        "birthdate",
        "birthday",
        # key names in code and data ("date_of_birth=", "dateOfBirth", "birth_date")
        "date_of_birth",
        "date-of-birth",
        "dateofbirth",
        "birth_date",
        "birth-date",
    ),
    ("geb.", "geb", "dob", "d.o.b.", "d.o.b", "born", "gebdat", "b.", "bday", "b-day"),
)
_DOB_YEAR = (
    ("jahrgang", "geboren", "geburtsjahr", "year of birth", "born in"),
    ("geb.", "born", "geb", "jg.", "jg", "b.", "dob", "d.o.b.", "d.o.b", "yob"),
)
_RECORD = (
    (
        "fallnummer", "fall-nr", "fallnr", "patienten-id", "patientenid", "patienten-nr", "patientennummer",
        "patient id", "patient-id", "patient no", "patient number", "medical record", "aufnahmenummer",
        "versichertennummer", "case number", "case id", "case-id", "case #",
    ),
    ("mrn", "case no", "case no."),
)  # fmt: skip
_ID_CARD = (
    ("ausweis", "id card", "id-card", "identity card", "identity document", "perso-nr", "perso nr"),
    ("pa-nr", "pa nr", "perso"),
)
_PASSPORT = (("reisepass", "passnummer", "pass-nr", "passport"), ("pass", "pass nr", "pass-no"))
_SSN = (("social security", "soc. sec", "soc sec", "social sec", "my social is"), ("ssn", "ss#", "ss #"))

DOB_KEYWORDS = keyword_pattern(substrings=_DOB[0], words=_DOB[1])
DOB_YEAR_KEYWORDS = keyword_pattern(substrings=_DOB_YEAR[0], words=_DOB_YEAR[1])
"""Keywords before a bare year that make it a year of birth ("Jahrgang 1961", "geb. 1961", "Jg 1961")."""
RECORD_KEYWORDS = keyword_pattern(substrings=_RECORD[0], words=_RECORD[1])
ID_CARD_KEYWORDS = keyword_pattern(substrings=_ID_CARD[0], words=_ID_CARD[1])
ID_CARD_TOKEN_KEYWORDS = keyword_pattern(
    substrings=(*_ID_CARD[0], "dokumentennummer", "document number"), words=_ID_CARD[1]
)
"""The ID card's labels, and "Dokumentennummer", which counts before an ID card's own alphabet only
(a document management system numbers its documents too)."""
PASSPORT_KEYWORDS = keyword_pattern(substrings=_PASSPORT[0], words=_PASSPORT[1])
SSN_KEYWORDS = keyword_pattern(substrings=_SSN[0], words=_SSN[1])
_LISTS = (_DOB, _DOB_YEAR, _RECORD, _ID_CARD, _PASSPORT, _SSN)
# The gate is the union of the lists, built from them, so no keyword can be missing from it
# (it once lacked "geb" and read "jahrgang" as a whole word only: "geb 1961" and
# "Jahrgangs 1961" were never looked at).
_ANY_SUBSTRINGS = tuple(dict.fromkeys(k for substrings, _ in _LISTS for k in substrings))
_ANY_WORDS = tuple(dict.fromkeys(k for _, words in _LISTS for k in words))
ANY_KEYWORD = keyword_pattern(substrings=_ANY_SUBSTRINGS, words=_ANY_WORDS)
"""Any keyword of the lists above: one cheap test before the specific ones."""
ANY_KEYWORD_TEXT = (*_ANY_SUBSTRINGS, *_ANY_WORDS)
ANY_KEYWORD_LITERAL = keyword_pattern(substrings=ANY_KEYWORD_TEXT)
"""The keywords of :data:`ANY_KEYWORD` without their word boundaries: where any of them may stand."""


STREET_KEYWORDS = (
    "straße", "strasse", "str.", "weg ", "gasse", "allee", "platz ", "ring ", "damm ", "ufer ", "chaussee",
    "street", "road", " ave", " lane", " drive", "boulevard", " blvd", " grove", " mews", " parade", " hill",
)  # fmt: skip
STREET_ABBREVIATIONS = ("st", "rd", "ln", "ct", "pl", "dr")  # "862 Main St, Austin": whole words only
STREET_HINT = keyword_pattern(substrings=STREET_KEYWORDS, words=STREET_ABBREVIATIONS)
"""Street words; an address is one with a house number, checked by ``STREET``/``EN_STREET``."""
STREET = re.compile(
    r"[A-ZÄÖÜ][\w\-äöüß]*(?:[Ss]traße|[Ss]trasse|[Ss]tr\.|[Ww]eg|[Gg]asse|[Aa]llee|[Pp]latz|[Rr]ing|[Dd]amm|[Uu]fer"
    r"|[Cc]haussee)[ ]?[0-9]{1,4}(?:[ ]?[a-z](?![\wäöüß])|[ ]?[-/][ ]?[0-9]{1,4}[a-z]?)?"
    r"(?:(?:,?[ ]+|[ ]*\r?\n[ ]*|[ ]+in[ ]+)(?:[0-9]{5}|[A-Z]-[0-9]{4,5}|[0-9]{4})[ ]+[A-ZÄÖÜ][\w\-äöüß]+"
    r"(?:[ ][A-ZÄÖÜa-z][\w\-äöüß.]+)?)?"
)
# One digit, then four: a pattern that starts with a repeat has no prefix re can skip ahead to.
POSTCODE = re.compile(r"[0-9][0-9]{4}(?![0-9])[ ]+[A-ZÄÖÜ][a-zäöüß]+(?:[ \-][a-zA-ZÄÖÜ(][\w.)äöüß]+)?")
POSTCODE_AT_CH = re.compile(
    r"[1-9][0-9]{3}[ ]+[A-ZÄÖÜ][a-zäöüßéèêàâçôû]+(?:[ \-][A-ZÄÖÜ(][\w.)äöüß]+)?(?=[ \t]*(?:[\r\n,.;)]|\Z))"
)
"""Austrian and Swiss postcodes: four digits, and the city at the end of its line or clause ("Genève" too)."""
# The street line before a postcode: capitalised words, an article between them ("Unter den Linden 7",
# "Auf der Heide 112", "An der Alster 5"), and the house number.
STREET_BEFORE = re.compile(
    # Articles inside a street's name: German, and French and Italian as Swiss streets have them
    # ("Unter den Linden 7", "Rue de Lausanne 12", "Avenue de la Gare 5", "Via della Posta 3").
    r"(?:[A-ZÄÖÜ][\w\-äöüß.]*[ ](?:(?:der|den|dem|die|das|de|du|des|la|le|del|della|dei|di)[ ]){0,2}){0,3}?"
    r"[A-ZÄÖÜ][\w\-äöüßéèàç.]*[ ]"
    r"[0-9]{1,4}(?:[ ]?[a-z](?![\wäöüß])|[ ]?[-/][ ]?[0-9]{1,4}[a-z]?)?"  # "5", "5a", "95 a", "27-14", "81/2"
    r"(?:/[0-9]{1,3}){0,2}"  # Vienna's stair and door: "Mariahilfer Straße 88/3/12"
    r"(?:,[ ]?|[ ]+in[ ]+|[ \t]*\r?\n[ \t]*|[ ]+[\-\u2013|][ ]+|[ ]*[;|][ ]*)(?:CH-|D-|A-)?\Z"
)
EN_STREET = re.compile(
    r"[0-9]{1,5}[ ]+(?:[A-Z][a-z]+[ ]+){1,3}(?:Street|St\b\.?|Road|Rd\b\.?|Avenue|Ave\b\.?|Lane|Ln\b\.?|Drive|"
    r"Dr\b\.?|Boulevard|Blvd\b\.?|Way|Court|Ct\b\.?|Place|Pl\b\.?|Terrace|Close|Crescent|Gardens|Grove|Mews"
    r"|Parade|Hill)"
    r"(?:,?[ ]+(?:Apt\.?|Suite|Flat)[ ]?[0-9A-Z]+)?"
    r"(?:,?[ ]+[A-Z][a-z]+(?:[ ][A-Z][a-z]+)?,?[ ]+(?:[A-Z]{2}[ ]+[0-9]{5}(?:-[0-9]{4})?|[A-Z]{1,2}[0-9][0-9A-Z]?[ ][0-9][A-Z]{2}))?"  # noqa: E501
)
POSTCODE_CITY = re.compile(r"(?<![0-9])[0-9]{5}[ ]+[A-ZÄÖÜ][a-zäöüß]+(?:[ \-][A-ZÄÖÜ(][\w.)äöüß]+)?")

HEALTH_TERMS = keyword_pattern(**_HEALTH_ARGS)
SPECIAL_TERMS = keyword_pattern(**_SPECIAL_ARGS)
PEOPLE_TERMS = keyword_pattern(
    substrings=(*_HEALTH_ARGS["substrings"], *_SPECIAL_ARGS["substrings"]),
    words=(*_HEALTH_ARGS["words"], *_SPECIAL_ARGS["words"]),
)
"""Health and special-category keywords in one pass; :data:`SPECIAL_KEYWORDS` tells them apart."""
PEOPLE_KEYWORDS = (
    *_HEALTH_ARGS["substrings"],
    *_SPECIAL_ARGS["substrings"],
    *_HEALTH_ARGS["words"],
    *_SPECIAL_ARGS["words"],
)
"""The keywords of :data:`PEOPLE_TERMS`."""
SPECIAL_KEYWORDS = frozenset(_SPECIAL_ARGS["substrings"]) | frozenset(_SPECIAL_ARGS["words"])
